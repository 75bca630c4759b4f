"""Doses on medication items (CONTRACT 5.2 `dose`, data/doses.yaml, engine/doses.py).

Each adjustment band is tested with a patient it fits and a similar one it does not.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from painclinic import assess, load_visit
from painclinic.integrity import problems
from painclinic.knowledge import KnowledgeError, load_knowledge
from painclinic.model import Assessment, Dose
from painclinic.validation import visit_from_data
from tests.builders import BASE, merge

HERE = Path(__file__).resolve().parent
OWN = HERE / "cases"
SHARED = HERE.parent.parent / "shared" / "cases"
TREATMENTS = yaml.safe_load((HERE.parent / "data" / "treatments.yaml").read_text())["treatments"]
MEDICATION = sorted(t for t, v in TREATMENTS.items() if v["track"] == "medication")


def _case(name: str) -> dict[str, Any]:
    data = yaml.safe_load((OWN / name).read_text())
    data.pop("expect", None)
    return data


# Painful diabetic neuropathy at 71 (gabapentin, pregabalin, duloxetine); made 40 below.
PDN = _case("painful-diabetic-neuropathy-older-adult.yaml")
# Knee OA at 55 with acetaminophen suggested.
KNEE = _case("knee-oa-oral-nsaid-suggestable.yaml")


def _assess(base: dict[str, Any], changes: dict[str, Any]) -> Assessment:
    return assess(visit_from_data(merge(base, changes), source="<test visit>"))


def _dose(a: Assessment, item: str) -> Dose:
    found = next((i for i in a.tracks["medication"] if i.id == item), None)
    assert found is not None, f"{item} not suggested: {[i.id for i in a.tracks['medication']]}"
    assert found.dose is not None
    return found.dose


def _cases() -> list[Path]:
    own = sorted(OWN.glob("*.yaml"))
    return own + (sorted(SHARED.glob("*.yaml")) if SHARED.is_dir() else [])


def test_every_medication_treatment_has_a_dose() -> None:
    kb = load_knowledge()
    assert MEDICATION and sorted(kb.doses) == MEDICATION
    assert not [p for p in problems(kb) if "dose" in p]
    for tid in MEDICATION:
        entry = kb.doses[tid]
        assert entry.start and entry.max and entry.source, tid
        assert all(s in kb.sources for s in entry.source), tid


def test_a_dose_for_an_unknown_treatment_is_refused(tmp_path: Path) -> None:
    data = HERE.parent / "data"
    for f in data.glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text())
    doses = yaml.safe_load((data / "doses.yaml").read_text())
    doses["doses"]["gabapentine"] = copy.deepcopy(doses["doses"]["gabapentin"])
    (tmp_path / "doses.yaml").write_text(yaml.safe_dump(doses))
    with pytest.raises(KnowledgeError, match="gabapentine"):
        load_knowledge(str(tmp_path))


def test_an_unknown_fact_in_an_adjustment_is_a_problem(tmp_path: Path) -> None:
    data = HERE.parent / "data"
    for f in data.glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text())
    doses = yaml.safe_load((data / "doses.yaml").read_text())
    doses["doses"]["acetaminophen"]["adjust"][0]["when"] = "comorbidity:livr_disease"
    (tmp_path / "doses.yaml").write_text(yaml.safe_dump(doses))
    found = problems(load_knowledge(str(tmp_path)))
    assert any("doses.acetaminophen" in p and "livr_disease" in p for p in found)


@pytest.mark.parametrize("path", _cases(), ids=lambda p: p.stem)
def test_every_medication_item_of_every_case_has_a_start_dose(path: Path) -> None:
    a = assess(load_visit(path))
    for item in a.tracks["medication"]:
        assert item.dose is not None and item.dose.start, item.id
        assert item.dose.summary().startswith(("Start ", "Adjusted for this patient: ")), item.id


@pytest.mark.parametrize(
    ("crcl", "gabapentin", "pregabalin"),
    [
        (25, "CrCl 25 mL/min: 200-700 mg once daily", "CrCl 25 mL/min: 25-150 mg a day"),
        (45, "CrCl 45 mL/min: 400-1400 mg a day in two doses", "CrCl 45 mL/min: 75-300 mg"),
        (90, "CrCl 90 mL/min: 900-3600 mg a day", "CrCl 90 mL/min: 150-600 mg"),
        (10, "CrCl 10 mL/min: 100-300 mg once daily", "CrCl 10 mL/min: 25-75 mg once daily"),
    ],
)
def test_gabapentinoid_renal_band_follows_crcl(crcl: int, gabapentin: str, pregabalin: str) -> None:
    a = _assess(PDN, {"patient": {"age": 40, "crcl_ml_min": crcl}})
    for item, expected in (("gabapentin", gabapentin), ("pregabalin", pregabalin)):
        adjusted = _dose(a, item).adjusted
        assert adjusted.startswith(expected), adjusted
        assert adjusted.count("mL/min:") == 1, adjusted  # one band, never two


def test_no_renal_band_without_a_crcl() -> None:
    a = _assess(PDN, {"patient": {"age": 40}})
    for item in ("gabapentin", "pregabalin", "duloxetine"):
        assert "CrCl" not in _dose(a, item).adjusted


def test_band_edges_follow_the_label() -> None:
    # Gabapentin 30-59 is one band, 60 the usual range; pregabalin 30 is in its 30-60 band.
    assert (
        "400-1400" in _dose(_assess(PDN, {"patient": {"crcl_ml_min": 30}}), "gabapentin").adjusted
    )
    assert (
        "900-3600" in _dose(_assess(PDN, {"patient": {"crcl_ml_min": 60}}), "gabapentin").adjusted
    )
    assert "75-300" in _dose(_assess(PDN, {"patient": {"crcl_ml_min": 30}}), "pregabalin").adjusted


def test_duloxetine_is_avoided_in_severe_renal_impairment_not_moderate() -> None:
    severe = _assess(PDN, {"patient": {"age": 40, "crcl_ml_min": 25}})
    assert "duloxetine" not in {i.id for i in severe.tracks["medication"]}
    moderate = _dose(_assess(PDN, {"patient": {"age": 40, "crcl_ml_min": 45}}), "duloxetine")
    assert "avoid" not in moderate.adjusted


@pytest.mark.parametrize("comorbidity", ["liver_disease", "alcohol_use"])
def test_liver_disease_or_alcohol_lowers_acetaminophen_to_2_g(comorbidity: str) -> None:
    base = KNEE["patient"].get("comorbidities", [])
    a = _assess(KNEE, {"patient": {"comorbidities": [*base, comorbidity]}})
    adjusted = _dose(a, "acetaminophen").adjusted
    assert "at most 2 g a day" in adjusted and "mixed" in adjusted
    assert "apap_liver_consensus" in _dose(a, "acetaminophen").source


def test_a_healthy_adult_gets_the_usual_acetaminophen_ceiling() -> None:
    dose = _dose(_assess(KNEE, {}), "acetaminophen")
    assert "2 g" not in dose.adjusted
    assert "3 g" in dose.max and "4 g" in dose.max


@pytest.mark.parametrize("item", ["gabapentin", "pregabalin"])
def test_older_adult_starts_low_at_75_not_at_40(item: str) -> None:
    old = _dose(_assess(PDN, {"patient": {"age": 75}}), item).adjusted
    young = _dose(_assess(PDN, {"patient": {"age": 40}}), item).adjusted
    assert "age 75: start low, about half the usual dose" in old
    assert "half the usual" not in young


def test_the_dose_reaches_the_assessment_json() -> None:
    a = _assess(PDN, {"patient": {"age": 40, "crcl_ml_min": 25}})
    item = next(
        i for i in a.model_dump(mode="json")["tracks"]["medication"] if i["id"] == "gabapentin"
    )
    assert item["dose"]["start"] == "100-300 mg at night"
    assert item["dose"]["adjusted"].startswith("CrCl 25 mL/min")
    assert "gabapentin_label" in item["dose"]["source"]


def test_non_medication_items_carry_no_dose() -> None:
    a = _assess(PDN, {})
    for track, items in a.tracks.items():
        if track != "medication":
            assert all(i.dose is None for i in items), track


def test_an_older_adult_without_a_crcl_is_asked_for_one_and_not_once_it_is_known() -> None:
    unknown = _dose(_assess(PDN, {"patient": {"age": 75}}), "gabapentin").adjusted
    known = _dose(_assess(PDN, {"patient": {"age": 75, "crcl_ml_min": 80}}), "gabapentin").adjusted
    young = _dose(_assess(PDN, {"patient": {"age": 40}}), "gabapentin").adjusted
    assert "no CrCl recorded" in unknown
    assert "no CrCl recorded" not in known and known.startswith("CrCl 80 mL/min: 900-3600")
    assert "no CrCl recorded" not in young


ACUTE_SEVERE: dict[str, Any] = merge(
    BASE,
    {
        "patient": {"age": 50, "comorbidities": ["ckd"]},
        "history": {"duration_weeks": 3, "pain": {"now": 9, "worst": 9, "least": 6}},
    },
)
FLUOXETINE = {"drug": "fluoxetine", "dose_mg": 20, "per_day": 1}
LORAZEPAM = {"drug": "lorazepam", "dose_mg": 1, "per_day": 1}
SERTRALINE = {"drug": "sertraline", "dose_mg": 50, "per_day": 1}


def _meds(base: dict[str, Any], *meds: dict[str, Any]) -> dict[str, Any]:
    return {"patient": {"medications": [*base["patient"].get("medications", []), *meds]}}


def _with(base: dict[str, Any], comorbidity: str) -> dict[str, Any]:
    return {"patient": {"comorbidities": [*base["patient"].get("comorbidities", []), comorbidity]}}


# item, words of its band, base visit, changes where the band holds, changes where it does not
BANDS = [
    ("opioid_short_course", "CYP2D6 inhibitor", ACUTE_SEVERE,
     _meds(ACUTE_SEVERE, FLUOXETINE), {}),
    ("opioid_short_course", "tramadol at most 300 mg", ACUTE_SEVERE,
     {"patient": {"age": 76}}, {"patient": {"age": 74}}),
    ("opioid_short_course", "avoid with a benzodiazepine", ACUTE_SEVERE,
     _meds(ACUTE_SEVERE, LORAZEPAM), {}),
    ("opioid_short_course", "avoid morphine, codeine and tramadol ER", ACUTE_SEVERE,
     {"patient": {"crcl_ml_min": 25}}, {"patient": {"crcl_ml_min": 30}}),
    ("oral_nsaid", "proton pump inhibitor", KNEE, _meds(KNEE, SERTRALINE), {}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("item", "words", "base", "holds", "quiet"), BANDS, ids=[f"{r[0]}:{r[1]}" for r in BANDS]
)
def test_each_band_shows_for_the_patient_it_fits_and_not_for_a_similar_one(
    item: str, words: str, base: dict[str, Any], holds: dict[str, Any], quiet: dict[str, Any]
) -> None:
    assert words in _dose(_assess(base, holds), item).adjusted
    assert words not in _dose(_assess(base, quiet), item).adjusted


def test_the_dose_reaches_the_note_and_the_app_rows() -> None:
    from painclinic.notes import render
    from painclinic.tui.widgets.assessment_pane import track_rows

    visit = visit_from_data(merge(PDN, {"patient": {"crcl_ml_min": 25}}), source="<test visit>")
    a = assess(visit)
    note = " ".join(render(visit, a, "txt").decode().split())  # unwrapped
    assert "Dose: Adjusted for this patient: CrCl 25 mL/min: 200-700 mg once daily" in note
    row = next(r for r in track_rows(a, None) if r.item_id == "gabapentin")
    assert row.dose.startswith("Adjusted for this patient: CrCl 25 mL/min: 200-700 mg once daily")
    assert "titrate" not in row.dose and "titrate" in row.dose_detail
    assert all(not r.dose for r in track_rows(a, None) if r.track != "medication")


def _satisfying(expr: Any) -> set[str]:
    """Facts that make a simple rule hold (first branch of an `any`, nothing for a `not`)."""
    if expr is None:
        return set()
    if isinstance(expr, str):
        return {expr}
    if isinstance(expr, list):
        return set().union(*(_satisfying(e) for e in expr))
    if "all" in expr:
        return set().union(*(_satisfying(e) for e in expr["all"]))
    if "any" in expr:
        return _satisfying(expr["any"][0])
    if "at_least" in expr:
        return set().union(*(_satisfying(e) for e in expr["of"][: int(expr["at_least"])]))
    return set()  # `not`: the negated facts are simply absent


def _band_cases() -> list[tuple[str, int]]:
    kb = load_knowledge()
    return [(tid, i) for tid, d in kb.doses.items() for i in range(len(d.adjust))]


@pytest.mark.parametrize(("tid", "index"), _band_cases(), ids=lambda v: str(v))
def test_every_band_applies_to_a_patient_it_fits_and_not_to_one_without(
    tid: str, index: int
) -> None:
    """Each band on its own (facts given directly): it shows, with its source, for a patient
    who meets its conditions, and not for the same patient without them."""
    from painclinic.engine.doses import attach_doses
    from painclinic.engine.expr import Facts
    from painclinic.model import TrackItem

    kb = load_knowledge()
    band = kb.doses[tid].adjust[index]
    crcl = None
    if band.crcl_at_least is not None or band.crcl_below is not None:
        low = band.crcl_at_least if band.crcl_at_least is not None else 0
        high = band.crcl_below if band.crcl_below is not None else low + 100
        crcl = (low + high) / 2
    age = band.age_at_least + 1 if band.age_at_least is not None else 40
    fits = Facts({f: f.replace("_", " ") for f in _satisfying(band.when)})

    def adjusted(facts: Facts, crcl_ml_min: float | None, years: int) -> str:
        visit = visit_from_data(
            merge(BASE, {"patient": {"age": years, "crcl_ml_min": crcl_ml_min}}), source="<t>"
        )
        items = [TrackItem(id=tid, label=tid, rationale="")]
        attach_doses({"medication": items}, kb, facts, visit)
        assert items[0].dose is not None and items[0].dose.start
        if band.text in items[0].dose.adjusted:
            assert set(band.source) <= set(items[0].dose.source)
        return items[0].dose.adjusted

    assert band.text in adjusted(fits, crcl, age)
    # Without it: no facts, and the numbers moved outside the band (or unrecorded).
    outside = None if band.crcl_unknown is False else 50.0
    if band.crcl_at_least is not None:
        outside = band.crcl_at_least - 1
    elif band.crcl_below is not None:
        outside = band.crcl_below + 1
    if band.when is None and band.age_at_least is None and outside is None:
        return
    quiet_age = band.age_at_least - 1 if band.age_at_least is not None else 40
    if band.when is not None:
        assert band.text not in adjusted(Facts(), crcl, age)
    if outside is not None or band.age_at_least is not None:
        assert band.text not in adjusted(fits, outside if outside is not None else crcl, quiet_age)
