"""Knee OA procedures come in their order: failed conservative care, then a prognostic
genicular block, then genicular RFA; nothing is repeated while an ablation still holds
(BJA Education 2024; the physician's review, problem 20)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from painclinic import assess
from painclinic.validation import visit_from_data
from tests.builders import merge

SEED_3 = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "cases" / "seed-3-knee-oa-ckd.yaml"
)

KNEE: dict[str, Any] = {
    "schema": "painclinic.visit/1",
    "patient": {"id": "k-1", "age": 64, "sex": "female", "comorbidities": [], "medications": []},
    "visit": {"date": "2026-11-27", "type": "initial"},
    "history": {
        "chief_complaint": "Knee pain on walking",
        "region": "knee",
        "side": "right",
        "duration_weeks": 120,
        "onset": "gradual",
        "descriptors": ["aching", "stiffness"],
        "pain": {"now": 6, "worst": 8, "least": 2},
        "aggravating": ["walking", "stairs"],
        "function": {"walking_minutes": 10},
        "red_flags": {"fever": False, "major_trauma": False, "unexplained_weight_loss": False},
    },
    "exam": {"tenderness": ["medial_joint_line"], "gait": "antalgic"},
    "imaging": [{"modality": "xray", "finding": "osteoarthritis", "site": "knee", "side": "right"}],
}


def suggested(**changes: Any) -> set[str]:
    a = assess(visit_from_data(merge(copy.deepcopy(KNEE), changes)))
    return {i.id for items in a.tracks.values() for i in items}


FAILED_PT = {
    "history": {"prior_treatments": [{"treatment": "physical_therapy", "response": "failed"}]}
}


def test_two_years_of_knee_oa_without_failed_care_gets_no_genicular_procedure() -> None:
    ids = suggested()
    assert "genicular_rfa" not in ids
    assert "genicular_nerve_block" not in ids


def test_failed_physiotherapy_brings_the_diagnostic_block_and_rfa_after_it() -> None:
    ids = suggested(**FAILED_PT)
    assert {"genicular_nerve_block", "genicular_rfa"} <= ids


def test_a_negative_genicular_block_rules_out_the_ablation() -> None:
    ids = suggested(
        **FAILED_PT,
        visit={"type": "follow_up"},
        responses=[{"intervention": "genicular_nerve_block", "relief_percent": 20, "hours": 6}],
    )
    assert "genicular_rfa" not in ids
    assert "genicular_nerve_block" not in ids


def test_a_positive_block_leads_to_the_ablation_and_no_second_block() -> None:
    ids = suggested(
        **FAILED_PT,
        visit={"type": "follow_up"},
        responses=[{"intervention": "genicular_nerve_block", "relief_percent": 70, "hours": 8}],
    )
    assert "genicular_rfa" in ids
    assert "genicular_nerve_block" not in ids


def test_after_a_lasting_ablation_only_the_repeat_is_offered() -> None:
    # A successful RFA moves to "repeat when the effect wears off", never a new block or a
    # steroid injection meanwhile (the review's problem 19).
    a = assess(
        visit_from_data(
            merge(
                copy.deepcopy(KNEE),
                {
                    **FAILED_PT,
                    "visit": {"type": "follow_up"},
                    "responses": [
                        {"intervention": "genicular_rfa", "relief_percent": 70, "weeks": 36}
                    ],
                },
            )
        )
    )
    ids = {i.id: i for items in a.tracks.values() for i in items}
    assert not {"genicular_nerve_block", "intra_articular_steroid"} & set(ids)
    assert "when the pain returns" in ids["genicular_rfa"].rationale


def test_seed_case_3_still_has_the_ablation_its_article_describes() -> None:
    # The seed's case 3 cannot tolerate NSAIDs (failed conservative care): RFA is in the plan.
    if SEED_3.exists():
        record = yaml.safe_load(SEED_3.read_text())
        record.pop("expect", None)
        a = assess(visit_from_data(record))
        assert "genicular_rfa" in {i.id for i in a.tracks["interventional"]}
