"""A visit: red-flag banner on top; tabs for the history checklist, the exam, the dermatome
body map and the assessment split pane. A coordinator only: widgets post changes, the session
validates, recomputes and autosaves, and the screen hands the results back down."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Header, Static, TabbedContent, TabPane

from painclinic.knowledge import load_knowledge
from painclinic.session import VisitSession
from painclinic.store import ConflictError, StoreError
from painclinic.tui.commands import VisitCommands
from painclinic.tui.messages import DraftTyped, FieldChanged, PlanChanged
from painclinic.tui.screens.base import ClinicScreen
from painclinic.tui.widgets.assessment_pane import AssessmentPane
from painclinic.tui.widgets.body_map import BodyMap
from painclinic.tui.widgets.checklist import ChecklistView
from painclinic.tui.widgets.exam_grid import ExamGrid
from painclinic.tui.widgets.follow_up import FollowUpPanel
from painclinic.tui.widgets.key_footer import KeyFooter
from painclinic.tui.widgets.red_flag_banner import RedFlagBanner

TABS = ("history", "exam", "body_map", "assessment")


class VisitScreen(ClinicScreen):
    COMMANDS = {VisitCommands}
    CSS_PATH = ["../styles/checklist.tcss", "../styles/assessment.tcss", "../styles/visit.tcss"]
    BINDINGS = [
        Binding(
            RedFlagBanner.ACK_KEY,
            "acknowledge_flag",
            "Acknowledge flag",
            id="acknowledge",
            priority=True,
        ),
        Binding("f2", "tab('history')", "History", id="tab_history"),
        Binding("f3", "tab('exam')", "Exam", id="tab_exam"),
        Binding("f4", "tab('body_map')", "Body map", id="tab_body_map"),
        Binding("f5", "tab('assessment')", "Assessment", id="tab_assessment"),
        Binding("ctrl+r", "red_flags", "Red flags", id="red_flags"),
        Binding("ctrl+e", "export", "Export note", id="export"),
        Binding("ctrl+l", "reload", "Reload saved", id="reload", show=False),
        Binding("escape", "back", "Patients", id="back"),
    ]

    def __init__(self, session: VisitSession, tab: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.kb = load_knowledge()
        self.initial_tab = tab if tab in TABS else "history"
        self._drafts: dict[str, str] = {}  # unsaved typing, journaled in the store as typed
        self.last_update_ms = 0.0
        self.last_change_ms = 0.0
        # The number of the key (app.keys_dispatched) whose escape asked to leave the visit.
        self._leave_asked_at: int | None = None

    def compose(self) -> ComposeResult:
        s = self.session
        yield Header()
        yield RedFlagBanner(id="banner")
        yield Static("", id="visit-title")
        with TabbedContent(initial=self.initial_tab, id="tabs"):
            with TabPane("History (F2)", id="history"), Vertical():
                if s.visit.visit.type == "follow_up":
                    yield FollowUpPanel(s.pending_responses(), id="follow-up")
                yield ChecklistView(self.kb, ("history", "red_flags", "screens"), id="checklist")
            with TabPane("Exam (F3)", id="exam"):
                yield ExamGrid(self.kb, id="exam-grid")
            with TabPane("Body map (F4)", id="body_map"), VerticalScroll():
                yield BodyMap(id="body-map")
            with TabPane("Assessment (F5)", id="assessment"):
                yield AssessmentPane(id="pane")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "painclinic"
        # The banner is read, not navigated: its acknowledgement key works from anywhere.
        self.query_one(RedFlagBanner).can_focus = False
        self._refresh_all()
        self._focus_tab(self.initial_tab)
        self.app.save_state(
            visit=self.session.visit_id,
            tab=self.initial_tab,
        )
        self._restore_drafts()

    # ------------------------------------------------------------ the draft journal

    def _restore_drafts(self) -> None:
        """Put back what was typed but not saved when the app last stopped (a kill, a crash)."""
        found = self.app.store.drafts(self.session.visit_id)
        if not found:
            return
        checklist = self.query_one(ChecklistView)
        restored = [key for key, text in found.items() if checklist.restore_draft(key, text)]
        self._drafts = {k: found[k] for k in restored}
        if restored:
            self.app.notify(
                f"Restored what was typed but not yet saved in {len(restored)} "
                f"field{'s' if len(restored) != 1 else ''} when the app last stopped.",
                title="Unsaved typing restored",
                timeout=15,
            )

    @on(DraftTyped)
    def _draft_typed(self, event: DraftTyped) -> None:
        event.stop()
        if self._drafts.get(event.key) == event.text:
            return
        self._drafts[event.key] = event.text
        self._save_drafts()

    def _drafts_done(self, path: str) -> None:
        """A field's value was saved: its journal entries are no longer needed."""
        done = [k for k in self._drafts if k == path or k.startswith(path + "#")]
        for key in done:
            del self._drafts[key]
        if done:
            self._save_drafts()

    def _save_drafts(self) -> None:
        try:
            self.app.store.save_drafts(self.session.visit_id, self._drafts)
        except (OSError, StoreError) as exc:
            self._status(f"typing not journaled ({type(exc).__name__})")

    # ------------------------------------------------------------ pushing data down

    def _refresh_all(self, *, replace: bool = False) -> None:
        started = time.perf_counter()
        s = self.session
        v = s.visit
        who = v.patient.name or v.patient.id
        self.query_one("#visit-title", Static).update(
            f"[b]{who}[/b]  {v.patient.id} · {v.age() or '?'} y · {v.patient.sex or ''} · "
            f"{v.visit.type.replace('_', '-')} visit {v.visit.date} · {s.visit_id}"
        )
        banner = self.query_one(RedFlagBanner)
        banner.flags = list(s.assessment.red_flags)
        banner.acknowledged = s.acknowledged()
        self.query_one(ChecklistView).load(s.record, s.facts, s.assessment.scores, replace=replace)
        self.query_one(ExamGrid).load(s.record, s.facts, s.assessment.scores)
        body = self.query_one(BodyMap)
        body.markings = s.record.get("history", {}).get("body_map", {})
        body.localized = tuple((r.root, r.side) for r in s.assessment.localization)
        self.query_one(AssessmentPane).load(s.assessment, v.plan, v, s.previous)
        self._show_follow_up(v.visit.type == "follow_up")
        self._status()
        self.last_update_ms = (time.perf_counter() - started) * 1000

    def _show_follow_up(self, follow_up: bool) -> None:
        """The follow-up box over the history, also when the visit type is changed to (or
        from) a follow-up in the visit itself."""
        panels = self.query(FollowUpPanel)
        if follow_up and not panels:
            panel = FollowUpPanel(self.session.pending_responses(), id="follow-up")
            panel.show_comparison(self.session.visit, self.session.previous)  # shown on mount
            self.query_one(ChecklistView).parent.mount(panel, before=0)  # type: ignore[union-attr]
            return
        for panel in panels:
            panel.display = follow_up
            if follow_up:
                panel.show_comparison(self.session.visit, self.session.previous)

    def _status(self, problem: str | None = None) -> None:
        s = self.session
        when = s.saved_at.astimezone().strftime(" %H:%M:%S")
        shown = when if getattr(self.app, "show_save_times", True) else ""
        text = f"Saved{shown} · revision {s.revision}"
        if problem:
            text = f"NOT SAVED: {problem}"
        self.sub_title = text

    # ------------------------------------------------------------ changes coming up

    def _apply(self, change: Any, path: str | None = None) -> None:
        """Run one session change; refresh on success, explain on refusal or conflict."""
        started = time.perf_counter()
        try:
            self._apply_change(change, path)
        finally:
            # validation + assessment + autosave + widget updates, for bench/startup.py
            self.last_change_ms = (time.perf_counter() - started) * 1000

    def _apply_change(self, change: Any, path: str | None) -> None:
        try:
            problem = change()
        except ConflictError as exc:
            self.app.notify(
                f"{exc}  Press ctrl+l to load the saved version.",
                title="Saved elsewhere",
                severity="error",
                timeout=30,
            )
            self._status("another terminal saved this visit (ctrl+l to load it)")
            return
        except StoreError as exc:
            self.app.notify(str(exc), severity="error", timeout=30)
            self._status(str(exc))
            return
        if problem:
            if path:
                for widget in (self.query_one(ChecklistView), self.query_one(ExamGrid)):
                    widget.show_error(path, problem)
            self._status(problem)
            return
        if path:
            for widget in (self.query_one(ChecklistView), self.query_one(ExamGrid)):
                widget.show_error(path, None)
            self._drafts_done(path)
        self._refresh_all()

    @on(FieldChanged)
    def _field_changed(self, event: FieldChanged) -> None:
        event.stop()
        self._apply(lambda: self.session.set(event.path, event.value), event.path)

    @on(BodyMap.Changed)
    def _body_map_changed(self, event: BodyMap.Changed) -> None:
        event.stop()
        self._apply(lambda: self.session.set("history.body_map", event.markings or None))

    @on(PlanChanged)
    def _plan_changed(self, event: PlanChanged) -> None:
        event.stop()
        self._apply(lambda: self.session.set_plan(event.plan))

    @on(RedFlagBanner.Acknowledged)
    def _acknowledged(self, event: RedFlagBanner.Acknowledged) -> None:
        event.stop()
        now = dt.datetime.now(dt.UTC)
        self._apply(lambda: self.session.acknowledge(event.flag_id, now))

    @on(FollowUpPanel.ResponseRecorded)
    def _response(self, event: FollowUpPanel.ResponseRecorded) -> None:
        event.stop()
        self._apply(
            lambda: self.session.record_response(
                event.intervention, event.relief_percent, event.hours, event.weeks
            )
        )

    @on(TabbedContent.TabActivated)
    def _tab(self, event: TabbedContent.TabActivated) -> None:
        self.app.save_state(
            visit=self.session.visit_id,
            tab=event.pane.id,
        )

    # ------------------------------------------------------------ actions

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self._focus_tab(tab)

    def _focus_tab(self, tab: str) -> None:
        """Put the keyboard where the work of that tab starts."""
        target = {
            "history": "#checklist",
            "exam": "#exam-grid",
            "body_map": "#body-map",
            "assessment": "#pane TrackList",
        }[tab]  # decisions happen in the tracks
        widget = self.query_one(target)
        if isinstance(widget, ExamGrid):
            self.call_after_refresh(widget.focus_first)
            return
        focusable = (
            widget
            if widget.can_focus
            else next((w for w in widget.query("*") if w.can_focus and w.display), None)
        )
        if focusable is not None:
            self.call_after_refresh(focusable.focus)

    def action_red_flags(self) -> None:
        self.action_tab("history")
        self.query_one(ChecklistView).show_section("red_flags")

    def action_acknowledge_flag(self) -> None:
        self.query_one(RedFlagBanner).action_acknowledge()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "acknowledge_flag":
            return bool(self.session.assessment.red_flags)
        return True

    async def action_add_item(self) -> None:
        self.action_tab("assessment")
        await self.query_one(AssessmentPane).run_action("add_item")

    def action_reload(self) -> None:
        """Take the other terminal's version: every field shows it, the one being typed in
        too, and nothing is written until the physician types again."""
        self.session.reload()
        self._drafts = {}
        self._save_drafts()
        self._refresh_all(replace=True)
        self.app.notify("Loaded the saved version of this visit.")

    def unacknowledged_emergencies(self) -> list[str]:
        done = self.session.acknowledged()
        return [
            f.id
            for f in self.session.assessment.red_flags
            if f.urgency == "emergency" and f.id not in done
        ]

    def action_back(self) -> None:
        """Escape: leave the visit, but only on a second escape straight after the first.

        Escape is also how a field and a section are left, and one press too many dropped
        the user on the patient list, where the next letters opened other screens (ux walk).
        """
        if self.unacknowledged_emergencies():
            self.action_leave()  # says why it cannot leave yet
            return
        pressed = self.app.keys_dispatched
        if self._leave_asked_at is None or pressed - self._leave_asked_at > 1:
            self._leave_asked_at = pressed
            self.app.notify(
                "Press escape again to go back to the patient list (the visit is saved).",
                title="Leave the visit?",
                timeout=4,
            )
            return
        self.action_leave()

    def action_leave(self) -> None:
        if self.unacknowledged_emergencies():
            self._leave_asked_at = None
            self.app.notify(
                "An EMERGENCY red flag is not acknowledged. Arrange the referral it asks for, "
                f"then press {RedFlagBanner.ACK_KEY} to acknowledge it before leaving the visit.",
                title="Acknowledge the emergency first",
                severity="error",
                timeout=15,
            )
            return
        self.app.pop_screen()

    def action_export(self) -> None:
        from painclinic.tui.dialogs.export import ExportDialog

        def chosen(choice: tuple[str, bool, bool] | None) -> None:
            if choice:
                self._export(*choice)

        self.app.push_screen(ExportDialog(), chosen)

    def _export(self, fmt: str, deidentify: bool, keep_text: bool = False) -> None:
        from painclinic.exports import export_note

        # Every valid edit is saved as it is typed: the note is of the saved visit.
        try:
            path = export_note(
                self.app.store,
                self.session.visit_id,
                fmt,
                deidentify=deidentify,
                keep_text=keep_text,
            )
        except StoreError as exc:
            self.app.notify(str(exc), title="Not exported", severity="error", timeout=20)
            return
        self.app.notify(f"Wrote {path}", title="Note exported", timeout=20)
