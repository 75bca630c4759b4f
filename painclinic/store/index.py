"""The patient index: 64 small TinyDB shards of patient summaries, chosen by patient id.

Derived data: each entry is computed from a patient file (`summary_entry`) and the whole index
can be rebuilt from the patient files. Sharding keeps a save's index write small (one shard of
about n/64 patients) while a search reads 64 files, whatever the number of patients.

A save marks its patient *pending* before committing the patient file and clears the mark once
the shard agrees; a process killed in between leaves the mark, and the store refreshes that one
summary before its next listing, so the index is never silently stale.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tinydb import Query

from painclinic.store.atomic import FILE_MODE, Tables, Unparseable, make_dir
from painclinic.store.files import Files
from painclinic.store.schema import SCHEMA

SHARDS = 64
Entry = dict[str, Any]


def shard_of(patient_id: str) -> int:
    # crc32, not hash(): it must pick the same shard in every process and every Python.
    return zlib.crc32(patient_id.encode("utf-8")) % SHARDS


def record_date(visit_doc: dict[str, Any]) -> str:
    return str(((visit_doc.get("record") or {}).get("visit") or {}).get("date", ""))


def summary_entry(patient_id: str, tables: Tables) -> Entry:
    """The PatientSummary fields, as JSON, for one patient file's contents."""
    patient = (tables.get("patient", {}).get("1") or {}).get("patient") or {}
    visits = tables.get("visits", {})
    latest = max(visits.items(), key=lambda kv: (record_date(kv[1]), int(kv[0])), default=None)
    age = patient.get("age")
    checkpoints: list[list[str]] = []
    last_visit = None
    if latest is not None:
        key, doc = latest
        last_visit = record_date(doc) or None
        born = patient.get("birth_date")
        if age is None and born and last_visit:  # age on the visit date, never today's
            b, v = dt.date.fromisoformat(born), dt.date.fromisoformat(last_visit)
            age = v.year - b.year - ((v.month, v.day) < (b.month, b.day))
        plan = doc.get("record", {}).get("plan") or {}
        # The worklist rule (painclinic/worklist.py): the latest visit's planned checkpoints
        # that are not yet done. A done one has been dealt with and leaves every list.
        checkpoints = sorted(
            [c["date"], c.get("label", ""), f"{patient_id}-v{key}"]
            for c in plan.get("checkpoints", [])
            if not c.get("done")
        )
    return {
        "schema": SCHEMA,
        "id": patient_id,
        "name": patient.get("name") or "",
        "age": age,
        "sex": patient.get("sex"),
        "last_visit": last_visit,
        "visit_count": len(visits),
        "checkpoints": checkpoints,
    }


class ShardIndex:
    def __init__(self, files: Files, folder: Path, patients: Path) -> None:
        self.files = files
        self.folder = folder
        self.patients = patients
        self.pending = folder / "pending"

    def ensure(self) -> bool:
        """Create the folders; True when the index folder had to be created."""
        created = not self.folder.is_dir()
        make_dir(self.folder)
        make_dir(self.pending)
        return created

    def path(self, shard: int) -> Path:
        return self.folder / f"{shard:02d}.json"

    def entries(self) -> tuple[list[Entry], list[str]]:
        """Every summary, shard by shard, lock-free. A broken or unusable shard is quarantined
        and rebuilt from the patient files; also returns the ids of unusable patient files met
        while rebuilding (the caller quarantines and reports them)."""
        out: list[Entry] = []
        unreadable: list[str] = []
        for shard in range(SHARDS):
            tables = self.files.checked_snapshot(
                self.path(shard), self._replace_broken(shard, unreadable)
            )
            out.extend((tables or {}).get("patients", {}).values())
        return out, unreadable

    def _replace_broken(self, shard: int, unreadable: list[str]) -> Callable[[Unparseable], Tables]:
        """Called under the shard's lock: quarantine it, rebuild it from the patient files."""

        def rebuild(exc: Unparseable) -> Tables:
            tables = self._rebuilt(shard, exc, unreadable)
            self.files.db(self.path(shard)).storage.write(tables)
            return tables

        return rebuild

    def put(self, patient_id: str, entry: Entry | None) -> None:
        """Set (or with None, remove) one patient's summary. Caller holds the patient's lock,
        so shard updates land in the same order as that patient's saves."""
        shard = shard_of(patient_id)
        with self.files.transaction(self.path(shard), lambda e: self._rebuilt(shard, e, [])) as db:
            table = db.table("patients")
            old = table.get(Query().id == patient_id)
            if entry is None:
                if old is not None:
                    table.remove(doc_ids=[old.doc_id])
            elif old is None:
                table.insert(entry)
            elif dict(old) != entry:  # an autosave that changes no summary field writes nothing
                table.update(entry, doc_ids=[old.doc_id])

    def rebuild(self) -> tuple[int, list[str]]:
        """Recompute every shard; returns the patient count and the unreadable patient ids."""
        count, unreadable = 0, []
        for shard in range(SHARDS):
            with self.files.locked(self.path(shard)):
                entries, bad = self._entries_from_files(shard)
                self.files.db(self.path(shard)).storage.write(_as_tables(entries))
            count += len(entries)
            unreadable += bad
        return count, unreadable

    def _rebuilt(self, shard: int, exc: Unparseable, unreadable: list[str]) -> Tables:
        self.files.quarantine(self.path(shard), exc)  # derived data: rebuild, do not fail
        entries, bad = self._entries_from_files(shard)
        unreadable += bad
        return _as_tables(entries)

    def _entries_from_files(self, shard: int) -> tuple[list[Entry], list[str]]:
        """Summaries of one shard's patients, from their files; lists the folder afresh, so
        under the shard lock no concurrent save can be missed. Unreadable files are skipped
        (and returned): the store reports them when they are opened."""
        entries, unreadable = [], []
        for name in sorted(os.listdir(self.patients)):
            if not name.endswith(".json") or name.startswith("."):
                continue  # lock files and the dot-named temporary files of unfinished writes
            patient_id = name.removesuffix(".json")
            if shard_of(patient_id) != shard:
                continue
            try:
                tables = self.files.snapshot(self.patients / name)
            except Unparseable:
                unreadable.append(patient_id)
                continue
            if tables is not None:
                entries.append(summary_entry(patient_id, tables))
        return entries, unreadable

    # ------------------------------------------------------------ pending marks

    def mark_pending(self, patient_id: str) -> None:
        # No fsync: the mark guards against a killed process, and the OS cache survives that.
        os.close(os.open(self.pending / patient_id, os.O_WRONLY | os.O_CREAT, FILE_MODE))

    def clear_pending(self, patient_id: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.pending / patient_id)

    def is_pending(self, patient_id: str) -> bool:
        return (self.pending / patient_id).exists()

    def pending_ids(self) -> list[str]:
        try:
            return sorted(os.listdir(self.pending))
        except FileNotFoundError:
            return []


def _as_tables(entries: list[Entry]) -> Tables:
    return {"patients": {str(i): e for i, e in enumerate(entries, 1)}}
