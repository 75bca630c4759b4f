"""Record commands over the store: demo, import, patients, visits, show, delete-visit,
undelete-visit, checkpoints, export, backup, restore. Thin: each command calls the store, the
engine or the export pipeline and prints.

stdout carries data (tables, or `--json` arrays for scripts); stderr carries diagnostics. Store
errors are reported with what to do, never with clinical text.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from painclinic.cli.common import (
    FORMATS_HELP,
    FormatName,
    fail,
    print_json,
    print_table,
    reported,
    store_from,
)

if TYPE_CHECKING:
    from rich.console import Console

    from painclinic.store import RecordStore

records_app = typer.Typer()
DEFAULT_FORMAT = FormatName("md")


@records_app.command()
def demo(ctx: typer.Context) -> None:
    """Fill the data folder with the demo patients (existing patients are left alone)."""
    from painclinic.demo import load_demo

    with reported():
        store = store_from(ctx)
        patients, visits = load_demo(store)
        total = len(store.patients())
    typer.echo(
        f"Added {patients} demo patients ({visits} visits); {total} patients in {store.location}"
    )


@records_app.command("import")
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
    with reported():
        store = store_from(ctx)
        for path, visit in loaded:
            saved = store.save_visit(visit)
            store.audit("import", patient=saved.patient_id, visit=saved.id)
            typer.echo(f"{path}: imported as {saved.id}")
    if failed:
        raise typer.Exit(code=1)


@records_app.command()
def patients(
    ctx: typer.Context,
    search: Annotated[str | None, typer.Option(help="Part of a name or id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array.")] = False,
) -> None:
    """List patients with their last visit and next checkpoint."""
    with reported():
        found = store_from(ctx).patients(search)
    rows = [
        {
            "id": p.id,
            "name": p.name,
            "age": p.age,
            "sex": p.sex,
            "last_visit": p.last_visit.isoformat() if p.last_visit else None,
            "visits": p.visit_count,
            "checkpoints": [
                {"date": d.isoformat(), "label": label, "visit": v} for d, label, v in p.checkpoints
            ],
        }
        for p in found
    ]
    if as_json:
        print_json(rows)
        return
    print_table(
        ["Id", "Name", "Age", "Sex", "Last visit", "Visits", "Next checkpoint"],
        [
            [
                p.id,
                p.name,
                str(p.age or ""),
                p.sex or "",
                p.last_visit.isoformat() if p.last_visit else "",
                str(p.visit_count),
                _next(p.checkpoints),
            ]
            for p in found
        ],
    )


@records_app.command()
def visits(
    ctx: typer.Context,
    patient: Annotated[str | None, typer.Argument(help="Patient id; all when left out.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array.")] = False,
) -> None:
    """List visits, oldest first."""
    with reported():
        found = store_from(ctx).visits(patient)
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
        print_json(rows)
        return
    print_table(
        ["Visit", "Patient", "Date", "Type", "Chief complaint"],
        [[v.id, v.patient_id, v.date.isoformat(), v.type, v.chief_complaint] for v in found],
    )


@records_app.command()
def show(
    ctx: typer.Context,
    visit_id: Annotated[str, typer.Argument(metavar="VISIT", help="Visit id.")],
    as_json: Annotated[bool, typer.Option("--json", help="The assessment JSON.")] = False,
) -> None:
    """Show a stored visit's assessment, as `painclinic assess` renders it."""
    from painclinic.engine import assess

    with reported():
        stored = store_from(ctx).get_visit(visit_id)
    assessment = assess(stored.visit)
    if as_json:
        sys.stdout.write(assessment.to_json())
        return
    from rich.console import Console

    from painclinic.cli.render import render_assessment

    title = f"{stored.id} ({stored.visit.visit.date}, revision {stored.revision})"
    Console().print(render_assessment(assessment, title=title))


@records_app.command("delete-visit")
def delete_visit(
    ctx: typer.Context,
    visit_id: Annotated[str, typer.Argument(metavar="VISIT", help="Visit id, e.g. p-0001-v2.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a visit: it is moved aside (never destroyed) and `undelete-visit` restores it."""
    with reported():
        store = store_from(ctx)
        stored = store.get_visit(visit_id)  # an unknown id fails here, before any question
        what = f"{stored.id} ({stored.visit.visit.date}, {stored.visit.visit.type})"
        if not yes and not typer.confirm(f"Delete visit {what}?", default=False):
            typer.echo("Nothing was deleted.", err=True)
            raise typer.Exit(code=1)
        where = store.delete_visit(visit_id)
    typer.echo(f"Deleted visit {what}; it is kept in {where}.")
    typer.echo(f"Restore it with: painclinic undelete-visit {stored.id}")


@records_app.command("undelete-visit")
def undelete_visit(
    ctx: typer.Context,
    target: Annotated[
        str | None,
        typer.Argument(
            metavar="[VISIT | PATIENT]",
            help="The deleted visit to restore; with --list, a patient id (all when left out).",
        ),
    ] = None,
    list_: Annotated[
        bool, typer.Option("--list", help="List the deleted visits instead of restoring one.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --list: a JSON array.")] = False,
) -> None:
    """Restore a deleted visit under its own id, as it was when deleted.

    `painclinic undelete-visit p-0001-v2` restores that visit; `painclinic undelete-visit
    --list [PATIENT]` lists what can be restored. A visit whose id is taken, or whose patient
    was deleted, is refused and nothing changes.
    """
    if list_:
        with reported():
            found = store_from(ctx).deleted_visits(target)
        rows = [
            {
                "id": d.id,
                "patient": d.patient_id,
                "date": d.date.isoformat() if d.date else None,
                "deleted_at": d.deleted_at.isoformat(),
                "revision": d.revision,
            }
            for d in found
        ]
        if as_json:
            print_json(rows)
            return
        if not found:
            typer.echo("No deleted visits.", err=True)
            return
        print_table(
            ["Visit", "Patient", "Visit date", "Deleted at"],
            [
                [d.id, d.patient_id, str(d.date or ""), d.deleted_at.isoformat(timespec="seconds")]
                for d in found
            ],
        )
        return
    if target is None:
        raise fail("give the VISIT to restore, or --list to see the deleted visits")
    with reported():
        restored = store_from(ctx).restore_visit(target)
    typer.echo(
        f"Restored visit {restored.id} ({restored.visit.visit.date}, revision {restored.revision})."
    )


@records_app.command()
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
    with reported():
        items = worklist(store_from(ctx), day, due_within_days=span, overdue_only=overdue)
    if as_json:
        print_json([{**i.to_json(), "overdue": i.overdue(day)} for i in items])
        return
    print_table(
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


@records_app.command()
def export(
    ctx: typer.Context,
    visit_id: Annotated[str | None, typer.Argument(metavar="[VISIT]", help="Visit id.")] = None,
    fmt: Annotated[FormatName, typer.Option("--format", help=FORMATS_HELP)] = DEFAULT_FORMAT,
    out: Annotated[Path | None, typer.Option(help="File (one visit) or folder (--all).")] = None,
    all_visits: Annotated[bool, typer.Option("--all", help="Every visit.")] = False,
    since: Annotated[
        str | None, typer.Option(help="With --all: visits on or after YYYY-MM-DD.")
    ] = None,
    deidentify: Annotated[
        bool,
        typer.Option(
            help="Pseudonymous id, dates shifted, no names or birth date, ages over 89 as "
            "90 or older, every free-text field removed."
        ),
    ] = False,
    keep_text: Annotated[
        bool,
        typer.Option(
            help="With --deidentify: keep free text, scrubbed of phone numbers, emails, URLs, "
            "IPs, numbers, dates and the record's names; review it before sharing."
        ),
    ] = False,
) -> None:
    """Export visit notes (SOAP, FHIR, calendar: see --format), owner-only, never overwriting."""
    if all_visits == (visit_id is not None):
        raise fail("give one VISIT, or --all with --out FOLDER")
    if keep_text and not deidentify:
        raise fail("--keep-text goes with --deidentify (an identified note keeps its text)")
    deid = (deidentify, keep_text)
    with reported():
        store = store_from(ctx)
        if visit_id is not None:
            _export_one(store, visit_id, fmt.value, out, deid)
            return
        if out is None:
            raise fail("--all needs --out FOLDER")
        try:
            start = dt.date.fromisoformat(since) if since else None
        except ValueError:
            raise fail("--since takes a date as YYYY-MM-DD, e.g. 2026-11-01") from None
        _export_all(store, fmt.value, out, start, deid)


@records_app.command()
def backup(
    ctx: typer.Context,
    dest: Annotated[Path, typer.Argument(help="The backup file to create (.zip).")],
) -> None:
    """Write a consistent backup of the whole store (safe while others are writing)."""
    with reported():
        store = store_from(ctx)
        made = store.backup(dest)
        store.audit("backup", fmt="zip")
    typer.echo(f"Backup written to {made}")


@records_app.command()
def restore(
    ctx: typer.Context,
    src: Annotated[Path, typer.Argument(help="A backup made by `painclinic backup`.")],
) -> None:
    """Restore a backup; the current contents are moved aside, never deleted.

    Close painclinic in every other terminal first: a window left open would keep
    editing the replaced records.
    """
    with reported():
        store = store_from(ctx)
        aside = store.restore(src)
        store.audit("restore", fmt="zip")
    typer.echo(f"Restored {src}; the previous contents are in {aside}")


def _next(checkpoints: Iterable[tuple[dt.date, str, str]]) -> str:
    """The next checkpoint; an overdue one first, in words, so it cannot be missed."""
    from painclinic.worklist import next_due

    overdue, upcoming = next_due((day for day, _, _ in checkpoints), dt.date.today())
    if overdue:
        return f"OVERDUE since {overdue}"
    return str(upcoming or "")


def _export_one(
    store: RecordStore, visit_id: str, fmt: str, out: Path | None, deid: tuple[bool, bool]
) -> None:
    from painclinic.exports import export_note

    if out is None and fmt == "pdf" and sys.stdout.isatty():
        raise fail("a PDF needs --out FILE")
    try:
        export_note(
            store,
            visit_id,
            fmt,
            deidentify=deid[0],
            keep_text=deid[1],
            dest=out,
            stream=sys.stdout.buffer if out is None else None,
        )
    except FileExistsError:
        raise fail(f"{out} exists; choose another name (nothing was overwritten)") from None
    except OSError as exc:  # a missing or read-only folder: say so, without a traceback
        raise fail(f"{out} cannot be written ({exc.strerror}); choose another place") from None
    if out is not None:
        typer.echo(f"Wrote {out}", err=True)


def _export_all(
    store: RecordStore, fmt: str, out: Path, since: dt.date | None, deid: tuple[bool, bool]
) -> None:
    from rich.progress import Progress

    from painclinic.exports import export_all

    with Progress(transient=True, console=_stderr_console()) as progress:
        task = progress.add_task("Exporting notes", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            result = export_all(
                store,
                fmt,
                out,
                since=since,
                deidentify=deid[0],
                keep_text=deid[1],
                progress=advance,
            )
        except OSError as exc:  # --out names a file, or a folder that cannot be written
            raise fail(f"{out} is not a folder notes can be written to ({exc.strerror})") from None
    for target in result.skipped:
        typer.echo(f"painclinic: {target} exists; skipped (nothing overwritten)", err=True)
    typer.echo(f"Wrote {result.written} {fmt} notes to {out}", err=True)


def _stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True)
