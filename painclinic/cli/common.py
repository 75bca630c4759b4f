"""What every command shares: the store named by --data-dir, the note formats as a real choice,
errors turned into a clear message, and data printed as JSON or a table.

stdout carries data (tables, or `--json` for scripts); stderr carries diagnostics. Errors are
reported with what to do, never with clinical text and never with a traceback.

Exit codes, the same for every command:

- 0: done.
- 1: it could not be done. A failed check (an invalid record file, a practice attempt that
  did not pass, `knowledge --check` problems); something not found (a visit, a patient, a
  teaching case, the data folder); a file refused (an existing `--out` without `--force`, a
  symbolic link, a skipped note in `export --all`); or a fault of the machine (a full disk, a
  file-size limit, a read-only or missing folder, a data folder that is a file).
- 2: a usage error, i.e. the command line itself is wrong. An unknown command or option, a bad
  option value (`--format docx`, `--since 2026-13-45`, `--due-within soon`), or options that
  do not go together (`export` with neither a VISIT nor `--all`).

An internal error (a bug) prints one line that names a report without patient data, and exits
with 1 (`painclinic.cli.main`).
"""

from __future__ import annotations

import datetime as dt
import enum
import errno
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from painclinic.notes import FORMATS

if TYPE_CHECKING:
    from painclinic.store import RecordStore

# `--format`: built from the registry, so Typer lists exactly these in --help and refuses any
# other value with exit code 2, naming the allowed ones.
FormatName = enum.StrEnum("FormatName", [(key, key) for key in FORMATS])  # type: ignore[misc]
FORMATS_HELP = "The note format."

# What an OSError means for the user, by errno: said in words, with what to do. The file
# named is ours (a record, a lock, a note), so it holds ids at most, never clinical text.
_FAULTS = {
    errno.ENOSPC: "the disk is full; free some space and try again",
    errno.EDQUOT: "the disk quota is used up; free some space and try again",
    errno.EFBIG: "the file would be larger than this session may write (see `ulimit -f`)",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied; check the folder's owner and permissions",
    errno.EPERM: "permission denied; check the folder's owner and permissions",
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder, not a file",
    errno.EEXIST: "something is already there",
    errno.ELOOP: "it is a symbolic link; refused",
}


def report_problems(problems: Iterable[object]) -> None:
    """After a listing's results: each file it had to quarantine, then exit code 1 if any
    (the listing is incomplete: a failed check, not a usage error)."""
    said = [str(problem) for problem in problems]
    for message in said:
        typer.echo(f"painclinic: {message}", err=True)
    if said:
        raise typer.Exit(code=1)


def fail(message: str) -> typer.Exit:
    """Say what could not be done on stderr; `raise fail(...)` exits with code 1."""
    typer.echo(f"painclinic: {message}", err=True)
    return typer.Exit(code=1)


def bad_option(message: str, option: str) -> typer.BadParameter:
    """A bad option value: `raise bad_option(...)` prints Typer's usage hint, exit code 2."""
    return typer.BadParameter(message, param_hint=f"'{option}'")


def usage_error(ctx: typer.Context, message: str) -> NoReturn:
    """Options that do not go together: Typer's usage hint and `message`, exit code 2."""
    ctx.fail(message)


def iso_date(text: str | None, option: str) -> dt.date | None:
    """An option's YYYY-MM-DD date (None when not given); a usage error otherwise."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise bad_option(
            f"{text!r} is not a date; give YYYY-MM-DD, e.g. 2026-11-27", option
        ) from None


def fault_message(exc: OSError, *, name_file: bool = True) -> str:
    """An environment fault in words: which file (unless the caller names it), what
    happened, what to do."""
    what = _FAULTS.get(exc.errno or 0) or (exc.strerror or type(exc).__name__).lower()
    where = f"{exc.filename}: " if exc.filename and name_file else ""
    return f"{where}{what}. Nothing already saved was changed."


@contextmanager
def reported() -> Iterator[None]:
    """Turn store, visit and file-system errors into a clear message on stderr, exit code 1."""
    from painclinic.store import StoreError
    from painclinic.validation import VisitError

    try:
        yield
    except StoreError as exc:
        raise fail(str(exc)) from None
    except VisitError as exc:
        typer.echo(exc.message(), err=True)
        raise typer.Exit(code=1) from None
    except OSError as exc:
        raise fail(fault_message(exc)) from None


def data_dir_of(ctx: typer.Context) -> Path:
    """The --data-dir given to `painclinic` (or $PAINCLINIC_DATA, or the default)."""
    from painclinic.store import resolve_data_dir

    return resolve_data_dir((ctx.find_root().obj or {}).get("data_dir"))


def check_data_dir(root: Path) -> bool:
    """Whether the data folder exists; exit 1 with a message if it is, or lies under, a file.

    An existing one readable by others is made owner-only, with a note (reliability m9).
    """
    from painclinic.store.atomic import tighten_dir

    if root.is_dir():
        try:
            widened = tighten_dir(root)
        except OSError:  # not ours to change (or read-only): say so, and carry on
            typer.echo(
                f"painclinic: warning: the data folder {root} can be read by other users and "
                "could not be made owner-only",
                err=True,
            )
        else:
            if widened is not None:
                typer.echo(
                    f"painclinic: note: the data folder {root} could be read by other users "
                    f"(mode {widened:04o}); it is now owner-only (0700)",
                    err=True,
                )
        return True
    if root.exists() or root.is_symlink():
        raise fail(f"the data folder {root} is a file, not a folder; choose another --data-dir")
    for parent in root.parents:
        if parent.is_dir():
            break
        if parent.exists():
            raise fail(
                f"the data folder {root} cannot be made: {parent} is a file, not a folder; "
                "choose another --data-dir"
            )
    return False


def existing_store(ctx: typer.Context) -> RecordStore | None:
    """The store if its data folder exists, else None: commands that only read do not create
    it (an empty listing is the truthful answer)."""
    from painclinic.store import Store

    root = data_dir_of(ctx)
    return _opened(Store(root)) if check_data_dir(root) else None


def store_from(ctx: typer.Context, *, create: bool = True) -> RecordStore:
    """The store of the data folder, created if missing; with `create=False` a missing one
    is a not-found (exit 1) for commands that need records to be there."""
    from painclinic.store import Store

    root = data_dir_of(ctx)
    if not check_data_dir(root) and not create:
        raise fail(
            f"there is no data folder at {root} (nothing has been imported there); check "
            "--data-dir or $PAINCLINIC_DATA"
        )
    return _opened(Store(root))


def _opened(store: RecordStore) -> RecordStore:
    for notice in store.notices:  # what opening the folder repaired (an interrupted restore)
        typer.echo(f"painclinic: {notice}", err=True)
    return store


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def print_table(columns: list[str], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns, header_style="bold", box=None, pad_edge=False)
    for row in rows:
        table.add_row(*row)
    Console().print(table)
