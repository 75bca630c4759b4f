"""Help (`?`): what this screen's keys do, and how the app keeps your work."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

INTRO = """\
# painclinic help

painclinic walks a pain evaluation: **history** checklist, focused **exam**, the dermatome
**body map**, then the **assessment**: working diagnosis on the left, suggested parallel tracks
on the right. Suggestions are proposals; you accept, decline (with a reason) or add items, and
that plan is what the note reports.

* **Every change is saved as you go.** Quitting, a crash or a closed SSH session loses at most
  the field being typed; reopening returns to the same visit and tab.
* If another terminal saved the same visit, you are told and shown their version; nothing is
  overwritten silently.
* Red flags appear in a banner the moment they are answered yes or found by the rules; an
  emergency flag needs an explicit acknowledgement, which is recorded.
* `ctrl+p` opens the command palette; `ctrl+t` switches light and dark themes.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="close")]
    CSS_PATH = "../styles/dialogs.tcss"

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        rows = ["| Key | What it does |", "| --- | --- |"]
        seen: set[str] = set()
        for binding in [*self.under.BINDINGS, *self.app.BINDINGS]:
            if isinstance(binding, Binding) and binding.description and binding.key not in seen:
                seen.add(binding.key)
                rows.append(f"| `{binding.key}` | {binding.description} |")
        with VerticalScroll():
            yield Markdown(INTRO + "\n## Keys on this screen\n\n" + "\n".join(rows))
