"""A finding as a small immutable value: what every stage after the rules passes on.

Rules make findings (`rules.base.Rule.finding`); the linter selects, re-grades, hides and
sorts them in one place (`rules.checker`); reporters print them. A finding carries its own
severity (the configured one), so no reporter looks a rule up to judge it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


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


# Each heading in a breadcrumb is cut to this many characters: it is printed under every
# finding of its section, and a long heading must not multiply.
MAX_BREADCRUMB_TITLE = 80


def breadcrumb(path: Sequence[str]) -> str:
    """The section breadcrumb ("Rollout › Timeline") of a section's path of headings."""
    return " › ".join(
        title if len(title) <= MAX_BREADCRUMB_TITLE else title[: MAX_BREADCRUMB_TITLE - 3] + "..." for title in path
    )


