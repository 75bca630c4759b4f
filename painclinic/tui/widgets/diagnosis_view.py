"""The working diagnosis, left half of the assessment pane.

Same order and wording as the CLI (`painclinic.cli.render`): red flags first (urgency in words),
then mechanism (primary, components, grades, evidence), root level(s) with evidence, the
differential with evidence, and instrument scores. Wrapped lines hang under their text.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from painclinic.model import Assessment
from painclinic.notes import labels as L
from painclinic.notes.workup_text import not_indicated_line, when_words

from .hanging import Hang, Stack, hang, stack
from .red_flag_banner import URGENCY_MARK


def diagnosis_renderable(a: Assessment) -> Stack:
    parts: list[Hang | Text] = []

    def heading(title: str) -> None:
        if parts:
            parts.append(Text(""))
        parts.append(Text(title, style="bold underline"))

    def bullets(lines: list[str], indent: int = 2) -> None:
        parts.extend(hang("- ", line, indent) for line in lines)

    heading("Red flags")
    if a.red_flags:
        for f in a.red_flags:
            tag = Text.assemble((f" {URGENCY_MARK[f.urgency]} ", "bold reverse"), " ")
            parts.append(hang(tag, Text.assemble((f.label, "bold"), f": {f.suggests}")))
            parts.append(hang("Action: ", f.action, 4))
            if f.evidence:
                parts.append(hang("Because: ", Text("; ".join(f.evidence), style="italic"), 4))
        if a.deferred_reason:
            parts.append(hang("", Text(a.deferred_reason, style="bold"), 2))
    else:
        parts.append(hang("", "No red flags found among the items asked.", 2))

    m = a.mechanism
    heading("Mechanism")
    parts.append(
        hang("", Text.assemble((m.primary, "bold"), f" (components: {', '.join(m.components)})"), 2)
    )
    for component, grade in m.grades.items():
        parts.append(hang("grade: ", Text(f"{component} {grade}", style="italic"), 2))
    bullets(m.evidence)

    heading("Root level")
    if a.localization:
        for r in a.localization:
            parts.append(hang("", Text(f"{r.root} {r.side}", style="bold"), 2))
            bullets(r.evidence, 4)
    else:
        parts.append(hang("", "No root localized.", 2))

    heading("Differential")
    if a.differential:
        for i, d in enumerate(a.differential, 1):
            parts.append(hang(f"{i}. ", Text(d.label, style="bold"), 2))
            bullets(d.evidence, 5)
    else:
        parts.append(hang("", "No diagnosis met its criteria on this record.", 2))

    if a.workup or a.not_indicated:
        # After the differential: the tests that confirm or exclude it.
        heading("Work-up (suggested)")
        for w in a.workup:
            tag = Text(f"[{when_words(w.when)}] ", style="bold" if w.when == "same_day" else "")
            parts.append(hang(tag, Text(w.label, style="bold"), 2))
            parts.append(hang("Why: ", Text(w.rationale, style="italic"), 4))
        if a.not_indicated:
            parts.append(hang("", not_indicated_line(a.not_indicated), 2))

    if a.scores:
        heading("Scores")
        for sid, s in a.scores.items():
            tag = Text("[✓ met] " if s.met else "[  not met] ", style="bold" if s.met else "")
            parts.append(hang(tag, f"{L.instrument(sid)}: {s.detail}", 2))
    return stack(parts)


def diagnosis_summary(a: Assessment) -> Text:
    """One line for a narrow pane: red flags, mechanism, root, the leading diagnosis."""
    line = Text()
    if a.red_flags:
        n = len(a.red_flags)
        line.append(f" {URGENCY_MARK[a.red_flags[0].urgency]} ", style="bold reverse")
        line.append(f" {n} red flag{'s' if n > 1 else ''}", style="bold")
    else:
        line.append("No red flags")
    line.append(f" · {a.mechanism.primary}")
    if a.localization:
        line.append(" · " + ", ".join(f"{r.root} {r.side}" for r in a.localization), "bold")
    if a.differential:
        line.append(f" · 1. {a.differential[0].label}")
    return line


class DiagnosisView(Static):
    """Renders `diagnosis_renderable`; `show()` does nothing when its inputs have not changed."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self._key: tuple[object, ...] | None = None

    def show(self, a: Assessment) -> None:
        key = (
            a.red_flags,
            a.deferred_reason,
            a.mechanism,
            a.localization,
            a.differential,
            a.scores,
        )
        if key == self._key:
            return
        self._key = key
        self.update(diagnosis_renderable(a))
