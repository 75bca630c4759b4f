"""Ticked and unticked read differently in characters, not colour alone (UX review M8).

Each check reads the plain text a terminal would show with NO_COLOR: the characters only,
every style dropped. The new-patient dialog, the export dialog and the resident form use
these widgets; a snapshot of the new-patient dialog with one comorbidity ticked is in
test_app_snapshots.py.
"""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import RadioSet

from painclinic.tui.widgets.marks import MarkedCheckbox, MarkedRadioButton, MarkedSelectionList
from tests.conftest import AppFactory


class Marks(App[None]):
    def compose(self) -> ComposeResult:
        yield MarkedCheckbox("De-identify", id="off")
        yield MarkedCheckbox("De-identify", value=True, id="on")
        with RadioSet():
            yield MarkedRadioButton("female", id="female")
            yield MarkedRadioButton("male", value=True, id="male")
        yield MarkedSelectionList[str](("GERD", "gerd", True), ("Asthma", "asthma"), id="list")


@pytest.fixture(autouse=True)
def no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


async def test_checkbox_and_radio_show_their_state_in_characters() -> None:
    app = Marks()
    async with app.run_test() as pilot:
        await pilot.pause()
        text = {w.id: str(w.render()) for w in app.query("MarkedCheckbox, MarkedRadioButton")}
        assert text["on"].startswith("[x]") and text["off"].startswith("[ ]")
        assert text["male"].startswith("(*)") and text["female"].startswith("( )")
        # pressing space changes the characters, not only the colour
        app.query_one("#off", MarkedCheckbox).focus()
        await pilot.press("space")
        assert str(app.query_one("#off", MarkedCheckbox).render()).startswith("[x]")


async def test_selection_list_rows_read_ticked_or_not() -> None:
    app = Marks()
    async with app.run_test() as pilot:
        await pilot.pause()
        lst = app.query_one("#list", MarkedSelectionList)
        rows = [lst.render_line(y).text for y in range(2)]
        assert rows[0].startswith("[x] GERD") and rows[1].startswith("[ ] Asthma")
        lst.focus()
        await pilot.press("down", "space")  # tick Asthma
        assert lst.render_line(1).text.startswith("[x] Asthma")
        assert lst.selected == ["gerd", "asthma"]


async def test_the_dialogs_and_the_resident_form_use_them(app_factory: AppFactory) -> None:
    """Every box the review found colour-only now draws its state."""
    from textual.widgets import Checkbox, RadioButton, SelectionList

    from painclinic.knowledge import load_knowledge
    from painclinic.tui.dialogs.export import ExportDialog
    from painclinic.tui.dialogs.patient_form import NewPatientDialog
    from painclinic.tui.widgets.resident_form import ResidentForm

    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        for dialog in (NewPatientDialog(), ExportDialog()):
            app.push_screen(dialog)
            await pilot.pause()
            for widget in dialog.query("Checkbox, RadioButton, SelectionList"):
                assert isinstance(
                    widget, MarkedCheckbox | MarkedRadioButton | MarkedSelectionList
                ), widget
            app.pop_screen()
        form = ResidentForm(load_knowledge())
        await app.screen.mount(form)
        await pilot.pause()
        widgets = list(form.query(SelectionList)) + list(form.query(RadioButton))
        assert widgets and all(
            isinstance(w, MarkedSelectionList | MarkedRadioButton) for w in widgets
        )
        assert not form.query(Checkbox)
