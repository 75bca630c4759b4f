"""One side of one examination item: an MRC grade, a sensory or reflex grade, a test result.

A cell is set by a key (MRC 0-5; n/r/a/i for sensation; n/r/a/b for reflexes; p/n/e/d for
tests), space cycles, backspace clears. It posts `FieldChanged("<field>.<side>", value)`
directly; a refused key (MRC 6, 4+) posts `Refused` for the owner to show inline, nothing else.
Arrow keys post `Move` so the exam grid can move focus like a spreadsheet.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from painclinic.tui.messages import FieldChanged
from painclinic.tui.widgets.comment import CommentRequested

_MOVE_BINDINGS: list[BindingType] = [
    Binding("left", "move(-1, 0)", "Left", show=False),
    Binding("right", "move(1, 0)", "Right", show=False),
    Binding("up", "move(0, -1)", "Up", show=False),
    Binding("down", "move(0, 1)", "Down", show=False),
    Binding("space", "cycle", "Next grade", id="cell.cycle"),
    Binding("backspace,delete", "clear", "Clear", id="cell.clear"),
    Binding("c", "comment", "Comment", id="item.comment"),
]


def _letter_keys(keys: dict[str, str]) -> tuple[list[BindingType], str]:
    """Bindings and the one-line key help for cells set by a letter per grade."""
    bindings: list[BindingType] = [
        Binding(key, f"set('{grade}')", grade.replace("_", " ").capitalize())
        for key, grade in keys.items()
    ]
    help_text = ", ".join(f"{k} {g.replace('_', ' ')}" for k, g in keys.items())
    return [*bindings, *_MOVE_BINDINGS], f"{help_text}, backspace clears"


class GradeCell(Widget, can_focus=True):
    """Base cell: subclasses set GRADES (value -> shown text) and their key BINDINGS."""

    DEFAULT_CSS = """
    GradeCell {
        width: 11;
        height: 1;
        padding: 0 1 0 0;
        content-align: left middle;
    }
    GradeCell.-unset { color: $text-muted; }
    GradeCell.-abnormal { text-style: bold; }
    GradeCell.-error { background: $error 30%; }
    GradeCell:focus { background: $accent; color: $text; text-style: bold; }
    """

    GRADES: ClassVar[dict[Any, str]] = {}
    NORMAL: ClassVar[Any] = None
    KIND: ClassVar[str] = "grade"

    value: reactive[Any] = reactive(None)
    error: reactive[str | None] = reactive(None)

    class Move(Message):
        def __init__(self, cell: GradeCell, dx: int, dy: int) -> None:
            super().__init__()
            self.cell, self.dx, self.dy = cell, dx, dy

    class Refused(Message):
        def __init__(self, cell: GradeCell, message: str | None) -> None:
            super().__init__()
            self.cell, self.message = cell, message

    def __init__(self, field: str, side: str, *, label: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.field = field
        self.side = side
        self.label = label  # plain words for the status line, e.g. "L5 great-toe extension"
        self._applied: tuple[Any] | None = None

    @property
    def path(self) -> str:
        return f"{self.field}.{self.side}"

    def render(self) -> Content:
        if self.value is None:
            return Content("·")
        return Content(self.GRADES.get(self.value, str(self.value)))

    def watch_value(self, value: Any) -> None:
        self.set_class(value is None, "-unset")
        self.set_class(value not in (None, self.NORMAL, "not_done"), "-abnormal")

    def watch_error(self, error: str | None) -> None:
        self.set_class(bool(error), "-error")

    def set_value(self, value: Any) -> None:
        """From the record (the parent's load): no message."""
        if self._applied == (value,):
            return
        self._applied = (value,)
        self.set_reactive(GradeCell.value, value)
        self.watch_value(value)
        self.refresh()

    def _choose(self, value: Any) -> None:
        self.error = None
        self.post_message(self.Refused(self, None))
        if value == self.value:
            return
        self.value = value
        self._applied = (value,)
        self.post_message(FieldChanged(self.path, value))

    def action_set(self, value: Any) -> None:
        self._choose(value)

    def action_refuse(self, message: str) -> None:
        self.error = message
        self.post_message(self.Refused(self, message))

    def action_cycle(self) -> None:
        order = list(self.GRADES)
        if self.value not in order:
            self._choose(order[0])
        else:
            self._choose(order[(order.index(self.value) + 1) % len(order)])

    def action_clear(self) -> None:
        self._choose(None)

    def action_move(self, dx: int, dy: int) -> None:
        self.post_message(self.Move(self, dx, dy))

    def action_comment(self) -> None:
        self.post_message(CommentRequested())

    def on_click(self) -> None:
        self.focus()

    @classmethod
    def key_help(cls) -> str:
        return ""


class MrcCell(GradeCell):
    DEFAULT_CSS = "MrcCell { width: 5; }"
    GRADES: ClassVar[dict[Any, str]] = {5: "5", 4: "4", 3: "3", 2: "2", 1: "1", 0: "0"}
    NORMAL = 5
    KIND = "MRC grade"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("0", "set(0)", "MRC grade", key_display="0-5"),
        *(Binding(str(n), f"set({n})", f"MRC {n}", show=False) for n in range(1, 6)),
        *(
            Binding(str(n), f"refuse('MRC grades are 0-5: {n} is not a grade')", "No", show=False)
            for n in range(6, 10)
        ),
        Binding(
            "plus,minus",
            "refuse('MRC is stored as whole grades 0-5; put 4+ / 4- in a comment (c)')",
            "Refused",
            show=False,
        ),
        *_MOVE_BINDINGS,
    ]

    @classmethod
    def key_help(cls) -> str:
        return "0-5 grade (5 normal), space next, backspace clears"


class SensoryCell(GradeCell):
    GRADES: ClassVar[dict[Any, str]] = {
        "normal": "normal",
        "reduced": "↓ reduced",
        "absent": "✗ absent",
        "increased": "↑ increased",
    }
    NORMAL = "normal"
    KIND = "sensation"
    BINDINGS, _HELP = _letter_keys({"n": "normal", "r": "reduced", "a": "absent", "i": "increased"})

    @classmethod
    def key_help(cls) -> str:
        return cls._HELP


class ReflexCell(GradeCell):
    GRADES: ClassVar[dict[Any, str]] = {
        "normal": "normal",
        "reduced": "↓ reduced",
        "absent": "✗ absent",
        "brisk": "↑ brisk",
    }
    NORMAL = "normal"
    KIND = "reflex"
    BINDINGS, _HELP = _letter_keys({"n": "normal", "r": "reduced", "a": "absent", "b": "brisk"})

    @classmethod
    def key_help(cls) -> str:
        return cls._HELP


class TestCell(GradeCell):
    __test__ = False  # not a pytest class

    DEFAULT_CSS = "TestCell { width: 13; }"
    GRADES: ClassVar[dict[Any, str]] = {
        "positive": "+ POSITIVE",
        "negative": "- negative",
        "equivocal": "? equivocal",
        "not_done": "not done",
    }
    NORMAL = "negative"
    KIND = "result"
    BINDINGS, _HELP = _letter_keys(
        {"p": "positive", "n": "negative", "e": "equivocal", "d": "not_done"}
    )

    @classmethod
    def key_help(cls) -> str:
        return cls._HELP


CELL_TYPES: dict[str, type[GradeCell]] = {
    "mrc_sides": MrcCell,
    "sensory_sides": SensoryCell,
    "reflex_sides": ReflexCell,
    "test_sides": TestCell,
}
