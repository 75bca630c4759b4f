"""Load and validate the knowledge base in `data/` into one cached, immutable `KnowledgeBase`.

Knowledge is data: red flags, conditions, treatments, drugs, alerts, avoid rules, checkpoints,
instruments and the checklist are YAML files reviewed by clinicians. This module checks their
shape on load (pydantic), merges the source registries, and fingerprints the content so every
assessment can say which rules produced it.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from painclinic.model import Track, Urgency, WorkupId

Expr = Any  # a fact id, or {all: [...]}, {any: [...]}, {not: expr}, {at_least: n, of: [...]}


# libyaml's loader parses the knowledge base several times faster than the pure-Python one.
YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class KnowledgeError(Exception):
    """The knowledge base itself is malformed (a packaging or editing mistake, not user input)."""


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: list[str] = Field(min_length=1)

    @field_validator("source", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    citation: str  # ends "(verify)" where the clinical reference cited it from memory
    year: int


class Dermatome(Entry):
    key_point: str
    area: str


class KeyMuscle(Entry):
    root: str
    action: str
    muscle: str
    limb: Literal["arm", "leg"]


class Reflex(Entry):
    root: str
    roots: str
    limb: Literal["arm", "leg"]


class RootPattern(Entry):
    limb: Literal["arm", "leg", "trunk", "head"]
    radiation: list[str] = Field(default_factory=list)
    pain: str = ""
    tests: list[str] = Field(default_factory=list)


class Anatomy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dermatomes: dict[str, Dermatome]
    key_muscles: dict[str, KeyMuscle]
    reflexes: dict[str, Reflex]
    root_patterns: dict[str, RootPattern]
    disc_levels: dict[str, dict[str, str]]  # level -> {traversing, exiting}


class Escalation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    when: Expr
    urgency: Urgency
    reason: str
    # What to do at the raised urgency, when the flag's own action fits only its base urgency.
    action: str | None = None


class RedFlagDef(Entry):
    label: str
    question: str  # the one prompt the checklist asks (its red-flag item carries no prompt)
    urgency: Urgency
    suggests: str
    action: str
    regions: list[str] = Field(default_factory=lambda: ["any"])
    derived_when: Expr | None = None
    escalate: list[Escalation] = Field(default_factory=list)
    # What to come back for at once while this flag stands (assessment `safety_net`).
    safety_net: str = ""


class RedFlagCombination(Entry):
    """Flags that add up: when `when` holds (over the record's facts and `red_flag:<id>` of the
    flags found alone), each flag named in `raises` takes `urgency` and `action`, whatever it
    says alone."""

    id: str
    label: str
    when: Expr
    urgency: Urgency
    raises: list[str] = Field(min_length=1)
    suggests: str
    action: str


class SafetyNetRule(Entry):
    """Advice to come back at once that a history carries without a red flag standing now
    (red_flags.yaml `safety_nets`: e.g. recurrent cauda equina symptoms after decompression)."""

    id: str
    when: Expr
    text: str


class Deferral(Entry):
    """What waits while a flag is unresolved, by its urgency (red_flags.yaml `deferral`).
    emergency: every routine item but `emergency_keeps`; urgent: only `urgent_defers` (ids or
    avoid classes); soon: nothing."""

    emergency_keeps: list[str]
    urgent_defers: list[str]


class ConditionDef(Entry):
    label: str
    mechanism: Literal["nociceptive", "neuropathic", "nociplastic", "mixed"]
    when: Expr
    serious: bool = False  # a red-flag diagnosis: listed first whatever its evidence count
    # Lower is listed earlier among entries that hold: specific, examination-confirmed
    # diagnoses before descriptive ones (radiculopathy before discogenic pain).
    priority: int = 50
    note: str = ""


class ProcedureInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bleeding_risk: Literal["high", "intermediate", "low"]
    # ASRA 2018 moved lumbar/thoracic facet procedures to low risk; cervical ones stay intermediate.
    bleeding_risk_cervical: Literal["high", "intermediate", "low"] | None = None
    steroid: bool = False


class TreatmentDef(Entry):
    track: Track
    label: str
    when: Expr
    rationale: str
    evidence: Literal["strong", "moderate", "limited", "mixed", "consensus"]
    evidence_note: str = ""
    procedure: ProcedureInfo | None = None
    routine: bool = True  # deferred while an urgent/emergency red flag stands
    order: int = 50


class ChooseOneGroup(Entry):
    """Track items that are alternatives, never started together (data/sequence.yaml)."""

    label: str
    members: list[str] = Field(min_length=1)  # in the order to prefer
    say: str  # the rule for moving on from the first
    why_first: str = ""  # why the preferred order departs from track order, where it does


class ProcedureQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ask: str
    when: Expr


class ProcedureQuestions(BaseModel):
    """The seed article's three questions before a procedure, as rules over facts."""

    model_config = ConfigDict(extra="forbid")
    anatomy_fits: ProcedureQuestion
    care_failed_or_blocking: ProcedureQuestion
    opens_window: ProcedureQuestion


class TopicalFirst(Entry):
    """When a topical medicine leads the medicine slot (data/sequence.yaml)."""

    when: Expr
    items: list[str]


class MedicineWaits(Entry):
    """When no medicine is a first step: the non-drug start comes first (data/sequence.yaml)."""

    when: Expr


class FirstStepPolicy(Entry):
    """How many first steps, which tracks lead, and when a procedure may be one
    (data/sequence.yaml `first_steps`)."""

    least: int = Field(ge=1)
    most: int = Field(ge=1)
    lead_now: list[str]
    # a lead_now item named here leads only when its condition holds (else it is ordered as
    # any other item): a surgeon for compromise must not wait, an elective opinion can
    lead_when: dict[str, Expr] = Field(default_factory=dict)
    emergency_only: list[str]
    medicine_rank: list[Literal["strong", "moderate", "limited", "mixed", "consensus"]]
    topical_first: TopicalFirst | None = None
    medicine_waits: MedicineWaits | None = None
    companions: dict[str, list[str]] = Field(default_factory=dict)
    fill: list[Track]
    home_program: str | None = None
    home_program_constraints: list[str] = Field(default_factory=list)
    procedure_questions: ProcedureQuestions


class AvoidRule(Entry):
    id: str
    when: Expr
    avoid: list[str]
    reason: str
    exempt: list[str] = Field(default_factory=list)  # class members this rule leaves alone
    # What it means when the patient already takes a drug this rule rules out (the alert
    # current_drug_avoided): see the header of data/safety.yaml.
    if_taken: Literal["contraindicated", "review", "adding"] = "review"
    covered_by: str | None = None  # an alert that, when it fires, already says it
    # Whether the avoid list shows it (engine/avoidlist.py): `if_considered` only when the item
    # would otherwise have come up for this patient; `always` when the rule's condition is this
    # patient's own course with the treatment (a negative block, recent surgery at the site).
    listed: Literal["if_considered", "always"] = "if_considered"


class AvoidClassDrugs(Entry):
    """The current drugs an avoid class with no track item rules out, by drug class."""

    classes: list[str]
    unless: list[str] = Field(default_factory=list)  # drug classes it leaves alone
    advice: str = ""  # how to come off such a drug, closing the reconciliation alert
    label: str = ""  # the class in words, mid-sentence (default: its id in words)


class AlertDef(Entry):
    severity: Literal["high", "moderate", "low"]
    label: str = ""  # the alert in words where it is shown; tests require one on every alert
    when: Expr
    message: str
    # What the engine adds: asra_holds from drugs.yaml; current_drugs one alert per current
    # drug the avoid list rules out (engine/reconcile.py).
    detail: Literal["asra_holds", "current_drugs"] | None = None
    # The alert says to stop now a current drug holding all these classes (vocab drug_classes):
    # when it fires, reconciliation gives that drug no second, "taper slowly" alert.
    stops: list[str] = Field(default_factory=list)


class ResponseRule(Entry):
    reason: str  # {} = the record's evidence


class EarlierResponses(BaseModel):
    model_config = ConfigDict(extra="forbid")
    not_tolerated: ResponseRule
    did_not_help: ResponseRule
    did_not_help_procedure: ResponseRule


class CheckpointDef(Entry):
    id: str
    when: Expr
    about: str
    track: str
    days: int = Field(ge=1, le=400)
    label: str
    if_not: str = Field(min_length=1)  # the change of course if the aim is not met by then
    rationale: str = ""


class WorkupTest(BaseModel):
    """A CONTRACT 5.2 test id and how a note names it (data/workup.yaml `tests`)."""

    model_config = ConfigDict(extra="forbid")
    label: str


class WorkupRule(Entry):
    """When a test is ordered, how soon, and why (data/workup.yaml `workup`)."""

    id: WorkupId
    when: Expr
    timing: Literal["same_day", "now", "if_no_better_by"]
    days: int | None = Field(default=None, ge=1, le=400)  # only with if_no_better_by
    label: str = ""  # what exactly to order, when it says more than the test's label
    rationale: str
    routine: bool = True  # waits while an emergency red flag stands

    @model_validator(mode="after")
    def _days_with_deferral(self) -> WorkupRule:
        # A deferral without a date says nothing; a date on an order for now is a typo.
        if (self.timing == "if_no_better_by") != (self.days is not None):
            raise ValueError("give `days` with timing if_no_better_by, and only then")
        return self


class NotIndicatedRule(Entry):
    """A test a clinician might reach for that is not indicated now (data/workup.yaml)."""

    id: WorkupId
    when: Expr
    reason: str


class Cutoff(BaseModel):
    model_config = ConfigDict(extra="forbid")
    at_least: float
    label: str
    fact: str | None = None


class InstrumentDef(Entry):
    label: str
    min: float
    max: float
    positive_at: float | None = None  # the total at which the screen counts as positive
    cutoffs: list[Cutoff] = Field(default_factory=list)


class CriteriaSet(Entry):
    label: str
    description: str
    categories: dict[str, list[str]] = Field(default_factory=dict)


class CautionContext(Entry):
    """When a drug's caution for this context (drugs.yaml `cautions:` key) applies."""

    label: str
    when: Expr


class DrugDef(Entry):
    label: str
    classes: list[str]
    treatment: str | None = None
    mme_factor: float | None = None
    mme_dose: Literal["mg_per_day", "mcg_per_hour"] = "mg_per_day"
    acetaminophen_mg_per_unit: float | None = None
    contains_acetaminophen: bool = False
    asra_hold_days: dict[str, int | None] | None = None
    cautions: dict[str, str] = Field(default_factory=dict)
    note: str = ""


class DoseAdjustment(Entry):
    """One band of a dose (doses.yaml `adjust`): it applies when every condition given holds.
    CrCl and age bounds read the record's numbers, which no fact carries; a CrCl bound never
    applies when no CrCl is recorded."""

    text: str
    when: Expr | None = None
    crcl_at_least: float | None = None
    crcl_below: float | None = None
    crcl_unknown: bool = False  # only when no CrCl is recorded: a prompt to measure it
    age_at_least: int | None = None


class DoseDef(Entry):
    """How a medication track item is usually given (doses.yaml), from its label or guideline."""

    start: str
    titrate: str = ""
    max: str = ""
    adjust: list[DoseAdjustment] = Field(default_factory=list)


class FactEvidence(BaseModel):
    """How a derived fact says why it holds (data/facts.yaml header)."""

    model_config = ConfigDict(extra="forbid")
    first: bool = True  # only the first holding branch of a top-level `any` speaks
    says: dict[str, str] = Field(default_factory=dict)  # fact -> words instead of its evidence
    labels: bool = False  # a prefixed vocab fact (comorbidity:ckd) speaks its vocab label
    text: str = "{}"  # {} = the words joined by ", "; {value} = a threshold's number


class FactDef(BaseModel):
    """A named fact: its meaning, and for a derived one its rule (`when`) or threshold."""

    model_config = ConfigDict(extra="forbid")
    means: str
    when: Expr | None = None
    value: str | None = None  # a dotted path to a number in the visit record
    at_least: float | None = None
    evidence: FactEvidence = Field(default_factory=FactEvidence)
    source: list[str] = Field(default_factory=list)  # required for derived facts (checked)

    @property
    def derived(self) -> bool:
        return self.when is not None or self.value is not None


class WordList(Entry):
    words: list[str]
    vocab: str | None = None  # the vocab list the words come from, when they do


class Threshold(Entry):
    """A number an engine fact is built with (data/facts.yaml `thresholds:`)."""

    value: float
    means: str


class LastingRelief(Entry):
    """How long relief from a procedure must last to count as lasting (data/facts.yaml
    `lasting_relief:`): the criterion for repeating it."""

    weeks: float


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    prompt: str = ""  # a red-flag item (`red_flag:`) takes red_flags.yaml `question` instead
    field: str
    type: Literal[
        "text",
        "integer",
        "number",
        "choice",
        "multi_choice",
        "yes_no",
        "rating",
        "mrc_sides",
        "sensory_sides",
        "reflex_sides",
        "test_sides",
        "date",
    ]
    choices: str | list[str] | None = None
    min: float | None = None
    max: float | None = None
    unit: str | None = None
    red_flag: str | None = None
    when: Expr | None = None
    help: str | None = None
    # The record keeps free ids or text here (CONTRACT 1: aggravating "free ids/text"): the app
    # lets the physician type one that is not among the choices.
    open_choices: bool = False


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    label: str
    stage: Literal["history", "red_flags", "exam", "screens"]
    source: list[str] = Field(min_length=1)
    when: Expr | None = None
    questions: list[Question]


class Checklist(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int
    sections: list[Section]


class KnowledgeBase(BaseModel):
    """Everything the engine knows, validated. Built once per process (see `load_knowledge`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    sha256: str
    sources: dict[str, Source]
    vocab: dict[str, dict[str, str]]
    anatomy: Anatomy
    red_flags: dict[str, RedFlagDef]
    red_flag_combinations: list[RedFlagCombination]
    safety_nets: list[SafetyNetRule] = Field(default_factory=list)
    deferral: Deferral
    conditions: dict[str, ConditionDef]
    treatments: dict[str, TreatmentDef]
    avoid_rules: list[AvoidRule]
    avoid_classes: dict[str, list[str]]
    avoid_class_drugs: dict[str, AvoidClassDrugs]
    earlier_responses: EarlierResponses
    alerts: dict[str, AlertDef]
    checkpoints: list[CheckpointDef]
    instruments: dict[str, InstrumentDef]
    criteria: dict[str, CriteriaSet]
    drugs: dict[str, DrugDef]
    doses: dict[str, DoseDef]
    caution_contexts: dict[str, CautionContext]
    facts: dict[str, FactDef]
    word_lists: dict[str, WordList]
    thresholds: dict[str, Threshold] = Field(default_factory=dict)
    lasting_relief: dict[str, LastingRelief] = Field(default_factory=dict)
    checklist: Checklist
    workup_tests: dict[WorkupId, WorkupTest] = Field(default_factory=dict)
    workup_rules: list[WorkupRule] = Field(default_factory=list)
    not_indicated_rules: list[NotIndicatedRule] = Field(default_factory=list)
    choose_one: dict[str, ChooseOneGroup]
    first_steps: FirstStepPolicy

    def ids(self, vocab: str) -> list[str]:
        return list(self.vocab[vocab])


def data_dir() -> Path:
    """`data/` inside the installed wheel, else the source checkout's top-level `data/`."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "data", here.parent / "data"):
        if (candidate / "meta.yaml").is_file():
            return candidate
    raise KnowledgeError(f"knowledge base not found next to {here} (looked for data/meta.yaml)")


def _read(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=YamlLoader)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(loaded, dict):
        raise KnowledgeError(f"{path.name}: expected a mapping at the top level")
    return loaded


def _parse(name: str, model: Any, value: Any) -> Any:
    try:
        return model.model_validate(value) if hasattr(model, "model_validate") else model(value)
    except ValidationError as exc:
        raise KnowledgeError(f"{name}: {exc}") from exc


@cache
def load_knowledge(directory: str | None = None) -> KnowledgeBase:
    """Load, validate and fingerprint the knowledge base (cached per directory)."""
    root = Path(directory) if directory else data_dir()
    files = sorted(root.glob("*.yaml"))
    digest = hashlib.sha256()
    raw: dict[str, dict[str, Any]] = {}
    for path in files:
        content = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + content + b"\0")
        raw[path.stem] = _read(path)

    sources: dict[str, Source] = {}
    for stem, doc in raw.items():
        for sid, value in (doc.pop("sources", None) or {}).items():
            if sid in sources:
                raise KnowledgeError(f"{stem}.yaml: source id {sid!r} is defined twice")
            sources[sid] = _parse(f"{stem}.yaml sources.{sid}", Source, value)

    def section(stem: str, key: str) -> Any:
        try:
            return raw[stem][key]
        except KeyError as exc:
            raise KnowledgeError(f"{stem}.yaml: missing top-level key {key!r}") from exc

    def mapping(stem: str, key: str, model: type[BaseModel]) -> dict[str, Any]:
        return {
            k: _parse(f"{stem}.yaml {key}.{k}", model, v)
            for k, v in (section(stem, key) or {}).items()
        }

    def listing(stem: str, key: str, model: type[BaseModel]) -> list[Any]:
        return [
            _parse(f"{stem}.yaml {key}[{i}]", model, v)
            for i, v in enumerate(section(stem, key) or [])
        ]

    red_flags = mapping("red_flags", "red_flags", RedFlagDef)
    treatments = mapping("treatments", "treatments", TreatmentDef)
    doses = mapping("doses", "doses", DoseDef)
    for tid in doses:  # a dose for no medication item is a typo, refused like any other
        if tid not in treatments or treatments[tid].track != "medication":
            raise KnowledgeError(f"doses.yaml doses.{tid}: not a medication treatment id")
    checklist = _with_red_flag_prompts(
        _parse("checklist.yaml", Checklist, section("checklist", "checklist")), red_flags
    )
    kb = KnowledgeBase(
        version=str(section("meta", "version")),
        sha256=digest.hexdigest(),
        sources=sources,
        vocab=section("vocab", "vocab"),
        anatomy=_parse("anatomy.yaml", Anatomy, raw["anatomy"]),
        red_flags=red_flags,
        red_flag_combinations=listing("red_flags", "combinations", RedFlagCombination),
        safety_nets=listing("red_flags", "safety_nets", SafetyNetRule)
        if "safety_nets" in raw["red_flags"]
        else [],
        deferral=_parse("red_flags.yaml deferral", Deferral, section("red_flags", "deferral")),
        conditions=mapping("conditions", "conditions", ConditionDef),
        treatments=treatments,
        avoid_rules=listing("safety", "avoid_rules", AvoidRule),
        avoid_classes=section("safety", "avoid_classes"),
        avoid_class_drugs=mapping("safety", "avoid_class_drugs", AvoidClassDrugs),
        earlier_responses=_parse(
            "safety.yaml earlier_responses",
            EarlierResponses,
            section("safety", "earlier_responses"),
        ),
        alerts=mapping("alerts", "alerts", AlertDef),
        checkpoints=listing("checkpoints", "checkpoints", CheckpointDef),
        instruments=mapping("instruments", "instruments", InstrumentDef),
        criteria=mapping("instruments", "criteria", CriteriaSet),
        drugs=mapping("drugs", "drugs", DrugDef),
        doses=doses,
        caution_contexts=mapping("drugs", "caution_contexts", CautionContext),
        facts=mapping("facts", "facts", FactDef),
        word_lists=mapping("facts", "word_lists", WordList),
        thresholds=mapping("facts", "thresholds", Threshold),
        lasting_relief=mapping("facts", "lasting_relief", LastingRelief),
        checklist=checklist,
        workup_tests=mapping("workup", "tests", WorkupTest),
        workup_rules=listing("workup", "workup", WorkupRule),
        not_indicated_rules=listing("workup", "not_indicated", NotIndicatedRule),
        choose_one=mapping("sequence", "choose_one", ChooseOneGroup),
        first_steps=_parse(
            "sequence.yaml first_steps", FirstStepPolicy, section("sequence", "first_steps")
        ),
    )
    _check_workup(kb)
    return kb


def _check_workup(kb: KnowledgeBase) -> None:
    """Refuse a work-up rule that names a test without a label or a fact the engine can never
    produce: such a rule would silently never order its test. (The other files' facts are
    checked by `painclinic knowledge --check`; the work-up is checked here, at load.)"""
    from painclinic.engine.expr import fact_names  # imported late: the engine imports us
    from painclinic.integrity import fact_problem

    rules: list[tuple[str, WorkupRule | NotIndicatedRule]] = [
        *((f"workup[{i}]", r) for i, r in enumerate(kb.workup_rules)),
        *((f"not_indicated[{i}]", r) for i, r in enumerate(kb.not_indicated_rules)),
    ]
    for where, rule in rules:
        if rule.id not in kb.workup_tests:
            raise KnowledgeError(f"workup.yaml {where}: test {rule.id!r} has no label in `tests`")
        for fact in fact_names(rule.when):
            problem = fact_problem(kb, fact)
            if problem:
                raise KnowledgeError(f"workup.yaml {where} ({rule.id}): {problem}")


def _with_red_flag_prompts(checklist: Checklist, red_flags: dict[str, RedFlagDef]) -> Checklist:
    """A red-flag item asks its flag's `question` (red_flags.yaml): one text per red flag.
    Every other item needs its own prompt."""
    for section in checklist.sections:
        for i, q in enumerate(section.questions):
            where = f"checklist.yaml {section.id}.{q.id}"
            if q.red_flag is None:
                if not q.prompt:
                    raise KnowledgeError(f"{where}: prompt is missing")
                continue
            if q.prompt:
                raise KnowledgeError(
                    f"{where}: a red-flag item takes its prompt from red_flags.yaml "
                    f"{q.red_flag}.question; remove the prompt here"
                )
            flag = red_flags.get(q.red_flag)
            if flag is not None:  # an unknown id is reported by `painclinic knowledge --check`
                section.questions[i] = q.model_copy(update={"prompt": flag.question})
    return checklist
