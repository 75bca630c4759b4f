"""The history checklist: a sidebar of sections with completion marks, the questions of the
selected section on the right. Rendered from `data/checklist.yaml`.

Attributes down, messages up: the visit screen calls `load(record, facts, scores)` after every
accepted change (and once at start) and `show_error(path, message)` when the session refuses a
value; the view posts `FieldChanged` for every edit. Only sections and questions whose `when`
rule holds over the facts are shown, and every answered one; `A` shows every question of the
checklist (a question the rules did not expect for this visit can still be asked and
recorded). Section pages are built when first opened and then kept, so switching sections
never loses typed text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import ContentSwitcher, OptionList, Static

from painclinic import checklist as logic
from painclinic.knowledge import KnowledgeBase, Section
from painclinic.tui.messages import FieldChanged
from painclinic.tui.widgets.question import QuestionRow, make_question
from painclinic.tui.widgets.section_list import SectionList

STAGE_HEADINGS = {
    "history": "HISTORY",
    "red_flags": "RED FLAGS",
    "exam": "EXAMINATION",
    "screens": "SCREENING INSTRUMENTS",
}
# Criteria sets scored from a section's answers, shown under that section.
SECTION_CRITERIA = {
    "headache": "ichd3_chronic_migraine",
    "symptoms": "budapest_crps",
    "screens_sensitisation": "acr2016_fibromyalgia",
}
RED_FLAG_HINT = (
    "For each: y = yes, n = no, u or space = not asked; N (shift+n): every item not yet "
    "asked here was asked and denied. An unanswered item stays 'not asked'; it is never "
    "taken as 'no'."
)
LEGEND = "✓ done  ◐ some  ○ none\n! a red flag is yes"


@dataclass
class _Page:
    scroll: VerticalScroll
    title: Static
    rows: list[QuestionRow]
    note: Static
    shown: object = None  # what the title and note last showed


def short_label(section: Section) -> str:
    """'Red flags - serious systemic cause (infection, cancer)' -> 'Serious systemic cause'."""
    label = section.label.removeprefix("Red flags - ").split(" (")[0]
    return label[:1].upper() + label[1:]


class ChecklistView(Widget):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "sections", "Sections", id="checklist.sections"),
        Binding("N", "all_negative", "All no", id="checklist.all_negative"),
        Binding("A", "toggle_every_question", "All questions", id="checklist.every_question"),
    ]

    def __init__(
        self,
        kb: KnowledgeBase,
        stages: Sequence[str] = ("history", "red_flags", "screens"),
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.kb = kb
        self.stages = tuple(stages)
        self.sections = [s for s in kb.checklist.sections if s.stage in self.stages]
        self.sections.sort(key=lambda s: self.stages.index(s.stage))
        self._by_id = {s.id: s for s in self.sections}
        self.record: dict[str, Any] = {}
        self.facts: Mapping[str, str] = {}
        self.scores: Mapping[str, Any] = {}
        self._rows: dict[str, QuestionRow] = {}
        self._pages: dict[str, _Page] = {}
        self._errors: dict[str, str] = {}
        self._comment_field: str | None = None
        self.every_question = False  # `A`: every section and question, not just this visit's

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="checklist-body"):
            with Vertical(id="checklist-side"):
                yield SectionList(id="checklist-sections")
                yield Static(LEGEND, id="checklist-legend", markup=False)
            yield ContentSwitcher(id="checklist-pages")

    @property
    def sidebar(self) -> SectionList:
        return self.query_one(SectionList)

    def on_mount(self) -> None:
        self._refresh_sidebar()
        current = self.sidebar.current
        if current:
            self._show(current)

    # ------------------------------------------------------------ data in

    def load(
        self,
        record: Mapping[str, Any],
        facts: Mapping[str, str],
        scores: Mapping[str, object],
        *,
        replace: bool = False,
    ) -> None:
        """Show the visit as it now stands (after every accepted change, and at start).

        `replace`: the record is another terminal's version; every row shows it, the one
        being typed in too, and what was typed there is dropped."""
        self.record = dict(record)
        self.facts = facts
        self.scores = scores
        if replace:
            self._errors.clear()
        if not self.is_mounted:
            return
        self._refresh_sidebar()
        for sid in self._pages:
            self._apply(sid, replace=replace)
        current = self.sidebar.current
        if current:
            self._show(current)

    def show_error(self, path: str, message: str | None) -> None:
        """Show (or with None clear) the session's message under the item at `path`."""
        if path == logic.COMMENTS_PATH and self._comment_field:
            path = self._comment_field
        if message:
            self._errors[path] = message
        else:
            self._errors.pop(path, None)
        row = self._row_for(path)
        if row is not None:
            row.show_error(message, path)

    def select_section(self, section_id: str) -> None:
        """Open a section (e.g. the visit screen's "jump to red flags")."""
        self.sidebar.select_id(section_id)

    def show_section(self, name: str) -> None:
        """Open a section by id, or the first shown section of a stage ("red_flags")."""
        if name in self._by_id:
            self.select_section(name)
            return
        for section in self.relevant_sections():
            if section.stage == name:
                self.select_section(section.id)
                return

    @property
    def current_section(self) -> str | None:
        return self.sidebar.current

    def relevant_sections(self) -> list[Section]:
        if self.every_question:
            return list(self.sections)
        return [s for s in self.sections if logic.relevant_questions(s, self.facts, self.record)]

    def status(self, section_id: str) -> logic.SectionStatus:
        return logic.section_status(self._by_id[section_id], self.record, self.facts)

    # ------------------------------------------------------------ sidebar

    def _entry(self, section: Section) -> Content:
        status = logic.section_status(section, self.record, self.facts)
        flag = ("!", "bold white on $error") if status.flagged else " "
        return Content.assemble(flag, f" {status.mark} ", short_label(section))

    def _refresh_sidebar(self) -> None:
        relevant = self.relevant_sections()
        groups = [
            (
                STAGE_HEADINGS.get(stage, stage.upper()),
                [(s.id, self._entry(s)) for s in relevant if s.stage == stage],
            )
            for stage in self.stages
        ]
        self.sidebar.show(groups)

    @on(OptionList.OptionHighlighted, "#checklist-sections")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id:
            self._show(event.option.id)

    @on(OptionList.OptionSelected, "#checklist-sections")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self._show(event.option.id)
            self.call_after_refresh(self.focus_first_question)

    def action_sections(self) -> None:
        self.sidebar.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sections":
            return not self.sidebar.has_focus
        if action == "all_negative":
            current = self.sidebar.current
            return current is not None and logic.is_red_flag_section(self._by_id[current])
        return True

    def action_toggle_every_question(self) -> None:
        self.every_question = not self.every_question
        self._refresh_sidebar()
        for sid in self._pages:
            self._apply(sid)
        self.app.notify(
            "Showing every question of the checklist (A: only this visit's)."
            if self.every_question
            else "Showing the questions for this visit (A: every question).",
            timeout=5,
        )

    def action_all_negative(self) -> None:
        """Record every red flag of this section not yet asked as asked and denied; answers
        already given stay. One change, so the visit is saved and assessed once."""
        current = self.sidebar.current
        if current is None:
            return
        section = self._by_id[current]
        answers = dict(logic.get_path(self.record, "history.red_flags") or {})
        unasked = [
            q.red_flag
            for q in logic.relevant_questions(section, self.facts, self.record)
            if q.red_flag and q.type == "yes_no" and not isinstance(answers.get(q.red_flag), bool)
        ]
        if not unasked:
            self.app.notify("Every item here is already answered.", timeout=5)
            return
        answers.update(dict.fromkeys(unasked, False))
        self.post_message(FieldChanged("history.red_flags", answers))
        self.app.notify(f"Recorded {len(unasked)} item(s) as asked and denied.", timeout=5)

    def focus_first_question(self) -> None:
        current = self.sidebar.current
        if not current:
            return
        page = self._pages.get(current)
        for row in page.rows if page else []:
            if row.display:
                row.focus_editor()
                return

    # ------------------------------------------------------------ pages

    def _show(self, section_id: str) -> None:
        self._ensure_page(section_id)
        self.query_one(ContentSwitcher).current = f"page-{section_id}"

    def _ensure_page(self, section_id: str) -> None:
        """Build a section's page the first time it is needed (then it is kept)."""
        if section_id not in self._pages:
            self._pages[section_id] = page = self._page(self._by_id[section_id])
            self.query_one(ContentSwitcher).mount(page.scroll)
            self._apply(section_id)

    def _page(self, section: Section) -> _Page:
        rows = [make_question(q, self.kb) for q in section.questions]
        for row in rows:
            self._rows[row.field] = row
        title = Static(classes="page-title")
        note = Static("", classes="page-note", markup=False)
        hint = (
            [Static(RED_FLAG_HINT, classes="page-hint", markup=False)]
            if section.stage == "red_flags"
            else []
        )
        scroll = VerticalScroll(
            title,
            *hint,
            *rows,
            note,
            id=f"page-{section.id}",
            classes="checklist-page",
            can_focus=False,
        )
        return _Page(scroll, title, rows, note)

    def _apply(self, section_id: str, *, replace: bool = False) -> None:
        section = self._by_id[section_id]
        page = self._pages[section_id]
        comments = logic.comments_of(self.record)
        for row in page.rows:
            row.load(self.record, self.facts, self.scores, comments, replace=replace)
            row.display = row.display or self.every_question
            for path, message in self._errors.items():
                if path == row.field or path.startswith(row.field + "."):
                    row.show_error(message, path)
        status = logic.section_status(section, self.record, self.facts)
        criteria = SECTION_CRITERIA.get(section_id)
        text = logic.score_note(self.scores, criteria) if criteria else None
        if page.shown == (status, text):
            return
        page.shown = (status, text)
        title = Content.assemble(
            (section.label, "bold"),
            "\n",
            (f"{status.mark} {status.answered} of {status.total} {status.words}", "$text-muted"),
        )
        if status.flagged:
            title = Content.assemble(
                (" ! RED FLAG ANSWERED YES ", "bold white on $error"), " ", title
            )
        page.title.update(title)
        page.note.update(f"= {text}" if text else "")
        page.note.display = bool(text)

    def restore_draft(self, key: str, text: str) -> bool:
        """Put back text typed before the app stopped; False if no row here holds `key`."""
        path, _, inner = key.partition("#")
        section = next((s for s in self.sections for q in s.questions if q.field == path), None)
        if section is None:
            return False
        self._ensure_page(section.id)
        row = self._rows[path]
        row.restore_draft(inner, text)
        return True

    def question_row(self, path: str) -> QuestionRow | None:
        """The row of the item at `path` (a field, or one side of it), once its page is built."""
        return self._row_for(path)

    def _row_for(self, path: str) -> QuestionRow | None:
        if path in self._rows:
            return self._rows[path]
        for field, row in self._rows.items():
            if path.startswith(field + "."):
                return row
        return None

    # ------------------------------------------------------------ messages up

    @on(QuestionRow.CommentChanged)
    def _comment(self, event: QuestionRow.CommentChanged) -> None:
        event.stop()
        self._comment_field = event.field
        comments = logic.updated_comments(self.record, event.field, event.text)
        history = dict(self.record.get("history") or {})
        if comments:
            history["comments"] = comments
        else:
            history.pop("comments", None)
        self.record["history"] = history
        self.post_message(FieldChanged(logic.COMMENTS_PATH, comments))
