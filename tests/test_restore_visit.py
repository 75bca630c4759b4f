"""A deleted visit can be restored (store and CLI).

What the physician notices: a deleted visit leaves the visit list and the worklist, is listed
among the deleted visits, and `undelete-visit` brings it back exactly as it was, under the same
id; a restore that would overwrite a visit, or land in a deleted patient, is refused and changes
nothing. Only ids reach the audit log.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from painclinic.cli import app
from painclinic.store import NotFoundError, Store, StoreError
from painclinic.validation import visit_from_data
from painclinic.worklist import worklist
from tests.builders import BASE, merge

runner = CliRunner()
TODAY = dt.date(2026, 11, 27)


def record(**changes: Any) -> dict[str, Any]:
    return merge(BASE, {"patient": {"id": "p-0001", "name": "Daniel Forkner"}, **changes})


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store")


@pytest.fixture
def two_visits(store: Store) -> tuple[str, str]:
    first = store.save_visit(visit_from_data(record(), source="<t>"))
    planned = {"checkpoints": [{"date": "2026-12-11", "label": "Function review"}]}
    second = store.save_visit(
        visit_from_data(
            record(visit={"date": "2026-12-02", "type": "follow_up"}, plan=planned), source="<t>"
        )
    )
    return first.id, second.id


def cli(store: Store, *args: str, input: str | None = None) -> Any:
    return runner.invoke(app, ["--data-dir", str(store.root), *args], input=input)


def test_restore_after_delete_returns_the_same_record(
    store: Store, two_visits: tuple[str, str]
) -> None:
    _, vid = two_visits
    before = store.get_visit(vid)
    where = store.delete_visit(vid)
    assert Path(where).is_file() and "deleted" in str(where)
    with pytest.raises(NotFoundError):
        store.get_visit(vid)

    [gone] = store.deleted_visits("p-0001")
    assert (gone.id, gone.date, gone.revision) == (vid, dt.date(2026, 12, 2), before.revision)

    back = store.restore_visit(vid)
    assert (back.id, back.revision, back.saved_at, back.visit) == (
        before.id,
        before.revision,
        before.saved_at,
        before.visit,
    )
    assert store.deleted_visits() == []
    actions = [(e["action"], e["visit"]) for e in store.audit_entries()]
    assert actions[-2:] == [("delete-visit", vid), ("restore-visit", vid)]


def test_a_deleted_visit_leaves_the_lists_and_comes_back(
    store: Store, two_visits: tuple[str, str]
) -> None:
    first, second = two_visits
    assert [w.label for w in worklist(store, TODAY)] == ["Function review"]
    store.delete_visit(second)
    assert [v.id for v in store.visits("p-0001")] == [first]
    assert worklist(store, TODAY) == []  # the latest visit is now one without a plan
    [patient] = store.patients()
    assert patient.visit_count == 1
    store.restore_visit(second)
    assert [v.id for v in store.visits("p-0001")] == [first, second]
    assert [w.visit_id for w in worklist(store, TODAY)] == [second]


def test_restore_refuses_a_taken_id_and_changes_nothing(
    store: Store, two_visits: tuple[str, str]
) -> None:
    _, vid = two_visits
    archive = Path(store.delete_visit(vid))
    kept = archive.read_bytes()  # a copy of deleted/ from before the restore (an old backup)
    store.restore_visit(vid)
    newer = store.save_visit(store.get_visit(vid).visit, vid, base_revision=1)
    archive.write_bytes(kept)

    with pytest.raises(StoreError, match="taken"):
        store.restore_visit(vid)
    assert store.get_visit(vid).revision == newer.revision
    assert [d.id for d in store.deleted_visits()] == [vid]  # still there to compare


def test_restore_refuses_when_the_patient_is_gone(
    store: Store, two_visits: tuple[str, str]
) -> None:
    _, vid = two_visits
    store.delete_visit(vid)
    store.delete_patient("p-0001")
    with pytest.raises(StoreError, match="patient p-0001 is not in"):
        store.restore_visit(vid)
    assert [d.id for d in store.deleted_visits()] == [vid]


def test_a_restore_interrupted_before_clearing_deleted_is_finished_not_refused(
    store: Store, two_visits: tuple[str, str]
) -> None:
    _, vid = two_visits
    archive = Path(store.delete_visit(vid))
    kept = archive.read_bytes()
    store.restore_visit(vid)
    archive.write_bytes(kept)  # as if the process died after the visit was back
    assert store.deleted_visits() == []  # it is live, so it is not listed as deleted
    assert store.restore_visit(vid).id == vid
    assert store.deleted_visits() == []


def test_an_unknown_deleted_visit_is_a_clear_error(store: Store) -> None:
    with pytest.raises(NotFoundError, match="No deleted visit p-0001-v9"):
        store.restore_visit("p-0001-v9")


# ---------------------------------------------------------------- CLI


def test_cli_delete_asks_first_and_says_how_to_restore(
    store: Store, two_visits: tuple[str, str]
) -> None:
    _, vid = two_visits
    declined = cli(store, "delete-visit", vid, input="n\n")
    assert declined.exit_code == 1 and "Nothing was deleted" in declined.stderr
    assert store.get_visit(vid)

    done = cli(store, "delete-visit", vid, input="y\n")
    assert done.exit_code == 0, done.stderr
    assert f"painclinic undelete-visit {vid}" in done.stdout and "deleted" in done.stdout
    assert vid not in cli(store, "visits", "p-0001", "--json").stdout


def test_cli_undelete_lists_and_restores(store: Store, two_visits: tuple[str, str]) -> None:
    _, vid = two_visits
    assert cli(store, "delete-visit", vid, "--yes").exit_code == 0
    listed = cli(store, "undelete-visit", "--list", "p-0001")
    assert listed.exit_code == 0 and vid in listed.stdout and "2026-12-02" in listed.stdout

    restored = cli(store, "undelete-visit", vid)
    assert restored.exit_code == 0, restored.stderr
    assert f"Restored visit {vid}" in restored.stdout
    assert vid in cli(store, "visits", "p-0001", "--json").stdout
    assert cli(store, "undelete-visit", "--list", "--json").stdout.strip() == "[]"


def test_cli_undelete_errors_are_clear(store: Store, two_visits: tuple[str, str]) -> None:
    _, vid = two_visits
    missing = cli(store, "undelete-visit", vid)  # not deleted
    assert missing.exit_code == 1 and f"No deleted visit {vid}" in missing.stderr
    bare = cli(store, "undelete-visit")
    assert bare.exit_code == 2 and "--list" in bare.stderr
    unknown = cli(store, "delete-visit", "p-0001-v9", "--yes")
    assert unknown.exit_code == 1 and "p-0001-v9" in unknown.stderr
