"""A compact choice list that flows options across the width (single or multiple choice).

Every option is visible at once (no dropdown to open), the chosen ones marked by a glyph as
well as style: `◉`/`○` for a single choice, `☑`/`☐` for several. Arrow keys move the cursor,
space or enter picks, backspace clears, o adds a value that is not listed (where the record
keeps free ids or text); a click picks the option under the pointer. Posts
`Changed` with the new value: an id or None (single), or a list of ids (multiple) in the
order picked, a loaded value keeping its own order (saving back never reorders a record).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import events
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from painclinic.tui.widgets.comment import CommentRequested

GAP = 3
Item = tuple[int, int, int]  # option index, x, width


class ChoiceGrid(Widget, can_focus=True):
    DEFAULT_CSS = """
    ChoiceGrid {
        height: auto;
        width: 1fr;
        padding: 0 1;
    }
    ChoiceGrid:focus { background: $boost; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "cursor(-1)", "Previous", show=False),
        Binding("right", "cursor(1)", "Next", show=False),
        Binding("up", "line(-1)", "Line up", show=False),
        Binding("down", "line(1)", "Line down", show=False),
        Binding("space,enter", "pick", "Pick", id="choice.pick"),
        Binding("backspace,delete", "clear", "Clear", id="choice.clear"),
        Binding("c", "comment", "Comment", id="item.comment"),
        Binding("o,plus", "other", "Other...", id="choice.other"),
    ]

    cursor: reactive[int] = reactive(0)

    class OtherRequested(Message):
        """The physician wants to type a value that is not among the choices (key o)."""

    class Changed(Message):
        def __init__(self, grid: ChoiceGrid, value: str | list[str] | None) -> None:
            super().__init__()
            self.grid = grid
            self.value = value

        @property
        def control(self) -> ChoiceGrid:
            return self.grid

    def __init__(
        self,
        options: Sequence[tuple[str, str]],
        *,
        multiple: bool = False,
        other: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.options = list(options)
        self.multiple = multiple
        self.other = other  # free values may be added (an open vocabulary)
        self.selected: list[str] = []

    # ------------------------------------------------------------ value

    @property
    def value(self) -> str | list[str] | None:
        if self.multiple:
            return list(self.selected)
        return self.selected[0] if self.selected else None

    def set_value(self, value: str | list[str] | None) -> None:
        """From the record: no message."""
        if value is None:
            chosen: list[str] = []
        elif isinstance(value, str):
            chosen = [value]
        else:
            chosen = [str(v) for v in value]
        known = [oid for oid, _ in self.options]
        # keep an unknown stored id visible rather than silently dropping it
        for oid in chosen:
            if oid not in known:
                self.options.append((oid, oid))
        # the record's own order: loading and saving back never reorders what was recorded
        selected = list(dict.fromkeys(chosen))
        if selected != self.selected:
            self.selected = selected
            self.refresh(layout=True)

    # ------------------------------------------------------------ layout

    def _text(self, index: int) -> str:
        oid, label = self.options[index]
        on = oid in self.selected
        mark = ("☑" if on else "☐") if self.multiple else ("◉" if on else "○")
        return f"{mark} {label}"

    def _layout(self, width: int) -> list[list[Item]]:
        width = max(width, 10)
        lines: list[list[Item]] = [[]]
        x = 0
        for index in range(len(self.options)):
            w = min(len(self._text(index)), width)
            if lines[-1] and x + w > width:
                lines.append([])
                x = 0
            lines[-1].append((index, x, w))
            x += w + GAP
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self._layout(width)))

    def render(self) -> Content:
        lines = self._layout(self.content_size.width or 80)
        out: list[Content] = []
        for line in lines:
            parts: list[Content | str | tuple[str, str]] = []
            x = 0
            for index, at, w in line:
                parts.append(" " * (at - x))
                text = self._text(index)[:w]
                style = "bold" if self.options[index][0] in self.selected else ""
                if index == self.cursor and self.has_focus:
                    style += " reverse"
                parts.append((text, style.strip()) if style.strip() else text)
                x = at + w
            out.append(Content.assemble(*parts))
        return Content("\n").join(out)

    # ------------------------------------------------------------ keys and mouse

    def _where(self) -> tuple[list[list[Item]], int, int]:
        lines = self._layout(self.content_size.width or 80)
        for row, line in enumerate(lines):
            for col, (index, _x, _w) in enumerate(line):
                if index == self.cursor:
                    return lines, row, col
        return lines, 0, 0

    def action_cursor(self, step: int) -> None:
        self.cursor = max(0, min(len(self.options) - 1, self.cursor + step))

    def action_line(self, step: int) -> None:
        lines, row, col = self._where()
        target = row + step
        if not 0 <= target < len(lines):
            raise SkipAction()  # let the key move focus to the next / previous question
        x = lines[row][col][1]
        nearest = min(lines[target], key=lambda item: abs(item[1] - x))
        self.cursor = nearest[0]

    def action_pick(self) -> None:
        if not self.options:
            return
        oid = self.options[self.cursor][0]
        if self.multiple:
            # in the order picked: what was recorded keeps its place, a new pick goes last
            if oid in self.selected:
                self.selected = [o for o in self.selected if o != oid]
            else:
                self.selected = [*self.selected, oid]
        else:
            self.selected = [] if self.selected == [oid] else [oid]
        self.refresh(layout=True)
        self.post_message(self.Changed(self, self.value))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.other if action == "other" else True

    def action_other(self) -> None:
        self.post_message(self.OtherRequested())

    def add_other(self, value: str) -> None:
        """Choose a typed value: it joins the options (shown like them) and is selected."""
        if value not in (oid for oid, _ in self.options):
            self.options.append((value, value))
        if value not in self.selected:
            self.selected = [*self.selected, value] if self.multiple else [value]
            self.post_message(self.Changed(self, self.value))
        self.cursor = next(i for i, (oid, _) in enumerate(self.options) if oid == value)
        self.refresh(layout=True)

    def action_clear(self) -> None:
        if not self.selected:
            return
        self.selected = []
        self.refresh(layout=True)
        self.post_message(self.Changed(self, self.value))

    def action_comment(self) -> None:
        self.post_message(CommentRequested())

    def watch_cursor(self) -> None:
        self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        lines = self._layout(self.content_size.width or 80)
        if not 0 <= offset.y < len(lines):
            return
        for index, x, w in lines[offset.y]:
            if x <= offset.x < x + w:
                self.focus()
                self.cursor = index
                self.action_pick()
                return
