"""What the app leaves behind when it stops on an internal error: a short message and a
redacted report, never Textual's traceback with local variables.

Textual's default prints every frame's locals to the terminal, where a grid's rows, a
patient's name or a typed complaint would sit in the scrollback (reliability review m8). The
report (`painclinic.crashreport`, shared with the command line) names the exception type and
the code path and nothing else. What was being typed is already in the visit's draft journal,
so reopening restores it.
"""

from __future__ import annotations

from pathlib import Path

import textual

from painclinic import crashreport


def redacted_report(error: BaseException) -> str:
    return crashreport.redacted_report(error, [textual])


def crash_message(report: Path | None) -> str:
    where = f"A report without patient data is in {report}." if report else ""
    return (
        "painclinic stopped after an internal error. Everything saved is safe, and what was "
        f"being typed is kept: it comes back when you reopen the visit. {where}"
    ).strip()
