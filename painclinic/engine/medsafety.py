"""Medication arithmetic: total daily MME (CDC 2022 factors) and total acetaminophen across
products, plus the facts the alert rules in data/alerts.yaml are written over."""

from __future__ import annotations

from dataclasses import dataclass, field

from painclinic.engine.expr import Facts, evaluate, evidence_for
from painclinic.knowledge import KnowledgeBase
from painclinic.model import Caution, Visit

APAP_MAX_MG = 4000  # labelled maximum (FDA)
APAP_CONSERVATIVE_MG = 3000  # older adults, liver disease, regular alcohol (AGS 2009, EASL 2022)


@dataclass
class MedicationTotals:
    mme_per_day: float = 0.0
    acetaminophen_mg_per_day: float = 0.0
    apap_limit_mg: int = APAP_MAX_MG
    notes: list[str] = field(default_factory=list)


def medication_totals(visit: Visit, kb: KnowledgeBase, facts: Facts) -> MedicationTotals:
    totals = MedicationTotals()
    older = "older_adult" in facts
    serotonergic: list[str] = []
    cns: list[str] = []
    for med in visit.patient.medications:
        drug = kb.drugs[med.drug]
        name = drug.label.lower()
        if "serotonergic" in drug.classes:
            serotonergic.append(name)
        # Sedating drugs count at any age; Beers 2023 also counts antidepressants from 65.
        antidepressant = {"ssri", "snri", "tca"} & set(drug.classes)
        if "cns_depressant" in drug.classes or (older and antidepressant):
            cns.append(name)
        if "opioid_partial_agonist" in drug.classes:
            totals.notes.append(
                f"{drug.label}: not counted in MME (CDC removed buprenorphine "
                "from MME conversion; its overdose risk is not dose-equivalent)"
            )
        if drug.mme_factor is not None:
            if drug.mme_dose == "mcg_per_hour":
                daily = med.mcg_per_hour
                unit = "mcg/h"
            else:
                daily = med.dose_mg * med.units_per_day() if med.dose_mg is not None else None
                unit = "mg/day"
            if daily is None:
                totals.notes.append(f"{drug.label}: dose not recorded, so MME is incomplete")
            else:
                mme = daily * drug.mme_factor
                totals.mme_per_day += mme
                totals.notes.append(
                    f"{drug.label} {daily:g} {unit} x {drug.mme_factor:g} = {mme:g} MME"
                )
        elif "opioid" in drug.classes and "opioid_partial_agonist" not in drug.classes:
            totals.notes.append(f"{drug.label}: no MME factor; name the specific opioid")
        if drug.contains_acetaminophen:
            if "acetaminophen" in drug.classes and drug.acetaminophen_mg_per_unit is None:
                per_unit = med.dose_mg
            else:
                per_unit = med.acetaminophen_mg or drug.acetaminophen_mg_per_unit
            if per_unit is None:
                totals.notes.append(f"{drug.label}: acetaminophen amount not recorded")
            else:
                totals.acetaminophen_mg_per_day += per_unit * med.units_per_day()
    totals.mme_per_day = round(totals.mme_per_day, 1)
    totals.acetaminophen_mg_per_day = round(totals.acetaminophen_mg_per_day, 1)
    mme = totals.mme_per_day
    if mme >= 50:
        facts.add("mme_ge_50", f"{mme:g} MME/day")
    if mme >= 90:
        facts.add("mme_ge_90", f"{mme:g} MME/day")
    if any(
        k in facts for k in ("older_adult", "comorbidity:liver_disease", "comorbidity:alcohol_use")
    ):
        totals.apap_limit_mg = APAP_CONSERVATIVE_MG
    apap = totals.acetaminophen_mg_per_day
    if apap > totals.apap_limit_mg:
        facts.add(
            "apap_over_max",
            f"acetaminophen {apap:g} mg/day from all products, above "
            f"{totals.apap_limit_mg} mg/day for this patient",
        )
    # Adding a serotonergic medicine is avoided when the patient already takes a *different*
    # one. PRN triptans are left to the alert only: the serotonin-syndrome risk with SSRIs/SNRIs
    # is low and disputed (AHS position, Evans 2010).
    current = {
        m.drug
        for m in visit.patient.medications
        if "serotonergic" in kb.drugs[m.drug].classes and "triptan" not in kb.drugs[m.drug].classes
    }
    for tid, drug in kb.drugs.items():
        if tid in kb.treatments and "serotonergic" in drug.classes and current - {tid}:
            others = ", ".join(kb.drugs[d].label.lower() for d in sorted(current - {tid}))
            facts.add(f"serotonergic_other:{tid}", f"already takes {others}")
    if serotonergic:
        opioids = [
            kb.drugs[m.drug].label.lower()
            for m in visit.patient.medications
            if {"serotonergic", "opioid"} <= set(kb.drugs[m.drug].classes)
        ]
        facts.add(
            "serotonergic_drugs",
            "serotonergic drugs: "
            + ", ".join(dict.fromkeys(serotonergic))
            + (
                f" (the serotonergic opioid: {', '.join(dict.fromkeys(opioids))})"
                if opioids
                else ""
            ),
        )
    if len(set(serotonergic)) >= 2:
        facts.add(
            "serotonergic_combination",
            "serotonergic drugs: " + ", ".join(dict.fromkeys(serotonergic)),
        )
    _interaction_facts(visit, kb, facts, apap)
    if len(set(cns)) >= 2:
        facts.add("cns_depressants_2", "CNS-active drugs: " + ", ".join(dict.fromkeys(cns)))
    if len(set(cns)) >= 3:
        facts.add("cns_depressants_3", "CNS-active drugs: " + ", ".join(dict.fromkeys(cns)))
    return totals


APAP_ALCOHOL_MG = 2000  # regular alcohol use: at most 2 g/day (expert consensus; mixed evidence)
TRAMADOL_MAX_MG = 400  # tramadol label maximum


def _interaction_facts(visit: Visit, kb: KnowledgeBase, facts: Facts, apap: float) -> None:
    """Facts for the QTc, seizure-threshold, alcohol and duplicate-opioid alerts."""
    qt: dict[str, str] = {}
    scheduled_opioids: dict[str, str] = {}
    for med in visit.patient.medications:
        drug = kb.drugs[med.drug]
        if "qt_prolonging" in drug.classes:
            qt[med.drug] = drug.label.lower()
        if "opioid" in drug.classes and not med.prn:
            scheduled_opioids[med.drug] = drug.label.lower()
        if med.drug == "tramadol" and med.dose_mg is not None:
            daily = med.dose_mg * med.units_per_day()
            if daily > TRAMADOL_MAX_MG:
                facts.add("tramadol_over_max", f"tramadol {daily:g} mg/day")
    known = [d for d in qt if "qt_known_risk" in kb.drugs[d].classes]
    if len(qt) >= 2 and known:
        facts.add("qt_drugs_2", "QT-prolonging drugs: " + ", ".join(qt.values()))
    # Two opioids taken on a schedule; one taken as needed is a breakthrough plan, said as such.
    if len(scheduled_opioids) >= 2:
        facts.add(
            "duplicate_opioids_scheduled",
            "two or more opioids on a schedule: " + ", ".join(scheduled_opioids.values()),
        )
    if apap > APAP_ALCOHOL_MG:
        facts.add("apap_over_2000", f"acetaminophen {apap:g} mg/day from all products")


def drug_cautions(
    visit: Visit, kb: KnowledgeBase, facts: Facts, suggested: list[str]
) -> list[Caution]:
    """The cautions (data/drugs.yaml) of the drugs the patient takes, then of the drugs the
    plan suggests, for each context (kidney, liver, pregnancy, ...) that holds for this patient."""
    drugs = dict.fromkeys(m.drug for m in visit.patient.medications)
    taken = set(drugs)
    drugs.update(dict.fromkeys(s for s in suggested if s in kb.drugs))
    contexts = {}
    for cid, context in kb.caution_contexts.items():
        holds, used = evaluate(context.when, facts)
        if holds:
            why = evidence_for(used, facts)
            contexts[cid] = context.label + (f" ({'; '.join(why)})" if why else "")
    out = []
    for did in drugs:
        drug = kb.drugs[did]
        for cid, text in drug.cautions.items():
            if cid in contexts:
                out.append(
                    Caution(
                        drug=did,
                        label=drug.label,
                        taken=did in taken,
                        context=cid,
                        why=contexts[cid],
                        text=text.strip(),
                        source=drug.source,
                    )
                )
    return out
