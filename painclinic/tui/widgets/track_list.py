"""The suggested parallel tracks as one navigable list, each item with the physician's decision.

Rows come from the parent (`show(rows)`); keys post `TrackList.Requested(verb, row)` and the
parent turns that into a new plan. The list keeps the highlighted item and its scroll position
when the rows are replaced, and does nothing at all when they have not changed (the assessment
is recomputed on every keystroke elsewhere).

States are words and marks, never colour alone: `[✓ accepted]`, `[✗ declined]` (with the reason
on the next line), `[ ] suggested`, `[+ added]`, and the highlighted row starts with `▶`
(MarkedOptionList). Each suggestion's reason (rationale and evidence strength) opens under it
on demand (`r` or enter). A row's `caution` (an item the assessment advises against, e.g. a
procedure while a red flag is unresolved) is its own bold `! CAUTION` line.

Rows marked `urgent` (the "ACT NOW" group: what acts on an urgent or emergency red flag) lead
the list; when that group first appears, the highlight moves onto it and the list scrolls to
the top, so the referral is what the physician sees and acts on first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from .hanging import hang
from .marked_list import NO_MARK, MarkedOptionList

RowState = Literal["suggested", "accepted", "declined", "added"]
Verb = Literal["accept", "decline", "undo"]

STATE_TAG: dict[str, str] = {
    "suggested": "[ ] suggested",
    "accepted": "[✓ accepted]",
    "declined": "[✗ declined]",
    "added": "[+ added]",
}
STATE_STYLE: dict[str, str] = {
    "suggested": "bold",
    "accepted": "bold reverse",
    "declined": "bold",
    "added": "bold reverse",
}
TAG_WIDTH = len(STATE_TAG["suggested"]) + 1
LABEL: dict[str, str] = {"suggested": "", "accepted": "bold", "declined": "", "added": "bold"}


@dataclass(frozen=True)
class TrackRow:
    """One line of the tracks: a heading, a placeholder, or an item with its state."""

    key: str  # unique option id
    kind: Literal["heading", "empty", "item"]
    label: str
    track: str = ""
    item_id: str | None = None  # treatment id (None for an added free-text item)
    state: RowState = "suggested"
    declined_reason: str = ""
    rationale: str = ""
    evidence_strength: str = ""
    note: str = ""  # e.g. "accepted; not among this assessment's suggestions"
    caution: str = ""  # why the assessment advises against it (shown bold, on its own line)
    dose: str = ""  # a medication item's start and adjustment (Dose.brief), always shown
    dose_detail: str = ""  # the full dose with titration and maximum (Dose.summary), with "why"
    added_index: int = -1  # position in plan.added for an added item
    urgent: bool = False  # in the ACT NOW group at the top (acts on an urgent red flag)
    first_step: bool = False  # in the assessment's first_steps (CONTRACT 5.2)
    alternatives: str = ""  # the other members of its choose_one group, e.g. "or Pregabalin"
    fit: str = ""  # why it suits this person, and where it sits in the sequence


class TrackList(MarkedOptionList):
    """Plan tracks: headings are disabled rows, items carry their decision state."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "request('accept')", "Accept", id="track_list.accept"),
        Binding("d", "request('decline')", "Decline…", id="track_list.decline"),
        Binding("u", "request('undo')", "Undo decision", id="track_list.undo"),
        Binding("r", "toggle_reason", "Why?", id="track_list.reason"),
    ]

    @dataclass
    class Requested(Message):
        """The physician pressed a decision key on an item."""

        verb: Verb
        row: TrackRow

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: list[TrackRow] = []
        self._by_key: dict[str, TrackRow] = {}
        self._expanded: set[str] = set()

    # ------------------------------------------------------------ data in

    @property
    def rows(self) -> list[TrackRow]:
        return list(self._rows)

    @property
    def current(self) -> TrackRow | None:
        """The highlighted item row (never a heading)."""
        option = self.highlighted_option
        if option is None or option.id is None:
            return None
        row = self._by_key.get(option.id)
        return row if row is not None and row.kind == "item" else None

    def show(self, rows: list[TrackRow]) -> None:
        """Replace the rows, keeping the highlighted item and the scroll position.

        Same rows: nothing happens. Same keys in the same order (a decision or a reason
        changed): only the changed prompts are replaced, in place. Otherwise the options are
        rebuilt and the highlight returns to the same item (or the nearest one).
        """
        if rows == self._rows:
            return
        old_rows = self._rows
        self._rows = list(rows)
        self._by_key = {r.key: r for r in rows}
        self._expanded &= set(self._by_key)
        if [r.key for r in rows] == [r.key for r in old_rows]:
            for index, (old, new) in enumerate(zip(old_rows, rows, strict=True)):
                if old != new:
                    self.replace_option_prompt_at_index(index, self._prompt_at(index))
        else:
            old_key = self._key_at(self.highlighted, old_rows)
            old_index, old_scroll = self.highlighted, self.scroll_y
            urgent_now = any(r.urgent for r in old_rows)
            self.set_options(self._option(r) for r in rows)
            first_urgent = next(
                (i for i, r in enumerate(rows) if r.urgent and r.kind == "item"), None
            )
            if first_urgent is not None and not urgent_now:
                # A red flag just asked for action (or the visit opened with one): go there,
                # with the ACT NOW heading in view, also once the list has its final height.
                self.highlighted = first_urgent
                self.scroll_home(animate=False, immediate=True)
                self.call_after_refresh(self.scroll_home, animate=False, immediate=True)
            else:
                self.scroll_to(y=old_scroll, animate=False, immediate=True)
                self.highlighted = self._restore_index(old_key, old_index)
                # Rows above may have grown or gone: the highlighted one must stay in view.
                self.call_after_refresh(self.scroll_to_highlight)
        self.refresh_bindings()

    @staticmethod
    def _key_at(index: int | None, rows: list[TrackRow]) -> str | None:
        if index is None or not 0 <= index < len(rows) or rows[index].kind != "item":
            return None
        return rows[index].key

    def _restore_index(self, key: str | None, index: int | None) -> int | None:
        if key is not None and key in self._by_key:
            return self.get_option_index(key)
        items = [i for i, r in enumerate(self._rows) if r.kind == "item"]
        if not items:
            return None
        if index is None:
            return items[0]
        # The item that was there went away (e.g. the assessment changed): stay near it.
        return next((i for i in items if i >= index), items[-1])

    # ------------------------------------------------------------ drawing

    def _option(self, row: TrackRow) -> Option:
        return Option(self._prompt(row, ""), id=row.key, disabled=row.kind != "item")

    def _prompt_at(self, index: int) -> RenderableType:
        return self._prompt(self._rows[index], self.mark(index))

    def _prompt(self, row: TrackRow, mark: str) -> RenderableType:
        if row.kind == "heading":
            # The ACT NOW heading is reversed: it reads as a bar without colour.
            style = "bold reverse" if row.urgent else "bold underline"
            return Text(row.label.upper(), style=style)
        if row.kind == "empty":
            return Text(f"    {row.label}", style="italic")
        body = Text()
        body.append(row.label, style="strike" if row.state == "declined" else LABEL[row.state])
        if row.first_step:
            body.append("  · first step", style="bold")
        if row.evidence_strength:
            body.append(f"  · evidence: {row.evidence_strength}")
        if row.alternatives:
            body.append(f"\nchoose one: {row.alternatives}", style="italic")
        expanded = row.key in self._expanded
        if row.rationale:
            body.append("  ▾why" if expanded else "  ▸why", style="italic")
        if row.state == "declined":
            body.append("\ndeclined: ", style="bold")
            body.append(row.declined_reason or "no reason recorded", style="italic")
        if row.note:
            body.append(f"\n{row.note}", style="italic")
        if row.caution:
            body.append("\n! CAUTION: ", style="bold reverse")
            body.append(f" {row.caution}", style="bold")
        if row.dose:
            body.append("\nDose: ", style="bold")
            body.append(row.dose_detail if expanded and row.dose_detail else row.dose)
        if expanded and row.rationale:
            body.append("\nWhy: ", style="bold")
            body.append(row.rationale)
            if row.evidence_strength:
                body.append("\nEvidence: ", style="bold")
                body.append(row.evidence_strength)
            if row.fit:
                body.append("\nHow it fits: ", style="bold")
                body.append(row.fit)
        # Wrapped lines hang under the label, and the states line up in one column.
        tag = STATE_TAG[row.state]
        lead = Text.assemble(
            (mark or NO_MARK, "bold"), (tag, STATE_STYLE[row.state]), " " * (TAG_WIDTH - len(tag))
        )
        return hang(lead, body)

    # ------------------------------------------------------------ keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in ("request", "toggle_reason"):
            return True
        row = self.current
        if row is None:
            return False
        if action == "toggle_reason":
            return bool(row.rationale)
        verb = parameters[0] if parameters else ""
        if verb == "accept":
            return row.state in ("suggested", "declined")
        if verb == "decline":
            return row.state in ("suggested", "accepted")
        if verb == "undo":
            return row.state != "suggested"
        return True

    def action_request(self, verb: Verb) -> None:
        row = self.current
        if row is not None and self.check_action("request", (verb,)):
            self.post_message(self.Requested(verb, row))

    def action_toggle_reason(self) -> None:
        row = self.current
        if row is None or not row.rationale:
            return
        self._expanded ^= {row.key}
        self._remark(self.get_option_index(row.key))
        self.scroll_to_highlight()
        self.refresh_bindings()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        """Enter (or a click) on an item opens or closes its reason."""
        event.stop()
        self.action_toggle_reason()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.refresh_bindings()
