"""De-identify a visit record for teaching and case conferences (`export --deidentify`).

`deidentify(visit)` returns a NEW Visit (the original is never changed) that:

- drops the patient's name and occupation, and replaces the id with a stable pseudonym
  (`anon-` + a hash of id and salt: the same patient always gets the same pseudonym);
- replaces the patient's name, and each of its words, with "[name]" in every free-text field
  (chief complaint, trigger, aggravating/relieving text, notes, exam free text, goal labels and
  text values, the plan's added labels, declined reasons and checkpoint labels);
- shifts every date of the record (visit date, birth date, plan checkpoint dates) by one offset
  per patient, 30 to 365 days back, derived from the same hash, so intervals are preserved and
  the age stays what it was on the real visit date.

Allergies stay as written: they are clinical. Assess the de-identified visit to render its note
(the assessment carries dates and record text, so it must be recomputed, never reused).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from typing import Any

from painclinic.model import Visit

PLACEHOLDER = "[name]"
MIN_SHIFT_DAYS = 30
MAX_SHIFT_DAYS = 365
_SPLIT = re.compile(r"[^\w'-]+", re.UNICODE)


def _digest(visit: Visit, salt: str) -> str:
    p = visit.patient
    key = p.id or p.name or (p.birth_date.isoformat() if p.birth_date else "") or "anonymous"
    return hashlib.sha256(f"{salt}\0{key}".encode()).hexdigest()


def pseudonym(visit: Visit, salt: str = "painclinic") -> str:
    """The stable pseudonym that replaces the patient id."""
    return "anon-" + _digest(visit, salt)[:12]


def date_shift(visit: Visit, salt: str = "painclinic") -> dt.timedelta:
    """One offset per patient, 30 to 365 days into the past."""
    span = MAX_SHIFT_DAYS - MIN_SHIFT_DAYS + 1
    days = MIN_SHIFT_DAYS + int(_digest(visit, salt)[12:24], 16) % span
    return dt.timedelta(days=-days)


def name_scrubber(name: str | None) -> Callable[[str], str]:
    """A function replacing the full name and each of its words (2+ letters) with [name]."""
    if not name or not name.strip():
        return lambda text: text
    parts = [*_SPLIT.split(name), *re.split(r"\W+", name)]
    tokens = {t for t in parts if len(t.strip("'-")) >= 2}
    phrases = sorted({" ".join(name.split()), *tokens}, key=len, reverse=True)
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(p) for p in phrases) + r")(?!\w)",
        re.IGNORECASE,
    )
    collapse = re.compile(re.escape(PLACEHOLDER) + r"(?:[\s,.]+" + re.escape(PLACEHOLDER) + ")+")

    def scrub(text: str) -> str:
        return collapse.sub(PLACEHOLDER, pattern.sub(PLACEHOLDER, text))

    return scrub


def deidentify(visit: Visit, salt: str = "painclinic") -> Visit:
    """A new, de-identified copy of `visit` (see the module docstring)."""
    record: dict[str, Any] = visit.model_dump(mode="python", by_alias=True)
    scrub = name_scrubber(visit.patient.name)
    shift = date_shift(visit, salt)

    def text(value: Any) -> Any:
        return scrub(value) if isinstance(value, str) else value

    def texts(values: list[Any]) -> list[Any]:
        return [text(v) for v in values]

    patient = record["patient"]
    age = visit.age()
    patient["id"] = pseudonym(visit, salt)
    patient["name"] = None
    patient["occupation"] = None
    patient["age"] = age
    if patient.get("birth_date"):
        patient["birth_date"] = patient["birth_date"] + shift
    for med in patient["medications"]:
        med["note"] = text(med.get("note"))

    record["visit"]["date"] = visit.visit.date + shift

    h = record["history"]
    for key in ("chief_complaint", "trigger"):
        h[key] = text(h.get(key))
    h["aggravating"] = texts(h["aggravating"])
    h["relieving"] = texts(h["relieving"])
    h["function"] = {k: text(v) for k, v in h["function"].items()}
    for item in h["prior_treatments"]:
        item["note"] = text(item.get("note"))

    e = record["exam"]
    e["tenderness"] = texts(e["tenderness"])
    e["trigger_points"] = texts(e["trigger_points"])
    e["range_of_motion"] = {k: text(v) for k, v in e["range_of_motion"].items()}
    e["gait"] = text(e.get("gait"))

    for item in record["imaging"] + record["responses"]:
        item["note"] = text(item.get("note"))
    for goal in record["goals"]:
        for key in ("label", "baseline", "target"):
            goal[key] = text(goal.get(key))

    plan = record.get("plan")
    if plan is not None:
        for added in plan["added"]:
            added["label"] = text(added["label"])
        for declined in plan["declined"]:
            declined["reason"] = text(declined["reason"])
        for checkpoint in plan["checkpoints"]:
            checkpoint["label"] = text(checkpoint["label"])
            checkpoint["date"] = checkpoint["date"] + shift
    return Visit.model_validate(record)
