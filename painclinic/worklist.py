"""The checkpoint worklist across patients: each patient's current plan, sorted by date.

The current plan is the latest visit's `plan.checkpoints` (what the physician decided). A latest
visit with no physician plan contributes the engine's suggested checkpoints, marked unreviewed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from painclinic.store import RecordStore


@dataclass(frozen=True)
class WorkItem:
    date: dt.date
    patient_id: str
    patient_name: str
    visit_id: str
    label: str
    reviewed: bool

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
) -> list[WorkItem]:
    from painclinic.engine import assess  # only for visits without a physician plan

    items: list[WorkItem] = []
    for patient in store.patients():
        if patient.checkpoints:
            items += [
                WorkItem(d, patient.id, patient.name, vid, label, True)
                for d, label, vid in patient.checkpoints
            ]
            continue
        visits = store.visits(patient.id)
        if not visits:
            continue
        latest = visits[-1]
        stored = store.get_visit(latest.id)
        if stored.visit.plan is not None and stored.visit.plan.checkpoints:
            continue  # the index is authoritative; nothing planned means nothing due
        for c in assess(stored.visit).checkpoints:
            items.append(WorkItem(c.date, patient.id, patient.name, latest.id, c.label, False))
    if overdue_only:
        items = [i for i in items if i.overdue(today)]
    elif due_within_days is not None:
        horizon = today + dt.timedelta(days=due_within_days)
        items = [i for i in items if i.date <= horizon]
    return sorted(items, key=lambda i: (i.date, i.patient_name, i.patient_id, i.label))


def next_due(dates: Iterable[dt.date], today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """(earliest overdue, next upcoming) checkpoint date: an overdue one is shown first."""
    ordered = sorted(dates)
    overdue = next((d for d in ordered if d < today), None)
    upcoming = next((d for d in ordered if d >= today), None)
    return overdue, upcoming


def parse_span(text: str) -> int:
    """'7d', '2w', '10' -> days."""
    text = text.strip().lower()
    unit = {"d": 1, "w": 7}.get(text[-1:])
    number = text[:-1] if unit else text
    if not number.isdigit():
        raise ValueError(f"{text!r} is not a span like 7d, 2w or 10")
    return int(number) * (unit or 1)
