"""The clinic app, driven as a physician drives it (Textual Pilot, keyboard first).

Walks seed case 1 from a new patient to the assessment by keyboard and checks that the split
pane shows what `painclinic assess` gives for the same saved record; a red flag raises the
banner at once and its acknowledgement is recorded; accept/decline/add reach the saved plan;
autosave survives a restart; a save from a stale screen is refused.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from textual.pilot import Pilot
from typer.testing import CliRunner

from painclinic.cli import app as cli
from painclinic.model import Plan
from painclinic.session import VisitSession
from painclinic.store import Store
from painclinic.tui.app import PainClinicApp
from painclinic.tui.screens.visit import VisitScreen
from painclinic.tui.widgets.assessment_pane import AssessmentPane
from painclinic.tui.widgets.checklist import ChecklistView
from painclinic.tui.widgets.choice_grid import ChoiceGrid
from painclinic.tui.widgets.exam_grid import ExamGrid
from painclinic.tui.widgets.red_flag_banner import RedFlagBanner
from tests.conftest import TODAY, AppFactory
from tests.driver import tab_to

SIZE = (120, 40)
CASES = Path(__file__).resolve().parent / "cases"


async def answer(pilot: Pilot, checklist: ChecklistView, path: str, *keys: str) -> None:
    await tab_to(pilot, checklist.question_row(path))
    await pilot.press(*keys)
    await pilot.pause()


async def pick(pilot: Pilot, checklist: ChecklistView, path: str, *ids: str) -> None:
    """Move to a choice question and tick options with the arrow keys and space."""
    row = checklist.question_row(path)
    await tab_to(pilot, row)
    grid = row.query_one(ChoiceGrid)
    for oid in ids:
        target = [o[0] for o in grid.options].index(oid)
        key = "right" if target > grid.cursor else "left"
        await pilot.press(*[key] * abs(target - grid.cursor), "space")
    await pilot.pause()


def visit_screen(app: PainClinicApp) -> VisitScreen:
    assert isinstance(app.screen, VisitScreen)
    return app.screen


async def test_seed_case_1_walk_by_keyboard_matches_painclinic_assess(
    tmp_path: Path, app_factory: AppFactory
) -> None:
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        # New patient, by keyboard: name, age, sex, occupation; ctrl+s starts the visit.
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(
            *"Seed Case One",
            "tab",
            *"38",
            "tab",
            "down",
            "space",
            "tab",
            *"forklift operator",
            "ctrl+s",
        )
        await pilot.pause()
        screen = visit_screen(app)
        checklist = screen.query_one(ChecklistView)
        await pilot.press("enter")  # open the first section's questions
        await answer(
            pilot,
            checklist,
            "history.chief_complaint",
            *"Back pain shooting down the left leg",
            "enter",
        )
        await pick(pilot, checklist, "history.region", "low_back")
        await pick(pilot, checklist, "history.side", "left")
        await answer(pilot, checklist, "history.duration_weeks", "2", "enter")
        await pick(pilot, checklist, "history.onset", "sudden")
        await pick(pilot, checklist, "history.radiation", "buttock_thigh", "below_knee", "foot")
        await pick(pilot, checklist, "history.descriptors", "shooting", "electric")
        await answer(pilot, checklist, "history.pain.now", "7", "enter")
        await answer(pilot, checklist, "history.pain.worst", "9", "enter")
        await answer(pilot, checklist, "history.pain.least", "4", "enter")
        # Red-flag screen: saddle anaesthesia asked and denied.
        await pilot.press("ctrl+r")
        await pilot.pause()
        checklist.show_section("red_flags_cauda_equina")
        await pilot.pause()
        await answer(pilot, checklist, "history.red_flags.saddle_anesthesia", "n")
        # Exam: great toe extension 4/5 on the left, straight-leg raise positive on the left.
        await pilot.press("f3")
        await pilot.pause()
        grid = screen.query_one(ExamGrid)
        await tab_to(pilot, grid.cell("exam.motor.great_toe_extension.left"), limit=200)
        await pilot.press("4")
        await tab_to(pilot, grid.cell("exam.motor.great_toe_extension.right"), limit=20)
        await pilot.press("5")
        await tab_to(pilot, grid.question_row("exam.straight_leg_raise"), limit=200)
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()

        session = screen.session
        history = session.record["history"]
        assert history["region"] == "low_back" and history["side"] == "left"
        assert history["pain"] == {"now": 7, "worst": 9, "least": 4}
        assert set(history["radiation"]) == {"buttock_thigh", "below_knee", "foot"}
        assert history["red_flags"] == {"saddle_anesthesia": False}
        assert session.record["exam"]["motor"]["great_toe_extension"] == {"left": 4, "right": 5}
        pane = screen.query_one(AssessmentPane)
        assert pane.assessment is not None
        shown = pane.assessment

    # The same saved record, through the CLI, gives the same assessment.
    stored = Store(tmp_path / "store").get_visit(session.visit_id).visit
    record = tmp_path / "record.yaml"
    record.write_text(yaml.safe_dump(stored.to_record()))
    result = CliRunner().invoke(cli, ["assess", str(record), "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(shown.to_json()) == json.loads(result.stdout)
    assert [(r.root, r.side) for r in shown.localization][:1] == [("L5", "left")]
    assert "lumbar_radiculopathy" in {d.id for d in shown.differential}
    assert "nerve_glides" in {i.id for i in shown.tracks["rehabilitation"]}


async def test_a_positive_red_flag_raises_the_banner_and_acknowledgement_is_saved(
    app_factory: AppFactory,
) -> None:
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        store = app.store
        visit = VisitSession.new_initial(store, _patient(), TODAY)
        app.start_visit(visit)
        await pilot.pause()
        screen = visit_screen(app)
        banner = screen.query_one(RedFlagBanner)
        assert not banner.display or banner.has_class("-no-flags")
        checklist = screen.query_one(ChecklistView)
        screen.post_message(_field("history.region", "low_back"))  # makes the CES items relevant
        await pilot.pause()
        await pilot.press("ctrl+r")
        checklist.show_section("red_flags_cauda_equina")
        await pilot.pause()
        await answer(pilot, checklist, "history.red_flags.saddle_anesthesia", "y")
        assert not banner.has_class("-no-flags")
        assert [f.id for f in banner.flags] == ["saddle_anesthesia"]
        assert "EMERGENCY" in str(banner.render_lines(banner.region)[0]) or banner.flags[0].urgency
        await pilot.press(RedFlagBanner.ACK_KEY)
        await pilot.pause()
    saved = store.get_visit(visit.visit_id).visit
    assert saved.history.red_flags == {"saddle_anesthesia": True}
    assert [a.flag for a in saved.plan.acknowledged] == ["saddle_anesthesia"]


async def test_accept_decline_and_add_reach_the_saved_plan(app_factory: AppFactory) -> None:
    app = app_factory()
    store = app.store
    saved = store.save_visit(_load_case("lumbar-s1-radiculopathy"))
    async with app.run_test(size=SIZE) as pilot:
        app.open_visit(saved.id, tab="assessment")
        await pilot.pause()
        screen = visit_screen(app)
        pane = screen.query_one(AssessmentPane)
        first = pane.assessment.tracks["rehabilitation"][0].id
        second = pane.assessment.tracks["rehabilitation"][1].id
        await pilot.press("a")  # accept the highlighted (first) item
        await pilot.pause()
        await pilot.press("down", "d")
        await pilot.pause()
        await pilot.press(*"patient prefers gym", "enter")
        await pilot.pause()
        await pilot.press("plus")
        await pilot.pause()
        await pilot.press(*"Occupational health letter", "enter")
        await pilot.pause()
    plan = store.get_visit(saved.id).visit.plan
    assert plan is not None
    assert first in plan.accepted
    assert [(d.id, d.reason) for d in plan.declined] == [(second, "patient prefers gym")]
    assert [a.label for a in plan.added] == ["Occupational health letter"]


async def test_autosave_survives_a_restart_and_reopens_the_same_visit_and_tab(
    app_factory: AppFactory,
) -> None:
    app = app_factory(remember=True)
    async with app.run_test(size=SIZE) as pilot:
        session = VisitSession.new_initial(app.store, _patient(), TODAY)
        app.start_visit(session)
        await pilot.pause()
        visit_screen(app).post_message(_field("history.pain.now", 6))
        await pilot.press("f3")
        await pilot.pause()
    # A new process: same data folder, nothing passed in.
    again = app_factory(remember=True)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = visit_screen(again)
        assert screen.session.visit_id == session.visit_id
        assert screen.session.record["history"]["pain"]["now"] == 6
        assert screen.query_one("#tabs").active == "exam"


async def test_a_save_from_a_stale_screen_is_refused_and_nothing_is_overwritten(
    tmp_path: Path, app_factory: AppFactory
) -> None:
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        session = VisitSession.new_initial(app.store, _patient(), TODAY)
        app.start_visit(session)
        await pilot.pause()
        # Another terminal saves the same visit meanwhile.
        other = VisitSession.open(Store(tmp_path / "store"), session.visit_id)
        assert other.set("history.pain.now", 3) is None
        screen = visit_screen(app)
        screen.post_message(_field("history.pain.now", 8))
        await pilot.pause()
        assert "another terminal" in screen.sub_title
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert screen.session.record["history"]["pain"]["now"] == 3
    assert app.store.get_visit(session.visit_id).visit.history.pain.now == 3


async def test_help_and_palette_open_and_theme_toggles(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        before = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != before


@pytest.mark.parametrize("fmt", ["md", "pdf"])
async def test_export_key_writes_the_note_and_says_where(
    tmp_path: Path, app_factory: AppFactory, fmt: str
) -> None:
    app = app_factory()
    saved = app.store.save_visit(_load_case("fibromyalgia"))
    async with app.run_test(size=SIZE) as pilot:
        app.open_visit(saved.id)
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        index = ["md", "txt", "html", "pdf", "fhir", "ics"].index(fmt)
        await pilot.press(*["down"] * index, "enter")
        await pilot.pause()
    written = list((tmp_path / "store" / "exports").glob(f"*.{fmt}"))
    assert len(written) == 1 and written[0].stat().st_mode & 0o777 == 0o600
    assert app.store.audit_entries()[-1]["action"] == "export"


# ---------------------------------------------------------------- helpers


def _patient():
    from painclinic.model import Patient

    return Patient(name="Test Patient", age=45, sex="female")


def _load_case(name: str):
    from painclinic import load_visit

    return load_visit(CASES / f"{name}.yaml")


def _field(path: str, value: object):
    from painclinic.tui.messages import FieldChanged

    return FieldChanged(path, value)


def test_plan_model_round_trips() -> None:
    assert Plan().model_dump()["accepted"] == []
