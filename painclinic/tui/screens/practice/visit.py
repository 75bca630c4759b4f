"""A practice visit: the vignette on top; History and Exam tabs with the clinic's own checklist
and exam grid; a third tab for the resident's own diagnosis and plan.

Nothing is typed. Moving to an item and pressing enter (or any answer key the item already
has: y / n, a grade, space) asks the patient or performs the manoeuvre: the item is recorded
as asked or examined, and the case's finding is revealed by loading a record that holds only
what was revealed so far (`PracticeRun`). Relevance (which sections and questions show) comes
from that partial record. The engine's assessment, red-flag banner and suggestions are never
computed here; `ctrl+s` scores the attempt, saves it and shows the score screen.

The attempt in progress is saved as it changes (each item asked or examined, each mark in the
resident's own assessment), so leaving, a closed terminal or a crash loses nothing: opening
the same case again offers to continue it.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Header, Static, TabbedContent, TabPane

from painclinic import checklist as logic
from painclinic.knowledge import load_knowledge
from painclinic.practice import Attempt, TeachingCase, open_draft, save_attempt, save_draft, score
from painclinic.store import StoreError
from painclinic.tui.dialogs.confirm import ConfirmDialog
from painclinic.tui.messages import FieldChanged
from painclinic.tui.screens.base import ClinicScreen
from painclinic.tui.screens.practice.run import (
    NOT_ITEMS,
    NOT_RECORDED,
    PracticeRun,
    is_exam,
    item_labels,
    shown_value,
)
from painclinic.tui.widgets.checklist import ChecklistView
from painclinic.tui.widgets.comment import CommentInput
from painclinic.tui.widgets.entry_list import EntryListQuestion
from painclinic.tui.widgets.exam_grid import ExamGrid
from painclinic.tui.widgets.grade_cell import GradeCell
from painclinic.tui.widgets.key_footer import KeyFooter
from painclinic.tui.widgets.question import InputQuestion, QuestionRow
from painclinic.tui.widgets.resident_form import ResidentForm

TABS = ("history", "exam", "yours")
HISTORY_HINT = (
    "Ask the patient: move to a question (tab, arrows) and press enter; the case answers "
    "(whatever you press is replaced by the answer). F4 your assessment, ctrl+s finish."
)
EXAM_HINT = (
    "Examine: move to a cell or test and press enter; both sides are revealed. "
    "l shows every root. F4 your assessment, ctrl+s finish."
)


class PracticeVisitScreen(ClinicScreen):
    CSS_PATH = ["../../styles/checklist.tcss", "../../styles/practice.tcss"]
    BINDINGS = [
        Binding("enter", "reveal", "Ask / examine", id="practice.reveal", priority=True),
        # the tab labels show F2-F4; the footer keeps room for finish and leave
        Binding("f2", "tab('history')", "History", id="practice.tab_history", show=False),
        Binding("f3", "tab('exam')", "Exam", id="practice.tab_exam", show=False),
        Binding("f4", "tab('yours')", "Your assessment", id="practice.tab_yours", show=False),
        Binding("ctrl+s", "finish", "Finish and score", id="practice.finish"),
        Binding("escape", "leave", "Leave case", id="practice.leave"),
    ]

    def __init__(self, case: TeachingCase, resident: str) -> None:
        super().__init__()
        self.case = case
        self.resident = resident
        self.kb = load_knowledge()
        self.run = PracticeRun(case, self.kb)
        self.labels = item_labels(self.kb)
        self.last: tuple[str, Any] | None = None
        self.attempt_id = uuid.uuid4().hex  # replaced by a draft's id when one is continued
        self._saved = ""  # the draft as last saved (set on mount): unchanged is not saved again
        self._save_failed = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._vignette(), id="practice-vignette")
        yield Static(id="practice-counter")
        with TabbedContent(initial="history", id="practice-tabs"):
            with TabPane("History (F2)", id="history"), Vertical():
                yield Static(HISTORY_HINT, classes="practice-hint")
                yield ChecklistView(self.kb, ("history", "red_flags", "screens"), id="checklist")
            with TabPane("Exam (F3)", id="exam"), Vertical():
                yield Static(EXAM_HINT, classes="practice-hint")
                yield ExamGrid(self.kb, id="exam-grid")
            with TabPane("Your assessment (F4)", id="yours"):
                yield ResidentForm(self.kb, id="resident-form")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.title = "painclinic - practice"
        self.sub_title = f"{self.case.case.title} · {self.resident}"
        self._load()
        self._counter()
        self._focus_tab("history")
        # section pages are built when first opened: prepare their list items then
        pages = self.query_one(ChecklistView).query_one(ContentSwitcher)

        def page_opened(_: object) -> None:
            self.call_after_refresh(self._prepare_lists)

        self.watch(pages, "current", page_opened)
        self._saved = self._draft_json()  # a case opened and left untouched saves nothing
        self._offer_draft()

    # ------------------------------------------------------------ pushing data down

    def _vignette(self) -> Content:
        info = self.case.case
        truth = self.case.truth
        known = [
            f"{truth.age()} y" if truth.age() is not None else "",
            truth.patient.sex or "",
            (truth.history.region or "").replace("_", " "),
        ]
        return Content.assemble(
            (info.title, "bold"),
            (f"   {info.difficulty} · case {info.id}", "$text-muted"),
            "\n",
            " ".join(info.vignette.split()),
            "\n",
            ("Known from the start: ", "italic $text-muted"),
            (" · ".join(k for k in known if k), "italic $text-muted"),
        )

    def _load(self) -> None:
        """Show the partial record. No scores: instrument and criteria notes are hidden too."""
        run = self.run
        checklist, exam = self.query_one(ChecklistView), self.query_one(ExamGrid)
        checklist.load(run.record, run.facts, {})
        exam.load(run.record, run.facts, {})
        # an asked item the case does not record would look "not asked": say it was asked
        for item in (*run.asked, *run.examined):
            row = checklist.question_row(item) or exam.question_row(item)
            if row is not None and logic.get_path(run.record, item) is None:
                row.set_note(f"asked: {NOT_RECORDED}")
        self._prepare_lists()

    def _prepare_lists(self) -> None:
        """Medications, earlier treatments, surgeries: read-only lists in the clinic, so made
        focusable here (enter asks); the answer is shown in words once asked."""
        for row in self.query_one(ChecklistView).query(EntryListQuestion):
            row.make_read_only()
            if row.field in self.run.asked:
                row.set_note(shown_value(logic.get_path(self.run.record, row.field)))
            else:
                row.set_note("not asked yet: press enter to ask")

    def _counter(self) -> None:
        run = self.run
        parts: list[Content | str | tuple[str, str]] = [
            ("Asked ", "bold"),
            f"{len(run.asked)} item{'s' if len(run.asked) != 1 else ''}",
            (", examined ", "bold"),
            f"{len(run.examined)}",
        ]
        if self.last is not None:
            item, value = self.last
            label = self.labels.get(item, item)
            verb = "Examined" if is_exam(item) else "Asked"
            parts += [
                ("    Last: ", "$text-muted"),
                f"{verb} {label} ",
                ("→ ", "$text-muted"),
                (shown_value(value), "bold"),
            ]
        self.query_one("#practice-counter", Static).update(Content.assemble(*parts))

    # ------------------------------------------------------------ asking

    def _focused_item(self) -> str | None:
        """The checklist or exam item under the keyboard focus (None elsewhere)."""
        widget: Widget | None = self.focused
        if widget is None or isinstance(widget, CommentInput):
            return None
        owners = (self.query_one(ChecklistView), self.query_one(ExamGrid))
        if not any(owner in widget.ancestors for owner in owners):
            return None
        for node in (widget, *widget.ancestors):
            if isinstance(node, GradeCell | QuestionRow):
                return node.field
        return None

    def _reveal(self, path: str) -> None:
        item, value = self.run.ask(path)
        self.last = (item, value)
        self._load()
        self._show_in_field(item, value)
        self._counter()
        self._autosave()

    def _show_in_field(self, item: str, value: Any) -> None:
        """A text field keeps what is typed while it has focus: put the case's answer in it."""
        row = self.query_one(ChecklistView).question_row(item) or self.query_one(
            ExamGrid
        ).question_row(item)
        if isinstance(row, InputQuestion) and row.input.has_focus:
            text = logic.format_value(value, row.kind)
            if row.input.value != text:
                row.input.value = text

    @on(FieldChanged)
    def _asked(self, event: FieldChanged) -> None:
        """Any answer key on an item asks it; the case's finding replaces what was pressed."""
        event.stop()
        if event.path in NOT_ITEMS:
            self._load()  # comments are not kept in practice
            return
        self._reveal(event.path)

    def action_reveal(self) -> None:
        item = self._focused_item()
        if item is not None:
            self._reveal(item)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            # elsewhere enter keeps its usual meaning (open a section, mark an option)
            return self._focused_item() is not None
        return True

    # ------------------------------------------------------------ tabs

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self._focus_tab(tab)

    def _focus_tab(self, tab: str) -> None:
        target = {"history": "#checklist", "exam": "#exam-grid", "yours": "#resident-form"}[tab]
        self.call_after_refresh(self._focus_first_in, target)

    def _focus_first_in(self, target: str) -> None:
        """The first item of that tab the keyboard can reach (hidden rows are skipped)."""
        widget = self.query_one(target)
        if isinstance(widget, ExamGrid) and widget.focus_first():
            return
        focusable = next((w for w in self.focus_chain if widget in w.ancestors), None)
        if focusable is not None:
            focusable.focus()

    @on(TabbedContent.TabActivated)
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()

    # ------------------------------------------------------------ keeping the attempt

    def _offer_draft(self) -> None:
        try:
            found = open_draft(self.app.store, self.resident, self.case.id)
        except (OSError, StoreError):
            return  # nothing to continue from; this attempt still saves as it goes
        if found is None:
            return
        attempt_id, draft = found
        what = f"asked {len(draft.asked)}, examined {len(draft.examined)}"

        def chosen(resume: bool | None) -> None:
            if resume:
                self._continue(attempt_id, draft)

        self.app.push_screen(
            ConfirmDialog(
                f"You have an unfinished attempt at this case ({what}). Continue it?",
                "Continue it",
                "Start afresh (the unfinished one is kept)",
            ),
            chosen,
        )

    def _continue(self, attempt_id: str, draft: Attempt) -> None:
        self.attempt_id = attempt_id
        for item in (*draft.asked, *draft.examined):
            self.run.ask(item)
        self._load()
        self.query_one(ResidentForm).restore(draft.assessment, draft.plan)
        self._counter()
        self._saved = self._draft_json()

    def _current(self) -> Attempt:
        form = self.query_one(ResidentForm)
        return self.run.attempt(self.resident, form.assessment(), form.plan())

    def _draft_json(self) -> str:
        attempt = self._current()
        return json.dumps(attempt.model_dump(mode="json", exclude={"finished_at"}), sort_keys=True)

    def _autosave(self) -> None:
        current = self._draft_json()
        if current == self._saved:
            return
        try:
            save_draft(self.app.store, self._current(), self.attempt_id)
        except (OSError, StoreError) as exc:
            if not self._save_failed:  # say it once, not at every question
                self.app.notify(
                    f"This attempt could not be saved as it goes: {exc}", severity="error"
                )
            self._save_failed = True
            return
        self._saved, self._save_failed = current, False

    @on(ResidentForm.Changed)
    def _committed(self, event: ResidentForm.Changed) -> None:
        self._autosave()

    # ------------------------------------------------------------ finishing

    def action_finish(self) -> None:
        form = self.query_one(ResidentForm)
        missing = []
        if form.mechanism() is None:
            missing.append("a mechanism")
        if not form.assessment().differential:
            missing.append("a differential")
        if not form.plan().accepted:
            missing.append("a plan")
        question = "Finish and score this attempt? Your answers cannot be changed afterwards."
        if missing:
            listed = (
                ", ".join(missing[:-1]) + " or " + missing[-1] if len(missing) > 1 else missing[0]
            )
            question += f"\n\nYou have not chosen {listed} yet (F4)."

        def chosen(yes: bool | None) -> None:
            if yes:
                self._finish()

        self.app.push_screen(ConfirmDialog(question, "Finish and score", "Keep working"), chosen)

    def _finish(self) -> None:
        from painclinic.tui.screens.practice.score import PracticeScoreScreen

        attempt = self._current()
        report = score(self.case, attempt)
        try:
            save_attempt(self.app.store, attempt, report, self.attempt_id)
        except (OSError, StoreError) as exc:
            self.app.notify(f"The attempt could not be saved: {exc}", severity="error")
        self.app.switch_screen(PracticeScoreScreen(self.case, attempt, report))

    def action_leave(self) -> None:
        def chosen(yes: bool | None) -> None:
            if yes:
                self.app.pop_screen()

        self._autosave()
        self.app.push_screen(
            ConfirmDialog(
                "Leave this case? Your attempt so far is saved: open the case again to "
                "continue it.",
                "Leave",
                "Keep working",
                default=False,  # enter keeps working: a stray enter never leaves the case
            ),
            chosen,
        )
