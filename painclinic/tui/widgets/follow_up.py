"""Follow-up panel: how each earlier intervention worked, and this visit against the last one.

A collapsible box ("Since the last visit"): open on a roomy screen; on a small one (screen_fit:
under 100 columns or 32 rows) it starts closed as one line that still says the headline
(pain then and now, how many interventions wait for a rating), without a frame, so the history
checklist keeps the screen (open, it took 13 of 24 rows). Enter on the title, or a click,
opens and closes it; shift+tab from the checklist reaches the title. The physician's choice
stands until the screen size crosses the line again.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Collapsible, Input, Label, Static

from painclinic.model import Visit
from painclinic.session import PendingResponse

from .screen_fit import follow_screen_size

TITLE = "Since the last visit"


class FollowUpPanel(Vertical):
    """Shown on follow-up visits above the history checklist."""

    DEFAULT_CSS = """
    FollowUpPanel { height: auto; border: round $accent; padding: 0 1; margin-bottom: 1; }
    FollowUpPanel > Collapsible { border: none; padding: 0; background: transparent; }
    FollowUpPanel > Collapsible > Contents { padding: 0 0 0 2; }
    FollowUpPanel CollapsibleTitle { text-style: bold; width: 1fr; padding: 0; }
    FollowUpPanel.-compact { border: none; border-left: thick $accent; margin-bottom: 0; }
    FollowUpPanel .response { height: 3; }
    FollowUpPanel .response Label { width: 42; padding-top: 1; }
    FollowUpPanel .response Input { width: 16; }
    FollowUpPanel #comparison { padding: 0 0 1 0; }
    FollowUpPanel .problem { color: $error; display: none; }
    FollowUpPanel .problem.-shown { display: block; }
    """

    class ResponseRecorded(Message):
        def __init__(
            self, intervention: str, relief_percent: float, hours: float | None, weeks: float | None
        ) -> None:
            super().__init__()
            self.intervention = intervention
            self.relief_percent = relief_percent
            self.hours = hours
            self.weeks = weeks

    def __init__(self, pending: list[PendingResponse], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.pending = pending
        self.headline = ""
        self._shown_visits: tuple[Visit, Visit | None] | None = None

    def compose(self) -> ComposeResult:
        with Collapsible(title=TITLE, collapsed=False, id="follow-up-box"):
            yield Static("", id="comparison")
            for item in self.pending:
                with Horizontal(classes="response", id=f"resp-{item.intervention}"):
                    yield Label(f"{item.label}: relief %")
                    yield Input(
                        placeholder="0-100", type="integer", id=f"relief-{item.intervention}"
                    )
                    yield Input(placeholder="hours", type="number", id=f"hours-{item.intervention}")
                    yield Input(
                        placeholder="or weeks", type="number", id=f"weeks-{item.intervention}"
                    )
                    yield Button("Record", id=f"record-{item.intervention}")
            yield Static("", id="follow-up-problem", classes="problem")

    def on_mount(self) -> None:
        follow_screen_size(self, self._compact_changed)
        if self._shown_visits is not None:
            self.show_comparison(*self._shown_visits)

    @property
    def box(self) -> Collapsible:
        return self.query_one("#follow-up-box", Collapsible)

    def _compact_changed(self, compact: bool) -> None:
        self.box.collapsed = compact

    @on(Collapsible.Toggled)
    def _toggled(self, event: Collapsible.Toggled) -> None:
        event.stop()
        self._retitle()

    def _retitle(self) -> None:
        """Closed, the title carries the headline, so one line still says how things went."""
        box = self.box
        waiting = len(self.query(".response"))
        parts = [self.headline] if self.headline else []
        if waiting:
            parts.append(f"{waiting} intervention{'s' if waiting > 1 else ''} to rate")
        if box.collapsed and parts:
            box.title = f"{TITLE}: {' · '.join(parts)}  (enter: open)"
        else:
            box.title = TITLE

    def show_comparison(self, current: Visit, previous: Visit | None) -> None:
        self._shown_visits = (current, previous)
        found = self.query("#comparison")
        if not found:  # mounted just now (the visit became a follow-up): shown on mount
            return
        found.first(Static).update(compare(current, previous))
        self.headline = headline(current, previous)
        self._retitle()

    @on(Button.Pressed)
    def _record(self, event: Button.Pressed) -> None:
        if not (event.button.id or "").startswith("record-"):
            return
        name = event.button.id.removeprefix("record-")  # type: ignore[union-attr]
        relief = self.query_one(f"#relief-{name}", Input).value.strip()
        hours = self.query_one(f"#hours-{name}", Input).value.strip()
        weeks = self.query_one(f"#weeks-{name}", Input).value.strip()
        problem = self.query_one("#follow-up-problem", Static)
        if not relief.isdigit() or not 0 <= int(relief) <= 100:
            problem.update("Relief must be a whole percent from 0 to 100.")
            problem.add_class("-shown")
            return
        problem.update("")
        problem.remove_class("-shown")
        self.post_message(
            self.ResponseRecorded(
                name,
                float(relief),
                float(hours) if hours else None,
                float(weeks) if weeks else None,
            )
        )
        self.query_one(f"#resp-{name}").remove()
        self.call_after_refresh(self._retitle)


def headline(current: Visit, previous: Visit | None) -> str:
    """`pain 7 -> 4, worst 9 -> 6`: the comparison's first figures, for a closed box."""
    if previous is None:
        return "first visit in painclinic"
    now, before = current.history.pain, previous.history.pain
    parts = []
    if now.now is not None or before.now is not None:
        parts.append(f"pain {_v(before.now)} -> {_v(now.now)}")
    if now.worst is not None or before.worst is not None:
        parts.append(f"worst {_v(before.worst)} -> {_v(now.worst)}")
    return ", ".join(parts) or f"last visit {previous.visit.date}"


def compare(current: Visit, previous: Visit | None) -> str:
    """Pain, function and goals now against the last visit (and the goal's target)."""
    if previous is None:
        return "First visit of this patient in painclinic."
    lines = [f"Last visit {previous.visit.date}:"]
    for label, now, before in (
        ("Pain now", current.history.pain.now, previous.history.pain.now),
        ("Pain worst", current.history.pain.worst, previous.history.pain.worst),
        ("Sleep hours", current.history.sleep_hours, previous.history.sleep_hours),
    ):
        if now is not None or before is not None:
            lines.append(f"  {label}: {_v(before)} -> {_v(now)}")
    for measure in sorted(set(current.history.function) | set(previous.history.function)):
        lines.append(
            f"  {_v(measure).capitalize()}: {_v(previous.history.function.get(measure))}"
            f" -> {_v(current.history.function.get(measure))}"
        )
    for goal in current.goals:
        reached = current.history.function.get(goal.measure or "", None)
        lines.append(
            f"  Goal '{goal.label}': baseline {_v(goal.baseline)}, now {_v(reached)}, "
            f"target {_v(goal.target)}"
        )
    return "\n".join(lines)


def _v(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("_", " ")
