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
from painclinic.tui.widgets.assessment_pane import AssessmentPane, track_rows
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
        assert shown_option(tracks).startswith("▶ [✓ accepted]")  # the marker: where the cursor is


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
        assert "ALERT !! HIGH" in text and "Acetaminophen over the daily maximum" in text
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
        await pilot.press("delete")
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


# ---------------------------------------------------------------- red flags lead the plan (M4)


def lines_of(widget: Widget) -> list[str]:
    """The visible text lines of a widget, as a monochrome terminal shows them."""
    return [widget.render_line(y).text for y in range(widget.scrollable_content_region.height)]


def in_view(tracks: TrackList) -> bool:
    """Is every line of the highlighted option inside the list's viewport?"""
    top = tracks._index_to_line[tracks.highlighted]
    bottom = top + tracks._heights[tracks.highlighted]
    height = tracks.scrollable_content_region.height
    return tracks.scroll_y <= top and bottom <= tracks.scroll_y + height


def test_the_items_that_act_on_a_red_flag_are_the_knowledge_base_s_referrals() -> None:
    from painclinic.knowledge import load_knowledge
    from painclinic.tui.widgets.assessment_pane import acts_on_red_flag

    kb = load_knowledge()
    # The referrals a red flag calls for: the emergency, imaging, the surgeon, oncology for a
    # known cancer with new spinal pain (NICE NG234), rheumatology for giant cell arteritis.
    assert {t for t in kb.treatments if acts_on_red_flag(t)} == {
        "emergency_referral",
        "urgent_mri",
        "surgical_consult",
        "oncology",
        "rheumatology",
    }


@pytest.mark.asyncio
async def test_under_an_emergency_the_referral_leads_the_tracks_highlighted_and_in_view() -> None:
    app = Harness(visit_of("cauda-equina-emergency.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tracks = app.pane.query_one(TrackList)
        rows = tracks.rows
        assert rows[0].kind == "heading" and rows[0].label.startswith("act now: emergency")
        assert [r.item_id for r in rows[1:3]] == ["emergency_referral", "surgical_consult"]
        assert tracks.current.item_id == "emergency_referral" and in_view(tracks)
        shown_lines = lines_of(tracks)
        assert shown_lines[0].startswith("ACT NOW: EMERGENCY RED FLAG")
        assert shown_lines[1].startswith("▶ [ ] suggested Emergency referral today")
        # Only once: the coordination track no longer repeats them.
        assert [r.item_id for r in rows].count("emergency_referral") == 1
        coordination = [r for r in rows if r.track == "coordination" and not r.urgent]
        assert "see ACT NOW above" in coordination[-1].label


@pytest.mark.asyncio
async def test_a_red_flag_turning_yes_moves_the_highlight_to_act_now() -> None:
    quiet = visit_of("lumbar-s1-radiculopathy.yaml")
    app = Harness(quiet)
    async with app.run_test(size=SIZE) as pilot:
        tracks = app.pane.query_one(TrackList)
        await pilot.press("end")
        await pilot.pause()
        assert tracks.scroll_y > 0 or tracks.max_scroll_y == 0
        urgent = visit_of("cauda-equina-emergency.yaml")
        app.pane.load(painclinic.assess(urgent), None, urgent)
        await pilot.pause()
        await pilot.pause()
        assert tracks.current.item_id == "emergency_referral"
        assert tracks.scroll_y == 0 and in_view(tracks)


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_highlighted_track_item_stays_in_view_with_down_end_pagedown(size) -> None:
    app = Harness(visit_of("knee-oa-oral-nsaid-suggestable.yaml"))
    async with app.run_test(size=size) as pilot:
        tracks = app.pane.query_one(TrackList)
        assert tracks.max_scroll_y > 0, "the case must not fit: nothing to scroll"
        for key in ["end", "home", "pagedown", "pagedown", "home", *["down"] * 12, "up"]:
            await pilot.press(key)
            await pilot.pause()
            assert in_view(tracks), f"after {key}"
        await pilot.press("end")
        await pilot.pause()
        assert tracks.current.key == next(r.key for r in reversed(tracks.rows) if r.kind == "item")


@pytest.mark.asyncio
async def test_added_procedure_under_an_emergency_is_cautioned_like_a_suggested_one() -> None:
    plan = Plan(added=[Added(track="interventional", label="Left L5 transforaminal ESI")])
    app = Harness(visit_of("cauda-equina-emergency.yaml"), plan)
    async with app.run_test(size=SIZE):
        tracks = app.pane.query_one(TrackList)
        row = next(r for r in tracks.rows if r.state == "added")
        assert "Deferred while a red flag is unresolved" in row.caution
        text = plain(tracks.get_option(row.key).prompt)
        assert "added by the physician ! CAUTION: the assessment advises avoiding it" in text
        # An added item where nothing is deferred carries no warning.
        calm = Harness(visit_of("lumbar-s1-radiculopathy.yaml"), plan)
        calm_rows = track_rows(calm.assessment, plan)
        assert next(r for r in calm_rows if r.state == "added").caution == ""


# ---------------------------------------------------------------- readable without colour


@pytest.mark.asyncio
async def test_the_highlighted_row_carries_a_marker_not_only_a_colour() -> None:
    app = Harness(visit_of("lumbar-s1-radiculopathy.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        tracks = app.pane.query_one(TrackList)
        cps = app.pane.query_one(CheckpointList)

        def marked(widget: Widget, mark: str) -> list[str]:
            return [line for line in lines_of(widget) if line.startswith(mark)]

        first = marked(tracks, "▶ ")
        assert len(first) == 1 and tracks.current.label in first[0]
        await pilot.press("down")
        await pilot.pause()
        second = marked(tracks, "▶ ")
        assert len(second) == 1 and second != first and tracks.current.label[:20] in second[0]
        # Which list has the keyboard reads without colour too: ▶ focused, ▷ not.
        assert marked(cps, "▷ ") and not marked(cps, "▶ ")
        await pilot.press("tab", "tab")  # past the safety box
        await pilot.pause()
        assert cps.has_focus
        assert len(marked(cps, "▶ ")) == 1 and marked(tracks, "▷ ") and not marked(tracks, "▶ ")


# ---------------------------------------------------------------- checkpoints: done, re-dated


@pytest.mark.asyncio
async def test_x_marks_the_highlighted_planned_checkpoint_done_today_and_again_undone() -> None:
    visit = visit_of("lumbar-s1-radiculopathy.yaml")
    suggestion = painclinic.assess(visit).checkpoints[0]
    plan = Plan(checkpoints=[PlannedCheckpoint(date=suggestion.date, label=suggestion.label)])
    plan.checkpoints[0].about = suggestion.about
    app = Harness(visit, plan)
    app.today = lambda: dt.date(2026, 12, 9)  # type: ignore[attr-defined]
    async with app.run_test(size=SIZE) as pilot:
        cps = app.pane.query_one(CheckpointList)
        cps.focus()
        await pilot.pause()
        assert cps.current.planned
        await pilot.press("x")
        await pilot.pause()
        assert app.plans[-1].checkpoints[0].done == dt.date(2026, 12, 9)
        assert app.plans[-1].checkpoints[0].date == suggestion.date
        line = next(line for line in lines_of(cps) if line.startswith("▶"))
        assert line.startswith("▶ [✓ done 2026-12-09]")
        assert f"was due {suggestion.date.isoformat()}" in plain(cps.highlighted_option.prompt)
        await pilot.press("x")
        await pilot.pause()
        assert app.plans[-1].checkpoints[0].done is None
        # A proposal cannot be done before it is planned.
        proposals = [i for i, r in enumerate(cps.rows) if not r.planned]
        cps.highlighted = proposals[0]
        await pilot.pause()
        assert cps.check_action("request", ("done",)) is False


@pytest.mark.asyncio
async def test_redating_a_4_week_review_to_3_weeks_renames_it_and_keeps_it_one_checkpoint() -> None:
    visit = visit_of("chronic-lbp-no-red-flags.yaml")
    app = Harness(visit)
    async with app.run_test(size=SIZE) as pilot:
        cps = app.pane.query_one(CheckpointList)
        cps.focus()
        row = next(r for r in cps.rows if r.label.startswith("4-week function review"))
        cps.highlighted = cps.get_option_index(row.key)
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        three_weeks = visit.visit.date + dt.timedelta(weeks=3)
        await pilot.press("ctrl+u", *three_weeks.isoformat(), "enter")
        await pilot.pause()
        [planned] = app.plans[-1].checkpoints
        assert planned.date == three_weeks
        assert planned.label == row.label.replace("4-week", "3-week")
        # The proposal it came from does not come back as a second "4-week" one.
        assert not any(r.label.startswith("4-week function review") for r in cps.rows)
        assert cps.current.planned and cps.current.label.startswith("3-week function review")
        # Re-dated again (to 25 days), the interval is told in days.
        await pilot.press("e")
        await pilot.pause()
        later = visit.visit.date + dt.timedelta(days=25)
        await pilot.press("ctrl+u", *later.isoformat(), "enter")
        await pilot.pause()
        assert app.plans[-1].checkpoints[0].label.startswith("25-day function review")


def test_relabel_rewrites_only_the_checkpoint_s_own_interval() -> None:
    from painclinic.tui.widgets.checkpoint_list import relabel

    assert relabel("4-week function review (pain, goals)", 28, 21) == (
        "3-week function review (pain, goals)"
    )
    assert relabel("Duloxetine review at about 4 weeks", 28, 35) == (
        "Duloxetine review at about 5 weeks"
    )
    assert relabel("Second cycle (12 weeks)", 84, 7) == "Second cycle (1 week)"
    for label, days in [
        ("Joint injection response review (4-6 weeks)", 42),  # a range
        ("Glucose check 24-72 hours after the epidural steroid", 2),  # hours
        ("First physical therapy session (within 7 days, after the injection)", 7),  # deadline
        ("Opioid reassessment (at least every 3 months)", 42),  # not its interval
    ]:
        assert relabel(label, days, days + 5) == label


@pytest.mark.asyncio
async def test_a_date_typed_with_slashes_is_refused_with_the_date_it_means() -> None:
    app = Harness(visit_of("lumbar-s1-radiculopathy.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        cps = app.pane.query_one(CheckpointList)
        cps.focus()
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CheckpointDateDialog)
        await pilot.press("ctrl+u", *"30/12/2026")
        await pilot.pause()
        assert dialog.query_one(Input).value == "30/12/2026"  # nothing silently dropped
        error = str(dialog.query_one("#error", Label).content)
        assert "YYYY-MM-DD" in error and "Did you mean 2026-12-30?" in error
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and app.plans == []
        await pilot.press("ctrl+u", *"05/12/2026")  # day or month first: no guess
        await pilot.pause()
        assert "Did you mean" not in str(dialog.query_one("#error", Label).content)


# ---------------------------------------------------------------- small terminals (M3)


@pytest.mark.asyncio
async def test_at_80_by_24_the_flags_the_top_of_the_plan_and_the_avoid_list_are_on_screen() -> None:
    app = Harness(visit_of("cauda-equina-emergency.yaml"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.pane
        assert pane.has_class("-narrow") and pane.has_class("-short")
        screen = app.screen.region
        summary = pane.query_one("#ap-summary", Static)
        assert summary.display and screen.contains_region(summary.region)
        assert "!! EMERGENCY 3 red flags" in shown(summary)
        assert not pane.query_one("#ap-left").display
        tracks = pane.query_one(TrackList)
        visible = lines_of(tracks)
        assert visible[0].startswith("ACT NOW") and "Emergency referral today" in visible[1]
        assert any("Spinal surgical referral" in line for line in visible[2:5])
        box = pane.query_one("#ap-safety-box")
        assert screen.contains_region(box.region) and box.region.height >= 3
        safety = lines_of(pane.query_one(SafetyPanel))
        assert safety[0].startswith("MME/day") and safety[1].startswith("✗ Avoid: ")
        checkpoints = pane.query_one(CheckpointList)
        assert screen.contains_region(checkpoints.region) and checkpoints.region.height >= 3
        # `w` shows the full working diagnosis in place of the plan, and `w` brings it back.
        await pilot.press("w")
        await pilot.pause()
        left = pane.query_one("#ap-left")
        assert left.display and left.region.width > 70
        assert not pane.query_one("#ap-right").display
        assert "Action: same-day emergency MRI" in shown(pane.query_one("#ap-diagnosis"))
        await pilot.press("w")
        await pilot.pause()
        assert pane.query_one("#ap-right").display and tracks.has_focus


@pytest.mark.asyncio
async def test_wide_the_diagnosis_stays_beside_the_plan_and_w_does_nothing() -> None:
    app = Harness(visit_of("lumbar-s1-radiculopathy.yaml"))
    async with app.run_test(size=(120, 40)):
        pane = app.pane
        assert not pane.has_class("-narrow")
        assert pane.query_one("#ap-left").display and not pane.query_one("#ap-summary").display
        assert pane.check_action("toggle_diagnosis", ()) is False


@pytest.mark.asyncio
async def test_banner_is_one_line_a_flag_on_a_small_terminal() -> None:
    app = Harness(visit_of("cauda-equina-emergency.yaml"), acknowledged={"saddle_anesthesia"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        banner = app.query_one(RedFlagBanner)
        assert banner.has_class("-compact") and banner.region.height == 4
        lines = lines_of(banner)
        assert all(line.lstrip().startswith("!! EMERGENCY") for line in lines[:3])
        assert "[✓ acknowledged] Saddle anaesthesia" in lines[0]
        assert "2 NOT YET ACKNOWLEDGED" in lines[3] and "Press ctrl+g to acknowledge" in lines[3]
        await app.run_action("acknowledge_flag")
        await app.run_action("acknowledge_flag")
        await pilot.pause()
        assert banner.region.height == 3  # nothing waits: no prompt line
    app = Harness(visit_of("cauda-equina-emergency.yaml"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        banner = app.query_one(RedFlagBanner)
        assert not banner.has_class("-compact") and banner.region.height > 8
