"""Cross-reference checks for the knowledge base: every id a rule mentions exists, every
entry names a known source, every fact a rule reads is one the engine can produce.

Shape is checked on load (pydantic); this module checks meaning across files, so a clinician's
typo in data/ is caught by `painclinic knowledge --check` and by the test suite.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from painclinic import knowledge
from painclinic.engine.expr import fact_names
from painclinic.engine.facts import PREFIXES
from painclinic.knowledge import KnowledgeBase
from painclinic.model import SIDES, TRACKS, Context, field_at

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
    for combo in kb.red_flag_combinations:
        yield f"red_flags.combinations.{combo.id}.when", combo.when
    for net in kb.safety_nets:
        yield f"red_flags.safety_nets.{net.id}.when", net.when
    for cid, cond in kb.conditions.items():
        yield f"conditions.{cid}.when", cond.when
    for tid, t in kb.treatments.items():
        yield f"treatments.{tid}.when", t.when
    for avoid_rule in kb.avoid_rules:
        yield f"safety.avoid_rules.{avoid_rule.id}.when", avoid_rule.when
    for aid, alert in kb.alerts.items():
        yield f"alerts.{aid}.when", alert.when
    for cp in kb.checkpoints:
        yield f"checkpoints.{cp.id}.when", cp.when
    for cid, context in kb.caution_contexts.items():
        yield f"drugs.caution_contexts.{cid}.when", context.when
    for i, wrule in enumerate(kb.workup_rules):
        yield f"workup.workup[{i}].when", wrule.when
    for i, nrule in enumerate(kb.not_indicated_rules):
        yield f"workup.not_indicated[{i}].when", nrule.when
    for tid, dose in kb.doses.items():
        for i, band in enumerate(dose.adjust):
            yield f"doses.{tid}.adjust[{i}].when", band.when
    for section in kb.checklist.sections:
        yield f"checklist.{section.id}.when", section.when
        for q in section.questions:
            yield f"checklist.{q.id}.when", q.when
    for name, question in kb.first_steps.procedure_questions:
        yield f"sequence.first_steps.procedure_questions.{name}.when", question.when
    if kb.first_steps.topical_first is not None:
        yield "sequence.first_steps.topical_first.when", kb.first_steps.topical_first.when


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
        "doses": kb.doses,
    }
    for name, table in tables.items():
        for key, entry in table.items():
            yield f"{name}.{key}", entry.source
    for rule in kb.avoid_rules:
        yield f"safety.avoid_rules.{rule.id}", rule.source
    for combo in kb.red_flag_combinations:
        yield f"red_flags.combinations.{combo.id}", combo.source
    for net in kb.safety_nets:
        yield f"red_flags.safety_nets.{net.id}", net.source
    yield "red_flags.deferral", kb.deferral.source
    for cls, by_class in kb.avoid_class_drugs.items():
        yield f"safety.avoid_class_drugs.{cls}", by_class.source
    for name, response in kb.earlier_responses:
        yield f"safety.earlier_responses.{name}", response.source
    for cp in kb.checkpoints:
        yield f"checkpoints.{cp.id}", cp.source
    for name, fact in kb.facts.items():
        if fact.derived:
            yield f"facts.{name}", fact.source
    for name, words in kb.word_lists.items():
        yield f"facts.word_lists.{name}", words.source
    for name, threshold in kb.thresholds.items():
        yield f"facts.thresholds.{name}", threshold.source
    for name, lasting in kb.lasting_relief.items():
        yield f"facts.lasting_relief.{name}", lasting.source
    for section in kb.checklist.sections:
        yield f"checklist.{section.id}", section.source
    for i, wrule in enumerate(kb.workup_rules):
        yield f"workup.workup[{i}]", wrule.source
    for i, nrule in enumerate(kb.not_indicated_rules):
        yield f"workup.not_indicated[{i}]", nrule.source
    for gid, group in kb.choose_one.items():
        yield f"sequence.choose_one.{gid}", group.source
    yield "sequence.first_steps", kb.first_steps.source
    if kb.first_steps.topical_first is not None:
        yield "sequence.first_steps.topical_first", kb.first_steps.topical_first.source
    for tid, dose in kb.doses.items():
        for i, band in enumerate(dose.adjust):
            yield f"doses.{tid}.adjust[{i}]", band.source


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
        if rule.covered_by is not None and rule.covered_by not in kb.alerts:
            out.append(f"safety.avoid_rules.{rule.id}: unknown alert {rule.covered_by!r}")
    for aid, alert in kb.alerts.items():
        out += [
            f"alerts.{aid}.stops: unknown drug class {c!r}"
            for c in alert.stops
            if c not in kb.vocab["drug_classes"]
        ]
    for cls, by_class in kb.avoid_class_drugs.items():
        if cls not in kb.avoid_classes:
            out.append(f"safety.avoid_class_drugs.{cls}: not an avoid class")
        out += [
            f"safety.avoid_class_drugs.{cls}: unknown drug class {c!r}"
            for c in [*by_class.classes, *by_class.unless]
            if c not in kb.vocab["drug_classes"]
        ]
    for combo in kb.red_flag_combinations:
        out += [
            f"red_flags.combinations.{combo.id}: unknown red flag {r!r}"
            for r in combo.raises
            if r not in kb.red_flags
        ]
    for item in [*kb.deferral.emergency_keeps, *kb.deferral.urgent_defers]:
        if item not in treatments and item not in kb.avoid_classes:
            out.append(f"red_flags.deferral: unknown id {item!r}")
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
        if t.track == "medication" and tid not in kb.doses:
            out.append(f"treatments.{tid}: a medication item needs a dose in doses.yaml")
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
    out += _sequence_problems(kb)
    out += _fact_table_problems(kb)
    out += unread_field_problems()
    asked = {q.red_flag for s in kb.checklist.sections for q in s.questions if q.red_flag}
    out += [f"checklist: red flag {f!r} is never asked" for f in kb.red_flags if f not in asked]
    return out


def _sequence_problems(kb: KnowledgeBase) -> list[str]:
    """data/sequence.yaml names only treatments that exist, each in at most one group."""
    out: list[str] = []
    seen: dict[str, str] = {}
    for gid, group in kb.choose_one.items():
        for m in group.members:
            if m not in kb.treatments:
                out.append(f"sequence.choose_one.{gid}: unknown treatment {m!r}")
            elif m in seen:
                out.append(f"sequence.choose_one.{gid}: {m!r} is already in group {seen[m]!r}")
            seen[m] = gid
    policy = kb.first_steps
    named = [*policy.lead_now, *policy.emergency_only, *policy.companions]
    named += [p for partners in policy.companions.values() for p in partners]
    named += [policy.home_program] if policy.home_program else []
    named += policy.topical_first.items if policy.topical_first else []
    out += [
        f"sequence.first_steps: unknown treatment {t!r}" for t in named if t not in kb.treatments
    ]
    listed = Context.model_fields["constraints"].annotation  # list[Literal[...]]
    allowed = set(typing.get_args(typing.get_args(listed)[0]))
    out += [
        f"sequence.first_steps: unknown context constraint {c!r}"
        for c in policy.home_program_constraints
        if c not in allowed
    ]
    if not 1 <= policy.least <= policy.most:
        out.append("sequence.first_steps: least must be between 1 and most")
    return out


def _engine_name_problems(kb: KnowledgeBase) -> list[str]:
    """Every threshold and word list engine/facts.py reads by name is in data/facts.yaml, and
    every ablation it reads durability for has a lasting_relief entry: a missing one would
    fail mid-assessment, not at load."""
    text = _module_source("painclinic.engine.facts") or ""
    out = [
        f"facts.thresholds: {name!r} is read by engine/facts.py but not defined"
        for name in sorted(set(re.findall(r'_n\(kb, "(\w+)"\)', text)) - set(kb.thresholds))
    ]
    out += [
        f"facts.word_lists: {name!r} is read by engine/facts.py but not defined"
        for name in sorted(set(re.findall(r'_words\(kb, "(\w+)"\)', text)) - set(kb.word_lists))
    ]
    rfa = kb.word_lists.get("rfa_interventions")
    out += [
        f"facts.word_lists.rfa_interventions: {w!r} has no lasting_relief entry"
        for w in (rfa.words if rfa else [])
        if w not in kb.lasting_relief
    ]
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
    out += _engine_name_problems(kb)
    out += [
        f"facts.lasting_relief.{name}: {name!r} is not a treatment"
        for name in kb.lasting_relief
        if name not in kb.treatments
    ]
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


# ---------------------------------------------------------------- fields nothing reads

# Every field of the knowledge models (painclinic.knowledge), and a module that reads it.
# A field that nothing reads is an edit that silently does nothing, the most misleading kind in
# a clinical knowledge base: a new field must name its reader here, or `painclinic knowledge
# --check` fails. An inherited field is listed once, under the model that declares it.
READERS: dict[str, str] = {
    "Entry.source": "painclinic.engine",
    "Source.citation": "painclinic.tui.screens.practice.score",
    "Dermatome.key_point": "painclinic.tui.widgets.body_map",
    "Dermatome.area": "painclinic.tui.widgets.body_map",
    "KeyMuscle.root": "painclinic.engine.facts",
    "KeyMuscle.action": "painclinic.engine.facts",
    "KeyMuscle.muscle": "painclinic.notes.soap",
    "KeyMuscle.limb": "painclinic.engine.facts",
    "Reflex.root": "painclinic.engine.facts",
    "Reflex.roots": "painclinic.notes.labels",
    "Reflex.limb": "painclinic.engine.facts",
    "RootPattern.limb": "painclinic.engine.facts",
    "RootPattern.radiation": "painclinic.engine.facts",
    "RootPattern.pain": "painclinic.engine.facts",
    "RootPattern.tests": "painclinic.engine.localization",
    "Anatomy.dermatomes": "painclinic.validation",
    "Anatomy.key_muscles": "painclinic.engine.facts",
    "Anatomy.reflexes": "painclinic.engine.facts",
    "Anatomy.root_patterns": "painclinic.engine.localization",
    "Anatomy.disc_levels": "painclinic.engine.localization",
    "Escalation.when": "painclinic.engine",
    "Escalation.urgency": "painclinic.engine.plan",
    "Escalation.reason": "painclinic.engine.plan",
    "Escalation.action": "painclinic.engine.redflags",
    "RedFlagDef.label": "painclinic.engine",
    "RedFlagDef.question": "painclinic.knowledge",
    "RedFlagDef.urgency": "painclinic.engine.plan",
    "RedFlagDef.suggests": "painclinic.engine.redflags",
    "RedFlagDef.action": "painclinic.engine.facts",
    "RedFlagDef.regions": "painclinic.notes.labels",
    "RedFlagDef.derived_when": "painclinic.engine.redflags",
    "RedFlagDef.escalate": "painclinic.engine.redflags",
    "RedFlagDef.safety_net": "painclinic.engine",
    "RedFlagCombination.id": "painclinic.integrity",
    "RedFlagCombination.label": "painclinic.engine.redflags",
    "RedFlagCombination.when": "painclinic.engine.redflags",
    "RedFlagCombination.urgency": "painclinic.engine.redflags",
    "RedFlagCombination.raises": "painclinic.engine.redflags",
    "RedFlagCombination.suggests": "painclinic.engine.redflags",
    "RedFlagCombination.action": "painclinic.engine.redflags",
    "Deferral.emergency_keeps": "painclinic.engine.plan",
    "Deferral.urgent_defers": "painclinic.engine.plan",
    "KnowledgeBase.red_flag_combinations": "painclinic.engine.redflags",
    "KnowledgeBase.safety_nets": "painclinic.engine",
    "SafetyNetRule.id": "painclinic.integrity",
    "SafetyNetRule.when": "painclinic.engine",
    "SafetyNetRule.text": "painclinic.engine",
    "KnowledgeBase.deferral": "painclinic.engine.plan",
    "ConditionDef.label": "painclinic.engine",
    "ConditionDef.mechanism": "painclinic.engine",
    "ConditionDef.when": "painclinic.engine",
    "ConditionDef.serious": "painclinic.engine",
    "ConditionDef.priority": "painclinic.engine.differential",
    "ConditionDef.note": "painclinic.notes.soap",
    "ProcedureInfo.bleeding_risk": "painclinic.engine.plan",
    "ProcedureInfo.bleeding_risk_cervical": "painclinic.engine.plan",
    "ProcedureInfo.steroid": "painclinic.engine.plan",
    "TreatmentDef.track": "painclinic.engine.checkpoints",
    "TreatmentDef.label": "painclinic.engine",
    "TreatmentDef.when": "painclinic.engine",
    "TreatmentDef.rationale": "painclinic.engine.checkpoints",
    "TreatmentDef.evidence": "painclinic.engine.facts",
    "TreatmentDef.evidence_note": "painclinic.engine.plan",
    "TreatmentDef.procedure": "painclinic.engine.facts",
    "TreatmentDef.routine": "painclinic.engine.plan",
    "TreatmentDef.order": "painclinic.engine.plan",
    "AvoidRule.id": "painclinic.engine",
    "AvoidRule.when": "painclinic.engine",
    "AvoidRule.avoid": "painclinic.engine.plan",
    "AvoidRule.reason": "painclinic.engine.plan",
    "AvoidRule.exempt": "painclinic.engine.plan",
    "AlertDef.severity": "painclinic.engine",
    "AlertDef.when": "painclinic.engine",
    "AlertDef.message": "painclinic.engine",
    "AlertDef.detail": "painclinic.engine",
    "AlertDef.stops": "painclinic.engine.reconcile",
    "AlertDef.label": "painclinic.engine",
    "ResponseRule.reason": "painclinic.engine.plan",
    "EarlierResponses.not_tolerated": "painclinic.engine.plan",
    "EarlierResponses.did_not_help": "painclinic.engine.plan",
    "EarlierResponses.did_not_help_procedure": "painclinic.engine.plan",
    "CheckpointDef.id": "painclinic.engine",
    "CheckpointDef.when": "painclinic.engine",
    "CheckpointDef.about": "painclinic.engine.checkpoints",
    "CheckpointDef.track": "painclinic.engine.checkpoints",
    "CheckpointDef.days": "painclinic.engine.checkpoints",
    "CheckpointDef.label": "painclinic.engine",
    "CheckpointDef.rationale": "painclinic.engine.checkpoints",
    "CheckpointDef.if_not": "painclinic.engine.checkpoints",
    "Cutoff.at_least": "painclinic.engine.facts",
    "Cutoff.label": "painclinic.engine",
    "Cutoff.fact": "painclinic.engine.facts",
    "InstrumentDef.label": "painclinic.engine",
    "InstrumentDef.min": "painclinic.checklist",
    "InstrumentDef.max": "painclinic.checklist",
    "InstrumentDef.positive_at": "painclinic.engine.scores",
    "InstrumentDef.cutoffs": "painclinic.engine.facts",
    "CriteriaSet.label": "painclinic.engine",
    "CriteriaSet.description": "painclinic.tui.dialogs.help",
    "CriteriaSet.categories": "painclinic.engine.scores",
    "CautionContext.label": "painclinic.engine",
    "CautionContext.when": "painclinic.engine",
    "DrugDef.label": "painclinic.engine",
    "DrugDef.classes": "painclinic.engine.facts",
    "DrugDef.treatment": "painclinic.engine.facts",
    "DrugDef.mme_factor": "painclinic.engine.medsafety",
    "DrugDef.mme_dose": "painclinic.engine.medsafety",
    "DrugDef.acetaminophen_mg_per_unit": "painclinic.engine.medsafety",
    "DrugDef.contains_acetaminophen": "painclinic.engine.medsafety",
    "DrugDef.asra_hold_days": "painclinic.engine",
    "DrugDef.cautions": "painclinic.engine.medsafety",
    "DrugDef.note": "painclinic.notes.soap",
    "FactEvidence.first": "painclinic.engine.facts",
    "FactEvidence.says": "painclinic.engine.facts",
    "FactEvidence.labels": "painclinic.engine.facts",
    "FactEvidence.text": "painclinic.engine.facts",
    "FactDef.when": "painclinic.engine",
    "FactDef.value": "painclinic.engine.facts",
    "FactDef.at_least": "painclinic.engine.facts",
    "FactDef.evidence": "painclinic.engine.facts",
    "FactDef.source": "painclinic.engine",
    "WordList.words": "painclinic.engine.facts",
    "WordList.vocab": "painclinic.engine.facts",
    "Threshold.value": "painclinic.engine.facts",
    "LastingRelief.weeks": "painclinic.engine.facts",
    "Question.id": "painclinic.engine",
    "Question.prompt": "painclinic.notes.soap",
    "Question.field": "painclinic.checklist",
    "Question.type": "painclinic.engine.facts",
    "Question.choices": "painclinic.checklist",
    "Question.min": "painclinic.checklist",
    "Question.max": "painclinic.checklist",
    "Question.unit": "painclinic.checklist",
    "Question.red_flag": "painclinic.checklist",
    "Question.when": "painclinic.engine",
    "Question.open_choices": "painclinic.tui.widgets.question",
    "Question.help": "painclinic.tui.widgets.question",
    "Section.id": "painclinic.engine",
    "Section.label": "painclinic.engine",
    "Section.stage": "painclinic.checklist",
    "Section.source": "painclinic.engine",
    "Section.when": "painclinic.engine",
    "Section.questions": "painclinic.checklist",
    "Checklist.version": "painclinic.engine",
    "Checklist.sections": "painclinic.notes.html",
    "KnowledgeBase.version": "painclinic.engine",
    "KnowledgeBase.sha256": "painclinic.engine",
    "KnowledgeBase.sources": "painclinic.engine.plan",
    "KnowledgeBase.vocab": "painclinic.engine.facts",
    "KnowledgeBase.anatomy": "painclinic.engine.facts",
    "KnowledgeBase.red_flags": "painclinic.engine.facts",
    "KnowledgeBase.conditions": "painclinic.engine",
    "KnowledgeBase.treatments": "painclinic.engine.medsafety",
    "KnowledgeBase.avoid_rules": "painclinic.engine.plan",
    "KnowledgeBase.avoid_classes": "painclinic.engine.plan",
    "KnowledgeBase.avoid_class_drugs": "painclinic.engine.reconcile",
    "AvoidRule.if_taken": "painclinic.engine.plan",
    "AvoidRule.covered_by": "painclinic.engine.plan",
    "AvoidRule.listed": "painclinic.engine.plan",
    "AvoidClassDrugs.classes": "painclinic.engine.reconcile",
    "AvoidClassDrugs.unless": "painclinic.engine.reconcile",
    "AvoidClassDrugs.advice": "painclinic.engine.reconcile",
    "AvoidClassDrugs.label": "painclinic.engine.reconcile",
    "KnowledgeBase.earlier_responses": "painclinic.engine.plan",
    "KnowledgeBase.alerts": "painclinic.engine",
    "KnowledgeBase.checkpoints": "painclinic.engine",
    "KnowledgeBase.instruments": "painclinic.engine.facts",
    "KnowledgeBase.criteria": "painclinic.engine.scores",
    "KnowledgeBase.drugs": "painclinic.engine",
    "KnowledgeBase.caution_contexts": "painclinic.engine.medsafety",
    "KnowledgeBase.doses": "painclinic.engine.doses",
    "DoseDef.start": "painclinic.engine.doses",
    "DoseDef.titrate": "painclinic.engine.doses",
    "DoseDef.max": "painclinic.engine.doses",
    "DoseDef.adjust": "painclinic.engine.doses",
    "DoseAdjustment.text": "painclinic.engine.doses",
    "DoseAdjustment.when": "painclinic.engine.doses",
    "DoseAdjustment.crcl_at_least": "painclinic.engine.doses",
    "DoseAdjustment.crcl_below": "painclinic.engine.doses",
    "DoseAdjustment.crcl_unknown": "painclinic.engine.doses",
    "DoseAdjustment.age_at_least": "painclinic.engine.doses",
    "KnowledgeBase.facts": "painclinic.engine",
    "KnowledgeBase.word_lists": "painclinic.engine.facts",
    "KnowledgeBase.thresholds": "painclinic.engine.facts",
    "KnowledgeBase.lasting_relief": "painclinic.engine.facts",
    "KnowledgeBase.checklist": "painclinic.notes.soap",
    "KnowledgeBase.workup_tests": "painclinic.engine.workup",
    "KnowledgeBase.workup_rules": "painclinic.engine.workup",
    "KnowledgeBase.not_indicated_rules": "painclinic.engine.workup",
    "WorkupTest.label": "painclinic.engine.workup",
    "WorkupRule.id": "painclinic.engine.workup",
    "WorkupRule.when": "painclinic.engine.workup",
    "WorkupRule.timing": "painclinic.engine.workup",
    "WorkupRule.days": "painclinic.engine.workup",
    "WorkupRule.label": "painclinic.engine.workup",
    "WorkupRule.rationale": "painclinic.engine.workup",
    "WorkupRule.routine": "painclinic.engine.workup",
    "NotIndicatedRule.id": "painclinic.engine.workup",
    "NotIndicatedRule.when": "painclinic.engine.workup",
    "NotIndicatedRule.reason": "painclinic.engine.workup",
    # data/sequence.yaml
    "ChooseOneGroup.label": "painclinic.engine.sequence",
    "ChooseOneGroup.members": "painclinic.engine.sequence",
    "ChooseOneGroup.say": "painclinic.engine.sequence",
    "ChooseOneGroup.why_first": "painclinic.engine.sequence",
    "ProcedureQuestion.ask": "painclinic.engine.sequence",
    "ProcedureQuestion.when": "painclinic.engine.sequence",
    "ProcedureQuestions.anatomy_fits": "painclinic.engine.sequence",
    "ProcedureQuestions.care_failed_or_blocking": "painclinic.engine.sequence",
    "ProcedureQuestions.opens_window": "painclinic.engine.sequence",
    "FirstStepPolicy.least": "painclinic.engine.sequence",
    "FirstStepPolicy.most": "painclinic.engine.sequence",
    "FirstStepPolicy.lead_now": "painclinic.engine.sequence",
    "FirstStepPolicy.lead_when": "painclinic.engine.sequence",
    "FirstStepPolicy.medicine_waits": "painclinic.engine.sequence",
    "MedicineWaits.when": "painclinic.engine.sequence",
    "FirstStepPolicy.emergency_only": "painclinic.engine.sequence",
    "FirstStepPolicy.medicine_rank": "painclinic.engine.sequence",
    "FirstStepPolicy.companions": "painclinic.engine.sequence",
    "FirstStepPolicy.fill": "painclinic.engine.sequence",
    "FirstStepPolicy.home_program": "painclinic.engine.sequence",
    "FirstStepPolicy.home_program_constraints": "painclinic.engine.sequence",
    "FirstStepPolicy.procedure_questions": "painclinic.engine.sequence",
    "FirstStepPolicy.topical_first": "painclinic.engine.sequence",
    "TopicalFirst.when": "painclinic.engine.sequence",
    "TopicalFirst.items": "painclinic.engine.sequence",
    "KnowledgeBase.choose_one": "painclinic.engine.sequence",
    "KnowledgeBase.first_steps": "painclinic.engine.sequence",
}

# Fields kept for the people who edit data/, deliberately read by no code.
DOCUMENTATION: dict[str, str] = {
    "Source.year": "the year a reviewer dates a source by (range-checked by the tests)",
    "FactDef.means": "the glossary of the facts a rule may use, for the rule's author",
    "Threshold.means": "what the number is, for the clinician reading data/facts.yaml",
}


def knowledge_models() -> list[type[BaseModel]]:
    """Every pydantic model the knowledge base is built from."""
    return [
        obj
        for obj in vars(knowledge).values()
        if isinstance(obj, type)
        and issubclass(obj, BaseModel)
        and obj.__module__ == knowledge.__name__
    ]


def _declared(model: type[BaseModel]) -> Iterator[str]:
    """`Model.field` for each field, named after the class that declares it."""
    for name in model.model_fields:
        owner = next(c for c in model.__mro__ if name in getattr(c, "__annotations__", {}))
        yield f"{owner.__name__}.{name}"


def _module_source(module: str) -> str | None:
    """A painclinic module's source, read as text (importing it could pull in the UI)."""
    base = Path(knowledge.__file__).resolve().parent
    parts = module.split(".")
    if parts[0] != "painclinic":
        return None
    path = base.joinpath(*parts[1:])
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    return None


def unread_field_problems(
    models: list[type[BaseModel]] | None = None,
    readers: Mapping[str, str] = READERS,
    documentation: Mapping[str, str] = DOCUMENTATION,
) -> list[str]:
    """Knowledge fields no reader is registered for, registered readers of fields that do not
    exist, and readers whose source never mentions the field."""
    fields = {key for m in models or knowledge_models() for key in _declared(m)}
    out = [
        f"knowledge field {key} is read by nothing: read it, remove it, or register its reader "
        "in integrity.READERS"
        for key in sorted(fields - set(readers) - set(documentation))
    ]
    out += [
        f"integrity.READERS: {key} is not a knowledge field" for key in readers if key not in fields
    ]
    for key, module in readers.items():
        if key not in fields:
            continue
        text = _module_source(module)
        if text is None:
            out.append(f"integrity.READERS: {key}: no module {module!r}")
            continue
        name = key.split(".", 1)[1]
        if not re.search(rf"\.{name}\b", text):
            out.append(f"integrity.READERS: {key}: {module} never reads .{name}")
    return out
