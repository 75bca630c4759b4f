"""`painclinic practice ...`: teaching cases, scoring attempt files, a resident's progress."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from painclinic.cli.common import existing_store, fail, reported, store_from

practice_app = typer.Typer(
    help="Resident practice: teaching cases, scored attempts, progress.", no_args_is_help=True
)


@practice_app.command("list")
def list_cases(
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array.")] = False,
) -> None:
    """The teaching cases: id, title, region, difficulty."""
    from painclinic.practice import load_cases

    rows = [
        {
            "id": c.id,
            "title": c.case.title,
            "region": c.case.region,
            "difficulty": c.case.difficulty,
        }
        for c in load_cases()
    ]
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    for r in rows:
        typer.echo(f"{r['id']:<40} {r['difficulty']:<13} {r['region']:<12} {r['title']}")


@practice_app.command()
def start(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(help="Case id (see `painclinic practice list`).")],
    resident: Annotated[str, typer.Option(help="Your name, for your progress.")] = "resident",
) -> None:
    """Open the app on a teaching case."""
    from painclinic.practice import get_case

    try:
        get_case(case)
    except KeyError as exc:
        raise fail(exc.args[0]) from None
    from painclinic.tui.app import make_app

    with reported():
        app = make_app(store=store_from(ctx), remember=False)
    app.call_later(lambda: app.start_practice(case, resident))
    app.run()


@practice_app.command("score")
def score_attempt(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(help="Case id.")],
    attempt: Annotated[Path, typer.Argument(help="Attempt file (YAML or JSON).")],
    as_json: Annotated[bool, typer.Option("--json", help="The score report as JSON.")] = False,
    save: Annotated[bool, typer.Option(help="Store the attempt under the resident.")] = False,
) -> None:
    """Score an attempt file against the case's expert key, with feedback."""
    from painclinic.practice import feedback_markdown, get_case, load_attempt, save_attempt, score
    from painclinic.validation import RecordError

    try:
        teaching = get_case(case)
        tried = load_attempt(attempt)
    except KeyError as exc:
        raise fail(exc.args[0]) from None
    except OSError as exc:
        raise fail(f"{attempt}: cannot read the file ({exc.strerror})") from None
    except RecordError as exc:  # names the file and each field, never a value from it
        typer.echo(exc.message(), err=True)
        raise typer.Exit(code=1) from None
    report = score(teaching, tried)
    if save:
        with reported():
            save_attempt(store_from(ctx), tried, report)
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        typer.echo(feedback_markdown(teaching, tried, report))
    raise typer.Exit(code=0 if report.passed else 1)


@practice_app.command()
def progress(
    ctx: typer.Context,
    resident: Annotated[str | None, typer.Option(help="One resident; all when left out.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON.")] = False,
) -> None:
    """Attempts over time, per-category trend and the weakest areas."""
    from painclinic.practice import LABELS, attempts
    from painclinic.practice import progress as summarise

    with reported():
        store = existing_store(ctx)
        summary = summarise(attempts(store, resident) if store else [])
    if as_json:
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
        return
    if not summary["attempts"]:
        typer.echo("No attempts yet.")
        return
    for a in summary["attempts"]:
        typer.echo(
            f"{a['finished_at'] or '':<27} {a['case']:<40} {a['score']:>5g}%  "
            f"{'passed' if a['passed'] else 'NOT PASSED'}"
        )
    typer.echo("\nBy category (first -> latest, mean):")
    for category, t in summary["trend"].items():
        typer.echo(
            f"  {LABELS[category]:<16} {t['first']:>5g} -> {t['latest']:>5g}  (mean {t['mean']:g})"
        )
    typer.echo("Weakest areas: " + ", ".join(LABELS[c] for c in summary["weakest"]))
