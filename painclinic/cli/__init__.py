"""The `painclinic` command: thin Typer commands over the headless modules.

One `typer.Typer()` per file, joined here (the Typer docs' one-file-per-command layout):
`assess` (assess, knowledge), `records` (demo, import, patients, visits, show, delete-visit,
undelete-visit, checkpoints, export, backup, restore) and `practice` (`painclinic practice
...`). stdout carries data (`--json`), stderr carries diagnostics. Heavy imports are deferred
into the commands that need them, so `painclinic --help` starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from painclinic import __version__
from painclinic.cli.assess import assess_app
from painclinic.cli.common import check_data_dir, reported
from painclinic.cli.practice import practice_app
from painclinic.cli.records import records_app

app = typer.Typer(
    name="painclinic",
    help="A terminal clinic assistant for pain-management physicians.",
    no_args_is_help=False,
    pretty_exceptions_show_locals=False,  # locals may hold patient data
    add_completion=False,
)


# The data folder of this run, for the last-resort handler's report (the context is gone
# by the time an exception reaches `main`).
_seen: dict[str, Path | None] = {}


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"painclinic {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    data_dir_text: Annotated[
        str | None,
        typer.Option(
            "--data-dir",
            metavar="DIR",
            envvar="PAINCLINIC_DATA",
            help="Where patient records live (default: your user data folder).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """With no command, open the clinic app; commands below work on the same records."""
    # Text, not Path: Typer turns "" into Path("."), and an empty --data-dir (an unset shell
    # variable) would have made the current folder, say /tmp, the data folder.
    if data_dir_text is not None and not data_dir_text.strip():
        raise typer.BadParameter("needs a folder", param_hint="'--data-dir'")
    data_dir = Path(data_dir_text) if data_dir_text is not None else None
    ctx.obj = {"data_dir": data_dir}
    _seen["data_dir"] = data_dir
    if ctx.invoked_subcommand is None:
        from painclinic.store import resolve_data_dir
        from painclinic.tui.app import make_app  # Textual is imported only for the app

        with reported():
            check_data_dir(resolve_data_dir(data_dir))
            clinic = make_app(data_dir)
        clinic.run()
        if clinic.return_code:
            raise typer.Exit(clinic.return_code)  # an internal error is not a clean exit


app.add_typer(assess_app)
app.add_typer(records_app)
app.add_typer(practice_app, name="practice")


def main(argv: list[str] | None = None) -> None:
    """The console script. An unexpected exception (a bug) never prints a traceback, whose
    message and (in Rich's) local variables can hold patient data: one line says where a
    report without patient data was kept, and the exit code is 1."""
    try:
        app(args=argv, prog_name="painclinic")
    except Exception as exc:  # the last resort: every expected error was reported already
        typer.echo(internal_error(exc), err=True)
        sys.exit(1)


def internal_error(exc: BaseException) -> str:
    """Keep a redacted report in the data folder's crash-reports/ (when that can be written)
    and say so, as the app does."""
    from painclinic.crashreport import redacted_report

    report = None
    try:
        from painclinic.store import Store, resolve_data_dir

        root = resolve_data_dir(_seen.get("data_dir"))
        if root.is_dir():  # a report is no reason to create a data folder
            report = Store(root).save_crash_report(redacted_report(exc, [typer]))
    except Exception:  # the one line below still goes out
        report = None
    where = f"a report without patient data is in {report}" if report else "no report was kept"
    return f"painclinic: internal error ({type(exc).__name__}); {where}"
