"""Writing exports: notes and feedback hold patient data, so they are owner-readable only and
never written over an existing file (FileExistsError instead)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from painclinic.atomic import FILE_MODE, make_dir


def write_new_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def export_path(root: Path, stem: str, suffix: str) -> Path:
    """A timestamped file in the data folder's exports/ (created owner-only)."""
    folder = root / "exports"
    make_dir(folder)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    return folder / f"{stem}-{stamp}{suffix}"
