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
from textual.keys import _character_to_key  # how Textual names a typed character's key
from textual.message_pump import MessagePump

# Seconds a key may wait for the previous one's work before going ahead. On a loaded 2-core
# machine opening a visit (700 widgets) took over 2 s, and a key let through early lands in
# the wrong widget, which is worse than a wait; only work that never settles meets it.
SETTLE_LIMIT = 5.0
QUIET_ROUNDS = 2  # consecutive idle looks at the queues before a key counts as handled
EAGER_LOOKS = 4  # looks with no sleep before polling every POLL_SECONDS
POLL_SECONDS = 0.001


class OrderedKeysApp(App[Any]):
    """An App whose keys land where the user aimed them, however fast they come."""

    def __init__(self) -> None:
        super().__init__()
        self._held_keys: deque[events.Key] = deque()
        self._key_in_flight = False
        self._settler: asyncio.Task[None] | None = None
        # Keys handed on so far: a screen tells "the key just before this one" from it (a
        # second escape in a row leaves the visit; one escape too many does not).
        self.keys_dispatched = 0

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._held_keys.extend(_as_typed(event))
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
        self.keys_dispatched += 1
        try:
            await super().on_event(key)
        finally:
            self._settler = asyncio.create_task(self._settle())

    async def _settle(self) -> None:
        deadline = time.monotonic() + SETTLE_LIMIT
        quiet = looks = 0
        nodes: list[MessagePump] | None = None
        while quiet < QUIET_ROUNDS and time.monotonic() < deadline:
            # The first looks come at once (most keys settle in a turn or two of the loop);
            # after that, a short sleep: looking at every widget's queue between each message
            # the app handles would double the work of a long recomputation.
            await asyncio.sleep(0 if looks < EAGER_LOOKS else POLL_SECONDS)
            looks += 1
            # The widget tree is walked again only after something was seen busy: a widget
            # is mounted only by work that was queued somewhere, so a quiet look cannot have
            # missed a new one (walking 700 widgets each look was half the cost of a key).
            if nodes is None:
                nodes = list(self._live_nodes())
            if self._busy(nodes):
                quiet, nodes = 0, None
            else:
                quiet += 1
        if self.is_running:
            self.call_later(self._release_next_key)

    def _busy(self, nodes: list[MessagePump]) -> bool:
        """Is anything the last key set off still queued or running?

        Work deferred to after the next refresh (`call_after_refresh`: a tab's first field
        is focused once the tab is laid out) counts: a key read before it runs would go to
        the widget that had focus before."""
        # Only the active screen's: a screen under a dialog is not refreshed, so its deferred
        # work waits until it is shown again (waiting for it held every key typed in the
        # command palette for the whole settle limit).
        if _app_busy(self) or self.screen._callbacks:
            return True
        return any(_pump_busy(node) for node in nodes)

    def _live_nodes(self) -> Iterator[MessagePump]:
        for screen in self.screen_stack:
            yield from screen.walk_children(with_self=True)


def _as_typed(key: events.Key) -> list[events.Key]:
    """Escape followed within the terminal's escape delay (0.1 s) by a letter reads as one
    alt+letter key, which an input types as the bare letter: `escape k` typed quickly left
    the focus in an entry and put "k" into it (tmux walk). The app binds no alt+ keys, so an
    alt+character is what it almost always is, escape and then the character."""
    character = key.character
    if not key.key.startswith("alt+") or character is None or len(character) != 1:
        return [key]
    if not character.isprintable():
        return [key]
    name = character if character.isalnum() else _character_to_key(character)
    return [events.Key("escape", "\x1b"), events.Key(name, character)]


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
    return bool(
        pump.message_queue_size or pump._pending_message is not None or pump._next_callbacks
    )


def _app_busy(app: App[Any]) -> bool:
    """The app's queue also holds keys not yet read: those are the ones waiting their turn."""
    unread_key = lambda m: isinstance(m, events.Key) and not m.is_forwarded  # noqa: E731
    return any(not unread_key(m) for m in _waiting(app)) or bool(app._next_callbacks)
