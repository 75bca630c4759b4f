"""What a de-identified note says about itself, and how it shows the patient's age.

`painclinic.deidentify` makes the de-identified record; the renderers take a `Redaction` beside
it so every format (md, txt, html, pdf, fhir, ics) opens with the same notice and groups ages
over 89 as "90 or older" (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)(i)(C)).
"""

from __future__ import annotations

from dataclasses import dataclass

REMOVED = "[free text removed]"  # what replaces a free-text value in a default de-identified note
OLDEST_AGE = 90  # ages from here on are one group: the record keeps 90, the note "90 or older"


@dataclass(frozen=True)
class Redaction:
    """A note rendered from a de-identified record; `kept_text`: its free text was kept after
    rule-based scrubbing (export --keep-text), so a person must review it before it is shared."""

    kept_text: bool = False

    @property
    def notice(self) -> str:
        if self.kept_text:
            return (
                "DE-IDENTIFIED, FREE TEXT KEPT: REVIEW BEFORE SHARING. Phone and fax numbers, "
                "emails, web and IP addresses, id-like numbers, dates, years and the names in the "
                "record were removed from the free text by rules, which cannot find every "
                "identifier (other people's names, places, rare details)."
            )
        return (
            "DE-IDENTIFIED: pseudonymous id, dates shifted, no birth date, ages over 89 shown as "
            f"90 or older; every free-text field is replaced by {REMOVED}."
        )


def age_words(age: int | None, redaction: Redaction | None) -> str:
    """`57-year-old`, or `90 or older` in a de-identified note; '' when unknown."""
    if age is None:
        return ""
    if redaction is not None and age >= OLDEST_AGE:
        return "90 or older"
    return f"{age}-year-old"
