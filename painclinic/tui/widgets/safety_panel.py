"""What to avoid and why, and the medication safety figures with their alerts and the
drug cautions that apply to this patient.

Always visible beside the tracks: an item in `avoid` never appears in a track, so this is
where the physician sees why it is missing.

Compact (the pane is small, e.g. 80x24): the names of everything to avoid come in one line
right after the figures, so the first two or three rows say what not to do; the reasons
follow below, where the box scrolls.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from painclinic.model import Assessment
from painclinic.notes import labels as L

from .hanging import Hang, Stack, hang, stack

SEVERITY_MARK = {"high": "!! HIGH", "moderate": "! MODERATE", "low": "* LOW"}


def safety_renderable(a: Assessment, compact: bool = False) -> Stack:
    """The figures first (they must never scroll away), then alerts, then what to avoid."""
    s = a.safety
    parts: list[Hang | Text] = [
        Text.assemble(
            ("MME/day ", "bold"),
            f"{s.mme_per_day:g}",
            ("   Acetaminophen ", "bold"),
            f"{s.acetaminophen_mg_per_day:g} mg/day",
            ("   Alerts ", "bold"),
            str(len(s.alerts)) if s.alerts else "none",
        )
    ]
    if compact and a.avoid:
        names = " · ".join(L.avoid(x.id) for x in a.avoid)
        parts.append(hang(Text("✗ Avoid: ", style="bold"), Text(names, style="bold")))
    for alert in s.alerts:
        tag = Text.assemble((f"ALERT {SEVERITY_MARK[alert.severity]}", "bold reverse"), " ")
        body = Text.assemble((f"{alert.title()}: ", "bold"), alert.message)
        parts.append(hang(tag, body))
    parts.extend(hang("", Text(note, style="italic"), 2) for note in s.notes)
    if s.cautions:
        parts.append(Text("Cautions for this patient", style="bold underline"))
        parts.extend(hang("! ", Text(c.line()), 2) for c in s.cautions)
    if a.avoid:
        title = "Why avoided" if compact else "Avoid (not in any track, and why)"
        parts.append(Text(title, style="bold underline"))
        for x in a.avoid:
            parts.append(hang("✗ ", Text.assemble((L.avoid(x.id), "bold"), f": {x.reason}"), 1))
    else:
        parts.append(Text.assemble(("Avoid ", "bold"), "nothing on this record"))
    return stack(parts)


class SafetyPanel(Static):
    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self._key: tuple[object, ...] | None = None
        self.compact = False

    def show(self, a: Assessment, compact: bool | None = None) -> None:
        if compact is not None:
            self.compact = compact
        key = (a.avoid, a.safety, self.compact)
        if key == self._key:
            return
        self._key = key
        self.update(safety_renderable(a, self.compact))
