"""GitHub Actions workflow commands, one per finding: GitHub shows each as an annotation on the
file and line, in the job log and on the pull request. Only meaningful in a GitHub Actions step.

https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands
"""

from __future__ import annotations

from typing import IO

from ..diagnostics import Diagnostic
from ..markdown.source import Source
from . import FileTemplate, Summary
from .ci import message_with_hint, report_path

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    # The runner reads one command per line and decodes exactly these escapes.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    # `,` separates properties and `:` ends them, so a value must not contain them either.
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(d: Diagnostic) -> str:
    properties = {
        "file": report_path(d.path),
        "line": d.line,
        "col": d.column,
        "endLine": d.end_line,
        "endColumn": d.end_column,
        "title": f"{d.rule} {d.name}",
    }
    listed = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{COMMANDS[d.severity]} {listed}::{escape_data(message_with_hint(d))}"


class GithubReporter:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def file(self, diagnostics: list[Diagnostic], source: Source | None, template: FileTemplate | None = None) -> None:
        # One line per finding, for editors and the GitHub runner: the version is in the other formats.
        self.stream.write("".join(workflow_command(d) + "\n" for d in diagnostics))

    def finish(self, summary: Summary) -> None:
        pass
