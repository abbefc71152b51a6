"""One line per finding: `path:line:col: RL101 [error] message` (grep- and editor-friendly)."""

from __future__ import annotations

from typing import IO

from ..diagnostics import Diagnostic
from ..source import Source
from . import Summary


def concise_line(d: Diagnostic) -> str:
    return f"{d.path}:{d.line}:{d.column}: {d.rule} [{d.severity}] {d.message}"


class ConciseReporter:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def file(self, diagnostics: list[Diagnostic], source: Source | None) -> None:
        if diagnostics:
            self.stream.write("".join(concise_line(d) + "\n" for d in diagnostics))

    def finish(self, summary: Summary) -> None:
        pass
