"""The painclinic app: an app factory shared by the CLI, the tests and the snapshot apps.

Screens are thin coordinators: the patient list, and a visit (history, exam, body map,
assessment). Everything typed goes through `VisitSession`, which validates, recomputes the
assessment and autosaves; the last open visit and tab are remembered so reopening the app
returns to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from painclinic.store import RecordStore, Store, StoreError
from painclinic.tui.keygate import OrderedKeysApp

if TYPE_CHECKING:
    from painclinic.session import VisitSession


class PainClinicApp(OrderedKeysApp):
    """A terminal clinic assistant for pain-management physicians."""

    TITLE = "painclinic"
    CSS_PATH = "styles/app.tcss"
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="help"),
        Binding("ctrl+t", "toggle_theme", "Theme", id="theme"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    def __init__(
        self,
        store: RecordStore,
        today: Callable[[], dt.date] = dt.date.today,
        remember: bool = True,
        show_save_times: bool = True,
    ) -> None:
        super().__init__()
        self.store = store
        self.today = today
        self.remember = remember
        self.show_save_times = show_save_times  # off for deterministic snapshots
        # Read once, before the patient list (which clears it when shown) can run.
        self._resume = self.remembered()
        self.theme = self._resume.get("theme", "textual-dark")

    def get_default_screen(self) -> Screen:
        """The patient list is the base screen (no blank screen drawn first)."""
        from painclinic.tui.screens.patients import PatientsScreen

        return PatientsScreen()

    def on_mount(self) -> None:
        last = self._resume.get("visit")
        if last:
            try:
                self.open_visit(last, tab=self._resume.get("tab"))
            except StoreError:
                self.notify("The last open visit could not be reopened.", severity="warning")

    # ------------------------------------------------------------ navigation

    def open_visit(self, visit_id: str, tab: str | None = None) -> None:
        from painclinic.session import VisitSession
        from painclinic.tui.screens.visit import VisitScreen

        self.push_screen(VisitScreen(VisitSession.open(self.store, visit_id), tab=tab))

    def start_visit(self, session: VisitSession) -> None:
        from painclinic.tui.screens.visit import VisitScreen

        self.push_screen(VisitScreen(session, tab="history"))

    def start_practice(self, case_id: str, resident: str) -> None:
        """Open a teaching case for a resident (the case list stays underneath)."""
        from painclinic.practice import get_case
        from painclinic.tui.screens.practice.cases import PracticeCasesScreen
        from painclinic.tui.screens.practice.visit import PracticeVisitScreen

        case = get_case(case_id)
        self.push_screen(PracticeCasesScreen(resident=resident))
        self.push_screen(PracticeVisitScreen(case, resident))

    # ------------------------------------------------------------ internal errors

    def _fatal_error(self) -> None:
        """Stop with a short message and a redacted report (Textual's own traceback prints
        local variables, which can hold patient data, into the terminal)."""
        from painclinic.tui.crash import crash_message, redacted_report

        self.bell()
        error = self._exception
        report = None
        if error is not None:
            try:
                report = self.store.save_crash_report(redacted_report(error))
            except (OSError, StoreError):
                report = None  # the message still goes out; the report is a convenience
        self._exit_renderables.append(crash_message(report))
        self._close_messages_no_wait()

    # ------------------------------------------------------------ actions

    def action_help(self) -> None:
        from painclinic.tui.dialogs.help import HelpScreen

        self.push_screen(HelpScreen(self.screen))

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"
        self.save_state(theme=self.theme)

    def get_system_commands(self, screen: Screen) -> list[SystemCommand]:
        commands = list(super().get_system_commands(screen))
        commands.append(
            SystemCommand(
                "Toggle light/dark theme",
                "Readable on any clinic terminal",
                self.action_toggle_theme,
            )
        )
        return commands

    # ------------------------------------------------------------ remembered state

    def remembered(self) -> dict[str, str]:
        """What the app remembers (ids and names only); nothing when `remember` is off."""
        return self.store.ui_state() if self.remember else {}

    def save_state(self, **changes: str | None) -> None:
        """Remember the open visit and tab (ids only, no clinical text) in the store."""
        if not self.remember:
            return
        state = {**self.remembered(), **changes}
        self.store.save_ui_state({k: v for k, v in state.items() if v is not None})


def make_app(
    data_dir: str | Path | None = None,
    *,
    store: RecordStore | None = None,
    today: Callable[[], dt.date] = dt.date.today,
    remember: bool = True,
    show_save_times: bool = True,
) -> PainClinicApp:
    """The app on a store: the CLI's --data-dir, or a store the caller opened (the tests'
    temporary folders, the snapshot apps), never both."""
    if store is None:
        from painclinic.store import resolve_data_dir

        store = Store(resolve_data_dir(data_dir))
    elif data_dir is not None:
        raise ValueError("make_app takes a data folder or a store, not both")
    return PainClinicApp(
        store,
        today=today,
        remember=remember,
        show_save_times=show_save_times,
    )
