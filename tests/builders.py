"""Small builders for visit records in tests: a clean baseline visit plus targeted changes."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from typing import Any

from painclinic import assess
from painclinic.model import Assessment, Patient, Visit
from painclinic.session import VisitSession
from painclinic.store import RecordStore
from painclinic.validation import visit_from_data

BASE: dict[str, Any] = {
    "schema": "painclinic.visit/1",
    "patient": {
        "id": "t-1",
        "name": "Test Patient",
        "age": 40,
        "sex": "female",
        "comorbidities": [],
        "medications": [],
    },
    "visit": {"date": "2026-11-27", "type": "initial"},
    "history": {
        "chief_complaint": "Low back pain",
        "region": "low_back",
        "side": "midline",
        "duration_weeks": 20,
        "onset": "gradual",
        "radiation": [],
        "descriptors": ["aching"],
        "pain": {"now": 5, "worst": 6, "least": 3},
        "red_flags": {},
    },
    "exam": {},
}


def merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge `changes` into a copy of `base` (dicts merge, everything else replaces)."""
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def visit(**changes: Any) -> Visit:
    return visit_from_data(merge(BASE, changes), source="<test visit>")


def assessed(**changes: Any) -> Assessment:
    return assess(visit(**changes))


def stored_visit(
    store: RecordStore,
    date: dt.date,
    answers: Mapping[str, object],
    *,
    name: str = "Test Patient",
    age: int = 45,
) -> str:
    """A new initial visit saved in `store`, its answers set through the session as the app
    sets them (each must be accepted); the visit's id."""
    session = VisitSession.new_initial(store, Patient(name=name, age=age), date)
    for path, value in answers.items():
        assert session.set(path, value) is None, path
    return session.visit_id
