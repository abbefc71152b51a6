"""RL101–RL106 at their boundaries, through `rollout-lint check` as a user runs it.

Each case edits the example plan (which passes) and gives every finding the check must report,
as (line, column, rule, message, hint), and what `--fix` then writes. The expected text of a
fix is the template's own lines, read here from the template file, not from the code under test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import NamedTuple

import pytest

from conftest import EXAMPLE_PLAN, ROOT
from plan_edits import fixed, plan_with, run_json

PLAN = EXAMPLE_PLAN.read_text("utf-8")
TEMPLATE = (ROOT / "schemas" / "model-rollout-plan.md").read_text("utf-8")
COMMENT = "<!-- Do not remove this confidential declaration and make sure to mark this issue as confidential! -->\n"
STATEMENT = "_The issue is marked confidential, as we'll share SAFE metrics in the comments._\n"
LEGAL = "## Legal notes\n\nLegal approved the model's terms of use in gitlab-org/legal#321.\n\n"
KNOWN = "## Known issues\n\n- Suggestions for Ruby are slightly shorter than with Orion 2 (#456801).\n\n"
MERGE = "merge it into the first one; only the first is checked"
COMMENT_MISSING = "the 'Do not remove this confidential declaration' comment is missing"
KEEP_COMMENT = f"keep '{COMMENT.strip()}' above the confidentiality statement"
STATEMENT_MISSING = "the confidentiality statement is missing"
KEEP_STATEMENT = f"keep '{STATEMENT.strip()}' above the first heading"

Finding = tuple[int, int, str, str, "str | None"]


def line_of(text: str, line: str) -> int:
    return text.splitlines().index(line) + 1


def check(tmp_path: Path, text: str, *options: str) -> list[Finding]:
    path = tmp_path / "plan.md"
    path.write_text(text, encoding="utf-8")
    code, found = run_json(*options, str(path))
    assert code in (0, 1), found
    return [(d["line"], d["column"], d["rule"], d["message"], d["hint"]) for d in found]  # type: ignore[misc]


def missing(line: int, title: str, level: int, where: str = "before this heading") -> Finding:
    return (line, 1, "RL101", f"missing section '{title}'", f"add '{'#' * level} {title}' {where}")


def near_miss(line: int, title: str, level: int, written: str) -> Finding:
    hint = f"did you mean '{written}'? Write it as '{'#' * level} {title}'"
    return (line, 1, "RL101", f"missing section '{title}'", hint)


def misordered(line: int, title: str, after: str | None) -> Finding:
    where = f"after '{after}'" if after else "first"
    return (line, 1, "RL102", f"section '{title}' is out of order", f"the template puts it {where}")


def duplicate(line: int, title: str) -> Finding:
    return (line, 1, "RL103", f"section '{title}' appears more than once", MERGE)


def case_differs(line: int, written: str, title: str, level: int) -> Finding:
    message = f"heading '{written}' differs from the template's '{title}'"
    return (line, 1, "RL104", message, f"write it as '{'#' * level} {title}'")


def wrong_level(line: int, title: str, written: int, level: int) -> Finding:
    message = f"'{title}' is a level-{written} heading; the template has level {level}"
    return (line, 1, "RL105", message, f"write it as '{'#' * level} {title}'")


# --- sections: the oracle is the template file, split at its headings --------------------------


def section_lines(text: str, title: str) -> tuple[int, int]:
    """0-based [start, end) of the section headed `title` with its subsections: up to the next
    heading of its level or above, or the first quick action line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if re.fullmatch(rf"#+ {re.escape(title)}", line))
    level = len(lines[start].split()[0])
    end = start + 1
    while end < len(lines) and not lines[end].startswith("/"):
        heading = re.match(r"(#+) ", lines[end])
        if heading and len(heading[1]) <= level:
            break
        end += 1
    return start, end


def without_section(text: str, title: str) -> str:
    start, end = section_lines(text, title)
    lines = text.splitlines(keepends=True)
    return "".join(lines[:start] + lines[end:])


def with_template_section(text: str, title: str) -> str:
    """`text` with the section `title` replaced by the template's (its subsections too)."""
    start, end = section_lines(text, title)
    first, last = section_lines(TEMPLATE, title)
    lines = text.splitlines(keepends=True)
    return "".join(lines[:start] + TEMPLATE.splitlines(keepends=True)[first:last] + lines[end:])


def tables_untidied(text: str) -> str:
    """Table lines without their padding: `--fix` tidies the tables it inserts (mdformat)."""
    lines = text.splitlines()
    return "\n".join(re.sub(r" *\| *", "|", re.sub(r"-+", "-", line)) if line.startswith("|") else line for line in lines)


# (template title, level, the heading that follows it in the plan once it is gone)
SECTIONS = [
    ("Overview", 2, "## Legal notes"),
    ("Rollout success criteria", 3, "### Dashboard References"),
    ("Dashboard References", 3, "## Legal notes"),
    ("Legal notes", 2, "## Known issues"),
    ("Known issues", 2, "## Rollout"),
    ("Rollout", 2, "## Mitigation and Rollback Plan"),
    ("Timeline", 3, "### Feedback from GitLab team members"),
    ("Feedback from GitLab team members", 3, "### Persevere / Continue Criteria"),
    ("Persevere / Continue Criteria", 3, "### Pivot / Pause / Rollback Criteria"),
    ("Pivot / Pause / Rollback Criteria", 3, "## Mitigation and Rollback Plan"),
    ("Mitigation and Rollback Plan", 2, "## Release Announcement"),
    ("Release Announcement", 2, None),
]
CHILDREN = {
    "Overview": [("Rollout success criteria", 3), ("Dashboard References", 3)],
    "Rollout": [
        ("Timeline", 3),
        ("Feedback from GitLab team members", 3),
        ("Persevere / Continue Criteria", 3),
        ("Pivot / Pause / Rollback Criteria", 3),
    ],
}


@pytest.mark.parametrize(("title", "level", "next_heading"), SECTIONS, ids=[s[0] for s in SECTIONS])
def test_a_missing_section_is_reported_before_the_next_and_fixed_from_the_template(
    tmp_path: Path, title: str, level: int, next_heading: str | None
) -> None:
    """One section gone (with its subsections, for a parent): one finding for it and for each
    subsection, at the heading that follows; `--fix` puts the template's section back there."""
    text = without_section(PLAN, title)
    if next_heading is None:  # the last section: nothing follows, the finding is at the end
        at, where = len(text.splitlines()), "at the end"
    else:
        at, where = line_of(text, next_heading), "before this heading"
    gone = [(title, level), *CHILDREN.get(title, [])]
    expected = [missing(at, name, depth, where) for name, depth in gone]
    assert check(tmp_path, text) == sorted(expected)
    assert tables_untidied(fixed(tmp_path, text)) == tables_untidied(with_template_section(PLAN, title))


@pytest.mark.parametrize(
    ("heading", "at", "inserted_before"),
    [
        # The Overview's own text stays above the first heading left: the template's section
        # goes before its first subsection.
        ("## Overview", "### Rollout success criteria", "### Rollout success criteria"),
        ("## Rollout", "### Timeline", "### Timeline"),
    ],
)
def test_a_parent_heading_gone_and_its_children_kept(tmp_path: Path, heading: str, at: str, inserted_before: str) -> None:
    text = plan_with((f"{heading}\n\n", ""))
    title = heading.lstrip("# ")
    assert check(tmp_path, text) == [missing(line_of(text, at), title, 2)]
    start, end = section_lines(TEMPLATE, title)
    skeleton = TEMPLATE.splitlines(keepends=True)[start:end]
    first_child = next(i for i, line in enumerate(skeleton) if line.startswith("###"))
    expected = plan_with((f"{inserted_before}\n", "".join(skeleton[:first_child]) + f"{inserted_before}\n"), text=text)
    assert tables_untidied(fixed(tmp_path, text)) == tables_untidied(expected)


def test_the_fix_for_the_last_section_goes_before_the_closing_quick_actions(tmp_path: Path) -> None:
    text = without_section(PLAN, "Release Announcement")
    assert fixed(tmp_path, text) == plan_with(
        ("\n/confidential\n", "\n## Release Announcement\n\n_Describe where to make announcements when the model is "
         "ready for rollout to external users._\n\n/confidential\n"),
        text=text,
    )


def test_a_missing_last_section_in_a_plan_without_quick_actions_goes_at_the_end(tmp_path: Path) -> None:
    text = without_section(PLAN, "Release Announcement").split("/confidential")[0]
    at = len(text.splitlines())
    assert missing(at, "Release Announcement", 2, "at the end") in check(tmp_path, text)
    instruction = "_Describe where to make announcements when the model is ready for rollout to external users._"
    quick_actions = PLAN[PLAN.index("/confidential") :]
    assert fixed(tmp_path, text) == f"{text}## Release Announcement\n\n{instruction}\n\n{quick_actions}"


# --- every other outline boundary: one table --------------------------------------------------


class Case(NamedTuple):
    id: str
    text: str
    findings: list[Finding]
    fixed: str | None = None  # what `--fix` writes; None: it leaves the file as it is


def only_heading(old: str, new: str) -> str:
    return plan_with((f"{old}\n", f"{new}\n"))


SWAPPED = plan_with((LEGAL + KNOWN, KNOWN + LEGAL))
SUCCESS_CRITERIA = PLAN[PLAN.index("### Rollout success criteria") : PLAN.index("### Dashboard References")]
DASHBOARDS = PLAN[PLAN.index("### Dashboard References") : PLAN.index("## Legal notes")]
SUBSECTIONS_SWAPPED = plan_with((SUCCESS_CRITERIA + DASHBOARDS, DASHBOARDS + SUCCESS_CRITERIA))
RELEASE = "## Release Announcement\n\nAnnounce in the Code Suggestions release post and in #code-suggestions on Slack.\n\n"
OVERVIEW = PLAN[PLAN.index("## Overview") : PLAN.index("## Legal notes")]
TWO_MOVED_LAST = plan_with((LEGAL + KNOWN, ""), ("\n/confidential", "\n" + (LEGAL + KNOWN).rstrip("\n") + "\n\n/confidential"))
MOVED_LAST = plan_with((OVERVIEW, ""), ("\n/confidential", "\n" + OVERVIEW.rstrip("\n") + "\n\n/confidential"))
DUPLICATE = plan_with((LEGAL, LEGAL + LEGAL))
PIVOT = "### Pivot / Pause / Rollback Criteria"
PERSEVERE = "### Persevere / Continue Criteria"
OVERVIEW_SKELETON = TEMPLATE[TEMPLATE.index("## Overview") : TEMPLATE.index("### Rollout success criteria")]
RELEASE_SKELETON = "".join(TEMPLATE.splitlines(keepends=True)[slice(*section_lines(TEMPLATE, "Release Announcement"))])
KNOWN_SKELETON = "".join(TEMPLATE.splitlines(keepends=True)[slice(*section_lines(TEMPLATE, "Known issues"))])
QUICK_ACTION_ABOVE = '\n/label "x"\n\n#### Notes\n\n'
PIVOT_SKELETON = "".join(TEMPLATE.splitlines(keepends=True)[slice(*section_lines(TEMPLATE, PIVOT[4:]))])

CASES = [
    # Order: the longest run already in order stays; each section outside it is reported, with
    # the last in-place section before it, or "first".
    Case("two sections swapped", SWAPPED, [misordered(line_of(SWAPPED, "## Legal notes"), "Legal notes", "Dashboard References")]),
    Case(
        "two subsections swapped",
        SUBSECTIONS_SWAPPED,
        [misordered(line_of(SUBSECTIONS_SWAPPED, "### Rollout success criteria"), "Rollout success criteria", "Overview")],
    ),
    Case(
        "two sections moved last: each after the last section in place before it",
        TWO_MOVED_LAST,
        [
            misordered(line_of(TWO_MOVED_LAST, "## Legal notes"), "Legal notes", "Dashboard References"),
            misordered(line_of(TWO_MOVED_LAST, "## Known issues"), "Known issues", "Dashboard References"),
        ],
    ),
    Case(
        "the last section moved first",
        plan_with((RELEASE, ""), ("## Overview\n", RELEASE + "## Overview\n")),
        [misordered(7, "Release Announcement", "Mitigation and Rollback Plan")],
    ),
    Case(
        "the first section and its subsections moved last",
        MOVED_LAST,
        [
            misordered(line_of(MOVED_LAST, "## Overview"), "Overview", None),
            misordered(line_of(MOVED_LAST, "### Rollout success criteria"), "Rollout success criteria", None),
            misordered(line_of(MOVED_LAST, "### Dashboard References"), "Dashboard References", None),
        ],
    ),
    # Duplicates: the first counts, each later one is reported, whatever its case.
    Case("a section twice", DUPLICATE, [duplicate(35, "Legal notes")]),
    Case(
        "a section three times, the last in another case",
        plan_with(("## Known issues\n", "## Known issues\n\n## Known issues\n\n## known issues\n")),
        [
            (35, 1, "RL203", "section 'Known issues' is empty", "write what the template's instruction asks for"),
            duplicate(37, "Known issues"),
            duplicate(39, "Known issues"),
        ],
    ),
    Case(
        "the first of two in another case",
        plan_with((LEGAL, LEGAL.replace("Legal notes", "legal notes") + LEGAL)),
        [case_differs(31, "legal notes", "Legal notes", 2), duplicate(35, "Legal notes")],
        plan_with((LEGAL, LEGAL + LEGAL)),
    ),
    Case("a section repeated after the last one", plan_with(("\n/confidential", "\n" + LEGAL + "/confidential")), [duplicate(84, "Legal notes")]),
    Case(
        "one heading renamed to another section's",
        only_heading("## Legal notes", "## Known issues"),
        [missing(31, "Legal notes", 2), duplicate(35, "Known issues")],
        plan_with(("## Legal notes\n\nLegal", "## Legal notes\n\n_Add legal notes here_\n\n## Known issues\n\nLegal")),
    ),
    # Case and spacing: a warning, fixed to the template's wording; the markup stays.
    Case("lower case", only_heading("## Legal notes", "## legal notes"), [case_differs(31, "legal notes", "Legal notes", 2)], PLAN),
    Case("upper case", only_heading("## Legal notes", "## LEGAL NOTES"), [case_differs(31, "LEGAL NOTES", "Legal notes", 2)], PLAN),
    Case("a subsection's case", only_heading("### Timeline", "### TIMELINE"), [case_differs(41, "TIMELINE", "Timeline", 3)], PLAN),
    Case(
        "case and a closing sequence",
        only_heading("## Legal notes", "## legal NOTES ###   "),
        [case_differs(31, "legal NOTES", "Legal notes", 2)],
        only_heading("## Legal notes", "## Legal notes ###   "),
    ),
    Case(
        "case after a tab and runs of spaces",
        only_heading("## Known issues", "  ##\tknown    issues"),
        [case_differs(35, "known issues", "Known issues", 2)],
        only_heading("## Known issues", "  ##\tKnown issues"),
    ),
    Case(
        "case in a setext heading",
        only_heading("## Legal notes", "legal notes\n-----------"),
        [(31, 1, "RL104", "heading 'legal notes' differs from the template's 'Legal notes'", "write it as '## Legal notes'")],
        only_heading("## Legal notes", "Legal notes\n-----------"),
    ),
    # Emphasis is markup the fix keeps: rewriting the words around it would be a guess.
    Case("case inside emphasis", only_heading("## Legal notes", "## *legal* notes"), [case_differs(31, "legal notes", "Legal notes", 2)]),
    # Runs of spaces render and link (GitLab's anchors squeeze them) as one: not reported.
    Case("runs of spaces alone", only_heading("## Legal notes", "##   Legal    notes   "), []),
    Case("a closing sequence alone", only_heading("## Legal notes", "## Legal notes ##"), []),
    # Levels.
    Case("level 1 for 2", only_heading("## Legal notes", "# Legal notes"), [wrong_level(31, "Legal notes", 1, 2)]),
    Case("level 3 for 2", only_heading("## Legal notes", "### Legal notes"), [wrong_level(31, "Legal notes", 3, 2)]),
    Case("level 2 for 3", only_heading("### Timeline", "## Timeline"), [wrong_level(41, "Timeline", 2, 3)]),
    Case("level 4 for 3", only_heading("### Timeline", "#### Timeline"), [wrong_level(41, "Timeline", 4, 3)]),
    Case("a setext level 1 for 2", only_heading("## Legal notes", "Legal notes\n==="), [wrong_level(31, "Legal notes", 1, 2)]),
    Case(
        "level and case",
        only_heading("## Legal notes", "### legal Notes"),
        [case_differs(31, "legal Notes", "Legal notes", 2), wrong_level(31, "Legal notes", 3, 2)],
        only_heading("## Legal notes", "### Legal notes"),
    ),
    # Near misses: the heading is named in the hint and left for a person to rename (no fix).
    Case("misspelt", only_heading("## Legal notes", "## Legal nots"), [near_miss(31, "Legal notes", 2, "Legal nots")]),
    Case("with a colon", only_heading("## Legal notes", "## Legal notes:"), [near_miss(31, "Legal notes", 2, "Legal notes:")]),
    Case(
        "shortened to its first word",
        only_heading("### Feedback from GitLab team members", "### Feedback"),
        [near_miss(52, "Feedback from GitLab team members", 3, "Feedback")],
    ),
    Case("shortened to its first word, at the start", only_heading(PIVOT, "### Pivot"), [near_miss(70, PIVOT[4:], 3, "Pivot")]),
    Case("shortened to a middle word", only_heading(PIVOT, "### Pause"), [near_miss(70, PIVOT[4:], 3, "Pause")]),
    Case("shortened to its last word", only_heading(PIVOT, "### Criteria"), [near_miss(70, PIVOT[4:], 3, "Criteria")]),
    Case(
        "lengthened",
        only_heading("## Legal notes", "## Legal notes and approvals"),
        [near_miss(31, "Legal notes", 2, "Legal notes and approvals")],
    ),
    # Part of a word is not a shortened title: the section is missing, and fixed.
    *[
        Case(
            f"part of a word: {part}",
            only_heading(PIVOT, f"### {part}"),
            [missing(76, PIVOT[4:], 3)],
            only_heading(PIVOT, PIVOT_SKELETON + f"### {part}"),
        )
        for part in ("Rollbac", "ollback", "ollbac")
    ],
    # Not a near miss: the section goes right after the template section before it.
    Case(
        "unrelated",
        only_heading("## Legal notes", "## Weather"),
        [missing(35, "Legal notes", 2)],
        only_heading("## Legal notes", "## Legal notes\n\n_Add legal notes here_\n\n## Weather"),
    ),
    # Less alike than the near-miss cutoff (0.75 of difflib's ratio; "Legal review" is 0.61).
    Case(
        "less alike",
        only_heading("## Legal notes", "## Legal review"),
        [missing(35, "Legal notes", 2)],
        only_heading("## Legal notes", "## Legal notes\n\n_Add legal notes here_\n\n## Legal review"),
    ),
    # Where a missing section goes: past deeper headings that are no template section's, to the
    # first of its level; past headings of no section, to the first of a later section.
    Case(
        "a deeper extra heading before the place of a missing section",
        plan_with((LEGAL, ""), ("## Known issues\n", "#### Aside\n\nText.\n\n## Known issues\n")),
        [missing(35, "Legal notes", 2)],
        plan_with((LEGAL, ""), ("## Known issues\n", "#### Aside\n\nText.\n\n## Legal notes\n\n_Add legal notes here_\n\n## Known issues\n")),
    ),
    Case(
        "the first section missing, an extra subsection first",
        only_heading("## Overview", "### Intro"),
        [missing(21, "Overview", 2)],
        plan_with(("## Overview\n", "### Intro\n"), ("### Rollout success criteria\n", OVERVIEW_SKELETON + "### Rollout success criteria\n")),
    ),
    Case(
        "the last section missing, a comment after the quick actions",
        without_section(PLAN, "Release Announcement") + "<!-- labels -->\n",
        [missing(84, "Release Announcement", 2, "at the end")],
        plan_with((RELEASE, RELEASE_SKELETON)) + "<!-- labels -->\n",
    ),
    # The closing quick actions are those after the last heading, however deep it is.
    Case(
        "the last section missing, quick actions above the last heading too",
        plan_with((RELEASE, ""), ("\n/confidential", QUICK_ACTION_ABOVE + "/confidential")),
        [missing(87, "Release Announcement", 2, "at the end")],
        plan_with((RELEASE, ""), ("\n/confidential", QUICK_ACTION_ABOVE + RELEASE_SKELETON + "/confidential")),
    ),
    # A heading taken for a missing section misspelt stands where that section goes.
    Case(
        "a misspelt section, and the next one missing: it goes after the misspelt one",
        plan_with((LEGAL + KNOWN, LEGAL.replace("Legal notes", "Legal nots"))),
        [near_miss(31, "Legal notes", 2, "Legal nots"), missing(35, "Known issues", 2)],
        plan_with((LEGAL + KNOWN, LEGAL.replace("Legal notes", "Legal nots") + KNOWN_SKELETON)),
    ),
    # A heading another section claims is no one's near miss; one heading is one section's.
    Case("a claimed heading is no near miss", plan_with(("## Rollout\n\n", "")), [missing(39, "Rollout", 2)], PLAN),
    # The first missing section takes the near heading. The other goes after it, where it will
    # be in order once the heading is renamed as the hint says.
    Case(
        "two sections missing, one near heading",
        plan_with((f"{PERSEVERE}\n", "### Criteria\n"), (f"{PIVOT}\n", "### Observations\n")),
        [near_miss(56, PERSEVERE[4:], 3, "Criteria"), missing(76, PIVOT[4:], 3)],
        plan_with((f"{PERSEVERE}\n", "### Criteria\n"), (f"{PIVOT}\n", PIVOT_SKELETON + "### Observations\n")),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_an_outline_boundary_gives_exactly_its_findings_and_fix(tmp_path: Path, case: Case) -> None:
    assert check(tmp_path, case.text) == sorted(case.findings)
    expected = case.text if case.fixed is None else case.fixed
    assert tables_untidied(fixed(tmp_path, case.text)) == tables_untidied(expected)


def test_sections_added_on_top_of_the_template_are_allowed(tmp_path: Path) -> None:
    text = plan_with((LEGAL, "## Risks\n\nNone known.\n\n" + LEGAL), ("### Feedback", "#### Details\n\nMore.\n\n### Feedback"))
    assert check(tmp_path, text) == []


# --- RL106: the preamble -----------------------------------------------------------------------


class Preamble(NamedTuple):
    id: str
    text: str
    findings: list[str]  # the messages, all at 1:1
    fixed: str | None = None


PREAMBLE_CASES = [
    Preamble("the statement missing", plan_with((STATEMENT + "\n", "")), [STATEMENT_MISSING], PLAN),
    Preamble("the comment missing", plan_with((COMMENT + "\n", "")), [COMMENT_MISSING], PLAN),
    Preamble("both missing", plan_with((COMMENT + "\n" + STATEMENT + "\n", "")), [COMMENT_MISSING, STATEMENT_MISSING], PLAN),
    Preamble(
        "no preamble at all",
        PLAN[PLAN.index("## Overview") :],
        [COMMENT_MISSING, STATEMENT_MISSING],
        COMMENT + "\n" + STATEMENT + "\n" + PLAN[PLAN.index("## Overview") :],
    ),
    Preamble(
        "both below the first heading",
        plan_with((COMMENT + "\n" + STATEMENT + "\n", ""), ("## Overview\n\n", "## Overview\n\n" + COMMENT + "\n" + STATEMENT + "\n")),
        [COMMENT_MISSING, STATEMENT_MISSING],
        plan_with(("## Overview\n\n", "## Overview\n\n" + COMMENT + "\n" + STATEMENT + "\n")),
    ),
    # A title of the plan's own above them: they are still above the template's first section.
    Preamble("a heading above them", "# Orion 3\n\n" + PLAN, []),
    # ... but not below it.
    Preamble(
        "a heading above them, and the template's first section too",
        "# Orion 3\n\n" + plan_with((COMMENT, ""), (STATEMENT, ""), ("## Overview\n\n", "## Overview\n\n" + COMMENT + "\n" + STATEMENT + "\n")),
        [COMMENT_MISSING, STATEMENT_MISSING],
        COMMENT + "\n" + STATEMENT + "\n# Orion 3\n\n" + plan_with((COMMENT, ""), (STATEMENT, ""), ("## Overview\n\n", "## Overview\n\n" + COMMENT + "\n" + STATEMENT + "\n")),
    ),
    Preamble(
        "the statement in lower case",
        plan_with((STATEMENT, STATEMENT.replace("The issue", "the issue"))),
        [STATEMENT_MISSING],
        plan_with((STATEMENT, STATEMENT.replace("The issue", "the issue") + "\n" + STATEMENT)),
    ),
    Preamble(
        "the statement in a comment",
        plan_with((STATEMENT, f"<!-- {STATEMENT.strip()} -->\n")),
        [STATEMENT_MISSING],
        plan_with((STATEMENT, f"<!-- {STATEMENT.strip()} -->\n\n{STATEMENT}")),
    ),
    Preamble(
        "the statement in a quote",
        plan_with((STATEMENT, f"> {STATEMENT}")),
        [STATEMENT_MISSING],
        plan_with((STATEMENT, f"> {STATEMENT}\n{STATEMENT}")),
    ),
    Preamble(
        "the statement in code",
        plan_with((STATEMENT, f"```\n{STATEMENT}```\n")),
        [STATEMENT_MISSING],
        plan_with((STATEMENT, f"```\n{STATEMENT}```\n\n{STATEMENT}")),
    ),
    Preamble("the comment after the statement", plan_with((COMMENT + "\n" + STATEMENT, STATEMENT + "\n" + COMMENT)), []),
    Preamble("the statement without emphasis", plan_with((STATEMENT, STATEMENT.replace("_", ""))), []),
    Preamble("the statement in bold", plan_with((STATEMENT, STATEMENT.replace("_", "**"))), []),
    Preamble("the statement indented", plan_with((STATEMENT, "   " + STATEMENT)), []),
    Preamble("the title suggestion missing", plan_with(("<!-- Title suggestion: [Model] Rollout Plan -->\n\n", "")), []),
]


@pytest.mark.parametrize("case", PREAMBLE_CASES, ids=[case.id for case in PREAMBLE_CASES])
def test_a_preamble_boundary_gives_exactly_its_findings_and_fix(tmp_path: Path, case: Preamble) -> None:
    hints = {COMMENT_MISSING: KEEP_COMMENT, STATEMENT_MISSING: KEEP_STATEMENT}
    assert check(tmp_path, case.text) == [(1, 1, "RL106", message, hints[message]) for message in case.findings]
    assert fixed(tmp_path, case.text) == (case.text if case.fixed is None else case.fixed)


# A heading added above a template section must not make it that heading's subsection in the
# JSON instance, where the schema would not look for it: its content is checked all the same.
@pytest.mark.parametrize(
    "added",
    [("### Timeline\n", "## Notes\n\nSome notes.\n\n### Timeline\n"), ("<!-- Title", "# Orion 3\n\n<!-- Title")],
    ids=["a level-2 heading before a subsection", "a level-1 heading above every section"],
)
def test_a_heading_added_above_a_template_section_hides_nothing_from_the_checks(tmp_path: Path, added: tuple[str, str]) -> None:
    backwards = ("| 2026-10-08 | All GitLab", "| 2026-09-08 | All GitLab")
    assert "RL306" in [finding[2] for finding in check(tmp_path, plan_with(backwards, added))]


@pytest.mark.parametrize("before", ["Hello.\n\n", ""], ids=["text first", "the quick actions on line 1"])
def test_a_plan_without_headings_gets_its_preamble_and_sections_before_its_quick_actions(tmp_path: Path, before: str) -> None:
    text = f"{before}/confidential\n"
    # Pinned: a plan without headings matches no version (RL108, below) and would be checked
    # against the newest; this is about the version bundled first, whose TEMPLATE is below.
    pinned = ("--template", "model-rollout-plan@49b5e694")
    found = check(tmp_path, text, *pinned)
    assert [f for f in found if f[2] == "RL106"] == [
        (1, 1, "RL106", COMMENT_MISSING, KEEP_COMMENT), (1, 1, "RL106", STATEMENT_MISSING, KEEP_STATEMENT)
    ]
    # On line 1 too, the sections' findings sort before the preamble's (by rule).
    in_order = ["RL106"] * 2 + ["RL101"] * 12 if before else ["RL101"] * 12 + ["RL106"] * 2
    assert [f[2] for f in found] == in_order + ["RL502"] * 3
    body = TEMPLATE[TEMPLATE.index(COMMENT) : TEMPLATE.index("/confidential")]
    labels = TEMPLATE[TEMPLATE.index("/label") : TEMPLATE.index("<!-- Add appropriate labels")]
    assert tables_untidied(fixed(tmp_path, text, *pinned)) == tables_untidied(f"{before}{body}/confidential\n{labels}")


# --- a schema of the test's own: outline entries without levels, and no template ---------------

OUTLINE = [{"title": "Summary", "children": [{"title": "Planning a plan to replan"}, {"title": "snake_case notes"}]}, {"title": "Risks"}]
OWN_PLAN = "## Summary\n\nText.\n\n### Planning a plan to replan\n\nA.\n\n### snake_case notes\n\nB.\n\n## Risks\n\nC.\n"



def test_a_plan_without_headings_matches_no_version_and_is_checked_against_the_newest(tmp_path: Path) -> None:
    found = check(tmp_path, "Hello.\n\n/confidential\n")
    assert [f for f in found if f[2] == "RL108"] == [(
        1, 1, "RL108",
        "the headings match no version of the model-rollout-plan template well (at most 0% in common): "
        "checked against the newest, model-rollout-plan@dcc04245",
        "write the plan from the template ('rollout-lint new'), or name its template with --template or --schema",
    )]  # fmt: skip
    assert ("missing section 'Evaluation Template'") in [f[3] for f in found]  # the newest version's section


@pytest.mark.parametrize(
    ("old", "new", "findings", "fix"),
    [
        ("", "", [], None),
        # An entry without a level is at level 2, its children one deeper.
        ("## Summary", "# Summary", [wrong_level(1, "Summary", 1, 2)], None),
        # Without a template, a missing section is restored as its bare heading...
        ("## Risks\n\nC.\n", "", [missing(12, "Risks", 2, "at the end")], OWN_PLAN.replace("## Risks\n\nC.\n", "## Risks\n")),
        # ... and a heading is written as the outline has it.
        ("## Summary", "## summary", [case_differs(1, "summary", "Summary", 2)], OWN_PLAN),
        # Two missing at one place: inserted in the outline's order, whatever their messages' order.
        (
            "### snake_case notes\n\nB.\n\n## Risks\n\nC.\n",
            "",
            [missing(8, "Risks", 2, "at the end"), missing(8, "snake_case notes", 3, "at the end")],
            OWN_PLAN.replace("### snake_case notes\n\nB.\n\n## Risks\n\nC.\n", "### snake_case notes\n\n## Risks\n"),
        ),
        # A word of a title, though it occurs inside a word before it and inside one after it.
        ("### Planning a plan to replan", "### Plan", [near_miss(5, "Planning a plan to replan", 3, "Plan")], None),
        # `_` is part of a word: `case` is no word of `snake_case notes`, nor is `nake_case`.
        ("### snake_case notes", "### case", [missing(13, "snake_case notes", 3)], OWN_PLAN.replace("### snake_case notes", "### snake_case notes\n\n### case")),
        ("### snake_case notes", "### nake_case", [missing(13, "snake_case notes", 3)], OWN_PLAN.replace("### snake_case notes", "### snake_case notes\n\n### nake_case")),
    ],
    ids=["passes", "default level", "no template: bare heading", "no template: the outline's wording", "no template: two at one place",
         "word repeated", "underscore", "part of a word after its first letter"],
)

def test_an_outline_of_a_schema_without_template_or_levels(
    tmp_path: Path, old: str, new: str, findings: list[Finding], fix: str | None
) -> None:
    schema = tmp_path / "own.schema.json"
    schema.write_text(json.dumps({"properties": {"headings": {"x-outline": OUTLINE}}}), encoding="utf-8")
    text = OWN_PLAN.replace(old, new) if old else OWN_PLAN
    path = tmp_path / "plan.md"
    path.write_text(text, encoding="utf-8")
    _, found = run_json("--schema", str(schema), str(path))
    assert [(d["line"], d["column"], d["rule"], d["message"], d["hint"]) for d in found] == findings
    run_json("--schema", str(schema), "--fix", str(path))
    assert path.read_text("utf-8") == (text if fix is None else fix)


def test_headings_are_fixed_with_the_templates_markup_and_a_section_the_template_lacks_comes_back_bare(tmp_path: Path) -> None:
    """The template writes `Summary notes` with emphasis and has no `Risks` or `Actions`."""
    (tmp_path / "own.md").write_text("## *Summary* notes\n\nWrite a summary.\n", encoding="utf-8")
    outline = [{"title": "Summary notes"}, {"title": "Risks"}, {"title": "Actions"}]
    schema = tmp_path / "own.schema.json"
    schema.write_text(json.dumps({"x-template": "own.md", "properties": {"headings": {"x-outline": outline}}}), encoding="utf-8")
    path = tmp_path / "plan.md"
    path.write_text("## *summary* notes\n\nText.\n\n## risks\n\nNone.\n", encoding="utf-8")
    _, found = run_json("--schema", str(schema), str(path))
    assert [(d["line"], d["column"], d["rule"], d["message"], d["hint"]) for d in found] == [
        case_differs(1, "summary notes", "Summary notes", 2), case_differs(5, "risks", "Risks", 2), missing(7, "Actions", 2, "at the end")
    ]
    run_json("--schema", str(schema), "--fix", str(path))
    assert path.read_text("utf-8") == "## *Summary* notes\n\nText.\n\n## Risks\n\nNone.\n\n## Actions\n"


def test_the_preamble_is_restored_in_the_templates_order_whatever_the_messages_say(tmp_path: Path) -> None:
    """The findings sort by message ("a..." before "z..."); the fix keeps the template's order.
    A requirement the template itself does not meet is reported, and left for a person."""
    (tmp_path / "own.md").write_text("<!-- zzz keep this comment -->\n\nAaa statement.\n\n## Summary\n\nText.\n", encoding="utf-8")
    paragraphs = [{"contains": {"pattern": "^Aaa"}, "x-message": "a: the statement is missing"},
                  {"contains": {"pattern": "^Never"}, "x-message": "n: not in the template either"}]
    preamble = {"x-rule": "RL106", "properties": {"comments": {"contains": {"pattern": "zzz"}, "x-message": "z: the comment is missing"},
                                                 "paragraphs": {"allOf": paragraphs}}}
    schema = tmp_path / "own.schema.json"
    schema.write_text(json.dumps({"x-template": "own.md", "properties": {"preamble": preamble}}), encoding="utf-8")
    path = tmp_path / "plan.md"
    path.write_text("## Summary\n\nText.\n", encoding="utf-8")
    _, found = run_json("--schema", str(schema), str(path))
    assert [d["message"] for d in found] == ["a: the statement is missing", "n: not in the template either", "z: the comment is missing"]
    run_json("--schema", str(schema), "--fix", str(path))
    assert path.read_text("utf-8") == "<!-- zzz keep this comment -->\n\nAaa statement.\n\n## Summary\n\nText.\n"
