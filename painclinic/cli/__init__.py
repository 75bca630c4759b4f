"""The `painclinic` command: thin Typer commands over the headless modules.

One `typer.Typer()` per file, joined here (the Typer docs' one-file-per-command layout):
`assess` (assess, knowledge), `records` (demo, import, patients, visits, show, delete-visit,
undelete-visit, checkpoints, export, backup, restore) and `practice` (`painclinic practice
...`). stdout carries data (`--json`), stderr carries diagnostics. Heavy imports are deferred
into the commands that need them, so `painclinic --help` starts fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from painclinic.cli.assess import assess_app
from painclinic.cli.practice import practice_app
from painclinic.cli.records import records_app

app = typer.Typer(
    name="painclinic",
    help="A terminal clinic assistant for pain-management physicians.",
    no_args_is_help=False,
    pretty_exceptions_show_locals=False,  # locals may hold patient data
    add_completion=False,
)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            envvar="PAINCLINIC_DATA",
            help="Where patient records live (default: your user data folder).",
        ),
    ] = None,
) -> None:
    """With no command, open the clinic app; commands below work on the same records."""
    ctx.obj = {"data_dir": data_dir}
    if ctx.invoked_subcommand is None:
        from painclinic.tui.app import make_app  # Textual is imported only for the app

        clinic = make_app(data_dir)
        clinic.run()
        if clinic.return_code:
            raise typer.Exit(clinic.return_code)  # an internal error is not a clean exit


app.add_typer(assess_app)
app.add_typer(records_app)
app.add_typer(practice_app, name="practice")


def main() -> None:
    app()
