"""Properties that must hold for every visit, checked over generated records (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from painclinic import assess
from painclinic.engine import assess_with_facts
from painclinic.engine.avoidlist import indicated
from painclinic.engine.plan import class_members
from painclinic.knowledge import load_knowledge
from painclinic.model import SIDES, URGENCY_RANK
from painclinic.validation import visit_from_data

KB = load_knowledge()
NSAID_BLOCKERS = {"ckd", "gi_bleed", "peptic_ulcer", "anticoagulated"}


def subset(items: Any, max_size: int = 4) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(sorted(items)), max_size=max_size, unique=True)


def per_side(values: Any) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(SIDES), values, max_size=2)


def medication(drug: str) -> st.SearchStrategy[dict[str, Any]]:
    if drug == "fentanyl_patch":
        return st.builds(lambda d: {"drug": drug, "mcg_per_hour": d}, st.sampled_from([12, 25]))
    return st.builds(
        lambda d, n: {"drug": drug, "dose_mg": d, "per_day": n},
        st.sampled_from([5, 10, 50, 325, 500]),
        st.integers(1, 4),
    )


@st.composite
def visits(draw: st.DrawFn) -> dict[str, Any]:
    sex = draw(st.sampled_from(["female", "male"]))
    pregnant = sex == "female" and draw(st.booleans())
    screens = {
        sid: draw(st.integers(int(KB.instruments[sid].min), int(KB.instruments[sid].max)))
        for sid in draw(subset(["dn4", "phq9", "gad7", "wpi", "sss", "csi", "odi"], 4))
    }
    drugs = draw(subset(KB.drugs, 3))
    return {
        "schema": "painclinic.visit/1",
        "patient": {
            "id": "gen",
            "age": draw(st.integers(18, 95)),
            "sex": sex,
            "pregnant": pregnant,
            **({"pregnancy_weeks": draw(st.integers(4, 40))} if pregnant else {}),
            "comorbidities": draw(subset(KB.vocab["comorbidities"], 5)),
            "medications": [draw(medication(d)) for d in drugs],
        },
        "visit": {"date": "2026-11-27", "type": draw(st.sampled_from(["initial", "follow_up"]))},
        "history": {
            "region": draw(st.sampled_from(sorted(KB.vocab["regions"]))),
            "side": draw(st.sampled_from(["left", "right", "bilateral", "midline"])),
            "duration_weeks": draw(st.sampled_from([1, 4, 10, 14, 30, 200])),
            "onset": draw(st.sampled_from(["sudden", "gradual"])),
            "radiation": draw(subset(KB.vocab["radiation"], 3)),
            "descriptors": draw(subset(KB.vocab["descriptors"], 4)),
            "symptoms": draw(subset(KB.vocab["symptoms"], 4)),
            "pain": {"now": (now := draw(st.integers(0, 10))), "worst": draw(st.integers(now, 10))},
            "aggravating": draw(subset(["sitting", "walking", "bending", "standing"], 2)),
            "relieving": draw(subset(["sitting", "rest", "flexion"], 2)),
            "sleep_hours": draw(st.sampled_from([4, 7])),
            "headache_days_per_month": draw(st.sampled_from([0, 5, 20])),
            "function": draw(st.sampled_from([{}, {"walking_minutes": 10}])),
            "red_flags": draw(
                st.dictionaries(st.sampled_from(sorted(KB.red_flags)), st.booleans(), max_size=3)
            ),
            "screens": screens,
            "prior_treatments": [
                {
                    "treatment": t,
                    "response": draw(st.sampled_from(["helped", "failed", "not_tolerated"])),
                }
                for t in draw(subset(KB.treatments, 2))
            ],
        },
        "exam": {
            "straight_leg_raise": draw(per_side(st.sampled_from(["positive", "negative"]))),
            "motor": draw(
                st.dictionaries(
                    st.sampled_from(sorted(KB.anatomy.key_muscles)),
                    per_side(st.integers(2, 5)),
                    max_size=3,
                )
            ),
            "sensory": draw(
                st.dictionaries(
                    st.sampled_from(sorted(KB.anatomy.dermatomes)),
                    per_side(st.sampled_from(["normal", "reduced", "absent"])),
                    max_size=3,
                )
            ),
            "reflexes": draw(
                st.dictionaries(
                    st.sampled_from(sorted(KB.anatomy.reflexes)),
                    per_side(st.sampled_from(["normal", "reduced", "brisk"])),
                    max_size=2,
                )
            ),
            "special_tests": draw(
                st.dictionaries(
                    st.sampled_from(sorted(KB.vocab["special_tests"])),
                    per_side(st.sampled_from(["positive", "negative"])),
                    max_size=4,
                )
            ),
            "tenderness": draw(
                subset(["lumbar_paraspinal", "cervical_paraspinal", "medial_joint_line"], 2)
            ),
            "trigger_points": draw(subset(["upper_trapezius", "gluteus_medius"], 1)),
            "signs": draw(subset(KB.vocab["symptoms"], 3)),
        },
        "imaging": draw(
            st.lists(
                st.builds(
                    lambda f, lv, s: {"modality": "mri", "finding": f, "level": lv, "side": s},
                    st.sampled_from(sorted(KB.vocab["imaging_findings"])),
                    st.sampled_from(["L4-L5", "L5-S1", "C5-C6"]),
                    st.sampled_from(SIDES),
                ),
                max_size=2,
            )
        ),
        "responses": draw(
            st.lists(
                st.builds(
                    lambda i, r, h: {"intervention": i, "relief_percent": r, "hours": h},
                    st.sampled_from(["medial_branch_block", "transforaminal_esi"]),
                    st.integers(0, 100),
                    st.sampled_from([4, 48]),
                ),
                max_size=1,
            )
        ),
    }


COMMON = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def suggested(a: Any) -> set[str]:
    return {i.id for items in a.tracks.values() for i in items}


@COMMON
@given(visits())
def test_nothing_is_both_suggested_and_avoided(data: dict[str, Any]) -> None:
    a = assess(visit_from_data(data))
    assert not suggested(a) & {x.id for x in a.avoid}


@COMMON
@given(visits())
def test_output_is_deterministic(data: dict[str, Any]) -> None:
    visit = visit_from_data(data)
    assert assess(visit).to_json() == assess(visit_from_data(data)).to_json()


@COMMON
@given(visits())
def test_red_flags_are_ordered_most_urgent_first(data: dict[str, Any]) -> None:
    ranks = [URGENCY_RANK[f.urgency] for f in assess(visit_from_data(data)).red_flags]
    assert ranks == sorted(ranks)


@COMMON
@given(visits())
def test_no_oral_nsaid_with_kidney_gi_bleeding_or_pregnancy_risk(data: dict[str, Any]) -> None:
    a, facts = assess_with_facts(visit_from_data(data))
    at_risk = NSAID_BLOCKERS & set(data["patient"]["comorbidities"]) or data["patient"]["pregnant"]
    if at_risk:
        assert "oral_nsaid" not in suggested(a)
        # blocked by name, or through a class that contains it (pregnancy before 20 weeks)
        blocked = [k.split(":", 1)[1] for k in facts if k.startswith("avoided:")]
        assert any("oral_nsaid" in class_members(KB, b) for b in blocked)
        # and said, by name or by its class, wherever it would have been offered
        if indicated(KB.treatments["oral_nsaid"].when, facts):
            covering = {x.id for x in a.avoid} & {
                cls for cls, members in KB.avoid_classes.items() if "oral_nsaid" in members
            }
            assert "oral_nsaid" in {x.id for x in a.avoid} or covering


@COMMON
@given(visits())
def test_no_procedure_while_an_urgent_red_flag_stands(data: dict[str, Any]) -> None:
    a = assess(visit_from_data(data))
    if any(f.urgency in ("emergency", "urgent") for f in a.red_flags):
        assert a.tracks["interventional"] == []
        assert a.deferred_reason


@COMMON
@given(visits())
def test_mechanism_checkpoints_and_safety_are_well_formed(data: dict[str, Any]) -> None:
    a = assess(visit_from_data(data))
    assert a.mechanism.components
    assert a.mechanism.primary == "mixed" or a.mechanism.components == [a.mechanism.primary]
    assert all(c.date > a.visit.date for c in a.checkpoints)
    assert a.safety.mme_per_day >= 0 and a.safety.acetaminophen_mg_per_day >= 0
    assert all(x.reason for x in a.avoid)


@COMMON
@given(visits())
def test_a_soon_flag_alone_defers_nothing_and_every_flag_has_a_safety_net(
    data: dict[str, Any],
) -> None:
    """Weak flags (age, night pain alone) add a work-up and a safety net but defer nothing
    (Downie 2013, Henschke 2009); every plan under a flag says what to come back for."""
    a = assess(visit_from_data(data))
    if a.red_flags:
        assert a.safety_net
    else:
        # Without a flag, only a history's own warning (red_flags.yaml safety_nets) speaks.
        assert set(a.safety_net) <= {net.text for net in KB.safety_nets}
    if a.red_flags and all(f.urgency == "soon" for f in a.red_flags):
        assert a.deferred_reason is None
        assert not any("red flag" in x.reason.lower() for x in a.avoid)


@COMMON
@given(visits())
def test_deferral_is_graded_by_the_lead_flag(data: dict[str, Any]) -> None:
    """Emergency: only the referral items and analgesia for the journey; urgent: analgesia
    (other than systemic steroids) is never among what waits (red_flags.yaml deferral)."""
    a = assess(visit_from_data(data))
    if not a.red_flags:
        return
    lead = a.red_flags[0].urgency
    keeps = set(KB.deferral.emergency_keeps)
    if lead == "emergency":
        for item in suggested(a):
            assert not KB.treatments[item].routine or item in keeps, item
    if lead == "urgent":
        assert a.deferred_reason
        waiting = a.deferred_reason.split("Deferred until the flag is resolved:", 1)[1]
        for tid in ("acetaminophen", "topical_nsaid", "walking_program", "pain_education"):
            assert f" {KB.treatments[tid].label}," not in waiting
            assert f" {KB.treatments[tid].label}." not in waiting


# CONTRACT 5.1 preferences, drawn beside the visit (the generator itself stays as it is).
PREFERENCES = st.sampled_from(
    [
        None,
        {"procedures": "declines"},
        {"procedures": "cautious"},
        {"needles": "fearful"},
        {"medicines": "minimal"},
        {"medicines": "declines"},
    ]
)


def _with(data: dict[str, Any], prefs: dict[str, str] | None) -> Any:
    if prefs:
        data = {**data, "patient": {**data["patient"], "preferences": prefs}}
    return assess(visit_from_data(data))


@COMMON
@given(visits(), PREFERENCES)
def test_first_steps_are_a_short_sequence_never_a_heap(
    data: dict[str, Any], prefs: dict[str, str] | None
) -> None:
    """data/sequence.yaml: at most three first steps, never two of one choose_one group, each
    a track item marked `first` (and only those), no procedure under an urgent or emergency
    flag or when the patient declines procedures."""
    a = _with(data, prefs)
    items = {i.id: (track, i) for track, its in a.tracks.items() for i in its}
    assert len(a.first_steps) <= KB.first_steps.most
    assert len(set(a.first_steps)) == len(a.first_steps)
    groups = [items[s][1].choose_one for s in a.first_steps if items[s][1].choose_one]
    assert len(groups) == len(set(groups)), a.first_steps
    for step in a.first_steps:
        assert step in items and items[step][1].order == "first"
    assert {tid for tid, (_, i) in items.items() if i.order == "first"} == set(a.first_steps)
    urgent = any(f.urgency in ("emergency", "urgent") for f in a.red_flags)
    declines = bool(prefs) and prefs.get("procedures") == "declines"
    if urgent or declines:
        assert not [s for s in a.first_steps if items[s][0] == "interventional"]
    if any(f.urgency == "emergency" for f in a.red_flags):
        assert set(a.first_steps) <= set(KB.first_steps.emergency_only)


@COMMON
@given(visits(), st.one_of(st.none(), st.integers(0, 250)))
def test_every_medication_item_has_a_dose(data: dict[str, Any], crcl: int | None) -> None:
    """CONTRACT 5.2: a start dose on every medication item; a gabapentinoid gets exactly one
    CrCl band when a clearance is recorded, and none when it is not."""
    data = {**data, "patient": {**data["patient"], "crcl_ml_min": crcl}}
    a = assess(visit_from_data(data))
    for item in a.tracks["medication"]:
        assert item.dose is not None and item.dose.start, item.id
        if item.id in ("gabapentin", "pregabalin"):
            assert item.dose.adjusted.count("mL/min:") == (0 if crcl is None else 1)
    for track, items in a.tracks.items():
        assert track == "medication" or all(i.dose is None for i in items)
