"""A readable Rich rendering of an assessment for the terminal (`painclinic assess`).

Order follows the tempo of care: red flags first, then the working diagnosis, the tracks,
the work-up, what to avoid, medication safety and the dated checkpoints. Red flags are marked
in words and symbols, never by colour alone.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from painclinic.model import TRACKS, Assessment
from painclinic.notes.workup_text import not_indicated_line, when_words

URGENCY_STYLE = {"emergency": "bold white on red", "urgent": "bold red", "soon": "yellow"}


def render_assessment(a: Assessment, title: str) -> RenderableType:
    parts: list[RenderableType] = []
    if a.red_flags:
        flags = Table.grid(padding=(0, 1))
        for f in a.red_flags:
            flags.add_row(
                Text(f"!! {f.urgency.upper()}", style=URGENCY_STYLE[f.urgency]),
                Text(f"{f.label}: {f.suggests}", style="bold"),
            )
            flags.add_row("", Text(f"Action: {f.action}"))
            flags.add_row("", Text("Evidence: " + "; ".join(f.evidence), style="dim"))
        parts.append(Panel(flags, title="RED FLAGS", border_style="red"))
        if a.deferred_reason:
            parts.append(Text(a.deferred_reason, style="bold red"))
    else:
        parts.append(Text("No red flags found among the items asked.", style="green"))

    dx = Table.grid(padding=(0, 1))
    m = a.mechanism
    dx.add_row(
        Text("Mechanism", style="bold"),
        Text(f"{m.primary} (components: {', '.join(m.components)})"),
    )
    for grade in m.grades.values():
        dx.add_row("", Text(f"grade: {grade}", style="dim"))
    for ev in m.evidence:
        dx.add_row("", Text(f"- {ev}", style="dim"))
    roots = ", ".join(f"{r.root} {r.side}" for r in a.localization) or "no root localized"
    dx.add_row(Text("Root level", style="bold"), Text(roots))
    for r in a.localization[:1]:
        dx.add_row("", Text("- " + "; ".join(r.evidence), style="dim"))
    for i, d in enumerate(a.differential):
        dx.add_row(
            Text("Differential", style="bold") if i == 0 else "",
            Text(f"{i + 1}. {d.label}: " + "; ".join(d.evidence)),
        )
    for sid, s in a.scores.items():
        dx.add_row(
            Text("Scores", style="bold") if sid == next(iter(a.scores)) else "",
            Text(f"{sid}: {'met' if s.met else 'not met'} ({s.detail})"),
        )
    parts.append(Panel(dx, title="Working diagnosis"))

    tracks: list[RenderableType] = []
    labels = {i.id: i.label for items in a.tracks.values() for i in items}
    if a.first_steps:
        first = Text("First steps: ", style="bold green")
        first.append("; ".join(labels.get(i, i) for i in a.first_steps))
        tracks.append(first)
    for track in TRACKS:
        items = a.tracks[track]
        tracks.append(Text(track.capitalize(), style="bold underline"))
        if not items:
            tracks.append(Text("  (nothing suggested)", style="dim"))
        for item in items:
            # `1` a first step, `>` the planned next step, `+` if needed (CONTRACT 5.2)
            line = Text({"first": "  1 ", "next": "  > "}.get(item.order, "  + "))
            line.append(item.label, style="bold")
            line.append(f"  [{item.id}]", style="cyan")
            line.append(f"  {item.order.replace('_', ' ')}", style="green")
            if item.choose_one:
                line.append(f"  choose one: {item.choose_one.replace('_', ' ')}", style="magenta")
            if item.evidence_strength:
                line.append(f"  evidence: {item.evidence_strength}", style="dim")
            tracks.append(line)
            tracks.append(Padding(Text(item.rationale, style="dim"), (0, 0, 0, 4)))
            if item.fit:
                tracks.append(Padding(Text(item.fit, style="italic"), (0, 0, 0, 4)))
            if item.dose is not None:
                tracks.append(Padding(Text(f"Dose: {item.dose.summary()}"), (0, 0, 0, 4)))
    parts.append(Panel(Group(*tracks), title="Plan tracks (suggestions; the physician decides)"))

    if a.workup or a.not_indicated:
        tests: list[RenderableType] = []
        for w in a.workup:
            line = Text("  ? ")
            line.append(w.label, style="bold")
            line.append(f"  [{w.id}]", style="cyan")
            # Same-day tests carry the urgency in words, not by colour alone.
            line.append(f"  {when_words(w.when)}", style="bold red" if w.when == "same_day" else "")
            tests.append(line)
            tests.append(Padding(Text(w.rationale, style="dim"), (0, 0, 0, 4)))
        if a.not_indicated:
            tests.append(Text(not_indicated_line(a.not_indicated)))
        parts.append(Panel(Group(*tests), title="Work-up (suggestions; the physician orders)"))

    if a.avoid:
        avoid = Table.grid(padding=(0, 1))
        for avoided in a.avoid:
            avoid.add_row(Text(f"x {avoided.id}", style="bold"), Text(avoided.reason))
        parts.append(Panel(avoid, title="Avoid", border_style="yellow"))

    safety = Table.grid(padding=(0, 1))
    safety.add_row(Text("MME/day", style="bold"), Text(f"{a.safety.mme_per_day:g}"))
    safety.add_row(
        Text("Acetaminophen", style="bold"), Text(f"{a.safety.acetaminophen_mg_per_day:g} mg/day")
    )
    for alert in a.safety.alerts:
        safety.add_row(
            Text(f"! {alert.severity}", style="red" if alert.severity == "high" else "yellow"),
            Text(f"{alert.title()}: {alert.message}"),
        )
    for note in a.safety.notes:
        safety.add_row("", Text(note, style="dim"))
    parts.append(Panel(safety, title="Medication safety"))

    if a.checkpoints:
        cps = Table(show_header=True, header_style="bold", box=None)
        cps.add_column("Date", no_wrap=True)
        cps.add_column("Checkpoint")
        cps.add_column("Track", no_wrap=True)
        cps.add_column("If not met")
        for c in a.checkpoints:
            cps.add_row(c.date.isoformat(), c.label, c.track, c.if_not)
        parts.append(Panel(cps, title="Dated checkpoints"))
    parts.append(
        Text(f"Knowledge base {a.knowledge.version} ({a.knowledge.sha256[:12]})", style="dim")
    )
    return Panel(Group(*parts), title=title, border_style="blue")
