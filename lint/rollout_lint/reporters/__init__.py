"""Reporters, chosen by name. Each is imported only when asked for: only `text` needs rich."""

import importlib
from typing import IO, NamedTuple, Protocol

from ..diagnostics import Diagnostic
from ..markdown.source import Source
from .display import HUMAN_FORMATS, DisplayOptions


class FileTemplate(NamedTuple):
    """The version of a bundled template a file was checked against, when it was chosen for it."""

    path: str  # the file, as reported
    label: str  # `model-rollout-plan@49b5e694`


class Summary:
    def __init__(self, unit: str = "file") -> None:
        self.unit = unit  # what was checked: "file", or "issue" (`rollout-lint gitlab`)
        self.files = 0
        self.counts = {"error": 0, "warning": 0, "info": 0}
        self.skipped: list[tuple[str, str]] = []  # (path, why) of each file not checked: not a plan

    def skip(self, path: str, why: str) -> None:
        self.skipped.append((path, why))

    def add(self, diagnostics: list[Diagnostic]) -> None:
        self.files += 1
        for diagnostic in diagnostics:
            self.counts[diagnostic.severity] += 1


class Reporter(Protocol):
    def __init__(self, stream: IO[str]) -> None: ...

    def file(self, diagnostics: list[Diagnostic], source: Source | None, template: FileTemplate | None = None) -> None:
        """Called once per checked file, in order, with that file's findings and the template
        version it was checked against (None when a schema was given)."""

    def finish(self, summary: Summary) -> None:
        """Called once at the end."""


# name -> "module:class"; a later format is one more line here.
REPORTERS = {
    "text": "rollout_lint.reporters.text:TextReporter",
    "concise": "rollout_lint.reporters.concise:ConciseReporter",
    "json": "rollout_lint.reporters.json_report:JsonReporter",
    "sarif": "rollout_lint.reporters.sarif:SarifReporter",
    "codequality": "rollout_lint.reporters.codequality:CodeQualityReporter",
    "github": "rollout_lint.reporters.github:GithubReporter",
    "junit": "rollout_lint.reporters.junit:JunitReporter",
}


def make_reporter(name: str, stream: IO[str], options: DisplayOptions | None = None) -> Reporter:
    module_name, class_name = REPORTERS[name].split(":")
    factory = getattr(importlib.import_module(module_name), class_name)
    # Display options shape only the reports for people; the others always hold every finding.
    for_people = options is not None and name in HUMAN_FORMATS
    reporter: Reporter = factory(stream, options) if for_people else factory(stream)
    return reporter
