"""Suppression comments, through `main(argv)`. The fixtures good-suppressions,
unused-suppression and unknown-rule-in-suppression cover each form once; these cover how
the forms combine."""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLE_PLAN, findings, run_main
from rollout_lint.markdown.document import parse_document
from rollout_lint.rules import COULD_NOT_CHECK, REGISTRY, lookup
from rollout_lint.markdown.source import Source
from rollout_lint.rules.suppressions import apply_suppressions

PLAN = EXAMPLE_PLAN.read_text()
KNOWN_ISSUES = "## Known issues\n\n- Suggestions for Ruby are slightly shorter than with Orion 2 (#456801).\n"
EMPTY_KNOWN_ISSUES = "## Known issues\n\n<!-- nothing yet -->\n"
LEGAL_NOTES = "## Legal notes\n\n"
# Line numbers in the example plan: an instruction added under Legal notes is on line 33,
# the Known issues heading then moves to line 37.
INSTRUCTION = "_Add legal notes here_\n\n"


def plan(*replacements: tuple[str, str]) -> str:
    text = PLAN
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def check(tmp_path: Path, text: str, *options: str) -> list[tuple[int, str]]:
    path = tmp_path / "plan.md"
    path.write_text(text)
    result = run_main("check", "--format", "json", *options, str(path))
    assert result.code in (0, 1), result
    return findings(result)


def test_the_plan_without_suppressions_has_two_findings(tmp_path: Path) -> None:
    text = plan((LEGAL_NOTES, LEGAL_NOTES + INSTRUCTION), (KNOWN_ISSUES, EMPTY_KNOWN_ISSUES))
    assert check(tmp_path, text) == [(33, "RL201"), (37, "RL203")]


def test_enable_of_one_rule_inside_a_disable_of_every_rule_checks_that_rule_again(tmp_path: Path) -> None:
    text = plan(
        (LEGAL_NOTES, "<!-- rollout-lint-disable -->\n<!-- rollout-lint-enable RL203 -->\n" + LEGAL_NOTES + INSTRUCTION),
        (KNOWN_ISSUES, EMPTY_KNOWN_ISSUES),
    )
    assert check(tmp_path, text) == [(39, "RL203")]


def test_enable_without_rules_ends_every_disable(tmp_path: Path) -> None:
    text = plan(
        (LEGAL_NOTES, "<!-- rollout-lint-disable RL201 -->\n<!-- rollout-lint-disable RL203 -->\n" + LEGAL_NOTES + INSTRUCTION),
        ("## Known issues\n", "<!-- rollout-lint-enable -->\n## Known issues\n"),
        (KNOWN_ISSUES.replace("## Known issues\n", ""), EMPTY_KNOWN_ISSUES.replace("## Known issues\n", "")),
    )
    # The RL201 disable hid the instruction; the RL203 one ended before the empty section.
    assert check(tmp_path, text) == [(32, "RL601"), (40, "RL203")]


def test_stacked_disable_next_line_comments_all_apply_to_the_same_line(tmp_path: Path) -> None:
    miscased = EMPTY_KNOWN_ISSUES.replace("Known issues", "Known Issues")
    assert check(tmp_path, plan((KNOWN_ISSUES, miscased))) == [(35, "RL104"), (35, "RL203")]
    stacked = "<!-- rollout-lint-disable-next-line RL104 -->\n<!-- rollout-lint-disable-next-line RL203 -->\n"
    assert check(tmp_path, plan((KNOWN_ISSUES, stacked + miscased))) == []


def test_a_suppression_may_span_lines_and_sit_inside_a_list(tmp_path: Path) -> None:
    text = plan(
        (LEGAL_NOTES, LEGAL_NOTES + "<!--\n  rollout-lint-disable-next-line\n  template-instruction-left\n-->\n" + INSTRUCTION),
        (KNOWN_ISSUES, "- One issue\n\n  <!-- rollout-lint-disable-next-line RL203 -->\n" + EMPTY_KNOWN_ISSUES),
    )
    assert check(tmp_path, text) == []


def test_a_comment_inside_a_paragraph_counts(tmp_path: Path) -> None:
    text = plan((LEGAL_NOTES, LEGAL_NOTES + "Signed off. <!-- rollout-lint-disable-next-line RL201 -->\n\n" + INSTRUCTION))
    assert check(tmp_path, text) == []


def test_suppressions_apply_in_template_mode(tmp_path: Path) -> None:
    template = run_main("check", "--mode", "template", "--format", "json", "-", stdin=PLAN)
    assert findings(template) == [], template
    text = "<!-- rollout-lint-disable-file RL202 -->\n" + PLAN
    assert check(tmp_path, text, "--mode", "template") == [(1, "RL601")]


def test_info_findings_about_suppressions_do_not_fail_the_run(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text("<!-- rollout-lint-disable-file -->\n" + PLAN)
    result = run_main("check", "--strict", "--format", "json", str(path))
    assert result.code == 0, result
    (finding,) = result.json()["diagnostics"]
    assert finding["name"] == "unused-suppression" and finding["severity"] == "info"
    assert finding["message"] == "'rollout-lint-disable-file' suppressed nothing"
    assert (finding["line"], finding["column"], finding["end_line"], finding["end_column"]) == (1, 1, 1, 35)


def test_unknown_rule_warnings_fail_a_strict_run(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text("<!-- rollout-lint-disable-file no-such-rule -->\n" + PLAN)
    lenient, strict = run_main("check", "--format", "concise", str(path)), run_main("check", "--strict", "--format", "concise", str(path))
    assert (lenient.code, strict.code) == (0, 1), (lenient, strict)
    warning = f"{path}:1:1: RL602 [warning] unknown rule 'no-such-rule' in 'rollout-lint-disable-file no-such-rule'\n"
    assert lenient.out == strict.out == warning, (lenient, strict)


def test_could_not_check_findings_are_never_suppressed() -> None:
    source = Source.from_text("plan.md", "<!-- rollout-lint-disable-file -->\n" + PLAN)
    unchecked = [REGISTRY[rule].finding("plan.md", "could not check") for rule in sorted(COULD_NOT_CHECK)]
    kept = apply_suppressions(parse_document(source), unchecked, lookup)
    assert [d.rule for d in kept] == [*sorted(COULD_NOT_CHECK), "RL601"]


def test_explain_documents_the_comment_syntax() -> None:
    result = run_main("explain", "unused-suppression")
    assert result.code == 0 and "<!-- rollout-lint-disable-next-line RL203 -->" in result.out
