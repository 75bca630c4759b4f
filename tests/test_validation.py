"""A malformed visit file names the file, the field and the allowed values; nothing crashes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from painclinic import VisitError, load_visit
from tests.builders import BASE, merge


def write(tmp_path: Path, data: object, name: str = "visit.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data) if name.endswith(".yaml") else json.dumps(data))
    return path


def error_for(tmp_path: Path, **changes: object) -> str:
    path = write(tmp_path, merge(BASE, changes))
    with pytest.raises(VisitError) as caught:
        load_visit(path)
    message = str(caught.value)
    assert str(path) in message
    return message


def test_a_valid_yaml_visit_loads(tmp_path: Path) -> None:
    visit = load_visit(write(tmp_path, BASE))
    assert visit.history.region == "low_back"


def test_a_json_visit_loads_the_same_as_yaml(tmp_path: Path) -> None:
    from_json = load_visit(write(tmp_path, BASE, "visit.json"))
    from_yaml = load_visit(write(tmp_path, BASE))
    assert from_json == from_yaml


def test_pain_eleven_is_out_of_range_with_the_allowed_range(tmp_path: Path) -> None:
    message = error_for(tmp_path, history={"pain": {"now": 11}})
    assert "history.pain.now" in message and "0 to 10" in message


def test_mrc_six_is_out_of_range(tmp_path: Path) -> None:
    message = error_for(tmp_path, exam={"motor": {"great_toe_extension": {"left": 6}}})
    assert "exam.motor.great_toe_extension.left" in message and "MRC 0 to 5" in message


def test_an_unknown_drug_names_the_field_suggests_and_lists_allowed(tmp_path: Path) -> None:
    meds = [{"drug": "oxycodon", "dose_mg": 5, "per_day": 2}]
    message = error_for(tmp_path, patient={"medications": meds})
    assert "patient.medications[0].drug" in message
    assert "did you mean 'oxycodone'" in message
    assert "allowed:" in message and "tramadol" in message


def test_an_unknown_region_lists_the_regions(tmp_path: Path) -> None:
    message = error_for(tmp_path, history={"region": "lower_back"})
    assert "history.region" in message and "low_back" in message


def test_an_unknown_red_flag_question_is_an_error_not_ignored(tmp_path: Path) -> None:
    message = error_for(tmp_path, history={"red_flags": {"saddle_numbness": True}})
    assert "history.red_flags" in message and "saddle_anesthesia" in message


def test_a_screen_total_outside_its_instrument_range_is_an_error(tmp_path: Path) -> None:
    message = error_for(tmp_path, history={"screens": {"phq9": 30}})
    assert "history.screens.phq9" in message and "0 to 27" in message


def test_a_wrong_enum_lists_the_allowed_values(tmp_path: Path) -> None:
    message = error_for(tmp_path, history={"side": "both"})
    assert "history.side" in message and "'bilateral'" in message


def test_a_wrong_type_is_named(tmp_path: Path) -> None:
    message = error_for(tmp_path, history={"duration_weeks": "two"})
    assert "history.duration_weeks" in message and "wrong type" in message


def test_an_unknown_field_is_an_error_listing_the_fields(tmp_path: Path) -> None:
    message = error_for(tmp_path, history={"pain_score": 5})
    # the made-up key is shown by its position, never its text
    assert re.search(r"history\[key \d+\]: unknown field", message), message
    assert "chief_complaint" in message and "pain_score" not in message


def test_several_problems_are_all_reported_at_once(tmp_path: Path) -> None:
    message = error_for(tmp_path, history={"pain": {"now": 12, "worst": -1}})
    assert "history.pain.now" in message and "history.pain.worst" in message


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("schema: painclinic.visit/1\nhistory: [unclosed\n")
    with pytest.raises(VisitError, match=r"broken.yaml: not valid YAML or JSON at line \d"):
        load_visit(path)


def test_a_missing_visit_date_is_required(tmp_path: Path) -> None:
    data = merge(BASE, {})
    del data["visit"]
    with pytest.raises(VisitError, match="visit: required field is missing"):
        load_visit(write(tmp_path, data))


def test_free_text_is_never_echoed_in_errors(tmp_path: Path) -> None:
    message = error_for(tmp_path, patient={"name": ["Jane", "Secret Doe"]})
    assert "Secret" not in message


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(VisitError, match="cannot read the file"):
        load_visit(tmp_path / "absent.yaml")


def test_the_expect_block_of_worked_cases_is_ignored(tmp_path: Path) -> None:
    visit = load_visit(write(tmp_path, merge(BASE, {"expect": {"red_flags": []}})))
    assert visit.history.region == "low_back"


def test_birth_date_gives_age_on_the_visit_date_not_today(tmp_path: Path) -> None:
    data = merge(BASE, {"patient": {"birth_date": "1965-12-01"}})
    del data["patient"]["age"]
    visit = load_visit(write(tmp_path, data))
    assert visit.age() == 60  # 2026-11-27 is before the 61st birthday
