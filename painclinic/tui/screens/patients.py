"""Patient list: incremental search, last visit, next checkpoint; a patient's visits; new
patient, new initial visit and new follow-up visit."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Input, Static

from painclinic.model import Patient
from painclinic.store import PatientSummary, StoreError
from painclinic.tui.commands import PatientCommands
from painclinic.tui.screens.base import ClinicScreen
from painclinic.worklist import next_due


class PatientsScreen(ClinicScreen):
    COMMANDS = {PatientCommands}
    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="search"),
        Binding("n", "new_patient", "New patient", id="new_patient"),
        Binding("i", "new_initial", "New visit", id="new_initial"),
        Binding("f", "new_follow_up", "Follow-up", id="new_follow_up"),
        Binding("o", "open_visit", "Open", id="open_visit"),
        Binding("r", "practice", "Practice", id="practice"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._all: list[PatientSummary] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Search patients by name or id  ( / )", id="search")
        with Horizontal():
            with Vertical(id="patients-pane"):
                yield DataTable(id="patients", cursor_type="row", zebra_stripes=True)
            with Vertical(id="visits-pane"):
                yield Static("Visits", id="visits-title", classes="pane-title")
                yield DataTable(id="visits", cursor_type="row")
                yield Static("", id="patient-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#patients", DataTable)
        table.add_columns("Id", "Name", "Age", "Last visit", "Visits", "Next checkpoint")
        self.query_one("#visits", DataTable).add_columns("Visit", "Date", "Type", "Complaint")
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        self.reload()
        self.app.save_state(visit=None, tab=None)

    # ------------------------------------------------------------ data

    def reload(self) -> None:
        self._all = self.app.store.patients()
        self._fill(self.query_one("#search", Input).value)

    def _fill(self, search: str) -> None:
        needle = search.strip().lower()
        table = self.query_one("#patients", DataTable)
        table.clear()
        today = self.app.today()
        for p in self._all:
            if needle and needle not in p.name.lower() and needle not in p.id.lower():
                continue
            overdue, upcoming = next_due((d for d, _, _ in p.checkpoints), today)
            nxt = f"OVERDUE {overdue}" if overdue else str(upcoming or "")
            age = f"{p.age or '?'} {(p.sex or '?')[0].upper()}"
            table.add_row(
                p.id, p.name, age, str(p.last_visit or ""), str(p.visit_count), nxt, key=p.id
            )
        self._show_visits()

    def _selected_patient(self) -> str | None:
        table = self.query_one("#patients", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value)

    def _show_visits(self) -> None:
        visits = self.query_one("#visits", DataTable)
        visits.clear()
        pid = self._selected_patient()
        if pid is None:
            self.query_one("#visits-title", Static).update("Visits")
            return
        summaries = self.app.store.visits(pid)
        for v in reversed(summaries):  # newest first: the one you usually want
            visits.add_row(v.id, str(v.date), v.type.replace("_", "-"), v.chief_complaint, key=v.id)
        self.query_one("#visits-title", Static).update(f"Visits of {pid} (newest first)")

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

    # ------------------------------------------------------------ actions

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
            return
        from painclinic.session import VisitSession

        patient = self.app.store.get_patient(pid)
        session = VisitSession.new_initial(
            self.app.store,
            patient,
            self.app.today(),
        )
        self.app.start_visit(session)

    def action_new_follow_up(self) -> None:
        pid = self._selected_patient()
        if pid is None:
            return
        visits = self.app.store.visits(pid)
        if not visits:
            self.app.notify(
                "No earlier visit to follow up; start a new visit with i.", severity="warning"
            )
            return
        from painclinic.session import VisitSession

        session = VisitSession.new_follow_up(
            self.app.store,
            visits[-1].id,
            self.app.today(),
        )
        self.app.start_visit(session)

    def action_practice(self) -> None:
        from painclinic.tui.screens.practice.cases import PracticeCasesScreen

        self.app.push_screen(PracticeCasesScreen())

    def action_open_visit(self) -> None:
        visits = self.query_one("#visits", DataTable)
        if visits.row_count:
            key = visits.coordinate_to_cell_key(visits.cursor_coordinate).row_key
            visit_id = str(key.value)
        else:
            return
        try:
            self.app.open_visit(visit_id)
        except StoreError as exc:
            self.app.notify(str(exc), severity="error", timeout=15)
