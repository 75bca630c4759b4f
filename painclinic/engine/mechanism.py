"""Pain mechanism: nociceptive, neuropathic, nociplastic or mixed (IASP terminology).

Neuropathic pain is graded with the NeuPSIG system (Finnerup 2016): *possible* when a relevant
lesion is plausible and the pain distribution fits it, *probable* with sensory signs in that
territory, *definite* when a test confirms the lesion. Nociplastic pain is graded with the IASP
clinical criteria (Kosek 2021): *possible* with chronic, regional or widespread pain not fully
explained by tissue or nerve damage plus hypersensitivity on examination; *probable* with a
history of hypersensitivity and a comorbidity (sleep, fatigue, cognition). A mechanism joins
`components` when its support reaches 2; two or more components make the pain `mixed`.
"""

from __future__ import annotations

from painclinic.engine.expr import Facts
from painclinic.model import Mechanism, MechanismResult

TISSUE_IMAGING = (
    "osteoarthritis",
    "facet_arthropathy",
    "degenerative_disc",
    "spondylolisthesis",
    "sacroiliitis",
    "tendinopathy",
    "rotator_cuff_tear",
    "fracture",
)
STRUCTURAL_SIGNS = (
    "paraspinal_tenderness",
    "joint_line_tenderness",
    "trigger_points",
    "sij_cluster",
    "test:facet_loading",
    "test:faber",
    "test:fadir",
    "test:empty_can",
    "test:hawkins",
    "test:mcmurray",
)
CONFIRMING_TESTS = (
    "imaging_concordant_root",
    "imaging:radiculopathy",
    "imaging:polyneuropathy",
    "imaging:entrapment",
)
NEUROPATHIC_SCREENS = ("score:dn4_positive", "score:paindetect_positive", "score:lanss_positive")


def _neuropathic(facts: Facts) -> tuple[int, str, list[str]]:
    lesion = [
        k
        for k in (
            "root_localized",
            "radicular_pattern",
            "length_dependent_pattern",
            "symptom:rash_vesicles",
            "comorbidity:herpes_zoster",
            "test:tinel",
            "test:phalen",
            "imaging:entrapment",
        )
        if k in facts
    ]
    if "comorbidity:diabetes" in facts and "length_dependent_pattern" in facts:
        lesion.append("comorbidity:diabetes")
    if not lesion:
        return 0, "", []
    evidence = [facts[k] for k in lesion]
    grade, support = "possible", 2
    sensory = [k for k in ("sensory_deficit", "hypersensitivity_sign") if k in facts]
    if sensory:
        grade, support = "probable", 3
        evidence += [facts[k] for k in sensory]
        confirm = [k for k in CONFIRMING_TESTS if k in facts]
        if confirm:
            grade, support = "definite", 4
            evidence += [facts[k] for k in confirm]
    else:
        # Not graded higher without sensory signs (Finnerup 2016), but motor/reflex deficits,
        # a positive screen or concordant imaging still support a neuropathic component.
        extra = [
            k
            for k in (
                "weakness",
                "reflex_deficit",
                *NEUROPATHIC_SCREENS,
                *CONFIRMING_TESTS,
                "neuropathic_descriptors",
            )
            if k in facts
        ]
        evidence += [facts[k] for k in extra]
        if not extra:
            support = 1
    screens = [k for k in NEUROPATHIC_SCREENS if k in facts]
    if screens and grade != "possible":
        support += 1
        evidence += [facts[k] for k in screens]
    return support, grade, evidence


def _nociceptive(facts: Facts) -> tuple[int, list[str]]:
    widespread = "widespread" in facts
    keys = [f"imaging:{i}" for i in TISSUE_IMAGING]
    # Diffuse tenderness in widespread pain is a sign of sensitization, not of a tissue source.
    if not widespread:
        keys += list(STRUCTURAL_SIGNS)
    keys += ["mechanical_pattern", "rom_limited"]
    found = [k for k in keys if k in facts]
    return len(found), [facts[k] for k in found]


def _nociplastic(facts: Facts) -> tuple[int, str, list[str]]:
    support, grade, evidence = 0, "", []
    distribution = [
        k for k in ("widespread", "score:wpi_high", "criteria:budapest_crps") if k in facts
    ]
    if "chronic" in facts and distribution and "hypersensitivity_sign" in facts:
        grade, support = "possible", 2
        evidence += [
            facts["chronic"],
            *(facts[k] for k in distribution),
            facts["hypersensitivity_sign"],
        ]
        if "hypersensitivity_history" in facts and "sensitization_comorbidity" in facts:
            grade, support = "probable", 3
            evidence += [facts["hypersensitivity_history"], facts["sensitization_comorbidity"]]
    for key in ("criteria:acr2016_fibromyalgia", "score:csi_positive", "criteria:budapest_crps"):
        if key in facts and facts[key] not in evidence:
            support += 2 if key.startswith("criteria:") else 1
            evidence.append(facts[key])
    return support, grade, evidence


def classify(
    facts: Facts, working_diagnosis: tuple[Mechanism, str] | None = None
) -> MechanismResult:
    """Grade each mechanism; `working_diagnosis` (mechanism, label) is the fallback when no
    mechanism has graded support (e.g. chronic migraine, classified by its diagnosis)."""
    neuro_support, neuro_grade, neuro_ev = _neuropathic(facts)
    noci_support, noci_ev = _nociceptive(facts)
    plastic_support, plastic_grade, plastic_ev = _nociplastic(facts)
    support: dict[Mechanism, int] = {
        "nociceptive": noci_support,
        "neuropathic": neuro_support,
        "nociplastic": plastic_support,
    }
    components = [m for m, s in sorted(support.items(), key=lambda kv: (-kv[1], kv[0])) if s >= 2]
    evidence: list[str] = []
    grades: dict[str, str] = {}
    if "neuropathic" in components:
        evidence += [f"neuropathic: {e}" for e in neuro_ev]
        grades["neuropathic"] = f"{neuro_grade} (NeuPSIG grading, Finnerup 2016)"
    if "nociplastic" in components:
        evidence += [f"nociplastic: {e}" for e in plastic_ev]
        grades["nociplastic"] = (
            f"{plastic_grade} (IASP criteria, Kosek 2021)"
            if plastic_grade
            else "supported by criteria sets (Kosek grade not reached)"
        )
    if "nociceptive" in components:
        evidence += [f"nociceptive: {e}" for e in noci_ev]
    if not components and working_diagnosis and working_diagnosis[0] != "mixed":
        components = [working_diagnosis[0]]
        evidence.append(
            f"taken from the working diagnosis ({working_diagnosis[1]}); no examination "
            "findings graded a mechanism"
        )
    if not components:
        components = ["nociceptive"]
        evidence.append(
            "no neuropathic or nociplastic features recorded; a tissue source is "
            "assumed until the examination says otherwise"
        )
        evidence += [f"nociceptive: {e}" for e in noci_ev]
    primary: Mechanism = components[0] if len(components) == 1 else "mixed"
    for m in components:
        facts.add(f"mechanism:{m}", f"{m} component")
    facts.add(f"primary:{primary}", f"{primary} pain")
    # The no-procedures rule follows graded nociplastic pain (Kosek criteria, ACR 2016, CSI),
    # not a mechanism inferred from a headache diagnosis, where blocks and toxin have evidence.
    if primary == "nociplastic" and plastic_support >= 2:
        facts.add("nociplastic_primary", "pain is primarily nociplastic")
    return MechanismResult(primary=primary, components=components, evidence=evidence, grades=grades)
