"""The human report: each finding with its source line, a caret under the span, the section
breadcrumb and the hint. Built as plain text; rich only adds colour on a terminal.

Colour is rich's: the console it would print to says whether and how to colour, and each
line is wrapped in its style's escape codes by `Style.render` (0.4 µs a line). Printing each
line through the console cost ~70 µs a line, ~18 µs with a file's lines in one `Text`: the
5,734-line report of 2,000 plans took 651 ms to colour, 15 ms now."""

from __future__ import annotations

import os
from typing import IO, Any

from ..diagnostics import Diagnostic, quoted_path
from ..markdown.source import Source
from . import FileTemplate, Summary
from .concise import concise_line
from .display import DisplayOptions, ShownFindings

_SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}
_BLANK = ("", "")
# Characters of a source line shown under a finding: a longer line is cut around the span, with
# "..." where it is cut, as ruff does (a plan's paragraph is often one long line).
SNIPPET_WIDTH = 100
_ELLIPSIS = "..."


def cut_line(text: str, column: int, width: int) -> tuple[str, str]:
    """(the part of `text` to show, the carets under it) for the span of `width` characters
    from 1-based `column`: the whole line up to `SNIPPET_WIDTH` characters, else that many
    around the span (its start, when the span is wider). Columns count characters, as the
    findings do."""
    start = column - 1
    if len(text) <= SNIPPET_WIDTH:
        return text, " " * start + "^" * width
    room = len(_ELLIPSIS)
    shown_span = min(width, SNIPPET_WIDTH - 2 * room)
    left = max(0, min(start - (SNIPPET_WIDTH - shown_span) // 2, len(text) - SNIPPET_WIDTH))
    right = left + SNIPPET_WIDTH
    shown = text[left:right]
    if left > 0:
        shown = _ELLIPSIS + shown[room:]
    if right < len(text):
        shown = shown[:-room] + _ELLIPSIS
    # At least one caret, also for a span just past the end of the line.
    return shown, " " * (start - left) + "^" * max(1, min(start + width, right) - start)


def wants_colour(stream: IO[str]) -> bool:
    # Report files (`--output`, `--report`) never: FORCE_COLOR is meant for the CI log.
    if os.environ.get("NO_COLOR") or getattr(stream, "never_colour", False):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


class TextReporter:
    def __init__(self, stream: IO[str], options: DisplayOptions = DisplayOptions()) -> None:
        self.stream = stream
        self.options = options
        self.shown = ShownFindings(options)
        self.colour = wants_colour(stream)
        self._console: Any = None
        self._colour_system: Any = None
        self.fixable = 0
        # Template version -> files checked against it: said once, under the summary (the JSON,
        # SARIF, Code Quality and JUnit reports say it per file).
        self.templates: dict[str, int] = {}

    def file(self, diagnostics: list[Diagnostic], source: Source | None, template: FileTemplate | None = None) -> None:
        if template is not None:
            self.templates[template.label] = self.templates.get(template.label, 0) + 1
        shown = self.shown.of(diagnostics)
        if not shown:
            return
        # The line count is a property that counts: once per file, not per finding.
        line_count = source.line_count if source is not None and self.options.show_source else 0
        lines = [line for d in shown for line in self._lines(d, source, line_count)]
        if template is not None:
            # After a file's findings, the version of the template they are measured against.
            lines[-1:-1] = [(f"{quoted_path(template.path)}: checked against {template.label}", "dim")]
        # One write per file, of text built in plain strings; rich only styles it on a terminal.
        self._write(lines)

    def _lines(self, d: Diagnostic, source: Source | None, line_count: int) -> list[tuple[str, str]]:
        """(text, style) pairs, one per output line; the source line if `d.line` <= `line_count`."""
        # ruff's mark for a finding `check --fix` can fix.
        fixable = bool(d.fix)
        self.fixable += fixable
        severity_style = _SEVERITY_STYLE[d.severity]
        lines = [(concise_line(d, " [*]" if fixable else ""), severity_style)]
        if source is not None and 1 <= d.line <= line_count:
            text = source.line(d.line)
            gutter = " " * len(str(d.line))
            width = d.end_column - d.column if d.end_line == d.line else len(text) - d.column + 1
            shown, carets = cut_line(text, d.column, max(width, 1))
            lines += [
                (f"{gutter} |", "blue"),
                (f"{d.line} | {shown}", ""),
                (f"{gutter} | {carets}", severity_style),
            ]
        if d.section:
            lines.append((f"  = section: {d.section}", "dim"))
        if d.hint:
            lines.append((f"  = hint: {d.hint}", "green"))
        lines.append(_BLANK)
        return lines

    def _write(self, lines: list[tuple[str, str]]) -> None:
        if not self.colour:
            self.stream.write("\n".join([text for text, _ in lines]) + "\n")
            return
        from rich.console import COLOR_SYSTEMS, Console
        from rich.style import Style
        from rich.text import Text

        if self._console is None:
            self._console = Console(file=self.stream, highlight=False, soft_wrap=True, force_terminal=True)
            # None (no colour) on a terminal that has none, such as TERM=dumb.
            self._colour_system = COLOR_SYSTEMS.get(self._console.color_system or "")
        if self._console.legacy_windows:
            # An old Windows console is coloured through the Win32 API, which only rich's
            # print speaks: one call for all the lines.
            self._console.print(Text("\n").join(Text(text, style=style) for text, style in lines))
            return
        system = self._colour_system
        self.stream.write("".join(Style.parse(style).render(text, color_system=system) + "\n" for text, style in lines))

    def _versions(self, unit: str) -> list[tuple[str, str]]:
        """The line that says which versions of a bundled template the files were checked against."""
        if not self.templates:
            return []
        if len(self.templates) == 1:
            return [(f"Checked against {next(iter(self.templates))}.", "dim")]
        counts = [f"{label} ({n} {unit}{'s' * (n != 1)})" for label, n in self.templates.items()]
        return [(f"Checked against {', '.join(counts)}.", "dim")]

    def _skipped(self, summary: Summary) -> list[tuple[str, str]]:
        """The line that says how many files were skipped as not rollout plans."""
        count = len(summary.skipped)
        if not count:
            return []
        which = "" if self.options.verbose else "; --verbose lists them"
        what = "file that is not a rollout plan" if count == 1 else "files that are not rollout plans"
        return [(f"Skipped {count} {what}{which}.", "dim")]

    def finish(self, summary: Summary) -> None:
        statistics = self.shown.statistics()
        if statistics:
            self._write([(line, "") for line in [*statistics, ""]])
        if self.options.quiet:
            return
        if self.options.verbose and summary.skipped:
            self._write([(f"{quoted_path(path)}: skipped: {why}", "dim") for path, why in summary.skipped] + [_BLANK])
        counts = summary.counts
        files = f"{summary.files} {summary.unit}{'s' * (summary.files != 1)}"
        if not any(counts.values()):
            self._write([(f"All checks passed ({files}).", "bold green"), *self._versions(summary.unit), *self._skipped(summary)])
            return
        parts = [f"{n} {kind}{'s' * (n != 1)}" for kind, n in counts.items() if n]
        self._write([(f"Found {', '.join(parts)} in {files}.", "bold"), *self._versions(summary.unit), *self._skipped(summary)])
        if self.fixable:
            self._write([(f"[*] {self.fixable} fixable with `rollout-lint check --fix`.", "")])
