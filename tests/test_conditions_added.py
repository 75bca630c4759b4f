"""The conditions added for CONTRACT 5.3 (and cervicogenic headache, rewritten to ICHD-3
11.2.1): each with a visit that should give it and a like one that should not."""

from __future__ import annotations

from typing import Any

from painclinic.model import Assessment
from tests.builders import assessed


def _dx(a: Assessment) -> list[str]:
    return [d.id for d in a.differential]


def _suggested(a: Assessment) -> set[str]:
    return {i.id for items in a.tracks.values() for i in items}


# ------------------------------------------------------------------ cervicogenic headache

_CERVICOGENIC: dict[str, Any] = {
    "patient": {"age": 58, "sex": "male"},
    "history": {
        "chief_complaint": "Right-sided headache from the back of the head",
        "region": "head",
        "side": "right",
        "duration_weeks": 30,
        "radiation": ["occiput"],
        "aggravating": ["neck_flexion", "sustained_posture"],
        "headache_days_per_month": 12,
    },
    "exam": {
        "tenderness": ["c2_c3_facet"],
        "range_of_motion": {"cervical_rotation": "limited"},
    },
}


def test_cervicogenic_headache_side_locked_neck_provoked_with_neck_signs() -> None:
    a = assessed(**_CERVICOGENIC)
    assert "cervicogenic_headache" in _dx(a)
    assert "migraine" not in _dx(a)
    # manual therapy and exercise (Jull 2002) and the posture at work
    assert {"physical_therapy", "ergonomic_review"} <= _suggested(a)


def test_cervicogenic_headache_not_when_headache_is_on_both_sides() -> None:
    a = assessed(**{**_CERVICOGENIC, "history": {**_CERVICOGENIC["history"], "side": "bilateral"}})
    assert "cervicogenic_headache" not in _dx(a)


def test_cervicogenic_headache_not_with_full_neck_range() -> None:
    exam = {"tenderness": ["c2_c3_facet"], "range_of_motion": {"cervical_rotation": "full"}}
    a = assessed(**{**_CERVICOGENIC, "exam": exam})
    assert "cervicogenic_headache" not in _dx(a)


def test_cervicogenic_headache_not_without_neck_provocation() -> None:
    a = assessed(**{**_CERVICOGENIC, "history": {**_CERVICOGENIC["history"], "aggravating": []}})
    assert "cervicogenic_headache" not in _dx(a)
    assert "ergonomic_review" not in _suggested(a)


# ------------------------------------------------------------------ giant cell arteritis

_GCA: dict[str, Any] = {
    "patient": {"age": 72},
    "history": {
        "chief_complaint": "New temple headache, sore scalp, jaw aches on chewing",
        "region": "head",
        "side": "right",
        "duration_weeks": 3,
        "headache_days_per_month": 20,
        "symptoms": ["jaw_claudication", "scalp_tenderness"],
        "red_flags": {"age_over_50_new_pain": True},
    },
}


def test_giant_cell_arteritis_at_72_with_three_clinical_items() -> None:
    a = assessed(**_GCA)
    assert _dx(a)[0] == "giant_cell_arteritis"  # serious, and the most specific
    assert "rheumatology" in _suggested(a)
    assert "migraine" not in _dx(a)


def test_giant_cell_arteritis_not_under_50() -> None:
    # the ACR/EULAR 2022 entry criterion: age 50 or over
    a = assessed(**{**_GCA, "patient": {"age": 45}})
    assert "giant_cell_arteritis" not in _dx(a)


def test_giant_cell_arteritis_not_with_two_clinical_items() -> None:
    # jaw claudication and a new headache: 4 points of the 6 (without ESR/CRP); still a
    # secondary headache to work up, but not classified as GCA
    history = {**_GCA["history"], "symptoms": ["jaw_claudication"]}
    a = assessed(**{**_GCA, "history": history})
    assert "giant_cell_arteritis" not in _dx(a)
    assert "secondary_headache" in _dx(a)


# ------------------------------------------------------------------ polymyalgia rheumatica

_PMR: dict[str, Any] = {
    "patient": {"age": 72, "sex": "male"},
    "history": {
        "chief_complaint": "Aching and stiffness in both shoulders and hips",
        "region": "widespread",
        "side": "bilateral",
        "duration_weeks": 6,
        "radiation": ["arm_above_elbow", "buttock_thigh"],
        "descriptors": ["aching", "stiffness"],
        "symptoms": ["morning_stiffness", "fatigue"],
        "screens": {"wpi": 5, "sss": 4},
    },
}


def test_polymyalgia_rheumatica_over_50_bilateral_girdle_stiffness() -> None:
    a = assessed(**_PMR)
    assert "polymyalgia_rheumatica" in _dx(a)
    assert "fibromyalgia" not in _dx(a)
    assert "rheumatology" in _suggested(a)
    assert "graded_activity" not in _suggested(a)


def test_polymyalgia_rheumatica_not_under_50() -> None:
    a = assessed(**{**_PMR, "patient": {"age": 45, "sex": "male"}})
    assert "polymyalgia_rheumatica" not in _dx(a)


def test_polymyalgia_rheumatica_not_without_morning_stiffness() -> None:
    history = {**_PMR["history"], "symptoms": ["fatigue"]}
    a = assessed(**{**_PMR, "history": history})
    assert "polymyalgia_rheumatica" not in _dx(a)


# ------------------------------------------------------------------ sickle cell disease pain

_SCD: dict[str, Any] = {
    "patient": {"age": 24, "sex": "male", "comorbidities": ["sickle_cell_disease"]},
    "history": {"region": "widespread", "side": "bilateral", "duration_weeks": 156},
}


def test_sickle_cell_pain_with_sickle_cell_disease() -> None:
    a = assessed(**_SCD)
    assert "sickle_cell_pain" in _dx(a)
    assert "hematology" in _suggested(a)


def test_sickle_cell_pain_not_without_the_disease() -> None:
    a = assessed(**{**_SCD, "patient": {"age": 24, "sex": "male", "comorbidities": []}})
    assert "sickle_cell_pain" not in _dx(a)


# ------------------------------------------------------------------ medication-overuse headache

_MOH: dict[str, Any] = {
    "patient": {
        "age": 42,
        "comorbidities": ["migraine"],
        "medications": [{"drug": "ibuprofen", "dose_mg": 400, "per_day": 2}],
    },
    "history": {
        "chief_complaint": "Migraine, now most days; ibuprofen every day",
        "region": "head",
        "side": "bilateral",
        "duration_weeks": 40,
        "descriptors": ["throbbing"],
        "headache_days_per_month": 20,
    },
}


def test_medication_overuse_headache_15_days_with_daily_analgesic() -> None:
    a = assessed(**_MOH)
    assert "medication_overuse_headache" in _dx(a)
    assert "headache_diary" in _suggested(a)


def test_medication_overuse_headache_not_under_15_headache_days() -> None:
    # ICHD-3 8.2 A: headache on 15 or more days a month, however often analgesics are taken
    a = assessed(**{**_MOH, "history": {**_MOH["history"], "headache_days_per_month": 13}})
    assert "medication_overuse_headache" not in _dx(a)
    assert "headache_diary" in _suggested(a)


def test_medication_overuse_headache_not_with_as_needed_analgesic() -> None:
    # an as-needed medicine has no day count in the record: the diary counts those days
    meds = [{"drug": "ibuprofen", "dose_mg": 400, "per_day": 2, "prn": True}]
    a = assessed(**{**_MOH, "patient": {**_MOH["patient"], "medications": meds}})
    assert "medication_overuse_headache" not in _dx(a)


def test_medication_overuse_headache_not_with_a_scheduled_non_headache_medicine() -> None:
    meds = [{"drug": "duloxetine", "dose_mg": 60, "per_day": 1}]
    a = assessed(**{**_MOH, "patient": {**_MOH["patient"], "medications": meds}})
    assert "medication_overuse_headache" not in _dx(a)


def test_gca_flag_headache_with_visual_disturbance_at_70_is_an_emergency() -> None:
    # the jaw_claudication flag asks about jaw pain, scalp tenderness or visual disturbance
    history = {**_GCA["history"], "symptoms": ["visual_disturbance"], "red_flags": {}}
    a = assessed(**{**_GCA, "history": history})
    flag = next(f for f in a.red_flags if f.id == "jaw_claudication")
    assert flag.urgency == "emergency"


def test_gca_flag_not_under_50() -> None:
    history = {**_GCA["history"], "symptoms": ["visual_disturbance"], "red_flags": {}}
    a = assessed(**{**_GCA, "patient": {"age": 45}, "history": history})
    assert "jaw_claudication" not in {f.id for f in a.red_flags}


def test_polymyalgia_pattern_over_3_months_is_not_called_fibromyalgia() -> None:
    # chronic widespread pain with fatigue, ACR 2016 not met: the girdle pattern decides
    a = assessed(**{**_PMR, "history": {**_PMR["history"], "duration_weeks": 16}})
    assert "polymyalgia_rheumatica" in _dx(a)
    assert "fibromyalgia" not in _dx(a)
    young = assessed(
        **{**_PMR, "patient": {"age": 40}, "history": {**_PMR["history"], "duration_weeks": 16}}
    )
    assert "fibromyalgia" in _dx(young)
