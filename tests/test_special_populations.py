"""Special populations (clinical review problem 11 and the lower-harm list): acetaminophen
first when NSAIDs are ruled out, one steroid route in diabetes, pregnancy coordination. Each
rule with a visit that triggers it and a similar one that does not."""

from __future__ import annotations

from typing import Any

from painclinic.model import Assessment
from tests.builders import assessed

ACUTE_SCIATICA: dict[str, Any] = {
    "patient": {"age": 58},
    "history": {
        "duration_weeks": 3,
        "side": "left",
        "radiation": ["buttock_thigh", "below_knee"],
        "descriptors": ["shooting"],
        "pain": {"now": 8, "worst": 9, "least": 6},
    },
    "exam": {
        "straight_leg_raise": {"left": "positive", "right": "negative"},
        "motor": {"great_toe_extension": {"left": 4, "right": 5}},
        "sensory": {"L5": {"left": "reduced", "right": "normal"}},
    },
}


def sciatica(**patient: Any) -> Assessment:
    return assessed(**{**ACUTE_SCIATICA, "patient": {**ACUTE_SCIATICA["patient"], **patient}})


def avoided(a: Assessment) -> set[str]:
    return {x.id for x in a.avoid}


def test_severe_ckd_gets_acetaminophen_before_any_opioid() -> None:
    """Beers 2023, KDIGO 2012: no oral NSAID below CrCl 30; acetaminophen is the simple
    analgesic to try first."""
    a = sciatica(comorbidities=["ckd"], crcl_ml_min=25)
    meds = [i.id for i in a.tracks["medication"]]
    assert "oral_nsaid" not in meds
    assert "acetaminophen" in meds
    if "opioid_short_course" in meds:
        assert meds.index("acetaminophen") < meds.index("opioid_short_course")


def test_same_sciatica_with_healthy_kidneys_gets_the_nsaid_not_acetaminophen_alone() -> None:
    a = sciatica()
    meds = [i.id for i in a.tracks["medication"]]
    assert "oral_nsaid" in meds
    assert "acetaminophen" not in meds  # NICE NG59: not paracetamol alone for back pain


def test_diabetes_takes_at_most_one_steroid_route() -> None:
    a = sciatica(comorbidities=["diabetes"], medications=[{"drug": "insulin"}])
    assert "oral_steroid_taper" in avoided(a)
    assert "oral_steroid_taper" not in a.suggested_ids()


def test_without_diabetes_the_steroid_taper_rule_does_not_speak() -> None:
    a = sciatica()
    assert not any("one steroid route" in x.reason for x in a.avoid)


def test_pregnancy_coordinates_with_obstetrics_and_says_mri_is_acceptable() -> None:
    a = assessed(patient={"age": 31, "pregnant": True, "pregnancy_weeks": 24})
    items = {i.id: i for i in a.tracks["coordination"]}
    assert "obstetrics" in items
    assert "MRI without gadolinium" in items["obstetrics"].rationale


def test_no_pregnancy_no_obstetrics() -> None:
    assert "obstetrics" not in assessed(patient={"age": 31}).suggested_ids()


def test_nsaid_reason_before_20_weeks_is_the_early_pregnancy_one() -> None:
    early = assessed(patient={"age": 31, "pregnant": True, "pregnancy_weeks": 10})
    reasons = {x.id: x.reason for x in early.avoid}
    assert "mixed evidence" in reasons["oral_nsaid"]
    late = assessed(patient={"age": 31, "pregnant": True, "pregnancy_weeks": 24})
    assert "mixed evidence" not in {x.id: x.reason for x in late.avoid}["oral_nsaid"]
