"""The store under real faults: concurrent processes, racing edits, and `kill -9` mid-save.

Each test starts fresh Python processes (`sys.executable -c ...`) on one data folder, so the
locks, atomic replaces and revision checks are exercised exactly as two clinic terminals would
exercise them. Budget: well under 30 s on a 2-core machine.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from painclinic.store import Store
from painclinic.store.atomic import read_tables
from tests.builders import visit

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX: SIGKILL and flock")

# A child gets the store folder, a tag, a "go" file to wait for, and a baseline record.
PRELUDE = """
import json, sys, time
from pathlib import Path
from painclinic.model import Visit
from painclinic.store import ConflictError, Store
root, tag, go, base = sys.argv[1], sys.argv[2], Path(sys.argv[3]), json.loads(sys.argv[4])
store = Store(Path(root), lock_timeout=30)
def make(**patient):
    return Visit.model_validate({**base, "patient": {**base["patient"], **patient}})
print("ready", flush=True)
while not go.exists():
    time.sleep(0.002)
"""

CONCURRENT_SAVES = """
saved = []
for i in range(30):
    # Even saves pile onto one shared patient file, odd ones each create a patient (and so
    # race for the patient-number counter).
    target = {"id": "shared"} if i % 2 == 0 else {"id": None}
    saved.append(store.save_visit(make(name=f"{tag} {i}", **target)).id)
print(json.dumps(saved), flush=True)
"""

RACING_EDITS = """
outcomes = {}
for visit_id in json.loads(sys.argv[5]):
    try:
        edited = make(id=visit_id.rsplit("-v", 1)[0], name=f"edited by {tag}")
        outcomes[visit_id] = ["saved", store.save_visit(edited, visit_id, base_revision=1).revision]
    except ConflictError as exc:
        outcomes[visit_id] = ["conflict", exc.stored_revision]
print(json.dumps(outcomes), flush=True)
"""

KILLED_WRITER = """
import random
rng = random.Random(int(tag))
known = {v.id: v.revision for v in store.visits()}  # the last run's saves must be readable
while True:
    if not known or rng.random() < 0.5:
        patient = rng.choice([None, None, None, "k-1", "k-2", "k-3"])
        saved = store.save_visit(make(id=patient, name=f"run {tag}"))
    else:
        visit_id = rng.choice(sorted(known))
        patient = visit_id.rsplit("-v", 1)[0]
        saved = store.save_visit(make(id=patient, name=f"edit {tag}"), visit_id, known[visit_id])
    known[saved.id] = saved.revision
    print(saved.id, saved.revision, flush=True)
"""


def _baseline() -> str:
    return json.dumps(visit(patient={"id": None}).to_record())


def _start(code: str, root: Path, tag: str, go: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-c", PRELUDE + code, str(root), tag, str(go), _baseline(), *extra]
    process = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == "ready", process.stderr.read() if process.stderr else line
    return process


def _finish(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    return out


def test_two_processes_saving_at_once_lose_nothing(tmp_path: Path) -> None:
    root, go = tmp_path / "data", tmp_path / "go"
    Store(root)
    children = [_start(CONCURRENT_SAVES, root, tag, go) for tag in ("a", "b")]
    go.touch()  # both are past their imports: start together
    reported = [json.loads(_finish(child)) for child in children]

    every = reported[0] + reported[1]
    assert len(every) == len(set(every)) == 60
    store = Store(root)
    assert {v.id for v in store.visits()} == set(every)
    assert [v.id for v in store.visits("shared")] == [f"shared-v{n}" for n in range(1, 31)]
    summaries = store.patients()
    assert len(summaries) == 31  # the shared patient plus 30 numbered without a clash
    assert sum(p.visit_count for p in summaries) == 60


def test_two_processes_editing_the_same_visit_one_wins_one_conflicts(tmp_path: Path) -> None:
    root, go = tmp_path / "data", tmp_path / "go"
    store = Store(root)
    ids = [store.save_visit(visit(patient={"id": None})).id for _ in range(10)]
    children = [_start(RACING_EDITS, root, tag, go, json.dumps(ids)) for tag in ("a", "b")]
    go.touch()
    outcomes = [json.loads(_finish(child)) for child in children]

    for visit_id in ids:
        results = sorted(tuple(o[visit_id]) for o in outcomes)
        assert results == [("conflict", 2), ("saved", 2)], (visit_id, results)
        winner = "a" if outcomes[0][visit_id][0] == "saved" else "b"
        stored = store.get_visit(visit_id)
        assert stored.revision == 2
        assert stored.visit.patient.name == f"edited by {winner}"  # the loser wrote nothing


def test_writer_killed_at_random_moments_leaves_a_loadable_store(tmp_path: Path) -> None:
    root, go = tmp_path / "data", tmp_path / "go"
    go.touch()
    rng = random.Random(20261127)
    reported: dict[str, int] = {}
    started, kills_mid_write = time.monotonic(), 0
    for run in range(15):
        writer = _start(KILLED_WRITER, root, str(run), go)
        time.sleep(rng.uniform(0.02, 0.35))
        os.kill(writer.pid, signal.SIGKILL)
        out, _ = writer.communicate(timeout=30)
        assert writer.returncode == -signal.SIGKILL

        this_run: dict[str, int] = {}
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit():  # the last line may be cut short
                this_run[parts[0]] = int(parts[1])
        reported.update(this_run)
        kills_mid_write += any(p.name.endswith(".tmp") for p in root.rglob(".*"))

        # Every data file parses: nothing torn, nothing quarantined.
        for path in [*root.glob("*.json"), *root.glob("*/*.json")]:
            assert read_tables(path) is not None, path
        assert not (root / "quarantine").exists()

        store = Store(root)
        for visit_id, revision in this_run.items():
            # Each reported save is there; at most one more completed before the kill.
            assert store.get_visit(visit_id).revision in (revision, revision + 1), visit_id
        stems = {p.stem for p in (root / "patients").glob("*.json")}
        summaries = {p.id: p.visit_count for p in store.patients()}
        per_patient = Counter(v.patient_id for v in store.visits())
        assert set(summaries) == stems  # temp files never show up as patients
        assert summaries == {pid: per_patient.get(pid, 0) for pid in stems}  # index caught up

    store = Store(root)
    for visit_id, revision in reported.items():
        assert store.get_visit(visit_id).revision >= revision
    assert len(reported) > 15  # the writers did get work done between kills
    assert time.monotonic() - started < 25
    print(f"{len(reported)} visits, {kills_mid_write} runs left a temp file behind")
