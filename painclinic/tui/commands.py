"""Command palette providers, one per screen (each screen names its own in `COMMANDS`, as
posting's commands.py does), so a renamed screen cannot silently lose its commands."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from textual.command import DiscoveryHit, Hit, Hits, Provider

from painclinic.notes import FORMATS


class ScreenCommands(Provider):
    """Commands that run an action of the screen the palette was opened on."""

    COMMANDS: ClassVar[list[tuple[str, str, str]]] = []  # (name, help, screen action)

    async def discover(self) -> Hits:
        for name, help_text, action in self.COMMANDS:
            yield DiscoveryHit(name, partial(self.screen.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action in self.COMMANDS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(self.screen.run_action, action),
                    help=help_text,
                )


class PatientCommands(ScreenCommands):
    COMMANDS: ClassVar[list[tuple[str, str, str]]] = [
        ("New patient", "Register a new patient", "new_patient"),
        ("Search patients", "Find a patient by name or id", "focus_search"),
        ("Worklist", "Due and overdue checkpoints across patients", "worklist"),
        ("Practice cases", "Resident practice: teaching cases", "practice"),
    ]


class WorklistCommands(ScreenCommands):
    """On the worklist: the three filters, mark done, back to the patients."""

    COMMANDS: ClassVar[list[tuple[str, str, str]]] = [
        ("Show overdue", "Only checkpoints past their date", "show('overdue')"),
        ("Show due this week", "Overdue and due within 7 days", "show('week')"),
        ("Show all checkpoints", "Every planned checkpoint, by date", "show('all')"),
        ("Mark checkpoint done", "Record the highlighted checkpoint as done today", "mark_done"),
        ("Open visit", "The visit that planned the highlighted checkpoint", "open_visit"),
    ]


class VisitCommands(ScreenCommands):
    """On a visit: jump to red flags, export the note, add a track item, switch tabs."""

    COMMANDS: ClassVar[list[tuple[str, str, str]]] = [
        ("Jump to red flags", "Show the red-flag screen of the checklist", "red_flags"),
        ("Export note", f"Write the visit note ({', '.join(FORMATS)})", "export"),
        ("Add track item", "Add your own item to a plan track", "add_item"),
        ("Go to history", "History checklist", "tab('history')"),
        ("Go to exam", "Motor, sensory, reflex grid and special tests", "tab('exam')"),
        ("Go to body map", "Dermatome body map", "tab('body_map')"),
        ("Go to assessment", "Working diagnosis, tracks and checkpoints", "tab('assessment')"),
        ("Back to patients", "Leave the visit (it is saved as typed)", "leave"),
    ]
