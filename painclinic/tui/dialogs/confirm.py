"""A yes / no question: enter confirms, escape keeps working. Dismisses with True or False."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmDialog(ModalScreen[bool]):
    """A yes / no question: enter confirms, escape keeps working."""

    BINDINGS = [
        Binding("enter,y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("escape,n", "answer(False)", "No", id="confirm.no"),
    ]
    CSS_PATH = "../styles/dialogs.tcss"

    def __init__(self, question: str, yes: str, no: str) -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        yield Static(
            Content.assemble(
                (self.question, "bold"),
                "\n\n",
                ("enter", "bold reverse"),
                f" {self.yes}    ",
                ("escape", "bold reverse"),
                f" {self.no}",
            )
        )

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
