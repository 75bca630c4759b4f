"""Cross-reference checks for the knowledge base: every id a rule mentions exists, every
entry names a known source, every fact a rule reads is one the engine can produce.

Shape is checked on load (pydantic); this module checks meaning across files, so a clinician's
typo in data/ is caught by `painclinic knowledge --check` and by the test suite.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from painclinic.engine.expr import fact_names
from painclinic.engine.facts import PREFIXES
from painclinic.knowledge import KnowledgeBase
from painclinic.model import SIDES, TRACKS, field_at

MECHANISMS = {"nociceptive", "neuropathic", "nociplastic", "mixed"}


def _family(kb: KnowledgeBase, name: str) -> set[str] | None:
    """The ids allowed after a prefix; None means free text."""
    if name.startswith("vocab:"):
        return set(kb.vocab[name.split(":", 1)[1]])
    roots = set(kb.anatomy.dermatomes) | {m.root for m in kb.anatomy.key_muscles.values()}
    instrument_facts = {
        c.fact.split(":", 1)[1] for i in kb.instruments.values() for c in i.cutoffs if c.fact
    }
    return {
        "drugs": set(kb.drugs),
        "red_flags": set(kb.red_flags),
        "conditions": set(kb.conditions),
        "mechanisms": MECHANISMS,
        "treatments": set(kb.treatments) | set(kb.avoid_classes),
        "treatments*": set(kb.treatments) | set(kb.drugs) | set(kb.vocab["other_treatments"]),
        "instrument_facts": instrument_facts,
        "criteria": set(kb.criteria),
        "roots": roots,
        "sexes": {"female", "male", "other"},
        "visit_types": {"initial", "follow_up"},
        "onsets": {"sudden", "gradual"},
        "free": None,
    }[name]


def fact_problem(kb: KnowledgeBase, fact: str) -> str | None:
    """Why a fact id in a rule can never be produced, or None when it can."""
    if fact in kb.facts:
        return None
    prefix, sep, rest = fact.partition(":")
    if not sep or prefix not in PREFIXES:
        return f"unknown fact {fact!r}"
    allowed = _family(kb, PREFIXES[prefix])
    if allowed is None:
        return None
    ident, _, side = rest.partition(":")
    if ident not in allowed:
        return f"fact {fact!r}: {ident!r} is not a known {PREFIXES[prefix]} id"
    if side and side not in SIDES:
        return f"fact {fact!r}: side must be left or right"
    return None


def _rules(kb: KnowledgeBase) -> Iterator[tuple[str, Any]]:
    for name, fact in kb.facts.items():
        yield f"facts.{name}.when", fact.when
    for fid, flag in kb.red_flags.items():
        yield f"red_flags.{fid}.derived_when", flag.derived_when
        for i, rule in enumerate(flag.escalate):
            yield f"red_flags.{fid}.escalate[{i}]", rule.when
    for cid, cond in kb.conditions.items():
        yield f"conditions.{cid}.when", cond.when
    for tid, t in kb.treatments.items():
        yield f"treatments.{tid}.when", t.when
    for rule in kb.avoid_rules:
        yield f"safety.avoid_rules.{rule.id}.when", rule.when
    for aid, alert in kb.alerts.items():
        yield f"alerts.{aid}.when", alert.when
    for cp in kb.checkpoints:
        yield f"checkpoints.{cp.id}.when", cp.when
    for cid, context in kb.caution_contexts.items():
        yield f"drugs.caution_contexts.{cid}.when", context.when
    for section in kb.checklist.sections:
        yield f"checklist.{section.id}.when", section.when
        for q in section.questions:
            yield f"checklist.{q.id}.when", q.when


def _sourced(kb: KnowledgeBase) -> Iterator[tuple[str, list[str]]]:
    tables: dict[str, dict[str, Any]] = {
        "anatomy.dermatomes": kb.anatomy.dermatomes,
        "anatomy.key_muscles": kb.anatomy.key_muscles,
        "anatomy.reflexes": kb.anatomy.reflexes,
        "anatomy.root_patterns": kb.anatomy.root_patterns,
        "red_flags": kb.red_flags,
        "conditions": kb.conditions,
        "treatments": kb.treatments,
        "alerts": kb.alerts,
        "instruments": kb.instruments,
        "criteria": kb.criteria,
        "drugs": kb.drugs,
        "drugs.caution_contexts": kb.caution_contexts,
    }
    for name, table in tables.items():
        for key, entry in table.items():
            yield f"{name}.{key}", entry.source
    for rule in kb.avoid_rules:
        yield f"safety.avoid_rules.{rule.id}", rule.source
    for name, response in kb.earlier_responses:
        yield f"safety.earlier_responses.{name}", response.source
    for cp in kb.checkpoints:
        yield f"checkpoints.{cp.id}", cp.source
    for name, fact in kb.facts.items():
        if fact.derived:
            yield f"facts.{name}", fact.source
    for name, words in kb.word_lists.items():
        yield f"facts.word_lists.{name}", words.source
    for section in kb.checklist.sections:
        yield f"checklist.{section.id}", section.source


def problems(kb: KnowledgeBase) -> list[str]:
    """Every cross-reference problem in the knowledge base ([] when it is consistent)."""
    out: list[str] = []
    for where, sources in _sourced(kb):
        if not sources:
            out.append(f"{where}: no source")
        out += [f"{where}: unknown source {s!r}" for s in sources if s not in kb.sources]
    for where, expr in _rules(kb):
        for fact in fact_names(expr):
            problem = fact_problem(kb, fact)
            if problem:
                out.append(f"{where}: {problem}")
    treatments = set(kb.treatments)
    for cls, members in kb.avoid_classes.items():
        for m in members:
            ok = m in treatments or (m.startswith("track:") and m[6:] in TRACKS)
            if not ok:
                out.append(f"safety.avoid_classes.{cls}: unknown member {m!r}")
    for rule in kb.avoid_rules:
        for item in [*rule.avoid, *rule.exempt]:
            if item not in treatments and item not in kb.avoid_classes:
                out.append(f"safety.avoid_rules.{rule.id}: unknown id {item!r}")
    about = treatments | set(kb.vocab["checkpoint_about"])
    for cp in kb.checkpoints:
        if cp.about not in about:
            out.append(f"checkpoints.{cp.id}: unknown about {cp.about!r}")
        if cp.track not in TRACKS:
            out.append(f"checkpoints.{cp.id}: unknown track {cp.track!r}")
    ids = [cp.id for cp in kb.checkpoints]
    out += [f"checkpoints: id {i!r} used twice" for i in sorted(set(ids)) if ids.count(i) > 1]
    for did, drug in kb.drugs.items():
        classes = kb.vocab["drug_classes"]
        out += [f"drugs.{did}: unknown class {c!r}" for c in drug.classes if c not in classes]
        out += [
            f"drugs.{did}: unknown caution context {c!r}"
            for c in drug.cautions
            if c not in kb.caution_contexts
        ]
        if drug.treatment and drug.treatment not in treatments:
            out.append(f"drugs.{did}: unknown treatment {drug.treatment!r}")
    for tid, t in kb.treatments.items():
        if (t.procedure is not None) != (t.track == "interventional"):
            out.append(f"treatments.{tid}: procedure info belongs to interventional items only")
    seen: set[str] = set()
    for section in kb.checklist.sections:
        for q in section.questions:
            if q.id in seen:
                out.append(f"checklist: question id {q.id!r} used twice")
            seen.add(q.id)
            if field_at(q.field) is None:
                out.append(f"checklist.{q.id}: field {q.field!r} is not in the visit record")
            if isinstance(q.choices, str):
                name = q.choices.removeprefix("vocab:")
                if not q.choices.startswith("vocab:") or name not in kb.vocab:
                    out.append(f"checklist.{q.id}: unknown choices {q.choices!r}")
            if q.red_flag and q.red_flag not in kb.red_flags:
                out.append(f"checklist.{q.id}: unknown red flag {q.red_flag!r}")
    out += _fact_table_problems(kb)
    asked = {q.red_flag for s in kb.checklist.sections for q in s.questions if q.red_flag}
    out += [f"checklist: red flag {f!r} is never asked" for f in kb.red_flags if f not in asked]
    return out


def _fact_table_problems(kb: KnowledgeBase) -> list[str]:
    out: list[str] = []
    names = list(kb.facts)
    for i, (name, fact) in enumerate(kb.facts.items()):
        where = f"facts.{name}"
        if fact.when is not None and fact.value is not None:
            out.append(f"{where}: give either `when` or `value`, not both")
        if (fact.value is None) != (fact.at_least is None):
            out.append(f"{where}: `value` and `at_least` go together")
        if fact.value is not None and field_at(fact.value) not in (int, float):
            out.append(f"{where}: value {fact.value!r} is not a number in the visit record")
        later = {n for n in fact_names(fact.when) if n in kb.facts and names.index(n) > i}
        later = {n for n in later if kb.facts[n].derived}
        out += [f"{where}: uses {n!r}, which is derived below it" for n in sorted(later)]
    for name, words in kb.word_lists.items():
        if words.vocab is None:
            continue
        if words.vocab not in kb.vocab:
            out.append(f"facts.word_lists.{name}: unknown vocab {words.vocab!r}")
            continue
        out += [
            f"facts.word_lists.{name}: {w!r} is not in vocab {words.vocab}"
            for w in words.words
            if w not in kb.vocab[words.vocab]
        ]
    return out
