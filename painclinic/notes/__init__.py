"""Visit notes: pure renderers of (visit, assessment), shared by the CLI and the app.

    from painclinic.notes import FORMATS, render
    data = render(visit, assess(visit), "md")   # bytes, the same for the same input

`FORMATS` is the one registry of note formats: the CLI's `--format` choices, the app's export
dialog and the command palette's help are all built from it, so a new format is one renderer
module plus one line below. The human-readable formats (md, txt, html, pdf) all render one
structured SOAP document (`soap.build_note`), so they never drift apart; `fhir` is an R4
collection Bundle and `ics` an iCalendar file of the dated checkpoints. Nothing here reads the
clock: every date comes from the record. The plan reported is the physician's (`visit.plan`);
without one, the note says plainly that the suggestions are unreviewed. Heavy libraries
(fpdf2, fhir.resources, icalendar) are imported only by the format that needs them. No
Textual, no Typer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the registry loads no models, so the CLI can build its --format choices fast
    from painclinic.model import Assessment, Visit
    from painclinic.notes.document import Document
    from painclinic.notes.redaction import Redaction

__all__ = ["FORMATS", "NoteFormat", "render"]


@dataclass(frozen=True)
class NoteFormat:
    key: str  # the --format value
    suffix: str  # the file name ending
    title: str  # what the export dialog and the help call it
    write: Callable[[Visit, Assessment, Redaction | None], bytes]


# Each writer imports its renderer only when used: `painclinic --help` never loads fpdf2.


def _soap(visit: Visit, assessment: Assessment, redaction: Redaction | None) -> Document:
    from painclinic.notes.soap import build_note

    return build_note(visit, assessment, redaction)


def _markdown(visit: Visit, assessment: Assessment, redaction: Redaction | None) -> bytes:
    from painclinic.notes import markdown

    return markdown.write(_soap(visit, assessment, redaction)).encode("utf-8")


def _text(visit: Visit, assessment: Assessment, redaction: Redaction | None) -> bytes:
    from painclinic.notes import text

    return text.write(_soap(visit, assessment, redaction)).encode("utf-8")


def _html(visit: Visit, assessment: Assessment, redaction: Redaction | None) -> bytes:
    from painclinic.notes import html

    return html.write(_soap(visit, assessment, redaction)).encode("utf-8")


def _pdf(visit: Visit, assessment: Assessment, redaction: Redaction | None) -> bytes:
    from painclinic.notes import pdf

    return pdf.write(_soap(visit, assessment, redaction), visit.visit.date.isoformat())


def _fhir(visit: Visit, assessment: Assessment, redaction: Redaction | None) -> bytes:
    from painclinic.notes import fhir

    return fhir.write(visit, assessment, redaction)


def _ics(visit: Visit, assessment: Assessment, redaction: Redaction | None) -> bytes:
    from painclinic.notes import ics

    return ics.write(visit, assessment, redaction)


FORMATS: dict[str, NoteFormat] = {
    f.key: f
    for f in (
        NoteFormat("md", ".md", "Markdown SOAP note", _markdown),
        NoteFormat("txt", ".txt", "Plain-text SOAP note (pastes into an EHR)", _text),
        NoteFormat("html", ".html", "HTML SOAP note", _html),
        NoteFormat("pdf", ".pdf", "PDF SOAP note", _pdf),
        NoteFormat("fhir", ".json", "FHIR R4 bundle (JSON)", _fhir),
        NoteFormat("ics", ".ics", "iCalendar checkpoints", _ics),
    )
}


def render(
    visit: Visit, assessment: Assessment, fmt: str, redaction: Redaction | None = None
) -> bytes:
    """Render one visit note in `fmt` (a key of FORMATS) as bytes.

    `redaction`: the record was de-identified (`painclinic.deidentify`); the note says so at
    its top and shows ages over 89 as "90 or older".

    The assessment must be the one computed from this very visit record (after de-identifying,
    assess the de-identified visit): a mismatch in patient id or date is a ValueError, so an
    assessment can never carry an original date or id into a de-identified note.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown note format {fmt!r}; allowed: {', '.join(FORMATS)}")
    if assessment.visit.date != visit.visit.date or assessment.visit.patient != visit.patient.id:
        raise ValueError(
            "the assessment was not computed from this visit record "
            "(patient id or visit date differ); assess the visit being rendered"
        )
    return FORMATS[fmt].write(visit, assessment, redaction)
