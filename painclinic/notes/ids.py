"""Deterministic identifiers for exported resources: same visit and item, same id."""

from __future__ import annotations

import uuid

from painclinic.model import Visit

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://painclinic.invalid/notes")


def visit_key(visit: Visit) -> str:
    """A visit's identity: patient id (or 'anonymous'), visit date and type."""
    patient = visit.patient.id or "anonymous"
    return f"{patient}|{visit.visit.date.isoformat()}|{visit.visit.type}"


def item_uuid(visit: Visit, *parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "|".join([visit_key(visit), *map(str, parts)])))
