"""Load visit records from YAML or JSON, with errors a physician can act on.

Every problem names the file, the field path and what is allowed. Shapes and ranges are checked
by the pydantic models; ids (drugs, regions, red flags, ...) against the knowledge base, so an
unknown id is never silently ignored. Free-text values are never echoed back (they may hold
patient data); only ids and numbers are.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from painclinic.knowledge import KnowledgeBase, YamlLoader, load_knowledge
from painclinic.model import Visit, model_fields_at

IGNORED_TOP_LEVEL = ("expect",)


class VisitLoader(YamlLoader):  # type: ignore[misc,valid-type]
    """YAML with 1.2 booleans: only true/false are booleans, so `baseline: off` stays text.

    PyYAML follows YAML 1.1, where on/off/yes/no are booleans too; pydantic still accepts
    yes/no/on/off as answers where a field *is* boolean (red flags, pregnant).
    """


VisitLoader.yaml_implicit_resolvers = {
    key: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in YamlLoader.yaml_implicit_resolvers.items()
}
VisitLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)  # worked-case expectations: read by the tests, not the program
_SAFE_TOKEN = re.compile(r"^[A-Za-z0-9_.+-]{1,40}$")
_RANGE_HINTS = {
    "pain": "0 to 10",
    "motor": "MRC 0 to 5",
    "relief_percent": "0 to 100",
    "headache_days_per_month": "0 to 31",
    "sleep_hours": "0 to 24",
    "age": "0 to 120",
    "pregnancy_weeks": "0 to 42",
}


class VisitError(Exception):
    """A visit record could not be loaded; `problems` lists each field that is wrong."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(self.message())

    def message(self) -> str:
        lines = [f"{self.source}: {p}" for p in self.problems]
        return "\n".join(lines)


def load_visit(path: str | Path, kb: KnowledgeBase | None = None) -> Visit:
    """Read, validate and id-check one visit record file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise VisitError(str(path), [f"cannot read the file ({exc.strerror})"]) from None
    return parse_visit(text, source=str(path), kb=kb)


def load_visits(
    paths: list[Path], kb: KnowledgeBase | None = None
) -> tuple[list[tuple[Path, Visit]], list[VisitError]]:
    """Load several files: the good ones, and an error for each bad one (none stops the rest)."""
    loaded: list[tuple[Path, Visit]] = []
    errors: list[VisitError] = []
    for path in paths:
        try:
            loaded.append((path, load_visit(path, kb)))
        except VisitError as exc:
            errors.append(exc)
    return loaded, errors


def parse_visit(text: str, source: str = "<visit>", kb: KnowledgeBase | None = None) -> Visit:
    try:
        data = yaml.load(text, Loader=VisitLoader)  # a safe loader (CSafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise VisitError(source, [f"not valid YAML or JSON{where}: {problem}"]) from None
    return visit_from_data(data, source=source, kb=kb)


def visit_from_data(data: Any, source: str = "<visit>", kb: KnowledgeBase | None = None) -> Visit:
    if not isinstance(data, dict):
        raise VisitError(
            source,
            ["expected a mapping with schema, patient, visit, history, exam ... at the top level"],
        )
    data = {k: v for k, v in data.items() if k not in IGNORED_TOP_LEVEL}
    try:
        visit = Visit.model_validate(data)
    except ValidationError as exc:
        raise VisitError(source, [_describe(e) for e in exc.errors()]) from None
    problems = list(check_ids(visit, kb or load_knowledge()))
    if problems:
        raise VisitError(source, problems)
    return visit


# ---------------------------------------------------------------- pydantic errors


def _path(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out.replace("schema_", "schema") or "(top level)"


def _shown(value: Any) -> str:
    if isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, str) and _SAFE_TOKEN.match(value):
        return repr(value)
    return "the value given"


def _hint(loc: tuple[Any, ...]) -> str:
    for part in reversed(loc):
        if part in _RANGE_HINTS:
            return f" (allowed: {_RANGE_HINTS[part]})"
    return ""


def _describe(error: Mapping[str, Any]) -> str:
    loc = tuple(error["loc"])
    where = _path(loc)
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "extra_forbidden":
        allowed = model_fields_at(loc[:-1])
        return f"{where}: unknown field" + (
            f" (allowed here: {', '.join(allowed)})" if allowed else ""
        )
    if kind == "missing":
        return f"{where}: required field is missing"
    if kind == "literal_error":
        return f"{where}: {_shown(value)} is not allowed (allowed: {ctx.get('expected')})"
    if kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        return f"{where}: {_shown(value)} is out of range{_hint(loc) or ' (' + error['msg'] + ')'}"
    if kind in (
        "int_parsing",
        "int_from_float",
        "float_parsing",
        "bool_parsing",
        "date_from_datetime_parsing",
        "date_parsing",
        "string_type",
        "list_type",
        "dict_type",
        "model_type",
        "int_type",
        "float_type",
        "bool_type",
    ):
        return f"{where}: {_shown(value)} has the wrong type ({error['msg'].lower()})"
    return f"{where}: {error['msg']}"


# ---------------------------------------------------------------- knowledge-base ids


def _unknown(where: str, value: str, allowed: Iterable[str]) -> str:
    allowed = list(allowed)
    close = difflib.get_close_matches(value, allowed, n=1)
    maybe = f"; did you mean {close[0]!r}?" if close else ""
    return f"{where}: unknown id {_shown(value)}{maybe} (allowed: {', '.join(allowed)})"


def check_ids(visit: Visit, kb: KnowledgeBase) -> Iterable[str]:
    v = kb.vocab

    def check(where: str, value: str | None, allowed: Iterable[str]) -> Iterable[str]:
        allowed = list(allowed)
        if value is not None and value not in allowed:
            yield _unknown(where, value, allowed)

    def check_all(where: str, values: Iterable[str], allowed: Iterable[str]) -> Iterable[str]:
        allowed = list(allowed)
        for i, value in enumerate(values):
            yield from check(f"{where}[{i}]", value, allowed)

    p, h, e = visit.patient, visit.history, visit.exam
    treatments = list(kb.treatments)
    yield from check_all("patient.comorbidities", p.comorbidities, v["comorbidities"])
    for i, med in enumerate(p.medications):
        yield from check(f"patient.medications[{i}].drug", med.drug, kb.drugs)
        drug = kb.drugs.get(med.drug)
        per_hour = drug is not None and drug.mme_dose == "mcg_per_hour"
        if per_hour and med.mcg_per_hour is None and med.dose_mg is None:
            yield f"patient.medications[{i}]: {med.drug} needs mcg_per_hour"
    yield from check("history.region", h.region, v["regions"])
    yield from check_all("history.radiation", h.radiation, v["radiation"])
    yield from check_all("history.descriptors", h.descriptors, v["descriptors"])
    yield from check_all("history.symptoms", h.symptoms, v["symptoms"])
    for flag in h.red_flags:
        yield from check("history.red_flags", flag, kb.red_flags)
    for derm in h.body_map:
        yield from check("history.body_map", derm, kb.anatomy.dermatomes)
    for screen, value in h.screens.items():
        inst = kb.instruments.get(screen)
        if inst is None:
            yield _unknown("history.screens", screen, kb.instruments)
        elif not inst.min <= value <= inst.max:
            yield (
                f"history.screens.{screen}: {value:g} is out of range "
                f"(allowed: {inst.min:g} to {inst.max:g})"
            )
    prior_ok = [*treatments, *kb.drugs, *v["other_treatments"]]
    for i, t in enumerate(h.prior_treatments):
        yield from check(
            f"history.prior_treatments[{i}].treatment", t.treatment, dict.fromkeys(prior_ok)
        )
    for muscle in e.motor:
        yield from check("exam.motor", muscle, kb.anatomy.key_muscles)
    for derm in e.sensory:
        yield from check("exam.sensory", derm, kb.anatomy.dermatomes)
    for reflex in e.reflexes:
        yield from check("exam.reflexes", reflex, kb.anatomy.reflexes)
    for test in e.special_tests:
        yield from check("exam.special_tests", test, v["special_tests"])
    yield from check_all("exam.signs", e.signs, v["symptoms"])
    yield from check("exam.gait", e.gait, v["gait"])
    for i, img in enumerate(visit.imaging):
        yield from check(f"imaging[{i}].modality", img.modality, v["imaging_modalities"])
        yield from check(f"imaging[{i}].finding", img.finding, v["imaging_findings"])
        yield from check(f"imaging[{i}].zone", img.zone, v["imaging_zones"])
    for i, r in enumerate(visit.responses):
        yield from check(
            f"responses[{i}].intervention",
            r.intervention,
            dict.fromkeys([*treatments, *v["other_treatments"]]),
        )
    if visit.plan is not None:
        plan_ids = dict.fromkeys([*treatments, *kb.avoid_classes])
        yield from check_all("plan.accepted", visit.plan.accepted, treatments)
        for i, d in enumerate(visit.plan.declined):
            yield from check(f"plan.declined[{i}].id", d.id, plan_ids)
        for i, ack in enumerate(visit.plan.acknowledged):
            yield from check(f"plan.acknowledged[{i}].flag", ack.flag, kb.red_flags)
        about = dict.fromkeys([*treatments, *v["checkpoint_about"]])
        for i, c in enumerate(visit.plan.checkpoints):
            yield from check(f"plan.checkpoints[{i}].about", c.about, about)
