"""Who else the plan brings in, and what it takes away: each item with a visit that calls for
it and a like visit that does not (sources beside each rule in data/treatments.yaml)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import assessed

LORAZEPAM = {"drug": "lorazepam", "dose_mg": 1, "per_day": 2}
OXYCODONE = {"drug": "oxycodone", "dose_mg": 5, "per_day": 3}
KNEE_OA: dict[str, Any] = {
    "history": {
        "region": "knee",
        "side": "right",
        "duration_weeks": 200,
        "function": {"walking_minutes": 5},
        "prior_treatments": [{"treatment": "physical_therapy", "response": "failed"}],
    },
    "exam": {"tenderness": ["medial_joint_line"]},
    "imaging": [{"modality": "xray", "finding": "osteoarthritis", "site": "knee", "side": "right"}],
}


def suggested(**changes: Any) -> set[str]:
    a = assessed(**changes)
    return {i.id for items in a.tracks.values() for i in items}


@pytest.mark.parametrize(
    ("item", "calls_for_it", "does_not"),
    [
        # Beers 2023, CDC 2022 Rec 11: a benzodiazepine at 72 is tapered; at 40 alone it is not.
        (
            "benzodiazepine_taper",
            {"patient": {"age": 72, "medications": [LORAZEPAM]}},
            {"patient": {"age": 40, "medications": [LORAZEPAM]}},
        ),
        # ... and with an opioid at any age.
        (
            "benzodiazepine_taper",
            {"patient": {"medications": [LORAZEPAM, OXYCODONE]}},
            {"patient": {"medications": [OXYCODONE]}},
        ),
        # USPSTF 2018: brief counselling for unhealthy alcohol use.
        (
            "alcohol_brief_intervention",
            {"patient": {"comorbidities": ["alcohol_use"]}},
            {},
        ),
        # CDC 2022 Rec 12, ASAM 2020: opioid use disorder is treated and coordinated.
        (
            "addiction_medicine",
            {"patient": {"comorbidities": ["opioid_use_disorder"]}},
            {"patient": {"comorbidities": ["depression"]}},
        ),
        # ASH 2020: sickle cell pain plan with haematology.
        ("hematology", {"patient": {"comorbidities": ["sickle_cell_disease"]}}, {}),
        # NICE NG226: a surgical opinion after failed non-surgical care with a function limit.
        (
            "orthopedics",
            KNEE_OA,
            {**KNEE_OA, "history": {**KNEE_OA["history"], "prior_treatments": []}},
        ),
    ],
)
def test_item_is_offered_only_when_called_for(
    item: str, calls_for_it: dict[str, Any], does_not: dict[str, Any]
) -> None:
    assert item in suggested(**calls_for_it)
    assert item not in suggested(**does_not)
