"""An internal-error report that holds no patient data, for the app and the command line.

A default traceback prints the exception's message, and Rich or Textual tracebacks also print
every frame's local variables: either may carry a patient's name or what was typed (reliability
review m8). This report names the exception type and the code path (file, line, function) and
nothing else: no message, no values. Headless: the caller names the libraries whose versions
and files matter (Textual for the app, Typer for the CLI).
"""

from __future__ import annotations

import platform
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import painclinic

_PACKAGE_ROOT = Path(painclinic.__file__).resolve().parent.parent


def redacted_report(error: BaseException, libraries: Sequence[ModuleType] = ()) -> str:
    versions = [f"python {platform.python_version()}", f"painclinic {painclinic.__version__}"]
    versions += [f"{lib.__name__} {getattr(lib, '__version__', '?')}" for lib in libraries]
    roots = [_PACKAGE_ROOT] + [_library_root(lib) for lib in libraries]
    lines = [
        "painclinic internal error report (no patient data: no messages, no values)",
        " · ".join(versions),
        f"error type: {type(error).__module__}.{type(error).__qualname__}",
        "where (most recent call last):",
    ]
    for frame in traceback.extract_tb(error.__traceback__):
        lines.append(f"  {_short(frame.filename, roots)}:{frame.lineno} in {frame.name}")
    cause = error.__cause__ or error.__context__
    if cause is not None:
        lines.append(f"while handling: {type(cause).__qualname__}")
    return "\n".join(lines) + "\n"


def _library_root(lib: ModuleType) -> Path:
    return Path(lib.__file__ or ".").resolve().parent.parent


def _short(filename: str, roots: Sequence[Path]) -> str:
    """The file relative to painclinic or a named library; otherwise only its name (a full
    path could name the user's folders)."""
    path = Path(filename).resolve()
    for root in roots:
        if path.is_relative_to(root):
            return str(path.relative_to(root))
    return path.name
