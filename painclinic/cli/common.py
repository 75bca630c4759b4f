"""What every command shares: the store named by --data-dir, the note formats as a real choice,
errors turned into a clear message, and data printed as JSON or a table.

stdout carries data (tables, or `--json` for scripts); stderr carries diagnostics. Store and
visit errors are reported with what to do, never with clinical text, and exit with code 2.
"""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from painclinic.notes import FORMATS

if TYPE_CHECKING:
    from painclinic.store import RecordStore

# `--format`: built from the registry, so Typer lists exactly these in --help and refuses any
# other value with exit code 2, naming the allowed ones.
FormatName = enum.StrEnum("FormatName", [(key, key) for key in FORMATS])  # type: ignore[misc]
FORMATS_HELP = "The note format."


def store_from(ctx: typer.Context) -> RecordStore:
    """The store of the --data-dir given to `painclinic` (or $PAINCLINIC_DATA, or the default)."""
    from painclinic.store import Store, resolve_data_dir

    store = Store(resolve_data_dir((ctx.find_root().obj or {}).get("data_dir")))
    for notice in store.notices:  # what opening the folder repaired (an interrupted restore)
        typer.echo(f"painclinic: {notice}", err=True)
    return store


def report_problems(problems: Iterable[object]) -> None:
    """After a listing's results: each file it had to quarantine, then exit code 2 if any."""
    said = [str(problem) for problem in problems]
    for message in said:
        typer.echo(f"painclinic: {message}", err=True)
    if said:
        raise typer.Exit(code=2)


def fail(message: str) -> typer.Exit:
    """Say what is wrong on stderr; `raise fail(...)` exits with code 2."""
    typer.echo(f"painclinic: {message}", err=True)
    return typer.Exit(code=2)


@contextmanager
def reported() -> Iterator[None]:
    """Turn store and visit errors into a clear message on stderr and exit code 2."""
    from painclinic.store import StoreError
    from painclinic.validation import VisitError

    try:
        yield
    except StoreError as exc:
        raise fail(str(exc)) from None
    except VisitError as exc:
        typer.echo(exc.message(), err=True)
        raise typer.Exit(code=2) from None


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def print_table(columns: list[str], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns, header_style="bold", box=None, pad_edge=False)
    for row in rows:
        table.add_row(*row)
    Console().print(table)
