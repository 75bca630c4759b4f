"""Backup and restore of a store's data folder as one verified .zip (used by `Store`).

A backup copies each file under that file's lock, so it holds only completed saves even while
another terminal writes; a manifest lists every file with its size and sha256. A restore
unpacks into a staging folder, streaming each member and never past its declared size (caps
against zip bombs), verifies everything there (checksums; patient files usable), and only then
moves the current contents aside (never deleting them) and the staged ones into place. That
swap is journaled, so a crash in the middle is finished when the store is next opened
(`finish_interrupted_restores`). The index is derived, so it is neither backed up nor trusted:
the store rebuilds it after a restore.

The live audit.log is never replaced: it keeps recording across restores. The archived log is
restored only into a folder that has none; otherwise it is kept beside the replaced contents.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from filelock import Timeout

from painclinic.store.atomic import (
    FILE_MODE,
    Unparseable,
    fsync_dir,
    lock_for,
    make_dir,
    move_aside,
    read_tables,
    write_atomic,
)
from painclinic.store.errors import StoreError
from painclinic.store.files import Files
from painclinic.store.schema import SCHEMA

FORMAT = "painclinic-backup"
ARCHIVE_SCHEMA = 1
MANIFEST = "manifest.json"
# Backed up and restored. Left out: exports/ (copies already handed out), ui-state.json
# (this terminal's remembered tab) and the derived index.
_FOLDERS = ("patients", "attempts", "deleted", "quarantine")
_FILES = ("meta.json", "audit.log")
_REPLACED = (*_FOLDERS, "index", "meta.json")  # moved aside by a restore
STAGING_PREFIX = ".restore-"
SWAP_JOURNAL = ".restore-swap-started"  # in replaced-*/: the first half of the swap is done
# Caps checked before anything is unpacked (a zip bomb inflates a small archive to gigabytes):
# far above any real store (a patient file with thousands of visits is a few MB).
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_TOTAL_BYTES = 16 * 1024 * 1024 * 1024
CHUNK = 1024 * 1024


def _members(files: Files) -> Iterator[tuple[str, Path, bool]]:
    """(name in the archive, file, whether a writer may change it: then read it under its lock)."""
    root = files.root
    for name in _FILES:
        if (root / name).is_file():
            yield name, root / name, True
    for folder in _FOLDERS:
        if not (root / folder).is_dir():
            continue
        for name in sorted(os.listdir(root / folder)):
            # Skip lock files and the dot-named temporary files of unfinished writes.
            if name.startswith(".") or name.endswith(".lock"):
                continue
            path = root / folder / name
            if path.is_file() and not path.is_symlink():
                yield f"{folder}/{name}", path, folder != "quarantine"


def write_backup(files: Files, dest: Path) -> Path:
    created = dt.datetime.now(dt.UTC)
    if dest.is_dir():
        dest = dest / f"painclinic-backup-{created.strftime('%Y%m%dT%H%M%SZ')}.zip"
    if dest.exists():
        raise _error(
            f"{dest} already exists; the backup was not written.",
            "Choose a new file name, or move the old backup away first.",
        )
    if not dest.parent.is_dir():
        raise _error(f"Folder {dest.parent} does not exist.", "Create it, or choose another.")
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    listed: list[dict[str, Any]] = []
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
                for name, path, locked in _members(files):
                    data = _read_consistent(files, path, locked)
                    if data is None:
                        continue  # deleted since the listing
                    _add(zf, name, data, created)
                    listed.append(
                        {
                            "path": name,
                            "size": len(data),
                            "sha256": hashlib.sha256(data).hexdigest(),
                        }
                    )
                manifest = {
                    "format": FORMAT,
                    "schema": ARCHIVE_SCHEMA,
                    "created_at": created.isoformat(),
                    "files": listed,
                }
                _add(zf, MANIFEST, json.dumps(manifest, indent=1).encode(), created)
            fh.flush()
            os.fsync(fh.fileno())
        _publish(tmp, dest)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return dest


def _read_consistent(files: Files, path: Path, locked: bool) -> bytes | None:
    with files.locked(path) if locked else contextlib.nullcontext():
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None


def _add(zf: zipfile.ZipFile, name: str, data: bytes, when: dt.datetime) -> None:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100000 | FILE_MODE) << 16  # unzip tools recreate it owner-only
    zf.writestr(info, data)


def _publish(tmp: Path, dest: Path) -> None:
    """Give the finished archive its name without ever replacing an existing file."""
    exists = _error(f"{dest} already exists; the backup was not written.", "Choose a new name.")
    try:
        os.link(tmp, dest)  # fails if dest appeared meanwhile
    except FileExistsError:
        raise exists from None
    except OSError:  # a filesystem without hard links (some network or FAT drives)
        if dest.exists():
            raise exists from None
        os.replace(tmp, dest)
    fsync_dir(dest.parent)


def restore_backup(files: Files, src: Path) -> Path:
    """Replace the store's contents with the backup `src`; returns where the old ones went.

    The backup is unpacked into a staging folder and verified there (sizes, checksums,
    patient files usable), so a bad archive changes nothing. The swap that follows is
    journaled: a crash at any point of it leaves a state `finish_interrupted_restores`
    completes the next time the store is opened, so the store never looks empty.
    """
    root = files.root
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    staging = root / f"{STAGING_PREFIX}{stamp}"
    # The meta lock, held throughout, stops new patients being numbered while the folders swap
    # and tells an opening store that this staging folder is in use, not abandoned. Other
    # terminals should be closed during a restore (the CLI says so); nothing is lost if not.
    with files.locked(root / "meta.json"):
        try:
            _unpack_verified(files, src, staging)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        replaced = root / f"replaced-{stamp}"
        make_dir(replaced)  # from here on, a crash is finished on the next opening
        _swap(files, staging, replaced)
    return replaced


def finish_interrupted_restores(files: Files) -> list[str]:
    """Complete (or, before its swap began, drop) any restore a crash interrupted; returns
    one sentence per repair, for the user. Called when a store opens."""
    root = files.root
    done: list[str] = []
    for staging in sorted(root.glob(f"{STAGING_PREFIX}*")):
        if not staging.is_dir():
            continue
        lock = lock_for(root / "meta.json", 0)
        try:
            lock.acquire()
        except Timeout:
            continue  # a restore is running right now in another process
        try:
            if not staging.is_dir():
                continue  # finished by another process meanwhile
            replaced = root / f"replaced-{staging.name.removeprefix(STAGING_PREFIX)}"
            if replaced.is_dir():
                _swap(files, staging, replaced)
                done.append(
                    "A restore that was interrupted has been finished: the backup's records are"
                    f" in place, and the contents it replaced are in {replaced}."
                )
            else:
                shutil.rmtree(staging)
                done.append(
                    "An interrupted restore had left a partial copy of a backup in"
                    f" {staging}; it was removed. Nothing else had changed."
                )
        finally:
            lock.release()
    return done


def _swap(files: Files, staging: Path, replaced: Path) -> None:
    """Move the current contents into `replaced`, then the staged ones into place. Safe to
    run again after a crash at any step: the journal file in `replaced` records that the
    first half is done (and the patient counter to keep)."""
    root = files.root
    meta = root / "meta.json"
    journal = replaced / SWAP_JOURNAL
    if not journal.exists():
        counter = max(_next_patient(files, meta), _next_patient(files, replaced / "meta.json"))
        for name in _REPLACED:
            if (root / name).exists():
                move_aside(root / name, replaced / name)
        write_atomic(journal, str(counter).encode())
    counter = int(journal.read_text(encoding="utf-8") or 0)
    if (staging / "audit.log").exists():
        live = root / "audit.log"
        keep = live.exists() and live.stat().st_size > 0
        os.replace(staging / "audit.log", replaced / "audit-from-backup.log" if keep else live)
    for name in sorted(os.listdir(staging)):
        target = root / name
        if target.is_dir() and not any(target.iterdir()):
            target.rmdir()  # recreated empty by something that opened the folder meanwhile
        elif target.exists():
            move_aside(target, replaced / name)  # written after the crash: kept, never lost
        os.replace(staging / name, target)
    staging.rmdir()
    fsync_dir(root)
    journal.unlink()
    if counter > _next_patient(files, meta):
        # Ids handed out after the backup stay used: they name files in `replaced` and
        # lines in the audit log, so they must not come back for different patients.
        counter_doc = {"schema": SCHEMA, "next_patient": counter}
        files.db(meta).storage.write({"counters": {"1": counter_doc}})
    for folder in ("patients", "index", "index/pending"):
        make_dir(root / folder)


def _next_patient(files: Files, meta: Path) -> int:
    try:
        tables = files.snapshot(meta) or {}
        return int((tables.get("counters", {}).get("1") or {}).get("next_patient", 0))
    except (Unparseable, ValueError, TypeError, AttributeError):
        return 0


def _unpack_verified(files: Files, src: Path, staging: Path) -> None:
    """Unpack `src` into `staging`, checking every member against the manifest (listed once,
    declared size within the caps and equal to the zip's, sha256) and every patient file for
    usable contents; any doubt raises, and the caller removes `staging`."""
    bad = "Nothing was changed. Use another backup file, or make a new backup."
    try:
        with zipfile.ZipFile(src) as zf:
            manifest = json.loads(_read_capped(zf, MANIFEST, MAX_MANIFEST_BYTES))
            if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), list):
                raise _error(f"{src} is not a painclinic backup.", bad)
            if manifest.get("schema") != ARCHIVE_SCHEMA:
                raise _error(
                    f"{src} has backup format {manifest.get('schema')!r}, which this version"
                    " cannot read.",
                    "Upgrade painclinic, then restore again. Nothing was changed.",
                )
            listed = {f.get("path"): f for f in manifest["files"]}
            names = zf.namelist()
            present = set(names) - {MANIFEST}
            if (
                present != set(listed)
                or len(listed) != len(manifest["files"])
                or len(names) != len(set(names))
            ):
                raise _error(f"{src}: the files do not match its manifest.", bad)
            for name in listed:
                if not isinstance(name, str) or not _safe(name):
                    raise _error(f"{src}: unexpected entry {name!r}.", bad)
            sizes = {name: _declared_size(zf, name, entry) for name, entry in listed.items()}
            if any(size is None for size in sizes.values()):
                raise _error(
                    f"{src}: a file's size is missing, does not match the archive, or is over"
                    f" {MAX_MEMBER_BYTES} bytes.",
                    bad,
                )
            total = sum(size or 0 for size in sizes.values())
            if total > MAX_TOTAL_BYTES:
                raise _error(f"{src} would unpack to over {MAX_TOTAL_BYTES} bytes.", bad)
            make_dir(staging)
            if shutil.disk_usage(staging).free < total:
                raise _error(
                    f"{src} needs {total} bytes and the data folder's disk has less free.",
                    "Free some space, then restore again. Nothing was changed.",
                )
            for name, entry in listed.items():
                target = staging / name
                make_dir(target.parent)
                digest = _unpack_member(zf, name, sizes[name] or 0, target)
                if digest != entry.get("sha256"):
                    raise _error(f"{src}: {name} does not match its checksum.", bad)
                if name.startswith("patients/"):
                    _check_patient_member(files, src, name, target, bad)
            for folder in {target.parent for target in staging.rglob("*")}:
                fsync_dir(folder)
    except StoreError:
        raise
    except FileNotFoundError:
        raise _error(f"{src} does not exist.", "Check the path. Nothing was changed.") from None
    except (zipfile.BadZipFile, KeyError, ValueError, AttributeError, OSError, TypeError) as exc:
        raise _error(
            f"{src} is not a readable painclinic backup ({type(exc).__name__}).", bad
        ) from None


def _declared_size(zf: zipfile.ZipFile, name: str, entry: dict[str, Any]) -> int | None:
    """The member's size, if the manifest and the zip agree on it and it is within the cap."""
    size = entry.get("size")
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_MEMBER_BYTES:
        return None
    return size if zf.getinfo(name).file_size == size else None


def _read_capped(zf: zipfile.ZipFile, name: str, cap: int) -> bytes:
    """A member's bytes, refusing (ValueError) to read more than `cap` of them, whatever the
    zip claims: a small archive can inflate to gigabytes."""
    if zf.getinfo(name).file_size > cap:
        raise ValueError(f"{name} is over {cap} bytes")
    with zf.open(name) as fh:
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise ValueError(f"{name} is over {cap} bytes")
    return data


def _unpack_member(zf: zipfile.ZipFile, name: str, size: int, target: Path) -> str:
    """Stream one member into `target` (owner-only, new), never past its declared size;
    returns its sha256."""
    digest = hashlib.sha256()
    written = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as out, zf.open(name) as fh:
        while chunk := fh.read(min(CHUNK, size - written + 1)):
            written += len(chunk)
            if written > size:
                raise ValueError(f"{name} is larger than its manifest says")
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    if written != size:
        raise ValueError(f"{name} is smaller than its manifest says")
    return digest.hexdigest()


def _check_patient_member(files: Files, src: Path, name: str, staged: Path, bad: str) -> None:
    """A patient file that would be quarantined as soon as it is read is refused up front."""
    as_restored = files.root / name
    try:
        tables = read_tables(staged)
        if tables is not None:
            files.read(as_restored, tables)
    except Unparseable as exc:
        raise _error(f"{src}: {name} is not a usable patient file ({exc.reason}).", bad) from None


def _safe(name: str) -> bool:
    """Only the entries a backup writes: no absolute paths, `..`, dot files or other folders."""
    parts = PurePosixPath(name).parts
    if "\\" in name or not parts or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        return False
    if len(parts) == 1:
        return parts[0] in _FILES
    return len(parts) == 2 and parts[0] in _FOLDERS


def _error(what: str, hint: str) -> StoreError:
    return StoreError(what, hint)
