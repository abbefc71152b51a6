"""One JSON object: every finding, and a summary. Lines and columns are 1-based."""

from __future__ import annotations

import json
from typing import IO, Any

from ..diagnostics import Diagnostic
from ..markdown.source import Source
from . import FileTemplate, Summary
from .ci import web_url

FIELDS = ("path", "line", "column", "end_line", "end_column", "rule", "name", "severity", "message", "hint")


class JsonReporter:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.diagnostics: list[dict[str, Any]] = []
        self.templates: list[dict[str, str]] = []

    def file(self, diagnostics: list[Diagnostic], source: Source | None, template: FileTemplate | None = None) -> None:
        # An issue's findings also carry its web URL.
        url = {"url": address} if (address := web_url(source)) else {}
        self.diagnostics.extend({**{field: getattr(d, field) for field in FIELDS}, **url} for d in diagnostics)
        if template is not None:
            self.templates.append({"path": template.path, "template": template.label})

    def finish(self, summary: Summary) -> None:
        report = {
            "diagnostics": self.diagnostics,
            "summary": {
                "files": summary.files,
                "errors": summary.counts["error"],
                "warnings": summary.counts["warning"],
                "infos": summary.counts["info"],
                # Each file checked against a version of a bundled template chosen for it.
                "checked": self.templates,
                # Each file not checked because it is not a rollout plan (a README beside plans).
                "skipped": [{"path": path, "reason": why} for path, why in summary.skipped],
            },
        }
        json.dump(report, self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")
