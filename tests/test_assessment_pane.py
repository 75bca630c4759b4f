"""The assessment split pane and the red-flag banner, driven by keys in a small harness app.

The harness plays the visit screen's part: it gives the widgets data (`load`, `flags`) and
records what they post (`PlanChanged`, `RedFlagBanner.Acknowledged`), reloading the pane with
each new plan as the real screen does.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import ClassVar

import pytest
from rich.console import Console
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Footer, Input, Label, Static

import painclinic
from painclinic.model import Added, Declined, Plan, PlannedCheckpoint, Visit
from painclinic.tui.dialogs.plan import AddItemDialog, CheckpointDateDialog, DeclineDialog
from painclinic.tui.messages import PlanChanged
from painclinic.tui.widgets.assessment_pane import AssessmentPane
from painclinic.tui.widgets.checkpoint_list import CheckpointList
from painclinic.tui.widgets.goal_list import GoalList
from painclinic.tui.widgets.red_flag_banner import RedFlagBanner
from painclinic.tui.widgets.safety_panel import SafetyPanel
from painclinic.tui.widgets.track_list import TrackList

CASES = Path(__file__).parent / "cases"
STYLES = Path(painclinic.__file__).parent / "tui" / "styles" / "assessment.tcss"
SIZE = (120, 40)


def visit_of(name: str) -> Visit:
    return painclinic.load_visit(CASES / name)


class Harness(App[None]):
    """Banner on top, the pane below, a footer: the visit screen's assessment tab in small."""

    CSS_PATH = STYLES
    TITLE = "Assessment pane"
    # As the visit screen should: the banner's key works wherever the focus is.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(RedFlagBanner.ACK_KEY, "acknowledge_flag", "Acknowledge emergency", id="ack"),
    ]

    def __init__(
        self,
        visit: Visit,
        plan: Plan | None = None,
        previous: Visit | None = None,
        *,
        reload: bool = True,
        acknowledged: set[str] | None = None,
    ) -> None:
        super().__init__()
        self.visit = visit
        self.assessment = painclinic.assess(visit)
        self.plan = plan
        self.previous = previous
        self.reload = reload
        self.acknowledged = acknowledged or set()
        self.plans: list[Plan] = []
        self.acks: list[str] = []

    def compose(self) -> ComposeResult:
        yield RedFlagBanner(id="banner")
        yield AssessmentPane(id="pane")
        yield Footer()

    def on_mount(self) -> None:
        banner = self.query_one(RedFlagBanner)
        banner.flags = list(self.assessment.red_flags)
        banner.acknowledged = set(self.acknowledged)
        self.pane.load(self.assessment, self.plan, self.visit, self.previous)
        self.pane.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "acknowledge_flag":
            return bool(self.query_one(RedFlagBanner).pending())
        return True

    def action_acknowledge_flag(self) -> None:
        self.query_one(RedFlagBanner).action_acknowledge()

    @property
    def pane(self) -> AssessmentPane:
        return self.query_one(AssessmentPane)

    @on(PlanChanged)
    def _plan(self, event: PlanChanged) -> None:
        self.plans.append(event.plan)
        if self.reload:
            self.plan = event.plan
            self.pane.load(self.assessment, self.plan, self.visit, self.previous)

    @on(RedFlagBanner.Acknowledged)
    def _ack(self, event: RedFlagBanner.Acknowledged) -> None:
        self.acks.append(event.flag_id)


def plain(renderable: object, width: int = 80) -> str:
    """Rendered text, whitespace collapsed (wrapping does not matter to the assertions)."""
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return " ".join(console.export_text().split())


def shown(widget: Widget) -> str:
    """The text a widget draws, at its current width."""
    content = widget.content if isinstance(widget, Static) else widget.render()
    return plain(content, max(widget.size.width, 40))


def first_item(app: Harness):
    return app.pane.query_one(TrackList).current


# ---------------------------------------------------------------- decisions


@pytest.mark.asyncio
async def test_accept_posts_whole_plan_with_the_item_accepted() -> None:
    app = Harness(visit_of("lumbar-s1-radiculopathy.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        tracks = app.pane.query_one(TrackList)
        item = tracks.current
        assert item is not None and item.state == "suggested"
        await pilot.press("a")
        await pilot.pause()
        assert app.plans, "no PlanChanged posted"
        assert app.plans[-1].accepted == [item.item_id]
        # The first decision created a plan; the highlight stayed on the item across the reload.
        assert tracks.current is not None and tracks.current.key == item.key
        assert tracks.current.state == "accepted"
        assert shown_option(tracks).startswith("[✓ accepted]")


@pytest.mark.asyncio
async def test_decline_asks_a_reason_and_posts_it() -> None:
    app = Harness(visit_of("lumbar-s1-radiculopathy.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        item = first_item(app)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DeclineDialog)
        await pilot.press("enter")  # empty: refused inline, dialog stays
        await pilot.pause()
        assert isinstance(app.screen, DeclineDialog)
        assert "reason" in str(app.screen.query_one("#error", Label).content).lower()
        await pilot.press(*"tried twice, no benefit")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, DeclineDialog)
        assert app.plans[-1].declined == [
            Declined(id=item.item_id, reason="tried twice, no benefit")
        ]
        assert first_item(app).state == "declined"


@pytest.mark.asyncio
async def test_decline_cancelled_posts_nothing() -> None:
    app = Harness(visit_of("lumbar-s1-radiculopathy.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await pilot.pause()
        await pilot.press(*"patient")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DeclineDialog)
        assert app.plans == []
        assert first_item(app).state == "suggested"


@pytest.mark.asyncio
async def test_add_posts_an_added_item_in_the_highlighted_track() -> None:
    app = Harness(visit_of("lumbar-s1-radiculopathy.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        track = first_item(app).track
        await pilot.press("plus")
        await pilot.pause()
        assert isinstance(app.screen, AddItemDialog)
        await pilot.press(*"Occupational health letter")
        await pilot.press("enter")
        await pilot.pause()
        assert app.plans[-1].added == [Added(track=track, label="Occupational health letter")]
        rows = app.pane.query_one(TrackList).rows
        added = [r for r in rows if r.state == "added"]
        assert [(r.label, r.track) for r in added] == [("Occupational health letter", track)]


@pytest.mark.asyncio
async def test_undo_returns_an_item_to_suggested_and_is_hidden_when_undecided() -> None:
    app = Harness(visit_of("lumbar-s1-radiculopathy.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        tracks = app.pane.query_one(TrackList)
        assert tracks.check_action("request", ("undo",)) is False
        await pilot.press("a")
        await pilot.pause()
        assert tracks.check_action("request", ("undo",)) is True
        assert tracks.check_action("request", ("accept",)) is False  # already accepted
        await pilot.press("u")
        await pilot.pause()
        assert app.plans[-1].accepted == [] and app.plans[-1].declined == []
        assert first_item(app).state == "suggested"
        assert tracks.check_action("request", ("undo",)) is False


@pytest.mark.asyncio
async def test_undo_removes_an_added_item() -> None:
    plan = Plan(added=[Added(track="rehabilitation", label="Pool therapy")])
    app = Harness(visit_of("lumbar-s1-radiculopathy.yaml"), plan)
    async with app.run_test(size=SIZE) as pilot:
        tracks = app.pane.query_one(TrackList)
        key = next(r.key for r in tracks.rows if r.state == "added")
        tracks.highlighted = tracks.get_option_index(key)
        await pilot.pause()
        assert tracks.check_action("request", ("accept",)) is False
        await pilot.press("u")
        await pilot.pause()
        assert app.plans[-1].added == []


@pytest.mark.asyncio
async def test_quick_decisions_build_on_each_other_before_the_parent_reloads() -> None:
    app = Harness(visit_of("lumbar-s1-radiculopathy.yaml"), reload=False)
    async with app.run_test(size=SIZE) as pilot:
        tracks = app.pane.query_one(TrackList)
        first = tracks.current.item_id
        await pilot.press("a", "down", "a")
        await pilot.pause()
        second = tracks.current.item_id
        assert app.plans[-1].accepted == [first, second]


@pytest.mark.asyncio
async def test_reason_shown_on_demand() -> None:
    visit = visit_of("lumbar-s1-radiculopathy.yaml")
    app = Harness(visit)
    async with app.run_test(size=SIZE) as pilot:
        tracks = app.pane.query_one(TrackList)
        item = tracks.current
        rationale = next(
            i.rationale for t in app.assessment.tracks.values() for i in t if i.id == item.item_id
        )
        assert "Why:" not in shown_option(tracks)
        await pilot.press("r")
        await pilot.pause()
        text = shown_option(tracks)
        assert "Why:" in text and " ".join(rationale.split()) in text
        assert f"Evidence: {item.evidence_strength}" in text
        await pilot.press("r")
        await pilot.pause()
        assert "Why:" not in shown_option(tracks)


def shown_option(tracks: TrackList) -> str:
    return plain(tracks.highlighted_option.prompt)


@pytest.mark.asyncio
async def test_reload_keeps_the_highlighted_item() -> None:
    visit = visit_of("lumbar-s1-radiculopathy.yaml")
    app = Harness(visit)
    async with app.run_test(size=SIZE) as pilot:
        tracks = app.pane.query_one(TrackList)
        await pilot.press("down", "down", "down")
        key = tracks.current.key
        # Something else changed the plan (e.g. another tab): the cursor does not jump.
        other = Plan(accepted=[next(iter(app.assessment.suggested_ids()))])
        app.pane.load(app.assessment, other, visit)
        await pilot.pause()
        assert tracks.current.key == key


# ---------------------------------------------------------------- avoid, safety, banner


@pytest.mark.asyncio
async def test_avoid_list_and_safety_figures_are_visible() -> None:
    app = Harness(visit_of("acetaminophen-over-maximum.yaml"))
    async with app.run_test(size=SIZE):
        panel = app.pane.query_one(SafetyPanel)
        box = app.pane.query_one("#ap-safety-box")
        assert box.region.height > 3 and app.screen.region.contains_region(box.region)
        text = shown(panel)
        assert "MME/day 40" in text and "Acetaminophen 5600 mg/day" in text
        assert "ALERT !! HIGH" in text and "Acetaminophen max dose" in text
        assert "Avoid" in text
        for x in app.assessment.avoid:
            assert " ".join(x.reason.split()[:4]) in text
        # The figures are the first line, so they show even when the avoid list scrolls.
        assert text.startswith("MME/day")


@pytest.mark.asyncio
async def test_banner_hidden_without_red_flags() -> None:
    app = Harness(visit_of("lumbar-s1-radiculopathy.yaml"))
    async with app.run_test(size=SIZE):
        banner = app.query_one(RedFlagBanner)
        assert not banner.display and banner.region.height == 0


@pytest.mark.asyncio
async def test_banner_shows_emergency_and_posts_acknowledgement() -> None:
    app = Harness(visit_of("cauda-equina-emergency.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        banner = app.query_one(RedFlagBanner)
        assert banner.display and banner.region.height > 4
        text = shown(banner)
        assert "!! EMERGENCY" in text and "ACTION: same-day emergency MRI" in text
        assert f"Press {RedFlagBanner.ACK_KEY} to acknowledge" in text
        banner.focus()  # the banner's own binding
        await pilot.press(RedFlagBanner.ACK_KEY)
        await pilot.pause()
        assert app.acks == ["saddle_anesthesia"]
        assert "[✓ acknowledged]" in shown(banner) and banner.display
        app.pane.focus()  # forwarded by the screen from anywhere
        await pilot.press(RedFlagBanner.ACK_KEY, RedFlagBanner.ACK_KEY)
        await pilot.pause()
        assert app.acks == [f.id for f in app.assessment.red_flags if f.urgency == "emergency"]
        assert banner.check_action("acknowledge", ()) is False
        assert "NOT YET" not in shown(banner) and banner.display


# ---------------------------------------------------------------- checkpoints and goals


@pytest.mark.asyncio
async def test_checkpoint_date_is_validated_as_typed_and_posted() -> None:
    visit = visit_of("lumbar-s1-radiculopathy.yaml")
    app = Harness(visit)
    async with app.run_test(size=SIZE) as pilot:
        cps = app.pane.query_one(CheckpointList)
        cps.focus()
        await pilot.pause()
        row = cps.current
        assert row is not None and not row.planned
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CheckpointDateDialog)
        await pilot.press("ctrl+u", *"2026-13-40")
        await pilot.pause()
        error = str(dialog.query_one("#error", Label).content)
        assert "not a calendar date" in error
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and app.plans == []
        await pilot.press("ctrl+u", *"2026-01-01")  # before the visit
        await pilot.pause()
        assert "on or after the visit date" in str(dialog.query_one("#error", Label).content)
        await pilot.press("ctrl+u", *"2026-12-10")
        await pilot.pause()
        assert str(dialog.query_one("#error", Label).content) == ""
        assert dialog.query_one(Input).value == "2026-12-10"
        await pilot.press("enter")
        await pilot.pause()
        assert app.plans[-1].checkpoints == [
            PlannedCheckpoint(date=dt.date(2026, 12, 10), label=row.label, about=row.about)
        ]
        assert cps.current.planned and cps.current.date == dt.date(2026, 12, 10)


@pytest.mark.asyncio
async def test_checkpoint_accept_and_remove() -> None:
    app = Harness(visit_of("lumbar-s1-radiculopathy.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        cps = app.pane.query_one(CheckpointList)
        cps.focus()
        await pilot.pause()
        row = cps.current
        assert cps.check_action("request", ("remove",)) is False
        await pilot.press("a")
        await pilot.pause()
        assert [c.label for c in app.plans[-1].checkpoints] == [row.label]
        assert cps.current.planned and cps.check_action("request", ("accept",)) is False
        await pilot.press("x")
        await pilot.pause()
        assert app.plans[-1].checkpoints == []
        assert not cps.current.planned  # back among the proposals


@pytest.mark.asyncio
async def test_goals_show_previous_now_and_target() -> None:
    visit = visit_of("lumbar-s1-radiculopathy.yaml")
    goal = visit.goals[0]
    measure = goal.measure
    now = visit.model_copy(deep=True)
    now.history.function[measure] = 45
    before = visit.model_copy(deep=True)
    before.history.function[measure] = 30
    app = Harness(now, previous=before)
    async with app.run_test(size=SIZE):
        text = shown(app.pane.query_one(GoalList))
        name = measure.replace("_", " ").capitalize()
        expected = (
            f"{name}: baseline {goal.baseline:g}, last visit 30, now 45, target {goal.target:g}"
        )
        assert goal.label in text and expected in text


# ---------------------------------------------------------------- snapshots


def test_snapshot_pane_with_decisions(snap_compare) -> None:
    """Lumbar S1: one accepted, one declined with its reason, the highlighted reason open."""
    visit = visit_of("lumbar-s1-radiculopathy.yaml")
    a = painclinic.assess(visit)
    rehab = [i.id for i in a.tracks["rehabilitation"]]
    plan = Plan(
        accepted=[rehab[0]],
        declined=[Declined(id=rehab[1], reason="tried twice last year without benefit")],
    )
    app = Harness(visit, plan)
    assert snap_compare(app, press=["down", "down", "r"], terminal_size=SIZE)


def test_snapshot_banner_with_emergency(snap_compare) -> None:
    """Cauda equina: three emergency flags, the first acknowledged, the next waiting."""
    app = Harness(visit_of("cauda-equina-emergency.yaml"), acknowledged={"saddle_anesthesia"})
    assert snap_compare(app, terminal_size=SIZE)
