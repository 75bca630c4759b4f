"""The checklist sidebar: sections grouped by stage, each with its completion mark.

j/k or the arrows move, enter or tab goes into the questions. The owner gives the entries
with `show(...)`; highlighting one posts OptionList.OptionHighlighted (the owner shows that
section), enter posts OptionList.OptionSelected.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

Entry = tuple[str, Content]  # section id, prompt
Group = tuple[str, Sequence[Entry]]  # heading, entries


class SectionList(OptionList):
    DEFAULT_CSS = """
    SectionList {
        height: 1fr;
        max-height: 100%;
        border: none;
        padding: 0;
    }
    SectionList:focus { border: none; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Next section", id="checklist.next_section"),
        Binding("k", "cursor_up", "Previous section", id="checklist.previous_section"),
        Binding("enter", "select", "Open questions", id="checklist.open_section"),
    ]

    def show(self, groups: Sequence[Group]) -> None:
        """Replace the entries, keeping the highlighted section when it is still listed."""
        current = self.current
        ids = [sid for _, entries in groups for sid, _ in entries]
        same = ids == [o.id for o in self.options if o.id and not o.disabled]
        if same:
            for _, entries in groups:
                for sid, prompt in entries:
                    self.replace_option_prompt(sid, prompt)
            return
        options: list[Option | None] = []
        for heading, entries in groups:
            if not entries:
                continue
            options.append(Option(Content.styled(heading, "bold $text-muted"), disabled=True))
            options.extend(Option(prompt, id=sid) for sid, prompt in entries)
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options([o for o in options if o is not None])
            if current in ids:
                self.highlighted = self.get_option_index(current)
            elif ids:
                self.highlighted = self.get_option_index(ids[0])

    @property
    def current(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def select_id(self, section_id: str) -> None:
        self.highlighted = self.get_option_index(section_id)
