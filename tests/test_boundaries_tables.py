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
    "https://gitlab.com\u2100x/-/issues/1",  # a host no browser can go to: NFKC makes it `gitlab.coma/cx`
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


# --- RL301, RL302, RL308, RL309: the timeline table, read by meaning ---------------------------

TIMELINE_HEADER = "| Date | Audience | Status |\n|------|----------|--------|"
TIMELINE_LINE = line_of("| Date | Audience | Status |")
TIMELINE_COLUMNS = (TIMELINE_LINE, 1, "RL301", "the timeline table has no 'Date' or no 'Audience' column")
TIMELINE_MISSING = (line_of("### Timeline"), 1, "RL301", "the timeline table ('| Date | Audience | Status |') is missing")
STAGES = LINES[TIMELINE_LINE + 1 : TIMELINE_LINE + 5]  # team, all team members, 50 %, 100 %
AUDIENCES = [row.split("|")[2].strip() for row in STAGES]
AUDIENCE_CELL = len("| 2026-10-01 | ") + 1


def skipped(stage: str) -> Finding:
    """RL309 on the table: the template's `stage` is not in the plan."""
    return (TIMELINE_LINE, 1, "RL309", f"the template's stage '{stage}' is not in the timeline")


def short_of_all(index: int, written: str) -> Finding:
    """RL309 at the `index`th row (0-based), the last: `written` does not reach all users."""
    return (TIMELINE_LINE + 2 + index, AUDIENCE_CELL, "RL309", f"the last stage, '{written}', does not reach 100% of users")


def out_of_order(index: int, message: str) -> Finding:
    return (TIMELINE_LINE + 2 + index, AUDIENCE_CELL, "RL308", message)


def timeline(*rows: str) -> tuple[tuple[str, str]]:
    return (("\n".join(STAGES), "\n".join(rows)),)


def stage(date: str, audience: str) -> str:
    return f"| {date} | {audience} | |"


TIMELINE_CASES = [
    Case("no timeline table", ((TIMELINE_HEADER + "\n" + "\n".join(STAGES) + "\n", ""),), [TIMELINE_MISSING]),
    # the table is found by its Date and Audience columns; other columns, any order, short rows
    Case("the date column renamed", (("| Date | Audience | Status |", "| Day | Audience | Status |"),), [TIMELINE_COLUMNS]),
    Case("the audience column renamed", (("| Date | Audience | Status |", "| Date | Who | Status |"),),
         [TIMELINE_COLUMNS]),
    Case("the status column renamed", (("| Date | Audience | Status |", "| Date | Audience | State |"),), []),
    Case("a column more", ((TIMELINE_HEADER, "| Date | Audience | Status | Owner |\n|---|---|---|---|"),), []),
    Case("a Notes column", ((TIMELINE_HEADER, "| Date | Audience | Status | Notes |\n|---|---|---|---|"),
                            (STAGES[0], STAGES[0] + " kick-off call |")), []),
    Case("no status column", ((TIMELINE_HEADER, "| Date | Audience |\n|---|---|"),), []),
    Case("a row without its last empty cell", ((STAGES[3], "| 2026-10-29 | 100% of all users |"),), []),
    Case("columns in another order", ((TIMELINE_HEADER + "\n" + "\n".join(STAGES), "\n".join(
        ["| Audience | Status | Date |", "|---|---|---|",
         *(f"| {row.split('|')[2].strip()} | | {row.split('|')[1].strip()} |" for row in STAGES)])),), []),
    Case("columns in another order, dates backwards", ((TIMELINE_HEADER + "\n" + "\n".join(STAGES), "\n".join(
        ["| Audience | Date |", "|---|---|", f"| {AUDIENCES[0]} | 2026-10-08 |", f"| {AUDIENCES[1]} | 2026-10-01 |",
         f"| {AUDIENCES[2]} | 2026-10-15 |", f"| {AUDIENCES[3]} | 2026-10-29 |"])),),
         [(TIMELINE_LINE + 3, len(f"| {AUDIENCES[1]} | ") + 1, "RL306", "2026-10-01 is before 2026-10-08 in an earlier row")]),
    # audiences in the plan's own words
    Case("the first team named in the plan's words",
         ((f"| {AUDIENCES[0]} |", "| Code Review team members and other stakeholders |"),), []),
    *(Case(f"audience {index + 1} in other case", ((f"| {name} |", f"| {name.upper()} |"),), [])
      for index, name in enumerate(AUDIENCES)),
    Case("an audience with more spaces around it", ((f"| {AUDIENCES[1]} |", f"|   {AUDIENCES[1]}   |"),), []),
    Case("all team members renamed", ((f"| {AUDIENCES[1]} |", "| All team members |"),), [skipped(AUDIENCES[1])]),
    Case("a share written with a space", ((f"| {AUDIENCES[2]} |", "| 50 % of all users |"),), []),
    Case("shares of other words", ((f"| {AUDIENCES[2]} |", "| 50% of users on gitlab.com |"),
                                   (f"| {AUDIENCES[3]} |", "| 100% (general availability) |")), []),
    # stages added and skipped
    Case("extra stages, ascending", timeline(*STAGES[:2], stage("2026-10-10", "10% of all users"),
                                             stage("2026-10-12", "25% of all users"), *STAGES[2:]), []),
    Case("a share twice", timeline(*STAGES[:3], stage("2026-10-20", "50% of all users"), STAGES[3]), []),
    Case("from team members to 100 %", timeline(*STAGES[:2], STAGES[3]), [skipped(AUDIENCES[2])]),
    Case("the first stage missing", timeline(*STAGES[1:]), [skipped(AUDIENCES[0])]),
    Case("the second stage missing", timeline(STAGES[0], *STAGES[2:]), [skipped(AUDIENCES[1])]),
    Case("the last stage missing", timeline(*STAGES[:3]), [short_of_all(2, AUDIENCES[2])]),
    Case("the last stage at 99 %", ((f"| {AUDIENCES[3]} |", "| 99% of all users |"),),
         [short_of_all(3, "99% of all users")]),
    Case("one stage only", timeline(STAGES[0]),
         [skipped(AUDIENCES[1]), skipped(AUDIENCES[2]), short_of_all(0, AUDIENCES[0])]),
    Case("no stage", timeline(), [(TIMELINE_LINE, 1, "RL302", "the timeline table has no stages")]),
    # the order of the stages
    Case("two team stages swapped", timeline(STAGES[1], STAGES[0], *STAGES[2:]),
         [(TIMELINE_LINE + 3, 3, "RL306", "2026-10-01 is before 2026-10-08 in an earlier row")]),
    Case("a team stage after a share", timeline(STAGES[0], stage("2026-10-08", AUDIENCES[2]),
                                                stage("2026-10-15", AUDIENCES[1]), STAGES[3]),
         [out_of_order(2, f"the team stage '{AUDIENCES[1]}' comes after '{AUDIENCES[2]}'")]),
    Case("a share below the one before", timeline(*STAGES[:2], stage("2026-10-15", "50% of all users"),
                                                  stage("2026-10-20", "25% of all users"), STAGES[3]),
         [out_of_order(3, "'25% of all users' reaches fewer users than '50% of all users' before it")]),
    Case("100 % before 50 %", timeline(*STAGES[:2], stage("2026-10-15", AUDIENCES[3]), stage("2026-10-29", AUDIENCES[2])),
         [out_of_order(3, f"'{AUDIENCES[2]}' reaches fewer users than '{AUDIENCES[3]}' before it"),
          short_of_all(3, AUDIENCES[2])]),
    Case("a team stage after 100 %", timeline(*STAGES, stage("2026-11-05", "Everyone else")),
         [out_of_order(4, f"the team stage 'Everyone else' comes after '{AUDIENCES[3]}'"),
          short_of_all(4, "Everyone else")]),
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
    assert check(tmp_path, capsys, no_model, mode="template") == sorted([
        no_row("Model"), out_of_order(3, f"the team stage 'Everyone' comes after '{AUDIENCES[2]}'"),
        short_of_all(3, "Everyone")])


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
