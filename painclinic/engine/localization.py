"""Root localization from concordant findings (clinical reference 1.5-1.8).

Each root and side is scored: concordant pain distribution +1, sensory change in its
dermatome +1, MRC 4 or less in its key muscle +2, reduced reflex +2, positive root-appropriate
provocative test +1, imaging lesion meeting that root +1. A root is reported only with at least
one objective deficit at that root and side, a score of 3 or more, and radicular support
(radiating pain, a tension sign, concordant imaging or spinal pain), so a weak numb hand
in CRPS is not called a radiculopathy. Upper motor neuron signs
stop radiculopathy logic (cord or brain, not root); a symmetric distal pattern is a
polyneuropathy, not a radiculopathy.
"""

from __future__ import annotations

from painclinic.engine.expr import Facts
from painclinic.knowledge import KnowledgeBase
from painclinic.model import SIDES, RootLevel, Visit

DISTAL_LEG = {"L5", "S1"}
DISTAL_ARM = {"C6", "C7", "C8"}
MIN_SCORE = 3


def imaging_roots(visit: Visit, kb: KnowledgeBase) -> dict[tuple[str, str], str]:
    """(root, side) -> imaging evidence, for herniations and foraminal stenosis."""
    found: dict[tuple[str, str], str] = {}
    for img in visit.imaging:
        if img.finding not in ("disc_herniation", "disc_bulge", "foraminal_stenosis"):
            continue
        level = (img.level or "").upper()
        roots = kb.anatomy.disc_levels.get(level)
        if not roots:
            continue
        exiting = img.finding == "foraminal_stenosis" or img.zone in ("foraminal", "far_lateral")
        root = roots["exiting" if exiting else "traversing"]
        sides = SIDES if img.side in (None, "bilateral", "midline") else (img.side,)
        where = " ".join(x for x in (img.zone, img.side) if x)
        text = (
            f"{img.modality.upper()} {img.finding.replace('_', ' ')} at {level}"
            + (f" ({where})" if where else "")
            + f" meets the {root} root"
        )
        for side in sides:
            found.setdefault((root, side), text)
    return found


def _length_dependent(facts: Facts) -> bool:
    """Sensory or reflex loss mirrored on both sides, in distal territories only."""
    deficits: set[tuple[str, str]] = set()
    for key in facts:
        parts = key.split(":")
        if parts[0] in ("sensory", "reflex") and len(parts) == 3 and key in facts:
            deficits.add((parts[1], parts[2]))
    if not deficits:
        return False
    roots = {r for r, _ in deficits}
    mirrored = all((r, "left") in deficits and (r, "right") in deficits for r in roots)
    distal = roots <= DISTAL_LEG | {"L4"} or roots <= DISTAL_ARM
    touches_distal = bool(roots & (DISTAL_LEG | DISTAL_ARM))
    asymmetric_weakness = any(
        k.startswith("weak:")
        and k.replace(":left", ":right") not in facts
        and k.replace(":right", ":left") not in facts
        for k in facts
    )
    return mirrored and distal and touches_distal and not asymmetric_weakness


def localize(visit: Visit, kb: KnowledgeBase, facts: Facts) -> list[RootLevel]:
    """Ranked root levels with their evidence; adds root facts for later stages."""
    if "umn_signs" in facts:
        return []
    if _length_dependent(facts):
        facts.add(
            "length_dependent_pattern",
            "symmetric distal sensory/reflex loss in both limbs (length-dependent)",
        )
        return []
    from_imaging = imaging_roots(visit, kb)
    history_side = visit.history.side
    results: list[RootLevel] = []
    order = list(kb.anatomy.root_patterns)
    for root, pattern in kb.anatomy.root_patterns.items():
        for side in SIDES:
            evidence: list[str] = []
            score = 0
            objective = False
            for key, points in (
                (f"weak:{root}:{side}", 2),
                (f"reflex:{root}:{side}", 2),
                (f"sensory:{root}:{side}", 1),
            ):
                if key in facts:
                    score += points
                    objective = True
                    evidence.append(facts[key])
            if not objective:
                continue
            side_fits = history_side in (None, side, "bilateral")
            radiation = [r for r in pattern.radiation if f"radiation:{r}" in facts]
            if radiation and side_fits:
                score += 1
                evidence.append(
                    "pain radiates " + ", ".join(r.replace("_", " ") for r in radiation)
                )
            tests = [t for t in pattern.tests if f"test:{t}:{side}" in facts]
            if tests:
                score += 1
                evidence.extend(facts[f"test:{t}:{side}"] for t in tests)
            if (root, side) in from_imaging:
                score += 1
                evidence.append(from_imaging[(root, side)])
            # Deficits alone (a weak, numb hand in CRPS) are not a radiculopathy: the root also
            # needs radicular pain, a root tension sign, concordant imaging or spinal pain.
            radicular = bool(
                radiation or tests or (root, side) in from_imaging or "spine_region" in facts
            )
            if score >= MIN_SCORE and radicular:
                results.append(RootLevel(root=root, side=side, score=score, evidence=evidence))
    results.sort(key=lambda r: (-r.score, order.index(r.root), r.side))
    if len(results) >= 2 and results[0].score == results[1].score:
        results[0].evidence.append(
            f"equally supported: {results[1].root} {results[1].side}; examine again or image"
        )
    for r in results:
        text = f"{r.root} {r.side} ({r.score} points)"
        facts.add(f"root:{r.root}", text)
        facts.add(f"root:{r.root}:{r.side}", text)
        facts.add("root_localized", text)
        limb = kb.anatomy.root_patterns[r.root].limb
        facts.add(
            "radiculopathy_cervical" if limb == "arm" else "radiculopathy_lumbar",
            f"{r.root} {r.side} radiculopathy",
        )
        if (r.root, r.side) in from_imaging:
            facts.add("imaging_concordant_root", from_imaging[(r.root, r.side)])
    return results
