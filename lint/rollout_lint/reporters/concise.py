"""One line per finding: `path:line:col: RL101 [error] message` (grep- and editor-friendly)."""

from __future__ import annotations

from typing import IO

from ..diagnostics import Diagnostic
from ..markdown.source import Source
from . import FileTemplate, Summary
from ..diagnostics import quoted_path
from .display import DisplayOptions, ShownFindings


def concise_line(d: Diagnostic, mark: str = "") -> str:
    return f"{quoted_path(d.path)}:{d.line}:{d.column}: {d.rule}{mark} [{d.severity}] {d.message}"


class ConciseReporter:
    def __init__(self, stream: IO[str], options: DisplayOptions = DisplayOptions()) -> None:
        self.stream = stream
        self.shown = ShownFindings(options)

    def file(self, diagnostics: list[Diagnostic], source: Source | None, template: FileTemplate | None = None) -> None:
        # One line per finding, for editors and the GitHub runner: the version is in the other formats.
        self.stream.write("".join(concise_line(d) + "\n" for d in self.shown.of(diagnostics)))

    def finish(self, summary: Summary) -> None:
        self.stream.write("".join(line + "\n" for line in self.shown.statistics()))
        if self.shown.options.verbose:
            self.stream.write("".join(f"{path}: skipped: {why}\n" for path, why in summary.skipped))
