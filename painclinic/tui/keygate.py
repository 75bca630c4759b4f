"""Keys handled one at a time, each to completion, in the order they were pressed.

Textual forwards a key to the widget focused *when the app reads it*, but most of what a key
does happens later: the key travels up the widget tree through each widget's own queue, the
app's non-priority bindings (Tab's "focus next", a row's "next item") run only when it gets
back to the app, and `Widget.focus()` is itself deferred. Keys typed faster than that round
trip (a fast typist while the assessment recomputes, a paste-like burst from tmux, Pilot
without pauses) were forwarded to the widget that still had focus: `7 Tab 9 Tab 4` gave a pain
score of 794 (ux review M1).

The gate holds each key the terminal delivers until everything the previous key set off has
run: every message queue of the app, its screens and their widgets is empty and no callback
is waiting for a refresh. Timers (the half-second autosave pause) are not waited for, so
typing never slows to them. A key is never dropped: if the app stays busy past
`SETTLE_LIMIT` (an animation, a long export) the next key goes ahead anyway.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Iterator
from typing import Any

from textual import events
from textual.app import App
from textual.message_pump import MessagePump

SETTLE_LIMIT = 2.0  # seconds a key may wait for the previous one's work before going ahead
QUIET_ROUNDS = 2  # consecutive idle looks at the queues before a key counts as handled


class OrderedKeysApp(App[Any]):
    """An App whose keys land where the user aimed them, however fast they come."""

    def __init__(self) -> None:
        super().__init__()
        self._held_keys: deque[events.Key] = deque()
        self._key_in_flight = False
        self._settler: asyncio.Task[None] | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._held_keys.append(event)
            if not self._key_in_flight:
                await self._release_next_key()
            return
        await super().on_event(event)

    async def _release_next_key(self) -> None:
        """Dispatch the oldest held key (in the app's own task), then watch it settle."""
        if not self._held_keys:
            self._key_in_flight = False
            return
        self._key_in_flight = True
        key = self._held_keys.popleft()
        try:
            await super().on_event(key)
        finally:
            self._settler = asyncio.create_task(self._settle())

    async def _settle(self) -> None:
        deadline = time.monotonic() + SETTLE_LIMIT
        quiet = 0
        while quiet < QUIET_ROUNDS and time.monotonic() < deadline:
            await asyncio.sleep(0)
            quiet = 0 if self._busy() else quiet + 1
        if self.is_running:
            self.call_later(self._release_next_key)

    def _busy(self) -> bool:
        """Is anything the last key set off still queued or running?"""
        if _app_busy(self):
            return True
        return any(_pump_busy(node) for node in self._live_nodes())

    def _live_nodes(self) -> Iterator[MessagePump]:
        for screen in self.screen_stack:
            yield from screen.walk_children(with_self=True)


def _waiting(pump: MessagePump) -> list[Any]:
    """What is queued for a pump (Textual exposes no public "idle" test, so look inside).

    A handler that is running synchronously cannot be observed from here (this task is not
    running then); one suspended at an await has either queued work for other widgets, which
    this sees, or is waiting on something outside the app."""
    queued = list(pump._message_queue.values)
    if pump._pending_message is not None:
        queued.append(pump._pending_message)
    return queued


def _pump_busy(pump: MessagePump) -> bool:
    return bool(_waiting(pump) or pump._next_callbacks)


def _app_busy(app: App[Any]) -> bool:
    """The app's queue also holds keys not yet read: those are the ones waiting their turn."""
    unread_key = lambda m: isinstance(m, events.Key) and not m.is_forwarded  # noqa: E731
    return any(not unread_key(m) for m in _waiting(app)) or bool(app._next_callbacks)
