"""An OptionList whose highlighted row carries a marker character, not only a background.

Under NO_COLOR (or a greyscale terminal) the highlight background of an OptionList is the
only sign of where the cursor is, so the physician cannot see which item `a` or `d` would act
on. Here the highlighted row starts with `▶` while the list has focus and `▷` when it has not
(so two lists on screen still tell which one has the keyboard); other rows start with two
spaces, so nothing shifts when the highlight moves.

Subclasses draw a row with `_prompt_at(index)` and put `self.mark(index)` in front of it.

Two navigation fixes for lists with disabled rows (headings): the view follows the highlight
with the headings right above it (so "ACT NOW" or "INTERVENTIONAL" shows with its first
item, not scrolled off by one), and PageDown onto a trailing disabled row no longer clears the
highlight (Textual's `_move_page` then finds no enabled option and sets None, after which no
key acts on anything).
"""

from __future__ import annotations

from textual.geometry import Region
from textual.visual import VisualType
from textual.widgets import OptionList

MARK_FOCUSED = "▶ "
MARK_BLURRED = "▷ "
NO_MARK = "  "


class MarkedOptionList(OptionList):
    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._marked: int | None = None  # the index whose prompt carries the marker

    def mark(self, index: int) -> str:
        """The two cells in front of row `index`."""
        if index != self.highlighted:
            return NO_MARK
        return MARK_FOCUSED if self.has_focus else MARK_BLURRED

    def _prompt_at(self, index: int) -> VisualType:
        raise NotImplementedError

    def _remark(self, *indices: int | None) -> None:
        for index in dict.fromkeys(indices):
            if index is not None and 0 <= index < self.option_count:
                self.replace_option_prompt_at_index(index, self._prompt_at(index))

    def watch_highlighted(self, highlighted: int | None) -> None:
        old, self._marked = self._marked, highlighted
        self._remark(old, highlighted)
        super().watch_highlighted(highlighted)

    def watch_has_focus(self, _: bool) -> None:
        # Set by Textual's own focus handler, which may run after an `on_focus` of ours.
        self._remark(self.highlighted)

    # ------------------------------------------------------------ navigation

    def scroll_to_highlight(self, top: bool = False) -> None:
        highlighted = self.highlighted
        if highlighted is None or not self.is_mounted or top:
            super().scroll_to_highlight(top)
            return
        first = highlighted
        while first > 0 and self.options[first - 1].disabled:
            first -= 1
        try:  # OptionList's own line map (the base class scrolls with it too)
            start = self._index_to_line[first]
            end = self._index_to_line[highlighted] + self._heights[highlighted]
        except KeyError:
            return
        width, height = self.scrollable_content_region.size
        if end - start > height:  # no room for the headings: the option itself, as before
            super().scroll_to_highlight()
            return
        self.scroll_to_region(
            Region(0, start, width, end - start), force=True, animate=False, immediate=True
        )

    def _keep_a_highlight(self, before: int | None) -> None:
        if self.highlighted is None and before is not None:
            enabled = [i for i, o in enumerate(self.options) if not o.disabled]
            if enabled:
                self.highlighted = enabled[-1] if before <= enabled[-1] else enabled[0]

    def action_page_down(self) -> None:
        before = self.highlighted
        super().action_page_down()
        self._keep_a_highlight(before)

    def action_page_up(self) -> None:
        before = self.highlighted
        super().action_page_up()
        self._keep_a_highlight(before)
