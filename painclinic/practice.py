"""Resident practice: teaching cases, scored structured evaluations, feedback that explains.

A case (data/cases/*.yaml) holds a vignette, the full visit record as truth (revealed item by
item when asked) and an expert key. An attempt says what the resident asked and examined and
their own assessment and plan. Scoring is deterministic: each category earns the share of the
key it covers; a critical miss (an unasked red flag that was positive, a critical item in the
plan that must be avoided, a missed red flag) fails the attempt whatever the total. Every
missed or wrong item comes back with the expert's answer, its teaching point and its source.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from painclinic.knowledge import data_dir
from painclinic.model import Visit, record_value
from painclinic.validation import RecordError, describe_errors, read_record, visit_from_data

if TYPE_CHECKING:
    from painclinic.store import RecordStore

CATEGORIES = (
    "history",
    "red_flag_screen",
    "exam",
    "mechanism",
    "localization",
    "differential",
    "plan",
    "safety",
)
LABELS = {
    "history": "History",
    "red_flag_screen": "Red-flag screen",
    "exam": "Examination",
    "mechanism": "Mechanism",
    "localization": "Localization",
    "differential": "Differential",
    "plan": "Plan",
    "safety": "Safety",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KeyItem(_Model):
    item: str
    point: str
    source: list[str] = Field(default_factory=list)
    critical: bool = False


class AvoidItem(_Model):
    id: str
    point: str
    source: list[str] = Field(default_factory=list)
    critical: bool = False


class Answer(_Model):
    answer: list[str]
    point: str
    source: list[str] = Field(default_factory=list)


class Key(_Model):
    must_ask: list[KeyItem]
    must_examine: list[KeyItem]
    red_flags: Answer
    mechanism: Answer
    roots: Answer
    differential: Answer
    plan: Answer
    must_avoid: list[AvoidItem] = Field(default_factory=list)


class CaseInfo(_Model):
    id: str
    title: str
    region: str
    difficulty: Literal["beginner", "intermediate", "advanced"]
    vignette: str
    source: list[str] = Field(default_factory=list)


class TeachingCase(_Model):
    case: CaseInfo
    truth: Visit
    key: Key

    @property
    def id(self) -> str:
        return self.case.id


class ResidentAssessment(_Model):
    red_flags: list[str] = Field(default_factory=list)
    mechanism: str | None = None
    roots: list[str] = Field(default_factory=list)  # "L5 left"
    differential: list[str] = Field(default_factory=list)


class ResidentPlan(_Model):
    accepted: list[str] = Field(default_factory=list)
    avoid: list[str] = Field(default_factory=list)


class Attempt(_Model):
    case: str
    resident: str
    asked: list[str] = Field(default_factory=list)  # checklist field paths
    examined: list[str] = Field(default_factory=list)  # exam field paths (side optional)
    assessment: ResidentAssessment = Field(default_factory=ResidentAssessment)
    plan: ResidentPlan = Field(default_factory=ResidentPlan)
    finished_at: dt.datetime | None = None


class Finding(_Model):
    category: str
    item: str
    ok: bool
    expert: str
    point: str
    source: list[str] = Field(default_factory=list)
    critical: bool = False


class CategoryScore(_Model):
    earned: float
    possible: float

    @property
    def percent(self) -> float:
        return round(100 * self.earned / self.possible, 1) if self.possible else 100.0


class ScoreReport(_Model):
    case: str
    resident: str
    total_percent: float
    categories: dict[str, CategoryScore]
    findings: list[Finding]
    critical_misses: list[Finding]
    passed: bool


# ------------------------------------------------------------------ cases


def cases_dir() -> Path:
    return data_dir() / "cases"


@cache
def load_cases() -> tuple[TeachingCase, ...]:
    out = []
    for path in sorted(cases_dir().glob("*.yaml")):
        raw = read_record(path)  # as a visit file is read: `baseline: off` stays text
        truth = visit_from_data(raw.get("truth"), source=f"{path.name} truth")
        out.append(TeachingCase.model_validate({**raw, "truth": truth}))
    return tuple(out)


def get_case(case_id: str) -> TeachingCase:
    for case in load_cases():
        if case.id == case_id:
            return case
    known = ", ".join(c.id for c in load_cases())
    raise KeyError(f"no teaching case {case_id!r} (cases: {known})")


def reveal(case: TeachingCase, path: str) -> Any:
    """The case's finding at a checklist field path (None when it was not recorded)."""
    return record_value(case.truth.to_record(), path)


def load_attempt(path: Path) -> Attempt:
    """An attempt file, or a RecordError naming the file and each wrong field (never a value
    from the file: an attempt given the wrong file may hold a patient's record)."""
    data = read_record(path)
    try:
        return Attempt.model_validate(data)
    except ValidationError as exc:
        raise RecordError(str(path), describe_errors(exc, data, Attempt)) from None


# ------------------------------------------------------------------ scoring


def _covered(item: str, done: list[str]) -> bool:
    """An item counts when it, or one of its sides / sub-fields, was asked or examined."""
    return any(d == item or d.startswith(item + ".") or item.startswith(d + ".") for d in done)


def score(case: TeachingCase, attempt: Attempt) -> ScoreReport:
    key = case.key
    findings: list[Finding] = []

    def add(
        category: str,
        item: str,
        ok: bool,
        expert: str,
        point: str,
        source: list[str],
        critical: bool = False,
    ) -> None:
        findings.append(
            Finding(
                category=category,
                item=item,
                ok=ok,
                expert=expert,
                point=point,
                source=source,
                critical=critical and not ok,
            )
        )

    for k in key.must_ask:
        category = "red_flag_screen" if ".red_flags." in k.item else "history"
        positive = category == "red_flag_screen" and reveal(case, k.item) is True
        add(
            category,
            k.item,
            _covered(k.item, attempt.asked),
            f"ask: {k.item}",
            k.point,
            k.source,
            critical=k.critical or positive,
        )
    for k in key.must_examine:
        add(
            "exam",
            k.item,
            _covered(k.item, attempt.examined),
            f"examine: {k.item}",
            k.point,
            k.source,
            k.critical,
        )
    flags = set(attempt.assessment.red_flags)
    for flag in key.red_flags.answer:
        add(
            "red_flag_screen",
            f"red flag {flag}",
            flag in flags,
            flag,
            key.red_flags.point,
            key.red_flags.source,
            critical=True,
        )
    for flag in sorted(flags - set(key.red_flags.answer)):
        add(
            "red_flag_screen",
            f"red flag {flag}",
            False,
            "not a red flag on this record",
            key.red_flags.point,
            key.red_flags.source,
        )
    add(
        "mechanism",
        "primary mechanism",
        attempt.assessment.mechanism in key.mechanism.answer,
        " or ".join(key.mechanism.answer),
        key.mechanism.point,
        key.mechanism.source,
    )
    roots = set(attempt.assessment.roots)
    if key.roots.answer:
        for root in key.roots.answer:
            add("localization", root, root in roots, root, key.roots.point, key.roots.source)
    else:
        add(
            "localization",
            "root level",
            not roots,
            "no root level (not a radiculopathy)",
            key.roots.point,
            key.roots.source,
        )
    for dx in key.differential.answer:
        add(
            "differential",
            dx,
            dx in attempt.assessment.differential,
            dx,
            key.differential.point,
            key.differential.source,
        )
    for item in key.plan.answer:
        add("plan", item, item in attempt.plan.accepted, item, key.plan.point, key.plan.source)
    for avoid in key.must_avoid:
        add(
            "safety",
            avoid.id,
            avoid.id not in attempt.plan.accepted,
            f"avoid {avoid.id}",
            avoid.point,
            avoid.source,
            avoid.critical,
        )

    categories = {}
    for category in CATEGORIES:
        mine = [f for f in findings if f.category == category]
        categories[category] = CategoryScore(earned=sum(f.ok for f in mine), possible=len(mine))
    weighted = [c for c in categories.values() if c.possible]
    total = round(sum(c.percent for c in weighted) / len(weighted), 1) if weighted else 0.0
    critical = [f for f in findings if f.critical]
    return ScoreReport(
        case=case.id,
        resident=attempt.resident,
        total_percent=total,
        categories=categories,
        findings=findings,
        critical_misses=critical,
        passed=not critical and total >= 70,
    )


def feedback_markdown(case: TeachingCase, attempt: Attempt, report: ScoreReport) -> str:
    lines = [
        f"# Practice feedback: {case.case.title}",
        "",
        f"- **Resident:** {attempt.resident}",
        f"- **Case:** {case.id} ({case.case.difficulty})",
        f"- **Score:** {report.total_percent:g}% - {'PASSED' if report.passed else 'NOT PASSED'}",
        "",
    ]
    if report.critical_misses:
        lines += ["## CRITICAL MISSES (fail the attempt whatever the total)", ""]
        lines += [
            f"- **{f.item}**: {f.point} *({', '.join(f.source)})*" for f in report.critical_misses
        ]
        lines.append("")
    lines += ["## By category", "", "| Category | Score |", "| --- | --- |"]
    for category, c in report.categories.items():
        if c.possible:
            lines.append(f"| {LABELS[category]} | {c.earned:g} / {c.possible:g} ({c.percent:g}%) |")
    lines += ["", "## What was missed or wrong, and why it matters", ""]
    missed = [f for f in report.findings if not f.ok]
    if not missed:
        lines.append("Nothing: the attempt matches the expert key.")
    for f in missed:
        lines.append(
            f"- **{LABELS[f.category]}: {f.item}**. Expert: {f.expert}. {f.point} "
            f"*({', '.join(f.source)})*"
        )
    lines += [
        "",
        "## Expert plan beside yours",
        "",
        f"- **Expert key items:** {', '.join(case.key.plan.answer)}",
        f"- **Your plan:** {', '.join(attempt.plan.accepted) or 'nothing'}",
        f"- **Must avoid:** {', '.join(a.id for a in case.key.must_avoid) or 'nothing'}",
        "",
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------ attempts per resident


def resident_key(resident: str) -> str:
    """The name a resident's attempts are kept under: lowercase words joined by '-'."""
    return re.sub(r"[^a-z0-9]+", "-", resident.lower()).strip("-")[:80] or "resident"


def save_attempt(
    store: RecordStore, attempt: Attempt, report: ScoreReport, attempt_id: str | None = None
) -> None:
    """Append one scored attempt to the resident's history in the store. With the id its
    drafts were saved under, the scored entry also closes the draft (see `save_draft`)."""
    entry: dict[str, Any] = {
        "attempt": attempt.model_dump(mode="json"),
        "report": report.model_dump(mode="json"),
    }
    if attempt_id is not None:
        entry["attempt_id"] = attempt_id
    store.save_attempt(resident_key(attempt.resident), entry)


# An attempt in progress is kept as it changes, as entries in the same history marked
# `in_progress` under an `attempt_id`; the latest entry of an id is its state. The store's
# attempts API only appends, so each change adds an entry (a store call that replaced a
# draft in place would keep the file smaller).


def save_draft(store: RecordStore, attempt: Attempt, attempt_id: str) -> None:
    """Keep an unfinished attempt (what was asked, examined and committed so far)."""
    entry = {
        "attempt_id": attempt_id,
        "in_progress": True,
        "attempt": attempt.model_copy(update={"finished_at": None}).model_dump(mode="json"),
    }
    store.save_attempt(resident_key(attempt.resident), entry)


def open_draft(store: RecordStore, resident: str, case_id: str) -> tuple[str, Attempt] | None:
    """The resident's latest unfinished attempt at a case, with its id (None if there is none:
    never started, or finished and scored since)."""
    latest: dict[str, dict[str, Any]] = {}
    for entry in store.attempts(resident_key(resident)):
        attempt_id = entry.get("attempt_id")
        if isinstance(attempt_id, str):
            latest.pop(attempt_id, None)  # re-inserted last: the dict is in order of change
            latest[attempt_id] = entry
    for attempt_id, entry in reversed(latest.items()):
        if entry.get("in_progress") and entry["attempt"].get("case") == case_id:
            return attempt_id, Attempt.model_validate(entry["attempt"])
    return None


def attempts(store: RecordStore, resident: str | None = None) -> list[tuple[Attempt, ScoreReport]]:
    """The scored attempts (drafts of unfinished ones are not attempts yet)."""
    entries = store.attempts(resident_key(resident) if resident else None)
    return [
        (Attempt.model_validate(e["attempt"]), ScoreReport.model_validate(e["report"]))
        for e in entries
        if not e.get("in_progress") and "report" in e
    ]


def progress(history: list[tuple[Attempt, ScoreReport]]) -> dict[str, Any]:
    """Attempts over time, per-category trend (first vs latest), weakest areas."""
    ordered = sorted(
        history,
        key=lambda ar: (ar[0].finished_at or dt.datetime.min.replace(tzinfo=dt.UTC), ar[0].case),
    )
    per_category: dict[str, list[float]] = {c: [] for c in CATEGORIES}
    for _, report in ordered:
        for category, c in report.categories.items():
            if c.possible:
                per_category[category].append(c.percent)
    trend = {
        c: {"first": v[0], "latest": v[-1], "mean": round(sum(v) / len(v), 1)}
        for c, v in per_category.items()
        if v
    }
    weakest = sorted(trend, key=lambda c: trend[c]["mean"])[:3]
    return {
        "attempts": [
            {
                "case": a.case,
                "finished_at": a.finished_at.isoformat() if a.finished_at else None,
                "score": r.total_percent,
                "passed": r.passed,
            }
            for a, r in ordered
        ],
        "trend": trend,
        "weakest": weakest,
    }
