"""Medication safety: MME, acetaminophen totals, every alert rule and every avoid rule.

The clinical numbers below (CDC 2022 MME factors, acetaminophen limits) are written here as
the source of truth and never read from data/, so a data edit that changes them fails a test.
Every assessment built in this file goes through `run`, which checks the contract's promise
that an avoided item (or any member of an avoided class) never appears in a track.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from painclinic import assess
from painclinic.engine import assess_with_facts
from painclinic.engine.plan import class_members
from painclinic.knowledge import load_knowledge
from painclinic.model import Assessment
from painclinic.validation import VisitError, visit_from_data
from tests.builders import BASE, merge
from tests.contract_ids import ALERTS

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
SAFETY = yaml.safe_load((DATA / "safety.yaml").read_text())
TREATMENT_TRACKS = {
    tid: t["track"]
    for tid, t in yaml.safe_load((DATA / "treatments.yaml").read_text())["treatments"].items()
}

CONTRACT_ALERTS = set(ALERTS)


# ---------------------------------------------------------------- helpers


def _case(name: str) -> dict[str, Any]:
    data = yaml.safe_load((HERE / "cases" / f"{name}.yaml").read_text())
    data.pop("expect", None)
    return data


def _class_members(class_id: str) -> set[str]:
    members = SAFETY["avoid_classes"].get(class_id)
    if members is None:
        return {class_id}
    out: set[str] = set()
    for m in members:
        if m.startswith("track:"):
            track = m.split(":", 1)[1]
            out |= {tid for tid, t in TREATMENT_TRACKS.items() if t == track}
        else:
            out.add(m)
    return out


def _exempt(avoid_id: str, reason: str) -> set[str]:
    """Members a class avoidance leaves allowed: only what EVERY reason behind it exempts."""
    rules = [r for r in SAFETY["avoid_rules"] if avoid_id in r["avoid"] and r["reason"] in reason]
    if not rules or "Deferred while a red flag" in reason:
        return set()
    exempt = set(rules[0].get("exempt", []))
    for r in rules[1:]:
        exempt &= set(r.get("exempt", []))
    return exempt


def assert_avoided_never_suggested(a: Assessment) -> None:
    suggested = {item.id: track for track, items in a.tracks.items() for item in items}
    for avoided in a.avoid:
        assert avoided.reason.strip(), f"{avoided.id} is avoided without a reason"
        blocked = _class_members(avoided.id) - _exempt(avoided.id, avoided.reason)
        both = sorted(blocked & set(suggested))
        assert not both, f"avoided {avoided.id} ({avoided.reason}) but suggested {both}"


def run(data: dict[str, Any], **changes: Any) -> Assessment:
    """Assess `data` with `changes` deep-merged in; every assessment passes the avoid check."""
    a = assess(visit_from_data(merge(data, changes), source="<test_safety>"))
    assert_avoided_never_suggested(a)
    return a


def meds(*items: dict[str, Any]) -> dict[str, Any]:
    return {"medications": list(items)}


def alert_ids(a: Assessment) -> set[str]:
    return {x.id for x in a.safety.alerts}


def avoid_reasons(a: Assessment) -> dict[str, str]:
    return {x.id: x.reason for x in a.avoid}


def suggested(a: Assessment) -> set[str]:
    return a.suggested_ids()


def assert_avoided(a: Assessment, item: str) -> None:
    """Listed with a reason, or folded into a listed class that holds it (engine/avoidlist.py)."""
    reasons = avoid_reasons(a)
    kb = load_knowledge()
    classes = [c for c in reasons if c in kb.avoid_classes and item in class_members(kb, c)]
    listed = item if item in reasons else (classes[0] if classes else None)
    assert listed is not None, f"{item} not in avoid: {sorted(reasons)}"
    assert reasons[listed].strip(), f"{item} avoided without a reason"
    assert item not in suggested(a)


def blocked_reasons(data: dict[str, Any], **changes: Any) -> dict[str, str]:
    """Every id the plan blocks, shown or not, with its reasons (the `avoided:` facts)."""
    a, facts = assess_with_facts(visit_from_data(merge(data, changes), source="<test_safety>"))
    assert_avoided_never_suggested(a)
    return {k.split(":", 1)[1]: v for k, v in facts.items() if k.startswith("avoided:")}


OXY = {"drug": "oxycodone", "dose_mg": 5, "per_day": 2}
LORAZEPAM = {"drug": "lorazepam", "dose_mg": 1, "per_day": 1}
GABAPENTIN = {"drug": "gabapentin", "dose_mg": 300, "per_day": 3}
CYCLOBENZAPRINE = {"drug": "cyclobenzaprine", "dose_mg": 10, "per_day": 1}
ZOLPIDEM = {"drug": "zolpidem", "dose_mg": 5, "per_day": 1}
IBUPROFEN = {"drug": "ibuprofen", "dose_mg": 400, "per_day": 3}
APIXABAN = {"drug": "apixaban", "dose_mg": 5, "per_day": 2}
SERTRALINE = {"drug": "sertraline", "dose_mg": 50, "per_day": 1}
TIZANIDINE = {"drug": "tizanidine", "dose_mg": 4, "per_day": 3}
CIPROFLOXACIN = {"drug": "ciprofloxacin", "dose_mg": 500, "per_day": 2}
METHADONE = {"drug": "methadone", "dose_mg": 10, "per_day": 3}
MORPHINE = {"drug": "morphine", "dose_mg": 15, "per_day": 2}
TRAMADOL = {"drug": "tramadol", "dose_mg": 50, "per_day": 4}
CITALOPRAM = {"drug": "citalopram", "dose_mg": 20, "per_day": 1}
PREDNISONE = {"drug": "prednisone", "dose_mg": 10, "per_day": 1}
WARFARIN = {"drug": "warfarin", "dose_mg": 5, "per_day": 1}
BUPRENORPHINE = {"drug": "buprenorphine", "dose_mg": 8, "per_day": 2}


def apap(per_day: float, dose_mg: float = 500) -> dict[str, Any]:
    return {"drug": "acetaminophen", "dose_mg": dose_mg, "per_day": per_day}


# Acute left L5 radiculopathy from an L4-L5 disc (seed case 1): oral NSAID, cyclobenzaprine,
# oral steroid taper and a transforaminal ESI are all suggested for it.
SCIATICA = merge(
    BASE,
    {
        "patient": {"age": 38, "sex": "male"},
        "history": {
            "chief_complaint": "Low back pain shooting down the left leg after lifting",
            "side": "left",
            "duration_weeks": 2,
            "onset": "sudden",
            "radiation": ["buttock_thigh", "below_knee", "foot"],
            "descriptors": ["shooting", "electric"],
            "pain": {"now": 7, "worst": 9, "least": 4},
            "aggravating": ["sitting", "bending"],
            "function": {"sitting_minutes": 10},
        },
        "exam": {
            "straight_leg_raise": {"left": "positive", "right": "negative"},
            "motor": {"great_toe_extension": {"left": 4, "right": 5}},
        },
        "imaging": [
            {
                "modality": "mri",
                "finding": "disc_herniation",
                "level": "L4-L5",
                "side": "left",
                "zone": "lateral",
            }
        ],
    },
)
# The same root problem at 20 weeks after failed physical therapy: a transforaminal ESI (a
# steroid injection) is suggested, but no oral steroid or oral NSAID (those are for acute pain).
CHRONIC_SCIATICA = merge(
    SCIATICA,
    {
        "history": {
            "duration_weeks": 20,
            "prior_treatments": [{"treatment": "physical_therapy", "response": "failed"}],
        }
    },
)
# Fibromyalgia-like widespread pain as the brief describes it.
NOCIPLASTIC = merge(
    BASE,
    {
        "history": {
            "region": "widespread",
            "side": "bilateral",
            "duration_weeks": 52,
            "screens": {"wpi": 12, "sss": 9},
        },
        "exam": {"signs": ["allodynia"]},
    },
)
# Acute severe S1 sciatica after an NSAID has failed: suggests an opioid short course (CDC 2022
# allows a few days when NSAIDs are ruled out or have failed; "partial" help is not failure).
S1_ON_IBUPROFEN = merge(
    _case("lumbar-s1-radiculopathy"),
    {
        "history": {
            "prior_treatments": [
                {"treatment": "physical_therapy", "response": "failed"},
                {"treatment": "oral_nsaid", "response": "failed"},
            ]
        }
    },
)
FIBROMYALGIA = _case("fibromyalgia")  # suggests duloxetine and pregabalin
CERVICAL_C6 = _case("cervical-c6-radiculopathy")  # suggests gabapentin
PSPS = _case("persistent-spinal-pain-after-surgery")  # suggests nortriptyline and SCS
PSPS_DEPRESSED = _case("persistent-spinal-pain-severe-depression")
STENOSIS = _case("lumbar-spinal-stenosis-older-adult")
FACET = _case("chronic-lbp-no-red-flags")  # suggests a medial branch block
# Myofascial neck pain (the tizanidine case moved to the neck, off tizanidine): suggests tizanidine.
NECK_MYOFASCIAL = merge(
    _case("tizanidine-no-inhibitor"), {"patient": meds(), "history": {"region": "neck"}}
)


# ---------------------------------------------------------------- 1. MME (CDC 2022)

# drug, medication fields, CDC 2022 factor, daily amount (mg/day, or mcg/h for the patch)
CDC_2022 = [
    ("codeine", {"dose_mg": 30, "per_day": 4}, 0.15, 120),
    ("fentanyl_patch", {"mcg_per_hour": 50}, 2.4, 50),
    ("hydrocodone", {"dose_mg": 10, "per_day": 3}, 1, 30),
    ("hydrocodone_acetaminophen", {"dose_mg": 10, "per_day": 3}, 1, 30),
    ("hydromorphone", {"dose_mg": 4, "per_day": 4}, 5, 16),
    ("methadone", {"dose_mg": 10, "per_day": 3}, 4.7, 30),
    ("morphine", {"dose_mg": 15, "per_day": 2}, 1, 30),
    ("oxycodone", {"dose_mg": 5, "per_day": 4}, 1.5, 20),
    ("oxycodone_acetaminophen", {"dose_mg": 5, "per_day": 4}, 1.5, 20),
    ("oxymorphone", {"dose_mg": 10, "per_day": 2}, 3, 20),
    ("tapentadol", {"dose_mg": 100, "per_day": 2}, 0.4, 200),
    ("tramadol", {"dose_mg": 50, "per_day": 4}, 0.2, 200),
]


@pytest.mark.parametrize(
    ("drug", "fields", "factor", "daily"), CDC_2022, ids=[row[0] for row in CDC_2022]
)
def test_mme_uses_the_cdc_2022_factor_for_each_opioid(
    drug: str, fields: dict[str, Any], factor: float, daily: float
) -> None:
    a = run(BASE, patient=meds({"drug": drug, **fields}))
    assert a.safety.mme_per_day == pytest.approx(round(daily * factor, 1))


@pytest.mark.parametrize(
    ("medication", "expected"),
    [
        pytest.param({"drug": "hydrocodone", "dose_mg": 5, "per_day": 4}, 20, id="hydrocodone"),
        pytest.param({"drug": "oxycodone", "dose_mg": 10, "per_day": 2}, 30, id="oxycodone"),
        pytest.param({"drug": "fentanyl_patch", "mcg_per_hour": 25}, 60, id="fentanyl_patch"),
    ],
)
def test_mme_matches_the_cdc_worked_examples(medication: dict[str, Any], expected: float) -> None:
    assert run(BASE, patient=meds(medication)).safety.mme_per_day == pytest.approx(expected)


def test_mme_sums_across_two_opioids() -> None:
    a = run(
        BASE,
        patient=meds(
            {"drug": "oxycodone", "dose_mg": 10, "per_day": 3},  # 45
            {"drug": "fentanyl_patch", "mcg_per_hour": 25},  # 60
        ),
    )
    assert a.safety.mme_per_day == pytest.approx(105)
    assert {"mme_over_50", "mme_over_90"} <= alert_ids(a)


def test_buprenorphine_is_not_counted_in_mme_and_a_note_says_so() -> None:
    a = run(
        BASE,
        patient=meds(
            {"drug": "buprenorphine", "dose_mg": 8, "per_day": 2},
            {"drug": "oxycodone", "dose_mg": 10, "per_day": 2},
        ),
    )
    assert a.safety.mme_per_day == pytest.approx(30)
    notes = [n for n in a.safety.notes if "buprenorphine" in n.lower()]
    assert notes and "not counted" in notes[0]


def test_opioid_without_a_dose_gives_a_note_that_mme_is_incomplete() -> None:
    a = run(
        BASE,
        patient=meds(
            {"drug": "oxycodone", "per_day": 3}, {"drug": "morphine", "dose_mg": 10, "per_day": 2}
        ),
    )
    assert a.safety.mme_per_day == pytest.approx(20)
    notes = [n for n in a.safety.notes if "oxycodone" in n.lower()]
    assert notes and "incomplete" in notes[0], a.safety.notes


def test_fentanyl_patch_without_a_strength_is_a_clear_error_not_a_silent_zero_mme() -> None:
    with pytest.raises(VisitError, match="mcg_per_hour"):
        run(BASE, patient=meds({"drug": "fentanyl_patch"}))


# ---------------------------------------------------------------- 2. acetaminophen


def test_acetaminophen_total_sums_plain_and_combination_products() -> None:
    a = run(
        BASE,
        patient=meds(
            apap(4),  # 2000
            {"drug": "hydrocodone_acetaminophen", "dose_mg": 5, "acetaminophen_mg": 325,
             "per_day": 4},  # 1300
        ),
    )  # fmt: skip
    assert a.safety.acetaminophen_mg_per_day == pytest.approx(3300)


def test_combination_product_without_acetaminophen_mg_counts_325_mg_per_unit() -> None:
    a = run(BASE, patient=meds({"drug": "hydrocodone_acetaminophen", "dose_mg": 5, "per_day": 6}))
    assert a.safety.acetaminophen_mg_per_day == pytest.approx(6 * 325)


def test_combination_product_uses_the_recorded_acetaminophen_mg_per_unit() -> None:
    a = run(
        BASE,
        patient=meds(
            apap(2),  # 1000
            {"drug": "oxycodone_acetaminophen", "dose_mg": 5, "acetaminophen_mg": 500,
             "per_day": 4},  # 2000
            {"drug": "hydrocodone_acetaminophen", "dose_mg": 5, "per_day": 2},  # 650
        ),
    )  # fmt: skip
    assert a.safety.acetaminophen_mg_per_day == pytest.approx(3650)


def test_acetaminophen_above_4000_mg_alerts() -> None:
    assert "acetaminophen_max_dose" in alert_ids(run(BASE, patient=meds(apap(8, 505))))


def test_acetaminophen_of_exactly_4000_mg_does_not_alert() -> None:
    a = run(BASE, patient=meds(apap(8)))
    assert a.safety.acetaminophen_mg_per_day == pytest.approx(4000)
    assert "acetaminophen_max_dose" not in alert_ids(a)


def test_acetaminophen_above_3000_mg_alerts_at_age_70() -> None:
    assert "acetaminophen_max_dose" in alert_ids(run(BASE, patient={"age": 70, **meds(apap(7))}))


def test_acetaminophen_of_3000_mg_does_not_alert_at_age_70() -> None:
    assert "acetaminophen_max_dose" not in alert_ids(
        run(BASE, patient={"age": 70, **meds(apap(6))})
    )


def test_acetaminophen_of_3500_mg_does_not_alert_at_age_40() -> None:
    assert "acetaminophen_max_dose" not in alert_ids(run(BASE, patient=meds(apap(7))))


@pytest.mark.parametrize("condition", ["liver_disease", "alcohol_use"])
def test_liver_disease_or_alcohol_lowers_the_acetaminophen_limit_to_3000_mg(
    condition: str,
) -> None:
    a = run(BASE, patient={"comorbidities": [condition], **meds(apap(7))})
    assert "acetaminophen_max_dose" in alert_ids(a)


# ---------------------------------------------------------------- 3. every alert rule

# alert id, description, base, changes that trigger it, changes of the similar quiet visit
ALERT_ROWS = [
    ("opioid_benzodiazepine", "oxycodone_with_lorazepam_vs_oxycodone_alone", BASE,
     {"patient": meds(OXY, LORAZEPAM)}, {"patient": meds(OXY)}),
    ("opioid_gabapentinoid", "oxycodone_with_gabapentin_vs_oxycodone_alone", BASE,
     {"patient": meds(OXY, GABAPENTIN)}, {"patient": meds(OXY)}),
    ("mme_over_50", "morphine_50_mme_vs_45_mme", BASE,
     {"patient": meds({"drug": "morphine", "dose_mg": 25, "per_day": 2})},
     {"patient": meds({"drug": "morphine", "dose_mg": 15, "per_day": 3})}),
    ("mme_over_90", "oxycodone_90_mme_vs_morphine_80_mme", BASE,
     {"patient": meds({"drug": "oxycodone", "dose_mg": 20, "per_day": 3})},
     {"patient": meds({"drug": "morphine", "dose_mg": 20, "per_day": 4})}),
    ("acetaminophen_max_dose", "4500_mg_vs_4000_mg", BASE,
     {"patient": meds(apap(9))}, {"patient": meds(apap(8))}),
    ("serotonin_syndrome_risk", "tramadol_with_sertraline_vs_morphine_with_sertraline", BASE,
     {"patient": meds({"drug": "tramadol", "dose_mg": 50, "per_day": 4}, SERTRALINE)},
     {"patient": meds({"drug": "morphine", "dose_mg": 10, "per_day": 4}, SERTRALINE)}),
    ("serotonin_syndrome_risk", "duloxetine_with_sertraline_vs_sertraline_alone", BASE,
     {"patient": meds({"drug": "duloxetine", "dose_mg": 60, "per_day": 1}, SERTRALINE)},
     {"patient": meds(SERTRALINE)}),
    ("tizanidine_cyp1a2_inhibitor", "tizanidine_with_ciprofloxacin_vs_tizanidine_alone", BASE,
     {"patient": meds(TIZANIDINE, CIPROFLOXACIN)}, {"patient": meds(TIZANIDINE)}),
    ("tizanidine_cyp1a2_inhibitor", "tizanidine_with_fluvoxamine_vs_with_fluoxetine", BASE,
     {"patient": meds(TIZANIDINE, {"drug": "fluvoxamine", "dose_mg": 50, "per_day": 1})},
     {"patient": meds(TIZANIDINE, {"drug": "fluoxetine", "dose_mg": 20, "per_day": 1})}),
    ("anticoagulant_procedure_hold", "apixaban_with_tfesi_vs_apixaban_without_procedure",
     SCIATICA, {"patient": meds(APIXABAN)},
     {"patient": meds(APIXABAN), "history": {"duration_weeks": 20}}),
    ("sedative_stacking", "three_cns_drugs_vs_two", BASE,
     {"patient": meds(GABAPENTIN, CYCLOBENZAPRINE, ZOLPIDEM)},
     {"patient": meds(GABAPENTIN, CYCLOBENZAPRINE)}),
    ("sedative_stacking", "zolpidem_with_gabapentin_at_70_vs_at_64", BASE,
     {"patient": {"age": 70, **meds(ZOLPIDEM, GABAPENTIN)}},
     {"patient": {"age": 64, **meds(ZOLPIDEM, GABAPENTIN)}}),
    ("beers_benzodiazepine", "lorazepam_at_70_vs_at_64", BASE,
     {"patient": {"age": 70, **meds(LORAZEPAM)}}, {"patient": {"age": 64, **meds(LORAZEPAM)}}),
    ("steroid_glucose_rise", "insulin_without_recorded_diabetes_vs_none", CHRONIC_SCIATICA,
     {"patient": meds({"drug": "insulin", "dose_mg": 10, "per_day": 1})}, {}),
    ("anticoagulant_procedure_hold", "anticoagulated_without_drug_name_vs_not", SCIATICA,
     {"patient": {"comorbidities": ["anticoagulated"]}}, {}),
    ("steroid_glucose_rise", "diabetes_with_suggested_tfesi_vs_no_diabetes", CHRONIC_SCIATICA,
     {"patient": {"comorbidities": ["diabetes"]}}, {}),
    ("nsaid_kidney", "ibuprofen_with_ckd_vs_without", BASE,
     {"patient": {"comorbidities": ["ckd"], **meds(IBUPROFEN)}}, {"patient": meds(IBUPROFEN)}),
    ("nsaid_kidney", "ibuprofen_with_crcl_25_vs_crcl_60", BASE,
     {"patient": {"crcl_ml_min": 25, **meds(IBUPROFEN)}},
     {"patient": {"crcl_ml_min": 60, **meds(IBUPROFEN)}}),
    ("nsaid_gi_bleed", "ibuprofen_with_peptic_ulcer_vs_without", BASE,
     {"patient": {"comorbidities": ["peptic_ulcer"], **meds(IBUPROFEN)}},
     {"patient": meds(IBUPROFEN)}),
    ("nsaid_gi_bleed", "ibuprofen_at_65_vs_at_64", BASE,
     {"patient": {"age": 65, **meds(IBUPROFEN)}}, {"patient": {"age": 64, **meds(IBUPROFEN)}}),
    ("nsaid_cardiac", "ibuprofen_with_heart_failure_vs_without", BASE,
     {"patient": {"comorbidities": ["heart_failure"], **meds(IBUPROFEN)}},
     {"patient": meds(IBUPROFEN)}),
    ("nsaid_anticoagulant", "apixaban_with_ibuprofen_vs_with_acetaminophen", BASE,
     {"patient": meds(APIXABAN, IBUPROFEN)}, {"patient": meds(APIXABAN, apap(4))}),
    ("beers_anticholinergic", "cyclobenzaprine_at_70_vs_at_64", BASE,
     {"patient": {"age": 70, **meds(CYCLOBENZAPRINE)}},
     {"patient": {"age": 64, **meds(CYCLOBENZAPRINE)}}),
    ("renal_dose_adjustment", "gabapentin_with_ckd_vs_without", BASE,
     {"patient": {"comorbidities": ["ckd"], **meds(GABAPENTIN)}},
     {"patient": meds(GABAPENTIN)}),
    ("current_drug_avoided", "ibuprofen_with_reflux_vs_ibuprofen_alone", SCIATICA,
     {"patient": {"comorbidities": ["gerd"], **meds(IBUPROFEN)}}, {"patient": meds(IBUPROFEN)}),
    ("current_drug_avoided", "reflux_with_ibuprofen_vs_reflux_with_acetaminophen", SCIATICA,
     {"patient": {"comorbidities": ["gerd"], **meds(IBUPROFEN)}},
     {"patient": {"comorbidities": ["gerd"], **meds(apap(4))}}),
    # Chou 2014 (APS/CPDD/HRS): ECG for every patient on methadone; CredibleMeds known-risk pairs.
    ("qtc_prolongation", "methadone_vs_morphine", BASE,
     {"patient": meds(METHADONE)}, {"patient": meds(MORPHINE)}),
    ("qtc_prolongation", "ciprofloxacin_with_citalopram_vs_with_sertraline", BASE,
     {"patient": meds(CIPROFLOXACIN, CITALOPRAM)},
     {"patient": meds(CIPROFLOXACIN, SERTRALINE)}),
    ("qtc_prolongation", "long_qt_with_ciprofloxacin_vs_long_qt_alone", BASE,
     {"patient": {"comorbidities": ["long_qt"], **meds(CIPROFLOXACIN)}},
     {"patient": {"comorbidities": ["long_qt"], **meds(apap(4))}}),
    # Tramadol label: seizures within the dose range, more with a seizure history; max 400 mg/day.
    ("seizure_threshold", "tramadol_with_seizure_disorder_vs_without", BASE,
     {"patient": {"comorbidities": ["seizure_disorder"], **meds(TRAMADOL)}},
     {"patient": meds(TRAMADOL)}),
    ("seizure_threshold", "seizure_disorder_with_tramadol_vs_with_morphine", BASE,
     {"patient": {"comorbidities": ["seizure_disorder"], **meds(TRAMADOL)}},
     {"patient": {"comorbidities": ["seizure_disorder"], **meds(MORPHINE)}}),
    ("seizure_threshold", "tramadol_500_mg_vs_400_mg", BASE,
     {"patient": meds({"drug": "tramadol", "dose_mg": 100, "per_day": 5})},
     {"patient": meds({"drug": "tramadol", "dose_mg": 100, "per_day": 4})}),
    # Opioid boxed warning: alcohol and other CNS depressants.
    ("alcohol_opioid", "alcohol_with_oxycodone_vs_oxycodone_alone", BASE,
     {"patient": {"comorbidities": ["alcohol_use"], **meds(OXY)}}, {"patient": meds(OXY)}),
    ("alcohol_opioid", "alcohol_with_oxycodone_vs_alcohol_with_acetaminophen", BASE,
     {"patient": {"comorbidities": ["alcohol_use"], **meds(OXY)}},
     {"patient": {"comorbidities": ["alcohol_use"], **meds(apap(4))}}),
    # Regular alcohol: at most 2 g/day acetaminophen (expert consensus, mixed evidence).
    ("alcohol_acetaminophen", "alcohol_with_3000_mg_vs_2000_mg", BASE,
     {"patient": {"comorbidities": ["alcohol_use"], **meds(apap(6))}},
     {"patient": {"comorbidities": ["alcohol_use"], **meds(apap(4))}}),
    ("alcohol_acetaminophen", "3000_mg_with_alcohol_vs_without", BASE,
     {"patient": {"comorbidities": ["alcohol_use"], **meds(apap(6))}},
     {"patient": meds(apap(6))}),
    # CDC 2022: avoid concurrent opioids; an as-needed breakthrough dose is a plan said as such.
    ("liver_acetaminophen", "liver_disease_with_3000_mg_vs_2000_mg", BASE,
     {"patient": {"comorbidities": ["liver_disease"], **meds(apap(6))}},
     {"patient": {"comorbidities": ["liver_disease"], **meds(apap(4))}}),
    ("duplicate_opioids", "tramadol_with_morphine_vs_morphine_with_prn_oxycodone", BASE,
     {"patient": meds(TRAMADOL, MORPHINE)},
     {"patient": meds(MORPHINE, {**OXY, "prn": True})}),
    # NeuPSIG 2015; FDA 2019: one gabapentinoid at a time.
    ("duplicate_gabapentinoids", "gabapentin_with_pregabalin_vs_gabapentin_alone", BASE,
     {"patient": meds(GABAPENTIN, {"drug": "pregabalin", "dose_mg": 75, "per_day": 2})},
     {"patient": meds(GABAPENTIN)}),
    # ACG 2009: NSAID with a systemic corticosteroid.
    ("nsaid_steroid_gi", "ibuprofen_with_prednisone_vs_with_acetaminophen", BASE,
     {"patient": meds(IBUPROFEN, PREDNISONE)}, {"patient": meds(IBUPROFEN, apap(4))}),
    # Warfarin label: corticosteroids can raise the INR.
    ("warfarin_steroid_inr", "warfarin_with_prednisone_vs_warfarin_alone", BASE,
     {"patient": meds(WARFARIN, PREDNISONE)}, {"patient": meds(WARFARIN)}),
    ("warfarin_steroid_inr", "warfarin_with_prednisone_vs_apixaban_with_prednisone", BASE,
     {"patient": meds(WARFARIN, PREDNISONE)}, {"patient": meds(APIXABAN, PREDNISONE)}),
    ("warfarin_steroid_inr", "acute_sciatica_steroid_taper_on_warfarin_vs_on_apixaban", SCIATICA,
     {"patient": meds(WARFARIN)}, {"patient": meds(APIXABAN)}),
    # Hunter criteria (Dunkley 2003): serotonergic drug plus tremor, sweating, agitation, clonus.
    ("serotonin_toxicity_symptoms", "tramadol_sertraline_with_tremor_sweats_agitation_vs_tremor",
     BASE, {"patient": meds(TRAMADOL, SERTRALINE),
            "history": {"symptoms": ["tremor", "diaphoresis", "agitation"]}},
     {"patient": meds(TRAMADOL, SERTRALINE), "history": {"symptoms": ["tremor"]}}),
    ("serotonin_toxicity_symptoms", "clonus_on_sertraline_vs_clonus_on_no_serotonergic_drug",
     BASE, {"patient": meds(SERTRALINE), "exam": {"signs": ["clonus"]}},
     {"patient": meds(MORPHINE), "exam": {"signs": ["clonus"]}}),
    # CDC 2022 Rec 12, ASAM 2020: buprenorphine for OUD is continued.
    ("buprenorphine_oud_continue", "buprenorphine_with_oud_vs_buprenorphine_for_pain", BASE,
     {"patient": {"comorbidities": ["opioid_use_disorder"], **meds(BUPRENORPHINE)}},
     {"patient": meds(BUPRENORPHINE)}),
]  # fmt: skip


def _alert_params(which: int) -> list[Any]:
    return [pytest.param(row[0], row[2], row[which], id=f"{row[0]}-{row[1]}") for row in ALERT_ROWS]


@pytest.mark.parametrize(("alert", "base", "changes"), _alert_params(3))
def test_alert_fires_when_its_condition_holds(
    alert: str, base: dict[str, Any], changes: dict[str, Any]
) -> None:
    a = run(base, **changes)
    assert alert in alert_ids(a), sorted(alert_ids(a))
    found = next(x for x in a.safety.alerts if x.id == alert)
    assert found.message.strip()


@pytest.mark.parametrize(("alert", "base", "changes"), _alert_params(4))
def test_alert_stays_quiet_in_the_similar_visit_without_its_condition(
    alert: str, base: dict[str, Any], changes: dict[str, Any]
) -> None:
    a = run(base, **changes)
    assert alert not in alert_ids(a), next(x.message for x in a.safety.alerts if x.id == alert)


def test_alert_table_covers_every_contract_and_data_alert() -> None:
    data = set(yaml.safe_load((DATA / "alerts.yaml").read_text())["alerts"])
    # every contract alert is defined, and every defined alert (extensions too) has a row
    assert data >= CONTRACT_ALERTS
    assert {row[0] for row in ALERT_ROWS} == data


def test_apixaban_with_a_suggested_tfesi_names_the_3_day_asra_hold() -> None:
    a = run(SCIATICA, patient=meds(APIXABAN))
    assert "transforaminal_esi" in {i.id for i in a.tracks["interventional"]}
    message = next(x.message for x in a.safety.alerts if x.id == "anticoagulant_procedure_hold")
    assert "Apixaban: hold 3 days before intermediate-risk" in message


def test_apixaban_without_a_procedure_suggests_no_procedure_in_the_quiet_row() -> None:
    a = run(SCIATICA, patient=meds(APIXABAN), history={"duration_weeks": 20})
    assert a.tracks["interventional"] == []


def test_steroid_glucose_row_rests_on_a_suggested_injection_not_an_oral_steroid() -> None:
    a = run(CHRONIC_SCIATICA, patient={"comorbidities": ["diabetes"]})
    assert "transforaminal_esi" in suggested(a)
    assert "oral_steroid_taper" not in suggested(a)


def test_opioid_with_a_suggested_gabapentin_warns_of_respiratory_depression() -> None:
    a = run(CERVICAL_C6, patient=meds(OXY))
    assert "gabapentin" in suggested(a)
    assert "opioid_gabapentinoid" in alert_ids(a)


def test_tramadol_with_sertraline_warns_of_serotonin_syndrome() -> None:
    a = run(BASE, patient=meds({"drug": "tramadol", "dose_mg": 50, "per_day": 4}, SERTRALINE))
    assert "serotonin_syndrome_risk" in alert_ids(a)


# ---------------------------------------------------------------- 4. every avoid rule


def esi_response(intervention: str, weeks: float) -> dict[str, Any]:
    return {"intervention": intervention, "relief_percent": 70, "weeks": weeks}


# A follow-up whose sitting goal has moved from its baseline (improving) or has not.
IMPROVING_SITTING: dict[str, Any] = {
    "visit": {"type": "follow_up"},
    "goals": [{"label": "Sit a shift", "measure": "sitting_minutes", "baseline": 5, "target": 60}],
}
NOT_IMPROVING_SITTING: dict[str, Any] = merge(
    IMPROVING_SITTING, {"goals": [{**IMPROVING_SITTING["goals"][0], "baseline": 10}]}
)
STEROID_TAPER_HELPED = {"treatment": "oral_steroid_taper", "response": "helped"}

# rule id, description, base, changes where `when` holds, changes of the similar visit where
# it does not hold
AVOID_ROWS = [
    ("nsaid_ckd", "ckd_vs_none", SCIATICA,
     {"patient": {"comorbidities": ["ckd"]}}, {}),
    ("nsaid_ckd", "crcl_25_vs_crcl_60", SCIATICA,
     {"patient": {"crcl_ml_min": 25}}, {"patient": {"crcl_ml_min": 60}}),
    ("nsaid_gi", "peptic_ulcer_vs_none", SCIATICA,
     {"patient": {"comorbidities": ["peptic_ulcer"]}}, {}),
    ("nsaid_gi", "gi_bleed_vs_none", SCIATICA,
     {"patient": {"comorbidities": ["gi_bleed"]}}, {}),
    ("nsaid_reflux", "gerd_vs_none", SCIATICA,
     {"patient": {"comorbidities": ["gerd"]}}, {}),
    ("nsaid_cardiac", "heart_failure_vs_hypertension", SCIATICA,
     {"patient": {"comorbidities": ["heart_failure"]}},
     {"patient": {"comorbidities": ["hypertension"]}}),
    ("nsaid_cardiac", "cardiovascular_disease_vs_none", SCIATICA,
     {"patient": {"comorbidities": ["cardiovascular_disease"]}}, {}),
    ("nsaid_anticoagulant", "apixaban_vs_none", SCIATICA,
     {"patient": meds(APIXABAN)}, {}),
    ("nsaid_anticoagulant", "bleeding_disorder_vs_none", SCIATICA,
     {"patient": {"comorbidities": ["bleeding_disorder"]}}, {}),
    ("nsaid_older_chronic", "chronic_at_70_vs_chronic_at_64", BASE,
     {"patient": {"age": 70}}, {"patient": {"age": 64}}),
    ("pregnancy_systemic", "pregnant_12_weeks_vs_not_pregnant", BASE,
     {"patient": {"pregnant": True, "pregnancy_weeks": 12}}, {}),
    ("pregnancy_nsaid_20_weeks", "pregnant_20_weeks_vs_not_pregnant", BASE,
     {"patient": {"pregnancy_weeks": 20}}, {}),
    # Early pregnancy: NSAIDs limited (mixed evidence on miscarriage); acetaminophen first.
    ("pregnancy_nsaid_early", "pregnant_12_weeks_vs_not_pregnant", BASE,
     {"patient": {"sex": "female", "pregnant": True, "pregnancy_weeks": 12}}, {}),
    ("pregnancy_fluoroscopy", "pregnant_with_sciatica_vs_not_pregnant", SCIATICA,
     {"patient": {"sex": "female", "pregnancy_weeks": 12}}, {"patient": {"sex": "female"}}),
    ("beers_muscle_relaxant", "sciatica_at_65_vs_64", SCIATICA,
     {"patient": {"age": 65}}, {"patient": {"age": 64}}),
    ("beers_tca", "post_surgical_neuropathic_pain_at_65_vs_64", PSPS,
     {"patient": {"age": 65}}, {"patient": {"age": 64}}),
    ("beers_benzodiazepine", "age_65_vs_64", BASE,
     {"patient": {"age": 65}}, {"patient": {"age": 64}}),
    ("older_sedative_stacking", "age_70_with_fall_risk_vs_without", BASE,
     {"patient": {"age": 70, "comorbidities": ["fall_risk"]}}, {"patient": {"age": 70}}),
    ("older_sedative_stacking", "gabapentin_at_70_vs_at_64", BASE,
     {"patient": {"age": 70, **meds(GABAPENTIN)}}, {"patient": {"age": 64, **meds(GABAPENTIN)}}),
    ("cns_stacking_any_age", "three_cns_drugs_vs_two", BASE,
     {"patient": meds(GABAPENTIN, CYCLOBENZAPRINE, ZOLPIDEM)},
     {"patient": meds(GABAPENTIN, CYCLOBENZAPRINE)}),
    ("opioid_benzo", "oxycodone_with_lorazepam_vs_oxycodone_alone", BASE,
     {"patient": meds(OXY, LORAZEPAM)}, {"patient": meds(OXY)}),
    ("chronic_pain_long_term_opioid", "20_weeks_vs_8_weeks", BASE,
     {}, {"history": {"duration_weeks": 8}}),
    ("chronic_pain_long_term_opioid", "chronic_vs_chronic_with_cancer_history", BASE,
     {}, {"patient": {"comorbidities": ["cancer_history"]}}),
    ("acetaminophen_over_max", "5000_mg_vs_4000_mg", BASE,
     {"patient": meds(apap(10))}, {"patient": meds(apap(8))}),
    ("already_on_opioid", "acute_sciatica_on_oxycodone_vs_not", S1_ON_IBUPROFEN,
     {"patient": meds(IBUPROFEN, OXY)}, {}),
    ("substance_use", "acute_sciatica_with_substance_use_vs_without", S1_ON_IBUPROFEN,
     {"patient": {"comorbidities": ["substance_use_disorder"]}}, {}),
    ("sleep_apnea_sedatives", "acute_sciatica_with_sleep_apnea_vs_without", S1_ON_IBUPROFEN,
     {"patient": {"comorbidities": ["sleep_apnea"]}}, {}),
    ("sleep_apnea_sedatives", "acute_sciatica_with_copd_vs_without", S1_ON_IBUPROFEN,
     {"patient": {"comorbidities": ["copd"]}}, {}),
    # FDA 2019: a gabapentinoid with a respiratory risk is started low, avoided only stacked.
    ("sleep_apnea_sedative_stacking", "sleep_apnea_on_oxycodone_vs_sleep_apnea_alone", PSPS,
     {"patient": {"comorbidities": ["sleep_apnea"], **meds(OXY)}},
     {"patient": {"comorbidities": ["sleep_apnea"]}}),
    # Vleeming 2008: pregnancy pelvic girdle pain: exercise, education, a belt; no injections.
    ("pregnancy_pelvic_girdle_no_injections", "pelvic_girdle_pain_at_26_weeks_vs_not_pregnant",
     BASE,
     {"patient": {"sex": "female", "age": 31, "pregnant": True, "pregnancy_weeks": 26},
      "exam": {"special_tests": {"thigh_thrust": {"right": "positive"}}}},
     {"patient": {"sex": "female", "age": 31},
      "exam": {"special_tests": {"thigh_thrust": {"right": "positive"}}}}),
    # The seed article, NeuPSIG 2015: a working medicine is continued, not joined by another.
    ("working_regimen", "gabapentin_50_percent_vs_20_percent", PSPS,
     {"patient": meds(GABAPENTIN), "visit": {"type": "follow_up"},
      "responses": [{"intervention": "gabapentin", "relief_percent": 50, "weeks": 12}]},
     {"patient": meds(GABAPENTIN), "visit": {"type": "follow_up"},
      "responses": [{"intervention": "gabapentin", "relief_percent": 20, "weeks": 12}]}),
    # AASLD 2021: NSAIDs avoided in cirrhosis with ascites.
    ("liver_disease_nsaid", "sciatica_with_liver_disease_vs_without", SCIATICA,
     {"patient": {"comorbidities": ["liver_disease"]}}, {}),
    # Duloxetine label 5.2: not with substantial alcohol use.
    ("alcohol_duloxetine", "fibromyalgia_with_alcohol_use_vs_without", FIBROMYALGIA,
     {"patient": {"comorbidities": ["alcohol_use"]}}, {}),
    ("serotonergic_current_duloxetine", "fibromyalgia_on_sertraline_vs_not", FIBROMYALGIA,
     {"patient": meds(SERTRALINE)}, {}),
    ("serotonergic_current_nortriptyline", "neuropathy_on_sertraline_vs_not", PSPS,
     {"patient": meds(SERTRALINE)}, {}),
    ("tizanidine_cyp1a2", "myofascial_neck_on_ciprofloxacin_vs_not", NECK_MYOFASCIAL,
     {"patient": meds(CIPROFLOXACIN)}, {}),
    # Cyclobenzaprine label: serotonin syndrome with SSRIs, SNRIs, tricyclics and tramadol.
    ("serotonergic_current_cyclobenzaprine", "myofascial_neck_on_sertraline_vs_not",
     NECK_MYOFASCIAL, {"patient": meds(SERTRALINE)}, {}),
    # Hunter criteria: nothing serotonergic is added while toxicity may be present.
    ("serotonin_toxicity_now", "sertraline_with_clonus_vs_morphine_with_clonus", BASE,
     {"patient": meds(SERTRALINE), "exam": {"signs": ["clonus"]}},
     {"patient": meds(MORPHINE), "exam": {"signs": ["clonus"]}}),
    # CDC 2022 Rec 12; ASAM 2020: continue buprenorphine for OUD, no taper, no added opioid.
    ("buprenorphine_oud", "buprenorphine_with_oud_vs_none", BASE,
     {"patient": {"comorbidities": ["opioid_use_disorder"], **meds(BUPRENORPHINE)}}, {}),
    ("liver_disease", "fibromyalgia_with_liver_disease_vs_without", FIBROMYALGIA,
     {"patient": {"comorbidities": ["anxiety", "liver_disease"]}}, {}),
    ("severe_renal", "crcl_25_vs_crcl_30", BASE,
     {"patient": {"crcl_ml_min": 25}}, {"patient": {"crcl_ml_min": 30}}),
    ("ckd_magnesium", "ckd_vs_none", BASE,
     {"patient": {"comorbidities": ["ckd"]}}, {}),
    ("cardiac_tca", "post_surgical_pain_with_heart_failure_vs_hypertension", PSPS,
     {"patient": {"comorbidities": ["heart_failure"]}},
     {"patient": {"comorbidities": ["hypertension"]}}),
    ("bleeding_disorder_procedures", "sciatica_with_bleeding_disorder_vs_without", SCIATICA,
     {"patient": {"comorbidities": ["bleeding_disorder"]}}, {}),
    ("nociplastic_no_procedures", "widespread_sensitized_pain_vs_widespread_without", BASE,
     {"history": NOCIPLASTIC["history"], "exam": NOCIPLASTIC["exam"]},
     {"history": {"region": "widespread", "side": "bilateral", "screens": {"wpi": 3, "sss": 2}}}),
    ("stenosis_epidural", "central_stenosis_vs_stenosis_with_l5_root", STENOSIS,
     {},
     {"history": {"radiation": ["buttock_thigh", "below_knee"]},
      "exam": {"motor": {"great_toe_extension": {"left": 4, "right": 5}},
               "sensory": {"L5": {"left": "reduced", "right": "normal"}}}}),
    ("scs_not_ready", "phq9_22_vs_phq9_4_after_spine_surgery", PSPS_DEPRESSED,
     {}, {"history": {"screens": {"phq9": 4}}, "patient": {"comorbidities": []}}),
    ("recent_spine_surgery", "sciatica_two_weeks_after_discectomy_vs_two_years_after",
     SCIATICA,
     {"history": {"surgeries": [
         {"procedure": "lumbar_discectomy", "level": "L4-L5", "years_ago": 0.04}]}},
     {"history": {"surgeries": [
         {"procedure": "lumbar_discectomy", "level": "L4-L5", "years_ago": 2}]}}),
    ("early_post_op_loading", "sciatica_two_weeks_after_discectomy_vs_ten_weeks_after",
     SCIATICA,
     {"history": {"surgeries": [
         {"procedure": "lumbar_discectomy", "level": "L4-L5", "years_ago": 0.04}]}},
     {"history": {"surgeries": [
         {"procedure": "lumbar_discectomy", "level": "L4-L5", "years_ago": 0.2}]}}),
    ("diabetes_one_steroid_route", "acute_sciatica_with_diabetes_vs_without", SCIATICA,
     {"patient": {"comorbidities": ["diabetes"]}}, {}),
    ("negative_mbb", "mbb_30_percent_vs_80_percent_for_6_hours", FACET,
     {"responses": [{"intervention": "medial_branch_block", "relief_percent": 30, "hours": 6}]},
     {"responses": [{"intervention": "medial_branch_block", "relief_percent": 80, "hours": 6}]}),
    # Cohen 2020: good relief outlasting the anaesthetic calls for a confirmatory block first.
    ("discordant_mbb", "mbb_80_percent_for_72_hours_vs_6_hours", FACET,
     {"responses": [{"intervention": "medial_branch_block", "relief_percent": 80, "hours": 72}]},
     {"responses": [{"intervention": "medial_branch_block", "relief_percent": 80, "hours": 6}]}),
    # Follow-up (ASIPP 2021, LCD L39240; seed article case 1): repeat only lasting relief, and
    # not while improving; at most 4 epidurals a year; a failed stimulation trial ends it.
    ("esi_relief_brief_transforaminal", "tfesi_70_percent_1_week_vs_12_weeks", SCIATICA,
     {"responses": [esi_response("transforaminal_esi", 1)]},
     {"responses": [esi_response("transforaminal_esi", 12)]}),
    ("esi_relief_brief_interlaminar", "ilesi_70_percent_1_week_vs_12_weeks", CERVICAL_C6,
     {"responses": [esi_response("interlaminar_esi", 1)]},
     {"responses": [esi_response("interlaminar_esi", 12)]}),
    ("esi_improving_transforaminal", "sitting_up_from_5_vs_unchanged_from_10", SCIATICA,
     {**IMPROVING_SITTING, "responses": [esi_response("transforaminal_esi", 12)]},
     {**NOT_IMPROVING_SITTING, "responses": [esi_response("transforaminal_esi", 12)]}),
    ("esi_improving_interlaminar", "relief_ongoing_vs_helped_at_follow_up", CERVICAL_C6,
     {"visit": {"type": "follow_up"},
      "history": {"prior_treatments": [{"treatment": "interlaminar_esi", "response": "ongoing"}]}},
     {"visit": {"type": "follow_up"},
      "history": {"prior_treatments": [{"treatment": "interlaminar_esi", "response": "helped"}]}}),
    ("steroid_taper_improving", "taper_before_and_sitting_up_vs_unchanged", SCIATICA,
     merge(IMPROVING_SITTING, {"history": {"prior_treatments": [STEROID_TAPER_HELPED]}}),
     merge(NOT_IMPROVING_SITTING, {"history": {"prior_treatments": [STEROID_TAPER_HELPED]}})),
    ("esi_yearly_cap", "four_epidurals_vs_three", SCIATICA,
     {"history": {"prior_treatments": [
         {"treatment": "transforaminal_esi", "response": "helped", "times": 4}]}},
     {"history": {"prior_treatments": [
         {"treatment": "transforaminal_esi", "response": "helped", "times": 3}]}}),
    ("scs_trial_failed", "trial_30_percent_vs_65_percent", PSPS,
     {"responses": [{"intervention": "spinal_cord_stimulator_trial", "relief_percent": 30}]},
     {"responses": [{"intervention": "spinal_cord_stimulator_trial", "relief_percent": 65}]}),
]  # fmt: skip
RULES = {r["id"]: r for r in SAFETY["avoid_rules"]}


def _avoid_params(which: int) -> list[Any]:
    return [pytest.param(row[0], row[2], row[which], id=f"{row[0]}-{row[1]}") for row in AVOID_ROWS]


@pytest.mark.parametrize(("rule", "base", "changes"), _avoid_params(3))
def test_avoid_rule_lists_each_of_its_ids_with_a_reason_when_it_holds(
    rule: str, base: dict[str, Any], changes: dict[str, Any]
) -> None:
    # Blocked always; shown only where it would have been considered (tests/test_avoid_list.py).
    reasons = blocked_reasons(base, **changes)
    for item in RULES[rule]["avoid"]:
        assert item in reasons, f"{item} not avoided: {sorted(reasons)}"
        assert RULES[rule]["reason"] in reasons[item]
    shown = avoid_reasons(run(base, **changes))
    for item in set(RULES[rule]["avoid"]) & set(shown):
        assert RULES[rule]["reason"] in shown[item]


@pytest.mark.parametrize(("rule", "base", "changes"), _avoid_params(4))
def test_avoid_rule_lists_none_of_its_ids_in_the_similar_visit_where_it_does_not_hold(
    rule: str, base: dict[str, Any], changes: dict[str, Any]
) -> None:
    reasons = avoid_reasons(run(base, **changes))
    wrongly = {i: reasons[i] for i in RULES[rule]["avoid"] if i in reasons}
    assert not wrongly


def test_avoid_table_covers_every_rule_in_safety_yaml() -> None:
    assert {row[0] for row in AVOID_ROWS} == set(RULES)


def test_negative_mbb_row_contrast_suggests_rfa_after_a_concordant_block() -> None:
    a = run(
        FACET,
        responses=[{"intervention": "medial_branch_block", "relief_percent": 80, "hours": 6}],
    )
    assert "radiofrequency_ablation" in suggested(a)


# ---------------------------------------------------------------- contract safety promises


def test_sciatica_baseline_suggests_oral_nsaid_steroid_cyclobenzaprine_and_tfesi() -> None:
    # The control for the promises below: without a risk these are all suggested.
    assert {"oral_nsaid", "oral_steroid_taper", "cyclobenzaprine", "transforaminal_esi"} <= (
        suggested(run(SCIATICA))
    )


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"comorbidities": ["ckd"]}, id="ckd"),
        pytest.param({"comorbidities": ["gi_bleed"]}, id="gi_bleed"),
        pytest.param({"comorbidities": ["peptic_ulcer"]}, id="peptic_ulcer"),
        pytest.param({"comorbidities": ["anticoagulated"]}, id="anticoagulated"),
        pytest.param(meds(APIXABAN), id="on_apixaban"),
        pytest.param({"comorbidities": ["heart_failure"]}, id="heart_failure"),
        pytest.param({"sex": "female", "pregnancy_weeks": 20}, id="pregnant_20_weeks"),
        pytest.param({"sex": "female", "pregnancy_weeks": 32}, id="pregnant_32_weeks"),
    ],
)
def test_no_oral_nsaid_is_suggested_and_it_is_avoided_with_a_reason(
    changes: dict[str, Any],
) -> None:
    assert_avoided(run(SCIATICA, patient=changes), "oral_nsaid")


@pytest.mark.parametrize(
    ("base", "usual"),
    [
        pytest.param(SCIATICA, {"oral_steroid_taper", "oral_nsaid"}, id="sciatica"),
        pytest.param(CERVICAL_C6, {"gabapentin"}, id="cervical_radiculopathy"),
        pytest.param(FIBROMYALGIA, {"duloxetine", "pregabalin"}, id="fibromyalgia"),
    ],
)
def test_pregnancy_avoids_systemic_agents_and_suggests_no_gabapentin_duloxetine_or_steroid(
    base: dict[str, Any], usual: set[str]
) -> None:
    assert usual <= suggested(run(base, patient={"sex": "female"}))
    a = run(base, patient={"sex": "female", "pregnant": True, "pregnancy_weeks": 14})
    assert_avoided(a, "systemic_agents_in_pregnancy")
    assert not {"gabapentin", "pregabalin", "duloxetine", "oral_steroid_taper"} & suggested(a)
    for item in usual:
        assert_avoided(a, item)


def test_age_65_avoids_cyclobenzaprine_per_beers_2023() -> None:
    assert "cyclobenzaprine" in suggested(run(SCIATICA, patient={"age": 64}))
    assert_avoided(run(SCIATICA, patient={"age": 65}), "cyclobenzaprine")


def test_age_65_avoids_nortriptyline_per_beers_2023() -> None:
    assert "nortriptyline" in suggested(run(PSPS, patient={"age": 64}))
    assert_avoided(run(PSPS, patient={"age": 65}), "nortriptyline")


def test_sleep_apnea_avoids_an_opioid_short_course_and_benzodiazepines() -> None:
    assert "opioid_short_course" in suggested(run(S1_ON_IBUPROFEN))
    a = run(S1_ON_IBUPROFEN, patient={"comorbidities": ["sleep_apnea"]})
    assert_avoided(a, "opioid_short_course")
    # Blocked, but not listed for a patient on no benzodiazepine (review pattern 2).
    assert "benzodiazepine" in blocked_reasons(
        S1_ON_IBUPROFEN, patient={"comorbidities": ["sleep_apnea"]}
    )
    assert "benzodiazepine" not in avoid_reasons(a)


def test_tizanidine_with_ciprofloxacin_avoids_tizanidine() -> None:
    assert "tizanidine" in suggested(run(NECK_MYOFASCIAL))
    a = run(NECK_MYOFASCIAL, patient=meds(CIPROFLOXACIN))
    assert_avoided(a, "tizanidine")
    b = run(NECK_MYOFASCIAL, patient=meds(TIZANIDINE, CIPROFLOXACIN))
    assert_avoided(b, "tizanidine")
    assert "tizanidine_cyp1a2_inhibitor" in alert_ids(b)


def test_patient_on_sertraline_is_not_offered_duloxetine() -> None:
    assert "duloxetine" in suggested(run(FIBROMYALGIA))
    assert_avoided(run(FIBROMYALGIA, patient=meds(SERTRALINE)), "duloxetine")


def test_nociplastic_pain_avoids_procedures_and_suggests_none() -> None:
    a = run(NOCIPLASTIC)
    assert a.mechanism.primary == "nociplastic"
    assert_avoided(a, "interventional_procedures")
    assert a.tracks["interventional"] == []


# ---------------------------------------------------------------- gaps between the rules


def test_anticoagulated_patient_with_a_suggested_tfesi_gets_the_procedure_hold_alert() -> None:
    # "anticoagulated" recorded as a comorbidity (agent not named): ASRA 2018 still requires a
    # hold plan before an intermediate-risk procedure such as a transforaminal ESI.
    a = run(SCIATICA, patient={"comorbidities": ["anticoagulated"]})
    assert "transforaminal_esi" in suggested(a)
    assert "anticoagulant_procedure_hold" in alert_ids(a)


def test_insulin_treated_patient_with_a_suggested_steroid_injection_gets_the_glucose_alert() -> (
    None
):
    # Insulin means diabetes (data/drugs.yaml says so); glucose rises after a steroid injection.
    a = run(CHRONIC_SCIATICA, patient=meds({"drug": "insulin", "per_day": 1}))
    assert "transforaminal_esi" in suggested(a)
    assert "steroid_glucose_rise" in alert_ids(a)


def test_plan_suggesting_an_opioid_with_gabapentin_warns_of_respiratory_depression() -> None:
    # Cervical radiculopathy with kidney disease: the NSAID is out, so an opioid short course is
    # suggested next to gabapentin. FDA 2019: that combination needs the same warning.
    a = run(CERVICAL_C6, patient={"comorbidities": ["ckd"]})
    assert {"opioid_short_course", "gabapentin"} <= suggested(a)
    assert "opioid_gabapentinoid" in alert_ids(a)


# ---------------------------------------------------------------- drug cautions (drugs.yaml)


METFORMIN = {"drug": "metformin", "dose_mg": 500, "per_day": 2}


def _cautions(a: Assessment) -> set[tuple[str, str, bool]]:
    return {(c.drug, c.context, c.taken) for c in a.safety.cautions}


def _shown(visit_data: dict[str, Any], a: Assessment) -> tuple[str, str]:
    """The SOAP note (markdown) and the safety panel, as text."""
    from rich.console import Console

    from painclinic.notes import render
    from painclinic.tui.widgets.safety_panel import safety_renderable

    note = render(visit_from_data(visit_data, source="<test_safety>"), a, "md").decode()
    console = Console(width=200, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(safety_renderable(a))
    return note, console.export_text()


def test_a_taken_drugs_caution_reaches_the_assessment_note_and_panel_when_its_context_holds() -> (
    None
):
    data = merge(BASE, {"patient": {"comorbidities": ["ckd", "diabetes"], **meds(METFORMIN)}})
    a = run(data)
    assert ("metformin", "renal", True) in _cautions(a)
    line = next(c.line() for c in a.safety.cautions if c.drug == "metformin")
    assert line.startswith("Metformin (taken), kidney (chronic kidney disease): ")
    assert "eGFR below 30" in line
    note, panel = _shown(data, a)
    assert "Cautions" in note and "Metformin (taken), kidney" in note
    assert "Cautions for this patient" in panel and "Metformin (taken), kidney" in panel


def test_no_caution_when_the_context_does_not_hold() -> None:
    data = merge(BASE, {"patient": {"comorbidities": ["diabetes"], **meds(METFORMIN)}})
    a = run(data)
    assert not [c for c in a.safety.cautions if c.drug == "metformin"]
    note, panel = _shown(data, a)
    assert "Metformin (taken)" not in note and "Cautions for this patient" not in panel


def test_a_suggested_drugs_caution_is_shown_and_an_unsuggested_ones_is_not() -> None:
    older = run(FIBROMYALGIA, patient={"age": 72})
    assert "duloxetine" in suggested(older)
    assert ("duloxetine", "older_adult", False) in _cautions(older)
    younger = run(FIBROMYALGIA, patient={"age": 40})
    assert not [c for c in younger.safety.cautions if c.context == "older_adult"]
    # oral NSAIDs have an older-adult caution, but the plan does not suggest one here
    assert "oral_nsaid" not in suggested(older)
    assert not [c for c in older.safety.cautions if c.drug in ("oral_nsaid", "ibuprofen")]


def test_the_breastfeeding_caution_follows_the_breastfeeding_comorbidity() -> None:
    with_it = run(BASE, patient={"comorbidities": ["breastfeeding"], **meds(OXY)})
    assert ("oxycodone", "breastfeeding", True) in _cautions(with_it)
    without = run(BASE, patient=meds(OXY))
    assert not without.safety.cautions


# ---------------------------------------------------------------- issue 11: clinicians' catches

HYDROMORPHONE_120_MME = {"drug": "hydromorphone", "dose_mg": 8, "per_day": 4}  # 32 mg x 3.75 = 120


@pytest.mark.parametrize("condition", ["sickle_cell_disease", "active_cancer"])
def test_pain_outside_cdc_scope_gets_no_chronic_non_cancer_opioid_rules(condition: str) -> None:
    # CDC 2022 scope statement: sickle cell disease and cancer-related pain are not covered;
    # ASH 2020: an individualised plan with haematology, not a chronic non-cancer taper.
    outside = run(BASE, patient={"comorbidities": [condition], **meds(HYDROMORPHONE_120_MME)})
    assert "long_term_opioid" not in avoid_reasons(outside)
    assert "opioid_taper_plan" not in {i.id for i in outside.tracks["medication"]}
    inside = run(BASE, patient=meds(HYDROMORPHONE_120_MME))
    assert "long_term_opioid" in avoid_reasons(inside)
    assert "opioid_taper_plan" in {i.id for i in inside.tracks["medication"]}


def test_serotonin_toxicity_says_stop_the_opioid_and_never_taper_it_slowly() -> None:
    # Boyer & Shannon 2005: stop the serotonergic drug; a "taper slowly" reconciliation for the
    # same tramadol would contradict it.
    a = run(
        BASE,
        patient=meds(TRAMADOL, SERTRALINE),
        history={"symptoms": ["tremor", "diaphoresis", "agitation"]},
    )
    found = {x.id: x.message for x in a.safety.alerts}
    assert "tramadol" in found["serotonin_toxicity_symptoms"]
    assert "serotonin_syndrome_risk" not in found
    assert "current_drug_avoided" not in found
    assert a.safety.alerts[0].id == "serotonin_toxicity_symptoms"


def test_buprenorphine_for_oud_is_never_called_a_regimen_to_right_size() -> None:
    # CDC 2022 Recommendation 12; ASAM 2020.
    a = run(BASE, patient={"comorbidities": ["opioid_use_disorder"], **meds(BUPRENORPHINE)})
    assert all("right-size" not in r for r in avoid_reasons(a).values())
    assert "opioid_taper_plan" not in {i.id for i in a.tracks["medication"]}


def test_topical_nsaids_stay_open_until_20_weeks_of_pregnancy() -> None:
    # FDA 2020: the oligohydramnios warning starts at 20 weeks, for every NSAID route.
    at_19 = avoid_reasons(run(BASE, patient={"sex": "female", "pregnancy_weeks": 19}))
    at_20 = avoid_reasons(run(BASE, patient={"sex": "female", "pregnancy_weeks": 20}))
    assert "topical_nsaid" not in at_19
    assert "topical_nsaid" in at_20


def test_naloxone_for_injecting_drug_use_without_a_prescribed_opioid_not_for_plain_back_pain() -> (
    None
):
    # SAMHSA overdose toolkit 2018: naloxone for people who inject drugs.
    from tests.builders import assessed as _assessed

    def _ids(a: object) -> set[str]:
        return {i.id for items in a.tracks.values() for i in items}  # type: ignore[attr-defined]

    assert "naloxone" in _ids(_assessed(history={"red_flags": {"iv_drug_use": True}}))
    assert "naloxone" not in _ids(_assessed())
