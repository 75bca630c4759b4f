"""The key line at the foot of every screen: Textual's `Footer`, rebuilt only when what it
shows changes.

Textual's footer rebuilds all its key widgets every time the screen's bindings *may* have
changed, which is several times per focus change; on a visit (700 widgets) that was a third
of the time a Tab took (about 190 ms a Tab on a 2-core machine before this). Most focus
changes move between fields with the same keys, so this footer compares what it would show
and keeps its widgets when nothing differs; signals that arrive before a pending rebuild has
run are folded into it.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[object, ...] | None = None
        self._rebuild_pending = False

    def _what_it_shows(self) -> tuple[object, ...]:
        return tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show or binding.action == "command_palette"
        )

    def bindings_changed(self, screen: Screen[Any]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or self._rebuild_pending:
            return
        if self.is_attached and screen is self.screen:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        self._rebuild_pending = False
        if not self.is_attached:
            return
        shows = self._what_it_shows()
        if shows == self._shown:
            return
        self._shown = shows
        await self.recompose()
