"""Red flags: answered yes on the screen, or derived from the record by the rules in
data/red_flags.yaml; urgency escalates where a rule says so; most urgent first."""

from __future__ import annotations

from painclinic.engine.expr import Facts, evaluate, evidence_for
from painclinic.knowledge import KnowledgeBase
from painclinic.model import URGENCY_RANK, RedFlag


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
        for rule in flag.escalate:
            holds, used = evaluate(rule.when, facts)
            if holds and URGENCY_RANK[rule.urgency] < URGENCY_RANK[urgency]:
                urgency = rule.urgency
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
                    action=flag.action,
                    evidence=evidence,
                    source=flag.source,
                ),
            )
        )
    found.sort(key=lambda item: (item[0], item[1]))
    flags = [item[2] for item in found]
    for positive in flags:
        text = f"{positive.label} ({positive.urgency})"
        facts.add(f"red_flag:{positive.id}", text)
        facts.add("red_flag_any", text)
        if positive.urgency in ("emergency", "urgent"):
            facts.add("red_flag_urgent", text)
        if positive.urgency == "emergency":
            facts.add("red_flag_emergency", text)
    return flags
