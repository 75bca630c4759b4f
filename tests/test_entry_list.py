"""The list editors: medications, earlier treatments, surgery, imaging, responses, goals.

Driven by keys in the running app on a stored visit; what counts is what is saved."""

from __future__ import annotations

import asyncio

import pytest
from textual.pilot import Pilot

from painclinic import entries
from painclinic.knowledge import load_knowledge
from painclinic.model import Patient
from painclinic.session import VisitSession
from painclinic.store import Store
from painclinic.tui.widgets.checklist import ChecklistView
from painclinic.tui.widgets.entry_list import EntryBlock, EntryListQuestion
from painclinic.tui.widgets.question import COMMIT_AFTER
from tests.conftest import TODAY, AppFactory
from tests.driver import keys, tab_to

VISIT = "p-0001-v1"


def spec(path: str) -> entries.EntryList:
    return entries.entry_lists(load_knowledge())[path]


def test_a_typed_entry_is_checked_against_its_record_model() -> None:
    meds = spec("patient.medications")
    entry, problems = entries.parse_entry(
        meds, {"drug": "oxycodone", "dose_mg": "10", "per_day": "3"}
    )
    assert problems == {} and entry == {
        "drug": "oxycodone",
        "dose_mg": 10.0,
        "per_day": 3.0,
        "prn": False,
    }
    assert entries.parse_entry(meds, {"dose_mg": "10"})[1] == {"drug": "drug: required"}
    assert entries.parse_entry(meds, {"drug": "x", "dose_mg": "ten"})[1] == {
        "dose_mg": "mg: enter a number"
    }
    assert entries.parse_entry(meds, {"drug": "x", "dose_mg": "-5"})[1]["dose_mg"].startswith("mg:")
    assert entries.parse_entry(meds, {}) == (None, {})  # all blank: no entry
    treatments = spec("history.prior_treatments")
    problem = entries.parse_entry(treatments, {"treatment": "cbt", "response": "great"})[1]
    assert "helped, partial, failed" in problem["response"]  # the allowed values are named
    goals = spec("goals")
    entry, _ = entries.parse_entry(
        goals, {"label": "Back to work", "baseline": "off", "target": "60"}
    )
    assert entry == {"label": "Back to work", "baseline": "off", "target": 60.0}


async def open_list(pilot: Pilot, store: Store, section: str, path: str) -> EntryListQuestion:
    session = VisitSession.new_initial(store, Patient(name="List Editor", age=50), TODAY)
    pilot.app.open_visit(session.visit_id)  # type: ignore[attr-defined]
    await pilot.pause()
    checklist = pilot.app.screen.query_one(ChecklistView)
    checklist.select_section(section)
    await pilot.press("enter")  # open the section's questions
    row = checklist.question_row(path)
    assert isinstance(row, EntryListQuestion)
    await tab_to(pilot, row, limit=30)
    return row


async def wait_commit(pilot: Pilot) -> None:
    await pilot.pause()
    await asyncio.sleep(COMMIT_AFTER + 0.2)
    await pilot.pause()


@pytest.mark.asyncio
async def test_medications_are_added_edited_and_removed_by_keys(
    app_factory: AppFactory, tmp_path
) -> None:
    store = Store(tmp_path / "store")
    async with app_factory(store).run_test(size=(120, 40)) as pilot:
        await open_list(pilot, store, "treatments", "patient.medications")
        await pilot.press(*"ibuprofen", "tab", "4", "0", "0", "tab", "3")
        await pilot.press("ctrl+n", *"fentanyl_patch", "tab", "tab", "tab", "2", "5")
        await wait_commit(pilot)
        meds = store.get_visit(VISIT).visit.patient.medications
        assert [(m.drug, m.dose_mg, m.per_day, m.mcg_per_hour) for m in meds] == [
            ("ibuprofen", 400, 3, None),
            ("fentanyl_patch", None, None, 25),
        ]
        await pilot.press("ctrl+y")  # removes the patch being edited
        await pilot.pause()
        assert [m.drug for m in store.get_visit(VISIT).visit.patient.medications] == ["ibuprofen"]


@pytest.mark.asyncio
async def test_an_invalid_field_is_named_and_nothing_is_saved_until_it_is_fixed(
    app_factory: AppFactory, tmp_path
) -> None:
    store = Store(tmp_path / "store")
    async with app_factory(store).run_test(size=(120, 40)) as pilot:
        row = await open_list(pilot, store, "treatments", "history.prior_treatments")
        await pilot.press(*"physical_therapy", "tab", *"great")
        await wait_commit(pilot)
        block = row.query(EntryBlock).first()
        assert "response: one of helped" in str(block.query_one(".entry-error").render())
        # what was valid before ("physical_therapy", tab) stands; "great" is never saved
        (before,) = store.get_visit(VISIT).visit.history.prior_treatments
        assert (before.treatment, before.times) == ("physical_therapy", 1)
        for _ in "great":
            await pilot.press("backspace")
        await pilot.press(*"failed", "tab", "2", "enter")
        await pilot.pause()
        (saved,) = store.get_visit(VISIT).visit.history.prior_treatments
        assert (saved.treatment, saved.response, saved.times) == ("physical_therapy", "failed", 2)


@pytest.mark.asyncio
async def test_an_unknown_drug_is_refused_by_the_session_with_the_field_named(
    app_factory: AppFactory, tmp_path
) -> None:
    store = Store(tmp_path / "store")
    async with app_factory(store).run_test(size=(120, 40)) as pilot:
        row = await open_list(pilot, store, "treatments", "patient.medications")
        await pilot.press(*"ibuprofn", "tab", "4", "0", "0", "enter")
        await pilot.pause()
        assert store.get_visit(VISIT).visit.patient.medications == []
        assert row.error is not None, "the refusal is shown under the list"
        assert "entry 1, drug" in row.error and "did you mean 'ibuprofen'" in row.error


@pytest.mark.asyncio
async def test_imaging_reaches_the_engine_and_the_epidural_follows(
    app_factory: AppFactory, tmp_path
) -> None:
    """The review's blocker B2: without imaging no transforaminal ESI was ever suggested."""
    store = Store(tmp_path / "store")
    async with app_factory(store).run_test(size=(120, 40)) as pilot:
        await open_list(pilot, store, "imaging", "imaging")
        await pilot.press(*"mri", "tab", *"disc_herniation", "tab", *"L4-L5", "tab", *"left")
        await pilot.press("tab", *"lateral", "enter")
        await pilot.pause()
        (study,) = store.get_visit(VISIT).visit.imaging
        assert (study.modality, study.finding, study.level, study.side, study.zone) == (
            "mri",
            "disc_herniation",
            "L4-L5",
            "left",
            "lateral",
        )


@pytest.mark.asyncio
async def test_typing_right_after_opening_a_section_lands_in_its_first_entry(
    app_factory: AppFactory, tmp_path
) -> None:
    """Found walking the app in tmux: Enter on "Earlier treatments" and typing at once lost
    the first letters, because the first entry's fields were still being built."""
    store = Store(tmp_path / "store")
    async with app_factory(store).run_test(size=(120, 40)) as pilot:
        session = VisitSession.new_initial(store, Patient(name="Quick Start", age=50), TODAY)
        pilot.app.open_visit(session.visit_id)  # type: ignore[attr-defined]
        await pilot.pause()
        pilot.app.screen.query_one(ChecklistView).select_section("treatments")
        await keys(pilot, "enter", *"physical_therapy", "tab", *"helped", "tab")
        await wait_commit(pilot)
        (saved,) = store.get_visit(VISIT).visit.history.prior_treatments
        assert (saved.treatment, saved.response) == ("physical_therapy", "helped")
