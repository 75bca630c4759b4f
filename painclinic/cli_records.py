"""Record commands over the store: demo, import, patients, visits, show, checkpoints, export,
backup, restore. Thin: each command calls the store, engine or notes and prints.

stdout carries data (tables, or `--json` arrays for scripts); stderr carries diagnostics. Store
errors are reported with what to do, never with clinical text.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from painclinic.store.atomic import write_new_private

if TYPE_CHECKING:
    from painclinic.store import Store

FORMATS_HELP = "md | txt | html | pdf | fhir | ics"


def _store(ctx: typer.Context) -> Store:
    from painclinic.store import Store, resolve_data_dir

    return Store(resolve_data_dir((ctx.obj or {}).get("data_dir")))


@contextmanager
def _reported() -> Iterator[None]:
    """Turn store and visit errors into a clear message on stderr and exit code 2."""
    from painclinic.store import StoreError
    from painclinic.validation import VisitError

    try:
        yield
    except StoreError as exc:
        typer.echo(f"painclinic: {exc}", err=True)
        raise typer.Exit(code=2) from None
    except VisitError as exc:
        typer.echo(exc.message(), err=True)
        raise typer.Exit(code=2) from None


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def _table(columns: list[str], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns, header_style="bold", box=None, pad_edge=False)
    for row in rows:
        table.add_row(*row)
    Console().print(table)


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(ctx: typer.Context) -> None:
        """Fill the data folder with the demo patients (existing patients are left alone)."""
        from painclinic.demo import load_demo

        with _reported():
            store = _store(ctx)
            patients, visits = load_demo(store)
            total = len(store.patients())
        typer.echo(
            f"Added {patients} demo patients ({visits} visits); {total} patients in {store.root}"
        )

    @app.command("import")
    def import_(
        ctx: typer.Context,
        files: Annotated[list[Path], typer.Argument(help="Visit records (YAML or JSON).")],
    ) -> None:
        """Import visit records into the store (validated first; bad files change nothing)."""
        from painclinic.validation import load_visits

        loaded, errors = load_visits(files)
        for error in errors:
            typer.echo(error.message(), err=True)
        failed = bool(errors)
        with _reported():
            store = _store(ctx)
            for path, visit in loaded:
                saved = store.save_visit(visit)
                store.audit("import", patient=saved.patient_id, visit=saved.id)
                typer.echo(f"{path}: imported as {saved.id}")
        if failed:
            raise typer.Exit(code=1)

    @app.command()
    def patients(
        ctx: typer.Context,
        search: Annotated[str | None, typer.Option(help="Part of a name or id.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="A JSON array.")] = False,
    ) -> None:
        """List patients with their last visit and next checkpoint."""
        with _reported():
            found = _store(ctx).patients(search)
        rows = [
            {
                "id": p.id,
                "name": p.name,
                "age": p.age,
                "sex": p.sex,
                "last_visit": p.last_visit.isoformat() if p.last_visit else None,
                "visits": p.visit_count,
                "checkpoints": [
                    {"date": d.isoformat(), "label": label, "visit": v}
                    for d, label, v in p.checkpoints
                ],
            }
            for p in found
        ]
        if as_json:
            _print_json(rows)
            return
        _table(
            ["Id", "Name", "Age", "Sex", "Last visit", "Visits", "Next checkpoint"],
            [
                [
                    r["id"],
                    r["name"],
                    str(r["age"] or ""),
                    r["sex"] or "",
                    r["last_visit"] or "",
                    str(r["visits"]),
                    _next(r["checkpoints"]),
                ]
                for r in rows
            ],
        )

    @app.command()
    def visits(
        ctx: typer.Context,
        patient: Annotated[
            str | None, typer.Argument(help="Patient id; all when left out.")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="A JSON array.")] = False,
    ) -> None:
        """List visits, oldest first."""
        with _reported():
            found = _store(ctx).visits(patient)
        rows = [
            {
                "id": v.id,
                "patient": v.patient_id,
                "date": v.date.isoformat(),
                "type": v.type,
                "chief_complaint": v.chief_complaint,
                "revision": v.revision,
                "saved_at": v.saved_at.isoformat(),
            }
            for v in found
        ]
        if as_json:
            _print_json(rows)
            return
        _table(
            ["Visit", "Patient", "Date", "Type", "Chief complaint"],
            [[r["id"], r["patient"], r["date"], r["type"], r["chief_complaint"]] for r in rows],
        )

    @app.command()
    def show(
        ctx: typer.Context,
        visit_id: Annotated[str, typer.Argument(metavar="VISIT", help="Visit id.")],
        as_json: Annotated[bool, typer.Option("--json", help="The assessment JSON.")] = False,
    ) -> None:
        """Show a stored visit's assessment, as `painclinic assess` renders it."""
        from painclinic.engine import assess

        with _reported():
            stored = _store(ctx).get_visit(visit_id)
        assessment = assess(stored.visit)
        if as_json:
            sys.stdout.write(assessment.to_json())
            return
        from rich.console import Console

        from painclinic.present import render_assessment

        title = f"{stored.id} ({stored.visit.visit.date}, revision {stored.revision})"
        Console().print(render_assessment(assessment, title=title))

    @app.command()
    def checkpoints(
        ctx: typer.Context,
        due_within: Annotated[
            str | None,
            typer.Option(help="Only those due within a span, e.g. 7d or 2w (overdue included)."),
        ] = None,
        overdue: Annotated[bool, typer.Option(help="Only those already past.")] = False,
        today: Annotated[
            str | None, typer.Option(help="Date to measure from (YYYY-MM-DD); defaults to today.")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="A JSON array.")] = False,
    ) -> None:
        """The follow-up worklist across patients, sorted by date."""
        from painclinic.worklist import parse_span, worklist

        try:
            day = dt.date.fromisoformat(today) if today else dt.date.today()
            span = parse_span(due_within) if due_within else None
        except ValueError as exc:
            typer.echo(f"painclinic: {exc}", err=True)
            raise typer.Exit(code=2) from None
        with _reported():
            items = worklist(_store(ctx), day, due_within_days=span, overdue_only=overdue)
        if as_json:
            _print_json([{**i.to_json(), "overdue": i.overdue(day)} for i in items])
            return
        _table(
            ["Date", "", "Patient", "Checkpoint", "Visit"],
            [
                [
                    i.date.isoformat(),
                    "OVERDUE" if i.overdue(day) else "",
                    f"{i.patient_name} ({i.patient_id})",
                    i.label + ("" if i.reviewed else " (unreviewed suggestion)"),
                    i.visit_id,
                ]
                for i in items
            ],
        )

    @app.command()
    def export(
        ctx: typer.Context,
        visit_id: Annotated[str | None, typer.Argument(metavar="[VISIT]", help="Visit id.")] = None,
        fmt: Annotated[str, typer.Option("--format", help=FORMATS_HELP)] = "md",
        out: Annotated[
            Path | None, typer.Option(help="File (one visit) or folder (--all).")
        ] = None,
        all_visits: Annotated[bool, typer.Option("--all", help="Every visit.")] = False,
        since: Annotated[
            str | None, typer.Option(help="With --all: visits on or after YYYY-MM-DD.")
        ] = None,
        deidentify: Annotated[
            bool,
            typer.Option(
                help="Remove names and identifiers; shift dates by one offset per patient."
            ),
        ] = False,
    ) -> None:
        """Export visit notes: SOAP (md, txt, html, pdf), FHIR R4 bundle, iCalendar checkpoints."""
        from painclinic.notes import FORMATS

        if fmt not in FORMATS:
            typer.echo(
                f"painclinic: unknown format {fmt!r} (allowed: {', '.join(FORMATS)})", err=True
            )
            raise typer.Exit(code=2)
        if all_visits == (visit_id is not None):
            typer.echo("painclinic: give one VISIT, or --all with --out FOLDER", err=True)
            raise typer.Exit(code=2)
        with _reported():
            store = _store(ctx)
            if visit_id is not None:
                _export_one(store, visit_id, fmt, out, deidentify)
            else:
                if out is None:
                    typer.echo("painclinic: --all needs --out FOLDER", err=True)
                    raise typer.Exit(code=2)
                start = dt.date.fromisoformat(since) if since else None
                _export_all(store, fmt, out, start, deidentify)

    @app.command()
    def backup(
        ctx: typer.Context,
        dest: Annotated[Path, typer.Argument(help="The backup file to create (.zip).")],
    ) -> None:
        """Write a consistent backup of the whole store (safe while others are writing)."""
        with _reported():
            store = _store(ctx)
            made = store.backup(dest)
            store.audit("backup", fmt="zip")
        typer.echo(f"Backup written to {made}")

    @app.command()
    def restore(
        ctx: typer.Context,
        src: Annotated[Path, typer.Argument(help="A backup made by `painclinic backup`.")],
    ) -> None:
        """Restore a backup; the current contents are moved aside, never deleted.

        Close painclinic in every other terminal first: a window left open would keep
        editing the replaced records.
        """
        with _reported():
            store = _store(ctx)
            aside = store.restore(src)
            store.audit("restore", fmt="zip")
        typer.echo(f"Restored {src}; the previous contents are in {aside}")


def _next(checkpoints: list[dict[str, str]]) -> str:
    """The next checkpoint; an overdue one first, in words, so it cannot be missed."""
    from painclinic.worklist import next_due

    overdue, upcoming = next_due(
        (dt.date.fromisoformat(c["date"]) for c in checkpoints), dt.date.today()
    )
    if overdue:
        return f"OVERDUE since {overdue}"
    return str(upcoming or "")


def _note_bytes(store: Store, visit_id: str, fmt: str, deidentify: bool) -> tuple[bytes, str]:
    from painclinic.engine import assess
    from painclinic.notes import render

    stored = store.get_visit(visit_id)
    visit = stored.visit
    if deidentify:
        from painclinic.deidentify import deidentify as scrub

        visit = scrub(visit)
    return render(visit, assess(visit), fmt), stored.patient_id


def _export_one(store: Store, visit_id: str, fmt: str, out: Path | None, deidentify: bool) -> None:
    content, patient_id = _note_bytes(store, visit_id, fmt, deidentify)
    if out is None:
        if fmt == "pdf" and sys.stdout.isatty():
            typer.echo("painclinic: a PDF needs --out FILE", err=True)
            raise typer.Exit(code=2)
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        try:
            write_new_private(out, content)
        except FileExistsError:
            typer.echo(
                f"painclinic: {out} exists; choose another name (nothing was overwritten)", err=True
            )
            raise typer.Exit(code=2) from None
        typer.echo(f"Wrote {out}", err=True)
    store.audit(
        "export",
        patient=patient_id,
        visit=visit_id,
        fmt=fmt + ("+deidentified" if deidentify else ""),
    )


def _export_all(store: Store, fmt: str, out: Path, since: dt.date | None, deidentify: bool) -> None:
    from rich.progress import Progress

    from painclinic.notes import FORMATS

    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    chosen = [v for v in store.visits() if since is None or v.date >= since]
    written = 0
    with Progress(transient=True, console=_stderr_console()) as progress:
        task = progress.add_task("Exporting notes", total=len(chosen))
        for summary in chosen:
            content, patient_id = _note_bytes(store, summary.id, fmt, deidentify)
            name = summary.id if not deidentify else f"visit-{written + 1:05d}"
            target = out / f"{name}{FORMATS[fmt]}"
            if target.exists():
                typer.echo(f"painclinic: {target} exists; skipped (nothing overwritten)", err=True)
            else:
                write_new_private(target, content)
                store.audit(
                    "export",
                    patient=patient_id,
                    visit=summary.id,
                    fmt=fmt + ("+deidentified" if deidentify else ""),
                )
                written += 1
            progress.advance(task)
    typer.echo(f"Wrote {written} {fmt} notes to {out}", err=True)


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)
