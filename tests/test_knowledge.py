"""The knowledge base is complete, consistent and sourced.

The id lists below are copied from CONTRACT.md section 3: they are the test's own source of
truth, so removing or renaming a contract id in data/ fails here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from painclinic.integrity import problems
from painclinic.knowledge import KnowledgeError, data_dir, load_knowledge
from tests.contract_ids import (
    ALERTS,
    AVOID_CLASSES,
    CONTRACT,
    DERMATOMES,
    DIFFERENTIAL,
    DRUGS,
    INSTRUMENTS_REQUIRED,
    KEY_MUSCLES,
    RED_FLAGS,
    REFLEXES,
    TRACK_ITEMS,
)

KB = load_knowledge()


def test_knowledge_base_has_no_cross_reference_problems() -> None:
    assert problems(KB) == []


@pytest.mark.parametrize("vocab", sorted(CONTRACT))
def test_every_contract_vocabulary_id_is_present(vocab: str) -> None:
    missing = set(CONTRACT[vocab].split()) - set(KB.vocab[vocab])
    assert not missing


def test_every_contract_red_flag_has_urgency_action_and_source() -> None:
    assert set(RED_FLAGS) <= set(KB.red_flags)
    for fid in RED_FLAGS:
        flag = KB.red_flags[fid]
        assert flag.urgency in ("emergency", "urgent", "soon")
        assert flag.action and flag.suggests and flag.source


def test_key_muscles_and_reflexes_map_to_their_roots() -> None:
    assert {m: d.root for m, d in KB.anatomy.key_muscles.items()} == KEY_MUSCLES
    assert {r: d.root for r, d in KB.anatomy.reflexes.items()} == REFLEXES


def test_dermatomes_c2_to_s5_have_key_sensory_points() -> None:
    assert list(KB.anatomy.dermatomes) == DERMATOMES
    assert "thumb" in KB.anatomy.dermatomes["C6"].key_point
    assert "middle finger" in KB.anatomy.dermatomes["C7"].key_point
    assert "nipple" in KB.anatomy.dermatomes["T4"].key_point
    assert "umbilicus" in KB.anatomy.dermatomes["T10"].key_point
    assert "malleolus" in KB.anatomy.dermatomes["L4"].key_point


def test_lumbar_disc_levels_meet_traversing_and_exiting_roots() -> None:
    assert KB.anatomy.disc_levels["L4-L5"] == {"exiting": "L4", "traversing": "L5"}
    assert KB.anatomy.disc_levels["L5-S1"]["traversing"] == "S1"
    assert KB.anatomy.disc_levels["C5-C6"]["exiting"] == "C6"


def test_every_contract_differential_id_is_a_condition() -> None:
    assert set(DIFFERENTIAL) <= set(KB.conditions)


@pytest.mark.parametrize("track", sorted(TRACK_ITEMS))
def test_every_contract_track_item_sits_in_its_track(track: str) -> None:
    for tid in TRACK_ITEMS[track].split():
        assert KB.treatments[tid].track == track, tid


def test_every_contract_medication_id_is_a_drug() -> None:
    medication_items = TRACK_ITEMS["medication"].split()
    assert set(DRUGS + medication_items) <= set(KB.drugs)


def test_every_contract_alert_and_avoid_class_is_defined() -> None:
    assert set(ALERTS) <= set(KB.alerts)
    assert set(AVOID_CLASSES) <= set(KB.avoid_classes)


def test_required_instruments_have_ranges_and_sources() -> None:
    for iid in INSTRUMENTS_REQUIRED:
        inst = KB.instruments[iid]
        assert inst.min < inst.max and inst.source
    assert {"acr2016_fibromyalgia", "budapest_crps", "ichd3_chronic_migraine"} <= set(KB.criteria)


def test_evidence_is_called_mixed_where_the_seed_article_says_so() -> None:
    for tid in ("prp_injection", "hyaluronic_acid", "genicular_rfa", "oral_steroid_taper"):
        assert KB.treatments[tid].evidence == "mixed", tid
        assert KB.treatments[tid].evidence_note


def test_cdc_2022_mme_factors() -> None:
    factors = {
        "codeine": 0.15,
        "fentanyl_patch": 2.4,
        "hydrocodone": 1.0,
        "hydromorphone": 5.0,
        "methadone": 4.7,
        "morphine": 1.0,
        "oxycodone": 1.5,
        "oxymorphone": 3.0,
        "tapentadol": 0.4,
        "tramadol": 0.2,
    }
    assert {d: KB.drugs[d].mme_factor for d in factors} == factors
    assert KB.drugs["buprenorphine"].mme_factor is None


def test_every_source_has_a_citation_and_year() -> None:
    for sid, source in KB.sources.items():
        assert source.citation and 1900 < source.year <= 2026, sid


def test_checklist_asks_every_red_flag_and_covers_each_stage() -> None:
    stages = {s.stage for s in KB.checklist.sections}
    assert stages == {"history", "red_flags", "exam", "screens"}
    asked = {q.red_flag for s in KB.checklist.sections for q in s.questions if q.red_flag}
    assert asked == set(KB.red_flags)


def test_knowledge_reports_version_and_content_hash() -> None:
    assert KB.version and len(KB.sha256) == 64
    assert load_knowledge() is KB  # cached: one load per process


def test_a_changed_rule_changes_the_content_hash(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    edited = copy / "alerts.yaml"
    edited.write_text(edited.read_text().replace("severity: moderate", "severity: high", 1))
    assert load_knowledge(str(copy)).sha256 != KB.sha256


def test_a_broken_data_file_is_reported_by_name(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    (copy / "treatments.yaml").write_text("treatments:\n  oral_nsaid: {track: nowhere}\n")
    with pytest.raises(KnowledgeError, match=r"treatments\.yaml"):
        load_knowledge(str(copy))


def test_integrity_check_catches_a_misspelt_fact(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    edited = copy / "treatments.yaml"
    edited.write_text(edited.read_text().replace("when: dx:crps", "when: dx:cprs", 1))
    found = problems(load_knowledge(str(copy)))
    assert any("cprs" in p for p in found)


# ---------------------------------------------------------------- every field is read


def test_every_knowledge_field_has_a_registered_reader_that_reads_it() -> None:
    from painclinic.integrity import unread_field_problems

    assert unread_field_problems() == []


def test_a_field_added_without_a_reader_is_reported_by_the_knowledge_check() -> None:
    from painclinic import knowledge
    from painclinic.integrity import READERS, knowledge_models, unread_field_problems

    class DrugDef(knowledge.DrugDef):  # as if a clinician added `max_daily_mg` to the model
        max_daily_mg: float | None = None

    models = [m for m in knowledge_models() if m is not knowledge.DrugDef] + [DrugDef]
    found = unread_field_problems(models)
    assert found == [
        "knowledge field DrugDef.max_daily_mg is read by nothing: read it, remove it, or "
        "register its reader in integrity.READERS"
    ]
    # naming a reader that never mentions it is not enough
    lying = {**READERS, "DrugDef.max_daily_mg": "painclinic.engine.redflags"}
    assert unread_field_problems(models, lying) == [
        "integrity.READERS: DrugDef.max_daily_mg: painclinic.engine.redflags never reads "
        ".max_daily_mg"
    ]
    # and a field removed from the model leaves a stale entry that is reported too
    stale = {**READERS, "DrugDef.fluoroscopy": "painclinic.engine.plan"}
    assert "integrity.READERS: DrugDef.fluoroscopy is not a knowledge field" in (
        unread_field_problems(None, stale)
    )


def test_a_yaml_field_no_model_declares_is_rejected_on_load(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    path = copy / "treatments.yaml"
    text = path.read_text()
    path.write_text(text.replace("{bleeding_risk: low}", "{bleeding_risk: low, fluoroscopy: true}"))
    with pytest.raises(KnowledgeError, match="fluoroscopy"):
        load_knowledge(str(copy))


# ---------------------------------------------------------------- one question per red flag


def test_each_red_flag_item_asks_its_flags_question() -> None:
    items = [q for s in KB.checklist.sections for q in s.questions if q.red_flag]
    assert len(items) == len(KB.red_flags)
    for q in items:
        assert q.prompt == KB.red_flags[q.red_flag].question
    assert KB.red_flags["fever"].question.startswith("Fever, rigors or a recent infection")


def test_a_red_flag_item_with_its_own_prompt_is_rejected(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    path = copy / "checklist.yaml"
    text = path.read_text()
    marker = "          field: history.red_flags.fever\n"
    assert marker in text
    path.write_text(text.replace(marker, "          prompt: Fever?\n" + marker))
    with pytest.raises(KnowledgeError, match=r"takes its prompt from red_flags\.yaml fever"):
        load_knowledge(str(copy))
