"""Every rule against its fixtures: `fixtures/<mode>/<case>.md` and the findings it must give,
one `LINE RULE` per line, in `<case>.expected` (empty for a passing fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLE_PLAN, FIXTURES, findings, run_main
from rollout_lint.rules import REGISTRY

CASES = sorted([*FIXTURES.glob("issue/*.md"), *FIXTURES.glob("template/*.md")])
# Rules proven elsewhere: file-level problems in test_bad_input, RL100 in test_schema_findings.
RULES_WITH_OWN_TESTS = {"RL000", "RL001", "RL002", "RL003", "RL004", "RL005", "RL100"}


def expected_findings(case: Path) -> list[tuple[int, str]]:
    lines = case.with_suffix(".expected").read_text().split("\n")
    return [(int(line.split()[0]), line.split()[1]) for line in lines if line.strip()]


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.parent.name}/{case.stem}")
def test_fixture_gives_exactly_its_expected_findings(case: Path) -> None:
    mode = case.parent.name
    result = run_main("check", "--mode", mode, "--format", "json", str(case))
    expected = expected_findings(case)
    assert findings(result) == expected, result
    has_errors = any(REGISTRY[rule].severity == "error" for _, rule in expected)
    assert result.code == (1 if has_errors else 0), result


def test_every_rule_has_a_failing_fixture() -> None:
    covered = {rule for case in CASES for _, rule in expected_findings(case)}
    assert set(REGISTRY) - RULES_WITH_OWN_TESTS <= covered


def test_every_rule_has_a_passing_fixture() -> None:
    # The example plan passes every rule; so does each good-* variant.
    result = run_main("check", "--mode", "issue", "--format", "json", str(EXAMPLE_PLAN), *map(str, FIXTURES.glob("issue/good-*.md")))
    assert result.code == 0 and result.json()["diagnostics"] == [], result


def test_a_rule_is_marked_fixable_exactly_when_it_has_a_fix() -> None:
    """`rollout-lint rules` and the README's `[*]` column say what the rule modules do."""
    from rollout_lint.rules.base import Rule

    assert {rule.id for rule in REGISTRY.values() if rule.fixable} == {
        rule.id for rule in REGISTRY.values() if rule.fix.__func__ is not Rule.fix.__func__  # type: ignore[attr-defined]
    }
