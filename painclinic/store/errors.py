"""The store's errors. Every message names ids and paths only, never names or clinical text,
and ends with what to do (`StoreError.hint`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path


class StoreError(Exception):
    """Base of store errors. `str(e)` says what happened, then what to do (`hint`)."""

    hint: str

    def __init__(self, what: str, hint: str) -> None:
        self.what = what
        self.hint = hint
        super().__init__(f"{what} {hint}")


class NotFoundError(StoreError):
    pass


class ConflictError(StoreError):
    """A save based on a stale revision: another terminal saved meanwhile. Nothing was written."""

    def __init__(
        self,
        visit_id: str,
        stored_revision: int,
        stored_saved_at: dt.datetime,
        base_revision: int,
        base_saved_at: dt.datetime | None,
    ) -> None:
        self.visit_id = visit_id
        self.stored_revision = stored_revision
        self.stored_saved_at = stored_saved_at
        self.base_revision = base_revision
        self.base_saved_at = base_saved_at
        base_time = show_time(base_saved_at) if base_saved_at else "at an unknown time"
        super().__init__(
            f"Visit {visit_id} was saved from another terminal at {show_time(stored_saved_at)}"
            f" (revision {stored_revision}); this screen was editing revision {base_revision},"
            f" saved {base_time}. Nothing was overwritten.",
            "Reload the visit to see the other terminal's changes, then re-apply yours.",
        )


class CorruptFileError(StoreError):
    """A file failed to parse; it has been moved to `quarantined_to`. Other files are fine."""

    def __init__(self, path: Path, quarantined_to: Path, reason: str) -> None:
        self.path = path
        self.quarantined_to = quarantined_to
        super().__init__(
            f"{path} could not be used ({reason}); it was moved to {quarantined_to}.",
            "The rest of the store is unaffected. Restore it from a backup (painclinic restore),"
            " or repair the moved file and put it back.",
        )


class QuarantinedError(NotFoundError):
    """What was asked for is in a file that was quarantined earlier (see CorruptFileError)."""

    def __init__(self, what: str, path: Path, quarantined_to: Path) -> None:
        self.path = path
        self.quarantined_to = quarantined_to
        super().__init__(
            f"{what} is not available: its file {path} could not be used and was quarantined"
            f" (moved to {quarantined_to}).",
            "Restore it from a backup (painclinic restore), or repair the moved file and put it"
            f" back as {path}.",
        )


class LockedError(StoreError):
    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        super().__init__(
            f"{path} stayed locked by another painclinic process for {timeout:g} s.",
            "Another terminal is saving or a backup is running: try again in a moment. If it"
            " persists, close the other painclinic windows using this data folder.",
        )


def show_time(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
