"""What the rules did not foresee can still be recorded: a value not among the choices where
the record keeps free text (CONTRACT 1: aggravating "free ids/text"), and a question the
checklist does not ask for this visit (A shows every question; an answered one stays shown)."""

from __future__ import annotations

from pathlib import Path

import pytest

from painclinic.store import Store
from painclinic.tui.widgets.checklist import ChecklistView
from painclinic.tui.widgets.choice_grid import ChoiceGrid
from painclinic.tui.widgets.question import OtherInput
from tests import driver
from tests.builders import stored_visit
from tests.conftest import TODAY, AppFactory

VISIT = "p-0001-v1"


def widespread_visit(store: Store) -> None:
    stored_visit(store, TODAY, {"history.region": "widespread"}, name="Open Questions")


async def open_visit(pilot) -> ChecklistView:  # type: ignore[no-untyped-def]
    pilot.app.open_visit(VISIT)
    await pilot.pause()
    return pilot.app.screen.query_one(ChecklistView)


async def to_choices(pilot, field: str) -> ChoiceGrid:  # type: ignore[no-untyped-def]
    """Open the visit and Tab to the choice grid of `field`."""
    checklist = await open_visit(pilot)
    row = checklist.question_row(field)
    assert row is not None
    grid = row.query_one(ChoiceGrid)
    await driver.tab_to(pilot, grid)
    return grid


@pytest.mark.asyncio
async def test_o_adds_a_value_that_is_not_listed_and_escape_adds_nothing(
    app_factory: AppFactory, tmp_path: Path
) -> None:
    store = Store(tmp_path / "store")
    widespread_visit(store)
    async with app_factory(store).run_test(size=(120, 40)) as pilot:
        grid = await to_choices(pilot, "history.aggravating")
        await driver.keys(pilot, "space")  # the first listed choice
        await driver.keys(pilot, "o")
        assert isinstance(pilot.app.focused, OtherInput)
        await driver.type_text(pilot, "poor sleep")
        await driver.keys(pilot, "enter")
        assert pilot.app.focused is grid  # back on the choices, the new one selected
        first = grid.options[0][0]
        assert store.get_visit(VISIT).visit.history.aggravating == [first, "poor sleep"]

        await driver.keys(pilot, "o")
        await driver.type_text(pilot, "cold")
        await driver.keys(pilot, "escape")  # cancelled: nothing added
        assert pilot.app.focused is grid
        assert not pilot.app.screen.query(OtherInput)
        assert store.get_visit(VISIT).visit.history.aggravating == [first, "poor sleep"]


@pytest.mark.asyncio
async def test_a_closed_list_has_no_other_key(app_factory: AppFactory, tmp_path: Path) -> None:
    """Radiation ids are checked against the vocabulary: typing one in would be refused."""
    store = Store(tmp_path / "store")
    widespread_visit(store)
    async with app_factory(store).run_test(size=(120, 40)) as pilot:
        grid = await to_choices(pilot, "history.radiation")
        await driver.keys(pilot, "o")
        assert pilot.app.focused is grid
        assert not pilot.app.screen.query(OtherInput)


@pytest.mark.asyncio
async def test_a_shows_every_section_and_an_answered_one_stays_shown(
    app_factory: AppFactory, tmp_path: Path
) -> None:
    """Cauda equina items are asked for spinal or limb pain; at a widespread-pain visit the
    physician may still ask about progressive weakness, and the answer must stay visible."""
    store = Store(tmp_path / "store")
    widespread_visit(store)
    async with app_factory(store).run_test(size=(120, 40)) as pilot:
        checklist = await open_visit(pilot)
        hidden = "red_flags_cauda_equina"
        assert hidden not in [s.id for s in checklist.relevant_sections()]
        assert checklist.sidebar.has_focus  # the visit opens on the section list
        await driver.keys(pilot, "A")
        assert hidden in [s.id for s in checklist.relevant_sections()]
        await driver.open_section(pilot, checklist, hidden)
        row = checklist.question_row("history.red_flags.progressive_weakness")
        assert row is not None and row.display
        await driver.tab_to(pilot, row)
        await driver.keys(pilot, "n")
        await driver.keys(pilot, "escape", "A")  # back to this visit's questions
        assert not checklist.every_question
        # answered, so still listed and shown
        assert hidden in [s.id for s in checklist.relevant_sections()]
        assert row.display
        flags = store.get_visit(VISIT).visit.history.red_flags
        assert flags == {"progressive_weakness": False}
