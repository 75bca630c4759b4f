"""FHIR R4 `collection` Bundle of a visit, built through the fhir.resources R4B models.

Every resource goes through its pydantic model, so an invalid resource fails here, at build
time, never in a receiving system. Ids are uuid5 of the visit and the item (same visit, same
ids); entries reference each other through `urn:uuid:` full URLs. The CarePlan holds one
activity per planned item: the physician's accepted and added items when the record holds a
plan, otherwise every suggestion, with intent `proposal` and a note that it is unreviewed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.goal import Goal, GoalTarget
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.observation import Observation, ObservationComponent
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.resource import Resource
from fhir.resources.R4B.servicerequest import ServiceRequest

from painclinic.model import TRACKS, Assessment, Visit
from painclinic.model import Goal as VisitGoal
from painclinic.notes import labels as L
from painclinic.notes.ids import item_uuid
from painclinic.notes.redaction import Redaction
from painclinic.notes.soap import UNREVIEWED, checkpoint_rows, end, joined

LOINC = "http://loinc.org"
PAIN_LOINC = "72514-3"
PAIN_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
SYS_PATIENT = "urn:painclinic:patient-id"
SYS_CONDITION = "urn:painclinic:condition"
SYS_TREATMENT = "urn:painclinic:treatment"
SYS_INSTRUMENT = "urn:painclinic:instrument"
SYS_RED_FLAG = "urn:painclinic:red-flag"
SYS_OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
SYS_CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
SYS_CONDITION_VER = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
SYS_CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
SYS_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
SYS_OBS_VALUE = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"
SYS_EXPORT = "urn:painclinic:export"


def _concept(text: str, system: str | None = None, code: str | None = None) -> CodeableConcept:
    coding = [Coding(system=system, code=code, display=text)] if system and code else None
    return CodeableConcept(coding=coding, text=text)


def _coded(system: str, code: str, display: str | None = None) -> CodeableConcept:
    return CodeableConcept(coding=[Coding(system=system, code=code, display=display)])


def _ref(resource: Resource, display: str | None = None) -> Reference:
    return Reference(reference=f"urn:uuid:{resource.id}", display=display)


def _value(value: float) -> dict[str, Any]:
    if float(value).is_integer():
        return {"valueInteger": int(value)}
    return {"valueQuantity": Quantity(value=value)}


def planned_items(visit: Visit, a: Assessment) -> list[tuple[str, str | None, str, str]]:
    """(track, id, label, reason) for every planned item, in track order.

    With a physician's plan: accepted items (their reason from the assessment's track item) and
    added items. Without one: every suggestion (still unreviewed).
    """
    suggested = {i.id: (track, i) for track in TRACKS for i in a.tracks.get(track, [])}
    plan = visit.plan
    if plan is None:
        return [(t, i.id, i.label, i.rationale) for t in TRACKS for i in a.tracks.get(t, [])]
    out: list[tuple[str, str | None, str, str]] = []
    for tid in plan.accepted:
        if tid in suggested:
            track, item = suggested[tid]
            out.append((track, tid, item.label, item.rationale))
        else:
            other = L.treatment_track(tid) or "other"
            out.append((other, tid, L.treatment(tid), "Accepted by the physician."))
    out += [(x.track, x.id, x.label, "Added by the physician.") for x in plan.added]
    order: dict[str, int] = {t: n for n, t in enumerate(TRACKS)}
    return sorted(out, key=lambda row: order.get(row[0], len(order)))  # stable within a track


@dataclass(frozen=True)
class _Context:
    """What every resource of one visit's bundle shares: the record, its day and references."""

    visit: Visit
    a: Assessment
    day: str
    subject: Reference  # the Patient
    seen: Reference  # the Encounter


def _meta(redaction: Redaction | None) -> Meta | None:
    """A de-identified bundle says so: HL7 security labels (pseudonymized, redacted) and a tag
    whose display is the note's notice."""
    if redaction is None:
        return None
    return Meta(
        security=[
            Coding(system=SYS_OBS_VALUE, code="PSEUDED", display="pseudonymized"),
            Coding(system=SYS_OBS_VALUE, code="REDACTED", display="redacted"),
        ],
        tag=[Coding(system=SYS_EXPORT, code="deidentified", display=redaction.notice)],
    )


def build_bundle(visit: Visit, a: Assessment, redaction: Redaction | None = None) -> Bundle:
    day = visit.visit.date.isoformat()
    patient = _patient(visit, redaction)
    encounter = _encounter(visit, day, _ref(patient))
    ctx = _Context(visit, a, day, subject=_ref(patient), seen=_ref(encounter))
    conditions = _conditions(ctx)
    goals = _goals(ctx, conditions)
    careplan = _careplan(ctx, conditions, goals)
    resources: list[Resource] = [
        patient,
        encounter,
        *_flags(ctx),
        *conditions,
        *_observations(ctx),
        *goals,
        careplan,
        *_service_requests(ctx, careplan),
    ]
    return Bundle(
        id=item_uuid(visit, "bundle"),
        meta=_meta(redaction),
        type="collection",
        timestamp=f"{day}T00:00:00+00:00",
        entry=[BundleEntry(fullUrl=f"urn:uuid:{r.id}", resource=r) for r in resources],
    )


def _patient(visit: Visit, redaction: Redaction | None) -> Patient:
    """The Patient; de-identified, it holds the pseudonym and sex only (no name, no birth date:
    FHIR has no element for an age, and the age group is in the notes)."""
    p = visit.patient
    kept = redaction is None
    return Patient(
        id=item_uuid(visit, "patient"),
        meta=_meta(redaction),
        identifier=[Identifier(system=SYS_PATIENT, value=p.id)] if p.id else None,
        name=[HumanName(text=p.name)] if p.name and kept else None,
        gender=p.sex,
        birthDate=p.birth_date.isoformat() if p.birth_date and kept else None,
    )


def _encounter(visit: Visit, day: str, subject: Reference) -> Encounter:
    complaint = visit.history.chief_complaint
    return Encounter(
        id=item_uuid(visit, "encounter"),
        status="finished",
        class_fhir=Coding(system=SYS_ACT_CODE, code="AMB", display="ambulatory"),
        type=[_concept("Follow-up visit" if visit.visit.type == "follow_up" else "Initial visit")],
        subject=subject,
        period=Period(start=day, end=day),
        reasonCode=[_concept(complaint)] if complaint else None,
    )


def _flags(ctx: _Context) -> list[Flag]:
    return [
        Flag(
            id=item_uuid(ctx.visit, "red_flag", f.id),
            status="active",
            code=_concept(
                f"RED FLAG ({f.urgency.upper()}): {f.label}, suggests {f.suggests}. "
                f"Action: {end(f.action)}",
                SYS_RED_FLAG,
                f.id,
            ),
            subject=ctx.subject,
            encounter=ctx.seen,
            period=Period(start=ctx.day),
        )
        for f in ctx.a.red_flags
    ]


def _conditions(ctx: _Context) -> list[Condition]:
    """The differential, most likely first: the first is provisional, the rest differential."""
    return [
        Condition(
            id=item_uuid(ctx.visit, "condition", d.id),
            clinicalStatus=_coded(SYS_CONDITION_CLINICAL, "active"),
            verificationStatus=_coded(
                SYS_CONDITION_VER, "provisional" if n == 0 else "differential"
            ),
            category=[_coded(SYS_CONDITION_CATEGORY, "encounter-diagnosis")],
            code=_concept(d.label, SYS_CONDITION, d.id),
            subject=ctx.subject,
            encounter=ctx.seen,
            recordedDate=ctx.day,
            note=[Annotation(text=f"Evidence: {joined(d.evidence, '; ') or 'none recorded'}")],
        )
        for n, d in enumerate(ctx.a.differential)
    ]


def _observations(ctx: _Context) -> list[Observation]:
    """Pain now (LOINC, with worst and least as components), then each screening total."""
    observations: list[Observation] = []
    pain = ctx.visit.history.pain
    if pain.now is not None:
        components = [
            ObservationComponent(code=_concept(f"{name} pain (0-10)"), valueInteger=value)
            for name, value in (("Worst", pain.worst), ("Least", pain.least))
            if value is not None
        ]
        observations.append(
            Observation(
                id=item_uuid(ctx.visit, "observation", "pain_now"),
                status="final",
                category=[_coded(SYS_OBS_CATEGORY, "survey")],
                code=CodeableConcept(
                    coding=[Coding(system=LOINC, code=PAIN_LOINC, display=PAIN_DISPLAY)],
                    text="Pain now (0-10)",
                ),
                subject=ctx.subject,
                encounter=ctx.seen,
                effectiveDateTime=ctx.day,
                valueInteger=pain.now,
                component=components or None,
            )
        )
    screens = ctx.visit.history.screens
    for sid in sorted(screens):
        score = ctx.a.scores.get(sid)
        observations.append(
            Observation(
                id=item_uuid(ctx.visit, "observation", sid),
                status="final",
                category=[_coded(SYS_OBS_CATEGORY, "survey")],
                code=_concept(L.instrument(sid), SYS_INSTRUMENT, sid),
                subject=ctx.subject,
                encounter=ctx.seen,
                effectiveDateTime=ctx.day,
                interpretation=[_concept(score.detail)] if score else None,
                note=[Annotation(text=f"{L.screen(sid)} total")],
                **_value(screens[sid]),
            )
        )
    return observations


def _goal_target(g: VisitGoal) -> list[GoalTarget] | None:
    if g.target is None and not g.measure:
        return None
    detail: dict[str, Any] = {}
    if isinstance(g.target, int | float):
        detail["detailQuantity"] = Quantity(value=g.target, unit=L.words(g.measure or ""))
    elif g.target is not None:
        detail["detailString"] = L.words(str(g.target))
    return [GoalTarget(measure=_concept(L.words(g.measure)) if g.measure else None, **detail)]


def _goals(ctx: _Context, conditions: list[Condition]) -> list[Goal]:
    """The patient's goals, each addressing the most likely condition."""
    return [
        Goal(
            id=item_uuid(ctx.visit, "goal", n, g.label),
            lifecycleStatus="active",
            description=_concept(g.label),
            subject=ctx.subject,
            startDate=ctx.day,
            target=_goal_target(g),
            addresses=[_ref(conditions[0])] if conditions else None,
            note=[Annotation(text=f"Baseline: {L.words(str(g.baseline))}")]
            if g.baseline is not None
            else None,
        )
        for n, g in enumerate(ctx.visit.goals)
    ]


def _careplan(ctx: _Context, conditions: list[Condition], goals: list[Goal]) -> CarePlan:
    """One activity per planned item; a draft proposal until the physician records a plan."""
    decided = ctx.visit.plan is not None
    activities = [
        CarePlanActivity(
            detail=CarePlanActivityDetail(
                kind="MedicationRequest" if track == "medication" else "ServiceRequest",
                code=_concept(label, SYS_TREATMENT, tid),
                status="not-started",
                description=f"{track.capitalize()}: {label}. Why: {end(reason)}",
            )
        )
        for track, tid, label, reason in planned_items(ctx.visit, ctx.a)
    ]
    notes = [_careplan_note(ctx.visit, ctx.a)]
    return CarePlan(
        id=item_uuid(ctx.visit, "careplan"),
        status="active" if decided else "draft",
        intent="plan" if decided else "proposal",
        title="Pain management plan" if decided else "Pain management suggestions (unreviewed)",
        category=[_concept("Pain management")],
        subject=ctx.subject,
        encounter=ctx.seen,
        period=Period(start=ctx.day),
        created=ctx.day,
        addresses=[_ref(c) for c in conditions] or None,
        goal=[_ref(g) for g in goals] or None,
        activity=activities or None,
        note=[Annotation(text=t) for t in notes if t],
    )


def _service_requests(ctx: _Context, careplan: CarePlan) -> list[ServiceRequest]:
    """One request per checkpoint, based on the care plan; drafts unless the physician set them."""
    plan = ctx.visit.plan
    reviewed = bool(plan and plan.checkpoints)
    return [
        ServiceRequest(
            id=item_uuid(ctx.visit, "checkpoint", n, when.isoformat(), label),
            status="active" if reviewed else "draft",
            intent="plan" if reviewed else "proposal",
            code=_concept(label, SYS_TREATMENT, about) if about else _concept(label),
            subject=ctx.subject,
            encounter=ctx.seen,
            occurrenceDateTime=when.isoformat(),
            authoredOn=ctx.day,
            basedOn=[_ref(careplan)],
            note=[
                Annotation(
                    text=f"Checkpoint. Track: {track or 'not stated'}; about: "
                    + (L.about(about) if about else "not stated")
                    + ("" if reviewed else "; suggested, not yet reviewed by the physician")
                )
            ],
        )
        for n, (when, label, track, about) in enumerate(checkpoint_rows(ctx.visit, ctx.a))
    ]


def _careplan_note(visit: Visit, a: Assessment) -> str:
    plan = visit.plan
    parts = []
    if plan is None:
        parts.append(UNREVIEWED)
    else:
        parts.append(f"The physician's plan, recorded at the visit of {visit.visit.date}.")
        suggested = {i.id: i.label for items in a.tracks.values() for i in items}
        for d in plan.declined:
            label = suggested.get(d.id) or L.treatment(d.id)
            parts.append(f"Declined: {label} ({d.reason or 'no reason recorded'}).")
    for x in a.avoid:
        parts.append(f"Avoid: {L.avoid(x.id)} - {end(x.reason)}")
    return " ".join(parts)


def write(visit: Visit, assessment: Assessment, redaction: Redaction | None = None) -> bytes:
    bundle = build_bundle(visit, assessment, redaction)
    data = json.loads(bundle.model_dump_json())
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
