"""The two documents that cross painclinic's edge (CONTRACT.md): visit record and assessment.

Shapes and fixed enumerations live here. Ids that come from the knowledge base (regions,
drugs, red flags, ...) are plain strings in the models and are checked against the
knowledge base by `painclinic.validation`, so a knowledge edit never needs a code edit.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Sequence
from typing import Annotated, Any, Final, Literal, TypeGuard, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

SCHEMA_ID: Final = "painclinic.visit/1"

Side = Literal["left", "right"]
SIDES: tuple[Side, ...] = get_args(Side)
SideOrAll = Literal["left", "right", "bilateral", "midline"]
TestResult = Literal["positive", "negative", "equivocal", "not_done"]
SensoryGrade = Literal["normal", "reduced", "absent", "increased"]
ReflexGrade = Literal["normal", "reduced", "absent", "brisk"]
Urgency = Literal["emergency", "urgent", "soon"]
Mechanism = Literal["nociceptive", "neuropathic", "nociplastic", "mixed"]
Track = Literal["rehabilitation", "medication", "interventional", "behavioral", "coordination"]
TRACKS: tuple[Track, ...] = (
    "rehabilitation",
    "medication",
    "interventional",
    "behavioral",
    "coordination",
)
URGENCY_RANK: dict[str, int] = {"emergency": 0, "urgent": 1, "soon": 2}


def _not_yes_no(value: Any) -> Any:
    """A yes/no where the record holds a number: pydantic's lax mode reads `true` as 1, so a
    dose of `true` or an MRC grade of `false` passed as 1 and 0 (found by fuzzing)."""
    if isinstance(value, bool):
        raise PydanticCustomError("bool_for_number", "yes/no given where a number is expected")
    return value


NotYesNo = BeforeValidator(_not_yes_no)  # on every number of the record
Rating = Annotated[int, NotYesNo, Field(ge=0, le=10)]
MRC = Annotated[int, NotYesNo, Field(ge=0, le=5)]
Percent = Annotated[float, NotYesNo, Field(ge=0, le=100, allow_inf_nan=False)]
# Every number in a record is finite and has a ceiling no real value reaches: `.inf` or 1e300
# in a dose would make the daily MME infinite (and `null` in the assessment JSON).
Finite = Annotated[float, NotYesNo, Field(allow_inf_nan=False)]
Milligrams = Annotated[
    float, NotYesNo, Field(ge=0, le=10_000, allow_inf_nan=False)
]  # per dose unit
PerDay = Annotated[float, NotYesNo, Field(ge=0, le=100, allow_inf_nan=False)]  # doses a day
McgPerHour = Annotated[
    float, NotYesNo, Field(ge=0, le=10_000, allow_inf_nan=False)
]  # patches, pumps
Hours = Annotated[float, NotYesNo, Field(ge=0, le=8_760, allow_inf_nan=False)]  # up to a year
Weeks = Annotated[float, NotYesNo, Field(ge=0, le=5_200, allow_inf_nan=False)]  # up to a century
Years = Annotated[float, NotYesNo, Field(ge=0, le=120, allow_inf_nan=False)]
# A function measure or goal value (minutes, metres, steps): the checklist sets tighter ranges
# for the measures it asks (validation); no measure is negative or beyond this.
MEASURE_MAX: Final = 1_000_000

# The oldest date a record may hold: no patient alive to be seen was born before it.
EARLIEST_DATE: Final = dt.date(1900, 1, 1)
# A visit is recorded when it happens or is booked shortly ahead; a date further ahead is a
# typo (2062 for 2026). The window also keeps every date the engine computes from the visit
# date (checkpoints weeks ahead) far from date.max, which a visit in 9999 overflowed.
VISIT_AHEAD_DAYS: Final = 366


def _measure(value: Any) -> float | str:
    """A number (finite, 0 to MEASURE_MAX) or text, e.g. `work_status` in the patient's words.
    Text that reads as a number ("30", "Infinity", "NaN") is that number, and is checked so."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("measure_type", "a number or text is expected here")
    try:
        number = float(value)
    except OverflowError:  # an int beyond float range: no measure is that large
        number = float("inf")
    if not 0 <= number <= MEASURE_MAX:  # also false for NaN
        raise PydanticCustomError(
            "measure_range",
            "out of range (allowed: a number from 0 to {max})",
            {"max": f"{MEASURE_MAX:,}"},
        )
    return number  # as float, as the `float | str` union before it gave


Measure = Annotated[float | str, PlainValidator(_measure)]


def _visit_date(value: dt.date) -> dt.date:
    latest = dt.date.today() + dt.timedelta(days=VISIT_AHEAD_DAYS)
    if not EARLIEST_DATE <= value <= latest:
        raise PydanticCustomError(
            "date_window",
            "outside the dates a visit can have (allowed: {earliest} to a year from today)",
            {"earliest": EARLIEST_DATE.isoformat()},
        )
    return value


VisitDate = Annotated[dt.date, AfterValidator(_visit_date)]


def record_value(record: Any, path: str) -> Any:
    """The value at a dotted field path of a visit record dict (None when absent), e.g.
    `history.pain.now`: the paths the checklist, the session and practice cases use."""
    node: Any = record
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def unwrap(annotation: Any) -> Any:
    """An annotation without `Annotated[...]` and without an optional `| None`."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def is_model(annotation: Any) -> TypeGuard[type[BaseModel]]:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def field_at(path: str | Sequence[str | int], root: Any = None) -> Any | None:
    """The (unwrapped) type stored at a dotted path of the visit model, or None when the path
    leaves it. A step into a model takes a field name or alias; a step into a dict takes any
    key (`history.red_flags.fever`), a step into a list an index (`patient.medications.0`).
    The one walker behind the checklist's field kinds, validation's "allowed here" lists and
    the knowledge check that every checklist field exists."""
    annotation: Any = Visit if root is None else root
    parts = path.split(".") if isinstance(path, str) else list(path)
    for part in parts:
        annotation = unwrap(annotation)
        origin = typing.get_origin(annotation)
        if is_model(annotation):
            fields = annotation.model_fields
            field = fields.get(str(part)) or next(
                (f for f in fields.values() if f.alias == part), None
            )
            if field is None:
                return None
            annotation = field.annotation
        elif origin is dict or (origin is list and str(part).isdigit()):
            annotation = typing.get_args(annotation)[-1]
        else:
            return None
    return unwrap(annotation)


class Record(BaseModel):
    """Base for visit-record parts: unknown keys are errors, never silently ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# ---------------------------------------------------------------- patient


class Medication(Record):
    drug: str
    dose_mg: Milligrams | None = None
    per_day: PerDay | None = None
    mcg_per_hour: McgPerHour | None = None
    acetaminophen_mg: Milligrams | None = None  # per unit, for combination products
    prn: bool = False
    note: str | None = None

    def units_per_day(self) -> float:
        return self.per_day if self.per_day is not None else 1.0


class Context(Record):
    """The person the plan must fit (CONTRACT 5.1): work, constraints, support, sport."""

    work_demands: Literal["manual", "sedentary", "mixed", "none"] | None = None
    work_status: (
        Literal["full_duty", "light_duty", "off_work", "not_working", "retired", "student"] | None
    ) = None
    constraints: list[
        Literal["two_jobs", "shift_work", "caregiving", "no_transport", "cost", "childcare"]
    ] = Field(default_factory=list)
    support: Literal["strong", "some", "none"] | None = None
    sport: bool | None = None  # regular sport or athletics: return to play matters


class Preferences(Record):
    """What the person wants of procedures and medicines (CONTRACT 5.1)."""

    procedures: Literal["open", "cautious", "declines"] | None = None
    needles: Literal["ok", "fearful"] | None = None
    medicines: Literal["open", "minimal", "declines"] | None = None
    video_visits: bool | None = None


class Patient(Record):
    id: str | None = None
    name: str | None = None
    age: Annotated[int, NotYesNo, Field(ge=0, le=120)] | None = None
    birth_date: dt.date | None = None
    sex: Literal["female", "male", "other"] | None = None
    pregnant: bool | None = None  # None: not asked
    pregnancy_weeks: Annotated[int, NotYesNo, Field(ge=0, le=42)] | None = None
    occupation: str | None = None
    comorbidities: list[str] = Field(default_factory=list)
    medications: list[Medication] = Field(default_factory=list)
    allergies: list[str] = Field(default_factory=list)
    weight_kg: Annotated[float, NotYesNo, Field(gt=0, le=400, allow_inf_nan=False)] | None = None
    crcl_ml_min: Annotated[float, NotYesNo, Field(ge=0, le=250, allow_inf_nan=False)] | None = None
    context: Context | None = None
    preferences: Preferences | None = None

    @model_validator(mode="after")
    def _pregnancy_consistent(self) -> Patient:
        # weeks given imply a pregnancy when it was not asked; `pregnant: false` with weeks
        # is a contradiction that validation reports
        if self.pregnancy_weeks is not None and self.pregnant is None:
            self.pregnant = True
        return self


# ---------------------------------------------------------------- visit


class VisitInfo(Record):
    date: VisitDate
    type: Literal["initial", "follow_up"] = "initial"
    clinician: str | None = None  # who saw the patient (CONTRACT 5.1)


class Pain(Record):
    now: Rating | None = None
    worst: Rating | None = None
    least: Rating | None = None


class PriorTreatment(Record):
    treatment: str
    response: Literal["helped", "partial", "failed", "not_tolerated", "ongoing"] = "failed"
    times: Annotated[int, NotYesNo, Field(ge=1, le=50)] = 1
    note: str | None = None


class Surgery(Record):
    procedure: str
    level: str | None = None
    years_ago: Years | None = None


class History(Record):
    chief_complaint: str | None = None
    region: str | None = None
    side: SideOrAll | None = None
    duration_weeks: Weeks | None = None
    onset: Literal["sudden", "gradual"] | None = None
    trigger: str | None = None
    radiation: list[str] = Field(default_factory=list)
    descriptors: list[str] = Field(default_factory=list)
    pain: Pain = Field(default_factory=Pain)
    aggravating: list[str] = Field(default_factory=list)
    relieving: list[str] = Field(default_factory=list)
    sleep_hours: Annotated[float, NotYesNo, Field(ge=0, le=24, allow_inf_nan=False)] | None = None
    headache_days_per_month: Annotated[int, NotYesNo, Field(ge=0, le=31)] | None = None
    function: dict[str, Measure] = Field(default_factory=dict)
    prior_treatments: list[PriorTreatment] = Field(default_factory=list)
    symptoms: list[str] = Field(default_factory=list)
    surgeries: list[Surgery] = Field(default_factory=list)
    red_flags: dict[str, bool] = Field(default_factory=dict)
    screens: dict[str, Finite] = Field(default_factory=dict)
    # Extensions (CONTRACT allows adding fields):
    # where the patient marks pain, numbness or paresthesia, as dermatome ids with side
    # (never screen positions), e.g. {"L5": {"left": ["pain", "numbness"]}}
    body_map: dict[str, dict[Side, list[MapMark]]] = Field(default_factory=dict)
    # the physician's comment on any checklist item, keyed by its field path; flows into notes
    comments: dict[str, str] = Field(default_factory=dict)


SideTests = dict[Side, TestResult]
MapMark = Literal["pain", "numbness", "paresthesia"]


def _per_side(value: Any) -> Any:
    """`crossed_slr: negative` is shorthand for the same result on both sides."""
    if isinstance(value, str):
        return {"left": value, "right": value}
    return value


class Exam(Record):
    straight_leg_raise: SideTests = Field(default_factory=dict)
    crossed_slr: SideTests = Field(default_factory=dict)
    spurling: SideTests = Field(default_factory=dict)
    motor: dict[str, dict[Side, MRC]] = Field(default_factory=dict)
    sensory: dict[str, dict[Side, SensoryGrade]] = Field(default_factory=dict)
    reflexes: dict[str, dict[Side, ReflexGrade]] = Field(default_factory=dict)
    tenderness: list[str] = Field(default_factory=list)
    trigger_points: list[str] = Field(default_factory=list)
    range_of_motion: dict[str, str] = Field(default_factory=dict)
    gait: str | None = None
    special_tests: dict[str, SideTests] = Field(default_factory=dict)
    signs: list[str] = Field(default_factory=list)

    @field_validator("straight_leg_raise", "crossed_slr", "spurling", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return _per_side(value)

    @field_validator("special_tests", mode="before")
    @classmethod
    def _shorthand_tests(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: _per_side(v) for k, v in value.items()}
        return value

    def test_results(self) -> dict[str, SideTests]:
        """Every provocative test in one map, wherever the record wrote it."""
        merged = dict(self.special_tests)
        for name in ("straight_leg_raise", "crossed_slr", "spurling"):
            own = getattr(self, name)
            if own:
                merged[name] = {**merged.get(name, {}), **own}
        return merged


class Imaging(Record):
    modality: str
    finding: str
    level: str | None = None
    side: SideOrAll | None = None
    zone: str | None = None
    site: str | None = None
    compartment: str | None = None
    severity: Literal["mild", "moderate", "severe"] | None = None
    note: str | None = None


class Response(Record):
    intervention: str
    relief_percent: Percent
    hours: Hours | None = None
    weeks: Weeks | None = None
    level: str | None = None
    side: SideOrAll | None = None
    note: str | None = None


class Goal(Record):
    label: str
    measure: str | None = None
    baseline: Measure | None = None
    target: Measure | None = None


class Declined(Record):
    id: str
    reason: str = ""


class Added(Record):
    track: Track
    label: str
    id: str | None = None


class PlannedCheckpoint(Record):
    date: dt.date
    label: str
    about: str | None = None
    done: dt.date | None = None  # when it was done or reviewed: it leaves the worklist


class Acknowledgement(Record):
    """An emergency red flag the physician has explicitly acknowledged (and when)."""

    flag: str
    at: dt.datetime


class Plan(Record):
    accepted: list[str] = Field(default_factory=list)
    declined: list[Declined] = Field(default_factory=list)
    added: list[Added] = Field(default_factory=list)
    checkpoints: list[PlannedCheckpoint] = Field(default_factory=list)
    acknowledged: list[Acknowledgement] = Field(default_factory=list)


class Visit(Record):
    """A visit record (CONTRACT.md section 1)."""

    schema_: Literal["painclinic.visit/1"] = Field(SCHEMA_ID, alias="schema")
    patient: Patient = Field(default_factory=Patient)
    visit: VisitInfo
    history: History = Field(default_factory=History)
    exam: Exam = Field(default_factory=Exam)
    imaging: list[Imaging] = Field(default_factory=list)
    responses: list[Response] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    plan: Plan | None = None

    def age(self) -> int | None:
        """Age in whole years on the visit date (never today's date)."""
        if self.patient.age is not None:
            return self.patient.age
        born = self.patient.birth_date
        if born is None:
            return None
        when = self.visit.date
        return when.year - born.year - ((when.month, when.day) < (born.month, born.day))

    def to_record(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


# ---------------------------------------------------------------- assessment


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VisitRef(Out):
    patient: str | None
    date: dt.date


class KnowledgeRef(Out):
    version: str
    sha256: str


class RedFlag(Out):
    id: str
    label: str
    urgency: Urgency
    suggests: str
    action: str
    evidence: list[str]
    source: list[str]


class MechanismResult(Out):
    primary: Mechanism
    components: list[Mechanism]
    evidence: list[str]
    grades: dict[str, str] = Field(default_factory=dict)


class RootLevel(Out):
    root: str
    side: Side
    score: int
    evidence: list[str]


class DifferentialEntry(Out):
    id: str
    label: str
    evidence: list[str]
    source: list[str] = Field(default_factory=list)


class Dose(Out):
    """How to give a medication item (CONTRACT 5.2): from its label or guideline, sourced in
    data/doses.yaml, with the adjustment this patient's kidneys, liver, age or drugs require."""

    start: str
    titrate: str = ""
    max: str = ""
    adjusted: str = ""  # empty when this patient needs no adjustment
    source: list[str] = Field(default_factory=list)

    def summary(self) -> str:
        """The dose as one compact line (notes, CLI and app all show it the same way); the
        patient's own adjustment comes first, since that is what changes the prescription."""
        usual = [f"start {self.start}"]
        if self.titrate:
            usual.append(f"titrate: {self.titrate}")
        if self.max:
            usual.append(f"max {self.max}")
        line = "; ".join(usual) + "."
        if self.adjusted:
            return f"Adjusted for this patient: {self.adjusted}. Usual: {line}"
        return line[0].upper() + line[1:]

    def brief(self) -> str:
        """The start and this patient's adjustment only (the app's collapsed row): the
        adjustment is what makes a usual dose unsafe, so it is never hidden."""
        start = f"start {self.start}."
        if self.adjusted:
            return f"Adjusted for this patient: {self.adjusted}. Usual {start}"
        return start[0].upper() + start[1:]


ItemOrder = Literal["first", "next", "if_needed"]


class TrackItem(Out):
    id: str
    label: str
    rationale: str
    evidence_strength: str = ""
    source: list[str] = Field(default_factory=list)
    # CONTRACT 5.2: `first` (in first_steps), `next` (if the first is not enough), `if_needed`.
    order: ItemOrder = "if_needed"
    choose_one: str | None = None  # items sharing a value are alternatives, not a combination
    dose: Dose | None = None  # on every medication item
    fit: str = ""  # why it suits this person, where context or preferences shaped it


class Avoid(Out):
    id: str
    reason: str
    source: list[str] = Field(default_factory=list)


class Alert(Out):
    id: str
    severity: Literal["high", "moderate", "low"]
    message: str
    source: list[str] = Field(default_factory=list)
    label: str = ""  # data/alerts.yaml label; empty in JSON written before labels existed

    def title(self) -> str:
        """What the alert is, in words: its label, else its id in words (older JSON)."""
        return self.label or self.id.replace("_", " ").capitalize()


class Caution(Out):
    """A drug's caution (data/drugs.yaml) that applies to this patient, for a drug the patient
    takes or the plan suggests."""

    drug: str
    label: str  # the drug's label
    taken: bool  # True: on the medication list; False: suggested in a track
    context: str  # a drugs.yaml caution_contexts id: renal, hepatic, pregnancy, ...
    why: str  # the context and the record's evidence for it
    text: str
    source: list[str] = Field(default_factory=list)

    def line(self) -> str:
        return f"{self.label} ({'taken' if self.taken else 'suggested'}), {self.why}: {self.text}"


class Safety(Out):
    mme_per_day: float
    acetaminophen_mg_per_day: float
    alerts: list[Alert]
    notes: list[str] = Field(default_factory=list)
    cautions: list[Caution] = Field(default_factory=list)


class Score(Out):
    met: bool
    detail: str


class Checkpoint(Out):
    date: dt.date
    label: str
    track: str
    about: str
    rationale: str = ""
    if_not: str = ""  # CONTRACT 5.2: the change of course if the aim is not met by then


WorkupWhen = str  # "now", "same_day" or "if_no_better_by:YYYY-MM-DD"
# CONTRACT 5.2: the only test ids a work-up or not_indicated item may carry.
WorkupId = Literal[
    "mri_spine",
    "mri_brain",
    "ct_head",
    "xray",
    "ultrasound",
    "inflammatory_markers",
    "blood_count",
    "blood_cultures",
    "metabolic_panel",
    "hba1c",
    "b12",
    "tsh",
    "vitamin_d",
    "liver_tests",
    "renal_function",
    "nerve_conduction",
    "ecg",
    "urine_drug_test",
    "pregnancy_test",
    "bone_density",
]


class WorkupItem(Out):
    id: str
    label: str
    rationale: str
    when: WorkupWhen = "now"
    source: list[str] = Field(default_factory=list)


class NotIndicated(Out):
    id: str
    reason: str
    label: str = ""  # the test in words, so a note can name it without the knowledge base
    source: list[str] = Field(default_factory=list)


class Assessment(Out):
    """The assessment (CONTRACT.md section 2). Always recomputed from the visit record."""

    visit: VisitRef
    knowledge: KnowledgeRef
    red_flags: list[RedFlag]
    mechanism: MechanismResult
    localization: list[RootLevel]
    differential: list[DifferentialEntry]
    tracks: dict[Track, list[TrackItem]]
    avoid: list[Avoid]
    safety: Safety
    scores: dict[str, Score]
    checkpoints: list[Checkpoint]
    deferred_reason: str | None = None
    # What to come back for at once while a red flag stands (CONTRACT 5.5), one line per text.
    safety_net: list[str] = Field(default_factory=list)
    # CONTRACT 5.2: two or three track item ids to start now, never two of one choose_one group.
    first_steps: list[str] = Field(default_factory=list)
    workup: list[WorkupItem] = Field(default_factory=list)
    not_indicated: list[NotIndicated] = Field(default_factory=list)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"

    def suggested_ids(self) -> set[str]:
        return {item.id for items in self.tracks.values() for item in items}
