"""RL201–RL203 at their boundaries, through `rollout-lint check` as a user runs it.

Each case changes the example plan in one place and lists every finding the plan must then give:
line, column, rule and message. Each of the template's instructions left in, with the section's
content or alone; each placeholder shape the template has, where it counts and where it does not
(code, comments); each section that must be filled in, emptied, and what counts as content.
The instructions and sections are written out here from the template, not read from the code's
catalogue of it.
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


def heading(title: str) -> str:
    return next(line for line in LINES if line.lstrip("#").strip() == title and line.startswith("#"))


def section_body(title: str) -> str:
    """The lines under a heading, up to the next heading or the closing quick actions."""
    start = LINES.index(heading(title))
    end = next(i for i in range(start + 1, len(LINES)) if LINES[i].startswith(("#", "/")))
    return "\n".join(LINES[start + 1 : end])


# --- RL201: the template's instructions, each in the section the template puts it -------------

INSTRUCTIONS = {
    "Overview": "Briefly describe the new model. Mention why you're introducing it.",
    "Rollout success criteria": "Add a list of success criteria.",
    "Dashboard References": "This can be the acceptance rate or latency dashboards filtered to the new model. "
    "Add as many dashboards as is relevant.",
    "Legal notes": "Add legal notes here",
    "Known issues": "List the issues identified throughout the evaluation, implementation, and rollout of the model.",
    "Timeline": "Optional: Breifly describe the expected timeline.",
    "Feedback from GitLab team members": "Add link to the internal feedback issue.",
    "Persevere / Continue Criteria": "Add specific criteria that indicates rollout is successful and should continue.",
    "Pivot / Pause / Rollback Criteria": "Add specific criteria that indicates the rollout should be paused or rolled back.",
    "Mitigation and Rollback Plan": "Describe how you will handle issues if they arise during rollout.",
    "Release Announcement": "Describe where to make announcements when the model is ready for rollout to external users.",
}
# The sections that must hold something of the writer's.
MUST_BE_FILLED = [title for title in INSTRUCTIONS if title not in ("Overview",)]


def instruction_left(title: str, written: str) -> Finding:
    """RL201 at the paragraph put right under the heading of `title`."""
    return (line_of(heading(title)) + 2, 1, "RL201", f"template instruction left in: '{written}'")


def empty(title: str) -> Finding:
    return (line_of(heading(title)), 1, "RL203", f"section '{title}' is empty")


def under(title: str, paragraph: str) -> tuple[str, str]:
    """`paragraph` put under the heading of `title`, before what the section holds."""
    return (heading(title) + "\n", f"{heading(title)}\n\n{paragraph}\n")


LEGAL = "Add legal notes here"
OVERVIEW_PROSE = section_body("Overview").strip().split("\n\n<!--")[0]
NOTHING_OF_ITS_OWN = (line_of(heading("Overview")), 1, "RL203",
                      "section 'Overview' has nothing of the plan's own beside the template's table")

INSTRUCTION_CASES = [
    *(Case(f"instruction left beside content: {title}", (under(title, f"_{text}_"),), [instruction_left(title, text)])
      for title, text in INSTRUCTIONS.items()),
    Case("an instruction in other case and spacing", (under("Legal notes", "_add  LEGAL notes   here_"),),
         [instruction_left("Legal notes", "add  LEGAL notes   here")]),
    Case("an instruction over two lines", (under("Legal notes", "_Add legal\nnotes here_"),),
         [instruction_left("Legal notes", "Add legal notes here")]),
    Case("an instruction in bold", (under("Legal notes", f"**{LEGAL}**"),), [instruction_left("Legal notes", LEGAL)]),
    Case("an instruction without emphasis", (under("Legal notes", LEGAL),), [instruction_left("Legal notes", LEGAL)]),
    Case("an instruction in another section", (under("Known issues", f"_{LEGAL}_"),),
         [instruction_left("Known issues", LEGAL)]),
    Case("an instruction with a comment after it", (under("Legal notes", f"_{LEGAL}_ <!-- done -->"),),
         [instruction_left("Legal notes", LEGAL)]),
    Case("an instruction answered on its line", (under("Legal notes", f"_{LEGAL}_: none."),), []),
    Case("an instruction with a word more", (under("Legal notes", "_Add legal notes here now_"),), []),
    Case("an instruction with a word less", (under("Legal notes", "_Add legal notes_"),), []),
    Case("an instruction in a list", (under("Legal notes", f"- _{LEGAL}_"),), []),
    Case("an instruction in a comment", (under("Legal notes", f"<!-- _{LEGAL}_ -->"),), []),
    Case("an instruction in code", (under("Legal notes", f"```\n_{LEGAL}_\n```"),), []),
    Case("an instruction quoted", (under("Legal notes", f"> _{LEGAL}_"),), []),
    *(Case(f"instruction left alone: {title}", ((section_body(title), f"\n_{INSTRUCTIONS[title]}_\n"),),
           [empty(title), instruction_left(title, INSTRUCTIONS[title])])
      for title in ("Rollout success criteria", "Dashboard References", "Legal notes", "Known issues",
                    "Feedback from GitLab team members", "Mitigation and Rollback Plan", "Release Announcement")),
    # Overview asks for the plan's own words beside its table: the instruction and the table alone
    # are unfilled (an error); the instruction left beside the plan's prose stays a warning (above)
    Case("Overview: the instruction and the table, nothing of the plan's own",
         ((OVERVIEW_PROSE, f"_{INSTRUCTIONS['Overview']}_"),), [NOTHING_OF_ITS_OWN, instruction_left("Overview", INSTRUCTIONS["Overview"])]),
    Case("Overview: a list of the plan's own beside the table",
         ((OVERVIEW_PROSE, "- Orion 3 replaces Orion 2.\n- It answers faster."),), []),
    # Timeline's table is what its instruction asks for: the instruction beside it is a warning
    Case("Timeline: the instruction beside the table", (under("Timeline", f"_{INSTRUCTIONS['Timeline']}_"),
                                                        ("The rollout takes four weeks.\n\n", "")),
         [instruction_left("Timeline", INSTRUCTIONS["Timeline"])]),
]


# --- RL202: the template's placeholders, and where they do not count ----------------------------

FEEDBACK = "Internal feedback is collected in #456795."
FEEDBACK_LINE = line_of(FEEDBACK)


def placeholder(line: int, column: int, token: str) -> Finding:
    return (line, column, "RL202", f"unfilled placeholder '{token}'")


def in_prose(written: str, *tokens: tuple[int, str]) -> Case:
    """`written` for the feedback paragraph; each token at its column."""
    return Case(f"prose: {written}", ((FEEDBACK, written),),
                [placeholder(FEEDBACK_LINE, column, token) for column, token in tokens])


FIRST_STAGE = "| 2026-10-01 | Feature team members and other stakeholders | Done |"
P50 = "* p50: 320 ms to 410 ms"
RATE = "* Rate: 31% to 34%"
LATENCY = "_Observed latency from 2026-09-01 to 2026-09-14_"

PLACEHOLDER_CASES = [
    Case("a date left ???", ((FIRST_STAGE, FIRST_STAGE.replace("2026-10-01", "???")),),
         [placeholder(line_of(FIRST_STAGE), 3, "???")]),
    Case("a status left ???", ((FIRST_STAGE, FIRST_STAGE.replace("Done", "???")),),
         [placeholder(line_of(FIRST_STAGE), FIRST_STAGE.index("Done") + 1, "???")]),
    Case("a period left [date] to [date]", ((LATENCY, "_Observed latency from [date] to [date]_"),),
         [placeholder(line_of(LATENCY), 24, "[date]"), placeholder(line_of(LATENCY), 34, "[date]")]),
    Case("a period's end left [date]", ((LATENCY, "_Observed latency from 2026-09-01 to [date]_"),),
         [placeholder(line_of(LATENCY), 38, "[date]")]),
    Case("a latency left X ms to Y ms", ((P50, "* p50: X ms to Y ms"),), [placeholder(line_of(P50), 8, "X ms to Y ms")]),
    Case("a rate left X% to Y%", ((RATE, "* Rate: X% to Y%"),), [placeholder(line_of(RATE), 9, "X% to Y%")]),
    Case("a link left ???", (("gitlab-org/gitlab#456789 |", "??? |"),),
         [placeholder(line_of("| Feature Flag Rollout Issue"), 32, "???")]),
    in_prose("???", (1, "???")),
    in_prose("See [date], X% to Y% and X ms to Y ms.", (5, "[date]"), (13, "X% to Y%"), (26, "X ms to Y ms")),
    in_prose("Wait ?? or ???? for it", (12, "???")),
    in_prose("**???**", (3, "???")),
    in_prose("Not ?? nor [Date] nor [dates] nor x ms to y ms nor X ms to Y s nor X%"),
    in_prose("`???` and `[date]` are the template's"),
    in_prose("<!-- ??? --> collected in #456795"),
    Case("placeholders in a code block", ((FEEDBACK, "```\n???\nX ms to Y ms\n```"),), []),
]


# --- RL203: sections that must be filled in ------------------------------------------------------

# What else a section's emptying takes away: the timeline's table, the pivot criteria.
ALSO_MISSING = {
    "Timeline": [(line_of(heading("Timeline")), 1, "RL301", "the timeline table ('| Date | Audience | Status |') is missing")],
    "Pivot / Pause / Rollback Criteria": [
        (line_of(heading("Pivot / Pause / Rollback Criteria")), 1, "RL403", "no pivot, pause or rollback criterion is listed")
    ],
}
LEGAL_BODY = section_body("Legal notes")


def legal_notes(written: str, *findings: Finding) -> Case:
    return Case(f"Legal notes: {written!r}", ((LEGAL_BODY, f"\n{written}\n"),), list(findings))


EMPTY_CASES = [
    *(Case(f"emptied: {title}", ((section_body(title), ""),), [empty(title), *ALSO_MISSING.get(title, [])])
      for title in MUST_BE_FILLED),
    # Overview's content is mostly in its subsections, but its own instruction asks for a few words
    # of the plan's own beside the resource table (issue 15: the table alone is unfilled)
    Case("Overview needs words of its own beside its table", ((section_body("Overview").split("\n\n<!--")[0], ""),),
         [NOTHING_OF_ITS_OWN]),
    Case("Rollout needs no text of its own", (("The rollout takes four weeks.\n\n", ""),), []),
    legal_notes("", empty("Legal notes")),
    legal_notes("   ", empty("Legal notes")),
    legal_notes("<!-- nothing yet -->", empty("Legal notes")),
    legal_notes("<!-- a -->\n<!-- b -->", empty("Legal notes")),
    legal_notes("/label ~legal", empty("Legal notes")),
    legal_notes("#### Details\n\nApproved.", empty("Legal notes")),
    legal_notes("None."),
    legal_notes("n/a"),
    legal_notes("- approved"),
    legal_notes("> approved"),
    legal_notes("```\napproved\n```"),
    legal_notes("| a |\n|---|\n| b |"),
    legal_notes("![approval](https://example.com/approval.png)"),
    legal_notes("<details>approved</details>"),
]

CASES = INSTRUCTION_CASES + PLACEHOLDER_CASES + EMPTY_CASES


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_content_gives_exactly_its_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: Case) -> None:
    assert check(tmp_path, capsys, plan_with(*case.changes)) == sorted(case.findings)


def test_template_mode_expects_instructions_and_placeholders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = plan_with(under("Legal notes", f"_{LEGAL}_"), (FEEDBACK, "???"), (section_body("Known issues"), ""))
    assert check(tmp_path, capsys, text, mode="template") == []


def test_each_finding_says_how_to_fix_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text(plan_with((LEGAL_BODY, f"\n_{LEGAL}_\n"), (FEEDBACK, "See ???.")), encoding="utf-8")
    out = StringIO()
    cli.main(["check", "--format", "json", str(plan)], stdout=out)
    found = [(d["rule"], d["severity"], d["column"], d["end_column"], d["hint"])
             for d in json.loads(out.getvalue())["diagnostics"]]
    assert found == [
        ("RL203", "error", 1, len("## Legal notes") + 1, "write what the template's instruction asks for"),
        ("RL201", "warning", 1, len(f"_{LEGAL}_") + 1, "replace it with the content it asks for"),
        ("RL202", "error", 5, 8, "replace it with the real value"),
    ]
    assert capsys.readouterr().err == ""
