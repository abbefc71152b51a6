"""SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/), for GitHub code scanning and
other SARIF viewers: one run, every rule in `tool.driver.rules`, one result per finding."""

from __future__ import annotations

import json
from typing import IO, Any
from urllib.parse import quote

from .. import __version__
from ..diagnostics import Diagnostic
from ..rules import REGISTRY
from ..markdown.source import Source
from . import FileTemplate, Summary
from .ci import fingerprints, message_with_hint, report_path, web_url

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
# Versioned, as SARIF §3.27.17 asks, so that a changed recipe is never compared with an old one.
FINGERPRINT_KEY = "rolloutLint/v1"
_RULE_INDEX = {rule_id: index for index, rule_id in enumerate(REGISTRY)}


def rule_descriptors() -> list[dict[str, Any]]:
    return [
        {
            "id": rule.id,
            "name": rule.name,
            "shortDescription": {"text": rule.summary()},
            "fullDescription": {"text": rule.doc()},
            "help": {"text": rule.doc()},
            "defaultConfiguration": {"level": LEVELS[rule.severity]},
        }
        for rule in REGISTRY.values()
    ]


def artifact_location(path: str, url: str | None = None) -> dict[str, str]:
    """A file's location, relative to the checkout where it can be; an issue's, its web URL."""
    if url is not None:
        return {"uri": url}
    relative = report_path(path)
    if relative.startswith("/"):
        return {"uri": "file://" + quote(relative)}
    return {"uri": quote(relative), "uriBaseId": "%SRCROOT%"}


class SarifReporter:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.results: list[dict[str, Any]] = []
        self.templates: dict[str, str] = {}

    def file(self, diagnostics: list[Diagnostic], source: Source | None, template: FileTemplate | None = None) -> None:
        if template is not None:
            self.templates[report_path(template.path)] = template.label
        properties = {"template": template.label} if template is not None else {}
        url = web_url(source)
        for d, fingerprint in zip(diagnostics, fingerprints(diagnostics, source)):
            self.results.append(
                {
                    "ruleId": d.rule,
                    "ruleIndex": _RULE_INDEX[d.rule],
                    "level": LEVELS[d.severity],
                    "message": {"text": message_with_hint(d)},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": artifact_location(d.path, url),
                                "region": {
                                    "startLine": d.line,
                                    "startColumn": d.column,
                                    "endLine": d.end_line,
                                    "endColumn": d.end_column,
                                },
                            }
                        }
                    ],
                    "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
                    **({"properties": properties} if properties else {}),
                }
            )

    def finish(self, summary: Summary) -> None:
        run = {
            "tool": {
                "driver": {
                    "name": "rollout-lint",
                    "version": __version__,
                    "rules": rule_descriptors(),
                }
            },
            # Our columns count code points; SARIF's default is UTF-16 code units.
            "columnKind": "unicodeCodePoints",
            "results": self.results,
            # The version of a bundled template each file was checked against (SARIF §3.8: a
            # property bag holds what the format has no place for).
            **({"properties": {"templates": self.templates}} if self.templates else {}),
        }
        report = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
        json.dump(report, self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")
