"""Medication reconciliation: the drugs the patient already takes, against the avoid list.

The plan never suggests an avoided item, but a patient can already be on one (ibuprofen with
reflux, where oral NSAIDs are ruled out). The alert `current_drug_avoided` says so, one alert per
drug. Which rule ruled the drug out decides whether and how loudly it speaks (data/safety.yaml
`if_taken` and `covered_by`): a contraindication is high, a risk to weigh is moderate, a rule
that only stops adding more says nothing, and a rule whose own alert fired leaves it to that
alert, so the physician never reads the same risk twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from painclinic.engine.expr import Facts
from painclinic.engine.plan import AvoidBasis, class_members
from painclinic.knowledge import AlertDef, AvoidClassDrugs, KnowledgeBase
from painclinic.model import Alert, Visit


@dataclass(frozen=True)
class TakenAvoided:
    """A current drug, and each avoided id that rules it out with that id's reasons."""

    drug: str
    avoided: dict[str, list[AvoidBasis]]


def rules_out(kb: KnowledgeBase, avoid_id: str, drug_id: str) -> bool:
    """Does avoiding `avoid_id` rule out the drug the patient takes?"""
    drug = kb.drugs[drug_id]
    own = {drug_id} | ({drug.treatment} if drug.treatment else set())
    if avoid_id in own:
        return True
    if avoid_id in kb.avoid_classes and own & class_members(kb, avoid_id):
        return True
    return by_drug_class(kb, avoid_id, drug_id) is not None


def by_drug_class(kb: KnowledgeBase, avoid_id: str, drug_id: str) -> AvoidClassDrugs | None:
    """The avoid_class_drugs entry that rules the drug out by its class, if one does."""
    entry = kb.avoid_class_drugs.get(avoid_id)
    if entry is None:
        return None
    classes = set(kb.drugs[drug_id].classes)
    if classes & set(entry.classes) and not classes & set(entry.unless):
        return entry
    return None


def taken_and_avoided(
    visit: Visit, kb: KnowledgeBase, facts: Facts, avoid_bases: dict[str, list[AvoidBasis]]
) -> list[TakenAvoided]:
    """Each current drug the avoid list rules out (record order); adds the fact
    `current_drug_avoided` the alert rule reads."""
    found = []
    for did in dict.fromkeys(m.drug for m in visit.patient.medications):
        avoided = {a: bases for a, bases in avoid_bases.items() if rules_out(kb, a, did)}
        if avoided:
            found.append(TakenAvoided(did, avoided))
    if found:
        facts.add(
            "current_drug_avoided",
            "takes " + ", ".join(kb.drugs[t.drug].label.lower() for t in found),
        )
    return found


def current_drug_alerts(
    aid: str, rule: AlertDef, kb: KnowledgeBase, found: list[TakenAvoided], fired: set[str]
) -> list[Alert]:
    """One alert per drug that a rule still speaks for (not `adding`, not covered by an alert
    that fired), high when any such rule marks it contraindicated."""
    alerts = []
    stopped = [set(kb.alerts[a].stops) for a in fired if kb.alerts[a].stops]
    for taken in found:
        classes = set(kb.drugs[taken.drug].classes)
        if any(stop <= classes for stop in stopped):
            continue  # an alert that fired already says to stop it now
        parts: list[tuple[bool, str]] = []
        sources: list[str] = []
        advice: list[str] = []
        for avoid_id, bases in taken.avoided.items():
            speaking = [b for b in bases if b.if_taken != "adding" and b.covered_by not in fired]
            reasons = list(dict.fromkeys(b.reason for b in speaking))
            if not reasons:
                continue
            contraindicated = any(b.if_taken == "contraindicated" for b in speaking)
            sources += [s for b in speaking for s in b.sources if s not in sources]
            entry = by_drug_class(kb, avoid_id, taken.drug)
            if entry is not None and entry.advice:
                advice.append(entry.advice.strip())
                sources += [s for s in entry.source if s not in sources]
            what = "" if avoid_id == taken.drug else f" as {_label(kb, avoid_id)}"
            parts.append((contraindicated, f"{what}: {'; '.join(reasons)}"))
        if not parts:
            continue
        high = any(c for c, _ in parts)
        parts.sort(key=lambda p: not p[0])  # the contraindication first, then the rest
        drug = kb.drugs[taken.drug].label.lower()
        ruled = f"Takes {drug}, ruled out here" + "; and".join(text for _, text in parts) + "."
        message = " ".join([ruled, rule.message.strip(), *advice])
        alerts.append(
            Alert(
                id=aid,
                severity="high" if high else rule.severity,
                message=message,
                # the ruling rules' sources first: they are the clinical reason
                source=[*sources, *(s for s in rule.source if s not in sources)],
                label=rule.label,
            )
        )
    return alerts


def _label(kb: KnowledgeBase, avoid_id: str) -> str:
    """`oral NSAID`, `sedative stacking`: the avoided id in words, for mid-sentence."""
    if avoid_id in kb.avoid_class_drugs and kb.avoid_class_drugs[avoid_id].label:
        return kb.avoid_class_drugs[avoid_id].label
    if avoid_id in kb.treatments:
        text = kb.treatments[avoid_id].label.split(",")[0].strip()
    elif avoid_id in kb.drugs:
        text = kb.drugs[avoid_id].label
    else:
        text = avoid_id.replace("_", " ")
    return text if len(text) > 1 and text[1].isupper() else text[:1].lower() + text[1:]
