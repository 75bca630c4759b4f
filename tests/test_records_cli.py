"""Record commands against a temporary data folder: demo, import, listings, show, worklist,
export (every format, one and all, de-identified), backup and restore, audit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from painclinic.cli import app

CASES = Path(__file__).resolve().parent / "cases"
runner = CliRunner()


def run(data: Path, *args: str, ok: bool = True):
    result = runner.invoke(app, ["--data-dir", str(data), *args])
    if ok:
        assert result.exit_code == 0, result.stderr + result.stdout
    return result


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("demo") / "store"
    run(data, "demo")
    return data


@pytest.fixture
def store(tmp_path: Path, demo_store: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(demo_store, copy)
    return copy


def test_demo_fills_a_store_with_at_least_twenty_patients(demo_store: Path) -> None:
    patients = json.loads(run(demo_store, "patients", "--json").stdout)
    assert len(patients) >= 20
    ids = {p["id"] for p in patients}
    assert {"demo-01", "demo-02", "demo-03"} <= ids  # the seed article's three cases
    assert sum(1 for p in patients if p["visits"] >= 2) >= 8  # follow-ups


def test_demo_twice_adds_nothing(store: Path) -> None:
    before = json.loads(run(store, "patients", "--json").stdout)
    assert "Added 0 demo patients" in run(store, "demo").stdout
    assert json.loads(run(store, "patients", "--json").stdout) == before


def test_patient_search_is_incremental_by_name_or_id(store: Path) -> None:
    found = json.loads(run(store, "patients", "--search", "DEMO-01", "--json").stdout)
    assert [p["id"] for p in found] == ["demo-01"]


def test_import_validates_and_assigns_visit_ids(store: Path, tmp_path: Path) -> None:
    result = run(store, "import", str(CASES / "fibromyalgia.yaml"))
    visit_id = result.stdout.split("imported as ")[1].split()[0]
    shown = json.loads(run(store, "show", visit_id, "--json").stdout)
    assert shown["mechanism"]["primary"] == "nociplastic"
    bad = tmp_path / "bad.yaml"
    bad.write_text((CASES / "fibromyalgia.yaml").read_text().replace("now: ", "now: 1"))
    failed = run(store, "import", str(bad), ok=False)
    assert failed.exit_code == 1 and "history.pain.now" in failed.stderr


def test_visits_lists_a_patients_visits_oldest_first(store: Path) -> None:
    visits = json.loads(run(store, "visits", "demo-01", "--json").stdout)
    assert len(visits) >= 2
    assert [v["date"] for v in visits] == sorted(v["date"] for v in visits)
    assert visits[1]["type"] == "follow_up"


def test_show_renders_the_assessment(store: Path) -> None:
    visit_id = json.loads(run(store, "visits", "demo-01", "--json").stdout)[0]["id"]
    out = run(store, "show", visit_id).stdout
    assert "Working diagnosis" in out and "Plan tracks" in out


def test_unknown_visit_is_a_clear_error(store: Path) -> None:
    result = run(store, "show", "nobody-v9", ok=False)
    assert result.exit_code == 1 and "nobody-v9" in result.stderr


def test_checkpoint_worklist_sorts_and_filters_by_date(store: Path) -> None:
    items = json.loads(run(store, "checkpoints", "--today", "2026-11-27", "--json").stdout)
    assert items and [i["date"] for i in items] == sorted(i["date"] for i in items)
    overdue = json.loads(
        run(store, "checkpoints", "--today", "2026-11-27", "--overdue", "--json").stdout
    )
    assert overdue and all(i["date"] < "2026-11-27" and i["overdue"] for i in overdue)
    week = json.loads(
        run(store, "checkpoints", "--today", "2026-11-27", "--due-within", "7d", "--json").stdout
    )
    assert all(i["date"] <= "2026-12-04" for i in week)
    assert len(week) < len(items)


def test_checkpoints_rejects_a_bad_span(store: Path) -> None:
    result = run(store, "checkpoints", "--due-within", "soon", ok=False)
    assert result.exit_code == 2 and "7d" in result.stderr


@pytest.mark.parametrize("fmt", ["md", "txt", "html", "fhir", "ics"])
def test_export_writes_each_text_format_owner_only(store: Path, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"note.{fmt}"
    run(store, "export", "demo-01-v1", "--format", fmt, "--out", str(target))
    assert target.stat().st_size > 200
    assert target.stat().st_mode & 0o777 == 0o600


def test_export_pdf_and_never_overwrite(store: Path, tmp_path: Path) -> None:
    target = tmp_path / "note.pdf"
    run(store, "export", "demo-01-v1", "--format", "pdf", "--out", str(target))
    assert target.read_bytes().startswith(b"%PDF")
    again = run(store, "export", "demo-01-v1", "--format", "pdf", "--out", str(target), ok=False)
    assert again.exit_code == 1 and "--force" in again.stderr


def test_export_to_stdout_and_the_audit_log_records_it(store: Path) -> None:
    note = run(store, "export", "demo-01-v1", "--format", "md").stdout
    assert "Subjective" in note
    audit = [json.loads(line) for line in (store / "audit.log").read_text().splitlines()]
    last = audit[-1]
    assert last["action"] == "export" and last["visit"] == "demo-01-v1" and last["format"] == "md"
    assert "Subjective" not in (store / "audit.log").read_text()


def test_deidentified_export_holds_no_name(store: Path) -> None:
    name = json.loads(run(store, "patients", "--search", "demo-01", "--json").stdout)[0]["name"]
    note = run(store, "export", "demo-01-v1", "--format", "md", "--deidentify").stdout
    assert name not in note and "demo-01" not in note
    for part in name.split():
        assert part not in note


def test_export_all_since_a_date_writes_one_note_per_visit(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "notes"
    run(store, "export", "--all", "--since", "2026-11-01", "--format", "md", "--out", str(out))
    expected = [
        v for v in json.loads(run(store, "visits", "--json").stdout) if v["date"] >= "2026-11-01"
    ]
    assert len(list(out.glob("*.md"))) == len(expected) > 0


def test_export_needs_a_visit_or_all(store: Path) -> None:
    result = run(store, "export", "--format", "md", ok=False)
    assert result.exit_code == 2
    bad = run(store, "export", "demo-01-v1", "--format", "docx", ok=False)
    assert bad.exit_code == 2 and "'docx' is not one of" in bad.stderr and "'md'" in bad.stderr


def test_backup_and_restore_round_trip(store: Path, tmp_path: Path) -> None:
    before = run(store, "patients", "--json").stdout
    archive = tmp_path / "backup.zip"
    run(store, "backup", str(archive))
    run(store, "import", str(CASES / "fibromyalgia.yaml"))
    assert run(store, "patients", "--json").stdout != before
    result = run(store, "restore", str(archive))
    assert "previous contents" in result.stdout
    assert run(store, "patients", "--json").stdout == before


def test_export_to_a_place_that_cannot_be_written_says_so_without_a_traceback(
    store: Path, tmp_path: Path
) -> None:
    missing = run(store, "export", "demo-01-v1", "--out", str(tmp_path / "no" / "x.md"), ok=False)
    assert missing.exit_code == 1 and "cannot be written" in missing.stderr
    assert "Traceback" not in missing.output and not (tmp_path / "no").exists()
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    batch = run(store, "export", "--all", "--out", str(a_file), ok=False)
    assert batch.exit_code == 1 and "is not a folder" in batch.stderr
    assert a_file.read_text() == "mine"  # nothing written over it
