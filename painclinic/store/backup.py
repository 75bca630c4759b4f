"""Backup and restore of a store's data folder as one verified .zip (used by `Store`).

A backup copies each file under that file's lock, so it holds only completed saves even while
another terminal writes; a manifest lists every file with its sha256. A restore verifies the
whole archive before touching anything, moves the current contents aside (never deletes
them), and only then unpacks. The index is derived, so it is neither backed up nor trusted:
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
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from painclinic.store.atomic import FILE_MODE, Unparseable, fsync_dir, make_dir, write_atomic
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
    verified = _verify(src)  # raises before anything on disk changes
    root = files.root
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    staging = root / f".restore-{stamp}"
    make_dir(staging)
    for name, data in verified.items():
        target = staging / name
        make_dir(target.parent)
        write_atomic(target, data)
    replaced = root / f"replaced-{stamp}"
    make_dir(replaced)
    # The meta lock stops new patients being numbered while the folders swap. Other terminals
    # should be closed during a restore (the CLI says so); nothing is lost if they are not.
    meta = root / "meta.json"
    with files.locked(meta):
        counter = _next_patient(files, meta)
        for name in _REPLACED:
            if (root / name).exists():
                os.replace(root / name, replaced / name)
        if (staging / "audit.log").exists():
            live = root / "audit.log"
            keep = live.exists() and live.stat().st_size > 0
            os.replace(staging / "audit.log", replaced / "audit-from-backup.log" if keep else live)
        for name in os.listdir(staging):
            os.replace(staging / name, root / name)
        staging.rmdir()
        fsync_dir(root)
        if counter > _next_patient(files, meta):
            # Ids handed out after the backup stay used: they name files in `replaced` and
            # lines in the audit log, so they must not come back for different patients.
            counter_doc = {"schema": SCHEMA, "next_patient": counter}
            files.db(meta).storage.write({"counters": {"1": counter_doc}})
    for folder in ("patients", "index", "index/pending"):
        make_dir(root / folder)
    return replaced


def _next_patient(files: Files, meta: Path) -> int:
    try:
        tables = files.snapshot(meta) or {}
    except Unparseable:
        return 0
    return int((tables.get("counters", {}).get("1") or {}).get("next_patient", 0))


def _verify(src: Path) -> dict[str, bytes]:
    """Every member, checked against the manifest; any doubt raises and nothing is changed."""
    bad = "Nothing was changed. Use another backup file, or make a new backup."
    try:
        with zipfile.ZipFile(src) as zf:
            manifest = json.loads(zf.read(MANIFEST))
            if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), list):
                raise _error(f"{src} is not a painclinic backup.", bad)
            if manifest.get("schema") != ARCHIVE_SCHEMA:
                raise _error(
                    f"{src} has backup format {manifest.get('schema')!r}, which this version"
                    " cannot read.",
                    "Upgrade painclinic, then restore again. Nothing was changed.",
                )
            listed = {f.get("path"): f.get("sha256") for f in manifest["files"]}
            present = set(zf.namelist()) - {MANIFEST}
            if present != set(listed) or len(listed) != len(manifest["files"]):
                raise _error(f"{src}: the files do not match its manifest.", bad)
            out: dict[str, bytes] = {}
            for name, digest in listed.items():
                if not _safe(name):
                    raise _error(f"{src}: unexpected entry {name!r}.", bad)
                data = zf.read(name)
                if hashlib.sha256(data).hexdigest() != digest:
                    raise _error(f"{src}: {name} does not match its checksum.", bad)
                out[name] = data
            return out
    except FileNotFoundError:
        raise _error(f"{src} does not exist.", "Check the path. Nothing was changed.") from None
    except (zipfile.BadZipFile, KeyError, ValueError, AttributeError, OSError) as exc:
        raise _error(
            f"{src} is not a readable painclinic backup ({type(exc).__name__}).", bad
        ) from None


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
