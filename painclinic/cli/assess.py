"""`painclinic assess` and `painclinic knowledge`: the engine on visit files, and the knowledge
base it reasons with."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

assess_app = typer.Typer()


@assess_app.command()
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
    results = [(path, run_assessment(visit)) for path, visit in loaded]
    if as_json:
        if len(files) == 1 and results:
            sys.stdout.write(results[0][1].to_json())
        elif results:
            docs = [json.loads(a.to_json()) for _, a in results]
            sys.stdout.write(json.dumps(docs, indent=2) + "\n")
    else:
        from rich.console import Console

        from painclinic.cli.render import render_assessment

        console = Console()
        for path, assessment in results:
            console.print(render_assessment(assessment, title=str(path)))
    if errors:
        raise typer.Exit(code=1)


@assess_app.command()
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
        ("doses", len(kb.doses)),
        ("alerts", len(kb.alerts)),
        ("avoid rules", len(kb.avoid_rules)),
        ("checkpoint rules", len(kb.checkpoints)),
        ("instruments", len(kb.instruments)),
        ("sources", len(kb.sources)),
    ):
        typer.echo(f"  {size:4d} {name}")
