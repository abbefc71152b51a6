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


# --- item 3: an edit saved while --fix runs is kept -----------------------------------------


def _append(plan: Path) -> None:
    with plan.open("ab") as stream:
        stream.write(b"EDIT\n")


def _save_as_editors_do(plan: Path) -> None:
    """Write a new file and rename it over the plan, as most editors save."""
    saved = plan.with_name("saved.tmp")
    saved.write_bytes(plan.read_bytes() + b"EDIT\n")
    os.replace(saved, plan)


def _delete(plan: Path) -> None:
    plan.unlink()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_append, "not written: it changed while rollout-lint ran; run again"),
        (_save_as_editors_do, "not written: it changed while rollout-lint ran; run again"),
        (_delete, "not written: it was deleted while rollout-lint ran"),
    ],
    ids=["appended", "saved-by-rename", "deleted"],
)
def test_an_edit_saved_while_the_fix_is_planned_is_kept(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    edit: Callable[[Path], None],
    message: str,
) -> None:
    """The plan is edited after it was read, before the fix is written: nothing is written."""
    plan = tmp_path / "plan.md"
    shutil.copyfile(DRAFT, plan)
    planned = fixes.fix_source

    def edited_meanwhile(*args: object, **kwargs: object) -> fixes.FixResult:
        result = planned(*args, **kwargs)  # type: ignore[arg-type]
        edit(plan)
        return result

    monkeypatch.setattr(fixes, "fix_source", edited_meanwhile)
    code, err = fix_in_process(plan, capsys)
    assert (code, err) == (2, f"rollout-lint: {plan}: {message}\n")
    if edit is _delete:
        assert sorted(tmp_path.iterdir()) == []  # not recreated
    else:
        assert plan.read_bytes() == DRAFT.read_bytes() + b"EDIT\n"
        assert sorted(path.name for path in tmp_path.iterdir()) == ["plan.md"]


def _chmod(plan: Path) -> None:
    os.chmod(plan, 0o600)


def _replace_with_the_same_text(plan: Path) -> None:
    saved = plan.with_name("saved.tmp")
    shutil.copyfile(plan, saved)
    os.replace(saved, plan)


@pytest.mark.parametrize(
    "edit",
    [_append, _save_as_editors_do, _replace_with_the_same_text, _chmod, _delete],
    ids=["appended", "saved-by-rename", "replaced-unchanged", "chmod", "deleted"],
)
def test_a_change_in_the_last_moment_before_the_rename_is_seen(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    edit: Callable[[Path], None],
) -> None:
    """Changed while the fixed file was being written beside it: the same inode with another
    change time, or another inode (even with the same text) is not what was checked."""
    plan = tmp_path / "plan.md"
    shutil.copyfile(DRAFT, plan)
    os.chmod(plan, 0o644)
    write_temporary = safe_write._write_temporary

    def edited_meanwhile(*args: object, **kwargs: object) -> str:
        temporary = write_temporary(*args, **kwargs)  # type: ignore[arg-type]
        edit(plan)
        return temporary

    monkeypatch.setattr(safe_write, "_write_temporary", edited_meanwhile)
    before = DRAFT.read_bytes() + (b"EDIT\n" if edit in (_append, _save_as_editors_do) else b"")
    code, err = fix_in_process(plan, capsys)
    why = "it was deleted while rollout-lint ran" if edit is _delete else "it changed while rollout-lint ran; run again"
    assert (code, err) == (2, f"rollout-lint: {plan}: not written: {why}\n")
    assert sorted(path.name for path in tmp_path.iterdir()) == ([] if edit is _delete else ["plan.md"])
    if edit is not _delete:
        assert plan.read_bytes() == before
        assert plan.stat().st_mode & 0o777 == (0o600 if edit is _chmod else 0o644)


def test_an_unchanged_file_is_still_fixed(tmp_path: Path, fixed_draft: bytes) -> None:
    """The check compares with what was read: a file touched but not changed is fixed."""
    plan = tmp_path / "plan.md"
    shutil.copyfile(DRAFT, plan)
    result = run_cli("check", "--fix", str(plan))
    assert result.code == 1 and result.err == "rollout-lint: fixed 3 findings in 1 file\n", result
    assert plan.read_bytes() == fixed_draft


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
