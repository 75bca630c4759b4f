"""Text with hanging indents, drawn natively by Textual (and printable by Rich, for tests).

`hang(lead, body)` is a lead-in (a state tag, a bullet, a label) followed by a body whose
wrapped lines hang under the body's first character, so long reasons stay readable in narrow
panes. `stack(parts)` puts several of them (or plain lines) one under another.

Both are Textual `Visual`s built on `Content`, not Rich renderables: a Rich table or group is
re-rendered through the console on every layout, which made a pane reload cost tens of
milliseconds; Content wraps and caches natively. The pane is redrawn as findings change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.text import Text
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual


def _content(text: str | Text | Content) -> Content:
    if isinstance(text, Content):
        return text
    return Content.from_rich_text(text) if isinstance(text, Text) else Content(text)


class Hang(Visual):
    def __init__(self, lead: Text, body: Text) -> None:
        self.lead_text, self.body_text = lead, body
        self.lead, self.body = _content(lead), _content(body)
        self.lead_width = self.lead.cell_length
        self._cache: dict[tuple[int, Style], list[Strip]] = {}

    # -- Textual Visual protocol

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.lead_width + self.body.get_optimal_width(rules, container_width)

    def get_minimal_width(self, rules: RulesMap) -> int:
        return self.lead_width + self.body.get_minimal_width(rules)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return max(1, self.body.get_height(rules, max(1, width - self.lead_width)))

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        # A widget redraws several times per change (layout, scroll, highlight): draw once.
        cacheable = options.selection is None and options.post_style is None
        strips = self._cache.get((width, style)) if cacheable else None
        if strips is None:
            strips = self._render(width, style, options)
            if cacheable:
                self._cache[width, style] = strips
        return strips[:height] if height is not None else strips

    def _render(self, width: int, style: Style, options: RenderOptions) -> list[Strip]:
        lead_width = min(self.lead_width, width)
        body = self.body.render_strips(max(1, width - lead_width), None, style, options) or [
            Strip.blank(0)
        ]
        first = self.lead.render_strips(max(1, lead_width), 1, style, options)
        lead = first[0] if first and lead_width else Strip.blank(lead_width, style.rich_style)
        pad = Strip.blank(lead_width, style.rich_style)
        return [Strip.join([lead if i == 0 else pad, line]) for i, line in enumerate(body)]

    # -- Rich protocol (plain-text checks in tests, printing from a console)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width - self.lead_width)
        pad = Text(" " * self.lead_width)
        lines = self.body_text.wrap(console, width) or [Text("")]
        out = Text("\n").join(
            (self.lead_text if i == 0 else pad) + line for i, line in enumerate(lines)
        )
        out.no_wrap = True
        yield out


class Stack(Visual):
    """Visuals one under another (a Textual-native `rich.console.Group`)."""

    def __init__(self, parts: Iterable[Visual | Text | str]) -> None:
        self.parts: list[Visual] = [p if isinstance(p, Visual) else _content(p) for p in parts]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max((p.get_optimal_width(rules, container_width) for p in self.parts), default=0)

    def get_minimal_width(self, rules: RulesMap) -> int:
        return max((p.get_minimal_width(rules) for p in self.parts), default=1)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return sum(p.get_height(rules, width) for p in self.parts)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        strips: list[Strip] = []
        for part in self.parts:
            strips.extend(part.render_strips(width, None, style, options) or [Strip.blank(0)])
            if height is not None and len(strips) >= height:
                return strips[:height]
        return strips

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for part in self.parts:
            if isinstance(part, Content):
                yield Text(part.plain)
            else:
                yield cast(RenderableType, part)  # a RichVisual wraps a Rich renderable


def hang(lead: str | Text, body: str | Text, indent: int = 0) -> Hang:
    lead = Text(" " * indent) + (Text(lead) if isinstance(lead, str) else lead)
    return Hang(lead, Text(body) if isinstance(body, str) else body)


def stack(parts: Iterable[Visual | Text | str]) -> Stack:
    return Stack(parts)
