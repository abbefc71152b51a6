"""Suppression comments (RL601, RL602) at their boundaries, through `rollout-lint check`.

The plan under test is the example plan with an empty Known issues section (RL203 at its
heading) and an instruction left under Legal notes (RL201); each case adds comments and gives
every finding that must be left, as (line, column, end column, rule, message, hint).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from conftest import EXAMPLE_PLAN
from plan_edits import plan_with
from rollout_lint import cli

KNOWN = "## Known issues\n\n- Suggestions for Ruby are slightly shorter than with Orion 2 (#456801).\n"
LEGAL = "## Legal notes\n\n"
INSTRUCTION = "_Add legal notes here_"
EMPTY_KNOWN = "## Known issues\n\n<!-- nothing yet -->\n"
PLAN = EXAMPLE_PLAN.read_text("utf-8").replace(KNOWN, EMPTY_KNOWN).replace(LEGAL, f"{LEGAL}{INSTRUCTION}\n\n")
EMPTY = ("RL203", "section 'Known issues' is empty", "write what the template's instruction asks for")
LEFT_IN = ("RL201", f"template instruction left in: '{INSTRUCTION.strip('_')}'", "replace it with the content it asks for")
LISTS_RULES = "'rollout-lint rules' lists the rule ids and names"

Finding = tuple[int, int, int, str, str, "str | None"]


def comment(text: str) -> str:
    return f"<!-- {text} -->"


def edited(*replacements: tuple[str, str]) -> str:
    """This file's plan (the example with an empty section and an instruction) so changed."""
    return plan_with(*replacements, text=PLAN)


def line_of(text: str, start: str, after: int = 0) -> int:
    """The first line after line `after` that starts with `start`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if n > after and line.startswith(start))


def empty_at(text: str) -> Finding:
    line = line_of(text, "## Known issues")
    return (line, 1, len(text.splitlines()[line - 1]) + 1, *EMPTY)


def left_in_at(text: str) -> Finding:
    return (line_of(text, INSTRUCTION), 1, len(INSTRUCTION) + 1, *LEFT_IN)


def about(text: str, written: str, rule: str, message: str, hint: str) -> Finding:
    """A finding about the comment `written`, on its whole span."""
    (line,) = [n for n, text_line in enumerate(text.splitlines(), 1) if written in text_line]
    column = text.splitlines()[line - 1].index(written) + 1
    return (line, column, column + len(written), rule, message, hint)


def no_statement_at(text: str) -> Finding:
    """RL106 for the confidentiality statement: something missing, shown at 1:1."""
    message, hint = "the confidentiality statement is missing", f"keep '{STATEMENT.strip()}' above the first heading"
    return (1, 1, 1, "RL106", message, hint)


def unused(text: str, written: str, rule: str | None = None) -> Finding:
    shown = " ".join(written.removeprefix("<!--").removesuffix("-->").split())
    if rule is None:
        return about(text, written, "RL601", f"'{shown}' suppressed nothing", "delete the comment")
    return about(text, written, "RL601", f"{rule} in '{shown}' suppressed nothing", f"delete {rule} from the comment")


def ends_nothing(text: str, written: str) -> Finding:
    shown = " ".join(written.removeprefix("<!--").removesuffix("-->").split())
    return about(text, written, "RL601", f"'{shown}' ends no rollout-lint-disable", "delete the comment")


def unknown(text: str, written: str, code: str) -> Finding:
    shown = " ".join(written.removeprefix("<!--").removesuffix("-->").split())
    return about(text, written, "RL602", f"unknown rule '{code}' in '{shown}'", LISTS_RULES)


def check(tmp_path: Path, text: str, *options: str) -> list[Finding]:
    path = tmp_path / "plan.md"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    code = cli.main(["check", "--format", "json", *options, str(path)], stdout=out)
    found: list[dict[str, Any]] = json.loads(out.getvalue())["diagnostics"]
    assert code == (1 if any(d["severity"] == "error" for d in found) else 0), found
    return [(d["line"], d["column"], d["end_column"], d["rule"], d["message"], d["hint"]) for d in found]


class Case(NamedTuple):
    id: str
    text: str
    findings: list[Finding]


def before_known(*lines: str) -> str:
    return edited(("## Known issues\n", "".join(f"{line}\n" for line in lines) + "## Known issues\n"))


NEXT_203 = comment("rollout-lint-disable-next-line RL203")
DISABLE_203 = comment("rollout-lint-disable RL203")
ENABLE_203 = comment("rollout-lint-enable RL203")
DISABLE_FILE = comment("rollout-lint-disable-file")
DISABLE_201 = comment("rollout-lint-disable RL201")
ENABLE_201 = comment("rollout-lint-enable RL201")
DISABLE = comment("rollout-lint-disable")
ENABLE = comment("rollout-lint-enable")
STATEMENT = "_The issue is marked confidential, as we'll share SAFE metrics in the comments._\n\n"


def cases() -> list[Case]:
    result = [Case("nothing suppressed", PLAN, [left_in_at(PLAN), empty_at(PLAN)])]

    def add(id: str, text: str, *findings: Any) -> None:
        """A case whose findings are the instruction left in (`left`) and the others given."""
        result.append(Case(id, text, [f(text) if callable(f) else f for f in findings]))

    # Every form of naming rules: id in any case, name, commas or spaces, none (every rule).
    for written in ("RL203", "rl203", "empty-section", "RL203,RL201", "RL201, RL203", "RL203 RL203", "RL203, empty-section", ""):
        text = before_known(comment(f"rollout-lint-disable-next-line {written}".strip()))
        extra = [unused(text, comment(f"rollout-lint-disable-next-line {written}"), "RL201")] if "RL201" in written else []
        add(f"disable-next-line {written or 'every rule'}", text, left_in_at, *extra)
    add("no space inside the comment", before_known("<!--rollout-lint-disable-next-line RL203-->"), left_in_at)
    add("over blank lines and comments", before_known(NEXT_203, "", comment("a note"), "", comment("another")), left_in_at)
    add("stacked", before_known(NEXT_203, comment("rollout-lint-disable-next-line RL104")),
        left_in_at, lambda t: unused(t, comment("rollout-lint-disable-next-line RL104")))
    add("the next line has text beside a comment", before_known(NEXT_203, comment("x") + " text"),
        left_in_at, lambda t: unused(t, NEXT_203), empty_at)
    add("nothing after it", PLAN + comment("rollout-lint-disable-next-line"), left_in_at, empty_at,
        lambda t: unused(t, comment("rollout-lint-disable-next-line")))
    # Unknown rules: reported; naming only unknown rules hides nothing.
    text = before_known(comment("rollout-lint-disable-next-line RL999"))
    add("only an unknown rule", text, left_in_at, unknown(text, comment("rollout-lint-disable-next-line RL999"), "RL999"), empty_at)
    written = comment("rollout-lint-disable-next-line RL999,  RL203 nope")
    text = before_known(written)
    add("unknown rules beside a known one", text, left_in_at, unknown(text, written, "RL999"), unknown(text, written, "nope"))
    # Look-alikes are not directives: nothing hidden, nothing reported.
    for written in ("ROLLOUT-LINT-DISABLE-NEXT-LINE RL203", "rollout-lint-disable-line RL203", "rollout-lint-disablex RL203",
                    "rollout-lint disable-next-line RL203"):
        add(f"not a directive: {written}", before_known(comment(written)), left_in_at, empty_at)
    add("in a code span", before_known(f"`{DISABLE_FILE}`", ""), left_in_at, empty_at)
    add("in a fenced code block", before_known("```", DISABLE_FILE, "```", ""), left_in_at, empty_at)
    # Regions: from the disable's line to the line before the enable.
    add("disable and enable around", before_known(DISABLE_203).replace("<!-- nothing yet -->", f"<!-- nothing yet -->\n{ENABLE_203}"),
        left_in_at)
    add("disable on the finding's line", edited(("## Known issues", f"## Known issues {DISABLE_203}")), left_in_at)
    add("enable on the finding's line", before_known(DISABLE_203).replace("## Known issues", f"## Known issues {ENABLE_203}"),
        left_in_at, lambda t: unused(t, DISABLE_203), empty_at)
    add("disable to the end of the file", before_known(DISABLE_203), left_in_at)
    add("enable of another rule", before_known(DISABLE_203, comment("rollout-lint-enable RL201")),
        left_in_at, lambda t: ends_nothing(t, comment("rollout-lint-enable RL201")))
    add("enable alone", PLAN + ENABLE_203, left_in_at, empty_at, lambda t: ends_nothing(t, ENABLE_203))
    add("enable of every rule alone", PLAN + comment("rollout-lint-enable"), left_in_at, empty_at,
        lambda t: ends_nothing(t, comment("rollout-lint-enable")))
    add("enable of every rule ends each disable",
        edited((LEGAL, comment("rollout-lint-disable RL201") + "\n" + DISABLE_203 + "\n" + LEGAL),
               ("## Known issues\n", comment("rollout-lint-enable") + "\n## Known issues\n")),
        lambda t: unused(t, DISABLE_203), empty_at)
    add("enable of one rule inside a disable of every rule",
        edited((LEGAL, comment("rollout-lint-disable") + "\n" + ENABLE_203 + "\n" + LEGAL)), empty_at)
    add("enable of one rule of two", edited((LEGAL, comment("rollout-lint-disable RL201 RL203") + "\n" + LEGAL)).replace(
        "## Known issues\n", ENABLE_203 + "\n## Known issues\n"), lambda t: unused(t, comment("rollout-lint-disable RL201 RL203"), "RL203"),
        empty_at)
    add("enable on the line after the finding", edited(("## Known issues\n", f"{DISABLE_203}\n## Known issues\n{ENABLE_203}\n")),
        left_in_at)
    add("enable of the one rule disabled: the others stay checked after it",
        edited((LEGAL, DISABLE_201 + "\n" + LEGAL), (f"{INSTRUCTION}\n", f"{INSTRUCTION}\n{ENABLE_201}\n")), empty_at)
    add("enable of one rule, then of every rule, inside a disable of every rule",
        edited((LEGAL, DISABLE + "\n" + ENABLE_203 + "\n" + LEGAL), (f"{INSTRUCTION}\n", f"{INSTRUCTION}\n{ENABLE}\n")), empty_at)
    # The next line: right after text, the last line of the file, skipping lines of comments only.
    add("right after a line of text", edited(("#321.\n\n## Known issues\n", f"#321.\n{NEXT_203}\n## Known issues\n")), left_in_at)
    add("the last line of the file", PLAN + comment("rollout-lint-disable-next-line RL504") + "\n/confidential\n", left_in_at, empty_at)
    add("over an indented comment of two lines", before_known(NEXT_203, "   <!-- a longer note", "ends here -->"), left_in_at)
    add("over two comments on one line", before_known(NEXT_203, comment("a") + " " + comment("b")), left_in_at)
    add("the next line has text before a comment", before_known(NEXT_203, "Text " + comment("x")),
        left_in_at, lambda t: unused(t, NEXT_203), empty_at)
    add("the next line ends a comment, then has text", before_known(f"Notes {NEXT_203} <!-- a", "b --> y"),
        left_in_at, lambda t: unused(t, NEXT_203), empty_at)
    # A finding on line 1 (the statement missing: RL106 at 1:1).
    no_statement = edited((STATEMENT, ""))
    add("disable-file hides a finding on line 1", no_statement + comment("rollout-lint-disable-file RL106"), left_in_at, empty_at)
    add("nothing after it, a finding on line 1", no_statement + comment("rollout-lint-disable-next-line"),
        no_statement_at, left_in_at, empty_at, lambda t: unused(t, comment("rollout-lint-disable-next-line")))
    # The whole file.
    add("disable-file", DISABLE_FILE + "\n" + PLAN)
    add("disable-file at the end", PLAN + DISABLE_FILE)
    add("disable-file of one rule", PLAN + comment("rollout-lint-disable-file RL201"), empty_at)
    add("disable-file of a rule with no finding", PLAN + comment("rollout-lint-disable-file RL104"), left_in_at, empty_at,
        lambda t: unused(t, comment("rollout-lint-disable-file RL104")))
    # The findings about suppressions are never suppressed.
    text = DISABLE_FILE + "\n" + before_known(comment("rollout-lint-disable-next-line RL999"), comment("rollout-lint-enable RL201"))
    add("disable-file does not hide RL601 or RL602", text, unknown(text, comment("rollout-lint-disable-next-line RL999"), "RL999"),
        ends_nothing(text, comment("rollout-lint-enable RL201")))
    return result


CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_suppression_boundary_leaves_exactly_its_findings(tmp_path: Path, case: Case) -> None:
    assert check(tmp_path, case.text) == sorted(case.findings)


@pytest.mark.parametrize("on_first_line", [True, False])
def test_a_finding_is_hidden_by_its_first_line(tmp_path: Path, on_first_line: bool) -> None:
    """An instruction over two lines: a disable from its second line does not hide it."""
    disable = comment("rollout-lint-disable RL201")
    first, second = ("_Add legal notes", "here_")
    first, second = (f"{first} {disable}", second) if on_first_line else (first, f"{second} {disable}")
    text = edited((f"{INSTRUCTION}\n", f"{first}\n{second}\n"))
    line = line_of(text, "_Add legal notes")
    instruction = (line, 1, len(second) + 1, "RL201", "template instruction left in: 'Add legal notes here'", LEFT_IN[2])
    expected = [empty_at(text)] if on_first_line else [instruction, unused(text, disable), empty_at(text)]
    assert check(tmp_path, text) == sorted(expected)


def test_the_findings_about_suppressions_are_selected_like_any_other(tmp_path: Path) -> None:
    text = PLAN + comment("rollout-lint-disable-file RL104 RL999")
    assert [f[3] for f in check(tmp_path, text)] == ["RL201", "RL203", "RL601", "RL602"]
    assert [f[3] for f in check(tmp_path, text, "--ignore", "RL601,RL602")] == ["RL201", "RL203"]
    assert [f[3] for f in check(tmp_path, text, "--select", "RL6")] == ["RL601", "RL602"]


def test_a_finding_about_a_suppression_names_the_section_it_is_in(tmp_path: Path) -> None:
    text = edited(("### Timeline\n", "### Timeline\n\n" + comment("rollout-lint-disable-next-line RL104") + "\n"))
    path = tmp_path / "plan.md"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    cli.main(["check", str(path)], stdout=out)
    sections = [line.strip() for line in out.getvalue().splitlines() if "= section:" in line]
    assert sections == ["= section: Legal notes", "= section: Known issues", "= section: Rollout › Timeline"]


# What the configuration makes of the findings: rules by id, prefix or name; the most specific
# `severity` entry wins, and of two as specific (an id and its name) the later.
@pytest.mark.parametrize(
    ("options", "severity", "expected"),
    [
        (["--select", "empty-section"], "", [("RL203", "error")]),
        (["--select", "RL201", "--ignore", "RL2"], "", [("RL201", "warning")]),
        (["--select", "RL2", "--ignore", "template-instruction-left"], "", [("RL203", "error")]),
        ([], 'RL2 = "warning"\nRL203 = "info"\n', [("RL201", "warning"), ("RL203", "info")]),
        ([], 'RL203 = "info"\nRL2 = "error"\n', [("RL201", "error"), ("RL203", "info")]),
        ([], 'empty-section = "info"\nRL203 = "warning"\n', [("RL201", "warning"), ("RL203", "warning")]),
        ([], 'RL203 = "warning"\nempty-section = "info"\n', [("RL201", "warning"), ("RL203", "info")]),
    ],
    ids=["select by name", "a select more specific than the ignore", "ignore by name", "prefix then id",
         "id then prefix", "name then id", "id then name"],
)
def test_the_configuration_selects_and_grades_findings_by_id_prefix_and_name(
    tmp_path: Path, options: list[str], severity: str, expected: list[tuple[str, str]]
) -> None:
    (tmp_path / ".rollout-lint.toml").write_text(f"[severity]\n{severity}", encoding="utf-8")
    path = tmp_path / "plan.md"
    path.write_text(PLAN, encoding="utf-8")
    out = io.StringIO()
    code = cli.main(["check", "--format", "json", *options, str(path)], stdout=out)
    found = json.loads(out.getvalue())["diagnostics"]
    assert [(d["rule"], d["severity"]) for d in found] == expected
    assert code == (1 if any(severity == "error" for _, severity in expected) else 0)
