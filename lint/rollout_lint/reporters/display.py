"""What the reports for people (text, concise) show: `--quiet`, `--show-source`, `--statistics`.

The machine formats ignore these options and always hold every finding: a tool reading them
filters and counts for itself, and a report file must not depend on how verbose a person
wanted their terminal.
"""

from collections import Counter
from typing import NamedTuple

from ..diagnostics import Diagnostic

HUMAN_FORMATS = frozenset({"text", "concise"})


class DisplayOptions(NamedTuple):
    quiet: bool = False  # only the findings that fail the run, and no summary line
    strict: bool = False  # warnings fail the run too, so --quiet shows them
    show_source: bool = True  # text: the source line and caret under each finding
    statistics: bool = False  # a count per rule after the findings
    verbose: bool = False  # the files skipped as not rollout plans, each with why

    def shows(self, diagnostic: Diagnostic) -> bool:
        return not self.quiet or diagnostic.fails(self.strict)


class ShownFindings:
    """The findings a report for people shows, counted per rule for `--statistics`."""

    def __init__(self, options: DisplayOptions) -> None:
        self.options = options
        self.per_rule: Counter[tuple[str, str]] = Counter()  # (rule id, name) -> findings shown
        self.fixed_by_rule: set[str] = set()  # rules with a finding shown that `--fix` fixes

    def of(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        shown = [d for d in diagnostics if self.options.shows(d)]
        self.per_rule.update((d.rule, d.name) for d in shown)
        self.fixed_by_rule.update(d.rule for d in shown if d.fix)
        return shown

    def statistics(self) -> list[str]:
        """`count  RULE  name  [*]` lines as `ruff --statistics` writes them: the most frequent
        rule first, then by id; `[*]` marks a rule `--fix` fixes findings of. None without findings."""
        if not self.options.statistics or not self.per_rule:
            return []
        rows = sorted(self.per_rule.items(), key=lambda row: (-row[1], row[0]))
        count_width = len(str(rows[0][1]))
        name_width = max(len(name) for (_, name), _ in rows)
        return [
            f"{count:>{count_width}}  {rule}  {name:<{name_width}}  {'[*]' if rule in self.fixed_by_rule else ''}".rstrip()
            for (rule, name), count in rows
        ]
