#!/usr/bin/env python3
"""Bootstrap a local virtual environment and run a project task.

Needs only Python 3.11+ and pip, so the README's quick start works on a fresh machine:

    python3 dev.py app     # open painclinic on a ready demo database (.demo-data/)
    python3 dev.py test    # ruff, import contracts, mypy, then the full test suite
    python3 dev.py bench   # benchmarks (printed figures, never asserted)
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"


def _project_hash() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_venv() -> None:
    """Create .venv and install the project with its test extras, once per pyproject change."""
    if not PY.exists():
        print("Creating .venv ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == _project_hash():
        return
    print("Installing painclinic and its test tools into .venv ...", file=sys.stderr)
    subprocess.run([PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([PY, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]"], check=True)
    STAMP.write_text(_project_hash())


def run(*args: str | Path) -> int:
    return subprocess.run([str(a) for a in args], cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    task = argv[0] if argv else "help"
    rest = argv[1:]
    if task in {"help", "-h", "--help"}:
        print(__doc__)
        return 0
    ensure_venv()
    if task == "app":
        demo = ROOT / ".demo-data"
        code = run(BIN / "painclinic", "--data-dir", demo, "demo")
        return code or run(BIN / "painclinic", "--data-dir", demo, *rest)
    if task == "test":
        checks = (
            (PY, "-m", "ruff", "check", "."),
            (BIN / "lint-imports",),  # the layering contracts in pyproject.toml
            (PY, "-m", "mypy"),  # [tool.mypy] in pyproject.toml names the package
        )
        for check in checks:
            code = run(*check)
            if code:
                return code
        # every core: the app tests drive whole visits by keys and dominate the run's time
        spread = [] if any(a.startswith(("-n", "--numprocesses")) for a in rest) else ["-n", "auto"]
        return run(PY, "-m", "pytest", *spread, *rest)
    if task == "bench":
        code = 0
        for script in sorted((ROOT / "bench").glob("*.py")):
            code |= run(PY, script, *rest)
        return code
    if task == "shell":
        return run(PY, *rest)
    print(f"unknown task {task!r}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
