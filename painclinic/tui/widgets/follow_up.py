"""Follow-up panel: how each earlier intervention worked, and this visit against the last one."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from painclinic.model import Visit
from painclinic.session import PendingResponse


class FollowUpPanel(Vertical):
    """Shown on follow-up visits above the history checklist."""

    DEFAULT_CSS = """
    FollowUpPanel { height: auto; border: round $accent; padding: 0 1; margin-bottom: 1; }
    FollowUpPanel .response { height: 3; }
    FollowUpPanel .response Label { width: 42; padding-top: 1; }
    FollowUpPanel .response Input { width: 16; }
    FollowUpPanel #comparison { padding: 0 0 1 0; }
    FollowUpPanel .problem { color: $error; }
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

    def compose(self) -> ComposeResult:
        yield Static("[b]Since the last visit[/b]", id="follow-up-title")
        yield Static("", id="comparison")
        for item in self.pending:
            with Horizontal(classes="response", id=f"resp-{item.intervention}"):
                yield Label(f"{item.label}: relief %")
                yield Input(placeholder="0-100", type="integer", id=f"relief-{item.intervention}")
                yield Input(placeholder="hours", type="number", id=f"hours-{item.intervention}")
                yield Input(placeholder="or weeks", type="number", id=f"weeks-{item.intervention}")
                yield Button("Record", id=f"record-{item.intervention}")
        yield Static("", id="follow-up-problem", classes="problem")

    def show_comparison(self, current: Visit, previous: Visit | None) -> None:
        self.query_one("#comparison", Static).update(compare(current, previous))

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
            return
        problem.update("")
        self.post_message(
            self.ResponseRecorded(
                name,
                float(relief),
                float(hours) if hours else None,
                float(weeks) if weeks else None,
            )
        )
        self.query_one(f"#resp-{name}").remove()


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
