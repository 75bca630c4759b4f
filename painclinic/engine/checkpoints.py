"""Dated follow-up checkpoints, computed from the visit date (never from today's date).

A checkpoint about a treatment follows only a treatment in this plan or on the medication list,
and never one the plan avoids (clinical review problem 19: a tizanidine review beside
"avoid tizanidine"). The rules in data/checkpoints.yaml say so in their `when`; the guard here
keeps a rule written without it from scheduling a review of nothing.
"""

from __future__ import annotations

import datetime as dt

from painclinic.engine.expr import Facts, evaluate
from painclinic.engine.plan import class_members
from painclinic.knowledge import KnowledgeBase
from painclinic.model import Checkpoint


def _follows_the_plan(kb: KnowledgeBase, facts: Facts, about: str) -> bool:
    """A treatment-specific checkpoint needs its treatment suggested or taken, and not avoided."""
    if about not in kb.treatments:
        return True  # function_review, medication_review, red_flag_review, goal_review
    for key in facts:
        prefix, _, item = key.partition(":")
        if prefix == "avoided" and (item == about or about in class_members(kb, item)):
            return False
    if f"suggested:{about}" in facts:
        return True
    taken = (key.split(":", 1)[1] for key in facts if key.startswith("med:"))
    return any(d == about or (d in kb.drugs and kb.drugs[d].treatment == about) for d in taken)


def schedule(visit_date: dt.date, kb: KnowledgeBase, facts: Facts) -> list[Checkpoint]:
    chosen: dict[str, Checkpoint] = {}
    for rule in kb.checkpoints:
        holds, _ = evaluate(rule.when, facts)
        if not holds or rule.id in chosen or not _follows_the_plan(kb, facts, rule.about):
            continue
        chosen[rule.id] = Checkpoint(
            date=visit_date + dt.timedelta(days=rule.days),
            label=rule.label,
            track=rule.track,
            about=rule.about,
            rationale=rule.rationale,
            if_not=rule.if_not,
        )
    return sorted(chosen.values(), key=lambda c: (c.date, c.track, c.label))
