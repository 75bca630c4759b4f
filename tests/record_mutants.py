"""Mutants of real visit records for the loader's fuzz tests (tests/test_record_fuzz.py and the
larger run in bench/fuzz_records.py): bad leaves, deleted and unknown keys, swapped types,
unquoted impossible dates, and the checks every outcome must pass.

`mutant(rng)` returns the text and, when the mutant is *clearly* invalid, why: a number
replaced by a non-finite, negative or huge one; a birth after the visit; a checkpoint before an
initial visit; a visit year outside the window. Such a mutant must be refused.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from painclinic import assess
from painclinic.knowledge import load_knowledge
from painclinic.model import Visit
from painclinic.record_text import parse_record_text
from painclinic.validation import VisitError, parse_visit

HERE = Path(__file__).resolve().parent
SHARED_CASES = HERE.parent.parent / "shared" / "cases"
CASE_DIRS = (HERE / "cases", SHARED_CASES)

Path_ = tuple[str | int, ...]

NEGATIVE, HUGE = -7, 1e30  # -7: below every range (painDETECT starts at -1)
CLEARLY_BAD_NUMBERS: tuple[float, ...] = (NEGATIVE, HUGE, -HUGE, math.inf, -math.inf, math.nan)
BAD_DATES = ("2026-02-30", "0000-00-00", "2026-13-01", "9999-12-31", "1800-01-01")
BAD_LEAVES: tuple[Any, ...] = (
    *CLEARLY_BAD_NUMBERS,
    "nan",
    "",
    "x" * 5000,
    "Smithson\x00\u202eMRN-4471234",
    [],
    {},
    None,
    True,
    False,
    *BAD_DATES,
    "Jane_Smithson",  # an unknown id that looks like a name
    0,
    10**40,
)


def case_records() -> list[dict[str, Any]]:
    """Every worked case found, as plain data without its `expect:` block."""
    out = []
    for folder in CASE_DIRS:
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            data = parse_record_text(path.read_text(encoding="utf-8"))  # dates stay text
            data.pop("expect", None)
            out.append(data)
    return out


def _paths(node: Any, at: Path_ = ()) -> Iterator[Path_]:
    yield at
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*at, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*at, i))


def _get(node: Any, path: Path_) -> Any:
    for part in path:
        node = node[part]
    return node


def _set(node: Any, path: Path_, value: Any) -> None:
    _get(node, path[:-1])[path[-1]] = value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class Mutant:
    def __init__(self, text: str, clearly_invalid: str | None) -> None:
        self.text = text
        self.clearly_invalid = clearly_invalid


def mutant(rng: random.Random, records: list[dict[str, Any]]) -> Mutant:
    data = copy.deepcopy(rng.choice(records))
    planted: list[tuple[Path_, Any, str]] = []  # must still be there at the end to count
    for _ in range(rng.randint(1, 4)):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        kind = rng.random()
        numbers = [p for p in paths if _is_number(_get(data, p))]
        # numbers are few among the leaves, and the ones a bad value hurts most: aim at them
        path = rng.choice(numbers if numbers and kind < 0.25 else paths)
        old = _get(data, path)
        if kind < 0.45:
            new = rng.choice(BAD_LEAVES)
            _set(data, path, new)
            if _is_number(old) and any(new is bad for bad in CLEARLY_BAD_NUMBERS):
                planted.append((path, new, f"{new!r} replaced a number"))
        elif kind < 0.6:
            del _get(data, path[:-1])[path[-1]]
        elif kind < 0.7:
            parent = _get(data, path[:-1])
            if isinstance(parent, dict):
                parent[rng.choice(["Eleanor_Whitfield", "extra", "pain_score"])] = 1
        elif kind < 0.85:  # swap types
            swapped = {dict: [old], list: {"x": old}, str: [old], int: str(old), float: [old]}
            _set(data, path, swapped.get(type(old), {"x": 1}))
        else:
            planted.extend(_date_mutation(rng, data))
    clearly = next(
        (why for path, value, why in planted if _still(data, path, value)),
        None,
    )
    return Mutant(_emit(rng, data), clearly)


def _still(data: Any, path: Path_, value: Any) -> bool:
    try:
        return _get(data, path) is value
    except (KeyError, IndexError, TypeError):
        return False


def _date_mutation(rng: random.Random, data: dict[str, Any]) -> list[tuple[Path_, Any, str]]:
    visit = data.get("visit")
    if not isinstance(visit, dict):
        return []
    try:
        on = dt.date.fromisoformat(str(visit.get("date")))
    except ValueError:
        return []
    if not 1000 < on.year < 9000:  # an earlier mutation moved it already
        return []
    choice = rng.randrange(3)
    if choice == 0:
        patient = data.setdefault("patient", {})
        if not isinstance(patient, dict):
            return []
        born = (on + dt.timedelta(days=rng.randint(1, 4000))).isoformat()
        patient["birth_date"] = born
        return [(("patient", "birth_date"), born, "birth after the visit")]
    if choice == 1 and visit.get("type", "initial") == "initial":
        plan = data.setdefault("plan", {})
        if not isinstance(plan, dict):
            return []
        before = (on - dt.timedelta(days=rng.randint(1, 20000))).isoformat()
        entry = {"date": before, "label": "x", "about": "function_review"}
        plan["checkpoints"] = [entry]
        return [(("plan", "checkpoints", 0), entry, "checkpoint before the visit")]
    year = rng.choice([1, 1066, 1899, 2200, 9999])
    moved = on.replace(year=year, day=min(on.day, 28)).isoformat()
    visit["date"] = moved
    return [(("visit", "date"), moved, f"visit in year {year}")]


def _emit(rng: random.Random, data: dict[str, Any]) -> str:
    if rng.random() < 0.2:
        return json.dumps(data)  # NaN and Infinity included: JSON5-ish, YAML reads .nan only
    text = yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), allow_unicode=True)
    if rng.random() < 0.3:  # as a person would type them: unquoted
        for bad in BAD_DATES:
            text = text.replace(f"'{bad}'", bad)
    return text


def finite_json(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise AssertionError(f"non-finite number {constant} in JSON output")

    return json.loads(text, parse_constant=refuse)


def outcome(text: str) -> Visit | VisitError:
    """The loader's answer, with every check an accepted record must pass; any other exception
    propagates (the fuzz counts it as a traceback)."""
    try:
        visit = parse_visit(text, source="mutant.yaml", kb=load_knowledge())
    except VisitError as exc:
        return exc
    assessment = finite_json(assess(visit).to_json())
    assert isinstance(assessment["safety"]["mme_per_day"], int | float)
    assert isinstance(assessment["safety"]["acetaminophen_mg_per_day"], int | float)
    finite_json(json.dumps(visit.to_record()))
    return visit
