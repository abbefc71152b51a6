"""Where a missing `/confidential` (RL501) or label (RL502) is reported: on the whole line that
`--fix` adds it after. That is the last quick action when quick actions end the plan (comments
may follow them, as in the template); otherwise the last line of the file that is not blank.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from conftest import EXAMPLE_PLAN, run_main

PLAN = EXAMPLE_PLAN.read_text("utf-8")
CONFIDENTIAL = "/confidential\n"
MAINTENANCE = '/label "feature::maintenance"'
AI_LABEL = '/label "AI Model Migration"'
QUICK_ACTIONS = f'{CONFIDENTIAL}/label "type::feature"\n{MAINTENANCE}\n{AI_LABEL}\n'
ANNOUNCE = "Announce in the Code Suggestions release post and in #code-suggestions on Slack."
NOT_APPLIED = "the label 'AI Model Migration' is not applied"


class Case(NamedTuple):
    id: str
    text: str
    at: str  # the line the findings point at (the first with this text)
    messages: list[str]


def quick_actions_mid_plan(quick_actions: str) -> str:
    """The plan with its quick actions moved before its last two sections."""
    return PLAN.replace(QUICK_ACTIONS, "").replace(
        "## Mitigation and Rollback Plan", f"{quick_actions}\n## Mitigation and Rollback Plan"
    )


CASES = [
    Case("a label, quick actions end the plan", PLAN.replace(f"{AI_LABEL}\n", ""), MAINTENANCE, [NOT_APPLIED]),
    Case(
        "a label, a comment after the quick actions",
        PLAN.replace(f"{AI_LABEL}\n", "<!-- Add appropriate labels -->\n"),
        MAINTENANCE,
        [NOT_APPLIED],
    ),
    Case(
        "/confidential, quick actions end the plan",
        PLAN.replace(CONFIDENTIAL, ""),
        AI_LABEL,
        ["the /confidential quick action is missing"],
    ),
    Case(
        "a label, quick actions in the middle",
        quick_actions_mid_plan(QUICK_ACTIONS.replace(f"{AI_LABEL}\n", "")),
        ANNOUNCE,
        [NOT_APPLIED],
    ),
    Case(
        "a label, blank lines at the end",
        quick_actions_mid_plan(QUICK_ACTIONS.replace(f"{AI_LABEL}\n", "")) + "\n\n \n",
        ANNOUNCE,
        [NOT_APPLIED],
    ),
    Case(
        "no quick actions at all",
        PLAN.replace(QUICK_ACTIONS, ""),
        ANNOUNCE,
        [
            "the /confidential quick action is missing",
            "the label 'type::feature' is not applied",
            "the label 'feature::maintenance' is not applied",
            NOT_APPLIED,
        ],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_a_missing_quick_action_is_reported_on_the_line_fix_adds_it_after(case: Case, tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text(case.text, encoding="utf-8")
    result = run_main("check", "--format", "json", str(plan))
    assert result.code == 1, result
    lines = case.text.splitlines()
    line = lines.index(case.at) + 1
    span = (line, 1, line, len(case.at) + 1)
    found = [
        (d["line"], d["column"], d["end_line"], d["end_column"], d["message"])
        for d in result.json()["diagnostics"]
        if d["rule"] in ("RL501", "RL502")
    ]
    assert sorted(found) == sorted((*span, message) for message in case.messages), result
    # --fix adds the missing lines there: they are the next lines that are not blank.
    fixed = run_main("check", "--fix", "--format", "concise", str(plan))
    assert (fixed.code, fixed.out) == (0, ""), fixed
    assert fixed.err == f"rollout-lint: fixed {len(case.messages)} finding{'s' if len(case.messages) > 1 else ''} in 1 file\n"
    fixed = plan.read_text("utf-8").splitlines()
    assert fixed[: line - 1] == lines[: line - 1] and fixed[line - 1] == case.at
    added = [text for text in fixed[line:] if text.strip()][: len(case.messages)]
    assert len(added) == len(case.messages) and all(text.startswith("/") for text in added), fixed[line:]


def test_the_caret_is_under_the_whole_line(tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN.replace(f"{AI_LABEL}\n", ""), encoding="utf-8")
    result = run_main("check", str(plan))
    line = PLAN.splitlines().index(MAINTENANCE) + 1
    assert f"{line} | {MAINTENANCE}\n   | {'^' * len(MAINTENANCE)}\n" in result.out, result
