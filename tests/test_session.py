"""The visit being edited (`painclinic.session.VisitSession`), without Textual.

What the physician notices: the stored visit opens as it was saved; a typed answer is checked,
the assessment follows at once and the visit is saved as a new revision; a save from a screen
that another terminal has overtaken is refused and writes nothing, and reloading shows the
other terminal's work; a value the record cannot hold is refused with a message that names the
field's rule, not the text that was typed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from painclinic import assess
from painclinic.session import VisitSession
from painclinic.store import ConflictError, Store
from painclinic.validation import visit_from_data

CASE = Path(__file__).resolve().parent / "cases" / "lumbar-s1-radiculopathy.yaml"
SADDLE = "history.red_flags.saddle_anesthesia"


def case_record() -> dict[str, Any]:
    data = yaml.safe_load(CASE.read_text(encoding="utf-8"))
    data.pop("expect", None)
    return data


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store")


@pytest.fixture
def visit_id(store: Store) -> str:
    return store.save_visit(visit_from_data(case_record(), source=str(CASE))).id


def test_opening_a_stored_visit_shows_it_as_saved_with_its_assessment(
    store: Store, visit_id: str
) -> None:
    stored = store.get_visit(visit_id)
    session = VisitSession.open(store, visit_id)

    assert session.visit_id == visit_id
    assert session.revision == stored.revision == 1
    assert session.visit == stored.visit
    assert session.get("history.pain.now") == case_record()["history"]["pain"]["now"]
    assert session.assessment.to_json() == assess(stored.visit).to_json()
    assert session.assessment.differential[0].id == "lumbar_radiculopathy"
    assert session.assessment.red_flags == []


def test_an_answer_is_checked_and_the_assessment_follows_at_once(
    store: Store, visit_id: str
) -> None:
    session = VisitSession.open(store, visit_id)

    assert session.set(SADDLE, True) is None

    assert session.get(SADDLE) is True
    assert [f.id for f in session.assessment.red_flags] == ["saddle_anesthesia"]
    assert session.assessment.to_json() == assess(session.visit).to_json()


def test_each_accepted_answer_is_saved_as_a_new_revision(store: Store, visit_id: str) -> None:
    session = VisitSession.open(store, visit_id)

    assert session.set("history.pain.now", 5) is None  # between the case's least and worst
    assert session.set(SADDLE, True) is None

    stored = store.get_visit(visit_id)
    assert session.revision == stored.revision == 3
    assert session.saved_at == stored.saved_at
    assert stored.visit.history.pain.now == 5
    reopened = VisitSession.open(store, visit_id)
    assert reopened.get("history.pain.now") == 5
    assert [f.id for f in reopened.assessment.red_flags] == ["saddle_anesthesia"]


def test_clearing_an_answer_saves_it_as_not_asked(store: Store, visit_id: str) -> None:
    session = VisitSession.open(store, visit_id)
    assert session.get(SADDLE) is False  # the case records it as asked and denied

    assert session.set(SADDLE, None) is None

    assert session.get(SADDLE) is None
    assert session.assessment.red_flags == []
    assert "saddle_anesthesia" not in store.get_visit(visit_id).visit.history.red_flags


def test_a_save_from_an_overtaken_screen_is_refused_and_writes_nothing(
    store: Store, visit_id: str
) -> None:
    mine = VisitSession.open(store, visit_id)
    theirs = VisitSession.open(store, visit_id)
    assert theirs.set("history.pain.now", 5) is None  # the other terminal saves first

    with pytest.raises(ConflictError):
        mine.set(SADDLE, True)

    stored = store.get_visit(visit_id)
    assert stored.revision == 2
    assert stored.visit.history.pain.now == 5
    assert stored.visit.history.red_flags["saddle_anesthesia"] is False  # as the case denies it
    # The refused screen still shows what it had: nothing of the refused change was applied.
    assert mine.revision == 1
    assert mine.get(SADDLE) is False
    assert mine.assessment.red_flags == []


def test_reload_takes_the_other_terminals_version_and_saving_works_again(
    store: Store, visit_id: str
) -> None:
    mine = VisitSession.open(store, visit_id)
    theirs = VisitSession.open(store, visit_id)
    assert theirs.set(SADDLE, True) is None
    with pytest.raises(ConflictError):
        mine.set("history.pain.now", 9)

    mine.reload()

    assert mine.revision == 2
    assert mine.get(SADDLE) is True
    assert mine.get("history.pain.now") == theirs.get("history.pain.now")
    assert [f.id for f in mine.assessment.red_flags] == ["saddle_anesthesia"]
    assert mine.set("history.pain.now", 9) is None
    assert store.get_visit(visit_id).revision == 3


def test_a_value_the_record_cannot_hold_is_refused_without_repeating_it(
    store: Store, visit_id: str
) -> None:
    session = VisitSession.open(store, visit_id)
    before = session.assessment.to_json()

    problem = session.set("history.pain.now", "Harriet Quinlan-Vance, see notes")

    assert problem is not None
    assert "wrong type" in problem
    assert "Harriet" not in problem
    assert "Quinlan" not in problem
    assert session.get("history.pain.now") == case_record()["history"]["pain"]["now"]
    assert session.assessment.to_json() == before
    assert session.revision == store.get_visit(visit_id).revision == 1


def test_an_out_of_range_rating_is_refused_with_the_range(store: Store, visit_id: str) -> None:
    session = VisitSession.open(store, visit_id)

    problem = session.set("history.pain.now", 14)

    assert problem == "out of range (allowed: 0 to 10)"  # the value typed is not repeated
    assert store.get_visit(visit_id).revision == 1
