"""The visit screen's palette commands do what they say (each is a screen action)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from painclinic.demo import demo_visit_files
from painclinic.store import Store
from painclinic.tui.app import PainClinicApp
from painclinic.tui.dialogs.plan import AddItemDialog
from painclinic.tui.screens.visit import VisitScreen
from painclinic.validation import load_visit


async def test_add_track_item_from_the_palette_opens_the_add_dialog(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    saved = store.save_visit(load_visit(demo_visit_files()[0]))
    app = PainClinicApp(store, today=lambda: dt.date(2026, 11, 27), remember=False)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_visit(saved.id)
        await pilot.pause()
        assert isinstance(app.screen, VisitScreen)
        await app.screen.run_action("add_item")
        await pilot.pause()
        assert isinstance(app.screen, AddItemDialog)
