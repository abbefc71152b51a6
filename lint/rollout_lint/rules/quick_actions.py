"""RL501–RL504: quick actions and labels, which GitLab runs and then strips from the description.

The schema names the required quick actions and labels (`contains`); `x-unique-scopes` allows
one label per scope, `x-duplicates` reports a quick action given twice.
"""

from __future__ import annotations

from typing import Any

from ..diagnostics import Edit
from ..markdown.document import closing_quick_actions
from .base import Failure, Failures, FixContext, KeywordCheck, Rule, template_spans_satisfying


class MissingQuickAction(Rule):
    """A required quick action is missing, such as `/confidential`.

    GitLab runs quick actions only from their own line, starting at column 0, outside code,
    comments and quotes; one written anywhere else does nothing.

    A saved issue read by `rollout-lint gitlab` has had its quick actions run and stripped:
    for it the issue's attribute is checked instead ("the issue is not confidential").

    Fixable: `--fix` appends the template's line after the quick actions that end the plan (or
    at its end).
    """

    id = "RL501"
    name = "missing-quick-action"
    fixable = True
    reports_absence = True

    @classmethod
    def fix(cls, context: FixContext) -> tuple[Edit, ...]:
        return _template_quick_action(context)


class MissingLabel(Rule):
    """A required label is not applied by any `/label` quick action.

    The template's labels put the issue on triage boards and in reports; the schema names
    those that must be applied. For a saved issue read by `rollout-lint gitlab`, the issue's
    labels are checked.

    Fixable: `--fix` appends the template's `/label` line after the quick actions that end the
    plan (or at its end).
    """

    id = "RL502"
    name = "missing-label"
    fixable = True
    reports_absence = True

    @classmethod
    def fix(cls, context: FixContext) -> tuple[Edit, ...]:
        return _template_quick_action(context)


class ConflictingScopedLabels(Rule):
    """Two labels of the same scope are applied (`type::feature` and `type::bug`).

    A scoped label's scope is the part before its last `::`; GitLab keeps only one label per
    scope, so one of the two is silently dropped.
    """

    id = "RL503"
    name = "conflicting-scoped-labels"


class DuplicateQuickAction(Rule):
    """The same quick action is given twice. Harmless, but one of them can go."""

    id = "RL504"
    name = "duplicate-quick-action"
    severity = "info"


RULES = (MissingQuickAction, MissingLabel, ConflictingScopedLabels, DuplicateQuickAction)


def check_unique_scopes(enabled: bool, labels: Any) -> Failures:
    """`x-unique-scopes`: at most one label per scope (the part before the last `::`)."""
    if not enabled or not isinstance(labels, list):
        return
    first_of_scope: dict[str, str] = {}
    for index, label in enumerate(labels):
        scope = _scope(label) if isinstance(label, str) else None
        if scope is None:
            continue
        other = first_of_scope.setdefault(scope, label)
        if other != label:
            yield Failure(
                f"labels '{other}' and '{label}' share the scope '{scope}'",
                path=(index,),
                rule=ConflictingScopedLabels.id,
                hint="GitLab keeps only one label of a scope; remove one of them",
            )


def check_duplicates(options: dict[str, Any], items: Any) -> Failures:
    """`x-duplicates`: report items whose `key` repeats an earlier item's."""
    if not isinstance(items, list):
        return
    key = options["key"]
    seen: set[Any] = set()
    for index, item in enumerate(items):
        value = item.get(key) if isinstance(item, dict) else item
        if value in seen:
            yield Failure(f"'{value}' is given more than once", path=(index,))
        seen.add(value)


KEYWORDS: dict[str, KeywordCheck] = {"x-unique-scopes": check_unique_scopes, "x-duplicates": check_duplicates}


def _scope_taken(context: FixContext, line: int) -> bool:
    """Whether a label the template's `line` applies has a scope the plan gives another label."""
    template = context.schema.template_instance
    if template is None:
        return False
    labels, spans = template[0]["labels"], template[1]
    added = {label for index, label in enumerate(labels) if spans[f"/labels/{index}"].line == line}
    scopes = {_scope(label): label for label in context.instance.get("labels", []) if _scope(label) is not None}
    return any(_scope(label) in scopes and scopes[_scope(label)] != label for label in added)


def _scope(label: str) -> str | None:
    """A scoped label's scope: the part before its last `::` (GitLab's rule); None if unscoped."""
    return label.rsplit("::", 1)[0] if "::" in label else None


def _template_quick_action(context: FixContext) -> tuple[Edit, ...]:
    """The template's line that gives the missing quick action or label, after the plan's quick
    actions that close it (or at the end, a blank line before it if text precedes it)."""
    template, spans = context.schema.template, template_spans_satisfying(context)
    if template is None or not spans:
        return ()
    document = context.document
    source = document.source
    line = template.line(spans[0].line)
    if line in {source.line(action.span.line) for action in document.quick_actions}:
        return ()  # the plan has this very line: adding it again would change nothing
    if _scope_taken(context, spans[0].line):
        return ()  # `type::feature` where the plan has `type::bug`: which one is for a person to say
    closing = closing_quick_actions(document)
    if closing is not None:
        return (Edit(closing.span.end_line + 1, 0, (line,), "quick_action", spans[0].line),)
    end = source.line_count
    blank = bool(end) and bool(source.line(end).strip())
    return (Edit(end + 1, 0, (line,), "quick_action", spans[0].line, blank_before=blank),)
