"""Where a run's reports go: the main one to standard output or `--output FILE`, more with
`--report FORMAT:FILE`, all fed the same findings.

Report files are written when the run is complete. A regular file (or a new one) is replaced
whole, through `safe_write`, so that a CI job never uploads half a report; a link to it stays a
link. Anything else, a device, a FIFO or an open descriptor (`/dev/stdout`), is written into:
replacing it would put a regular file where `/dev/null` was. Whether the files can be written,
and that none of them is a file to check, is decided before the first file is checked: a typo
in a path costs no time, and a report never overwrites a plan.
"""

import io
import os
import re
import stat
import sys
from collections.abc import Iterable, Sequence
from typing import IO, NamedTuple

from ..diagnostics import Diagnostic
from ..markdown.source import Source
from ..safe_write import WriteError, write_atomically
from . import FileTemplate, Reporter, Summary, make_reporter
from .display import DisplayOptions

# Where /dev/stdout and /dev/fd/N lead: /proc/<pid>/fd or /proc/<pid>/task/<tid>/fd on Linux,
# /dev/fd itself on macOS (a file system of its own there, not a link). Compiled by `re` at its
# first use: only `--report` needs it.
_DESCRIPTOR_DIRECTORY = r"/proc/[^/]+(?:/task/[^/]+)?/fd|/dev/fd"
# The kernel follows at most this many links in one path (then ELOOP).
_MAX_LINKS = 40


class ReportFileError(Exception):
    """A report file that cannot be written (one line, for exit code 2)."""


class ReportBuffer(io.StringIO):
    # Read by the text reporter: escape codes in a file are noise to whoever opens it later.
    never_colour = True


class ReportFile(NamedTuple):
    path: str
    # True: a regular file or a new one, replaced whole. False: a device, a FIFO or an open
    # descriptor, written into.
    replaced: bool
    # What tells two names of one file apart from two files: (device, inode) of an existing
    # file, the resolved path of a new one.
    identity: tuple[int, int] | str


class Reports:
    """All reports of one run, behaving as one reporter."""

    def __init__(
        self,
        stdout: IO[str],
        targets: Sequence[tuple[str, str | None]],
        options: DisplayOptions | None = None,
        inputs: Iterable[str] = (),
    ) -> None:
        """`targets`: (format, file) pairs; a file of None is `stdout`. `options` shape every
        text and concise report, wherever it goes. `inputs`: the files to check (`-` is standard
        input), none of which a report may replace."""
        self._stdout = stdout
        self._reporters: list[Reporter] = []
        self._files: list[tuple[ReportFile, ReportBuffer]] = []
        replaced: set[tuple[int, int] | str] = set()
        for format_name, path in targets:
            stream: IO[str] = stdout
            if path is not None:
                target = output_file(path)
                if target.replaced:
                    if target.identity in replaced:
                        # One report would be lost. A device or a pipe takes both, one after the other.
                        raise ReportFileError(f"{path} is named for two reports")
                    replaced.add(target.identity)
                stream = ReportBuffer()
                self._files.append((target, stream))
            self._reporters.append(make_reporter(format_name, stream, options))
        _refuse_inputs([target for target, _ in self._files if target.replaced], inputs)

    def file(self, diagnostics: list[Diagnostic], source: Source | None, template: FileTemplate | None = None) -> None:
        for reporter in self._reporters:
            reporter.file(diagnostics, source, template)

    def finish(self, summary: Summary) -> None:
        for reporter in self._reporters:
            reporter.finish(summary)
        for target, buffer in self._files:
            if not target.replaced:
                # `--report json:/dev/stdout` comes after the report standard output holds.
                self._stdout.flush()
            write_output(target, buffer.getvalue().encode("utf-8"))


def write_output(target: ReportFile, data: bytes, what: str = "report") -> None:
    """Write `data` to `target`: a regular file replaced whole, anything else written into."""
    if not target.replaced:
        _write_into(target.path, data, what)
        return
    try:
        write_atomically(target.path, data)
    except WriteError as error:
        raise ReportFileError(str(error)) from None


def output_file(path: str, what: str = "report") -> ReportFile:
    """How `path` will be written (see `write_output`); a ReportFileError, whose message calls
    the file a `what`, if it cannot be."""
    try:
        status: os.stat_result | None = os.stat(path)
    except FileNotFoundError:  # a new file (or a link to one)
        status = None
    except OSError as error:
        raise _cannot_write(path, what, error.strerror or str(error)) from None
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise _cannot_write(path, what, "it is a directory")
    if status is not None and (not stat.S_ISREG(status.st_mode) or _leads_to_a_descriptor(path)):
        if not os.access(path, os.W_OK):
            raise _cannot_write(path, what, "permission denied")
        return ReportFile(path, False, (status.st_dev, status.st_ino))
    # Replaced through a link: the new file goes beside the file the link leads to.
    real = os.path.realpath(path)
    directory = os.path.dirname(real)
    if not os.path.isdir(directory):
        raise _cannot_write(path, what, "no such directory")
    # A read-only report file is refused, as writing into it would be, though its directory
    # would let it be replaced.
    if not os.access(directory, os.W_OK) or (status is not None and not os.access(path, os.W_OK)):
        raise _cannot_write(path, what, "permission denied")
    return ReportFile(path, True, real if status is None else (status.st_dev, status.st_ino))


def _leads_to_a_descriptor(path: str) -> bool:
    """Whether `path` leads through /proc/<pid>/fd/N (macOS: /dev/fd/N), as /dev/stdout does: a
    file some process has open, perhaps for appending (`>> log`), to be written into, not replaced."""
    current = os.path.abspath(path)
    for _ in range(_MAX_LINKS):
        directory = os.path.realpath(os.path.dirname(current))
        if re.fullmatch(_DESCRIPTOR_DIRECTORY, directory):
            return True
        current = os.path.join(directory, os.path.basename(current))
        try:
            # `join` keeps an absolute target whole and puts a relative one in the link's directory.
            current = os.path.join(directory, os.readlink(current))
        except OSError:  # not a link: the end of the chain
            return False
    return False


def _refuse_inputs(targets: Sequence[ReportFile], inputs: Iterable[str]) -> None:
    """A ReportFileError if a report would replace one of the files to check."""
    paths = {target.identity: target.path for target in targets if isinstance(target.identity, tuple)}
    if not paths:
        return
    for name in inputs:
        identity = _identity(name)
        if identity is not None and identity in paths:
            raise _cannot_write(paths[identity], "report", "it is one of the files to check")


def _identity(name: str) -> tuple[int, int] | None:
    """(device, inode) of the file to check `name` (`-`: standard input), None if there is none."""
    try:
        status = os.fstat(sys.stdin.fileno()) if name == "-" else os.stat(name)
    except (OSError, ValueError, AttributeError):  # not there, or standard input closed (sys.stdin is None)
        return None
    return status.st_dev, status.st_ino


def _write_into(path: str, data: bytes, what: str) -> None:
    """Write `data` into the device, FIFO or open file at `path`."""
    try:
        # O_APPEND: through /dev/stdout into `>> log`, the log is added to, not written over.
        # No O_CREAT: what was a device when the run began is never made a regular file.
        with open(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NOCTTY), "wb") as stream:
            stream.write(data)
    except OSError as error:
        raise _cannot_write(path, what, error.strerror or str(error)) from None


def _cannot_write(path: str, what: str, reason: str) -> ReportFileError:
    return ReportFileError(f"cannot write {what} {path}: {reason}")
