"""Dermatome body map: front and back outlines where the physician marks pain, numbness and
paresthesia by dermatome and side, and where the engine's localized root is outlined.

Attributes down, messages up: the parent sets `markings` (the shape of `History.body_map`) and
`localized` (the engine's root levels, e.g. `[("L5", "left")]`); the widget posts
`BodyMap.Changed` with the whole new markings when the physician toggles or clears a mark. It
stores dermatome ids with the patient's side, never screen positions.

Drawn with the line API: the whole frame is built once per (size, markings, localized, cursor,
kind, focus, hover) and cached; `render_line` returns its rows. The outlines and region cells
are data (`body_map_art`); a large variant is used at about 120x40, a compact one at 80x24.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from painclinic.tui.widgets.body_map_art import (
    CODES,
    DERMATOMES,
    SIDES,
    SIZES,
    BodyArt,
    Region,
    View,
)

KINDS: tuple[str, ...] = ("pain", "numbness", "paresthesia")
FILL: dict[str, str] = {"pain": "█", "numbness": "░", "paresthesia": "▒"}
KIND_NAME: dict[str, str] = {
    "pain": "pain",
    "numbness": "numbness",
    "paresthesia": "paresthesia (tingling)",
}
UNMARKED = "·"
ORDER: tuple[Region, ...] = tuple((derm, side) for derm in DERMATOMES for side in SIDES)
GROUPS: tuple[str, ...] = ("C", "T", "L", "S")

Markings = dict[str, dict[str, list[str]]]


def normalise_markings(value: Mapping[str, Any] | None) -> Markings:
    """A clean copy: known kinds in a fixed order, no duplicates, no empty sides or dermatomes."""
    clean: Markings = {}
    for derm, sides in (value or {}).items():
        if not isinstance(sides, Mapping):
            continue
        per_side: dict[str, list[str]] = {}
        for side in SIDES:
            kinds = set(sides.get(side) or ())
            ordered = [kind for kind in KINDS if kind in kinds]
            if ordered:
                per_side[side] = ordered
        if per_side:
            clean[str(derm)] = per_side
    return clean


def normalise_localized(value: Iterable[Any] | None) -> tuple[Region, ...]:
    """Root levels as (dermatome, side) pairs; a side other than left/right means both sides."""
    roots: list[Region] = []
    for item in value or ():
        derm, side = (item, None) if isinstance(item, str) else tuple(item)[:2]
        for each in (side,) if side in SIDES else SIDES:
            if (derm, each) not in roots:
                roots.append((derm, each))
    return tuple(roots)


def _freeze(markings: Markings) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    return tuple(
        (derm, side, tuple(kinds))
        for derm, sides in sorted(markings.items())
        for side, kinds in sorted(sides.items())
    )


def _sentence_case(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


@dataclass(frozen=True)
class _Layout:
    """Where the two views, their labels and the side panel go for one art size."""

    art: BodyArt
    header: int  # rows above the bodies
    margin: int = 2  # columns either side of a view (patient's R / L letters)
    gap: int = 1

    @property
    def block(self) -> int:
        return self.art.front.width + 2 * self.margin

    def view_x(self, index: int) -> int:
        return index * (self.block + self.gap) + self.margin

    @property
    def panel_x(self) -> int:
        return 2 * self.block + self.gap + 1

    @property
    def min_width(self) -> int:
        return self.panel_x + 30

    @property
    def min_height(self) -> int:
        return self.header + self.art.front.height


_LAYOUTS = (_Layout(SIZES[0], header=2), _Layout(SIZES[1], header=1))


class BodyMap(Widget, can_focus=True):
    """Front and back dermatome map; click a region or use the keys to mark it."""

    DEFAULT_CSS = """
    BodyMap {
        width: 1fr;
        height: 1fr;
        min-height: 22;
        & > .body-map--outline { color: $foreground 70%; }
        & > .body-map--landmark { color: $foreground 55%; }
        & > .body-map--skin { color: $foreground 40%; }
        & > .body-map--label { color: $foreground 75%; }
        & > .body-map--pain { color: $error; }
        & > .body-map--numbness { color: $primary-lighten-1; }
        & > .body-map--paresthesia { color: $success; }
        & > .body-map--root { background: $warning 35%; text-style: bold; }
        & > .body-map--root-edge { color: $warning; text-style: bold reverse; }
        & > .body-map--cursor { color: $foreground 85%; background: $foreground 20%; }
        &:focus > .body-map--cursor { color: $foreground; background: $foreground 35%; }
        & > .body-map--hover { text-style: underline; }
        & > .body-map--title { color: $foreground; text-style: bold; }
        & > .body-map--side { color: $text-accent; text-style: bold; }
        & > .body-map--muted { color: $foreground 60%; }
        & > .body-map--heading { color: $foreground; text-style: bold underline; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "body-map--outline",
        "body-map--landmark",
        "body-map--skin",
        "body-map--label",
        "body-map--pain",
        "body-map--numbness",
        "body-map--paresthesia",
        "body-map--root",
        "body-map--root-edge",
        "body-map--cursor",
        "body-map--hover",
        "body-map--title",
        "body-map--side",
        "body-map--muted",
        "body-map--heading",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "set_kind('pain')", "Pain", id="body_map.pain"),
        Binding("n", "set_kind('numbness')", "Numbness", id="body_map.numbness"),
        Binding("t", "set_kind('paresthesia')", "Tingling", id="body_map.paresthesia"),
        Binding("space,enter", "toggle_mark", "Toggle mark", id="body_map.toggle"),
        Binding("x", "clear", "Clear region", id="body_map.clear"),
        Binding("up", "level(-1)", "Level up (rostral)", show=False, id="body_map.up"),
        Binding("down", "level(1)", "Level down (caudal)", show=False, id="body_map.down"),
        Binding("left,right", "other_side", "Other side", show=False, id="body_map.other_side"),
        Binding("l", "side('left')", "Patient's left", show=False, id="body_map.left"),
        Binding("r", "side('right')", "Patient's right", show=False, id="body_map.right"),
        Binding("tab", "step(1)", "Next region", show=False, id="body_map.next"),
        Binding("shift+tab", "step(-1)", "Previous region", show=False, id="body_map.previous"),
        Binding(
            "pagedown", "group(1)", "Next segment (C/T/L/S)", show=False, id="body_map.group_down"
        ),
        Binding(
            "pageup", "group(-1)", "Previous segment (C/T/L/S)", show=False, id="body_map.group_up"
        ),
        Binding("home", "level_to(0)", "First level (C2)", show=False, id="body_map.first"),
        Binding("end", "level_to(-1)", "Last level (S5)", show=False, id="body_map.last"),
    ]

    @dataclass
    class Changed(Message):
        """The physician toggled or cleared a mark; `markings` is the whole new body map."""

        markings: Markings
        body_map: BodyMap | None = field(default=None, repr=False)

        @property
        def control(self) -> BodyMap | None:
            return self.body_map

    markings: reactive[Markings] = reactive(dict, bindings=True)
    """Marks by dermatome and patient's side, the shape of `History.body_map`."""
    localized: reactive[tuple[Region, ...]] = reactive(tuple)
    """The engine's localized root levels, outlined on their side."""
    cursor: reactive[Region] = reactive(("C2", "left"), bindings=True)
    """The region the keys act on."""
    kind: reactive[str] = reactive("pain")
    """What `space` / a click marks: pain, numbness or paresthesia."""
    _hover: reactive[Region | None] = reactive(None)

    def __init__(
        self,
        markings: Mapping[str, Any] | None = None,
        localized: Iterable[Any] | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.set_reactive(BodyMap.markings, normalise_markings(markings))
        roots = normalise_localized(localized)
        self.set_reactive(BodyMap.localized, roots)
        if roots and roots[0] in ORDER:  # start where the engine points
            self.set_reactive(BodyMap.cursor, roots[0])
        self._frames: LRUCache[tuple[Any, ...], list[Strip]] = LRUCache(8)
        self._descriptions: dict[str, tuple[str, str]] | None = None

    # ------------------------------------------------------------------ reactives

    def validate_markings(self, value: Mapping[str, Any] | None) -> Markings:
        return normalise_markings(value)

    def validate_localized(self, value: Iterable[Any] | None) -> tuple[Region, ...]:
        return normalise_localized(value)

    def watch_cursor(self, cursor: Region) -> None:
        """In a scrolling container (a short terminal), keep the keyboard cursor in view."""
        parent = self.parent
        if not isinstance(parent, Widget) or not parent.is_scrollable:
            return
        layout = self._layout()
        rows = [
            row
            for view in (layout.art.front, layout.art.back)
            for row, _ in view.cells.get(cursor, ())
        ]
        if rows:
            top = self.virtual_region.y + layout.header + min(rows)
            bottom = self.virtual_region.y + layout.header + max(rows)
            visible = parent.scrollable_content_region.height
            if bottom >= parent.scroll_y + visible:
                parent.scroll_to(y=bottom - visible + 1, animate=False)
            elif top < parent.scroll_y:  # keep the FRONT / BACK labels in sight going up
                parent.scroll_to(y=max(0, top - layout.header - 1), animate=False)

    def validate_cursor(self, value: Region) -> Region:
        return value if value in ORDER else self.cursor

    def validate_kind(self, value: str) -> str:
        return value if value in KINDS else self.kind

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._frames.clear()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # ------------------------------------------------------------------ marking

    def marks(self, region: Region) -> list[str]:
        derm, side = region
        return list(self.markings.get(derm, {}).get(side, []))

    def _set_marks(self, region: Region, kinds: Iterable[str]) -> None:
        derm, side = region
        new = {d: {s: list(k) for s, k in sides.items()} for d, sides in self.markings.items()}
        new.setdefault(derm, {})[side] = list(kinds)
        self.markings = new
        self.post_message(self.Changed(normalise_markings(self.markings), self))

    def toggle(self, region: Region, kind: str | None = None) -> None:
        """Add or remove one kind of mark on a dermatome and side."""
        kind = kind or self.kind
        kinds = self.marks(region)
        self._set_marks(
            region, [k for k in kinds if k != kind] if kind in kinds else [*kinds, kind]
        )

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear":
            return True if self.marks(self.cursor) else None
        if action == "step":
            # at either end, let tab / shift+tab move the focus on instead of trapping it
            index = ORDER.index(self.cursor) + int(parameters[0])  # type: ignore[call-overload]
            return 0 <= index < len(ORDER)
        return True

    def action_set_kind(self, kind: str) -> None:
        self.kind = kind

    def action_toggle_mark(self) -> None:
        self.toggle(self.cursor)

    def action_clear(self) -> None:
        if self.marks(self.cursor):
            self._set_marks(self.cursor, [])

    def action_level(self, delta: int) -> None:
        derm, side = self.cursor
        index = min(max(DERMATOMES.index(derm) + delta, 0), len(DERMATOMES) - 1)
        self.cursor = (DERMATOMES[index], side)

    def action_level_to(self, index: int) -> None:
        self.cursor = (DERMATOMES[index], self.cursor[1])

    def action_other_side(self) -> None:
        derm, side = self.cursor
        self.cursor = (derm, "right" if side == "left" else "left")

    def action_side(self, side: str) -> None:
        self.cursor = (self.cursor[0], "left" if side == "left" else "right")

    def action_step(self, delta: int) -> None:
        index = min(max(ORDER.index(self.cursor) + delta, 0), len(ORDER) - 1)
        self.cursor = ORDER[index]

    def action_group(self, delta: int) -> None:
        derm, side = self.cursor
        group = min(max(GROUPS.index(derm[0]) + delta, 0), len(GROUPS) - 1)
        first = next(d for d in DERMATOMES if d[0] == GROUPS[group])
        self.cursor = (first, side)

    # ------------------------------------------------------------------ mouse

    def region_at(self, x: int, y: int) -> Region | None:
        """The region drawn at a content offset of this widget (None outside the bodies)."""
        layout = self._layout()
        for index, view in enumerate(layout.art.views):
            region = view.region_at(y - layout.header, x - layout.view_x(index))
            if region:
                return region
        return None

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or event.chain > 1:
            return
        region = self.region_at(offset.x, offset.y)
        if region:
            event.stop()
            self.cursor = region
            self.toggle(region)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        offset = event.get_content_offset(self)
        region = self.region_at(offset.x, offset.y) if offset else None
        if region != self._hover:
            self._hover = region
            self.tooltip = self.describe(region) if region else None

    def on_leave(self, event: events.Leave) -> None:
        self._hover = None

    # ------------------------------------------------------------------ text

    def describe(self, region: Region) -> str:
        """E.g. 'L5 left: lateral leg, dorsum of the foot and great toe (key point: ...)'."""
        derm, side = region
        if self._descriptions is None:
            from painclinic.knowledge import load_knowledge

            dermatomes = load_knowledge().anatomy.dermatomes
            self._descriptions = {
                d: (_sentence_case(info.area), _sentence_case(info.key_point))
                for d, info in dermatomes.items()
            }
        area, key_point = self._descriptions.get(derm, ("", ""))
        text = f"{derm} {side}"
        return f"{text}: {area} (key point: {key_point})" if area else text

    # ------------------------------------------------------------------ drawing

    def _layout(self) -> _Layout:
        width, height = self.content_size
        for layout in _LAYOUTS:
            if width >= layout.min_width and height >= layout.min_height:
                return layout
        return _LAYOUTS[-1]

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        fits = [lay for lay in _LAYOUTS if width >= lay.min_width]
        return (fits[0] if fits else _LAYOUTS[-1]).min_height

    def render_line(self, y: int) -> Strip:
        width, height = self.content_size
        key = (
            width,
            height,
            _freeze(self.markings),
            self.localized,
            self.cursor,
            self.kind,
            self.has_focus,
            self._hover,
        )
        frame = self._frames.get(key)
        if frame is None:
            frame = self._frames[key] = self._render_frame(width, height)
        return frame[y] if 0 <= y < len(frame) else Strip.blank(width, self.rich_style)

    def _style(self, name: str) -> Style:
        """A component's own colours (blended over the widget) and text attributes."""
        full = self.get_component_rich_style(f"body-map--{name}")
        part = self.get_component_rich_style(f"body-map--{name}", partial=True)
        return Style(
            color=full.color if part.color else None,
            bgcolor=full.bgcolor if part.bgcolor else None,
            bold=part.bold,
            dim=part.dim,
            italic=part.italic,
            underline=part.underline,
            reverse=part.reverse,
        )

    def _render_frame(self, width: int, height: int) -> list[Strip]:
        base = self.rich_style
        chars = [[" "] * width for _ in range(height)]
        styles = [[base] * width for _ in range(height)]
        style = {
            name.removeprefix("body-map--"): self._style(name.removeprefix("body-map--"))
            for name in self.COMPONENT_CLASSES
        }

        def put(x: int, y: int, text: str, st: Style) -> None:
            if not 0 <= y < height:
                return
            for i, char in enumerate(text):
                if 0 <= x + i < width:
                    chars[y][x + i] = char
                    styles[y][x + i] = base + st

        layout = self._layout()
        roots = set(self.localized)
        for index, view in enumerate(layout.art.views):
            x0 = layout.view_x(index)
            self._draw_view(view, x0, layout.header, put, style, roots)
            self._draw_sides(view, layout, x0, put, style)
        self._draw_panel(layout, width, height, put, style)

        strips = []
        for row_chars, row_styles in zip(chars, styles, strict=True):
            segments = [
                Segment("".join(char for char, _ in run), st)
                for st, run in groupby(zip(row_chars, row_styles, strict=True), key=lambda c: c[1])
            ]
            strips.append(Strip(segments, width))
        return strips

    def _draw_view(
        self, view: View, x0: int, y0: int, put: Any, style: dict[str, Style], roots: set[Region]
    ) -> None:
        root_edges: set[tuple[int, int]] = set()
        for region in roots:
            root_edges |= view.outline_cells(view.cells.get(region, ()))
        for row, line in enumerate(view.rows):
            for col, char in enumerate(line):
                if char == " ":
                    continue
                at = view.region_at(row, col)
                if at is None:
                    if char in CODES:  # a region code on the midline: never drawn
                        continue
                    kind = "landmark" if char in "◦┊•‿" else "outline"
                    st = style["root-edge"] if (row, col) in root_edges else style[kind]
                    put(x0 + col, y0 + row, char, st)
                    continue
                region = at
                label = view.labels.get((row, col))
                kinds = self.marks(region)
                if kinds and len(view.cells[region]) < 2 * len(region[0]) + 1:
                    label = None  # a small marked region shows only its fill
                if kinds:
                    kind = kinds[(row + col) % len(kinds)]
                    glyph, st = FILL[kind], style[kind]
                else:
                    glyph, st = (label or UNMARKED), style["label" if label else "skin"]
                if region in roots:
                    st = st + style["root"]
                if region == self._hover:
                    st = st + style["hover"]
                if region == self.cursor:  # the region takes the cursor colours, keeps its fill
                    st = st + style["cursor"]
                if kinds and label:  # the name, reversed out of a block of its first kind
                    glyph = label
                    block = style["cursor"] if region == self.cursor else style[kinds[0]]
                    st = Style(color=self.rich_style.bgcolor, bgcolor=block.color)
                put(x0 + col, y0 + row, glyph, st)

    def _draw_sides(
        self, view: View, layout: _Layout, x0: int, put: Any, style: dict[str, Style]
    ) -> None:
        """Title and the patient's RIGHT / LEFT on each side, so the views cannot be misread."""
        left, right = ("RIGHT", "LEFT") if view.name == "front" else ("LEFT", "RIGHT")
        bx = x0 - layout.margin
        title = "FRONT" if view.name == "front" else "BACK"
        if layout.header >= 2:
            sub = "patient faces you" if view.name == "front" else "seen from behind"
            text = f"{title} · {sub}"
            put(bx + (layout.block - len(text)) // 2, 0, text, style["title"])
            put(bx, 1, f"◄ patient's {left}", style["side"])
            label = f"patient's {right} ►"
            put(bx + layout.block - len(label), 1, label, style["side"])
        else:
            put(bx + (layout.block - len(title)) // 2, 0, title, style["title"])
            put(bx, 0, f"◄{left[0]}", style["side"])
            put(bx + layout.block - 2, 0, f"{right[0]}►", style["side"])
        # the patient's side letter beside the body, at the waist and at the knees
        for row in (view.height * 5 // 9, view.height * 3 // 4):
            put(bx, layout.header + row, left[0], style["side"])
            put(bx + layout.block - 1, layout.header + row, right[0], style["side"])

    def _draw_panel(
        self, layout: _Layout, width: int, height: int, put: Any, style: dict[str, Style]
    ) -> None:
        x = layout.panel_x
        w = max(width - x - 1, 10)
        lines: list[list[tuple[str, Style]]] = []

        def para(text: str, st: Style, indent: str = "") -> None:
            for line in textwrap.wrap(text, w - len(indent)) or [""]:
                lines.append([(indent + line, st)])

        kind = self.kind
        lines.append(
            [
                ("Marking: ", style["muted"]),
                (f"{FILL[kind]} {KIND_NAME[kind]}", style[kind] + Style(bold=True)),
            ]
        )
        para("p/n/t: pain, numbness, tingling", style["muted"])
        lines.append([])
        para(self.describe(self.cursor), style["title"])
        marked = self.marks(self.cursor)
        para("Marked: " + (", ".join(marked) if marked else "nothing"), style["muted"])
        lines.append([])
        lines.append([("Legend", style["heading"])])
        for each in KINDS:
            lines.append([(f"{FILL[each] * 2} ", style[each]), (KIND_NAME[each], style["muted"])])
        lines.append(
            [
                (FILL["pain"], style["pain"]),
                (FILL["numbness"], style["numbness"]),
                (" several kinds alternate", style["muted"]),
            ]
        )
        lines.append([(UNMARKED * 2 + " ", style["skin"]), ("not marked", style["muted"])])
        roots = ", ".join(f"{d} {s}" for d, s in self.localized) or "none"
        lines.append(
            [
                ("│", style["root-edge"]),
                (UNMARKED * 2, style["skin"] + style["root"]),
                ("│", style["root-edge"]),
                (" outlined: engine's root", style["muted"]),
            ]
        )
        para(roots, style["title"], indent="   ")
        lines.append([])
        para(
            "↑↓ level  ←→ side  tab next  space/enter toggle  x clear  click a region",
            style["muted"],
        )

        top = 0
        for y, line in enumerate(lines[: max(height - top, 0)], start=top):
            cx = x
            for text, st in line:
                put(cx, y, text[: max(x + w - cx, 0)], st)
                cx += len(text)
