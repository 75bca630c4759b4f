"""Medication reconciliation (alert current_drug_avoided, CONTRACT 5.3): a drug the patient
already takes that the assessment's avoid list rules out is named, with why, once.

The review's case (UX report M13): a 38-year-old forklift operator with reflux on ibuprofen
400 mg three times a day had "Oral NSAID" on the avoid list and no alert at all.
"""

from __future__ import annotations

from typing import Any

from painclinic import assess
from painclinic.model import Alert, Assessment
from painclinic.validation import visit_from_data
from tests.builders import merge
from tests.test_safety import SCIATICA, apap

IBUPROFEN = {"drug": "ibuprofen", "dose_mg": 400, "per_day": 3}
CHRONIC = {"history": {"duration_weeks": 30}}


def run(**changes: Any) -> Assessment:
    return assess(visit_from_data(merge(SCIATICA, changes), source="<test_reconcile>"))


def reconciled(a: Assessment) -> list[Alert]:
    return [x for x in a.safety.alerts if x.id == "current_drug_avoided"]


def test_ibuprofen_with_reflux_names_the_drug_the_class_and_the_reason() -> None:
    a = run(patient={"occupation": "forklift operator", "comorbidities": ["gerd"],
                     "medications": [IBUPROFEN]})  # fmt: skip
    assert "oral_nsaid" in {x.id for x in a.avoid}
    [alert] = reconciled(a)
    assert alert.severity == "moderate"  # reflux is a risk to weigh, not a contraindication
    assert alert.message.startswith("Takes ibuprofen, ruled out here as oral NSAID: Reflux")
    assert "acg_nsaid_2009" in alert.source  # what the avoid rule cites


def test_ibuprofen_without_any_nsaid_risk_raises_no_reconciliation_alert() -> None:
    assert reconciled(run(patient={"medications": [IBUPROFEN]})) == []


def test_reflux_without_an_nsaid_raises_no_reconciliation_alert() -> None:
    a = run(patient={"comorbidities": ["gerd"], "medications": [apap(4)]})
    assert "oral_nsaid" in {x.id for x in a.avoid}
    assert reconciled(a) == []


def test_an_nsaid_from_20_weeks_of_pregnancy_is_high() -> None:
    naproxen = {"drug": "naproxen", "dose_mg": 500, "per_day": 2}
    a = run(patient={"sex": "female", "pregnant": True, "pregnancy_weeks": 24,
                     "medications": [naproxen]})  # fmt: skip
    [alert] = reconciled(a)
    assert alert.severity == "high"
    # the contraindication is said first, the general pregnancy caution after it
    assert alert.message.startswith("Takes naproxen, ruled out here as oral NSAID: NSAIDs from 20")
    assert "as systemic agents in pregnancy: Pregnancy" in alert.message
    assert "fda_nsaid_pregnancy_2020" in alert.source


def test_a_risk_another_alert_already_names_is_not_said_twice() -> None:
    # kidney disease: nsaid_kidney (high) already says it; reflux added: only reflux is new
    a = run(patient={"comorbidities": ["ckd"], "medications": [IBUPROFEN]})
    assert "nsaid_kidney" in {x.id for x in a.safety.alerts}
    assert reconciled(a) == []
    both = run(patient={"comorbidities": ["ckd", "gerd"], "medications": [IBUPROFEN]})
    [alert] = reconciled(both)
    assert "Reflux" in alert.message and "Kidney disease" not in alert.message


def test_a_long_term_opioid_in_chronic_pain_is_reconciled_without_stopping_it_abruptly() -> None:
    oxy = {"drug": "oxycodone", "dose_mg": 5, "per_day": 2}
    [alert] = reconciled(run(patient={"medications": [oxy]}, **CHRONIC))
    assert alert.message.startswith("Takes oxycodone, ruled out here as long-term opioid therapy")
    assert "Do not stop it abruptly" in alert.message
    # acute pain: the long-term-opioid rule does not hold, so nothing to reconcile
    assert reconciled(run(patient={"medications": [oxy]})) == []


def test_buprenorphine_is_not_ruled_out_as_a_long_term_opioid() -> None:
    bup = {"drug": "buprenorphine", "dose_mg": 8, "per_day": 1}
    assert reconciled(run(patient={"medications": [bup]}, **CHRONIC)) == []


def test_a_rule_about_adding_more_does_not_flag_the_drug_that_triggered_it() -> None:
    # at 70 on gabapentin, sedative stacking is avoided (do not add another sedative), but the
    # gabapentin itself is not "ruled out"
    gaba = {"drug": "gabapentin", "dose_mg": 300, "per_day": 3}
    a = run(patient={"age": 70, "medications": [gaba]})
    assert "sedative_stacking" in {x.id for x in a.avoid}
    assert reconciled(a) == []
