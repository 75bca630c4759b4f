"""What the app leaves behind when it stops on an internal error: a short message and a
redacted report, never Textual's traceback with local variables.

Textual's default prints every frame's locals to the terminal, where a grid's rows, a
patient's name or a typed complaint would sit in the scrollback (reliability review m8). The
report names the exception type and the code path (file, line, function) and nothing else:
not the exception's message and no values, because either may carry what was typed. What
was being typed is already in the visit's draft journal, so reopening restores it.
"""

from __future__ import annotations

import platform
import traceback
from pathlib import Path

import textual

import painclinic

_PACKAGE_ROOT = Path(painclinic.__file__).resolve().parent.parent


def redacted_report(error: BaseException) -> str:
    lines = [
        "painclinic internal error report (no patient data: no messages, no values)",
        f"python {platform.python_version()} · textual {textual.__version__}",
        f"error type: {type(error).__module__}.{type(error).__qualname__}",
        "where (most recent call last):",
    ]
    for frame in traceback.extract_tb(error.__traceback__):
        lines.append(f"  {_short(frame.filename)}:{frame.lineno} in {frame.name}")
    cause = error.__cause__ or error.__context__
    if cause is not None:
        lines.append(f"while handling: {type(cause).__qualname__}")
    return "\n".join(lines) + "\n"


def _short(filename: str) -> str:
    path = Path(filename).resolve()
    for root in (_PACKAGE_ROOT, Path(textual.__file__).resolve().parent.parent):
        if path.is_relative_to(root):
            return str(path.relative_to(root))
    return path.name


def crash_message(report: Path | None) -> str:
    where = f"A report without patient data is in {report}." if report else ""
    return (
        "painclinic stopped after an internal error. Everything saved is safe, and what was "
        f"being typed is kept: it comes back when you reopen the visit. {where}"
    ).strip()
