"""If the app ever stops on an internal error, the terminal gets a short message and the
report goes to a file without patient data: never Textual's traceback with local variables
(reliability review m8: a crash printed the exam grid's rows and values)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from painclinic.model import Patient
from painclinic.session import VisitSession
from painclinic.store import Store
from painclinic.tui.crash import redacted_report
from tests.conftest import TODAY, AppFactory

SECRET = "Zebulon Quarterfield"


def _broken() -> None:
    patient_name = SECRET  # a local a default traceback would print
    raise RuntimeError(f"could not place {patient_name}")


def test_the_report_names_the_code_path_but_no_message_and_no_values() -> None:
    try:
        _broken()
    except RuntimeError as exc:
        report = redacted_report(exc)
    assert "RuntimeError" in report and "_broken" in report and "test_crash_report.py" in report
    assert SECRET not in report and "could not place" not in report


@pytest.mark.asyncio
async def test_a_crash_prints_a_short_message_and_keeps_a_private_report(
    app_factory: AppFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store(tmp_path / "store")
    VisitSession.new_initial(store, Patient(name=SECRET, age=40), TODAY)
    app = app_factory(store)
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(80, 24)) as pilot:
            pilot.app.open_visit("p-0001-v1")  # type: ignore[attr-defined]
            await pilot.pause()
            pilot.app.call_later(_broken)
            await pilot.pause()
    printed = capsys.readouterr().err.replace("\n", "")  # what the terminal was left with
    assert "painclinic stopped after an internal error" in printed
    assert SECRET not in printed and "Traceback" not in printed
    (report,) = (store.root / "crash-reports").iterdir()
    assert str(report) in printed  # the message says where the report went
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert SECRET not in report.read_text(encoding="utf-8")
    assert app.return_code == 1
