"""What differs on macOS (README, "Platforms"), run here by taking away what only Linux has:
Python's extended-attribute calls, O_TMPFILE and /proc, `sched_getaffinity`. Each missing API
must make rollout-lint do what the README says, never fail with an AttributeError."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from rollout_lint import cli
from rollout_lint.cli import parallel
from rollout_lint.reporters import files as report_files

DRAFT = ROOT / "examples" / "draft-plan.md"
LINUX_ONLY_WRITE_APIS = ("listxattr", "getxattr", "setxattr", "removexattr", "O_TMPFILE")


@pytest.fixture
def without_linux_write_apis(monkeypatch: pytest.MonkeyPatch) -> None:
    """The `os` of Python on macOS, as far as writing a file goes."""
    for name in LINUX_ONLY_WRITE_APIS:
        monkeypatch.delattr(os, name, raising=False)


def test_a_fix_is_written_whole_without_the_linux_apis(
    tmp_path: Path, without_linux_write_apis: None, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = tmp_path / "expected.md"
    shutil.copyfile(DRAFT, expected)
    assert cli.main(["check", "--fix", "--format", "concise", str(expected)], stdout=io.StringIO()) == 1
    folder = tmp_path / "plans"
    folder.mkdir()
    plan = folder / "plan.md"
    shutil.copyfile(DRAFT, plan)
    os.chmod(plan, 0o640)
    capsys.readouterr()
    code = cli.main(["check", "--fix", "--format", "concise", str(plan)], stdout=io.StringIO())
    assert (code, capsys.readouterr().err) == (1, "rollout-lint: fixed 3 findings in 1 file\n")
    assert plan.read_bytes() == expected.read_bytes() != DRAFT.read_bytes()
    assert plan.stat().st_mode & 0o7777 == 0o640
    assert [path.name for path in folder.iterdir()] == ["plan.md"]  # the named temporary file is gone


def test_a_report_file_is_replaced_without_the_linux_apis(tmp_path: Path, without_linux_write_apis: None) -> None:
    report = tmp_path / "report.json"
    report.write_text("an old report\n")
    code = cli.main(["check", "--format", "concise", "--report", f"json:{report}", str(DRAFT)], stdout=io.StringIO())
    assert code == 1
    assert json.loads(report.read_text("utf-8"))["summary"]["files"] == 1


def test_new_overwrites_a_plan_without_the_linux_apis(tmp_path: Path, without_linux_write_apis: None) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text("mine\n")
    assert cli.main(["new", "--model", "Orion 3", "-o", str(plan), "--force"], stdout=io.StringIO()) == 0
    assert plan.read_text("utf-8").startswith("<!-- Title suggestion: Orion 3 Rollout Plan -->")


def test_a_report_to_dev_stdout_is_written_into_on_macos(monkeypatch: pytest.MonkeyPatch) -> None:
    """On macOS /dev/stdout links to fd/1 in /dev/fd, a file system of its own rather than a link
    into /proc: a report there goes into the open file (`>> log`), never replaces it."""
    links = {"/dev/stdout": "fd/1"}

    def readlink(path: str) -> str:
        if path in links:
            return links[path]
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(os, "readlink", readlink)
    monkeypatch.setattr(os.path, "realpath", lambda path: path)
    assert report_files._leads_to_a_descriptor("/dev/stdout")
    assert report_files._leads_to_a_descriptor("/dev/fd/1")
    assert not report_files._leads_to_a_descriptor("/dev/null")


def test_without_sched_getaffinity_every_core_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "sched_getaffinity")
    monkeypatch.setattr(os, "cpu_count", lambda: 5)
    assert parallel.available_cores() == 5
    assert parallel.worker_count(0, 100 * parallel.MIN_FILES_PER_WORKER) == 5


def test_without_fork_every_file_is_checked_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for copy in range(40):
        shutil.copyfile(DRAFT, tmp_path / f"plan-{copy:02}.md")
    serial = io.StringIO()
    assert cli.main(["check", "--format", "concise", "-j", "1", str(tmp_path)], stdout=serial) == 1
    monkeypatch.delattr(os, "fork")
    assert parallel.worker_count(2, 40) == 1
    without_fork = io.StringIO()
    assert cli.main(["check", "--format", "concise", "-j", "2", str(tmp_path)], stdout=without_fork) == 1
    assert without_fork.getvalue() == serial.getvalue()
