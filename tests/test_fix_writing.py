"""How `check --fix` writes a file: whole or not at all, never over an edit saved meanwhile, and
keeping what writing in place would keep (owner, mode, extended attributes, hard links), or
not writing at all.

Failures and edits are injected at known points (in-process, or by a process that kills
itself there) rather than raced against a timer; what only another user sees is run as
`nobody`.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import COMMAND, ROOT, run_cli
from rollout_lint import cli, fixes, safe_write

DRAFT = ROOT / "examples" / "draft-plan.md"
NOBODY = 65534


@pytest.fixture(scope="module")
def fixed_draft(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The draft plan as `--fix` writes it."""
    plan = tmp_path_factory.mktemp("fixed") / "plan.md"
    shutil.copyfile(DRAFT, plan)
    run_cli("check", "--fix", str(plan))
    assert plan.read_bytes() != DRAFT.read_bytes()
    return plan.read_bytes()


def fix_in_process(plan: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Exit code and standard error of `check --fix plan`, run in this process."""
    capsys.readouterr()
    code = cli.main(["check", "--fix", "--format", "concise", str(plan)], stdout=io.StringIO())
    return code, capsys.readouterr().err


# --- item 19: atomic, proven by a failure between writing and renaming -----------------------


def test_a_failure_before_the_rename_leaves_the_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The fixed text is written, the rename fails: the plan is the original, nothing left over.
    A write in place (truncate, then write) would already have changed the plan."""
    plan = tmp_path / "plan.md"
    shutil.copyfile(DRAFT, plan)

    def failing_replace(source: str, target: str) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", failing_replace)
    code, err = fix_in_process(plan, capsys)
    assert (code, err) == (2, f"rollout-lint: {plan}: cannot write: Input/output error\n")
    assert plan.read_bytes() == DRAFT.read_bytes()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["plan.md"]


def test_an_interrupt_before_the_rename_leaves_the_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C just before the rename: the plan is the original and the named temporary file is removed."""
    plan = tmp_path / "plan.md"
    shutil.copyfile(DRAFT, plan)

    def interrupted(source: str, target: str) -> None:
        assert Path(source).read_bytes() != DRAFT.read_bytes()  # the fixed text is written by now
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cli.main(["check", "--fix", str(plan)], stdout=io.StringIO())
    assert plan.read_bytes() == DRAFT.read_bytes()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["plan.md"]


_KILLED_WHILE_SYNCING = """
import os, signal, sys
from rollout_lint import cli
def killed(descriptor):
    os.kill(os.getpid(), signal.SIGKILL)
os.fsync = killed
sys.exit(cli.main(["check", "--fix", sys.argv[1]]))
"""


def test_a_process_killed_while_writing_leaves_the_file_whole(tmp_path: Path) -> None:
    """Killed (SIGKILL) once the fixed text is written, while it is synced to disk: the plan is
    the original, and no temporary file is left (it has no name yet)."""
    try:
        os.close(os.open(tmp_path, getattr(os, "O_TMPFILE", 0) | os.O_WRONLY, 0o600))
    except OSError:
        pytest.skip("no O_TMPFILE here: the temporary file is named from the start")
    plan = tmp_path / "plan.md"
    shutil.copyfile(DRAFT, plan)
    killed = subprocess.run([sys.executable, "-c", _KILLED_WHILE_SYNCING, str(plan)], capture_output=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed
    assert plan.read_bytes() == DRAFT.read_bytes()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["plan.md"]
