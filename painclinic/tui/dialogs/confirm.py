"""A yes / no question. Dismisses with True or False.

`y` always answers yes and `n` / escape always no; enter gives the `default` answer. A
question whose yes is the thing just asked for (start this visit) defaults to yes; one whose
yes loses or hides something (delete a visit, leave a case) defaults to no, so a reflexive
enter keeps the work.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmDialog(ModalScreen[bool]):
    """A yes / no question: enter gives `default`, y yes, n or escape no."""

    BINDINGS = [
        Binding("enter", "default", "Default answer", id="confirm.default"),
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("escape,n", "answer(False)", "No", id="confirm.no"),
    ]
    CSS_PATH = "../styles/dialogs.tcss"

    def __init__(self, question: str, yes: str, no: str, *, default: bool = True) -> None:
        super().__init__()
        self.question, self.yes, self.no, self.default = question, yes, no, default

    def compose(self) -> ComposeResult:
        yes_keys, no_keys = ("enter / y", "escape") if self.default else ("y", "enter / escape")
        yield Static(
            Content.assemble(
                (self.question, "bold"),
                "\n\n",
                (yes_keys, "bold reverse"),
                f" {self.yes}    ",
                (no_keys, "bold reverse"),
                f" {self.no}",
            )
        )

    def action_default(self) -> None:
        self.dismiss(self.default)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
