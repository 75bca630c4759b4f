"""The clinical core never imports the UI (STYLE.md: a core that never imports Textual).

Every painclinic module outside the app (`painclinic.tui`) and the CLI (`painclinic.cli`, its
`cli_*` modules and `__main__`) is found on disk, so a new core module is checked without being
listed, and imported alone in a fresh interpreter. Textual and Typer must not be loaded; Rich
only by the CLI's renderer. The import-linter contracts in pyproject.toml say the same from the
import graph; this checks what really ends up in `sys.modules`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "painclinic"
UI = ("textual", "typer", "rich")
MAY_USE_RICH = {"painclinic.present", "painclinic.cli.render"}  # the CLI's renderer


def _is_front_end(name: str) -> bool:
    return (
        name.startswith(("painclinic.tui", "painclinic.cli"))  # also cli_records, cli_practice
        or name == "painclinic.__main__"
    )


def core_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if not _is_front_end(name):
            names.append(name)
    return names


HEADLESS = core_modules()


def test_the_core_is_found_on_disk() -> None:
    """The discovery itself: the modules the review named are all among those checked."""
    for name in (
        "painclinic",
        "painclinic.model",
        "painclinic.engine.facts",
        "painclinic.notes.fhir",
        "painclinic.store.records",
        "painclinic.session",
        "painclinic.practice",
        "painclinic.worklist",
        "painclinic.checklist",
        "painclinic.deidentify",
        "painclinic.demo",
    ):
        assert name in HEADLESS
    assert not [n for n in HEADLESS if _is_front_end(n)]


def loaded_ui_modules(module: str) -> list[str]:
    """The textual/typer/rich modules that importing `module` alone loads."""
    code = (
        f"import importlib, json, sys; importlib.import_module({module!r}); "
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {UI!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"importing {module} failed:\n{result.stderr}"
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.parametrize("module", HEADLESS)
def test_core_module_loads_no_textual_typer_or_rich(module: str) -> None:
    leaked = loaded_ui_modules(module)
    if module in MAY_USE_RICH:
        leaked = [m for m in leaked if m.split(".")[0] != "rich"]
    top = sorted({m.split(".")[0] for m in leaked})
    assert not leaked, f"importing {module} loads {', '.join(top)} ({', '.join(leaked[:4])}, ...)"


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
