"""Functional goals: label, baseline, the last visit's value, today's value and the target.

Values come from the visit's `history.function` under each goal's `measure`, e.g.
"Sitting minutes: baseline 10, last visit 30, now 45, target 60".
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from painclinic.model import Goal, Visit
from painclinic.notes import labels as L

from .hanging import Hang, Stack, hang, stack


def _value(value: float | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return L.words(value)
    return f"{value:g}"


def goal_line(goal: Goal, visit: Visit, previous: Visit | None = None) -> str:
    """`Sitting minutes: baseline 10, last visit 30, now 45, target 60`."""
    measure = goal.measure
    parts = []
    if goal.baseline is not None:
        parts.append(f"baseline {_value(goal.baseline)}")
    if previous is not None and measure:
        before = previous.history.function.get(measure)
        parts.append(f"last visit {_value(before) if before is not None else 'not recorded'}")
    if measure and measure in visit.history.function:
        parts.append(f"now {_value(visit.history.function[measure])}")
    if goal.target is not None:
        parts.append(f"target {_value(goal.target)}")
    name = L.words(measure).capitalize() if measure else "Values"
    return f"{name}: {', '.join(parts)}" if parts else ""


def goals_renderable(visit: Visit, previous: Visit | None = None) -> Stack:
    if not visit.goals:
        return stack([Text("No functional goals recorded.")])
    parts: list[Hang | Text] = []
    for goal in visit.goals:
        parts.append(Text(goal.label, style="bold"))
        line = goal_line(goal, visit, previous)
        if line:
            parts.append(hang("", line, 2))
    return stack(parts)


class GoalList(Static):
    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self._key: tuple[object, ...] | None = None

    def show(self, visit: Visit, previous: Visit | None = None) -> None:
        before = previous.history.function if previous is not None else None
        key = (visit.goals, visit.history.function, previous is not None, before)
        if key == self._key:
            return
        self._key = key
        self.update(goals_renderable(visit, previous))
