"""Visit notes (`painclinic.notes`) and de-identification (`painclinic.deidentify`).

Golden files: tests/golden/*.md and *.txt hold the expected notes for the project's own case
tests/cases/lumbar-s1-radiculopathy.yaml, without a plan (unreviewed suggestions) and with the
physician's plan built below (PLAN). After an intended change to the note, regenerate them with

    PAINCLINIC_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_notes.py

then read `git diff tests/golden` as a physician would before committing. The golden files show
the knowledge-base fingerprint as `<sha256>`, but any edit of the wording in data/*.yaml that the
note quotes (rationales, labels) needs a regeneration.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from fhir.resources.R4B.bundle import Bundle
from icalendar import Calendar
from pypdf import PdfReader

from painclinic import assess
from painclinic.deidentify import date_shift, deidentify, pseudonym
from painclinic.knowledge import load_knowledge
from painclinic.model import Assessment, Visit
from painclinic.notes import FORMATS, render
from painclinic.notes import labels as L
from painclinic.notes.fhir import planned_items
from painclinic.notes.redaction import REMOVED, Redaction
from painclinic.validation import visit_from_data
from tests.builders import merge

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
CASES = HERE / "cases"
UPDATE = os.environ.get("PAINCLINIC_UPDATE_GOLDEN") == "1"
UNREVIEWED = "UNREVIEWED SUGGESTIONS, NOT A PLAN"
KEY = bytes(range(32))  # a fixed de-identification key: the tests' notes stay byte-stable
HEADINGS = ("Subjective", "Objective", "Assessment", "Plan")

PLAN: dict[str, Any] = {
    "accepted": ["transforaminal_esi", "physical_therapy", "nerve_glides", "sleep_hygiene"],
    "declined": [
        {"id": "oral_steroid_taper", "reason": "patient preference after a poor prior course"},
        {"id": "opioid_short_course", "reason": "prefers to avoid opioids"},
    ],
    "added": [{"track": "coordination", "label": "Occupational health letter for light duty"}],
    "checkpoints": [
        {"date": "2026-12-04", "label": "First PT session", "about": "physical_therapy"},
        {"date": "2026-12-18", "label": "Epidural response review", "about": "transforaminal_esi"},
        {"date": "2027-01-08", "label": "Return-to-work review", "about": "function_review"},
    ],
}


def case_data(name: str) -> dict[str, Any]:
    data = yaml.safe_load((CASES / f"{name}.yaml").read_text(encoding="utf-8"))
    data.pop("expect", None)
    return data


def load(name: str, **changes: Any) -> Visit:
    return visit_from_data(merge(case_data(name), changes), source=f"<{name}>")


def pair(visit: Visit) -> tuple[Visit, Assessment]:
    return visit, assess(visit)


@pytest.fixture(scope="module")
def unplanned() -> tuple[Visit, Assessment]:
    return pair(load("lumbar-s1-radiculopathy"))


@pytest.fixture(scope="module")
def planned() -> tuple[Visit, Assessment]:
    return pair(load("lumbar-s1-radiculopathy", plan=PLAN))


# A record full of identifying free text, for de-identification.
NAME = "Harriet Quinlan-Vance"
PRIVATE: dict[str, Any] = {
    "patient": {
        "id": "p-7781",
        "name": NAME,
        "age": None,
        "birth_date": "1970-03-15",
        "occupation": "harbour pilot",
        "allergies": ["penicillin (rash)"],
        "medications": [{"drug": "ibuprofen", "dose_mg": 400, "per_day": 3, "note": "Harriet"}],
    },
    "history": {
        "chief_complaint": "Harriet reports right leg pain; Mrs Quinlan-Vance cannot sit",
        "trigger": "lifting boxes at the QUINLAN-VANCE house",
        "aggravating": ["sitting", "carrying Harriet's grandchild"],
        "prior_treatments": [
            {"treatment": "physical_therapy", "response": "failed", "note": "Harriet stopped"}
        ],
    },
    "goals": [
        {"label": "Harriet sits through a meeting", "measure": "sitting_minutes", "target": 60}
    ],
    "plan": {
        "accepted": ["transforaminal_esi", "physical_therapy"],
        "declined": [{"id": "oral_steroid_taper", "reason": "Harriet Quinlan-Vance declined"}],
        "added": [{"track": "coordination", "label": "Letter for Ms Quinlan-Vance's employer"}],
        "checkpoints": [
            {"date": "2026-12-04", "label": "Call Harriet about PT", "about": "physical_therapy"},
            {"date": "2027-01-22", "label": "Quinlan-Vance goal review", "about": "goal_review"},
        ],
    },
}


@pytest.fixture(scope="module")
def private() -> Visit:
    return load("lumbar-s1-radiculopathy", **PRIVATE)


def md(visit: Visit, a: Assessment) -> str:
    return render(visit, a, "md").decode()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def flat(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- golden files


@pytest.mark.parametrize("fmt", ["md", "txt"])
@pytest.mark.parametrize("which", ["unplanned", "planned"])
def test_golden(which: str, fmt: str, request: pytest.FixtureRequest) -> None:
    visit, a = request.getfixturevalue(which)
    suffix = "" if which == "unplanned" else "-plan"
    path = GOLDEN / f"lumbar-s1-radiculopathy{suffix}{FORMATS[fmt].suffix}"
    # the knowledge-base fingerprint changes with every data edit; the golden file keeps a mark
    got = render(visit, a, fmt).decode().replace(a.knowledge.sha256[:12], "<sha256>")
    if UPDATE or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"golden file {path.name} was missing and has been written; check it")
    assert got == path.read_text(encoding="utf-8"), (
        f"{path.name} differs; if intended, regenerate with PAINCLINIC_UPDATE_GOLDEN=1"
    )


# ---------------------------------------------------------------- interface


def test_every_registered_format_renders_the_visit(planned: tuple[Visit, Assessment]) -> None:
    # The formats users and scripts name (README, CONTRACT); each renders to real content.
    assert list(FORMATS) == ["md", "txt", "html", "pdf", "fhir", "ics"]
    for key, fmt in FORMATS.items():
        content = render(*planned, key)
        assert fmt.key == key and fmt.suffix.startswith(".") and fmt.title
        assert len(content) > 200, key


def test_unknown_format_names_the_allowed_ones(unplanned: tuple[Visit, Assessment]) -> None:
    with pytest.raises(ValueError, match=r"docx.*md, txt, html, pdf, fhir, ics"):
        render(*unplanned, "docx")


def test_assessment_of_another_record_is_refused(
    unplanned: tuple[Visit, Assessment], private: Visit
) -> None:
    visit, a = unplanned
    with pytest.raises(ValueError, match="assess the visit being rendered"):
        render(deidentify(visit, KEY), a, "md")


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("which", ["unplanned", "planned"])
def test_same_input_same_bytes(which: str, fmt: str, request: pytest.FixtureRequest) -> None:
    visit, _ = request.getfixturevalue(which)
    fresh = visit.model_copy(deep=True)
    first = render(visit, assess(visit), fmt)
    assert first == render(fresh, assess(fresh), fmt)
    today = dt.date.today()
    if fmt != "pdf" and today != visit.visit.date:
        assert today.isoformat().encode() not in first
        assert today.strftime("%Y%m%d").encode() not in first


def test_notes_import_no_textual_or_typer() -> None:
    code = (
        "import sys, painclinic.notes, painclinic.deidentify\n"
        "from painclinic.notes import fhir, ics, pdf, html, markdown, text\n"
        "bad = [m for m in ('textual', 'typer') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=HERE.parent)


# ---------------------------------------------------------------- content


def test_soap_sections_in_order(unplanned: tuple[Visit, Assessment]) -> None:
    note = md(*unplanned)
    at = [note.index(f"\n## {h}\n") for h in (*HEADINGS, "Medication safety")]
    assert at == sorted(at)
    assert note.startswith("# ")


def test_subjective_and_objective_details(unplanned: tuple[Visit, Assessment]) -> None:
    note = flat(md(*unplanned))
    for expected in (
        "Right buttock and calf pain",
        "now 7, worst 9, least 4",
        "Ibuprofen 400 mg 3 times a day",
        "Physical therapy: did not help",
        "Oral NSAID: partial help",
        "DN4 5: neuropathic pain likely",
        "Ankle plantar flexion (S1): left 5/5, right 4/5",
        "S1: left normal, right reduced",
        "Achilles (S1-S2): left normal, right reduced",
        "Straight-leg raise: left negative, right positive",
        "MRI: disc herniation at L5-S1, right, paracentral",
        "S1 right:",
        "1. Lumbar radiculopathy:",
        "Neuropathic grade:",
    ):
        assert expected in note, expected


def test_denied_red_flags_appear_as_denied(unplanned: tuple[Visit, Assessment]) -> None:
    for fmt in ("md", "txt", "html"):
        note = flat(render(*unplanned, fmt).decode())
        assert "Denies saddle anaesthesia, new bladder dysfunction, new bowel dysfunction" in note
        assert "Not asked: immunosuppression" in note
        assert "No red flags found among the items asked" in note


def test_red_flag_marked_in_words_with_its_action() -> None:
    visit, a = pair(load("cauda-equina-emergency"))
    assert a.red_flags and a.red_flags[0].urgency == "emergency"
    flag = a.red_flags[0]
    for fmt in ("md", "txt", "html"):
        note = flat(render(visit, a, fmt).decode())
        assert "RED FLAG (EMERGENCY)" in note
        assert flat(flag.action) in note
    assert "RED FLAG (EMERGENCY)" in pdf_text(render(visit, a, "pdf"))


def test_unreviewed_wording_only_without_a_plan(
    unplanned: tuple[Visit, Assessment], planned: tuple[Visit, Assessment]
) -> None:
    for fmt in ("md", "txt", "html"):
        assert UNREVIEWED in flat(render(*unplanned, fmt).decode())
        assert UNREVIEWED not in flat(render(*planned, fmt).decode())
    assert UNREVIEWED in pdf_text(render(*unplanned, "pdf"))
    assert UNREVIEWED not in pdf_text(render(*planned, "pdf"))
    assert "Transforaminal epidural steroid injection" in md(*unplanned)


def test_plan_reports_the_physicians_decisions(planned: tuple[Visit, Assessment]) -> None:
    visit, a = planned
    note = flat(md(visit, a))
    plan = note[note.index("## Plan") : note.index("## Medication safety")]
    esi = next(i for i in a.tracks["interventional"] if i.id == "transforaminal_esi")
    assert flat(esi.rationale)[:60] in plan  # accepted item with its reason
    assert "Occupational health letter for light duty (added by the physician)" in plan
    assert "declined (patient preference after a poor prior course)" in plan
    assert "declined (prefers to avoid opioids)" in plan
    for item in a.avoid:
        assert f"{L.avoid(item.id)}: {flat(item.reason)}" in plan
    assert "Sit through a work meeting: baseline 15, target 60 (sitting minutes)" in plan
    assert "### Dated checkpoints" in plan
    assert "2026-12-04: First PT session (rehabilitation; physical therapy)" in plan
    assert "2027-01-08: Return-to-work review" in plan
    # the physician's checkpoints replace the suggested ones
    assert a.checkpoints[-1].label not in plan


def test_avoid_items_are_listed_with_their_reasons() -> None:
    visit, a = pair(load("pregnancy-pelvic-girdle-pain"))
    assert a.avoid
    note = flat(md(visit, a))
    assert "### Avoid" in note
    for item in a.avoid:
        assert f"{L.avoid(item.id)}: {flat(item.reason)}" in note


def test_accepting_an_avoided_item_is_flagged_and_still_planned() -> None:
    avoided = [x.id for x in assess(load("pregnancy-pelvic-girdle-pain")).avoid]
    risky = next(i for i in avoided if i in load_knowledge().treatments)
    plan = {"accepted": [risky]}
    visit, a = pair(load("pregnancy-pelvic-girdle-pain", plan=plan))
    assert risky not in a.suggested_ids()
    note = flat(md(visit, a))
    assert "Accepted by the physician; not among this assessment's suggestions." in note
    assert "CAUTION: the assessment advises avoiding this:" in note
    assert "### Suggested checkpoints" in note  # the physician set none
    _, by_type = resources(render(visit, a, "fhir"))
    codes = [act.detail.code.coding[0].code for act in by_type["CarePlan"][0].activity]
    assert codes == [risky]


def test_safety_figures_and_alerts() -> None:
    visit, a = pair(load("opioid-benzodiazepine-naloxone"))
    assert a.safety.alerts
    note = flat(md(visit, a))
    assert f"MME/day:** {a.safety.mme_per_day:g}" in note
    assert f"{a.safety.acetaminophen_mg_per_day:g} mg/day" in note
    for alert in a.safety.alerts:
        assert f"ALERT ({alert.severity.upper()})" in note
        assert flat(alert.message)[:50] in note


def test_footer_names_knowledge_base_and_visit_date(unplanned: tuple[Visit, Assessment]) -> None:
    visit, a = unplanned
    for fmt in ("md", "txt", "html"):
        note = flat(render(visit, a, fmt).decode())
        assert f"Knowledge base {a.knowledge.version} (sha256 {a.knowledge.sha256[:12]})" in note
        assert "generated by painclinic" in note
        assert visit.visit.date.isoformat() in note


def test_plain_text_pastes_cleanly(planned: tuple[Visit, Assessment]) -> None:
    text = render(*planned, "txt").decode()
    assert all(len(line) <= 78 for line in text.splitlines())
    for mark in ("#", "**", "`", "<", "&lt;"):
        assert mark not in text
    for heading in (*HEADINGS, "Medication safety"):
        assert f"\n{heading.upper()}\n" in text


def test_markdown_escapes_record_markup() -> None:
    visit, a = pair(load("lumbar-s1-radiculopathy", history={"trigger": "a *bold* [link](x)"}))
    note = md(visit, a)
    assert r"a \*bold\* \[link\](x)" in note


def test_html_is_standalone_and_escaped() -> None:
    attack = "<script>alert('x')</script> & <b>bold</b>"
    visit, a = pair(
        load(
            "lumbar-s1-radiculopathy",
            patient={"name": "<img src=x onerror=alert(1)>"},
            history={"chief_complaint": attack},
            goals=[{"label": "<script>goal</script>", "target": 60}],
        )
    )
    html = render(visit, a, "html").decode()
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert '<meta charset="utf-8">' in html and "<style>" in html
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;" in html


def test_pdf_holds_headings_and_every_planned_item(planned: tuple[Visit, Assessment]) -> None:
    visit, a = planned
    data = render(visit, a, "pdf")
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    text = pdf_text(data)
    for heading in HEADINGS:
        assert heading in text
    for _, _, label, _ in planned_items(visit, a):
        assert flat(label) in text, label
    assert f"Page 1/{len(reader.pages)}" in text
    assert reader.metadata.creation_date.date() == visit.visit.date


def test_pdf_survives_characters_outside_latin1() -> None:
    visit, a = pair(
        load(
            "lumbar-s1-radiculopathy",
            history={
                "chief_complaint": "Pain \u2014 worse \u2265 2 h \u201cburning\u201d \u2603 \u75db"
            },
        )
    )
    text = pdf_text(render(visit, a, "pdf"))
    assert 'Pain - worse >= 2 h "burning" ? ?' in text


# ---------------------------------------------------------------- FHIR


def resources(data: bytes) -> tuple[Bundle, dict[str, list[Any]]]:
    bundle = Bundle.model_validate_json(data)
    by_type: dict[str, list[Any]] = {}
    for entry in bundle.entry:
        by_type.setdefault(entry.resource.get_resource_type(), []).append(entry.resource)
    return bundle, by_type


@pytest.mark.parametrize("which", ["unplanned", "planned"])
def test_fhir_bundle_round_trips_and_keeps_every_planned_item(
    which: str, request: pytest.FixtureRequest
) -> None:
    visit, a = request.getfixturevalue(which)
    data = render(visit, a, "fhir")
    bundle, by_type = resources(data)
    assert bundle.type == "collection"
    assert json.loads(data) == json.loads(json.dumps(json.loads(data), sort_keys=True))

    urls = {e.fullUrl for e in bundle.entry}
    assert len(urls) == len(bundle.entry) and all(u.startswith("urn:uuid:") for u in urls)
    refs = [m for m in data.decode().split('"reference": "')[1:]]
    assert refs and all(r.split('"')[0] in urls for r in refs), "dangling reference"

    (patient,) = by_type["Patient"]
    assert patient.name[0].text == visit.patient.name
    (encounter,) = by_type["Encounter"]
    assert str(encounter.period.start) == visit.visit.date.isoformat()
    conditions = by_type["Condition"]
    assert [c.code.text for c in conditions] == [d.label for d in a.differential]
    assert all(c.note and c.note[0].text.startswith("Evidence: ") for c in conditions)

    observations = by_type["Observation"]
    pain = [o for o in observations if o.code.coding and o.code.coding[0].code == "72514-3"]
    assert len(pain) == 1 and pain[0].valueInteger == visit.history.pain.now
    assert pain[0].code.coding[0].system == "http://loinc.org"
    instruments = {o.code.text for o in observations} - {pain[0].code.text}
    assert instruments == {"DN4", "PHQ-9"}

    (careplan,) = by_type["CarePlan"]
    planned_labels = [label for _, _, label, _ in planned_items(visit, a)]
    assert [act.detail.code.text for act in careplan.activity] == planned_labels
    if visit.plan is None:
        assert careplan.intent == "proposal"
        assert UNREVIEWED in careplan.note[0].text
        assert len(planned_labels) == sum(len(v) for v in a.tracks.values())
    else:
        assert (careplan.status, careplan.intent) == ("active", "plan")
        accepted = {
            act.detail.code.coding[0].code for act in careplan.activity if act.detail.code.coding
        }
        assert accepted == set(visit.plan.accepted)
        assert "Occupational health letter for light duty" in planned_labels
        assert "Declined: Short oral prednisone taper" in careplan.note[0].text

    goals = by_type["Goal"]
    assert [g.description.text for g in goals] == [g.label for g in visit.goals]
    assert goals[0].target[0].detailQuantity.value == 60

    requests = by_type["ServiceRequest"]
    expected = (
        [(c.date, c.label) for c in visit.plan.checkpoints]
        if visit.plan
        else [(c.date, c.label) for c in a.checkpoints]
    )
    assert [(dt.date.fromisoformat(str(r.occurrenceDateTime)), r.code.text) for r in requests] == (
        expected
    )


# ---------------------------------------------------------------- iCalendar


@pytest.mark.parametrize("which", ["unplanned", "planned"])
def test_ics_has_one_all_day_event_per_checkpoint(
    which: str, request: pytest.FixtureRequest
) -> None:
    visit, a = request.getfixturevalue(which)
    cal = Calendar.from_ical(render(visit, a, "ics"))
    assert "painclinic" in str(cal["PRODID"])
    events = cal.walk("VEVENT")
    checkpoints = (
        [(c.date, c.label) for c in visit.plan.checkpoints]
        if visit.plan
        else [(c.date, c.label) for c in a.checkpoints]
    )
    assert len(events) == len(checkpoints)
    got = []
    for event in events:
        start = event.decoded("DTSTART")
        assert type(start) is dt.date  # all-day
        assert event.decoded("DTSTAMP").date() == visit.visit.date
        assert "Track:" in str(event["DESCRIPTION"]) and "About:" in str(event["DESCRIPTION"])
        got.append((start, str(event["SUMMARY"])))
    assert got == checkpoints
    assert len({str(e["UID"]) for e in events}) == len(events)


# ---------------------------------------------------------------- de-identification


def test_deidentify_returns_a_new_visit(private: Visit) -> None:
    before = private.model_dump()
    anon = deidentify(private, KEY)
    assert anon is not private and private.model_dump() == before
    assert anon.patient.name is None and anon.patient.birth_date is None
    assert anon.patient.id == pseudonym(private, KEY) and anon.patient.id.startswith("anon-")
    assert anon.patient.occupation == REMOVED and anon.patient.allergies == [REMOVED]


def test_deidentify_removes_free_text_and_keeps_codes(private: Visit) -> None:
    anon = deidentify(private, KEY)
    h, plan = anon.history, anon.plan
    assert plan is not None
    assert h.chief_complaint == REMOVED and h.trigger == REMOVED
    assert h.aggravating == ["sitting", REMOVED]  # a checklist choice is kept
    assert h.prior_treatments[0].treatment == "physical_therapy"
    assert h.prior_treatments[0].note == REMOVED
    assert anon.goals[0].label == REMOVED and anon.goals[0].measure == "sitting_minutes"
    assert plan.declined[0].reason == REMOVED and plan.added[0].label == REMOVED
    assert [c.label for c in plan.checkpoints] == [REMOVED, REMOVED]


def test_keep_text_scrubs_the_name_from_free_text(private: Visit) -> None:
    anon = deidentify(private, KEY, keep_text=True)
    h, plan = anon.history, anon.plan
    assert plan is not None
    assert h.chief_complaint == "[name] reports right leg pain; Mrs [name] cannot sit"
    assert h.trigger == "lifting boxes at the [name] house"
    assert h.aggravating == ["sitting", "carrying [name]'s grandchild"]
    assert h.prior_treatments[0].note == "[name] stopped"
    assert anon.patient.medications[0].note == "[name]"
    assert anon.goals[0].label == "[name] sits through a meeting"
    assert plan.declined[0].reason == "[name] declined"
    assert plan.added[0].label == "Letter for Ms [name]'s employer"
    assert [c.label for c in plan.checkpoints] == ["Call [name] about PT", "[name] goal review"]


def test_deidentify_shifts_every_date_by_one_offset(private: Visit) -> None:
    anon = deidentify(private, KEY)
    shift = anon.visit.date - private.visit.date
    assert shift == date_shift(private, KEY)
    assert dt.timedelta(days=-365) <= shift <= dt.timedelta(days=-30)
    assert private.plan and anon.plan
    for old, new in zip(private.plan.checkpoints, anon.plan.checkpoints, strict=True):
        assert new.date - old.date == shift
    assert anon.age() == private.age()
    # the assessment, recomputed, keeps its intervals too
    before, after = assess(private), assess(anon)
    assert [c.date - shift for c in after.checkpoints] == [c.date for c in before.checkpoints]


def test_deidentify_is_deterministic_per_patient_and_key(private: Visit) -> None:
    assert deidentify(private, KEY) == deidentify(private, KEY)
    later = private.model_copy(
        update={"visit": private.visit.model_copy(update={"type": "follow_up"})}
    )
    assert deidentify(later, KEY).patient.id == deidentify(private, KEY).patient.id
    assert date_shift(later, KEY) == date_shift(private, KEY)
    other = bytes(32)
    assert deidentify(private, other).patient.id != deidentify(private, KEY).patient.id


@pytest.mark.parametrize("keep_text", [False, True])
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_deidentified_note_holds_no_name_id_or_real_date(
    private: Visit, fmt: str, keep_text: bool
) -> None:
    anon = deidentify(private, KEY, keep_text=keep_text)
    data = render(anon, assess(anon), fmt, Redaction(kept_text=keep_text))
    text = pdf_text(data) if fmt == "pdf" else data.decode()
    if fmt == "ics":  # unfold long lines before searching
        text = text.replace("\r\n ", "")
    lowered = text.lower()
    secrets = ("harriet", "quinlan", "vance", "p-7781")
    for secret in (*secrets, *([] if keep_text else ["harbour pilot"])):  # kept: scrubbed text
        assert secret not in lowered, (fmt, secret)
    real_dates = [private.visit.date, private.patient.birth_date]
    real_dates += [c.date for c in private.plan.checkpoints] if private.plan else []
    for day in real_dates:
        assert day.isoformat() not in text and day.strftime("%Y%m%d") not in text, (fmt, day)
    assert anon.patient.id in text
    assert ("REVIEW BEFORE SHARING" in text) == keep_text, fmt
    if fmt in ("md", "txt", "html", "pdf"):
        marker = "[name]" if keep_text else REMOVED
        assert (marker.replace("[", r"\[").replace("]", r"\]") if fmt == "md" else marker) in text


def test_comments_and_body_map_markings_flow_into_the_note() -> None:
    """Issue 4: an optional comment on any checklist item flows into the note."""
    from painclinic import assess
    from tests.builders import visit

    v = visit(
        history={
            "region": "low_back",
            "pain": {"now": 6},
            "comments": {"history.pain.now": "worse after the night shift"},
            "body_map": {"L5": {"left": ["pain", "numbness"]}},
        }
    )
    for fmt in ("md", "txt", "html"):
        note = render(v, assess(v), fmt).decode()
        assert "worse after the night shift" in note, fmt
        assert "L5 left: pain, numbness" in note, fmt
