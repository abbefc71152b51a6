"""A second, unrelated template needs only a schema: GitLab's Bug template, checked with `--schema`.

`fixtures/schemas/bug-report.schema.json` describes `bug-report.md` (GitLab's `Bug.md`, copied
verbatim): its headings, the `type::bug` label and, in issue mode, a non-empty "Summary" and
"Steps to reproduce". Nothing in rollout_lint knows about bug reports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, SHARED, Result, needs_shared, run_main

BUG_SCHEMAS = FIXTURES / "schemas"
BUG_SCHEMA = BUG_SCHEMAS / "bug-report.schema.json"
BUG_TEMPLATE = BUG_SCHEMAS / "bug-report.md"
FILLED_REPORT = BUG_SCHEMAS / "bug-report-filled.md"
CORPUS_BUG_TEMPLATE = SHARED / "corpus" / "gitlab-templates" / "gitlabhq__gitlabhq" / "Bug.md"
ROLLOUT_TEMPLATE = SHARED / "templates" / "model-rollout-plan.md"

BUG_HEADINGS = [
    "### Summary",
    "### Steps to reproduce",
    "### Example Project",
    "### What is the current bug behavior?",
    "### What is the expected correct behavior?",
    "### Relevant logs and/or screenshots",
    "### Output of checks",
    "#### Results of GitLab environment info",
    "#### Results of GitLab application Check",
    "### Possible fixes",
]

# No "Example Project" section, nothing under "Steps to reproduce" but the template's comment,
# and no `type::bug` label.
BROKEN_REPORT = """\
### Summary

Exporting issues to CSV sends a file with only the header row.

### Steps to reproduce

<!-- Describe how one can reproduce the issue - this is very important. Please use an ordered list. -->

### What is the current *bug* behavior?

The CSV has only the header row.

### What is the expected *correct* behavior?

One row per issue.

### Relevant logs and/or screenshots

None.

### Output of checks

This bug happens on GitLab.com

#### Results of GitLab environment info

Not applicable.

#### Results of GitLab application Check

Not applicable.

### Possible fixes

Not known.

/assign @me
"""


def line_of(text: str, start: str) -> int:
    """The number of the only line of `text` that starts with `start`."""
    (number,) = [index for index, line in enumerate(text.splitlines(), 1) if line.startswith(start)]
    return number


def check(path: Path, mode: str) -> Result:
    return run_main("check", "--schema", str(BUG_SCHEMA), "--mode", mode, "--format", "json", str(path))


def reported(result: Result) -> list[tuple[int, str, str]]:
    return sorted((d["line"], d["rule"], d["message"]) for d in result.json()["diagnostics"])


def diagnostics(result: Result) -> list[dict[str, Any]]:
    return list(result.json()["diagnostics"])


@needs_shared
def test_the_fixture_template_is_gitlabs_bug_template_verbatim() -> None:
    assert BUG_TEMPLATE.read_bytes() == CORPUS_BUG_TEMPLATE.read_bytes()


def test_the_bug_template_passes_in_template_mode() -> None:
    result = check(BUG_TEMPLATE, "template")
    assert (result.code, diagnostics(result)) == (0, []), result


def test_the_bug_template_is_not_a_filled_in_report() -> None:
    """Its comments are not content: in issue mode, the required sections are empty."""
    text = BUG_TEMPLATE.read_text(encoding="utf-8")
    result = check(BUG_TEMPLATE, "issue")
    assert result.code == 1, result
    assert reported(result) == [
        (line_of(text, "### Summary"), "RL203", "section 'Summary' is empty"),
        (line_of(text, "### Steps to reproduce"), "RL203", "section 'Steps to reproduce' is empty"),
    ]


def test_a_filled_in_bug_report_passes_in_issue_mode() -> None:
    result = check(FILLED_REPORT, "issue")
    assert (result.code, diagnostics(result)) == (0, []), result


@pytest.mark.parametrize(
    ("mode", "rules"),
    [
        ("issue", {"RL101", "RL203", "RL502"}),
        # An empty section is what a template has: only issue mode requires content.
        ("template", {"RL101", "RL502"}),
    ],
)
def test_a_broken_bug_report_fails_at_each_fault(mode: str, rules: set[str], tmp_path: Path) -> None:
    report = tmp_path / "broken-bug-report.md"
    report.write_text(BROKEN_REPORT, encoding="utf-8")
    faults = [
        # A missing section is reported at the heading it should come before.
        (line_of(BROKEN_REPORT, "### What is the current"), "RL101", "missing section 'Example Project'"),
        (line_of(BROKEN_REPORT, "### Steps to reproduce"), "RL203", "section 'Steps to reproduce' is empty"),
        # A missing label is reported at the end, where quick actions go.
        (line_of(BROKEN_REPORT, "/assign"), "RL502", "the label 'type::bug' is not applied"),
    ]
    result = check(report, mode)
    assert result.code == 1, result
    assert reported(result) == sorted(fault for fault in faults if fault[1] in rules)


def test_the_missing_section_hint_says_what_to_add_where(tmp_path: Path) -> None:
    report = tmp_path / "broken-bug-report.md"
    report.write_text(BROKEN_REPORT, encoding="utf-8")
    (missing,) = [d for d in diagnostics(check(report, "issue")) if d["rule"] == "RL101"]
    assert missing["hint"] == "add '### Example Project' before this heading"


@needs_shared
def test_the_rollout_template_is_not_a_bug_report() -> None:
    result = check(ROLLOUT_TEMPLATE, "template")
    assert result.code == 1, result
    missing = {(d["message"], d["hint"]) for d in diagnostics(result) if d["rule"] == "RL101"}
    assert missing == {
        (f"missing section '{heading.lstrip('# ')}'", f"add '{heading}' at the end") for heading in BUG_HEADINGS
    }
    assert {d["rule"] for d in diagnostics(result)} == {"RL101", "RL107", "RL502"}
