"""Dated follow-up checkpoints: the physician's planned ones, then the assessment's proposals.

Planned rows come from `Plan.checkpoints`; proposals are the assessment's suggested checkpoints
not yet in the plan (matched by what they follow up and their label). Keys post
`CheckpointList.Requested(verb, row)`: `a` takes a proposal into the plan, `e` edits a date
(a proposal edited is taken into the plan with that date), `x` removes a planned one (a
suggested one then shows again as a proposal).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from .hanging import Hang, hang

CheckpointVerb = Literal["accept", "edit_date", "remove"]


@dataclass(frozen=True)
class CheckpointRow:
    key: str
    date: dt.date
    label: str
    about: str | None
    track: str = ""
    planned: bool = False
    plan_index: int = -1  # position in plan.checkpoints when planned
    about_words: str = ""  # what it follows up, in words


class CheckpointList(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "request('accept')", "Add to plan", id="checkpoint_list.accept"),
        Binding("e", "request('edit_date')", "Edit date…", id="checkpoint_list.edit_date"),
        Binding("x,delete", "request('remove')", "Remove", id="checkpoint_list.remove"),
    ]

    @dataclass
    class Requested(Message):
        verb: CheckpointVerb
        row: CheckpointRow

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: list[CheckpointRow] = []
        self._by_key: dict[str, CheckpointRow] = {}

    @property
    def rows(self) -> list[CheckpointRow]:
        return list(self._rows)

    @property
    def current(self) -> CheckpointRow | None:
        option = self.highlighted_option
        return self._by_key.get(option.id or "") if option is not None else None

    def show(self, rows: list[CheckpointRow]) -> None:
        """Replace the rows, keeping the highlighted checkpoint and the scroll position."""
        if rows == self._rows:
            return
        old = self.current
        old_index, old_scroll = self.highlighted, self.scroll_y
        self._rows = list(rows)
        self._by_key = {r.key: r for r in rows}
        options: list[Option | None] = []
        for i, row in enumerate(rows):
            if i and row.planned != rows[i - 1].planned:
                options.append(None)  # a rule between planned and proposed
            options.append(Option(self._prompt(row), id=row.key))
        self.set_options(options)
        self.scroll_to(y=old_scroll, animate=False, immediate=True)
        if rows:
            target = old_index or 0
            if old is not None:
                same = [r for r in rows if (r.about, r.label) == (old.about, old.label)]
                if same:
                    target = self.get_option_index(same[0].key)
            self.highlighted = min(target, len(rows) - 1)
        self.refresh_bindings()

    def _prompt(self, row: CheckpointRow) -> Hang:
        tag = Text("[ ] proposed")
        if row.planned:
            tag = Text.assemble(("[✓ planned]", "bold reverse"))
        body = Text(row.label)
        if row.about_words or row.track:
            what = " · ".join(x for x in (row.track, row.about_words) if x)
            body.append(f"  ({what})", style="italic")
        tag.pad_right(13 - tag.cell_len)
        tag.append(row.date.isoformat(), style="bold")
        tag.append("  ")
        return hang(tag, body)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action != "request":
            return True
        row = self.current
        if row is None:
            return False
        verb = parameters[0] if parameters else ""
        if verb == "accept":
            return not row.planned
        if verb == "remove":
            return row.planned
        return True

    def action_request(self, verb: CheckpointVerb) -> None:
        row = self.current
        if row is not None and self.check_action("request", (verb,)):
            self.post_message(self.Requested(verb, row))

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.refresh_bindings()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a checkpoint edits its date."""
        event.stop()
        self.action_request("edit_date")
