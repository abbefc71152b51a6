"""Suppression comments: `<!-- rollout-lint-disable RL203 -->` and friends, as in markdownlint.

    <!-- rollout-lint-disable [RULES] -->            from here to a matching enable, or the end
    <!-- rollout-lint-enable [RULES] -->             ends those disables (all of them without RULES)
    <!-- rollout-lint-disable-next-line [RULES] -->  the next line that is not blank or only comments
    <!-- rollout-lint-disable-file [RULES] -->       the whole file

RULES are ids or names, separated by commas or spaces; none means every rule. Only comments
the Document found count, so an example of the syntax in code or a code span does nothing.
Suppressions are applied once, to a file's finished findings; each finding hides by its
first line. A suppression that hid nothing, and an unknown rule in one, are findings too.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

from collections.abc import Callable

from ..diagnostics import Diagnostic, breadcrumb
from ..markdown.document import Comment, Document
from .base import Rule
from .files import COULD_NOT_CHECK

class UnusedSuppression(Rule):
    """A suppression comment suppressed nothing, or an enable comment had nothing to end.

    `<!-- rollout-lint-disable-next-line RL203 -->` hides the findings of the next non-blank
    line; `<!-- rollout-lint-disable RL203 -->` those up to `<!-- rollout-lint-enable RL203 -->`
    (or the end of the file); `<!-- rollout-lint-disable-file -->` those of the whole file.
    Without rule ids they hide every rule. A suppression left behind after the problem was
    fixed would hide the next one unseen: delete it.
    """

    id = "RL601"
    name = "unused-suppression"
    severity = "info"


class UnknownRuleInSuppression(Rule):
    """A suppression comment names a rule that does not exist.

    Name rules by id (`RL203`) or name (`empty-section`), separated by commas or spaces;
    `rollout-lint rules` lists them. A suppression naming only unknown rules hides nothing.
    """

    id = "RL602"
    name = "unknown-rule-in-suppression"
    severity = "warning"


RULES = (UnusedSuppression, UnknownRuleInSuppression)
# Finds a rule by id or name: the registry's, given by the checker (the registry is built from
# the rule modules, this one among them).
Lookup = Callable[[str], "type[Rule] | None"]

_DIRECTIVE = re.compile(r"rollout-lint-(disable-next-line|disable-file|disable|enable)(?![\w-])(.*)", re.DOTALL)
_EVERY_RULE = "*"
# A could-not-check finding means the file was not checked; hiding it would pass the file
# unchecked. The suppression rules are about the comments themselves.
_NEVER_SUPPRESSED = COULD_NOT_CHECK | {UnusedSuppression.id, UnknownRuleInSuppression.id}


# Plain classes, not dataclasses: this module is imported on every run, and a dataclass
# costs ~0.4 ms to define.
class _Directive:
    __slots__ = ("comment", "kind", "rule_ids", "unknown", "used")

    def __init__(self, comment: Comment, kind: str, rule_ids: list[str], unknown: list[str]) -> None:
        self.comment = comment
        self.kind = kind
        self.rule_ids = rule_ids  # known rules named; [_EVERY_RULE] when none were named
        self.unknown = unknown
        self.used: set[str] = set()  # of `rule_ids`

    @property
    def shown(self) -> str:
        return " ".join(self.comment.text.split())


class _Region:
    """Lines `first`..`last` where `owner` hides `rule` (every rule but `exempt`, for `*`)."""

    __slots__ = ("owner", "rule", "first", "last", "exempt")

    def __init__(
        self, owner: _Directive, rule: str, first: int, last: int = sys.maxsize, exempt: frozenset[str] = frozenset()
    ) -> None:
        self.owner = owner
        self.rule = rule
        self.first = first
        self.last = last
        self.exempt = exempt

    def hides(self, diagnostic: Diagnostic) -> bool:
        if not self.first <= diagnostic.line <= self.last:
            return False
        if self.rule == _EVERY_RULE:
            return diagnostic.rule not in self.exempt
        return diagnostic.rule == self.rule


def apply_suppressions(document: Document, diagnostics: list[Diagnostic], lookup: Lookup) -> list[Diagnostic]:
    """The findings no suppression hides, plus the findings about the suppressions, sorted."""
    directives = list(_directives(document, lookup))
    if not directives:
        return diagnostics
    regions, reports = _regions(document, directives)
    kept: list[Diagnostic] = []
    for diagnostic in diagnostics:
        hiding = [] if diagnostic.rule in _NEVER_SUPPRESSED else [r for r in regions if r.hides(diagnostic)]
        for region in hiding:
            region.owner.used.add(region.rule)
        if not hiding:
            kept.append(diagnostic)
    for directive in directives:
        if directive.kind != "enable":
            reports.extend(_unused_reports(document, directive))
        for code in directive.unknown:
            message = f"unknown rule '{code}' in '{directive.shown}'"
            hint = "'rollout-lint rules' lists the rule ids and names"
            reports.append(_report(document, directive, UnknownRuleInSuppression, message, hint))
    return sorted([*kept, *reports], key=Diagnostic.sort_key)


def _unused_reports(document: Document, directive: _Directive) -> Iterator[Diagnostic]:
    unused = [rule for rule in directive.rule_ids if rule not in directive.used]
    if unused and unused == directive.rule_ids:
        message = f"'{directive.shown}' suppressed nothing"
        yield _report(document, directive, UnusedSuppression, message, "delete the comment")
        return
    for rule in unused:
        message = f"{rule} in '{directive.shown}' suppressed nothing"
        yield _report(document, directive, UnusedSuppression, message, f"delete {rule} from the comment")


def _directives(document: Document, lookup: Lookup) -> Iterator[_Directive]:
    for comment in document.comments:
        match = _DIRECTIVE.fullmatch(comment.text)
        if not match:
            continue
        codes = match[2].replace(",", " ").split()
        named = {code: lookup(code) for code in codes}
        # `RL203, empty-section` names one rule twice.
        known = list(dict.fromkeys(rule.id for rule in named.values() if rule is not None))
        unknown = [code for code, rule in named.items() if rule is None]
        # Naming only unknown rules must not widen the suppression to every rule.
        yield _Directive(comment, match[1], known if codes else [_EVERY_RULE], unknown)


def _regions(document: Document, directives: list[_Directive]) -> tuple[list[_Region], list[Diagnostic]]:
    """Where each directive hides what; and a finding for each enable that ended nothing."""
    regions: list[_Region] = []
    open_regions: list[_Region] = []
    reports: list[Diagnostic] = []
    comment_only = _comment_only_lines(document)
    for directive in directives:
        line = directive.comment.span.line
        if directive.kind == "disable":
            opened = [_Region(directive, rule, line) for rule in directive.rule_ids]
            regions.extend(opened)
            open_regions.extend(opened)
        elif directive.kind == "enable":
            ended = _enable(directive, line, open_regions, regions)
            if not ended and directive.rule_ids:
                message = f"'{directive.shown}' ends no rollout-lint-disable"
                reports.append(_report(document, directive, UnusedSuppression, message, "delete the comment"))
        else:
            first, last = 1, sys.maxsize
            if directive.kind == "disable-next-line":
                first = last = _next_content_line(document, directive.comment.span.end_line, comment_only)
            regions.extend(_Region(directive, rule, first, last) for rule in directive.rule_ids)
    return regions, reports


def _enable(directive: _Directive, line: int, open_regions: list[_Region], regions: list[_Region]) -> bool:
    """End the open regions `directive` names; whether it ended any."""
    if not directive.rule_ids:
        return False
    every = directive.rule_ids == [_EVERY_RULE]
    ended = False
    for region in list(open_regions):
        if not (every or region.rule == _EVERY_RULE or region.rule in directive.rule_ids):
            continue
        region.last = line - 1
        open_regions.remove(region)
        ended = True
        if region.rule == _EVERY_RULE and not every:
            # `enable RL203` inside `disable` (every rule): only RL203 is checked again.
            rest = _Region(region.owner, _EVERY_RULE, line, exempt=region.exempt | set(directive.rule_ids))
            regions.append(rest)
            open_regions.append(rest)
    return ended


def _next_content_line(document: Document, after: int, comment_only: set[int]) -> int:
    """The first line after `after` that is not blank or only comments; 0 if there is none.

    Skipping comments lets several disable-next-line comments stack above one line.
    """
    source = document.source
    for number in range(after + 1, source.line_count + 1):
        if source.line(number).strip() and number not in comment_only:
            return number
    return 0


def _comment_only_lines(document: Document) -> set[int]:
    source = document.source
    remaining: dict[int, str] = {}
    for comment in document.comments:
        span = comment.span
        for number in range(span.line, span.end_line + 1):
            text = remaining.get(number, source.line(number))
            start = span.column if number == span.line else 1
            end = span.end_column if number == span.end_line else len(text) + 1
            remaining[number] = text[: start - 1] + " " * (end - start) + text[end - 1 :]
    return {number for number, text in remaining.items() if not text.strip()}


def _report(document: Document, directive: _Directive, rule: type[Rule], message: str, hint: str) -> Diagnostic:
    span = directive.comment.span
    section = breadcrumb(document.section_at(span.line).path)
    position = (span.line, span.column, span.end_line, span.end_column)
    return rule.finding(document.source.path, message, position, hint, section)
