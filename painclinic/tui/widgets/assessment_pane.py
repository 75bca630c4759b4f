"""The assessment split pane: working diagnosis on the left, the physician's plan on the right.

Attributes down: the parent calls `load(assessment, plan, visit, previous)` after every change.
Messages up: after each accept / decline / add / undo / checkpoint edit the pane posts
`PlanChanged(new_plan)` (painclinic.tui.messages) with the WHOLE new plan; with no plan
yet, the first decision creates one. The pane never imports the store or the session.

Layout (styles in ../styles/assessment.tcss, loaded by the screen's CSS_PATH):

    ┌ Working diagnosis ─┐┌ Plan tracks ─────────────────────┐
    │ red flags,         ││ [✓ accepted] ...                 │
    │ mechanism, roots,  ││ [ ] suggested ...                │
    │ differential,      │├ Avoid and medication safety ─────┤
    │ scores             ││ always visible                   │
    └────────────────────┘└──────────────────────────────────┘
    ┌ Dated checkpoints ──────────────────┐┌ Goals ──────────┐

Reloading is cheap: each part redraws only when its own inputs changed, and the two lists
rebuild their options (no widget is mounted or removed) keeping highlight and scroll.

Small terminals (the pane's own size, on resize): under NARROW columns (`-narrow`) the
diagnosis collapses to a one-line summary above the tracks and `w` swaps the plan for the full
diagnosis and back; under SHORT rows (`-short`) the boxes keep only their top edge and the
checkpoints and the safety box get fewer rows, so at 80x24 the red flags, the top of the plan
(ACT NOW first) and the avoid list are all on screen.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from painclinic.model import (
    TRACKS,
    Added,
    Assessment,
    Declined,
    Plan,
    PlannedCheckpoint,
    TrackItem,
    Visit,
)
from painclinic.notes import labels as L
from painclinic.tui.dialogs.plan import AddItemDialog, CheckpointDateDialog, DeclineDialog
from painclinic.tui.messages import PlanChanged

from .checkpoint_list import CheckpointList, CheckpointRow, interval_family, relabel
from .diagnosis_view import DiagnosisView, diagnosis_summary
from .goal_list import GoalList
from .safety_panel import SafetyPanel
from .track_list import RowState, TrackList, TrackRow

# ---------------------------------------------------------------- rows from data (pure)


ACT_NOW = "act_now"  # the group of items that act on an urgent or emergency red flag
PROCEDURES = "interventional_procedures"  # the avoid entry that defers every procedure


def acts_on_red_flag(tid: str) -> bool:
    """Emergency referral, urgent MRI, surgical referral (and oncology, rheumatology where a flag
    calls for them): the knowledge base's non-routine coordination items (data/treatments.yaml,
    `routine: false`) whose indications name red flags. Read from the knowledge base so a new
    one joins the group by itself."""
    t = L.kb().treatments.get(tid)
    # Non-routine and indicated by a red flag: other non-routine items (haematology, addiction
    # medicine) must not wait for a flag either, but they do not act on one.
    return (
        t is not None and t.track == "coordination" and not t.routine and "red_flag" in str(t.when)
    )


def track_rows(a: Assessment, plan: Plan | None) -> list[TrackRow]:
    """Every track with its suggestions and the physician's decisions and additions.

    Under an urgent or emergency red flag the items that act on it lead, in an ACT NOW group
    above the ordinary tracks (the engine keeps them in Coordination, the last track, where
    the review found the emergency referral off-screen)."""
    plan = plan or Plan()
    accepted = set(plan.accepted)
    declined = {d.id: d.reason for d in plan.declined}
    avoid = {x.id: x.reason for x in a.avoid}
    suggested = a.suggested_ids()
    # Decisions on items this assessment no longer suggests stay visible, in their own track.
    orphans: dict[str, list[str]] = {}
    for tid in [*plan.accepted, *declined]:
        if tid not in suggested:
            track = L.treatment_track(tid)
            orphans.setdefault(track if track in TRACKS else "other", []).append(tid)

    urgent = [f for f in a.red_flags if f.urgency in ("emergency", "urgent")]
    act_now = (
        [i for i in a.tracks.get("coordination", []) if acts_on_red_flag(i.id)] if urgent else []
    )
    lifted = {i.id for i in act_now}

    # choose_one groups: each member names the others, so alternatives never read as a heap
    grouped: dict[str, list[str]] = {}
    for items in a.tracks.values():
        for i in items:
            if i.choose_one:
                grouped.setdefault(i.choose_one, []).append(i.label)

    def others(item: TrackItem) -> str:
        rest = [g for g in grouped.get(item.choose_one or "", []) if g != item.label]
        return f"this or {' or '.join(rest)}" if rest else ""

    def item_row(item: TrackItem, track: str, *, lead: bool = False) -> TrackRow:
        return TrackRow(
            key=f"i:{item.id}",
            kind="item",
            label=item.label,
            track=track,
            item_id=item.id,
            state=_state(item.id, accepted, declined),
            declined_reason=declined.get(item.id, ""),
            rationale=item.rationale,
            evidence_strength=item.evidence_strength,
            dose=item.dose.brief() if item.dose is not None else "",
            dose_detail=item.dose.summary() if item.dose is not None else "",
            urgent=lead,
            first_step=item.id in a.first_steps,
            alternatives=others(item),
            fit=item.fit,
        )

    rows: list[TrackRow] = []
    if act_now:
        lead = urgent[0]
        rows.append(
            TrackRow(
                key=f"h:{ACT_NOW}",
                kind="heading",
                label=f"act now: {lead.urgency} red flag, {lead.label}",
                track=ACT_NOW,
                urgent=True,
            )
        )
        rows.extend(item_row(item, "coordination", lead=True) for item in act_now)
    for track in [*TRACKS, "other"]:
        items = a.tracks.get(track, []) if track != "other" else []  # type: ignore[call-overload]
        items = [i for i in items if i.id not in lifted]
        extra = list(dict.fromkeys(orphans.get(track, [])))
        added = [(i, x) for i, x in enumerate(plan.added) if x.track == track]
        if track == "other" and not extra:
            continue
        rows.append(TrackRow(key=f"h:{track}", kind="heading", label=track, track=track))
        if not (items or extra or added):
            empty = (
                "(nothing else suggested: see ACT NOW above)"
                if track == "coordination" and act_now
                else "(nothing suggested)"
            )
            rows.append(TrackRow(key=f"e:{track}", kind="empty", label=empty, track=track))
        rows.extend(item_row(item, track) for item in items)
        for tid in extra:
            rows.append(
                TrackRow(
                    key=f"i:{tid}",
                    kind="item",
                    label=L.treatment(tid),
                    track=track,
                    item_id=tid,
                    state=_state(tid, accepted, declined),
                    declined_reason=declined.get(tid, ""),
                    note="not among this assessment's suggestions",
                    caution=_caution(avoid.get(tid)),
                )
            )
        for index, x in added:
            # The physician's own procedure waits for a red flag as a suggested one would.
            advised = avoid.get(x.id) if x.id else None
            if advised is None and track == "interventional":
                advised = avoid.get(PROCEDURES)
            rows.append(
                TrackRow(
                    key=f"a:{index}",
                    kind="item",
                    label=x.label,
                    track=track,
                    item_id=x.id,
                    state="added",
                    note="added by the physician",
                    caution=_caution(advised),
                    added_index=index,
                )
            )
    return rows


def _caution(avoid_reason: str | None) -> str:
    if avoid_reason is None:
        return ""
    return f"the assessment advises avoiding it: {avoid_reason}"


def _state(tid: str, accepted: set[str], declined: dict[str, str]) -> RowState:
    if tid in accepted:
        return "accepted"
    if tid in declined:
        return "declined"
    return "suggested"


def checkpoint_rows(a: Assessment, plan: Plan | None) -> list[CheckpointRow]:
    """The plan's checkpoints by date, then the suggestions not yet in the plan.

    A planned checkpoint is the suggestion it came from when it follows up the same thing and
    its label differs at most in the interval it names (a re-dated "4-week" review became a
    "3-week" one); its label is then the engine's, and re-dating may rewrite the interval."""
    planned = list(plan.checkpoints) if plan is not None else []
    track_of = {c.about: c.track for c in a.checkpoints}
    engine = {(c.about, interval_family(c.label)) for c in a.checkpoints}
    if_not = {c.about: c.if_not for c in reversed(a.checkpoints)}  # the first about each
    if_not_of = {(c.about, interval_family(c.label)): c.if_not for c in a.checkpoints}
    rows = []
    for i, c in sorted(enumerate(planned), key=lambda p: (p[1].date, p[0])):
        about = c.about or ""
        family = interval_family(c.label)
        rows.append(
            CheckpointRow(
                key=f"p:{i}",
                date=c.date,
                label=c.label,
                about=c.about,
                track=(track_of.get(about) or L.treatment_track(about) or "") if about else "",
                planned=True,
                plan_index=i,
                about_words=L.about(about) if about else "",
                done=c.done,
                family=family,
                from_engine=(about, family) in engine,
                if_not=if_not_of.get((about, family)) or if_not.get(about, ""),
            )
        )
    taken = {(c.about, interval_family(c.label)) for c in planned}
    for i, s in enumerate(a.checkpoints):
        family = interval_family(s.label)
        if (s.about, family) in taken:
            continue
        rows.append(
            CheckpointRow(
                key=f"s:{i}",
                date=s.date,
                label=s.label,
                about=s.about,
                track=s.track,
                about_words=L.about(s.about),
                family=family,
                from_engine=True,
                if_not=s.if_not,
            )
        )
    return rows


# ---------------------------------------------------------------- plan edits (pure)


def with_accepted(plan: Plan, tid: str) -> Plan:
    return plan.model_copy(
        update={
            "accepted": [*[x for x in plan.accepted if x != tid], tid],
            "declined": [d for d in plan.declined if d.id != tid],
        }
    )


def with_declined(plan: Plan, tid: str, reason: str) -> Plan:
    return plan.model_copy(
        update={
            "accepted": [x for x in plan.accepted if x != tid],
            "declined": [
                *[d for d in plan.declined if d.id != tid],
                Declined(id=tid, reason=reason),
            ],
        }
    )


def with_undone(plan: Plan, row: TrackRow) -> Plan:
    if row.state == "added":
        return plan.model_copy(
            update={"added": [x for i, x in enumerate(plan.added) if i != row.added_index]}
        )
    return plan.model_copy(
        update={
            "accepted": [x for x in plan.accepted if x != row.item_id],
            "declined": [d for d in plan.declined if d.id != row.item_id],
        }
    )


def with_added(plan: Plan, item: Added) -> Plan:
    return plan.model_copy(update={"added": [*plan.added, item]})


def with_checkpoint(
    plan: Plan,
    row: CheckpointRow,
    date: dt.date | None = None,
    visit_date: dt.date | None = None,
) -> Plan:
    """Take a proposal into the plan (optionally re-dated) or re-date a planned one.

    Re-dated, an engine's label that names its interval says the new one ("4-week function
    review" moved to 21 days after the visit: "3-week function review"); a done mark stays."""
    when = date or row.date
    label = row.label
    if row.from_engine and visit_date is not None:
        label = relabel(label, (row.date - visit_date).days, (when - visit_date).days)
    new = PlannedCheckpoint(date=when, label=label, about=row.about, done=row.done)
    cps = list(plan.checkpoints)
    if row.planned:
        cps[row.plan_index] = new
    else:
        cps.append(new)
    cps.sort(key=lambda c: c.date)
    return plan.model_copy(update={"checkpoints": cps})


def with_done(plan: Plan, row: CheckpointRow, today: dt.date) -> Plan:
    """Mark a planned checkpoint done today, or, done already, not done."""
    cps = list(plan.checkpoints)
    old = cps[row.plan_index]
    cps[row.plan_index] = old.model_copy(update={"done": None if old.done else today})
    return plan.model_copy(update={"checkpoints": cps})


def without_checkpoint(plan: Plan, row: CheckpointRow) -> Plan:
    cps = [c for i, c in enumerate(plan.checkpoints) if i != row.plan_index]
    return plan.model_copy(update={"checkpoints": cps})


# ---------------------------------------------------------------- the widget

NARROW = 100  # columns: below this the diagnosis and the tracks do not fit side by side
SHORT = 26  # rows: below this four full boxes leave the tracks two or three lines


class AssessmentPane(Widget):
    """Split pane: diagnosis | tracks + avoid/safety; checkpoints + goals below."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("plus", "add_item", "Add item…", key_display="+", id="assessment_pane.add"),
        Binding("w", "toggle_diagnosis", "Diagnosis / plan", id="assessment_pane.diagnosis"),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.assessment: Assessment | None = None
        self.plan: Plan | None = None
        self.visit: Visit | None = None
        self.previous: Visit | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="ap-summary", markup=False)
        with Horizontal(id="ap-split"):
            with VerticalScroll(id="ap-left") as left:
                left.border_title = "Working diagnosis"
                yield DiagnosisView(id="ap-diagnosis")
            with Vertical(id="ap-right"):
                tracks = TrackList(id="ap-tracks")
                tracks.border_title = "Plan tracks: suggestions, the physician decides"
                tracks.border_subtitle = "a accept · d decline · u undo · r why · + add"
                yield tracks
                with VerticalScroll(id="ap-safety-box") as box:
                    box.border_title = "Medication safety and avoid (always shown)"
                    yield SafetyPanel(id="ap-safety")
        with Horizontal(id="ap-bottom"):
            cps = CheckpointList(id="ap-checkpoints")
            cps.border_title = "Dated checkpoints"
            cps.border_subtitle = "a add to plan · e edit date · x done · del remove"
            yield cps
            with VerticalScroll(id="ap-goals-box") as goals:
                goals.border_title = "Functional goals"
                yield GoalList(id="ap-goals")

    def on_mount(self) -> None:
        self._refresh_view()

    def on_resize(self, event: events.Resize) -> None:
        if not event.size.area:  # a hidden tab: keep the classes for when it shows
            return
        narrow, short = event.size.width < NARROW, event.size.height < SHORT
        if (narrow, short) == (self.has_class("-narrow"), self.has_class("-short")):
            return
        self.set_class(narrow, "-narrow")
        self.set_class(short, "-short")
        if not narrow and self.has_class("-diagnosis"):
            self.remove_class("-diagnosis")
        self._refresh_view()
        self.refresh_bindings()

    @property
    def compact(self) -> bool:
        return self.has_class("-narrow") or self.has_class("-short")

    def focus(self, scroll_visible: bool = True) -> AssessmentPane:
        """Focusing the pane focuses its tracks, where the decisions are made."""
        self.query_one(TrackList).focus(scroll_visible)
        return self

    # ------------------------------------------------------------ data in

    def load(
        self,
        assessment: Assessment,
        plan: Plan | None,
        visit: Visit,
        previous: Visit | None = None,
    ) -> None:
        """Show this assessment and plan; parts whose inputs did not change are not redrawn."""
        self.assessment, self.plan, self.visit, self.previous = assessment, plan, visit, previous
        if self.is_mounted:
            self._refresh_view()

    def _refresh_view(self) -> None:
        a, visit = self.assessment, self.visit
        if a is None or visit is None:
            return
        self.query_one(DiagnosisView).show(a)
        summary = diagnosis_summary(a)
        summary.append("  (w: full diagnosis)", style="italic")
        self.query_one("#ap-summary", Static).update(summary)
        self.query_one(TrackList).show(track_rows(a, self.plan))
        self.query_one(SafetyPanel).show(a, self.compact)
        self.query_one(CheckpointList).show(checkpoint_rows(a, self.plan))
        self.query_one(GoalList).show(visit, self.previous)

    # ------------------------------------------------------------ messages up

    def _commit(self, plan: Plan) -> None:
        """Show the new plan at once (the next key builds on it) and send it up whole."""
        self.plan = plan
        self._refresh_view()
        self.post_message(PlanChanged(plan))

    def _today(self) -> dt.date:
        """The app's today (the production app's is injectable, for tests and snapshots)."""
        today = getattr(self.app, "today", None)
        return today() if callable(today) else dt.date.today()

    @property
    def _base(self) -> Plan:
        return self.plan if self.plan is not None else Plan()

    @on(TrackList.Requested)
    def _track_request(self, event: TrackList.Requested) -> None:
        event.stop()
        row = event.row
        if event.verb == "undo":
            self._commit(with_undone(self._base, row))
        elif row.item_id is None:
            return
        elif event.verb == "accept":
            self._commit(with_accepted(self._base, row.item_id))
        elif event.verb == "decline":
            item_id = row.item_id

            def declined(reason: str | None) -> None:
                if reason is not None:
                    self._commit(with_declined(self._base, item_id, reason))

            self.app.push_screen(DeclineDialog(row.label, row.declined_reason), declined)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "add_item":
            return self.assessment is not None
        if action == "toggle_diagnosis":
            return self.has_class("-narrow")  # side by side, both are always in view
        return True

    def action_toggle_diagnosis(self) -> None:
        """Narrow: the full working diagnosis in place of the plan, and back."""
        self.toggle_class("-diagnosis")
        if self.has_class("-diagnosis"):
            self.query_one("#ap-left").focus()
        else:
            self.query_one(TrackList).focus()

    def action_add_item(self) -> None:
        current = self.query_one(TrackList).current
        track = current.track if current is not None and current.track in TRACKS else None

        def added(item: Added | None) -> None:
            if item is not None:
                self._commit(with_added(self._base, item))

        self.app.push_screen(AddItemDialog(track or "coordination"), added)

    @on(CheckpointList.Requested)
    def _checkpoint_request(self, event: CheckpointList.Requested) -> None:
        event.stop()
        row = event.row
        if event.verb == "accept":
            self._commit(with_checkpoint(self._base, row))
        elif event.verb == "remove":
            self._commit(without_checkpoint(self._base, row))
        elif event.verb == "done":
            self._commit(with_done(self._base, row, self._today()))
        elif event.verb == "edit_date":
            earliest = self.visit.visit.date if self.visit is not None else None

            def dated(date: dt.date | None) -> None:
                if date is not None:
                    self._commit(with_checkpoint(self._base, row, date, earliest))

            self.app.push_screen(CheckpointDateDialog(row.label, row.date, earliest), dated)
