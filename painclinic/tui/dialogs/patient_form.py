"""New patient dialog: validated demographics, comorbidities and medications with doses."""

from __future__ import annotations

import difflib

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Input,
    Label,
    RadioSet,
    SelectionList,
    Static,
    TextArea,
)

from painclinic.knowledge import load_knowledge
from painclinic.model import Medication, Patient
from painclinic.tui.widgets.marks import MarkedRadioButton, MarkedSelectionList


def parse_medications(text: str) -> tuple[list[Medication], list[str]]:
    """One per line: `drug dose_mg per_day` (e.g. `oxycodone 10 3`), `fentanyl_patch 25`
    (mcg/h), or `hydrocodone_acetaminophen 5 4 325` (acetaminophen mg per unit last)."""
    kb = load_knowledge()
    meds: list[Medication] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        drug = parts[0].lower()
        if drug not in kb.drugs:
            close = difflib.get_close_matches(drug, kb.drugs, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            problems.append(f"line {number}: unknown drug {drug!r}{hint}")
            continue
        try:
            numbers = [float(p) for p in parts[1:]]
        except ValueError:
            problems.append(f"line {number}: doses must be numbers, e.g. `{drug} 10 3`")
            continue
        try:
            if drug == "fentanyl_patch":
                meds.append(Medication(drug=drug, mcg_per_hour=numbers[0] if numbers else None))
            else:
                fields = dict(
                    zip(("dose_mg", "per_day", "acetaminophen_mg"), numbers, strict=False)
                )
                meds.append(Medication.model_validate({"drug": drug, **fields}))
        except ValidationError as exc:
            problems.append(f"line {number}: {exc.errors()[0]['msg']}")
    return meds, problems


class NewPatientDialog(ModalScreen[Patient | None]):
    """Register a patient; `ctrl+s` saves, `escape` cancels."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save patient", id="save"),
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]
    CSS_PATH = "../styles/dialogs.tcss"

    def compose(self) -> ComposeResult:
        kb = load_knowledge()
        with VerticalScroll():
            yield Static("[b]New patient[/b]  (ctrl+s save, escape cancel)")
            yield Label("Name")
            yield Input(id="name", placeholder="Full name")
            yield Label("Age (years)")
            yield Input(id="age", type="integer", placeholder="e.g. 38")
            yield Label("Sex")
            with RadioSet(id="sex"):
                for sex in ("female", "male", "other"):
                    yield MarkedRadioButton(sex, id=f"sex-{sex}")
            yield Label("Occupation")
            yield Input(id="occupation")
            yield Label("Pregnancy weeks (if pregnant)")
            yield Input(id="pregnancy_weeks", type="integer", placeholder="blank if not pregnant")
            yield Label("Comorbidities (space to tick)")
            yield MarkedSelectionList[str](
                *[(label, cid) for cid, label in kb.vocab["comorbidities"].items()],
                id="comorbidities",
            )
            yield Label("Medications, one per line: drug dose_mg per_day (fentanyl_patch: mcg/h)")
            yield TextArea(id="medications")
            yield Static("", id="problems")
            with Horizontal():
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        patient, problems = self._read()
        self.query_one("#problems", Static).update("\n".join(problems))
        if patient is not None and not problems:
            self.dismiss(patient)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def _read(self) -> tuple[Patient | None, list[str]]:
        value = lambda i: self.query_one(f"#{i}", Input).value.strip()  # noqa: E731
        problems: list[str] = []
        if not value("name"):
            problems.append("Name: required")
        meds, med_problems = parse_medications(self.query_one("#medications", TextArea).text)
        problems += med_problems
        pressed = self.query_one("#sex", RadioSet).pressed_button
        sex = pressed.id.removeprefix("sex-") if pressed and pressed.id else None
        weeks = value("pregnancy_weeks")
        data = {
            "name": value("name") or None,
            "age": int(value("age")) if value("age") else None,
            "sex": sex,
            "occupation": value("occupation") or None,
            "comorbidities": list(self.query_one("#comorbidities", SelectionList).selected),
            "medications": [m.model_dump(exclude_none=True) for m in meds],
        }
        if weeks:
            data.update(pregnant=True, pregnancy_weeks=int(weeks))
        try:
            return Patient.model_validate(
                {k: v for k, v in data.items() if v is not None}
            ), problems
        except ValidationError as exc:
            return None, problems + [
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
            ]
