"""The structured lists of a visit record and how each entry is typed in: pure, no Textual.

A list editor shows one entry per block and one short field per column: a medication is its
drug (type-ahead over the drug ids), dose in mg, times a day, mcg/h for a patch, the
acetaminophen mg of a combination product, as needed (y/n) and a note. Each field's text is
parsed as it is typed; a whole entry is checked against its record model (CONTRACT section 1),
so a wrong value is named with its field and allowed values, and only a valid entry is saved.
Knowledge ids (is `ibuprofn` a drug?) are the session's to check: it validates the whole visit.
"""

from __future__ import annotations

import math
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from painclinic.knowledge import KnowledgeBase
from painclinic.model import SIDES, Goal, Imaging, Medication, PriorTreatment, Response, Surgery

Kind = Literal["text", "number", "integer", "yes_no", "choice", "number_or_text"]
Parsed = tuple[Any, str | None]  # (value, problem); (None, None) = left blank


@dataclass(frozen=True)
class Column:
    name: str  # the record key
    label: str  # what the editor shows beside the field
    kind: Kind = "text"
    width: int = 8  # characters of input
    choices: tuple[str, ...] = ()  # allowed values (a choice), or ids offered as you type
    strict: bool = False  # only `choices` are allowed (checked here, as typed)


@dataclass(frozen=True)
class EntryList:
    path: str  # where the list lives in the record
    noun: str  # "medication": what one entry is called
    model: type[BaseModel]
    columns: tuple[Column, ...]
    summary: tuple[str, ...] = field(default=())  # the fields that make its one-line summary

    @property
    def required(self) -> list[str]:
        return [n for n, f in self.model.model_fields.items() if f.is_required()]


def _literal(model: type[BaseModel], name: str) -> tuple[str, ...]:
    """The allowed values of a Literal field (through Optional)."""
    annotation = model.model_fields[name].annotation
    for arg in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(arg) is Literal:
            return tuple(str(a) for a in typing.get_args(arg))
    return ()


def entry_lists(kb: KnowledgeBase) -> dict[str, EntryList]:
    """Every structured list of the record, with the ids its type-ahead offers."""
    drugs = tuple(sorted(kb.drugs))
    treatments = tuple(sorted({*kb.treatments, *kb.vocab.get("other_treatments", {})}))
    modalities = tuple(kb.vocab["imaging_modalities"])
    findings = tuple(kb.vocab["imaging_findings"])
    zones = tuple(kb.vocab["imaging_zones"])
    sides = (*SIDES, "bilateral", "midline")
    note = Column("note", "note", width=20)  # the free-text note, last, where a list has one
    side = Column("side", "side", "choice", 9, sides, strict=True)
    return {
        e.path: e
        for e in (
            EntryList(
                "patient.medications",
                "medication",
                Medication,
                (
                    Column("drug", "drug", width=24, choices=drugs),
                    Column("dose_mg", "mg", "number", 7),
                    Column("per_day", "a day", "number", 5),
                    Column("mcg_per_hour", "mcg/h", "number", 6),
                    Column("acetaminophen_mg", "APAP mg", "number", 6),
                    Column("prn", "prn", "yes_no", 4),
                    note,
                ),
                ("drug", "dose_mg", "per_day", "mcg_per_hour"),
            ),
            EntryList(
                "history.prior_treatments",
                "earlier treatment",
                PriorTreatment,
                (
                    Column("treatment", "treatment", width=24, choices=treatments),
                    Column(
                        "response",
                        "response",
                        "choice",
                        13,
                        _literal(PriorTreatment, "response"),
                        strict=True,
                    ),
                    Column("times", "times", "integer", 4),
                    note,
                ),
                ("treatment", "response", "times"),
            ),
            EntryList(
                "history.surgeries",
                "surgery",
                Surgery,
                (
                    Column("procedure", "procedure", width=26),
                    Column("level", "level", width=8),
                    Column("years_ago", "years ago", "number", 5),
                ),
                ("procedure", "level", "years_ago"),
            ),
            EntryList(
                "imaging",
                "study",
                Imaging,
                (
                    Column("modality", "modality", width=10, choices=modalities),
                    Column("finding", "finding", width=22, choices=findings),
                    Column("level", "level", width=8),
                    side,
                    Column("zone", "zone", width=12, choices=zones),
                    Column("site", "site", width=10),
                    Column("compartment", "compartment", width=10),
                    Column(
                        "severity", "severity", "choice", 9, _literal(Imaging, "severity"), True
                    ),
                    note,
                ),
                ("modality", "finding", "level", "side", "zone", "site", "severity"),
            ),
            EntryList(
                "responses",
                "response",
                Response,
                (
                    Column("intervention", "intervention", width=24, choices=treatments),
                    Column("relief_percent", "relief %", "number", 5),
                    Column("hours", "hours", "number", 6),
                    Column("weeks", "weeks", "number", 5),
                    Column("level", "level", width=8),
                    side,
                    note,
                ),
                ("intervention", "relief_percent", "hours", "weeks"),
            ),
            EntryList(
                "goals",
                "goal",
                Goal,
                (
                    Column("label", "goal", width=30),
                    Column("measure", "measure", width=18),
                    Column("baseline", "baseline", "number_or_text", 9),
                    Column("target", "target", "number_or_text", 9),
                ),
                ("label", "baseline", "target"),
            ),
        )
    }


# ---------------------------------------------------------------- typing a field


def parse_field(column: Column, text: str) -> Parsed:
    text = text.strip()
    if not text:
        return None, None
    if column.kind in ("number", "integer", "number_or_text"):
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            if column.kind == "number_or_text":
                return text, None
            return None, f"{column.label}: enter a number"
        if not math.isfinite(number):
            return None, f"{column.label}: enter a number"
        if column.kind == "integer":
            if not number.is_integer():
                return None, f"{column.label}: enter a whole number"
            return int(number), None
        return number, None
    if column.kind == "yes_no":
        answer = {"y": True, "yes": True, "n": False, "no": False}.get(text.lower())
        if answer is None:
            return None, f"{column.label}: y or n"
        return answer, None
    if column.strict and text not in column.choices:
        return None, f"{column.label}: one of {', '.join(column.choices)}"
    return text, None


def format_field(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "y" if value else ""  # "not as needed" is the default: shown blank
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_entry(
    spec: EntryList, texts: Mapping[str, str]
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """(the entry, problems by column) from one block's texts; (None, {}) when all blank."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for column in spec.columns:
        value, problem = parse_field(column, texts.get(column.name, ""))
        if problem:
            problems[column.name] = problem
        elif value is not None:
            values[column.name] = value
    if problems:
        return None, problems
    if not values:
        return None, {}
    for name in spec.required:
        if name not in values:
            label = next(c.label for c in spec.columns if c.name == name)
            problems[name] = f"{label}: required"
    if problems:
        return None, problems
    try:
        entry = spec.model.model_validate(values)
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else spec.columns[0].name
            label = next((c.label for c in spec.columns if c.name == name), name)
            problems.setdefault(name, f"{label}: {error['msg']}")
        return None, problems
    return entry.model_dump(mode="json", exclude_none=True), {}


def entry_texts(spec: EntryList, entry: Mapping[str, Any]) -> dict[str, str]:
    return {c.name: format_field(c, entry.get(c.name)) for c in spec.columns}


# How a field reads in an entry's one-line summary ("{}" is the value).
_SUMMARY_FORMS = {
    "dose_mg": "{} mg",
    "per_day": "{} a day",
    "mcg_per_hour": "{} mcg/h",
    "relief_percent": "{}% relief",
    "hours": "{} h",
    "weeks": "{} wk",
    "times": "{}×",
    "years_ago": "{} y ago",
    "target": "→ {}",
}


def summarize(spec: EntryList, entry: Mapping[str, Any]) -> str:
    """'ibuprofen 400 mg × 3 a day' style: the fields that say what it is."""
    parts = []
    for name in spec.summary:
        value = entry.get(name)
        if value is None or value == "":
            continue
        column = next(c for c in spec.columns if c.name == name)
        text = format_field(column, value)
        parts.append(_SUMMARY_FORMS.get(name, "{}").format(text))
    return " ".join(parts)


def same_entries(
    a: Sequence[Mapping[str, Any]], b: Sequence[Mapping[str, Any]], spec: EntryList
) -> bool:
    """Equal as records (defaults filled in), so a typed entry matches the stored one."""

    def norm(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [spec.model.model_validate(dict(i)).model_dump(mode="json") for i in items]

    try:
        return norm(a) == norm(b)
    except ValidationError:
        return False
