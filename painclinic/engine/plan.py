"""Parallel treatment tracks, filtered for safety.

Order of reasoning:
1. `avoid` first: the risk profile (data/safety.yaml), earlier responses (repeat only what
   worked), nociplastic pain (no procedures), and unresolved urgent or emergency red flags
   (procedures and routine care wait). Each avoidance carries its reason.
2. Then every treatment whose indication (`when`) holds is proposed, unless avoided; a
   procedure also needs a function limit it could open a window on (the seed's third question).
An avoided item never appears in the tracks.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Literal

from painclinic.engine.expr import Facts, evaluate, evidence_for
from painclinic.engine.facts import taken_items
from painclinic.knowledge import KnowledgeBase, TreatmentDef
from painclinic.model import TRACKS, Avoid, RedFlag, Track, TrackItem

IfTaken = Literal["contraindicated", "review", "adding"]


@dataclass(frozen=True)
class AvoidBasis:
    """One rule's reason to avoid an item, kept apart from the others so that reconciling the
    current medicines (engine/reconcile.py) can weigh each rule on its own."""

    reason: str
    sources: list[str]
    if_taken: IfTaken = "review"
    covered_by: str | None = None


@dataclass
class _Avoidance:
    reasons: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    bases: list[AvoidBasis] = field(default_factory=list)

    def add(self, reason: str, sources: list[str], basis: AvoidBasis | None = None) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)
        self.sources.extend(s for s in sources if s not in self.sources)
        self.bases.append(basis or AvoidBasis(reason, list(sources)))


@dataclass(frozen=True)
class Blocked:
    """Treatments one rule keeps out of the tracks (a class expanded), and why."""

    rank: int
    reason: str
    members: set[str]
    deferral: bool = False  # a red flag's deferral: said once in deferred_reason


@dataclass
class PlanResult:
    tracks: dict[Track, list[TrackItem]]
    avoid: list[Avoid]
    deferred_reason: str | None
    # Every avoided id with each rule's reason apart (reconciliation reads it).
    avoid_bases: dict[str, list[AvoidBasis]] = field(default_factory=dict)
    # Avoid ids about this patient by nature: earlier responses, the red flag's deferral and
    # rules marked `listed: always` (data/safety.yaml).
    always_listed: set[str] = field(default_factory=set)


def class_members(kb: KnowledgeBase, class_id: str) -> set[str]:
    members = kb.avoid_classes.get(class_id)
    if members is None:
        return {class_id}
    expanded: set[str] = set()
    for m in members:
        if m.startswith("track:"):
            expanded |= {t for t, d in kb.treatments.items() if d.track == m.split(":", 1)[1]}
        else:
            expanded.add(m)
    return expanded


def _treatment_of(kb: KnowledgeBase, name: str) -> str:
    drug = kb.drugs.get(name)
    return drug.treatment if drug is not None and drug.treatment else name


def _avoidances(
    kb: KnowledgeBase, facts: Facts, flags: list[RedFlag]
) -> tuple[dict[str, _Avoidance], list[Blocked], str | None, set[str]]:
    avoid: dict[str, _Avoidance] = {}
    personal: set[str] = set()  # earlier responses and the deferral line (PlanResult)
    # Every class a rule blocks, with that rule's own reason and exemptions: two rules may block
    # the same class with different exemptions (nociplastic pain spares a sympathetic block; an
    # unresolved red flag spares nothing), so they are never merged.
    blocked: list[Blocked] = []

    def block(
        item: str,
        reason: str,
        sources: list[str],
        exempt: AbstractSet[str] = frozenset(),
        rank: int = 1,
        basis: AvoidBasis | None = None,
    ) -> None:
        avoid.setdefault(item, _Avoidance()).add(reason, sources, basis)
        if item in kb.avoid_classes:
            blocked.append(Blocked(rank, reason, class_members(kb, item) - exempt))

    for rule in kb.avoid_rules:
        holds, used = evaluate(rule.when, facts)
        if not holds:
            continue
        why = evidence_for(used, facts)
        reason = rule.reason + (f" (here: {'; '.join(why)})" if why else "")
        basis = AvoidBasis(reason, rule.source, rule.if_taken, rule.covered_by)
        for item in rule.avoid:
            block(item, reason, rule.source, set(rule.exempt), basis=basis)
            if rule.listed == "always":
                personal.add(item)

    for key, text in list(facts.items()):
        prefix, _, name = key.partition(":")
        if prefix not in (
            "prior_not_tolerated",
            "prior_failed",
            "prior_failed_twice",
            "response_poor",
        ):
            continue
        tid = _treatment_of(kb, name)
        treatment = kb.treatments.get(tid)
        if treatment is None:
            continue
        earlier = kb.earlier_responses
        if prefix == "prior_not_tolerated":
            response = earlier.not_tolerated
        elif prefix == "response_poor" and treatment.track != "interventional":
            continue  # the 50% criterion is for procedures; 30% from a medicine can matter
        elif treatment.track in ("medication", "interventional") and prefix != "prior_failed_twice":
            interventional = treatment.track == "interventional"
            response = earlier.did_not_help_procedure if interventional else earlier.did_not_help
        else:
            continue
        block(tid, response.reason.replace("{}", text), response.source)
        personal.add(tid)

    deferred_reason = None
    lead = flags[0] if flags else None  # flags come most urgent first
    if lead is not None and lead.urgency in ("emergency", "urgent"):
        # Graded (red_flags.yaml `deferral`): an emergency defers every routine item but
        # analgesia for the journey; an urgent flag defers procedures, systemic steroids and
        # loading rehabilitation only; a `soon` flag defers nothing.
        deferral = kb.deferral
        if lead.urgency == "emergency":
            keeps: set[str] = set()
            for k in deferral.emergency_keeps:
                keeps |= class_members(kb, k)
            members = {tid for tid, t in kb.treatments.items() if t.routine} - keeps
        else:
            members = set()
            for d in deferral.urgent_defers:
                members |= class_members(kb, d)
            members = {m for m in members if m in kb.treatments and kb.treatments[m].routine}
        deferred_reason = f"{lead.label} ({lead.urgency}): {lead.action}."
        # One avoid line for the class (the red flag is the reason a physician sees first);
        # the deferred suggestions themselves are named once, in deferred_reason.
        avoid.setdefault("interventional_procedures", _Avoidance()).add(
            f"Deferred while a red flag is unresolved: {lead.label} ({lead.urgency}), "
            f"{lead.action}",
            lead.source + [s for s in deferral.source if s not in lead.source],
        )
        blocked.append(Blocked(0, DEFERRED, members, deferral=True))
        personal.add("interventional_procedures")
    return avoid, sorted(blocked, key=lambda b: b.rank), deferred_reason, personal


DEFERRED = "Deferred until the red flag is resolved"


def _deferred_text(kb: KnowledgeBase, lead: RedFlag, labels: list[str]) -> str:
    """The deferral said once: what waits, and (under an urgent flag) what goes on."""
    waiting = ", ".join(labels) if labels else "procedures"
    text = f" Deferred until the flag is resolved: {waiting}."
    if lead.urgency == "emergency":
        return text + " Only the referral and analgesia for the journey go ahead now."
    return text + " Analgesia, activity advice and the safety net go on meanwhile."


def for_this_patient(why: list[str], most: int = 4) -> str:
    """The record's evidence as one short sentence (review pattern 3): "For this patient:
    acute (3 weeks), pain up to 9/10 and chronic kidney disease." At most `most` facts, in the
    order the rule names them; a fact that itself holds a comma makes the list use semicolons."""
    # Capitals stay: a fact may open with an eponym ("Spurling ... positive") or a level.
    facts = [w.strip().rstrip(".") for w in dict.fromkeys(why) if w.strip()][:most]
    if not facts:
        return ""
    sep = "; " if any("," in f for f in facts) else ", "
    last = "; and " if sep == "; " else " and "
    text = facts[0] if len(facts) == 1 else sep.join(facts[:-1]) + last + facts[-1]
    return f"For this patient: {text}."


def _procedure_gate(t: TreatmentDef, facts: Facts) -> bool:
    """Does the result open a window for rehabilitation or function? (seed article's third
    question): a recorded function limit, a disability score, or severe pain."""
    return t.track != "interventional" or "function_limited" in facts or "severe_pain" in facts


def _alternative_taken(kb: KnowledgeBase, tid: str, taken: set[str]) -> bool:
    """Does the patient already take another medicine of this item's choose_one group
    (data/sequence.yaml: gabapentin for pregabalin, duloxetine for nortriptyline)? Then the
    plan adjusts or switches the current one; it never stacks a second of the group. A taken
    medicine the risk profile rules out (`taken` excludes the avoided: oral ibuprofen in CKD)
    leaves its alternative open, as the switch."""
    for group in kb.choose_one.values():
        if tid in group.members:
            others = {m for m in group.members if m != tid}
            if any(kb.treatments[m].track == "medication" for m in others & taken):
                return True
    return False


def build_plan(kb: KnowledgeBase, facts: Facts, flags: list[RedFlag]) -> PlanResult:
    avoid, blocked, deferred_reason, personal = _avoidances(kb, facts, flags)
    taken = taken_items(kb, facts)
    avoided = set(avoid)
    for entry in blocked:
        avoided |= entry.members
    tracks: dict[Track, list[tuple[int, int, TrackItem]]] = {t: [] for t in TRACKS}
    ordered = sorted(enumerate(kb.treatments.items()), key=lambda e: (e[1][1].order, e[0]))
    deferred_labels: list[str] = []
    for index, (tid, t) in ordered:
        holds, used = evaluate(t.when, facts)
        if not holds or not _procedure_gate(t, facts):
            continue
        if t.track == "medication" and tid in taken:
            continue  # already on it: the record's medication list carries it
        if t.track == "medication" and _alternative_taken(kb, tid, taken - avoided):
            continue  # one of its choose_one group is taken: adjust that one, never add a second
        if tid in avoided:
            if tid not in avoid:
                reason = next(
                    (b.reason for b in blocked if tid in b.members and not b.deferral), None
                )
                if reason is None:
                    deferred_labels.append(t.label)  # said once, in deferred_reason
                else:
                    avoid.setdefault(tid, _Avoidance()).add(reason, t.source)
            continue
        why = evidence_for(used, facts)
        rationale = t.rationale.strip()
        if t.evidence_note:
            rationale += f" Evidence: {t.evidence} ({t.evidence_note.strip()})."
        if f"prior_failed_twice:{tid}" in facts:
            rationale += (
                f" Note: {facts[f'prior_failed_twice:{tid}']}; find out why (too "
                "aggressive, too generic, a missed driver) and change the approach."
            )
        if why:
            rationale += " " + for_this_patient(why)
        tracks[t.track].append(
            (
                t.order,
                index,
                TrackItem(
                    id=tid,
                    label=t.label,
                    rationale=rationale,
                    evidence_strength=t.evidence,
                    source=t.source,
                ),
            )
        )
        facts.add(f"suggested:{tid}", t.label)
        if t.procedure is not None:
            facts.add("procedure_planned", t.label)
            if t.procedure.steroid:
                facts.add("steroid_planned", t.label)
            risk = t.procedure.bleeding_risk
            if "cervical" in facts and t.procedure.bleeding_risk_cervical:
                risk = t.procedure.bleeding_risk_cervical
            if risk in ("high", "intermediate"):
                facts.add(
                    "procedure_planned_high_or_intermediate",
                    f"{t.label} ({risk} bleeding risk, ASRA 2018)",
                )
        elif "corticosteroid" in (kb.drugs[tid].classes if tid in kb.drugs else []):
            facts.add("steroid_planned", t.label)
    if deferred_reason is not None:
        deferred_reason += _deferred_text(kb, flags[0], deferred_labels)
    for item_id in avoid:
        facts.add(f"avoided:{item_id}", "; ".join(avoid[item_id].reasons))
    return PlanResult(
        tracks={
            t: [item for _, _, item in sorted(items, key=lambda x: (x[0], x[1]))]
            for t, items in tracks.items()
        },
        avoid=[
            Avoid(id=i, reason="; ".join(a.reasons), source=a.sources)
            for i, a in sorted(avoid.items())
        ],
        deferred_reason=deferred_reason,
        avoid_bases={i: a.bases for i, a in avoid.items()},
        always_listed=personal,
    )
