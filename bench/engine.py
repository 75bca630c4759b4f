#!/usr/bin/env python3
"""Benchmark: time of assess() per visit over every worked case (median and p99).

Target (issue 2): median under 2 ms on one core of a 2-core machine, so the TUI can recompute
the whole assessment on every keystroke. Prints figures; never asserts them.

    python3 dev.py bench            # or: .venv/bin/python bench/engine.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from painclinic import assess, load_visit  # noqa: E402
from painclinic.knowledge import load_knowledge  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="assessments per case")
    args = parser.parse_args()

    started = time.perf_counter()
    kb = load_knowledge()
    load_ms = (time.perf_counter() - started) * 1000
    folders = [ROOT / "tests" / "cases", ROOT.parent / "shared" / "cases"]
    paths = sorted(p for f in folders if f.is_dir() for p in f.glob("*.yaml"))
    visits = [load_visit(p, kb) for p in paths]
    for v in visits:  # warm caches
        assess(v, kb)

    samples: list[float] = []
    per_case: list[tuple[float, str]] = []
    for path, visit in zip(paths, visits, strict=True):
        times = []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            assess(visit, kb)
            times.append((time.perf_counter() - t0) * 1000)
        samples += times
        per_case.append((statistics.median(times), path.stem))
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print("painclinic engine benchmark")
    print(f"  knowledge base load (once per process): {load_ms:8.1f} ms")
    print(f"  cases: {len(visits)}, assessments: {len(samples)}")
    print(f"  assess() median: {statistics.median(samples):8.3f} ms   (target < 2 ms)")
    print(f"  assess() p99:    {p99:8.3f} ms")
    print(f"  assess() mean:   {statistics.fmean(samples):8.3f} ms")
    slowest = sorted(per_case, reverse=True)[:3]
    print("  slowest cases (median): " + ", ".join(f"{n} {m:.3f} ms" for m, n in slowest))


if __name__ == "__main__":
    main()
