"""The knowledge base is complete, consistent and sourced.

The id lists below are copied from CONTRACT.md section 3: they are the test's own source of
truth, so removing or renaming a contract id in data/ fails here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from painclinic.integrity import problems
from painclinic.knowledge import KnowledgeError, data_dir, load_knowledge

KB = load_knowledge()

CONTRACT = {
    "regions": "head face neck upper_back low_back shoulder elbow wrist_hand hip knee ankle_foot "
    "widespread",
    "radiation": "arm_above_elbow arm_to_hand buttock_thigh below_knee foot occiput none",
    "descriptors": "aching burning shooting electric stabbing throbbing tingling numbness cold "
    "itching stiffness allodynia cramping",
    "symptoms": "allodynia hyperalgesia temperature_asymmetry skin_color_change edema "
    "sweating_asymmetry decreased_range_of_motion motor_weakness tremor dystonia trophic_changes "
    "fatigue unrefreshing_sleep cognitive_symptoms",
    "special_tests": "straight_leg_raise crossed_slr femoral_stretch spurling faber fadir "
    "distraction thigh_thrust compression gaenslen sacral_thrust facet_loading hoffmann tinel "
    "phalen",
    "screens": "peg dn4 paindetect phq2 phq9 gad7 ort start_back wpi sss odi ndi hit6 csi",
    "comorbidities": "ckd gerd peptic_ulcer gi_bleed cardiovascular_disease heart_failure "
    "hypertension diabetes liver_disease anticoagulated bleeding_disorder sleep_apnea "
    "substance_use_disorder depression anxiety migraine osteoporosis cancer_history "
    "immunosuppressed fall_risk cognitive_impairment alcohol_use",
}
RED_FLAGS = [
    "saddle_anesthesia",
    "bladder_dysfunction",
    "bowel_dysfunction",
    "progressive_weakness",
    "bilateral_neuro_deficit",
    "fever",
    "iv_drug_use",
    "immunosuppression",
    "cancer_history",
    "unexplained_weight_loss",
    "night_pain",
    "major_trauma",
    "osteoporotic_fracture_risk",
    "age_over_50_new_pain",
    "thunderclap_headache",
    "headache_neuro_deficit",
    "headache_pattern_change",
    "jaw_claudication",
    "myelopathy_signs",
]
KEY_MUSCLES = {
    "elbow_flexion": "C5",
    "wrist_extension": "C6",
    "elbow_extension": "C7",
    "finger_flexion": "C8",
    "finger_abduction": "T1",
    "hip_flexion": "L2",
    "knee_extension": "L3",
    "ankle_dorsiflexion": "L4",
    "great_toe_extension": "L5",
    "ankle_plantarflexion": "S1",
}
REFLEXES = {
    "biceps": "C5",
    "brachioradialis": "C6",
    "triceps": "C7",
    "patellar": "L4",
    "medial_hamstring": "L5",
    "achilles": "S1",
}
DERMATOMES = (
    [f"C{i}" for i in range(2, 9)]
    + [f"T{i}" for i in range(1, 13)]
    + [f"L{i}" for i in range(1, 6)]
    + [f"S{i}" for i in range(1, 6)]
)
DIFFERENTIAL = [
    "lumbar_radiculopathy",
    "cervical_radiculopathy",
    "lumbar_facet_pain",
    "cervical_facet_pain",
    "discogenic_pain",
    "sacroiliac_joint_pain",
    "hip_joint_pathology",
    "myofascial_pain",
    "lumbar_spinal_stenosis",
    "knee_osteoarthritis",
    "peripheral_neuropathy",
    "nerve_entrapment",
    "occipital_neuralgia",
    "cervicogenic_headache",
    "migraine",
    "chronic_migraine",
    "fibromyalgia",
    "crps",
    "postherpetic_neuralgia",
    "tendinopathy",
    "persistent_spinal_pain_after_surgery",
    "cauda_equina_syndrome",
    "spinal_infection",
    "spinal_malignancy",
    "vertebral_fracture",
]
TRACK_ITEMS = {
    "rehabilitation": "physical_therapy core_stabilization nerve_glides hip_hinge_training "
    "graded_activity walking_program stationary_cycling postural_retraining ergonomic_review "
    "scapular_stabilization home_exercise_program unloader_brace si_belt graded_motor_imagery "
    "desensitization balance_training load_management cervical_mobility",
    "medication": "oral_nsaid topical_nsaid acetaminophen gabapentin pregabalin duloxetine "
    "nortriptyline cyclobenzaprine tizanidine lidocaine_patch capsaicin_topical "
    "oral_steroid_taper opioid_short_course migraine_preventive magnesium riboflavin "
    "ppi_gastroprotection naloxone opioid_taper_plan",
    "interventional": "transforaminal_esi interlaminar_esi medial_branch_block "
    "radiofrequency_ablation genicular_rfa si_joint_injection trigger_point_injection "
    "occipital_nerve_block intra_articular_steroid hyaluronic_acid prp_injection "
    "sympathetic_block spinal_cord_stimulator_trial onabotulinumtoxina peripheral_nerve_block",
    "behavioral": "sleep_hygiene cbt pain_coping_skills mindfulness pain_education "
    "behavioral_health_referral pain_diary headache_diary",
    "coordination": "emergency_referral urgent_mri surgical_consult endocrinology primary_care "
    "neurology psychology rheumatology pharmacy",
}
DRUGS = [
    "ibuprofen",
    "naproxen",
    "meloxicam",
    "celecoxib",
    "diclofenac",
    "amitriptyline",
    "oxycodone",
    "hydrocodone",
    "hydrocodone_acetaminophen",
    "oxycodone_acetaminophen",
    "morphine",
    "hydromorphone",
    "oxymorphone",
    "codeine",
    "tramadol",
    "tapentadol",
    "methadone",
    "fentanyl_patch",
    "buprenorphine",
    "alprazolam",
    "lorazepam",
    "clonazepam",
    "diazepam",
    "zolpidem",
    "prednisone",
    "warfarin",
    "apixaban",
    "rivaroxaban",
    "clopidogrel",
    "aspirin",
    "sertraline",
    "fluoxetine",
    "ciprofloxacin",
    "fluvoxamine",
    "metformin",
    "insulin",
]
ALERTS = [
    "opioid_benzodiazepine",
    "opioid_gabapentinoid",
    "mme_over_50",
    "mme_over_90",
    "acetaminophen_max_dose",
    "serotonin_syndrome_risk",
    "tizanidine_cyp1a2_inhibitor",
    "anticoagulant_procedure_hold",
    "sedative_stacking",
    "steroid_glucose_rise",
    "nsaid_kidney",
    "nsaid_gi_bleed",
    "nsaid_cardiac",
    "nsaid_anticoagulant",
    "beers_anticholinergic",
    "renal_dose_adjustment",
]
AVOID_CLASSES = [
    "oral_nsaid",
    "long_term_opioid",
    "benzodiazepine",
    "sedative_stacking",
    "interventional_procedures",
    "systemic_agents_in_pregnancy",
]
INSTRUMENTS_REQUIRED = ["peg", "dn4", "phq9", "gad7", "ort", "start_back", "wpi", "sss"]


def test_knowledge_base_has_no_cross_reference_problems() -> None:
    assert problems(KB) == []


@pytest.mark.parametrize("vocab", sorted(CONTRACT))
def test_every_contract_vocabulary_id_is_present(vocab: str) -> None:
    missing = set(CONTRACT[vocab].split()) - set(KB.vocab[vocab])
    assert not missing


def test_every_contract_red_flag_has_urgency_action_and_source() -> None:
    assert set(RED_FLAGS) <= set(KB.red_flags)
    for fid in RED_FLAGS:
        flag = KB.red_flags[fid]
        assert flag.urgency in ("emergency", "urgent", "soon")
        assert flag.action and flag.suggests and flag.source


def test_key_muscles_and_reflexes_map_to_their_roots() -> None:
    assert {m: d.root for m, d in KB.anatomy.key_muscles.items()} == KEY_MUSCLES
    assert {r: d.root for r, d in KB.anatomy.reflexes.items()} == REFLEXES


def test_dermatomes_c2_to_s5_have_key_sensory_points() -> None:
    assert list(KB.anatomy.dermatomes) == DERMATOMES
    assert "thumb" in KB.anatomy.dermatomes["C6"].key_point
    assert "middle finger" in KB.anatomy.dermatomes["C7"].key_point
    assert "nipple" in KB.anatomy.dermatomes["T4"].key_point
    assert "umbilicus" in KB.anatomy.dermatomes["T10"].key_point
    assert "malleolus" in KB.anatomy.dermatomes["L4"].key_point


def test_lumbar_disc_levels_meet_traversing_and_exiting_roots() -> None:
    assert KB.anatomy.disc_levels["L4-L5"] == {"exiting": "L4", "traversing": "L5"}
    assert KB.anatomy.disc_levels["L5-S1"]["traversing"] == "S1"
    assert KB.anatomy.disc_levels["C5-C6"]["exiting"] == "C6"


def test_every_contract_differential_id_is_a_condition() -> None:
    assert set(DIFFERENTIAL) <= set(KB.conditions)


@pytest.mark.parametrize("track", sorted(TRACK_ITEMS))
def test_every_contract_track_item_sits_in_its_track(track: str) -> None:
    for tid in TRACK_ITEMS[track].split():
        assert KB.treatments[tid].track == track, tid


def test_every_contract_medication_id_is_a_drug() -> None:
    medication_items = TRACK_ITEMS["medication"].split()
    assert set(DRUGS + medication_items) <= set(KB.drugs)


def test_every_contract_alert_and_avoid_class_is_defined() -> None:
    assert set(ALERTS) <= set(KB.alerts)
    assert set(AVOID_CLASSES) <= set(KB.avoid_classes)


def test_required_instruments_have_ranges_and_sources() -> None:
    for iid in INSTRUMENTS_REQUIRED:
        inst = KB.instruments[iid]
        assert inst.min < inst.max and inst.source
    assert {"acr2016_fibromyalgia", "budapest_crps", "ichd3_chronic_migraine"} <= set(KB.criteria)


def test_evidence_is_called_mixed_where_the_seed_article_says_so() -> None:
    for tid in ("prp_injection", "hyaluronic_acid", "genicular_rfa", "oral_steroid_taper"):
        assert KB.treatments[tid].evidence == "mixed", tid
        assert KB.treatments[tid].evidence_note


def test_cdc_2022_mme_factors() -> None:
    factors = {
        "codeine": 0.15,
        "fentanyl_patch": 2.4,
        "hydrocodone": 1.0,
        "hydromorphone": 5.0,
        "methadone": 4.7,
        "morphine": 1.0,
        "oxycodone": 1.5,
        "oxymorphone": 3.0,
        "tapentadol": 0.4,
        "tramadol": 0.2,
    }
    assert {d: KB.drugs[d].mme_factor for d in factors} == factors
    assert KB.drugs["buprenorphine"].mme_factor is None


def test_every_source_has_a_citation_and_year() -> None:
    for sid, source in KB.sources.items():
        assert source.citation and 1900 < source.year <= 2026, sid


def test_checklist_asks_every_red_flag_and_covers_each_stage() -> None:
    stages = {s.stage for s in KB.checklist.sections}
    assert stages == {"history", "red_flags", "exam", "screens"}
    asked = {q.red_flag for s in KB.checklist.sections for q in s.questions if q.red_flag}
    assert asked == set(KB.red_flags)


def test_knowledge_reports_version_and_content_hash() -> None:
    assert KB.version and len(KB.sha256) == 64
    assert load_knowledge() is KB  # cached: one load per process


def test_a_changed_rule_changes_the_content_hash(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    edited = copy / "alerts.yaml"
    edited.write_text(edited.read_text().replace("severity: moderate", "severity: high", 1))
    assert load_knowledge(str(copy)).sha256 != KB.sha256


def test_a_broken_data_file_is_reported_by_name(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    (copy / "treatments.yaml").write_text("treatments:\n  oral_nsaid: {track: nowhere}\n")
    with pytest.raises(KnowledgeError, match=r"treatments\.yaml"):
        load_knowledge(str(copy))


def test_integrity_check_catches_a_misspelt_fact(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    edited = copy / "treatments.yaml"
    edited.write_text(edited.read_text().replace("when: dx:crps", "when: dx:cprs", 1))
    found = problems(load_knowledge(str(copy)))
    assert any("cprs" in p for p in found)
