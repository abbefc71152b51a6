"""Replacing a file whole: a reader, or a crash, sees the old file or the new one, never half.

The new bytes go to a temporary file in the target's directory (`os.replace` is atomic only
within one filesystem), are fsynced, get the old file's mode, and then replace the target. A
symbolic link is written through: its target is replaced, and the link stays a link.

Where Linux allows it the temporary file is first an anonymous `O_TMPFILE` inode that gets a
name only just before `os.replace`: a process killed while writing leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile

_SUFFIX = ".rollout-lint.tmp"


class WriteError(Exception):
    """The file could not be written (one line: the path and the reason)."""


def write_atomically(path: str, data: bytes) -> None:
    """Replace the file at `path` (or, for a link, the file it points to) by `data`."""
    target = os.path.realpath(path)
    directory, name = os.path.split(target)
    try:
        old = os.stat(target)
    except FileNotFoundError:
        old = None
    mode = stat.S_IMODE(old.st_mode) if old else 0o666 & ~_umask()
    try:
        temporary = _write_temporary(directory, name, data, mode, old)
    except OSError as error:
        raise WriteError(f"{path}: cannot write: {error.strerror or error}") from None
    try:
        os.replace(temporary, target)
    except BaseException as error:  # an interrupt too: never leave the named temporary file behind
        with contextlib.suppress(OSError):
            os.remove(temporary)
        if isinstance(error, OSError):
            raise WriteError(f"{path}: cannot write: {error.strerror or error}") from None
        raise
    _sync_directory(directory)


def _write_temporary(directory: str, name: str, data: bytes, mode: int, old: os.stat_result | None) -> str:
    """A fsynced file with `data` in `directory`, named last; its path."""
    anonymous = _open_anonymous(directory)
    if anonymous is None:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=_SUFFIX, dir=directory)
        try:
            _fill(descriptor, data, mode, old)
        except BaseException:
            with contextlib.suppress(OSError):
                os.remove(temporary)
            raise
        finally:
            os.close(descriptor)
        return temporary
    try:
        _fill(anonymous, data, mode, old)
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


def _fill(descriptor: int, data: bytes, mode: int, old: os.stat_result | None) -> None:
    """Write, set owner and mode, fsync; the caller closes the descriptor."""
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]
    if old is not None and (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
        with contextlib.suppress(OSError):  # only root may give a file away; the mode still holds
            os.fchown(descriptor, old.st_uid, old.st_gid)
    os.fchmod(descriptor, mode)
    os.fsync(descriptor)


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
