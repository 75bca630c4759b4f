#!/usr/bin/env python3
"""Benchmark: store save latency (median, p99) and patient search time as the store grows.

Target (issue 3): save median under 10 ms and flat from 100 to 10,000 patients; a search
under 200 ms at 10,000 patients. Prints figures; never asserts them.

    .venv/bin/python bench/store.py [--sizes 100,1000,10000] [--saves 200] [--dir DIR]

One store grows through the sizes, filled through the public API (a new patient and visit per
save). The build skips per-write fsyncs (painclinic.store.atomic.deferred_fsync, one sync at the
end) because setup speed is not what is measured; every TIMED save fsyncs its files and
folders as in clinic use, so the latencies depend on the disk: run it on the clinic's kind.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from painclinic.model import Visit  # noqa: E402
from painclinic.store import Store  # noqa: E402
from painclinic.store.atomic import deferred_fsync  # noqa: E402
from tests.builders import visit  # noqa: E402

FIRST = ["Ann", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jon", "Kemal"]
LAST = ["Smith", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Rossi", "Novak", "Haddad", "Silva"]


def _ms(seconds: float) -> float:
    return seconds * 1000


def _p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def _visit(rng: random.Random, patient_id: str, name: str, base: dict) -> Visit:
    record = {
        **base,
        "patient": {**base["patient"], "id": patient_id, "name": name},
        "history": {**base["history"], "pain": {"now": rng.randint(0, 10)}},
        "plan": {"checkpoints": [{"date": "2026-12-11", "label": "PT review"}]},
    }
    return Visit.model_validate(record)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="patient counts, ascending")
    parser.add_argument("--saves", type=int, default=200, help="timed saves of each kind")
    parser.add_argument("--dir", type=Path, help="where to build the store (default: a temp dir)")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    rng = random.Random(3)
    base = visit().to_record()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        store = Store(Path(tmp) / "data")
        print(f"store: {store.root}")
        header = (
            f"{'patients':>9} {'build s':>8} {'edit med':>9} {'edit p99':>9}"
            f" {'new med':>8} {'new p99':>8} {'search':>8} {'list all':>9}"
        )
        print(header + "\n" + "-" * len(header))
        visits: dict[str, tuple[str, int]] = {}  # patient id -> (visit id, revision)
        names: dict[str, str] = {}
        for size in sizes:
            started = time.perf_counter()
            with deferred_fsync():
                for n in range(len(visits), size):
                    pid = f"b-{n + 1:05d}"
                    names[pid] = f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}"
                    saved = store.save_visit(_visit(rng, pid, names[pid], base))
                    visits[pid] = (saved.id, saved.revision)
            build = time.perf_counter() - started

            ids = sorted(visits)
            edits: list[float] = []
            for pid in rng.sample(ids, min(args.saves, len(ids))):
                visit_id, revision = visits[pid]
                edited = _visit(rng, pid, names[pid], base)
                t = time.perf_counter()
                saved = store.save_visit(edited, visit_id, base_revision=revision)
                edits.append(time.perf_counter() - t)
                visits[pid] = (visit_id, saved.revision)
            news: list[float] = []
            for pid in rng.choices(ids, k=args.saves):
                new_visit = _visit(rng, pid, names[pid], base)
                t = time.perf_counter()
                store.save_visit(new_visit)
                news.append(time.perf_counter() - t)

            searches, listings = [], []
            for _ in range(5):
                t = time.perf_counter()
                found = store.patients(rng.choice(LAST).lower()[:4])
                searches.append(time.perf_counter() - t)
                t = time.perf_counter()
                everyone = store.patients()
                listings.append(time.perf_counter() - t)
            assert found and len(everyone) == size  # a sanity check of the benchmark itself

            print(
                f"{size:>9,} {build:>8.1f} {_ms(statistics.median(edits)):>7.2f}ms"
                f" {_ms(_p99(edits)):>7.2f}ms {_ms(statistics.median(news)):>6.2f}ms"
                f" {_ms(_p99(news)):>6.2f}ms {_ms(statistics.median(searches)):>6.1f}ms"
                f" {_ms(statistics.median(listings)):>7.1f}ms"
            )
    print(
        "\nedit = autosave of an existing visit; new = a new visit for an existing patient;"
        "\nsearch = patients(substring); list all = patients(); build = adding the new patients."
        "\ntargets: save median < 10 ms and flat; search < 200 ms at 10,000 patients."
    )


if __name__ == "__main__":
    main()
