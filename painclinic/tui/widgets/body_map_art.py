"""Front and back body outlines for the dermatome body map: pure data, no Textual.

Each view is drawn as character art; every character is one terminal cell:

* a region code from `CODES` (``2``-``8`` = C2-C8, ``a``-``l`` = T1-T12, ``L``-``P`` = L1-L5,
  ``S``-``W`` = S1-S5): a cell of that dermatome;
* any other non-blank character: outline or landmark (``◦`` umbilicus, ``┊`` spine, ``•`` anus);
* a blank: outside the body, or the face (trigeminal, not a cervical dermatome).

The centre column is the midline and holds no region cells, so every region cell belongs to one
side. The side is the PATIENT's side: on the FRONT view (the patient faces you) the patient's
right is on the viewer's left; on the BACK view (seen from behind) the patient's left is on the
viewer's left. Regions are therefore stored as dermatome + side, never as screen positions.

Placement follows the standard (ISNCSCI / Foerster-Keegan style) charts, arms at the sides with
the palms forward: C2 back of the scalp, C3 neck, C4 top of the shoulders, C5 lateral upper arm,
C6 radial forearm, index and thumb, C7 middle finger, C8 ulnar hand (ring, little) and distal
medial forearm, T1 medial elbow and forearm, T2 axilla and medial upper arm, T3-T12 trunk bands
(T4 nipple line, T6 xiphoid, T10 umbilicus, T12 inguinal), L1 groin, L2 anterior thigh, L3 lower
medial thigh and knee, L4 medial shin and malleolus, L5 lateral leg, dorsum of the foot and great
toe, S1 lateral foot, heel and posterior calf, S2 posterior thigh and popliteal fossa, and the
saddle as rings around the anus on the back view: S3 outermost, S4, S5 innermost, each ring split
into its left and right half. Two sizes: LARGE for about 120x40, COMPACT for about 80x24.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

Side = Literal["left", "right"]
ViewName = Literal["front", "back"]
Region = tuple[str, Side]  # (dermatome, patient's side), e.g. ("L5", "left")
Cell = tuple[int, int]  # (row, column) inside one view

DERMATOMES: tuple[str, ...] = (
    *(f"C{n}" for n in range(2, 9)),
    *(f"T{n}" for n in range(1, 13)),
    *(f"L{n}" for n in range(1, 6)),
    *(f"S{n}" for n in range(1, 6)),
)
SIDES: tuple[Side, Side] = ("left", "right")
_CODE_CHARS = "2345678" + "abcdefghijkl" + "LMNOP" + "STUVW"
CODES: dict[str, str] = dict(zip(_CODE_CHARS, DERMATOMES, strict=True))

# fmt: off
FRONT_LARGE = (
    "            ╭─────╮            ",
    "           ╭╯     ╰╮           ",
    "           │ ◦   ◦ │           ",
    "           │   ‿   │           ",
    "           ╰╮     ╭╯           ",
    "            │33 33│            ",
    " ╭──────────╯33 33╰──────────╮ ",
    " │4444444444444 4444444444444│ ",
    " │55bbbbbbbbbbb bbbbbbbbbbb55│ ",
    " │55bb╭─╮cccccc cccccc╭─╮bb55│ ",
    " │55bb│ │dddddd dddddd│ │bb55│ ",
    " │55bb│ │eeeeee eeeeee│ │bb55│ ",
    " │55aa│ │ffffff ffffff│ │aa55│ ",
    " │55aa│ │gggggg gggggg│ │aa55│ ",
    " │66aa│ │hhhhhh hhhhhh│ │aa66│ ",
    " │66aa│ │iiiiii iiiiii│ │aa66│ ",
    " │6688│ │jjjjjj◦jjjjjj│ │8866│ ",
    "╭╯6688│ │kkkkkk kkkkkk│ │8866╰╮",
    "│66778│ │llllll llllll│ │87766│",
    "╰╮6788│ │LLLLLL LLLLLL│ │8876╭╯",
    " │6788│ │LLLLL╭─╮LLLLL│ │8876│ ",
    " ╰────╯ │MMMMM│ │MMMMM│ ╰────╯ ",
    "        │MMMMM│ │MMMMM│        ",
    "        │MMMMM│ │MMMMM│        ",
    "        │MMNNN│ │NNNMM│        ",
    "        │NNNNN│ │NNNNN│        ",
    "        │NNNNN│ │NNNNN│        ",
    "        ╰╮PPOO│ │OOPP╭╯        ",
    "         │PPOO│ │OOPP│         ",
    "         │PPOO│ │OOPP│         ",
    "         │PPOO│ │OOPP│         ",
    "         │PPPO│ │OPPP│         ",
    "         │SPPO│ │OPPS│         ",
    "        ╭╯SPPP│ │PPPS╰╮        ",
    "        │SSPPP│ │PPPSS│        ",
    "        ╰─────╯ ╰─────╯        ",
)
BACK_LARGE = (
    "            ╭─────╮            ",
    "           ╭╯22 22╰╮           ",
    "           │222 222│           ",
    "           │222 222│           ",
    "           ╰╮22 22╭╯           ",
    "            │33┊33│            ",
    " ╭──────────╯33┊33╰──────────╮ ",
    " │4444444444444┊4444444444444│ ",
    " │55bbbbbbbbbbb┊bbbbbbbbbbb55│ ",
    " │55bb╭─╮cccccc┊cccccc╭─╮bb55│ ",
    " │55bb│ │dddddd┊dddddd│ │bb55│ ",
    " │55bb│ │eeeeee┊eeeeee│ │bb55│ ",
    " │55aa│ │ffffff┊ffffff│ │aa55│ ",
    " │55aa│ │gggggg┊gggggg│ │aa55│ ",
    " │66aa│ │hhhhhh┊hhhhhh│ │aa66│ ",
    " │66aa│ │iiiiii┊iiiiii│ │aa66│ ",
    " │6688│ │jjjjjj┊jjjjjj│ │8866│ ",
    "╭╯6688│ │kkkkkk┊kkkkkk│ │8866╰╮",
    "│66778│ │llllll┊llllll│ │87766│",
    "╰╮6788│ │LLLLLL┊LLLLLL│ │8876╭╯",
    " │6788│ │MMMMUU│UUMMMM│ │8876│ ",
    " ╰────╯ │NNNUVV│VVUNNN│ ╰────╯ ",
    "        │TTTUVW•WVUTTT│        ",
    "        │TTTTU╭─╮UTTTT│        ",
    "        │TTTTT│ │TTTTT│        ",
    "        │TTTTT│ │TTTTT│        ",
    "        │TTTTT│ │TTTTT│        ",
    "        ╰╮PSTO│ │OTSP╭╯        ",
    "         │PSSO│ │OSSP│         ",
    "         │PSSO│ │OSSP│         ",
    "         │PSSO│ │OSSP│         ",
    "         │PSSO│ │OSSP│         ",
    "         │SSSO│ │OSSS│         ",
    "        ╭╯SSSS│ │SSSS╰╮        ",
    "        │SSSSS│ │SSSSS│        ",
    "        ╰─────╯ ╰─────╯        ",
)
FRONT_COMPACT = (
    "       ╭───╮       ",
    "       │◦ ◦│       ",
    " ╭─────╯3 3╰─────╮ ",
    " │4444444 4444444│ ",
    " │5bbbbbb bbbbbb5│ ",
    " │5b│cccc cccc│b5│ ",
    " │5b│dddd dddd│b5│ ",
    " │5a│eeee eeee│a5│ ",
    " │5a│ffff ffff│a5│ ",
    " │6a│gggg gggg│a6│ ",
    " │68│hhhh hhhh│86│ ",
    "╭╯68│iiii iiii│86╰╮",
    "│678│jjjj◦jjjj│876│",
    "│678│kkkk kkkk│876│",
    "╰───┤llll llll├───╯",
    "    │LLLL LLLL│    ",
    "    │MMM╭─╮MMM│    ",
    "    │MMN│ │NMM│    ",
    "    │NNN│ │NNN│    ",
    "    │PPO│ │OPP│    ",
    "    │SPP│ │PPS│    ",
    "    ╰───╯ ╰───╯    ",
)
BACK_COMPACT = (
    "       ╭───╮       ",
    "       │2 2│       ",
    " ╭─────╯3┊3╰─────╮ ",
    " │4444444┊4444444│ ",
    " │5bbbbbb┊bbbbbb5│ ",
    " │5b│cccc┊cccc│b5│ ",
    " │5b│dddd┊dddd│b5│ ",
    " │5a│eeee┊eeee│a5│ ",
    " │5a│ffff┊ffff│a5│ ",
    " │6a│gggg┊gggg│a6│ ",
    " │68│hhhh┊hhhh│86│ ",
    "╭╯68│iiii┊iiii│86╰╮",
    "│678│jjjj┊jjjj│876│",
    "│678│kkkk┊kkkk│876│",
    "╰───┤llll┊llll├───╯",
    "    │LLUV│VULL│    ",
    "    │TUVW•WVUT│    ",
    "    │TTT╭─╮TTT│    ",
    "    │TTT│ │TTT│    ",
    "    │PSO│ │OSP│    ",
    "    │SSS│ │SSS│    ",
    "    ╰───╯ ╰───╯    ",
)
# fmt: on


@dataclass(frozen=True)
class View:
    """One body view: its art rows and the cells of each region."""

    name: ViewName
    rows: tuple[str, ...]

    @property
    def width(self) -> int:
        return len(self.rows[0])

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def midline(self) -> int:
        return self.width // 2

    def side_at(self, col: int) -> Side | None:
        """The patient's side drawn at this column (None on the midline)."""
        if col == self.midline:
            return None
        viewer_left = col < self.midline
        if self.name == "front":
            return "right" if viewer_left else "left"
        return "left" if viewer_left else "right"

    def region_at(self, row: int, col: int) -> Region | None:
        if not (0 <= row < self.height and 0 <= col < self.width):
            return None
        derm = CODES.get(self.rows[row][col])
        side = self.side_at(col)
        return (derm, side) if derm and side else None

    @cached_property
    def cells(self) -> dict[Region, tuple[Cell, ...]]:
        """Every region drawn in this view and its cells, top to bottom, left to right."""
        found: dict[Region, list[Cell]] = {}
        for row, line in enumerate(self.rows):
            for col in range(len(line)):
                region = self.region_at(row, col)
                if region:
                    found.setdefault(region, []).append((row, col))
        return {region: tuple(cells) for region, cells in found.items()}

    @cached_property
    def labels(self) -> dict[Cell, str]:
        """Where each region's name is written: its longest row run (nearest its middle if tied)."""
        placed: dict[Cell, str] = {}
        for (derm, _side), cells in self.cells.items():
            runs: list[list[Cell]] = []
            for cell in cells:
                if runs and runs[-1][-1] == (cell[0], cell[1] - 1):
                    runs[-1].append(cell)
                else:
                    runs.append([cell])
            middle = (cells[0][0] + cells[-1][0]) / 2
            fitting = [run for run in runs if len(run) >= len(derm)]
            if not fitting:
                continue
            run = min(fitting, key=lambda r: (-len(r), abs(r[0][0] - middle), r[0][0]))
            start = (len(run) - len(derm)) // 2
            for char, cell in zip(derm, run[start:], strict=False):
                placed[cell] = char
        return placed

    def outline_cells(self, region_cells: tuple[Cell, ...]) -> set[Cell]:
        """Outline glyphs touching these cells (8-neighbours): drawn emphasised for the root."""
        touched: set[Cell] = set()
        for row, col in region_cells:
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    r, c = row + dr, col + dc
                    if 0 <= r < self.height and 0 <= c < self.width:
                        char = self.rows[r][c]
                        if char != " " and char not in CODES:
                            touched.add((r, c))
        return touched


@dataclass(frozen=True)
class BodyArt:
    """A front and a back view of one size, side by side."""

    name: str
    front: View
    back: View

    @property
    def views(self) -> tuple[View, View]:
        return (self.front, self.back)


LARGE = BodyArt("large", View("front", FRONT_LARGE), View("back", BACK_LARGE))
COMPACT = BodyArt("compact", View("front", FRONT_COMPACT), View("back", BACK_COMPACT))
SIZES: tuple[BodyArt, ...] = (LARGE, COMPACT)  # largest first
