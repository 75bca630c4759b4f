"""Locked, migrating, checking and quarantining access to the files under one data folder.

Shared by `records` (patients and visits), `index` (the patient index) and `backup`. Every read
of a patient file or an index shard is checked for the fields the store relies on
(`painclinic.store.contents`), so a file of the right format but the wrong contents fails the
same way as a torn one, before any caller trusts it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

from filelock import Timeout
from tinydb import TinyDB

from painclinic.store.atomic import (
    AtomicJSONStorage,
    Tables,
    Unparseable,
    lock_for,
    move_aside,
    read_tables,
)
from painclinic.store.contents import check_patient_tables, check_shard_tables
from painclinic.store.errors import CorruptFileError, LockedError
from painclinic.store.schema import migrate

Check = Callable[[Path, Tables], Tables]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def stamp() -> str:
    """A UTC timestamp for file names: sortable, no colons (Windows), microseconds."""
    return now().strftime("%Y%m%dT%H%M%S%fZ")


class Files:
    """Locks, snapshots, TinyDB handles and quarantine for the files under one data folder."""

    def __init__(self, root: Path, lock_timeout: float) -> None:
        self.root = root
        self.lock_timeout = lock_timeout
        self.quarantine_dir = root / "quarantine"
        self._checks: dict[Path, Check] = {
            root / "patients": check_patient_tables,
            root / "index": check_shard_tables,
        }

    def db(self, path: Path) -> TinyDB:
        """A TinyDB handle; wrap read-modify-writes in `db.storage.batch()` under `locked`."""
        return TinyDB(path, storage=AtomicJSONStorage, migrate=functools.partial(self.read, path))

    def read(self, path: Path, tables: Tables) -> Tables:
        """Freshly parsed tables, migrated to the current schema and checked for what the
        store relies on; raises `Unparseable` when a patient file or shard is unusable."""
        tables = migrate(path, tables)
        check = self._checks.get(path.parent)
        return check(path, tables) if check is not None else tables

    def check(self, path: Path, tables: Tables) -> None:
        """Raise `Unparseable` if `tables` (about to be written to `path`) would be unusable."""
        check = self._checks.get(path.parent)
        if check is not None:
            check(path, tables)

    def snapshot(self, path: Path) -> Tables | None:
        """One consistent lock-free read: atomic replaces mean it is the old or the new file.
        None when missing; raises `Unparseable` when broken or unusable."""
        tables = read_tables(path)
        return self.read(path, tables) if tables is not None else None

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
