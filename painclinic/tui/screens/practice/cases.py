"""Resident practice in the app: choose a teaching case, work it, get scored.

Three screens, one file each:

- `PracticeCasesScreen` (here): the case library with the resident's done / not done marks,
  filtered by region, difficulty and done; the resident's name (remembered).
- `PracticeVisitScreen` (practice_visit.py): the vignette, then the clinic's own checklist and
  exam grid, where asking an item reveals the case's finding instead of typing it; then the
  resident's own diagnosis and plan. The engine's suggestions stay hidden.
- `PracticeScoreScreen` (practice_score.py): total and per-category score, critical misses,
  every missed or wrong item with the expert answer, teaching point and sources; export.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Header, Input, Static

from painclinic.practice import Attempt, ScoreReport, TeachingCase, attempts, load_cases
from painclinic.tui.screens.base import ClinicScreen
from painclinic.tui.widgets.key_footer import KeyFooter

DIFFICULTIES = ("beginner", "intermediate", "advanced")
DONE_FILTERS = (None, "not done", "done")


class PracticeCasesScreen(ClinicScreen):
    CSS_PATH = "../../styles/practice.tcss"
    BINDINGS = [
        Binding("s", "start", "Start case", id="practice.start"),
        Binding("r", "cycle_region", "Region", id="practice.region"),
        Binding("d", "cycle_difficulty", "Difficulty", id="practice.difficulty"),
        Binding("t", "cycle_done", "Done / not done", id="practice.done"),
        Binding("a", "all_cases", "All cases", id="practice.all"),
        Binding("n", "focus_name", "Your name", id="practice.name"),
        Binding("escape", "back", "Patients", id="practice.back"),
    ]

    def __init__(
        self, cases: tuple[TeachingCase, ...] | None = None, resident: str | None = None
    ) -> None:
        super().__init__()
        self.cases = cases if cases is not None else load_cases()
        self._resident = resident
        self.region_filter: str | None = None
        self.difficulty_filter: str | None = None
        self.done_filter: str | None = None
        self.history: list[tuple[Attempt, ScoreReport]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            "Practice: pick a teaching case and work it as in clinic. Answers are revealed "
            "only for what you ask or examine; nothing is suggested until you are scored.",
            id="practice-intro",
        )
        yield Input(placeholder="Your name (attempts are saved under it)", id="resident")
        yield Static(id="practice-filters")
        yield DataTable(id="practice-cases", cursor_type="row", zebra_stripes=True)
        yield Static(id="practice-case-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "painclinic - practice"
        table = self.query_one(DataTable)
        table.add_columns("Case", "Title", "Region", "Difficulty", "Your attempts")
        remembered = self._resident
        if remembered is None:
            state = self.app.remembered()
            remembered = state.get("resident", "")
        self.query_one("#resident", Input).value = remembered or ""
        self._fill()
        if remembered:
            table.focus()
        else:
            self.query_one("#resident", Input).focus()

    def on_screen_resume(self) -> None:
        self._fill()  # a finished attempt changes the done marks

    # ------------------------------------------------------------ data

    @property
    def resident(self) -> str:
        return self.query_one("#resident", Input).value.strip()

    def _regions(self) -> list[str]:
        return sorted({c.case.region for c in self.cases})

    def _fill(self) -> None:
        store = self.app.store
        self.history = attempts(store, self.resident) if self.resident else []
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for case in self.cases:
            info = case.case
            mine = [r for a, r in self.history if a.case == case.id]
            if self.region_filter and info.region != self.region_filter:
                continue
            if self.difficulty_filter and info.difficulty != self.difficulty_filter:
                continue
            if self.done_filter == "done" and not mine:
                continue
            if self.done_filter == "not done" and mine:
                continue
            table.add_row(
                info.id,
                info.title,
                info.region.replace("_", " "),
                info.difficulty,
                self._done_text(mine),
                key=info.id,
            )
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        self._show_filters()
        self._show_detail()

    @staticmethod
    def _done_text(mine: list[ScoreReport]) -> Text:
        if not mine:
            return Text("not done", style="dim")
        best = max(r.total_percent for r in mine)
        passed = any(r.passed for r in mine)
        word = "passed" if passed else "not passed"
        return Text.assemble(("✓ done", "bold"), f" x{len(mine)}, best {best:g}% ({word})")

    def _show_filters(self) -> None:
        shown = self.query_one(DataTable).row_count
        who = self.resident or "nobody yet: type your name above (n)"
        self.query_one("#practice-filters", Static).update(
            Content.assemble(
                ("Region: ", "bold"),
                (self.region_filter or "all").replace("_", " "),
                " (r)  ",
                ("Difficulty: ", "bold"),
                self.difficulty_filter or "all",
                " (d)  ",
                ("Showing: ", "bold"),
                self.done_filter or "done and not done",
                " (t)  ",
                (f"{shown} of {len(self.cases)} cases (a shows all)", "$text-muted"),
                "\n",
                ("Resident: ", "bold"),
                who,
                ("   enter or s starts the highlighted case", "$text-muted"),
            )
        )

    def _selected(self) -> TeachingCase | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return next((c for c in self.cases if c.id == key.value), None)

    def _show_detail(self) -> None:
        detail = self.query_one("#practice-case-detail", Static)
        case = self._selected()
        if case is None:
            empty = (
                "No teaching cases found (data/cases/*.yaml)."
                if not self.cases
                else "No case matches these filters: press a to show all cases."
            )
            detail.update(Content.styled(empty, "italic"))
            return
        detail.update(
            Content.assemble(
                (case.case.title, "bold"),
                (f"  {case.case.difficulty} · {case.case.region.replace('_', ' ')}", "$text-muted"),
                "\n",
                case.case.vignette.strip(),
            )
        )

    # ------------------------------------------------------------ events

    @on(Input.Changed, "#resident")
    def _name_typed(self) -> None:
        self._fill()

    @on(Input.Submitted, "#resident")
    def _name_done(self) -> None:
        if self.resident:
            self.app.save_state(resident=self.resident)
        self.query_one(DataTable).focus()

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    @on(DataTable.RowSelected)
    def _selected_row(self) -> None:
        self.action_start()

    # ------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("cycle_region", "cycle_difficulty", "cycle_done", "all_cases", "start"):
            return not isinstance(self.focused, Input)  # letters type into the name field
        return True

    def action_focus_name(self) -> None:
        self.query_one("#resident", Input).focus()

    def _cycle(self, current: str | None, values: list[str | None]) -> str | None:
        return values[(values.index(current) + 1) % len(values)]

    def action_cycle_region(self) -> None:
        self.region_filter = self._cycle(self.region_filter, [None, *self._regions()])
        self._fill()

    def action_cycle_difficulty(self) -> None:
        self.difficulty_filter = self._cycle(self.difficulty_filter, [None, *DIFFICULTIES])
        self._fill()

    def action_cycle_done(self) -> None:
        self.done_filter = self._cycle(self.done_filter, list(DONE_FILTERS))
        self._fill()

    def action_all_cases(self) -> None:
        self.region_filter = self.difficulty_filter = self.done_filter = None
        self._fill()

    def action_start(self) -> None:
        case = self._selected()
        if case is None:
            return
        if not self.resident:
            self.app.notify("Type your name first: attempts are saved under it.")
            self.action_focus_name()
            return
        from painclinic.tui.screens.practice.visit import PracticeVisitScreen

        self.app.save_state(resident=self.resident)
        self.app.push_screen(PracticeVisitScreen(case, self.resident))

    def action_back(self) -> None:
        self.app.pop_screen()
