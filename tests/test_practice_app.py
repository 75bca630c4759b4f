"""Resident practice in the app, driven by keyboard as a resident drives it (Textual Pilot).

One practice run end to end on a fixture case: the case list, the vignette, asking history
items and red flags (the case's finding replaces whatever key was pressed and the item lands
in `asked`), examining (both sides revealed, the item lands in `examined` without its side),
committing an assessment and plan, finishing, the score screen and the saved attempt, the
Markdown export. Then: finishing a red-flag case without asking shows the CRITICAL MISS; the
engine's suggestions never reach the practice screen; the list filters; leaving keeps the
attempt in progress and reopening the case continues it.

The teaching cases in data/cases/ are written separately; these tests use two small fixture
cases under tests/fixtures/practice_cases/ so they do not depend on them.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable, RadioSet, SelectionList, Static

from painclinic import practice
from painclinic.knowledge import load_knowledge
from painclinic.practice import attempts
from painclinic.tui.dialogs.confirm import ConfirmDialog
from painclinic.tui.screens.practice.cases import PracticeCasesScreen
from painclinic.tui.screens.practice.run import PracticeRun
from painclinic.tui.screens.practice.score import PracticeScoreScreen
from painclinic.tui.screens.practice.visit import PracticeVisitScreen
from painclinic.tui.widgets.assessment_pane import AssessmentPane
from painclinic.tui.widgets.checklist import ChecklistView
from painclinic.tui.widgets.choice_grid import ChoiceGrid
from painclinic.tui.widgets.exam_grid import ExamGrid
from painclinic.tui.widgets.question import InputQuestion
from painclinic.tui.widgets.red_flag_banner import RedFlagBanner
from painclinic.tui.widgets.resident_form import ResidentForm
from painclinic.tui.widgets.yes_no import YesNoToggle
from tests.conftest import AppFactory

SIZE = (120, 40)
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "practice_cases"
RESIDENT = "Dr Test"


@pytest.fixture(autouse=True)
def fixture_cases(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(practice, "cases_dir", lambda: FIXTURES)
    practice.load_cases.cache_clear()
    yield
    practice.load_cases.cache_clear()


def text_of(widget: Widget) -> str:
    return str(widget.render())


def inside(widget: Widget | None, container: Widget) -> bool:
    return widget is not None and (widget is container or container in widget.ancestors)


async def tab_to(pilot: Pilot, target: Widget | None, limit: int = 200) -> None:
    """Press tab until the keyboard focus is on (or inside) `target`."""
    assert target is not None
    for _ in range(limit):
        if inside(pilot.app.focused, target):
            return
        await pilot.press("tab")
    raise AssertionError(f"tab never reached {target!r}")


async def focus_on(pilot: Pilot, target: Widget | None) -> None:
    """Put the keyboard on an item (tab works too, see tab_to, but a press redraws the screen)."""
    assert target is not None
    widget = target if target.focusable else next(w for w in target.query("*") if w.focusable)
    widget.focus()
    await pilot.pause()


async def open_case(pilot: Pilot, case_id: str) -> PracticeVisitScreen:
    """From the patient list: r, type the name, enter, arrow to the case, enter."""
    await pilot.press("r")
    await pilot.pause()
    cases = pilot.app.screen
    assert isinstance(cases, PracticeCasesScreen)
    assert pilot.app.focused is cases.query_one("#resident")  # no name yet: asked first
    await pilot.press(*RESIDENT, "enter")
    table = cases.query_one(DataTable)
    assert pilot.app.focused is table
    for _ in range(table.row_count):
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        if key.value == case_id:
            break
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, PracticeVisitScreen)
    assert screen.case.id == case_id
    return screen


async def open_section(pilot: Pilot, screen: PracticeVisitScreen, path: str) -> ChecklistView:
    """Open the checklist section that asks `path`."""
    checklist = screen.query_one(ChecklistView)
    section = next(s.id for s in checklist.sections if any(q.field == path for q in s.questions))
    checklist.select_section(section)
    await pilot.pause()
    return checklist


async def ask(pilot: Pilot, screen: PracticeVisitScreen, path: str, key: str = "enter") -> None:
    """Open the item's section, go to the item and press a key on it."""
    checklist = await open_section(pilot, screen, path)
    await focus_on(pilot, checklist.question_row(path))
    await pilot.press(key)
    await pilot.pause()


async def mark(pilot: Pilot, widget: SelectionList | RadioSet, value: str) -> None:
    """Go to a list, arrow to the option and mark it with space."""
    await focus_on(pilot, widget)
    if isinstance(widget, RadioSet):
        ids = [b.id for b in widget.query("RadioButton")]
        index = ids.index(f"rf-mech-{value}")
        current = widget._selected or 0  # the radio set's cursor
    else:
        index = next(
            i for i in range(widget.option_count) if widget.get_option_at_index(i).value == value
        )
        widget.highlighted = current = max(0, index - 2)  # a few arrow presses, not forty
    step = "down" if index >= current else "up"
    await pilot.press(*[step] * abs(index - current), "space")
    await pilot.pause()


async def finish(pilot: Pilot) -> PracticeScoreScreen:
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ConfirmDialog)
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, PracticeScoreScreen)
    return screen


# ---------------------------------------------------------------- end to end


async def test_practice_run_end_to_end(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, "fx-s1-radiculopathy")
        run = screen.run
        checklist = screen.query_one(ChecklistView)
        assert "41-year-old warehouse supervisor" in text_of(screen.query_one("#practice-vignette"))
        # known from the start; nothing else
        assert run.record["history"] == {
            "chief_complaint": screen.case.truth.history.chief_complaint,
            "region": "low_back",
        }
        assert "exam" not in run.record and run.asked == [] and run.examined == []

        # enter asks: the case answers no (reached with tab from the sections, as a resident does)
        await open_section(pilot, screen, "history.red_flags.saddle_anesthesia")
        await tab_to(pilot, checklist.question_row("history.red_flags.saddle_anesthesia"))
        await pilot.press("enter")
        await pilot.pause()
        assert run.record["history"]["red_flags"] == {"saddle_anesthesia": False}
        assert "history.red_flags.saddle_anesthesia" in run.asked
        # pressing y asks too, but the patient's answer (no) replaces the y
        await ask(pilot, screen, "history.red_flags.bladder_dysfunction", "y")
        row = checklist.question_row("history.red_flags.bladder_dysfunction")
        assert row is not None and row.query_one(YesNoToggle).value is False
        assert run.record["history"]["red_flags"]["bladder_dysfunction"] is False
        # a number is revealed into its field, nothing typed
        await ask(pilot, screen, "history.pain.worst")
        assert run.record["history"]["pain"] == {"worst": 9}
        worst = checklist.question_row("history.pain.worst")
        assert isinstance(worst, InputQuestion) and worst.input.value == "9"
        # space on a choice asks it; the case's own choices are shown
        await ask(pilot, screen, "history.radiation", "space")
        radiation = ["buttock_thigh", "below_knee", "foot"]
        assert run.record["history"]["radiation"] == radiation
        grid = checklist.question_row("history.radiation").query_one(ChoiceGrid)  # type: ignore[union-attr]
        assert grid.value == radiation
        assert run.asked == [
            "history.red_flags.saddle_anesthesia",
            "history.red_flags.bladder_dysfunction",
            "history.pain.worst",
            "history.radiation",
        ]
        # a list the clinic edits elsewhere (medications) is asked with enter too
        await ask(pilot, screen, "patient.medications")
        assert run.record["patient"]["medications"][0]["drug"] == "ibuprofen"
        counter = text_of(screen.query_one("#practice-counter"))
        assert "ibuprofen 400 mg 3x/day" in counter
        # an item the case does not record says it was asked
        await ask(pilot, screen, "history.red_flags.night_pain")
        assert "not recorded in this case" in text_of(screen.query_one("#practice-counter"))

        # exam: enter on one side examines the item and reveals both sides
        await pilot.press("f3")
        await pilot.pause()
        exam = screen.query_one(ExamGrid)
        await focus_on(pilot, exam.cell("exam.reflexes.achilles.right"))
        await pilot.press("enter")
        await pilot.pause()
        assert run.record["exam"]["reflexes"] == {
            "achilles": {"left": "normal", "right": "reduced"}
        }
        assert exam.cell("exam.reflexes.achilles.left").value == "normal"
        # a grade key examines too; the case's grade replaces the 5
        await pilot.press("left", "left", "left", "left", "5")  # along the S1 row to MRC right
        assert app.focused is exam.cell("exam.motor.ankle_plantarflexion.right")
        await pilot.pause()
        assert exam.cell("exam.motor.ankle_plantarflexion.right").value == 4
        assert run.examined == ["exam.reflexes.achilles", "exam.motor.ankle_plantarflexion"]
        counter = text_of(screen.query_one("#practice-counter"))
        assert "Asked 6 items, examined 2" in counter

        # the resident's own assessment and plan
        await pilot.press("f4")
        await pilot.pause()
        form = screen.query_one(ResidentForm)
        await mark(pilot, form.query_one("#rf-mechanism", RadioSet), "neuropathic")
        await mark(pilot, form.query_one("#rf-roots", SelectionList), "S1 right")
        await mark(pilot, form.query_one("#rf-differential", SelectionList), "lumbar_radiculopathy")
        plan = {
            "#rf-plan-rehabilitation": "physical_therapy",
            "#rf-plan-interventional": "transforaminal_esi",
            "#rf-avoid": "spinal_cord_stimulator_trial",
        }
        for list_id, item in plan.items():
            await mark(pilot, form.query_one(list_id, SelectionList), item)
        assert form.assessment().model_dump() == {
            "red_flags": [],
            "mechanism": "neuropathic",
            "roots": ["S1 right"],
            "differential": ["lumbar_radiculopathy"],
        }
        assert form.plan().accepted == ["physical_therapy", "transforaminal_esi"]
        assert form.plan().avoid == ["spinal_cord_stimulator_trial"]

        # finish: scored, saved, shown
        score = await finish(pilot)
        report = score.report
        saved = attempts(app.store, RESIDENT)
        assert len(saved) == 1
        attempt, stored = saved[0]
        assert attempt.asked == run.asked and attempt.examined == run.examined
        assert stored == report
        assert report.passed and not report.critical_misses
        total = text_of(score.query_one("#score-total"))
        assert f"Score {report.total_percent:g}%" in total and "PASSED" in total
        assert not score.query_one("#score-critical").display
        # the straight-leg raise was not done: expert answer, teaching point and source shown
        findings = "\n".join(text_of(w) for w in score.query("#score-findings Static"))
        assert "Straight-leg raise" in findings
        assert "left negative, right positive" in findings
        assert "A positive SLR supports lower-root tension." in findings
        assert "APTA CPG" in findings
        plans = score.query_one("#score-plans", DataTable)
        assert {str(k.value) for k in plans.rows} == {
            "physical_therapy",
            "transforaminal_esi",
            "spinal_cord_stimulator_trial",
        }

        # export the Markdown feedback, owner-only, and say where it went
        await pilot.press("e")
        await pilot.pause()
        exported = list((app.store.root / "exports").glob("practice-fx-s1-radiculopathy-*.md"))
        assert len(exported) == 1
        assert stat.S_IMODE(exported[0].stat().st_mode) == 0o600
        assert "# Practice feedback: Sciatica after lifting a child" in exported[0].read_text()
        assert str(exported[0]) in text_of(score.query_one("#score-export"))

        # back on the case list, the case is done
        await pilot.press("escape")
        await pilot.pause()
        cases = app.screen
        assert isinstance(cases, PracticeCasesScreen)
        row = cases.query_one(DataTable).get_row("fx-s1-radiculopathy")
        assert str(row[-1]).startswith("✓ done x1")


async def test_missed_red_flag_is_a_critical_miss(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, "fx-cauda-equina")
        score = await finish(pilot)
        report = score.report
        assert not report.passed
        assert any(f.item == "red flag saddle_anesthesia" for f in report.critical_misses)
        banner = score.query_one("#score-critical", Static)
        assert banner.display
        assert "CRITICAL MISS" in text_of(banner)
        assert "FAILS THE ATTEMPT" in text_of(banner)
        assert "NOT PASSED" in text_of(score.query_one("#score-total"))
        categories = score.query_one("#score-categories", DataTable)
        assert "CRITICAL MISS" in str(categories.get_row("red_flag_screen")[-1])
        assert len(attempts(app.store, RESIDENT)) == 1


async def test_suggestions_stay_hidden(app_factory: AppFactory) -> None:
    """No assessment pane, no red-flag banner, no score notes: only what was revealed."""
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, "fx-cauda-equina")
        await ask(pilot, screen, "history.red_flags.saddle_anesthesia")
        assert screen.run.record["history"]["red_flags"] == {"saddle_anesthesia": True}
        assert not screen.query(AssessmentPane) and not screen.query(RedFlagBanner)
        assert screen.query_one(ChecklistView).scores == {}
        assert screen.query_one(ExamGrid).scores == {}
        form = screen.query_one(ResidentForm)
        assert form.assessment().model_dump() == {
            "red_flags": [],
            "mechanism": None,
            "roots": [],
            "differential": [],
        }
        assert all(not lst.selected for lst in form.query(SelectionList))


async def test_leaving_keeps_the_attempt_and_reopening_continues_it(
    app_factory: AppFactory,
) -> None:
    """M12: the attempt is saved as it goes; enter in the leave dialog keeps working; the
    same case opened again offers to continue, and the asked questions are still asked."""
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, "fx-s1-radiculopathy")
        await ask(pilot, screen, "history.red_flags.saddle_anesthesia")
        await ask(pilot, screen, "history.pain.worst")
        await pilot.press("f3")  # the exam grid has no escape of its own
        await pilot.pause()
        await focus_on(pilot, screen.query_one(ExamGrid).cell("exam.reflexes.achilles.right"))
        await pilot.press("enter")
        await pilot.press("f4")
        await pilot.pause()
        form = screen.query_one(ResidentForm)
        await mark(pilot, form.query_one("#rf-mechanism", RadioSet), "neuropathic")
        await mark(
            pilot, form.query_one("#rf-plan-rehabilitation", SelectionList), "physical_therapy"
        )
        asked, examined = list(screen.run.asked), list(screen.run.examined)
        assert asked == ["history.red_flags.saddle_anesthesia", "history.pain.worst"]

        await pilot.press("f3", "escape")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "Nothing of this attempt is saved" not in dialog.question
        assert "saved" in dialog.question
        await pilot.press("enter")  # enter = keep working
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape", "y")  # leave
        await pilot.pause()
        cases = app.screen
        assert isinstance(cases, PracticeCasesScreen)
        assert attempts(app.store, RESIDENT) == []  # not scored: not in the history

        await pilot.press("enter")  # the same case again
        await pilot.pause()
        offer = app.screen
        assert isinstance(offer, ConfirmDialog)
        assert "unfinished attempt at this case (asked 2, examined 1)" in offer.question
        await pilot.press("enter")  # continue it
        await pilot.pause()
        again = app.screen
        assert isinstance(again, PracticeVisitScreen) and again is not screen
        assert again.run.asked == asked and again.run.examined == examined
        assert again.run.record["history"]["pain"] == {"worst": 9}
        assert "Asked 2 items, examined 1" in text_of(again.query_one("#practice-counter"))
        form = again.query_one(ResidentForm)
        assert form.mechanism() == "neuropathic"
        assert form.plan().accepted == ["physical_therapy"]
        # one more question, then finish: the scored attempt has all of it, once
        await ask(pilot, again, "history.radiation", "space")
        score = await finish(pilot)
        saved = attempts(app.store, RESIDENT)
        assert len(saved) == 1 and saved[0][0].asked == [*asked, "history.radiation"]
        assert score.attempt.examined == examined
        # scored: nothing is offered any more
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PracticeVisitScreen)
        assert app.screen.run.asked == []


async def test_starting_afresh_keeps_the_unfinished_attempt(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, "fx-s1-radiculopathy")
        await ask(pilot, screen, "history.pain.worst")
        await pilot.press("f3", "escape", "y")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # start afresh
        await pilot.pause()
        fresh = app.screen
        assert isinstance(fresh, PracticeVisitScreen) and fresh.run.asked == []
        # nothing asked in the fresh one yet: leaving and coming back offers the old one
        await pilot.press("f3", "escape", "y")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "asked 1" in app.screen.question


async def test_case_list_filters(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await pilot.pause()
        cases = app.screen
        assert isinstance(cases, PracticeCasesScreen)
        table = cases.query_one(DataTable)
        await pilot.press("s")  # no name yet: typed into the name field, not a start
        assert cases.query_one("#resident").value == "s"  # type: ignore[attr-defined]
        await pilot.press("backspace", *RESIDENT, "enter")
        assert table.row_count == 2
        await pilot.press("d")  # beginner
        assert [str(k.value) for k in table.rows] == ["fx-s1-radiculopathy"]
        await pilot.press("d")  # intermediate: none
        assert table.row_count == 0
        assert "No case matches" in text_of(cases.query_one("#practice-case-detail"))
        await pilot.press("a", "t")  # all, then not done only
        assert table.row_count == 2
        await pilot.press("t")  # done only
        assert table.row_count == 0
        await pilot.press("a", "r")  # the only region
        assert table.row_count == 2
        assert "low back" in text_of(cases.query_one("#practice-filters"))


def test_practice_run_reveals_only_what_was_asked() -> None:
    case = practice.get_case("fx-s1-radiculopathy")
    run = PracticeRun(case, load_knowledge())
    assert set(run.record) == {"schema", "visit", "patient", "history"}
    assert set(run.record["patient"]) == {"id", "name", "age", "sex"}  # no occupation, no drugs
    assert "leg_symptoms" not in run.facts
    item, value = run.ask("exam.straight_leg_raise.left")
    assert (item, value) == ("exam.straight_leg_raise", {"left": "negative", "right": "positive"})
    assert run.examined == ["exam.straight_leg_raise"]
    run.ask("history.radiation")
    run.ask("history.radiation")  # asking again counts once
    assert run.asked == ["history.radiation"]
    assert "leg_symptoms" in run.facts  # relevance follows what was revealed
    assert run.ask("history.red_flags.night_pain") == ("history.red_flags.night_pain", None)
    assert "night_pain" not in run.record["history"].get("red_flags", {})


async def test_start_practice_opens_the_case_over_the_list(app_factory: AppFactory) -> None:
    """What `painclinic practice start CASE` uses: the case, with the list underneath."""
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        app.start_practice("fx-cauda-equina", RESIDENT)
        await pilot.pause()
        assert isinstance(app.screen, PracticeVisitScreen)
        assert app.screen.resident == RESIDENT
        await pilot.press("f3", "escape", "y")  # leave (enter would keep working)
        await pilot.pause()
        cases = app.screen
        assert isinstance(cases, PracticeCasesScreen)
        assert cases.resident == RESIDENT
