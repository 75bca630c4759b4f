"""No key crashes the app: on every tab of the latest visit of a demo patient of every body
region (and of the emergency), every key the screen binds at that moment is pressed, and the
arrows, Tab, Enter, space and digits a physician presses everywhere; the app must still be
running on that visit afterwards.

A key that opens a dialog (export, help, the palette) is followed by what a person does next:
escape out of it. Quitting and leaving the visit (escape, tested in test_visit_safety and
test_patients_screen) are not pressed. An exception in any handler fails the test: Pilot
re-raises it when the app stops.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import TabbedContent

from painclinic.demo import demo_visit_files
from painclinic.store import Store
from painclinic.tui.screens.visit import TABS, VisitScreen
from painclinic.validation import load_visit
from tests.conftest import AppFactory
from tests.driver import keys

NEVER = {"ctrl+q", "ctrl+c", "ctrl+z", "escape"}  # quit, suspend and leave: not a crash
EVERYWHERE = ("up", "down", "left", "right", "tab", "shift+tab", "enter", "space", "3", "0")
EMERGENCY = "demo-04"  # saddle anaesthesia, bladder dysfunction: an unacknowledged emergency
TAB_KEYS = {"history": "f2", "exam": "f3", "body_map": "f4", "assessment": "f5"}


def demo_patients() -> list[str]:
    """One patient per body region of the demo, and the cauda equina emergency (its visit
    cannot be left until acknowledged): every screen layout the demo has, at a cost CI can
    carry (every key of one visit takes about 20 s)."""
    chosen: dict[str, str] = {}
    for path in demo_visit_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        region = (data.get("history") or {}).get("region", "none")
        chosen.setdefault(region, data["patient"]["id"])
    return sorted({*chosen.values(), EMERGENCY})


def load_patient(store: Store, patient: str) -> str:
    """The patient's demo visits (a follow-up needs the one before); the latest visit's id."""
    for path in demo_visit_files():
        visit = load_visit(path)
        if visit.patient.id == patient:
            store.save_visit(visit)
    return store.visits(patient)[-1].id


async def back_to_the_visit(pilot: Pilot, visit_id: str, tab: str) -> VisitScreen:
    """Close what a key opened (a dialog, the palette) or reopen the visit a key left."""
    app = pilot.app
    for _ in range(5):
        if isinstance(app.screen, VisitScreen):
            break
        if isinstance(app.screen, ModalScreen):
            await keys(pilot, "escape")
        else:  # the patient list (escape) or another screen
            app.open_visit(visit_id, tab=tab)  # type: ignore[attr-defined]
            await pilot.pause()
    screen = app.screen
    assert isinstance(screen, VisitScreen), f"could not get back to {visit_id}"
    if screen.query_one(TabbedContent).active != tab:
        await keys(pilot, TAB_KEYS[tab])
    return screen


@pytest.mark.asyncio
@pytest.mark.parametrize("patient", demo_patients())
async def test_every_bound_key_on_every_tab_leaves_the_app_running(
    app_factory: AppFactory, tmp_path: Path, patient: str
) -> None:
    store = Store(tmp_path / "store")
    visit_id = load_patient(store, patient)
    app = app_factory(store)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_visit(visit_id)  # type: ignore[attr-defined]
        await pilot.pause()
        for tab in TABS:
            screen = await back_to_the_visit(pilot, visit_id, tab)
            home = pilot.app.focused  # where the tab's key puts the keyboard
            bound = [k for k in screen.active_bindings if k not in NEVER]
            for key in dict.fromkeys([*bound, *EVERYWHERE]):
                await keys(pilot, key)
                await back_to_the_visit(pilot, visit_id, tab)
                if pilot.app.focused is not home:  # c opened a comment, Tab moved on...
                    await keys(pilot, TAB_KEYS[tab])  # ...so the next key meets the same place
        assert app.is_running
        assert isinstance(app.screen, VisitScreen)
