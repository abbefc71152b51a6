"""Replacing a file whole: a reader, or a crash, sees the old file or the new one, never half.

The new bytes go to a temporary file in the target's directory (`os.replace` is atomic only
within one filesystem), are fsynced, and then replace the target. A symbolic link is written
through: its target is replaced, and the link stays a link.

Where Linux allows it the temporary file is first an anonymous `O_TMPFILE` inode that gets a
name only just before `os.replace`: a process killed while writing leaves nothing behind.

The replacement keeps what writing in place would keep (owner, group, mode, extended
attributes, which hold ACLs and security labels), or the file is not written: a file this user
could not write in place, or whose owner or attributes it could not give the replacement, is
left alone; so is a file with hard links, which a replacement would cut off and an in-place
write would leave half written if interrupted.

Linux and macOS (README, "Platforms"). On macOS the temporary file is named from the start
(a process killed while writing leaves it behind), and extended attributes and ACLs are not
kept: Python has no API for them there (`os.listxattr` and its kin are Linux's only).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable

_SUFFIX = ".rollout-lint.tmp"
_CHANGED = "not written: it changed while rollout-lint ran; run again"
_DELETED = "not written: it was deleted while rollout-lint ran"


class WriteError(Exception):
    """The file could not be written (one line: the path and the reason)."""


class _Refused(Exception):
    """Why the file is not written; `write_atomically` adds the path."""


def write_atomically(path: str, data: bytes, *, expected: bytes | None = None) -> None:
    """Replace the file at `path` (or, for a link, the file it points to) by `data`.

    `expected`: the bytes the file held when it was read. The file is then written only if it
    still holds them and was not replaced, changed or deleted since: an edit saved meanwhile
    is never overwritten, and a deleted file is not recreated.
    """
    try:
        _replace(os.path.realpath(path), data, expected)
    except _Refused as refusal:
        raise WriteError(f"{path}: {refusal}") from None
    except OSError as error:
        raise WriteError(f"{path}: cannot write: {error.strerror or error}") from None


def _replace(target: str, data: bytes, expected: bytes | None) -> None:
    directory, name = os.path.split(target)
    old = _current_file(target) if expected is None else _unchanged_file(target, expected)
    if old is not None:
        _check_replaceable(target, old)

    def still_unchanged() -> None:
        if old is not None and expected is not None:
            _check_still(target, old)

    # The window that remains is the one between the last `lstat` of `still_unchanged` and the
    # rename: an edit saved in those microseconds is replaced. POSIX has no rename that happens
    # only if the target is unchanged, and a lock binds only the programs that take it.
    temporary = _write_temporary(directory, name, data, target, old, still_unchanged)
    try:
        os.replace(temporary, target)
    except BaseException:  # an interrupt too: never leave the named temporary file behind
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise
    _sync_directory(directory)


def _current_file(target: str) -> os.stat_result | None:
    try:
        return os.stat(target)
    except FileNotFoundError:
        return None


def _unchanged_file(target: str, expected: bytes) -> os.stat_result:
    """The status of the file at `target`, which must hold exactly `expected`."""
    try:
        # O_NONBLOCK: a FIFO put in the file's place must not block the run.
        descriptor = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        raise _Refused(_DELETED) from None
    except OSError as error:
        if error.errno == errno.ELOOP:  # a symbolic link put in its place
            raise _Refused(_CHANGED) from None
        raise
    try:
        status = os.fstat(descriptor)
        # One byte more than expected tells a longer file; the status taken before reading
        # makes any later write show in `_check_still`.
        if not stat.S_ISREG(status.st_mode) or _read_at_most(descriptor, len(expected) + 1) != expected:
            raise _Refused(_CHANGED)
    finally:
        os.close(descriptor)
    return status


def _read_at_most(descriptor: int, size: int) -> bytes:
    chunks = []
    while size > 0:
        chunk = os.read(descriptor, size)
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _check_still(target: str, old: os.stat_result) -> None:
    """The file at `target` is still the inode `old` describes, not written or changed since.

    A write, chmod, chown, new link or attribute change sets the change time; a file saved
    by renaming (as editors do) is another inode. (The change time has the kernel's clock
    tick as its grain: a write of the same size in the tick of the change before our look
    would pass. The bytes themselves were compared when the file was opened.)
    """
    try:
        now = os.lstat(target)
    except FileNotFoundError:
        raise _Refused(_DELETED) from None
    if _identity(now) != _identity(old):
        raise _Refused(_CHANGED)


def _identity(status: os.stat_result) -> tuple[int, ...]:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def _check_replaceable(target: str, old: os.stat_result) -> None:
    """Refuse what an in-place write could not do, or what replacing would break."""
    if not os.access(target, os.W_OK):
        raise _Refused("cannot write: permission denied")
    if old.st_nlink > 1:
        raise _Refused(f"cannot write: it has {old.st_nlink} hard links, which replacing it would break")


def _write_temporary(
    directory: str, name: str, data: bytes, target: str, old: os.stat_result | None, before_naming: Callable[[], None]
) -> str:
    """A fsynced file with `data` in `directory`, named last; its path. `before_naming` runs
    just before it gets its name (where it can, or else just after): a process killed between
    the naming and the rename leaves the named file behind, so that window holds nothing else."""
    try:
        anonymous = _open_anonymous(directory)
        if anonymous is None:
            import tempfile  # only here: with shutil and random, ~2 ms of every run's start-up

            descriptor, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=_SUFFIX, dir=directory)
    except OSError as error:
        raise _Refused(f"cannot write: cannot create a temporary file beside it: {error.strerror}") from None
    if anonymous is None:
        try:
            _fill(descriptor, data, target, old)
            before_naming()
        except BaseException:
            with contextlib.suppress(OSError):
                os.remove(temporary)
            raise
        finally:
            os.close(descriptor)
        return temporary
    try:
        _fill(anonymous, data, target, old)
        before_naming()
        temporary = f".{name}.{os.urandom(6).hex()}{_SUFFIX}"
        folder = os.open(directory, os.O_RDONLY)
        try:
            # A directory descriptor makes CPython call linkat(AT_SYMLINK_FOLLOW), which links
            # the file the /proc entry stands for; plain link() would link the entry itself.
            os.link(f"/proc/self/fd/{anonymous}", temporary, dst_dir_fd=folder, follow_symlinks=True)
        finally:
            os.close(folder)
    finally:
        os.close(anonymous)
    return os.path.join(directory, temporary)


def _open_anonymous(directory: str) -> int | None:
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(directory, flag | os.O_WRONLY, 0o600)
    except OSError:  # a filesystem without O_TMPFILE support: EOPNOTSUPP, EISDIR, EINVAL
        return None


def _fill(descriptor: int, data: bytes, target: str, old: os.stat_result | None) -> None:
    """Write, give the old file's owner, attributes and mode, fsync; the caller closes the descriptor."""
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]
    if old is None:
        os.fchmod(descriptor, 0o666 & ~_umask())
    else:
        _keep_owner(descriptor, old)
        _keep_attributes(descriptor, target)
        # Last: a chown clears the setuid and setgid bits, and the mode sets an ACL's mask.
        os.fchmod(descriptor, stat.S_IMODE(old.st_mode))
    os.fsync(descriptor)


def _keep_owner(descriptor: int, old: os.stat_result) -> None:
    # The new file is this user's, with this user's group or the folder's (setgid folder).
    new = os.fstat(descriptor)
    if (new.st_uid, new.st_gid) == (old.st_uid, old.st_gid):
        return
    try:
        os.fchown(descriptor, old.st_uid, old.st_gid)
    except PermissionError:  # only root gives a file away; others, only to their own groups
        owner = f"uid {old.st_uid}, gid {old.st_gid}"
        raise _Refused(f"cannot write: it is owned by {owner}, which a file written by this user cannot keep") from None


def _keep_attributes(descriptor: int, target: str) -> None:
    """The old file's extended attributes on the new one, and no others (a folder's default
    ACL is given to every file created in it)."""
    if not hasattr(os, "listxattr"):  # macOS: no API for them, see the module's docstring
        return
    try:
        names = os.listxattr(target, follow_symlinks=False)
    except OSError as error:
        if error.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            return  # a filesystem without extended attributes
        raise
    wanted = {name: os.getxattr(target, name, follow_symlinks=False) for name in names}
    name = ""
    try:
        for name in os.listxattr(descriptor):
            if name not in wanted:
                os.removexattr(descriptor, name)
        for name, value in wanted.items():
            if _attribute(descriptor, name) != value:  # a label the new file already has may be unsettable
                os.setxattr(descriptor, name, value)
    except OSError as error:
        raise _Refused(f"cannot write: its extended attribute {name} cannot be kept: {error.strerror}") from None


def _attribute(descriptor: int, name: str) -> bytes | None:
    try:
        return os.getxattr(descriptor, name)
    except OSError:
        return None


def _sync_directory(directory: str) -> None:
    """Make the rename itself durable; not every platform can open a directory."""
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _umask() -> int:
    # The only way to read the umask is to set it; the CLI is single-threaded.
    current = os.umask(0o022)
    os.umask(current)
    return current
