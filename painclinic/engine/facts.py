"""Turn a visit record into facts: named, evidenced statements the data rules are written over.

This is the one place that reads the record's shape. Every fact carries a plain-words evidence
string, which is what a physician sees when asking *why*. Fact ids are either a named fact
(data/facts.yaml: its meaning, and for a derived fact the rule that makes it) or `prefix:id`
with an id from the knowledge base (PREFIXES).

Mappings of the record (function limits, exam grades, tests, screens) are read in sorted key
order: a visit typed into the app in the checklist's order and the same visit written in a
file in another order are the same visit, and must give the same words.
"""

from __future__ import annotations

from typing import Any

from painclinic.engine.expr import Facts, evaluate
from painclinic.knowledge import FactDef, KnowledgeBase
from painclinic.model import Response, Visit

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
    "response_lasting": "treatments",
    "response_brief": "treatments",
    "relief_ongoing": "treatments*",
    "prior_tried": "treatments*",
    "suggested": "treatments",
    "test": "vocab:special_tests",
    "test_negative": "vocab:special_tests",
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
    "rom_limited": "free",
}


def _n(kb: KnowledgeBase, name: str) -> float:
    """A threshold from data/facts.yaml `thresholds:` (each with its source there)."""
    return kb.thresholds[name].value


def _words(kb: KnowledgeBase, name: str) -> list[str]:
    """A word list from data/facts.yaml `word_lists:`."""
    return kb.word_lists[name].words


def build_facts(visit: Visit, kb: KnowledgeBase) -> Facts:
    """All facts that follow from the record alone (later stages add derived ones)."""
    f = Facts()
    _patient_facts(visit, kb, f)
    _history_facts(visit, kb, f)
    _exam_facts(visit, kb, f)
    _imaging_and_response_facts(visit, kb, f)
    _screen_facts(visit, kb, f)
    _goal_facts(visit, f)
    _esi_count_facts(visit, kb, f)
    _derived_facts(visit, kb, f)
    return f


def _patient_facts(visit: Visit, kb: KnowledgeBase, f: Facts) -> None:
    p = visit.patient
    age = visit.age()
    f.add(f"visit:{visit.visit.type}", visit.visit.type.replace("_", "-") + " visit")
    if p.sex:
        f.add(f"sex:{p.sex}", p.sex)
    if age is not None:
        if age >= _n(kb, "older_adult_age"):
            f.add("older_adult", f"age {age}")
        if age > _n(kb, "age_over_50"):
            f.add("age_over_50", f"age {age}")
        if age >= _n(kb, "age_over_50"):
            # the entry criterion of the GCA and PMR classification criteria is "50 or over"
            f.add("age_50_or_over", f"age {age}")
        if age > _n(kb, "age_over_70"):
            f.add("age_over_70", f"age {age}")
        if _n(kb, "young_adult_min_age") <= age <= _n(kb, "young_adult_max_age"):
            f.add("age_16_45", f"age {age}")
        childbearing = _n(kb, "childbearing_min_age") <= age <= _n(kb, "childbearing_max_age")
        if p.sex == "female" and childbearing:
            f.add("childbearing_potential", "female of childbearing age")
    if p.pregnant:
        weeks = f" ({p.pregnancy_weeks} weeks)" if p.pregnancy_weeks is not None else ""
        f.add("pregnant", f"pregnant{weeks}")
        late = _n(kb, "pregnancy_late_weeks")
        if p.pregnancy_weeks is not None and p.pregnancy_weeks >= late:
            f.add("pregnancy_20_weeks", f"pregnant at {p.pregnancy_weeks} weeks")
    if p.context and p.context.work_status in ("light_duty", "off_work"):
        # NICE NG59 1.2.11: promote and facilitate return to work; a reduced duty is a goal
        f.add("reduced_work_duty", p.context.work_status.replace("_", " "))
    for c in p.comorbidities:
        f.add(f"comorbidity:{c}", kb.vocab["comorbidities"][c].lower())
    if p.crcl_ml_min is not None and p.crcl_ml_min < _n(kb, "crcl_severe"):
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
    _acute_medication_overuse_facts(visit, kb, f)
    if opioids:
        f.add("opioid_current", "currently takes " + " and ".join(opioids))
    if len(opioids) >= 2:
        f.add("multiple_opioids", "takes " + " and ".join(opioids))


def _acute_medication_overuse_facts(visit: Visit, kb: KnowledgeBase, f: Facts) -> None:
    """ICHD-3 8.2 criterion B, as far as the record can say it: an acute headache medicine
    (simple analgesic, triptan, opioid, or a combination holding one) taken on a schedule is
    taken daily, past both the 15-day (simple analgesics) and the 10-day (triptans, opioids,
    combinations) limits. An as-needed medicine has no day count in the record, so it gives
    no fact: the headache diary counts those days."""
    classes = set(_words(kb, "acute_headache_medicine_classes"))
    regular = [
        kb.drugs[m.drug].label.lower()
        for m in visit.patient.medications
        if not m.prn and classes & set(kb.drugs[m.drug].classes)
    ]
    if regular:
        f.add(
            "acute_medication_overuse",
            "takes " + " and ".join(dict.fromkeys(regular)) + " on a schedule (daily)",
        )


def _history_facts(visit: Visit, kb: KnowledgeBase, f: Facts) -> None:
    _region_facts(visit, f)
    _duration_facts(visit, kb, f)
    _radiation_facts(visit, kb, f)
    _symptom_facts(visit, kb, f)
    _red_flag_answer_facts(visit, f)
    _treatment_history_facts(visit, kb, f)


def _region_facts(visit: Visit, f: Facts) -> None:
    h = visit.history
    if h.region:
        f.add(f"region:{h.region}", f"{h.region.replace('_', ' ')} pain")
    if h.side:
        f.add(f"side:{h.side}", f"{h.side} side")
    if h.onset:
        f.add(f"onset:{h.onset}", f"{h.onset} onset")


def _duration_facts(visit: Visit, kb: KnowledgeBase, f: Facts) -> None:
    w = visit.history.duration_weeks
    if w is None:
        return
    span = f"{w:g} weeks"
    if w < _n(kb, "acute_weeks"):
        f.add("acute", f"acute ({span})")
    elif w <= _n(kb, "subacute_max_weeks"):
        f.add("subacute", f"subacute ({span})")
    if w > _n(kb, "subacute_max_weeks"):
        f.add("chronic", f"chronic, over 3 months ({span})")
    if w <= _n(kb, "within_3_months_weeks"):
        f.add("within_3_months", f"within the first 3 months ({span})")
    if w < _n(kb, "recent_onset_weeks"):
        f.add("recent_onset", f"new pain ({span})")
    if w >= _n(kb, "long_standing_weeks"):
        f.add("long_standing", f"6 months or more ({span})")


def _radiation_facts(visit: Visit, kb: KnowledgeBase, f: Facts) -> None:
    """Where the pain spreads and how it feels: radicular patterns and headache."""
    h = visit.history
    radiation = [r for r in h.radiation if r != "none"]
    for r in radiation:
        f.add(f"radiation:{r}", f"radiates: {r.replace('_', ' ')}")
    for d in h.descriptors:
        f.add(f"descriptor:{d}", f"{d} pain")
    neuropathic = set(_words(kb, "neuropathic_descriptors"))
    neuro_words = sorted(set(h.descriptors) & neuropathic)
    if neuro_words:
        f.add("neuropathic_descriptors", "described as " + ", ".join(neuro_words))
    leg_regions = [None, *_words(kb, "radicular_leg_regions")]
    if set(_words(kb, "below_knee_radiation")) & set(radiation) and h.region in leg_regions:
        f.add("radicular_leg", "pain radiating below the knee")
    to_hand = set(_words(kb, "hand_radiation")) & set(radiation)
    upper_arm = set(_words(kb, "upper_arm_radiation")) & set(radiation)
    if to_hand or (upper_arm and neuro_words):
        f.add("radicular_arm", "arm pain radiating toward the hand")
    headache_days = h.headache_days_per_month or 0
    # A migraine history is a comorbidity, not today's complaint: neck or back pain in a patient
    # who has migraine is not a headache unless the head hurts or headache days are counted
    # (ICHD-3 classifies the headache in front of you).
    if (
        h.region in _words(kb, "headache_regions")
        or headache_days > 0
        or set(_words(kb, "headache_radiation")) & set(radiation)
    ):
        f.add(
            "headache", f"{headache_days} headache days a month" if headache_days else "head pain"
        )


def _symptom_facts(visit: Visit, kb: KnowledgeBase, f: Facts) -> None:
    """Symptoms, what aggravates and eases the pain, its severity, sleep and function."""
    h = visit.history
    for s in h.symptoms:
        f.add(f"symptom:{s}", f"reports {s.replace('_', ' ')}")
    for a in h.aggravating:
        f.add(f"aggravating:{a}", f"worse with {a.replace('_', ' ')}")
    for r in h.relieving:
        f.add(f"relieving:{r}", f"eased by {r.replace('_', ' ')}")
    mech = sorted(set(h.aggravating) & set(_words(kb, "mechanical_triggers")))
    if mech:
        f.add("mechanical_pattern", "worse with " + ", ".join(m.replace("_", " ") for m in mech))
    desk_measures = set(_words(kb, "desk_measures")) & set(h.function)
    if set(_words(kb, "desk_triggers")) & set(h.aggravating) or desk_measures:
        f.add("desk_work", "desk or screen work limits")
    if (
        set(_words(kb, "claudication_triggers")) & set(h.aggravating)
        and set(_words(kb, "claudication_relievers")) & set(h.relieving)
        and any(r in _words(kb, "leg_radiation") for r in h.radiation)
    ):
        f.add("neurogenic_claudication", "leg pain on walking or standing, eased by sitting")
    comorbid = [s for s in _words(kb, "sensitization_symptoms") if f"symptom:{s}" in f]
    if comorbid:
        f.add(
            "sensitization_comorbidity",
            "reports " + ", ".join(c.replace("_", " ") for c in comorbid),
        )
    pains = [v for v in (h.pain.now, h.pain.worst) if v is not None]
    if pains and max(pains) >= _n(kb, "severe_pain"):
        f.add("severe_pain", f"pain up to {max(pains)}/10")
    if h.pain.now is not None and h.pain.now >= _n(kb, "severe_pain"):
        # severe now, not only at its worst: what lets a procedure come before any
        # conservative care (NICE NG59 1.3.1, acute and severe sciatica)
        f.add("severe_pain_now", f"pain {h.pain.now}/10 now")
    short = h.sleep_hours is not None and h.sleep_hours < _n(kb, "short_sleep_hours")
    if short or "symptom:unrefreshing_sleep" in f:
        f.add("poor_sleep", f"sleeps {h.sleep_hours:g} hours" if short else "wakes unrefreshed")
    limits = [
        f"{k.replace('_', ' ')} {v:g}"
        if isinstance(v, float | int)
        else f"{k.replace('_', ' ')}: {v}"
        for k, v in sorted(h.function.items())  # the same words whatever order it was entered
    ]
    if limits or visit.goals:
        f.add(
            "function_limited",
            "function limited: " + ", ".join(limits or [g.label for g in visit.goals]),
        )


def _red_flag_answer_facts(visit: Visit, f: Facts) -> None:
    for flag, answer in sorted(visit.history.red_flags.items()):
        if answer:
            f.add(f"flag:{flag}", "answered yes on the red-flag screen")
        else:
            f.add(f"flag_no:{flag}", "answered no on the red-flag screen")


def _treatment_history_facts(visit: Visit, kb: KnowledgeBase, f: Facts) -> None:
    """Earlier treatments and their results, and earlier spine surgery."""
    h = visit.history
    tried: dict[str, int] = {}
    for t in h.prior_treatments:
        name = t.treatment.replace("_", " ")
        f.add(f"prior_tried:{t.treatment}", f"{name} tried before")
        if t.response == "ongoing":
            # the relief from it still holds at this visit: not a reason to repeat it now
            f.add(f"relief_ongoing:{t.treatment}", f"relief from {name} still holding")
            f.add("relief_ongoing", f"relief from {name} still holding")
        if t.response == "failed":
            tried[t.treatment] = tried.get(t.treatment, 0) + t.times
            f.add(f"prior_failed:{t.treatment}", f"{name} did not help before")
        elif t.response == "not_tolerated":
            f.add(f"prior_not_tolerated:{t.treatment}", f"{name} not tolerated before")
        elif t.response == "helped":
            f.add(f"prior_helped:{t.treatment}", f"{name} helped before")
    for treatment, times in tried.items():
        if times >= _n(kb, "failed_twice"):
            f.add(
                f"prior_failed_twice:{treatment}",
                f"{treatment.replace('_', ' ')} failed {times} times",
            )
    rehab_failed = any(f"prior_failed:{t}" in f for t in _words(kb, "rehabilitation_treatments"))
    exercise = _words(kb, "exercise_treatments")
    med_failed = any(
        k.startswith(("prior_failed:", "prior_not_tolerated:"))
        and k.split(":", 1)[1] not in exercise
        for k in f
    )
    if rehab_failed and med_failed and "long_standing" in f:
        f.add("conservative_care_failed", "6 months or more despite rehabilitation and medication")
    for s in h.surgeries:
        if any(word in s.procedure.lower() for word in _words(kb, "spine_surgery_words")):
            level = f" at {s.level}" if s.level else ""
            f.add("prior_spine_surgery", f"earlier {s.procedure.replace('_', ' ')}{level}")
            if s.years_ago is not None and s.years_ago < _n(kb, "recent_surgery_years"):
                f.add(
                    "recent_spine_surgery",
                    f"{s.procedure.replace('_', ' ')}{level} under 3 months ago",
                )
            # Early post-operative weeks: loading rehabilitation follows the surgeon's protocol
            # (exercise programmes start at 4-6 weeks after discectomy: Oosterhuis 2014).
            if s.years_ago is not None and s.years_ago * 52 < 6:
                f.add(
                    "spine_surgery_within_6_weeks",
                    f"{s.procedure.replace('_', ' ')}{level} under 6 weeks ago",
                )


def _exam_facts(visit: Visit, kb: KnowledgeBase, f: Facts) -> None:
    e = visit.exam
    tests = e.test_results()
    for test, sides in sorted(tests.items()):
        positive = [s for s, r in sorted(sides.items()) if r == "positive"]
        label = kb.vocab["special_tests"][test]
        for s in positive:
            f.add(f"test:{test}", f"{label} positive ({s})")
            f.add(f"test:{test}:{s}", f"{label} positive on the {s}")
        if sides and all(r == "negative" for r in sides.values()):
            f.add(f"test_negative:{test}", f"{label} negative")
    si_tests = _words(kb, "si_provocation_tests")
    si_pos = [t for t in si_tests if f"test:{t}" in f]
    if len(si_pos) >= _n(kb, "sij_cluster_positive"):
        f.add(
            "sij_cluster",
            f"{len(si_pos)} of {len(si_tests)} SI provocation tests positive (Laslett cluster)",
        )
    umn = [
        kb.vocab["special_tests"][t] + " positive"
        for t in _words(kb, "umn_tests")
        if f"test:{t}" in f
    ]
    brisk = [r for r, sides in sorted(e.reflexes.items()) if "brisk" in sides.values()]
    if len(brisk) >= _n(kb, "brisk_reflexes"):
        umn.append("brisk reflexes: " + ", ".join(brisk))
    if e.gait == "spastic":
        umn.append("spastic gait")
    if umn:
        f.add("umn_signs", "; ".join(umn))
    weak_sides: dict[str, set[str]] = {}
    for muscle, grades in sorted(e.motor.items()):
        info = kb.anatomy.key_muscles[muscle]
        for side, grade in sorted(grades.items()):
            if grade <= _n(kb, "weakness_grade"):
                text = f"{info.action.lower()} {grade}/5 on the {side}"
                f.add("weakness", text)
                f.add(f"weak:{info.root}:{side}", text)
                weak_sides.setdefault(info.limb, set()).add(side)
            if grade <= _n(kb, "severe_weakness_grade"):
                f.add("severe_weakness", f"{info.action.lower()} {grade}/5 on the {side}")
    if weak_sides.get("leg") == {"left", "right"}:
        f.add("bilateral_leg_weakness", "weakness in both legs")
    for derm, sensations in sorted(e.sensory.items()):
        for side, sensation in sorted(sensations.items()):
            if sensation != "normal":
                text = f"{sensation} {derm} sensation on the {side}"
                f.add(f"sensory:{derm}:{side}", text)
                f.add("sensory_deficit", text)
                saddle = derm in _words(kb, "saddle_dermatomes")
                if saddle and sensation in _words(kb, "saddle_loss_grades"):
                    f.add("saddle_sensory_deficit", text)
                if sensation == "increased":
                    f.add("hypersensitivity_sign", text)
    for reflex, responses in sorted(e.reflexes.items()):
        reflex_info = kb.anatomy.reflexes[reflex]
        for side, response in sorted(responses.items()):
            if response in _words(kb, "reflex_loss_grades"):
                text = f"{response} {reflex.replace('_', ' ')} reflex on the {side}"
                f.add("reflex_deficit", text)
                f.add(f"reflex:{reflex_info.root}:{side}", text)
    for sign in e.signs:
        f.add(f"sign:{sign}", f"{sign.replace('_', ' ')} on examination")
        if sign in _words(kb, "hypersensitivity_signs"):
            f.add("hypersensitivity_sign", f"{sign} on examination")
    for site in e.tenderness:
        f.add(f"tenderness:{site}", f"tender {site.replace('_', ' ')}")
        if any(w in site for w in _words(kb, "paraspinal_sites")):
            f.add("paraspinal_tenderness", f"tender {site.replace('_', ' ')}")
        if any(w in site for w in _words(kb, "joint_line_sites")):
            f.add("joint_line_tenderness", f"tender {site.replace('_', ' ')}")
    for site in e.trigger_points:
        f.add(f"trigger_point:{site}", f"trigger point in {site.replace('_', ' ')}")
        f.add("trigger_points", f"trigger points: {', '.join(e.trigger_points)}".replace("_", " "))
    limited = [
        m.replace("_", " ")
        for m, v in sorted(e.range_of_motion.items())
        if v.lower() not in _words(kb, "normal_range_of_motion")
    ]
    if limited:
        f.add("rom_limited", "limited " + ", ".join(limited))
    for m, v in sorted(e.range_of_motion.items()):
        # the joint is the movement's first word (cervical_rotation, shoulder_abduction): the
        # criteria that name a joint's range (ICHD-3 11.2.1 neck, EULAR/ACR 2012 hip) read it
        if v.lower() not in _words(kb, "normal_range_of_motion"):
            joint = m.split("_", 1)[0].lower()
            f.add(f"rom_limited:{joint}", f"limited {m.replace('_', ' ')}")
    if e.gait:
        f.add(f"gait:{e.gait}", f"{e.gait.replace('_', ' ')} gait")


def taken_items(kb: KnowledgeBase, facts: Facts) -> set[str]:
    """Track items the patient already takes, read from the `med:` facts: the drug and its
    class item (ibuprofen is also oral_nsaid)."""
    taken = set()
    for key in facts:
        if key.startswith("med:"):
            drug = key.split(":", 1)[1]
            taken.add(drug)
            treatment = kb.drugs[drug].treatment
            if treatment:
                taken.add(treatment)
    return taken


def _imaging_and_response_facts(visit: Visit, kb: KnowledgeBase, f: Facts) -> None:
    for img in visit.imaging:
        where = " ".join(x for x in (img.level, img.site, img.side, img.zone) if x)
        text = f"{img.modality.upper()}: {img.finding.replace('_', ' ')}" + (
            f" ({where})" if where else ""
        )
        f.add(f"imaging:{img.finding}", text)
    taken = taken_items(kb, f)  # the medication facts are built before the responses
    for r in visit.responses:
        lasting = f" for {r.hours:g} hours" if r.hours is not None else ""
        if r.weeks is not None:
            lasting = f" for {r.weeks:g} weeks"
        text = f"{r.intervention.replace('_', ' ')}: {r.relief_percent:g}% relief{lasting}"
        good = r.relief_percent >= _n(kb, "good_relief_percent")
        if good:
            f.add(f"response_good:{r.intervention}", text)
            treatment = kb.treatments.get(r.intervention)
            if treatment is not None and treatment.track == "medication" and (
                r.intervention in taken
            ):
                f.add("medicine_working", text + ", still taken")
        else:
            f.add(f"response_poor:{r.intervention}", text)
        _lasting_facts(r, kb, text, f)
        if r.intervention == "medial_branch_block":
            # Relief that lasts about as long as the local anaesthetic (lidocaine 1-2 h,
            # bupivacaine 3-6 h) is concordant; a day or more suggests a placebo or other effect.
            concordant = r.hours is None or r.hours <= _n(kb, "mbb_concordant_hours")
            if good and concordant:
                f.add("mbb_concordant", text + ", concordant with the anaesthetic")
            elif good:
                # Good relief that outlasts the anaesthetic does not rule facet pain out
                # (Cohen 2020): it calls for a confirmatory block, not for nothing.
                f.add("mbb_discordant", text + ", longer than the anaesthetic")
            else:
                f.add("mbb_negative", text)
        if r.intervention in _words(kb, "rfa_interventions") and (
            good and (r.weeks or 0) >= kb.lasting_relief[r.intervention].weeks
        ):
            f.add("rfa_durable", text)
        if r.intervention in ("peripheral_nerve_block", "genicular_nerve_block") and good:
            f.add("genicular_block_positive", text)


def _relief_weeks(r: Response) -> float | None:
    """How long the relief lasted, in weeks (hours when only those were recorded)."""
    if r.weeks is not None:
        return float(r.weeks)
    if r.hours is not None:
        return r.hours / (24 * 7)
    return None


def _lasting_facts(r: Response, kb: KnowledgeBase, text: str, f: Facts) -> None:
    """Good relief (response_good) that lasted long enough to earn a repeat, or did not: the
    repeat criterion is a duration per procedure (data/facts.yaml lasting_relief). Relief of
    unrecorded length is neither: the repeat criterion asks for it documented."""
    lasting = kb.lasting_relief.get(r.intervention)
    weeks = _relief_weeks(r)
    if lasting is None or weeks is None or f"response_good:{r.intervention}" not in f:
        return
    if weeks >= lasting.weeks:
        f.add(f"response_lasting:{r.intervention}", f"{text} ({lasting.weeks:g} weeks or more)")
    else:
        f.add(f"response_brief:{r.intervention}", f"{text} (under {lasting.weeks:g} weeks)")


def _goal_facts(visit: Visit, f: Facts) -> None:
    """A goal's measure moving from its baseline toward its target: function is improving."""
    for g in visit.goals:
        if g.measure is None:
            continue
        now = visit.history.function.get(g.measure)
        base, target = g.baseline, g.target
        if not all(isinstance(v, float | int) for v in (base, target, now)):
            continue  # a worded measure (work status) has no direction to read
        assert isinstance(base, float | int) and isinstance(target, float | int)
        assert isinstance(now, float | int)
        if (now - base) * (target - base) > 0:
            measure = g.measure.replace("_", " ")
            f.add("function_improving", f"{measure} {now:g}, from {base:g} toward {target:g}")


def _esi_count_facts(visit: Visit, kb: KnowledgeBase, f: Facts) -> None:
    """Epidural steroid sessions on record, against the yearly cap. The record does not date
    earlier injections, so the count is what it holds (prior treatments' `times`, or the
    responses recorded, whichever is more) and the rule asks for the dates to be checked."""
    esi = set(_words(kb, "epidural_steroid_injections"))
    prior = sum(t.times for t in visit.history.prior_treatments if t.treatment in esi)
    responses = sum(1 for r in visit.responses if r.intervention in esi)
    sessions = max(prior, responses)
    cap = _n(kb, "esi_sessions_per_year")
    if sessions >= cap:
        f.add("esi_sessions_at_cap", f"{sessions} epidural steroid injections on record")


def _screen_facts(visit: Visit, kb: KnowledgeBase, f: Facts) -> None:
    for screen, value in sorted(visit.history.screens.items()):
        inst = kb.instruments.get(screen)
        label = inst.label if inst else screen
        f.add(f"screen:{screen}", f"{label} {value:g}")
        if inst is None:
            continue
        for cut in inst.cutoffs:
            if cut.fact and value >= cut.at_least:
                f.add(cut.fact, f"{label} {value:g} ({cut.label})")
    disability = [k for k in _words(kb, "disability_scores") if k in f]
    if disability:
        f.add("function_limited", "function limited: " + "; ".join(f[k] for k in disability))
    phq9 = visit.history.screens.get("phq9")
    ready = phq9 is not None and phq9 < _n(kb, "psych_ready_phq9")
    if ready and "comorbidity:substance_use_disorder" not in f:
        f.add("psych_ready", f"PHQ-9 {phq9:g}: no moderately severe or severe depression")


def _derived_facts(visit: Visit, kb: KnowledgeBase, f: Facts) -> None:
    """The facts data/facts.yaml derives from other facts (or from a record number), in file
    order, each with evidence built from what made it hold."""
    for name, fact in kb.facts.items():
        if fact.value is not None:
            value = _value_at(visit, fact.value)
            if value is not None and fact.at_least is not None and value >= fact.at_least:
                f.add(name, fact.evidence.text.format(value=value))
        elif fact.when is not None:
            used = _supporting(fact, f)
            if used is not None:
                f.add(name, _say(kb, fact, used, f))


def _supporting(fact: FactDef, f: Facts) -> list[str] | None:
    """The facts that make a derived fact hold (None when it does not): with evidence.first,
    those of the first branch of a top-level `any` that holds."""
    when = fact.when
    branches = when["any"] if isinstance(when, dict) and set(when) == {"any"} else [when]
    if not fact.evidence.first:
        branches = [when]
    for branch in branches:
        holds, used = evaluate(branch, f)
        if holds:
            return used
    return None


def _say(kb: KnowledgeBase, fact: FactDef, used: list[str], f: Facts) -> str:
    ev = fact.evidence
    words = []
    for fid in used:
        prefix, _, ident = fid.partition(":")
        family = PREFIXES.get(prefix, "") if ident else ""
        if fid in ev.says:
            words.append(ev.says[fid])
        elif ev.labels and family.startswith("vocab:"):
            words.append(kb.vocab[family.removeprefix("vocab:")][ident].lower())
        else:
            words.append(f[fid])
    return ev.text.replace("{}", ", ".join(dict.fromkeys(words)))


def _value_at(visit: Visit, path: str) -> Any:
    node: Any = visit
    for part in path.split("."):
        node = getattr(node, part, None)
    return node
