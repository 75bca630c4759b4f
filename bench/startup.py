#!/usr/bin/env python3
"""Benchmark: app start time beside a bare Textual app, and finding-to-pane update time.

Targets (issue 4): painclinic's first screen ready within 1.5x a bare Textual app's; a changed
finding reflected in the assessment pane in under 50 ms. Prints figures; never asserts them.

    .venv/bin/python bench/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE = """
import sys, time
from textual.app import App
from textual.widgets import Footer, Header
class Bare(App):
    def compose(self):
        yield Header(); yield Footer()
    def on_mount(self):
        self.call_after_refresh(self.exit)
Bare().run(headless=True)
"""

PAINCLINIC = """
import sys
from painclinic.tui.app import make_app
app = make_app(sys.argv[1], remember=False)
def ready():
    app.call_after_refresh(app.exit)
app.call_later(ready)
app.run(headless=True)
"""


def _time(code: str, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, cwd=ROOT)
    return time.perf_counter() - started


async def _update_times(data: Path) -> tuple[list[float], list[float]]:
    from painclinic.tui.app import make_app
    from painclinic.tui.messages import FieldChanged
    from painclinic.tui.screens.visit import VisitScreen

    app = make_app(data, remember=False)
    times, handler = [], []
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_visit("demo-01-v1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, VisitScreen)
        for value in [6, 7, 8, 5, 7, 9, 6, 7, 8, 7]:
            started = time.perf_counter()
            screen.post_message(FieldChanged("history.pain.now", value))
            await pilot.pause()
            times.append((time.perf_counter() - started) * 1000)
            handler.append(screen.last_change_ms)
    return times, handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "store"
        subprocess.run(
            [sys.executable, "-m", "painclinic", "--data-dir", str(data), "demo"],
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        _time(BARE)  # warm the file cache
        bare = [_time(BARE) for _ in range(args.runs)]
        ours = [_time(PAINCLINIC, str(data)) for _ in range(args.runs)]
        update, handler = asyncio.run(_update_times(data))
    b, o = statistics.median(bare), statistics.median(ours)
    print("painclinic app benchmark")
    print(f"  bare Textual app to first screen:  {b * 1000:7.0f} ms (median of {args.runs})")
    print(f"  painclinic to first screen:        {o * 1000:7.0f} ms")
    print(f"  ratio:                             {o / b:7.2f}x   (target <= 1.5x)")
    print(
        f"  finding -> pane updated (validate, assess, autosave, widgets): "
        f"{statistics.median(handler):6.1f} ms median, {max(handler):.1f} ms worst "
        "(target < 50 ms)"
    )
    print(
        "  same, round trip through the headless test driver incl. a full repaint: "
        f"{statistics.median(update):6.1f} ms median"
    )


if __name__ == "__main__":
    main()
