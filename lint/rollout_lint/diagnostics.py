"""A finding as a small immutable value, and the one place where findings are finished."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from .rules import REGISTRY, Severity, UnfilledPlaceholder


class Diagnostic(NamedTuple):
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    rule: str
    name: str
    severity: Severity
    message: str
    hint: str | None = None
    # The section breadcrumb ("Rollout › Timeline") for the text report; "" outside sections.
    section: str = ""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.rule, self.message)

    def fails(self, strict: bool) -> bool:
        """Whether this finding makes the run exit with 1."""
        return self.severity == "error" or (strict and self.severity == "warning")


def make_diagnostic(
    path: str,
    rule_id: str,
    message: str,
    span: tuple[int, int, int, int] = (1, 1, 1, 1),
    hint: str | None = None,
    section: str = "",
) -> Diagnostic:
    """Stamp a finding with its rule's name and severity (rules never choose their own)."""
    rule = REGISTRY[rule_id]
    line, column, end_line, end_column = span
    return Diagnostic(
        path, line, column, end_line, end_column, rule.id, rule.name, rule.severity, message, hint, section
    )


def finish(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sort, drop exact repeats, and drop value findings that repeat a placeholder finding."""
    unique = sorted(set(diagnostics), key=Diagnostic.sort_key)
    placeholder_lines = {(d.path, d.line) for d in unique if d.rule == UnfilledPlaceholder.id}
    return [
        d
        for d in unique
        if not (REGISTRY[d.rule].superseded_by_placeholder and (d.path, d.line) in placeholder_lines)
    ]
