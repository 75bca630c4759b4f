"""Which avoid lines this patient needs to read (clinical review, pattern 2).

The plan blocks everything the risk profile rules out, whether or not it would ever have come
up: that keeps every suggestion safe. But a line such as "benzodiazepines: age 65 or over" for
a patient on none, with no indication for one, is standing policy, not a decision about this
patient, and it buries the lines that are. So an avoid rule's item is *shown* only when it
would otherwise have been considered for this patient:

- its indication holds: treatments.yaml `when` with its exclusions (`not` parts) read as met,
  because those exclusions are themselves safety filters ("not on an opioid") and the avoid
  line is exactly where that filter is said aloud, or
- the patient takes it (a current drug it rules out, by drug, track item or drug class), or
- it is a class of which some member is indicated or taken.

Lines that are about this patient by nature always stay: earlier responses ("did not help
before") and the red flag's deferral line. A member is folded into its class when the class is
listed and gives no reason of its own. Blocking itself is untouched (engine/plan.py): a hidden
item is still never suggested, and reconciliation still reads every basis.
"""

from __future__ import annotations

from typing import Any

from painclinic.engine.expr import Facts, evaluate
from painclinic.engine.plan import PlanResult, class_members
from painclinic.engine.reconcile import rules_out
from painclinic.knowledge import KnowledgeBase
from painclinic.model import Avoid


def indicated(expr: Any, facts: Facts) -> bool:
    """Does the positive part of a rule hold (every `not` read as met)?"""
    if isinstance(expr, list):
        return all(indicated(p, facts) for p in expr)
    if not isinstance(expr, dict):
        return evaluate(expr, facts)[0]
    if "all" in expr:
        return all(indicated(p, facts) for p in expr["all"])
    if "any" in expr:
        return any(indicated(p, facts) for p in expr["any"])
    if "not" in expr:
        return True
    if "at_least" in expr:
        return sum(indicated(p, facts) for p in expr["of"]) >= int(expr["at_least"])
    return evaluate(expr, facts)[0]


def _taken(kb: KnowledgeBase, facts: Facts, item: str) -> bool:
    drugs = [k.split(":", 1)[1] for k in facts if k.startswith("med:")]
    return any(d in kb.drugs and rules_out(kb, item, d) for d in drugs)


def _considered(kb: KnowledgeBase, facts: Facts, plan: PlanResult, item: str) -> bool:
    if item in plan.always_listed or _taken(kb, facts, item):
        return True
    members = class_members(kb, item) if item in kb.avoid_classes else {item}
    return any(m in kb.treatments and indicated(kb.treatments[m].when, facts) for m in members)


def shown_avoid(kb: KnowledgeBase, facts: Facts, plan: PlanResult) -> list[Avoid]:
    """The plan's avoid list, quiet: only what this patient would otherwise have been offered
    or already takes, each member under its listed class."""
    kept = [a for a in plan.avoid if _considered(kb, facts, plan, a.id)]
    reasons = {a.id: {b.reason for b in plan.avoid_bases.get(a.id, [])} for a in kept}
    classes = [a.id for a in kept if kb.avoid_classes.get(a.id)]

    def folded(a: Avoid) -> bool:
        # Said by its class already: the class is listed and carries every reason this has.
        # An always-listed item keeps its own line (the NSAID a clinician looks for by name).
        if a.id in plan.always_listed:
            return False
        return any(
            c != a.id and a.id in class_members(kb, c) and reasons[a.id] <= reasons[c]
            for c in classes
        )

    return [a for a in kept if not folded(a)]
