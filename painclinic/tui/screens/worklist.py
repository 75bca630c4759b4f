"""The worklist: planned checkpoints across patients, overdue first, then by date.

What is due is `painclinic.worklist.worklist` (the same list as `painclinic checkpoints`); this
screen only filters it (overdue / due within a week / all), says in words how late or near each
one is ("OVERDUE 3 d", "today"), opens the visit that planned a checkpoint (enter) and marks a
checkpoint done (x) through the visit session, so the change is validated, saved with its
revision and audited like any other edit. Only the physician's planned checkpoints are listed
(the rule in `painclinic.worklist`): the engine's proposals wait in the assessment.
"""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Header, Static

from painclinic.model import Plan
from painclinic.store import Listing, RecordStore, StoreError
from painclinic.tui.commands import WorklistCommands
from painclinic.tui.screens.base import ClinicScreen
from painclinic.tui.widgets.key_footer import KeyFooter
from painclinic.worklist import WorkItem, worklist

WEEK = 7
# (filter id, what the filter line says, what an empty list says)
FILTERS = (
    ("week", "overdue and due within 7 days", "Nothing overdue or due within 7 days."),
    ("overdue", "overdue only", "Nothing overdue."),
    ("all", "all planned checkpoints", "No checkpoints are planned for any patient."),
)


def when(date: dt.date, today: dt.date) -> str:
    """How late or near, in words (never colour alone)."""
    days = (date - today).days
    if days < 0:
        return f"OVERDUE {-days} d"
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} d"


class WorklistScreen(ClinicScreen):
    CSS_PATH = "../styles/worklist.tcss"
    COMMANDS = {WorklistCommands}
    BINDINGS = [
        Binding("f", "cycle_filter", "Filter", id="worklist.filter"),
        Binding("x", "mark_done", "Mark done", id="worklist.done"),
        Binding("o", "open_visit", "Open visit", id="worklist.open"),
        Binding("escape", "back", "Patients", id="worklist.back"),
    ]

    def __init__(self, show: str = "week") -> None:
        super().__init__()
        self.show = show
        self.items: Listing[WorkItem] = Listing()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="worklist-filter")
        yield DataTable(id="worklist", cursor_type="row", zebra_stripes=True)
        yield Static(id="worklist-empty")
        yield Static(id="worklist-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "painclinic - worklist"
        table = self.query_one(DataTable)
        # the visit and the patient id are in the detail line: the checkpoint keeps the width
        table.add_columns("When", "Date", "Patient", "Checkpoint")
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        self.reload()  # a visit opened from here may have re-dated or added checkpoints

    # ------------------------------------------------------------ data

    def reload(self) -> None:
        today = self.app.today()
        if self.show == "overdue":
            self.items = worklist(self.app.store, today, overdue_only=True)
        elif self.show == "week":
            self.items = worklist(self.app.store, today, due_within_days=WEEK)
        else:
            self.items = worklist(self.app.store, today)
        for problem in self.items.problems:  # quarantined on the way: everyone else is listed
            self.app.notify(str(problem), severity="error", timeout=20)
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for n, item in enumerate(self.items):
            table.add_row(
                when(item.date, today),
                str(item.date),
                item.patient_name,
                item.label,
                key=str(n),
            )
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        self._show_filter(today)
        self._show_empty()
        self._show_detail()

    def _show_filter(self, today: dt.date) -> None:
        described = next(text for key, text, _ in FILTERS if key == self.show)
        overdue = sum(1 for i in self.items if i.overdue(today))
        self.query_one("#worklist-filter", Static).update(
            Content.assemble(
                ("Showing ", "bold"),
                described,
                " (f: change) · ",
                (f"{len(self.items)} checkpoint{'s' if len(self.items) != 1 else ''}", "bold"),
                f", {overdue} overdue" if overdue else "",
                f"\nToday {today} · enter opens the visit, x marks the checkpoint done",
            )
        )

    def _show_empty(self) -> None:
        empty = self.query_one("#worklist-empty", Static)
        if self.items:
            empty.display = False
            return
        said = next(text for key, _, text in FILTERS if key == self.show)
        if not self.app.store.patients():
            said = "No patients yet: press escape, then n to add one."
        elif self.show != "all":
            said += " Press f to show all planned checkpoints."
        empty.update(Content.styled(said, "bold"))
        empty.display = True

    def _selected(self) -> WorkItem | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return self.items[
            int(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))
        ]

    def _show_detail(self) -> None:
        item = self._selected()
        detail = self.query_one("#worklist-detail", Static)
        if item is None:
            detail.update("")
            return
        detail.update(
            Content.assemble(
                (item.label, "bold"),
                f" · {item.patient_name} ({item.patient_id}) · visit {item.visit_id}\n",
                f"Due {item.date} ({when(item.date, self.app.today())})",
            )
        )

    # ------------------------------------------------------------ events

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    @on(DataTable.RowSelected)
    def _chosen(self) -> None:
        self.action_open_visit()

    # ------------------------------------------------------------ actions

    def action_cycle_filter(self) -> None:
        keys = [key for key, _, _ in FILTERS]
        self.show = keys[(keys.index(self.show) + 1) % len(keys)]
        self.reload()

    def action_show(self, show: str) -> None:
        self.show = show
        self.reload()

    def action_open_visit(self) -> None:
        item = self._selected()
        if item is None:
            return
        try:
            self.app.open_visit(item.visit_id)
        except StoreError as exc:
            self.app.notify(str(exc), severity="error", timeout=15)

    def action_mark_done(self) -> None:
        item = self._selected()
        if item is None:
            self.app.notify("No checkpoint selected.", severity="warning")
            return
        today = self.app.today()
        try:
            problem = mark_done(self.app.store, item, today)
        except StoreError as exc:
            self.app.notify(str(exc), severity="error", timeout=15)
            return
        if problem:
            self.app.notify(problem, severity="warning", timeout=10)
            return
        self.app.notify(
            f"Marked done today ({today}): {item.label} for {item.patient_name} ({item.visit_id})."
        )
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()


def mark_done(store: RecordStore, item: WorkItem, today: dt.date) -> str | None:
    """Set `done` on the planned checkpoint behind `item`; returns a problem, or None.

    Through `VisitSession` (validated, saved on the visit's revision, so a visit open in
    another terminal is refused rather than overwritten)."""
    from painclinic.session import VisitSession

    session = VisitSession.open(store, item.visit_id)
    plan = session.visit.plan or Plan()
    match = [
        n for n, c in enumerate(plan.checkpoints) if (c.date, c.label) == (item.date, item.label)
    ]
    if not match:
        return f"{item.visit_id} no longer plans {item.label!r} on {item.date}: reopen the list."
    checkpoint = plan.checkpoints[match[0]]
    if checkpoint.done is not None:
        return f"{item.label!r} was already marked done on {checkpoint.done}."
    checkpoints = list(plan.checkpoints)
    checkpoints[match[0]] = checkpoint.model_copy(update={"done": today})
    return session.set_plan(plan.model_copy(update={"checkpoints": checkpoints}))
