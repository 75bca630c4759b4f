"""Nothing typed is lost: the journal of unsaved typing survives SIGKILL, and loading another
terminal's version after a conflict replaces every field, the focused one too.

The kill is real: a child process runs the app, types half a word into the chief complaint
(no pause long enough to save it, no Tab) and sends itself SIGKILL, so no cleanup runs."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from painclinic.model import Patient
from painclinic.session import VisitSession
from painclinic.store import Store
from painclinic.tui.widgets.checklist import ChecklistView
from painclinic.tui.widgets.question import COMMIT_AFTER, InputQuestion
from tests.conftest import TODAY, AppFactory

VISIT = "p-0001-v1"
CHILD = """
import asyncio, datetime as dt, os, signal, sys
from painclinic.store import Store
from painclinic.tui.app import make_app
from painclinic.tui.widgets import question
from painclinic.tui.widgets.checklist import ChecklistView

question.COMMIT_AFTER = 600.0  # the pause that saves never comes: only the journal can

async def main() -> None:
    store = Store(sys.argv[1])
    app = make_app(store=store, today=lambda: dt.date(2026, 11, 27), remember=False)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_visit("p-0001-v1")
        await pilot.pause()
        row = app.screen.query_one(ChecklistView).question_row("history.chief_complaint")
        row.focus_editor()
        await pilot.pause()
        await pilot.press(*"much better since inj")
        os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main())
"""


def test_text_typed_just_before_a_sigkill_comes_back_on_reopen(
    app_factory: AppFactory, tmp_path: Path
) -> None:
    store = Store(tmp_path / "store")
    VisitSession.new_initial(store, Patient(name="Killed Mid Word", age=50), TODAY)
    script = tmp_path / "child.py"
    script.write_text(textwrap.dedent(CHILD), encoding="utf-8")
    child = subprocess.run(
        [sys.executable, str(script), str(store.root)],
        capture_output=True,
        timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-2000:]
    assert store.get_visit(VISIT).visit.history.chief_complaint is None  # never saved...

    async def reopen() -> None:
        async with app_factory(store).run_test(size=(120, 40)) as pilot:
            pilot.app.open_visit(VISIT)  # type: ignore[attr-defined]
            await pilot.pause()
            await asyncio.sleep(0.2)
            await pilot.pause()
            row = pilot.app.screen.query_one(ChecklistView).question_row("history.chief_complaint")
            assert isinstance(row, InputQuestion)
            assert row.input.value == "much better since inj"  # ...but kept, and shown
        # and saved now that it is back on screen
        assert store.get_visit(VISIT).visit.history.chief_complaint == "much better since inj"
        assert store.drafts(VISIT) == {}

    asyncio.run(reopen())


@pytest.mark.asyncio
async def test_loading_the_other_terminals_version_replaces_the_focused_field_too(
    app_factory: AppFactory, tmp_path: Path
) -> None:
    """Reliability review C1: after ctrl+l the focused input kept the stale text and the next
    keystroke saved it over the other terminal's edit."""
    store = Store(tmp_path / "store")
    VisitSession.new_initial(store, Patient(name="Two Terminals", age=50), TODAY)
    first, second = app_factory(store), app_factory(store)
    async with (
        first.run_test(size=(120, 40)) as a,
        second.run_test(size=(120, 40)) as b,
    ):
        for pilot in (a, b):
            pilot.app.open_visit(VISIT)  # type: ignore[attr-defined]
            await pilot.pause()
        row_a = a.app.screen.query_one(ChecklistView).question_row("history.chief_complaint")
        row_b = b.app.screen.query_one(ChecklistView).question_row("history.chief_complaint")
        assert isinstance(row_a, InputQuestion) and isinstance(row_b, InputQuestion)
        row_a.focus_editor()
        await a.pause()
        await a.press(*"left leg", "enter")
        await a.pause()
        assert store.get_visit(VISIT).visit.history.chief_complaint == "left leg"

        row_b.focus_editor()
        await b.pause()
        await b.press(*"neck", "enter")  # a stale screen: refused, nothing overwritten
        await b.pause()
        assert store.get_visit(VISIT).visit.history.chief_complaint == "left leg"
        row_b.focus_editor()
        await b.pause()
        await b.press("ctrl+l")
        await b.pause()
        assert b.app.focused is row_b.input
        assert row_b.input.value == "left leg"  # the focused field shows their text
        await asyncio.sleep(COMMIT_AFTER + 0.2)
        await b.pause()
        assert store.get_visit(VISIT).revision == 2  # and nothing was written by loading
        await b.press("end", *" pain", "enter")
        await b.pause()
        assert store.get_visit(VISIT).visit.history.chief_complaint == "left leg pain"
