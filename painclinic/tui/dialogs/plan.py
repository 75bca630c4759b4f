"""Modal dialogs of the assessment pane; each is a `ModalScreen[T]` that dismisses with its value.

- `DeclineDialog` -> the reason (str) or None on cancel; a reason is required (it goes into the
  note), common ones complete as typed (right arrow accepts).
- `AddItemDialog` -> an `Added` item (track + label) or None.
- `CheckpointDateDialog` -> a `datetime.date` or None; the YYYY-MM-DD input is validated as
  typed and a wrong date is refused inline, never silently.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Label, Select

from painclinic.model import TRACKS, Added, Track

COMMON_DECLINE_REASONS = [
    "patient preference",
    "tried before without benefit",
    "not tolerated before",
    "contraindicated for this patient",
    "not covered / cost",
    "not now; revisit at follow-up",
    "already arranged elsewhere",
]


T = TypeVar("T")


class _Dialog(ModalScreen[T | None], Generic[T]):
    CSS_PATH = "../styles/dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    def _buttons(self, ok: str) -> Horizontal:
        return Horizontal(
            Button("Cancel (esc)", id="cancel"),
            Button(ok, id="ok", variant="primary"),
            classes="dialog-buttons",
        )


class DeclineDialog(_Dialog[str]):
    """Ask why a suggestion is declined."""

    def __init__(self, item_label: str, current: str = "") -> None:
        super().__init__()
        self.item_label = item_label
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Decline: {self.item_label}", classes="dialog-title")
            yield Label(
                "Why? The reason goes into the visit note. Right arrow completes a common one.",
                classes="dialog-hint",
            )
            yield Input(
                self.current,
                placeholder="e.g. patient preference",
                suggester=SuggestFromList(COMMON_DECLINE_REASONS, case_sensitive=False),
                id="reason",
            )
            yield Label("", id="error", classes="dialog-error")
            yield self._buttons("Decline (enter)")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.query_one("#error", Label).update("Give a reason to decline (or esc to cancel).")
            return
        self.dismiss(reason)


class AddItemDialog(_Dialog[Added]):
    """Add the physician's own item to a track."""

    def __init__(self, track: Track = "coordination") -> None:
        super().__init__()
        self.track = track

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Add an item to the plan", classes="dialog-title")
            yield Label("Track", classes="dialog-hint")
            yield Select(
                [(t.capitalize(), t) for t in TRACKS],
                value=self.track,
                allow_blank=False,
                id="track",
            )
            yield Label("What (as it should read in the note)", classes="dialog-hint")
            yield Input(placeholder="e.g. Occupational health letter for light duty", id="label")
            yield Label("", id="error", classes="dialog-error")
            yield self._buttons("Add (enter)")

    def on_mount(self) -> None:
        self.query_one("#label", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        label = self.query_one("#label", Input).value.strip()
        if not label:
            self.query_one("#error", Label).update("Type what to add (or esc to cancel).")
            return
        track = self.query_one("#track", Select).value
        self.dismiss(Added(track=track, label=label))


def _slashed(value: str) -> str:
    """What a date typed with slashes means, when that is not a guess.

    2026/12/30 is year first; 30/12/2026 can only be day first (30 is no month); 05/12/2026
    could be 5 December or 12 May, so it gets no suggestion."""
    parts = value.split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return ""
    if len(parts[0]) == 4:
        y, m, d = parts
    elif len(parts[2]) == 4 and int(parts[0]) > 12:
        d, m, y = parts
    elif len(parts[2]) == 4 and int(parts[1]) > 12:
        m, d, y = parts
    else:
        return ""
    try:
        return dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return ""


class IsoDate(Validator):
    """A real calendar date written YYYY-MM-DD, not before `earliest`.

    A slash is not dropped as typed (the review saw 30/12/2026 silently become 30122026): it is
    refused with the YYYY-MM-DD spelling of the date when that is unambiguous."""

    def __init__(self, earliest: dt.date | None = None) -> None:
        super().__init__()
        self.earliest = earliest

    def validate(self, value: str) -> ValidationResult:
        value = value.strip()
        if "/" in value:
            meant = _slashed(value)
            hint = f" Did you mean {meant}?" if meant else " e.g. 2026-12-04."
            return self.failure(f"Write the date as YYYY-MM-DD, with - not /.{hint}")
        if len(value) != 10 or value[4] != "-" or value[7] != "-":
            return self.failure("Write the date as YYYY-MM-DD, e.g. 2026-12-04.")
        try:
            when = dt.date.fromisoformat(value)
        except ValueError:
            return self.failure(f"{value} is not a calendar date (month 01-12, a real day).")
        if self.earliest is not None and when < self.earliest:
            return self.failure(f"Must be on or after the visit date {self.earliest.isoformat()}.")
        return self.success()


class CheckpointDateDialog(_Dialog[dt.date]):
    """Change a checkpoint's date; the input says at once what is wrong with it."""

    def __init__(self, label: str, date: dt.date, earliest: dt.date | None = None) -> None:
        super().__init__()
        self.label = label
        self.date = date
        self.earliest = earliest

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Date for: {self.label}", classes="dialog-title")
            hint = "YYYY-MM-DD"
            if self.earliest is not None:
                hint += f", on or after the visit date {self.earliest.isoformat()}"
            yield Label(hint, classes="dialog-hint")
            yield Input(
                self.date.isoformat(),
                placeholder="YYYY-MM-DD",
                restrict=r"[0-9/-]*",  # a slash is let in to be explained, not dropped
                max_length=10,
                validators=[IsoDate(self.earliest)],
                validate_on=["changed", "submitted"],
                id="date",
            )
            yield Label("", id="error", classes="dialog-error")
            yield self._buttons("Set date (enter)")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._show(event.validation_result)

    def _show(self, result: ValidationResult | None) -> bool:
        ok = result is None or result.is_valid
        self.query_one("#error", Label).update(
            "" if ok or result is None else " ".join(result.failure_descriptions)
        )
        return ok

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        field = self.query_one("#date", Input)
        if self._show(field.validate(field.value)):
            self.dismiss(dt.date.fromisoformat(field.value.strip()))
