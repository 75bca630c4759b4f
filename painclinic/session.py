"""One visit being edited: the working record, its live assessment, and autosave.

Headless (no Textual), so the app, the tests and any future front end share it. Every accepted
change is validated as a whole record, the assessment is recomputed (well under a frame), and
the visit is saved through the store with its revision, so a stale screen is refused with a
ConflictError instead of overwriting another terminal's work. A change that would make the
record invalid is refused with the message for that field and nothing is saved: at most the
field being typed is lost.
"""

from __future__ import annotations

import builtins
import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from painclinic.engine import assess_with_facts
from painclinic.engine.expr import Facts
from painclinic.knowledge import KnowledgeBase, load_knowledge
from painclinic.model import Assessment, Patient, Plan, Visit, record_value
from painclinic.store import RecordStore, StoredVisit
from painclinic.validation import VisitError, visit_from_data

# What a follow-up carries forward from the visit before it.
CARRIED_HISTORY = (
    "chief_complaint",
    "region",
    "side",
    "onset",
    "trigger",
    "radiation",
    "descriptors",
    "aggravating",
    "relieving",
    "prior_treatments",
    "surgeries",
    "symptoms",
)


@dataclass
class PendingResponse:
    """An earlier intervention the follow-up asks about (relief %, duration)."""

    intervention: str
    label: str


@dataclass
class VisitSession:
    store: RecordStore
    visit_id: str
    revision: int
    saved_at: dt.datetime
    record: dict[str, Any]
    previous: Visit | None = None
    kb: KnowledgeBase = field(default_factory=load_knowledge)
    visit: Visit = field(init=False)
    assessment: Assessment = field(init=False)
    facts: Facts = field(init=False)

    def __post_init__(self) -> None:
        self.visit = visit_from_data(self.record, source=self.visit_id, kb=self.kb)
        self._recompute()

    # ------------------------------------------------------------ opening

    @classmethod
    def open(cls, store: RecordStore, visit_id: str) -> VisitSession:
        stored = store.get_visit(visit_id)
        return cls._from_stored(store, stored, _previous_visit(store, stored))

    @classmethod
    def new_initial(cls, store: RecordStore, patient: Patient, date: dt.date) -> VisitSession:
        visit = Visit.model_validate(
            {
                "patient": patient.model_dump(mode="json", exclude_none=True),
                "visit": {"date": date.isoformat(), "type": "initial"},
            }
        )
        return cls._from_stored(store, store.save_visit(visit), None)

    @classmethod
    def new_follow_up(cls, store: RecordStore, previous_id: str, date: dt.date) -> VisitSession:
        """Carry forward the history, goals, imaging and plan (its decisions and the checkpoints
        not yet done); ask about earlier treatments."""
        before = store.get_visit(previous_id).visit
        old = before.to_record()
        history = {k: v for k, v in old.get("history", {}).items() if k in CARRIED_HISTORY}
        if before.history.duration_weeks is not None:
            elapsed = (date - before.visit.date).days / 7
            history["duration_weeks"] = round(before.history.duration_weeks + elapsed, 1)
        plan = old.get("plan") or {}
        carried = {k: v for k, v in plan.items() if k in ("accepted", "declined", "added")}
        # The earlier visit's open checkpoints stay planned: the latest visit's plan is what the
        # worklist reads, so leaving them behind would drop them from every list (UX M5). Done
        # ones stay in the earlier visit's record.
        still_open = [c for c in plan.get("checkpoints", []) if not c.get("done")]
        if still_open:
            carried["checkpoints"] = still_open
        patient = dict(old["patient"])
        born = before.patient.birth_date
        if born is not None and "age" in patient:
            # the age recorded then is stale now; validation refuses one that disagrees with
            # the birth date by more than a year
            patient["age"] = (
                date.year - born.year - ((date.month, date.day) < (born.month, born.day))
            )
        record = {
            "schema": old.get("schema", "painclinic.visit/1"),
            "patient": patient,
            "visit": {"date": date.isoformat(), "type": "follow_up"},
            "history": history,
            "imaging": old.get("imaging", []),
            "goals": old.get("goals", []),
            "plan": carried,
        }
        visit = visit_from_data(record, source="follow-up")
        return cls._from_stored(store, store.save_visit(visit), before)

    @classmethod
    def _from_stored(
        cls, store: RecordStore, stored: StoredVisit, previous: Visit | None
    ) -> VisitSession:
        return cls(
            store=store,
            visit_id=stored.id,
            revision=stored.revision,
            saved_at=stored.saved_at,
            record=stored.visit.to_record(),
            previous=previous,
        )

    # ------------------------------------------------------------ reading

    def get(self, path: str) -> Any:
        return record_value(self.record, path)

    def pending_responses(self) -> list[PendingResponse]:
        """Earlier interventional or medication items not yet asked about at this visit."""
        if self.previous is None or self.previous.plan is None:
            return []
        asked = {r.intervention for r in self.visit.responses}
        out = []
        for item in self.previous.plan.accepted:
            treatment = self.kb.treatments.get(item)
            if (
                treatment
                and treatment.track in ("interventional", "medication")
                and (item not in asked)
            ):
                out.append(PendingResponse(item, treatment.label))
        return out

    # ------------------------------------------------------------ changing

    def set(self, path: str, value: Any) -> str | None:
        """Set one field (None removes it: 'not asked'); returns the problem, or None when the
        change was accepted, assessed and saved."""
        candidate = copy.deepcopy(self.record)
        _assign(candidate, path.split("."), value)
        return self._commit(candidate, focus=path)

    def set_plan(self, plan: Plan) -> str | None:
        candidate = copy.deepcopy(self.record)
        candidate["plan"] = plan.model_dump(mode="json", exclude_none=True)
        return self._commit(candidate, focus="plan")

    def mark_checkpoint_done(self, which: int | str, on: dt.date) -> str | None:
        """Mark one planned checkpoint done (or reviewed) on a date: it leaves the worklist and
        stays in the record. `which` is its position in `plan.checkpoints` or its label.
        Returns the problem, or None when it was saved (validated and revision-checked)."""
        return self._change_checkpoint(which, {"done": on.isoformat()})

    def redate_checkpoint(self, which: int | str, to: dt.date) -> str | None:
        """Move one planned checkpoint to another date (it stays open)."""
        return self._change_checkpoint(which, {"date": to.isoformat()})

    def _change_checkpoint(self, which: int | str, change: dict[str, Any]) -> str | None:
        plan = self.visit.plan or Plan()
        index = _checkpoint_index(plan, which)
        if isinstance(index, str):
            return index
        data = plan.model_dump(mode="json", exclude_none=True)
        data["checkpoints"][index].update(change)
        return self.set_plan(Plan.model_validate(data))

    def record_response(
        self,
        intervention: str,
        relief_percent: float,
        hours: float | None = None,
        weeks: float | None = None,
    ) -> str | None:
        candidate = copy.deepcopy(self.record)
        responses = [
            r for r in candidate.get("responses", []) if r.get("intervention") != intervention
        ]
        entry: dict[str, Any] = {"intervention": intervention, "relief_percent": relief_percent}
        if hours is not None:
            entry["hours"] = hours
        if weeks is not None:
            entry["weeks"] = weeks
        candidate["responses"] = [*responses, entry]
        return self._commit(candidate, focus="responses")

    def acknowledge(self, flag: str, at: dt.datetime) -> str | None:
        """Record that the physician acknowledged an emergency red flag."""
        plan = self.visit.plan or Plan()
        if any(a.flag == flag for a in plan.acknowledged):
            return None
        data = plan.model_dump(mode="json")
        data["acknowledged"].append({"flag": flag, "at": at.isoformat()})
        return self.set_plan(Plan.model_validate(data))

    def acknowledged(self) -> builtins.set[str]:  # `set` here would be the method above
        return {a.flag for a in (self.visit.plan.acknowledged if self.visit.plan else [])}

    def _commit(self, candidate: dict[str, Any], focus: str) -> str | None:
        try:
            visit = visit_from_data(candidate, source=self.visit_id, kb=self.kb)
        except VisitError as exc:
            mine = [p for p in exc.problems if p.startswith(focus)] or exc.problems
            return "; ".join(_within(p, focus) for p in mine)
        stored = self.store.save_visit(visit, self.visit_id, base_revision=self.revision)
        self.record, self.visit = candidate, visit
        self.revision, self.saved_at = stored.revision, stored.saved_at
        self._recompute()
        return None

    def reload(self) -> None:
        """Take the stored version (after a conflict): the other terminal's work wins on screen."""
        stored = self.store.get_visit(self.visit_id)
        self.record, self.revision, self.saved_at = (
            stored.visit.to_record(),
            stored.revision,
            stored.saved_at,
        )
        self.visit = stored.visit
        self._recompute()

    def _recompute(self) -> None:
        self.assessment, self.facts = assess_with_facts(self.visit, self.kb)


def _within(problem: str, focus: str) -> str:
    """'patient.medications.0.drug: unknown id' -> 'entry 1, drug: unknown id' for the list
    being edited; the field's own path is dropped (the message shows under the field)."""
    where, sep, message = problem.partition(": ")
    if not sep or not where.startswith(focus):
        return problem
    # the validator writes list positions as [0]: medications[0].drug
    rest = where.removeprefix(focus).replace("[", ".").replace("]", "").strip(".").split(".")
    if rest and rest[0].isdigit():
        inner = ".".join(rest[1:])
        return f"entry {int(rest[0]) + 1}{', ' + inner if inner else ''}: {message}"
    return message


def _assign(node: dict[str, Any], parts: list[str], value: Any) -> None:
    """Set (or with None, remove) a nested key, creating maps on the way and pruning empty ones."""
    head, rest = parts[0], parts[1:]
    if not rest:
        if value is None or value == [] or value == "":
            node.pop(head, None)
        else:
            node[head] = value
        return
    child = node.setdefault(head, {})
    _assign(child, rest, value)
    if not child:
        node.pop(head, None)


def _checkpoint_index(plan: Plan, which: int | str) -> int | str:
    """The position of a planned checkpoint, or the problem when there is no such one."""
    labels = [c.label for c in plan.checkpoints]
    if isinstance(which, int):
        if 0 <= which < len(labels):
            return which
        return f"no planned checkpoint number {which} (this visit plans {len(labels)})"
    matches = [i for i, label in enumerate(labels) if label == which]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        return f"no planned checkpoint is labelled {which!r}"
    return f"{len(matches)} planned checkpoints are labelled {which!r}; give its number"


def _previous_visit(store: RecordStore, stored: StoredVisit) -> Visit | None:
    earlier = [
        v
        for v in store.visits(stored.patient_id)
        if (v.date, v.id) < (stored.visit.visit.date, stored.id)
    ]
    return store.get_visit(earlier[-1].id).visit if earlier else None
