"""Where a run's reports go: the main one to standard output or `--output FILE`, more with
`--report FORMAT:FILE`, all fed the same findings.

Report files are written when the run is complete, each through a temporary file beside it
that then replaces it, so that a CI job never uploads half a report. Whether they can be
written is checked before the first file is checked: a typo in a path costs no time.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Sequence
from typing import IO

from .diagnostics import Diagnostic
from .reporters import Reporter, Summary, make_reporter
from .reporters.display import DisplayOptions
from .source import Source


class ReportFileError(Exception):
    """A report file that cannot be written (one line, for exit code 2)."""


class ReportBuffer(io.StringIO):
    # Read by the text reporter: escape codes in a file are noise to whoever opens it later.
    never_colour = True


class Reports:
    """All reports of one run, behaving as one reporter."""

    def __init__(
        self, stdout: IO[str], targets: Sequence[tuple[str, str | None]], options: DisplayOptions | None = None
    ) -> None:
        """`targets`: (format, file) pairs; a file of None is `stdout`. `options` shape every
        text and concise report, wherever it goes."""
        self._reporters: list[Reporter] = []
        self._files: list[tuple[str, ReportBuffer]] = []
        seen: set[str] = set()
        for format_name, path in targets:
            stream: IO[str] = stdout
            if path is not None:
                _check_writable(path, seen)
                stream = ReportBuffer()
                self._files.append((path, stream))
            self._reporters.append(make_reporter(format_name, stream, options))

    def file(self, diagnostics: list[Diagnostic], source: Source | None) -> None:
        for reporter in self._reporters:
            reporter.file(diagnostics, source)

    def finish(self, summary: Summary) -> None:
        for reporter in self._reporters:
            reporter.finish(summary)
        for path, buffer in self._files:
            write_replacing(path, buffer.getvalue())


def _check_writable(path: str, seen: set[str]) -> None:
    real = os.path.realpath(path)
    if real in seen:
        raise ReportFileError(f"{path} is named for two reports")
    seen.add(real)
    directory = os.path.dirname(real)
    if os.path.isdir(real):
        raise _cannot_write(path, "it is a directory")
    if not os.path.isdir(directory):
        raise _cannot_write(path, "no such directory")
    if not os.access(directory, os.W_OK):
        raise _cannot_write(path, "permission denied")


def write_replacing(path: str, text: str) -> None:
    """Write `text` to `path` as UTF-8 (no BOM, newlines as given) by replacing it whole."""
    directory, name = os.path.split(path)
    temporary = os.path.join(directory, f".{name}.{os.getpid()}.tmp")
    try:
        # O_EXCL: never write through a link someone planted under the temporary name.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise _cannot_write(path, error.strerror or str(error)) from None
    try:
        with open(descriptor, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise _cannot_write(path, error.strerror or str(error)) from None


def _cannot_write(path: str, reason: str) -> ReportFileError:
    return ReportFileError(f"cannot write report {path}: {reason}")
