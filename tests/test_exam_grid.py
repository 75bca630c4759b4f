"""The exam grid by keyboard: F3 lands on a cell that is shown, arrows move like a spreadsheet
and never reach a hidden root, `l` shows every root and back without losing the keyboard,
and grades typed at full speed land in the cells they were aimed at.

The ux review's first finding: on a low-back visit F3 focused the (hidden) C2 cell and the
first arrow key crashed the app.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from painclinic.store import Store
from painclinic.tui.widgets.exam_grid import ExamGrid
from painclinic.tui.widgets.grade_cell import GradeCell
from tests.builders import stored_visit
from tests.conftest import TODAY, AppFactory
from tests.driver import keys

LOW_BACK = {"history.region": "low_back", "history.radiation": ["buttock_thigh", "below_knee"]}
NECK = {"history.region": "neck", "history.radiation": ["arm_to_hand"]}


async def open_exam(pilot: Pilot, store: Store, answers: dict[str, object]) -> ExamGrid:
    visit_id = stored_visit(store, TODAY, answers, name="Grid Walker", age=50)
    pilot.app.open_visit(visit_id)  # type: ignore[attr-defined]
    await pilot.pause()
    await pilot.press("f3")
    await pilot.pause()
    await pilot.pause()
    return pilot.app.screen.query_one(ExamGrid)


def focused_cell(pilot: Pilot) -> GradeCell:
    cell = pilot.app.focused
    assert isinstance(cell, GradeCell), f"focus is on {cell!r}"
    return cell


def root_of(grid: ExamGrid, cell: GradeCell) -> str:
    return next(r.root for r in grid.roots.values() if cell in r.cells)


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_f3_on_a_low_back_visit_focuses_a_shown_lower_limb_cell(
    app_factory: AppFactory, tmp_path, size
) -> None:
    store = Store(tmp_path / "store")
    async with app_factory(store).run_test(size=size) as pilot:
        grid = await open_exam(pilot, store, LOW_BACK)
        assert grid.shown_roots()[0] == "L2" and "C5" not in grid.shown_roots()
        cell = focused_cell(pilot)
        assert root_of(grid, cell) == "L2" and cell.side == "left"


@pytest.mark.asyncio
async def test_every_arrow_from_every_shown_cell_stays_on_shown_cells(
    app_factory: AppFactory, tmp_path
) -> None:
    store = Store(tmp_path / "store")
    async with app_factory(store).run_test(size=(120, 40)) as pilot:
        grid = await open_exam(pilot, store, LOW_BACK)
        shown = set(grid.shown_roots())
        for key in ("up", "left", "right", "down", "down", "right", "up", "left"):
            for _ in range(3):
                await pilot.press(key)
                focused = pilot.app.focused
                if isinstance(focused, GradeCell) and focused.path in grid._cells:
                    assert root_of(grid, focused) in shown
                else:  # off the grid's edge to the items around it, never a crash
                    assert focused is not None
            grid.focus_first()
            await pilot.pause()


@pytest.mark.asyncio
async def test_down_keeps_the_column_and_right_moves_along_the_row(
    app_factory: AppFactory, tmp_path
) -> None:
    store = Store(tmp_path / "store")
    async with app_factory(store).run_test(size=(120, 40)) as pilot:
        grid = await open_exam(pilot, store, LOW_BACK)
        grid.cell("exam.motor.great_toe_extension.left").focus()  # L5 key muscle
        await pilot.pause()
        await pilot.press("down")
        cell = focused_cell(pilot)
        assert (root_of(grid, cell), cell.path) == ("S1", "exam.motor.ankle_plantarflexion.left")
        await pilot.press("right", "right")
        cell = focused_cell(pilot)
        assert cell.path == "exam.sensory.S1.left"


@pytest.mark.asyncio
async def test_l_shows_every_root_and_back_and_the_keyboard_stays_on_a_shown_cell(
    app_factory: AppFactory, tmp_path
) -> None:
    store = Store(tmp_path / "store")
    async with app_factory(store).run_test(size=(120, 40)) as pilot:
        grid = await open_exam(pilot, store, NECK)
        assert "L5" not in grid.shown_roots() and "C6" in grid.shown_roots()
        await pilot.press("l")
        await pilot.pause()
        assert "L5" in grid.shown_roots()
        grid.cell("exam.motor.great_toe_extension.left").focus()
        await pilot.pause()
        await pilot.press("l")  # the lower limb hides under the focused cell
        await pilot.pause()
        assert "L5" not in grid.shown_roots()
        cell = focused_cell(pilot)
        assert root_of(grid, cell) in grid.shown_roots()
        await pilot.press("down", "up")  # and the arrows still work from there
        assert root_of(grid, focused_cell(pilot)) in grid.shown_roots()


@pytest.mark.asyncio
async def test_grades_typed_at_full_speed_land_in_the_cells_aimed_at(
    app_factory: AppFactory, tmp_path
) -> None:
    store = Store(tmp_path / "store")
    async with app_factory(store).run_test(size=(120, 40)) as pilot:
        grid = await open_exam(pilot, store, LOW_BACK)
        grid.cell("exam.motor.great_toe_extension.left").focus()
        await pilot.pause()
        # L5 left 4, right 5, then sensation left reduced, right normal; S1 row below: 5 5
        await keys(pilot, "4", "right", "5", "right", "r", "right", "n")
        await keys(pilot, "down", "left", "left", "left", "5", "right", "5")
        exam = store.get_visit(grid.screen.session.visit_id).visit.exam  # type: ignore[attr-defined]
        dumped = exam.model_dump(mode="json", exclude_none=True)
        assert dumped["motor"]["great_toe_extension"] == {"left": 4, "right": 5}
        assert dumped["sensory"]["L5"] == {"left": "reduced", "right": "normal"}
        assert dumped["motor"]["ankle_plantarflexion"] == {"left": 5, "right": 5}


@pytest.mark.asyncio
async def test_an_impossible_grade_is_refused_in_the_status_line_and_saves_nothing(
    app_factory: AppFactory, tmp_path
) -> None:
    store = Store(tmp_path / "store")
    async with app_factory(store).run_test(size=(120, 40)) as pilot:
        grid = await open_exam(pilot, store, LOW_BACK)
        cell = grid.cell("exam.motor.great_toe_extension.left")
        cell.focus()
        await pilot.pause()
        await pilot.press("7")
        await pilot.pause()
        assert cell.value is None and cell.error and "0-5" in cell.error
        exam = store.get_visit(grid.screen.session.visit_id).visit.exam  # type: ignore[attr-defined]
        assert "great_toe_extension" not in exam.model_dump(exclude_none=True).get("motor", {})
        await pilot.press("4")
        await pilot.pause()
        assert cell.value == 4 and not cell.error
