"""Every command fails cleanly (reliability review M1, M7, M8, m9, m10; ecosystem review 6).

One table: a command line, the exit code (0 ok, 1 could not be done, 2 usage), a phrase the
message must hold, and that neither a traceback nor the patient's name or complaint appears.

Faults of the machine are real where a process can have them cheaply and simulated otherwise:
- a file-size cap is real: a subprocess under `RLIMIT_FSIZE` (what `ulimit -f` sets);
- a full disk is simulated in-process: `os.write` writes half and raises ENOSPC;
- a read-only data folder is simulated in-process: `os.open`, `os.mkdir` and `os.replace`
  raise EROFS for anything under the data folder opened for writing. CI runs as root, which
  chmod does not stop, and a read-only bind mount needs privileges CI may not have.
"""

from __future__ import annotations

import errno
import hashlib
import os
import resource
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from painclinic import __version__
from painclinic.cli import app, main

CASE = Path(__file__).resolve().parent / "cases" / "fibromyalgia.yaml"
NAME = "Zebulon Quarterfield"
COMPLAINT = "aching all over since the flood at Quarterfield farm"
VISIT = "tc-10-v1"
runner = CliRunner()


def _visit_file(folder: Path) -> Path:
    """The case with a planted name and complaint, which no message may echo."""
    text = CASE.read_text(encoding="utf-8")
    text = text.replace("name: Test case 10", f"name: {NAME}")
    text = text.replace(
        "chief_complaint: Two years of aching all over", f"chief_complaint: {COMPLAINT}. Two"
    )
    path = folder / "visit.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("seed")
    data = root / "data"
    result = runner.invoke(app, ["--data-dir", str(data), "import", str(_visit_file(root))])
    assert result.exit_code == 0, result.output
    return data


@dataclass
class World:
    """One row's temporary folder: a copy of the seeded store and files to point at."""

    tmp: Path
    data: Path
    visit_file: Path
    names: dict[str, str] = field(default_factory=dict)

    def fill(self, arg: str) -> str:
        return arg.format(tmp=self.tmp, data=self.data, file=self.visit_file, **self.names)

    def patient_file(self) -> Path:
        return self.data / "patients" / "tc-10.json"

    def leftovers(self) -> list[Path]:
        """Temporary files, which would hold patient data, anywhere we wrote."""
        return [p for p in self.tmp.rglob("*") if p.name.endswith(".tmp")]


@dataclass
class Row:
    id: str
    args: list[str]
    code: int
    phrase: str
    setup: Callable[[World], None] | None = None
    fault: str | None = None  # "rofs" or "enospc", simulated in-process
    check: Callable[[World, bytes], None] | None = None  # given the patient file as it was


def _file(name: str, text: str = "mine\n") -> Callable[[World], None]:
    def make(w: World) -> None:
        (w.tmp / name).write_text(text)

    return make


def _link(w: World) -> None:
    (w.tmp / "target.md").write_text("mine\n")
    (w.tmp / "link.md").symlink_to(w.tmp / "target.md")


def _unchanged(name: str, text: str = "mine\n") -> Callable[[World, bytes], None]:
    def check(w: World, _: bytes) -> None:
        assert (w.tmp / name).read_text() == text

    return check


def _absent(name: str) -> Callable[[World, bytes], None]:
    def check(w: World, _: bytes) -> None:
        assert not (w.tmp / name).exists() and not (w.tmp / name).is_symlink()

    return check


def _intact(w: World, before: bytes) -> None:
    """The old patient file byte-identical, and no temporary copy of it left."""
    assert w.patient_file().read_bytes() == before
    assert w.leftovers() == []


def _notes_exist(w: World) -> None:
    (w.tmp / "notes").mkdir()
    (w.tmp / "notes" / f"{VISIT}.md").write_text("old\n")


def _loose(w: World) -> None:
    os.chmod(w.data, 0o755)


def _tightened(w: World, _: bytes) -> None:
    assert stat.S_IMODE(w.data.stat().st_mode) == 0o700


def _shared_folder(w: World) -> None:
    """A folder like /tmp: others' files in it, sticky and world-writable."""
    (w.tmp / "shared").mkdir()
    (w.tmp / "shared" / "someone-elses.txt").write_text("x\n")
    os.chmod(w.tmp / "shared", 0o1777)


def _left_as_it_was(w: World, _: bytes) -> None:
    assert stat.S_IMODE((w.tmp / "shared").stat().st_mode) == 0o1777


def _no_audit_of_export(w: World, _: bytes) -> None:
    assert '"export"' not in (w.data / "audit.log").read_text()
    assert not (w.tmp / "note.md").exists()


A_FILE = _file("a-file")
CMDS_ON_A_DATA_FOLDER = [
    ["patients"],
    ["visits"],
    ["checkpoints"],
    ["show", VISIT],
    ["import", "{file}"],
    ["demo"],
    ["export", VISIT],
    ["backup", "{tmp}/b.zip"],
    ["restore", "{tmp}/b.zip"],
    ["undelete-visit", "--list"],
    ["practice", "progress"],
    [],  # the app itself
]

ROWS = [
    # inputs that are missing, folders, unreadable
    Row("import-missing", ["import", "{tmp}/nothere.yaml"], 1, "cannot read the file"),
    Row("import-a-folder", ["import", "{tmp}"], 1, "cannot read the file"),
    Row("assess-a-folder", ["assess", "{tmp}"], 1, "cannot read the file"),
    Row("restore-missing", ["restore", "{tmp}/nothere.zip"], 1, "does not exist"),
    Row("score-missing", ["practice", "score", "{case}", "{tmp}/no.yaml"], 1, "cannot read"),
    Row("score-a-folder", ["practice", "score", "{case}", "{tmp}"], 1, "cannot read"),
    Row(
        "score-not-text",
        ["practice", "score", "{case}", "{tmp}/bin.yaml"],
        1,
        "not UTF-8 text",
        setup=lambda w: (w.tmp / "bin.yaml").write_bytes(b"\xff\xfe\x00\x93 not text"),
    ),
    Row("show-unknown", ["show", "tc-10-v9"], 1, "No visit tc-10-v9"),
    Row("unknown-case", ["practice", "score", "no-such-case", "{file}"], 1, "no teaching case"),
    # --out: a missing folder, an existing file, a symbolic link, a file for --all
    Row(
        "out-missing-folder",
        ["export", VISIT, "--out", "{tmp}/missing/x.md"],
        1,
        "no such file or folder",
        check=_absent("missing"),
    ),
    Row(
        "out-exists",
        ["export", VISIT, "--out", "{tmp}/old.md"],
        1,
        "--force",
        setup=_file("old.md"),
        check=_unchanged("old.md"),
    ),
    Row(
        "out-exists-force",
        ["export", VISIT, "--out", "{tmp}/old.md", "--force"],
        0,
        "Wrote",
        setup=_file("old.md"),
    ),
    Row(
        "out-link",
        ["export", VISIT, "--out", "{tmp}/link.md"],
        1,
        "symbolic link",
        setup=_link,
        check=_unchanged("target.md"),
    ),
    Row(
        "out-link-force",
        ["export", VISIT, "--out", "{tmp}/link.md", "--force"],
        1,
        "symbolic link",
        setup=_link,
        check=_unchanged("target.md"),
    ),
    Row("out-a-folder", ["export", VISIT, "--out", "{tmp}"], 1, "is a folder"),
    Row(
        "all-out-a-file",
        ["export", "--all", "--out", "{tmp}/a-file"],
        1,
        "is not a folder",
        setup=A_FILE,
        check=_unchanged("a-file"),
    ),
    Row(
        "all-skipped-is-not-success",
        ["export", "--all", "--out", "{tmp}/notes"],
        1,
        "1 notes were not written (use --force",
        setup=_notes_exist,
        check=_unchanged(f"notes/{VISIT}.md", "old\n"),
    ),
    Row(
        "all-force-replaces",
        ["export", "--all", "--out", "{tmp}/notes", "--force"],
        0,
        "Wrote 1 md notes",
        setup=_notes_exist,
    ),
    # a data folder that is a file, or lies under one: every command
    *[
        Row(
            f"data-dir-file-{'-'.join(cmd[:1]) or 'app'}",
            ["--data-dir", "{tmp}/a-file", *cmd],
            1,
            "is a file, not a folder",
            setup=A_FILE,
        )
        for cmd in CMDS_ON_A_DATA_FOLDER
    ],
    *[
        Row(
            f"data-dir-under-file-{'-'.join(cmd[:1]) or 'app'}",
            ["--data-dir", "{tmp}/a-file/sub", *cmd],
            1,
            "is a file, not a folder",
            setup=A_FILE,
        )
        for cmd in (["patients"], ["import", "{file}"], ["demo"], [])
    ],
    # a missing data folder: listings say nothing is there and create nothing
    Row("listing-missing-data-dir", ["--data-dir", "{tmp}/none", "patients"], 0, ""),
    Row("visits-missing-data-dir", ["--data-dir", "{tmp}/none", "visits", "--json"], 0, "[]"),
    Row("show-missing-data-dir", ["--data-dir", "{tmp}/none", "show", VISIT], 1, "no data folder"),
    # bad dates and spans: usage errors
    Row(
        "since-bad-month",
        ["export", "--all", "--since", "2026-13-45", "--out", "{tmp}/n"],
        2,
        "'--since'",
    ),
    Row(
        "since-word",
        ["export", "--all", "--since", "yesterday", "--out", "{tmp}/n"],
        2,
        "YYYY-MM-DD",
    ),
    Row("today-bad-month", ["checkpoints", "--today", "2026-13-45"], 2, "'--today'"),
    Row("today-word", ["checkpoints", "--today", "yesterday"], 2, "YYYY-MM-DD"),
    Row("span-huge", ["checkpoints", "--due-within", "99999999999999999999d"], 2, "100"),
    Row("span-large", ["checkpoints", "--due-within", "3000000d"], 2, "'--due-within'"),
    Row("span-word", ["checkpoints", "--due-within", "soon"], 2, "7d"),
    Row(
        "span-at-calendar-end",
        ["checkpoints", "--today", "9999-12-31", "--due-within", "7d"],
        0,
        "",
    ),
    Row("export-neither", ["export"], 2, "give one VISIT"),
    Row("all-without-out", ["export", "--all"], 2, "--out FOLDER"),
    Row("undelete-nothing", ["undelete-visit"], 2, "--list"),
    Row("bad-format", ["export", VISIT, "--format", "docx"], 2, "docx"),
    Row("version", ["--version"], 0, f"painclinic {__version__}"),
    # a data folder readable by others is tightened, with a note
    Row("loose-data-dir", ["patients"], 0, "owner-only", setup=_loose, check=_tightened),
    # ... but never a folder that is not a data folder (`--data-dir /tmp` once made /tmp 0700)
    Row(
        "shared-folder-as-data-dir",
        ["--data-dir", "{tmp}/shared", "patients"],
        0,
        "could not be made owner-only",
        setup=_shared_folder,
        check=_left_as_it_was,
    ),
    Row("empty-data-dir", ["--data-dir", "", "patients"], 2, "needs a folder"),
    # a read-only data folder
    Row("rofs-import", ["import", "{file}"], 1, "read-only", fault="rofs", check=_intact),
    Row(
        "rofs-export-file",
        ["export", VISIT, "--out", "{tmp}/note.md"],
        1,
        "nothing was exported",
        fault="rofs",
        check=_no_audit_of_export,
    ),
    Row("rofs-export-stdout", ["export", VISIT], 1, "nothing was exported", fault="rofs"),
    Row("rofs-export-all", ["export", "--all", "--out", "{tmp}/n"], 1, "read-only", fault="rofs"),
    Row("rofs-backup", ["backup", "{tmp}/b.zip"], 1, "read-only", fault="rofs"),
    Row("rofs-listing-works", ["patients"], 0, "tc-10", fault="rofs"),
    # a full disk
    Row("enospc-import", ["import", "{file}"], 1, "disk is full", fault="enospc", check=_intact),
    Row(
        "enospc-export",
        ["export", VISIT, "--out", "{tmp}/note.md"],
        1,
        "disk is full",
        fault="enospc",
        check=_absent("note.md"),
    ),
    Row(
        "enospc-export-force",
        ["export", VISIT, "--out", "{tmp}/old.md", "--force"],
        1,
        "disk is full",
        setup=_file("old.md"),
        fault="enospc",
        check=_unchanged("old.md"),
    ),
]


def _read_only(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    """Writes under `root` fail as on a read-only mount; reads still work."""
    real_open, real_mkdir, real_replace = os.open, os.mkdir, os.replace
    writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def inside(path: object) -> bool:
        return isinstance(path, str | Path) and Path(os.path.abspath(path)).is_relative_to(root)

    def refuse(path: object) -> OSError:
        return OSError(errno.EROFS, "Read-only file system", str(path))

    def fake_open(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if flags & writing and inside(path):
            raise refuse(path)
        return real_open(path, flags, *args, **kwargs)

    def fake_mkdir(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if inside(path):
            raise refuse(path)
        return real_mkdir(path, *args, **kwargs)

    def fake_replace(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        if inside(dst):
            raise refuse(dst)
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "mkdir", fake_mkdir)
    monkeypatch.setattr(os, "replace", fake_replace)


def _full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write stops half-way with ENOSPC, leaving a partial file as a real one would."""
    real_write = os.write

    def fake_write(fd: int, data: bytes) -> int:
        real_write(fd, bytes(data[: max(1, len(data) // 2)]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", fake_write)


def _assert_clean(output: str) -> None:
    assert "Traceback" not in output and 'File "' not in output
    assert NAME not in output and "Quarterfield" not in output and COMPLAINT not in output


@pytest.fixture
def world(tmp_path: Path, seeded: Path) -> World:
    from painclinic.practice import load_cases

    data = tmp_path / "data"
    shutil.copytree(seeded, data)
    return World(tmp_path, data, _visit_file(tmp_path), names={"case": load_cases()[0].id})


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_every_command_fails_cleanly(
    row: Row, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    if row.setup:
        row.setup(world)
    before = world.patient_file().read_bytes()
    args = [world.fill(a) for a in row.args]
    if not args or args[0] != "--data-dir":
        args = ["--data-dir", str(world.data), *args]
    monkeypatch.delenv("PAINCLINIC_DATA", raising=False)
    with monkeypatch.context() as faults:
        if row.fault == "rofs":
            _read_only(faults, world.data)
        elif row.fault == "enospc":
            _full_disk(faults)
        result = runner.invoke(app, args)
    output = result.stdout + result.stderr
    # an exception CliRunner caught would print nothing, and pass the checks below vacuously
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code == row.code, output
    assert row.phrase in " ".join(output.replace("│", " ").split()), output
    # stdout of a command that worked is its data (a listing shows names); every message is
    # checked, and so is all output of a command that failed
    _assert_clean(result.stderr if row.code == 0 else output)
    if row.check:
        row.check(world, before)
    if row.id.endswith("missing-data-dir"):
        assert not (world.tmp / "none").exists()


def test_a_file_size_cap_leaves_the_old_file_and_no_temp_file(world: World) -> None:
    """`ulimit -f` for real: the import's rewrite of the patient file is larger than allowed."""
    before = world.patient_file().read_bytes()
    cap = len(before) + 512  # the old file fits, the file with a second visit does not

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (cap, cap))

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "painclinic",
            "--data-dir",
            str(world.data),
            "import",
            str(world.visit_file),
        ],
        preexec_fn=limit,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "ulimit -f" in output and "tc-10.json" in output
    _assert_clean(output)
    assert (
        hashlib.sha256(world.patient_file().read_bytes()).digest()
        == hashlib.sha256(before).digest()
    )
    assert world.leftovers() == []


def test_an_internal_error_is_one_line_and_a_redacted_report(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import painclinic.store.records as records

    def broken(self: object, search: str | None = None) -> list[object]:
        patient_name = NAME  # a local that Rich's traceback would print
        raise RuntimeError(f"could not list {patient_name}")

    monkeypatch.setattr(records.Store, "patients", broken)
    with pytest.raises(SystemExit) as stopped:
        main(["--data-dir", str(world.data), "patients"])
    assert stopped.value.code == 1
    printed = capsys.readouterr()
    output = printed.out + printed.err
    _assert_clean(output)
    assert "internal error (RuntimeError)" in output and len(output.strip().splitlines()) == 1
    (report,) = (world.data / "crash-reports").iterdir()
    assert str(report) in output
    text = report.read_text(encoding="utf-8")
    assert "RuntimeError" in text and "broken" in text
    assert NAME not in text and "could not list" not in text
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
