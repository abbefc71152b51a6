"""Boundary values of ranges, rates, periods and dates, each through `main(argv)` (the long values
through the installed command, whose CPU time a resource limit bounds).

Each case changes one value of the example plan and lists every finding it must give, with its
line, column, rule and message: never RL000 (a crash), never a finding elsewhere in the plan.
"""

from __future__ import annotations

import json
import resource
import subprocess
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from conftest import COMMAND, EXAMPLE_PLAN, run_main

PLAN = EXAMPLE_PLAN.read_text("utf-8")
LINES = PLAN.splitlines()
P50 = "* p50: 320 ms to 410 ms"
P95 = "* p95: 0.9 s to 1.1 s"
RATE = "* Rate: 31% to 34%"
PERIOD = "_Observed latency from 2026-09-01 to 2026-09-14_"
FIRST_DATE = "| 2026-10-01 | Feature team"
HUGE = "1" + "0" * 400  # more than a float holds: read as infinity


def line_of(text: str) -> int:
    return next(number for number, line in enumerate(LINES, start=1) if line.startswith(text))


class Case(NamedTuple):
    id: str
    replace: str
    by: str
    # (line, column, rule, message) of every finding
    findings: list[tuple[int, int, str, str]]


def latency(id: str, written: str, *messages: str) -> Case:
    return Case(id, P50, f"* p50: {written}", [(line_of(P50), 1, "RL401", m) for m in messages])


def rate(id: str, written: str, *messages: str) -> Case:
    return Case(id, RATE, f"* Rate: {written}", [(line_of(RATE), 1, "RL401", m) for m in messages])


def period(id: str, written: str, *findings: tuple[str, str]) -> Case:
    line = line_of(PERIOD)
    return Case(id, PERIOD, f"_Observed latency {written}_", [(line, 1, rule, m) for rule, m in findings])


def shortened(text: str) -> str:
    """How a message quotes a long value: its first 59 characters and an ellipsis."""
    return text[:59] + "…"


CASES = [
    # Latencies: no negative value, low ≤ high after converting units, no upper bound.
    latency("negative low end", "-5 ms to 10 ms", "'-5 ms to 10 ms' has a negative value"),
    latency("negative range", "-5 ms to -1 ms", "'-5 ms to -1 ms' has a negative value"),
    latency("negative in seconds", "-0.001 s to 0.5 s", "'-0.001 s to 0.5 s' has a negative value"),
    latency(
        "negative high end",
        "10 ms to -5 ms",
        "'10 ms to -5 ms' has a negative value",
        "the range '10 ms to -5 ms' goes from high to low",
    ),
    latency("minus zero", "-0 ms to 0 ms"),
    latency("zero to zero", "0 ms to 0 ms"),
    latency("units converted", "0.5 s to 600 ms"),
    latency("units converted, high to low", "0.6 s to 599 ms", "the range '0.6 s to 599 ms' goes from high to low"),
    latency("comma decimals", "0,3 s to 0,4 s"),
    latency("infinity", "inf ms to 10 ms", "'inf ms to 10 ms' is not a range"),
    latency("not a number", "NaN ms to 10 ms", "'NaN ms to 10 ms' is not a range"),
    latency("exponent", "1e400 ms to 1e401 ms", "'1e400 ms to 1e401 ms' is not a range"),
    # p95, the last percentile: no later one to compare with.
    Case(
        "latency with more digits than a float holds, high to low",
        P95,
        f"* p95: {HUGE} ms to 1 ms",
        [
            (line_of(P95), 1, "RL401", f"the range '{shortened(HUGE + ' ms to 1 ms')}' goes from high to low"),
            (line_of(P95), 1, "RL402", f"p95 ({shortened(HUGE + ' ms to 1 ms')}) is lower than p90 (650 ms to 800 ms)"),
        ],
    ),
    Case("latency with more digits than a float holds", P95, f"* p95: 900 ms to {HUGE} ms", []),
    latency("a minus sign (U+2212)", "\u22125 ms to 10 ms", "'\u22125 ms to 10 ms' is not a range"),
    latency("one value", "5 ms", "'5 ms' is not a range"),
    latency("Arabic-Indic digits", "١٢٠ ms to ١٨٠ ms"),
    latency("full-width digits", "１２０ ms to １８０ ms"),
    latency("superscript digits", "²³ ms to ³³ ms", "'²³ ms to ³³ ms' is not a range"),
    # Rates: 0 % to 100 %, both included.
    rate("100 % to 100 %", "100% to 100%"),
    rate("100.0 % with spaces", "100.0 % to 100.0 %"),
    rate("0 % to 0 %", "0% to 0%"),
    rate("minus zero", "-0% to 0%"),
    rate("negative", "-1 % to 5 %", "'-1 % to 5 %' has a negative value"),
    rate("just above 100 %", "99% to 100.0000001%", "'99% to 100.0000001%' goes above 100%"),
    rate("above 100 %", "101% to 102%", "'101% to 102%' goes above 100%"),
    rate("unit once", "31 to 34%"),
    rate(
        "rate with more digits than a float holds",
        f"{HUGE}% to 5%",
        f"'{shortened(HUGE + '% to 5%')}' goes above 100%",
        f"the range '{shortened(HUGE + '% to 5%')}' goes from high to low",
    ),
    rate("another unit", "31% to 34 ms", "'31% to 34 ms' has unit 'ms'"),
    # Periods: two real dates, the first not after the second.
    period("same day", "from 2026-09-01 to 2026-09-01"),
    period(
        "backwards",
        "from 2026-09-14 to 2026-09-01",
        ("RL306", "the period starts (2026-09-14) after it ends (2026-09-01)"),
    ),
    period("year 0", "from 0000-01-01 to 2026-01-01", ("RL305", "'0000-01-01' is not a date")),
    period("year 10000", "from 9999-12-31 to 10000-01-01", ("RL305", "'10000-01-01' is not a date")),
    period("29 February, not a leap year", "from 2026-02-29 to 2026-03-01", ("RL305", "'2026-02-29' is not a date")),
    period("29 February, a leap year", "from 2024-02-29 to 2024-03-01"),
    period("31 February", "from 31 Feb 2026 to 1 Mar 2026", ("RL305", "'31 Feb 2026' is not a date")),
    period("capitals", "FROM 2026-09-01 TO 2026-09-14"),
    period("over two lines", "from 2026-09-01\nto 2026-09-14"),
    period("the first 'to' ends the start", "from 2026-09-01 to 2026-09-14 to 2026-09-20",
           ("RL305", "'2026-09-14 to 2026-09-20' is not a date")),
    period("no end", "from 2026-09-01"),
    # Timeline dates: real dates that never go backwards.
    Case("first day of year 1", FIRST_DATE, "| 0001-01-01 | Feature team", []),
    Case("year 0", FIRST_DATE, "| 0000-01-01 | Feature team",
         [(line_of(FIRST_DATE), 3, "RL305", "'0000-01-01' is not a date")]),
    Case(
        "last day of year 9999",
        FIRST_DATE,
        "| 9999-12-31 | Feature team",
        [
            (line_of(FIRST_DATE) + 1, 3, "RL306", "2026-10-08 is before 9999-12-31 in an earlier row"),
            (line_of(FIRST_DATE) + 2, 3, "RL306", "2026-10-15 is before 9999-12-31 in an earlier row"),
            (line_of(FIRST_DATE) + 3, 3, "RL306", "2026-10-29 is before 9999-12-31 in an earlier row"),
        ],
    ),
]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, list[dict[str, Any]]]]:
    """One run over every case (a file each): the exit code and each file's findings."""
    folder = tmp_path_factory.mktemp("boundaries")
    paths = []
    for index, case in enumerate(CASES):
        assert PLAN.count(case.replace) == 1, case.replace
        path = folder / f"case-{index:02}.md"
        path.write_text(PLAN.replace(case.replace, case.by), encoding="utf-8")
        paths.append(str(path))
    result = run_main("check", "--mode", "issue", "--format", "json", *paths)
    by_path: dict[str, list[dict[str, Any]]] = {path: [] for path in paths}
    for diagnostic in result.json()["diagnostics"]:
        by_path[diagnostic["path"]].append(diagnostic)
    return result.code, {Path(path).name: found for path, found in by_path.items()}


@pytest.mark.parametrize("index", range(len(CASES)), ids=[case.id for case in CASES])
def test_a_boundary_value_gives_exactly_its_findings(
    reports: tuple[int, dict[str, list[dict[str, Any]]]], index: int
) -> None:
    found = reports[1][f"case-{index:02}.md"]
    given = sorted((d["line"], d["column"], d["rule"], d["message"]) for d in found)
    assert given == sorted(CASES[index].findings), found


def test_no_boundary_value_crashes_the_check(reports: tuple[int, dict[str, list[dict[str, Any]]]]) -> None:
    code, found = reports
    assert code == 1 and not [d for ds in found.values() for d in ds if d["rule"] in ("RL000", "RL001")]


def test_a_negative_latency_is_an_invalid_range_at_its_line(tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN.replace(P50, "* p50: -5 ms to 10 ms"), encoding="utf-8")
    result = run_main("check", "--format", "json", str(plan))
    assert result.code == 1 and result.err == "", result
    line = line_of(P50)
    assert result.json()["diagnostics"] == [
        {
            "path": str(plan),
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


def test_a_rate_out_of_bounds_says_what_the_bounds_are(tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN.replace(RATE, "* Rate: -1% to 5%"), encoding="utf-8")
    (diagnostic,) = run_main("check", "--format", "json", str(plan)).json()["diagnostics"]
    assert (diagnostic["rule"], diagnostic["message"], diagnostic["hint"]) == (
        "RL401",
        "'-1% to 5%' has a negative value",
        "values here go from 0% to 100%",
    )


# A value read in quadratic time takes hours at these sizes; in linear time, well under a
# second. The limit is on CPU time, which a loaded machine does not stretch.
CPU_SECONDS = 20
RUN_ON = 200_000


def limit_cpu() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        (P50, "* p50: 1" + " " * RUN_ON + "ms", [(line_of(P50), "RL401", f"'{shortened('1' + ' ' * 58)}' is not a range")]),
        (PERIOD, "Observed latency " + "from " * RUN_ON, []),
        (PERIOD, "Observed latency from 2026-09-01" + " " * RUN_ON + "x", []),
        (PERIOD, "Observed latency from 2026-09-01 to 2026-09-14" + " " * RUN_ON + "x",
         [(line_of(PERIOD), "RL305", f"'{shortened('2026-09-14' + ' ' * 49)}' is not a date")]),
    ],
    ids=["range with a long run of spaces", "'from' repeated", "period with a long run of spaces",
         "period end with a long run of spaces"],
)
def test_long_values_are_read_in_linear_time(tmp_path: Path, replace: str, by: str, expected: list[Any]) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN.replace(replace, by), encoding="utf-8")
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


def test_a_schema_range_with_one_bound_is_checked_in_its_base_unit(tmp_path: Path) -> None:
    """Bounds are in the unit of factor 1; a range may have a minimum or a maximum alone."""
    units = {"KB": 1, "MB": 1000}
    fields = {
        "Size": {"x-rule": "RL401", "x-range": {"units": units, "maximum": 2000}},
        "Cache": {"x-rule": "RL401", "x-range": {"units": units, "minimum": 10}},
        "Disk": {"x-rule": "RL401", "x-range": {"units": units, "maximum": 2000}},
    }
    schema = {"properties": {"sections": {"properties": {"Summary": {"properties": {"fields": {"properties": fields}}}}}}}
    (tmp_path / "s.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    plan = tmp_path / "plan.md"
    plan.write_text("# Summary\n\n* Size: 1 MB to 3 MB\n* Cache: 5 KB to 20 KB\n* Disk: 500 KB to 1.5 MB\n", encoding="utf-8")
    result = run_main("check", "--schema", str(tmp_path / "s.schema.json"), "--format", "json", str(plan))
    assert result.code == 1, result
    assert [(d["line"], d["rule"], d["message"], d["hint"]) for d in result.json()["diagnostics"]] == [
        (3, "RL401", "'1 MB to 3 MB' goes above 2000 KB", "a value here cannot be above 2000 KB"),
        (4, "RL401", "'5 KB to 20 KB' goes below 10 KB", "a value here cannot be below 10 KB"),
    ]
