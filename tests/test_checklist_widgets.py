"""The history checklist and the exam grid as widgets: typed values, validation as typed,
relevance rules, completion marks, errors from the session, comments, and two snapshots.

A small harness app mounts one widget, calls `load(...)` as the visit screen does, and keeps
every `FieldChanged` the widget posts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual import on
from textual.app import App
from textual.widget import Widget
from textual.widgets import Input, Static

from painclinic import assess
from painclinic import checklist as logic
from painclinic.engine.facts import build_facts
from painclinic.knowledge import load_knowledge
from painclinic.tui.messages import FieldChanged
from painclinic.tui.widgets.checklist import ChecklistView
from painclinic.tui.widgets.choice_grid import ChoiceGrid
from painclinic.tui.widgets.entry_list import EntryBlock, EntryListQuestion
from painclinic.tui.widgets.exam_grid import ExamGrid
from painclinic.tui.widgets.grade_cell import GradeCell
from painclinic.tui.widgets.question import COMMIT_AFTER, QuestionRow
from painclinic.tui.widgets.yes_no import YesNoToggle
from tests.builders import visit

KB = load_knowledge()
CSS = Path(__file__).parent.parent / "painclinic" / "tui" / "styles" / "checklist.tcss"
SIZE = (120, 40)
HISTORY = ("history", "red_flags", "screens")


def state(**changes: Any) -> tuple[dict[str, Any], Any, Any]:
    v = visit(**changes)
    return v.to_record(), build_facts(v, KB), assess(v, KB).scores


class Harness(App[None]):
    CSS_PATH = str(CSS)

    def __init__(self, widget: Widget, **changes: Any) -> None:
        super().__init__()
        self.widget = widget
        self.changes = changes
        self.posted: list[tuple[str, Any]] = []

    def compose(self):  # type: ignore[override]
        yield self.widget

    def on_mount(self) -> None:
        self.widget.load(*state(**self.changes))  # type: ignore[attr-defined]

    def reload(self, **changes: Any) -> None:
        self.widget.load(*state(**changes))  # type: ignore[attr-defined]

    @on(FieldChanged)
    def _posted(self, message: FieldChanged) -> None:
        self.posted.append((message.path, message.value))


def checklist(**changes: Any) -> Harness:
    return Harness(ChecklistView(KB, HISTORY, id="checklist"), **changes)


def exam(**changes: Any) -> Harness:
    return Harness(ExamGrid(KB, id="exam"), **changes)


async def open_section(pilot: Any, section: str) -> ChecklistView:
    view = pilot.app.query_one(ChecklistView)
    view.select_section(section)
    await pilot.pause()
    return view


def row_of(view: ChecklistView | ExamGrid, field: str) -> QuestionRow:
    row = view.question_row(field)
    assert row is not None, field
    return row


def error_text(row: QuestionRow) -> str:
    return str(row.query_one(".q-error", Static).render())


# ---------------------------------------------------------------- typed numbers


@pytest.mark.asyncio
async def test_typing_7_into_pain_now_posts_an_integer() -> None:
    app = checklist()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_section(pilot, "complaint")
        row = row_of(view, "history.pain.now")
        row.query_one(Input).focus()
        await pilot.press("7", "enter")
        await pilot.pause()
        assert app.posted == [("history.pain.now", 7)]
        assert type(app.posted[0][1]) is int
        # enter accepts and moves on to the next item
        assert app.focused is row_of(view, "history.pain.worst").query_one(Input)


@pytest.mark.asyncio
async def test_a_valid_number_is_posted_after_a_pause_without_enter() -> None:
    app = checklist()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_section(pilot, "complaint")
        row_of(view, "history.pain.worst").query_one(Input).focus()
        await pilot.press("8")
        assert app.posted == []
        await pilot.pause(COMMIT_AFTER + 0.3)
        assert app.posted == [("history.pain.worst", 8)]


@pytest.mark.asyncio
async def test_typing_11_shows_an_inline_error_and_posts_nothing() -> None:
    app = checklist()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_section(pilot, "complaint")
        row = row_of(view, "history.pain.now")
        row.query_one(Input).focus()
        await pilot.press("1", "1")
        assert row.has_class("-error")
        assert "Out of range: 11" in error_text(row)
        await pilot.press("enter")
        await pilot.pause(COMMIT_AFTER + 0.2)
        assert app.posted == []
        assert row.query_one(Input).value == "11"  # nothing typed is lost


@pytest.mark.asyncio
async def test_a_word_in_a_number_field_is_refused_as_typed() -> None:
    app = checklist()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_section(pilot, "complaint")
        row = row_of(view, "history.duration_weeks")
        row.query_one(Input).focus()
        await pilot.press("a", "b", "enter")
        assert "Not a number" in error_text(row)
        await pilot.press("backspace", "backspace", "2", ".", "5", "enter")
        await pilot.pause()
        assert not row.has_class("-error")
        assert app.posted == [("history.duration_weeks", 2.5)]


# ---------------------------------------------------------------- choices


@pytest.mark.asyncio
async def test_choice_posts_an_id_and_multi_choice_a_list() -> None:
    app = checklist()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_section(pilot, "complaint")
        row_of(view, "history.onset").query_one(ChoiceGrid).focus()
        await pilot.press("space")  # cursor on the first option: sudden
        row_of(view, "history.descriptors").query_one(ChoiceGrid).focus()
        await pilot.press("right", "space")  # aching is already ticked; add burning
        await pilot.pause()
        assert app.posted == [
            ("history.onset", "sudden"),
            ("history.descriptors", ["aching", "burning"]),
        ]


@pytest.mark.asyncio
async def test_a_structured_list_shows_each_entry_in_its_own_fields() -> None:
    app = checklist(patient={"medications": [{"drug": "duloxetine", "dose_mg": 60}]})
    async with app.run_test(size=SIZE) as pilot:
        view = await open_section(pilot, "treatments")
        row = row_of(view, "patient.medications")
        assert isinstance(row, EntryListQuestion)
        await pilot.pause()
        saved, blank = row.query(EntryBlock)
        assert saved.texts()["drug"] == "duloxetine"
        assert saved.texts()["dose_mg"] == "60"
        assert not any(blank.texts().values())  # an empty entry at the end starts the next


# ---------------------------------------------------------------- red flags


@pytest.mark.asyncio
async def test_red_flag_toggle_posts_true_false_and_none() -> None:
    app = checklist()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_section(pilot, "red_flags_general")
        row = row_of(view, "history.red_flags.fever")
        toggle = row.query_one(YesNoToggle)
        assert "not asked" in str(toggle.render())
        toggle.focus()
        await pilot.press("y")
        assert row.has_class("-flag-yes")
        assert "YES !" in str(toggle.render())
        await pilot.press("n", "u", "y", "space")
        await pilot.pause()
        fever = "history.red_flags.fever"
        assert app.posted == [
            (fever, True),
            (fever, False),
            (fever, None),
            (fever, True),
            (fever, None),
        ]


# ---------------------------------------------------------------- sidebar keys


@pytest.mark.asyncio
async def test_sidebar_keys_move_between_sections_and_into_the_questions() -> None:
    app = checklist()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ChecklistView)
        view.sidebar.focus()
        await pilot.press("j")
        assert view.current_section == "function_sleep"
        await pilot.press("k", "down")
        assert view.current_section == "function_sleep"
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is row_of(view, "history.sleep_hours").query_one(Input)
        await pilot.press("down")
        assert app.focused is row_of(view, "history.function.sitting_minutes").query_one(Input)
        await pilot.press("escape")
        assert app.focused is view.sidebar
        await pilot.press("tab")
        assert app.focused is row_of(view, "history.sleep_hours").query_one(Input)
        view.show_section("red_flags")
        await pilot.pause()
        assert view.current_section == "red_flags_general"


# ---------------------------------------------------------------- relevance


@pytest.mark.asyncio
async def test_headache_items_hidden_for_low_back_pain_and_shown_for_head() -> None:
    app = checklist()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_section(pilot, "complaint")
        ids = [s.id for s in view.relevant_sections()]
        assert "headache" not in ids and "red_flags_headache" not in ids
        assert "headache" not in [o.id for o in view.sidebar.options]
        app.reload(history={"region": "head", "chief_complaint": "Headache"})
        await pilot.pause()
        assert "headache" in [o.id for o in view.sidebar.options]
        view = await open_section(pilot, "red_flags_headache")
        assert row_of(view, "history.red_flags.headache_pattern_change").display


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("patient", "shown"),
    [
        ({"sex": "female", "age": 34}, True),
        ({"sex": "male", "age": 34}, False),
        ({"sex": "female", "age": 70}, False),
    ],
)
async def test_pregnancy_question_only_for_a_female_of_childbearing_age(
    patient: dict[str, Any], shown: bool
) -> None:
    app = checklist(patient=patient)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_section(pilot, "comorbidities")
        assert bool(row_of(view, "patient.pregnant").display) is shown


@pytest.mark.asyncio
async def test_sidebar_mark_changes_after_answers_are_loaded() -> None:
    app = checklist()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_section(pilot, "red_flags_general")

        def entry() -> str:
            return view.sidebar.get_option("red_flags_general").prompt.plain  # type: ignore[union-attr]

        assert entry().startswith("  ○")
        app.reload(history={"red_flags": {"fever": False}})
        await pilot.pause()
        assert entry().startswith("  ◐")
        flags = dict.fromkeys(
            [
                "fever",
                "iv_drug_use",
                "immunosuppression",
                "cancer_history",
                "unexplained_weight_loss",
                "night_pain",
                "recent_infection",
                "recent_spinal_procedure",
            ],
            False,
        )
        app.reload(history={"red_flags": flags})
        await pilot.pause()
        assert entry().startswith("  ✓")
        app.reload(history={"red_flags": {**flags, "cancer_history": True}})
        await pilot.pause()
        assert entry().startswith("! ✓")
        assert view.status("red_flags_general").flagged


# ---------------------------------------------------------------- errors and reloads


@pytest.mark.asyncio
async def test_show_error_displays_and_clears_and_keeps_the_typed_text() -> None:
    app = checklist()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_section(pilot, "complaint")
        row = row_of(view, "history.pain.least")
        field = row.query_one(Input)
        field.focus()
        await pilot.press("9", "enter")
        view.show_error("history.pain.least", "least pain is above the worst pain")
        await pilot.pause()
        assert "least pain is above the worst pain" in error_text(row)
        row_of(view, "history.pain.now").query_one(Input).focus()
        app.reload()  # another field accepted: the refused text must survive
        await pilot.pause()
        assert field.value == "9"
        view.show_error("history.pain.least", None)
        await pilot.pause()
        assert not row.has_class("-error")


@pytest.mark.asyncio
async def test_load_does_not_clobber_the_field_being_typed() -> None:
    app = checklist()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_section(pilot, "complaint")
        field = row_of(view, "history.pain.now").query_one(Input)
        field.focus()
        await pilot.press("8")
        app.reload(history={"pain": {"now": 4}})
        await pilot.pause()
        assert field.value == "8"
        other = row_of(view, "history.pain.worst").query_one(Input)
        app.reload(history={"pain": {"now": 4, "worst": 9}})
        await pilot.pause()
        assert other.value == "9"  # fields not being typed follow the record


@pytest.mark.asyncio
async def test_screen_scores_are_interpreted_next_to_the_item() -> None:
    app = checklist(history={"screens": {"phq9": 12}})
    async with app.run_test(size=SIZE) as pilot:
        view = await open_section(pilot, "screens_mood")
        row = row_of(view, "history.screens.phq9")
        note = str(row.query_one(".q-note", Static).render())
        assert "PHQ-9 12: moderate (positive screen)" in note


# ---------------------------------------------------------------- comments


@pytest.mark.asyncio
async def test_a_comment_posts_the_whole_comments_map_and_marks_the_item() -> None:
    app = checklist(history={"comments": {"history.onset": "after a fall"}})
    async with app.run_test(size=SIZE) as pilot:
        view = await open_section(pilot, "complaint")
        row = row_of(view, "history.pain.now")
        row.query_one(Input).focus()
        await pilot.press("ctrl+o")
        await pilot.press(*"worse at night", "enter")
        await pilot.pause()
        expected = {"history.onset": "after a fall", "history.pain.now": "worse at night"}
        assert app.posted == [("history.comments", expected)]
        app.reload(history={"comments": expected})
        await pilot.pause()
        assert row.has_class("-commented")
        assert "[comment]" in str(row.query_one(".q-prompt", Static).render())


@pytest.mark.asyncio
async def test_c_on_a_red_flag_opens_a_comment_and_an_empty_one_removes_it() -> None:
    app = checklist(history={"comments": {"history.red_flags.fever": "query"}})
    async with app.run_test(size=SIZE) as pilot:
        view = await open_section(pilot, "red_flags_general")
        row_of(view, "history.red_flags.fever").query_one(YesNoToggle).focus()
        await pilot.press("c", "ctrl+u", "enter")
        await pilot.pause()
        assert app.posted == [("history.comments", None)]


# ---------------------------------------------------------------- exam grid


LEG = {"history": {"radiation": ["buttock_thigh", "below_knee"]}}


@pytest.mark.asyncio
async def test_exam_grid_posts_mrc_and_sensation_by_root_and_side() -> None:
    app = exam(**LEG)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ExamGrid)
        grid.cell("exam.motor.great_toe_extension.left").focus()
        await pilot.press("4")
        grid.cell("exam.sensory.L5.left").focus()
        await pilot.press("r")
        grid.cell("exam.reflexes.achilles.right").focus()
        await pilot.press("a")
        await pilot.pause()
        assert app.posted == [
            ("exam.motor.great_toe_extension.left", 4),
            ("exam.sensory.L5.left", "reduced"),
            ("exam.reflexes.achilles.right", "absent"),
        ]


@pytest.mark.asyncio
async def test_mrc_6_is_refused_inline() -> None:
    app = exam(**LEG)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ExamGrid)
        cell = grid.cell("exam.motor.great_toe_extension.left")
        cell.focus()
        await pilot.press("6")
        await pilot.pause()
        assert app.posted == []
        assert cell.has_class("-error")
        assert "MRC grades are 0-5" in str(grid.query_one("#exam-status", Static).render())
        await pilot.press("5")
        await pilot.pause()
        assert not cell.has_class("-error")
        assert app.posted == [("exam.motor.great_toe_extension.left", 5)]


@pytest.mark.asyncio
async def test_arrow_keys_move_through_the_grid() -> None:
    app = exam(**LEG)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ExamGrid)
        grid.cell("exam.motor.ankle_dorsiflexion.left").focus()
        await pilot.press("down", "right", "right")
        assert app.focused is grid.cell("exam.sensory.L5.left")
        await pilot.press("n")
        await pilot.pause()
        assert app.posted == [("exam.sensory.L5.left", "normal")]


@pytest.mark.asyncio
async def test_exam_special_tests_post_per_side() -> None:
    app = exam(**LEG)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ExamGrid)
        row_of(grid, "exam.straight_leg_raise").query(GradeCell).first().focus()
        await pilot.press("p", "right", "n")
        row_of(grid, "exam.special_tests.faber").query(GradeCell).first().focus()
        await pilot.press("p")
        await pilot.pause()
        assert app.posted == [
            ("exam.straight_leg_raise.left", "positive"),
            ("exam.straight_leg_raise.right", "negative"),
            ("exam.special_tests.faber.left", "positive"),
        ]


@pytest.mark.asyncio
async def test_range_of_motion_pairs_post_a_mapping() -> None:
    app = exam()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ExamGrid)
        row_of(grid, "exam.range_of_motion").query_one(Input).focus()
        await pilot.press(*"lumbar flexion: limited, painful; lumbar_extension: full", "enter")
        await pilot.pause()
        assert app.posted == [
            (
                "exam.range_of_motion",
                {"lumbar_flexion": "limited, painful", "lumbar_extension": "full"},
            )
        ]


@pytest.mark.asyncio
async def test_only_the_symptomatic_limb_is_shown_until_asked() -> None:
    app = exam(**LEG)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ExamGrid)
        shown = grid.shown_roots()
        assert "L5" in shown and "S3" in shown and "C6" not in shown
        grid.cell("exam.sensory.L5.left").focus()
        await pilot.press("l")
        assert "C6" in grid.shown_roots()
        app.reload(history={"region": "neck", "radiation": ["arm_to_hand"]})
        await pilot.press("l")
        shown = grid.shown_roots()
        assert "C6" in shown and "L5" not in shown


@pytest.mark.asyncio
async def test_a_grid_comment_posts_history_comments() -> None:
    app = exam(**LEG)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ExamGrid)
        grid.cell("exam.motor.great_toe_extension.left").focus()
        await pilot.press("c", *"4+ give-way", "enter")
        await pilot.pause()
        assert app.posted == [
            ("history.comments", {"exam.motor.great_toe_extension": "4+ give-way"})
        ]
        assert app.focused is grid.cell("exam.motor.great_toe_extension.left")


@pytest.mark.asyncio
async def test_exam_show_error_marks_the_cell() -> None:
    app = exam(**LEG)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ExamGrid)
        grid.show_error("exam.reflexes.achilles.left", "not saved")
        await pilot.pause()
        assert grid.cell("exam.reflexes.achilles.left").has_class("-error")
        grid.show_error("exam.reflexes.achilles.left", None)
        await pilot.pause()
        assert not grid.cell("exam.reflexes.achilles.left").has_class("-error")


# ---------------------------------------------------------------- pure helpers


def test_parsers() -> None:
    pain = next(
        q for s in KB.checklist.sections for q in s.questions if q.field == "history.pain.now"
    )
    assert logic.parse_number("7", pain) == (7, None)
    assert logic.parse_number("", pain) == (None, None)
    assert logic.parse_number("7.5", pain)[1] == "Enter a whole number 0-10"
    assert logic.parse_pairs("cervical_rotation_left: under 60 degrees")[0] == {
        "cervical_rotation_left": "under 60 degrees"
    }
    assert logic.parse_pairs("limited")[1] is not None
    assert logic.field_kind("patient.medications") == "list_model"
    assert logic.field_kind("patient.allergies") == "list_str"
    assert logic.field_kind("exam.range_of_motion") == "dict"
    assert logic.field_kind("history.function.work_status") == "scalar"


# ---------------------------------------------------------------- snapshots


def test_snapshot_red_flags_with_one_yes(snap_compare: Any) -> None:
    app = checklist(history={"red_flags": {"cancer_history": True, "fever": False}})

    async def open_red_flags(pilot: Any) -> None:
        view = await open_section(pilot, "red_flags_general")
        row_of(view, "history.red_flags.cancer_history").query_one(YesNoToggle).focus()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_red_flags)


def test_snapshot_exam_grid(snap_compare: Any) -> None:
    app = exam(
        history={"radiation": ["buttock_thigh", "below_knee"]},
        exam={
            "motor": {"great_toe_extension": {"left": 4, "right": 5}},
            "sensory": {"L5": {"left": "reduced", "right": "normal"}},
            "reflexes": {"achilles": {"left": "normal", "right": "normal"}},
            "straight_leg_raise": {"left": "positive", "right": "negative"},
        },
    )

    async def focus_l5(pilot: Any) -> None:
        pilot.app.query_one(ExamGrid).cell("exam.sensory.L5.left").focus()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=focus_l5)
