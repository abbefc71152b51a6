"""RL100 and the schema's annotations at their boundaries, and each requirement of the bundled
schema, through `rollout-lint check` as a user runs it.

Each requirement (row) of `schemas/model-rollout-plan.schema.json` is taken out of the example
plan, one at a time, and must be found with the rule, place and words the schema gives it: a
schema that lost a row, or gave it another rule or other words, fails here. Then a small schema
of the test's own shows how `x-rule`, `x-message` and `x-hint` pick a finding's rule and words.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from conftest import EXAMPLE_PLAN, ROOT
from plan_edits import plan_with, run_json

PLAN = EXAMPLE_PLAN.read_text("utf-8")
TEMPLATE = ROOT / "schemas" / "model-rollout-plan.md"
COPY_TABLE = "copy the table from the template"
LINK_HINT = "link the rollout issue: its URL (.../-/issues/123), '#123' or 'group/project#123'"
RECOMMENDED_HINT = "add the link, or write 'n/a'"
DATE_HINT = "write the date as 2026-10-01"
FILL_HINT = "write what the template's instruction asks for"

Finding = tuple[int, int, str, str, "str | None"]


def check(tmp_path: Path, text: str, *options: str) -> list[Finding]:
    path = tmp_path / "plan.md"
    path.write_text(text, encoding="utf-8")
    code, found = run_json(*options, str(path))
    assert code == (1 if any(d["severity"] == "error" for d in found) else 0), found
    return [(d["line"], d["column"], d["rule"], d["message"], d["hint"]) for d in found]


def at(text: str, written: str) -> tuple[int, int]:
    """Line and column where `written` is in `text` (it is there once)."""
    assert text.count(written) == 1, written
    before = text[: text.index(written)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


class Row(NamedTuple):
    id: str
    replacements: list[tuple[str, str]]
    rule: str
    message: str
    hint: str | None
    where: str  # the text the finding starts at, once in the edited plan


RESOURCE_TABLE = PLAN[PLAN.index("| Resource | Links |") : PLAN.index("### Rollout success criteria")]
MODEL = "| Model | https://docs.example.com/models/orion-3 |\n"
EPIC = "| Epic or Issue | &1234 |\n"
FEATURE_FLAG = "| Feature Flag Rollout Issue | gitlab-org/gitlab#456789 |\n"
STATUS = "| Status updates | https://gitlab.com/gitlab-org/gitlab/-/issues/456790 |\n"
TIMELINE_TABLE = PLAN[PLAN.index("| Date | Audience | Status |") : PLAN.index("### Feedback from GitLab team members")]
CRITERIA = PLAN[PLAN.index("1. Requests are not") : PLAN.index("## Mitigation and Rollback Plan")]
AUDIENCES = [
    "Feature team members and other stakeholders",
    "All GitLab team members",
    "50% of all users",
    "100% of all users",
]
# Each section the schema wants filled in, and the text that fills it in the example plan.
FILLED = [
    ("Rollout success criteria", 3, "- Acceptance rate at or above Orion 2's for two weeks.\n- p95 latency below 1.2 s.\n"),
    ("Dashboard References", 3, PLAN[PLAN.index("- [Acceptance rate") : PLAN.index("## Legal notes")]),
    ("Legal notes", 2, "Legal approved the model's terms of use in gitlab-org/legal#321.\n"),
    ("Known issues", 2, "- Suggestions for Ruby are slightly shorter than with Orion 2 (#456801).\n"),
    ("Timeline", 3, "The rollout takes four weeks.\n\n" + TIMELINE_TABLE),
    ("Feedback from GitLab team members", 3, "Internal feedback is collected in #456795.\n"),
    ("Persevere / Continue Criteria", 3, PLAN[PLAN.index("1. Latency remains") : PLAN.index("### Pivot")]),
    ("Pivot / Pause / Rollback Criteria", 3, CRITERIA),
    ("Mitigation and Rollback Plan", 2, PLAN[PLAN.index("We will use a [feature flag]") : PLAN.index("## Release Announcement")]),
    ("Release Announcement", 2, "Announce in the Code Suggestions release post and in #code-suggestions on Slack.\n"),
]

ROWS = [
    Row("the resource table", [(RESOURCE_TABLE, "")], "RL301", "the resource table ('| Resource | Links |') is missing",
        COPY_TABLE, "## Overview\n"),
    Row("the resource table's columns", [("| Resource | Links |", "| Resource | Link |")], "RL301",
        "the resource table's columns are not 'Resource | Links'", COPY_TABLE, "| Resource | Link |"),
    *[
        Row(f"the {name} row", [(row, "")], "RL302", f"the resource table has no '{name}' row",
            f"add a '{name}' row, as the template has it", "| Resource | Links |")
        for name, row in (("Model", MODEL), ("Epic or Issue", EPIC), ("Feature Flag Rollout Issue", FEATURE_FLAG),
                          ("Status updates", STATUS))
    ],
    Row("the feature flag issue's link", [(FEATURE_FLAG, "| Feature Flag Rollout Issue | |\n")], "RL303",
        "the Feature Flag Rollout Issue link is empty", LINK_HINT, " |\n| Status"),
    Row("the feature flag issue's link is a link", [(FEATURE_FLAG, "| Feature Flag Rollout Issue | soon |\n")], "RL303",
        "'soon' is not a link to an issue", LINK_HINT, "soon"),
    Row("the epic's link", [(EPIC, "| Epic or Issue | |\n")], "RL304", "the recommended 'Epic or Issue' link is empty",
        RECOMMENDED_HINT, " |\n| Feature"),
    Row("the status updates' link", [(STATUS, "| Status updates | |\n")], "RL304",
        "the recommended 'Status updates' link is empty", RECOMMENDED_HINT, " |\n\n### Rollout success"),
    Row("the timeline table", [(TIMELINE_TABLE, "")], "RL301", "the timeline table ('| Date | Audience | Status |') is missing",
        COPY_TABLE, "### Timeline\n"),
    Row("the timeline table's columns", [("| Date | Audience | Status |", "| Date | Who | Status |")], "RL301",
        "the timeline table has no 'Date' or no 'Audience' column",
        "name the column of dates 'Date' and the column of audiences 'Audience'", "| Date | Who | Status |"),
    Row("the timeline's stages", [(TIMELINE_TABLE.split("\n", 2)[2], "\n")], "RL302", "the timeline table has no stages",
        "add a row for each stage of the rollout, with its date and audience", "| Date | Audience | Status |"),
    *[
        Row(f"the stage {audience!r}", [(f"| {date} | {audience} | Done |\n", "")], "RL309",
            f"the template's stage '{audience}' is not in the timeline",
            "add the stage, or say in the plan why the rollout skips it", "| Date | Audience | Status |")
        for date, audience in (("2026-10-01", AUDIENCES[0]), ("2026-10-08", AUDIENCES[1]))
    ],
    Row("the stage '50% of all users'", [(f"| {AUDIENCES[2]} |", "| 25% of all users |")], "RL309",
        "the template's stage '50% of all users' is not in the timeline",
        "add the stage, or say in the plan why the rollout skips it", "| Date | Audience | Status |"),
    Row("the last stage reaches all users", [(f"| {AUDIENCES[3]} |", "| 75% of all users |")], "RL309",
        "the last stage, '75% of all users', does not reach 100% of users",
        "end the timeline with the stage that reaches all users, or say why it stops short", "75% of all users"),
    Row("team stages first", [(f"| {AUDIENCES[1]} | Done |\n| 2026-10-15 | {AUDIENCES[2]} |",
                               f"| {AUDIENCES[2]} | Done |\n| 2026-10-15 | {AUDIENCES[1]} |")],
        "RL308", f"the team stage '{AUDIENCES[1]}' comes after '{AUDIENCES[2]}'",
        "team stages go before the stages that reach a share of all users", f"{AUDIENCES[1]} | In progress"),
    Row("shares that grow", [(f"| {AUDIENCES[2]} | In progress |\n", f"| {AUDIENCES[2]} | In progress |\n| 2026-10-20 | 25% of all users | |\n")],
        "RL308", "'25% of all users' reaches fewer users than '50% of all users' before it",
        "list the stages in the order the rollout widens", "25% of all users"),
    Row("a date", [("| 2026-10-08 |", "|  |")], "RL305", "the date is empty", DATE_HINT, "  | All GitLab"),
    Row("a date that is a date", [("| 2026-10-08 |", "| soon |")], "RL305", "'soon' is not a date", DATE_HINT, "soon"),
    Row("dates in order", [("| 2026-10-08 |", "| 2026-09-08 |")], "RL306", "2026-09-08 is before 2026-10-01 in an earlier row",
        "list the stages in the order they happen", "2026-09-08"),
    Row("a period in order", [("from 2026-09-01 to 2026-09-14_\n* p50", "from 2026-09-14 to 2026-09-01_\n* p50")], "RL306",
        "the period starts (2026-09-14) after it ends (2026-09-01)", "swap the two dates", "_Observed latency from 2026-09-14"),
    Row("a latency range", [("* p50: 320 ms to 410 ms", "* p50: 410 ms to 320 ms")], "RL401",
        "the range '410 ms to 320 ms' goes from high to low", "swap the two values", "* p50: 410"),
    *[
        Row(f"{name} a range", [(f"* {name}: {written}", f"* {name}: soon")], "RL401", "'soon' is not a range",
            f"write it as '{example}'", f"* {name}: soon")
        for name, written, example in (("p50", "320 ms to 410 ms", "120 ms to 180 ms"), ("p90", "650 ms to 800 ms", "120 ms to 180 ms"),
                                       ("p95", "0.9 s to 1.1 s", "120 ms to 180 ms"), ("Rate", "31% to 34%", "92% to 95%"))
    ],
    Row("a rate up to 100%", [("* Rate: 31% to 34%", "* Rate: 31% to 101%")], "RL401", "'31% to 101%' goes above 100%",
        "values here go from 0% to 100%", "* Rate: 31% to 101%"),
    Row("percentiles in order", [("* p50: 320 ms to 410 ms", "* p50: 700 ms to 900 ms")], "RL402",
        "p90 (650 ms to 800 ms) is lower than p50 (700 ms to 900 ms)",
        "a p90 range cannot be below the p50 range; are two lines swapped?", "* p90:"),
    Row("a criterion", [(CRITERIA, "Stop when it breaks.\n\n")], "RL403", "no pivot, pause or rollback criterion is listed",
        "list at least one condition under which the rollout stops", "### Pivot / Pause / Rollback Criteria\n"),
    Row("no placeholder", [("gitlab-org/legal#321", "[date]")], "RL202", "unfilled placeholder '[date]'",
        "replace it with the real value", "[date]"),
    *[
        Row(f"the section {title}", [(content, "<!-- later -->\n" + "\n" * content.endswith("\n\n"))], "RL203",
            f"section '{title}' is empty", FILL_HINT, f"{'#' * level} {title}\n")
        for title, level, content in FILLED
        if title not in ("Timeline", "Pivot / Pause / Rollback Criteria")
    ],
]


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_each_requirement_of_the_bundled_schema_is_found_when_a_plan_lacks_it(tmp_path: Path, row: Row) -> None:
    text = plan_with(*row.replacements)
    line, column = at(text, row.where)
    assert check(tmp_path, text) == [(line, column, row.rule, row.message, row.hint)]


@pytest.mark.parametrize(
    ("title", "table_or_items"),
    [("Timeline", (TIMELINE_TABLE, "RL301")), ("Pivot / Pause / Rollback Criteria", (CRITERIA, "RL403"))],
)
def test_a_section_emptied_of_its_table_or_list_is_empty_too(tmp_path: Path, title: str, table_or_items: tuple[str, str]) -> None:
    content = next(content for name, _, content in FILLED if name == title)
    text = plan_with((content, "<!-- later -->\n\n"))
    line = at(text, f"### {title}\n")[0]
    found = check(tmp_path, text)
    assert [(f[0], f[2]) for f in found] == sorted([(line, "RL203"), (line, table_or_items[1])])
    assert (line, 1, "RL203", f"section '{title}' is empty", FILL_HINT) in found


def test_the_template_meets_the_structure_and_fails_only_what_a_person_fills_in(tmp_path: Path) -> None:
    """`mode` is `template` or `issue`: the filled-in requirements apply in issue mode alone."""
    template = TEMPLATE.read_text("utf-8")
    assert [f[2] for f in check(tmp_path, template, "--mode", "template")] == ["RL504"]
    in_issue_mode = {f[2] for f in check(tmp_path, template, "--mode", "issue")}
    assert in_issue_mode == {"RL201", "RL202", "RL203", "RL303", "RL304", "RL504"}


# --- x-rule, x-message, x-hint: which annotation wins -------------------------------------------

RANGE = {"units": {"KB": 1}}
FILLED_DETAILS = {"properties": {"content": {"minItems": 1, "x-rule": "RL203", "x-message": "'{section}' is empty"}}}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "properties": {
        "sections": {
            "properties": {
                "Summary": {
                    "x-rule": "RL403",
                    "x-hint": "the hint above",
                    "x-message": {"x-range": "words above a keyword", "maxLength": "{value} is long"},
                    "properties": {
                        "items": {"maxItems": 3, "x-message": "three items, please"},
                        "paragraphs": {
                            "maxItems": 1,
                            "x-message": {"maxItems": "at most {expected} paragraph, not {value}", "minItems": "never"},
                            "items": {"maxLength": 80},
                        },
                        "fields": {
                            "required": ["Owner", "Team"],
                            "properties": {
                                "Owner": {"const": "me", "x-message": "{name} must be {expected}, not {value}", "x-hint": "its hint"},
                                "Size": {"x-rule": "RL100", "x-range": RANGE, "x-message": "bad {name}: {value} {nope}"},
                                "Cost": {"x-range": RANGE, "x-message": "{0} {"},
                                "Disk": {"x-range": RANGE, "x-hint": "the keyword's own hint"},
                                "Load": {"x-range": RANGE},
                                "Tags": {"x-message": "{value}", "maxLength": 3},
                            },
                        },
                        "tables": {
                            "items": {
                                "properties": {
                                    "rows": {
                                        "items": {
                                            "properties": {
                                                "Status": {"enum": ["Done"], "x-rule": "RL304", "x-message": "row {row} in {section}: {value}"}
                                            }
                                        }
                                    }
                                }
                            }
                        },
                        "sections": {
                            "properties": {
                                "Details": {"$ref": "#/$defs/filled", "x-hint": "the hint beside the reference"},
                                "Notes": {"$ref": "urn:rollout-lint:test:notes"},
                            }
                        },
                    },
                }
            }
        },
        "labels": {"contains": {"const": "x"}},
    },
    "$defs": {
        "filled": FILLED_DETAILS,
        "notes": {
            "$id": "urn:rollout-lint:test:notes",
            "x-hint": "the embedded resource's hint",
            "$ref": "#/$defs/content",
            "$defs": {"content": {"properties": {"content": {"minItems": 1, "x-rule": "RL203"}}}},
        },
    },
}
SUMMARY = """# Summary

One.

Two, a paragraph that is longer than eighty characters, which the schema does not allow.

* Owner: you
* Size: 9 KB to 1 KB
* Cost: 5 KB to 1 KB
* Disk: 5 KB to 1 KB
* Load: 5 KB to 1 KB
* Tags: a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v, w, x, y, z, 1, 2, 3, 4, 5

| Name | Status |
| --- | --- |
| Build | Late |

## Details

<!-- nothing -->

## Notes

<!-- nothing -->
"""
TAGS = "a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v, w, x, y, z, 1, 2, 3, 4, 5"


def test_which_annotation_gives_a_finding_its_rule_and_words(tmp_path: Path) -> None:
    schema = tmp_path / "summary.schema.json"
    schema.write_text(json.dumps(SCHEMA), encoding="utf-8")
    line = {text: number for number, text in enumerate(SUMMARY.splitlines(), 1)}
    long_paragraph = SUMMARY.splitlines()[4]
    assert check(tmp_path, SUMMARY, "--schema", str(schema)) == [
        # `required`, on an object with no words: the words above do not fit the keyword, the
        # rule and hint above do. A failure at `fields` is shown at the nearest place with a span.
        (1, 1, "RL403", '"Team" is a required property', "the hint above"),
        # A message for the keyword that failed, with the schema's value and the instance's (JSON).
        (1, 1, "RL403", "at most 1 paragraph, not " + json.dumps(["One.", long_paragraph])[:80], "the hint above"),
        # A message on the keyword's own object (a standard keyword).
        (1, 1, "RL403", "three items, please", "the hint above"),
        # The words above, worded for this keyword (a standard one).
        (line[long_paragraph], 1, "RL403", f"{long_paragraph} is long", "the hint above"),
        # A message on the keyword's object, with the field's name, the schema's and the plan's value.
        (line["* Owner: you"], 1, "RL403", "Owner must be me, not you", "its hint"),
        # The object's own rule beats the keyword's (RL401); a field the message names that does not
        # exist leaves the message as written.
        (line["* Size: 9 KB to 1 KB"], 1, "RL100", "bad {name}: {value} {nope}", "swap the two values"),
        # A message that is no format string is shown as written; the keyword's rule beats the one above.
        (line["* Cost: 5 KB to 1 KB"], 1, "RL401", "{0} {", "swap the two values"),
        # The object's own hint beats the keyword's.
        (line["* Disk: 5 KB to 1 KB"], 1, "RL401", "the range '5 KB to 1 KB' goes from high to low", "the keyword's own hint"),
        # Nothing on the object: the keyword's own rule, words and hint beat those above.
        (line["* Load: 5 KB to 1 KB"], 1, "RL401", "the range '5 KB to 1 KB' goes from high to low", "swap the two values"),
        (line[f"* Tags: {TAGS}"], 1, "RL403", TAGS, "the hint above"),
        # A row's first cell and the section it is in.
        (line["| Build | Late |"], 11, "RL304", "row Build in Summary: Late", "the hint above"),
        # Through a `$ref`: the target's rule and words, the hint beside the reference.
        (line["## Details"], 1, "RL203", "'Details' is empty", "the hint beside the reference"),
        # Through a `$ref` to an embedded resource, and a `$ref` inside it.
        (line["## Notes"], 1, "RL203", "[] has less than 1 item", "the embedded resource's hint"),
        # No annotation anywhere: RL100 with jsonschema-rs's words, no hint.
        (len(SUMMARY.splitlines()), 1, "RL100", "None of [] are valid under the given schema", None),
    ]


@pytest.mark.parametrize("name", ["x-rule", "x-hint", "x-message"])
def test_a_property_named_like_an_annotation_is_a_name(tmp_path: Path, name: str) -> None:
    """`properties` maps names to schemas: a section called `x-hint` gives no finding a hint."""
    schema = tmp_path / "named.schema.json"
    sections = {name: {"minProperties": 1, "properties": {"content": {"minItems": 1}}}}
    schema.write_text(json.dumps({"properties": {"sections": {"properties": sections}}}), encoding="utf-8")
    plan = f"# Summary\n\nDone.\n\n# {name}\n\n<!-- none yet -->\n"
    assert check(tmp_path, plan, "--schema", str(schema)) == [(5, 1, "RL100", "[] has less than 1 item", None)]
