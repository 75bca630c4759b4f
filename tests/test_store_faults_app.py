"""The app's patient list and worklist survive a damaged patient file: the other patients are
listed, and the quarantine is reported with where the file went."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import DataTable

from painclinic.store import Store
from painclinic.tui.screens.worklist import WorklistScreen
from tests.builders import visit
from tests.conftest import AppFactory


def seed(root: Path) -> Store:
    store = Store(root)
    for name in ("Ana", "Ben"):
        checkpoint = {"date": "2026-12-04", "label": f"Review {name}"}
        store.save_visit(
            visit(patient={"id": None, "name": name}, plan={"checkpoints": [checkpoint]})
        )
    path = root / "patients" / "p-0002.json"
    tables = json.loads(path.read_text())
    tables["visits"]["1"]["record"]["history"]["pain"]["now"] = 99  # fails validation
    path.write_text(json.dumps(tables))
    return store


async def test_the_patient_list_and_worklist_survive_a_record_failing_validation(
    tmp_path: Path, app_factory: AppFactory
) -> None:
    store = seed(tmp_path / "store")
    app = app_factory(store)
    said: list[str] = []
    app.notify = lambda message, **kw: said.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#patients", DataTable)
        assert [str(table.get_row_at(r)[0]) for r in range(table.row_count)] == ["p-0001"]
        [moved] = (store.root / "quarantine").iterdir()
        assert any(str(moved) in message for message in said)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WorklistScreen)
        assert [i.patient_id for i in app.screen.items] == ["p-0001"]
