"""Clinical reasoning: localization, mechanism, differential, tracks and follow-ups."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from painclinic.knowledge import load_knowledge
from painclinic.model import Assessment
from tests.builders import assessed, merge

L5_LEFT = {
    "history": {
        "duration_weeks": 3,
        "side": "left",
        "radiation": ["buttock_thigh", "below_knee"],
        "descriptors": ["shooting"],
        "function": {"sitting_minutes": 15},
        "pain": {"now": 7, "worst": 8, "least": 3},
    },
    "exam": {
        "straight_leg_raise": {"left": "positive", "right": "negative"},
        "motor": {"great_toe_extension": {"left": 4, "right": 5}},
        "sensory": {"L5": {"left": "reduced"}},
    },
    "imaging": [
        {
            "modality": "mri",
            "finding": "disc_herniation",
            "level": "L4-L5",
            "side": "left",
            "zone": "paracentral",
        }
    ],
}
FACET_NECK = {
    "history": {
        "region": "neck",
        "side": "bilateral",
        "duration_weeks": 52,
        "aggravating": ["looking_up"],
        "function": {"screen_work_minutes": 60},
    },
    "exam": {"tenderness": ["cervical_paraspinal"], "range_of_motion": {"extension": "limited"}},
    "imaging": [{"modality": "xray", "finding": "facet_arthropathy", "level": "C4-C5"}],
}


def ids(a: Assessment, track: str | None = None) -> set[str]:
    if track:
        return {i.id for i in a.tracks[track]}
    return {i.id for items in a.tracks.values() for i in items}


def avoided(a: Assessment) -> dict[str, str]:
    return {x.id: x.reason for x in a.avoid}


# ---------------------------------------------------------------- localization


def test_paracentral_l4_l5_herniation_with_ehl_weakness_localizes_l5() -> None:
    a = assessed(**L5_LEFT)
    assert [(r.root, r.side) for r in a.localization][:1] == [("L5", "left")]
    evidence = " ".join(a.localization[0].evidence)
    assert "great toe extension 4/5" in evidence and "meets the L5 root" in evidence


def test_far_lateral_l4_l5_herniation_meets_the_exiting_l4_root() -> None:
    a = assessed(
        history={"side": "left", "radiation": ["buttock_thigh", "below_knee"], "duration_weeks": 4},
        exam={
            "motor": {"ankle_dorsiflexion": {"left": 4, "right": 5}},
            "reflexes": {"patellar": {"left": "reduced", "right": "normal"}},
            "sensory": {"L4": {"left": "reduced"}},
        },
        imaging=[
            {
                "modality": "mri",
                "finding": "disc_herniation",
                "level": "L4-L5",
                "side": "left",
                "zone": "far_lateral",
            }
        ],
    )
    assert (a.localization[0].root, a.localization[0].side) == ("L4", "left")


def test_cervical_c5_c6_disc_localizes_c6() -> None:
    a = assessed(
        history={
            "region": "neck",
            "side": "right",
            "radiation": ["arm_to_hand"],
            "descriptors": ["tingling"],
            "duration_weeks": 5,
        },
        exam={
            "spurling": {"right": "positive"},
            "motor": {"wrist_extension": {"left": 5, "right": 4}},
            "reflexes": {"brachioradialis": {"right": "reduced"}},
            "sensory": {"C6": {"right": "reduced"}},
        },
        imaging=[
            {"modality": "mri", "finding": "disc_herniation", "level": "C5-C6", "side": "right"}
        ],
    )
    assert (a.localization[0].root, a.localization[0].side) == ("C6", "right")
    assert "cervical_radiculopathy" in {d.id for d in a.differential}


def test_pain_pattern_and_slr_alone_do_not_localize_a_root() -> None:
    a = assessed(
        history={"radiation": ["below_knee"]}, exam={"straight_leg_raise": {"left": "positive"}}
    )
    assert a.localization == []


# Symmetric distal burning and numbness with reduced L5/S1 sensation and ankle reflexes.
DIABETIC_POLYNEUROPATHY: dict[str, Any] = {
    "history": {
        "region": "ankle_foot",
        "side": "bilateral",
        "radiation": ["foot"],
        "descriptors": ["burning", "numbness"],
        "duration_weeks": 60,
    },
    "exam": {
        "sensory": {
            "L5": {"left": "reduced", "right": "reduced"},
            "S1": {"left": "reduced", "right": "reduced"},
        },
        "reflexes": {"achilles": {"left": "reduced", "right": "reduced"}},
    },
}


def test_symmetric_distal_loss_is_a_polyneuropathy_not_a_radiculopathy() -> None:
    a = assessed(patient={"age": 68, "comorbidities": ["diabetes"]}, **DIABETIC_POLYNEUROPATHY)
    assert a.localization == []
    assert "peripheral_neuropathy" in {d.id for d in a.differential}
    assert "lumbar_radiculopathy" not in {d.id for d in a.differential}
    assert a.mechanism.primary == "neuropathic"
    assert "endocrinology" in ids(a, "coordination")


def test_upper_motor_neuron_signs_stop_root_localization() -> None:
    a = assessed(
        history={"region": "neck", "radiation": ["arm_to_hand"]},
        exam={
            "motor": {"finger_abduction": {"left": 4, "right": 5}},
            "special_tests": {"hoffmann": {"left": "positive"}},
        },
    )
    assert a.localization == []
    assert a.red_flags[0].id == "myelopathy_signs"
    assert a.differential[0].id == "cervical_myelopathy"


def test_equally_supported_roots_are_flagged_as_a_tie() -> None:
    a = assessed(
        history={"side": "left", "radiation": ["below_knee"]},
        exam={
            "sensory": {"L4": {"left": "reduced"}, "L5": {"left": "reduced"}},
            "straight_leg_raise": {"left": "positive"},
        },
    )
    assert any("equally supported" in e for e in a.localization[0].evidence)


# ---------------------------------------------------------------- mechanism


def test_radicular_pain_with_sensory_loss_and_concordant_mri_is_definite_neuropathic() -> None:
    a = assessed(**L5_LEFT)
    assert "neuropathic" in a.mechanism.components
    assert a.mechanism.grades["neuropathic"].startswith("definite")


def test_radicular_pain_without_sensory_signs_is_only_possible_neuropathic() -> None:
    a = assessed(
        history=L5_LEFT["history"],
        imaging=L5_LEFT["imaging"],
        exam={
            "motor": {"great_toe_extension": {"left": 4}},
            "straight_leg_raise": {"left": "positive"},
        },
    )
    assert a.mechanism.grades["neuropathic"].startswith("possible")


def test_structural_neck_pain_is_nociceptive() -> None:
    a = assessed(**FACET_NECK)
    assert a.mechanism.primary == "nociceptive"
    assert any("facet arthropathy" in e for e in a.mechanism.evidence)


def test_widespread_pain_with_hypersensitivity_is_probable_nociplastic() -> None:
    a = assessed(
        history={
            "region": "widespread",
            "duration_weeks": 60,
            "symptoms": ["allodynia", "fatigue", "unrefreshing_sleep"],
            "screens": {"wpi": 13, "sss": 9},
        },
        exam={"signs": ["allodynia"]},
    )
    assert a.mechanism.primary == "nociplastic"
    assert a.mechanism.grades["nociplastic"].startswith("probable")
    assert a.scores["acr2016_fibromyalgia"].met
    assert a.tracks["interventional"] == []
    assert "interventional_procedures" in avoided(a)


def test_two_supported_mechanisms_make_mixed_pain() -> None:
    a = assessed(
        history={**L5_LEFT["history"], "aggravating": ["bending", "sitting"]},
        exam={**L5_LEFT["exam"], "tenderness": ["lumbar_paraspinal"]},
        imaging=L5_LEFT["imaging"],
    )
    assert a.mechanism.primary == "mixed"
    assert {"neuropathic", "nociceptive"} <= set(a.mechanism.components)


# ---------------------------------------------------------------- tracks


def test_acute_radiculopathy_gets_a_transforaminal_epidural_and_nerve_glides() -> None:
    a = assessed(**L5_LEFT)
    assert "transforaminal_esi" in ids(a, "interventional")
    assert "nerve_glides" in ids(a, "rehabilitation")
    esi = next(i for i in a.tracks["interventional"] if i.id == "transforaminal_esi")
    assert "first three months" in esi.rationale and "For this patient:" in esi.rationale


def test_radiculopathy_after_the_first_three_months_needs_failed_therapy_for_an_epidural() -> None:
    late = {**L5_LEFT, "history": {**L5_LEFT["history"], "duration_weeks": 30}}
    assert "transforaminal_esi" not in ids(assessed(**late))
    tried = {
        **late,
        "history": {
            **late["history"],
            "prior_treatments": [{"treatment": "physical_therapy", "response": "failed"}],
        },
    }
    assert "transforaminal_esi" in ids(assessed(**tried))


def test_procedures_need_a_function_limit_or_severe_pain() -> None:
    quiet = {
        **FACET_NECK,
        "history": {**FACET_NECK["history"], "function": {}, "pain": {"now": 3, "worst": 4}},
    }
    assert ids(assessed(**quiet), "interventional") == set()
    assert "medial_branch_block" in ids(assessed(**FACET_NECK), "interventional")


def test_medial_branch_block_comes_before_ablation() -> None:
    a = assessed(**FACET_NECK)
    assert "medial_branch_block" in ids(a) and "radiofrequency_ablation" not in ids(a)


def test_concordant_block_with_half_relief_leads_to_ablation() -> None:
    a = assessed(
        **FACET_NECK,
        responses=[{"intervention": "medial_branch_block", "relief_percent": 80, "hours": 6}],
    )
    assert "radiofrequency_ablation" in ids(a, "interventional")
    assert "medial_branch_block" not in ids(a)
    assert any(c.about == "radiofrequency_ablation" for c in a.checkpoints)


def test_block_under_half_relief_rules_out_ablation_with_the_reason() -> None:
    a = assessed(
        **FACET_NECK,
        responses=[{"intervention": "medial_branch_block", "relief_percent": 30, "hours": 6}],
    )
    assert "radiofrequency_ablation" not in ids(a)
    assert "under 50%" in avoided(a)["radiofrequency_ablation"]


def test_block_relief_outlasting_the_anaesthetic_is_not_concordant() -> None:
    a = assessed(
        **FACET_NECK,
        responses=[{"intervention": "medial_branch_block", "relief_percent": 90, "hours": 72}],
    )
    assert "radiofrequency_ablation" not in ids(a)
    # Cohen 2020: prolonged relief does not rule facet pain out; a confirmatory block is offered
    assert "medial_branch_block" in ids(a, "interventional")
    assert "second" in avoided(a)["radiofrequency_ablation"]
    poor = assessed(
        **FACET_NECK,
        responses=[{"intervention": "medial_branch_block", "relief_percent": 30, "hours": 72}],
    )
    assert "medial_branch_block" not in ids(poor)


def test_a_procedure_that_did_not_help_is_not_repeated() -> None:
    a = assessed(
        **L5_LEFT,
        responses=[{"intervention": "transforaminal_esi", "relief_percent": 20, "weeks": 1}],
    )
    assert "transforaminal_esi" not in ids(a)
    assert "repeat only what worked" in avoided(a)["transforaminal_esi"]


def test_a_medicine_not_tolerated_before_is_avoided_with_the_reason() -> None:
    prior = [{"treatment": "ibuprofen", "response": "not_tolerated"}]
    a = assessed(**merge(L5_LEFT, {"history": {"prior_treatments": prior}}))
    assert "oral_nsaid" not in ids(a)
    assert "not tolerated" in avoided(a)["oral_nsaid"]


def test_therapy_that_failed_twice_stays_but_asks_why() -> None:
    prior = [{"treatment": "physical_therapy", "response": "failed", "times": 2}]
    a = assessed(**merge(FACET_NECK, {"history": {"prior_treatments": prior}}))
    pt = next(i for i in a.tracks["rehabilitation"] if i.id == "physical_therapy")
    assert "find out why" in pt.rationale


def test_a_drug_already_taken_is_not_suggested_again() -> None:
    a = assessed(
        **FACET_NECK, patient={"medications": [{"drug": "tizanidine", "dose_mg": 2, "per_day": 1}]}
    )
    assert "tizanidine" not in ids(a)


def test_scs_trial_needs_failed_conservative_care_and_psychological_readiness() -> None:
    base = {
        "history": {
            "duration_weeks": 80,
            "side": "left",
            "radiation": ["below_knee", "foot"],
            "descriptors": ["burning"],
            "function": {"walking_minutes": 10},
            "surgeries": [{"procedure": "lumbar_laminectomy", "level": "L4-L5"}],
            "prior_treatments": [
                {"treatment": "physical_therapy", "response": "failed", "times": 2},
                {"treatment": "gabapentin", "response": "failed"},
            ],
        },
        "exam": {
            "sensory": {"L5": {"left": "reduced"}},
            "motor": {"great_toe_extension": {"left": 4}},
        },
    }
    without_screen = assessed(**base)
    assert "spinal_cord_stimulator_trial" not in ids(without_screen)
    ready = assessed(**{**base, "history": {**base["history"], "screens": {"phq9": 6}}})
    assert "spinal_cord_stimulator_trial" in ids(ready, "interventional")
    depressed = assessed(**{**base, "history": {**base["history"], "screens": {"phq9": 22}}})
    assert "spinal_cord_stimulator_trial" not in ids(depressed)
    assert "spinal_cord_stimulator_trial" in avoided(depressed)
    assert "behavioral_health_referral" in ids(depressed, "behavioral")


def test_chronic_migraine_gets_onabotulinumtoxina_and_episodic_does_not() -> None:
    head = {
        "region": "head",
        "side": "bilateral",
        "duration_weeks": 40,
        "descriptors": ["throbbing"],
        "function": {"work_days_missed": 4},
    }
    chronic = assessed(
        patient={"comorbidities": ["migraine"]}, history={**head, "headache_days_per_month": 18}
    )
    assert "onabotulinumtoxina" in ids(chronic, "interventional")
    assert chronic.scores["ichd3_chronic_migraine"].met
    episodic = assessed(
        patient={"comorbidities": ["migraine"]}, history={**head, "headache_days_per_month": 6}
    )
    assert "onabotulinumtoxina" not in ids(episodic)
    assert "migraine_preventive" in ids(episodic, "medication")


def test_every_suggestion_and_avoidance_carries_its_reason() -> None:
    a = assessed(**L5_LEFT, patient={"comorbidities": ["ckd"]})
    for items in a.tracks.values():
        for item in items:
            assert item.rationale and item.source
    assert all(x.reason for x in a.avoid)


# ---------------------------------------------------------------- checkpoints


def test_checkpoints_are_dated_from_the_visit_date() -> None:
    a = assessed(**L5_LEFT, visit={"date": "2025-02-03"})
    dates = {c.about: c.date for c in a.checkpoints}
    assert dates["physical_therapy"] == dt.date(2025, 2, 10)
    assert dates["function_review"] == dt.date(2025, 3, 3)
    assert [c.date for c in a.checkpoints] == sorted(c.date for c in a.checkpoints)


def test_a_diabetic_patient_gets_a_glucose_check_after_a_steroid_injection() -> None:
    a = assessed(**L5_LEFT, patient={"comorbidities": ["diabetes"]})
    glucose = [c for c in a.checkpoints if "Glucose" in c.label]
    assert glucose and (glucose[0].date - a.visit.date).days == 2
    assert "steroid_glucose_rise" in {x.id for x in a.safety.alerts}
    assert not any("Glucose" in c.label for c in assessed(**L5_LEFT).checkpoints)


def test_opioid_at_fifty_mme_is_reassessed_within_four_weeks() -> None:
    a = assessed(patient={"medications": [{"drug": "oxycodone", "dose_mg": 10, "per_day": 4}]})
    review = [c for c in a.checkpoints if c.about == "medication_review"]
    assert review and (review[0].date - a.visit.date).days <= 28
    assert "naloxone" in ids(a, "medication")


def test_an_urgent_red_flag_defers_even_procedures_nociplastic_pain_would_allow() -> None:
    """Regression (found by hypothesis): the nociplastic rule spares a sympathetic block for
    CRPS, but an unresolved red flag spares nothing."""
    crps = {
        "history": {
            "region": "wrist_hand",
            "duration_weeks": 20,
            "pain": {"now": 7, "worst": 8},
            "symptoms": [
                "allodynia",
                "temperature_asymmetry",
                "edema",
                "decreased_range_of_motion",
            ],
            "function": {"grip_minutes": 1},
        },
        "exam": {"signs": ["allodynia", "edema", "skin_color_change"]},
    }
    assert "sympathetic_block" in ids(assessed(**crps), "interventional")
    flagged = assessed(**merge(crps, {"history": {"red_flags": {"fever": True}}}))
    assert "sympathetic_block" not in ids(flagged)
    assert flagged.deferred_reason is not None
    assert load_knowledge().treatments["sympathetic_block"].label in flagged.deferred_reason


def test_a_weak_numb_hand_without_radicular_pain_is_not_a_radiculopathy() -> None:
    """Regression: deficits alone (e.g. CRPS) must not localize a root."""
    hand = assessed(
        history={"region": "wrist_hand", "side": "right", "radiation": []},
        exam={
            "motor": {"wrist_extension": {"left": 5, "right": 4}},
            "sensory": {"C6": {"right": "reduced"}},
        },
    )
    assert hand.localization == []
    neck = assessed(
        history={"region": "neck", "side": "right", "radiation": ["arm_to_hand"]},
        exam={
            "motor": {"wrist_extension": {"left": 5, "right": 4}},
            "sensory": {"C6": {"right": "reduced"}},
        },
    )
    assert [(r.root, r.side) for r in neck.localization][:1] == [("C6", "right")]


def test_standing_pain_eased_by_sitting_is_not_neurogenic_claudication() -> None:
    facet = assessed(
        patient={"age": 64},
        history={
            "radiation": ["buttock_thigh"],
            "aggravating": ["standing"],
            "relieving": ["sitting"],
        },
    )
    assert "lumbar_spinal_stenosis" not in {d.id for d in facet.differential}
    walking = assessed(
        patient={"age": 64},
        history={
            "radiation": ["buttock_thigh"],
            "aggravating": ["walking"],
            "relieving": ["sitting"],
        },
    )
    assert "lumbar_spinal_stenosis" in {d.id for d in walking.differential}


# ---------------------------------------------------------------- derived facts (data/facts.yaml)

DERIVED = [
    # fact, changes that make it hold, its evidence, changes that do not
    (
        "nsaid_risk",
        {"patient": {"comorbidities": ["ckd", "heart_failure"]}},
        "chronic kidney disease, heart failure",
        {"patient": {"comorbidities": ["hypertension"]}},
    ),
    (
        "nsaid_risk",
        {"patient": {"pregnant": True, "pregnancy_weeks": 24}},
        "pregnancy at 20 weeks or more",
        {"patient": {"pregnant": True, "pregnancy_weeks": 12}},
    ),
    (
        "nsaid_risk",  # a comorbidity speaks first; pregnancy is not added to it
        {"patient": {"comorbidities": ["ckd"], "pregnant": True, "pregnancy_weeks": 24}},
        "chronic kidney disease",
        {},
    ),
    (
        "gi_risk",
        {
            "patient": {
                "age": 70,
                "comorbidities": ["gerd"],
                "medications": [{"drug": "sertraline"}, {"drug": "duloxetine"}],
            }
        },
        "GI risk: gerd, age 65 or over, SSRI/SNRI use",
        {"patient": {"age": 60}},
    ),
    (
        "radicular_pattern",
        {"history": {"radiation": ["below_knee"]}},
        "pain radiating below the knee",
        {"history": {"radiation": ["buttock_thigh"]}},
    ),
    (
        "objective_neuro_deficit",
        {"exam": {"reflexes": {"biceps": {"left": "reduced"}}}},
        "reduced biceps reflex on the left",
        {"exam": {"reflexes": {"biceps": {"left": "normal"}}}},
    ),
    (
        "headache_days_ge_4",
        {"history": {"headache_days_per_month": 4}},
        "4 headache days a month",
        {"history": {"headache_days_per_month": 3}},
    ),
    (
        "headache_days_ge_15",
        {"history": {"headache_days_per_month": 20}},
        "20 headache days a month",
        {"history": {"headache_days_per_month": 14}},
    ),
    (
        "thoracic",
        {"history": {"region": "upper_back"}},
        "thoracic pain",
        {"history": {"region": "neck"}},
    ),
    (
        "leg_symptoms",
        {"history": {"region": "neck", "radiation": ["foot"]}},
        "leg symptoms",
        {"history": {"region": "neck", "radiation": ["arm_to_hand"]}},
    ),
    (
        "inflammatory_pattern",
        {"history": {"symptoms": ["morning_stiffness"], "relieving": ["exercise"]}},
        "morning stiffness eased by exercise",
        {"history": {"symptoms": ["morning_stiffness"], "relieving": ["rest"]}},
    ),
]


@pytest.mark.parametrize(("fact", "yes", "evidence", "no"), DERIVED)
def test_a_derived_fact_holds_with_its_evidence_and_not_otherwise(
    fact: str, yes: dict[str, Any], evidence: str, no: dict[str, Any]
) -> None:
    from painclinic.engine.facts import build_facts
    from painclinic.knowledge import load_knowledge
    from tests.builders import visit

    kb = load_knowledge()
    assert kb.facts[fact].derived
    assert build_facts(visit(**yes), kb).get(fact) == evidence
    assert fact not in build_facts(visit(**no), kb)


def _reversed_mappings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reversed_mappings(v) for k, v in reversed(list(value.items()))}
    if isinstance(value, list):
        return [_reversed_mappings(v) for v in value]
    return value


@pytest.mark.parametrize(
    "name", ["lumbar-s1-radiculopathy", "persistent-spinal-pain-severe-depression"]
)
def test_the_order_a_record_was_written_in_does_not_change_the_assessment(name: str) -> None:
    """The app saves a visit in the checklist's order, a file may hold it in any order: the
    same visit must give the same assessment, word for word."""
    import yaml

    from painclinic.engine import assess
    from painclinic.validation import visit_from_data

    path = Path(__file__).parent / "cases" / f"{name}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.pop("expect", None)
    as_written = assess(visit_from_data(data, source="test")).model_dump(mode="json")
    reordered = assess(visit_from_data(_reversed_mappings(data), source="test"))
    assert reordered.model_dump(mode="json") == as_written


def test_acute_low_back_pain_gets_self_management_advice_acute_knee_pain_does_not() -> None:
    # NICE NG59 1.2.1: advice and information to self-manage for every adult with low back pain.
    back = assessed(history={"duration_weeks": 2})
    knee = assessed(history={"duration_weeks": 2, "region": "knee", "chief_complaint": "Knee pain"})
    assert "pain_education" in ids(back, "behavioral")
    assert "pain_education" not in ids(knee)


def test_a_fragility_vertebral_fracture_goes_to_primary_care_for_bone_protection() -> None:
    # BHOF 2022; NOGG 2022: treat bone after a fragility vertebral fracture.
    frail = assessed(
        patient={"age": 78, "comorbidities": ["osteoporosis"]},
        history={"duration_weeks": 1, "red_flags": {"osteoporotic_fracture_risk": True}},
    )
    trauma = assessed(history={"duration_weeks": 0, "red_flags": {"major_trauma": True}})
    assert "primary_care" in ids(frail, "coordination")
    assert "primary_care" not in ids(trauma)


def test_acetaminophen_for_an_older_adult_with_an_upper_lumbar_root_not_a_polyneuropathy() -> None:
    # AGS 2009: acetaminophen first in older adults; radicular pain (an L3 root, pain above the
    # knee) carries a nociceptive part, a length-dependent polyneuropathy does not (NeuPSIG 2015).
    root = assessed(
        patient={"age": 74},
        history={
            "duration_weeks": 3,
            "radiation": ["buttock_thigh"],
            "descriptors": ["burning", "shooting"],
            "screens": {"dn4": 5},
        },
        exam={
            "motor": {"knee_extension": {"left": 5, "right": 4}},
            "sensory": {"L3": {"left": "normal", "right": "reduced"}},
            "reflexes": {"patellar": {"left": "normal", "right": "reduced"}},
        },
    )
    assert root.localization and "acetaminophen" in ids(root, "medication")
    polyneuropathy = assessed(
        patient={"age": 74, "comorbidities": ["diabetes"]}, **DIABETIC_POLYNEUROPATHY
    )
    assert "acetaminophen" not in ids(polyneuropathy, "medication")


def test_inflammatory_back_pain_before_45_is_axial_spondyloarthritis_mechanical_pain_is_not() -> (
    None
):
    # ASAS 2009: chronic back pain from before 45 with inflammatory features.
    history = {
        "duration_weeks": 34,
        "symptoms": ["morning_stiffness"],
        "relieving": ["exercise"],
        "aggravating": ["rest"],
    }
    young = assessed(patient={"age": 26, "sex": "male"}, history=history)
    mechanical = assessed(
        patient={"age": 26, "sex": "male"},
        history={"duration_weeks": 34, "aggravating": ["bending"], "relieving": ["rest"]},
    )
    assert "axial_spondyloarthritis" in {d.id for d in young.differential}
    assert "axial_spondyloarthritis" not in {d.id for d in mechanical.differential}


def test_two_weeks_after_spine_surgery_the_surgical_team_is_involved_a_year_after_it_is_not() -> (
    None
):
    # SBNS/BASS 2018; GIRFT 2023: the operating team sets the early rehabilitation protocol.
    def after(years: float) -> Assessment:
        return assessed(
            visit={"date": "2026-12-08", "type": "follow_up"},
            history={
                "duration_weeks": 3,
                "surgeries": [
                    {"procedure": "lumbar_discectomy", "level": "L5-S1", "years_ago": years}
                ],
            },
        )

    assert "surgical_consult" in ids(after(0), "coordination")
    assert "surgical_consult" not in ids(after(1))


# ---------------------------------------------------------------- comorbid migraine, facet sites


def _dx(a: Assessment) -> list[str]:
    return [d.id for d in a.differential]


def test_neck_pain_in_a_migraine_patient_is_not_called_migraine() -> None:
    # ICHD-3 classifies the headache in front of you; a migraine history is a comorbidity.
    neck = assessed(patient={"comorbidities": ["migraine"]}, **FACET_NECK)
    assert "migraine" not in _dx(neck)
    head = assessed(
        patient={"comorbidities": ["migraine"]},
        history={"region": "head", "side": "left", "descriptors": ["throbbing"]},
    )
    assert "migraine" in _dx(head)


def test_tender_cervical_facets_count_as_paraspinal_tenderness() -> None:
    # Cohen 2020: paraspinal (facet) tenderness with limited range suggests facet pain.
    rom = {"cervical_extension": "limited"}
    neck = {"region": "neck", "side": "bilateral", "duration_weeks": 52}
    facets = {"tenderness": ["cervical_facets"], "range_of_motion": rom}
    assert "cervical_facet_pain" in _dx(assessed(history=neck, exam=facets))
    none = {"tenderness": ["trapezius"], "range_of_motion": rom}
    assert "cervical_facet_pain" not in _dx(assessed(history=neck, exam=none))


# ---------------------------------------------------------------- surgical opinion (NICE NG59)

STENOSIS = {
    "patient": {"age": 70},
    "history": {
        "side": "bilateral",
        "duration_weeks": 60,
        "radiation": ["buttock_thigh", "below_knee"],
        "aggravating": ["walking", "standing"],
        "relieving": ["sitting", "flexion"],
    },
    "imaging": [{"modality": "mri", "finding": "spinal_stenosis", "level": "L4-L5"}],
}


def test_stenosis_that_therapy_did_not_help_gets_a_surgical_opinion() -> None:
    pt_failed = [{"treatment": "physical_therapy", "response": "failed"}]
    failed = merge(STENOSIS, {"history": {"prior_treatments": pt_failed}})
    assert "surgical_consult" in ids(assessed(**failed), "coordination")
    assert "surgical_consult" not in ids(assessed(**STENOSIS))


def test_radiculopathy_whose_epidural_relief_was_brief_gets_a_surgical_opinion() -> None:
    brief = merge(
        L5_LEFT,
        {
            "history": {"duration_weeks": 14},
            "responses": [{"intervention": "transforaminal_esi", "relief_percent": 70, "weeks": 1}],
        },
    )
    assert "surgical_consult" in ids(assessed(**brief), "coordination")
    untreated = merge(L5_LEFT, {"history": {"duration_weeks": 14}})
    assert "surgical_consult" not in ids(assessed(**untreated))


def test_light_duty_after_the_acute_weeks_gets_a_graded_return_to_full_duty() -> None:
    # NICE NG59 1.2.11: promote and facilitate return to work.
    subacute = {"duration_weeks": 8}
    light = assessed(patient={"context": {"work_status": "light_duty"}}, history=subacute)
    assert "graded_activity" in ids(light, "rehabilitation")
    full = assessed(patient={"context": {"work_status": "full_duty"}}, history=subacute)
    assert "graded_activity" not in ids(full)


def test_a_block_needs_a_target_beyond_tenderness_when_facet_loading_is_negative() -> None:
    # Cohen 2020: tenderness with facet loading negative on both sides and no facet imaging
    # leaves a diagnostic block no target.
    back = {"duration_weeks": 60, "side": "bilateral", "pain": {"now": 7, "worst": 8, "least": 4}}
    negative = {"left": "negative", "right": "negative"}
    untargeted = {"tenderness": ["lumbar_paraspinal"], "special_tests": {"facet_loading": negative}}
    assert "medial_branch_block" not in ids(assessed(history=back, exam=untargeted))
    untested = {"tenderness": ["lumbar_paraspinal"]}
    assert "medial_branch_block" in ids(assessed(history=back, exam=untested), "interventional")


def test_a_sustained_neck_posture_provokes_a_cervicogenic_headache() -> None:
    # ICHD-3 11.2.1 C3 and Sjaastad 1998: headache provoked by sustained awkward head posture.
    head = {"region": "head", "side": "right", "radiation": ["occiput"], "duration_weeks": 26}
    exam = {"range_of_motion": {"cervical_rotation": "limited"}, "tenderness": ["suboccipital"]}
    posture = assessed(history={**head, "aggravating": ["neck_posture"]}, exam=exam)
    assert "cervicogenic_headache" in _dx(posture)
    assert "cervicogenic_headache" not in _dx(assessed(history=head, exam=exam))
