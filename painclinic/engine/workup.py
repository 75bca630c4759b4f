"""The work-up: which tests to order, how soon and why, and which are not needed now
(data/workup.yaml; CONTRACT 5.2 `workup` and `not_indicated`).

Run after the plan, so rules can read what is suggested (`suggested:<id>`, `procedure_planned`)
and the red flags' final urgency. Dates come from the visit date, never from today.
"""

from __future__ import annotations

import datetime as dt

from painclinic.engine.expr import Facts, evaluate, evidence_for
from painclinic.knowledge import KnowledgeBase, WorkupRule
from painclinic.model import NotIndicated, WorkupItem

# Most urgent first; an if_no_better_by order ranks by its number of days.
_TIMING_RANK = {"same_day": 0, "now": 1, "if_no_better_by": 2}


def _rank(rule: WorkupRule) -> tuple[int, int]:
    return _TIMING_RANK[rule.timing], rule.days or 0


def plan_workup(
    visit_date: dt.date, kb: KnowledgeBase, facts: Facts
) -> tuple[list[WorkupItem], list[NotIndicated]]:
    """The tests to order (most urgent first) and those not indicated now; a test is never
    in both, and each appears once, with the reason of its most urgent rule."""
    # While an emergency flag stands, only that emergency's own tests are ordered: the rest
    # would distract from the same-day pathway (as routine treatments wait, treatments.yaml).
    emergency = "red_flag_emergency" in facts
    chosen: dict[str, tuple[tuple[int, int], int, WorkupRule, list[str]]] = {}
    for index, rule in enumerate(kb.workup_rules):
        if rule.routine and emergency:
            continue
        holds, used = evaluate(rule.when, facts)
        if not holds:
            continue
        held = chosen.get(rule.id)
        if held is None or _rank(rule) < held[0]:
            # The first rule of the test keeps its place in the list; a more urgent one
            # replaces its timing and reason.
            chosen[rule.id] = (_rank(rule), held[1] if held else index, rule, used)
    workup = [
        _item(visit_date, kb, rule, used, facts)
        for _, _, rule, used in sorted(chosen.values(), key=lambda c: (c[0][0], c[0][1], c[1]))
    ]
    not_indicated: dict[str, NotIndicated] = {}
    # Under an emergency nothing is said about what not to order: the same-day pathway is all.
    for nrule in [] if emergency else kb.not_indicated_rules:
        if nrule.id in chosen or nrule.id in not_indicated:
            continue
        if evaluate(nrule.when, facts)[0]:
            not_indicated[nrule.id] = NotIndicated(
                id=nrule.id,
                label=kb.workup_tests[nrule.id].label,
                reason=nrule.reason,
                source=nrule.source,
            )
    return workup, list(not_indicated.values())


def _item(
    visit_date: dt.date, kb: KnowledgeBase, rule: WorkupRule, used: list[str], facts: Facts
) -> WorkupItem:
    when: str = rule.timing
    if rule.timing == "if_no_better_by":
        when = f"if_no_better_by:{visit_date + dt.timedelta(days=rule.days or 0)}"
    why = evidence_for(used, facts)
    return WorkupItem(
        id=rule.id,
        label=rule.label or kb.workup_tests[rule.id].label,
        rationale=rule.rationale.strip() + (f" Here: {'; '.join(why)}." if why else ""),
        when=when,
        source=rule.source,
    )
