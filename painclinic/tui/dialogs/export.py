"""Export the visit note from the app: choose a format; the note is written owner-only into
the data folder's exports/ and the app says where it went. De-identified notes drop every
free-text field unless "keep free text" is ticked (then scrubbed by rule, marked for review)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, OptionList, Static

from painclinic.notes import FORMATS
from painclinic.tui.widgets.marks import MarkedCheckbox


class ExportDialog(ModalScreen[tuple[str, bool, bool] | None]):
    """Dismisses with (format, de-identify, keep free text), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]
    CSS_PATH = "../styles/dialogs.tcss"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("[b]Export the visit note[/b]  (enter to write, escape to cancel)")
            yield OptionList(*[f"{f.key}: {f.title}" for f in FORMATS.values()], id="formats")
            yield MarkedCheckbox(
                "De-identify (pseudonym, dates shifted, free text removed)", id="deidentify"
            )
            yield MarkedCheckbox(
                "Keep free text, scrubbed by rule (review before sharing)", id="keep-text"
            )

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        fmt = list(FORMATS)[event.option_index]
        deidentify = self.query_one("#deidentify", Checkbox).value
        keep_text = deidentify and self.query_one("#keep-text", Checkbox).value
        self.dismiss((fmt, deidentify, keep_text))

    def action_cancel(self) -> None:
        self.dismiss(None)
