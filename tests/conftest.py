"""Shared test scaffolding: the production app on a temporary store, and steady screens.

`app_factory` builds the app the way the CLI does, through `painclinic.tui.app.make_app`, on
`tmp_path / "store"` (or on a store the test opened, for the snapshot apps), with a fixed
'today' and no remembered state unless asked. Text cursors do not blink in any test, so a
Pilot press or a snapshot never depends on the half-second the cursor was in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pytest

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from painclinic.store import Store
    from painclinic.tui.app import PainClinicApp

TODAY = dt.date(2026, 11, 27)


class AppFactory(Protocol):
    def __call__(
        self,
        store: Store | None = None,
        *,
        remember: bool = False,
        show_save_times: bool = True,
        today: dt.date = TODAY,
    ) -> PainClinicApp: ...


@pytest.fixture
def app_factory(tmp_path: Path) -> AppFactory:
    """A new app on the test's store each call (two calls: the same records, a restart)."""
    from painclinic.store import Store
    from painclinic.tui.app import make_app

    def factory(
        store: Store | None = None,
        *,
        remember: bool = False,
        show_save_times: bool = True,
        today: dt.date = TODAY,
    ) -> PainClinicApp:
        return make_app(
            store=store or Store(tmp_path / "store"),
            today=lambda: today,
            remember=remember,
            show_save_times=show_save_times,
        )

    return factory


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inputs and text areas start with a steady cursor (their `cursor_blink` default)."""
    from textual.widgets import Input, TextArea

    for widget in (Input, TextArea):
        monkeypatch.setattr(widget.__dict__["cursor_blink"], "_default", False)


async def _settle(pilot: Pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def settle() -> Callable[[Pilot], Awaitable[None]]:
    """`await settle(pilot)`: let the screen handle its messages and every worker finish."""
    return _settle
