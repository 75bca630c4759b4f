"""The store's errors, document schema, and locked / quarantining access to its files.

Shared by `painclinic.store` (patients and visits), `painclinic.shards` (the index) and
`painclinic.archive` (backup, restore). Every message names ids and paths only, never names
or clinical text, and ends with what to do (`StoreError.hint`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

from filelock import Timeout
from tinydb import TinyDB

from painclinic.atomic import (
    AtomicJSONStorage,
    Tables,
    Unparseable,
    lock_for,
    move_aside,
    read_tables,
)

SCHEMA = 1


# ---------------------------------------------------------------- errors


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
            f"{path} could not be read ({reason}); it was moved to {quarantined_to}.",
            "The rest of the store is unaffected. Restore it from a backup (painclinic restore),"
            " or repair the moved file and put it back.",
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


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def stamp() -> str:
    """A UTC timestamp for file names: sortable, no colons (Windows), microseconds."""
    return now().strftime("%Y%m%dT%H%M%S%fZ")


# ---------------------------------------------------------------- schema migrations


def _from_v0(doc: dict[str, Any]) -> dict[str, Any]:
    """Schema 0, the pre-release layout: no `schema` key; a visit kept its record under `data`
    and its revision under `rev`; a patient document kept the patient under `data`."""
    out = {k: v for k, v in doc.items() if k not in ("data", "rev")}
    if "rev" in doc:
        out["revision"] = doc["rev"]
        out["record"] = doc.get("data", {})
    elif "data" in doc:
        out["patient"] = doc["data"]
    out["schema"] = 1
    return out


# MIGRATIONS[n] turns a schema-n document into a schema-(n+1) one. Documents are upgraded as
# they are read, so the next save writes them in the current schema.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _from_v0}


def migrate(path: Path, tables: Tables) -> Tables:
    for table in tables.values():
        for key, doc in table.items():
            version = doc.get("schema", 0)
            if version == SCHEMA:
                continue
            if not isinstance(version, int) or version > SCHEMA:
                # Not corruption: never quarantine a file a newer painclinic can read.
                raise StoreError(
                    f"{path} was written by a newer painclinic (document schema {version};"
                    f" this version reads up to {SCHEMA}). Nothing was changed.",
                    "Upgrade painclinic on this computer before opening this data folder.",
                )
            while version < SCHEMA:
                doc = MIGRATIONS[version](doc)
                version = doc["schema"]
            table[key] = doc
    return tables


# ---------------------------------------------------------------- file access


class Files:
    """Locks, snapshots, TinyDB handles and quarantine for the files under one data folder."""

    def __init__(self, root: Path, lock_timeout: float) -> None:
        self.root = root
        self.lock_timeout = lock_timeout
        self.quarantine_dir = root / "quarantine"

    def db(self, path: Path) -> TinyDB:
        """A TinyDB handle; wrap read-modify-writes in `db.storage.batch()` under `locked`."""
        return TinyDB(path, storage=AtomicJSONStorage, migrate=functools.partial(migrate, path))

    def snapshot(self, path: Path) -> Tables | None:
        """One consistent lock-free read: atomic replaces mean it is the old or the new file.
        None when missing; raises `Unparseable` when broken."""
        tables = read_tables(path)
        return migrate(path, tables) if tables is not None else None

    def checked_snapshot(
        self, path: Path, on_corrupt: Callable[[Unparseable], Tables | None]
    ) -> Tables | None:
        """A lock-free `snapshot`; a parse failure is re-checked under the file's lock (a
        writer may have been mid-replace on a non-POSIX rename) before `on_corrupt` decides."""
        try:
            return self.snapshot(path)
        except Unparseable:
            with self.locked(path):
                try:
                    return self.snapshot(path)
                except Unparseable as exc:
                    return on_corrupt(exc)

    @contextlib.contextmanager
    def locked(self, path: Path) -> Iterator[None]:
        lock = lock_for(path, self.lock_timeout)
        try:
            lock.acquire()
        except Timeout:
            raise LockedError(path, self.lock_timeout) from None
        try:
            yield
        finally:
            lock.release()

    def quarantine(self, path: Path, exc: Unparseable) -> CorruptFileError:
        """Move an unparseable file aside (caller holds its lock) and describe what happened."""
        moved = move_aside(path, self.quarantine_dir / f"{path.name}.{stamp()}")
        return CorruptFileError(path, moved, exc.reason)

    @contextlib.contextmanager
    def transaction(
        self, path: Path, on_corrupt: Callable[[Unparseable], Tables], *, held: bool = False
    ) -> Iterator[TinyDB]:
        """Lock `path` (unless the caller already `held` it: a second lock on the same file
        from the same process would wait for itself), parse it, and yield a TinyDB whose
        writes commit as ONE atomic replace when the block ends; nothing is written if the
        block raises.

        A broken file goes to `on_corrupt` before any change: it raises (the caller must know),
        or it quarantines the file and returns the contents to start again from.
        """
        with contextlib.nullcontext() if held else self.locked(path):
            db = self.db(path)
            storage = cast(AtomicJSONStorage, db.storage)
            with storage.batch():
                try:
                    storage.read()
                except Unparseable as exc:
                    storage.write(on_corrupt(exc))
                yield db
