"""The follow-up's "Since the last visit" box: closed to one line on a small terminal, open on a
roomy one, and opened by the keyboard (shift+tab from the checklist to its title, enter)."""

from __future__ import annotations

from pathlib import Path

import pytest

from painclinic.demo import load_demo
from painclinic.store import Store
from painclinic.tui.widgets.follow_up import FollowUpPanel
from tests.conftest import AppFactory


@pytest.fixture
def demo_store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "demo")
    load_demo(store)
    return store


@pytest.mark.asyncio
async def test_at_80_by_24_the_box_is_one_line_that_still_says_how_the_pain_went(
    app_factory: AppFactory, demo_store: Store, settle
) -> None:
    app = app_factory(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_visit("demo-01-v3", tab="history")
        await settle(pilot)
        panel = app.screen.query_one(FollowUpPanel)
        assert panel.region.height == 1 and panel.box.collapsed
        assert "Since the last visit: pain 3 -> 1, worst 5 -> 3" in panel.box.title
        assert app.screen.query_one("#checklist").region.height >= 15
        await pilot.press("shift+tab")
        await pilot.pause()
        assert app.focused is not None and app.focused.parent is panel.box
        await pilot.press("enter")
        await settle(pilot)
        assert not panel.box.collapsed and panel.region.height > 5
        assert panel.box.title == "Since the last visit"
        await pilot.press("enter")
        await settle(pilot)
        assert panel.box.collapsed and panel.region.height == 1


@pytest.mark.asyncio
async def test_at_120_by_40_the_box_is_open(
    app_factory: AppFactory, demo_store: Store, settle
) -> None:
    app = app_factory(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_visit("demo-01-v3", tab="history")
        await settle(pilot)
        panel = app.screen.query_one(FollowUpPanel)
        assert not panel.box.collapsed
        text = str(panel.query_one("#comparison").render())
        assert "Pain now: 3 -> 1" in text and "Sitting minutes: 45 -> 120" in text
