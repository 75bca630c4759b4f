"""Checkpoints follow the plan (clinical review problem 19, pattern 8): each says what changes
if its aim is not met (`if_not`), a treatment's checkpoint follows only a treatment suggested or
taken and never one avoided, and physical therapy is "after the injection" only with one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from painclinic import assess, load_visit
from painclinic.engine.expr import fact_names
from painclinic.knowledge import CheckpointDef, load_knowledge
from painclinic.model import Assessment, Visit
from painclinic.validation import visit_from_data
from tests.builders import merge
from tests.test_safety import (
    CERVICAL_C6,
    CIPROFLOXACIN,
    NECK_MYOFASCIAL,
    SCIATICA,
    TIZANIDINE,
)

HERE = Path(__file__).resolve().parent
CASES = sorted((HERE / "cases").glob("*.yaml")) + sorted(
    (HERE.parent.parent / "shared" / "cases").glob("*.yaml")
)


def run(data: dict[str, Any], **changes: Any) -> Assessment:
    return assess(visit_from_data(merge(data, changes), source="<test_checkpoint_rules>"))


def about(a: Assessment, what: str) -> list[str]:
    return [c.label for c in a.checkpoints if c.about == what]


def pt_labels(a: Assessment) -> list[str]:
    return about(a, "physical_therapy")


def test_suggested_tizanidine_gets_its_review() -> None:
    a = run(NECK_MYOFASCIAL)
    assert "tizanidine" in a.suggested_ids()
    assert about(a, "tizanidine")


def test_tizanidine_ruled_out_by_ciprofloxacin_gets_no_review() -> None:
    a = run(NECK_MYOFASCIAL, patient={"medications": [CIPROFLOXACIN]})
    assert "tizanidine" not in a.suggested_ids()
    assert not about(a, "tizanidine")


def test_tizanidine_taken_gets_its_review() -> None:
    a = run(NECK_MYOFASCIAL, patient={"medications": [TIZANIDINE]})
    assert about(a, "tizanidine")


def test_tizanidine_taken_but_avoided_gets_no_review_the_alert_speaks() -> None:
    # p12: "avoid tizanidine" beside a tizanidine review; the reconciliation alert is the action.
    a = run(NECK_MYOFASCIAL, patient={"medications": [TIZANIDINE, CIPROFLOXACIN]})
    assert "tizanidine" in {x.id for x in a.avoid}
    assert not about(a, "tizanidine")


def test_physical_therapy_after_an_injection_says_so() -> None:
    a = run(SCIATICA)
    injections = {"transforaminal_esi", "interlaminar_esi", "trigger_point_injection"}
    assert injections & a.suggested_ids()
    assert pt_labels(a) == ["First physical therapy session, within 7 days of the injection"]


def test_physical_therapy_without_an_injection_does_not_mention_one() -> None:
    a = run(CERVICAL_C6)
    assert "physical_therapy" in a.suggested_ids()
    assert not {i for i in a.suggested_ids() if i.endswith(("_esi", "_injection", "_block"))}
    labels = pt_labels(a)
    assert labels and all("injection" not in label for label in labels)


def test_every_checkpoint_rule_has_an_if_not() -> None:
    for rule in load_knowledge().checkpoints:
        assert rule.if_not.strip(), rule.id


def test_a_checkpoint_rule_without_if_not_is_rejected() -> None:
    with pytest.raises(ValidationError):
        CheckpointDef.model_validate(
            {"id": "x", "when": "chronic", "about": "function_review", "track": "rehabilitation",
             "days": 7, "label": "X", "source": ["seed_article_2026"]}
        )  # fmt: skip


def test_every_treatment_checkpoint_rule_needs_it_suggested_or_taken() -> None:
    kb = load_knowledge()
    for rule in kb.checkpoints:
        if rule.about not in kb.treatments:
            continue
        names = set(fact_names(rule.when))
        assert any(n == f"suggested:{rule.about}" or n.startswith("med:") for n in names), rule.id


def _taken(visit: Visit) -> set[str]:
    kb = load_knowledge()
    out = set()
    for m in visit.patient.medications:
        out.add(m.drug)
        treatment = kb.drugs[m.drug].treatment
        if treatment:
            out.add(treatment)
    return out


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_case_checkpoint_has_if_not_and_follows_the_plan(path: Path) -> None:
    kb = load_knowledge()
    visit = load_visit(path)
    a = assess(visit)
    planned = a.suggested_ids() | _taken(visit)
    avoided = {x.id for x in a.avoid}
    for c in a.checkpoints:
        assert c.if_not.strip(), f"{c.label}: no if_not"
        if c.about in kb.treatments:
            assert c.about in planned, f"{c.label}: {c.about} neither suggested nor taken"
            assert c.about not in avoided, f"{c.label}: {c.about} is avoided"
