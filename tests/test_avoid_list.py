"""The avoid list is quiet (review pattern 2): a rule's item is listed only when it would
otherwise have been considered for this patient, and members fold under a listed class.
Each rule is still enforced for everyone (tests/test_safety.py checks the blocking)."""

from __future__ import annotations

from typing import Any

from painclinic import assess
from painclinic.model import Assessment
from painclinic.validation import visit_from_data
from tests.builders import BASE, merge
from tests.test_safety import FACET

LORAZEPAM = {"drug": "lorazepam", "dose_mg": 1, "per_day": 1}
OXY = {"drug": "oxycodone", "dose_mg": 5, "per_day": 2}
SCIATICA: dict[str, Any] = merge(
    BASE,
    {
        "history": {
            "duration_weeks": 2,
            "radiation": ["buttock_thigh", "below_knee"],
            "pain": {"now": 7, "worst": 9, "least": 4},
        },
        "exam": {"straight_leg_raise": {"left": "positive", "right": "negative"}},
    },
)


def run(data: dict[str, Any], **changes: Any) -> Assessment:
    return assess(visit_from_data(merge(data, changes), source="<test_avoid_list>"))


def avoid(a: Assessment) -> dict[str, str]:
    return {x.id: x.reason for x in a.avoid}


def alerts(a: Assessment) -> set[str]:
    return {x.id for x in a.safety.alerts}


def test_older_adult_on_no_benzodiazepine_gets_no_benzodiazepine_line() -> None:
    assert "benzodiazepine" not in avoid(run(BASE, patient={"age": 70}))


def test_older_adult_on_lorazepam_gets_the_line_and_the_reconciliation_alert() -> None:
    a = run(BASE, patient={"age": 70, "medications": [LORAZEPAM]})
    assert "benzodiazepine" in avoid(a)
    # The Beers alert names the current drug's risk (safety.yaml covered_by), so it speaks.
    assert {"current_drug_avoided", "beers_benzodiazepine"} & alerts(a)


def test_chronic_pain_on_no_opioid_gets_no_long_term_opioid_line() -> None:
    assert "long_term_opioid" not in avoid(run(BASE, history={"duration_weeks": 20}))


def test_chronic_pain_on_oxycodone_keeps_the_long_term_opioid_line() -> None:
    a = run(BASE, history={"duration_weeks": 20}, patient={"medications": [OXY]})
    assert "long_term_opioid" in avoid(a)


def test_an_indicated_item_keeps_its_line() -> None:
    # Oral NSAIDs are first line for acute sciatica; kidney disease rules them out: say so.
    assert "oral_nsaid" in run(SCIATICA).suggested_ids()
    a = run(SCIATICA, patient={"comorbidities": ["ckd"]})
    assert "oral_nsaid" in avoid(a)
    assert "oral_nsaid" not in a.suggested_ids()


def test_an_item_never_indicated_here_gets_no_line() -> None:
    # CKD rules out magnesium (a migraine preventive); low back pain never offers it.
    a = run(SCIATICA, patient={"comorbidities": ["ckd"]})
    assert "magnesium" not in avoid(a)


def test_members_fold_under_their_listed_class_in_pregnancy() -> None:
    a = run(SCIATICA, patient={"sex": "female", "pregnant": True, "pregnancy_weeks": 14})
    listed = avoid(a)
    assert "systemic_agents_in_pregnancy" in listed
    # Suggested without pregnancy, said once here by their class.
    assert not {"oral_steroid_taper", "gabapentin"} & set(listed)
    assert not {"oral_steroid_taper", "oral_nsaid", "gabapentin"} & a.suggested_ids()


def test_a_member_with_a_reason_of_its_own_stays_beside_its_class() -> None:
    a = run(
        SCIATICA,
        patient={
            "sex": "female",
            "pregnant": True,
            "pregnancy_weeks": 14,
            "comorbidities": ["ckd"],
        },
    )
    assert {"systemic_agents_in_pregnancy", "oral_nsaid"} <= set(avoid(a))


def test_negative_block_always_says_no_ablation() -> None:
    a = run(
        FACET, responses=[{"intervention": "medial_branch_block", "relief_percent": 30, "hours": 6}]
    )
    assert "radiofrequency_ablation" in avoid(a)


def test_track_rationale_ends_with_a_sentence_for_this_patient() -> None:
    from painclinic.engine.plan import for_this_patient

    assert (
        for_this_patient(["acute (3 weeks)", "pain up to 9/10", "chronic kidney disease"])
        == "For this patient: acute (3 weeks), pain up to 9/10 and chronic kidney disease."
    )
    assert for_this_patient(["a", "b", "c", "d", "e"]).count(",") == 2  # at most 4 facts
    items = [i for items in run(SCIATICA).tracks.values() for i in items]
    assert all(" Here: " not in i.rationale for i in items)
    assert any(i.rationale.endswith(".") and "For this patient: " in i.rationale for i in items)


def test_a_patient_on_an_opioid_is_told_not_to_add_another_even_in_chronic_pain() -> None:
    # CDC 2022: right-size the current opioid rather than add one; said whenever one is taken.
    tramadol = {"drug": "tramadol", "dose_mg": 50, "per_day": 3}
    chronic = merge(BASE, {"history": {"duration_weeks": 52}})
    on = run(chronic, patient={"medications": [tramadol]})
    assert "opioid_short_course" in {x.id for x in on.avoid}
    off = run(chronic)
    assert "opioid_short_course" not in {x.id for x in off.avoid}
