"""Turn a visit record into facts: named, evidenced statements the data rules are written over.

This is the one place that reads the record's shape. Every fact carries a plain-words evidence
string, which is what a physician sees when asking *why*. Fact ids are either a named fact
(documented in NAMED_FACTS) or `prefix:id` with an id from the knowledge base (PREFIXES).
"""

from __future__ import annotations

from painclinic.engine.expr import Facts
from painclinic.knowledge import KnowledgeBase
from painclinic.model import Visit

SPINE = {"neck", "upper_back", "low_back"}
ARM_REGIONS = {"shoulder", "elbow", "wrist_hand"}
LEG_REGIONS = {"hip", "knee", "ankle_foot"}
JOINT_REGIONS = {"shoulder", "elbow", "wrist_hand", "hip", "knee", "ankle_foot"}
NEUROPATHIC_DESCRIPTORS = {
    "burning",
    "shooting",
    "electric",
    "tingling",
    "numbness",
    "cold",
    "itching",
    "allodynia",
}
MECHANICAL_TRIGGERS = {
    "sitting",
    "standing",
    "walking",
    "bending",
    "lifting",
    "stairs",
    "looking_up",
    "extension",
    "desk_work",
    "twisting",
    "movement",
    "weight_bearing",
    "flexion",
    "rotation",
    "loading",
}
SI_TESTS = ("distraction", "thigh_thrust", "compression", "gaenslen", "sacral_thrust")
SADDLE = ("S3", "S4", "S5")
LEG_ROOTS = {"L2", "L3", "L4", "L5", "S1"}
SPINE_SURGERY_WORDS = ("lamin", "fusion", "discect", "spin", "lumbar", "cervical", "decompress")

# Named facts the engine can produce, with their meaning. Rules in data/ may use these and
# the prefixed forms below; the knowledge-integrity test rejects any other fact id.
NAMED_FACTS: dict[str, str] = {
    "spine_region": "pain centred on the neck, upper back or low back",
    "cervical": "neck pain",
    "lumbar": "low back pain",
    "thoracic": "upper back pain",
    "headache": "head or face pain, headache days, occipital radiation or migraine history",
    "arm_symptoms": "arm radiation or shoulder/elbow/hand region",
    "leg_symptoms": "leg radiation or hip/knee/foot region",
    "joint_region": "a peripheral joint region",
    "widespread": "widespread pain",
    "pregnant": "pregnant",
    "pregnancy_20_weeks": "pregnant at 20 weeks or more",
    "childbearing_potential": "female aged 12 to 55",
    "older_adult": "age 65 or over",
    "age_over_50": "age over 50",
    "age_over_70": "age over 70",
    "age_16_45": "age 16 to 45",
    "acute": "under 6 weeks",
    "subacute": "6 to 12 weeks",
    "chronic": "over 12 weeks",
    "within_3_months": "13 weeks or less",
    "long_standing": "26 weeks or more",
    "recent_onset": "under 12 weeks (new pain)",
    "radicular_leg": "leg pain radiating below the knee",
    "radicular_arm": "arm pain to the hand",
    "radicular_pattern": "radicular distribution of pain",
    "axial_pain": "pain in the spine itself",
    "neuropathic_descriptors": "burning, shooting, electric or similar quality",
    "hypersensitivity_sign": "allodynia or hyperalgesia on examination",
    "hypersensitivity_history": "reported pain to touch, pressure, heat or cold",
    "sensitization_comorbidity": "fatigue, unrefreshing sleep, cognitive or sensory symptoms",
    "opioid_current": "currently taking an opioid",
    "multiple_opioids": "two or more opioids",
    "nsaid_risk": "a comorbidity that makes oral NSAIDs unsafe",
    "gi_risk": "raised risk of NSAID/steroid gastrointestinal harm",
    "umn_signs": "upper motor neuron signs",
    "weakness": "objective weakness (MRC 4 or less)",
    "severe_weakness": "severe weakness (MRC 3 or less)",
    "bilateral_leg_weakness": "weakness in both legs",
    "sensory_deficit": "dermatomal sensory change",
    "reflex_deficit": "reduced or absent reflex",
    "saddle_sensory_deficit": "reduced saddle (S3-S5) sensation",
    "objective_neuro_deficit": "objective motor, sensory or reflex deficit",
    "slr_positive": "positive straight-leg raise",
    "sij_cluster": "3 or more SI provocation tests",
    "paraspinal_tenderness": "paraspinal tenderness",
    "trigger_points": "myofascial trigger points",
    "joint_line_tenderness": "joint-line tenderness",
    "rom_limited": "limited range of motion",
    "mechanical_pattern": "aggravated by posture or loading",
    "neurogenic_claudication": "leg pain on walking/standing, eased by sitting or flexion",
    "desk_work": "desk or screen work aggravates",
    "inflammatory_pattern": "inflammatory back pain",
    "function_limited": "function limited by pain",
    "severe_pain": "pain 7/10 or more",
    "poor_sleep": "under 6 hours of sleep or unrefreshing sleep",
    "headache_days_ge_4": "4 or more headache days a month",
    "headache_days_ge_15": "15 or more headache days a month",
    "prior_spine_surgery": "earlier spine surgery",
    "recent_spine_surgery": "spine surgery within the last 3 months",
    "conservative_care_failed": "rehabilitation and medication have not helped",
    "psych_ready": "psychological screen allows neuromodulation",
    "imaging_concordant_root": "imaging shows a lesion at the localized root",
    "mbb_concordant": "medial branch block relief of 50% or more, concordant with the anaesthetic",
    "mbb_negative": "medial branch block relief under 50%",
    "rfa_durable": "earlier RFA gave 50% or more relief for 6 months or more",
    "genicular_block_positive": "genicular block relief of 50% or more",
    "root_localized": "a root level is localized",
    "length_dependent_pattern": "symmetric distal sensory/reflex loss (polyneuropathy pattern)",
    "radiculopathy_lumbar": "lumbar radiculopathy localized",
    "radiculopathy_cervical": "cervical radiculopathy localized",
    "red_flag_any": "a red flag is positive",
    "red_flag_emergency": "an emergency red flag",
    "red_flag_urgent": "an urgent or emergency red flag",
    "mme_ge_50": "50 MME/day or more",
    "mme_ge_90": "90 MME/day or more",
    "apap_over_max": "acetaminophen above the daily maximum",
    "serotonergic_combination": "two or more serotonergic drugs",
    "cns_depressants_2": "two or more CNS-active drugs",
    "cns_depressants_3": "three or more CNS-active drugs",
    "nociplastic_primary": "nociplastic is the primary mechanism",
    "steroid_planned": "a corticosteroid is suggested",
    "procedure_planned": "an interventional procedure is suggested",
    "procedure_planned_high_or_intermediate": "an intermediate- or high-risk procedure is planned",
    "renal_impairment_severe": "creatinine clearance under 30 mL/min",
}

# Prefixed fact families: prefix -> where its ids come from (a vocab list, or a knowledge table).
PREFIXES: dict[str, str] = {
    "region": "vocab:regions",
    "side": "vocab:sides",
    "radiation": "vocab:radiation",
    "descriptor": "vocab:descriptors",
    "symptom": "vocab:symptoms",
    "sign": "vocab:symptoms",
    "comorbidity": "vocab:comorbidities",
    "med": "drugs",
    "med_class": "vocab:drug_classes",
    "flag": "red_flags",
    "flag_no": "red_flags",
    "red_flag": "red_flags",
    "dx": "conditions",
    "mechanism": "mechanisms",
    "primary": "mechanisms",
    "imaging": "vocab:imaging_findings",
    "prior_failed": "treatments*",
    "prior_helped": "treatments*",
    "prior_not_tolerated": "treatments*",
    "prior_failed_twice": "treatments*",
    "response_good": "treatments",
    "response_poor": "treatments",
    "suggested": "treatments",
    "test": "vocab:special_tests",
    "gait": "vocab:gait",
    "screen": "vocab:screens",
    "score": "instrument_facts",
    "criteria": "criteria",
    "root": "roots",
    "sex": "sexes",
    "visit": "visit_types",
    "tenderness": "free",
    "trigger_point": "free",
    "aggravating": "free",
    "relieving": "free",
    "onset": "onsets",
    "avoided": "treatments",
    "weak": "roots",
    "sensory": "roots",
    "reflex": "roots",
    "serotonergic_other": "treatments",
}


def build_facts(visit: Visit, kb: KnowledgeBase) -> Facts:
    """All facts that follow from the record alone (later stages add derived ones)."""
    f = Facts()
    _patient_facts(visit, kb, f)
    _history_facts(visit, f)
    _exam_facts(visit, kb, f)
    _imaging_and_response_facts(visit, kb, f)
    _screen_facts(visit, kb, f)
    return f


def _patient_facts(visit: Visit, kb: KnowledgeBase, f: Facts) -> None:
    p = visit.patient
    age = visit.age()
    f.add(f"visit:{visit.visit.type}", visit.visit.type.replace("_", "-") + " visit")
    if p.sex:
        f.add(f"sex:{p.sex}", p.sex)
    if age is not None:
        if age >= 65:
            f.add("older_adult", f"age {age}")
        if age > 50:
            f.add("age_over_50", f"age {age}")
        if age > 70:
            f.add("age_over_70", f"age {age}")
        if 16 <= age <= 45:
            f.add("age_16_45", f"age {age}")
        if p.sex == "female" and 12 <= age <= 55:
            f.add("childbearing_potential", "female of childbearing age")
    if p.pregnant:
        weeks = f" ({p.pregnancy_weeks} weeks)" if p.pregnancy_weeks is not None else ""
        f.add("pregnant", f"pregnant{weeks}")
        if p.pregnancy_weeks is not None and p.pregnancy_weeks >= 20:
            f.add("pregnancy_20_weeks", f"pregnant at {p.pregnancy_weeks} weeks")
    for c in p.comorbidities:
        f.add(f"comorbidity:{c}", kb.vocab["comorbidities"][c].lower())
    if p.crcl_ml_min is not None and p.crcl_ml_min < 30:
        f.add("renal_impairment_severe", f"creatinine clearance {p.crcl_ml_min:g} mL/min")
    opioids = []
    for m in p.medications:
        drug = kb.drugs[m.drug]
        f.add(f"med:{m.drug}", f"takes {drug.label.lower()}")
        for cls in drug.classes:
            f.add(f"med_class:{cls}", f"takes {drug.label.lower()}")
        if "opioid" in drug.classes:
            opioids.append(drug.label.lower())
        if "anticoagulant" in drug.classes:
            f.add("comorbidity:anticoagulated", f"takes {drug.label.lower()}")
        if "antidiabetic" in drug.classes:
            # glucose-lowering treatment means the steroid glucose rules apply
            f.add("comorbidity:diabetes", f"takes {drug.label.lower()}")
    if opioids:
        f.add("opioid_current", "currently takes " + " and ".join(opioids))
    if len(opioids) >= 2:
        f.add("multiple_opioids", "takes " + " and ".join(opioids))
    nsaid_risks = [
        c
        for c in ("ckd", "gi_bleed", "peptic_ulcer", "heart_failure", "anticoagulated")
        if f"comorbidity:{c}" in f
    ]
    if nsaid_risks or "pregnancy_20_weeks" in f:
        f.add(
            "nsaid_risk",
            ", ".join(kb.vocab["comorbidities"][c].lower() for c in nsaid_risks)
            or "pregnancy at 20 weeks or more",
        )
    gi = [
        c for c in ("gerd", "peptic_ulcer", "gi_bleed", "anticoagulated") if f"comorbidity:{c}" in f
    ]
    if "older_adult" in f:
        gi.append("age 65 or over")
    if "med_class:ssri" in f or "med_class:snri" in f:
        gi.append("SSRI/SNRI use")
    if "med_class:anticoagulant" in f or "med_class:antiplatelet" in f:
        gi.append("antithrombotic use")
    if gi:
        f.add("gi_risk", "GI risk: " + ", ".join(dict.fromkeys(gi)))


def _history_facts(visit: Visit, f: Facts) -> None:
    h = visit.history
    region = h.region
    if region:
        f.add(f"region:{region}", f"{region.replace('_', ' ')} pain")
        if region in SPINE:
            f.add("spine_region", f"{region.replace('_', ' ')} pain")
            f.add("axial_pain", f"{region.replace('_', ' ')} pain")
        if region == "neck":
            f.add("cervical", "neck pain")
        if region == "low_back":
            f.add("lumbar", "low back pain")
        if region == "upper_back":
            f.add("thoracic", "thoracic pain")
        if region in JOINT_REGIONS:
            f.add("joint_region", f"{region.replace('_', ' ')} pain")
        if region == "widespread":
            f.add("widespread", "widespread pain")
    if h.side:
        f.add(f"side:{h.side}", f"{h.side} side")
    if h.onset:
        f.add(f"onset:{h.onset}", f"{h.onset} onset")
    if h.duration_weeks is not None:
        w = h.duration_weeks
        span = f"{w:g} weeks"
        if w < 6:
            f.add("acute", f"acute ({span})")
        elif w <= 12:
            f.add("subacute", f"subacute ({span})")
        if w > 12:
            f.add("chronic", f"chronic, over 3 months ({span})")
        if w <= 13:
            f.add("within_3_months", f"within the first 3 months ({span})")
        if w < 12:
            f.add("recent_onset", f"new pain ({span})")
        if w >= 26:
            f.add("long_standing", f"6 months or more ({span})")
    radiation = [r for r in h.radiation if r != "none"]
    for r in radiation:
        f.add(f"radiation:{r}", f"radiates: {r.replace('_', ' ')}")
    arm = [r for r in radiation if r in ("arm_above_elbow", "arm_to_hand")]
    leg = [r for r in radiation if r in ("buttock_thigh", "below_knee", "foot")]
    if arm or region in ARM_REGIONS:
        f.add("arm_symptoms", "arm symptoms")
    if leg or region in LEG_REGIONS:
        f.add("leg_symptoms", "leg symptoms")
    descriptors = set(h.descriptors)
    for d in h.descriptors:
        f.add(f"descriptor:{d}", f"{d} pain")
    neuro_words = sorted(descriptors & NEUROPATHIC_DESCRIPTORS)
    if neuro_words:
        f.add("neuropathic_descriptors", "described as " + ", ".join(neuro_words))
    if {"below_knee", "foot"} & set(leg) and region in (None, "low_back", "hip"):
        f.add("radicular_leg", "pain radiating below the knee")
    if "arm_to_hand" in arm or ("arm_above_elbow" in arm and neuro_words):
        f.add("radicular_arm", "arm pain radiating toward the hand")
    if "radicular_leg" in f or "radicular_arm" in f:
        f.add("radicular_pattern", f.get("radicular_leg") or f["radicular_arm"])
    headache_days = h.headache_days_per_month or 0
    if (
        region in ("head", "face")
        or headache_days > 0
        or "occiput" in radiation
        or "comorbidity:migraine" in f
    ):
        f.add(
            "headache", f"{headache_days} headache days a month" if headache_days else "head pain"
        )
    if headache_days >= 4:
        f.add("headache_days_ge_4", f"{headache_days} headache days a month")
    if headache_days >= 15:
        f.add("headache_days_ge_15", f"{headache_days} headache days a month")
    for s in h.symptoms:
        f.add(f"symptom:{s}", f"reports {s.replace('_', ' ')}")
    for a in h.aggravating:
        f.add(f"aggravating:{a}", f"worse with {a.replace('_', ' ')}")
    for r in h.relieving:
        f.add(f"relieving:{r}", f"eased by {r.replace('_', ' ')}")
    mech = sorted(set(h.aggravating) & MECHANICAL_TRIGGERS)
    if mech:
        f.add("mechanical_pattern", "worse with " + ", ".join(m.replace("_", " ") for m in mech))
    if {"desk_work", "screen_work"} & set(h.aggravating) or "screen_work_minutes" in h.function:
        f.add("desk_work", "desk or screen work limits")
    if (
        "walking" in h.aggravating  # claudication is walking-provoked (standing alone is not)
        and {"sitting", "flexion", "bending_forward"} & set(h.relieving)
        and leg
    ):
        f.add("neurogenic_claudication", "leg pain on walking or standing, eased by sitting")
    if (
        "symptom:morning_stiffness" in f
        and "chronic" in f
        and "relieving:exercise" in f
        and region in SPINE
    ):
        f.add("inflammatory_pattern", "morning stiffness eased by exercise")
    if "symptom:allodynia" in f or "symptom:hyperalgesia" in f or "descriptor:allodynia" in f:
        f.add("hypersensitivity_history", "reports pain to light touch or pressure")
    comorbid = [
        s
        for s in ("fatigue", "unrefreshing_sleep", "cognitive_symptoms", "sensory_sensitivity")
        if f"symptom:{s}" in f
    ]
    if comorbid:
        f.add(
            "sensitization_comorbidity",
            "reports " + ", ".join(c.replace("_", " ") for c in comorbid),
        )
    pains = [v for v in (h.pain.now, h.pain.worst) if v is not None]
    if pains and max(pains) >= 7:
        f.add("severe_pain", f"pain up to {max(pains)}/10")
    if (h.sleep_hours is not None and h.sleep_hours < 6) or "symptom:unrefreshing_sleep" in f:
        f.add(
            "poor_sleep",
            f"sleeps {h.sleep_hours:g} hours"
            if h.sleep_hours is not None and h.sleep_hours < 6
            else "wakes unrefreshed",
        )
    limits = [
        f"{k.replace('_', ' ')} {v:g}"
        if isinstance(v, float | int)
        else f"{k.replace('_', ' ')}: {v}"
        for k, v in h.function.items()
    ]
    if limits or visit.goals:
        f.add(
            "function_limited",
            "function limited: " + ", ".join(limits or [g.label for g in visit.goals]),
        )
    for flag, answer in h.red_flags.items():
        if answer:
            f.add(f"flag:{flag}", "answered yes on the red-flag screen")
        else:
            f.add(f"flag_no:{flag}", "answered no on the red-flag screen")
    tried: dict[str, int] = {}
    for t in h.prior_treatments:
        name = t.treatment.replace("_", " ")
        if t.response == "failed":
            tried[t.treatment] = tried.get(t.treatment, 0) + t.times
            f.add(f"prior_failed:{t.treatment}", f"{name} did not help before")
        elif t.response == "not_tolerated":
            f.add(f"prior_not_tolerated:{t.treatment}", f"{name} not tolerated before")
        elif t.response == "helped":
            f.add(f"prior_helped:{t.treatment}", f"{name} helped before")
    for treatment, times in tried.items():
        if times >= 2:
            f.add(
                f"prior_failed_twice:{treatment}",
                f"{treatment.replace('_', ' ')} failed {times} times",
            )
    rehab_failed = any(
        f"prior_failed:{t}" in f
        for t in (
            "physical_therapy",
            "home_exercise_program",
            "core_stabilization",
            "graded_activity",
        )
    )
    med_failed = any(
        k.startswith(("prior_failed:", "prior_not_tolerated:"))
        and k.split(":", 1)[1] not in ("physical_therapy", "home_exercise_program")
        for k in f
    )
    if rehab_failed and med_failed and "long_standing" in f:
        f.add("conservative_care_failed", "6 months or more despite rehabilitation and medication")
    for s in h.surgeries:
        if any(word in s.procedure.lower() for word in SPINE_SURGERY_WORDS):
            level = f" at {s.level}" if s.level else ""
            f.add("prior_spine_surgery", f"earlier {s.procedure.replace('_', ' ')}{level}")
            if s.years_ago is not None and s.years_ago < 0.25:
                f.add(
                    "recent_spine_surgery",
                    f"{s.procedure.replace('_', ' ')}{level} under 3 months ago",
                )


def _exam_facts(visit: Visit, kb: KnowledgeBase, f: Facts) -> None:
    e = visit.exam
    tests = e.test_results()
    for test, sides in tests.items():
        positive = [s for s, r in sides.items() if r == "positive"]
        label = kb.vocab["special_tests"][test]
        for s in positive:
            f.add(f"test:{test}", f"{label} positive ({s})")
            f.add(f"test:{test}:{s}", f"{label} positive on the {s}")
    if "test:straight_leg_raise" in f:
        f.add("slr_positive", f["test:straight_leg_raise"])
    si_pos = [t for t in SI_TESTS if f"test:{t}" in f]
    if len(si_pos) >= 3:
        f.add("sij_cluster", f"{len(si_pos)} of 5 SI provocation tests positive (Laslett cluster)")
    umn = [
        kb.vocab["special_tests"][t] + " positive"
        for t in ("hoffmann", "babinski", "clonus")
        if f"test:{t}" in f
    ]
    brisk = [r for r, sides in e.reflexes.items() if "brisk" in sides.values()]
    if len(brisk) >= 2:
        umn.append("brisk reflexes: " + ", ".join(brisk))
    if e.gait == "spastic":
        umn.append("spastic gait")
    if umn:
        f.add("umn_signs", "; ".join(umn))
    weak_sides: dict[str, set[str]] = {}
    for muscle, sides in e.motor.items():
        info = kb.anatomy.key_muscles[muscle]
        for side, grade in sides.items():
            if grade <= 4:
                text = f"{info.action.lower()} {grade}/5 on the {side}"
                f.add("weakness", text)
                f.add(f"weak:{info.root}:{side}", text)
                weak_sides.setdefault(info.limb, set()).add(side)
                f.add("objective_neuro_deficit", text)
            if grade <= 3:
                f.add("severe_weakness", f"{info.action.lower()} {grade}/5 on the {side}")
    if weak_sides.get("leg") == {"left", "right"}:
        f.add("bilateral_leg_weakness", "weakness in both legs")
    for derm, sides in e.sensory.items():
        for side, grade in sides.items():
            if grade != "normal":
                text = f"{grade} {derm} sensation on the {side}"
                f.add(f"sensory:{derm}:{side}", text)
                f.add("sensory_deficit", text)
                f.add("objective_neuro_deficit", text)
                if derm in SADDLE and grade in ("reduced", "absent"):
                    f.add("saddle_sensory_deficit", text)
                if grade == "increased":
                    f.add("hypersensitivity_sign", text)
    for reflex, sides in e.reflexes.items():
        info = kb.anatomy.reflexes[reflex]
        for side, grade in sides.items():
            if grade in ("reduced", "absent"):
                text = f"{grade} {reflex.replace('_', ' ')} reflex on the {side}"
                f.add("reflex_deficit", text)
                f.add(f"reflex:{info.root}:{side}", text)
                f.add("objective_neuro_deficit", text)
    for sign in e.signs:
        f.add(f"sign:{sign}", f"{sign.replace('_', ' ')} on examination")
        if sign in ("allodynia", "hyperalgesia"):
            f.add("hypersensitivity_sign", f"{sign} on examination")
    for site in e.tenderness:
        f.add(f"tenderness:{site}", f"tender {site.replace('_', ' ')}")
        if "paraspinal" in site:
            f.add("paraspinal_tenderness", f"tender {site.replace('_', ' ')}")
        if "joint_line" in site:
            f.add("joint_line_tenderness", f"tender {site.replace('_', ' ')}")
    for site in e.trigger_points:
        f.add(f"trigger_point:{site}", f"trigger point in {site.replace('_', ' ')}")
        f.add("trigger_points", f"trigger points: {', '.join(e.trigger_points)}".replace("_", " "))
    limited = [
        m.replace("_", " ")
        for m, v in e.range_of_motion.items()
        if v.lower() not in ("normal", "full")
    ]
    if limited:
        f.add("rom_limited", "limited " + ", ".join(limited))
    if e.gait:
        f.add(f"gait:{e.gait}", f"{e.gait.replace('_', ' ')} gait")


def _imaging_and_response_facts(visit: Visit, kb: KnowledgeBase, f: Facts) -> None:
    for img in visit.imaging:
        where = " ".join(x for x in (img.level, img.site, img.side, img.zone) if x)
        text = f"{img.modality.upper()}: {img.finding.replace('_', ' ')}" + (
            f" ({where})" if where else ""
        )
        f.add(f"imaging:{img.finding}", text)
    for r in visit.responses:
        lasting = f" for {r.hours:g} hours" if r.hours is not None else ""
        if r.weeks is not None:
            lasting = f" for {r.weeks:g} weeks"
        text = f"{r.intervention.replace('_', ' ')}: {r.relief_percent:g}% relief{lasting}"
        if r.relief_percent >= 50:
            f.add(f"response_good:{r.intervention}", text)
        else:
            f.add(f"response_poor:{r.intervention}", text)
        if r.intervention == "medial_branch_block":
            # Relief that lasts about as long as the local anaesthetic (lidocaine 1-2 h,
            # bupivacaine 3-6 h) is concordant; a day or more suggests a placebo or other effect.
            concordant = r.hours is None or r.hours <= 24
            if r.relief_percent >= 50 and concordant:
                f.add("mbb_concordant", text + ", concordant with the anaesthetic")
            else:
                f.add("mbb_negative", text)
        if r.intervention in ("radiofrequency_ablation", "genicular_rfa") and (
            r.relief_percent >= 50 and (r.weeks or 0) >= 26
        ):
            f.add("rfa_durable", text)
        if r.intervention == "peripheral_nerve_block" and r.relief_percent >= 50:
            f.add("genicular_block_positive", text)
    del kb  # anatomy-dependent imaging facts are added by localization


def _screen_facts(visit: Visit, kb: KnowledgeBase, f: Facts) -> None:
    for screen, value in visit.history.screens.items():
        inst = kb.instruments.get(screen)
        label = inst.label if inst else screen
        f.add(f"screen:{screen}", f"{label} {value:g}")
        if inst is None:
            continue
        for cut in inst.cutoffs:
            if cut.fact and value >= cut.at_least:
                f.add(cut.fact, f"{label} {value:g} ({cut.label})")
    disability = [
        k for k in ("score:odi_moderate", "score:ndi_moderate", "score:hit6_severe") if k in f
    ]
    if disability:
        f.add("function_limited", "function limited: " + "; ".join(f[k] for k in disability))
    phq9 = visit.history.screens.get("phq9")
    if phq9 is not None and phq9 < 15 and "comorbidity:substance_use_disorder" not in f:
        f.add("psych_ready", f"PHQ-9 {phq9:g}: no moderately severe or severe depression")
