"""One JSON object: every finding, and a summary. Lines and columns are 1-based."""

from __future__ import annotations

import json
from typing import IO, Any

from ..diagnostics import Diagnostic
from ..markdown.source import Source
from . import Summary

FIELDS = ("path", "line", "column", "end_line", "end_column", "rule", "name", "severity", "message", "hint")


class JsonReporter:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.diagnostics: list[dict[str, Any]] = []

    def file(self, diagnostics: list[Diagnostic], source: Source | None) -> None:
        self.diagnostics.extend({field: getattr(d, field) for field in FIELDS} for d in diagnostics)

    def finish(self, summary: Summary) -> None:
        report = {
            "diagnostics": self.diagnostics,
            "summary": {
                "files": summary.files,
                "errors": summary.counts["error"],
                "warnings": summary.counts["warning"],
                "infos": summary.counts["info"],
            },
        }
        json.dump(report, self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")
