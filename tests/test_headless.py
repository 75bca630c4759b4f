"""The clinical core never imports Textual (STYLE.md: a core that never imports the UI)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEADLESS = [
    "painclinic",
    "painclinic.model",
    "painclinic.knowledge",
    "painclinic.engine",
    "painclinic.validation",
    "painclinic.integrity",
    "painclinic.present",
]


@pytest.mark.parametrize("module", HEADLESS)
def test_module_imports_without_textual(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]; "
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_engine_does_no_io_and_reads_no_clock() -> None:
    """assess() gives the same answer whatever today's date is (dates come from the visit)."""
    code = """
import datetime, painclinic
from painclinic import assess
from tests.builders import visit
v = visit(visit={"date": "2019-03-04"}, history={"duration_weeks": 2,
          "radiation": ["below_knee"]}, exam={"straight_leg_raise": {"left": "positive"},
          "motor": {"great_toe_extension": {"left": 4, "right": 5}}},
          goals=[{"label": "Sit", "measure": "sitting_minutes", "baseline": 10, "target": 60}])
first = assess(v).to_json()
class Frozen(datetime.date):
    @classmethod
    def today(cls):
        return cls(2031, 1, 1)
datetime.date = Frozen
assert assess(v).to_json() == first
assert '"2019-03-11"' in first  # first PT session 7 days after the visit date
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
