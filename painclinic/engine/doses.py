"""A dose on every medication track item (CONTRACT 5.2): the usual start, titration and maximum
from data/doses.yaml, and the bands this patient's kidneys, liver, age or current drugs call for.

The bands are data. Each holds when all its conditions do: a rule over facts, and numeric bounds
on the record's creatinine clearance or age (numbers no single fact carries). Each band that
holds is written with its evidence first, "CrCl 25 mL/min: 200-700 mg once daily", so the
physician sees why the dose differs from the usual one.
"""

from __future__ import annotations

from painclinic.engine.expr import Facts, evaluate, evidence_for
from painclinic.knowledge import DoseAdjustment, KnowledgeBase
from painclinic.model import Dose, Track, TrackItem, Visit

__all__ = ["attach_doses"]


def attach_doses(
    tracks: dict[Track, list[TrackItem]], kb: KnowledgeBase, facts: Facts, visit: Visit
) -> None:
    """Set `dose` on every medication item (in place: the items are this assessment's own)."""
    items = tracks.get("medication", [])
    if not items:
        return
    crcl = visit.patient.crcl_ml_min
    age = visit.age()
    for item in items:
        entry = kb.doses.get(item.id)
        if entry is None:  # integrity.problems reports a medication item without a dose
            continue
        lines: list[str] = []
        sources = list(entry.source)
        for band in entry.adjust:
            why = _holds(band, facts, crcl, age)
            if why is None:
                continue
            lines.append(f"{why}: {band.text}" if why else band.text)
            sources += [s for s in band.source if s not in sources]
        item.dose = Dose(
            start=entry.start,
            titrate=entry.titrate,
            max=entry.max,
            adjusted="; ".join(lines),
            source=sources,
        )


def _holds(band: DoseAdjustment, facts: Facts, crcl: float | None, age: int | None) -> str | None:
    """The evidence in words when the band applies to this patient, else None."""
    words: list[str] = []
    if band.crcl_unknown and crcl is not None:
        return None
    if band.crcl_at_least is not None or band.crcl_below is not None:
        if crcl is None:
            return None  # a renal band needs a measured clearance, never a guess
        if band.crcl_at_least is not None and crcl < band.crcl_at_least:
            return None
        if band.crcl_below is not None and crcl >= band.crcl_below:
            return None
        words.append(f"CrCl {crcl:g} mL/min")
    if band.age_at_least is not None:
        if age is None or age < band.age_at_least:
            return None
        words.append(f"age {age}")
    if band.when is not None:
        ok, used = evaluate(band.when, facts)
        if not ok:
            return None
        words += [w for w in evidence_for(used, facts) if w not in words]
    return ", ".join(words)
