"""What a stored patient file and an index shard must hold, beyond parsing as TinyDB JSON.

A file can parse and still be unusable: a visit without `revision` or `record.visit.date`, an
index entry whose `checkpoints` is a string, a date so far out (9999-12-31) that adding a few
weeks to it overflows. Every reader used to trust these fields and crashed on them. The checks
here run on every read (`painclinic.store.files`) and raise `Unparseable`, so such a file is
treated exactly like a torn one: a patient file is quarantined and reported, an index shard is
rebuilt from the patient files. They check only what the store itself reads (ids, revisions,
times, the dates the lists show and compute with), cheaply, without the pydantic models; a
record that is well formed here but fails the full validation is caught by `Store.get_visit`.

Reasons name the visit and the field, never a value (the value may be patient data).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from painclinic.store.atomic import Tables, Unparseable

# No real clinic date (a visit, a checkpoint, a birth) lies outside this window, and inside it
# every computation the app makes (weeks added to a visit, a de-identification shift, a span
# from today) stays far from the limits of `datetime.date`, so it cannot overflow.
EARLIEST = dt.date(1800, 1, 1)
LATEST = dt.date(2999, 12, 31)
DATE_RANGE = f"a date as YYYY-MM-DD from {EARLIEST} to {LATEST}"
_DATETIME_RANGE = f"a date and time (ISO 8601) from {EARLIEST} to {LATEST}"
_VISIT_KEY = re.compile(r"[1-9][0-9]{0,8}")


def check_patient_tables(path: Path, tables: Tables) -> Tables:
    """The tables, if every field the store reads is there and usable; else `Unparseable`."""
    problem = next(_patient_problems(tables), None)
    if problem is not None:
        raise Unparseable(path, problem)
    return tables


def check_shard_tables(path: Path, tables: Tables) -> Tables:
    problem = next(_shard_problems(tables), None)
    if problem is not None:
        raise Unparseable(path, problem)
    return tables


def in_range(day: dt.date) -> bool:
    return EARLIEST <= (day.date() if isinstance(day, dt.datetime) else day) <= LATEST


def dates_out_of_range(value: Any, where: str = "") -> Iterator[str]:
    """The field paths of every date or time in a (validated) model outside the window."""
    if isinstance(value, dt.date):
        if not in_range(value):
            yield where or "(top level)"
    elif hasattr(value, "__pydantic_fields__"):
        for name in type(value).__pydantic_fields__:
            yield from dates_out_of_range(getattr(value, name), f"{where}.{name}".lstrip("."))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from dates_out_of_range(item, f"{where}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from dates_out_of_range(item, f"{where}.{key}".lstrip("."))


# ---------------------------------------------------------------- patient files


def _patient_problems(tables: Tables) -> Iterator[str]:
    patient_doc = tables.get("patient", {}).get("1")
    if patient_doc is not None:
        yield from _patient_doc_problems(patient_doc)
    for key, doc in tables.get("visits", {}).items():
        if not _VISIT_KEY.fullmatch(key):
            yield "a visit is stored under a key that is not a visit number"
            continue
        yield from (f"visit {key}: {p}" for p in _visit_doc_problems(doc))


def _patient_doc_problems(doc: dict[str, Any]) -> Iterator[str]:
    if not _is_count(doc.get("visit_seq", 0)):
        yield "the patient document's visit_seq is not a whole number"
    patient = doc.get("patient", {})
    if not isinstance(patient, dict):
        yield "the patient document's patient is not a mapping"
        return
    for name in ("name", "sex"):
        if patient.get(name) is not None and not isinstance(patient[name], str):
            yield f"patient.{name} is not text"
    if patient.get("age") is not None and not _is_count(patient["age"]):
        yield "patient.age is not a whole number"
    if patient.get("birth_date") is not None and _date(patient["birth_date"]) is None:
        yield f"patient.birth_date is not {DATE_RANGE}"


def _visit_doc_problems(doc: dict[str, Any]) -> Iterator[str]:
    revision = doc.get("revision")
    if revision is None:
        yield "revision is missing"
    elif not _is_count(revision) or revision < 1:
        yield "revision is not a whole number from 1"
    if _datetime(doc.get("saved_at")) is None:
        yield f"saved_at is missing or not {_DATETIME_RANGE}"
    history = doc.get("history", [])
    if not isinstance(history, list) or not all(
        isinstance(h, list) and len(h) == 2 and _is_count(h[0]) and _datetime(h[1]) is not None
        for h in history
    ):
        yield "history is not a list of [revision, saved_at] pairs"
    record = doc.get("record")
    if not isinstance(record, dict):
        yield "record is missing or not a mapping"
        return
    yield from _record_problems(record)


def _record_problems(record: dict[str, Any]) -> Iterator[str]:
    info = record.get("visit")
    if not isinstance(info, dict):
        yield "record.visit is missing or not a mapping"
    elif "date" not in info:
        yield "record.visit.date is missing"
    elif _date(info["date"]) is None:
        yield f"record.visit.date is not {DATE_RANGE}"
    elif info.get("type") is not None and not isinstance(info["type"], str):
        yield "record.visit.type is not text"
    for section in ("patient", "history", "plan"):
        if record.get(section) is not None and not isinstance(record[section], dict):
            yield f"record.{section} is not a mapping"
    history = record.get("history") or {}
    if isinstance(history, dict) and not isinstance(history.get("chief_complaint") or "", str):
        yield "record.history.chief_complaint is not text"
    plan = record.get("plan") or {}
    if isinstance(plan, dict):
        checkpoints = plan.get("checkpoints") or []
        if not isinstance(checkpoints, list):
            yield "record.plan.checkpoints is not a list"
            return
        for i, item in enumerate(checkpoints):
            where = f"record.plan.checkpoints[{i}]"
            if not isinstance(item, dict):
                yield f"{where} is not a mapping"
            elif _date(item.get("date")) is None:
                yield f"{where}.date is missing or not {DATE_RANGE}"
            elif not isinstance(item.get("label", ""), str):
                yield f"{where}.label is not text"


# ---------------------------------------------------------------- index shards


def _shard_problems(tables: Tables) -> Iterator[str]:
    for key, entry in tables.get("patients", {}).items():
        where = f"index entry {key}"
        if not isinstance(entry.get("id"), str) or not entry["id"]:
            yield f"{where}: id is missing or not text"
            continue
        if not isinstance(entry.get("name", ""), str | None):
            yield f"{where}: name is not text"
        if entry.get("sex") is not None and not isinstance(entry["sex"], str):
            yield f"{where}: sex is not text"
        if entry.get("age") is not None and not _is_count(entry["age"]):
            yield f"{where}: age is not a whole number"
        if entry.get("last_visit") is not None and _date(entry["last_visit"]) is None:
            yield f"{where}: last_visit is not {DATE_RANGE}"
        if not _is_count(entry.get("visit_count", 0)):
            yield f"{where}: visit_count is not a whole number"
        checkpoints = entry.get("checkpoints", [])
        if not isinstance(checkpoints, list) or not all(
            isinstance(c, list)
            and len(c) == 3
            and _date(c[0]) is not None
            and isinstance(c[1], str)
            and isinstance(c[2], str)
            for c in checkpoints
        ):
            yield f"{where}: checkpoints is not a list of [date, label, visit id]"


# ---------------------------------------------------------------- values


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return day if in_range(day) else None


def _datetime(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if in_range(when) else None
