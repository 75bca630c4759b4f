"""The checkpoint worklist across patients: each patient's current plan, sorted by date.

The rule, shared by every list that shows a checkpoint (this worklist, `painclinic
checkpoints`, the patient list's "Next checkpoint" in the app and in `painclinic patients`,
which all read the store index's `PatientSummary.checkpoints`):

    a patient's checkpoints are the planned checkpoints (`plan.checkpoints`) of their latest
    visit that are not done (`done` unset).

A follow-up carries the earlier visit's open checkpoints into its own plan
(`VisitSession.new_follow_up`), so opening one never drops them; the physician re-dates them or
marks them done (`VisitSession.mark_checkpoint_done`). The engine's proposed checkpoints are
suggestions, not decisions: they show in the assessment for the physician to accept, and join
the worklist only once accepted. (They used to stand in for a visit without planned
checkpoints, which only the worklist could compute, so the patient list and the worklist
disagreed.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from painclinic.store import Listing, RecordStore


@dataclass(frozen=True)
class WorkItem:
    date: dt.date
    patient_id: str
    patient_name: str
    visit_id: str
    label: str
    # Always True under the rule above (a physician-planned checkpoint); kept in the JSON so
    # scripts written against the earlier worklist keep working.
    reviewed: bool = True

    def overdue(self, today: dt.date) -> bool:
        return self.date < today

    def to_json(self) -> dict[str, object]:
        out = asdict(self)
        out["date"] = self.date.isoformat()
        return out


def worklist(
    store: RecordStore,
    today: dt.date,
    due_within_days: int | None = None,
    overdue_only: bool = False,
) -> Listing[WorkItem]:
    """Everyone's open checkpoints; a patient file found unusable on the way is quarantined
    by the store and carried in `.problems`, and everyone else is still listed."""
    patients = store.patients()
    items = [
        WorkItem(day, patient.id, patient.name, vid, label)
        for patient in patients
        for day, label, vid in patient.checkpoints
    ]
    if overdue_only:
        items = [i for i in items if i.overdue(today)]
    elif due_within_days is not None:
        # Clamped to the calendar's end: a span past year 9999 means "all of them".
        horizon = today + dt.timedelta(days=min(due_within_days, (dt.date.max - today).days))
        items = [i for i in items if i.date <= horizon]
    items.sort(key=lambda i: (i.date, i.patient_name, i.patient_id, i.label))
    return Listing(items, patients.problems)


def next_due(dates: Iterable[dt.date], today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """(earliest overdue, next upcoming) checkpoint date: an overdue one is shown first."""
    ordered = sorted(dates)
    overdue = next((d for d in ordered if d < today), None)
    upcoming = next((d for d in ordered if d >= today), None)
    return overdue, upcoming


MAX_SPAN_DAYS = 100 * 366  # a span is a follow-up horizon; beyond a lifetime it is a typo


def parse_span(text: str) -> int:
    """'7d', '2w', '10' -> days (at most MAX_SPAN_DAYS)."""
    text = text.strip().lower()
    unit = {"d": 1, "w": 7}.get(text[-1:])
    number = text[:-1] if unit else text
    if not number.isascii() or not number.isdigit():
        raise ValueError(f"{text!r} is not a span like 7d, 2w or 10")
    days = int(number) * (unit or 1)
    if days > MAX_SPAN_DAYS:
        raise ValueError(f"{text!r} is more than 100 years; give a span like 7d, 2w or 10")
    return days
