"""iCalendar writer: one all-day VEVENT per dated checkpoint, byte-stable (no clock reads)."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event

from painclinic.model import Assessment, Visit
from painclinic.notes import labels as L
from painclinic.notes.ids import item_uuid
from painclinic.notes.redaction import REMOVED, Redaction
from painclinic.notes.soap import checkpoint_if_not, checkpoint_rows

PRODID = "-//painclinic//visit checkpoints//EN"


def _summary(label: str, about: str) -> str:
    """The event's title: its label, or in a de-identified calendar whose labels were removed,
    what the checkpoint is about (structured, never the patient's words)."""
    if label != REMOVED:
        return label
    return f"Checkpoint: {L.lower_first(L.about(about))}" if about else "Checkpoint"


def write(visit: Visit, assessment: Assessment, redaction: Redaction | None = None) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"painclinic checkpoints, visit {visit.visit.date.isoformat()}")
    if redaction is not None:  # calendar readers show X-WR-CALDESC with the calendar's name
        cal.add("x-wr-caldesc", redaction.notice)
    day = visit.visit.date
    stamp = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    reviewed = visit.plan is not None and bool(visit.plan.checkpoints)
    for i, (when, label, track, about) in enumerate(checkpoint_rows(visit, assessment)):
        event = Event()
        event.add("uid", f"{item_uuid(visit, 'checkpoint', i, when.isoformat(), label)}@painclinic")
        event.add("dtstamp", stamp)
        event.add("dtstart", when)
        event.add("dtend", when + dt.timedelta(days=1))
        event.add("summary", _summary(label, about))
        lines = [
            *([redaction.notice] if redaction is not None else []),
            f"Track: {track or 'not stated'}",
            f"About: {L.about(about)} ({about})" if about else "About: not stated",
            *(
                [f"If not met: {text}"]
                if (text := checkpoint_if_not(assessment, label, about))
                else []
            ),
            f"Set at the visit of {day.isoformat()}"
            + ("" if reviewed else " (suggested checkpoint, not yet reviewed by the physician)"),
        ]
        if visit.patient.id:
            lines.append(f"Patient id: {visit.patient.id}")
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
