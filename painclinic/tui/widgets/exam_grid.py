"""The examination: a motor / sensation / reflex grid by root and side, then the other exam
items of `data/checklist.yaml` (provocative and special tests, tenderness and trigger points,
range of motion, gait, signs).

Grid rows are the roots with a key muscle (C5-T1, L2-S1) plus the sensory-only dermatomes the
checklist asks about where they apply (C2-C4 for the neck and head, S2-S5 saddle for the low
back). Columns: key muscle MRC left/right, dermatome sensation left/right, reflex left/right.
Arrow keys move between cells like a spreadsheet. When the facts say only the arm or only
the leg is involved, only that half is shown; the key l shows every root.

Same contract as the checklist: `load(record, facts, scores)` and `show_error(path, message)`
go down, `FieldChanged` comes up (e.g. `exam.motor.great_toe_extension.left = 4`,
`exam.sensory.L5.left = "reduced"`, `exam.reflexes.achilles.right = "absent"`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, ScrollableContainer
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, Static

from painclinic import checklist as logic
from painclinic.knowledge import KnowledgeBase, Question, Section
from painclinic.tui.messages import FieldChanged
from painclinic.tui.widgets.comment import CommentInput, CommentRequested
from painclinic.tui.widgets.grade_cell import (
    GradeCell,
    MrcCell,
    ReflexCell,
    SensoryCell,
)
from painclinic.tui.widgets.question import QuestionRow, focus_beside, make_question

NARROW = 104
UPPER_FACTS = ("arm_symptoms", "cervical")
LOWER_FACTS = ("leg_symptoms", "lumbar")
HEADER = (
    (
        ("Root", "g-root"),
        ("Key muscle", "g-muscle"),
        ("MRC 0-5", "g-mrc2"),
        ("│", "g-sep"),
        ("Sensation (dermatome)", "g-sens2"),
        ("│", "g-sep"),
        ("", "g-reflex"),
        ("Reflex", "g-refl2"),
    ),
    (
        ("", "g-root"),
        ("", "g-muscle"),
        ("left", "g-mrc"),
        ("right", "g-mrc"),
        ("│", "g-sep"),
        ("left", "g-sens"),
        ("right", "g-sens"),
        ("│", "g-sep"),
        ("", "g-reflex"),
        ("left", "g-refl"),
        ("right", "g-refl"),
    ),
)


@dataclass
class RootRow:
    root: str
    limb: str  # "upper" or "lower"
    motor: Question | None = None
    sensory: Question | None = None
    reflex: Question | None = None
    muscle: str = ""
    area: str = ""
    reflex_name: str = ""
    cells: list[GradeCell | None] = field(default_factory=list)
    row: Horizontal | None = None
    label: Static | None = None

    @property
    def core(self) -> bool:
        """A root with a key muscle is always shown with its limb; others where relevant."""
        return self.motor is not None

    def questions(self) -> list[Question]:
        return [q for q in (self.motor, self.sensory, self.reflex) if q is not None]


def limb_of(root: str) -> str:
    return "upper" if root[:1] == "C" or root == "T1" else "lower"


class ExamGrid(Widget):
    DEFAULT_CLASSES = "exam-grid"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "toggle_limbs", "All roots", id="exam.toggle_limbs"),
    ]

    show_all: reactive[bool] = reactive(False)

    def __init__(self, kb: KnowledgeBase, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.kb = kb
        self.record: dict[str, Any] = {}
        self.facts: Mapping[str, str] = {}
        self.scores: Mapping[str, Any] = {}
        self.roots = self._build_roots(kb)
        self.sections: list[tuple[Section, list[Question]]] = []
        for section in kb.checklist.sections:
            if section.stage != "exam":
                continue
            rest = [q for q in section.questions if q.type not in logic.GRID_TYPES]
            if rest:
                self.sections.append((section, rest))
        # after the grid: provocative and special tests first, then palpation and inspection
        self.sections.sort(key=lambda item: not any(q.type == "test_sides" for q in item[1]))
        self._rows: dict[str, QuestionRow] = {}
        self._section_titles: dict[str, Static] = {}
        self._cells: dict[str, GradeCell] = {}
        self._cell_errors: dict[str, str] = {}
        self._row_errors: dict[str, str] = {}
        self._comment_field: str | None = None
        self._comment_cell: GradeCell | None = None
        self._focused_cell: GradeCell | None = None

    # ------------------------------------------------------------ structure

    def _build_roots(self, kb: KnowledgeBase) -> dict[str, RootRow]:
        anatomy = kb.anatomy
        rows: dict[str, RootRow] = {}

        def row(root: str) -> RootRow:
            return rows.setdefault(root, RootRow(root=root, limb=limb_of(root)))

        for section in kb.checklist.sections:
            for q in section.questions:
                name = q.field.rsplit(".", 1)[-1]
                if q.type == "mrc_sides" and name in anatomy.key_muscles:
                    muscle = anatomy.key_muscles[name]
                    r = row(muscle.root)
                    r.motor, r.muscle = q, muscle.action.split(" (")[0]
                elif q.type == "sensory_sides" and name in anatomy.dermatomes:
                    r = row(name)
                    r.sensory, r.area = q, anatomy.dermatomes[name].area
                elif q.type == "reflex_sides" and name in anatomy.reflexes:
                    r = row(anatomy.reflexes[name].root)
                    r.reflex, r.reflex_name = q, q.prompt.split(" (")[0].split(" / ")[0]
        return {root: rows[root] for root in sorted(rows, key=logic.root_sort_key)}

    def compose(self) -> ComposeResult:
        with ScrollableContainer(id="exam-scroll", can_focus=False):
            yield Static(id="exam-title")
            for cells in HEADER:
                yield Horizontal(
                    *(Static(text, classes=cls) for text, cls in cells),
                    classes="exam-row exam-header",
                )
            for limb, heading in (
                ("upper", "UPPER LIMB AND NECK"),
                ("lower", "LOWER LIMB AND SADDLE"),
            ):
                yield Static(heading, id=f"exam-limb-{limb}", classes="exam-limb")
                for r in self.roots.values():
                    if r.limb == limb:
                        yield self._root_row(r)
            yield Static("", id="exam-status", markup=False)
            yield Static("", id="exam-grid-comments", markup=False)
            for section, questions in self.sections:
                title = Static(section.label, classes="exam-section-title")
                self._section_titles[section.id] = title
                yield title
                for q in questions:
                    row = make_question(q, self.kb)
                    self._rows[q.field] = row
                    yield row

    def _root_row(self, r: RootRow) -> Horizontal:
        r.label = Static(r.root, classes="g-root")
        muscle = Static(
            r.muscle if r.motor else Content.styled(r.area, "italic $text-muted"),
            classes="g-muscle",
        )
        parts: list[Widget] = [r.label, muscle]
        r.cells = []
        for kind, cell_type, question, width in (
            ("motor", MrcCell, r.motor, "g-mrc"),
            ("sensory", SensoryCell, r.sensory, "g-sens"),
            ("reflex", ReflexCell, r.reflex, "g-refl"),
        ):
            if kind == "sensory":
                parts.append(Static("│", classes="g-sep"))
            if kind == "reflex":
                parts.append(Static("│", classes="g-sep"))
                parts.append(Static(r.reflex_name, classes="g-reflex"))
            for side in logic.SIDES:
                if question is None:
                    parts.append(Static("", classes=width))
                    r.cells.append(None)
                    continue
                what = {"motor": r.muscle, "sensory": "sensation", "reflex": r.reflex_name}
                cell = cell_type(
                    question.field,
                    side,
                    label=f"{r.root} {what[kind].lower()}, {side}",
                )
                cell.add_class(width)
                self._cells[cell.path] = cell
                r.cells.append(cell)
                parts.append(cell)
        r.row = Horizontal(*parts, id=f"root-{r.root}", classes="exam-row exam-root")
        return r.row

    # ------------------------------------------------------------ data in

    def load(
        self,
        record: Mapping[str, Any],
        facts: Mapping[str, str],
        scores: Mapping[str, object],
    ) -> None:
        """Show the visit as it now stands (after every accepted change, and at start)."""
        self.record = dict(record)
        self.facts = facts
        self.scores = scores
        if self.is_mounted:
            self._apply()

    def on_mount(self) -> None:
        self._apply()

    def on_resize(self) -> None:
        # under ~104 columns the reflex names go (the status line names the reflex)
        self.set_class(self.size.width < NARROW, "-narrow")

    def show_error(self, path: str, message: str | None) -> None:
        """Show (or with None clear) the session's message under the item at `path`."""
        if path == logic.COMMENTS_PATH and self._comment_field:
            path = self._comment_field
        cells = [c for p, c in self._cells.items() if p == path or c.field == path]
        if cells:
            for cell in cells:
                cell.error = message
                if message:
                    self._cell_errors[cell.path] = message
                else:
                    self._cell_errors.pop(cell.path, None)
            self._refresh_status()
            return
        for fld, row in self._rows.items():
            if path == fld or path.startswith(fld + "."):
                row.show_error(message, path)
                return

    def question_row(self, path: str) -> QuestionRow | None:
        """The row of a non-grid item (special tests, gait, range of motion ...)."""
        for fld, row in self._rows.items():
            if path == fld or path.startswith(fld + "."):
                return row
        return None

    def cell(self, path: str) -> GradeCell:
        """The grid cell for `<field>.<side>`, e.g. exam.sensory.L5.left."""
        return self._cells[path]

    def shown_roots(self) -> list[str]:
        return [r.root for r in self._shown_rows()]

    def _shown_rows(self) -> list[RootRow]:
        return [r for r in self.roots.values() if r.row is not None and r.row.display]

    def focus_first(self) -> bool:
        """Focus the first cell of the first root shown (F3 lands here); False if none is.

        A cell's own `display` stays true when its row is hidden, so the first focusable
        widget in the tree may be a C2 cell of a low-back visit, off the screen and outside
        the arrow keys' map; only cells of shown rows are candidates."""
        for r in self._shown_rows():
            cell = next((c for c in r.cells if c is not None), None)
            if cell is not None:
                cell.focus()
                return True
        return False

    def limbs(self) -> tuple[bool, bool]:
        """(upper, lower) halves shown: the involved limb, and any limb with a recorded grade."""
        if self.show_all:
            return True, True
        upper = any(f in self.facts for f in UPPER_FACTS) or self._graded("upper")
        lower = any(f in self.facts for f in LOWER_FACTS) or self._graded("lower")
        if upper == lower:
            return True, True
        return upper, lower

    def _graded(self, limb: str) -> bool:
        return any(
            logic.answered(q, self.record)
            for r in self.roots.values()
            if r.limb == limb
            for q in r.questions()
        )

    def _apply(self) -> None:
        upper, lower = self.limbs()
        shown = {"upper": upper, "lower": lower}
        comments = logic.comments_of(self.record)
        for limb in shown:
            self.query_one(f"#exam-limb-{limb}").display = shown[limb]
        for r in self.roots.values():
            assert r.row is not None and r.label is not None
            relevant = (
                self.show_all
                or r.core
                or any(logic.shown(q, self.facts, self.record) for q in r.questions())
            )
            r.row.display = shown[r.limb] and relevant
            for cell in r.cells:
                if cell is not None:
                    value = logic.get_path(self.record, cell.field)
                    cell.set_value(value.get(cell.side) if isinstance(value, Mapping) else None)
            noted = any(q.field in comments for q in r.questions())
            r.label.update(f"{r.root}*" if noted else r.root)
        for section, questions in self.sections:
            relevant = logic.holds(section.when, self.facts)
            any_shown = False
            for q in questions:
                row = self._rows[q.field]
                row.load(self.record, self.facts, self.scores, comments)
                row.display = (relevant and row.display) or logic.answered(q, self.record)
                any_shown = any_shown or bool(row.display)
            self._section_titles[section.id].display = any_shown
        self._refresh_title()
        self._refresh_status()
        self._refresh_grid_comments(comments)
        focused = self.app.focused if self.is_attached else None
        on_hidden_cell = (
            isinstance(focused, GradeCell)
            and focused.path in self._cells
            and not any(focused in r.cells for r in self._shown_rows())
        )
        if on_hidden_cell:
            self.focus_first()  # never leave the keyboard on a hidden cell

    def _refresh_title(self) -> None:
        upper, lower = self.limbs()
        title = Content.styled("Motor, sensation and reflexes by root and side", "bold")
        one_limb = any(f in self.facts for f in UPPER_FACTS) != any(
            f in self.facts for f in LOWER_FACTS
        )
        if not (upper and lower):
            note = ("upper limb" if upper else "lower limb") + " only - press l for all roots"
        elif self.show_all and one_limb:
            note = "all roots - press l for the symptomatic limb only"
        else:
            note = "all roots"
        self.query_one("#exam-title", Static).update(
            Content.assemble(title, ("   " + note, "$text-muted"))
        )

    def _refresh_status(self) -> None:
        lines: list[Content] = []
        for path, message in self._cell_errors.items():
            cell = self._cells[path]
            lines.append(Content.styled(f"⚠ {cell.label}: {message}", "bold $text-error"))
        focused = self._focused_cell
        if focused is not None:
            cell = focused
            question = self._question_of(cell)
            lines.append(Content.styled(f"{cell.label}. Keys: {cell.key_help()}", "bold"))
            if question is not None:
                lines.append(Content(question.prompt))
                if question.help:
                    lines.append(Content.styled(question.help, "$text-muted"))
        else:
            lines.append(
                Content.styled(
                    "Arrows move between cells. MRC: 0-5. Sensation: n r a i. "
                    "Reflex: n r a b. Space cycles, backspace clears, c comments.",
                    "$text-muted",
                )
            )
        self.query_one("#exam-status", Static).update(Content("\n").join(lines))

    def _refresh_grid_comments(self, comments: Mapping[str, str]) -> None:
        lines = []
        for r in self.roots.values():
            for q in r.questions():
                if q.field in comments:
                    lines.append(f"* {q.prompt}: {comments[q.field]}")
        box = self.query_one("#exam-grid-comments", Static)
        box.update("\n".join(lines))
        box.display = bool(lines)

    def _question_of(self, cell: GradeCell) -> Question | None:
        for r in self.roots.values():
            for q in r.questions():
                if q.field == cell.field:
                    return q
        return None

    # ------------------------------------------------------------ keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_limbs":
            return not isinstance(self.app.focused, Input)  # l types in a text field
        return True

    def action_toggle_limbs(self) -> None:
        self.show_all = not self.show_all

    def watch_show_all(self) -> None:
        if self.is_mounted:
            self._apply()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        widget = event.widget
        cell = widget if isinstance(widget, GradeCell) and widget.path in self._cells else None
        if cell is not self._focused_cell:
            self._focused_cell = cell
            self._refresh_status()

    @on(GradeCell.Move)
    def _move(self, event: GradeCell.Move) -> None:
        if event.cell.path not in self._cells:
            return
        event.stop()
        rows = self._shown_rows()
        y = next((i for i, r in enumerate(rows) if event.cell in r.cells), None)
        if y is None:  # its row was hidden under it (l, or the facts changed): start again
            self.focus_first()
            return
        x = rows[y].cells.index(event.cell)
        if event.dx:
            cells = rows[y].cells
            step = x + event.dx
            while 0 <= step < len(cells):
                if cells[step] is not None:
                    cells[step].focus()  # type: ignore[union-attr]
                    return
                step += event.dx
            return
        step = y + event.dy
        while 0 <= step < len(rows):
            cells = rows[step].cells
            if cells[x] is not None:
                cells[x].focus()  # type: ignore[union-attr]
                return
            present = [i for i, c in enumerate(cells) if c is not None]
            if present:
                cells[min(present, key=lambda i: abs(i - x))].focus()  # type: ignore[union-attr]
                return
            step += event.dy
        edge = rows[-1].row if event.dy > 0 else rows[0].row
        if edge is not None:
            focus_beside(edge, event.dy)

    @on(GradeCell.Refused)
    def _refused(self, event: GradeCell.Refused) -> None:
        if event.cell.path not in self._cells:
            return
        event.stop()
        if event.message:
            self._cell_errors[event.cell.path] = event.message
        else:
            self._cell_errors.pop(event.cell.path, None)
        self._refresh_status()

    # ------------------------------------------------------------ comments

    @on(CommentRequested)
    def _comment_requested(self, event: CommentRequested) -> None:
        cell = self._focused_cell
        if cell is None:
            return  # a question row handles its own
        event.stop()
        self._comment_cell = cell
        for box in self.query("#exam-grid-comment"):
            box.remove()
        existing = logic.comments_of(self.record).get(cell.field, "")
        box = CommentInput(existing, id="exam-grid-comment")
        self.query_one("#exam-scroll").mount(box, after=self.query_one("#exam-status"))
        box.focus()

    @on(CommentInput.Saved, "#exam-grid-comment")
    def _comment_saved(self, event: CommentInput.Saved) -> None:
        event.stop()
        cell = self._comment_cell
        self._close_comment()
        if cell is not None:
            self._post_comment(cell.field, event.text)

    @on(CommentInput.Cancelled, "#exam-grid-comment")
    def _comment_cancelled(self, event: CommentInput.Cancelled) -> None:
        event.stop()
        self._close_comment()

    def _close_comment(self) -> None:
        if self._comment_cell is not None:
            self._comment_cell.focus()
        for box in self.query("#exam-grid-comment"):
            box.remove()

    @on(QuestionRow.CommentChanged)
    def _row_comment(self, event: QuestionRow.CommentChanged) -> None:
        event.stop()
        self._post_comment(event.field, event.text)

    def _post_comment(self, field_path: str, text: str) -> None:
        current = logic.comments_of(self.record).get(field_path, "")
        if text.strip() == current:
            return
        self._comment_field = field_path
        comments = logic.updated_comments(self.record, field_path, text)
        history = dict(self.record.get("history") or {})
        if comments:
            history["comments"] = comments
        else:
            history.pop("comments", None)
        self.record["history"] = history
        self._refresh_grid_comments(comments or {})
        self.post_message(FieldChanged(logic.COMMENTS_PATH, comments))
