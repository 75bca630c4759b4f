"""A physician at the keyboard, for tests: enters a whole visit record into the app by key
presses only, reading the screen (which item has focus, where a choice's cursor is) the way
a person looks before pressing the next key. No widget is set directly.

Text is typed at full speed: every character of a field goes out as one burst of key events
with no pause between them (faster than any typist), so the round trip also proves that keys
land in the field that had focus when they were pressed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.widget import Widget

from painclinic import checklist as logic
from painclinic import entries
from painclinic.knowledge import Question
from painclinic.model import SIDES
from painclinic.tui import keygate
from painclinic.tui.widgets.checklist import ChecklistView
from painclinic.tui.widgets.choice_grid import ChoiceGrid
from painclinic.tui.widgets.entry_list import EntryBlock, EntryListQuestion
from painclinic.tui.widgets.grade_cell import GradeCell
from painclinic.tui.widgets.question import (
    ChoiceQuestion,
    InputQuestion,
    QuestionRow,
    SidesQuestion,
    YesNoQuestion,
)

DRAIN_LIMIT = 60.0  # seconds; keys not handled by then fail the test instead of racing on


class CannotEnter(AssertionError):
    """The app offers no way to enter this value by keyboard."""


# ---------------------------------------------------------------- keys


SENT = [0]


def _event(key: str) -> events.Key:
    SENT[0] += 1
    if len(key) == 1:
        return events.Key(_character_to_key(key) if not key.isalnum() else key, key)
    return events.Key(key, {"space": " ", "enter": "\r", "tab": "\t"}.get(key))


async def drained(pilot: Pilot) -> None:
    """Wait until every key sent has been handled and what it set off has run.

    The app's key gate (painclinic.tui.keygate) releases a key only once the previous one's
    work has settled (its messages, callbacks and after-refresh work all run), so "no key
    unread, held or in flight" means every key was handled. No `pilot.pause()`: a pause posts
    a callback to every widget of the screen (700 on a visit) and waits for each, which made
    a typed visit take minutes."""
    app = pilot.app
    deadline = time.monotonic() + DRAIN_LIMIT
    looks = 0
    while time.monotonic() < deadline:
        await asyncio.sleep(0 if looks < 20 else 0.001)  # a busy wait would slow the app
        looks += 1
        unread = any(isinstance(m, events.Key) for m in keygate._waiting(app))
        if not unread and not app._held_keys and not app._key_in_flight:  # type: ignore[attr-defined]
            return
    raise AssertionError(f"the app did not handle the keys within {DRAIN_LIMIT:g} s")


async def keys(pilot: Pilot, *names: str) -> None:
    """Send keys back to back (no pause between them), then let them all be handled."""
    for name in names:
        pilot.app.post_message(_event(name))
    await drained(pilot)


async def type_text(pilot: Pilot, text: str) -> None:
    await keys(pilot, *text)


def inside(widget: Widget | None, container: Widget) -> bool:
    return widget is not None and (widget is container or container in widget.ancestors)


async def tab_to(pilot: Pilot, target: Widget, limit: int = 120) -> None:
    for _ in range(limit):
        if inside(pilot.app.focused, target):
            return
        await keys(pilot, "tab")
    where = getattr(target, "field", None) or getattr(target, "path", None) or repr(target)
    raise CannotEnter(f"tab never reached {where} (focus is on {pilot.app.focused!r})")


# ---------------------------------------------------------------- the checklist


async def open_section(pilot: Pilot, checklist: ChecklistView, section_id: str) -> None:
    sidebar = checklist.sidebar
    if not sidebar.has_focus:
        await keys(pilot, "escape")  # from a question: to the section list
    assert sidebar.has_focus, "escape should reach the section list"
    ids = [s.id for s in checklist.relevant_sections()]
    if section_id not in ids and not checklist.every_question:
        await keys(pilot, "A")  # every question of the checklist, not just this visit's
        ids = [s.id for s in checklist.relevant_sections()]
    if section_id not in ids:
        raise CannotEnter(f"section {section_id} is not shown for this visit")
    for _ in range(len(ids) * 2):
        current = sidebar.current
        if current == section_id:
            break
        step = "down" if ids.index(section_id) > ids.index(current or ids[0]) else "up"
        await keys(pilot, step)
    assert sidebar.current == section_id
    await keys(pilot, "enter")


def _text_for(row: InputQuestion, value: Any) -> str:
    return logic.format_value(value, row.kind)


async def enter_value(pilot: Pilot, row: QuestionRow, value: Any) -> None:
    """With focus already in the row, enter `value` as a physician would."""
    if isinstance(row, EntryListQuestion):
        await _enter_entries(pilot, row, value)
    elif isinstance(row, InputQuestion):
        if row.input.value:
            await keys(pilot, "home", "ctrl+k")
        await type_text(pilot, _text_for(row, value))
        await keys(pilot, "enter")
    elif isinstance(row, ChoiceQuestion):
        await _enter_choices(pilot, row, value)
    elif isinstance(row, YesNoQuestion):
        await keys(pilot, "y" if value else "n")
    elif isinstance(row, SidesQuestion):
        await _enter_sides(pilot, row, value)
    else:  # pragma: no cover - a new row type needs its keys here
        raise CannotEnter(f"no keys known for {type(row).__name__}")


async def _enter_choices(pilot: Pilot, row: ChoiceQuestion, value: Any) -> None:
    grid = row.query_one(ChoiceGrid)
    if not grid.has_focus:
        await tab_to(pilot, grid)
    wanted = [value] if isinstance(value, str) else list(value)
    ids = [oid for oid, _ in grid.options]
    for oid in wanted:
        if oid in grid.selected:
            continue
        if oid not in ids and grid.other:  # not listed: o opens a box to type it
            await keys(pilot, "o")
            await type_text(pilot, oid)
            await keys(pilot, "enter")
            assert oid in grid.selected and pilot.app.focused is grid
            ids = [option for option, _ in grid.options]
            continue
        if oid not in ids:
            raise CannotEnter(f"{row.field}: {oid!r} is not among the choices shown")
        target = ids.index(oid)
        step = "right" if target > grid.cursor else "left"
        await keys(pilot, *[step] * abs(target - grid.cursor))
        assert grid.cursor == target
        await keys(pilot, "space")


def key_for(cell: GradeCell, value: Any) -> str:
    """The key the cell's own bindings give for this grade (as its help line says)."""
    for key, bindings in cell._bindings.key_to_bindings.items():
        for binding in bindings:
            if binding.action in (f"set('{value}')", f"set({value})", f'set("{value}")'):
                return key
    raise CannotEnter(f"{cell.path}: no key sets {value!r}")


async def _enter_sides(pilot: Pilot, row: SidesQuestion, value: Mapping[str, Any]) -> None:
    for cell in row.query(GradeCell):
        if value.get(cell.side) is None:
            continue
        await tab_to(pilot, cell)
        await keys(pilot, key_for(cell, value[cell.side]))


async def _enter_entries(pilot: Pilot, row: EntryListQuestion, value: list[Any]) -> None:
    spec = row.spec
    for number, entry in enumerate(value):
        if number:
            await keys(pilot, "ctrl+n")  # to the empty entry at the end
        block = row.query(EntryBlock)[number]
        assert inside(pilot.app.focused, block), f"entry {number + 1} of {row.field}"
        texts = entries.entry_texts(spec, entry)
        for column in spec.columns:
            assert pilot.app.focused is block.field(column.name)
            if texts[column.name]:
                await type_text(pilot, texts[column.name])
            if column is not spec.columns[-1]:
                await keys(pilot, "tab")
    await keys(pilot, "tab")  # leave the list: the last entry is saved on leaving


async def enter_history(pilot: Pilot, checklist: ChecklistView, record: Mapping[str, Any]) -> None:
    """Every checklist item the record answers, section by section, in the screen's order,
    but the visit and patient details first: the visit type, age and sex decide which other
    questions are asked (a follow-up's responses, a pregnancy question), as a physician
    sets them first when they differ from what the new visit assumed."""
    details = [s for s in checklist.sections if s.id == "details"]
    for section in details + [s for s in checklist.sections if s.id != "details"]:
        todo = [q for q in section.questions if _given(record, q)]
        if not todo:
            continue
        await open_section(pilot, checklist, section.id)
        for question in todo:
            row = checklist.question_row(question.field)
            if row is not None and not row.display and not checklist.every_question:
                await keys(pilot, "A")  # a question the rules did not expect for this visit
            if row is None or not row.display:
                raise CannotEnter(f"{question.field} is not shown")
            await tab_to(pilot, row)
            await enter_value(pilot, row, logic.get_path(record, question.field))


def _given(record: Mapping[str, Any], question: Question) -> bool:
    value = logic.get_path(record, question.field)
    if question.type in logic.SIDE_TYPES:
        return isinstance(value, Mapping) and any(value.get(s) is not None for s in SIDES)
    return (not logic.is_empty(value) and value is not False) or (
        question.type == "yes_no" and value is False
    )


# ---------------------------------------------------------------- the exam


async def enter_exam(pilot: Pilot, screen: Widget, record: Mapping[str, Any]) -> None:
    """Grades into the exam grid's cells; other exam items into their rows."""
    from painclinic.tui.widgets.exam_grid import ExamGrid

    grid = screen.query_one(ExamGrid)
    exam = record.get("exam") or {}
    for group in ("motor", "sensory", "reflexes"):
        for item, sides in (exam.get(group) or {}).items():
            for side, grade in sides.items():
                cell = grid.cell(f"exam.{group}.{item}.{side}")
                await arrow_to(pilot, grid, cell)
                await keys(pilot, key_for(cell, grade))
    rest = {k: v for k, v in exam.items() if k not in ("motor", "sensory", "reflexes")}
    for question in _exam_questions(grid):
        field = question.field
        if not any(field == f"exam.{k}" or field.startswith(f"exam.{k}.") for k in rest):
            continue
        if not _given(record, question):
            continue
        row = grid.question_row(question.field)
        if row is None:
            raise CannotEnter(f"{question.field} has no row in the exam tab")
        await tab_to(pilot, row, limit=300)
        await enter_value(pilot, row, logic.get_path(record, question.field))


def _grid_position(grid: Any, cell: GradeCell) -> tuple[int, int] | None:
    for y, row in enumerate(grid._shown_rows()):
        if cell in row.cells:
            return y, row.cells.index(cell)
    return None


async def arrow_to(pilot: Pilot, grid: Any, cell: GradeCell) -> None:
    """Move to a grid cell with the arrow keys, as a physician moves in the grid: F3 lands
    on the first shown cell, `l` shows every root when the cell's root is hidden."""
    if _grid_position(grid, cell) is None:
        await keys(pilot, "l")  # all roots
    if _grid_position(grid, cell) is None:
        raise CannotEnter(f"{cell.path} is not in the grid even with every root shown")
    for _ in range(60):
        focused = pilot.app.focused
        here = _grid_position(grid, focused) if isinstance(focused, GradeCell) else None
        if here is None:
            await keys(pilot, "f3")
            continue
        there = _grid_position(grid, cell)
        assert there is not None
        if here == there:
            return
        (y, x), (ty, tx) = here, there
        if y != ty:
            await keys(pilot, *["down" if ty > y else "up"] * abs(ty - y))
        else:
            await keys(pilot, *["right" if tx > x else "left"] * abs(tx - x))
    raise CannotEnter(f"the arrow keys never reached {cell.path}")


def _exam_questions(grid: Widget) -> list[Question]:
    kb = grid.kb  # type: ignore[attr-defined]
    return [
        q
        for s in kb.checklist.sections
        if s.stage == "exam"
        for q in s.questions
        if q.type not in ("mrc_sides", "sensory_sides", "reflex_sides")
    ]
