"""RL401–RL403 at their boundaries, through `rollout-lint check` as a user runs it.

Each case changes the example plan in one place and lists every finding the plan must then give:
line, column, rule and message. Ranges with equal ends, one unit against another (1 s against
999 ms), missing and unknown units, negative values, 0 %, 100 % and just above; p50 = p90 = p95,
a percentile below the one before it by its low or its high end; criteria listed or not. The
differential tests at the end compare the verdicts with integer arithmetic on the values the
ranges were written from, never with the code under test.
"""

from __future__ import annotations

import json
import resource
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from conftest import COMMAND
from plan_edits import LINES, Finding, check, line_of, plan_with, report

class Case(NamedTuple):
    id: str
    changes: tuple[tuple[str, str], ...]
    findings: list[Finding]


P50, P90, P95, RATE = "* p50: 320 ms to 410 ms", "* p90: 650 ms to 800 ms", "* p95: 0.9 s to 1.1 s", "* Rate: 31% to 34%"


def field(line: str, written: str, *messages: str, rule: str = "RL401") -> Case:
    """The field on `line` (`* p50: ...`) written as `written`; each message a `rule` finding there."""
    key = line.split(":")[0]
    return Case(f"{key[2:]}: {written}", ((line, f"{key}: {written}"),),
                [(line_of(line), 1, rule, message) for message in messages])


def p95(written: str, *messages: str) -> Case:
    """p95, the last percentile, stands alone: no later one to compare with, and above p90's
    650–800 ms it rises from the one before."""
    return field(P95, written, *messages)


def rate(written: str, *messages: str) -> Case:
    return field(RATE, written, *messages)


def high_to_low(written: str) -> str:
    return f"the range '{written}' goes from high to low"


def shortened(text: str) -> str:
    """How a message quotes a long value: its first 59 characters and an ellipsis."""
    return text[:59] + "…"


HUGE = "1" + "0" * 400  # more digits than a float holds

RANGE_CASES = [
    # equal ends, one unit or two
    p95("900 ms to 900 ms"),
    p95("1 s to 1 s"),
    p95("1 s to 1000 ms"),
    p95("1000 ms to 1 s"),
    p95("1.005 s to 1005 ms"),  # 1.005 * 1000 is 1004.9999999999999 in floats
    p95("1005 ms to 1.005 s"),
    p95("0.9 s to 900 ms"),
    # one step from high to low
    p95("901 ms to 900 ms", high_to_low("901 ms to 900 ms")),
    p95("1 s to 999 ms", high_to_low("1 s to 999 ms")),
    p95("1.001 s to 1000 ms", high_to_low("1.001 s to 1000 ms")),
    p95("1000.5 ms to 1 s", high_to_low("1000.5 ms to 1 s")),
    p95("999 ms to 1 s"),
    p95("1 s to 1001 ms"),
    # the unit written once applies to both ends
    p95("900 to 1100 ms"),
    p95("900 ms to 1100"),
    Case("p95: 1 to 900 ms", ((P95, "* p95: 1 to 900 ms"),),  # 1 ms, not 1 s: not high to low
         [(line_of(P95), 1, "RL402", "p95 (1 to 900 ms) is lower than p90 (650 ms to 800 ms)")]),
    p95("1100 to 1 s", high_to_low("1100 to 1 s")),  # 1100 s
    # no unit, unknown units
    p95("900 to 1100", "'900 to 1100' has no unit"),
    p95("900 us to 1100 us", "'900 us to 1100 us' has unit 'us'"),
    p95("900 ms to 1100 us", "'900 ms to 1100 us' has unit 'us'"),
    p95("900 us to 1100 ms", "'900 us to 1100 ms' has unit 'us'"),
    p95("900 MS to 1100 MS", "'900 MS to 1100 MS' has unit 'MS'"),
    p95("0.9 sec to 1.1 sec", "'0.9 sec to 1.1 sec' has unit 'sec'"),
    p95("90% to 95%", "'90% to 95%' has unit '%'"),
    # separators and spacing
    p95("900 - 1100 ms"),
    p95("900–1100 ms"),
    p95("900 — 1100 ms"),
    p95("900ms to 1100ms"),
    p95("900 ms-1100 ms"),
    p95("900\u00a0ms to 1100\u00a0ms"),
    p95("**900 ms to 1100 ms**"),
    p95("`900 ms` to `1100 ms`"),
    # decimals: a point, or a comma before one, two or four digits; a comma before groups of
    # three digits (after a first group that is not 0) separates thousands
    p95("900.5 ms to 1100.25 ms"),
    p95("0,9 s to 1,1 s"),
    p95("0,900 s to 1,1 s"),
    p95("0,95 s to 1,2345 s"),
    p95("1,25 s to 1,5 s"),
    p95("900 ms to 1,100 ms"),
    p95("1,100 ms to 1,200 ms"),
    p95("900 to 1,100", "'900 to 1,100' has no unit"),
    p95("1,000 ms to 2,000 ms"),
    p95("1,000.5 ms to 1,000.5 ms"),
    p95("1,100,000 ms to 2,000,000 ms"),
    p95("1,001 ms to 1 s", high_to_low("1,001 ms to 1 s")),  # 1001 ms, not 1.001 ms
    p95("1,046ms to 1,200ms"),
    # the forms engineers write, each read as a range
    p95("900ms to 1100ms"),
    p95("900–1100ms"),
    p95("900-1100ms"),
    p95("0.9 s to 1.1 s"),
    p95("900 ms to 1.1 s"),
    p95("1 s to 1 min"),
    p95("0.5 min to 1 min"),
    p95("1 min to 59 s", high_to_low("1 min to 59 s")),
    # not ranges
    p95("fast", "'fast' is not a range"),
    p95("to 1100 ms", "'to 1100 ms' is not a range"),
    p95("900 ms to", "'900 ms to' is not a range"),
    p95("900 ms to 1100 ms (stable)", "'900 ms to 1100 ms (stable)' is not a range"),
    p95("~900 ms to 1100 ms", "'~900 ms to 1100 ms' is not a range"),
    p95(".9 s to 1.1 s", "'.9 s to 1.1 s' is not a range"),
    p95("9. ms to 11 ms", "'9. ms to 11 ms' is not a range"),
    p95("X ms to 1100 ms", "'X ms to 1100 ms' is not a range"),
    # 0 and below
    field(P50, "0 ms to 0 ms"),
    field(P50, "-0 ms to 0 ms"),
    field(P50, "+5 ms to 10 ms"),
    field(P50, "-1 ms to 410 ms", "'-1 ms to 410 ms' has a negative value"),
    field(P50, "0 ms to -1 ms", "'0 ms to -1 ms' has a negative value", high_to_low("0 ms to -1 ms")),
    field(P50, "-0.001 s to 0 ms", "'-0.001 s to 0 ms' has a negative value"),
    # more negative values, units converted, numbers that are not numbers here
    field(P50, "-5 ms to 10 ms", "'-5 ms to 10 ms' has a negative value"),
    field(P50, "-5 ms to -1 ms", "'-5 ms to -1 ms' has a negative value"),
    field(P50, "-0.001 s to 0.5 s", "'-0.001 s to 0.5 s' has a negative value"),
    field(P50, "10 ms to -5 ms", "'10 ms to -5 ms' has a negative value", high_to_low("10 ms to -5 ms")),
    field(P50, "0.3 s to 0.4 s"),
    field(P50, "0.5 s to 600 ms"),
    field(P50, "0.6 s to 599 ms", high_to_low("0.6 s to 599 ms")),
    field(P50, "0,3 s to 0,4 s"),
    field(P50, "inf ms to 10 ms", "'inf ms to 10 ms' is not a range"),
    field(P50, "NaN ms to 10 ms", "'NaN ms to 10 ms' is not a range"),
    field(P50, "1e400 ms to 1e401 ms", "'1e400 ms to 1e401 ms' is not a range"),
    field(P50, "\u22125 ms to 10 ms", "'\u22125 ms to 10 ms' is not a range"),  # a minus sign (U+2212)
    # one value, plain, approximate or a bound: checked like a range, and a warning
    *(field(P50, written, f"'{written}' is a single value, not a range", rule="RL404")
      for written in ("5 ms", "~150 ms", "~ 150 ms", "about 150 ms", "approx. 150 ms", "< 200 ms", "<200ms",
                      "≤ 200 ms", "under 200 ms", "1,046ms", "1.2 s", "0 ms")),
    field(P50, "~150 us", "'~150 us' has unit 'us'"),
    field(P50, "~150", "'~150' has no unit"),
    Case("p50: < -1 ms", ((P50, "* p50: < -1 ms"),), [(line_of(P50), 1, "RL401", "'< -1 ms' has a negative value"),
                                                     (line_of(P50), 1, "RL404", "'< -1 ms' is a single value, not a range")]),
    field(RATE, "~95%", "'~95%' is a single value, not a range", rule="RL404"),
    field(RATE, "100%", "'100%' is a single value, not a range", rule="RL404"),
    Case("Rate: 101%", ((RATE, "* Rate: 101%"),), [(line_of(RATE), 1, "RL401", "'101%' goes above 100%"),
                                                  (line_of(RATE), 1, "RL404", "'101%' is a single value, not a range")]),
    field(P50, "about fast", "'about fast' is not a range"),
    field(P50, "150 ms or so", "'150 ms or so' is not a range"),
    field(P50, "١٢٠ ms to ١٨٠ ms"),  # Arabic-Indic digits
    field(P50, "１２０ ms to １８０ ms"),  # full-width digits
    field(P50, "²³ ms to ³³ ms", "'²³ ms to ³³ ms' is not a range"),  # superscripts are no digits
    p95(f"900 ms to {HUGE} ms"),
    # rates: 0 % to 100 %, both included
    rate("100% to 100%"),
    rate("100.0 % to 100.0 %"),
    rate("0% to 0%"),
    rate("-0% to 0%"),
    rate("0% to 100%"),
    rate("99.9% to 100%"),
    rate("31 to 34%"),
    rate("31% to 34"),
    rate("100% to 100.1%", "'100% to 100.1%' goes above 100%"),
    rate("100.1% to 100.1%", "'100.1% to 100.1%' goes above 100%"),
    rate("99% to 100.0000001%", "'99% to 100.0000001%' goes above 100%"),
    rate("101% to 102%", "'101% to 102%' goes above 100%"),
    rate("-1 % to 5 %", "'-1 % to 5 %' has a negative value"),
    rate("-0.1% to 0%", "'-0.1% to 0%' has a negative value"),
    rate("-1% to 101%", "'-1% to 101%' has a negative value"),  # the lower bound is told first
    rate("34% to 31%", high_to_low("34% to 31%")),
    rate("101% to 100%", "'101% to 100%' goes above 100%", high_to_low("101% to 100%")),
    rate("31 to 34", "'31 to 34' has no unit"),
    rate("31% to 34 ms", "'31% to 34 ms' has unit 'ms'"),
    rate("31 ms to 34 ms", "'31 ms to 34 ms' has unit 'ms'"),
    rate(f"{HUGE}% to 5%", f"'{shortened(HUGE + '% to 5%')}' goes above 100%",
         f"the range '{shortened(HUGE + '% to 5%')}' goes from high to low"),
]


# --- p50 ≤ p90 ≤ p95 (320–410 ms, 650–800 ms, 0.9–1.1 s in the example) --------------------

def lower(key: str, written: str, before: str, previous: str) -> Finding:
    line = {"p90": line_of(P90), "p95": line_of(P95)}[key]
    return (line, 1, "RL402", f"{key} ({written}) is lower than {before} ({previous})")


def percentiles(p50: str, p90: str | None, p95: str) -> tuple[tuple[str, str], ...]:
    """The three percentiles written so; `p90=None` takes its line out."""
    new = [f"* p50: {p50}", *([f"* p90: {p90}"] if p90 is not None else []), f"* p95: {p95}"]
    return (("\n".join([P50, P90, P95]), "\n".join(new)),)


ORDER_CASES = [
    Case("p50 = p90 = p95", percentiles("500 ms to 600 ms", "500 ms to 600 ms", "500 ms to 600 ms"), []),
    Case("p50 = p90 = p95 in other units", percentiles("0.5 s to 0.6 s", "500 ms to 600 ms", "0.5 s to 600 ms"), []),
    Case("p50 = p90 = p95, one point", percentiles("500 ms to 500 ms", "0.5 s to 0.5 s", "500 ms to 500 ms"), []),
    Case("p90 lower by its low end", percentiles("320 ms to 410 ms", "319 ms to 800 ms", "0.9 s to 1.1 s"),
         [lower("p90", "319 ms to 800 ms", "p50", "320 ms to 410 ms")]),
    Case("p90 lower by its high end", percentiles("320 ms to 801 ms", "650 ms to 800 ms", "0.9 s to 1.1 s"),
         [lower("p90", "650 ms to 800 ms", "p50", "320 ms to 801 ms")]),
    Case("p90 lower by both ends", percentiles("650 ms to 800 ms", "320 ms to 410 ms", "0.9 s to 1.1 s"),
         [lower("p90", "320 ms to 410 ms", "p50", "650 ms to 800 ms")]),
    Case("p90 lower by 1 ms, in seconds", percentiles("320 ms to 410 ms", "0.319 s to 0.8 s", "0.9 s to 1.1 s"),
         [lower("p90", "0.319 s to 0.8 s", "p50", "320 ms to 410 ms")]),
    Case("p95 lower than p90 by its low end", percentiles("320 ms to 410 ms", "650 ms to 800 ms", "649 ms to 1.1 s"),
         [lower("p95", "649 ms to 1.1 s", "p90", "650 ms to 800 ms")]),
    Case("p95 lower than p90 by its high end", percentiles("320 ms to 410 ms", "650 ms to 800 ms", "0.9 s to 0.799 s"),
         [lower("p95", "0.9 s to 0.799 s", "p90", "650 ms to 800 ms"), (line_of(P95), 1, "RL401", high_to_low("0.9 s to 0.799 s"))]),
    Case("p95 equal to p90 at both ends, in seconds", percentiles("320 ms to 410 ms", "650 ms to 800 ms", "0.65 s to 0.8 s"), []),
    Case("p90 equal to p50 at the low end", percentiles("320 ms to 410 ms", "320 ms to 800 ms", "0.9 s to 1.1 s"), []),
    Case("p90 equal to p50 at the high end", percentiles("320 ms to 800 ms", "650 ms to 800 ms", "0.9 s to 1.1 s"), []),
    Case("without p90, p95 is compared with p50", percentiles("320 ms to 410 ms", None, "300 ms to 1.1 s"),
         [(line_of(P90), 1, "RL402", "p95 (300 ms to 1.1 s) is lower than p50 (320 ms to 410 ms)")]),
    Case("without p90, p95 above p50", percentiles("320 ms to 410 ms", None, "320 ms to 410 ms"), []),
    Case("an unreadable p90 is passed over", percentiles("320 ms to 410 ms", "fast", "300 ms to 1.1 s"),
         [(line_of(P90), 1, "RL401", "'fast' is not a range"), lower("p95", "300 ms to 1.1 s", "p50", "320 ms to 410 ms")]),
    Case("a p90 in an unknown unit is passed over", percentiles("320 ms to 410 ms", "650 us to 800 us", "300 ms to 1.1 s"),
         [(line_of(P90), 1, "RL401", "'650 us to 800 us' has unit 'us'"),
          lower("p95", "300 ms to 1.1 s", "p50", "320 ms to 410 ms")]),
    Case("a p90 without a unit is passed over", percentiles("320 ms to 410 ms", "650 to 800", "300 ms to 1.1 s"),
         [(line_of(P90), 1, "RL401", "'650 to 800' has no unit"), lower("p95", "300 ms to 1.1 s", "p50", "320 ms to 410 ms")]),
    Case("a single p90 is passed over", percentiles("320 ms to 410 ms", "~700 ms", "300 ms to 1.1 s"),
         [(line_of(P90), 1, "RL404", "'~700 ms' is a single value, not a range"),
          lower("p95", "300 ms to 1.1 s", "p50", "320 ms to 410 ms")]),
    Case("each percentile is compared with the one just before it",
         percentiles("320 ms to 410 ms", "300 ms to 800 ms", "310 ms to 1.1 s"),
         [lower("p90", "300 ms to 800 ms", "p50", "320 ms to 410 ms")]),
    Case("an unreadable p50 leaves p90 first", percentiles("X ms to 410 ms", "1 ms to 2 ms", "1 ms to 2 ms"),
         [(line_of(P50), 1, "RL401", "'X ms to 410 ms' is not a range")]),
    Case(
        "with more digits than a float holds, high to low",
        ((P95, f"* p95: {HUGE} ms to 1 ms"),),
        [(line_of(P95), 1, "RL401", f"the range '{shortened(HUGE + ' ms to 1 ms')}' goes from high to low"),
         (line_of(P95), 1, "RL402", f"p95 ({shortened(HUGE + ' ms to 1 ms')}) is lower than p90 (650 ms to 800 ms)")],
    ),
    # every percentile written is read and ordered, by its number, wherever its line is
    Case("p99 below p95", ((P95, P95 + "\n* p99: 1 ms to 2 ms"),),
         [(line_of(P95) + 1, 1, "RL402", "p99 (1 ms to 2 ms) is lower than p95 (0.9 s to 1.1 s)")]),
    Case("p99 equal to p95", ((P95, P95 + "\n* p99: 0.9 s to 1.1 s"),), []),
    Case("p75 between p50 and p90, written last", ((P95, P95 + "\n* p75: 400 ms to 700 ms"),), []),
    Case("p75 below p50, written last", ((P95, P95 + "\n* p75: 300 ms to 700 ms"),),
         [(line_of(P95) + 1, 1, "RL402", "p75 (300 ms to 700 ms) is lower than p50 (320 ms to 410 ms)")]),
    Case("p99.9 after p99", ((P95, P95 + "\n* p99.9: 2 s to 3 s\n* p99: 1.5 s to 2 s"),), []),
    Case("p99.9 below p99", ((P95, P95 + "\n* p99.9: 1.2 s to 1.5 s\n* p99: 1.5 s to 2 s"),),
         [(line_of(P95) + 1, 1, "RL402", "p99.9 (1.2 s to 1.5 s) is lower than p99 (1.5 s to 2 s)")]),
    Case("a p99 in minutes", ((P95, P95 + "\n* p99: 1 min to 2 min"),), []),
    Case("a field the schema does not name is not compared", ((P95, P95 + "\n* Tokens: 1 ms to 2 ms"),), []),
    # rates by the names the template's versions give them, each within 0-100 %
    *(Case(f"{name}: read as a rate", ((RATE, f"* {name}: 13.9% to 20.4%"),), [])
      for name in ("Acceptance rate", "acceptance rate", "Success rate", "Error rate", "Rate")),
    *(Case(f"{name}: above 100 %", ((RATE, f"* {name}: 13.9% to 120.4%"),),
           [(line_of(RATE), 1, "RL401", "'13.9% to 120.4%' goes above 100%")])
      for name in ("Acceptance rate", "Success rate", "Error rate")),
    Case("Error rate: high to low", ((RATE, "* Error rate: 5% to 4%"),),
         [(line_of(RATE), 1, "RL401", high_to_low("5% to 4%"))]),
    Case("a rate the schema does not name is not read", ((RATE, "* Rate of change: 13.9% to 120.4%"),), []),
]


# --- RL403: at least one pivot, pause or rollback criterion -----------------------------------

PIVOT_ITEMS = "\n".join(LINES[line_of("1. Requests are not using") - 1 : line_of("3. There is a decrease") ])
PIVOT_LINE = line_of("### Pivot / Pause / Rollback Criteria")
NO_CRITERION = (PIVOT_LINE, 1, "RL403", "no pivot, pause or rollback criterion is listed")

CRITERIA_CASES = [
    Case("one numbered criterion", ((PIVOT_ITEMS, "1. Requests are not using the new model as expected"),), []),
    Case("one bulleted criterion", ((PIVOT_ITEMS, "- Requests are not using the new model as expected"),), []),
    Case("a criterion as a paragraph", ((PIVOT_ITEMS, "Requests are not using the new model as expected"),),
         [NO_CRITERION]),
    Case("a criterion in a comment", ((PIVOT_ITEMS, "Stop when:\n\n<!-- - requests fail -->"),), [NO_CRITERION]),
    Case("no criterion", ((PIVOT_ITEMS, ""),),
         [(PIVOT_LINE, 1, "RL203", "section 'Pivot / Pause / Rollback Criteria' is empty"), NO_CRITERION]),
]

CASES = RANGE_CASES + ORDER_CASES + CRITERIA_CASES


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_metric_gives_exactly_its_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: Case) -> None:
    assert check(tmp_path, capsys, plan_with(*case.changes)) == sorted(case.findings)


def test_template_mode_does_not_read_metrics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The template's ranges are `X ms to Y ms`: a template is not a plan, its ranges are not read."""
    text = plan_with(*percentiles("1 s to 1 ms", "fast", "-1 ms to 0 ms"), (RATE, "* Rate: 200% to 300%"))
    assert check(tmp_path, capsys, text, mode="template") == []


# --- Whole findings: hint, span, severity ------------------------------------------------------

def test_a_negative_latency_is_an_invalid_range_at_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = plan_with((P50, "* p50: -5 ms to 10 ms"))
    found = report(tmp_path, capsys, text)
    line = line_of(P50)
    assert found == [
        {
            "path": str(tmp_path / "plan.md"),
            "line": line,
            "column": 1,
            "end_line": line,
            "end_column": len("* p50: -5 ms to 10 ms") + 1,
            "rule": "RL401",
            "name": "invalid-range",
            "severity": "error",
            "message": "'-5 ms to 10 ms' has a negative value",
            "hint": "a value here cannot be negative",
        }
    ]


@pytest.mark.parametrize(
    ("line", "written", "message", "hint"),
    [
        (RATE, "-1% to 5%", "'-1% to 5%' has a negative value", "values here go from 0% to 100%"),
        (RATE, "5% to 101%", "'5% to 101%' goes above 100%", "values here go from 0% to 100%"),
        (RATE, "5% to 4%", high_to_low("5% to 4%"), "swap the two values"),
        (RATE, "5 to 6", "'5 to 6' has no unit", "use one of: %"),
        (P95, "1 s to 2 h", "'1 s to 2 h' has unit 'h'", "use one of: ms, s, min"),
        (P95, "fast", "'fast' is not a range", "write it as '120 ms to 180 ms'"),
        (RATE, "fast", "'fast' is not a range", "write it as '92% to 95%'"),
        (P95, "~1 s", "'~1 s' is a single value, not a range", "write the range observed, low to high: '120 ms to 180 ms'"),
        (RATE, "< 5%", "'< 5%' is a single value, not a range", "write the range observed, low to high: '92% to 95%'"),
    ],
)
def test_each_finding_says_how_to_fix_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, written: str, message: str, hint: str
) -> None:
    key = line.split(":")[0]
    (found,) = report(tmp_path, capsys, plan_with((line, f"{key}: {written}")))
    rule = "RL404" if "single value" in message else "RL401"
    assert (found["rule"], found["message"], found["hint"]) == (rule, message, hint)


def test_a_percentile_out_of_order_says_which_lines_to_look_at(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (found,) = report(tmp_path, capsys, plan_with((P90, "* p90: 300 ms to 800 ms")))
    assert (found["rule"], found["line"], found["message"], found["hint"]) == (
        "RL402",
        line_of(P90),
        "p90 (300 ms to 800 ms) is lower than p50 (320 ms to 410 ms)",
        "a p90 range cannot be below the p50 range; are two lines swapped?",
    )


def schema_of_fields(tmp_path: Path, fields: dict[str, Any], **section: Any) -> str:
    """A schema whose section `Summary` has these `fields` (and other keywords)."""
    schema = {"properties": {"sections": {"properties": {"Summary": {"properties": {
        "fields": {"properties": fields, **section}}}}}}}
    path = tmp_path / "s.schema.json"
    path.write_text(json.dumps(schema), encoding="utf-8")
    return str(path)


def test_a_schema_range_with_one_bound_is_checked_in_its_base_unit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bounds are in the unit of factor 1; a range may have a minimum or a maximum alone."""
    units = {"KB": 1, "MB": 1000}
    fields = {
        "Size": {"x-rule": "RL401", "x-range": {"units": units, "maximum": 2000}},
        "Cache": {"x-rule": "RL401", "x-range": {"units": units, "minimum": 10}},
        "Disk": {"x-rule": "RL401", "x-range": {"units": units, "maximum": 2000}},
        "Heap": {"x-rule": "RL401", "x-range": {"units": units, "minimum": 0}},
        "Swap": {"x-rule": "RL401", "x-range": {"units": units, "minimum": 1, "maximum": 2000}},
        "Page": {"x-rule": "RL401", "x-range": {"units": units, "minimum": 1, "maximum": 2000}},
    }
    schema = schema_of_fields(tmp_path, fields)
    text = ("# Summary\n\n* Size: 1 MB to 3 MB\n* Cache: 5 KB to 20 KB\n* Disk: 500 KB to 1.5 MB\n"
            "* Heap: -1 KB to 1 KB\n* Swap: 1 KB to 2.5 MB\n* Page: 0.5 KB to 2 KB\n")
    found = report(tmp_path, capsys, text, "--schema", schema)
    assert [(d["line"], d["rule"], d["message"], d["hint"]) for d in found] == [
        (3, "RL401", "'1 MB to 3 MB' goes above 2000 KB", "a value here cannot be above 2000 KB"),
        (4, "RL401", "'5 KB to 20 KB' goes below 10 KB", "a value here cannot be below 10 KB"),
        (6, "RL401", "'-1 KB to 1 KB' has a negative value", "a value here cannot be negative"),
        (7, "RL401", "'1 KB to 2.5 MB' goes above 2000 KB", "values here go from 1 KB to 2000 KB"),
        (8, "RL401", "'0.5 KB to 2 KB' goes below 1 KB", "values here go from 1 KB to 2000 KB"),
    ]


def test_a_range_is_an_invalid_range_where_the_schema_names_no_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`x-range` reports RL401 of itself: a schema need not say `x-rule` beside it, nor give an
    example (the hint then shows a latency's)."""
    fields = {key: {"x-range": {"units": {"ms": 1}, "minimum": 0, "maximum": 1000}}
              for key in ("Fast", "Comma", "Unit", "Swapped", "Low", "High")}
    schema = schema_of_fields(tmp_path, fields)
    text = ("# Summary\n\n* Fast: fast\n* Comma: 1,100 ms to 1,200 ms\n* Unit: 5 s to 6 s\n* Swapped: 6 ms to 5 ms\n"
            "* Low: -1 ms to 5 ms\n* High: 5 ms to 1001 ms\n")
    found = report(tmp_path, capsys, text, "--schema", schema)
    bounds = "values here go from 0 ms to 1000 ms"
    assert [(d["line"], d["rule"], d["message"], d["hint"]) for d in found] == [
        (3, "RL401", "'fast' is not a range", "write it as '120 ms to 180 ms'"),
        (4, "RL401", "'1,100 ms to 1,200 ms' goes above 1000 ms", bounds),
        (5, "RL401", "'5 s to 6 s' has unit 's'", "use one of: ms"),
        (6, "RL401", "the range '6 ms to 5 ms' goes from high to low", "swap the two values"),
        (7, "RL401", "'-1 ms to 5 ms' has a negative value", bounds),
        (8, "RL401", "'5 ms to 1001 ms' goes above 1000 ms", bounds),
    ]


def test_a_count_has_bounds_without_a_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A range of a count (`2 to 4` replicas) has the unit '', and its bounds are said bare."""
    schema = schema_of_fields(tmp_path, {"Replicas": {"x-rule": "RL401", "x-range": {"units": {"": 1}, "maximum": 10}}})
    found = report(tmp_path, capsys, "# Summary\n\n* Replicas: 2 to 12\n", "--schema", schema)
    assert [(d["message"], d["hint"]) for d in found] == [
        ("'2 to 12' goes above 10", "a value here cannot be above 10")
    ]


def test_bounds_are_said_bare_where_no_unit_is_the_base(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Units need not name their base (factor 1): bounds are then in that base, said without a unit."""
    units = {"KiB": 1024, "MiB": 1048576}
    fields = {
        "Low": {"x-rule": "RL401", "x-range": {"units": units, "minimum": 2048}},
        "High": {"x-rule": "RL401", "x-range": {"units": units, "maximum": 2048}},
    }
    schema = schema_of_fields(tmp_path, fields)
    found = report(tmp_path, capsys, "# Summary\n\n* Low: 1 KiB to 2 KiB\n* High: 1 KiB to 1 MiB\n", "--schema", schema)
    assert [(d["line"], d["message"], d["hint"]) for d in found] == [
        (3, "'1 KiB to 2 KiB' goes below 2048", "a value here cannot be below 2048"),
        (4, "'1 KiB to 1 MiB' goes above 2048", "a value here cannot be above 2048"),
    ]


def test_ranges_ascend_only_among_fields_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A schema of one's own may put `x-ascending-ranges` where the values named are not fields
    (sections, which hold lists and fields of their own): they are passed over, not a crash."""
    order = {"x-ascending-ranges": {"order": ["Slow", "Fast"], "units": {"ms": 1}}}
    path = tmp_path / "s.schema.json"
    path.write_text(json.dumps({"properties": {"sections": order}}), encoding="utf-8")
    text = "# Slow\n\n* p50: 2 ms to 3 ms\n\n# Fast\n\n* p50: 1 ms to 2 ms\n"
    assert report(tmp_path, capsys, text, "--schema", str(path)) == []


def test_a_unit_of_a_fractional_factor_is_converted_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A factor written as a decimal (0.001) is the decimal, not the nearest float: 1005 ms is
    1.005 s, where 1005 * 0.001 is 1.0050000000000001 in floats."""
    units = {"s": 1, "ms": 0.001}
    schema = schema_of_fields(tmp_path, {"Wait": {"x-rule": "RL401", "x-range": {"units": units, "maximum": 1.005}}},
                              **{"x-ascending-ranges": {"order": ["Wait", "Tail"], "units": units}})
    text = "# Summary\n\n* Wait: 1.005 s to 1005 ms\n* Tail: 1005 ms to 1.005 s\n"
    assert report(tmp_path, capsys, text, "--schema", schema) == []


# --- Differential: verdicts against integer arithmetic on the values written ------------------

# Milliseconds around the 1-second boundary and others, each written in ms and in s. The oracle
# is integer comparison of these values; the text the tool reads is rendered from them here.
MILLISECONDS = [0, 1, 5, 10, 100, 999, 1000, 1001, 1003, 1005, 1009, 1100, 2500, 9999, 10000, 123457]


def written(milliseconds: int, unit: str) -> str:
    if unit == "ms":
        return f"{milliseconds} ms"
    return f"{Decimal(milliseconds).scaleb(-3).normalize():f} s"


def test_a_range_is_high_to_low_exactly_when_its_values_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fields = {}
    lines = ["# Summary", ""]
    expected = []
    for low in MILLISECONDS:
        for high in MILLISECONDS:
            for low_unit in ("ms", "s"):
                for high_unit in ("ms", "s"):
                    key = f"r{len(fields)}"
                    text = f"{written(low, low_unit)} to {written(high, high_unit)}"
                    fields[key] = {"x-rule": "RL401", "x-range": {"units": {"ms": 1, "s": 1000}, "minimum": 0}}
                    lines.append(f"* {key}: {text}")
                    if low > high:
                        expected.append((len(lines), "RL401", f"the range '{text}' goes from high to low"))
    schema = schema_of_fields(tmp_path, fields)
    found = report(tmp_path, capsys, "\n".join(lines) + "\n", "--schema", schema)
    assert sorted((d["line"], d["rule"], d["message"]) for d in found) == sorted(expected)


PERCENTS = ["-1", "-0.1", "0", "0.1", "50", "99.9", "100", "100.0", "100.1", "101"]


def test_a_rate_is_out_of_bounds_exactly_when_its_values_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fields = {}
    lines = ["# Summary", ""]
    expected = []
    for low in PERCENTS:
        for high in PERCENTS:
            key = f"r{len(fields)}"
            text = f"{low}% to {high}%"
            fields[key] = {"x-rule": "RL401", "x-range": {"units": {"%": 1}, "minimum": 0, "maximum": 100}}
            lines.append(f"* {key}: {text}")
            values = sorted([Decimal(low), Decimal(high)])
            if Decimal(low) > Decimal(high):
                expected.append((len(lines), f"the range '{text}' goes from high to low"))
            if values[0] < 0:
                expected.append((len(lines), f"'{text}' has a negative value"))
            elif values[1] > 100:
                expected.append((len(lines), f"'{text}' goes above 100%"))
    schema = schema_of_fields(tmp_path, fields)
    found = report(tmp_path, capsys, "\n".join(lines) + "\n", "--schema", schema)
    assert sorted((d["line"], d["message"]) for d in found) == sorted(expected)


def test_ranges_ascend_exactly_when_their_values_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Sections of two ranges, `lo` and `hi`; `hi` is lower when either of its ends is."""
    ends = [999, 1000, 1001]
    ranges = [(low, high) for low in ends for high in ends if low <= high]
    sections = {}
    lines = []
    expected = []
    for lo in ranges:
        for hi in ranges:
            for units in (("ms", "ms"), ("s", "ms"), ("ms", "s"), ("s", "s")):
                title = f"Case {len(sections)}"
                sections[title] = {"properties": {"fields": {
                    "x-ascending-ranges": {"order": ["lo", "hi"], "units": {"ms": 1, "s": 1000}}}}}
                lo_text = f"{lo[0]} ms to {lo[1]} ms"
                hi_text = f"{written(hi[0], units[0])} to {written(hi[1], units[1])}"
                lines += [f"# {title}", "", f"* lo: {lo_text}", f"* hi: {hi_text}", ""]
                if hi[0] < lo[0] or hi[1] < lo[1]:
                    expected.append((len(lines) - 1, f"hi ({hi_text}) is lower than lo ({lo_text})"))
    path = tmp_path / "s.schema.json"
    path.write_text(json.dumps({"properties": {"sections": {"properties": sections}}}), encoding="utf-8")
    found = report(tmp_path, capsys, "\n".join(lines), "--schema", str(path))
    assert sorted((d["line"], d["message"]) for d in found) == sorted(expected)


# --- A long value is read in linear time ---------------------------------------------------------

# A value read in quadratic time takes hours at this size; in linear time, well under a second.
# The limit is on CPU time, which a loaded machine does not stretch; the installed command is
# run, in its own process, so that the limit stops only it.
CPU_SECONDS = 20
RUN_ON = 200_000


def limit_cpu() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def test_a_range_with_a_long_run_of_spaces_is_read_in_linear_time(tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text(plan_with((P50, "* p50: 1" + " " * RUN_ON + "ms to")), encoding="utf-8")
    completed = subprocess.run(
        [COMMAND, "check", "--format", "json", str(plan)],
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=limit_cpu,
    )
    assert completed.returncode == 1, completed.stderr[-2000:]
    found = [(d["line"], d["rule"], d["message"]) for d in json.loads(completed.stdout)["diagnostics"]]
    assert found == [(line_of(P50), "RL401", f"'{shortened('1' + ' ' * 58)}' is not a range")]
