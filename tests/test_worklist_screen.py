"""The worklist screen, driven by keys as a physician drives it (Textual Pilot).

`w` on the patient list opens it; checkpoints across patients come sorted by date with how
late or near each one is in words; `f` filters overdue / this week / all; the engine's
`x` marks a planned checkpoint
done (saved in the visit's plan, with a notification); enter opens that visit; the empty
state says so. Only planned checkpoints are listed: the engine's proposals are not.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import DataTable, Static

from painclinic.store import Store
from painclinic.tui.screens.patients import PatientsScreen
from painclinic.tui.screens.visit import VisitScreen
from painclinic.tui.screens.worklist import WorklistScreen, when
from painclinic.validation import visit_from_data
from tests.builders import BASE, merge
from tests.conftest import TODAY, AppFactory

SIZE = (80, 24)  # the small clinic terminal: the worklist must work there


def plan_with(*checkpoints: tuple[dt.date, str]) -> dict[str, object]:
    return {"checkpoints": [{"date": d.isoformat(), "label": label} for d, label in checkpoints]}


def seed(root: Path) -> Store:
    """Ana: one overdue, one today, one in 20 days (planned). Ben: no plan (engine's)."""
    store = Store(root)
    days = dt.timedelta
    ana = merge(
        BASE,
        {
            "patient": {"id": "ana", "name": "Ana Alves"},
            # seen a month ago: an initial visit's checkpoints cannot come before it
            "visit": {"date": (TODAY - days(30)).isoformat()},
            "plan": plan_with(
                (TODAY - days(3), "Phone check after taper"),
                (TODAY, "Pain diary review"),
                (TODAY + days(20), "6-week function review"),
            ),
        },
    )
    store.save_visit(visit_from_data(ana, source="test"))
    ben = merge(BASE, {"patient": {"id": "ben", "name": "Ben Brook"}})
    store.save_visit(visit_from_data(ben, source="test"))
    return store


def rows(screen: WorklistScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(n)] for n in range(table.row_count)]


async def open_worklist(pilot) -> WorklistScreen:
    assert isinstance(pilot.app.screen, PatientsScreen)
    await pilot.press("w")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, WorklistScreen)
    return screen


def test_when_is_said_in_words() -> None:
    assert when(TODAY - dt.timedelta(days=3), TODAY) == "OVERDUE 3 d"
    assert when(TODAY, TODAY) == "today"
    assert when(TODAY + dt.timedelta(days=1), TODAY) == "tomorrow"
    assert when(TODAY + dt.timedelta(days=9), TODAY) == "in 9 d"


async def test_worklist_filters_and_says_when_in_words(tmp_path: Path, app_factory: AppFactory):
    app = app_factory(seed(tmp_path / "store"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_worklist(pilot)
        # this week (the default): overdue first, then today; the 20-day one is not shown
        shown = rows(screen)
        assert [r[0] for r in shown] == ["OVERDUE 3 d", "today"]
        assert [r[3] for r in shown] == ["Phone check after taper", "Pain diary review"]
        # Ben's visit plans no checkpoint: the engine's proposals are not the physician's plan
        assert all(r[2] != "Ben Brook" for r in shown)
        assert "2 checkpoints, 1 overdue" in str(
            screen.query_one("#worklist-filter", Static).render()
        )
        await pilot.press("f")  # overdue only
        assert [r[0] for r in rows(screen)] == ["OVERDUE 3 d"]
        assert "overdue only" in str(screen.query_one("#worklist-filter", Static).render())
        await pilot.press("f")  # all
        assert [r[0] for r in rows(screen)] == ["OVERDUE 3 d", "today", "in 20 d"]
        await pilot.press("f")  # back to this week
        assert screen.show == "week"


async def test_x_marks_the_checkpoint_done(tmp_path: Path, app_factory: AppFactory) -> None:
    store = seed(tmp_path / "store")
    app = app_factory(store)
    messages: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        app.notify = lambda message, **kw: messages.append(str(message))  # type: ignore[method-assign]
        screen = await open_worklist(pilot)
        assert rows(screen)[0][3] == "Phone check after taper"
        await pilot.press("x")
        await pilot.pause()
        plan = store.get_visit("ana-v1").visit.plan
        assert plan is not None
        done = {c.label: c.done for c in plan.checkpoints}
        assert done == {
            "Phone check after taper": TODAY,
            "Pain diary review": None,
            "6-week function review": None,
        }
        assert any(m.startswith(f"Marked done today ({TODAY}): Phone check") for m in messages)
        # done is off the list; the next one is under the cursor
        assert [r[3] for r in rows(screen)] == ["Pain diary review"]


async def test_enter_opens_the_visit_and_escape_returns(tmp_path: Path, app_factory: AppFactory):
    app = app_factory(seed(tmp_path / "store"))
    async with app.run_test(size=SIZE) as pilot:
        await open_worklist(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, VisitScreen)
        assert app.screen.session.visit_id == "ana-v1"
        await pilot.press("escape", "escape")  # leaving a visit takes two
        await pilot.pause()
        assert isinstance(app.screen, WorklistScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PatientsScreen)


async def test_empty_worklist_says_so(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_worklist(pilot)
        assert screen.query_one(DataTable).row_count == 0
        empty = screen.query_one("#worklist-empty", Static)
        assert empty.display
        assert "No patients yet" in str(empty.render())


async def test_worklist_is_in_the_command_palette(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"worklist")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WorklistScreen)
