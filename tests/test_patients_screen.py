"""The patient list, driven by keys (Textual Pilot): new visits are asked first and say what
they will create; a visit made by mistake can be deleted (enter keeps it); an EMERGENCY red
flag not acknowledged is said in words in both lists; the empty data folder says what to do.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

from painclinic.store import Store
from painclinic.tui.dialogs.confirm import ConfirmDialog
from painclinic.tui.emergencies import WORDS
from painclinic.tui.screens.patients import EMPTY, PatientsScreen
from painclinic.tui.screens.visit import VisitScreen
from painclinic.validation import visit_from_data
from tests.builders import BASE, merge
from tests.conftest import TODAY, AppFactory

SIZE = (120, 40)
SADDLE = {"history": {"red_flags": {"saddle_anesthesia": True}}}


def seed(root: Path, emergency: bool = False) -> Store:
    store = Store(root)
    ana = merge(BASE, {"patient": {"id": "ana", "name": "Ana Alves"}})
    store.save_visit(visit_from_data(merge(ana, SADDLE) if emergency else ana, source="test"))
    return store


def text(widget: Static) -> str:
    return str(widget.render())


def column(table: DataTable, n: int) -> list[str]:
    return [str(table.get_row_at(r)[n]) for r in range(table.row_count)]


def capture(app) -> list[str]:
    said: list[str] = []
    app.notify = lambda message, **kw: said.append(str(message))
    return said


async def test_new_visit_and_follow_up_are_asked_first(tmp_path: Path, app_factory: AppFactory):
    store = seed(tmp_path / "store")
    app = app_factory(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert dialog.question == f"Start a new initial visit for ana (Ana Alves) dated {TODAY}?"
        await pilot.press("escape")  # cancel: nothing created
        await pilot.pause()
        assert isinstance(app.screen, PatientsScreen)
        assert [v.id for v in store.visits("ana")] == ["ana-v1"]

        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question == f"Start a follow-up of ana-v1 dated {TODAY}?"
        await pilot.press("enter")  # enter = what was asked for
        await pilot.pause()
        assert isinstance(app.screen, VisitScreen)
        assert [v.id for v in store.visits("ana")] == ["ana-v1", "ana-v2"]


async def test_delete_a_visit_enter_keeps_it(tmp_path: Path, app_factory: AppFactory) -> None:
    store = seed(tmp_path / "store")
    app = app_factory(store)
    async with app.run_test(size=SIZE) as pilot:
        said = capture(app)
        await pilot.press("enter")  # into the visit list
        await pilot.pause()
        assert app.focused is app.screen.query_one("#visits")
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Delete visit ana-v1?" in app.screen.question
        await pilot.press("enter")  # a reflexive enter keeps it
        await pilot.pause()
        assert [v.id for v in store.visits("ana")] == ["ana-v1"]
        await pilot.press("D", "y")
        await pilot.pause()
        assert store.visits("ana") == []
        assert any("painclinic undelete-visit ana-v1" in m for m in said)
        assert store.audit_entries()[-1]["action"] == "delete-visit"


async def test_delete_key_is_only_for_the_visit_list(tmp_path: Path, app_factory: AppFactory):
    store = seed(tmp_path / "store")
    app = app_factory(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("D")  # on the patient list: nothing is deleted, no dialog
        await pilot.pause()
        assert isinstance(app.screen, PatientsScreen)
        assert len(store.visits("ana")) == 1


async def test_unacknowledged_emergency_is_said_in_words(tmp_path: Path, app_factory: AppFactory):
    store = seed(tmp_path / "store", emergency=True)
    app = app_factory(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, PatientsScreen)
        patients, visits = (
            screen.query_one("#patients", DataTable),
            screen.query_one("#visits", DataTable),
        )
        assert WORDS in column(patients, 6) and WORDS in column(visits, 3)
        note = screen.query_one("#patients-note", Static)
        assert note.display and text(note).startswith(WORDS) and "ana" in text(note)
        # acknowledged in the visit: the lists no longer say it
        import datetime as dt

        from painclinic.session import VisitSession

        session = VisitSession.open(store, "ana-v1")
        session.acknowledge("saddle_anesthesia", dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC))
        screen.reload()
        await pilot.pause()
        assert WORDS not in column(patients, 6) and WORDS not in column(visits, 3)
        assert not note.display


async def test_empty_data_folder_says_what_to_do(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        said = capture(app)
        note = app.screen.query_one("#patients-note", Static)
        assert note.display and text(note) == EMPTY
        await pilot.press("i")
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, PatientsScreen)
        assert said == ["No patient selected: add one with n."] * 2


async def test_search_with_no_match_says_so(tmp_path: Path, app_factory: AppFactory) -> None:
    app = app_factory(seed(tmp_path / "store"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"zzz")
        await pilot.pause()
        assert "No patient matches 'zzz'" in text(app.screen.query_one("#patients-note", Static))
