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

from conftest import COMMAND, ROOT, run_main
from rollout_lint import cli, safe_write
from rollout_lint.fix import fixer as fixes

DRAFT = ROOT / "examples" / "draft-plan.md"
NOBODY = 65534


@pytest.fixture(scope="module")
def fixed_draft(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The draft plan as `--fix` writes it."""
    plan = tmp_path_factory.mktemp("fixed") / "plan.md"
    shutil.copyfile(DRAFT, plan)
    run_main("check", "--fix", str(plan))
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
    fill = safe_write._fill

    def edited_meanwhile(*args: object, **kwargs: object) -> None:
        fill(*args, **kwargs)  # type: ignore[arg-type]
        edit(plan)  # the fixed text is written beside it, not yet named or moved into place

    monkeypatch.setattr(safe_write, "_fill", edited_meanwhile)
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
    result = run_main("check", "--fix", str(plan))
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


# --- item 4: what the fixed file keeps -------------------------------------------------------


def test_root_fixes_a_read_only_file_and_it_stays_read_only(tmp_path: Path, fixed_draft: bytes) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can write a read-only file in place")
    plan = tmp_path / "plan.md"
    shutil.copyfile(DRAFT, plan)
    os.chmod(plan, 0o444)
    result = run_main("check", "--fix", str(plan))
    assert result.err == "rollout-lint: fixed 3 findings in 1 file\n", result
    assert plan.read_bytes() == fixed_draft and plan.stat().st_mode & 0o7777 == 0o444


def test_the_fixed_file_keeps_its_owner_group_and_mode(tmp_path: Path, fixed_draft: bytes) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another user")
    plan = tmp_path / "plan.md"
    shutil.copyfile(DRAFT, plan)
    os.chown(plan, NOBODY, NOBODY)
    os.chmod(plan, 0o2640)  # setgid: a chown by root clears it, so the mode is set last
    result = run_main("check", "--fix", str(plan))
    assert result.err == "rollout-lint: fixed 3 findings in 1 file\n", result
    after = plan.stat()
    assert plan.read_bytes() == fixed_draft
    assert (after.st_uid, after.st_gid, after.st_mode & 0o7777) == (NOBODY, NOBODY, 0o2640)


def _user_xattrs_work(path: Path) -> bool:
    try:
        os.setxattr(path, "user.probe", b"1")
    except OSError:
        return False
    os.removexattr(path, "user.probe")
    return True


def _acl(*entries: tuple[int, int, int]) -> bytes:
    """A POSIX ACL as Linux stores it in `system.posix_acl_*`: version 2, then (tag, perm, id)."""
    return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *entry) for entry in entries)


_ANY = 0xFFFFFFFF
# user::rw-, user:nobody:rw-, group::r--, mask::rw-, other::r--
_NOBODY_MAY_WRITE = _acl((0x01, 6, _ANY), (0x02, 6, NOBODY), (0x04, 4, _ANY), (0x10, 6, _ANY), (0x20, 4, _ANY))


def test_the_fixed_file_keeps_its_extended_attributes_and_acl(tmp_path: Path, fixed_draft: bytes) -> None:
    plan = tmp_path / "plan.md"
    shutil.copyfile(DRAFT, plan)
    if not _user_xattrs_work(plan):
        pytest.skip("this filesystem refuses user extended attributes")
    os.setxattr(plan, "user.x", b"1")
    try:
        os.setxattr(plan, "system.posix_acl_access", _NOBODY_MAY_WRITE)
    except OSError:
        acl = False  # a filesystem without POSIX ACLs: the user attribute alone
    else:
        acl = True
    result = run_main("check", "--fix", str(plan))
    assert result.err == "rollout-lint: fixed 3 findings in 1 file\n", result
    assert plan.read_bytes() == fixed_draft
    assert os.getxattr(plan, "user.x") == b"1"
    if acl:
        assert os.getxattr(plan, "system.posix_acl_access") == _NOBODY_MAY_WRITE
        assert plan.stat().st_mode & 0o777 == 0o664  # the ACL's mask is the group bits


def test_the_fixed_file_gets_no_attribute_the_original_lacked(tmp_path: Path, fixed_draft: bytes) -> None:
    """A folder's default ACL goes to files created in it, so to the temporary file: not kept."""
    folder = tmp_path / "acl"
    folder.mkdir()
    try:
        os.setxattr(folder, "system.posix_acl_default", _NOBODY_MAY_WRITE)
    except OSError:
        pytest.skip("this filesystem has no POSIX ACLs")
    plan = folder / "plan.md"
    plan.write_bytes(DRAFT.read_bytes())  # inherits the default ACL: remove it
    os.removexattr(plan, "system.posix_acl_access")
    os.chmod(plan, 0o644)
    result = run_main("check", "--fix", str(plan))
    assert result.err == "rollout-lint: fixed 3 findings in 1 file\n", result
    assert plan.read_bytes() == fixed_draft
    assert "system.posix_acl_access" not in os.listxattr(plan)
    assert plan.stat().st_mode & 0o777 == 0o644


def test_a_file_with_hard_links_is_not_fixed(tmp_path: Path) -> None:
    """Replacing it would break the links; writing it in place would not be atomic."""
    plan = tmp_path / "plan.md"
    shutil.copyfile(DRAFT, plan)
    other = tmp_path / "linked.md"
    os.link(plan, other)
    result = run_main("check", "--fix", "--format", "concise", str(plan))
    assert result.code == 2, result
    assert result.err == (
        f"rollout-lint: {plan}: cannot write: it has 2 hard links, which replacing it would break\n"
    )
    assert plan.read_bytes() == DRAFT.read_bytes() and os.path.samefile(plan, other)
    assert "RL101" in result.out  # the findings are reported as they are
    assert sorted(path.name for path in tmp_path.iterdir()) == ["linked.md", "plan.md"]


# --- item 4, as another user -----------------------------------------------------------------


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder `nobody` may enter (pytest's own are root's alone), removed afterwards."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("runs the command as nobody: needs root and setpriv")
    folder = Path(tempfile.mkdtemp(prefix="rollout-lint-nobody-"))
    os.chmod(folder, 0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def run_as_nobody(*args: str) -> subprocess.CompletedProcess[str]:
    command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", COMMAND, *args]
    environment = {**os.environ, "NO_COLOR": "1", "HOME": "/"}
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120)


def _plan_in(folder: Path, owner: int, mode: int, folder_mode: int) -> Path:
    plan = folder / "plan.md"
    shutil.copyfile(DRAFT, plan)
    os.chown(plan, owner, owner)
    os.chmod(plan, mode)
    os.chmod(folder, folder_mode)
    return plan


@pytest.mark.parametrize(
    ("owner", "mode", "folder_mode", "why"),
    [
        (NOBODY, 0o444, 0o1777, "permission denied"),  # one's own read-only file
        (0, 0o644, 0o777, "permission denied"),  # another's file in a folder anyone may write
        (0, 0o666, 0o777, "it is owned by uid 0, gid 0, which a file written by this user cannot keep"),
        (NOBODY, 0o644, 0o755, "cannot create a temporary file beside it: Permission denied"),
    ],
    ids=["own-read-only", "another-users", "another-users-writable", "folder-not-writable"],
)
def test_a_file_this_user_could_not_write_in_place_is_not_fixed(
    shared_folder: Path, owner: int, mode: int, folder_mode: int, why: str
) -> None:
    """Not fixed, one line, exit 2; the file is as it was, and nothing is left beside it."""
    plan = _plan_in(shared_folder, owner, mode, folder_mode)
    result = run_as_nobody("check", "--fix", "--format", "concise", str(plan))
    assert (result.returncode, result.stderr) == (2, f"rollout-lint: {plan}: cannot write: {why}\n"), result
    after = plan.stat()
    assert plan.read_bytes() == DRAFT.read_bytes()
    assert (after.st_uid, after.st_mode & 0o7777) == (owner, mode)
    assert sorted(path.name for path in shared_folder.iterdir()) == ["plan.md"]


def test_nobody_fixes_a_file_it_owns_and_may_write(shared_folder: Path, fixed_draft: bytes) -> None:
    plan = _plan_in(shared_folder, NOBODY, 0o640, 0o777)
    result = run_as_nobody("check", "--fix", str(plan))
    assert result.stderr == "rollout-lint: fixed 3 findings in 1 file\n", result
    assert plan.read_bytes() == fixed_draft and plan.stat().st_mode & 0o7777 == 0o640


def test_a_file_whose_attribute_this_user_cannot_set_is_not_fixed(shared_folder: Path) -> None:
    """Only root may set `security.*` attributes: nobody's fixed file could not keep one."""
    plan = _plan_in(shared_folder, NOBODY, 0o644, 0o777)
    try:
        os.setxattr(plan, "security.rollout_lint_test", b"1")
    except OSError:
        pytest.skip("this filesystem refuses arbitrary security attributes")
    result = run_as_nobody("check", "--fix", "--format", "concise", str(plan))
    why = "its extended attribute security.rollout_lint_test cannot be kept: Operation not permitted"
    assert (result.returncode, result.stderr) == (2, f"rollout-lint: {plan}: cannot write: {why}\n"), result
    assert plan.read_bytes() == DRAFT.read_bytes()
    assert sorted(path.name for path in shared_folder.iterdir()) == ["plan.md"]
