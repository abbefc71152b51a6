"""A progress bar on standard error while many files are checked, for a person watching.

It is shown only when standard error is a terminal, more than `MIN_FILES` files are checked
and `--quiet` is not given: a CI log or a file would keep every redraw, and a few files are
done before a bar could say anything. `NO_COLOR` does not hide it: a bar is not colour (rich
draws it without colour then). rich is imported only when the bar is shown.

The bar is redrawn in place. Output written to the same terminal meanwhile would be torn by
the redraws, so the report (and anything else the run writes) is held back while the bar is
up; the bar is `transient` (erased when done), and then what was held is written whole, to
the stream it was meant for.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import IO, TypeVar

MIN_FILES = 30
_Item = TypeVar("_Item")


class ProgressBar:
    """Iterate over `bar.track(files)`, and write to `bar.out` and `bar.err` instead of
    standard output and standard error."""

    def __init__(self, total: int, out: IO[str], err: IO[str], quiet: bool) -> None:
        self.shown = not quiet and total > MIN_FILES and err.isatty()
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
        try:
            with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
                yield from bar.track(files, description="checking")
        finally:
            for held in self._held:
                held.release()


class _HeldOutput(io.StringIO):
    """`stream`, holding what is written to it until `release`, and writing through after."""

    def __init__(self, stream: IO[str]) -> None:
        super().__init__()
        self._stream = stream
        self._holding = True

    def write(self, text: str) -> int:
        return super().write(text) if self._holding else self._stream.write(text)

    def flush(self) -> None:
        if not self._holding:
            self._stream.flush()

    def isatty(self) -> bool:
        # The text report is coloured for where it ends up, not for this buffer.
        return self._stream.isatty()

    def release(self) -> None:
        if self._holding:
            self._holding = False
            self._stream.write(self.getvalue())
