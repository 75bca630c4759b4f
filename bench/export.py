#!/usr/bin/env python3
"""Benchmark: exporting notes, the path of `painclinic export --all` (load, assess, render,
write), per format. Target (issue 3): 1,000 Markdown notes under 10 s. Prints; never asserts.

    .venv/bin/python bench/export.py [--visits 1000] [--formats md,txt,html,fhir,ics,pdf]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from painclinic.demo import demo_visit_files  # noqa: E402
from painclinic.engine import assess  # noqa: E402
from painclinic.notes import FORMATS, render  # noqa: E402
from painclinic.store import Store  # noqa: E402
from painclinic.store.atomic import deferred_fsync  # noqa: E402
from painclinic.validation import load_visit  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=1000)
    parser.add_argument("--formats", default="md,txt,html,fhir,ics,pdf")
    args = parser.parse_args()
    templates = [load_visit(p) for p in demo_visit_files()]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store")
        started = time.perf_counter()
        with deferred_fsync():
            for i in range(args.visits):
                v = templates[i % len(templates)].model_copy(deep=True)
                v.patient.id = f"b-{i:05d}"
                store.save_visit(v)
        print(
            f"painclinic export benchmark: {args.visits} visits stored in "
            f"{time.perf_counter() - started:.1f} s (setup, not measured)"
        )
        summaries = store.visits()
        print(f"  {'format':<6} {'total s':>8} {'per note ms':>12}")
        for fmt in args.formats.split(","):
            out = Path(tmp) / fmt
            out.mkdir()
            t0 = time.perf_counter()
            for s in summaries:
                stored = store.get_visit(s.id)
                content = render(stored.visit, assess(stored.visit), fmt)
                (out / f"{s.id}{FORMATS[fmt].suffix}").write_bytes(content)
            total = time.perf_counter() - t0
            note = "   (target < 10 s)" if fmt == "md" else ""
            print(f"  {fmt:<6} {total:8.2f} {total / len(summaries) * 1000:12.2f}{note}")


if __name__ == "__main__":
    main()
