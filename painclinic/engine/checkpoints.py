"""Dated follow-up checkpoints, computed from the visit date (never from today's date)."""

from __future__ import annotations

import datetime as dt

from painclinic.engine.expr import Facts, evaluate
from painclinic.knowledge import KnowledgeBase
from painclinic.model import Checkpoint


def schedule(visit_date: dt.date, kb: KnowledgeBase, facts: Facts) -> list[Checkpoint]:
    chosen: dict[str, Checkpoint] = {}
    for rule in kb.checkpoints:
        holds, _ = evaluate(rule.when, facts)
        if not holds or rule.id in chosen:
            continue
        chosen[rule.id] = Checkpoint(
            date=visit_date + dt.timedelta(days=rule.days),
            label=rule.label,
            track=rule.track,
            about=rule.about,
            rationale=rule.rationale,
        )
    return sorted(chosen.values(), key=lambda c: (c.date, c.track, c.label))
