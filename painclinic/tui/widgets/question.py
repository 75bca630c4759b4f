"""One checklist question as a row: prompt, its editor, inline error, help, comment.

`make_question(question, kb)` picks the row for the question's type:

- `InputQuestion`: integer, number, rating, date, text (also a list of words, and
  `movement: finding` pairs for range of motion). Validated as typed; the value is posted on
  enter (which then moves to the next item), on leaving the field, or after a short pause,
  and only when valid.
- `ChoiceQuestion`: choice / multi_choice, all options visible (`ChoiceGrid`).
- `YesNoQuestion`: yes / no / not asked (`YesNoToggle`); red-flag rows are marked on yes.
- `SidesQuestion`: a left and a right `GradeCell` (`*_sides`), posting `<field>.left|right`.
- `EntryListQuestion` (entry_list.py): a structured list (medications, imaging, goals...).

Rows post `FieldChanged` for values and `QuestionRow.CommentChanged` for comments (the
owner turns that into the whole `history.comments` map). The owner pushes data down with
`load(...)` and `show_error(...)`; a row never reads the session or the store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from painclinic import checklist as logic
from painclinic.knowledge import KnowledgeBase, Question
from painclinic.tui.messages import DraftTyped, FieldChanged
from painclinic.tui.widgets.choice_grid import ChoiceGrid
from painclinic.tui.widgets.comment import CommentInput, CommentRequested
from painclinic.tui.widgets.grade_cell import CELL_TYPES, GradeCell
from painclinic.tui.widgets.yes_no import YesNoToggle

COMMIT_AFTER = 0.6  # seconds of no typing before a valid value is posted


def focus_beside(widget: Widget, step: int) -> None:
    """Focus the first focusable widget after (step 1) or before (-1) `widget`'s subtree."""
    chain = widget.screen.focus_chain
    inside = [i for i, w in enumerate(chain) if w is widget or widget in w.ancestors]
    if not inside:
        return
    target = inside[-1] + 1 if step > 0 else inside[0] - 1
    if 0 <= target < len(chain):
        chain[target].focus()


class FieldInput(Input):
    """A compact input whose ctrl+o asks for a comment (c would type a letter here)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "comment", "Comment", id="item.comment_in_field")
    ]

    def action_comment(self) -> None:
        self.post_message(CommentRequested())


class QuestionRow(Widget):
    DEFAULT_CSS = """
    QuestionRow {
        height: auto;
        padding: 0 1 0 1;
        border-left: blank;
    }
    QuestionRow:focus-within { background: $boost; border-left: thick $accent; }
    QuestionRow .q-line { height: auto; }
    QuestionRow .q-prompt { width: 1fr; }
    QuestionRow .q-editor { width: 24; height: auto; }
    QuestionRow.-toggle .q-editor { width: 38; }
    QuestionRow.-sides .q-editor { width: 34; }
    QuestionRow:focus-within .q-prompt { text-style: bold; }
    QuestionRow .q-input { width: 10; }
    QuestionRow.-wide .q-input { width: 1fr; margin: 0 0 0 2; }
    QuestionRow .q-unit { width: auto; color: $text-muted; padding: 0 0 0 1; }
    QuestionRow .q-range { width: auto; color: $text-muted; padding: 0 1 0 0; }
    QuestionRow .q-error { display: none; color: $text-error; text-style: bold; padding: 0 0 0 2; }
    QuestionRow.-error { border-left: thick $error; }
    QuestionRow.-error .q-error { display: block; }
    QuestionRow .q-note { display: none; color: $text-accent; padding: 0 0 0 2; }
    QuestionRow.-noted .q-note { display: block; }
    QuestionRow .q-comment {
        display: none; color: $text-muted; text-style: italic; padding: 0 0 0 2;
    }
    QuestionRow.-commented .q-comment { display: block; }
    QuestionRow .q-help { display: none; color: $text-muted; padding: 0 0 0 2; }
    QuestionRow:focus-within .q-help { display: block; }
    QuestionRow .q-summary { padding: 0 0 0 2; }
    QuestionRow.-flag-yes { border-left: thick $error; background: $error 15%; }
    QuestionRow.-flag-yes .q-prompt { text-style: bold; }
    QuestionRow .q-side { width: auto; padding: 0 1 0 2; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "step(-1)", "Previous item", show=False),
        Binding("down", "step(1)", "Next item", show=False),
    ]

    INLINE: bool = True  # editor on the prompt line (False: on its own line); set per row

    class CommentChanged(Message):
        def __init__(self, row: QuestionRow, field: str, text: str) -> None:
            super().__init__()
            self.row, self.field, self.text = row, field, text

    def __init__(self, question: Question, kb: KnowledgeBase, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="question")
        self.question = question
        self.kb = kb
        self.field = question.field
        self.comment = ""
        self.flagged = False
        self._local_error: str | None = None
        self._remote_error: str | None = None
        self._data: tuple[Any, str, str | None] | None = None
        self._ready = False  # composed and mounted: the editors can be set
        self._note: str | None = None
        self._timer: Timer | None = None  # the pause after typing that posts the value
        self._shown: dict[str, object] = {}  # what each line last showed (skip no-op updates)
        self._lines = {
            "prompt": Static(self._prompt(), classes="q-prompt"),
            "error": Static("", classes="q-error", markup=False),
            "note": Static("", classes="q-note", markup=False),
            "comment": Static("", classes="q-comment", markup=False),
        }

    # ------------------------------------------------------------ compose

    def compose(self) -> ComposeResult:
        with Horizontal(classes="q-line"):
            yield self._lines["prompt"]
            if self.INLINE:
                with Horizontal(classes="q-editor"):
                    yield from self.compose_editor()
        if not self.INLINE:
            yield from self.compose_editor()
        yield self._lines["error"]
        yield self._lines["note"]
        yield self._lines["comment"]
        if self.question.help:
            yield Static(self.question.help, classes="q-help", markup=False)

    def compose_editor(self):  # pragma: no cover - every row overrides it
        yield from ()

    def _prompt(self) -> Content:
        parts: list[Content | str | tuple[str, str]] = []
        if self.flagged:
            parts.append((" ! RED FLAG ", "bold white on $error"))
            parts.append(" ")
        parts.append(self.question.prompt)
        if self.comment:
            parts.append(("  [comment]", "italic $text-muted"))
        return Content.assemble(*parts)

    def _show_line(self, name: str, content: str | Content) -> None:
        if self._shown.get(name) != content:
            self._shown[name] = content
            self._lines[name].update(content)

    def _refresh_prompt(self) -> None:
        self._show_line("prompt", self._prompt())

    # ------------------------------------------------------------ data in

    def load(
        self,
        record: Mapping[str, Any],
        facts: Mapping[str, str],
        scores: Mapping[str, Any],
        comments: Mapping[str, str],
        *,
        replace: bool = False,
    ) -> None:
        """Show the record's value, relevance, comment and score (kept until mounted).

        `replace` (after loading another terminal's version) overwrites even the field being
        typed in, and forgets what was typed there, so the next keystroke edits their text."""
        self.display = logic.shown(self.question, facts, record)
        if replace:
            self.discard_typing()
        key = logic.screen_key(self.question)
        self._data = (
            logic.get_path(record, self.field),
            comments.get(self.field, ""),
            logic.score_note(scores, key) if key else None,
        )
        if self._ready:
            self._apply_data()

    def on_mount(self) -> None:
        self._ready = True
        self._apply_data()
        self._refresh_error()

    def _apply_data(self) -> None:
        if self._data is None:
            return
        value, comment, note = self._data
        self.set_value(value)
        self.set_comment(comment)
        self.set_note(note)

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        """Post what was typed, if it is valid and new (rows that take typed text)."""

    def _commit_soon(self) -> None:
        """Post what was typed after a short pause in typing (enter or leaving: at once)."""
        self._stop_timer()
        self._timer = self.set_timer(COMMIT_AFTER, self.commit)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def discard_typing(self) -> None:
        """Forget unsaved typing and errors (the record's value is shown next)."""
        self._local_error = None
        self._remote_error = None
        if self._ready:
            self._refresh_error()

    def restore_draft(self, key: str, text: str) -> None:
        """Put back text typed before the app stopped (rows with typed text override this)."""

    def focus_editor(self) -> None:
        for widget in self.query("*"):
            if widget.focusable:
                widget.focus()
                return

    def set_note(self, text: str | None) -> None:
        self._note = text
        self.set_class(bool(text), "-noted")
        self._show_line("note", f"= {text}" if text else "")

    def set_comment(self, text: str) -> None:
        if text == self.comment:
            return
        self.comment = text
        self.set_class(bool(text), "-commented")
        self._show_line("comment", f"Comment: {text}" if text else "")
        self._refresh_prompt()

    def show_error(self, message: str | None, path: str | None = None) -> None:
        """The session refused the value (None clears); the typed text stays as it is."""
        self._remote_error = message
        self._refresh_error()

    def _refresh_error(self) -> None:
        message = self._local_error or self._remote_error
        self.set_class(bool(message), "-error")
        self._show_line("error", f"⚠ {message}" if message else "")

    @property
    def error(self) -> str | None:
        return self._local_error or self._remote_error

    # ------------------------------------------------------------ keys

    def action_step(self, step: int) -> None:
        focus_beside(self, step)

    # ------------------------------------------------------------ comments

    @on(CommentRequested)
    def _open_comment(self, event: CommentRequested) -> None:
        event.stop()
        existing = self.query(CommentInput)
        if existing:
            existing.first().focus()
            return
        box = CommentInput(self.comment)
        self.mount(box, before=self.query_one(".q-error"))
        box.focus()

    @on(CommentInput.Saved)
    def _save_comment(self, event: CommentInput.Saved) -> None:
        event.stop()
        text = event.text.strip()
        self._close_comment()
        if text != self.comment:
            self.set_comment(text)
            self.post_message(self.CommentChanged(self, self.field, text))

    @on(CommentInput.Cancelled)
    def _cancel_comment(self, event: CommentInput.Cancelled) -> None:
        event.stop()
        self._close_comment()

    def _close_comment(self) -> None:
        self.focus_editor()
        for box in self.query(CommentInput):
            box.remove()


# ---------------------------------------------------------------- typed values


class InputQuestion(QuestionRow):
    """A typed value: validated on every keystroke, posted only when valid."""

    def __init__(self, question: Question, kb: KnowledgeBase, *, id: str | None = None) -> None:
        super().__init__(question, kb, id=id)
        self.kind, self.parse = self._parser(question)
        self.INLINE = self.kind in ("number", "date")
        self.set_class(not self.INLINE, "-wide")
        self._record_value: Any = None
        self._posted: Any = None
        self._replacing = False

    @staticmethod
    def _parser(question: Question) -> tuple[str, Callable[[str], logic.Parsed]]:
        if question.type in logic.NUMBER_TYPES:
            return "number", lambda text: logic.parse_number(text, question)
        if question.type == "date":
            return "date", logic.parse_date
        shape = logic.field_kind(question.field)
        if shape == "dict":
            return "pairs", logic.parse_pairs
        if shape == "list_str":
            return "list", logic.parse_list
        return "text", logic.parse_text

    def compose_editor(self) -> ComposeResult:
        if self.kind == "number":
            placeholder = logic.range_text(self.question)
        elif self.kind == "date":
            placeholder = "YYYY-MM-DD"
        elif self.kind == "pairs":
            placeholder = "movement: finding; e.g. lumbar_flexion: limited; lumbar_extension: full"
        elif self.kind == "list":
            placeholder = "separate items with commas"
        else:
            placeholder = ""
        self._input = FieldInput(placeholder=placeholder, compact=True, classes="q-input")
        yield self._input
        if self.kind == "number" and self.question.unit:
            yield Label(self.question.unit, classes="q-unit")

    @property
    def input(self) -> FieldInput:
        return self._input

    def set_value(self, value: Any) -> None:
        self._record_value = value
        self._posted = value
        if not self._ready:
            return
        replacing, self._replacing = self._replacing, False
        if self.editing and not replacing:
            parsed, problem = self.parse(self.input.value)
            if problem is None and parsed == value and self._remote_error:
                self._remote_error = None  # the record now holds what is typed
                self._refresh_error()
            return
        text = logic.format_value(value, self.kind)
        if self.input.value != text:
            self.input.value = text

    def show_error(self, message: str | None, path: str | None = None) -> None:
        if message:
            self._posted = self._record_value  # refused: the record still holds the old value
        super().show_error(message, path)

    @property
    def editing(self) -> bool:
        return not self._replacing and (self.input.has_focus or self.error is not None)

    def discard_typing(self) -> None:
        self._stop_timer()
        self._replacing = True  # the next set_value writes the record's text, focus or not
        super().discard_typing()

    def restore_draft(self, key: str, text: str) -> None:
        def put() -> None:
            self.input.value = text
            problem = self.parse(text)[1]
            self._local_error = problem
            self._refresh_error()
            self.commit()

        if self._ready:
            put()
        else:
            self.call_after_refresh(put)

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if isinstance(event.input, CommentInput):
            return
        event.stop()
        value, problem = self.parse(event.value)
        if problem is None and value == self._posted and not self.input.has_focus:
            return  # the text was set from the record
        if self.input.has_focus:
            self.post_message(DraftTyped(self.field, event.value))
        self._remote_error = None
        self._local_error = problem
        self._refresh_error()
        self._stop_timer()
        if problem is None:
            self._commit_soon()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if isinstance(event.input, CommentInput):
            return
        event.stop()
        self.commit()
        if self.error is None:
            focus_beside(self, 1)  # enter accepts and moves on, as in a paper form

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        if not isinstance(event.input, CommentInput):
            self.commit()

    def commit(self) -> None:
        """Post the typed value if it is valid and new."""
        self._stop_timer()
        if not self._ready:
            return
        value, problem = self.parse(self.input.value)
        if problem is not None or value == self._posted:
            return
        self._posted = value
        self.post_message(FieldChanged(self.field, value))


# ---------------------------------------------------------------- choices


class OtherInput(FieldInput):
    """A value not among the choices, typed under the grid: enter adds it, escape does not.

    Leaving the box any other way (Tab, a click) adds what was typed too: nothing typed is
    dropped without the physician saying so."""

    DEFAULT_CSS = """
    OtherInput { margin: 0 0 0 2; width: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="other.cancel"),
    ]

    class Done(Message):
        def __init__(self, box: OtherInput, text: str) -> None:
            super().__init__()
            self.box = box
            self.text = text  # "" when cancelled

        @property
        def control(self) -> OtherInput:
            return self.box

    def __init__(self) -> None:
        super().__init__(
            placeholder="Not listed: type it - enter adds, escape cancels",
            compact=True,
            classes="other-input",
        )
        self._done = False

    def _finish(self, text: str) -> None:
        if not self._done:
            self._done = True
            self.post_message(self.Done(self, text.strip()))

    def action_cancel(self) -> None:
        self._finish("")

    def on_blur(self) -> None:
        self._finish(self.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._finish(self.value)


class ChoiceQuestion(QuestionRow):
    INLINE = False

    def compose_editor(self) -> ComposeResult:
        self._grid = ChoiceGrid(
            logic.choice_options(self.kb, self.question),
            multiple=self.question.type == "multi_choice",
            other=self.question.open_choices,
        )
        yield self._grid

    @on(ChoiceGrid.OtherRequested)
    def _open_other(self, event: ChoiceGrid.OtherRequested) -> None:
        event.stop()
        box = OtherInput()
        self.mount(box, before=self.query_one(".q-error"))
        box.focus()

    @on(OtherInput.Done)
    def _other_done(self, event: OtherInput.Done) -> None:
        event.stop()
        refocus = self.app.focused is event.box  # Tab away: the keyboard goes where it went
        event.box.remove()
        if event.text:
            self._grid.add_other(event.text)
        if refocus:
            self._grid.focus()

    def set_value(self, value: Any) -> None:
        if self._ready:
            self._grid.set_value(value)

    @on(ChoiceGrid.Changed)
    def _picked(self, event: ChoiceGrid.Changed) -> None:
        event.stop()
        self.post_message(FieldChanged(self.field, event.value))


class YesNoQuestion(QuestionRow):
    def __init__(self, question: Question, kb: KnowledgeBase, *, id: str | None = None) -> None:
        super().__init__(question, kb, id=id)
        self.add_class("-toggle")

    def compose_editor(self) -> ComposeResult:
        self._toggle = YesNoToggle(flag=bool(self.question.red_flag))
        yield self._toggle

    def set_value(self, value: Any) -> None:
        answer = value if isinstance(value, bool) else None
        self._mark(answer)
        if self._ready:
            self._toggle.set_value(answer)

    def _mark(self, answer: bool | None) -> None:
        flagged = bool(self.question.red_flag) and answer is True
        self.set_class(flagged, "-flag-yes")
        if flagged != self.flagged:
            self.flagged = flagged
            self._refresh_prompt()

    @on(YesNoToggle.Changed)
    def _answered(self, event: YesNoToggle.Changed) -> None:
        event.stop()
        self._mark(event.value)
        self.post_message(FieldChanged(self.field, event.value))


class SidesQuestion(QuestionRow):
    """Left and right cells (special tests, or any `*_sides` item outside the exam grid)."""

    def __init__(self, question: Question, kb: KnowledgeBase, *, id: str | None = None) -> None:
        super().__init__(question, kb, id=id)
        self.add_class("-sides")

    def compose_editor(self) -> ComposeResult:
        cell = CELL_TYPES[self.question.type]
        self._cells = [
            cell(self.field, side, label=f"{self.question.prompt}, {side}") for side in logic.SIDES
        ]
        for side, widget in zip(logic.SIDES, self._cells, strict=True):
            yield Label("L" if side == "left" else "R", classes="q-side")
            yield widget

    def set_value(self, value: Any) -> None:
        if not self._ready:
            return
        sides = value if isinstance(value, Mapping) else {}
        for cell in self._cells:
            cell.set_value(sides.get(cell.side))

    def show_error(self, message: str | None, path: str | None = None) -> None:
        for cell in self.query(GradeCell):
            if path is None or path in (cell.path, self.field):
                cell.error = message
        super().show_error(message, path)

    @on(GradeCell.Refused)
    def _refused(self, event: GradeCell.Refused) -> None:
        event.stop()
        self._local_error = event.message
        self._refresh_error()

    @on(GradeCell.Move)
    def _move(self, event: GradeCell.Move) -> None:
        event.stop()
        if event.dy:
            focus_beside(self, event.dy)
            return
        cells = list(self.query(GradeCell))
        index = cells.index(event.cell) + event.dx
        if 0 <= index < len(cells):
            cells[index].focus()


ROWS: dict[str, type[QuestionRow]] = {
    "text": InputQuestion,
    "integer": InputQuestion,
    "number": InputQuestion,
    "rating": InputQuestion,
    "date": InputQuestion,
    "choice": ChoiceQuestion,
    "multi_choice": ChoiceQuestion,
    "yes_no": YesNoQuestion,
    **{t: SidesQuestion for t in logic.SIDE_TYPES},
}


def make_question(question: Question, kb: KnowledgeBase) -> QuestionRow:
    if question.type == "text" and logic.field_kind(question.field) == "list_model":
        from painclinic.tui.widgets.entry_list import EntryListQuestion  # it builds on this module

        return EntryListQuestion(question, kb)
    return ROWS[question.type](question, kb)
