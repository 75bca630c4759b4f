"""The base of the app's screens: `self.app` typed as the clinic app (Textual's `getters.app`),
so a screen reaches the store, the clock and the remembered state through checked attributes
instead of untyped `self.app.store  # type: ignore` reaches."""

from __future__ import annotations

from textual import getters
from textual.screen import Screen

from painclinic.tui.app import PainClinicApp


class ClinicScreen(Screen[None]):
    app = getters.app(PainClinicApp)
