"""Restore under hostile archives and crashes: a zip bomb is refused before it is inflated, a
backed-up patient file with unusable contents is refused, and a restore killed in the middle of
its swap is finished when the store is next opened, so the store never looks empty."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from painclinic.store import Store, StoreError
from painclinic.store import backup as archive
from tests.builders import visit


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def store_with(root: Path, *names: str) -> Store:
    store = Store(root)
    for name in names:
        store.save_visit(visit(patient={"id": None, "name": name}))
    return store


def forged(dest: Path, members: dict[str, bytes], sizes: dict[str, int] | None = None) -> Path:
    """A backup whose manifest matches its members (sha256), as an attacker can make one."""
    listed = [
        {"path": n, "size": (sizes or {}).get(n, len(d)), "sha256": hashlib.sha256(d).hexdigest()}
        for n, d in members.items()
    ]
    manifest = {"format": "painclinic-backup", "schema": 1, "created_at": "", "files": listed}
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        zf.writestr("manifest.json", json.dumps(manifest))
    return dest


def test_a_zip_bomb_is_refused_before_it_is_inflated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = store_with(tmp_path / "data", "Ana")
    monkeypatch.setattr(archive, "MAX_MEMBER_BYTES", 64 * 1024)
    bomb = forged(tmp_path / "bomb.zip", {"patients/p-0009.json": b"0" * (4 * 1024 * 1024)})
    assert bomb.stat().st_size < 64 * 1024  # small on disk, 4 MB inflated
    inflated = 0
    real_read = zipfile.ZipExtFile.read

    def counting_read(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        nonlocal inflated
        data = real_read(self, n)
        inflated += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    before = tree(store.root)
    with pytest.raises(StoreError, match=r"over 65536 bytes.*Nothing was changed"):
        store.restore(bomb)
    assert inflated < 64 * 1024  # only the manifest was read, never the member
    assert tree(store.root) == before


def test_a_manifest_size_that_disagrees_with_the_zip_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = store_with(tmp_path / "data", "Ana")
    good = store.backup(tmp_path / "good.zip")
    with zipfile.ZipFile(good) as zf:
        members = {n: zf.read(n) for n in zf.namelist() if n != "manifest.json"}
    lying = forged(tmp_path / "lying.zip", members, {"patients/p-0001.json": 10})
    before = tree(store.root)
    with pytest.raises(StoreError, match=r"size.*Nothing was changed"):
        store.restore(lying)
    assert tree(store.root) == before


def test_a_backed_up_patient_file_with_unusable_contents_is_refused(tmp_path: Path) -> None:
    store = store_with(tmp_path / "data", "Ana")
    tables = json.loads((store.root / "patients" / "p-0001.json").read_text())
    del tables["visits"]["1"]["record"]["visit"]["date"]
    bad = forged(tmp_path / "bad.zip", {"patients/p-0001.json": json.dumps(tables).encode()})
    before = tree(store.root)
    with pytest.raises(StoreError, match=r"patients/p-0001\.json.*record\.visit\.date"):
        store.restore(bad)
    assert tree(store.root) == before


class Crash(Exception):
    pass


def _crash_after_patients_moved(monkeypatch: pytest.MonkeyPatch) -> None:
    real = archive.move_aside
    calls = []

    def move_then_crash(path: Path, dest: Path) -> Path:
        if calls:
            raise Crash  # patients/ is already in replaced-*/: the store looks empty now
        calls.append(path)
        return real(path, dest)

    monkeypatch.setattr(archive, "move_aside", move_then_crash)


def _crash_before_journal(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(path: Path, data: bytes) -> None:
        raise Crash

    monkeypatch.setattr(archive, "write_atomic", crash)


def _crash_before_staging_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Path.rmdir

    def rmdir(self: Path) -> Any:
        if self.name.startswith(archive.STAGING_PREFIX):
            raise Crash
        return real(self)

    monkeypatch.setattr(Path, "rmdir", rmdir)


@pytest.mark.parametrize(
    "crash",
    [_crash_after_patients_moved, _crash_before_journal, _crash_before_staging_removed],
    ids=["after-patients-moved", "before-journal", "before-staging-removed"],
)
def test_a_restore_interrupted_mid_swap_is_finished_on_the_next_opening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crash: Any
) -> None:
    root = tmp_path / "data"
    store = store_with(root, "Ana", "Ben")
    backup = store.backup(tmp_path / "b.zip")
    kept = {v.id for v in store.visits()}
    store.save_visit(visit(patient={"id": None, "name": "Later"}))  # p-0003, after the backup

    with monkeypatch.context() as patched:
        crash(patched)
        with pytest.raises(Crash):
            store.restore(backup)

    reopened = Store(root)
    assert {v.id for v in reopened.visits()} == kept
    assert sorted(p.name for p in reopened.patients()) == ["Ana", "Ben"]
    [notice] = reopened.notices
    [replaced] = root.glob("replaced-*")
    assert "finished" in notice and str(replaced) in notice
    assert (replaced / "patients" / "p-0003.json").exists()  # the later work is kept aside
    assert not list(root.glob(".restore-*"))  # no staging copy of patient data left behind
    assert reopened.save_visit(visit(patient={"id": None})).patient_id == "p-0004"
    assert reopened.audit_entries()[-1]["action"] == "restore-repaired"


def test_a_restore_killed_while_unpacking_leaves_nothing_behind(tmp_path: Path) -> None:
    root = tmp_path / "data"
    store = store_with(root, "Ana")
    staging = root / f"{archive.STAGING_PREFIX}20260101T000000000000Z"
    (staging / "patients").mkdir(parents=True)
    (staging / "patients" / "p-0001.json").write_bytes(b"{}")  # half a copy of a backup
    before = {v.id for v in store.visits()}

    reopened = Store(root)
    assert not staging.exists()
    assert {v.id for v in reopened.visits()} == before
    assert len(reopened.notices) == 1 and "removed" in reopened.notices[0]
