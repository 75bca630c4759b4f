"""A list editor for the record's structured lists: medications, earlier treatments, surgery,
imaging, responses to earlier interventions, functional goals (`painclinic.entries`).

One block per entry, one short field per column; ctrl+n adds an entry, ctrl+y removes the one
being edited (clearing every field of an entry removes it too), up/down move to the same field
of the entry above or below, right arrow takes the type-ahead suggestion. Each field is checked
as it is typed and the whole list is posted (`FieldChanged`) like any other answer: after a
short pause, on enter or on leaving the field, and only when every changed entry is valid. An
entry still being typed never replaces the saved one until it is valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from painclinic import entries as logic
from painclinic.knowledge import KnowledgeBase, Question
from painclinic.tui.messages import DraftTyped, FieldChanged
from painclinic.tui.widgets.question import FieldInput, QuestionRow, focus_beside


class EntryInput(FieldInput):
    """One field of one entry."""

    def __init__(self, column: logic.Column) -> None:
        suggester = (
            SuggestFromList(column.choices, case_sensitive=False) if column.choices else None
        )
        super().__init__(
            placeholder="",
            compact=True,
            classes="entry-input",
            suggester=suggester,
            tooltip=", ".join(column.choices[:12]) if column.strict else None,
        )
        self.column = column
        self.styles.width = column.width + 1


class EntryBlock(Widget):
    """One entry: a title line (what is saved), its fields, and what is wrong with them."""

    DEFAULT_CSS = """
    EntryBlock { height: auto; layout: vertical; margin: 0 0 1 0; }
    EntryBlock .entry-title { color: $text-muted; }
    EntryBlock:focus-within .entry-title { color: $text; text-style: bold; }
    EntryBlock .entry-fields { height: auto; layout: grid; grid-size: 3; grid-gutter: 0 1; }
    EntryBlock.-two .entry-fields { grid-size: 2; }
    EntryBlock.-one .entry-fields { grid-size: 1; }
    EntryBlock.-blank { margin: 0; }
    EntryBlock.-blank .entry-title { display: none; }
    EntryBlock.-blank .entry-cell.-later { display: none; }
    EntryBlock .entry-cell { height: 1; width: 1fr; }
    EntryBlock .entry-label { width: auto; color: $text-muted; padding: 0 1 0 0; }
    EntryBlock .entry-error { display: none; color: $text-error; text-style: bold; }
    EntryBlock.-error .entry-error { display: block; }
    """

    def __init__(self, spec: logic.EntryList, saved: Mapping[str, Any] | None) -> None:
        super().__init__()
        self.spec = spec
        self.saved: dict[str, Any] | None = dict(saved) if saved is not None else None
        self._texts = logic.entry_texts(spec, saved or {})
        self._title = Static("", classes="entry-title", markup=False)
        self._error = Static("", classes="entry-error", markup=False)
        self.problems: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield self._title
        with Vertical(classes="entry-fields"):
            for n, column in enumerate(self.spec.columns):
                with Horizontal(classes="entry-cell -later" if n else "entry-cell"):
                    yield Label(column.label, classes="entry-label")
                    field = EntryInput(column)
                    field.value = self._texts[column.name]
                    yield field

    def on_mount(self) -> None:
        self.mount(self._error)
        self.show_saved()
        self.show_blank()
        owner = next((a for a in self.ancestors if isinstance(a, EntryListQuestion)), None)
        if owner is not None:
            owner.block_ready(self)

    def show_blank(self) -> None:
        """An empty new entry is one line (its first field) until something is typed in it."""
        self.set_class(self.saved is None and not any(self.texts().values()), "-blank")

    @property
    def inputs(self) -> list[EntryInput]:
        return list(self.query(EntryInput))

    def field(self, name: str) -> EntryInput | None:
        return next((i for i in self.inputs if i.column.name == name), None)

    def texts(self) -> dict[str, str]:
        return {i.column.name: i.value for i in self.inputs}

    def parsed(self) -> tuple[dict[str, Any] | None, dict[str, str]]:
        return logic.parse_entry(self.spec, self.texts())

    def show_saved(self) -> None:
        number = (self.parent.children.index(self) + 1) if self.parent else 1
        if self.saved is None:
            title = f"{number} · new {self.spec.noun} (saved once valid)"
        else:
            title = f"{number} · {logic.summarize(self.spec, self.saved)}"
        self._title.update(title)

    def show_problems(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        self.set_class(bool(problems), "-error")
        self._error.update("⚠ " + "; ".join(problems.values()) if problems else "")

    def load(self, saved: Mapping[str, Any]) -> None:
        """Show a stored entry (fields that have focus keep what is being typed)."""
        self.saved = dict(saved)
        texts = logic.entry_texts(self.spec, saved)
        for field in self.inputs:
            if not field.has_focus and field.value != texts[field.column.name]:
                field.value = texts[field.column.name]
        self.show_saved()


class EntryListQuestion(QuestionRow):
    """A structured list as a checklist item."""

    DEFAULT_CSS = """
    EntryListQuestion .q-summary { display: none; }
    EntryListQuestion.-read-only .q-summary { display: block; }
    EntryListQuestion.-read-only .entry-hint { display: none; }
    EntryListQuestion .entry-hint { color: $text-muted; }
    """
    INLINE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "add", "Add entry", id="entries.add"),
        Binding("ctrl+y", "remove", "Remove entry", id="entries.remove"),
    ]

    def __init__(self, question: Question, kb: KnowledgeBase, *, id: str | None = None) -> None:
        super().__init__(question, kb, id=id)
        self.spec = logic.entry_lists(kb)[question.field]
        self._value: list[dict[str, Any]] = []
        self._posted: list[dict[str, Any]] = []
        self.read_only = False
        self._rebuild = False  # the next value replaces every block, even one being typed
        self._focus_pending = False

    def make_read_only(self) -> None:
        """A list to look at, not edit (a teaching case shows what the patient takes)."""
        self.read_only = True
        self.can_focus = True
        self.add_class("-read-only")
        for block in self.blocks:
            block.remove()
        self.set_value(self._value)

    def compose_editor(self) -> ComposeResult:
        self._summary = Static("", classes="q-summary", markup=False)
        yield self._summary
        self._blocks = Vertical(classes="entry-blocks")
        self._blocks.styles.height = "auto"
        yield self._blocks
        noun = self.spec.noun
        article = "an" if noun[:1] in "aeiou" else "a"
        yield Static(
            f"ctrl+n add {article} {noun} · ctrl+y remove one · → takes the suggestion",
            classes="entry-hint",
            markup=False,
        )

    # ------------------------------------------------------------ data in

    @property
    def blocks(self) -> list[EntryBlock]:
        return list(self._blocks.query_children(EntryBlock)) if self._ready else []

    @property
    def editing(self) -> bool:
        return self.has_focus_within or any(b.problems for b in self.blocks)

    def set_value(self, value: Any) -> None:
        entries = [dict(e) for e in value] if isinstance(value, list) else []
        self._value = entries
        self._posted = entries
        if not self._ready:
            return
        if self.read_only:
            shown = [logic.summarize(self.spec, e) for e in entries]
            self._summary.update("; ".join(shown) or "none recorded")
            return
        blocks = self.blocks
        if self._rebuild:
            self._rebuild = False
            self._blocks.remove_children()
            self._blocks.mount_all(
                [*(self._fit(EntryBlock(self.spec, e)) for e in entries), self._blank()]
            )
            return
        if self.editing:
            # Keep every block being typed; take the stored values for those that match.
            saved = [b for b in blocks if b.saved is not None or b.parsed()[0] is not None]
            for block, entry in zip(saved, entries, strict=False):
                block.saved = entry
                block.show_saved()
            self._keep_blank_last()
            return
        if len(blocks) == len(entries) + 1:
            for block, entry in zip(blocks, entries, strict=False):
                block.load(entry)
            return
        for block in blocks:
            block.remove()
        self._blocks.mount_all(
            [*(self._fit(EntryBlock(self.spec, e)) for e in entries), self._blank()]
        )

    def _blank(self) -> EntryBlock:
        return self._fit(EntryBlock(self.spec, None))

    def _fit(self, block: EntryBlock) -> EntryBlock:
        """As many fields to a line as leave each one room to show what is typed."""
        width = self.size.width
        columns = 3 if width >= 120 else 2 if width >= 60 else 1
        block.set_class(columns == 2, "-two")
        block.set_class(columns == 1, "-one")
        return block

    def block_ready(self, block: EntryBlock) -> None:
        """A block's fields exist now: take the focus asked for before they did."""
        if self._focus_pending and block.inputs and self.blocks[:1] == [block]:
            self._focus_pending = False
            block.inputs[0].focus()

    def _keep_blank_last(self) -> None:
        """There is always one empty entry at the end: tab reaches it and typing starts one."""
        blocks = self.blocks
        if not blocks or blocks[-1].saved is not None or any(blocks[-1].texts().values()):
            self._blocks.mount(self._blank())

    def discard_typing(self) -> None:
        """Another version is being loaded: every entry is rebuilt from it."""
        self._stop_timer()
        self._rebuild = True
        super().discard_typing()

    def focus_editor(self) -> None:
        if self.read_only:
            self.focus()
            return
        blocks = self.blocks
        if blocks and blocks[0].inputs:
            blocks[0].inputs[0].focus()
        else:
            self._focus_pending = True  # the page is new: its first entry is still mounting

    def on_resize(self) -> None:
        for block in self.blocks:
            self._fit(block)

    # ------------------------------------------------------------ typing

    def _block_of(self, widget: Widget | None) -> EntryBlock | None:
        while widget is not None and not isinstance(widget, EntryBlock):
            parent = widget.parent
            widget = parent if isinstance(parent, Widget) else None
        return widget

    @on(Input.Changed, "EntryInput")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        block = self._block_of(event.input)
        if block is None or not event.input.has_focus:
            return  # set from the record, not typed
        block.show_blank()
        index = self.blocks.index(block)
        if isinstance(event.input, EntryInput):
            key = f"{self.field}#{index}.{event.input.column.name}"
            self.post_message(DraftTyped(key, event.value))
        _, problems = block.parsed()
        block.show_problems(problems)
        self._remote_error = None
        self._refresh_error()
        self._stop_timer()
        if not problems:
            self._commit_soon()

    @on(Input.Submitted, "EntryInput")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.commit()
        focus_beside(event.input, 1)

    @on(Input.Blurred, "EntryInput")
    def _left(self, event: Input.Blurred) -> None:
        self.commit()

    def commit(self) -> None:
        """Post the list if every changed entry is valid and something changed."""
        self._stop_timer()
        if not self._ready:
            return
        entries: list[dict[str, Any]] = []
        for block in self.blocks:
            entry, problems = block.parsed()
            if problems:
                block.show_problems(problems)
                if block.saved is not None:
                    entries.append(block.saved)  # the saved one stands until this is valid
                continue
            block.show_problems({})
            if entry is not None:
                entries.append(entry)
        self._keep_blank_last()
        if logic.same_entries(entries, self._posted, self.spec):
            return
        self._posted = entries
        self.post_message(FieldChanged(self.field, entries or None))

    # ------------------------------------------------------------ keys

    def action_add(self) -> None:
        """Go to the empty entry at the end (made if the last one is being typed)."""
        self._keep_blank_last()
        self.call_after_refresh(lambda: self.blocks[-1].inputs[0].focus())

    def action_remove(self) -> None:
        block = self._block_of(self.app.focused)
        if block is None:
            return
        blocks = self.blocks
        index = blocks.index(block)
        focused = self.app.focused
        column = focused.column.name if isinstance(focused, EntryInput) else None
        if block is blocks[-1] and block.saved is None:
            for field in block.inputs:
                field.value = ""  # the empty entry at the end only empties
            block.show_problems({})
            return
        rest = blocks[:index] + blocks[index + 1 :]
        block.remove()
        if rest:
            target = rest[min(index, len(rest) - 1)]
            same_field = target.field(column) if column else None
            (same_field or target.inputs[0]).focus()
        else:
            focus_beside(self, 1)
        entries = [b.saved for b in rest if b.saved is not None]
        self._posted = entries
        self.post_message(FieldChanged(self.field, entries or None))
        for later in rest[index:]:
            later.call_after_refresh(later.show_saved)

    def action_step(self, step: int) -> None:
        focused = self.app.focused
        block = self._block_of(focused)
        if block is None or not isinstance(focused, EntryInput):
            super().action_step(step)
            return
        blocks = self.blocks
        index = blocks.index(block) + step
        if 0 <= index < len(blocks):
            target = blocks[index].field(focused.column.name)
            if target is not None:
                target.focus()
                return
        super().action_step(step)

    # ------------------------------------------------------------ drafts

    def restore_draft(self, key: str, text: str) -> None:
        """Put back text typed before the app stopped: `#<entry>.<field>`."""
        index_text, _, name = key.partition(".")
        if not index_text.isdigit():
            return
        index = int(index_text)
        blocks = self.blocks
        while len(blocks) <= index:
            block = self._blank()
            self._blocks.mount(block)
            blocks.append(block)

        def put() -> None:
            field = blocks[index].field(name)
            if field is not None:
                field.value = text
                blocks[index].show_problems(blocks[index].parsed()[1])
                self.commit()

        self.call_after_refresh(put)
