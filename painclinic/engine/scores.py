"""Instrument totals and published criteria sets (ACR 2016 fibromyalgia, Budapest CRPS,
ICHD-3 chronic migraine), interpreted with the cut-offs in data/instruments.yaml."""

from __future__ import annotations

from painclinic.engine.expr import Facts
from painclinic.knowledge import KnowledgeBase
from painclinic.model import Score, Visit


def band(kb: KnowledgeBase, instrument: str, value: float) -> str:
    """The label of the highest cut-off the value reaches ('' below the first)."""
    label = ""
    for cut in kb.instruments[instrument].cutoffs:
        if value >= cut.at_least:
            label = cut.label
    return label


def score_visit(visit: Visit, kb: KnowledgeBase, facts: Facts) -> dict[str, Score]:
    scores: dict[str, Score] = {}
    screens = visit.history.screens
    for sid in sorted(screens):
        inst = kb.instruments.get(sid)
        if inst is None or inst.positive_at is None:
            continue
        value = screens[sid]
        label = band(kb, sid, value)
        scores[sid] = Score(
            met=value >= inst.positive_at,
            detail=f"{inst.label} {value:g}" + (f": {label}" if label else ""),
        )
    _acr2016(visit, facts, scores)
    _budapest(visit, kb, facts, scores)
    _chronic_migraine(visit, facts, scores)
    return dict(sorted(scores.items()))


def _acr2016(visit: Visit, facts: Facts, scores: dict[str, Score]) -> None:
    """Wolfe 2016: (WPI >= 7 and SSS >= 5) or (WPI 4-6 and SSS >= 9); generalized pain in
    4 of 5 regions; 3 months or more. Generalized pain is read from region 'widespread'."""
    s = visit.history.screens
    if "wpi" not in s or "sss" not in s:
        return
    wpi, sss = s["wpi"], s["sss"]
    threshold = (wpi >= 7 and sss >= 5) or (4 <= wpi <= 6 and sss >= 9)
    generalized = visit.history.region == "widespread"
    lasting = "chronic" in facts
    met = threshold and generalized and lasting
    missing = [
        text
        for ok, text in (
            (threshold, "WPI/SSS thresholds"),
            (generalized, "generalized pain (4 of 5 regions)"),
            (lasting, "3 months or more"),
        )
        if not ok
    ]
    detail = f"WPI {wpi:g}, SSS {sss:g}" + (f"; not met: {', '.join(missing)}" if missing else "")
    scores["acr2016_fibromyalgia"] = Score(met=met, detail=detail)
    if met:
        facts.add("criteria:acr2016_fibromyalgia", f"ACR 2016 fibromyalgia criteria met ({detail})")


def _budapest(visit: Visit, kb: KnowledgeBase, facts: Facts, scores: dict[str, Score]) -> None:
    """Harden 2010 clinical criteria: symptoms in 3 of 4 categories, signs in 2 of 4."""
    categories = kb.criteria["budapest_crps"].categories
    reported = set(visit.history.symptoms) | (
        {"allodynia"} if "allodynia" in visit.history.descriptors else set()
    )
    observed = set(visit.exam.signs)
    if not (reported | observed) & {s for items in categories.values() for s in items}:
        return
    sym = sorted(c for c, items in categories.items() if reported & set(items))
    sig = sorted(c for c, items in categories.items() if observed & set(items))
    met = len(sym) >= 3 and len(sig) >= 2
    detail = (
        f"symptoms in {len(sym)}/4 categories ({', '.join(sym) or 'none'}), "
        f"signs in {len(sig)}/4 ({', '.join(sig) or 'none'}); "
        "requires no other diagnosis that better explains them"
    )
    scores["budapest_crps"] = Score(met=met, detail=detail)
    if met:
        facts.add("criteria:budapest_crps", "Budapest clinical criteria for CRPS met: " + detail)


def _chronic_migraine(visit: Visit, facts: Facts, scores: dict[str, Score]) -> None:
    """ICHD-3 1.3: headache on 15 or more days a month for more than 3 months, in a patient
    with migraine (migraine features on 8 or more days are taken from the migraine history)."""
    days = visit.history.headache_days_per_month
    if days is None or "headache" not in facts:
        return
    migraine = "comorbidity:migraine" in facts
    met = days >= 15 and "chronic" in facts and migraine
    detail = (
        f"{days} headache days a month"
        + ("" if migraine else ", no migraine history")
        + ("" if "chronic" in facts else ", under 3 months")
    )
    scores["ichd3_chronic_migraine"] = Score(met=met, detail=detail)
    if met:
        facts.add("criteria:ichd3_chronic_migraine", f"ICHD-3 chronic migraine: {detail}")
