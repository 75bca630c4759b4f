"""The files backend of the record store: patients and their visits on disk, safe for several
terminals at once.

Layout under the data folder (every folder 0700, every file 0600)::

    patients/<patient id>.json   one TinyDB file per patient: tables `patient` (one doc) and
                                 `visits` (doc id n is visit `<patient id>-v<n>`)
    index/<NN>.json              64 shards of patient summaries (derived; painclinic.store.index)
    meta.json                    the next automatic patient number
    deleted/                     deleted patients' files; `<patient>-deleted.json` visit archives
    quarantine/                  files that failed to parse or hold unusable contents (a visit
                                 without a date, a record that fails validation), moved aside,
                                 never deleted
    audit.log                    one JSON line per export, import, deletion, backup, restore
    exports/                     notes exported from the app (never overwritten)
    attempts/<resident>.json     residents' scored practice attempts
    ui-state.json                the app's remembered visit, tab and theme (ids only)
    deid.key                     the secret behind de-identified pseudonyms and date shifts

A save rewrites only its patient's file and one index shard, so its cost does not grow with
the number of patients. Every read-modify-write happens inside that file's cross-process lock
and lands as one atomic replace (painclinic.store.atomic); reads need no lock. A visit carries a
revision: a save from a stale screen raises ConflictError and writes nothing.

A damaged file stays contained: a patient file that is unreadable or unusable is quarantined and
reported (CorruptFileError), a damaged index shard is rebuilt from the patient files, and the
listings (`patients`, `visits`) go on with everyone else and carry what they quarantined in
`Listing.problems`. The store also refuses to write what it would refuse to read.

The interface is narrow on purpose, so a clinic server database can replace it later without
touching the screens. Headless: never imports textual, typer or rich.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import platformdirs
from tinydb import TinyDB
from tinydb.table import Document

from painclinic.store.atomic import (
    FILE_MODE,
    Tables,
    Unparseable,
    make_dir,
    move_aside,
    write_atomic,
    write_new_private,
)
from painclinic.store.contents import DATE_RANGE, dates_out_of_range
from painclinic.store.index import ShardIndex, record_date, summary_entry

if TYPE_CHECKING:  # the models load on first use, so listing patients starts fast
    from painclinic.model import Patient, Visit
from painclinic.store.errors import (
    ConflictError,
    CorruptFileError,
    NotFoundError,
    QuarantinedError,
    StoreError,
)
from painclinic.store.files import Files, now, stamp
from painclinic.store.schema import SCHEMA

ENV_VAR = "PAINCLINIC_DATA"
HISTORY_KEPT = 50  # (revision, saved_at) pairs kept per visit, to date a stale base in a conflict

_PATIENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")  # becomes a file name: no / or ..
_VISIT_ID = re.compile(r"(?P<patient>.+)-v(?P<n>[1-9][0-9]{0,8})")
_AUTO_ID = re.compile(r"p-(\d+)")
_ACTION = re.compile(r"[a-z][a-z0-9_-]{0,39}")  # audit fields are tokens: no free text fits
_FORMAT = re.compile(r"[a-z0-9][a-z0-9_.+-]{0,31}")
_FILE_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,119}")  # export and attempt file names
_SUFFIX = re.compile(r"(\.[a-z0-9-]{1,16}){1,3}")
_FIELD_PATH = re.compile(r"[A-Za-z0-9_.\[\]]{1,80}")
STATE_FILE = "ui-state.json"
T = TypeVar("T")


class Listing(list[T], Generic[T]):
    """What a listing found, plus `problems`: the files it found unusable on the way, each
    already quarantined (a CorruptFileError saying where it went). One bad file never stops
    a listing of everyone else; callers report the problems after the results."""

    def __init__(self, items: Any = (), problems: Any = ()) -> None:
        super().__init__(items)
        self.problems: list[StoreError] = list(problems)


DEID_KEY_BYTES = 32  # the de-identification key: 256 bits, as HMAC-SHA256 takes


@dataclass(frozen=True)
class PatientSummary:
    id: str
    name: str
    age: int | None
    sex: str | None
    last_visit: dt.date | None
    visit_count: int
    checkpoints: tuple[tuple[dt.date, str, str], ...]  # (date, label, visit id): latest plan


@dataclass(frozen=True)
class VisitSummary:
    id: str
    patient_id: str
    date: dt.date
    type: str
    chief_complaint: str
    revision: int
    saved_at: dt.datetime


@dataclass(frozen=True)
class StoredVisit:
    id: str
    patient_id: str
    revision: int
    saved_at: dt.datetime
    visit: Visit


@dataclass(frozen=True)
class DeletedVisit:
    """A visit moved aside by `delete_visit`, which `restore_visit` can put back."""

    id: str
    patient_id: str
    date: dt.date | None  # the visit's own date (None if the archived record lacks one)
    deleted_at: dt.datetime
    revision: int


def resolve_data_dir(option: str | Path | None = None) -> Path:
    """--data-dir, else $PAINCLINIC_DATA, else the platform's per-user data folder."""
    if option is not None and str(option) != "":
        return Path(option).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("painclinic", appauthor=False))


class Store:
    """One data folder. Safe to share between processes; use one Store per process."""

    def __init__(self, root: Path, lock_timeout: float = 10.0) -> None:
        self.root = Path(root).expanduser()
        self.lock_timeout = lock_timeout
        self._files = Files(self.root, lock_timeout)
        self._patients = self.root / "patients"
        self._deleted = self.root / "deleted"
        self._meta = self.root / "meta.json"
        self._audit = self.root / "audit.log"
        self._exports = self.root / "exports"
        self._attempts = self.root / "attempts"
        make_dir(self.root)
        # What opening the folder repaired, in sentences for the user (the CLI prints them).
        self.notices: list[str] = []
        if any(name.startswith(".restore-") for name in os.listdir(self.root)):
            # Before patients/ is (re)created: a restore killed mid-swap is finished first,
            # so the store never looks empty while its records sit in a staging folder.
            from painclinic.store import backup as archive

            self.notices = archive.finish_interrupted_restores(self._files)
        make_dir(self._patients)
        self._index = ShardIndex(self._files, self.root / "index", self._patients)
        if (self._index.ensure() or self.notices) and any(self._patients.glob("*.json")):
            self.rebuild_index()  # the index folder was removed: it is derived, so rebuild it
        if self.notices:
            self.audit("restore-repaired")

    @property
    def location(self) -> str:
        return str(self.root)

    # ------------------------------------------------------------ patients

    def save_patient(self, patient: Patient) -> str:
        patient_id = _check_patient_id(patient.id or self._allocate_patient_id())
        fields = patient.model_copy(update={"id": patient_id}).model_dump(
            mode="json", exclude_none=True
        )

        def change(db: TinyDB) -> None:
            table = db.table("patient")
            doc = table.get(doc_id=1) or _new_patient_doc(patient_id)
            table.upsert(Document({**doc, "patient": fields}, doc_id=1))

        self._save_patient_file(patient_id, change)
        return patient_id

    def get_patient(self, patient_id: str) -> Patient:
        tables = self._read_patient(patient_id)
        doc = tables.get("patient", {}).get("1") or {"patient": {"id": patient_id}}
        from pydantic import ValidationError  # loaded here: listing patients never needs it

        from painclinic.model import Patient

        try:
            return Patient.model_validate(doc["patient"])
        except ValidationError:  # its text quotes the values: keep patient data out of messages
            raise StoreError(
                f"{self._patient_path(patient_id)}: the patient document is not valid.",
                "Repair the file, or restore it from a backup (painclinic restore).",
            ) from None

    def patients(self, search: str | None = None) -> Listing[PatientSummary]:
        problems = self._refresh_pending()
        entries, unreadable = self._index.entries()
        problems += self._quarantine_unreadable(unreadable)
        # Listed after the index is read: a patient's file is committed before its summary and
        # leaves before it, so a summary whose file is gone (quarantined, or moved by hand) is
        # stale and never listed.
        present = {name.removesuffix(".json") for name in os.listdir(self._patients)}
        needle = (search or "").casefold()
        found = [
            _patient_summary(e)
            for e in entries
            if e["id"] in present
            and (
                not needle
                or needle in e["id"].casefold()
                or needle in (e.get("name") or "").casefold()
            )
        ]
        return Listing(sorted(found, key=lambda s: (s.name.casefold(), s.id)), problems)

    def delete_patient(self, patient_id: str) -> Path:
        path = self._patient_path(_check_patient_id(patient_id))
        with self._files.locked(path):
            if not path.exists():
                raise self._patient_not_found(patient_id)
            moved = move_aside(path, self._deleted / f"{patient_id}.{stamp()}.json")
            self._index.put(patient_id, None)
        self.audit("delete-patient", patient=patient_id)
        return moved

    # ------------------------------------------------------------ visits

    def save_visit(
        self, visit: Visit, visit_id: str | None = None, base_revision: int | None = None
    ) -> StoredVisit:
        wrong = list(dates_out_of_range(visit))
        if wrong:  # it would be stored, then crash every computation made with it
            raise StoreError(
                f"The visit cannot be saved: {', '.join(wrong)} must be {DATE_RANGE}."
                " Nothing was saved.",
                "Correct the date and save again.",
            )
        if visit_id is None:
            patient_id = _check_patient_id(visit.patient.id or self._allocate_patient_id())
            n = 0
        else:
            patient_id, n = _split_visit_id(visit_id)
            if visit.patient.id not in (None, patient_id):
                raise StoreError(
                    f"Visit {visit_id} belongs to patient {patient_id}, not {visit.patient.id}.",
                    "A visit cannot move to another patient: save it as a new visit instead.",
                )
            if base_revision is None:
                raise ValueError("base_revision is required when saving an existing visit")
        visit = _with_patient_id(visit, patient_id)
        record = visit.to_record()
        saved_at = now()
        revision = 1

        def change(db: TinyDB) -> None:
            nonlocal n, revision
            patients, visits = db.table("patient"), db.table("visits")
            stored: dict[str, Any] | None = patients.get(doc_id=1)
            old: dict[str, Any] | None = visits.get(doc_id=n) if n else None
            if n == 0:  # a new visit: numbers never repeat, even after a deletion
                pdoc = dict(stored or _new_patient_doc(patient_id))
                n = max([pdoc.get("visit_seq", 0), *(d.doc_id for d in visits.all())]) + 1
                pdoc["visit_seq"] = n
            elif stored is None or old is None:
                raise self._visit_not_found(f"{patient_id}-v{n}")
            elif old["revision"] != base_revision:
                raise _conflict(f"{patient_id}-v{n}", old, base_revision or 0)
            else:
                pdoc = dict(stored)
                revision = old["revision"] + 1
            history = (old or {}).get("history") or []
            doc = {
                "schema": SCHEMA,
                "id": f"{patient_id}-v{n}",
                "revision": revision,
                "saved_at": saved_at.isoformat(),
                "history": [*history[-(HISTORY_KEPT - 1) :], [revision, saved_at.isoformat()]],
                "record": record,
            }
            visits.upsert(Document(doc, doc_id=n))
            if all(record["visit"]["date"] >= record_date(d) for d in visits.all()):
                # The newest visit's patient section is the patient's current demographics;
                # fields that record does not state keep their stored values.
                stated = visit.patient.model_dump(mode="json", exclude_unset=True)
                pdoc["patient"] = {**pdoc.get("patient", {}), **stated, "id": patient_id}
            patients.upsert(Document(pdoc, doc_id=1))

        self._save_patient_file(patient_id, change)
        return StoredVisit(f"{patient_id}-v{n}", patient_id, revision, saved_at, visit)

    def get_visit(self, visit_id: str) -> StoredVisit:
        """The visit, validated. A stored record that no longer passes validation (saved by an
        older version, or edited by hand) quarantines its patient file: CorruptFileError."""
        patient_id, n = _split_visit_id(visit_id)
        tables = self._read_patient(patient_id, missing=self._visit_not_found(visit_id))
        doc = tables.get("visits", {}).get(str(n))
        if doc is None:
            raise self._visit_not_found(visit_id)
        from painclinic.validation import VisitError, visit_from_data

        path = self._patient_path(patient_id)
        try:
            visit = visit_from_data(doc["record"], source=str(path))
            wrong = [f"record.{p}" for p in dates_out_of_range(visit)]
        except VisitError as exc:
            wrong = [_field_of(problem) for problem in exc.problems]
        if wrong:
            raise self._quarantine_invalid(patient_id, n, doc, wrong)
        saved_at = dt.datetime.fromisoformat(doc["saved_at"])
        return StoredVisit(visit_id, patient_id, doc["revision"], saved_at, visit)

    def visits(self, patient_id: str | None = None) -> Listing[VisitSummary]:
        """One patient's visits, or everyone's (this reads every patient file). Listing them
        all, an unusable patient file is quarantined and reported in `problems`, and the
        other patients' visits are still listed."""
        if patient_id is not None:
            ids = [patient_id]
        else:
            ids = [p.stem for p in self._patients.glob("*.json") if _PATIENT_ID.fullmatch(p.stem)]
        found: list[VisitSummary] = []
        problems: list[StoreError] = []
        for pid in ids:
            try:
                tables = self._read_patient(pid)
            except NotFoundError:
                if patient_id is not None:
                    raise
                continue  # deleted by another terminal since the listing
            except StoreError as exc:  # quarantined, or written by a newer version
                if patient_id is not None:
                    raise
                problems.append(exc)
                continue
            found += [_visit_summary(pid, int(k), d) for k, d in tables.get("visits", {}).items()]
        found.sort(key=lambda v: (v.date, v.patient_id, int(v.id.rsplit("-v", 1)[1])))
        return Listing(found, problems)

    def delete_visit(self, visit_id: str) -> Path:
        """Move the visit into deleted/ (returns that file); `restore_visit` puts it back."""
        patient_id, n = _split_visit_id(visit_id)
        if not self._patient_path(patient_id).exists():
            raise self._visit_not_found(visit_id)

        def change(db: TinyDB) -> None:
            visits = db.table("visits")
            doc = visits.get(doc_id=n)
            if doc is None:
                raise self._visit_not_found(visit_id)
            # The copy in deleted/ is committed before the visit leaves the patient file, so a
            # crash in between leaves it in both places, never in neither.
            self._archive_deleted_visit(patient_id, visit_id, dict(doc))
            visits.remove(doc_ids=[n])

        self._save_patient_file(patient_id, change)
        self.audit("delete-visit", patient=patient_id, visit=visit_id)
        return self._deleted_visits_path(patient_id)

    def deleted_visits(self, patient_id: str | None = None) -> list[DeletedVisit]:
        """The visits `delete_visit` moved aside (one patient's, or everyone's), the latest
        deletion of each id, oldest deletion first. A copy whose visit is back in the patient
        file (a delete or restore interrupted between its two steps) is not listed."""
        if patient_id is not None:
            paths = [self._deleted_visits_path(_check_patient_id(patient_id))]
        elif self._deleted.is_dir():
            paths = sorted(self._deleted.glob("*-deleted.json"))
        else:
            paths = []
        found: list[DeletedVisit] = []
        for path in paths:
            pid = path.name.removesuffix("-deleted.json")
            if not _PATIENT_ID.fullmatch(pid):
                continue
            live = self._live_visits(pid)
            for n, (_, doc) in self._archived(pid).items():
                if _same_saved(live.get(str(n)), doc):
                    continue
                info = (doc.get("record") or {}).get("visit") or {}
                found.append(
                    DeletedVisit(
                        id=f"{pid}-v{n}",
                        patient_id=pid,
                        date=dt.date.fromisoformat(info["date"]) if info.get("date") else None,
                        deleted_at=dt.datetime.fromisoformat(doc["deleted_at"]),
                        revision=doc.get("revision", 0),
                    )
                )
        return sorted(found, key=lambda d: (d.deleted_at, d.id))

    def restore_visit(self, visit_id: str) -> StoredVisit:
        """Put a deleted visit back under its own id, as it was when deleted (same revision),
        audited `restore-visit`. Refuses when the patient file is gone or the id is taken."""
        patient_id, n = _split_visit_id(visit_id)
        archived = self._archived(patient_id).get(n)
        if archived is None:
            raise NotFoundError(
                f"No deleted visit {visit_id} in {self._deleted}.",
                "List what can be restored with `painclinic undelete-visit --list`.",
            )
        archive_key, doc = archived
        if not self._patient_path(patient_id).exists():
            raise StoreError(
                f"Cannot restore visit {visit_id}: patient {patient_id} is not in {self.root}"
                " (deleted or moved).",
                f"Restore the patient's file first (deleted patients are kept in {self._deleted}),"
                " then restore the visit.",
            )
        restored = {k: v for k, v in doc.items() if k not in ("visit_id", "deleted_at")}

        def change(db: TinyDB) -> None:
            patients, visits = db.table("patient"), db.table("visits")
            current = visits.get(doc_id=n)
            if current is not None and _same_saved(dict(current), doc):
                return  # already back: an earlier restore stopped before clearing deleted/
            if current is not None:
                raise StoreError(
                    f"Cannot restore visit {visit_id}: that id is taken by another visit"
                    f" (revision {current.get('revision')}).",
                    "Nothing was changed. The deleted copy stays in deleted/; compare the two"
                    " with `painclinic show` before deciding.",
                )
            visits.insert(Document(restored, doc_id=n))
            pdoc = dict(patients.get(doc_id=1) or _new_patient_doc(patient_id))
            pdoc["visit_seq"] = max(pdoc.get("visit_seq", 0), n)  # numbers never repeat
            patients.upsert(Document(pdoc, doc_id=1))

        # The visit is committed to the patient file before its copy leaves deleted/, so a
        # crash in between leaves it in both places (listed once, as live), never in neither.
        self._save_patient_file(patient_id, change)
        path = self._deleted_visits_path(patient_id)
        with self._files.transaction(path, self._raise_unparseable) as db:
            db.table("visits").remove(doc_ids=[archive_key])
        self.audit("restore-visit", patient=patient_id, visit=visit_id)
        return self.get_visit(visit_id)

    # ------------------------------------------------------------ index, backup, restore

    def rebuild_index(self) -> int:
        """Recompute the index from the patient files; unusable ones are quarantined."""
        count, unreadable = self._index.rebuild()
        self._quarantine_unreadable(unreadable)
        return count

    def backup(self, dest: Path) -> Path:
        from painclinic.store import backup as archive  # zip handling is only needed here

        return archive.write_backup(self._files, Path(dest).expanduser())

    def restore(self, src: Path) -> Path:
        from painclinic.store import backup as archive  # zip handling is only needed here

        replaced = archive.restore_backup(self._files, Path(src).expanduser())
        self._index.ensure()
        self.rebuild_index()
        return replaced

    # ------------------------------------------------------------ audit

    def audit(
        self,
        action: str,
        *,
        patient: str | None = None,
        visit: str | None = None,
        fmt: str | None = None,
    ) -> None:
        """Append one line: when, who, what, on which ids. Every field is an id or a short
        token, so no clinical text can reach the log. Deletions log themselves (whichever
        screen deletes); callers log exports, imports, backups and restores."""
        if not _ACTION.fullmatch(action):
            raise ValueError(f"audit action must be a short lowercase token, got {action!r}")
        if fmt is not None and not _FORMAT.fullmatch(fmt):
            raise ValueError(f"audit format must be a short token, got {fmt!r}")
        if visit is not None:
            patient = patient or _split_visit_id(visit)[0]
        if patient is not None:
            _check_patient_id(patient)
        entry = {
            "time": now().isoformat(),
            "user": _os_user(),
            "action": action,
            "patient": patient,
            "visit": visit,
            "format": fmt,
        }
        line = (json.dumps(entry) + "\n").encode("utf-8")
        with self._files.locked(self._audit):  # one whole line per append, never interleaved
            fd = os.open(self._audit, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
            try:
                if os.name == "posix":
                    os.fchmod(fd, FILE_MODE)
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)

    def audit_entries(self) -> list[dict[str, Any]]:
        try:
            lines = self._audit.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        entries = []
        for line in lines:
            with contextlib.suppress(json.JSONDecodeError):  # a line torn by a power cut
                entries.append(json.loads(line))
        return entries

    # ------------------------------------------------------------ exports, attempts, app state

    def write_export(self, stem: str, suffix: str, data: bytes) -> Path:
        """exports/<stem>-<UTC time><suffix>, owner-only and new (never over another export)."""
        if not _FILE_STEM.fullmatch(stem) or not _SUFFIX.fullmatch(suffix):
            raise ValueError(f"export names are short tokens, got {stem!r} {suffix!r}")
        make_dir(self._exports)
        when = now().strftime("%Y%m%dT%H%M%S")
        for n in range(1, 1000):  # two exports within one second get -2, -3, ...
            path = self._exports / f"{stem}-{when}{'' if n == 1 else f'-{n}'}{suffix}"
            try:
                write_new_private(path, data)
            except FileExistsError:
                continue
            return path
        raise StoreError(
            f"Too many exports of {stem} within one second in {self._exports}.",
            "Wait a moment and export again.",
        )

    def deid_key(self) -> bytes:
        """The folder's de-identification key (painclinic.deidentify), made once, owner-only.

        Never regenerated behind the user's back: a new key gives every patient new pseudonyms
        and date shifts, so an unreadable key file is an error that says what to do."""
        path = self.root / "deid.key"
        with self._files.locked(path):  # two first exports at once agree on one key
            if not path.exists():
                write_new_private(path, secrets.token_hex(DEID_KEY_BYTES).encode("ascii") + b"\n")
            if os.name == "posix" and path.stat().st_mode & 0o077:
                os.chmod(path, FILE_MODE)
            try:
                key = bytes.fromhex(path.read_text(encoding="ascii").strip())
            except (UnicodeDecodeError, ValueError):
                key = b""
        if len(key) != DEID_KEY_BYTES:
            raise StoreError(
                f"The de-identification key {path} is damaged.",
                "Move it aside to make a new one (de-identified patients then get new "
                "pseudonyms and date shifts).",
            )
        return key

    def save_attempt(self, resident: str, entry: dict[str, Any]) -> None:
        path = self._attempt_path(resident)
        make_dir(self._attempts)

        def start_afresh(exc: Unparseable) -> list[Any]:
            self._files.quarantine(path, exc)  # kept aside, never lost; this attempt starts anew
            return []

        with self._files.locked(path):
            existing = self._read_list(path, start_afresh)
            data = json.dumps([*existing, entry], indent=1).encode("utf-8")
            write_atomic(path, data)

    def attempts(self, resident: str | None = None) -> list[dict[str, Any]]:
        if resident is not None:
            paths = [self._attempt_path(resident)]
        elif self._attempts.is_dir():
            paths = sorted(self._attempts.glob("*.json"))
        else:
            paths = []

        def quarantined(path: Path) -> Callable[[Unparseable], list[Any]]:
            def report(exc: Unparseable) -> list[Any]:
                with self._files.locked(path):
                    raise self._files.quarantine(path, exc)

            return report

        found: list[dict[str, Any]] = []
        for path in paths:
            found += self._read_list(path, quarantined(path))
        return found

    def ui_state(self) -> dict[str, str]:
        try:
            state = json.loads((self.root / STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # remembered state is a convenience: a broken file is simply forgotten
        if not isinstance(state, dict):
            return {}
        return {k: v for k, v in state.items() if isinstance(k, str) and isinstance(v, str)}

    def save_ui_state(self, state: dict[str, str]) -> None:
        write_atomic(self.root / STATE_FILE, json.dumps(state, sort_keys=True).encode("utf-8"))

    # ------------------------------------------------------------ drafts and crash reports

    def drafts(self, visit_id: str) -> dict[str, str]:
        try:
            found = json.loads(self._draft_path(visit_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # none, or a journal torn by a crash mid-write: the visit itself is intact
        if not isinstance(found, dict):
            return {}
        return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)}

    def save_drafts(self, visit_id: str, drafts: dict[str, str]) -> None:
        path = self._draft_path(visit_id)
        if not drafts:
            path.unlink(missing_ok=True)
            return
        make_dir(path.parent)
        # Atomic and owner-only like a record: the journal holds what the physician typed.
        write_atomic(path, json.dumps(drafts, sort_keys=True).encode("utf-8"))

    def save_crash_report(self, text: str) -> Path:
        folder = self.root / "crash-reports"
        make_dir(folder)
        path = folder / f"crash-{stamp()}.txt"
        write_new_private(path, text.encode("utf-8"))
        return path

    def _draft_path(self, visit_id: str) -> Path:
        patient_id, n = _split_visit_id(visit_id)  # refuses anything that is not a visit id
        return self.root / "drafts" / f"{patient_id}-v{n}.json"

    # ------------------------------------------------------------ internals

    def _attempt_path(self, resident: str) -> Path:
        if not _FILE_STEM.fullmatch(resident):
            raise ValueError(f"a resident key is a short lowercase token, got {resident!r}")
        return self._attempts / f"{resident}.json"

    @staticmethod
    def _read_list(path: Path, on_corrupt: Callable[[Unparseable], list[Any]]) -> list[Any]:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return []
        try:
            data = json.loads(raw)
        except ValueError:
            return on_corrupt(Unparseable(path, "not valid JSON"))
        if not isinstance(data, list):
            return on_corrupt(Unparseable(path, "not a list of attempts"))
        return data

    def _patient_path(self, patient_id: str) -> Path:
        return self._patients / f"{patient_id}.json"

    def _save_patient_file(self, patient_id: str, change: Callable[[TinyDB], None]) -> None:
        """Apply `change` to the patient's file as one locked, atomic read-modify-write, then
        bring its index summary up to date (pending mark: see painclinic.store.index)."""
        path = self._patient_path(patient_id)

        def corrupt(exc: Unparseable) -> Tables:
            raise self._quarantine_patient(patient_id, exc)

        with self._files.locked(path):
            with self._files.transaction(path, corrupt, held=True) as db:
                change(db)
                tables = db.storage.read() or {}
                try:  # never write what the next read would quarantine
                    self._files.check(path, tables)
                except Unparseable as exc:
                    raise StoreError(
                        f"Patient {patient_id} cannot be saved: {exc.reason}. Nothing was saved.",
                        "Correct the record and save it again.",
                    ) from None
                self._index.mark_pending(patient_id)  # just before the commit
            # Still under the patient lock, so shard updates land in the order of the saves.
            self._index.put(patient_id, summary_entry(patient_id, tables))
            self._index.clear_pending(patient_id)

    def _raise_quarantined(self, patient_id: str, exc: Unparseable) -> Tables:
        raise self._quarantine_patient(patient_id, exc)

    def _read_patient(self, patient_id: str, missing: StoreError | None = None) -> Tables:
        path = self._patient_path(_check_patient_id(patient_id))
        tables = self._files.checked_snapshot(
            path, lambda exc: self._raise_quarantined(patient_id, exc)
        )
        if tables is None:
            raise missing or self._patient_not_found(patient_id)
        return tables

    def _quarantine_patient(self, patient_id: str, exc: Unparseable) -> CorruptFileError:
        """Move the patient's file aside (caller holds its lock), drop its summary, audit it."""
        error = self._files.quarantine(self._patient_path(patient_id), exc)
        self._index.put(patient_id, None)  # as a rebuild would: the index lists readable files
        with contextlib.suppress(OSError, StoreError):  # a read-only folder: the move is reported
            self.audit("quarantine", patient=patient_id)
        return error

    def _quarantine_invalid(
        self, patient_id: str, n: int, validated: dict[str, Any], wrong: list[str]
    ) -> StoreError:
        """Quarantine a patient file whose visit `n` fails validation, unless another terminal
        changed that visit since it was read (then the fresh copy is read again)."""
        path = self._patient_path(patient_id)
        fields = ", ".join(dict.fromkeys(wrong))
        with self._files.locked(path):
            try:
                tables = self._files.snapshot(path)
            except Unparseable as exc:
                return self._quarantine_patient(patient_id, exc)
            current = (tables or {}).get("visits", {}).get(str(n))
            if current == validated:
                reason = f"visit {n} does not pass validation: {fields}"
                return self._quarantine_patient(patient_id, Unparseable(path, reason))
        try:  # changed meanwhile: report on the version that is there now
            self.get_visit(f"{patient_id}-v{n}")
        except StoreError as exc:
            return exc
        return StoreError(
            f"Visit {patient_id}-v{n} changed while it was being read.", "Open it again."
        )

    def _quarantine_unreadable(self, patient_ids: list[str]) -> list[StoreError]:
        """Quarantine (and return the reports of) patient files a rebuild could not use."""
        problems: list[StoreError] = []
        for patient_id in patient_ids:
            try:
                self._read_patient(patient_id)  # quarantines it if it is still unusable
            except NotFoundError:
                continue
            except StoreError as exc:
                problems.append(exc)
        return problems

    def _refresh_pending(self) -> list[StoreError]:
        """Bring summaries left stale by a killed writer up to date (usually nothing to do);
        a file that turns out unusable is quarantined and reported."""
        problems: list[StoreError] = []
        for patient_id in self._index.pending_ids():
            if not _PATIENT_ID.fullmatch(patient_id):
                continue
            path = self._patient_path(patient_id)
            with self._files.locked(path):
                if not self._index.is_pending(patient_id):
                    continue  # its writer finished meanwhile
                try:
                    tables = self._files.snapshot(path)
                except Unparseable as exc:
                    problems.append(self._quarantine_patient(patient_id, exc))
                    tables = None
                entry = summary_entry(patient_id, tables) if tables is not None else None
                self._index.put(patient_id, entry)
                self._index.clear_pending(patient_id)
        return problems

    def _deleted_visits_path(self, patient_id: str) -> Path:
        return self._deleted / f"{patient_id}-deleted.json"

    def _archived(self, patient_id: str) -> dict[int, tuple[int, dict[str, Any]]]:
        """Visit number -> (archive doc id, archived doc) of its latest deletion."""
        path = self._deleted_visits_path(patient_id)
        tables = self._files.checked_snapshot(path, self._raise_unparseable) or {}
        latest: dict[int, tuple[int, dict[str, Any]]] = {}
        for key, doc in sorted(tables.get("visits", {}).items(), key=lambda kv: int(kv[0])):
            match = _VISIT_ID.fullmatch(str(doc.get("visit_id", "")))
            if match and match["patient"] == patient_id:
                latest[int(match["n"])] = (int(key), doc)  # a later deletion replaces
        return latest

    def _live_visits(self, patient_id: str) -> dict[str, Any]:
        try:
            return dict(self._read_patient(patient_id).get("visits", {}))
        except NotFoundError:
            return {}

    def _raise_unparseable(self, exc: Unparseable) -> Tables:
        # deleted/ is the only copy of what it holds: never start it afresh here
        raise StoreError(
            f"{exc.path} cannot be read ({exc.reason}). Nothing was changed.",
            "Restore the data folder from a backup (painclinic restore), or repair the file.",
        )

    def _archive_deleted_visit(self, patient_id: str, visit_id: str, doc: dict[str, Any]) -> None:
        path = self._deleted_visits_path(patient_id)
        make_dir(self._deleted)

        def corrupt(exc: Unparseable) -> Tables:
            self._files.quarantine(path, exc)  # the damaged archive is kept aside; start afresh
            return {}

        with self._files.transaction(path, corrupt) as db:
            db.table("visits").insert(
                {**doc, "visit_id": visit_id, "deleted_at": now().isoformat()}
            )

    def _allocate_patient_id(self) -> str:
        """The next free p-NNNN. The counter only moves forward: a deleted id is never reused."""

        def corrupt(exc: Unparseable) -> Tables:
            self._files.quarantine(self._meta, exc)  # recomputed below from the file names
            return {}

        with self._files.transaction(self._meta, corrupt) as db:
            counters = db.table("counters")
            doc = counters.get(doc_id=1)
            n = doc["next_patient"] if doc else self._scan_next_number()
            while self._patient_path(f"p-{n:04d}").exists():
                n += 1
            counters.upsert(Document({"schema": SCHEMA, "next_patient": n + 1}, doc_id=1))
        return f"p-{n:04d}"

    def _scan_next_number(self) -> int:
        numbers = [0]
        for folder in (self._patients, self._deleted):
            if folder.is_dir():
                numbers += [int(m[1]) for m in map(_AUTO_ID.match, os.listdir(folder)) if m]
        return max(numbers) + 1

    def _quarantined_copy(self, patient_id: str) -> Path | None:
        """Where this patient's file was last quarantined, if it was and is not back."""
        folder = self._files.quarantine_dir
        if self._patient_path(patient_id).exists() or not folder.is_dir():
            return None
        copies = sorted(folder.glob(f"{patient_id}.json.*"))  # named by when: latest last
        return copies[-1] if copies else None

    def _patient_not_found(self, patient_id: str) -> NotFoundError:
        moved = self._quarantined_copy(patient_id)
        if moved is not None:
            return QuarantinedError(f"Patient {patient_id}", self._patient_path(patient_id), moved)
        return NotFoundError(
            f"No patient {patient_id} in {self.root}.",
            "Check the id (list them with `painclinic patients`); deleted patients are kept in"
            f" {self._deleted}.",
        )

    def _visit_not_found(self, visit_id: str) -> NotFoundError:
        patient_id = _split_visit_id(visit_id)[0]
        moved = self._quarantined_copy(patient_id)
        if moved is not None:
            return QuarantinedError(f"Visit {visit_id}", self._patient_path(patient_id), moved)
        return NotFoundError(
            f"No visit {visit_id} in {self.root}.",
            "Check the id (list them with `painclinic visits`); it may have been deleted from"
            f" another terminal, and deleted visits are kept in {self._deleted}.",
        )


# ---------------------------------------------------------------- helpers


def _check_patient_id(patient_id: str) -> str:
    if not _PATIENT_ID.fullmatch(patient_id):
        raise StoreError(
            # Not echoed: an id from a record file may be an MRN or a name typed in the wrong
            # field, and errors never repeat a patient's identifiers.
            "The patient id (patient.id) cannot be stored as given.",
            "Use letters, digits, '-', '_' or '.' (at most 80, starting with a letter or digit),"
            " or leave the id empty to have one assigned.",
        )
    return patient_id


def _split_visit_id(visit_id: str) -> tuple[str, int]:
    match = _VISIT_ID.fullmatch(visit_id)
    if not match or not _PATIENT_ID.fullmatch(match["patient"]):
        raise NotFoundError(
            f"{visit_id!r} is not a visit id.",
            "Visit ids look like p-0001-v2; list them with `painclinic visits`.",
        )
    return match["patient"], int(match["n"])


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (some containers): fall back to the uid
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


def _new_patient_doc(patient_id: str) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "id": patient_id,
        "created_at": now().isoformat(),
        "visit_seq": 0,
        "patient": {"id": patient_id},
    }


def _with_patient_id(visit: Visit, patient_id: str) -> Visit:
    return visit.model_copy(update={"patient": visit.patient.model_copy(update={"id": patient_id})})


def _same_saved(live: dict[str, Any] | None, archived: dict[str, Any]) -> bool:
    """Is the live visit the very revision that was archived (same revision, same save)?"""
    return live is not None and (live.get("revision"), live.get("saved_at")) == (
        archived.get("revision"),
        archived.get("saved_at"),
    )


def _conflict(visit_id: str, stored: dict[str, Any], base: int) -> ConflictError:
    base_at = {rev: at for rev, at in stored.get("history") or []}.get(base)
    return ConflictError(
        visit_id,
        stored["revision"],
        dt.datetime.fromisoformat(stored["saved_at"]),
        base,
        dt.datetime.fromisoformat(base_at) if base_at else None,
    )


def _patient_summary(entry: dict[str, Any]) -> PatientSummary:
    last = entry.get("last_visit")
    return PatientSummary(
        id=entry["id"],
        name=entry.get("name") or "",
        age=entry.get("age"),
        sex=entry.get("sex"),
        last_visit=dt.date.fromisoformat(last) if last else None,
        visit_count=entry.get("visit_count", 0),
        checkpoints=tuple(
            (dt.date.fromisoformat(d), label, vid) for d, label, vid in entry.get("checkpoints", [])
        ),
    )


def _field_of(problem: str) -> str:
    """The field path a validation problem names ("history.pain.now: ..."), never its value."""
    where = problem.split(":", 1)[0].strip()
    return f"record.{where}" if _FIELD_PATH.fullmatch(where) else "a field"


def _visit_summary(patient_id: str, n: int, doc: dict[str, Any]) -> VisitSummary:
    record = doc.get("record") or {}
    info = record.get("visit") or {}
    return VisitSummary(
        id=f"{patient_id}-v{n}",
        patient_id=patient_id,
        date=dt.date.fromisoformat(info["date"]),
        type=info.get("type") or "initial",
        chief_complaint=(record.get("history") or {}).get("chief_complaint") or "",
        revision=doc["revision"],
        saved_at=dt.datetime.fromisoformat(doc["saved_at"]),
    )
