"""A progress bar on standard error while many files are checked, for a person watching.

It is shown only when standard error is a terminal, more than `MIN_FILES` files are checked
and `--quiet` is not given: a CI log or a file would keep every redraw, and a few files are
done before a bar could say anything. `NO_COLOR` does not hide it: a bar is not colour (rich
draws it without colour then). rich is imported only when the bar is shown.

The bar is redrawn in place. Output written to the same terminal meanwhile would be torn by
the redraws, so the report (and anything else the run writes) is held back while the bar is
up; the bar is `transient` (erased when done), and then what was held is written whole, to
the stream it was meant for. What is held is bounded: past `HOLD_LIMIT` characters the bar
stops early, and the rest of the report is written as it comes (a report that long scrolls
by faster than anyone reads it, and its own lines then show the progress).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import IO, TypeVar

MIN_FILES = 30
# Characters of output held back while the bar is up (a 2,000-plan report is ~0.3 M).
HOLD_LIMIT = 2 << 20
_Item = TypeVar("_Item")


class ProgressBar:
    """Iterate over `bar.track(files)`, and write to `bar.out` and `bar.err` instead of
    standard output and standard error."""

    def __init__(self, total: int, out: IO[str], err: IO[str], quiet: bool) -> None:
        self.shown = not quiet and total > MIN_FILES and err.isatty()
        self._terminal = err
        self._held = [_HeldOutput(out), _HeldOutput(err)] if self.shown else []
        self.out: IO[str] = self._held[0] if self.shown else out
        self.err: IO[str] = self._held[1] if self.shown else err

    def track(self, files: Sequence[_Item]) -> Iterator[_Item]:
        if not self.shown:
            yield from files
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        remaining = iter(files)
        try:
            with Progress(*columns, console=Console(file=self._terminal), transient=True) as bar:
                task = bar.add_task("checking", total=len(files))
                for item in remaining:
                    yield item  # the caller checks and reports `item` before this resumes
                    bar.advance(task)
                    if sum(held.size for held in self._held) > HOLD_LIMIT:
                        break
        finally:
            for held in self._held:
                held.release()
        yield from remaining


class _HeldOutput(io.StringIO):  # a StringIO for its type (an IO[str]); its buffer is unused
    """`stream`, holding what is written to it until `release`, and writing through after."""

    def __init__(self, stream: IO[str]) -> None:
        super().__init__()
        self._stream = stream
        # The pieces as written (a file's report each), not joined: joining, or a StringIO,
        # took ~5 bytes of memory per character held.
        self._pieces: list[str] | None = []
        self.size = 0  # characters held

    def write(self, text: str) -> int:
        if self._pieces is None:
            return self._stream.write(text)
        self._pieces.append(text)
        self.size += len(text)
        return len(text)

    def flush(self) -> None:
        if self._pieces is None:
            self._stream.flush()

    def isatty(self) -> bool:
        # The text report is coloured for where it ends up, not for this buffer.
        return self._stream.isatty()

    def release(self) -> None:
        pieces, self._pieces = self._pieces, None
        for piece in pieces or []:
            self._stream.write(piece)
