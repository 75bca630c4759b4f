"""Export the visit note from the app: choose a format; the note is written owner-only into
the data folder's exports/ and the app says where it went."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, OptionList, Static

from painclinic.notes import FORMATS
from painclinic.tui.widgets.marks import MarkedCheckbox


class ExportDialog(ModalScreen[tuple[str, bool] | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]
    CSS_PATH = "../styles/dialogs.tcss"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("[b]Export the visit note[/b]  (enter to write, escape to cancel)")
            yield OptionList(*[f"{f.key}: {f.title}" for f in FORMATS.values()], id="formats")
            yield MarkedCheckbox("De-identify (names removed, dates shifted)", id="deidentify")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        fmt = list(FORMATS)[event.option_index]
        self.dismiss((fmt, self.query_one("#deidentify", Checkbox).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
