"""A tiny rule language over facts, so clinical rules live in data/ rather than in code.

An expression is a fact id (`region:low_back`, `radicular_pattern`), or one of
`{all: [...]}`, `{any: [...]}`, `{not: expr}`, `{at_least: n, of: [...]}`.
Evaluating returns whether it holds and which facts made it hold, so every conclusion can
cite its evidence.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


class Facts(dict[str, str]):
    """Fact id -> plain-words evidence. Insertion order is kept, so output is deterministic."""

    def add(self, fact: str, evidence: str) -> None:
        self.setdefault(fact, evidence)


def evaluate(expr: Any, facts: Mapping[str, str]) -> tuple[bool, list[str]]:
    """Return (holds, supporting fact ids in first-seen order)."""
    if expr is None:
        return True, []
    if isinstance(expr, str):
        return (True, [expr]) if expr in facts else (False, [])
    if isinstance(expr, list):
        expr = {"all": expr}
    if not isinstance(expr, dict) or len(expr) not in (1, 2):
        raise ValueError(f"not a rule expression: {expr!r}")
    if "all" in expr:
        used: list[str] = []
        for part in expr["all"]:
            ok, why = evaluate(part, facts)
            if not ok:
                return False, []
            used.extend(why)
        return True, _unique(used)
    if "any" in expr:
        held = False
        used = []
        for part in expr["any"]:
            ok, why = evaluate(part, facts)
            if ok:
                held = True
                used.extend(why)  # every true branch is evidence, not just the first
        return held, _unique(used)
    if "not" in expr:
        ok, _ = evaluate(expr["not"], facts)
        return not ok, []
    if "at_least" in expr:
        used = []
        count = 0
        for part in expr["of"]:
            ok, why = evaluate(part, facts)
            if ok:
                count += 1
                used.extend(why)
        held = count >= int(expr["at_least"])
        return held, _unique(used) if held else []
    raise ValueError(f"unknown rule operator in {expr!r}")


def fact_names(expr: Any) -> Iterator[str]:
    """Every fact id an expression mentions (for knowledge-integrity tests)."""
    if expr is None:
        return
    if isinstance(expr, str):
        yield expr
    elif isinstance(expr, list):
        for part in expr:
            yield from fact_names(part)
    elif isinstance(expr, dict):
        for key, value in expr.items():
            if key in ("all", "any", "of", "not"):
                yield from fact_names(value)


def evidence_for(fact_ids: list[str], facts: Mapping[str, str]) -> list[str]:
    return _unique([facts[f] for f in fact_ids if facts.get(f)])


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
