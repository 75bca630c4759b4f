"""The record store, in one process: ids, revisions, conflicts, search, deletion, backup and
restore, the audit log, permissions, corrupt files, schema migration, data-folder choice.

Real concurrent processes and `kill -9` live in test_store_faults.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from painclinic.model import Patient
from painclinic.store import (
    MIGRATIONS,
    ConflictError,
    CorruptFileError,
    LockedError,
    NotFoundError,
    Store,
    StoreError,
    resolve_data_dir,
)
from painclinic.store.atomic import read_tables, temp_path
from painclinic.store.errors import show_time
from painclinic.store.index import SHARDS, shard_of
from tests.builders import visit

POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


def new(name: str = "Test Patient", date: str = "2026-11-27", **changes: Any):
    """A visit for a new patient (id to be assigned)."""
    patient = {"id": None, "name": name, **changes.pop("patient", {})}
    return visit(patient=patient, visit={"date": date}, **changes)


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root with its bytes: to prove that nothing changed."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


# ---------------------------------------------------------------- ids, round trip, revisions


def test_ids_are_assigned_for_patients_and_visits(store: Store) -> None:
    first = store.save_visit(new("Ana"))
    second = store.save_visit(new("Ben"))
    follow = store.save_visit(visit(patient={"id": first.patient_id}, visit={"date": "2026-12-20"}))
    assert (first.patient_id, first.id) == ("p-0001", "p-0001-v1")
    assert (second.patient_id, second.id) == ("p-0002", "p-0002-v1")
    assert follow.id == "p-0001-v2"
    assert store.save_patient(Patient(name="Cy")) == "p-0003"


def test_a_patient_id_from_the_record_is_kept(store: Store) -> None:
    saved = store.save_visit(visit())  # the builder's patient is t-1
    assert saved.id == "t-1-v1"
    assert store.get_patient("t-1").name == "Test Patient"


def test_round_trip_keeps_the_whole_record(store: Store) -> None:
    original = visit(
        patient={"id": None},
        history={"chief_complaint": "Left leg pain", "radiation": ["below_knee"]},
        goals=[{"label": "Walk", "measure": "walking_minutes", "baseline": 10, "target": 30}],
        plan={"checkpoints": [{"date": "2026-12-11", "label": "Review"}]},
    )
    saved = store.save_visit(original)
    loaded = store.get_visit(saved.id)
    assert loaded.visit.to_record() == saved.visit.to_record()
    assert loaded.visit.patient.id == saved.patient_id
    assert (loaded.revision, loaded.saved_at) == (1, saved.saved_at)


def test_revisions_start_at_one_and_increase(store: Store) -> None:
    saved = store.save_visit(new())
    assert saved.revision == 1
    assert saved.saved_at.tzinfo is not None and saved.saved_at.utcoffset() == dt.timedelta(0)
    again = store.save_visit(new(history={"pain": {"now": 4}}), saved.id, base_revision=1)
    third = store.save_visit(new(history={"pain": {"now": 5}}), saved.id, base_revision=2)
    assert (again.revision, third.revision) == (2, 3)
    assert third.saved_at >= again.saved_at >= saved.saved_at
    assert store.get_visit(saved.id).visit.history.pain.now == 5


def test_stale_save_is_refused_with_both_times_and_nothing_written(store: Store) -> None:
    saved = store.save_visit(new())
    theirs = store.save_visit(new(history={"pain": {"now": 4}}), saved.id, base_revision=1)
    before = tree(store.root / "patients")
    with pytest.raises(ConflictError) as caught:
        store.save_visit(new(history={"pain": {"now": 6}}), saved.id, base_revision=1)
    error = caught.value
    assert (error.visit_id, error.stored_revision, error.base_revision) == (saved.id, 2, 1)
    assert (error.stored_saved_at, error.base_saved_at) == (theirs.saved_at, saved.saved_at)
    message = str(error)
    assert show_time(theirs.saved_at) in message and show_time(saved.saved_at) in message
    assert "Nothing was overwritten" in message and "Reload the visit" in message
    assert tree(store.root / "patients") == before
    assert store.get_visit(saved.id).visit.history.pain.now == 4


def test_editing_needs_an_existing_visit_and_a_base_revision(store: Store) -> None:
    saved = store.save_visit(new())
    with pytest.raises(NotFoundError, match="p-0001-v7"):
        store.save_visit(new(), "p-0001-v7", base_revision=1)
    with pytest.raises(NotFoundError):
        store.save_visit(new(), "p-0099-v1", base_revision=1)
    with pytest.raises(ValueError, match="base_revision"):
        store.save_visit(new(), saved.id)
    with pytest.raises(StoreError, match="cannot move"):
        store.save_visit(visit(patient={"id": "other"}), saved.id, base_revision=1)
    assert not (store.root / "patients" / "p-0099.json").exists()


def test_newest_visit_updates_demographics_older_one_does_not(store: Store) -> None:
    first = store.save_visit(new("Ana", date="2026-03-01", patient={"age": 50}))
    pid = first.patient_id
    store.save_visit(visit(patient={"id": pid, "age": 51}, visit={"date": "2026-09-01"}))
    store.save_visit(visit(patient={"id": pid, "age": 49}, visit={"date": "2025-09-01"}))
    assert store.get_patient(pid).age == 51
    [summary] = store.patients()
    assert (summary.age, summary.visit_count, summary.last_visit) == (51, 3, dt.date(2026, 9, 1))


def test_save_patient_updates_demographics(store: Store) -> None:
    pid = store.save_patient(Patient(name="Ana", age=40))
    assert store.save_patient(Patient(id=pid, name="Ana B", age=41)) == pid
    assert store.get_patient(pid).model_dump(include={"name", "age"}) == {
        "name": "Ana B",
        "age": 41,
    }
    [summary] = store.patients()
    assert (summary.name, summary.visit_count, summary.last_visit) == ("Ana B", 0, None)
    with pytest.raises(NotFoundError, match="p-0404"):
        store.get_patient("p-0404")


def test_ids_that_are_not_file_names_are_refused(store: Store) -> None:
    for bad in ("../evil", "a/b", ".hidden", ""):
        with pytest.raises(StoreError):
            store.save_patient(Patient(id=bad or "x y"))
    assert list((store.root / "patients").glob("*.json")) == []


# ---------------------------------------------------------------- listings


def test_search_is_case_insensitive_on_name_or_id_and_sorted(store: Store) -> None:
    for name in ("maria lopez", "Ann Smith", "Zoe Ann", "Bob Marley"):
        store.save_visit(new(name))
    assert [p.name for p in store.patients()] == [
        "Ann Smith",
        "Bob Marley",
        "maria lopez",
        "Zoe Ann",
    ]
    assert [p.name for p in store.patients("ANN")] == ["Ann Smith", "Zoe Ann"]
    assert [p.name for p in store.patients("mar")] == ["Bob Marley", "maria lopez"]
    assert [p.id for p in store.patients("p-0003")] == ["p-0003"]
    assert store.patients("nobody") == []


def test_same_names_sort_by_id(store: Store) -> None:
    for _ in range(3):
        store.save_visit(new("Same Name"))
    assert [p.id for p in store.patients()] == ["p-0001", "p-0002", "p-0003"]


def test_summary_holds_the_latest_visits_checkpoints(store: Store) -> None:
    first = store.save_visit(
        new(date="2026-01-05", plan={"checkpoints": [{"date": "2026-02-01", "label": "Old"}]})
    )
    later = visit(
        patient={"id": first.patient_id},
        visit={"date": "2026-03-01", "type": "follow_up"},
        plan={
            "checkpoints": [
                {"date": "2026-04-01", "label": "Repeat ODI"},
                {"date": "2026-03-08", "label": "PT review"},
            ]
        },
    )
    second = store.save_visit(later)
    [summary] = store.patients()
    assert summary.checkpoints == (
        (dt.date(2026, 3, 8), "PT review", second.id),
        (dt.date(2026, 4, 1), "Repeat ODI", second.id),
    )


def test_visits_are_sorted_by_date_then_id(store: Store) -> None:
    a = store.save_visit(new("A", date="2026-05-01"))
    b = store.save_visit(new("B", date="2026-01-01"))
    for _ in range(2, 12):  # v10 and v11 must sort after v2, by number
        store.save_visit(visit(patient={"id": a.patient_id}, visit={"date": "2026-05-01"}))
    c = store.save_visit(new("C", date="2026-05-01"))
    listed = store.visits()
    assert listed[0].id == b.id
    assert [v.id for v in listed[1:12]] == [f"{a.patient_id}-v{n}" for n in range(1, 12)]
    assert listed[-1].id == c.id
    assert [v.id for v in store.visits(b.patient_id)] == [b.id]
    assert listed[0].chief_complaint == "Low back pain" and listed[0].type == "initial"
    with pytest.raises(NotFoundError):
        store.visits("p-0404")


# ---------------------------------------------------------------- deletion


def test_delete_patient_moves_the_file_aside(store: Store) -> None:
    saved = store.save_visit(new("Ana"))
    store.save_visit(new("Ben"))
    content = (store.root / "patients" / f"{saved.patient_id}.json").read_bytes()
    moved = store.delete_patient(saved.patient_id)
    assert moved.parent == store.root / "deleted" and moved.read_bytes() == content
    assert [p.name for p in store.patients()] == ["Ben"]
    with pytest.raises(NotFoundError):
        store.get_visit(saved.id)
    assert store.save_visit(new("Cy")).patient_id == "p-0003"  # never reuses p-0001
    assert store.audit_entries()[-1]["action"] == "delete-patient"


def test_delete_visit_appends_it_to_the_deleted_archive(store: Store) -> None:
    first = store.save_visit(new())
    second = store.save_visit(visit(patient={"id": first.patient_id}))
    store.delete_visit(first.id)
    store.delete_visit(second.id)
    archive = read_tables(store.root / "deleted" / f"{first.patient_id}-deleted.json") or {}
    kept = sorted(archive["visits"].values(), key=lambda d: d["visit_id"])
    assert [d["visit_id"] for d in kept] == [first.id, second.id]
    assert kept[0]["record"] == first.visit.to_record()
    assert store.visits() == []
    assert store.patients()[0].visit_count == 0
    assert store.save_visit(visit(patient={"id": first.patient_id})).id.endswith("-v3")
    with pytest.raises(NotFoundError):
        store.delete_visit(first.id)


# ---------------------------------------------------------------- backup, restore


def test_backup_then_restore_brings_back_that_state(store: Store, tmp_path: Path) -> None:
    kept = store.save_visit(new("Ana"))
    archive = store.backup(tmp_path / "backup.zip")
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["schema"] == 1 and manifest["created_at"]
    assert {f["path"] for f in manifest["files"]} >= {f"patients/{kept.patient_id}.json"}
    assert all(len(f["sha256"]) == 64 for f in manifest["files"])

    store.save_visit(new("Later"))
    store.save_visit(new(history={"pain": {"now": 6}}), kept.id, base_revision=1)
    replaced = store.restore(archive)

    assert [p.name for p in store.patients()] == ["Ana"]
    assert store.get_visit(kept.id).revision == 1
    assert replaced.name.startswith("replaced-") and replaced.parent == store.root
    assert (replaced / "patients" / "p-0002.json").exists()  # the later work is kept aside
    assert store.save_visit(new("Next")).patient_id == "p-0003"  # p-0002 is not handed out again


def test_backup_refuses_to_overwrite(store: Store, tmp_path: Path) -> None:
    store.save_visit(new())
    dest = tmp_path / "b.zip"
    dest.write_bytes(b"precious")
    with pytest.raises(StoreError, match="already exists"):
        store.backup(dest)
    assert dest.read_bytes() == b"precious"
    into_folder = store.backup(tmp_path)  # a folder gets a dated file name
    assert into_folder.parent == tmp_path and into_folder.suffix == ".zip"


def _rewrite_zip(src: Path, dest: Path, change: dict[str, bytes]) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change.get(info.filename, zin.read(info.filename)))
        for name, data in change.items():
            if name not in zin.namelist():
                zout.writestr(name, data)


@pytest.mark.parametrize(
    "change",
    [
        {"patients/p-0001.json": b'{"patient": {}, "visits": {}}'},  # content swapped
        {"patients/p-0002.json": b"{}"},  # a file the manifest does not list
        {"../escape.json": b"{}"},  # path traversal
    ],
)
def test_restore_of_a_tampered_archive_changes_nothing(
    store: Store, tmp_path: Path, change: dict[str, bytes]
) -> None:
    store.save_visit(new("Ana"))
    good = store.backup(tmp_path / "good.zip")
    bad = tmp_path / "bad.zip"
    _rewrite_zip(good, bad, change)
    store.save_visit(new("Ben"))
    before = tree(store.root)
    with pytest.raises(StoreError, match="Nothing was changed"):
        store.restore(bad)
    assert tree(store.root) == before


def test_restore_of_something_else_changes_nothing(store: Store, tmp_path: Path) -> None:
    store.save_visit(new())
    before = tree(store.root)
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    for src in (junk, tmp_path / "missing.zip"):
        with pytest.raises(StoreError, match="Nothing was changed"):
            store.restore(src)
    assert tree(store.root) == before


# ---------------------------------------------------------------- audit


def test_audit_lines_hold_ids_and_no_clinical_text(store: Store, tmp_path: Path) -> None:
    secret = "Sciatica since lifting crates at the harbour"
    saved = store.save_visit(new("Zelda Quartermaine", history={"chief_complaint": secret}))
    store.audit("export", visit=saved.id, fmt="pdf")
    store.audit("import", patient=saved.patient_id)
    store.backup(tmp_path / "b.zip")
    store.delete_visit(saved.id)
    entries = store.audit_entries()
    assert [e["action"] for e in entries] == ["export", "import", "delete-visit"]
    first = entries[0]
    assert set(first) == {"time", "user", "action", "patient", "visit", "format"}
    assert (first["patient"], first["visit"], first["format"]) == (
        saved.patient_id,
        saved.id,
        "pdf",
    )
    assert dt.datetime.fromisoformat(first["time"]).utcoffset() == dt.timedelta(0)
    assert first["user"]
    text = (store.root / "audit.log").read_text()
    assert "Sciatica" not in text and "Quartermaine" not in text
    assert len(text.splitlines()) == 3
    with pytest.raises(ValueError):
        store.audit("exported the note for Zelda")
    with pytest.raises(ValueError):
        store.audit("export", fmt="pdf for Zelda")


# ---------------------------------------------------------------- permissions


@POSIX
def test_everything_is_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)  # a typical, permissive umask must not widen anything
    try:
        store = Store(tmp_path / "data")
        saved = store.save_visit(new())
        store.delete_visit(saved.id)
        store.save_visit(new())
        store.audit("export", patient="p-0001", fmt="md")
        backup = store.backup(tmp_path / "b.zip")
    finally:
        os.umask(old)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    paths = [store.root, *store.root.rglob("*")]
    assert any(p.name.endswith(".lock") for p in paths) and (store.root / "audit.log") in paths
    for path in paths:
        want = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == want, path


# ---------------------------------------------------------------- damaged files


def test_corrupt_patient_file_is_quarantined_and_others_still_work(store: Store) -> None:
    broken = store.save_visit(new("Ana", history={"chief_complaint": "Very private words"}))
    fine = store.save_visit(new("Ben"))
    path = store.root / "patients" / f"{broken.patient_id}.json"
    damaged = path.read_bytes()[:-40]  # a torn write by some other tool
    path.write_bytes(damaged)

    with pytest.raises(CorruptFileError) as caught:
        store.get_visit(broken.id)
    error = caught.value
    assert error.path == path and not path.exists()
    assert error.quarantined_to.parent == store.root / "quarantine"
    assert error.quarantined_to.read_bytes() == damaged
    assert str(path) in str(error) and "restore" in str(error).lower()
    assert "private" not in str(error) and "Ana" not in str(error)

    assert store.get_visit(fine.id).revision == 1
    assert [p.id for p in store.patients()] == [fine.patient_id]
    assert store.save_visit(new("Cy")).patient_id == "p-0003"
    with pytest.raises(NotFoundError):
        store.get_visit(broken.id)


def test_corrupt_patient_file_is_reported_on_save_too(store: Store) -> None:
    saved = store.save_visit(new())
    path = store.root / "patients" / f"{saved.patient_id}.json"
    path.write_text("")
    with pytest.raises(CorruptFileError):
        store.save_visit(new(), saved.id, base_revision=1)
    assert len(list((store.root / "quarantine").iterdir())) == 1


def test_corrupt_index_shard_is_quarantined_and_rebuilt(store: Store) -> None:
    ids = [store.save_visit(new(f"Patient {i}")).patient_id for i in range(20)]
    shard = store.root / "index" / f"{shard_of(ids[0]):02d}.json"
    shard.write_text('{"patients": {"1": ')
    assert sorted(p.id for p in store.patients()) == sorted(ids)
    assert read_tables(shard) is not None
    assert [p.name.startswith(shard.name) for p in (store.root / "quarantine").iterdir()] == [True]
    # a save into a broken shard also rebuilds it
    shard.write_text("garbage")
    store.save_visit(visit(patient={"id": ids[0]}))
    assert {p.id: p.visit_count for p in store.patients()}[ids[0]] == 2


def test_index_is_derived_and_rebuilt(store: Store) -> None:
    for i in range(10):
        store.save_visit(new(f"P{i}"))
    listed = store.patients()
    for shard in (store.root / "index").glob("*.json"):
        shard.unlink()
    assert store.patients() == []  # the index alone is gone...
    assert store.rebuild_index() == 10
    assert store.patients() == listed
    shutil.rmtree(store.root / "index")
    assert Store(store.root).patients() == listed  # a missing index folder is rebuilt on open


def test_a_summary_left_stale_by_a_killed_writer_is_refreshed(store: Store) -> None:
    saved = store.save_visit(new("Ana"))
    shard = store.root / "index" / f"{shard_of(saved.patient_id):02d}.json"
    stale = shard.read_bytes()
    store.save_visit(visit(patient={"id": saved.patient_id}))
    shard.write_bytes(stale)  # as if killed after the patient file, before the shard
    (store.root / "index" / "pending" / saved.patient_id).touch()
    assert store.patients()[0].visit_count == 2
    assert not (store.root / "index" / "pending" / saved.patient_id).exists()


def test_a_leftover_temp_file_is_never_data(store: Store) -> None:
    saved = store.save_visit(new())
    path = store.root / "patients" / f"{saved.patient_id}.json"
    temp_path(path).write_text('{"half a wri')
    assert [v.id for v in store.visits()] == [saved.id]
    assert store.rebuild_index() == 1
    store.save_visit(new(), saved.id, base_revision=1)
    assert not temp_path(path).exists()  # the next save reused and renamed it


# ---------------------------------------------------------------- schema


def test_schema_0_documents_are_migrated_on_read(store: Store) -> None:
    record = visit(patient={"id": "old-1"}).to_record()
    old_layout = {
        "patient": {"1": {"id": "old-1", "visit_seq": 1, "data": record["patient"]}},
        "visits": {
            "1": {
                "id": "old-1-v1",
                "rev": 4,
                "saved_at": "2025-01-02T03:04:05+00:00",
                "data": record,
            }
        },
    }
    path = store.root / "patients" / "old-1.json"
    path.write_text(json.dumps(old_layout))
    assert 0 in MIGRATIONS
    loaded = store.get_visit("old-1-v1")
    assert loaded.revision == 4 and loaded.visit.to_record() == record
    assert store.get_patient("old-1").name == "Test Patient"
    assert store.rebuild_index() == 1
    store.save_visit(visit(patient={"id": "old-1"}), "old-1-v1", base_revision=4)
    docs = [d for table in (read_tables(path) or {}).values() for d in table.values()]
    assert {d["schema"] for d in docs} == {1} and all("data" not in d for d in docs)


def test_a_newer_schema_is_refused_not_quarantined(store: Store) -> None:
    path = store.root / "patients" / "new-1.json"
    path.write_text(json.dumps({"patient": {"1": {"schema": 2, "id": "new-1"}}}))
    with pytest.raises(StoreError, match="newer painclinic"):
        store.get_patient("new-1")
    assert path.exists()


# ---------------------------------------------------------------- locking, errors


def test_a_held_lock_times_out_with_a_clear_error(tmp_path: Path) -> None:
    store = Store(tmp_path / "data", lock_timeout=0.2)
    saved = store.save_visit(new())
    path = store.root / "patients" / f"{saved.patient_id}.json"
    with FileLock(f"{path}.lock"), pytest.raises(LockedError) as caught:
        store.save_visit(new(), saved.id, base_revision=1)
    assert str(path) in str(caught.value) and "try again" in str(caught.value)
    assert store.get_visit(saved.id).revision == 1  # reads need no lock


def test_error_text_says_what_to_do(store: Store) -> None:
    with pytest.raises(NotFoundError) as caught:
        store.get_visit("p-0001-v1")
    assert caught.value.hint and caught.value.hint in str(caught.value)
    with pytest.raises(NotFoundError, match="not a visit id"):
        store.get_visit("banana")


def test_store_modules_are_headless() -> None:
    code = (
        "import sys, painclinic.store, painclinic.store.backup; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'typer', 'rich')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_shard_count_is_stable() -> None:
    assert SHARDS == 64 and shard_of("p-0001") == shard_of("p-0001") < SHARDS


# ---------------------------------------------------------------- data folder


def test_data_dir_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PAINCLINIC_DATA", str(tmp_path / "env"))
    assert resolve_data_dir(tmp_path / "opt") == tmp_path / "opt"
    assert resolve_data_dir(str(tmp_path / "opt")) == tmp_path / "opt"
    assert resolve_data_dir() == tmp_path / "env"
    monkeypatch.delenv("PAINCLINIC_DATA")
    default = resolve_data_dir()
    assert default.name == "painclinic" and default.is_absolute()
    monkeypatch.setenv("PAINCLINIC_DATA", "~/clinic")
    assert resolve_data_dir() == Path.home() / "clinic"


@POSIX
def test_store_creates_its_folder_owner_only(tmp_path: Path) -> None:
    root = tmp_path / "a" / "b"
    Store(root)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700


# ---------------------------------------------------------------- what else the store keeps


def test_the_files_store_satisfies_the_record_store_protocol(store: Store) -> None:
    from painclinic.store import RecordStore

    assert isinstance(store, RecordStore)
    assert store.location == str(store.root)


@POSIX
def test_exports_are_new_owner_only_files_and_never_overwrite_each_other(store: Store) -> None:
    first = store.write_export("p-0001-v1", ".md", b"one")
    second = store.write_export("p-0001-v1", ".md", b"two")  # within the same second
    assert first != second and first.parent == second.parent == store.root / "exports"
    assert (first.read_bytes(), second.read_bytes()) == (b"one", b"two")
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    with pytest.raises(ValueError):
        store.write_export("../outside", ".md", b"x")  # a name never leaves exports/


def test_practice_attempts_are_kept_per_resident_and_survive_backup(
    store: Store, tmp_path: Path
) -> None:
    store.save_attempt("dr-ada", {"n": 1})
    store.save_attempt("dr-ada", {"n": 2})
    store.save_attempt("dr-bo", {"n": 3})
    assert store.attempts("dr-ada") == [{"n": 1}, {"n": 2}]
    assert sorted(e["n"] for e in store.attempts()) == [1, 2, 3]
    archive = store.backup(tmp_path / "b.zip")
    store.save_attempt("dr-ada", {"n": 4})
    store.restore(archive)
    assert store.attempts("dr-ada") == [{"n": 1}, {"n": 2}]  # the backup's attempts are back
    with pytest.raises(ValueError):
        store.attempts("../../etc")


def test_a_damaged_attempts_file_is_quarantined_and_a_new_attempt_still_saves(
    store: Store,
) -> None:
    store.save_attempt("dr-ada", {"n": 1})
    path = store.root / "attempts" / "dr-ada.json"
    path.write_text("[{ torn")
    with pytest.raises(CorruptFileError) as caught:
        store.attempts("dr-ada")
    assert caught.value.quarantined_to.read_text() == "[{ torn"  # kept aside, never deleted
    store.save_attempt("dr-ada", {"n": 2})
    assert store.attempts("dr-ada") == [{"n": 2}]


@POSIX
def test_the_apps_remembered_state_is_kept_owner_only_and_a_broken_one_is_forgotten(
    store: Store,
) -> None:
    assert store.ui_state() == {}
    store.save_ui_state({"visit": "p-0001-v1", "tab": "exam"})
    assert store.ui_state() == {"visit": "p-0001-v1", "tab": "exam"}
    path = store.root / "ui-state.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.write_text("not json")
    assert store.ui_state() == {}
