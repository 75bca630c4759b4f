"""Dated follow-up checkpoints: the physician's planned ones, then the assessment's proposals.

Planned rows come from `Plan.checkpoints`; proposals are the assessment's suggested checkpoints
not yet in the plan (matched by what they follow up and their label, its interval aside).
Keys post `CheckpointList.Requested(verb, row)`: `a` takes a proposal into the plan, `e` edits
a date (a proposal edited is taken into the plan with that date), `x` marks a planned one done
today (again: not done), delete removes a planned one (a suggested one then shows again as a
proposal).

Done ones read `[✓ done 2026-12-09]` with the date they were due after the label; the
highlighted row starts with `▶` (MarkedOptionList), so the list reads without colour.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from .hanging import Hang, hang
from .marked_list import NO_MARK, MarkedOptionList

CheckpointVerb = Literal["accept", "edit_date", "remove", "done"]
TAG_WIDTH = 13  # "[✓ planned]  "; the date follows, so a done tag fills both columns


@dataclass(frozen=True)
class CheckpointRow:
    key: str
    date: dt.date
    label: str
    about: str | None
    track: str = ""
    planned: bool = False
    plan_index: int = -1  # position in plan.checkpoints when planned
    about_words: str = ""  # what it follows up, in words
    done: dt.date | None = None  # planned and done (or reviewed) on that day
    family: str = ""  # the label with its interval blanked: the same checkpoint once re-dated
    from_engine: bool = False  # the label is the assessment's (its interval may be rewritten)
    if_not: str = ""  # the change of course if the aim is not met by then (CONTRACT 5.2)


class CheckpointList(MarkedOptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "request('accept')", "Add to plan", id="checkpoint_list.accept"),
        Binding("e", "request('edit_date')", "Edit date…", id="checkpoint_list.edit_date"),
        Binding("x", "request('done')", "Done today", id="checkpoint_list.done"),
        Binding("delete", "request('remove')", "Remove", id="checkpoint_list.remove"),
    ]

    @dataclass
    class Requested(Message):
        verb: CheckpointVerb
        row: CheckpointRow

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: list[CheckpointRow] = []
        self._by_key: dict[str, CheckpointRow] = {}

    @property
    def rows(self) -> list[CheckpointRow]:
        return list(self._rows)

    @property
    def current(self) -> CheckpointRow | None:
        option = self.highlighted_option
        return self._by_key.get(option.id or "") if option is not None else None

    def show(self, rows: list[CheckpointRow]) -> None:
        """Replace the rows, keeping the highlighted checkpoint and the scroll position."""
        if rows == self._rows:
            return
        old = self.current
        old_index, old_scroll = self.highlighted, self.scroll_y
        self._rows = list(rows)
        self._by_key = {r.key: r for r in rows}
        options: list[Option | None] = []
        for i, row in enumerate(rows):
            if i and row.planned != rows[i - 1].planned:
                options.append(None)  # a rule between planned and proposed
            options.append(Option(self._prompt(row, NO_MARK), id=row.key))
        self.set_options(options)
        self.scroll_to(y=old_scroll, animate=False, immediate=True)
        if rows:
            target = old_index or 0
            if old is not None:
                # The same checkpoint, even re-dated (its label's interval may have changed).
                same = [r for r in rows if _identity(r) == _identity(old)]
                if same:
                    target = self.get_option_index(same[0].key)
            self.highlighted = min(target, len(rows) - 1)
            self.call_after_refresh(self.scroll_to_highlight)
        self.refresh_bindings()

    def _prompt_at(self, index: int) -> Hang:
        return self._prompt(self._rows[index], self.mark(index))

    def _prompt(self, row: CheckpointRow, mark: str) -> Hang:
        body = Text(row.label)
        if row.about_words or row.track:
            what = " · ".join(x for x in (row.track, row.about_words) if x)
            body.append(f"  ({what})", style="italic")
        if row.if_not and row.done is None:
            body.append(f"  {row.if_not}", style="dim")
        lead = Text(mark, style="bold")
        if row.done is not None:
            lead.append(f"[✓ done {row.done.isoformat()}]", style="bold reverse")
            body.append(f"  · was due {row.date.isoformat()}")
            lead.pad_right(len(mark) + TAG_WIDTH + len("2026-12-09  ") - lead.cell_len)
            return hang(lead, body)
        if row.planned:
            lead.append("[✓ planned]", style="bold reverse")
        else:
            lead.append("[ ] proposed")
        lead.pad_right(len(mark) + TAG_WIDTH - lead.cell_len)
        lead.append(row.date.isoformat(), style="bold")
        lead.append("  ")
        return hang(lead, body)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action != "request":
            return True
        row = self.current
        if row is None:
            return False
        verb = parameters[0] if parameters else ""
        if verb == "accept":
            return not row.planned
        if verb in ("remove", "done"):
            return row.planned
        return True

    def action_request(self, verb: CheckpointVerb) -> None:
        row = self.current
        if row is not None and self.check_action("request", (verb,)):
            self.post_message(self.Requested(verb, row))

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.refresh_bindings()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a checkpoint edits its date."""
        event.stop()
        self.action_request("edit_date")


def _identity(row: CheckpointRow) -> tuple[str | None, str]:
    return row.about, row.family or row.label


# ---------------------------------------------------------------- labels that name an interval

# "4-week function review", "at about 4 weeks", "(12 weeks)"; not the second number of a
# range ("4-6 weeks"), nor hours ("24-72 hours after the epidural"), nor a deadline ("within 7
# days"): that is the clinical target, and the date shows when it will really happen.
_INTERVAL = re.compile(r"(?<![\d.-])(?<!within )(\d+)([- ])(day|week)(s?)\b")
_DAYS = {"day": 1, "week": 7}


def interval_family(label: str) -> str:
    """The label with its intervals blanked: "4-week review" and "3-week review" are one."""
    return _INTERVAL.sub("#", label)


def relabel(label: str, old_days: int, new_days: int) -> str:
    """Rewrite the interval a label names when its checkpoint moves.

    Only a number that is the checkpoint's own interval (e.g. "4-week" on a checkpoint 28 days
    after the visit) changes: "4-week function review" moved to 21 days reads "3-week function
    review", moved to 25 days "25-day function review". Other numbers stay as written.
    """
    if old_days == new_days:
        return label

    def sub(m: re.Match[str]) -> str:
        count, sep, unit, plural = m.groups()
        if int(count) * _DAYS[unit] != old_days:
            return m.group(0)
        if unit == "week" and new_days % 7 == 0:
            n, unit = new_days // 7, "week"
        else:
            n, unit = new_days, "day"
        # "4-week review" stays a compound adjective; "about 4 weeks" counts.
        plural = "" if sep == "-" or n == 1 else "s"
        return f"{n}{sep}{unit}{plural}"

    return _INTERVAL.sub(sub, label)
