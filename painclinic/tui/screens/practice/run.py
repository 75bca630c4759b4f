"""One practice run as it stands: what the resident asked and examined, and the partial record.

Headless (no Textual): the practice visit screen keeps one `PracticeRun` and hands its
`record` and `facts` down to the same checklist and exam widgets the clinic uses. The record
holds only what was revealed: the patient's age and sex, the chief complaint and region from
the start, then each item the resident asks or examines, taken from the case's truth. The
facts (which sections and questions apply) are computed from that partial record, so the
checklist never shows more than a clinician in the room would know.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from painclinic import checklist as logic
from painclinic.engine.facts import build_facts
from painclinic.knowledge import KnowledgeBase, load_knowledge
from painclinic.practice import Attempt, ResidentAssessment, ResidentPlan, TeachingCase, reveal
from painclinic.validation import VisitError, visit_from_data

# Known before a single question: who the patient is and why they came.
START_PATHS = (
    "schema",
    "visit",
    "patient.id",
    "patient.name",
    "patient.age",
    "patient.birth_date",
    "patient.sex",
    "history.chief_complaint",
    "history.region",
)
NOT_ITEMS = (logic.COMMENTS_PATH,)
NOT_RECORDED = "not recorded in this case"  # a comment is not a question to the patient


def item_of(path: str) -> str:
    """The item a widget path belongs to: `exam.motor.x.left` -> `exam.motor.x`."""
    for side in logic.SIDES:
        if path.endswith("." + side):
            return path.removesuffix("." + side)
    return path


def is_exam(item: str) -> bool:
    return item.startswith("exam.")


def _assign(record: dict[str, Any], item: str, value: Any) -> None:
    node = record
    *parents, last = item.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = copy.deepcopy(value)


def item_labels(kb: KnowledgeBase) -> dict[str, str]:
    """Checklist field path -> its question, for the counter and the score screen."""
    return {q.field: q.prompt for s in kb.checklist.sections for q in s.questions}


def shown_value(value: Any) -> str:
    """A revealed finding in plain words."""
    if value is None:
        return NOT_RECORDED
    if isinstance(value, bool):
        return "YES" if value else "no"
    if isinstance(value, Mapping) and set(value) <= set(logic.SIDES):
        return ", ".join(f"{side} {value[side]}" for side in logic.SIDES if side in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in value.items()) or "none"
    if isinstance(value, list):
        if value and isinstance(value[0], Mapping):
            return "; ".join(_entry(e) for e in value)
        return ", ".join(str(v).replace("_", " ") for v in value) or "none"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("_", " ")


def _entry(entry: Mapping[str, Any]) -> str:
    """One medication, earlier treatment or surgery: `ibuprofen 400 mg 3x/day`."""
    units = {"dose_mg": "{} mg", "per_day": "{}x/day", "times": "{}x", "years_ago": "{} y ago"}
    parts = []
    for key, value in entry.items():
        if value is None or value is False or value in ([], ""):
            continue
        if value is True:
            parts.append(key.replace("_", " "))
            continue
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        parts.append(units.get(key, "{}").format(str(value).replace("_", " ")))
    return " ".join(parts)


@dataclass
class PracticeRun:
    case: TeachingCase
    kb: KnowledgeBase = field(default_factory=load_knowledge)
    asked: list[str] = field(default_factory=list)
    examined: list[str] = field(default_factory=list)
    record: dict[str, Any] = field(default_factory=dict)
    facts: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for path in START_PATHS:
            value = reveal(self.case, path)
            if value is not None:
                _assign(self.record, path, value)
        self._recompute()

    def ask(self, path: str) -> tuple[str, Any]:
        """Ask or examine the item at a widget path; returns (item, the case's finding).

        Exam items are kept without their side and reveal both sides. Asking again changes
        nothing (the record already holds the answer)."""
        item = item_of(path)
        done = self.examined if is_exam(item) else self.asked
        if item not in done:
            done.append(item)
        value = reveal(self.case, item)
        if value is not None and logic.get_path(self.record, item) != value:
            _assign(self.record, item, value)
            self._recompute()
        return item, value

    def _recompute(self) -> None:
        try:
            visit = visit_from_data(self.record, source="practice record", kb=self.kb)
        except VisitError:  # a partial record should always validate; keep the last facts
            return
        self.facts = build_facts(visit, self.kb)

    def attempt(
        self,
        resident: str,
        assessment: ResidentAssessment,
        plan: ResidentPlan,
        finished_at: dt.datetime | None = None,
    ) -> Attempt:
        return Attempt(
            case=self.case.id,
            resident=resident,
            asked=list(self.asked),
            examined=list(self.examined),
            assessment=assessment,
            plan=plan,
            finished_at=finished_at or dt.datetime.now(dt.UTC),
        )
