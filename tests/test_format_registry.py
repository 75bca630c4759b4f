"""One registry of note formats: the CLI's --format, the app's export dialog and the command
palette all offer exactly what `notes.FORMATS` lists, so a new format is one renderer plus one
registry line, and none can be offered in one place and missing in another."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import OptionList
from typer.testing import CliRunner

from painclinic.cli import app as cli
from painclinic.demo import demo_visit_files
from painclinic.notes import FORMATS
from painclinic.store import Store
from painclinic.tui.app import PainClinicApp
from painclinic.tui.commands import VisitCommands
from painclinic.tui.dialogs.export import ExportDialog
from painclinic.validation import load_visit


def test_the_cli_offers_every_registered_format_and_refuses_others(tmp_path: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(cli, ["export", "--help"], env={"COLUMNS": "240"}).stdout
    assert "|".join(FORMATS) in shown  # the choices, as --help lists them
    refused = runner.invoke(
        cli, ["--data-dir", str(tmp_path), "export", "x-v1", "--format", "docx"]
    )
    assert refused.exit_code == 2 and "docx" in refused.output
    for key in FORMATS:
        assert f"'{key}'" in refused.output  # the allowed values are named


def test_each_registered_format_exports_with_its_suffix(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    saved = store.save_visit(load_visit(demo_visit_files()[0]))
    runner = CliRunner()
    for key, fmt in FORMATS.items():
        out = tmp_path / f"note{fmt.suffix}"
        result = runner.invoke(
            cli,
            ["--data-dir", str(store.root), "export", saved.id, "--format", key, "--out", str(out)],
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    audited = [e["format"] for e in store.audit_entries() if e["action"] == "export"]
    assert audited == list(FORMATS)


async def test_the_export_dialog_lists_every_registered_format(tmp_path: Path) -> None:
    app = PainClinicApp(
        Store(tmp_path / "data"), today=lambda: dt.date(2026, 11, 27), remember=False
    )
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ExportDialog())
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        listed = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert listed == [f"{f.key}: {f.title}" for f in FORMATS.values()]


def test_the_palette_names_every_registered_format() -> None:
    export = next(c for c in VisitCommands.COMMANDS if c[2] == "export")
    for key in FORMATS:
        assert key in export[1]
