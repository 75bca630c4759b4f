"""Keys land in the field that had focus when they were pressed, however fast they come.

The ux review typed `7 Tab 9 Tab 4` into the pain fields at terminal speed and got pain now =
794: Tab's focus move ran after the next digits had been handed to the old field. These tests
post every key event at once (no pause between keys, faster than any typist) and then check
each value where it was aimed.
"""

from __future__ import annotations

import pytest
from textual import events
from textual.pilot import Pilot

from painclinic.model import Patient
from painclinic.session import VisitSession
from painclinic.store import Store
from painclinic.tui.widgets.checklist import ChecklistView
from tests.conftest import TODAY, AppFactory
from tests.driver import drained, keys  # sent back to back, then all handled


async def open_new_visit(pilot: Pilot, store: Store) -> ChecklistView:
    session = VisitSession.new_initial(store, Patient(name="Fast Typist", age=40), TODAY)
    pilot.app.open_visit(session.visit_id)  # type: ignore[attr-defined]
    await pilot.pause()
    return pilot.app.screen.query_one(ChecklistView)


@pytest.mark.asyncio
async def test_digits_and_tabs_typed_at_full_speed_land_in_their_own_fields(
    app_factory: AppFactory, tmp_path
) -> None:
    store = Store(tmp_path / "store")
    app = app_factory(store)
    async with app.run_test(size=(120, 40)) as pilot:
        checklist = await open_new_visit(pilot, store)
        checklist.question_row("history.pain.now").focus_editor()
        await pilot.pause()
        await keys(pilot, "7", "tab", "9", "tab", "4", "tab", "1", "2")
        await pilot.press("enter")
        await pilot.pause()
        pain = store.get_visit("p-0001-v1").visit.history.pain
        assert (pain.now, pain.worst, pain.least) == (7, 9, 4)
        assert store.get_visit("p-0001-v1").visit.history.sleep_hours is None
        values = [
            checklist.question_row(f"history.pain.{k}").input.value  # type: ignore[union-attr]
            for k in ("now", "worst", "least")
        ]
        assert values == ["7", "9", "4"]


@pytest.mark.asyncio
async def test_enter_moves_on_before_the_next_keys_of_a_burst_are_read(
    app_factory: AppFactory, tmp_path
) -> None:
    """Enter accepts a value and moves to the next item; the recompute it sets off must not
    swallow or misplace the keys typed while it ran."""
    store = Store(tmp_path / "store")
    app = app_factory(store)
    async with app.run_test(size=(120, 40)) as pilot:
        checklist = await open_new_visit(pilot, store)
        checklist.question_row("history.pain.now").focus_editor()
        await pilot.pause()
        await keys(pilot, "6", "enter", "8", "enter", "2", "enter")
        pain = store.get_visit("p-0001-v1").visit.history.pain
        assert (pain.now, pain.worst, pain.least) == (6, 8, 2)


@pytest.mark.asyncio
async def test_text_typed_right_after_opening_a_section_lands_in_its_first_question(
    app_factory: AppFactory, tmp_path
) -> None:
    """Enter on the section list focuses the section's first question once its page is laid
    out; in a real terminal the first letters typed straight after it went nowhere."""
    store = Store(tmp_path / "store")
    app = app_factory(store)
    async with app.run_test(size=(120, 40)) as pilot:
        checklist = await open_new_visit(pilot, store)
        assert checklist.sidebar.has_focus
        await keys(pilot, "enter", *"knee hurts on stairs", "enter")
        saved = store.get_visit("p-0001-v1").visit
        assert saved.history.chief_complaint == "knee hurts on stairs"
        assert checklist.question_row("history.region").has_focus_within  # enter moved on


@pytest.mark.asyncio
async def test_a_dialog_over_a_screen_does_not_hold_the_keys_typed_in_it(
    app_factory: AppFactory,
) -> None:
    """The screen under a dialog is not refreshed, so work it deferred to its next refresh
    waits; the key gate must not wait for it, or every key typed in the command palette sat
    out the whole settle limit."""
    from painclinic.tui.screens.worklist import WorklistScreen

    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await keys(pilot, "ctrl+p")
        assert not app._busy(list(app._live_nodes()))  # idle while the palette is open
        await keys(pilot, *"worklist", "enter")
        assert isinstance(app.screen, WorklistScreen)


@pytest.mark.asyncio
async def test_escape_then_a_letter_read_as_one_alt_key_is_still_escape_then_the_letter(
    app_factory: AppFactory, tmp_path
) -> None:
    """A terminal sends escape as one byte, and the next key within 0.1 s makes it "alt+k"
    (tmux, a fast typist, ssh): the walk's `escape k` stayed in the chief complaint and typed
    a "k" there instead of going to the section list and on to the section above."""
    store = Store(tmp_path / "store")
    app = app_factory(store)
    async with app.run_test(size=(120, 40)) as pilot:
        checklist = await open_new_visit(pilot, store)
        await keys(pilot, "j", "enter")  # the second section, its first question
        second = checklist.current_section
        first_question = app.focused
        await keys(pilot, *"ok")
        pilot.app.post_message(events.Key("alt+k", "k"))  # what `escape k` becomes
        await drained(pilot)
        assert checklist.sidebar.has_focus, "escape was lost"
        assert checklist.current_section != second, "k did not move to the section above"
        assert getattr(first_question, "value", None) == "ok", "k was typed into the field"
