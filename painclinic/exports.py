"""The one export pipeline, for the CLI, the visit screen and the practice score screen:

    store -> visit -> de-identify (optional) -> assess -> render -> private write -> audit

Patient data leaves the house here and nowhere else. A note is written owner-only and never
over an existing file (into the store's exports/, to a file the user named, or to a stream
such as stdout), and each export is audited with ids and the format only. A de-identified note
is rendered from the de-identified visit and its own assessment, so no original name, id or
date can reach it; its free text is removed, or with `keep_text` scrubbed by rule and flagged
for review (painclinic.deidentify). Headless: no Textual, no Typer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from painclinic.notes import FORMATS
from painclinic.store import RecordStore
from painclinic.store.atomic import make_dir, replace_private, write_new_private

DEIDENTIFIED = "+deidentified"  # appended to the audited format of a de-identified note
KEPT_TEXT = "+keeptext"  # ... and when its free text was kept (scrubbed, to be reviewed)


@dataclass(frozen=True)
class Note:
    """One rendered note, not yet written anywhere."""

    visit_id: str
    patient_id: str
    fmt: str
    deidentified: bool
    content: bytes
    kept_text: bool = False

    @property
    def audited_format(self) -> str:
        return (
            self.fmt
            + (DEIDENTIFIED if self.deidentified else "")
            + (KEPT_TEXT if self.deidentified and self.kept_text else "")
        )


def render_note(
    store: RecordStore,
    visit_id: str,
    fmt: str,
    *,
    deidentify: bool = False,
    keep_text: bool = False,
) -> Note:
    """The note of a stored visit in `fmt` (a key of notes.FORMATS). `keep_text` (with
    `deidentify`): keep free text, scrubbed by rule, in a note marked for review."""
    from painclinic.engine import assess
    from painclinic.notes import render

    stored = store.get_visit(visit_id)
    visit = stored.visit
    redaction = None
    if deidentify:
        from painclinic.deidentify import deidentify as scrub
        from painclinic.notes.redaction import Redaction
        from painclinic.store import StoreError
        from painclinic.validation import VisitError

        try:
            visit = scrub(visit, store.deid_key(), keep_text=keep_text)
        except VisitError as exc:  # field paths only: nothing of the record is echoed
            raise StoreError(
                f"Visit {visit_id} cannot be de-identified: {'; '.join(exc.problems)}.",
                "Correct those fields in the visit, then export again.",
            ) from None
        redaction = Redaction(kept_text=keep_text)
    content = render(visit, assess(visit), fmt, redaction)
    return Note(visit_id, stored.patient_id, fmt, deidentify, content, deidentify and keep_text)


def export_note(
    store: RecordStore,
    visit_id: str,
    fmt: str,
    *,
    deidentify: bool = False,
    keep_text: bool = False,
    dest: Path | None = None,
    stream: BinaryIO | None = None,
    overwrite: bool = False,
) -> Path | str | None:
    """Render and deliver one note, then audit it; returns where it went.

    `dest`: a new file there (FileExistsError if anything is already there, nothing written;
    with `overwrite`, an existing regular file is replaced, a symbolic link still refused);
    `stream`: written to it (returns None); neither: kept in the store's exports/ as
    `<visit>[-deid]-<time><suffix>`.
    """
    note = render_note(store, visit_id, fmt, deidentify=deidentify, keep_text=keep_text)
    return deliver(store, note, dest=dest, stream=stream, overwrite=overwrite)


def deliver(
    store: RecordStore,
    note: Note,
    *,
    dest: Path | None = None,
    stream: BinaryIO | None = None,
    overwrite: bool = False,
) -> Path | str | None:
    """Write a rendered note (see `export_note`) and audit it: no note leaves unaudited.

    If the audit cannot be written (a read-only data folder, a full disk), nothing is left
    exported: what cannot be taken back (a stream, a replaced file) is audited before it is
    written; a new file is written, audited, and removed again if the audit fails.
    """

    def audit() -> None:
        store.audit("export", patient=note.patient_id, visit=note.visit_id, fmt=note.audited_format)

    if stream is not None and dest is None:
        audit()
        stream.write(note.content)
        stream.flush()
        return None
    if dest is not None and overwrite:
        replace_private(dest, note.content, before=audit)
        return dest
    where: Path | str
    if dest is not None:
        write_new_private(dest, note.content)
        where = dest
    else:
        suffix = ("-deid" if note.deidentified else "") + FORMATS[note.fmt].suffix
        where = store.write_export(note.visit_id, suffix, note.content)
    try:
        audit()
    except BaseException:
        if isinstance(where, Path):
            where.unlink(missing_ok=True)
        raise
    return where


@dataclass
class BatchResult:
    written: int = 0
    skipped: list[Path] = field(default_factory=list)  # already there: nothing overwritten
    # Visits that could not be exported (a quarantined or invalid record): id, then why. Also
    # the patient files the listing itself found unusable (id: None).
    failed: list[tuple[str | None, str]] = field(default_factory=list)


def export_all(
    store: RecordStore,
    fmt: str,
    folder: Path,
    *,
    since: dt.date | None = None,
    deidentify: bool = False,
    keep_text: bool = False,
    progress: Callable[[int, int], None] | None = None,
    overwrite: bool = False,
) -> BatchResult:
    """Every visit (on or after `since`) into `folder`, one file each, named by visit id or,
    de-identified, `visit-00001...` (so names carry no ids). Existing files are skipped, or
    with `overwrite` replaced (symbolic links are always skipped).
    `progress(done, total)` is called after each visit. A visit that cannot be read (its file
    damaged or its record invalid: the store quarantines it) is listed in `failed` and the
    batch goes on."""
    from painclinic.store import StoreError
    from painclinic.validation import VisitError

    make_dir(folder)
    listed = store.visits()
    chosen = [v for v in listed if since is None or v.date >= since]
    result = BatchResult(failed=[(None, str(problem)) for problem in listed.problems])
    suffix = FORMATS[fmt].suffix
    for done, summary in enumerate(chosen, start=1):
        try:
            note = render_note(store, summary.id, fmt, deidentify=deidentify, keep_text=keep_text)
        except (StoreError, VisitError) as exc:
            result.failed.append((summary.id, str(exc)))
            if progress is not None:
                progress(done, len(chosen))
            continue
        name = f"visit-{result.written + 1:05d}" if deidentify else summary.id
        target = folder / f"{name}{suffix}"
        try:
            deliver(store, note, dest=target, overwrite=overwrite)
        except FileExistsError:
            result.skipped.append(target)
        else:
            result.written += 1
        if progress is not None:
            progress(done, len(chosen))
    return result


def export_feedback(
    store: RecordStore, case_id: str, resident_key: str, markdown: str
) -> Path | str:
    """A resident's practice feedback (a teaching case, no patient) into the store's exports/."""
    where = store.write_export(f"practice-{case_id}-{resident_key}", ".md", markdown.encode())
    store.audit("export-feedback", fmt="md")
    return where
