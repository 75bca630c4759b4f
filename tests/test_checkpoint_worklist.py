"""The checkpoint worklist follows the physician's plan across visits (UX report M5).

A follow-up keeps the earlier visit's open checkpoints planned, so the worklist and the patient
list (both read the store index) still show them; marking one done removes it from both, and
re-dating it moves it. A never-accepted engine suggestion is not a planned checkpoint.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from painclinic.cli import app
from painclinic.model import Plan
from painclinic.session import VisitSession
from painclinic.store import Store
from painclinic.validation import visit_from_data
from painclinic.worklist import worklist
from tests.builders import BASE, merge

DAY = dt.date(2026, 12, 2)
TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store")


def initial(store: Store, **plan: Any) -> VisitSession:
    record = merge(BASE, {"patient": {"id": "p-0001", "name": "Daniel Forkner"},
                          "visit": {"date": DAY.isoformat()}})  # fmt: skip
    if plan:
        record["plan"] = plan
    stored = store.save_visit(visit_from_data(record, source="<test>"))
    return VisitSession.open(store, stored.id)


def cp(day: str, label: str) -> dict[str, str]:
    return {"date": day, "label": label}


def work(store: Store) -> list[tuple[str, str, str]]:
    return [(i.date.isoformat(), i.label, i.visit_id) for i in worklist(store, TODAY)]


def next_checkpoint(store: Store) -> list[tuple[dt.date, str, str]]:
    [patient] = store.patients()
    return list(patient.checkpoints)


def test_a_same_day_follow_up_keeps_a_redated_checkpoint_on_the_worklist(store: Store) -> None:
    first = initial(store)
    plan = Plan.model_validate(
        {"checkpoints": [{"date": "2026-12-30", "label": "4-week function review"}]}
    )
    assert first.set_plan(plan) is None
    assert first.redate_checkpoint("4-week function review", dt.date(2026, 12, 23)) is None

    follow = VisitSession.new_follow_up(store, first.visit_id, DAY)

    assert follow.visit.plan is not None
    assert [c.label for c in follow.visit.plan.checkpoints] == ["4-week function review"]
    assert work(store) == [("2026-12-23", "4-week function review", follow.visit_id)]
    # the patient list reads the same index entry: it is not blank
    assert next_checkpoint(store) == [
        (dt.date(2026, 12, 23), "4-week function review", follow.visit_id)
    ]


def test_marking_it_done_removes_it_and_redating_it_moves_it(store: Store) -> None:
    first = initial(store, checkpoints=[cp("2026-12-23", "Function review"),
                                        cp("2026-12-09", "First PT session")])  # fmt: skip
    follow = VisitSession.new_follow_up(store, first.visit_id, DAY)

    assert follow.redate_checkpoint("Function review", dt.date(2027, 1, 6)) is None
    assert ("2027-01-06", "Function review", follow.visit_id) in work(store)
    assert not any(day == "2026-12-23" for day, _, _ in work(store))

    assert follow.mark_checkpoint_done(1, on=DAY) is None
    assert work(store) == [("2027-01-06", "Function review", follow.visit_id)]
    assert [label for _, label, _ in next_checkpoint(store)] == ["Function review"]
    # it stays in the record, dated done, and the save went through the revision check
    stored = store.get_visit(follow.visit_id)
    assert stored.revision == follow.revision
    assert stored.visit.plan is not None
    assert stored.visit.plan.checkpoints[1].done == DAY


def test_a_done_checkpoint_is_not_carried_into_the_next_follow_up(store: Store) -> None:
    first = initial(store, checkpoints=[{"date": "2026-12-09", "label": "First PT session"}])
    assert first.mark_checkpoint_done(0, on=DAY) is None
    assert work(store) == []
    follow = VisitSession.new_follow_up(store, first.visit_id, DAY)
    assert follow.visit.plan is None or follow.visit.plan.checkpoints == []
    assert work(store) == []


def test_an_unknown_or_ambiguous_checkpoint_is_refused_and_nothing_is_saved(
    store: Store,
) -> None:
    first = initial(store, checkpoints=[{"date": "2026-12-09", "label": "Review"},
                                        {"date": "2026-12-16", "label": "Review"}])  # fmt: skip
    revision = first.revision
    assert "give its number" in (first.mark_checkpoint_done("Review", on=DAY) or "")
    assert "no planned checkpoint number 5" in (first.mark_checkpoint_done(5, on=DAY) or "")
    assert "labelled 'Nope'" in (first.redate_checkpoint("Nope", DAY) or "")
    assert store.get_visit(first.visit_id).revision == revision


def test_unaccepted_engine_suggestions_are_on_neither_list(store: Store, tmp_path: Path) -> None:
    first = initial(store)
    assert first.assessment.checkpoints  # the engine proposes some
    assert work(store) == [] and next_checkpoint(store) == []
    result = CliRunner().invoke(
        app, ["--data-dir", str(tmp_path / "store"), "checkpoints", "--json"]
    )
    assert result.exit_code == 0 and result.stdout.strip() == "[]"


def test_the_cli_worklist_leaves_out_done_checkpoints(store: Store, tmp_path: Path) -> None:
    first = initial(store, checkpoints=[cp("2026-12-09", "First PT session"),
                                        cp("2026-12-23", "Function review")])  # fmt: skip
    assert first.mark_checkpoint_done("First PT session", on=DAY) is None
    result = CliRunner().invoke(
        app, ["--data-dir", str(tmp_path / "store"), "checkpoints", "--today", "2026-12-02"]
    )
    assert result.exit_code == 0, result.stderr
    assert "Function review" in result.stdout and "First PT session" not in result.stdout
