"""Crash-safe files for the store: atomic replace, owner-only modes, a TinyDB storage.

TinyDB rewrites the whole file on every write, is not atomic and has no locking
(STYLE.md, "TinyDB facts"). Everything here exists so that a `kill -9` at any moment
leaves each file either as it was or as the last completed save, never half-written:

- `write_atomic` writes a temporary file in the same folder, fsyncs it, `os.replace`s it
  over the target and fsyncs the folder (so the rename itself survives a power cut);
- a write that fails part-way (a full disk, a file-size limit) removes its own temporary or
  new file before the error goes up, so no partial copy of patient data is left behind;
- `AtomicJSONStorage` is a TinyDB storage built on it; inside `batch()` it buffers every
  TinyDB write and commits them as ONE atomic replace, so a logical save (a visit plus its
  patient's counters) is never half-applied, and an exception inside the batch writes nothing.

Callers must hold the file's cross-process lock (`lock_for`) around a read-modify-write.
This module knows nothing about patients; `painclinic.store` gives the files their meaning.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from filelock import FileLock
from tinydb.storages import Storage

DIR_MODE = 0o700
FILE_MODE = 0o600
_POSIX = os.name == "posix"
_fsync = True  # switched off only inside `deferred_fsync()`

Tables = dict[str, dict[str, Any]]


class Unparseable(Exception):
    """A file exists but is not a TinyDB JSON document (torn by a foreign writer, edited...)."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def temp_path(path: Path) -> Path:
    """The one temporary name used for `path`.

    Fixed rather than random: writes to `path` only happen under its lock, so a single name
    cannot collide, and a temp file left by a killed writer is simply truncated by the next
    write instead of piling up. It starts with a dot and ends in `.tmp`, so no `*.json`
    listing ever mistakes it for data.
    """
    return path.with_name(f".{path.name}.tmp")


def make_dir(path: Path) -> None:
    """Create `path` owner-only (0700) if missing.

    Only `path` itself is tightened: missing parents (say ~/.local/share) get the platform's
    default, as other programs share them. Callers create each level of ours explicitly.
    An existing folder is left alone: the user chose it, and it may be their home.
    """
    if path.is_dir():
        return
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if _POSIX:
        os.chmod(path, DIR_MODE)  # mkdir's mode is filtered by the umask


def tighten_dir(path: Path) -> int | None:
    """Make an existing data folder owner-only (0700); its old mode when it was wider.

    Unlike `make_dir`, for the data folder itself, which holds nothing but patient data: a
    0755 or 0777 one (made by hand, or by an older version) would let others list it. Only a
    folder that is ours and is a data folder (empty, or holding a store) is changed:
    `--data-dir /tmp` or a home folder must never become 0700 (`--data-dir ""` is the
    current folder, and tightening it once made /tmp unusable for everyone else).
    Raises PermissionError for a folder it will not change, so the caller warns instead.
    """
    if not _POSIX:
        return None
    info = os.stat(path)
    mode = stat.S_IMODE(info.st_mode)
    if not mode & 0o077:
        return None
    ours = info.st_uid == os.geteuid() and not mode & stat.S_ISVTX
    if not ours or not is_data_folder(path):
        raise PermissionError(errno.EPERM, "not a painclinic data folder of this user", str(path))
    os.chmod(path, mode & DIR_MODE)
    return mode


def is_data_folder(path: Path) -> bool:
    """Empty, or holding a store: what a painclinic data folder can be."""
    with os.scandir(path) as entries:
        names = {entry.name for entry in entries}
    return not names or "patients" in names or "audit.log" in names


@contextlib.contextmanager
def deferred_fsync() -> Iterator[None]:
    """For bulk loads in THIS process (benchmark setup, demo data): skip the per-write fsyncs
    and flush everything once at the end. Writes stay atomic and survive a killed process
    (the OS still has them); only a power cut during the load can lose part of it, and the
    load can then be run again. Never use it for a physician's own saves."""
    global _fsync
    _fsync = False
    try:
        yield
    finally:
        _fsync = True
        if hasattr(os, "sync"):
            os.sync()


def fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable. Windows cannot open folders, and does not need to."""
    if not _POSIX or not _fsync:
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so readers and crashes see the old or the new file only."""
    tmp = temp_path(path)
    with _about(path):
        # fchmod: a leftover temp file or a lax umask must not widen it
        _write_private(tmp, data, os.O_TRUNC, tighten=_POSIX)
        _replace_or_discard(tmp, path)


@contextlib.contextmanager
def _about(path: Path) -> Iterator[None]:
    """Name `path` in a failed write's OSError (os.write names no file; a temp name would
    mean nothing to the user), so the message says which file could not be saved."""
    try:
        yield
    except OSError as exc:
        exc.filename = str(path)
        raise


def replace_private(path: Path, data: bytes, before: Callable[[], None] | None = None) -> None:
    """Replace an existing regular file the user named (`export --force`) atomically with
    `data`, owner-only; FileExistsError, nothing written, if `path` is a symbolic link or
    anything but a regular file (a note is never written through a link).

    `before()` runs once `data` is safely staged and just before the replace (the export's
    audit line): if it raises, nothing is replaced. Unlike `write_atomic` the temporary name
    is unique, as such a file has no lock of ours.
    """
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            raise FileExistsError(errno.EEXIST, "not a regular file; refused", str(path))
    except FileNotFoundError:
        pass  # gone meanwhile: the replace below simply creates it
    with _about(path):
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        tmp = Path(name)  # mkstemp creates it 0600 and O_EXCL, so it is ours alone
        try:
            _write_fd(fd, data)
        except BaseException:
            _discard(tmp)
            raise
    try:
        if before is not None:
            before()
    except BaseException:
        _discard(tmp)
        raise
    with _about(path):
        _replace_or_discard(tmp, path)


def _replace_or_discard(tmp: Path, path: Path) -> None:
    try:
        os.replace(tmp, path)
    except BaseException:
        _discard(tmp)
        raise
    fsync_dir(path.parent)


def _discard(path: Path) -> None:
    """Remove a file this process created and could not finish (it may hold patient data)."""
    with contextlib.suppress(OSError):
        os.unlink(path)


def write_new_private(path: Path, data: bytes) -> None:
    """Create `path` owner-only with `data`; FileExistsError if anything is already there.

    For exports: a note holds patient data, so it is never written over an existing file
    (nor through a symbolic link), and is synced before the caller reports it written.
    """
    with _about(path):
        _write_private(path, data, os.O_EXCL, tighten=False)


def _write_private(path: Path, data: bytes, mode_flag: int, *, tighten: bool) -> None:
    """Write `data` to `path` opened owner-only (never through a symbolic link), synced."""
    flags = os.O_WRONLY | os.O_CREAT | mode_flag | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags | getattr(os, "O_BINARY", 0), FILE_MODE)
    # From here the file is ours (O_EXCL, or our temp name under its lock): if the write
    # fails, it goes, rather than stay half-written with patient data in it.
    try:
        _write_fd(fd, data, tighten=tighten)
    except BaseException:
        _discard(path)
        raise


def _write_fd(fd: int, data: bytes, *, tighten: bool = False) -> None:
    """Write all of `data` to `fd`, sync it, and close it (also on failure)."""
    try:
        if tighten:
            os.fchmod(fd, FILE_MODE)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if _fsync:
            os.fsync(fd)
    finally:
        os.close(fd)


def move_aside(path: Path, dest: Path) -> Path:
    """Move `path` to `dest`, adding `.1`, `.2`, ... rather than overwrite anything there."""
    make_dir(dest.parent)
    candidate, n = dest, 0
    while candidate.exists():
        n += 1
        candidate = dest.with_name(f"{dest.name}.{n}")
    os.replace(path, candidate)
    fsync_dir(candidate.parent)
    fsync_dir(path.parent)
    return candidate


def lock_for(path: Path, timeout: float) -> FileLock:
    """The cross-process lock guarding `path` (an owner-only `<path>.lock` beside it).

    flock-based on POSIX: the OS drops it when its holder dies, so a killed writer never
    leaves a stale lock behind.
    """
    return FileLock(f"{path}.lock", timeout=timeout, mode=FILE_MODE)


def read_tables(path: Path) -> Tables | None:
    """Parse a TinyDB JSON file: None when it does not exist, `Unparseable` when broken."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    if not raw.strip():
        # Our writes never leave an empty file (fsync before rename), so an empty one is damage.
        raise Unparseable(path, "the file is empty")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise Unparseable(path, "the file is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        # Only the position: the message never quotes the file's content (patient data).
        raise Unparseable(
            path, f"not valid JSON at line {exc.lineno}, column {exc.colno}"
        ) from None
    if not isinstance(data, dict) or not all(
        isinstance(t, dict) and all(isinstance(d, dict) for d in t.values()) for t in data.values()
    ):
        raise Unparseable(path, "not a TinyDB document file (expected tables of documents)")
    return data


def dump_tables(tables: Tables) -> bytes:
    # Compact on purpose: with `indent` the json module falls back to its pure-Python encoder,
    # which made a new-visit save at 10,000 patients twice as slow. To read or repair a file,
    # `python -m json.tool FILE` pretty-prints it.
    return json.dumps(tables, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class AtomicJSONStorage(Storage):
    """TinyDB storage with atomic, fsynced, owner-only writes and migrate-on-read.

    `migrate` upgrades the tables as read from disk (older document schemas), so TinyDB
    and every later write only ever see the current schema.
    """

    def __init__(self, path: str | Path, migrate: Callable[[Tables], Tables] | None = None):
        self.path = Path(path)
        self._migrate = migrate
        self._batching = False
        self._data: Tables | None = None
        self._loaded = False
        self._dirty = False

    def read(self) -> Tables | None:
        # Outside a batch, always go to disk: there is no cache to go stale.
        if self._batching and self._loaded:
            return self._data
        data = read_tables(self.path)
        if data is not None and self._migrate is not None:
            data = self._migrate(data)
        if self._batching:
            self._data, self._loaded = data, True
        return data

    def write(self, data: Tables) -> None:
        if self._batching:
            self._data, self._loaded, self._dirty = data, True, True
        else:
            write_atomic(self.path, dump_tables(data))

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Buffer writes; commit them as one atomic replace on success, drop them on error."""
        self._batching, self._loaded, self._dirty, self._data = True, False, False, None
        try:
            yield
            if self._dirty and self._data is not None:
                write_atomic(self.path, dump_tables(self._data))
        finally:
            self._batching, self._loaded, self._dirty, self._data = False, False, False, None

    def close(self) -> None:
        pass
