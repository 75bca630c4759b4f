"""Red flags: answered yes on the screen, or derived from the record by the rules in
data/red_flags.yaml; urgency escalates where a rule says so; most urgent first."""

from __future__ import annotations

from collections.abc import Iterable

from painclinic.engine.expr import Facts, evaluate, evidence_for
from painclinic.knowledge import KnowledgeBase
from painclinic.model import URGENCY_RANK, RedFlag


def _combine(kb: KnowledgeBase, facts: Facts, found: list[tuple[int, int, RedFlag]]) -> None:
    """Flags add up: a combination that holds raises each flag it names to its urgency and
    action, whatever that flag says alone (red_flags.yaml `combinations`)."""
    if not kb.red_flag_combinations or not found:
        return
    # The combinations read the flags found alone; these facts are added again (with the final
    # urgency) by find_red_flags, and Facts.add keeps the first text, so they are removed here.
    added = []
    for _, _, rf in found:
        if f"red_flag:{rf.id}" not in facts:
            added.append(f"red_flag:{rf.id}")
            facts.add(f"red_flag:{rf.id}", f"{rf.label.lower()} ({rf.urgency} alone)")
    try:
        for combo in kb.red_flag_combinations:
            holds, used = evaluate(combo.when, facts)
            if not holds:
                continue
            why = "; ".join(evidence_for(used, facts))
            for i, (rank, index, rf) in enumerate(found):
                if rf.id not in combo.raises:
                    continue
                raised = URGENCY_RANK[combo.urgency] < rank
                found[i] = (
                    min(rank, URGENCY_RANK[combo.urgency]),
                    index,
                    rf.model_copy(
                        update={
                            "urgency": combo.urgency if raised else rf.urgency,
                            "suggests": combo.suggests if raised else rf.suggests,
                            "action": combo.action if raised else rf.action,
                            "evidence": [*rf.evidence, f"{combo.label}: {why}"],
                            "source": rf.source + [s for s in combo.source if s not in rf.source],
                        }
                    ),
                )
    finally:
        for key in added:
            facts.pop(key, None)


def _said_once(ordered: Iterable[RedFlag]) -> list[RedFlag]:
    """Under an emergency, a weaker flag keeps its evidence but not its own action: "imaging in
    4-6 weeks" or "urgent MRI" beside a thunderclap headache contradicts the same-day pathway,
    and the emergency assessment takes the weaker finding into account."""
    flags = list(ordered)
    if not flags or flags[0].urgency != "emergency":
        return flags
    lead = flags[0]
    return [
        f
        if f.urgency == "emergency"
        else f.model_copy(
            update={
                "action": "no separate action now: today's emergency assessment for "
                f"{lead.label.lower()} covers it; re-check this flag once that is settled"
            }
        )
        for f in flags
    ]


def find_red_flags(kb: KnowledgeBase, facts: Facts) -> list[RedFlag]:
    found: list[tuple[int, int, RedFlag]] = []
    for index, (fid, flag) in enumerate(kb.red_flags.items()):
        evidence: list[str] = []
        if f"flag:{fid}" in facts:
            evidence.append("answered yes on the red-flag screen")
        if flag.derived_when is not None:
            holds, used = evaluate(flag.derived_when, facts)
            if holds:
                evidence.extend(e for e in evidence_for(used, facts) if e not in evidence)
                if f"flag_no:{fid}" in facts:
                    evidence.append(
                        "derived from the record although answered no on the screen: re-check"
                    )
        if not evidence:
            continue
        urgency = flag.urgency
        action = flag.action
        for rule in flag.escalate:
            holds, used = evaluate(rule.when, facts)
            if holds and URGENCY_RANK[rule.urgency] < URGENCY_RANK[urgency]:
                urgency = rule.urgency
                action = rule.action or action
                evidence.append(f"{rule.reason}: " + "; ".join(evidence_for(used, facts)))
        found.append(
            (
                URGENCY_RANK[urgency],
                index,
                RedFlag(
                    id=fid,
                    label=flag.label,
                    urgency=urgency,
                    suggests=flag.suggests,
                    action=action,
                    evidence=evidence,
                    source=flag.source,
                ),
            )
        )
    _combine(kb, facts, found)
    found.sort(key=lambda item: (item[0], item[1]))
    flags = _said_once(item[2] for item in found)
    for positive in flags:
        text = f"{positive.label} ({positive.urgency})"
        facts.add(f"red_flag:{positive.id}", text)
        facts.add("red_flag_any", text)
        if positive.urgency in ("emergency", "urgent"):
            facts.add("red_flag_urgent", text)
        if positive.urgency == "emergency":
            facts.add("red_flag_emergency", text)
    return flags
