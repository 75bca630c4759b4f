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
    bad_option,
    existing_store,
    fail,
    fault_message,
    iso_date,
    print_json,
    print_table,
    report_problems,
    reported,
    store_from,
    usage_error,
)

if TYPE_CHECKING:
    from rich.console import Console

    from painclinic.store import PatientSummary, RecordStore
    from painclinic.worklist import WorkItem

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
    from painclinic.store import Listing

    with reported():
        store = existing_store(ctx)
        found = store.patients(search) if store else Listing()
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
    else:
        _patient_table(found)
    report_problems(found.problems)


def _patient_table(found: Iterable[PatientSummary]) -> None:
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
    from painclinic.store import Listing

    with reported():
        store = existing_store(ctx) if patient is None else store_from(ctx, create=False)
        found = store.visits(patient) if store else Listing()
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
    else:
        print_table(
            ["Visit", "Patient", "Date", "Type", "Chief complaint"],
            [[v.id, v.patient_id, v.date.isoformat(), v.type, v.chief_complaint] for v in found],
        )
    report_problems(found.problems)


@records_app.command()
def show(
    ctx: typer.Context,
    visit_id: Annotated[str, typer.Argument(metavar="VISIT", help="Visit id.")],
    as_json: Annotated[bool, typer.Option("--json", help="The assessment JSON.")] = False,
) -> None:
    """Show a stored visit's assessment, as `painclinic assess` renders it."""
    from painclinic.engine import assess

    with reported():
        stored = store_from(ctx, create=False).get_visit(visit_id)
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
        store = store_from(ctx, create=False)
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
            store = existing_store(ctx)
            found = store.deleted_visits(target) if store else []
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
        usage_error(ctx, "give the VISIT to restore, or --list to see the deleted visits")
    with reported():
        restored = store_from(ctx, create=False).restore_visit(target)
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
    from painclinic.store import Listing
    from painclinic.worklist import parse_span, worklist

    day = iso_date(today, "--today") or dt.date.today()
    try:
        span = parse_span(due_within) if due_within else None
    except ValueError as exc:
        raise bad_option(str(exc), "--due-within") from None
    with reported():
        store = existing_store(ctx)
        items = (
            worklist(store, day, due_within_days=span, overdue_only=overdue) if store else Listing()
        )
    if as_json:
        print_json([{**i.to_json(), "overdue": i.overdue(day)} for i in items])
    else:
        _worklist_table(items, day)
    report_problems(items.problems)


def _worklist_table(items: Iterable[WorkItem], day: dt.date) -> None:
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
    force: Annotated[
        bool, typer.Option("--force", help="Replace existing files at --out (never a link).")
    ] = False,
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
    """Export visit notes (SOAP, FHIR, calendar: see --format), owner-only; an existing file
    is replaced only with --force."""
    if all_visits == (visit_id is not None):
        usage_error(ctx, "give one VISIT, or --all with --out FOLDER")
    if all_visits and out is None:
        usage_error(ctx, "--all needs --out FOLDER")
    if out is None and fmt.value == "pdf" and sys.stdout.isatty():
        usage_error(ctx, "a PDF needs --out FILE")
    if keep_text and not deidentify:
        usage_error(ctx, "--keep-text goes with --deidentify (an identified note keeps its text)")
    start = iso_date(since, "--since")
    deid = (deidentify, keep_text)
    with reported():
        store = store_from(ctx, create=False)
        if visit_id is not None:
            _export_one(store, visit_id, fmt.value, out, deid, force)
        else:
            assert out is not None
            _export_all(store, fmt.value, out, start, deid, force)


@records_app.command()
def backup(
    ctx: typer.Context,
    dest: Annotated[Path, typer.Argument(help="The backup file to create (.zip).")],
) -> None:
    """Write a consistent backup of the whole store (safe while others are writing)."""
    with reported():
        store = store_from(ctx, create=False)
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
    store: RecordStore,
    visit_id: str,
    fmt: str,
    out: Path | None,
    deid: tuple[bool, bool],
    force: bool,
) -> None:
    from painclinic.exports import export_note

    try:
        export_note(
            store,
            visit_id,
            fmt,
            deidentify=deid[0],
            keep_text=deid[1],
            dest=out,
            stream=sys.stdout.buffer if out is None else None,
            overwrite=force,
        )
    except FileExistsError:
        assert out is not None
        hint = "" if force or out.is_symlink() else "; use --force to replace it"
        raise fail(f"{out} {_obstacle(out, force)}; nothing was written{hint}") from None
    except OSError as exc:
        if out is not None and _names(exc, out.parent):  # a missing or read-only folder...
            raise fail(f"{out} cannot be written: {fault_message(exc, name_file=False)}") from None
        # ... or the store's own files (the audit log of a read-only data folder)
        raise fail(f"nothing was exported: {fault_message(exc)}") from None
    if out is not None:
        typer.echo(f"Wrote {out}", err=True)


def _obstacle(target: Path, force: bool) -> str:
    """What is in the way at `target`, in words (for a note that was not written there)."""
    if target.is_symlink():
        return "is a symbolic link, never written through (not even with --force)"
    if target.is_dir():
        return "is a folder"
    return "is not a regular file" if force else "exists"


def _names(exc: OSError, folder: Path) -> bool:
    """Whether `exc` is about `folder` or a file directly in it."""
    if exc.filename is None:
        return False
    named = Path(exc.filename)
    return folder in (named, named.parent)


def _export_all(
    store: RecordStore,
    fmt: str,
    out: Path,
    since: dt.date | None,
    deid: tuple[bool, bool],
    force: bool,
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
                overwrite=force,
            )
        except OSError as exc:
            if out.exists() and not out.is_dir():
                raise fail(
                    f"{out} is not a folder; --all writes one note per visit into a folder"
                ) from None
            if exc.filename is not None and Path(exc.filename) == out:
                raise fail(f"{out} cannot be made: {fault_message(exc, name_file=False)}") from None
            raise fail(
                f"the export stopped: {fault_message(exc)} Notes already written are kept "
                "(and audited)."
            ) from None
    for target in result.skipped:
        typer.echo(f"painclinic: {target} {_obstacle(target, force)}; skipped", err=True)
    for visit_id, why in result.failed:
        typer.echo(f"painclinic: {visit_id + ' not exported: ' if visit_id else ''}{why}", err=True)
    typer.echo(f"Wrote {result.written} {fmt} notes to {out}", err=True)
    if result.skipped:
        hint = "" if force else " (use --force to replace existing files)"
        raise fail(f"{len(result.skipped)} notes were not written{hint}")
    if result.failed:
        raise fail(f"{len(result.failed)} visits could not be read and were not exported")


def _stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True)
