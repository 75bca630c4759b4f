"""Alternatives and sequence: two or three first steps and a planned next step, not a heap.

Runs after `build_plan` (the tracks are already filtered for safety) and only orders what is
there (data/sequence.yaml):
1. `choose_one` groups: members the plan offers together are alternatives; the first in the
   group's order is the one to start, the others are `next` ("instead of X ...").
2. `first_steps`: what must not wait (lead_now) first, then one activity item, one medicine and,
   only when the seed article's three questions are all yes, one procedure; never two of one
   group, nothing but the referral under an emergency flag, no procedure under an urgent one,
   and the person's preferences (CONTRACT 5.1) honoured.
3. `order` on every item: `first` exactly for first_steps; `next` for alternatives, held-back
   procedures and other medicines; `if_needed` for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from painclinic.engine.expr import Facts, evaluate, evidence_for
from painclinic.knowledge import FirstStepPolicy, KnowledgeBase
from painclinic.model import TRACKS, Preferences, Track, TrackItem, Visit

__all__ = ["sequence"]


@dataclass
class _Entry:
    track: Track
    item: TrackItem
    position: int  # across all tracks, in track order


def _add_fit(item: TrackItem, text: str) -> None:
    item.fit = f"{item.fit} {text}".strip() if item.fit else text


def _tried_without_help(tid: str, facts: Facts) -> bool:
    return f"prior_tried:{tid}" in facts and f"prior_helped:{tid}" not in facts


def _groups(
    kb: KnowledgeBase, entries: dict[str, _Entry], facts: Facts
) -> tuple[dict[str, str], set[str]]:
    """Mark every group the plan offers twice or more; returns each member's group lead and
    the set of non-leads (alternatives). A member already tried without clear help yields the
    lead to one not yet tried (repeat only what worked: the seed article)."""
    lead_of: dict[str, str] = {}
    alternatives: set[str] = set()
    for gid, group in kb.choose_one.items():
        present = [m for m in group.members if m in entries and m not in lead_of]
        if len(present) < 2:
            continue  # a group of one is no choice
        present.sort(key=lambda m: _tried_without_help(m, facts))  # stable: preference kept
        preferred = present[0] == next(m for m in group.members if m in present)
        lead = entries[present[0]].item
        others = [entries[m].item for m in present[1:]]
        lead.choose_one = gid
        _add_fit(
            lead,
            f"Start one ({group.label}): {lead.label}, or "
            f"{' or '.join(o.label for o in others)}; {group.say}."
            + (
                f" First because {group.why_first.strip()}."
                if group.why_first and preferred
                else ""
            )
            + (
                ""
                if preferred
                else " First because the others were tried before without clear help."
            ),
        )
        lead_of[lead.id] = lead.id
        for other in others:
            other.choose_one = gid
            lead_of[other.id] = lead.id
            alternatives.add(other.id)
            _add_fit(
                other,
                f"Instead of {lead.label} if it is not tolerated or not enough: {group.label}, "
                f"{group.say}.",
            )
    return lead_of, alternatives


def _unanswered(policy: FirstStepPolicy, tid: str, facts: Facts) -> list[str]:
    """Which of the three questions before a procedure are not yet yes for this one."""
    if f"response_good:{tid}" in facts:
        return []  # an earlier good result confirmed the generator and opened the window
    q = policy.procedure_questions
    return [
        question.ask
        for question in (q.anatomy_fits, q.care_failed_or_blocking, q.opens_window)
        if not evaluate(question.when, facts)[0]
    ]


def _procedure_answers(policy: FirstStepPolicy, facts: Facts) -> str:
    q = policy.procedure_questions
    why: list[str] = []
    for question in (q.anatomy_fits, q.care_failed_or_blocking, q.opens_window):
        holds, used = evaluate(question.when, facts)
        if holds:
            why += [w for w in evidence_for(used, facts) if w not in why]
    return "; ".join(why)


def sequence(
    tracks: dict[Track, list[TrackItem]], kb: KnowledgeBase, facts: Facts, visit: Visit
) -> list[str]:
    """Set `order`, `choose_one` (and `fit` where the sequence or the person shaped it) on
    every track item; return the first steps."""
    policy = kb.first_steps
    entries: dict[str, _Entry] = {}
    for track in TRACKS:
        for item in tracks.get(track, []):
            entries[item.id] = _Entry(track, item, len(entries))
    lead_of, alternatives = _groups(kb, entries, facts)
    prefs = visit.patient.preferences or Preferences()
    constraints = visit.patient.context.constraints if visit.patient.context else []
    emergency = "red_flag_emergency" in facts
    urgent = "red_flag_urgent" in facts  # urgent or emergency
    declines_procedures = prefs.procedures == "declines"
    procedures_wait = prefs.procedures == "cautious" or prefs.needles == "fearful"
    medicines = prefs.medicines

    first: list[str] = []
    held: dict[str, str] = {}  # procedure id -> why it is not a first step

    def take(tid: str) -> None:
        if tid not in first and len(first) < policy.most:
            first.append(tid)

    def eligible(tid: str) -> bool:
        e = entries[tid]
        if tid in first or tid in alternatives or tid in policy.companions:
            return False
        group = e.item.choose_one
        if group and any(entries[f].item.choose_one == group for f in first):
            return False  # never two of one group (a lead already taken elsewhere)
        if e.track == "interventional":
            return False  # procedures only through their own slot
        if e.track == "medication":
            if medicines == "declines":
                return False
            # naloxone (lead_now) is a rescue medicine, not the treatment slot
            taken = sum(
                entries[f].track == "medication" and f not in policy.lead_now for f in first
            )
            if taken >= 1:
                return False  # one new medicine at a time; the next waits for its review
        return True

    if emergency:
        for tid in policy.emergency_only:
            if tid in entries:
                take(tid)
    else:
        # What must not wait comes first, whatever the preferences: it is safety, not choice.
        for tid in policy.lead_now:
            cond = policy.lead_when.get(tid)
            if tid in entries and (cond is None or evaluate(cond, facts)[0]):
                take(tid)
        # Activity: the first rehabilitation item, or the home programme when clinic visits
        # are hard for this person.
        rehab = [tid for tid, e in entries.items() if e.track == "rehabilitation"]
        home = policy.home_program
        hard = [c for c in constraints if c in policy.home_program_constraints]
        if hard and home in rehab and rehab[0] != home:
            rehab.remove(home)
            rehab.insert(0, home)
            _add_fit(
                entries[home].item,
                f"A home programme fits around {', '.join(c.replace('_', ' ') for c in hard)}; "
                "supervised therapy when it can be arranged.",
            )
        for tid in rehab:
            if eligible(tid):
                take(tid)
                break
        # One medicine: the best-supported the plan offers, then track order.
        rank: dict[str, int] = {s: i for i, s in enumerate(policy.medicine_rank)}
        # In an older adult a topical agent leads (less systemic exposure, fewer falls).
        topical = policy.topical_first
        topical_now = topical is not None and evaluate(topical.when, facts)[0]
        preferred = set(topical.items) if topical is not None and topical_now else set()
        meds = sorted(
            (tid for tid, e in entries.items() if e.track == "medication"),
            key=lambda t: (
                t not in preferred,
                rank.get(entries[t].item.evidence_strength, len(rank)),
                entries[t].position,
            ),
        )
        waits = policy.medicine_waits
        if waits is not None and evaluate(waits.when, facts)[0]:
            meds = []  # the non-drug start first; a medicine is the next step
        for tid in meds:
            if eligible(tid):
                take(tid)
                if tid in preferred and any(
                    m not in preferred and eligible(m) for m in meds if m != tid
                ):
                    _add_fit(
                        entries[tid].item,
                        "Topical first in an older adult: less systemic exposure and fall risk.",
                    )
                if medicines == "minimal":
                    _add_fit(entries[tid].item, "One medicine, as the patient prefers few.")
                break
        # A procedure only when the three questions are all yes, no urgent flag stands and
        # the person is open to it.
        for tid, e in entries.items():
            if e.track != "interventional" or tid in alternatives:
                continue
            missing = _unanswered(policy, tid, facts)
            if urgent:
                held[tid] = "not while the red flag is unresolved"
            elif declines_procedures:
                held[tid] = "the patient declines procedures; offer only if that changes"
            elif procedures_wait:
                why = "cautious about procedures" if prefs.procedures == "cautious" else None
                held[tid] = "discuss first: the patient is " + (why or "fearful of needles")
            elif missing:
                held[tid] = "a procedure comes first only when " + "; ".join(missing)
            elif any(entries[f].track == "interventional" for f in first):
                held[tid] = "one procedure type at a time"
            elif len(first) >= policy.most:
                held[tid] = "the first steps are already chosen; judge them first"
            else:
                take(tid)
                answers = _procedure_answers(policy, facts)
                _add_fit(e.item, f"A first step: the three questions are yes ({answers}).")
        # Fill to the least from the tracks the policy names (never a procedure).
        for track in policy.fill:
            for tid, e in entries.items():
                if len(first) >= policy.least:
                    break
                if e.track == track and eligible(tid):
                    take(tid)

    for tid, e in entries.items():
        item = e.item
        if tid in first:
            item.order = "first"
        elif tid in policy.companions:
            item.order = "if_needed"
            partners = [entries[p].item.label for p in policy.companions[tid] if p in entries]
            if partners:
                _add_fit(item, f"Goes with {' or '.join(partners)}, if started.")
        elif e.track == "interventional":
            reason = held.get(tid, "")
            item.order = "if_needed" if declines_procedures or emergency else "next"
            if reason and tid not in alternatives:
                _add_fit(item, f"Not a first step: {reason}.")
        elif tid in lead_of or e.track == "medication":
            item.order = "if_needed" if medicines == "declines" or emergency else "next"
            if medicines == "declines" and e.track == "medication":
                _add_fit(item, "The patient declines medicines; only if that changes.")
        else:
            item.order = "if_needed"
    return first
