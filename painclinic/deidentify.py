"""De-identify a visit record for teaching and case conferences (`export --deidentify`).

`deidentify(visit, key)` returns a NEW Visit (the original is never changed) that:

- replaces the patient id with a pseudonym and shifts every date (visit, checkpoints, done and
  acknowledgement times) by one offset per patient, 30 to 365 days back, both from an HMAC-SHA256
  of the patient id under a secret `key`. The key is made once per data folder with `secrets`
  and kept owner-only beside the records (`RecordStore.deid_key`, `<data>/deid.key`): without it
  nobody can recompute a pseudonym or a shift from a candidate id (HIPAA 164.514(c)). One key
  per folder, not one per export, so a teaching series can follow a patient across visits and
  export batches; whoever holds the folder holds the real records anyway;
- drops the name, the clinician and the birth date, and keeps the age on the real visit date,
  with ages over 89 as 90 (the notes say "90 or older": Safe Harbor 164.514(b)(2)(i)(C));
- replaces every free-text value with "[free text removed]", or, with `keep_text`, scrubs it by
  rule (phone and fax numbers, emails, URLs, IP addresses, street addresses, dates and years,
  id-like numbers, the record's names): no rule set finds every identifier, so such a note
  says it needs review before it is shared.

Which values are free text is read from the model, never listed by hand: every `str` slot of
`painclinic.model.Visit` (`text_slots`) is free text except the knowledge-base id slots that
validation checks on every load (`ID_SLOTS`, re-checked here). A value elsewhere is kept only
when it is a code: snake_case made of the knowledge base's own words (`sitting`, `off_work`,
`lumbar_flexion`) or a spinal level (`L4-L5`). So a field added to the model later is free text
until someone decides otherwise.

Assess the de-identified visit to render its note (the assessment carries dates and record text,
so it must be recomputed, never reused), and render it with `Redaction(kept_text=...)`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any

import phonenumbers
from pydantic import BaseModel

from painclinic.model import Visit, is_model, unwrap
from painclinic.notes.redaction import OLDEST_AGE, REMOVED

MIN_SHIFT_DAYS = 30
MAX_SHIFT_DAYS = 365
NAME = "[name]"

# Slots validation.check_ids checks against the knowledge base on every load: they can only hold
# knowledge-base ids (tests/test_deidentify.py proves each one refuses free text).
ID_SLOTS = frozenset(
    {
        "patient.comorbidities[]",
        "patient.medications[].drug",
        "history.region",
        "history.radiation[]",
        "history.descriptors[]",
        "history.symptoms[]",
        "history.red_flags{key}",
        "history.body_map{key}",
        "history.screens{key}",
        "history.prior_treatments[].treatment",
        "exam.motor{key}",
        "exam.sensory{key}",
        "exam.reflexes{key}",
        "exam.special_tests{key}",
        "exam.signs[]",
        "exam.gait",
        "imaging[].modality",
        "imaging[].finding",
        "imaging[].zone",
        "responses[].intervention",
        "plan.accepted[]",
        "plan.declined[].id",
        "plan.acknowledged[].flag",
        "plan.checkpoints[].about",
    }
)
# Identity: replaced (the id) or dropped (the names), whatever they hold.
IDENTITY_SLOTS = frozenset({"patient.id", "patient.name", "visit.clinician"})


# ---------------------------------------------------------------- the key and what it derives


def _patient_key(visit: Visit) -> str:
    p = visit.patient
    return p.id or p.name or (p.birth_date.isoformat() if p.birth_date else "") or "anonymous"


def _mac(key: bytes, purpose: str, visit: Visit) -> bytes:
    if len(key) < 16:
        raise ValueError("the de-identification key is too short (at least 16 bytes)")
    message = f"painclinic-deid/1\0{purpose}\0{_patient_key(visit)}".encode()
    return hmac.new(key, message, hashlib.sha256).digest()


def pseudonym(visit: Visit, key: bytes) -> str:
    """The stable pseudonym that replaces the patient id (same key and patient, same name)."""
    return "anon-" + _mac(key, "pseudonym", visit).hex()[:12]


def date_shift(visit: Visit, key: bytes) -> dt.timedelta:
    """One offset per patient, 30 to 365 days into the past."""
    span = MAX_SHIFT_DAYS - MIN_SHIFT_DAYS + 1
    days = MIN_SHIFT_DAYS + int.from_bytes(_mac(key, "date-shift", visit)[:8], "big") % span
    return dt.timedelta(days=-days)


# ---------------------------------------------------------------- the model's text slots


def _is_text(annotation: Any) -> bool:
    annotation = unwrap(annotation)
    if annotation is str:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(unwrap(a) is str for a in typing.get_args(annotation))
    return False


@cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, Any], ...]:
    """(key as dumped by alias, resolved annotation) per field; `field.annotation` can be an
    unresolved forward reference (History.body_map), the type hints never are."""
    hints = typing.get_type_hints(model, include_extras=True)
    return tuple((f.alias or name, hints[name]) for name, f in model.model_fields.items())


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def text_slots(root: type[BaseModel] = Visit) -> list[str]:
    """Every place of the model that can hold text: `a.b`, `a[]` (list items), `a{}` (dict
    values) and `a{key}` (dict keys). Literal (enum) fields are not text."""
    found: list[str] = []

    def walk(annotation: Any, path: str) -> None:
        annotation = unwrap(annotation)
        origin = typing.get_origin(annotation)
        if is_model(annotation):
            for key, hint in _fields(annotation):
                walk(hint, _join(path, key))
        elif origin is list:
            walk(typing.get_args(annotation)[0], path + "[]")
        elif origin is dict:
            key_type, value_type = typing.get_args(annotation)
            if _is_text(key_type):
                found.append(path + "{key}")
            walk(value_type, path + "{}")
        elif _is_text(annotation):
            found.append(path)

    walk(root, "")
    return found


# ---------------------------------------------------------------- codes kept as they are

_CODE = re.compile(r"[a-z]+(?:_[a-z]+)*")
_SPINAL_LEVEL = re.compile(r"[CTLS]\d{1,2}(?:-[CTLS]?\d{1,2})?")


@cache
def code_words() -> frozenset[str]:
    """The words of the knowledge base's ids and choices and of the model's field names."""
    from painclinic.knowledge import load_knowledge

    kb = load_knowledge()
    ids: list[str] = [*kb.vocab, *kb.treatments, *kb.drugs, *kb.red_flags, *kb.conditions]
    ids += [*kb.instruments, *kb.avoid_classes, *kb.caution_contexts, *kb.anatomy.key_muscles]
    ids += [*kb.anatomy.reflexes]
    for values in kb.vocab.values():
        ids += list(values)
    for words in kb.word_lists.values():
        ids += words.words
    for section in kb.checklist.sections:
        for q in section.questions:
            ids += q.field.split(".")
            if isinstance(q.choices, list):
                ids += q.choices
    ids += [re.sub(r"[^a-z_]", "_", slot.lower()) for slot in text_slots()]
    return frozenset(w for i in ids for w in i.lower().split("_") if w.isalpha())


def _is_code(value: str, names: frozenset[str]) -> bool:
    if not value.strip() or _SPINAL_LEVEL.fullmatch(value):
        return True
    if not _CODE.fullmatch(value):
        return False
    words = value.split("_")
    return all(w in code_words() and w not in names for w in words)


def _is_code_path(value: str, names: frozenset[str]) -> bool:
    """A comment's key: a dotted field path made of codes (`history.pain.now`)."""
    return all(_is_code(part, names) for part in value.split("."))


# ---------------------------------------------------------------- scrubbing kept free text

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]*://|www\.)\S+")
_IP = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b|\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{0,4}\b")
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATES = [
    re.compile(r"\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b"),  # 2026-10-01, 2026/10/01
    re.compile(r"\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b"),  # 10/01/2026, 1.10.26
    re.compile(  # 1 October 2026, Oct 3, 2026, October 2026, 3rd of Oct
        rf"(?:\b{_DAY}\s+(?:of\s+)?)?\b{_MONTH}(?:\s*{_DAY}\b)?(?:,?\s*(?:\d{{4}}|'\d{{2}})\b)?"
    ),
    re.compile(
        r"(?i)\b(?:christmas(?: eve| day)?|easter|thanksgiving|hanukkah|halloween|new year'?s?"
        r"(?: eve| day)?|boxing day|ramadan|eid|diwali|passover|independence day|labou?r day"
        r"|memorial day|valentine'?s day)\b"
    ),
    re.compile(r"\b\d{1,2}[/.]\d{1,2}\b(?!/10\b)"),  # 10/1 (but not a pain score 6/10)
    re.compile(r"\b(?:1[89]|20)\d{2}s?\b"),  # a year, a decade
]
_STREET = (
    r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|Pl"
    r"|Terrace|Close|Crescent|Square|Sq|Parkway|Pkwy|Highway|Hwy|Row|Mews)\b\.?"
)
_ADDRESS = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?\s+(?:[A-Z][\w'-]*\s+){{1,4}}{_STREET}"
    r"|\b(?:[A-Z][\w'-]*\s+){1,3}(?:Road|Street|Avenue|Lane|Drive|Boulevard|Terrace|Crescent)\b"
)
_TOKEN = re.compile(r"[A-Za-z0-9#][A-Za-z0-9#/._-]*[A-Za-z0-9]|\d")
_PAIN_SCORE = re.compile(r"\d{1,2}/10")
_TITLED = re.compile(
    r"\b((?:Dr|Doctor|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Nurse|Sister|Father|Rev)\.?"
    r"|(?:[Ss]on|[Dd]aughter|[Ww]ife|[Hh]usband|[Bb]rother|[Ss]ister|[Mm]other|[Ff]ather"
    r"|[Pp]artner|[Ff]riend|[Nn]eighbou?r|[Cc]arer|[Cc]aregiver|[Gg]randson|[Gg]randdaughter"
    r"|[Nn]iece|[Nn]ephew|[Aa]unt|[Uu]ncle|[Cc]ousin|[Mm]um|[Mm]om|[Dd]ad))"
    r"\s+[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?"
)


def _id_like(m: re.Match[str]) -> str:
    token = m.group()
    digits = sum(c.isdigit() for c in token)
    if _SPINAL_LEVEL.fullmatch(token) or _PAIN_SCORE.fullmatch(token):
        return token
    if digits >= 3 or (digits >= 2 and any(c.isalpha() for c in token)):
        return "[number]"
    return token


def _phones(text: str) -> str:
    out: list[str] = []
    last = 0
    leniency = phonenumbers.Leniency.POSSIBLE
    for match in phonenumbers.PhoneNumberMatcher(text, "US", leniency=leniency):
        out += [text[last : match.start], "[phone]"]
        last = match.end
    return "".join(out) + text[last:]


def name_scrubber(names: Iterable[str | None]) -> Callable[[str], str]:
    """A function replacing each full name, and each of its words (2+ letters), with [name]."""
    phrases: set[str] = set()
    for name in names:
        if name and name.strip():
            phrases.add(" ".join(name.split()))
            phrases.update(t for t in re.split(r"[^\w'-]+|[-']", name) if len(t) >= 2)
    if not phrases:
        return lambda text: text
    pattern = re.compile(
        r"(?<!\w)(?:"
        + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
        + r")(?!\w)",
        re.IGNORECASE,
    )
    collapse = re.compile(re.escape(NAME) + r"(?:[\s,.-]+" + re.escape(NAME) + ")+")
    return lambda text: collapse.sub(NAME, pattern.sub(NAME, text))


def scrubber(names: Iterable[str | None]) -> Callable[[str], str]:
    """Rule-based scrubbing of kept free text (export --keep-text): see the module docstring."""
    record_names = name_scrubber(names)

    def scrub(text: str) -> str:
        text = _EMAIL.sub("[email]", text)
        text = _URL.sub("[url]", text)
        text = _IP.sub("[ip]", text)
        for pattern in _DATES:
            text = pattern.sub("[date]", text)
        text = _phones(text)
        text = _ADDRESS.sub("[address]", text)
        text = _TOKEN.sub(_id_like, text)
        text = record_names(text)
        return _TITLED.sub(lambda m: f"{m.group(1)} {NAME}", text)

    return scrub


# ---------------------------------------------------------------- de-identify


def deidentify(visit: Visit, key: bytes, *, keep_text: bool = False) -> Visit:
    """A new, de-identified copy of `visit` (see the module docstring)."""
    p = visit.patient
    names = [p.name, visit.visit.clinician]
    name_words = frozenset(
        w.lower() for n in names if n for w in re.split(r"[^\w]+|_", n) if len(w) >= 2
    )
    shift = date_shift(visit, key)
    scrub = scrubber(names)
    age = visit.age()

    def text(path: str, value: str) -> str:
        if path in ID_SLOTS or _is_code(value, name_words):
            return value
        return scrub(value) if keep_text else REMOVED

    def key_text(path: str, value: str) -> str:
        if path in ID_SLOTS:
            return value
        if path == "history.comments{key}" and _is_code_path(value, name_words):
            return value
        return text(path, value)

    def walk(value: Any, annotation: Any, path: str) -> Any:
        annotation = unwrap(annotation)
        origin = typing.get_origin(annotation)
        if value is None:
            return None
        if is_model(annotation):
            return {
                k: walk(value[k], hint, _join(path, k))
                for k, hint in _fields(annotation)
                if k in value
            }
        if origin is list:
            return [walk(v, typing.get_args(annotation)[0], path + "[]") for v in value]
        if origin is dict:
            key_type, value_type = typing.get_args(annotation)
            items = [
                (
                    key_text(path + "{key}", k) if _is_text(key_type) else k,
                    walk(v, value_type, path + "{}"),
                )
                for k, v in value.items()
            ]
            return _unique_keys(items)
        if isinstance(value, dt.date):  # a datetime is a date too
            return value + shift
        if isinstance(value, str) and _is_text(annotation):
            return text(path, value)
        return value

    record = visit.model_dump(mode="python", by_alias=True)
    record["patient"]["name"] = None  # IDENTITY_SLOTS: dropped or replaced, never walked
    record["visit"]["clinician"] = None
    record = walk(record, Visit, "")
    record["patient"]["id"] = pseudonym(visit, key)
    record["patient"]["birth_date"] = None
    record["patient"]["age"] = min(age, OLDEST_AGE) if age is not None else None
    anon = Visit.model_validate(record)
    _check_ids(anon)
    return anon


def _unique_keys(items: list[tuple[Any, Any]]) -> dict[Any, Any]:
    """Two removed or scrubbed keys may read the same: number the later ones."""
    out: dict[Any, Any] = {}
    for k, v in items:
        name, n = k, 1
        while name in out:
            n += 1
            name = f"{k} {n}"
        out[name] = v
    return out


def _check_ids(anon: Visit) -> None:
    """The id slots were kept as they are: they must hold knowledge-base ids only (a record
    that reached the store without validation could hold anything there). A VisitError names
    the fields, never their values."""
    from painclinic.knowledge import load_knowledge
    from painclinic.validation import VisitError, check_ids

    fields = sorted({p.split(":", 1)[0] for p in check_ids(anon, load_knowledge())})
    if fields:
        raise VisitError(
            "the visit record",
            [f"{f}: not a knowledge-base id, so it cannot be kept" for f in fields],
        )


def slots_with_text(visit: Visit) -> Iterator[tuple[str, str]]:
    """(slot, value) for every text value of a visit record, keys included (for tests and
    checks: where could an identifier still be?)."""

    def walk(value: Any, annotation: Any, path: str) -> Iterator[tuple[str, str]]:
        annotation = unwrap(annotation)
        origin = typing.get_origin(annotation)
        if value is None:
            return
        if is_model(annotation):
            for k, hint in _fields(annotation):
                if k in value:
                    yield from walk(value[k], hint, _join(path, k))
        elif origin is list:
            for v in value:
                yield from walk(v, typing.get_args(annotation)[0], path + "[]")
        elif origin is dict:
            key_type, value_type = typing.get_args(annotation)
            for k, v in value.items():
                if _is_text(key_type):
                    yield path + "{key}", k
                yield from walk(v, value_type, path + "{}")
        elif isinstance(value, str) and _is_text(annotation):
            yield path, value

    yield from walk(visit.model_dump(mode="python", by_alias=True), Visit, "")
