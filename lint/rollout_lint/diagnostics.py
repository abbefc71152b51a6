"""A finding as a small immutable value, and the one place where findings are finished."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
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


# Findings of one rule on one line shown one by one; the rest become one finding that counts
# them. No real plan comes near (the template has 13 sections, a table row a few cells), but
# a line of 175,000 `???` once gave 175,000 findings, each printing the whole line.
MAX_REPEATS_ON_A_LINE = 20
# Each heading in a breadcrumb is cut to this many characters: it is printed under every
# finding of its section, and a long heading must not multiply.
MAX_BREADCRUMB_TITLE = 80


def breadcrumb(path: Sequence[str]) -> str:
    """The section breadcrumb ("Rollout › Timeline") of a section's path of headings."""
    return " › ".join(
        title if len(title) <= MAX_BREADCRUMB_TITLE else title[: MAX_BREADCRUMB_TITLE - 3] + "..." for title in path
    )


def finish(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sort, drop exact repeats, drop value findings that repeat a placeholder finding, and sum
    up the findings of a rule on a line past `MAX_REPEATS_ON_A_LINE`: every format, and the
    memory of the run, stay bounded by the number of lines."""
    unique = sorted(set(diagnostics), key=Diagnostic.sort_key)
    placeholder_lines = {(d.path, d.line) for d in unique if d.rule == UnfilledPlaceholder.id}
    kept = [
        d
        for d in unique
        if not (REGISTRY[d.rule].superseded_by_placeholder and (d.path, d.line) in placeholder_lines)
    ]
    return _sum_up_repeats(kept)


def _sum_up_repeats(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """`diagnostics` (sorted) with the findings of a rule on a line past the first
    `MAX_REPEATS_ON_A_LINE` replaced by one, at the first of them, that says how many there are.
    One more than the maximum is shown as it is: "and 1 more" would say less in the same space."""
    per_line = Counter((d.path, d.line, d.rule) for d in diagnostics)
    if max(per_line.values(), default=0) <= MAX_REPEATS_ON_A_LINE + 1:
        return diagnostics
    seen: Counter[tuple[str, int, str]] = Counter()
    result = []
    for d in diagnostics:
        key = (d.path, d.line, d.rule)
        seen[key] += 1
        if seen[key] <= MAX_REPEATS_ON_A_LINE or per_line[key] == MAX_REPEATS_ON_A_LINE + 1:
            result.append(d)
        elif seen[key] == MAX_REPEATS_ON_A_LINE + 1:
            more = per_line[key] - MAX_REPEATS_ON_A_LINE
            result.append(d._replace(message=f"and {more:,} more {d.name} findings on this line", hint=None))
    return result
