"""Differential diagnosis: every condition in data/conditions.yaml whose findings hold,
with the evidence for it, most supported first."""

from __future__ import annotations

from painclinic.engine.expr import Facts, evaluate, evidence_for
from painclinic.knowledge import KnowledgeBase
from painclinic.model import DifferentialEntry


def rank_differential(kb: KnowledgeBase, facts: Facts) -> list[DifferentialEntry]:
    ranked: list[tuple[int, int, int, DifferentialEntry]] = []
    for index, (cid, cond) in enumerate(kb.conditions.items()):
        holds, used = evaluate(cond.when, facts)
        if not holds:
            continue
        evidence = evidence_for(used, facts)
        ranked.append(
            (
                0 if cond.serious else 1,
                cond.priority * 100 - len(evidence),
                index,
                DifferentialEntry(id=cid, label=cond.label, evidence=evidence, source=cond.source),
            )
        )
    ranked.sort(key=lambda r: r[:3])
    entries = [r[3] for r in ranked]
    for e in entries:
        facts.add(f"dx:{e.id}", e.label)
    return entries
