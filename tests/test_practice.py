"""Resident practice: the case library, scoring, critical misses, feedback, progress, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from painclinic import assess
from painclinic.cli import app as cli
from painclinic.knowledge import load_knowledge
from painclinic.practice import (
    Attempt,
    TeachingCase,
    attempts,
    feedback_markdown,
    load_cases,
    progress,
    reveal,
    save_attempt,
    score,
)

CASES = load_cases()
KB = load_knowledge()
REQUIRED = {  # issue 5: regions and mechanisms the library must span
    "radiculopathy": "radiculopathy",
    "facet": "facet",
    "sacroiliac": "si",
    "stenosis": "stenosis",
    "knee": "knee",
    "fibromyalgia": "fibromyalgia",
    "crps": "crps",
    "migraine": "migraine",
    "occipital": "occipital",
    "neuropathy": "neuropathy",
    "surgery": "surgery",
    "pregnan": "pregnan",
    "benzodiazepine": "benzo",
    "cauda": "cauda",
    "infection": "infection",
    "malignan": "malignan",
    "thunderclap": "thunderclap",
}


def expert_attempt(case: TeachingCase, resident: str = "Dr Key") -> Attempt:
    key = case.key
    return Attempt(
        case=case.id,
        resident=resident,
        asked=[k.item for k in key.must_ask],
        examined=[k.item for k in key.must_examine],
        assessment={
            "red_flags": key.red_flags.answer,
            "mechanism": key.mechanism.answer[0],
            "roots": key.roots.answer,
            "differential": key.differential.answer,
        },
        plan={"accepted": key.plan.answer, "avoid": [a.id for a in key.must_avoid]},
    )


def by(fragment: str) -> TeachingCase:
    return next(c for c in CASES if fragment in c.id)


def test_the_library_has_at_least_fifteen_cases_spanning_the_curriculum() -> None:
    assert len(CASES) >= 15
    ids = " ".join(c.id for c in CASES)
    for topic, fragment in REQUIRED.items():
        assert fragment in ids, topic


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_every_case_key_agrees_with_the_engine(case: TeachingCase) -> None:
    a = assess(case.truth)
    key = case.key
    assert sorted(f.id for f in a.red_flags) == sorted(key.red_flags.answer)
    assert a.mechanism.primary in key.mechanism.answer
    roots = {f"{r.root} {r.side}" for r in a.localization}
    assert set(key.roots.answer) <= roots and (key.roots.answer or not roots)
    assert set(key.differential.answer) <= {d.id for d in a.differential}
    suggested = {i.id for items in a.tracks.values() for i in items}
    assert set(key.plan.answer) <= suggested
    assert not {m.id for m in key.must_avoid} & suggested


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_every_key_item_is_a_checklist_field_with_a_source(case: TeachingCase) -> None:
    fields = {q.field for s in KB.checklist.sections for q in s.questions}
    for item in [*case.key.must_ask, *case.key.must_examine]:
        assert item.item in fields, item.item
        assert item.point and all(s in KB.sources for s in item.source)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_an_attempt_equal_to_the_expert_key_scores_full_marks(case: TeachingCase) -> None:
    report = score(case, expert_attempt(case))
    assert report.total_percent == 100 and report.passed and not report.critical_misses


def red_flag_case() -> TeachingCase:
    return next(c for c in CASES if c.key.red_flags.answer)


def test_not_asking_a_positive_red_flag_is_a_critical_miss() -> None:
    case = red_flag_case()
    attempt = expert_attempt(case)
    flag_items = [i for i in attempt.asked if ".red_flags." in i and reveal(case, i) is True]
    assert flag_items
    attempt.asked = [i for i in attempt.asked if i not in flag_items]
    report = score(case, attempt)
    assert not report.passed
    assert any(f.item in flag_items for f in report.critical_misses)


def test_missing_the_red_flag_in_the_assessment_is_a_critical_miss() -> None:
    case = red_flag_case()
    attempt = expert_attempt(case)
    attempt.assessment.red_flags = []
    report = score(case, attempt)
    assert not report.passed and report.total_percent < 100
    assert report.critical_misses[0].point


def test_an_nsaid_in_kidney_disease_is_a_critical_miss() -> None:
    case = by("knee")
    assert any(a.id == "oral_nsaid" and a.critical for a in case.key.must_avoid)
    attempt = expert_attempt(case)
    attempt.plan.accepted = [*attempt.plan.accepted, "oral_nsaid"]
    report = score(case, attempt)
    assert not report.passed
    assert [f.item for f in report.critical_misses] == ["oral_nsaid"]


def test_scoring_is_deterministic_and_feedback_explains_each_miss() -> None:
    case = CASES[0]
    attempt = expert_attempt(case)
    attempt.asked, attempt.plan.accepted = attempt.asked[:1], []
    first, second = score(case, attempt), score(case, attempt)
    assert first.model_dump_json() == second.model_dump_json()
    text = feedback_markdown(case, attempt, first)
    for f in first.findings:
        if not f.ok:
            assert f.point in text
    assert "Expert plan beside yours" in text


def test_attempts_are_stored_per_resident_and_progress_shows_trends(tmp_path: Path) -> None:
    import datetime as dt

    from painclinic.store import Store

    store = Store(tmp_path)

    for day, case in enumerate(CASES[:3], start=1):
        attempt = expert_attempt(case, "Dr Ada")
        attempt.finished_at = dt.datetime(2026, 11, day, tzinfo=dt.UTC)
        if day == 1:
            attempt.examined = []
        save_attempt(store, attempt, score(case, attempt))
    save_attempt(
        store, expert_attempt(CASES[0], "Dr Bo"), score(CASES[0], expert_attempt(CASES[0]))
    )
    mine = attempts(store, "Dr Ada")
    assert len(mine) == 3 and len(attempts(store)) == 4
    summary = progress(mine)
    assert summary["trend"]["exam"]["first"] < summary["trend"]["exam"]["latest"]
    assert summary["weakest"][0] == "exam"
    assert (tmp_path / "attempts" / "dr-ada.json").stat().st_mode & 0o777 == 0o600


def test_practice_cli_lists_scores_and_reports_progress(tmp_path: Path) -> None:
    runner = CliRunner()
    listed = json.loads(runner.invoke(cli, ["practice", "list", "--json"]).stdout)
    assert len(listed) == len(CASES)
    case = red_flag_case()
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(expert_attempt(case, "Dr Cy").model_dump(mode="json")))
    result = runner.invoke(
        cli,
        ["--data-dir", str(tmp_path / "store"), "practice", "score", case.id, str(good), "--save"],
    )
    assert result.exit_code == 0 and "100%" in result.stdout
    bad_attempt = expert_attempt(case, "Dr Cy")
    bad_attempt.assessment.red_flags = []
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(bad_attempt.model_dump(mode="json")))
    failed = runner.invoke(cli, ["practice", "score", case.id, str(bad), "--json"])
    assert failed.exit_code == 1 and json.loads(failed.stdout)["critical_misses"]
    shown = runner.invoke(
        cli, ["--data-dir", str(tmp_path / "store"), "practice", "progress", "--resident", "Dr Cy"]
    )
    assert "Weakest areas" in shown.stdout
    unknown = runner.invoke(cli, ["practice", "score", "no-such-case", str(good)])
    assert unknown.exit_code == 1 and "no teaching case" in unknown.stderr


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_every_key_item_can_be_reached_on_the_case(case: TeachingCase) -> None:
    """A resident must be able to ask every must-ask item: the checklist shows it for the
    case's own record (its relevance rules hold on the truth)."""
    from painclinic.checklist import holds, relevant_questions
    from painclinic.engine.facts import build_facts

    facts = build_facts(case.truth, KB)
    shown = {
        q.field
        for s in KB.checklist.sections
        if holds(s.when, facts)
        for q in relevant_questions(s, facts)
    }
    grid = ("exam.motor.", "exam.sensory.", "exam.reflexes.")  # every root: `l` in the grid
    for item in [*case.key.must_ask, *case.key.must_examine]:
        assert item.item in shown or item.item.startswith(grid), item.item
