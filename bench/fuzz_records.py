#!/usr/bin/env python3
"""Fuzz: thousands of mutated worked cases through the visit loader, the engine and the JSON.

The same mutants as tests/test_record_fuzz.py (tests/record_mutants.py), many more of them.
Prints how many were refused, accepted, crashed (any exception but VisitError, or a
non-finite number in the JSON) and accepted although clearly invalid; the last two must be 0.
Exit status 1 when they are not.

    .venv/bin/python bench/fuzz_records.py [--mutants 5000] [--seed 1]
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from painclinic.validation import VisitError  # noqa: E402
from tests.record_mutants import case_records, mutant, outcome  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    records = case_records()
    rng = random.Random(args.seed)
    counts: collections.Counter[str] = collections.Counter()
    crashes: collections.Counter[str] = collections.Counter()
    wrong: collections.Counter[str] = collections.Counter()
    started = time.perf_counter()
    for _ in range(args.mutants):
        m = mutant(rng, records)
        try:
            result = outcome(m.text)
        except Exception as exc:  # what the fuzz is looking for
            where = traceback.extract_tb(exc.__traceback__)[-1]
            crashes[f"{type(exc).__name__} at {Path(where.filename).name}:{where.lineno}"] += 1
            continue
        refused = isinstance(result, VisitError)
        counts["refused" if refused else "accepted"] += 1
        if m.clearly_invalid:
            counts["clearly invalid"] += 1
            if not refused:
                wrong[m.clearly_invalid.split(" replaced")[0]] += 1
    seconds = time.perf_counter() - started
    print(f"{args.mutants} mutants of {len(records)} cases (seed {args.seed}) in {seconds:.1f} s")
    print(f"  refused with a VisitError: {counts['refused']}")
    print(f"  accepted and assessed into finite JSON: {counts['accepted']}")
    print(f"  clearly invalid among them: {counts['clearly invalid']}")
    print(f"  tracebacks: {sum(crashes.values())}")
    for what, n in crashes.most_common():
        print(f"    {n:5}  {what}")
    print(f"  wrong acceptances: {sum(wrong.values())}")
    for what, n in wrong.most_common():
        print(f"    {n:5}  {what}")
    sys.exit(1 if crashes or wrong else 0)


if __name__ == "__main__":
    main()
