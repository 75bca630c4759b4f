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
from painclinic.store.atomic import make_dir, write_new_private

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
) -> Path | str | None:
    """Render and deliver one note, then audit it; returns where it went.

    `dest`: a new file there (FileExistsError if anything is already there, nothing written);
    `stream`: written to it (returns None); neither: kept in the store's exports/ as
    `<visit>[-deid]-<time><suffix>`.
    """
    note = render_note(store, visit_id, fmt, deidentify=deidentify, keep_text=keep_text)
    return deliver(store, note, dest=dest, stream=stream)


def deliver(
    store: RecordStore, note: Note, *, dest: Path | None = None, stream: BinaryIO | None = None
) -> Path | str | None:
    """Write a rendered note (see `export_note`) and audit it once it is written."""
    where: Path | str | None
    if dest is not None:
        write_new_private(dest, note.content)
        where = dest
    elif stream is not None:
        stream.write(note.content)
        stream.flush()
        where = None
    else:
        suffix = ("-deid" if note.deidentified else "") + FORMATS[note.fmt].suffix
        where = store.write_export(note.visit_id, suffix, note.content)
    store.audit("export", patient=note.patient_id, visit=note.visit_id, fmt=note.audited_format)
    return where


@dataclass
class BatchResult:
    written: int = 0
    skipped: list[Path] = field(default_factory=list)  # already there: nothing overwritten


def export_all(
    store: RecordStore,
    fmt: str,
    folder: Path,
    *,
    since: dt.date | None = None,
    deidentify: bool = False,
    keep_text: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> BatchResult:
    """Every visit (on or after `since`) into `folder`, one file each, named by visit id or,
    de-identified, `visit-00001...` (so names carry no ids). Existing files are skipped.
    `progress(done, total)` is called after each visit."""
    make_dir(folder)
    chosen = [v for v in store.visits() if since is None or v.date >= since]
    result = BatchResult()
    suffix = FORMATS[fmt].suffix
    for done, summary in enumerate(chosen, start=1):
        note = render_note(store, summary.id, fmt, deidentify=deidentify, keep_text=keep_text)
        name = f"visit-{result.written + 1:05d}" if deidentify else summary.id
        target = folder / f"{name}{suffix}"
        try:
            deliver(store, note, dest=target)
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
