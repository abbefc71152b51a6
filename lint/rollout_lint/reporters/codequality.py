"""GitLab Code Quality (https://docs.gitlab.com/ci/testing/code_quality/): a JSON array of
findings, the subset of the Code Climate format that GitLab reads, shown in merge requests.

GitLab has five severities and we have three: error → `major`, warning → `minor`, info → `info`.
`critical` and `blocker` are left for findings that break something; a plan that is wrong is not.
"""

from __future__ import annotations

import json
from typing import IO, Any

from ..diagnostics import Diagnostic
from ..markdown.source import Source
from . import FileTemplate, Summary
from .ci import fingerprints, message_with_hint, report_path, web_url

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


class CodeQualityReporter:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.issues: list[dict[str, Any]] = []

    def file(self, diagnostics: list[Diagnostic], source: Source | None, template: FileTemplate | None = None) -> None:
        # Code Climate's `content.body` (GitLab shows the description, and keeps the rest).
        url = web_url(source)
        body = [*([f"Checked against {template.label}."] if template is not None else []), *([f"Issue: {url}"] if url else [])]
        content = {"content": {"body": " ".join(body)}} if body else {}
        for d, fingerprint in zip(diagnostics, fingerprints(diagnostics, source)):
            self.issues.append(
                {
                    "description": f"{d.rule} {message_with_hint(d)}",
                    "check_name": d.rule,
                    "fingerprint": fingerprint,
                    "severity": SEVERITIES[d.severity],
                    "location": {"path": report_path(d.path), "lines": {"begin": d.line}},
                    **content,
                }
            )

    def finish(self, summary: Summary) -> None:
        json.dump(self.issues, self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")
