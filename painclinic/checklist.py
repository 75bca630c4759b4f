"""Pure helpers behind the checklist and exam widgets: relevance, completion, parsing, labels.

No Textual here: the widgets call these on every `load(...)`, and the tests can check them
without an app. Values are read from the visit record (a plain dict in the CONTRACT shape) by
the question's dotted `field` path.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from painclinic.engine.expr import evaluate
from painclinic.knowledge import KnowledgeBase, Question, Section
from painclinic.model import SIDES, field_at, is_model, record_value, unwrap

SIDE_TYPES = ("mrc_sides", "sensory_sides", "reflex_sides", "test_sides")
GRID_TYPES = ("mrc_sides", "sensory_sides", "reflex_sides")
NUMBER_TYPES = ("integer", "number", "rating")
COMMENTS_PATH = "history.comments"
_ACRONYMS = {"si": "SI", "tmj": "TMJ", "mtp": "MTP", "tfl": "TFL"}

Parsed = tuple[Any, str | None]  # (value, problem); value None with no problem = cleared
FieldKind = Literal["scalar", "list_str", "list_model", "dict"]


# ---------------------------------------------------------------- reading the record


def get_path(record: Mapping[str, Any] | None, path: str) -> Any:
    return record_value(dict(record) if record is not None else None, path)


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict | tuple) and not value)


def answered(question: Question, record: Mapping[str, Any]) -> bool:
    value = get_path(record, question.field)
    if question.type in SIDE_TYPES:
        return isinstance(value, Mapping) and any(value.get(s) is not None for s in SIDES)
    if question.type == "yes_no":
        return isinstance(value, bool)
    return not is_empty(value)


def comments_of(record: Mapping[str, Any]) -> dict[str, str]:
    found = get_path(record, COMMENTS_PATH)
    return dict(found) if isinstance(found, Mapping) else {}


def updated_comments(record: Mapping[str, Any], field: str, text: str | None) -> dict | None:
    """The whole new `history.comments` map after editing one item's comment (None if empty)."""
    comments = comments_of(record)
    text = (text or "").strip()
    if text:
        comments[field] = text
    else:
        comments.pop(field, None)
    return comments or None


# ---------------------------------------------------------------- relevance and completion


def holds(expr: Any, facts: Mapping[str, str]) -> bool:
    return evaluate(expr, facts)[0]


def shown(question: Question, facts: Mapping[str, str], record: Mapping[str, Any]) -> bool:
    """A question is shown where its rule holds over the facts, and always once answered: a
    recorded answer is never hidden (cauda equina items asked at a widespread-pain visit, a
    follow-up's responses after the type is changed back), so it can be seen and changed."""
    return holds(question.when, facts) or answered(question, record)


def relevant_questions(
    section: Section, facts: Mapping[str, str], record: Mapping[str, Any] | None = None
) -> list[Question]:
    """The section's questions to show (with `record`, also every answered one)."""
    in_section = holds(section.when, facts)
    return [
        q
        for q in section.questions
        if (in_section and holds(q.when, facts)) or (record is not None and answered(q, record))
    ]


def is_red_flag_section(section: Section) -> bool:
    return section.stage == "red_flags" or any(q.red_flag for q in section.questions)


@dataclass(frozen=True)
class SectionStatus:
    answered: int
    total: int
    flagged: bool  # a red-flag item in it is answered yes

    @property
    def mark(self) -> str:
        if self.total and self.answered >= self.total:
            return "✓"
        return "◐" if self.answered else "○"

    @property
    def words(self) -> str:
        return {"✓": "all answered", "◐": "partly answered", "○": "not started"}[self.mark]


def section_status(
    section: Section, record: Mapping[str, Any], facts: Mapping[str, str]
) -> SectionStatus:
    questions = relevant_questions(section, facts, record)
    done = sum(answered(q, record) for q in questions)
    flagged = any(q.red_flag and get_path(record, q.field) is True for q in questions)
    return SectionStatus(done, len(questions), flagged)


# ---------------------------------------------------------------- labels


def humanize(ident: str) -> str:
    words = [_ACRONYMS.get(w, w) for w in ident.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def choice_options(kb: KnowledgeBase, question: Question) -> list[tuple[str, str]]:
    choices = question.choices
    if isinstance(choices, str) and choices.startswith("vocab:"):
        return list(kb.vocab[choices.removeprefix("vocab:")].items())
    if isinstance(choices, list):
        return [(c, humanize(c)) for c in choices]
    return []


def range_text(question: Question) -> str:
    if question.type == "rating" and question.min is None:
        return "0-10"
    if question.min is None or question.max is None:
        return ""
    return f"{question.min:g}-{question.max:g}"


def score_note(scores: Mapping[str, Any], key: str) -> str | None:
    """'PHQ-9 12: moderate (positive screen)' for an instrument or criteria set, if scored."""
    score = scores.get(key)
    if score is None:
        return None
    if isinstance(score, Mapping):
        detail, met = score.get("detail"), score.get("met")
    else:
        detail, met = getattr(score, "detail", None), getattr(score, "met", None)
    if not detail:
        return None
    if key in _CRITERIA_WORDS:
        return f"{_CRITERIA_WORDS[key]}: {'MET' if met else 'not met'} ({detail})"
    return detail + (" (positive screen)" if met else "")


_CRITERIA_WORDS = {
    "acr2016_fibromyalgia": "ACR 2016 fibromyalgia criteria",
    "budapest_crps": "Budapest CRPS criteria",
    "ichd3_chronic_migraine": "ICHD-3 chronic migraine",
}


def screen_key(question: Question) -> str | None:
    prefix = "history.screens."
    return question.field.removeprefix(prefix) if question.field.startswith(prefix) else None


# ---------------------------------------------------------------- what kind of field


def field_kind(path: str) -> FieldKind:
    """What the visit model stores at `path`: a scalar, a list of ids/words, a list of
    structured entries (edited elsewhere), or a mapping."""
    annotation = field_at(path)
    origin = typing.get_origin(annotation)
    if origin is list:
        return "list_model" if is_model(unwrap(typing.get_args(annotation)[0])) else "list_str"
    if origin is dict:
        return "dict"
    return "scalar"


def summarize_entries(value: Any) -> str:
    """One line for a structured list (medications, earlier treatments, surgeries)."""
    if not isinstance(value, list) or not value:
        return "none recorded"
    parts = []
    for entry in value:
        if isinstance(entry, Mapping):
            parts.append(" ".join(_short(v) for v in entry.values() if not is_empty(v)))
        else:
            parts.append(_short(entry))
    return "; ".join(parts)


def _short(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return humanize(value) if isinstance(value, str) and "_" in value else str(value)


# ---------------------------------------------------------------- parsing typed text


def parse_number(text: str, question: Question) -> Parsed:
    text = text.strip().replace(",", ".")
    if not text:
        return None, None
    whole = question.type in ("integer", "rating")
    unit = f" {question.unit}" if question.unit else ""
    span = range_text(question)
    try:
        number = float(text)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        return None, f"Not a number: enter {kind}" + (f" {span}{unit}" if span else "")
    if not math.isfinite(number):
        return None, "Not a number"
    if whole and not number.is_integer():
        return None, "Enter a whole number" + (f" {span}{unit}" if span else "")
    low = question.min if question.min is not None else (0 if question.type == "rating" else None)
    high = question.max if question.max is not None else (10 if question.type == "rating" else None)
    if (low is not None and number < low) or (high is not None and number > high):
        return None, f"Out of range: {number:g} (allowed {span}{unit})"
    value: int | float = int(number) if whole or number.is_integer() else number
    return value, None


def parse_date(text: str) -> Parsed:
    text = text.strip()
    if not text:
        return None, None
    try:
        return dt.date.fromisoformat(text).isoformat(), None
    except ValueError:
        return None, "Enter a date as YYYY-MM-DD"


def parse_text(text: str) -> Parsed:
    text = text.strip()
    return (text or None), None


def parse_list(text: str) -> Parsed:
    items = [part.strip() for part in re.split(r"[;,\n]", text)]
    return ([i for i in items if i] or None), None


def parse_pairs(text: str) -> Parsed:
    """'lumbar_flexion: limited, painful; cervical_rotation_left: full' -> a mapping.

    Pairs are separated by ';' or ','; a piece without ':' continues the previous finding."""
    out: dict[str, str] = {}
    last: str | None = None
    for piece in re.split(r"[;,\n]", text):
        piece = piece.strip()
        if not piece:
            continue
        if ":" in piece:
            movement, finding = (p.strip() for p in piece.split(":", 1))
            key = re.sub(r"[\s-]+", "_", movement.lower())
            if not key or not finding:
                return None, f"Write each as movement: finding (check {piece!r})"
            out[key] = finding
            last = key
        elif last is not None:
            out[last] = f"{out[last]}, {piece}"
        else:
            return None, "Write each as movement: finding, e.g. lumbar_flexion: limited"
    return (out or None), None


def format_value(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "pairs" and isinstance(value, Mapping):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if kind == "list" and isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def root_sort_key(root: str) -> tuple[int, int]:
    order = {"C": 0, "T": 1, "L": 2, "S": 3}
    return order.get(root[:1], 9), int(root[1:]) if root[1:].isdigit() else 0


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
