"""Checkboxes, radio buttons and selection lists whose state is in the characters.

Textual draws every box as `▐X▌` and every radio as `▐●▌`, ticked or not, and lets colour
alone tell them apart; under NO_COLOR (or a monochrome terminal, or a colour-blind eye) a
ticked comorbidity cannot be told from an unticked one. These subclasses draw `[x]` / `[ ]`
and `(*)` / `( )` instead: plain ASCII, so a Linux console font has them too, three cells
wide like Textual's own, so layouts do not move. Colour still repeats the state.
"""

from __future__ import annotations

from typing import TypeVar

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, OptionList, RadioButton, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

T = TypeVar("T")

TICKED, UNTICKED = "[x]", "[ ]"
CHOSEN, UNCHOSEN = "(*)", "( )"

_TOGGLE_CSS = """
{name} > .toggle--button {{ color: $text-muted; background: transparent; }}
{name}.-on > .toggle--button {{ color: $text-success; background: transparent; text-style: bold; }}
"""


def box(ticked: bool) -> str:
    return TICKED if ticked else UNTICKED


def dot(chosen: bool) -> str:
    return CHOSEN if chosen else UNCHOSEN


class MarkedCheckbox(Checkbox):
    """A checkbox drawn `[x]` when ticked and `[ ]` when not."""

    DEFAULT_CSS = _TOGGLE_CSS.format(name="MarkedCheckbox")

    @property
    def _button(self) -> Content:
        return Content.styled(box(self.value), self.get_visual_style("toggle--button"))


class MarkedRadioButton(RadioButton):
    """A radio button drawn `(*)` when chosen and `( )` when not."""

    DEFAULT_CSS = _TOGGLE_CSS.format(name="MarkedRadioButton")

    @property
    def _button(self) -> Content:
        return Content.styled(dot(self.value), self.get_visual_style("toggle--button"))


class MarkedSelectionList(SelectionList[T]):
    """A selection list whose options read `[x] label` when selected and `[ ] label` when not."""

    DEFAULT_CSS = """
    MarkedSelectionList {
        & > .selection-list--button, & > .selection-list--button-highlighted {
            color: $text-muted;
        }
        & > .selection-list--button-selected,
        & > .selection-list--button-selected-highlighted {
            color: $text-success; text-style: bold;
        }
    }
    """

    def render_line(self, y: int) -> Strip:
        # The option's prompt as the option list draws it; the box goes in front of it, in
        # the gutter SelectionList reserves (three cells and a space, as for its own button).
        line = OptionList.render_line(self, y)
        index = self.scroll_offset.y + y
        try:
            selection = self.get_option_at_index(index)
        except OptionDoesNotExist:
            return line
        selected = selection.value in self._selected
        component = "selection-list--button"
        if selected:
            component += "-selected"
        if self.highlighted == index:
            component += "-highlighted"
        underlying = next(iter(line)).style or self.rich_style
        button = self.get_component_rich_style(component)
        # the row's own background (cursor, zebra) with the mark's colour and weight
        style = underlying + RichStyle(color=button.color, bold=button.bold)
        style += RichStyle(meta={"option": index})  # a click on the box toggles the option
        return Strip(
            [Segment(box(selected), style), Segment(" ", underlying), *line],
        )
