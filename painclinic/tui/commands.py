"""Command palette commands that depend on the screen (posting's commands.py)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class VisitCommands(Provider):
    """On a visit: jump to red flags, export the note, add a track item, switch tabs."""

    def _commands(self) -> list[tuple[str, str, str]]:
        screen = self.screen
        if type(screen).__name__ == "PatientsScreen":
            return [
                ("New patient", "Register a new patient", "new_patient"),
                ("Search patients", "Find a patient by name or id", "focus_search"),
                ("Practice cases", "Resident practice: teaching cases", "practice"),
            ]
        if not hasattr(screen, "session"):
            return []  # practice screens and dialogs: their keys are in the footer
        return [
            ("Jump to red flags", "Show the red-flag screen of the checklist", "red_flags"),
            ("Export note", "Write the visit note (md, txt, html, pdf, fhir, ics)", "export"),
            ("Add track item", "Add your own item to a plan track", "add_item"),
            ("Go to history", "History checklist", "tab('history')"),
            ("Go to exam", "Motor, sensory, reflex grid and special tests", "tab('exam')"),
            ("Go to body map", "Dermatome body map", "tab('body_map')"),
            ("Go to assessment", "Working diagnosis, tracks and checkpoints", "tab('assessment')"),
        ]

    async def discover(self) -> Hits:
        for name, help_text, action in self._commands():
            yield DiscoveryHit(name, partial(self.screen.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(self.screen.run_action, action),
                    help=help_text,
                )
