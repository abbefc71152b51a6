"""Reading a file into a `Source`: strict UTF-8 text plus what a fixer needs to write it back.

Every way a file can fail to become text ends in `SourceError` with a one-line reason, never a
traceback; the caller turns it into an exit-2 diagnostic and goes on with the other files.
"""

import bisect
import os
import re
import stat
import sys
from itertools import accumulate
from typing import NamedTuple, Self

UTF8_BOM = "\ufeff"
LINE_ENDING = re.compile(r"\r\n|\r|\n")

# GitLab refuses issue descriptions longer than this (Issuable::DESCRIPTION_LENGTH_MAX), in characters.
GITLAB_DESCRIPTION_MAX = 1_048_576
# The most bytes such a description can take: four a character (UTF-8's longest) and a BOM.
_PLAN_BYTES = 4 * GITLAB_DESCRIPTION_MAX + len(UTF8_BOM.encode())
# Schemas, templates and configuration files: far more than any real one, small enough to read whole.
MAX_FILE_BYTES = 4 << 20

# git's heuristic looks for NUL in the first 8000 bytes; we also require that control
# characters dominate, so a text file with a stray NUL is still checked (and reported).
_BINARY_SNIFF_BYTES = 8000
_BINARY_CONTROL_RATIO = 0.3
# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_OTHER_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def split_lines(text: str) -> list[str]:
    """The lines of `text` without their endings; after a final line ending, an empty line.

    CommonMark's line endings only: `splitlines` would also split on \x0b, \x1c, U+2028...
    `str.split` is five times faster than the regex, and most files have no CR at all.
    """
    return LINE_ENDING.split(text) if "\r" in text else text.split("\n")


class SourceError(Exception):
    """A file that cannot be checked at all (missing, unreadable, not text, too big)."""


class TooLong(SourceError):
    """A plan longer than GitLab accepts; the message says how long, in bytes or characters."""


class SavedIssue(NamedTuple):
    """What GitLab keeps beside a saved issue's description: once saved, GitLab has run and
    stripped its `/label` and `/confidential` quick actions, and these attributes say what they did."""

    reference: str  # `group/project#123`
    web_url: str
    labels: list[str]
    confidential: bool


# Value types here and in document.py are NamedTuples, not dataclasses: a frozen slots
# dataclass costs ~0.7 ms to define at import, a NamedTuple ~0.1 ms, and start-up counts.
# For the same reason no module that defines a NamedTuple run by `check` postpones its
# annotations (`from __future__ import annotations`): `typing.NamedTuple` compiles each field's
# annotation written as a string, 0.11 M instructions a field, 142 fields (benchmarks/README.md).
class Source(NamedTuple):
    """Decoded text of one file. `text` has no BOM; positions are 1-based everywhere."""

    path: str
    text: str
    has_bom: bool
    newline: str
    # Offset where each line starts, and each line without its ending; built by `from_text`.
    line_starts: list[int]
    lines: list[str]
    # The issue the text is the description of, when it was read from GitLab.
    issue: SavedIssue | None = None

    @classmethod
    def from_text(cls, path: str, text: str, issue: SavedIssue | None = None) -> Self:
        has_bom = text.startswith(UTF8_BOM)
        if has_bom:
            text = text[1:]
        newline = "\r\n" if "\r\n" in text[:65536] else "\n"
        lines = split_lines(text)
        if "\r" in text:
            starts = [0, *(match.end() for match in LINE_ENDING.finditer(text))]
        else:  # each line starts one past the end of the one before: a third of the regex's time
            starts = list(accumulate(map(len, lines[:-1]), lambda start, length: start + length + 1, initial=0))
        return cls(path, text, has_bom, newline, starts, lines, issue)

    @property
    def line_count(self) -> int:
        """Number of lines; a final newline does not start another line."""
        count = len(self.line_starts)
        if count > 1 and self.line_starts[-1] == len(self.text):
            count -= 1
        return count

    def line(self, number: int) -> str:
        """The text of 1-based line `number`, without its line ending."""
        return self.lines[number - 1]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a 0-based character offset."""
        line_index = bisect.bisect_right(self.line_starts, offset) - 1
        return line_index + 1, offset - self.line_starts[line_index] + 1

    def offset(self, line: int) -> int:
        """0-based character offset where 1-based `line` starts."""
        return self.line_starts[line - 1]


def read_source(path: str, *, display_path: str | None = None) -> Source:
    """Read the plan at `path` (`-` is standard input) as a `Source`, or raise `SourceError`.

    A plan longer than GitLab accepts raises `TooLong` unparsed: GitLab could not store it, and
    parsing takes memory many times the file's size.
    """
    name = display_path or path
    data, size = _read_stdin() if path == "-" else _read_regular_file(path, _PLAN_BYTES)
    if len(data) > _PLAN_BYTES:
        whole = f"the file has {size:,} bytes" if size else f"standard input has more than {_PLAN_BYTES:,} bytes"
        raise TooLong(f"{whole}; GitLab accepts {GITLAB_DESCRIPTION_MAX:,} characters")
    text = decode_utf8(data)
    length = len(text) - text.startswith(UTF8_BOM)  # GitLab never sees the BOM
    if length > GITLAB_DESCRIPTION_MAX:
        raise TooLong(f"the description has {length:,} characters; GitLab accepts {GITLAB_DESCRIPTION_MAX:,}")
    return Source.from_text(name, text)


def read_text(path: str) -> str:
    """A schema, template or configuration file as text, without a BOM, or raise `SourceError`."""
    data, size = _read_regular_file(path, MAX_FILE_BYTES)
    if len(data) > MAX_FILE_BYTES:
        raise SourceError(f"larger than {MAX_FILE_BYTES >> 20} MiB ({size:,} bytes)")
    return decode_utf8(data).removeprefix(UTF8_BOM)


def _read_stdin() -> tuple[bytes, None]:
    """At most one byte more than a plan may have, and no size: a pipe has none."""
    if sys.stdin is None:  # started with standard input closed (`<&-`)
        raise SourceError("standard input is closed")
    try:
        return sys.stdin.buffer.read(_PLAN_BYTES + 1), None
    except OSError as error:
        raise SourceError(f"cannot read standard input: {error.strerror}") from None


def _read_regular_file(path: str, limit: int) -> tuple[bytes, int]:
    """At most `limit` + 1 bytes of the file, and its size: enough to tell that it is too big."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise SourceError("no such file or directory") from None
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror}") from None
    if not stat.S_ISREG(mode):
        # Opening a FIFO or a device would block or never end: refuse before reading.
        raise SourceError(f"not a regular file ({_kind(mode)})")
    try:
        # Should the path have become a FIFO since the stat, O_NONBLOCK opens it without waiting
        # for a writer, and the fstat below refuses it.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(descriptor, "rb") as stream:
            mode = os.fstat(descriptor).st_mode
            if not stat.S_ISREG(mode):
                raise SourceError(f"not a regular file ({_kind(mode)})")
            data = stream.read(limit + 1)
            return data, max(os.fstat(descriptor).st_size, len(data))
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror}") from None


def _kind(mode: int) -> str:
    return "a FIFO" if stat.S_ISFIFO(mode) else "a directory" if stat.S_ISDIR(mode) else "a special file"


def decode_utf8(data: bytes) -> str:
    """Strict UTF-8 decoding that names the first bad byte, and refuses binary data."""
    for bom, encoding in _OTHER_BOMS:
        # UTF-16 text is half NUL bytes: say what it is rather than call it binary.
        if data.startswith(bom):
            raise SourceError(f"not valid UTF-8: {encoding} byte order mark at offset 0; save the file as UTF-8")
    head = data[:_BINARY_SNIFF_BYTES]
    if b"\0" in head:
        controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
        if controls / len(head) > _BINARY_CONTROL_RATIO:
            raise SourceError("binary file, not Markdown")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SourceError(
            f"not valid UTF-8: byte 0x{data[error.start]:02x} at offset {error.start}"
        ) from None
