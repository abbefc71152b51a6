"""RL301–RL304 at their boundaries, through `rollout-lint check` as a user runs it.

Each case changes the example plan in one place and lists every finding the plan must then give:
line, column, rule and message. Every documented link form and text that is not a link; an empty
required link, an empty recommended one and "n/a"; each table missing or with other columns; each
row of the resource table and each audience of the timeline missing, renamed or moved.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import NamedTuple

import pytest

from plan_edits import LINES, Finding, check, line_of, plan_with
from rollout_lint import cli

class Case(NamedTuple):
    id: str
    changes: tuple[tuple[str, str], ...]
    findings: list[Finding]


# --- RL303: the Feature Flag Rollout Issue must link the issue --------------------------------

FLAG_ROW = "| Feature Flag Rollout Issue | gitlab-org/gitlab#456789 |"
FLAG_LINE = line_of(FLAG_ROW)
FLAG_CELL = len("| Feature Flag Rollout Issue | ") + 1


def flag_link(written: str, *findings: tuple[str, str], column: int = FLAG_CELL) -> Case:
    return Case(f"link: {written}", ((FLAG_ROW, f"| Feature Flag Rollout Issue | {written} |"),),
                [(FLAG_LINE, column, rule, message) for rule, message in findings])


def not_a_link(written: str) -> tuple[str, str]:
    return ("RL303", f"'{written}' is not a link to an issue")


def links(written: str, found: str) -> tuple[str, str]:
    return ("RL303", f"'{written}' links {found}, not an issue")


EMPTY_LINK = ("RL303", "the Feature Flag Rollout Issue link is empty")

ISSUE_LINKS = [
    # GitLab references to an issue: in this project, another, a nested group
    "#123", "#1", "gitlab-org/gitlab#456789", "gitlab#12", "gitlab-org/sub.group/my-project#7", "group_1/project_2#3",
    # a reference that shows the title or summary (GitLab's `+` and `+s`)
    "#123+", "#123+s", "gitlab-org/gitlab#456789+", "gitlab-org/gitlab#456789+s", "group/project#123+",
    # issue URLs on any host, bare and as autolinks, with anchors, queries, `+`/`+s`, the older route
    "https://gitlab.com/gitlab-org/gitlab/-/issues/456789", "http://gitlab.example.com/group/project/-/issues/1",
    "https://gitlab.com/gitlab-org/gitlab/-/issues/456789#note_1", "https://gitlab.com/x/-/issues/1?a=b&c=d",
    "https://gitlab.com/gitlab-org/gitlab/-/issues/456789+", "https://gitlab.com/gitlab-org/gitlab/-/issues/456789+s",
    "<https://gitlab.com/gitlab-org/gitlab/-/issues/456789>", "https://gitlab.com/gitlab-org/gitlab/issues/12",
    "https://gitlab.com/gitlab-org/gitlab/-/work_items/12", "https://gitlab.com/gitlab-org/gitlab/-/issues/456789/",
    # links, to a URL or a reference, with a title
    "[FF rollout](https://gitlab.com/gitlab-org/gitlab/-/issues/456789)", "[#456789](https://gitlab.com/x/-/issues/1)",
    '[text](https://gitlab.com/x/-/issues/1 "the rollout issue")', "[the issue](#123)",
    # text beside the link: a flag name, words, punctuation, a second link
    "`code_generation_claude_3_5_sonnet_v2` — https://gitlab.com/gitlab-org/gitlab/-/issues/499876",
    "see #123", "#1, #2", "#123 and #124", "gitlab-org/gitlab#456789.", "(#123)", "https://gitlab.com/x/-/issues/1.",
    "!12 (the MR) and #123 (the issue)", "[MR](https://gitlab.com/x/-/merge_requests/3), [issue](https://gitlab.com/x/-/issues/4)",
    # a comment beside the link is not part of the cell
    "#123 <!-- Required. -->", "<!-- Required. --> https://gitlab.com/x/-/issues/1",
]

NOT_LINKS = [
    "the rollout issue", "n/a", "TBD", "none yet", "#", "# 123", "#abc", "123", "issue 123", "#-1",
    "https://", "http:/gitlab.com/x", "ftp://gitlab.com/x", "gitlab.com/gitlab-org/gitlab/-/issues/1",
    "<gitlab.com/x>", "[text]()", "[text]", "[text][ref]", "[text](gitlab.com/x)",
    "`#123`", "`https://gitlab.com/x/-/issues/1`",  # code is not linked by GitLab
    "#123+x", "#123++",
]

# A link, but not to an issue: the message says what it links.
WRONG_KINDS = [
    ("!123", "a merge request"), ("gitlab-org/gitlab!123", "a merge request"),
    ("https://gitlab.com/gitlab-org/gitlab/-/merge_requests/1", "a merge request"),
    ("https://gitlab.com/x/-/merge_requests/1/diffs", "a merge request"),
    ("&123", "an epic"), ("gitlab-org&123", "an epic"), ("&123+", "an epic"),
    ("https://gitlab.com/groups/gitlab-org/-/epics/12", "an epic"),
    ("https://gitlab.com/groups/gitlab-org/-/work_items/12", "an epic"),
    ("https://example.com", "a page on example.com"), ("[](https://gitlab.com/x)", "a page on gitlab.com"),
    ("https://gitlab.com/x y", "a page on gitlab.com"), ("[text](https://x", "a page on x"),
    ("https://gitlab.com/gitlab-org/gitlab/-/issues", "a page on gitlab.com"),
    ("https://gitlab.com/gitlab-org/gitlab/-/issues/new", "a page on gitlab.com"),
    ("`#123` https://gitlab.com/x/-/merge_requests/2", "a merge request"),
]

LINK_CASES = [
    *(flag_link(written) for written in ISSUE_LINKS),
    *(flag_link(written, not_a_link(written)) for written in NOT_LINKS),
    *(flag_link(written, links(written, found)) for written, found in WRONG_KINDS),
    flag_link("", EMPTY_LINK, column=FLAG_CELL - 1),
    flag_link("<!-- Required. -->", EMPTY_LINK),
    flag_link("???", ("RL202", "unfilled placeholder '???'")),
    Case("link: no cell", ((FLAG_ROW, "| Feature Flag Rollout Issue |"),), [(FLAG_LINE, 1, *EMPTY_LINK)]),
    Case("only the flag row's link is required", (("| Model | https://docs.example.com/models/orion-3 |",
                                                   "| Model | the model card |"),), []),
]


# --- RL304: recommended links; the Model link is optional --------------------------------------

EPIC_ROW = "| Epic or Issue | &1234 |"
STATUS_ROW = "| Status updates | https://gitlab.com/gitlab-org/gitlab/-/issues/456790 |"
MODEL_ROW = "| Model | https://docs.example.com/models/orion-3 |"


def recommended(row: str, written: str, *findings: Finding) -> Case:
    name = row.split("|")[1].strip()
    return Case(f"{name}: {written!r}", ((row, f"| {name} | {written} |"),), list(findings))


def empty(row: str, column: int) -> Finding:
    name = row.split("|")[1].strip()
    return (line_of(row), column, "RL304", f"the recommended '{name}' link is empty")


RECOMMENDED_CASES = [
    recommended(EPIC_ROW, "", empty(EPIC_ROW, len("| Epic or Issue | "))),
    recommended(EPIC_ROW, "<!-- We recommended creating an epic -->", empty(EPIC_ROW, len("| Epic or Issue | ") + 1)),
    recommended(EPIC_ROW, "n/a"),
    recommended(EPIC_ROW, "none: a small change"),  # anything written will do: it is not required to link
    recommended(EPIC_ROW, "x"),  # one character is written: not empty (the schema's minLength 1)
    recommended(EPIC_ROW, "&1"),
    recommended(STATUS_ROW, "", empty(STATUS_ROW, len("| Status updates | "))),
    recommended(STATUS_ROW, "<!-- Optional, but recommended. -->", empty(STATUS_ROW, len("| Status updates | ") + 1)),
    recommended(STATUS_ROW, "n/a"),
    recommended(MODEL_ROW, ""),
    recommended(MODEL_ROW, "<!-- Optional. -->"),
    Case("Epic or Issue: no cell", ((EPIC_ROW, "| Epic or Issue |"),), [empty(EPIC_ROW, 1)]),
]


# --- RL301, RL302: the resource table ---------------------------------------------------------

RESOURCE_HEADER = "| Resource | Links |\n| -------------- | - |"
RESOURCE_LINE = line_of("| Resource | Links |")
RESOURCE_TABLE = "\n".join(LINES[RESOURCE_LINE - 1 : RESOURCE_LINE + 5])
RESOURCE_COLUMNS = (RESOURCE_LINE, 1, "RL301", "the resource table's columns are not 'Resource | Links'")
RESOURCE_MISSING = (line_of("## Overview"), 1, "RL301", "the resource table ('| Resource | Links |') is missing")
ROWS = ["Model", "Epic or Issue", "Feature Flag Rollout Issue", "Status updates"]


def no_row(name: str) -> Finding:
    return (RESOURCE_LINE, 1, "RL302", f"the resource table has no '{name}' row")


def row_named(name: str, written: str) -> Case:
    return Case(f"row {name!r} written {written!r}", ((f"| {name} |", f"| {written} |"),), [no_row(name)])


RESOURCE_CASES = [
    Case("no resource table", ((RESOURCE_TABLE + "\n", ""),), [RESOURCE_MISSING]),
    Case("the resource table in another section", ((RESOURCE_TABLE + "\n", ""), ("Legal approved", RESOURCE_TABLE + "\n\nLegal approved")),
         [RESOURCE_MISSING]),
    Case("the resource table as a list", ((RESOURCE_TABLE, "- Model: https://docs.example.com/models/orion-3"),),
         [RESOURCE_MISSING]),
    Case("a column renamed", (("| Resource | Links |", "| Resource | Link |"),), [RESOURCE_COLUMNS]),
    Case("the first column renamed", (("| Resource | Links |", "| Resources | Links |"),),
         [RESOURCE_COLUMNS, *(no_row(name) for name in ROWS)]),
    Case("columns in lower case", (("| Resource | Links |", "| resource | links |"),),
         [RESOURCE_COLUMNS, *(no_row(name) for name in ROWS)]),
    Case("a column more", ((RESOURCE_HEADER, "| Resource | Links | Notes |\n| - | - | - |"),), [RESOURCE_COLUMNS]),
    Case("columns swapped", (("| Resource | Links |", "| Links | Resource |"),),
         [RESOURCE_COLUMNS, *(no_row(name) for name in ROWS)]),
    *(Case(f"no {name!r} row", ((next(line for line in LINES if line.startswith(f"| {name} |")) + "\n", ""),),
           [no_row(name)]) for name in ROWS),
    *(row_named(name, name.lower()) for name in ROWS),
    row_named("Model", "Models"),
    row_named("Epic or Issue", "Epic"),
    row_named("Feature Flag Rollout Issue", "Feature Flag Rollout"),
    row_named("Status updates", "Status"),
    Case("rows in another order", ((RESOURCE_TABLE, "\n".join([*RESOURCE_TABLE.splitlines()[:2],
                                                                 *reversed(RESOURCE_TABLE.splitlines()[2:])])),), []),
    Case("a row more", ((MODEL_ROW, MODEL_ROW + "\n| Runbook | https://runbooks.example.com/orion |"),), []),
    Case("a row twice", ((MODEL_ROW, MODEL_ROW + "\n" + MODEL_ROW),), []),
    Case("a row's name with spaces around it", (("| Model |", "|   Model   |"),), []),
]


# --- RL301, RL302: the timeline table ---------------------------------------------------------

TIMELINE_HEADER = "| Date | Audience | Status |\n|------|----------|--------|"
TIMELINE_LINE = line_of("| Date | Audience | Status |")
TIMELINE_COLUMNS = (TIMELINE_LINE, 1, "RL301", "the timeline table's columns are not 'Date | Audience | Status'")
TIMELINE_MISSING = (line_of("### Timeline"), 1, "RL301", "the timeline table ('| Date | Audience | Status |') is missing")
FOUR_ROWS = (TIMELINE_LINE, 1, "RL302", "the timeline table needs a row for each of the template's 4 audiences")
STAGES = LINES[TIMELINE_LINE + 1 : TIMELINE_LINE + 5]
AUDIENCES = [row.split("|")[2].strip() for row in STAGES]
AUDIENCE_CELL = len("| 2026-10-01 | ") + 1


def audience(index: int, written: str) -> Finding:
    """RL302 at the `index`th stage (0-based): its audience is `written`, not the template's."""
    return (TIMELINE_LINE + 2 + index, AUDIENCE_CELL, "RL302",
            f"expected the audience '{AUDIENCES[index]}' here, not '{written}'")


def timeline(*rows: str) -> tuple[tuple[str, str]]:
    return (("\n".join(STAGES), "\n".join(rows)),)


TIMELINE_CASES = [
    Case("no timeline table", ((TIMELINE_HEADER + "\n" + "\n".join(STAGES) + "\n", ""),), [TIMELINE_MISSING]),
    Case("the date column renamed", (("| Date | Audience | Status |", "| Day | Audience | Status |"),), [TIMELINE_COLUMNS]),
    Case("the audience column renamed", (("| Date | Audience | Status |", "| Date | Who | Status |"),),
         [TIMELINE_COLUMNS]),
    Case("the status column renamed", (("| Date | Audience | Status |", "| Date | Audience | State |"),),
         [TIMELINE_COLUMNS]),
    Case("a column more", ((TIMELINE_HEADER, "| Date | Audience | Status | Owner |\n|---|---|---|---|"),),
         [TIMELINE_COLUMNS]),
    Case("a column less", ((TIMELINE_HEADER, "| Date | Audience |\n|---|---|"),), [TIMELINE_COLUMNS]),
    *(Case(f"audience {index + 1} renamed", ((f"| {name} |", f"| {name}! |"),), [audience(index, f"{name}!")])
      for index, name in enumerate(AUDIENCES)),
    *(Case(f"audience {index + 1} in other case", ((f"| {name} |", f"| {name.upper()} |"),),
           [audience(index, name.upper())]) for index, name in enumerate(AUDIENCES)),
    Case("an audience with more spaces around it", ((f"| {AUDIENCES[1]} |", f"|   {AUDIENCES[1]}   |"),), []),
    Case("the last stage missing", timeline(*STAGES[:3]), [FOUR_ROWS]),
    Case("the first stage missing", timeline(*STAGES[1:]),
         [FOUR_ROWS, *(audience(index, AUDIENCES[index + 1]) for index in range(3))]),
    Case("the second stage missing", timeline(STAGES[0], *STAGES[2:]),
         [FOUR_ROWS, audience(1, AUDIENCES[2]), audience(2, AUDIENCES[3])]),
    Case("the third stage missing", timeline(*STAGES[:2], STAGES[3]), [FOUR_ROWS, audience(2, AUDIENCES[3])]),
    Case("one stage only", timeline(STAGES[0]), [FOUR_ROWS]),
    Case("no stage", timeline(), [FOUR_ROWS]),
    Case("two stages swapped", timeline(STAGES[1], STAGES[0], *STAGES[2:]),
         [audience(0, AUDIENCES[1]), audience(1, AUDIENCES[0]),
          (TIMELINE_LINE + 3, 3, "RL306", "2026-10-01 is before 2026-10-08 in an earlier row")]),
    Case("a fifth stage", timeline(*STAGES, "| 2026-11-05 | Everyone else | |"), []),
]

CASES = LINK_CASES + RECOMMENDED_CASES + RESOURCE_CASES + TIMELINE_CASES


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_table_gives_exactly_its_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: Case) -> None:
    assert check(tmp_path, capsys, plan_with(*case.changes)) == sorted(case.findings)


def test_template_mode_needs_the_tables_but_not_their_links(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A template has its tables and rows, but leaves the links and dates to the plan."""
    empty_links = plan_with((FLAG_ROW, "| Feature Flag Rollout Issue | |"), (EPIC_ROW, "| Epic or Issue | |"))
    assert check(tmp_path, capsys, empty_links, mode="template") == []
    no_model = plan_with(("| Model |", "| Models |"), (f"| {AUDIENCES[3]} |", "| Everyone |"))
    assert check(tmp_path, capsys, no_model, mode="template") == [no_row("Model"), audience(3, "Everyone")]


def test_each_finding_says_how_to_fix_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text(plan_with((FLAG_ROW, "| Feature Flag Rollout Issue | soon |"), (EPIC_ROW, "| Epic or Issue | |")),
                    encoding="utf-8")
    out = StringIO()
    cli.main(["check", "--format", "json", str(plan)], stdout=out)
    assert [(d["rule"], d["severity"], d["end_column"], d["hint"]) for d in json.loads(out.getvalue())["diagnostics"]] == [
        ("RL304", "warning", len("| Epic or Issue | ") + 1,  "add the link, or write 'n/a'"),
        ("RL303", "error", FLAG_CELL + len("soon"),
         "link the rollout issue: its URL (.../-/issues/123), '#123' or 'group/project#123'"),
    ]
    assert capsys.readouterr().err == ""
