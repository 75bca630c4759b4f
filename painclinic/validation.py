"""Load visit records from YAML or JSON, with errors a physician can act on.

Every problem names the file, the field path and what is allowed. Reading is done by
`painclinic.record_text` (size, encoding, YAML that would be misread); shapes and ranges are
checked by the pydantic models; ids (drugs, regions, red flags, ...) against the knowledge
base, so an unknown id is never silently ignored; rules across fields by
`painclinic.plausibility`. No value from the record is ever echoed back: a value may be the
patient's words or an identifier (a name typed where a drug id belongs). A bad value is shown
by its field path, a bad key by its position and kind ("history.red_flags[key 2]: unknown red
flag id"); the allowed values are ours and are listed.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from painclinic.knowledge import KnowledgeBase, load_knowledge
from painclinic.model import Visit, field_at, is_model
from painclinic.plausibility import check_plausible, measure_ranges
from painclinic.record_text import (
    NumberTooLong,
    UnreadableRecord,
    parse_record_text,
    read_record_file,
)

IGNORED_TOP_LEVEL = ("expect",)  # worked-case expectations: read by the tests, not the program
_RANGE_HINTS = {
    "pain": "0 to 10",
    "motor": "MRC 0 to 5",
    "relief_percent": "0 to 100",
    "headache_days_per_month": "0 to 31",
    "sleep_hours": "0 to 24",
    "age": "0 to 120",
    "pregnancy_weeks": "0 to 42",
    "dose_mg": "0 to 10,000 mg",
    "acetaminophen_mg": "0 to 10,000 mg",
    "per_day": "0 to 100 doses a day",
    "mcg_per_hour": "0 to 10,000",
    "hours": "0 to 8,760 (a year)",
    "weeks": "0 to 5,200",
    "duration_weeks": "0 to 5,200",
    "years_ago": "0 to 120",
    "weight_kg": "more than 0, up to 400",
    "crcl_ml_min": "0 to 250",
    "times": "1 to 50",
}


class RecordError(Exception):
    """A record file could not be loaded; `problems` lists each field that is wrong."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(self.message())

    def message(self) -> str:
        lines = [f"{self.source}: {p}" for p in self.problems]
        return "\n".join(lines)


class VisitError(RecordError):
    """A visit record could not be loaded."""


def read_record(path: Path) -> Any:
    """The plain data in a record file (a visit, a practice attempt), or a RecordError."""
    try:
        return parse_record_text(read_record_file(path))
    except UnreadableRecord as exc:
        raise RecordError(str(path), [exc.problem]) from None


def load_visit(path: str | Path, kb: KnowledgeBase | None = None) -> Visit:
    """Read, validate and id-check one visit record file."""
    path = Path(path)
    try:
        text = read_record_file(path)
    except UnreadableRecord as exc:
        raise VisitError(str(path), [exc.problem]) from None
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
        except Exception as exc:  # a bug of ours must not cost the rest of the batch
            problem = f"could not be checked (internal error {type(exc).__name__}; please report)"
            errors.append(VisitError(str(path), [problem]))
    return loaded, errors


def parse_visit(text: str, source: str = "<visit>", kb: KnowledgeBase | None = None) -> Visit:
    try:
        data = parse_record_text(text)
    except UnreadableRecord as exc:
        raise VisitError(source, [exc.problem]) from None
    return visit_from_data(data, source=source, kb=kb)


def visit_from_data(data: Any, source: str = "<visit>", kb: KnowledgeBase | None = None) -> Visit:
    if not isinstance(data, dict):
        raise VisitError(
            source,
            ["expected a mapping with schema, patient, visit, history, exam ... at the top level"],
        )
    kb = kb or load_knowledge()
    data = {k: v for k, v in data.items() if k not in IGNORED_TOP_LEVEL}
    try:
        visit = Visit.model_validate(data)
    except ValidationError as exc:
        raise VisitError(source, describe_errors(exc, data, Visit, kb)) from None
    problems = [*check_ids(visit, kb), *check_plausible(visit, kb)]
    if problems:
        raise VisitError(source, problems)
    return visit


# ---------------------------------------------------------------- pydantic errors


def describe_errors(
    exc: ValidationError, data: Any, root: type[BaseModel], kb: KnowledgeBase | None = None
) -> list[str]:
    """One clean line per pydantic error: path, what is wrong, what is allowed; no input."""
    kb = kb or load_knowledge()
    words = _our_words(root, kb)
    return [_describe(e, data, root, words, measure_ranges(kb)) for e in exc.errors()]


_WORDS: dict[tuple[type[BaseModel], str], frozenset[str]] = {}


def _our_words(root: type[BaseModel], kb: KnowledgeBase) -> frozenset[str]:
    """Words a message may show: the model's field names and fixed values, the knowledge
    base's ids. Anything else in a path (a key the record made up) is shown by position."""
    cached = _WORDS.get((root, kb.sha256))
    if cached is not None:
        return cached
    words: set[str] = set()
    seen: set[Any] = set()

    def walk(annotation: Any) -> None:
        if is_model(annotation):
            if annotation in seen:
                return
            seen.add(annotation)
            for name, f in annotation.model_fields.items():
                words.update(w for w in (name, f.alias) if w)
                walk(f.annotation)
        elif typing.get_origin(annotation) is typing.Literal:
            words.update(str(a) for a in typing.get_args(annotation))
        else:
            for arg in typing.get_args(annotation):
                walk(arg)

    walk(root)
    for vocab in kb.vocab.values():
        words.update(vocab)
    for ids in (
        kb.drugs,
        kb.treatments,
        kb.red_flags,
        kb.instruments,
        kb.avoid_classes,
        kb.anatomy.dermatomes,
        kb.anatomy.key_muscles,
        kb.anatomy.reflexes,
        measure_ranges(kb),
    ):
        words.update(ids)
    _WORDS[(root, kb.sha256)] = frozen = frozenset(words)
    return frozen


_MISSING = object()


def _key_in(node: Mapping[Any, Any], part: Any) -> Any:
    if isinstance(part, typing.Hashable) and part in node:
        return part
    return next((k for k in node if str(k) == str(part)), _MISSING)


def _path(loc: Iterable[Any], data: Any, words: frozenset[str]) -> str:
    """The field path of an error; a key the record made up is written [key N] (its position)."""
    out, node = "", data
    for part in loc:
        if part == "[key]":  # the key itself is what is wrong: the path already points at it
            continue
        if isinstance(node, list) and isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if 0 <= part < len(node) else None
            continue
        if isinstance(node, dict) and (key := _key_in(node, part)) is not _MISSING:
            if isinstance(key, str) and key in words:
                out += ("." if out else "") + key
            else:
                out += f"[key {list(node).index(key) + 1}]"
            node = node[key]
            continue
        node = None  # the data was reshaped by a validator (`crossed_slr: negative`)
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part in words:
            out += ("." if out else "") + part
        else:
            out += "[a key]"
    if not out or out.startswith("["):
        out = "(top level)" + out
    return out


def _fields_at(loc: tuple[Any, ...], root: type[BaseModel]) -> list[str]:
    annotation = field_at([str(p) for p in loc], root) if loc else root
    if not is_model(annotation):
        return []
    return [f.alias or name for name, f in annotation.model_fields.items()]


def _hint(loc: tuple[Any, ...], ctx: Mapping[str, Any]) -> str:
    for part in reversed(loc):
        if part in _RANGE_HINTS:
            return f" (allowed: {_RANGE_HINTS[part]})"
    bounds = [
        f"{word} {ctx[key]}"
        for key, word in (
            ("ge", "at least"),
            ("gt", "more than"),
            ("le", "at most"),
            ("lt", "below"),
        )
        if key in ctx
    ]
    return f" (allowed: {', '.join(bounds)})" if bounds else ""


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing (null)"
    return "a value of another kind"


_EXPECTED = {
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_parsing_size": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
}
_DATE_ERRORS = (
    "date_type",
    "date_parsing",
    "date_from_datetime_parsing",
    "date_from_datetime_inexact",
    "date_future",
    "date_past",
)
_DATETIME_ERRORS = (
    "datetime_type",
    "datetime_parsing",
    "datetime_from_date_parsing",
    "datetime_object_invalid",
)


def _measure_named(loc: tuple[Any, ...], data: Any) -> str | None:
    """The function measure a value at `loc` is in: history.function.KEY, goals[i].measure."""
    if loc[:2] == ("history", "function") and len(loc) == 3:
        return str(loc[2])
    if len(loc) == 3 and loc[0] == "goals" and isinstance(data.get("goals"), list):
        goals, i = data["goals"], loc[1]
        if isinstance(i, int) and 0 <= i < len(goals) and isinstance(goals[i], dict):
            measure = goals[i].get("measure")
            return measure if isinstance(measure, str) else None
    return None


def _describe(
    error: Mapping[str, Any],
    data: Any,
    root: type[BaseModel],
    words: frozenset[str],
    ranges: Mapping[str, tuple[float, float]],
) -> str:
    loc = tuple(error["loc"])
    where = _path(loc, data, words)
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if loc and loc[-1] == "[key]":
        return f"{where}: a key here must be text (a field name or an id)"
    if kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1], root)
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1) if loc else []
        maybe = f"; did you mean {close[0]!r}?" if close else ""
        return f"{where}: unknown field{maybe}" + (
            f" (allowed here: {', '.join(allowed)})" if allowed else ""
        )
    if kind == "missing":
        return f"{where}: required field is missing"
    if isinstance(value, NumberTooLong):
        return f"{where}: a number too long to read{_hint(loc, ctx)}"
    if kind == "measure_range" and isinstance(data, dict):
        low, high = ranges.get(_measure_named(loc, data) or "", (None, None))
        if low is not None and high is not None:  # the checklist's range for this measure
            return f"{where}: out of range (allowed: {low:g} to {high:g})"
    if kind == "literal_error":
        return f"{where}: not one of the allowed values (allowed: {ctx.get('expected')})"
    if kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        return f"{where}: out of range{_hint(loc, ctx)}"
    if kind == "finite_number":
        return f"{where}: not a finite number{_hint(loc, ctx) or ' (allowed: a finite number)'}"
    if kind in _DATE_ERRORS:
        return f"{where}: not a real calendar date (allowed: YYYY-MM-DD, e.g. 2026-11-27)"
    if kind in _DATETIME_ERRORS:
        return f"{where}: not a date and time (allowed: YYYY-MM-DDTHH:MM:SS)"
    if kind == "int_from_float":
        return f"{where}: not a whole number{_hint(loc, ctx)}"
    if kind in _EXPECTED:
        return f"{where}: wrong type: {_kind_of(value)} given, {_EXPECTED[kind]} expected"
    message = str(error["msg"])
    if isinstance(value, str) and value and value in message:  # never quote the input
        message = message.replace(value, "the value given")
    return f"{where}: {message}"


# ---------------------------------------------------------------- knowledge-base ids


def _unknown(where: str, kind: str, value: str, allowed: Iterable[str]) -> str:
    allowed = list(allowed)
    close = difflib.get_close_matches(value, allowed, n=1)
    maybe = f"; did you mean {close[0]!r}?" if close else ""
    return f"{where}: unknown {kind} id{maybe} (allowed: {', '.join(allowed)})"


def check_ids(visit: Visit, kb: KnowledgeBase) -> Iterable[str]:
    """Every id in the record is one the knowledge base knows. A list entry is named by its
    index (`plan.accepted[2]`), a mapping key by its position (`history.red_flags[key 2]`)."""
    v = kb.vocab

    def check(where: str, kind: str, value: str | None, allowed: Iterable[str]) -> Iterable[str]:
        allowed = list(allowed)
        if value is not None and value not in allowed:
            yield _unknown(where, kind, value, allowed)

    def check_all(
        where: str, kind: str, values: Iterable[str], allowed: Iterable[str]
    ) -> Iterable[str]:
        allowed = list(allowed)
        for i, value in enumerate(values):
            yield from check(f"{where}[{i}]", kind, value, allowed)

    def check_keys(
        where: str, kind: str, keys: Iterable[str], allowed: Iterable[str]
    ) -> Iterable[str]:
        allowed = list(allowed)
        for i, key in enumerate(keys):
            yield from check(f"{where}[key {i + 1}]", kind, key, allowed)

    p, h, e = visit.patient, visit.history, visit.exam
    treatments = list(kb.treatments)
    yield from check_all(
        "patient.comorbidities", "comorbidity", p.comorbidities, v["comorbidities"]
    )
    for i, med in enumerate(p.medications):
        yield from check(f"patient.medications[{i}].drug", "drug", med.drug, kb.drugs)
        drug = kb.drugs.get(med.drug)
        per_hour = drug is not None and drug.mme_dose == "mcg_per_hour"
        if per_hour and med.mcg_per_hour is None and med.dose_mg is None:
            yield f"patient.medications[{i}]: {med.drug} needs mcg_per_hour"
    yield from check("history.region", "region", h.region, v["regions"])
    yield from check_all("history.radiation", "radiation", h.radiation, v["radiation"])
    yield from check_all("history.descriptors", "descriptor", h.descriptors, v["descriptors"])
    yield from check_all("history.symptoms", "symptom", h.symptoms, v["symptoms"])
    yield from check_keys("history.red_flags", "red flag", h.red_flags, kb.red_flags)
    yield from check_keys("history.body_map", "dermatome", h.body_map, kb.anatomy.dermatomes)
    yield from check_keys("history.screens", "screen", h.screens, kb.instruments)
    for screen, value in h.screens.items():
        inst = kb.instruments.get(screen)
        if inst is not None and not inst.min <= value <= inst.max:
            yield (
                f"history.screens.{screen}: out of range (allowed: {inst.min:g} to {inst.max:g})"
            )
    prior_ok = dict.fromkeys([*treatments, *kb.drugs, *v["other_treatments"]])
    for i, t in enumerate(h.prior_treatments):
        where = f"history.prior_treatments[{i}].treatment"
        yield from check(where, "treatment", t.treatment, prior_ok)
    yield from check_keys("exam.motor", "key muscle", e.motor, kb.anatomy.key_muscles)
    yield from check_keys("exam.sensory", "dermatome", e.sensory, kb.anatomy.dermatomes)
    yield from check_keys("exam.reflexes", "reflex", e.reflexes, kb.anatomy.reflexes)
    yield from check_keys("exam.special_tests", "special test", e.special_tests, v["special_tests"])
    yield from check_all("exam.signs", "sign", e.signs, v["symptoms"])
    yield from check("exam.gait", "gait", e.gait, v["gait"])
    for i, img in enumerate(visit.imaging):
        where = f"imaging[{i}]"
        yield from check(f"{where}.modality", "modality", img.modality, v["imaging_modalities"])
        yield from check(f"{where}.finding", "finding", img.finding, v["imaging_findings"])
        yield from check(f"{where}.zone", "zone", img.zone, v["imaging_zones"])
    response_ok = dict.fromkeys([*treatments, *v["other_treatments"]])
    for i, r in enumerate(visit.responses):
        yield from check(f"responses[{i}].intervention", "treatment", r.intervention, response_ok)
    if visit.plan is not None:
        plan_ids = dict.fromkeys([*treatments, *kb.avoid_classes])
        yield from check_all("plan.accepted", "treatment", visit.plan.accepted, treatments)
        for i, d in enumerate(visit.plan.declined):
            yield from check(f"plan.declined[{i}].id", "treatment", d.id, plan_ids)
        for i, ack in enumerate(visit.plan.acknowledged):
            yield from check(f"plan.acknowledged[{i}].flag", "red flag", ack.flag, kb.red_flags)
        about = dict.fromkeys([*treatments, *v["checkpoint_about"]])
        for i, c in enumerate(visit.plan.checkpoints):
            yield from check(f"plan.checkpoints[{i}].about", "checkpoint topic", c.about, about)
