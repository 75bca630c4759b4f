"""`painclinic assess`: readable output, contract JSON on stdout, errors on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from painclinic.cli import app
from tests.builders import BASE, merge

CASES = Path(__file__).resolve().parent / "cases"
runner = CliRunner()


def test_assess_json_prints_the_contract_document() -> None:
    result = runner.invoke(app, ["assess", str(CASES / "cauda-equina-emergency.yaml"), "--json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert list(doc) == [
        "visit",
        "knowledge",
        "red_flags",
        "mechanism",
        "localization",
        "differential",
        "tracks",
        "avoid",
        "safety",
        "scores",
        "checkpoints",
        "deferred_reason",
        "safety_net",
        "first_steps",
        "workup",
        "not_indicated",
    ]
    assert doc["red_flags"][0]["urgency"] == "emergency"
    assert list(doc["tracks"]) == [
        "rehabilitation",
        "medication",
        "interventional",
        "behavioral",
        "coordination",
    ]


def test_assess_json_is_byte_for_byte_deterministic() -> None:
    path = str(CASES / "lumbar-s1-radiculopathy.yaml")
    first = runner.invoke(app, ["assess", path, "--json"]).stdout
    second = runner.invoke(app, ["assess", path, "--json"]).stdout
    assert first == second


def test_several_files_give_several_assessments() -> None:
    paths = [str(p) for p in sorted(CASES.glob("*.yaml"))[:3]]
    result = runner.invoke(app, ["assess", *paths, "--json"])
    assert result.exit_code == 0
    docs = json.loads(result.stdout)
    assert len(docs) == 3


def test_readable_output_puts_red_flags_first() -> None:
    result = runner.invoke(
        app, ["assess", str(CASES / "cauda-equina-emergency.yaml")], env={"COLUMNS": "100"}
    )
    assert result.exit_code == 0
    out = result.stdout
    assert out.index("RED FLAGS") < out.index("Working diagnosis") < out.index("Plan tracks")
    assert "!! EMERGENCY" in out  # marked in words, not colour alone
    assert out.index("Plan tracks") < out.index("Avoid") < out.index("Medication safety")
    assert out.index("Medication safety") < out.index("Dated checkpoints")


def test_a_bad_file_exits_non_zero_with_the_reason_on_stderr(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(merge(BASE, {"history": {"pain": {"now": 11}}})))
    good = CASES / "fibromyalgia.yaml"
    result = runner.invoke(app, ["assess", str(bad), str(good), "--json"])
    assert result.exit_code == 1
    assert "bad.yaml: history.pain.now" in result.stderr
    assert json.loads(result.stdout)[0]["visit"]["patient"]  # the good file still assessed


def test_knowledge_command_reports_version_and_hash() -> None:
    result = runner.invoke(app, ["knowledge"])
    assert result.exit_code == 0
    assert "sha256" in result.stdout and "red flags" in result.stdout


def test_knowledge_check_passes_on_the_shipped_data() -> None:
    result = runner.invoke(app, ["knowledge", "--check"])
    assert result.exit_code == 0
    assert "no problems" in result.stdout
