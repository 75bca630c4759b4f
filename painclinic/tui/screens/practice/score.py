"""The score of one practice attempt: total and per category, critical misses, the expert's
answer with its teaching point and sources for every missed or wrong item, and the expert plan
beside the resident's. `e` writes the Markdown feedback (`feedback_markdown`) to exports/."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Header, Static

from painclinic.knowledge import load_knowledge
from painclinic.practice import (
    CATEGORIES,
    LABELS,
    Attempt,
    Finding,
    ScoreReport,
    TeachingCase,
    feedback_markdown,
    reveal,
)
from painclinic.tui.screens.base import ClinicScreen
from painclinic.tui.screens.practice.run import item_labels, shown_value
from painclinic.tui.widgets.key_footer import KeyFooter


class PracticeScoreScreen(ClinicScreen):
    CSS_PATH = "../../styles/practice.tcss"
    BINDINGS = [
        Binding("e", "export", "Export feedback", id="practice.export"),
        Binding("escape", "back", "Cases", id="practice.back"),
    ]

    def __init__(self, case: TeachingCase, attempt: Attempt, report: ScoreReport) -> None:
        super().__init__()
        self.case = case
        self.attempt = attempt
        self.report = report
        self.kb = load_knowledge()
        self.prompts = item_labels(self.kb)
        self.exported: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._total(), id="score-total")
        critical = Static(self._critical(), id="score-critical")
        critical.display = bool(self.report.critical_misses)
        yield critical
        with Horizontal(id="score-body"):
            with Vertical(id="score-left"):
                yield DataTable(id="score-categories", cursor_type="row", zebra_stripes=True)
                yield DataTable(id="score-plans", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="score-findings"):
                yield from self._findings()
        yield Static("", id="score-export")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "painclinic - practice score"
        self.sub_title = f"{self.case.case.title} · {self.attempt.resident}"
        self.query_one("#score-findings").border_title = "What was missed or wrong, and why"
        self._fill_categories()
        self._fill_plans()
        self.query_one("#score-findings").focus()

    # ------------------------------------------------------------ words

    def label(self, item: str) -> str:
        """An id or field path in the words a resident saw on screen."""
        kb = self.kb
        if item.startswith("red flag "):
            flag = item.removeprefix("red flag ")
            return f"red flag: {kb.red_flags[flag].label if flag in kb.red_flags else flag}"
        for table in (kb.conditions, kb.treatments, kb.red_flags):
            if item in table:
                return table[item].label
        if item in self.prompts:
            return self.prompts[item]
        return item if "." in item else item.replace("_", " ")  # e.g. a drug class to avoid

    def expert(self, f: Finding) -> str:
        if f.expert.startswith(("ask: ", "examine: ")):
            verb, item = f.expert.split(": ", 1)
            return f"{verb} this. The case had: {shown_value(reveal(self.case, item))}"
        if f.expert.startswith("avoid "):
            return f"avoid {self.label(f.expert.removeprefix('avoid '))}"
        if f.category == "red_flag_screen" and f.expert in self.kb.red_flags:
            return f"a red flag here: {self.label(f.expert)}"
        if f.category == "mechanism":
            return f"{f.expert} (you said {self.attempt.assessment.mechanism or 'nothing'})"
        if f.category == "plan":
            return "the expert plan includes it"
        if f.category == "differential":
            return "the expert differential includes it"
        return self.label(f.expert)

    def sources(self, ids: list[str]) -> str:
        return "; ".join(self.kb.sources[s].citation if s in self.kb.sources else s for s in ids)

    def _total(self) -> Content:
        r = self.report
        verdict = (
            ("PASSED", "bold $text-success") if r.passed else ("NOT PASSED", "bold $text-error")
        )
        why = ""
        if not r.passed:
            why = (
                "  (a critical miss fails the attempt whatever the total)"
                if r.critical_misses
                else "  (70% is needed to pass)"
            )
        return Content.assemble(
            ("Score ", "bold"),
            (f"{r.total_percent:g}%", "bold"),
            "  ",
            verdict,
            (why, "$text-muted"),
            "\n",
            (self.case.case.title, "bold"),
            (f"  case {self.case.id} · {self.case.case.difficulty} · resident ", "$text-muted"),
            self.attempt.resident,
            (
                f" · asked {len(self.attempt.asked)}, examined {len(self.attempt.examined)}",
                "$text-muted",
            ),
        )

    def _critical(self) -> Content:
        lines = [
            Content.styled(
                f" ✗ CRITICAL MISS ({len(self.report.critical_misses)}): THIS FAILS THE ATTEMPT "
                "WHATEVER THE TOTAL ",
                "bold",
            )
        ]
        for f in self.report.critical_misses:
            label = self.label(f.item).rstrip("?.")
            lines.append(Content(f" • {LABELS[f.category]}: {label} - {f.point}"))
        return Content("\n").join(lines)

    def _findings(self) -> list[Static]:
        """One block per missed or wrong item, grouped by category, in the key's order."""
        missed = [f for f in self.report.findings if not f.ok]
        if not missed:
            return [Static(Content.styled("Nothing: the attempt matches the expert key.", "bold"))]
        blocks: list[Static] = []
        for category in CATEGORIES:
            mine = [f for f in missed if f.category == category]
            if not mine:
                continue
            blocks.append(Static(LABELS[category].upper(), classes="finding-category"))
            for f in mine:
                head: list[Content | str | tuple[str, str]] = [("✗ ", "bold $text-error")]
                if f.critical:
                    head += [(" CRITICAL ", "bold white on $error"), " "]
                head.append((self.label(f.item), "bold"))
                blocks.append(Static(Content.assemble(*head), classes="finding-head"))
                body = Content("\n").join(
                    [
                        Content.assemble(("Expert: ", "bold"), self.expert(f)),
                        Content.assemble(("Why: ", "bold"), f.point),
                        Content.styled(f"Sources: {self.sources(f.source)}", "$text-muted"),
                    ]
                )
                blocks.append(Static(body, classes="finding-body"))
        return blocks

    # ------------------------------------------------------------ tables

    def _fill_categories(self) -> None:
        table = self.query_one("#score-categories", DataTable)
        table.border_title = "By category"
        table.add_columns("Category", "Points", "Score", "")
        critical = {f.category for f in self.report.critical_misses}
        for category in CATEGORIES:
            c = self.report.categories[category]
            if not c.possible:
                table.add_row(LABELS[category], "-", "not scored", "", key=category)
                continue
            mark = Text("CRITICAL MISS", style="bold red") if category in critical else ""
            table.add_row(
                LABELS[category],
                f"{c.earned:g} / {c.possible:g}",
                f"{c.percent:g}%",
                mark,
                key=category,
            )

    def _fill_plans(self) -> None:
        table = self.query_one("#score-plans", DataTable)
        table.border_title = "Expert plan beside yours"
        table.add_column("Plan item", width=32)
        table.add_column("Expert", width=8)
        table.add_column("You", width=10)
        expert = list(self.case.key.plan.answer)
        avoid = {a.id for a in self.case.key.must_avoid}
        yours = list(self.attempt.plan.accepted)
        yes, no = Text("✓ plan", style="bold"), Text("-", style="dim")
        for item in dict.fromkeys([*expert, *yours, *sorted(avoid)]):
            if item in avoid:
                them = Text("✗ avoid", style="bold red")
            else:
                them = yes if item in expert else no
            if item in yours and item in avoid:
                you = Text("✗ planned", style="bold red")  # and the expert says avoid
            elif item in yours:
                you = yes
            elif item in self.attempt.plan.avoid:
                you = Text("avoid", style="bold")
            else:
                you = no
            table.add_row(self.label(item), them, you, key=item)

    # ------------------------------------------------------------ actions

    def action_export(self) -> None:
        from painclinic.exports import export_feedback
        from painclinic.practice import resident_key

        text = feedback_markdown(self.case, self.attempt, self.report)
        who = resident_key(self.attempt.resident)
        path = export_feedback(self.app.store, self.case.id, who, text)
        self.exported = str(path)
        self.query_one("#score-export", Static).update(
            Content.assemble(("Feedback written to ", "bold"), str(path))
        )
        self.app.notify(f"Wrote {path}", title="Feedback exported", timeout=20)

    def action_back(self) -> None:
        self.app.pop_screen()
