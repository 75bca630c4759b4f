"""Safety keys of the visit screen: "all negative" for a red-flag section, and an emergency
flag that must be acknowledged before the visit can be left."""

from __future__ import annotations

from pathlib import Path

import pytest

from painclinic.session import VisitSession
from painclinic.store import Store
from painclinic.tui.screens.patients import PatientsScreen
from painclinic.tui.screens.visit import VisitScreen
from painclinic.tui.widgets.checklist import ChecklistView
from tests import driver
from tests.builders import stored_visit
from tests.conftest import TODAY, AppFactory

VISIT = "p-0001-v1"


def low_back_visit(store: Store) -> None:
    stored_visit(store, TODAY, {"history.region": "low_back"}, name="Red Flags")


@pytest.mark.asyncio
async def test_all_negative_records_each_unasked_item_as_denied_and_keeps_a_yes(
    app_factory: AppFactory, tmp_path: Path
) -> None:
    store = Store(tmp_path / "store")
    low_back_visit(store)
    async with app_factory(store).run_test(size=(120, 40)) as pilot:
        pilot.app.open_visit(VISIT)  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("ctrl+r")  # the red-flag sections
        await pilot.pause()
        checklist = pilot.app.screen.query_one(ChecklistView)
        section = checklist.current_section
        assert section is not None
        asked_before = store.get_visit(VISIT).visit.history.red_flags
        await pilot.press("enter", "y")  # the first item: yes
        await pilot.pause()
        await pilot.press("N")
        await pilot.pause()
        flags = store.get_visit(VISIT).visit.history.red_flags
        assert asked_before == {}
        assert list(flags.values()).count(True) == 1  # the yes stays a yes
        assert len(flags) == checklist.status(section).total  # every item now asked
        assert checklist.status(section).mark == "✓"
        # a section of the same screen not touched stays "not asked"
        other = next(
            s for s in checklist.relevant_sections() if s.stage == "red_flags" and s.id != section
        )
        assert checklist.status(other.id).answered == 0


@pytest.mark.asyncio
async def test_an_unacknowledged_emergency_keeps_the_physician_in_the_visit(
    app_factory: AppFactory, tmp_path: Path
) -> None:
    store = Store(tmp_path / "store")
    low_back_visit(store)
    session = VisitSession.open(store, VISIT)
    assert session.set("history.red_flags.saddle_anesthesia", True) is None
    async with app_factory(store).run_test(size=(120, 40)) as pilot:
        pilot.app.open_visit(VISIT)  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("f5", "escape", "escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, VisitScreen), "left with the emergency unanswered"
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, VisitScreen)
        plan = store.get_visit(VISIT).visit.plan
        assert plan is not None and [a.flag for a in plan.acknowledged] == ["saddle_anesthesia"]


@pytest.mark.asyncio
async def test_one_escape_too_many_stays_in_the_visit_and_two_in_a_row_leave(
    app_factory: AppFactory, tmp_path: Path
) -> None:
    """The ux walk: escape from the imaging editor went one level too far, and the letters
    typed next ("mri") acted on the patient list (r opened the practice cases)."""
    store = Store(tmp_path / "store")
    low_back_visit(store)
    async with app_factory(store).run_test(size=(120, 40)) as pilot:
        app = pilot.app
        app.open_visit(VISIT)  # type: ignore[attr-defined]
        await pilot.pause()
        visit = app.screen
        checklist = visit.query_one(ChecklistView)
        await driver.keys(pilot, "enter")  # into the first section
        assert not checklist.sidebar.has_focus
        await driver.keys(pilot, "escape")  # from its question back to the section list
        assert checklist.sidebar.has_focus
        await driver.keys(pilot, "escape", "w", "r", "i")  # one escape too many, then letters
        assert app.screen is visit and len(app.screen_stack) == 2, "the letters left the visit"
        await driver.keys(pilot, "escape", "down", "escape")  # not in a row: still here
        assert app.screen is visit
        await driver.keys(pilot, "escape", "escape")
        assert isinstance(app.screen, PatientsScreen)
