"""The red-flag banner: every positive red flag with its urgency in words, what it suggests and
the action, marked so it cannot be missed without colour (reverse, bold, a thick border).

Attributes down: the parent sets `flags` (from the assessment, most urgent first) and
`acknowledged` (flag ids already acknowledged in the plan). Messages up: an emergency flag not
yet acknowledged asks for an explicit key press and posts `RedFlagBanner.Acknowledged(flag_id)`;
the parent records it (`Plan.acknowledged`) and sets `acknowledged` back. The banner stays
visible after acknowledgement: the flag is still there, only the prompt changes.

The key is ctrl+g ("got it"), not ctrl+k: ctrl+k deletes to the end of the line in every
Textual Input (and ctrl+o is the checklist's comment key), so either would be swallowed while
the physician is typing an answer. The banner's binding works when it has focus; a screen that
wants the key everywhere forwards it: `Binding(RedFlagBanner.ACK_KEY, "acknowledge_flag", ...)`
calling `banner.action_acknowledge()`.

On a small terminal (screen_fit: under 100 columns or 32 rows) the banner is compact: one
line a flag (urgency, what it suggests, the action cut to the width), then one line that says
how many wait for acknowledgement and the key, with a thick left bar instead of a box. Three
emergency flags took 16 of 24 rows in full; compact they take 4, and the full text stays in
the assessment's working diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from painclinic.model import RedFlag

from .hanging import Hang, Stack, hang, stack
from .screen_fit import follow_screen_size

# Urgency in words and a symbol, so the banner reads the same on a monochrome terminal.
URGENCY_MARK = {"emergency": "!! EMERGENCY", "urgent": "! URGENT", "soon": "* SOON"}
URGENCY_MEANS = {
    "emergency": "same day",
    "urgent": "within days",
    "soon": "at the next visit",
}


class RedFlagBanner(Widget, can_focus=True):
    """Positive red flags, most urgent first; hidden when there are none."""

    ACK_KEY: ClassVar[str] = "ctrl+g"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            ACK_KEY,
            "acknowledge",
            "Acknowledge emergency",
            id="red_flag_banner.acknowledge",
            tooltip="Record that you have seen the emergency red flag and its action",
        ),
    ]

    DEFAULT_CSS = """
    RedFlagBanner {
        height: auto;
        border: thick $error;
        border-title-style: bold reverse;
        border-title-color: $error;
        background: $error 12%;
        padding: 0 1;
        &:focus { border: thick $warning; }
        &.-no-flags { display: none; }
        &.-compact { border: none; border-left: thick $error; padding: 0 1 0 0; }
        &.-compact:focus { border-left: thick $warning; }
    }
    """

    flags: reactive[list[RedFlag]] = reactive(list, layout=True)
    acknowledged: reactive[set[str]] = reactive(set, layout=True)

    @dataclass
    class Acknowledged(Message):
        """The physician acknowledged an emergency flag (record it with a time)."""

        flag_id: str

    def on_mount(self) -> None:
        follow_screen_size(self, self._compact_changed)

    def _compact_changed(self, _: bool) -> None:
        self.refresh(layout=True)

    # ------------------------------------------------------------ state

    def pending(self) -> list[RedFlag]:
        """Emergency flags still waiting for an acknowledgement, most urgent first."""
        return [f for f in self.flags if f.urgency == "emergency" and f.id not in self.acknowledged]

    def watch_flags(self, flags: list[RedFlag]) -> None:
        self.set_class(not flags, "-no-flags")
        self.border_title = (
            f" RED FLAG{'S' if len(flags) > 1 else ''} ({len(flags)}) " if flags else ""
        )
        self.refresh_bindings()

    def watch_acknowledged(self, _: set[str]) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "acknowledge":
            return bool(self.pending())
        return True

    def action_acknowledge(self) -> None:
        """Acknowledge the most urgent emergency flag not yet acknowledged."""
        waiting = self.pending()
        if not waiting:
            return
        flag_id = waiting[0].id
        # Shown at once; the parent's record of it comes back through `acknowledged`.
        self.acknowledged = self.acknowledged | {flag_id}
        self.post_message(self.Acknowledged(flag_id))

    # ------------------------------------------------------------ drawing

    def render(self) -> Stack:
        if self.has_class("-compact"):
            return self._render_compact(max(20, self.content_region.width))
        rows: list[Hang | Text] = []
        first_pending = next(iter(self.pending()), None)
        for f in self.flags:
            tag = Text.assemble((f" {URGENCY_MARK[f.urgency]} ", "bold reverse"))
            headline = Text.assemble(
                (f"({URGENCY_MEANS[f.urgency]}) ", "bold"),
                (f.label, "bold underline"),
                f" suggests {f.suggests}",
            )
            acknowledged = f.id in self.acknowledged
            if f.urgency == "emergency" and acknowledged:
                headline.append("  [✓ acknowledged]", style="bold")
            rows.append(hang(tag + " ", headline))
            rows.append(hang(Text("ACTION: ", style="bold"), Text(f.action), indent=4))
            if f.urgency == "emergency" and not acknowledged:
                status = Text.assemble((" NOT YET ACKNOWLEDGED ", "bold reverse"))
                if f is first_pending:
                    status.append(f" Press {self.ACK_KEY} to acknowledge ", style="bold reverse")
                else:
                    status.append(f" ({self.ACK_KEY} again, after the one above)", style="bold")
                rows.append(hang(Text(">> ", style="bold"), status, indent=4))
        return stack(rows)

    def _render_compact(self, width: int) -> Stack:
        rows: list[Hang | Text] = []
        for f in self.flags:
            line = Text.assemble((f" {URGENCY_MARK[f.urgency]} ", "bold reverse"), " ")
            if f.urgency == "emergency" and f.id in self.acknowledged:
                line.append("[✓ acknowledged] ", style="bold")
            line.append(f.label, style="bold underline")
            line.append(f": {f.suggests}. ")
            line.append("ACTION: ", style="bold")
            line.append(f.action)
            line.truncate(width, overflow="ellipsis")
            rows.append(line)
        waiting = self.pending()
        if waiting:
            status = Text.assemble(
                (f" {len(waiting)} NOT YET ACKNOWLEDGED ", "bold reverse"),
                (f" Press {self.ACK_KEY} to acknowledge ", "bold reverse"),
                " full actions: Assessment, working diagnosis",
            )
            status.truncate(width, overflow="ellipsis")
            rows.append(status)
        return stack(rows)
