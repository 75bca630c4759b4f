"""The work-up in words, one helper for every renderer (notes, the CLI, the app), so they
never drift apart: "MRI of the spine (now): why", and not_indicated as one short line."""

from __future__ import annotations

from painclinic.model import NotIndicated, WorkupItem

NOT_NEEDED = "Not needed now: "


def when_words(when: str) -> str:
    """`now`, `same_day`, `if_no_better_by:YYYY-MM-DD` in words."""
    if when.startswith("if_no_better_by:"):
        return "if no better by " + when.split(":", 1)[1]
    return when.replace("_", " ")


def workup_line(item: WorkupItem, why: bool = True) -> str:
    text = f"{item.label} ({when_words(item.when)})"
    return f"{text}: {item.rationale}" if why and item.rationale else text


def not_indicated_line(items: list[NotIndicated]) -> str:
    """One line; tests that share a reason share its brackets:
    "Not needed now: MRI of the spine, Plain X-ray (no red flag or deficit, ...)"."""
    if not items:
        return ""
    by_reason: dict[str, list[str]] = {}
    for n in items:
        by_reason.setdefault(n.reason, []).append(n.label or n.id.replace("_", " "))
    parts = [f"{', '.join(names)} ({reason})" for reason, names in by_reason.items()]
    return NOT_NEEDED + "; ".join(parts) + "."
