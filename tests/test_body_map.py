"""The dermatome body map widget: art data, keyboard and mouse marking, drawing, snapshots.

Screen positions used below (content offsets of the widget; the harness gives it the whole
terminal): at 120x40 the LARGE art is used, two header rows, the FRONT view starts at x=2 and
the BACK view at x=38; at 80x24 the COMPACT art, one header row, FRONT at x=2, BACK at x=26.
"""

from __future__ import annotations

from typing import Any

import pytest
from rich.style import Style
from textual import on
from textual.app import App, ComposeResult
from textual.strip import Strip
from textual.widgets import Input

from painclinic.knowledge import load_knowledge
from painclinic.tui.widgets.body_map import FILL, ORDER, BodyMap
from painclinic.tui.widgets.body_map_art import (
    CODES,
    COMPACT,
    DERMATOMES,
    LARGE,
    SIDES,
    SIZES,
    View,
)

# (art, header rows, x of the front view, x of the back view, terminal size)
LARGE_AT = (LARGE, 2, 2, 38, (120, 40))
COMPACT_AT = (COMPACT, 1, 2, 26, (80, 24))

MARKINGS = {
    "C6": {"right": ["numbness"]},
    "T10": {"right": ["pain"]},
    "L5": {"left": ["pain", "numbness"]},
    "S1": {"left": ["paresthesia"]},
}


class MapApp(App[None]):
    """A tiny harness: one body map, and every `BodyMap.Changed` it posts."""

    def __init__(self, markings: Any = None, localized: Any = None, *, after: bool = False):
        super().__init__()
        self.initial = (markings, localized)
        self.after = after
        self.changes: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield BodyMap(*self.initial, id="body-map")
        if self.after:
            yield Input(id="after")

    @on(BodyMap.Changed, "#body-map")
    def record(self, message: BodyMap.Changed) -> None:
        assert message.control is self.query_one(BodyMap)
        self.changes.append(message.markings)


def cell(strip: Strip, x: int) -> tuple[str, Style]:
    """The character and style at column x of a rendered line."""
    at = 0
    for segment in strip:
        if at <= x < at + len(segment.text):
            return segment.text[x - at], segment.style or Style()
        at += len(segment.text)
    raise IndexError(x)


def panel_text(body_map: BodyMap, height: int, x: int = 72) -> str:
    """The side panel's words (it starts at x=72 at 120x40), wrapped lines joined again."""
    return " ".join(body_map.render_line(y).text[x:].strip() for y in range(height)).strip()


def screen_cells(
    view: View, region: tuple[str, str], header: int, x0: int
) -> list[tuple[int, int]]:
    return [(x0 + col, header + row) for row, col in view.cells[region]]


# ---------------------------------------------------------------- the art (pure data)


@pytest.mark.parametrize("art", SIZES, ids=lambda a: a.name)
def test_every_dermatome_has_cells_on_both_sides(art: Any) -> None:
    for derm in DERMATOMES:
        for side in SIDES:
            assert any((derm, side) in view.cells for view in art.views), (art.name, derm, side)


@pytest.mark.parametrize("art", SIZES, ids=lambda a: a.name)
def test_views_are_rectangular_mirrored_and_midline_has_no_regions(art: Any) -> None:
    mirror = str.maketrans("╭╮╰╯├┤", "╮╭╯╰┤├")
    for view in art.views:
        assert view.width % 2 == 1
        assert {len(row) for row in view.rows} == {view.width}
        for row in view.rows:
            assert row[view.midline] not in CODES
            assert row[::-1].translate(mirror) == row, row


def test_patient_side_follows_the_view() -> None:
    # FRONT: the patient faces us, so their right is on our left; BACK: their left on our left
    assert LARGE.front.side_at(0) == "right" and LARGE.front.side_at(30) == "left"
    assert LARGE.back.side_at(0) == "left" and LARGE.back.side_at(30) == "right"
    assert LARGE.front.side_at(LARGE.front.midline) is None


@pytest.mark.parametrize("art", SIZES, ids=lambda a: a.name)
def test_landmarks_sit_on_their_dermatomes(art: Any) -> None:
    front, back = art.front, art.back
    umbilicus = next(r for r, row in enumerate(front.rows) if row[front.midline] == "◦")
    assert front.region_at(umbilicus, front.midline + 1) == ("T10", "left")
    anus = next(r for r, row in enumerate(back.rows) if row[back.midline] == "•")
    assert back.region_at(anus, back.midline - 1) == ("S5", "left")
    assert back.region_at(anus, back.midline + 1) == ("S5", "right")
    # C2 only on the back of the head; the saddle and the posterior thigh only on the back
    for derm in ("C2", "S2", "S3", "S4", "S5"):
        assert (derm, "left") not in front.cells and (derm, "left") in back.cells
    # the key points that sit low on the limbs: thumb, middle finger, foot
    lowest = {d: max(r for r, _ in front.cells[(d, "left")]) for d in ("C6", "C7", "L5", "S1")}
    assert lowest["C7"] >= lowest["C6"] - 1
    assert lowest["L5"] == lowest["S1"] == front.height - 2


def test_regions_are_named_from_the_knowledge_base() -> None:
    kb = load_knowledge()
    assert set(DERMATOMES) <= set(kb.anatomy.dermatomes)
    text = BodyMap().describe(("L5", "left"))
    assert text.startswith("L5 left: lateral leg, dorsum of the foot and great toe")
    assert "(key point: dorsum of the foot at the third metatarsophalangeal joint)" in text


def test_every_binding_has_a_description_and_an_id() -> None:
    for binding in BodyMap.BINDINGS:
        assert binding.description and binding.id  # type: ignore[union-attr]


def test_keyboard_order_is_rostral_to_caudal_left_then_right() -> None:
    assert ORDER[:3] == (("C2", "left"), ("C2", "right"), ("C3", "left"))
    assert ORDER[-1] == ("S5", "right")


# ---------------------------------------------------------------- keyboard


@pytest.mark.asyncio
async def test_keyboard_marks_l5_then_adds_numbness_then_clears() -> None:
    app = MapApp()
    async with app.run_test(size=(120, 40)) as pilot:
        body_map = app.query_one(BodyMap)
        assert app.focused is body_map
        assert body_map.cursor == ("C2", "left")
        # to L5: page down twice (C2 -> T1 -> L1), then down four levels (L1 -> L5)
        await pilot.press("pagedown", "pagedown", "down", "down", "down", "down")
        assert body_map.cursor == ("L5", "left")
        await pilot.press("p", "space")
        assert app.changes == [{"L5": {"left": ["pain"]}}]
        await pilot.press("n", "space")
        assert app.changes[-1] == {"L5": {"left": ["pain", "numbness"]}}
        assert body_map.markings == app.changes[-1]
        await pilot.press("right", "t", "enter")  # the other side, tingling
        assert app.changes[-1] == {"L5": {"left": ["pain", "numbness"], "right": ["paresthesia"]}}
        await pilot.press("left", "x")
        assert app.changes[-1] == {"L5": {"right": ["paresthesia"]}}
        await pilot.press("r", "space")  # toggling the same kind again removes it
        assert app.changes[-1] == {}
        assert len(app.changes) == 5


@pytest.mark.asyncio
async def test_keyboard_navigation_and_status_line() -> None:
    app = MapApp()
    async with app.run_test(size=(120, 40)) as pilot:
        body_map = app.query_one(BodyMap)
        await pilot.press("tab")
        assert body_map.cursor == ("C2", "right")
        await pilot.press("tab", "down", "l")
        assert body_map.cursor == ("C4", "left")
        await pilot.press("end")
        assert body_map.cursor == ("S5", "left")
        await pilot.press("pageup", "up", "home", "r")
        assert body_map.cursor == ("C2", "right")
        await pilot.press("up", "shift+tab")  # clamped at the top
        assert body_map.cursor == ("C2", "left")
        await pilot.press("pagedown", "pagedown", "down", "down", "down", "down", "t")
        lines = panel_text(body_map, 40)
        assert "L5 left: lateral leg, dorsum of the foot and great toe" in lines
        assert f"Marking: {FILL['paresthesia']} paresthesia (tingling)" in lines
        assert app.changes == []  # moving and choosing a kind marks nothing


@pytest.mark.asyncio
async def test_clear_is_disabled_on_an_unmarked_region() -> None:
    app = MapApp({"C2": {"left": ["pain"]}})
    async with app.run_test(size=(120, 40)) as pilot:
        body_map = app.query_one(BodyMap)
        assert body_map.check_action("clear", ()) is True
        await pilot.press("tab")
        assert body_map.check_action("clear", ()) is None
        await pilot.press("x")
        assert app.changes == []


@pytest.mark.asyncio
async def test_tab_leaves_the_map_after_the_last_region() -> None:
    app = MapApp(after=True)
    async with app.run_test(size=(120, 40)) as pilot:
        body_map = app.query_one(BodyMap)
        body_map.cursor = ("S5", "left")
        await pilot.press("tab")
        assert body_map.cursor == ("S5", "right") and app.focused is body_map
        await pilot.press("tab")
        assert app.focused is app.query_one("#after")


# ---------------------------------------------------------------- mouse


@pytest.mark.asyncio
@pytest.mark.parametrize("at", [LARGE_AT, COMPACT_AT], ids=["120x40", "80x24"])
async def test_click_on_the_thumb_marks_c6_on_the_patients_side(at: Any) -> None:
    art, header, front_x, back_x, size = at
    # the thumb: the outermost cell of the hand row, on the viewer's left of each view
    thumb_row = next(r for r, row in enumerate(art.front.rows) if row[1] == "6")
    assert art.front.region_at(thumb_row, 1) == ("C6", "right")  # FRONT: viewer's left
    assert art.back.region_at(thumb_row, 1) == ("C6", "left")  # BACK: viewer's left
    app = MapApp()
    async with app.run_test(size=size) as pilot:
        body_map = app.query_one(BodyMap)
        await pilot.click(BodyMap, offset=(front_x + 1, header + thumb_row))
        assert app.changes == [{"C6": {"right": ["pain"]}}]
        assert body_map.cursor == ("C6", "right")
        await pilot.press("n")
        await pilot.click(BodyMap, offset=(back_x + 1, header + thumb_row))
        assert app.changes[-1] == {"C6": {"right": ["pain"], "left": ["numbness"]}}
        await pilot.press("p")
        await pilot.click(BodyMap, offset=(front_x + 1, header + thumb_row))
        assert app.changes[-1] == {"C6": {"left": ["numbness"]}}
        await pilot.click(BodyMap, offset=(0, size[1] - 1))  # outside the bodies
        assert len(app.changes) == 3


# ---------------------------------------------------------------- drawing


@pytest.mark.asyncio
@pytest.mark.parametrize("at", [LARGE_AT, COMPACT_AT], ids=["120x40", "80x24"])
async def test_markings_set_by_the_parent_are_filled(at: Any) -> None:
    art, header, front_x, back_x, size = at
    app = MapApp()
    async with app.run_test(size=size) as pilot:
        body_map = app.query_one(BodyMap)

        def chars(view: View, x0: int, region: tuple[str, str]) -> list[str]:
            return [
                cell(body_map.render_line(y), x)[0]
                for x, y in screen_cells(view, region, header, x0)
            ]

        before = chars(art.front, front_x, ("T10", "right"))
        assert FILL["pain"] not in before
        body_map.markings = {"T10": {"right": ["pain"]}, "L4": {"left": ["numbness"]}}
        await pilot.pause()
        for view, x0 in ((art.front, front_x), (art.back, back_x)):
            filled = chars(view, x0, ("T10", "right"))
            assert FILL["pain"] in filled
            assert set(filled) <= {FILL["pain"], *"T10"}
            assert not {*FILL.values()} & set(chars(view, x0, ("T10", "left")))
        numb = chars(art.front, front_x, ("L4", "left"))
        assert FILL["numbness"] in numb and FILL["pain"] not in numb
        # both kinds on one region: the cells alternate between the two fills
        body_map.markings = {"T10": {"right": ["pain", "paresthesia"]}}
        await pilot.pause()
        mixed = set(chars(art.front, front_x, ("T10", "right")))
        assert {FILL["pain"], FILL["paresthesia"]} <= mixed
        assert app.changes == []  # the parent's own change is not echoed back


@pytest.mark.asyncio
async def test_localized_root_is_outlined_on_its_side_only() -> None:
    art, header, front_x, back_x, size = LARGE_AT
    app = MapApp()
    async with app.run_test(size=size) as pilot:
        body_map = app.query_one(BodyMap)
        body_map.cursor = ("C2", "left")
        body_map.localized = [("L5", "left")]
        await pilot.pause()
        assert body_map.localized == (("L5", "left"),)
        for view, x0 in ((art.front, front_x), (art.back, back_x)):
            for side, outlined in (("left", True), ("right", False)):
                cells = view.cells[("L5", side)]
                edges = view.outline_cells(cells)
                assert edges
                for row, col in edges:
                    _, style = cell(body_map.render_line(header + row), x0 + col)
                    assert bool(style.reverse) is outlined, (view.name, side, row, col)
                for row, col in cells:
                    _, style = cell(body_map.render_line(header + row), x0 + col)
                    assert bool(style.bold) is outlined
        text = panel_text(body_map, size[1])
        assert "outlined: engine's root L5 left" in text
        body_map.localized = []
        await pilot.pause()
        row, col = next(iter(art.front.outline_cells(art.front.cells[("L5", "left")])))
        assert not cell(body_map.render_line(header + row), front_x + col)[1].reverse


@pytest.mark.asyncio
async def test_localized_root_without_a_side_outlines_both() -> None:
    app = MapApp(localized=[("S1", "bilateral")])
    async with app.run_test(size=(120, 40)):
        body_map = app.query_one(BodyMap)
        assert body_map.localized == (("S1", "left"), ("S1", "right"))
        assert body_map.cursor == ("S1", "left")  # the cursor starts on the root


# ---------------------------------------------------------------- snapshots


def test_snapshot_120x40_with_markings_and_l5_left_root(snap_compare: Any) -> None:
    app = MapApp(MARKINGS, [("L5", "left")])
    # cursor from the root (L5 left) up to L4 left, so the root shows its own look
    assert snap_compare(app, terminal_size=(120, 40), press=["up"])


def test_snapshot_80x24_compact(snap_compare: Any) -> None:
    app = MapApp(MARKINGS, [("L5", "left")])
    assert snap_compare(app, terminal_size=(80, 24), press=["up"])
