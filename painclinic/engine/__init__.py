"""The reasoning engine: `assess(visit) -> Assessment`, pure and deterministic.

No I/O, no clock: the knowledge base is loaded once and cached, every date is computed from the
visit date, and the same record always gives the same assessment.
"""

from __future__ import annotations

from painclinic.engine.avoidlist import shown_avoid
from painclinic.engine.checkpoints import schedule
from painclinic.engine.differential import rank_differential
from painclinic.engine.doses import attach_doses
from painclinic.engine.expr import Facts, evaluate, evidence_for
from painclinic.engine.facts import build_facts
from painclinic.engine.localization import localize
from painclinic.engine.mechanism import classify
from painclinic.engine.medsafety import drug_cautions, medication_totals
from painclinic.engine.plan import build_plan
from painclinic.engine.reconcile import current_drug_alerts, taken_and_avoided
from painclinic.engine.redflags import find_red_flags
from painclinic.engine.scores import score_visit
from painclinic.engine.sequence import sequence
from painclinic.engine.workup import plan_workup
from painclinic.knowledge import KnowledgeBase, load_knowledge
from painclinic.model import (
    Alert,
    Assessment,
    KnowledgeRef,
    RedFlag,
    Safety,
    Visit,
    VisitRef,
)

__all__ = ["assess", "assess_with_facts"]


def assess(visit: Visit, kb: KnowledgeBase | None = None) -> Assessment:
    """Recompute the whole assessment of a visit record."""
    return assess_with_facts(visit, kb)[0]


def assess_with_facts(visit: Visit, kb: KnowledgeBase | None = None) -> tuple[Assessment, Facts]:
    """The assessment and the facts it was reasoned from (the app's checklist reads them for
    relevance, so it need not build them a second time on every keystroke)."""
    kb = kb or load_knowledge()
    facts = build_facts(visit, kb)
    scores = score_visit(visit, kb, facts)
    totals = medication_totals(visit, kb, facts)
    localization = localize(visit, kb, facts)
    red_flags = find_red_flags(kb, facts)
    differential = rank_differential(kb, facts)
    leading = next((d for d in differential if not kb.conditions[d.id].serious), None)
    mechanism = classify(
        facts, (kb.conditions[leading.id].mechanism, leading.label) if leading else None
    )
    plan = build_plan(kb, facts, red_flags)
    attach_doses(plan.tracks, kb, facts, visit)
    workup, not_indicated = plan_workup(visit.visit.date, kb, facts)  # reads suggested:<id>
    first_steps = sequence(plan.tracks, kb, facts, visit)
    taken_avoided = taken_and_avoided(visit, kb, facts, plan.avoid_bases)
    alerts = []
    reconciling = []
    for aid, rule in kb.alerts.items():
        holds, used = evaluate(rule.when, facts)
        if holds and rule.detail == "current_drugs":
            reconciling.append((aid, rule))  # after the others: it defers to those that fired
        elif holds:
            why = evidence_for(used, facts)
            message = rule.message.strip() + (f" Here: {'; '.join(why)}." if why else "")
            if rule.detail == "asra_holds":
                message += _hold_detail(visit, kb)
            alerts.append(
                Alert(
                    id=aid,
                    severity=rule.severity,
                    message=message,
                    source=rule.source,
                    label=rule.label,
                )
            )
    fired = {a.id for a in alerts}
    for aid, rule in reconciling:
        alerts += current_drug_alerts(aid, rule, kb, taken_avoided, fired)
    severity = {"high": 0, "moderate": 1, "low": 2}
    alerts.sort(key=lambda a: severity[a.severity])
    assessment = Assessment(
        visit=VisitRef(patient=visit.patient.id, date=visit.visit.date),
        knowledge=KnowledgeRef(version=kb.version, sha256=kb.sha256),
        red_flags=red_flags,
        mechanism=mechanism,
        localization=localization,
        differential=differential,
        tracks=plan.tracks,
        avoid=shown_avoid(kb, facts, plan),
        safety=Safety(
            mme_per_day=totals.mme_per_day,
            acetaminophen_mg_per_day=totals.acetaminophen_mg_per_day,
            alerts=alerts,
            notes=totals.notes,
            cautions=drug_cautions(
                visit, kb, facts, [i.id for items in plan.tracks.values() for i in items]
            ),
        ),
        scores=scores,
        checkpoints=schedule(visit.visit.date, kb, facts),
        deferred_reason=plan.deferred_reason,
        safety_net=_safety_net(kb, red_flags, facts),
        workup=workup,
        not_indicated=not_indicated,
        first_steps=first_steps,
    )
    return assessment, facts


def _safety_net(kb: KnowledgeBase, flags: list[RedFlag], facts: Facts) -> list[str]:
    """Every plan under a flag says what to come back for at once (red_flags.yaml). Under an
    emergency only the emergency flags speak: the patient goes today, and a weaker flag's advice
    (a spinal warning beside a thunderclap headache) would only blur the message. A history
    that carries its own warning (`safety_nets`, e.g. after cauda equina syndrome) adds it."""
    lines: list[str] = []
    emergency = bool(flags) and flags[0].urgency == "emergency"
    for f in flags:
        if emergency and f.urgency != "emergency":
            continue
        text = kb.red_flags[f.id].safety_net
        if text and text not in lines:
            lines.append(text)
    for net in kb.safety_nets:
        if evaluate(net.when, facts)[0] and net.text not in lines:
            lines.append(net.text)
    return lines


def _hold_detail(visit: Visit, kb: KnowledgeBase) -> str:
    holds = []
    for med in visit.patient.medications:
        days = kb.drugs[med.drug].asra_hold_days
        if days and (days.get("intermediate") or days.get("high")):
            holds.append(
                f"{kb.drugs[med.drug].label}: hold {days.get('intermediate') or '-'} "
                f"days before intermediate-risk, {days.get('high') or '-'} days before "
                "high-risk procedures"
            )
    if not holds:
        return " Name the antithrombotic in the medication list to see its ASRA hold interval."
    return " ASRA 2018 holds (only with the prescriber's agreement): " + "; ".join(holds) + "."
