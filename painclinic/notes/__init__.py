"""Visit notes: pure renderers of (visit, assessment), shared by the CLI and the app.

    from painclinic.notes import FORMATS, render
    data = render(visit, assess(visit), "md")   # bytes, the same for the same input

The human-readable formats (md, txt, html, pdf) all render one structured SOAP document
(`soap.build_note`), so they never drift apart; `fhir` is an R4 collection Bundle and `ics` an
iCalendar file of the dated checkpoints. Nothing here reads the clock: every date comes from the
record. The plan reported is the physician's (`visit.plan`); without one, the note says plainly
that the suggestions are unreviewed. Heavy libraries (fpdf2, fhir.resources, icalendar) are
imported only by the format that needs them. No Textual, no Typer.
"""

from __future__ import annotations

from painclinic.model import Assessment, Visit

__all__ = ["FORMATS", "render"]

FORMATS: dict[str, str] = {
    "md": ".md",
    "txt": ".txt",
    "html": ".html",
    "pdf": ".pdf",
    "fhir": ".json",
    "ics": ".ics",
}


def render(visit: Visit, assessment: Assessment, fmt: str) -> bytes:
    """Render one visit note in `fmt` (a key of FORMATS) as bytes.

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
    if fmt == "fhir":
        from painclinic.notes import fhir

        return fhir.write(visit, assessment)
    if fmt == "ics":
        from painclinic.notes import ics

        return ics.write(visit, assessment)

    from painclinic.notes.soap import build_note

    doc = build_note(visit, assessment)
    if fmt == "pdf":
        from painclinic.notes import pdf

        return pdf.write(doc, visit.visit.date.isoformat())
    if fmt == "md":
        from painclinic.notes import markdown as writer
    elif fmt == "txt":
        from painclinic.notes import text as writer
    else:
        from painclinic.notes import html as writer
    return writer.write(doc).encode("utf-8")
