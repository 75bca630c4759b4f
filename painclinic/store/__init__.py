"""The record store: the one way into patients, visits and everything else kept for the clinic.

Every caller (the visit session, the worklist, the CLI, the screens, practice) works through
the `RecordStore` protocol below and never touches files, paths or TinyDB itself, so a clinic
server backend can stand behind the same protocol. `Store` is the files backend: one TinyDB
file per patient under a data folder (see `painclinic.store.records` for the layout).

    from painclinic.store import Store, resolve_data_dir
    store: RecordStore = Store(resolve_data_dir(None))

Listings (`patients`, `visits`) return a `Listing`: the results, plus the unusable files met on
the way (already quarantined) in `.problems`, so one damaged file never hides everyone else.

Modules: `atomic` (fsynced atomic replaces, owner-only files), `errors`, `schema` (document
versions and migrations), `contents` (what a stored file must hold to be used), `files` (locks,
checked snapshots, quarantine), `index` (the sharded patient index), `backup` (verified .zip
backups, and finishing an interrupted restore), `records` (`Store`). Headless: no textual,
typer or rich.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from painclinic.store.errors import (
    ConflictError,
    CorruptFileError,
    LockedError,
    NotFoundError,
    QuarantinedError,
    StoreError,
)
from painclinic.store.records import (
    ENV_VAR,
    DeletedVisit,
    Listing,
    PatientSummary,
    Store,
    StoredVisit,
    VisitSummary,
    resolve_data_dir,
)
from painclinic.store.schema import MIGRATIONS, SCHEMA

if TYPE_CHECKING:
    from painclinic.model import Patient, Visit


@runtime_checkable
class RecordStore(Protocol):
    """What the rest of painclinic may ask of a store. Errors are `StoreError`s whose text
    names ids and places only, never clinical text, and ends with what to do."""

    @property
    def location(self) -> str:
        """Where the records live, for messages (a folder, or a server without credentials)."""
        ...

    # What opening the store repaired (an interrupted restore finished), for the user to read.
    notices: list[str]

    # ---------------------------------------------------------------- patients and visits

    def save_patient(self, patient: Patient) -> str: ...

    def get_patient(self, patient_id: str) -> Patient: ...

    def patients(self, search: str | None = None) -> Listing[PatientSummary]:
        """Everyone (or those matching); unusable files met are quarantined, in `.problems`."""
        ...

    def delete_patient(self, patient_id: str) -> Path | str:
        """Move the patient aside (never destroyed); returns where it went."""
        ...

    def save_visit(
        self, visit: Visit, visit_id: str | None = None, base_revision: int | None = None
    ) -> StoredVisit:
        """A new visit (no id), or a new revision of `visit_id` based on `base_revision`;
        a stale base raises ConflictError and writes nothing."""
        ...

    def get_visit(self, visit_id: str) -> StoredVisit: ...

    def visits(self, patient_id: str | None = None) -> Listing[VisitSummary]:
        """One patient's visits or everyone's; listing everyone, an unusable patient file is
        quarantined and reported in `.problems` while the others are listed."""
        ...

    def delete_visit(self, visit_id: str) -> Path | str:
        """Move the visit aside (never destroyed), audited; returns where it went, and
        `restore_visit` puts it back."""
        ...

    def deleted_visits(self, patient_id: str | None = None) -> list[DeletedVisit]:
        """What was deleted (ids, visit dates, when), oldest deletion first."""
        ...

    def restore_visit(self, visit_id: str) -> StoredVisit:
        """Put a deleted visit back under the same id, audited; a StoreError (nothing changed)
        when the id is taken or the patient's file is gone."""
        ...

    # ---------------------------------------------------------------- what else the clinic keeps

    def write_export(self, stem: str, suffix: str, data: bytes) -> Path | str:
        """Keep an exported note (owner-only, never over an existing export); returns where."""
        ...

    def deid_key(self) -> bytes:
        """The secret behind de-identified pseudonyms and date shifts: made once per store,
        kept owner-only, never part of an export (painclinic.deidentify)."""
        ...

    def save_attempt(self, resident: str, entry: dict[str, Any]) -> None:
        """Append one scored practice attempt (JSON-ready) to the resident's history."""
        ...

    def attempts(self, resident: str | None = None) -> list[dict[str, Any]]:
        """The stored attempts of one resident, or of all, oldest first per resident."""
        ...

    def ui_state(self) -> dict[str, str]:
        """The app's remembered state (ids and names only: open visit, tab, theme)."""
        ...

    def save_ui_state(self, state: dict[str, str]) -> None: ...

    def drafts(self, visit_id: str) -> dict[str, str]:
        """Text typed into a visit's fields but not yet saved (journaled as typed, so a crash
        or a kill loses none of it): field key -> text."""
        ...

    def save_drafts(self, visit_id: str, drafts: dict[str, str]) -> None:
        """Replace a visit's journal of unsaved text (empty: remove it)."""
        ...

    def save_crash_report(self, text: str) -> Path:
        """Keep an internal-error report (no patient data in it) owner-only; returns where."""
        ...

    # ---------------------------------------------------------------- safety

    def audit(
        self,
        action: str,
        *,
        patient: str | None = None,
        visit: str | None = None,
        fmt: str | None = None,
    ) -> None:
        """Append one audit line; every field is an id or a short token, never clinical text."""
        ...

    def audit_entries(self) -> list[dict[str, Any]]: ...

    def backup(self, dest: Path) -> Path: ...

    def restore(self, src: Path) -> Path | str:
        """Replace the contents with a verified backup; returns where the old contents went."""
        ...


__all__ = [
    "ENV_VAR",
    "MIGRATIONS",
    "SCHEMA",
    "ConflictError",
    "CorruptFileError",
    "DeletedVisit",
    "Listing",
    "LockedError",
    "NotFoundError",
    "PatientSummary",
    "QuarantinedError",
    "RecordStore",
    "Store",
    "StoreError",
    "StoredVisit",
    "VisitSummary",
    "resolve_data_dir",
]
