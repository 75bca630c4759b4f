"""Let a widget of auto height shrink on a small terminal (80x24 and the like).

The red-flag banner and the follow-up box are `height: auto`: their own size says nothing about
how much room the screen has, and Textual sends `Resize` to the screen, not to them. So they
follow the screen's size through its layout-refresh signal (published after every layout,
resizes included) and get the class `-compact` while the screen is small. The screen's own
breakpoint classes (`HORIZONTAL_BREAKPOINTS`) would do the same from the screen's side.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget

COMPACT_WIDTH = 100  # below this the banner's full text wraps to two or three lines a flag
COMPACT_HEIGHT = 32  # below this a 12-row banner leaves the tabs a third of the screen


def is_compact(size: Size) -> bool:
    return size.width < COMPACT_WIDTH or size.height < COMPACT_HEIGHT


def follow_screen_size(widget: Widget, changed: Callable[[bool], None] | None = None) -> None:
    """Keep `widget`'s `-compact` class in step with its screen; call `changed` on a change.

    Call from `on_mount`. The class only flips when the answer changes, so the layout it
    causes (and the signal that layout publishes) does not loop."""

    def fit(screen: Screen[object]) -> None:
        compact = is_compact(screen.size)
        if compact != widget.has_class("-compact"):
            widget.set_class(compact, "-compact")
            if changed is not None:
                changed(compact)

    screen = widget.screen
    screen.screen_layout_refresh_signal.subscribe(widget, fit)
    fit(screen)
