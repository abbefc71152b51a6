"""Rule selectors, as ruff has them: a rule id (`RL101`), an id prefix (`RL1`, `RL`) or a rule name.

Where a select and an ignore both match a rule, the more specific one wins (`select = ["RL304"]`
keeps RL304 despite `ignore = ["RL3"]`); at equal specificity the ignore wins. A rule name is as
specific as its id.
"""

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import NamedTuple

from ..diagnostics import Diagnostic, Severity
from . import BY_NAME, COULD_NOT_CHECK, REGISTRY

ALL_RULES = ("RL",)


class Selection(NamedTuple):
    """What the settings of a file make of its findings."""

    enabled: frozenset[str]  # rule ids
    severity: Mapping[str, Severity]  # rule id -> severity, where it is not the rule's own


def apply_selection(diagnostics: list[Diagnostic], selection: Selection) -> list[Diagnostic]:
    """The findings of the rules `selection` turns on, with the severity it gives them."""
    kept = []
    for diagnostic in diagnostics:
        if diagnostic.rule in COULD_NOT_CHECK:
            # Never ignored or downgraded: the file was not checked, and a run that could not
            # check a file must not end looking clean.
            kept.append(diagnostic)
        elif diagnostic.rule in selection.enabled:
            severity = selection.severity.get(diagnostic.rule, diagnostic.severity)
            kept.append(diagnostic if severity == diagnostic.severity else diagnostic._replace(severity=severity))
    return kept


def rules_matching(selector: str) -> dict[str, int]:
    """Each rule id `selector` matches, with how specific the match is; empty for an unknown selector."""
    rule = BY_NAME.get(selector)
    if rule is not None:
        return {rule.id: len(rule.id)}
    # Ids in any case, as `rollout-lint explain` takes them.
    code = selector.upper()
    if not code.startswith("RL"):
        return {}
    return {rule_id: len(code) for rule_id in REGISTRY if rule_id.startswith(code)}


def first_unknown(selectors: Iterable[str]) -> str | None:
    return next((selector for selector in selectors if not rules_matching(selector)), None)


def split_option(values: Iterable[str] | None) -> tuple[str, ...] | None:
    """`--select RL1,RL2 --select RL3` as selectors; None if the option was not given."""
    if values is None:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


@lru_cache(maxsize=None)
def select_rules(select: tuple[str, ...], ignore: tuple[str, ...]) -> frozenset[str]:
    """The ids of the rules that `select` and `ignore` leave on."""

    def specificity(selectors: tuple[str, ...], rule_id: str) -> int:
        return max((rules_matching(selector).get(rule_id, 0) for selector in selectors), default=0)

    return frozenset(rule_id for rule_id in REGISTRY if specificity(select, rule_id) > specificity(ignore, rule_id))


def resolve_severities(table: Mapping[str, Severity]) -> dict[str, Severity]:
    """Rule id -> severity from a selector -> severity table; the most specific selector wins, then the later."""
    chosen: dict[str, tuple[int, Severity]] = {}
    for selector, severity in table.items():
        for rule_id, weight in rules_matching(selector).items():
            if weight >= chosen.get(rule_id, (0, severity))[0]:
                chosen[rule_id] = (weight, severity)
    return {rule_id: severity for rule_id, (_, severity) in chosen.items()}
