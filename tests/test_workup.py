"""The work-up (data/workup.yaml, engine/workup.py): each rule ordered by a visit that should
trigger it and left out for a like visit that should not; not_indicated likewise."""

from __future__ import annotations

import shutil
import typing
from pathlib import Path
from typing import Any

import pytest

from painclinic.knowledge import KnowledgeError, data_dir, load_knowledge
from painclinic.model import Assessment, WorkupId
from tests.builders import assessed

CONTRACT_IDS = {
    "mri_spine", "mri_brain", "ct_head", "xray", "ultrasound", "inflammatory_markers",
    "blood_count", "blood_cultures", "metabolic_panel", "hba1c", "b12", "tsh", "vitamin_d",
    "liver_tests", "renal_function", "nerve_conduction", "ecg", "urine_drug_test",
    "pregnancy_test", "bone_density",
}  # fmt: skip

ACUTE_LBP: dict[str, Any] = {"history": {"duration_weeks": 3}}
FOOT_DROP: dict[str, Any] = {
    "history": {"duration_weeks": 3, "radiation": ["buttock_thigh", "below_knee"]},
    "exam": {"motor": {"ankle_dorsiflexion": {"left": 4, "right": 5}}},
}
# Cervical radiculopathy at 8 weeks, no imaging yet: an interlaminar epidural is suggested.
CERVICAL_RADICULOPATHY: dict[str, Any] = {
    "history": {
        "region": "neck",
        "side": "right",
        "duration_weeks": 8,
        "radiation": ["arm_above_elbow", "arm_to_hand"],
        "descriptors": ["shooting", "tingling"],
        "pain": {"now": 7, "worst": 8, "least": 4},
        "function": {"screen_work_minutes": 30},
    },
    "exam": {
        "spurling": {"left": "negative", "right": "positive"},
        "sensory": {"C6": {"left": "normal", "right": "reduced"}},
        "reflexes": {"brachioradialis": {"left": "normal", "right": "reduced"}},
    },
}
INFECTION: dict[str, Any] = {
    "history": {"duration_weeks": 2, "red_flags": {"fever": True, "iv_drug_use": True}},
}
METHADONE = {"patient": {"medications": [{"drug": "methadone", "dose_mg": 30, "per_day": 1}]}}
OXYCODONE = {"patient": {"medications": [{"drug": "oxycodone", "dose_mg": 10, "per_day": 2}]}}
# Confirmed lumbar facet pain (a concordant medial branch block): RFA is suggested.
FACET_RFA: dict[str, Any] = {
    "history": {
        "duration_weeks": 30,
        "aggravating": ["extension", "rotation"],
        "function": {"walking_minutes": 10},
    },
    "exam": {"tenderness": ["lumbar_paraspinal"]},
    "responses": [{"intervention": "medial_branch_block", "relief_percent": 80, "hours": 4}],
}


def ids(a: Assessment) -> list[str]:
    return [w.id for w in a.workup]


def when(a: Assessment, test: str) -> str | None:
    return next((w.when for w in a.workup if w.id == test), None)


def not_indicated(a: Assessment) -> list[str]:
    return [n.id for n in a.not_indicated]


def with_changes(base: dict[str, Any], **more: Any) -> dict[str, Any]:
    from tests.builders import merge

    return merge(base, more)


# ---------------------------------------------------------------- contract ids


def test_every_workup_id_is_one_of_the_contracts() -> None:
    kb = load_knowledge()
    assert set(typing.get_args(WorkupId)) == CONTRACT_IDS
    assert set(kb.workup_tests) == CONTRACT_IDS
    used = {r.id for r in kb.workup_rules} | {r.id for r in kb.not_indicated_rules}
    assert used <= CONTRACT_IDS


def test_an_unknown_test_id_is_refused_at_load(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    edited = copy / "workup.yaml"
    edited.write_text(edited.read_text().replace("- id: ecg", "- id: ekg", 1))
    with pytest.raises(KnowledgeError, match=r"workup\.yaml"):
        load_knowledge(str(copy))


def test_an_unknown_fact_is_refused_at_load(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    edited = copy / "workup.yaml"
    edited.write_text(edited.read_text().replace("med:methadone", "med:methadon", 1))
    with pytest.raises(KnowledgeError, match="methadon"):
        load_knowledge(str(copy))


def test_a_deferred_order_needs_its_days(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    edited = copy / "workup.yaml"
    edited.write_text(edited.read_text().replace("    days: 42\n", "", 1))
    with pytest.raises(KnowledgeError, match="days"):
        load_knowledge(str(copy))


# ---------------------------------------------------------------- low back imaging


def test_acute_nonspecific_low_back_pain_needs_no_imaging() -> None:
    a = assessed(**ACUTE_LBP)
    assert {"mri_spine", "xray"} <= set(not_indicated(a))
    assert "mri_spine" not in ids(a)
    reason = next(n.reason for n in a.not_indicated if n.id == "mri_spine")
    assert "ACP 2017" in reason


def test_a_foot_drop_calls_for_mri_and_is_never_also_not_indicated() -> None:
    a = assessed(**FOOT_DROP)
    assert when(a, "mri_spine") == "now"
    assert "mri_spine" not in not_indicated(a)
    assert "xray" not in not_indicated(a)  # a deficit: the acute-LBP rule does not hold


def test_severe_weakness_is_the_same_day_mri() -> None:
    severe = with_changes(FOOT_DROP, exam={"motor": {"ankle_dorsiflexion": {"left": 3}}})
    assert when(assessed(**severe), "mri_spine") == "same_day"


def test_a_planned_epidural_calls_for_mri_unless_already_imaged() -> None:
    a = assessed(**CERVICAL_RADICULOPATHY)
    assert "interlaminar_esi" in a.suggested_ids()
    assert when(a, "mri_spine") == "now"
    imaged = with_changes(
        CERVICAL_RADICULOPATHY,
        imaging=[{"modality": "mri", "finding": "disc_herniation", "level": "C5-C6"}],
    )
    assert "mri_spine" not in ids(assessed(**imaged))


def test_radicular_pain_past_six_weeks_calls_for_mri_under_six_does_not() -> None:
    radicular = {"history": {"duration_weeks": 8, "radiation": ["buttock_thigh", "below_knee"]}}
    assert when(assessed(**radicular), "mri_spine") == "now"
    early = {"history": {"duration_weeks": 3, "radiation": ["buttock_thigh", "below_knee"]}}
    a = assessed(**early)
    assert "mri_spine" not in ids(a)
    assert "mri_spine" in not_indicated(a)


def test_chronic_nonspecific_back_pain_needs_no_imaging_without_a_procedure() -> None:
    a = assessed()  # BASE: 20 weeks of axial low back pain, no flags
    assert {"mri_spine", "xray"} <= set(not_indicated(a))
    rfa = assessed(**FACET_RFA)
    assert "radiofrequency_ablation" in rfa.suggested_ids()
    assert "mri_spine" not in not_indicated(rfa)


def test_a_weak_flag_alone_images_if_no_better_in_six_weeks() -> None:
    a = assessed(patient={"age": 60}, history={"duration_weeks": 4})
    assert when(a, "mri_spine") == "if_no_better_by:2027-01-08"  # 42 days after 2026-11-27
    assert "mri_spine" not in not_indicated(a)
    older = assessed(patient={"age": 75}, history={"duration_weeks": 4})
    assert when(older, "mri_spine") == "if_no_better_by:2026-12-25"  # sooner over 70
    young = assessed(patient={"age": 45}, history={"duration_weeks": 4})
    assert "mri_spine" not in ids(young)


def test_an_urgent_flag_orders_mri_now() -> None:
    a = assessed(history={"duration_weeks": 4, "red_flags": {"unexplained_weight_loss": True}})
    assert when(a, "mri_spine") == "now"
    assert {"blood_count", "inflammatory_markers", "metabolic_panel"} <= set(ids(a))


# ---------------------------------------------------------------- spinal infection


def test_suspected_spinal_infection_is_a_same_day_work_up() -> None:
    a = assessed(**INFECTION)
    for test in ("blood_cultures", "blood_count", "inflammatory_markers", "mri_spine"):
        assert when(a, test) == "same_day", test
    cultures = next(w for w in a.workup if w.id == "blood_cultures")
    assert "before any antibiotic" in cultures.label
    assert "gadolinium" in next(w.label for w in a.workup if w.id == "mri_spine")
    assert ids(a)[:4] == ["blood_cultures", "blood_count", "inflammatory_markers", "mri_spine"]


def test_no_infection_work_up_without_fever() -> None:
    a = assessed(history={"duration_weeks": 2, "red_flags": {"iv_drug_use": True}})
    assert "blood_cultures" not in ids(a)


def test_fever_with_back_pain_alone_is_urgent_not_same_day() -> None:
    a = assessed(history={"duration_weeks": 2, "red_flags": {"fever": True}})
    assert when(a, "blood_cultures") == "now"


def test_an_emergency_holds_back_routine_tests() -> None:
    a = assessed(**with_changes(INFECTION, **OXYCODONE))
    assert "urine_drug_test" not in ids(a)
    assert "urine_drug_test" in ids(assessed(**OXYCODONE))


# ---------------------------------------------------------------- headache


def test_thunderclap_headache_is_a_same_day_ct() -> None:
    head = {"region": "head", "headache_days_per_month": 2}
    a = assessed(history={**head, "red_flags": {"thunderclap_headache": True}})
    assert when(a, "ct_head") == "same_day"
    assert "ct_head" not in ids(assessed(history=head))


def test_a_changed_headache_pattern_calls_for_brain_mri() -> None:
    head = {"region": "head", "headache_days_per_month": 8}
    a = assessed(history={**head, "red_flags": {"headache_pattern_change": True}})
    assert when(a, "mri_brain") == "now"
    assert "mri_brain" not in ids(assessed(history=head))


def test_stable_migraine_needs_no_neuroimaging() -> None:
    migraine = {
        "patient": {"comorbidities": ["migraine"]},
        "history": {"region": "head", "headache_days_per_month": 6, "descriptors": ["throbbing"]},
    }
    a = assessed(**migraine)
    assert {"mri_brain", "ct_head"} <= set(not_indicated(a))
    flagged = with_changes(migraine, history={"red_flags": {"headache_pattern_change": True}})
    assert "mri_brain" not in not_indicated(assessed(**flagged))


# ---------------------------------------------------------------- labs


def test_widespread_pain_with_fatigue_gets_a_small_lab_panel() -> None:
    widespread = {
        "history": {"region": "widespread", "duration_weeks": 52, "symptoms": ["fatigue"]}
    }
    got = set(ids(assessed(**widespread)))
    assert {"blood_count", "inflammatory_markers", "tsh", "vitamin_d"} <= got
    assert not {"tsh", "vitamin_d"} & set(ids(assessed()))
    follow_up = with_changes(widespread, visit={"type": "follow_up"})
    assert "tsh" not in ids(assessed(**follow_up))


def test_polyneuropathy_labs() -> None:
    neuropathy = {
        "history": {
            "region": "ankle_foot",
            "side": "bilateral",
            "duration_weeks": 40,
            "descriptors": ["burning", "numbness"],
        },
        "exam": {
            "sensory": {
                "L5": {"left": "reduced", "right": "reduced"},
                "S1": {"left": "reduced", "right": "reduced"},
            },
            "reflexes": {"achilles": {"left": "absent", "right": "absent"}},
        },
    }
    a = assessed(**neuropathy)
    assert "peripheral_neuropathy" in [d.id for d in a.differential]
    assert {"hba1c", "b12", "tsh", "renal_function", "nerve_conduction"} <= set(ids(a))
    diabetic = with_changes(neuropathy, patient={"comorbidities": ["diabetes"]})
    d = assessed(**diabetic)
    assert "nerve_conduction" not in ids(d)
    assert "nerve_conduction" in not_indicated(d)


def test_no_nerve_study_when_the_root_is_already_placed() -> None:
    a = assessed(**CERVICAL_RADICULOPATHY)
    assert "nerve_conduction" not in ids(a)
    assert "nerve_conduction" in not_indicated(a)


# ---------------------------------------------------------------- medicines and procedures


def test_methadone_needs_an_ecg() -> None:
    assert when(assessed(**METHADONE), "ecg") == "now"
    assert "ecg" not in ids(assessed(**OXYCODONE))


def test_long_term_opioids_need_a_urine_drug_test() -> None:
    assert "urine_drug_test" in ids(assessed(**OXYCODONE))
    assert "urine_drug_test" not in ids(assessed())
    short = with_changes(OXYCODONE, history={"duration_weeks": 3})
    assert "urine_drug_test" not in ids(assessed(**short))


def test_a_woman_of_30_before_a_fluoroscopic_procedure_gets_a_pregnancy_test() -> None:
    woman = with_changes(FACET_RFA, patient={"age": 30, "sex": "female"})
    a = assessed(**woman)
    assert "radiofrequency_ablation" in a.suggested_ids()
    assert "pregnancy_test" in ids(a)
    man = assessed(**with_changes(FACET_RFA, patient={"age": 30, "sex": "male"}))
    assert "pregnancy_test" not in ids(man)
    assert "pregnancy_test" not in ids(assessed(patient={"age": 30, "sex": "female"}))


def test_an_oral_nsaid_in_an_older_adult_needs_renal_function() -> None:
    a = assessed(patient={"age": 70, "sex": "male"}, history={"duration_weeks": 4})
    assert "oral_nsaid" in a.suggested_ids()
    assert "renal_function" in ids(a)
    younger = assessed(patient={"age": 40}, history={"duration_weeks": 4})
    assert "oral_nsaid" in younger.suggested_ids()
    assert "renal_function" not in ids(younger)


def test_tramadol_in_an_older_adult_needs_sodium() -> None:
    tramadol = [{"drug": "tramadol", "dose_mg": 50, "per_day": 2}]
    a = assessed(patient={"age": 72, "medications": tramadol})
    assert "metabolic_panel" in ids(a)
    assert "metabolic_panel" not in ids(assessed(patient={"age": 50, "medications": tramadol}))


def test_acetaminophen_over_the_maximum_with_alcohol_needs_liver_tests() -> None:
    apap = [{"drug": "acetaminophen", "dose_mg": 1000, "per_day": 5}]
    a = assessed(patient={"medications": apap, "comorbidities": ["alcohol_use"]})
    assert "liver_tests" in ids(a)
    assert "liver_tests" not in ids(assessed(patient={"medications": apap}))


def test_a_fragility_fracture_risk_needs_bone_density() -> None:
    osteoporosis = {"age": 72, "comorbidities": ["osteoporosis"]}
    a = assessed(patient=osteoporosis, history={"duration_weeks": 2})
    assert "bone_density" in ids(a)
    assert "xray" in ids(a)
    assert "bone_density" not in ids(assessed(patient={"age": 72}))


# ---------------------------------------------------------------- shape


@pytest.mark.parametrize(
    "changes", [ACUTE_LBP, FOOT_DROP, INFECTION, METHADONE, CERVICAL_RADICULOPATHY, FACET_RFA]
)
def test_a_test_is_never_both_ordered_and_not_indicated(changes: dict[str, Any]) -> None:
    a = assessed(**changes)
    assert not set(ids(a)) & set(not_indicated(a))
    assert len(ids(a)) == len(set(ids(a)))
    for w in a.workup:
        assert w.rationale and w.source
        assert w.when in ("now", "same_day") or w.when.startswith("if_no_better_by:")


def test_thunderclap_after_50_keeps_to_its_own_pathway() -> None:
    head = {"region": "head", "headache_days_per_month": 2, "duration_weeks": 1}
    a = assessed(patient={"age": 62}, history={**head, "red_flags": {"thunderclap_headache": True}})
    assert when(a, "ct_head") == "same_day"
    assert not {"mri_brain", "inflammatory_markers"} & set(ids(a))
    new_after_50 = assessed(patient={"age": 62}, history=head)
    assert when(new_after_50, "inflammatory_markers") == "same_day"  # giant cell arteritis
    assert when(new_after_50, "mri_brain") == "now"


def test_no_pregnancy_test_for_a_neck_procedure() -> None:
    woman = with_changes(CERVICAL_RADICULOPATHY, patient={"age": 30, "sex": "female"})
    a = assessed(**woman)
    assert "interlaminar_esi" in a.suggested_ids()
    assert "pregnancy_test" not in ids(a)


def test_claudication_or_earlier_surgery_is_not_nonspecific_back_pain() -> None:
    claudication = {
        "history": {
            "radiation": ["buttock_thigh"],
            "aggravating": ["walking"],
            "relieving": ["sitting"],
        }
    }
    assert "mri_spine" not in not_indicated(assessed(**claudication))
    surgery = {"history": {"surgeries": [{"procedure": "lumbar_discectomy", "years_ago": 3}]}}
    assert "mri_spine" not in not_indicated(assessed(**surgery))


def test_nothing_is_called_not_needed_under_an_emergency() -> None:
    ces = {"history": {"red_flags": {"bladder_dysfunction": True}}}
    a = assessed(**with_changes(CERVICAL_RADICULOPATHY, **ces))
    assert a.not_indicated == []


def test_the_same_day_infection_rule_keeps_in_step_with_the_red_flag_combination() -> None:
    from painclinic.engine.expr import fact_names

    kb = load_knowledge()
    combo = next(c for c in kb.red_flag_combinations if c.id == "suspected_spinal_infection")
    same_day = next(
        r for r in kb.workup_rules if r.id == "blood_cultures" and r.timing == "same_day"
    )
    assert set(fact_names(combo.when)) <= set(fact_names(same_day.when))
