"""Every worked case meets its own `expect:` block.

The shared cases are read from ../shared/cases at test time (never copied into the project);
on a machine without that folder they are skipped with the reason. The project's own cases
live in tests/cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from painclinic import assess, load_visit
from tests.expectations import unmet

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "cases"
OWN = HERE / "cases"


def _cases(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.json"))


def _check(path: Path) -> None:
    expect = yaml.safe_load(path.read_text())["expect"]
    visit = load_visit(path)
    problems = unmet(expect, assess(visit), visit.visit.date)
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared worked cases not present at {SHARED}")
@pytest.mark.parametrize("path", _cases(SHARED) if SHARED.is_dir() else [], ids=lambda p: p.stem)
def test_shared_case_meets_expectations(path: Path) -> None:
    _check(path)


def test_shared_cases_are_all_collected() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"shared worked cases not present at {SHARED}")
    assert len(_cases(SHARED)) >= 6


@pytest.mark.parametrize("path", _cases(OWN), ids=lambda p: p.stem)
def test_own_case_meets_expectations(path: Path) -> None:
    _check(path)


def test_project_has_at_least_ten_own_cases() -> None:
    assert len(_cases(OWN)) >= 10
