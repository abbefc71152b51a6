"""RL305 and RL306 at their boundaries, through `rollout-lint check` as a user runs it.

Each case changes the example plan in one place and lists every finding the plan must then give:
line, column, rule and message. Every documented date form (README "What is checked", RL305's
docs), impossible days, same-day stages, one day back, periods equal, reversed or unreadable.
The differential test at the end compares the dates read with `datetime`'s own rendering of
them, never with the code under test.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import subprocess
from io import StringIO
from pathlib import Path
from typing import NamedTuple

import pytest

from conftest import COMMAND
from plan_edits import LINES, Finding, check, line_of, plan_with
from rollout_lint import cli

class Case(NamedTuple):
    id: str
    changes: tuple[tuple[str, str], ...]
    findings: list[Finding]


# --- Timeline dates: each is the first stage's, so that only its own reading is at stake ------

FIRST = "| 2026-10-01 | Feature team"
FIRST_LINE = line_of(FIRST)
CELL = 3  # the column of the date in `| 2026-10-01 |`


def first_date(written: str, *messages: str) -> Case:
    """The first stage's date written as `written`; each message an RL305 at its cell."""
    return Case(written or "empty", ((FIRST, f"| {written} | Feature team"),),
                [(FIRST_LINE, CELL, "RL305", message) for message in messages])


READ_DATES = [
    # ISO, and the other year-first forms
    "2026-10-01", "2026-9-5", "2026-10-1", "2026/10/01", "2026/9/30", "2026.10.01",
    # day month year
    "1 Oct 2026", "01 Oct 2026", "1 October 2026", "1 Oct. 2026", "1 Oct, 2026", "1 oct 2026", "1 OCTOBER 2026",
    "30 Sept 2026", "30 Sep 2026", "1\u00a0Oct\u00a02026",
    # month day, year
    "Oct 1, 2026", "October 1, 2026", "Oct 1 2026", "Oct. 1, 2026", "Sept 30, 2026", "oct 01, 2026",
    # ordinals
    "1st Oct 2026", "2nd Oct 2026", "3rd October 2026", "4th Oct 2026", "Oct 1st, 2026", "October 3rd 2026",
    # weekday prefixes, the day's own
    "Thu, 2026-10-01", "Thursday 1 October 2026", "Thu. Oct 1, 2026", "thu 2026/10/01", "THURSDAY, Oct 1, 2026",
    "Wed, 30 Sep 2026",
    # markup around it, a full stop after it
    "**2026-10-01**", "_2026-10-01_", "`2026-10-01`", "2026-10-01.",
    # a rescheduled stage: the struck-through date is not read
    "~~2026-09-24~~ 2026-10-01", "~~TBD~~ 2026-10-01", "~~2026-12-01~~ 2026-10-01", "~~Oct 20~~ Oct 1, 2026",
    "~~2026-09-24~~ 2026-10-01 ~~tentative~~",
    # qualifiers: a remark in brackets, `Week of`, `~`, `approx.`, `about`, `est.`, `tentative`
    "2026-10-01 (tentative)", "2026-10-01 (TBC)", "2026-10-01 [tentative]", "Week of 2026-10-01", "week of Oct 1, 2026",
    "~2026-10-01", "~ 2026-10-01", "approx. 2026-10-01", "about 1 Oct 2026", "Oct 1, 2026 (est.)", "2026-10-01 est.",
    "2026-10-01 tentative", "~2026-10-01 (tentative)", "**2026-10-01** (tentative)",
    # 29 February of a leap year, and of 2000 (divisible by 400)
    "2024-02-29", "29 Feb 2024", "Feb 29, 2024", "2000-02-29",
    # the first day the forms can write
    "0001-01-01",
]

REFUSED_DATES = [
    # month and day order differ between countries
    "10/01/2026", "01/10/2026", "01.10.2026", "10-01-2026", "1/10/2026",
    # 29 February of a year that is not leap, of 2100 (divisible by 100, not 400); 30 February
    "2026-02-29", "29 Feb 2026", "Feb 29, 2026", "2100-02-29", "2024-02-30",
    # month 13, month 0, day 0, day 32, 31 of a 30-day month
    "2026-13-01", "2026-00-10", "2026-10-00", "0 Oct 2026", "2026-10-32", "32 Oct 2026", "2026-09-31", "31 Sep 2026",
    # year 0, two-digit years, a year without a day
    "0000-01-01", "1 Oct 26", "26-10-01", "Oct 2026", "2026-10",
    # months that are not months
    "Octember 1, 2026", "1 Oc 2026", "1 Octobers 2026",
    # words, and a date with more than a date
    "TBD", "next week", "Q4 2026", "2026-10-01 10:00", "on 2026-10-01", "2026-10-01 or later", "soon ~2026-10-01",
    # struck through and nothing after it
    "~~2026-10-01~~",
    # a weekday the day is not: 1 October 2026 is a Thursday
    "Mon, 2026-10-01", "Friday 1 October 2026", "Wed. Oct 1, 2026",
    # a weekday and no date
    "Thursday",
    # one character: written, so not empty (the schema's minLength 1), and no date
    "x",
]

TIMELINE_CASES = [
    *(first_date(written) for written in READ_DATES),
    *(first_date(written, f"'{written}' is not a date") for written in REFUSED_DATES),
    Case("empty", ((FIRST, "|  | Feature team"),), [(FIRST_LINE, 2, "RL305", "the date is empty")]),
    Case("placeholder", ((FIRST, "| ??? | Feature team"),), [(FIRST_LINE, CELL, "RL202", "unfilled placeholder '???'")]),
    # No year: a warning, and the date is left out of the order
    *(Case(f"no year: {written}", ((FIRST, f"| {written} | Feature team"),),
           [(FIRST_LINE, CELL, "RL307", f"'{written}' has no year")])
      for written in ("Oct 1", "1 Oct", "October 1st", "Thu, Oct 1", "Oct 1 (tentative)", "Feb 29", "Dec 31")),
    Case("no year, and a day no year has", ((FIRST, "| Feb 30 | Feature team"),),
         [(FIRST_LINE, CELL, "RL305", "'Feb 30' is not a date")]),
]


STAGES = LINES[FIRST_LINE - 1 : FIRST_LINE + 3]  # dated 2026-10-01, -08, -15 and -29


def stages(*dates: str) -> tuple[tuple[str, str]]:
    """The first stages' dates replaced by `dates`, in order; the others left as they are."""
    rows = [f"| {date} |{row.split('|', 2)[2]}" for date, row in zip(dates, STAGES)] + STAGES[len(dates) :]
    return (("\n".join(STAGES), "\n".join(rows)),)


def back(row: int, date: str, latest: str) -> Finding:
    """RL306 at the `row`th stage (1-based): `date` is before `latest`."""
    return (FIRST_LINE + row - 1, CELL, "RL306", f"{date} is before {latest} in an earlier row")


ORDER_CASES = [
    Case("same day twice", stages("2026-10-01", "2026-10-01"), []),
    Case("all four stages on one day", stages(*["2026-10-01"] * 4), []),
    Case("one day apart", stages("2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04"), []),
    Case("one day back", stages("2026-10-01", "2026-09-30"), [back(2, "2026-09-30", "2026-10-01")]),
    Case("one day back over a year end", stages("2026-01-01", "2025-12-31"), [back(2, "2025-12-31", "2026-01-01")]),
    Case("a year back, same day and month", stages("2026-10-01", "2025-10-01"), [back(2, "2025-10-01", "2026-10-01")]),
    Case("a month back, same day", stages("2026-10-08", "2026-09-08"), [back(2, "2026-09-08", "2026-10-08")]),
    Case("back against a stage before the one above", stages("2026-10-01", "2026-10-08", "2026-10-15", "2026-10-07"),
         [back(4, "2026-10-07", "2026-10-15")]),
    Case(
        "a stage that goes back does not become the one to compare with",
        stages("2026-10-01", "2026-10-08", "2026-10-02", "2026-10-05"),
        [back(3, "2026-10-02", "2026-10-08"), back(4, "2026-10-05", "2026-10-08")],
    ),
    Case("the last stage first", stages("2026-10-29", "2026-10-08", "2026-10-15", "2026-10-29"),
         [back(2, "2026-10-08", "2026-10-29"), back(3, "2026-10-15", "2026-10-29")]),
    Case(
        "an unreadable date is passed over",
        stages("2026-10-01", "TBD", "2026-09-30"),
        [(FIRST_LINE + 1, CELL, "RL305", "'TBD' is not a date"), back(3, "2026-09-30", "2026-10-01")],
    ),
    Case(
        "an empty date is passed over",
        (("| 2026-10-08 |", "|  |"), ("| 2026-10-15 |", "| 2026-09-30 |")),
        [(FIRST_LINE + 1, 2, "RL305", "the date is empty"), back(3, "2026-09-30", "2026-10-01")],
    ),
    Case("a date without a year is not compared", stages("2026-10-08", "Oct 1"),
         [(FIRST_LINE + 1, CELL, "RL307", "'Oct 1' has no year")]),
    Case("qualified dates are compared", stages("2026-10-08 (tentative)", "Week of 2026-10-01"),
         [back(2, "2026-10-01", "2026-10-08")]),
    Case("forms compared as dates", stages("Oct 1, 2026", "1 Oct 2026", "2026/10/02", "Fri, 2 October 2026"), []),
    Case("forms compared as dates, one day back", stages("Oct 2, 2026", "2026/10/01"), [back(2, "2026-10-01", "2026-10-02")]),
    Case("a struck-through earlier date is not compared", stages("2026-10-01", "~~2026-09-01~~ 2026-10-08"), []),
    Case("the new date of a rescheduled stage is", stages("2026-10-01", "~~2026-10-20~~ 2026-09-30"),
         [back(2, "2026-09-30", "2026-10-01")]),
]


# --- Periods: `from <date> to <date>`, in the Persevere / Continue Criteria -------------------

LATENCY = "_Observed latency from 2026-09-01 to 2026-09-14_"
RATE = "_Observed success/acceptance rate from 2026-09-01 to 2026-09-14_"


def period(id: str, written: str, *findings: tuple[str, str], line: str = LATENCY) -> Case:
    """The period paragraph `line` written as `_Observed ... <written>_`; each finding at its line."""
    start = line.split(" from ")[0]
    return Case(id, ((line, f"{start} {written}_"),), [(line_of(line), 1, rule, message) for rule, message in findings])


def reversed_period(start: str, end: str) -> tuple[str, str]:
    return ("RL306", f"the period starts ({start}) after it ends ({end})")


def not_a_date(written: str) -> tuple[str, str]:
    return ("RL305", f"'{written}' is not a date")


PERIOD_CASES = [
    period("same day", "from 2026-09-01 to 2026-09-01"),
    period("one day", "from 2026-09-01 to 2026-09-02"),
    period("one day reversed", "from 2026-09-02 to 2026-09-01", reversed_period("2026-09-02", "2026-09-01")),
    period("reversed over a year end", "from 2027-01-01 to 2026-12-31", reversed_period("2027-01-01", "2026-12-31")),
    period("a year reversed", "from 2027-09-01 to 2026-09-01", reversed_period("2027-09-01", "2026-09-01")),
    period("reversed, the rate's period", "from 2026-09-14 to 2026-09-01", reversed_period("2026-09-14", "2026-09-01"),
           line=RATE),
    period("day month year", "from 1 Sep 2026 to 14 Sep 2026"),
    period("month day, year", "from Sep 1, 2026 to September 14, 2026"),
    period("slashes", "from 2026/09/01 to 2026/09/14"),
    period("weekdays and ordinals", "from Tue, 1st Sep 2026 to Monday, Sep 14th, 2026"),
    period("mixed forms, reversed", "from 14 Sep 2026 to 2026/09/13", reversed_period("2026-09-14", "2026-09-13")),
    period("capitals", "FROM 2026-09-01 TO 2026-09-14"),
    period("a full stop after the end", "from 2026-09-01 to 2026-09-14."),
    period("29 February of a leap year", "from 2024-02-29 to 2024-03-01"),
    period("29 February, not a leap year", "from 2026-02-29 to 2026-03-01", not_a_date("2026-02-29")),
    period("an ambiguous start", "from 09/01/2026 to 2026-09-14", not_a_date("09/01/2026")),
    period("an ambiguous end", "from 2026-09-01 to 09/14/2026", not_a_date("09/14/2026")),
    period("both ambiguous", "from 09/01/2026 to 09/14/2026", not_a_date("09/01/2026"), not_a_date("09/14/2026")),
    period("a word for the end", "from 2026-09-01 to TBD", not_a_date("TBD")),
    period("a word for the start", "from TBD to 2026-09-14", not_a_date("TBD")),
    period("a bad date is not compared", "from 2026-09-31 to 2026-09-01", not_a_date("2026-09-31")),
    period("a wrong weekday", "from Mon, 2026-09-01 to 2026-09-14", not_a_date("Mon, 2026-09-01")),
    period("month 13", "from 2026-13-01 to 2026-12-01", not_a_date("2026-13-01")),
    period("day 0", "from 2026-09-00 to 2026-09-14", not_a_date("2026-09-00")),
    period("a remark in brackets after the end", "from 2026-09-01 to 2026-09-14 (two weeks)"),
    period("more after the end", "from 2026-09-01 to 2026-09-14 and then", not_a_date("2026-09-14 and then")),
    Case("placeholders", ((LATENCY, "_Observed latency from [date] to [date]_"),), [
        (line_of(LATENCY), len("_Observed latency from ") + 1, "RL202", "unfilled placeholder '[date]'"),
        (line_of(LATENCY), len("_Observed latency from [date] to ") + 1, "RL202", "unfilled placeholder '[date]'"),
    ]),
    # a year written once covers both ends; none at all is a warning, the order still checked
    period("the year at the end covers the start", "from Mar 24 to Apr 4, 2026"),
    period("the year at the start covers the end", "from Sep 1, 2026 to Sep 14"),
    period("the year at the end, reversed", "from Apr 4 to Mar 24, 2026", reversed_period("2026-04-04", "2026-03-24")),
    period("the year at the end, same day", "from Mar 24 to 24 Mar 2026"),
    period("no year", "from May 17 to Aug 21", ("RL307", "the period from 'May 17' to 'Aug 21' has no year")),
    period("no year, reversed", "from Aug 21 to May 17", ("RL307", "the period from 'Aug 21' to 'May 17' has no year"),
           ("RL306", "the period starts (Aug 21) after it ends (May 17)")),
    period("29 February in the other end's year", "from Feb 29 to Mar 1, 2026",
           ("RL305", "'Feb 29' is not a date in 2026")),
    period("29 February in the other end's leap year", "from Feb 29 to Mar 1, 2024"),
    period("qualified ends", "from ~2026-09-01 to 2026-09-14 (est.)"),
    # other ways to write a period, read where both ends are dates
    period("between", "between 2026-09-01 and 2026-09-14"),
    period("between, same day", "between 2026-09-01 and 2026-09-01"),
    period("between, reversed", "between 2026-09-14 and 2026-09-01", reversed_period("2026-09-14", "2026-09-01")),
    Case("between, first in the paragraph", ((LATENCY, "Between 2026-09-14 and 2026-09-01"),),
         [(line_of(LATENCY), 1, *reversed_period("2026-09-14", "2026-09-01"))]),
    period("between, after three words", "in the weeks between 2026-09-14 and 2026-09-01",
           reversed_period("2026-09-14", "2026-09-01")),
    period("between, ten spaces before the date", "between          2026-09-14 and 2026-09-01",
           reversed_period("2026-09-14", "2026-09-01")),
    period("'between' ending a word is not 'between'", "inbetween 2026-09-14 and 2026-09-01"),
    period("to", "2026-09-01 to 2026-09-14"),
    period("through, reversed", "2026-09-14 through 2026-09-01", reversed_period("2026-09-14", "2026-09-01")),
    period("to, reversed", "2026-09-14 to 2026-09-01", reversed_period("2026-09-14", "2026-09-01")),
    period("en dash", "2026-09-01 – 2026-09-14"),
    period("en dash, reversed", "2026-09-14 – 2026-09-01", reversed_period("2026-09-14", "2026-09-01")),
    period("hyphen, reversed", "2026-09-14 - 2026-09-01", reversed_period("2026-09-14", "2026-09-01")),
    period("em dash, month names, one year", "Sep 14 — Sep 1, 2026", reversed_period("2026-09-14", "2026-09-01")),
    period("no spaces round the dash", "Sep 1–14 Sep 2026"),
    period("'and' without 'between' is no period", "2026-09-14 and 2026-09-01"),
    period("one date is no period", "in the two weeks to 2026-09-14"),
    period("no period", "in the two weeks before the rollout"),
    period("no end", "from 2026-09-01"),
    period("'from' ending a word is not 'from', but two dates joined by 'to' are a period",
           "wherefrom 2026-09-14 to 2026-09-01", reversed_period("2026-09-14", "2026-09-01")),
    period("'until' is not 'to'", "from 2026-09-14 until 2026-09-01"),
    period("a 'to' before 'from' is not the period's", "close to target, from 2026-09-14 to 2026-09-01",
           reversed_period("2026-09-14", "2026-09-01")),
    period("an end left in a comment is no end", "from 2026-09-01 to <!-- TBD -->"),
]

CASES = TIMELINE_CASES + ORDER_CASES + PERIOD_CASES


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_date_gives_exactly_its_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: Case) -> None:
    assert check(tmp_path, capsys, plan_with(*case.changes)) == sorted(case.findings)


def test_template_mode_does_not_read_dates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The template's dates are `???`: a template is not a plan, its dates are not checked."""
    text = plan_with(*stages("10/01/2026", "2026-09-30"), (LATENCY, "_Observed latency from 2026-09-14 to TBD_"))
    assert check(tmp_path, capsys, text, mode="template") == []


ORDER_HINT = "list the stages in the order they happen"
PERIOD_HINT = "write the period as 'from 2026-09-01 to 2026-09-14'"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (stages("TBD"), (FIRST_LINE, "RL305", "'TBD' is not a date", "write the date as 2026-10-01")),
        (stages("2026-10-01", "2026-09-30"),
         (FIRST_LINE + 1, "RL306", "2026-09-30 is before 2026-10-01 in an earlier row", ORDER_HINT)),
        (((LATENCY, "_Observed latency from TBD to 2026-09-14_"),),
         (line_of(LATENCY), "RL305", "'TBD' is not a date", PERIOD_HINT)),
        (((LATENCY, "_Observed latency from 2026-09-14 to 2026-09-01_"),),
         (line_of(LATENCY), "RL306", "the period starts (2026-09-14) after it ends (2026-09-01)", "swap the two dates")),
    ],
    ids=["timeline date", "timeline order", "period date", "period order"],
)
def test_each_finding_says_how_to_fix_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], changes: tuple[tuple[str, str], ...],
    expected: tuple[int, str, str, str],
) -> None:
    """The schema's `x-hint` for a date cell; the checks' own hints for the order and periods."""
    plan = tmp_path / "plan.md"
    plan.write_text(plan_with(*changes), encoding="utf-8")
    out = StringIO()
    assert cli.main(["check", "--format", "json", str(plan)], stdout=out) == 1
    assert capsys.readouterr().err == ""
    found = json.loads(out.getvalue())["diagnostics"]
    assert [(d["line"], d["rule"], d["message"], d["hint"]) for d in found] == [expected]


def test_dates_ascend_only_down_the_rows_of_a_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A schema of one's own may put `x-dates-ascend` on a list that holds no rows (a section's
    paragraphs): it has no column to read, and is passed over, not a crash."""
    on_rows = {"x-dates-ascend": {"column": "Date"}}
    summary = {"properties": {"paragraphs": on_rows, "tables": {"items": {"properties": {"rows": on_rows}}}}}
    schema = tmp_path / "s.schema.json"
    schema.write_text(json.dumps({"properties": {"sections": {"properties": {"Summary": summary}}}}), encoding="utf-8")
    plan = tmp_path / "plan.md"
    plan.write_text("# Summary\n\n2026-10-02\n\n2026-10-01\n\n| Date | What |\n| - | - |\n"
                    "| 2026-10-02 | a |\n| 2026-10-01 | b |\n", encoding="utf-8")
    out = StringIO()
    assert cli.main(["check", "--schema", str(schema), "--format", "json", str(plan)], stdout=out) == 1
    assert capsys.readouterr().err == ""
    assert [(d["line"], d["column"], d["rule"], d["message"]) for d in json.loads(out.getvalue())["diagnostics"]] == [
        (10, 3, "RL306", "2026-10-01 is before 2026-10-02 in an earlier row")
    ]


# --- The extremes of the calendar ---------------------------------------------------------------

CALENDAR_CASES = [
    period("backwards", "from 2026-09-14 to 2026-09-01", reversed_period("2026-09-14", "2026-09-01")),
    period("year 0", "from 0000-01-01 to 2026-01-01", not_a_date("0000-01-01")),
    period("year 10000", "from 9999-12-31 to 10000-01-01", not_a_date("10000-01-01")),
    period("31 February", "from 31 Feb 2026 to 1 Mar 2026", not_a_date("31 Feb 2026")),
    period("over two lines", "from 2026-09-01\nto 2026-09-14"),
    period("the first 'to' ends the start", "from 2026-09-01 to 2026-09-14 to 2026-09-20",
           not_a_date("2026-09-14 to 2026-09-20")),
    Case("last day of year 9999", stages("9999-12-31"),
         [back(2, "2026-10-08", "9999-12-31"), back(3, "2026-10-15", "9999-12-31"), back(4, "2026-10-29", "9999-12-31")]),
]


@pytest.mark.parametrize("case", CALENDAR_CASES, ids=[case.id for case in CALENDAR_CASES])
def test_the_ends_of_the_calendar(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: Case) -> None:
    assert check(tmp_path, capsys, plan_with(*case.changes)) == sorted(case.findings)


# --- Differential: the dates read against `datetime`'s rendering of known dates ---------------

# The forms the README and RL305's docs promise, as `strftime` writes them (C locale: English
# names). Each written date is a known `dt.date`; the tool must read exactly that date.
READ_FORMATS = [
    "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d",
    "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y",
    "%a, %Y-%m-%d", "%A %d %B %Y", "%a, %b %d, %Y",
]
# Month and day order differ between countries: refused whatever the day.
REFUSED_FORMATS = ["%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%m-%d-%Y"]
# Every day of a leap year and the days around the turn of two others, 2100 not being leap.
DAYS = [dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(366)] + [
    dt.date(2099, 12, 31), dt.date(2100, 2, 28), dt.date(2100, 3, 1), dt.date(2000, 2, 29), dt.date(1999, 12, 31),
]


def test_every_documented_form_reads_the_date_datetime_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each period runs backwards by one day, so RL306's message names both dates as read: the
    oracle is the `dt.date` each text was rendered from, and date order is `datetime`'s."""
    paragraphs = []
    expected = []
    line = line_of(LATENCY)
    for day in DAYS:
        later = day + dt.timedelta(days=1)
        for form in READ_FORMATS:
            paragraphs.append(f"Observed from {later.strftime(form)} to {day.strftime(form)}")
            expected.append((line, 1, "RL306", f"the period starts ({later.isoformat()}) after it ends ({day.isoformat()})"))
            line += 2
    text = plan_with((LATENCY, "\n\n".join(paragraphs)))
    assert check(tmp_path, capsys, text) == sorted(expected)


def test_every_ambiguous_form_is_refused_whatever_the_day(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paragraphs = []
    expected = []
    line = line_of(LATENCY)
    for day in DAYS[::7]:
        for form in REFUSED_FORMATS:
            written = day.strftime(form)
            paragraphs.append(f"Observed from 2024-01-01 to {written}")
            expected.append((line, 1, "RL305", f"'{written}' is not a date"))
            line += 2
    text = plan_with((LATENCY, "\n\n".join(paragraphs)))
    assert check(tmp_path, capsys, text) == sorted(expected)


def test_impossible_days_are_refused_as_the_calendar_says(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every month 0–13 and day 0–32 of a leap year, a common year and 2100, in ISO form; the
    oracle for which exist is the length of each month, written out here."""
    days_in_month = {1: 31, 2: 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}
    paragraphs = []
    expected = []
    line = line_of(LATENCY)
    for year, leap in ((2024, True), (2026, False), (2100, False)):
        for month in range(14):
            for day in range(33):
                written = f"{year}-{month:02}-{day:02}"
                paragraphs.append(f"Observed from {written} to {year + 1}-01-01")
                length = days_in_month.get(month, 0) + (1 if leap and month == 2 else 0)
                if not 1 <= day <= length:
                    expected.append((line, 1, "RL305", f"'{written}' is not a date"))
                line += 2
    text = plan_with((LATENCY, "\n\n".join(paragraphs)))
    assert check(tmp_path, capsys, text) == sorted(expected)


# --- Long values are read in linear time ---------------------------------------------------------

# A value read in quadratic time takes hours at these sizes; in linear time, well under a
# second. The limit is on CPU time, which a loaded machine does not stretch; the installed
# command is run, in its own process, so that the limit stops only it.
CPU_SECONDS = 20
RUN_ON = 200_000


def limit_cpu() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def shortened(text: str) -> str:
    """How a message quotes a long value: its first 59 characters and an ellipsis."""
    return text[:59] + "…"


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("Observed latency " + "from " * RUN_ON, []),
        ("Observed latency from 2026-09-01" + " " * RUN_ON + "x", []),
        ("Observed latency from 2026-09-01 to 2026-09-14" + " " * RUN_ON + "x",
         [(line_of(LATENCY), "RL305", f"'{shortened('2026-09-14' + ' ' * 49)}' is not a date")]),
    ],
    ids=["'from' repeated", "period with a long run of spaces", "period end with a long run of spaces"],
)
def test_long_periods_are_read_in_linear_time(tmp_path: Path, by: str, expected: list[tuple[int, str, str]]) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text(plan_with((LATENCY, by)), encoding="utf-8")
    completed = subprocess.run(
        [COMMAND, "check", "--format", "json", str(plan)],
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=limit_cpu,
    )
    assert completed.returncode == (1 if expected else 0), completed.stderr[-2000:]
    found = [(d["line"], d["rule"], d["message"]) for d in json.loads(completed.stdout)["diagnostics"]]
    assert found == expected
