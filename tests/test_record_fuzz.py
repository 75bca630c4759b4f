"""Mutated worked cases: the loader refuses with a VisitError or accepts a record the engine
assesses into finite JSON; never another exception, never a clearly invalid record accepted.

The project's cases and the shared ones (../shared/cases, when present) are mutated: bad
leaves (negative, 1e30, inf, nan, "", 5,000 characters, NUL and RTL, empty containers, null,
bools, impossible dates, unknown ids), deleted and unknown keys, swapped types, emitted as
YAML (sometimes with the impossible dates unquoted) or JSON. A larger run of the same
mutants: bench/fuzz_records.py.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from painclinic.validation import VisitError
from tests.record_mutants import SHARED_CASES, case_records, mutant, outcome

RECORDS = case_records()


def test_the_shared_cases_are_among_the_mutated() -> None:
    if not SHARED_CASES.is_dir():
        pytest.skip(f"no shared cases at {SHARED_CASES} (outside the project's own checkout)")
    shared = len(list(SHARED_CASES.glob("*.yaml")))
    assert len(RECORDS) >= shared + 20


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.randoms(use_true_random=False))
def test_a_mutated_case_is_refused_cleanly_or_assessed_into_finite_json(
    rng: random.Random,
) -> None:
    m = mutant(rng, RECORDS)
    result = outcome(m.text)  # any exception but VisitError fails the test here
    if m.clearly_invalid is not None:
        assert isinstance(result, VisitError), f"accepted although {m.clearly_invalid}"
