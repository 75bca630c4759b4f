"""The version of every stored document, and the migrations that bring older ones up to date.

Documents are upgraded as they are read (`migrate`), so the next save writes them in the
current schema; a document from a newer painclinic is refused, never quarantined.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from painclinic.store.atomic import Tables, Unparseable
from painclinic.store.errors import StoreError

SCHEMA = 1


def _from_v0(doc: dict[str, Any]) -> dict[str, Any]:
    """Schema 0, the pre-release layout: no `schema` key; a visit kept its record under `data`
    and its revision under `rev`; a patient document kept the patient under `data`."""
    out = {k: v for k, v in doc.items() if k not in ("data", "rev")}
    if "rev" in doc:
        out["revision"] = doc["rev"]
        out["record"] = doc.get("data", {})
    elif "data" in doc:
        out["patient"] = doc["data"]
    out["schema"] = 1
    return out


# MIGRATIONS[n] turns a schema-n document into a schema-(n+1) one. Documents are upgraded as
# they are read, so the next save writes them in the current schema.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _from_v0}


def migrate(path: Path, tables: Tables) -> Tables:
    for table in tables.values():
        for key, doc in table.items():
            version = doc.get("schema", 0)
            if version == SCHEMA:
                continue
            if not isinstance(version, int) or version > SCHEMA:
                # Not corruption: never quarantine a file a newer painclinic can read.
                shown = version if isinstance(version, int) else "not a number"
                raise StoreError(
                    f"{path} was written by a newer painclinic (document schema {shown};"
                    f" this version reads up to {SCHEMA}). Nothing was changed.",
                    "Upgrade painclinic on this computer before opening this data folder.",
                )
            if isinstance(version, bool) or version not in MIGRATIONS:  # below 0
                raise Unparseable(path, "a document has a schema number no painclinic wrote")
            while version < SCHEMA:
                doc = MIGRATIONS[version](doc)
                version = doc["schema"]
            table[key] = doc
    return tables
