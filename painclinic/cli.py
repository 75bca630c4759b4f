"""The `painclinic` command: thin Typer commands over the headless modules.

stdout carries data (`--json`), stderr carries diagnostics. Heavy imports are deferred into the
commands that need them, so `painclinic --help` starts fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from painclinic import cli_records
from painclinic.cli_practice import practice_app

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

        make_app(data_dir).run()


@app.command()
def assess(
    files: Annotated[list[Path], typer.Argument(help="Visit records (YAML or JSON).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the contract JSON.")] = False,
) -> None:
    """Assess visit records: red flags, mechanism, root level, differential, tracks, safety."""
    from painclinic.engine import assess as run_assessment
    from painclinic.validation import load_visits

    loaded, errors = load_visits(files)
    for error in errors:
        typer.echo(error.message(), err=True)
    failed = bool(errors)
    results = [(path, run_assessment(visit)) for path, visit in loaded]
    if as_json:
        docs = [json.loads(a.to_json()) for _, a in results]
        if len(files) == 1 and docs:
            sys.stdout.write(results[0][1].to_json())
        elif docs:
            sys.stdout.write(json.dumps(docs, indent=2) + "\n")
    else:
        from rich.console import Console

        from painclinic.present import render_assessment

        console = Console()
        for path, assessment in results:
            console.print(render_assessment(assessment, title=str(path)))
    if failed:
        raise typer.Exit(code=1)


@app.command()
def knowledge(
    check: Annotated[
        bool, typer.Option("--check", help="Check every cross-reference in data/.")
    ] = False,
) -> None:
    """Show the knowledge-base version, fingerprint and contents."""
    from painclinic.knowledge import load_knowledge

    kb = load_knowledge()
    if check:
        from painclinic.integrity import problems

        found = problems(kb)
        for problem in found:
            typer.echo(problem, err=True)
        typer.echo(f"{len(found)} problems" if found else "no problems found")
        raise typer.Exit(code=1 if found else 0)
    typer.echo(f"painclinic knowledge base {kb.version}\nsha256 {kb.sha256}")
    for name, size in (
        ("red flags", len(kb.red_flags)),
        ("conditions", len(kb.conditions)),
        ("treatments", len(kb.treatments)),
        ("drugs", len(kb.drugs)),
        ("alerts", len(kb.alerts)),
        ("avoid rules", len(kb.avoid_rules)),
        ("checkpoint rules", len(kb.checkpoints)),
        ("instruments", len(kb.instruments)),
        ("sources", len(kb.sources)),
    ):
        typer.echo(f"  {size:4d} {name}")


cli_records.register(app)
app.add_typer(practice_app, name="practice")


def main() -> None:
    app()
