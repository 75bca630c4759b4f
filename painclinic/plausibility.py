"""Rules across fields that a visit record must meet to be believable (validation runs them).

Each rule names the field it blames, so the app can show the message beside the field being
typed, and compares only values that are present, so any order of entry works (pain now may
be typed before the worst pain). A message never quotes a value from the record.

Date windows, and why:
- birth: not after the visit, and not more than MAX_AGE years before it (the `age` field's
  own limit);
- planned checkpoints, and when they were done: within PLAN_YEARS after the visit. At an
  initial visit none can be before the visit; a follow-up carries the earlier visits' open
  checkpoints, which are overdue by then, so there only EARLIEST_DATE bounds them;
- acknowledgements: an act that has happened, so from the visit date up to today (a day's
  slack either side for clocks and time zones); bounding them by today rather than by the
  visit keeps a stored record valid as the years pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from painclinic.knowledge import KnowledgeBase
from painclinic.model import EARLIEST_DATE, Visit

MAX_AGE = 120
PLAN_YEARS = 10
# pregnancy and `sex: male` together are a contradiction; `other` is not presumed either way
_CANNOT_BE_PREGNANT = ("male",)


def check_plausible(visit: Visit, kb: KnowledgeBase) -> Iterable[str]:
    yield from _patient(visit)
    yield from _pain(visit)
    yield from _measures(visit, kb)
    yield from _plan_dates(visit)


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _patient(visit: Visit) -> Iterable[str]:
    p, on = visit.patient, visit.visit.date
    if p.birth_date is not None:
        if p.birth_date > on:
            yield "patient.birth_date: after the visit date (allowed: on or before visit.date)"
        elif p.birth_date < max(EARLIEST_DATE, _years_after(on, -MAX_AGE)):
            yield (
                f"patient.birth_date: makes the patient older than {MAX_AGE} on the visit date "
                f"(allowed: ages 0 to {MAX_AGE}, born {EARLIEST_DATE.year} or later)"
            )
        elif p.age is not None:
            born = p.birth_date
            years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
            if abs(p.age - years) > 1:
                yield (
                    "patient.age: disagrees with patient.birth_date by more than a year on the "
                    "visit date (correct one, or leave age out: it follows from the birth date)"
                )
    if p.pregnant and p.sex in _CANNOT_BE_PREGNANT:
        yield "patient.pregnant: a pregnancy is recorded but patient.sex is male"
    if p.pregnant is False and p.pregnancy_weeks is not None:
        yield (
            "patient.pregnancy_weeks: given, but patient.pregnant is false "
            "(remove the weeks, or set pregnant to true)"
        )


def _pain(visit: Visit) -> Iterable[str]:
    """least <= now <= worst; each pair is blamed on the one usually typed later."""
    pain = visit.history.pain
    now, worst, least = pain.now, pain.worst, pain.least
    if now is not None and worst is not None and now > worst:
        yield "history.pain.worst: lower than history.pain.now (allowed: worst >= now >= least)"
    if least is not None and now is not None and least > now:
        yield "history.pain.least: higher than history.pain.now (allowed: worst >= now >= least)"
    elif least is not None and worst is not None and now is None and least > worst:
        yield "history.pain.least: higher than history.pain.worst (allowed: worst >= least)"


_RANGES: dict[str, dict[str, tuple[float, float]]] = {}  # by knowledge-base sha256


def measure_ranges(kb: KnowledgeBase) -> dict[str, tuple[float, float]]:
    """The range the checklist gives each function measure it asks (minutes: 0 to 1440)."""
    if kb.sha256 in _RANGES:
        return _RANGES[kb.sha256]
    out = _RANGES[kb.sha256] = {}
    for section in kb.checklist.sections:
        for q in section.questions:
            if q.field.startswith("history.function.") and q.min is not None and q.max is not None:
                out[q.field.removeprefix("history.function.")] = (q.min, q.max)
    return out


def _measures(visit: Visit, kb: KnowledgeBase) -> Iterable[str]:
    ranges = measure_ranges(kb)

    def out_of(where: str, measure: str | None, value: float | str | None) -> Iterable[str]:
        bounds = ranges.get(measure or "")
        if bounds is None or value is None:
            return
        low, high = bounds
        if isinstance(value, str):  # `"NaN"`, `"ten"`: the checklist asks this as a number
            yield f"{where}: text given where a number is expected (allowed: {low:g} to {high:g})"
        elif not low <= value <= high:
            yield f"{where}: out of range (allowed: {low:g} to {high:g})"

    for key, value in visit.history.function.items():
        yield from out_of(f"history.function.{key}", key, value)
    for i, goal in enumerate(visit.goals):
        yield from out_of(f"goals[{i}].baseline", goal.measure, goal.baseline)
        yield from out_of(f"goals[{i}].target", goal.measure, goal.target)


def _plan_dates(visit: Visit) -> Iterable[str]:
    if visit.plan is None:
        return
    on = visit.visit.date
    latest = _years_after(on, PLAN_YEARS)
    earliest = on if visit.visit.type == "initial" else EARLIEST_DATE
    after = (
        "on or after visit.date"
        if visit.visit.type == "initial"
        else f"{EARLIEST_DATE.year} or later"
    )
    allowed = f"(allowed: {after}, and within {PLAN_YEARS} years of the visit)"
    for i, c in enumerate(visit.plan.checkpoints):
        for name, day in (("date", c.date), ("done", c.done)):
            if day is not None and not earliest <= day <= latest:
                yield f"plan.checkpoints[{i}].{name}: outside the plan's dates {allowed}"
    slack = dt.timedelta(days=1)
    for i, ack in enumerate(visit.plan.acknowledged):
        if not on - slack <= ack.at.date() <= dt.date.today() + slack:
            yield (
                f"plan.acknowledged[{i}].at: outside the dates it can have (allowed: from the "
                "visit date up to today)"
            )
