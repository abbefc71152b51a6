"""RL501–RL504: quick actions and labels, which GitLab runs and then strips from the description.

The schema names the required quick actions and labels (`contains`); `x-unique-scopes` allows
one label per scope, `x-duplicates` reports a quick action given twice.
"""

from __future__ import annotations

from typing import Any

from .base import Failure, Failures, KeywordCheck, Rule


class MissingQuickAction(Rule):
    """A required quick action is missing, such as `/confidential`.

    GitLab runs quick actions only from their own line, starting at column 0, outside code,
    comments and quotes; one written anywhere else does nothing.

    Fixable: `--fix` appends the template's line after the last quick action.
    """

    id = "RL501"
    name = "missing-quick-action"
    fixable = True
    reports_absence = True


class MissingLabel(Rule):
    """A required label is not applied by any `/label` quick action.

    The template applies `type::feature`, `feature::maintenance` and `AI Model Migration`;
    triage boards and reports depend on them.

    Fixable: `--fix` appends the template's `/label` line after the last quick action.
    """

    id = "RL502"
    name = "missing-label"
    fixable = True
    reports_absence = True


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
        if not isinstance(label, str) or "::" not in label:
            continue
        scope = label.rsplit("::", 1)[0]
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
