"""Demo patients written for painclinic (fictional): the seed article's three cases,
follow-ups that show progress against goals, red-flag and medication-safety examples.

`load_demo(store)` imports them once; patients already present are left alone.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from painclinic.store import RecordStore
from painclinic.validation import load_visit


def demo_visit_files() -> list[Path]:
    folder = resources.files("painclinic.demo") / "visits"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_demo(store: RecordStore) -> tuple[int, int]:
    """Import every demo visit whose patient is not in the store yet; (patients, visits) added."""
    present = {p.id for p in store.patients()}
    added_patients: set[str] = set()
    visits = 0
    for path in demo_visit_files():
        visit = load_visit(path)
        pid = visit.patient.id
        if pid in present:
            continue
        store.save_visit(visit)
        added_patients.add(pid or "")
        visits += 1
    return len(added_patients), visits
