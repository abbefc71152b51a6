"""RL501–RL504 at their boundaries, through `rollout-lint check` as a user runs it.

Each case replaces the example plan's closing quick actions and gives every finding the check
must report, as (line, column, end column, rule, message, hint), and what `--fix` then writes.
What GitLab does is the oracle: it runs `/command` only from its own line, at column 0, outside
code, comments and quotes; `/label` takes `~"a b"`, `~a`, `"a b"` and `a`; a scoped label's scope
is what comes before its last `::`, and one label per scope stays.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest

from conftest import EXAMPLE_PLAN
from plan_edits import fixed, run_json

PLAN = EXAMPLE_PLAN.read_text("utf-8")
CONFIDENTIAL = "/confidential\n"
TYPE = '/label "type::feature"\n'
MAINTENANCE = '/label "feature::maintenance"\n'
AI = '/label "AI Model Migration"\n'
QUICK_ACTIONS = CONFIDENTIAL + TYPE + MAINTENANCE + AI
BODY = PLAN.removesuffix(QUICK_ACTIONS)
FIRST = len(BODY.splitlines()) + 1  # the line of the first closing quick action
LAST_TEXT = len(BODY.rstrip("\n").splitlines())  # the plan's last line of text above them
NOT_CONFIDENTIAL = ("RL501", "the /confidential quick action is missing", "add '/confidential' on its own line at the end of the description")
SCOPE_HINT = "GitLab keeps only one label of a scope; remove one of them"

Finding = tuple[int, int, int, str, str, "str | None"]


def not_applied(label: str) -> tuple[str, str, str]:
    return ("RL502", f"the label '{label}' is not applied", f"add '/label \"{label}\"'")


def at_line(line: int, text: str, *findings: tuple[str, str, str]) -> list[Finding]:
    """Findings of something missing: shown on the whole line a person or `--fix` adds it after."""
    return [(line, 1, len(text) + 1, rule, message, hint) for rule, message, hint in findings]


def conflict(line: int, column: int, written: str, first: str, scope: str) -> Finding:
    """RL503 on the label token as `written` (its tilde and quotes too)."""
    label = written.lstrip("~").strip('"')
    message = f"labels '{first}' and '{label}' share the scope '{scope}'"
    return (line, column, column + len(written), "RL503", message, SCOPE_HINT)


def given_twice(line: int, text: str) -> Finding:
    return (line, 1, len(text) + 1, "RL504", f"'{text}' is given more than once", None)


def check(tmp_path: Path, text: str) -> list[Finding]:
    path = tmp_path / "plan.md"
    path.write_text(text, encoding="utf-8")
    code, found = run_json(str(path))
    assert code in (0, 1), found
    keys = ("line", "column", "end_column", "rule", "message", "hint")
    return [tuple(d[key] for key in keys) for d in found]  # type: ignore[misc]


class Case(NamedTuple):
    id: str
    quick_actions: str  # what ends the plan instead of its quick actions
    findings: list[Finding]
    added: str = ""  # what `--fix` appends to the plan


def last(quick_actions: str) -> tuple[int, str]:
    """The line and text of the last line of `quick_actions` once they end the plan."""
    lines = quick_actions.splitlines()
    return FIRST + len(lines) - 1, lines[-1]


CASES = [
    # Each requirement missing, one at a time: reported at the last quick action, added after it.
    Case("/confidential missing", TYPE + MAINTENANCE + AI, at_line(*last(TYPE + MAINTENANCE + AI), NOT_CONFIDENTIAL), CONFIDENTIAL),
    *[
        Case(
            f"{label} missing",
            QUICK_ACTIONS.replace(line, ""),
            at_line(*last(QUICK_ACTIONS.replace(line, "")), not_applied(label)),
            line,
        )
        for label, line in (("type::feature", TYPE), ("feature::maintenance", MAINTENANCE), ("AI Model Migration", AI))
    ],
    Case(
        "every one missing: added in the template's order",
        "",
        at_line(
            LAST_TEXT,
            BODY.rstrip("\n").splitlines()[-1],
            NOT_CONFIDENTIAL,
            not_applied("AI Model Migration"),
            not_applied("feature::maintenance"),
            not_applied("type::feature"),
        ),
        QUICK_ACTIONS,
    ),
    # Every documented form of a label, and /labels.
    Case("labels quoted with a tilde", '/confidential\n/label ~"type::feature" ~"feature::maintenance" ~"AI Model Migration"\n', []),
    Case("labels bare", "/confidential\n/label type::feature feature::maintenance\n/label ~\"AI Model Migration\"\n", []),
    Case("labels with a tilde", "/confidential\n/label ~type::feature ~feature::maintenance\n/label \"AI Model Migration\"\n", []),
    Case("/labels", '/confidential\n/labels ~type::feature\n/labels "feature::maintenance" ~"AI Model Migration"\n', []),
    # A label of several words needs quotes: unquoted, it is several labels.
    *[
        Case(
            f"several words {written}",
            f"/confidential\n/label ~type::feature ~feature::maintenance {written}\n",
            at_line(FIRST + 1, f"/label ~type::feature ~feature::maintenance {written}", not_applied("AI Model Migration")),
            AI,
        )
        for written in ("AI Model Migration", "~AI Model Migration")
    ],
    # Near labels are other labels.
    *[
        Case(
            f"type::feature written {written}",
            QUICK_ACTIONS.replace(TYPE, f"/label {written}\n"),
            at_line(*last(QUICK_ACTIONS), not_applied("type::feature")),
            TYPE,
        )
        for written in ('~"type::feature::x"', "~type", "~Type::Feature")
    ],
    # `type:: feature` has the scope `type`: which of the two is meant is for a person to say.
    Case(
        "type::feature written with a space",
        QUICK_ACTIONS.replace(TYPE, '/label ~"type:: feature"\n'),
        at_line(*last(QUICK_ACTIONS), not_applied("type::feature")),
    ),
    Case("/unlabel is no /label", QUICK_ACTIONS.replace(TYPE, "/unlabel ~type::feature\n"),
         at_line(*last(QUICK_ACTIONS), not_applied("type::feature")), TYPE),
    # Scopes: the part before the last `::`; one label per scope.
    Case(
        "two labels of one scope",
        QUICK_ACTIONS + "/label ~type::bug\n",
        [conflict(FIRST + 4, 8, "~type::bug", "type::feature", "type")],
    ),
    Case(
        "two labels of one scope, the other first",
        "/label ~type::bug\n" + QUICK_ACTIONS,
        [conflict(FIRST + 2, 8, '"type::feature"', "type::bug", "type")],
    ),
    Case(
        "three labels of one scope: each later one",
        QUICK_ACTIONS + "/label ~type::bug ~type::docs\n",
        [
            conflict(FIRST + 4, 8, "~type::bug", "type::feature", "type"),
            conflict(FIRST + 4, 19, "~type::docs", "type::feature", "type"),
        ],
    ),
    Case("a::b::c and a::b::d: the scope a::b", QUICK_ACTIONS + '/label ~"a::b::c" ~"a::b::d"\n',
         [conflict(FIRST + 4, 19, '~"a::b::d"', "a::b::c", "a::b")]),
    Case("a::b::c and a::x: scopes a::b and a", QUICK_ACTIONS + '/label ~"a::b::c" ~"a::x"\n', []),
    Case("a::b::c and a::b: scopes a::b and a", QUICK_ACTIONS + '/label ~"a::b::c" ~"a::b"\n', []),
    Case("type::feature::x beside type::feature", QUICK_ACTIONS + '/label ~"type::feature::x"\n', []),
    Case("an empty scope", QUICK_ACTIONS + '/label ~"::x" ~"::y"\n', [conflict(FIRST + 4, 15, '~"::y"', "::x", "")]),
    Case("an empty value", QUICK_ACTIONS + '/label ~"x::" ~"x::y"\n', [conflict(FIRST + 4, 15, '~"x::y"', "x::", "x")]),
    Case("the same label twice, in two forms", QUICK_ACTIONS + "/label ~type::feature\n", []),
    Case("the same unscoped label twice", QUICK_ACTIONS + "/label ~x ~x\n", []),
    # Duplicates: the same quick action, written the same, twice.
    Case("/confidential twice", QUICK_ACTIONS + CONFIDENTIAL, [given_twice(FIRST + 4, "/confidential")]),
    Case("/confidential three times", QUICK_ACTIONS + CONFIDENTIAL * 2,
         [given_twice(FIRST + 4, "/confidential"), given_twice(FIRST + 5, "/confidential")]),
    Case("a /label line twice", QUICK_ACTIONS + TYPE, [given_twice(FIRST + 4, TYPE.strip())]),
    Case("/confidential with trailing spaces twice", QUICK_ACTIONS + "/confidential   \n",
         [(FIRST + 4, 1, 17, "RL504", "'/confidential' is given more than once", None)]),
    Case("labels in another order are another action", QUICK_ACTIONS + "/label ~b ~a\n/label ~a ~b\n", []),
    # Where GitLab does not run it, it is missing.
    *[
        Case(
            f"/confidential {where}",
            written + TYPE + MAINTENANCE + AI,
            at_line(FIRST + len(written.splitlines()) + 2, AI.strip(), NOT_CONFIDENTIAL),
            CONFIDENTIAL,
        )
        for where, written in (
            ("in a quote", "> /confidential\n\n"),
            ("in a fenced code block", "```\n/confidential\n```\n"),
            ("in a comment", "<!-- /confidential -->\n"),
        )
    ],
    # A line that is not a quick action makes the block a paragraph: nothing ends the plan with
    # quick actions, so the missing one goes at the end, after a blank line.
    *[
        Case(
            f"/confidential {where}",
            written + TYPE + MAINTENANCE + AI,
            at_line(FIRST + 3, AI.strip(), NOT_CONFIDENTIAL),
            "\n" + CONFIDENTIAL,
        )
        for where, written in (("indented", " /confidential\n"), ("in a code span", "`/confidential`\n"))
    ],
    Case("/confidential amid text", "Some words.\n/confidential\nMore words.\n" + TYPE + MAINTENANCE + AI, []),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_quick_action_boundary_gives_exactly_its_findings_and_fix(tmp_path: Path, case: Case) -> None:
    text = BODY + case.quick_actions
    assert check(tmp_path, text) == sorted(case.findings)
    assert fixed(tmp_path, text) == text + case.added


class Placed(NamedTuple):
    id: str
    text: str
    fixed: str


LABELS = TYPE + MAINTENANCE + AI
PLACES = [
    Placed("after the quick actions, before a comment", BODY + LABELS + "<!-- labels -->\n", BODY + LABELS + CONFIDENTIAL + "<!-- labels -->\n"),
    Placed("text after them: at the end, after a blank line", BODY + LABELS + "\nThanks!\n", BODY + LABELS + "\nThanks!\n\n" + CONFIDENTIAL),
    Placed("blank lines at the end: no more", BODY + LABELS + "\nThanks!\n\n\n", BODY + LABELS + "\nThanks!\n\n\n" + CONFIDENTIAL),
    Placed("no final newline", BODY + LABELS.rstrip("\n"), BODY + LABELS + CONFIDENTIAL.rstrip("\n")),
]


@pytest.mark.parametrize("case", PLACES, ids=[case.id for case in PLACES])
def test_the_fix_puts_a_missing_quick_action_where_the_finding_is(tmp_path: Path, case: Placed) -> None:
    assert fixed(tmp_path, case.text) == case.fixed


def test_a_label_whose_scope_the_plan_gives_another_is_left_for_a_person(tmp_path: Path) -> None:
    text = BODY + QUICK_ACTIONS.replace(TYPE, "/label ~type::bug\n")
    assert check(tmp_path, text) == at_line(*last(QUICK_ACTIONS), not_applied("type::feature"))
    assert fixed(tmp_path, text) == text


def test_one_missing_label_is_added_beside_a_conflict_elsewhere(tmp_path: Path) -> None:
    """`feature::other` takes the scope of `feature::maintenance`, not of `type::feature`."""
    text = BODY + CONFIDENTIAL + "/label ~feature::other\n" + AI
    assert fixed(tmp_path, text) == text + TYPE


def test_quick_actions_in_template_mode_need_no_labels_twice(tmp_path: Path) -> None:
    """GitLab's template gives /confidential twice: template mode reports it as info, no more."""
    from conftest import ROOT

    path = tmp_path / "template.md"
    template = (ROOT / "schemas" / "model-rollout-plan.md").read_text("utf-8")
    path.write_text(template, encoding="utf-8")
    code, found = run_json("--mode", "template", str(path))
    line = template.splitlines().index("/confidential") + 2
    assert (code, [(d["line"], d["rule"]) for d in found]) == (0, [(line, "RL504")])


# GitLab's extractor (lib/gitlab/quick_actions/extractor.rb) matches a command's name ignoring
# case, and takes one space, not a tab, before its argument.
@pytest.mark.parametrize("written", ["/Confidential", "/CONFIDENTIAL"])
def test_gitlab_runs_a_quick_action_whatever_the_case_of_its_name(tmp_path: Path, written: str) -> None:
    assert check(tmp_path, BODY + QUICK_ACTIONS.replace("/confidential", written)) == []


def test_gitlab_does_not_run_a_quick_action_with_a_tab_before_its_argument(tmp_path: Path) -> None:
    text = BODY + QUICK_ACTIONS.replace(TYPE, '/label\t"type::feature"\n')
    assert [finding[3] for finding in check(tmp_path, text)] == ["RL502"]


def test_a_quick_action_the_template_lacks_is_reported_and_left_for_a_person(tmp_path: Path) -> None:
    """A schema of the test's own requires `/assign` and `/confidential`; its template has only
    `/confidential`, so `--fix` restores that one and has nothing to copy for the other."""
    (tmp_path / "own.md").write_text("## Summary\n\nText.\n\n/confidential\n", encoding="utf-8")
    required = [
        {"contains": {"properties": {"command": {"const": command}}, "required": ["command"]}, "x-message": f"/{command} is missing"}
        for command in ("assign", "confidential")
    ]
    schema = tmp_path / "own.schema.json"
    schema.write_text(
        json.dumps({"x-template": "own.md", "properties": {"quickActions": {"x-rule": "RL501", "allOf": required}}}), encoding="utf-8"
    )
    path = tmp_path / "plan.md"
    path.write_text("## Summary\n\nText.\n", encoding="utf-8")
    _, found = run_json("--schema", str(schema), str(path))
    keys = ("line", "column", "end_column", "rule", "message", "hint")
    assert [tuple(d[key] for key in keys) for d in found] == [
        (3, 1, 6, "RL501", "/assign is missing", None), (3, 1, 6, "RL501", "/confidential is missing", None)
    ]
    run_json("--schema", str(schema), "--fix", str(path))
    assert path.read_text("utf-8") == "## Summary\n\nText.\n\n/confidential\n"
