"""Patient list: incremental search, last visit, next checkpoint, unacknowledged emergencies;
a patient's visits; new patient, new initial visit and new follow-up visit (each asked
first, saying what will be created), deleting a visit made by mistake, and the worklist."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import DataTable, Header, Input, Static

from painclinic.model import Patient
from painclinic.store import CorruptFileError, PatientSummary, StoreError, VisitSummary
from painclinic.tui.commands import PatientCommands
from painclinic.tui.dialogs.confirm import ConfirmDialog
from painclinic.tui.emergencies import WORDS, EmergencyCache
from painclinic.tui.screens.base import ClinicScreen
from painclinic.tui.widgets.key_footer import KeyFooter
from painclinic.worklist import next_due

EMPTY = "No patients yet: press n to add one."


class PatientsScreen(ClinicScreen):
    COMMANDS = {PatientCommands}
    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="search"),
        Binding("n", "new_patient", "New patient", id="new_patient"),
        Binding("i", "new_initial", "New visit", id="new_initial"),
        Binding("f", "new_follow_up", "Follow-up", id="new_follow_up"),
        Binding("o", "open_visit", "Open", id="open_visit"),
        Binding("delete,D", "delete_visit", "Delete visit", id="delete_visit"),
        Binding("w", "worklist", "Worklist", id="worklist"),
        Binding("r", "practice", "Practice", id="practice"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._all: list[PatientSummary] = []
        self._emergencies: EmergencyCache | None = None  # made on mount: it needs the store

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Search patients by name or id  ( / )", id="search")
        yield Static("", id="patients-note")
        with Horizontal():
            with Vertical(id="patients-pane"):
                yield DataTable(id="patients", cursor_type="row", zebra_stripes=True)
            with Vertical(id="visits-pane"):
                yield Static("Visits", id="visits-title", classes="pane-title")
                yield DataTable(id="visits", cursor_type="row")
                yield Static("", id="patient-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._emergencies = EmergencyCache(self.app.store)
        table = self.query_one("#patients", DataTable)
        # The alert column has no title: it is empty (no width) until a visit needs it, and then
        # its cells say it all in words.
        table.add_columns("Id", "Name", "Age", "Last visit", "Visits", "Next checkpoint", "")
        self.query_one("#visits", DataTable).add_columns("Visit", "Date", "Type", "", "Complaint")
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        self.reload()
        self.app.save_state(visit=None, tab=None)

    # ------------------------------------------------------------ data

    def reload(self) -> None:
        listed = self.app.store.patients()
        self._all = list(listed)
        for problem in listed.problems:  # quarantined on the way: everyone else is listed
            self._report(problem)
        self._fill(self.query_one("#search", Input).value)

    def _report(self, error: StoreError) -> None:
        """A damaged file met while drawing the lists: say where it went, keep going."""
        self.app.notify(str(error), severity="error", timeout=20)
        if isinstance(error, CorruptFileError):  # its patient left the store: drop the row
            gone = error.path.name.removesuffix(".json")
            self._all = [p for p in self._all if p.id != gone]

    def _alert(self, summary: VisitSummary | None) -> str:
        if summary is None or self._emergencies is None:
            return ""
        try:
            return self._emergencies.words(summary)
        except StoreError as exc:
            self._report(exc)
            return ""

    def _latest(self, patient_id: str) -> VisitSummary | None:
        try:
            visits = self.app.store.visits(patient_id)
        except StoreError as exc:
            self._report(exc)
            return None
        return visits[-1] if visits else None

    def _fill(self, search: str) -> None:
        needle = search.strip().lower()
        table = self.query_one("#patients", DataTable)
        keep = self._selected_patient()
        table.clear()
        today = self.app.today()
        flagged: list[str] = []
        for p in list(self._all):
            if needle and needle not in p.name.lower() and needle not in p.id.lower():
                continue
            overdue, upcoming = next_due((d for d, _, _ in p.checkpoints), today)
            nxt = f"OVERDUE {overdue}" if overdue else str(upcoming or "")
            age = f"{p.age or '?'} {(p.sex or '?')[0].upper()}"
            # the latest visit is the one a physician would reopen; earlier ones show in the
            # visit list
            alert = self._alert(self._latest(p.id))
            if p not in self._all:
                continue  # its file was just found damaged and quarantined (reported)
            if alert:
                flagged.append(p.id)
            table.add_row(
                p.id, p.name, age, str(p.last_visit or ""), str(p.visit_count), nxt, alert, key=p.id
            )
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep))
        self._note(needle, flagged)
        self._show_visits()

    def _note(self, needle: str, flagged: list[str]) -> None:
        """One line above the list, visible at any width: the empty state, or who is flagged."""
        text: Content | None = None
        if not self._all:
            text = Content.styled(EMPTY, "bold")
        elif not self.query_one("#patients", DataTable).row_count:
            text = Content(f"No patient matches {needle!r}: press / and change the search.")
        elif flagged:
            more = f" and {len(flagged) - 4} more" if len(flagged) > 4 else ""
            text = Content.assemble(
                (WORDS, "bold $text-error"),
                f" in the latest visit of {', '.join(flagged[:4])}{more}",
            )
        note = self.query_one("#patients-note", Static)
        note.update(text or "")
        note.display = text is not None

    def _selected_patient(self) -> str | None:
        table = self.query_one("#patients", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value)

    def _selected_visit(self) -> str | None:
        visits = self.query_one("#visits", DataTable)
        if not visits.row_count:
            return None
        return str(visits.coordinate_to_cell_key(visits.cursor_coordinate).row_key.value)

    def _show_visits(self) -> None:
        visits = self.query_one("#visits", DataTable)
        visits.clear()
        pid = self._selected_patient()
        if pid is None:
            self.query_one("#visits-title", Static).update("Visits")
            return
        try:
            summaries = self.app.store.visits(pid)
        except StoreError as exc:
            self._report(exc)
            self.query_one("#visits-title", Static).update(f"The visits of {pid} cannot be shown")
            return
        for v in reversed(summaries):  # newest first: the one you usually want
            visits.add_row(
                v.id,
                str(v.date),
                v.type.replace("_", "-"),
                self._alert(v),
                v.chief_complaint,
                key=v.id,
            )
        title = f"Visits of {pid} (newest first)" if summaries else f"{pid} has no visits: press i"
        self.query_one("#visits-title", Static).update(title)

    # ------------------------------------------------------------ events

    @on(Input.Changed, "#search")
    def _search(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one("#patients", DataTable).focus()

    @on(DataTable.RowHighlighted, "#patients")
    def _patient_highlighted(self) -> None:
        self._show_visits()

    @on(DataTable.RowSelected, "#patients")
    def _patient_selected(self) -> None:
        self.query_one("#visits", DataTable).focus()

    @on(DataTable.RowSelected, "#visits")
    def _visit_selected(self) -> None:
        self.action_open_visit()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()  # the delete key shows only on the visit list

    # ------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete_visit":
            return self.focused is self.query_one("#visits", DataTable)
        return True

    def _ask(self, question: str, yes: str, then: Callable[[], None], *, default: bool) -> None:
        def answered(ok: bool | None) -> None:
            if ok:
                then()

        self.app.push_screen(ConfirmDialog(question, yes, "Cancel", default=default), answered)

    def _no_patient(self) -> None:
        hint = "add one with n" if not self._all else "choose one in the list first"
        self.app.notify(f"No patient selected: {hint}.", severity="warning")

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_new_patient(self) -> None:
        from painclinic.tui.dialogs.patient_form import NewPatientDialog

        def created(patient: Patient | None) -> None:
            if patient is None:
                return
            from painclinic.session import VisitSession

            session = VisitSession.new_initial(self.app.store, patient, self.app.today())
            self.app.notify(f"Registered {session.visit.patient.id}; initial visit started.")
            self.app.start_visit(session)

        self.app.push_screen(NewPatientDialog(), created)

    def action_new_initial(self) -> None:
        pid = self._selected_patient()
        if pid is None:
            self._no_patient()
            return
        today = self.app.today()

        def start() -> None:
            from painclinic.session import VisitSession

            patient = self.app.store.get_patient(pid)
            self.app.start_visit(VisitSession.new_initial(self.app.store, patient, today))

        name = next((p.name for p in self._all if p.id == pid), pid)
        self._ask(
            f"Start a new initial visit for {pid} ({name}) dated {today}?",
            "Start visit",
            start,
            default=True,  # enter = what was just asked for
        )

    def action_new_follow_up(self) -> None:
        pid = self._selected_patient()
        if pid is None:
            self._no_patient()
            return
        visits = self.app.store.visits(pid)
        if not visits:
            self.app.notify(
                "No earlier visit to follow up; start a new visit with i.", severity="warning"
            )
            return
        previous, today = visits[-1].id, self.app.today()

        def start() -> None:
            from painclinic.session import VisitSession

            self.app.start_visit(VisitSession.new_follow_up(self.app.store, previous, today))

        self._ask(
            f"Start a follow-up of {previous} dated {today}?",
            "Start follow-up",
            start,
            default=True,
        )

    def action_delete_visit(self) -> None:
        visit_id = self._selected_visit()
        if visit_id is None:
            self.app.notify("No visit selected.", severity="warning")
            return

        def delete() -> None:
            try:
                self.app.store.delete_visit(visit_id)
            except StoreError as exc:
                self.app.notify(str(exc), severity="error", timeout=15)
                return
            self.app.notify(
                f"Deleted {visit_id}: moved aside, not destroyed. "
                f"To bring it back: painclinic undelete-visit {visit_id}",
                timeout=15,
            )
            self.reload()

        self.app.push_screen(
            ConfirmDialog(
                f"Delete visit {visit_id}? It leaves the lists and the worklist; it is moved "
                "aside (audited), and `painclinic undelete-visit` brings it back.",
                "Delete",
                "Keep",
                default=False,  # a reflexive enter keeps the visit
            ),
            lambda ok: delete() if ok else None,
        )

    def action_worklist(self) -> None:
        from painclinic.tui.screens.worklist import WorklistScreen

        self.app.push_screen(WorklistScreen())

    def action_practice(self) -> None:
        from painclinic.tui.screens.practice.cases import PracticeCasesScreen

        self.app.push_screen(PracticeCasesScreen())

    def action_open_visit(self) -> None:
        visit_id = self._selected_visit()
        if visit_id is None:
            return
        try:
            self.app.open_visit(visit_id)
        except StoreError as exc:
            self.app.notify(str(exc), severity="error", timeout=15)
