"""Reading dates and ranges as people write them in plans."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rollout_lint.rules.dates import WrittenDate, read_date, split_period
from rollout_lint.rules.metrics import Measure, parse_range
from rollout_lint.rules.tables import check_link, is_gitlab_link

OCT_1 = WrittenDate(2026, 10, 1)


@pytest.mark.parametrize(
    "written",
    ["2026-10-01", "2026/10/01", "2026.10.1", "1 Oct 2026", "1st October 2026", "Oct 1, 2026",
     "October 1 2026", "Thu, 2026-10-01", "**2026-10-01**", "~~2026-09-24~~ 2026-10-01", "2026-10-01."],
)
def test_unambiguous_dates_are_read(written: str) -> None:
    assert read_date(written) == OCT_1


@pytest.mark.parametrize("written", ["", "???", "TBD", "10/01/2026", "01/10/2026", "2026-13-01", "2026-02-30",
                                     "Octember 1, 2026", "next week", "2026-10", "Mon, 2026-10-01"])
def test_ambiguous_or_impossible_dates_are_refused(written: str) -> None:
    assert read_date(written) is None


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("120 ms to 180 ms", (Measure(120, "ms"), Measure(180, "ms"))),
        ("120 to 180 ms", (Measure(120, "ms"), Measure(180, "ms"))),
        ("0.9 s – 1,1 s", (Measure(Decimal("0.9"), "s"), Measure(Decimal("1.1"), "s"))),
        ("92% to 95%", (Measure(92, "%"), Measure(95, "%"))),
        ("92 - 95", (Measure(92, ""), Measure(95, ""))),
        ("900 ms to 1,100 ms", (Measure(900, "ms"), Measure(1100, "ms"))),
        ("0,900 s to 1,1 s", (Measure(Decimal("0.9"), "s"), Measure(Decimal("1.1"), "s"))),
    ],
)
def test_ranges_are_read(written: str, expected: tuple[Measure, Measure]) -> None:
    assert parse_range(written) == expected


@pytest.mark.parametrize("written", ["X ms to Y ms", "fast", "120 ms", "to 180 ms", "0,900 ms to 1,1,00 ms"])
def test_non_ranges_are_refused(written: str) -> None:
    assert parse_range(written) is None


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Observed latency from 2026-09-01 to 2026-09-14", ("2026-09-01", "2026-09-14")),
        ("FROM 1 Sep 2026 TO 14 Sep 2026.", ("1 Sep 2026", "14 Sep 2026.")),
        ("from  2026-09-01\tto\t2026-09-14 ", ("2026-09-01", "2026-09-14")),
        ("from a to b to c", ("a", "b to c")),  # the first `to` ends the start
        ("from to b", None),
        ("from a to", None),
        ("fromage a to b", None),
        ("from a toward b", None),
        ("Observed latency last week", None),
    ],
)
def test_periods_are_split(written: str, expected: tuple[str, str] | None) -> None:
    assert split_period(written) == expected


def test_a_range_is_read_whatever_the_spaces() -> None:
    assert parse_range(" 120\u00a0ms   to\t180 ms ") == (Measure(120, "ms"), Measure(180, "ms"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("see #12", True), ("https://example.com/page", True), ("[docs](https://x.example)", True),
        ("  ", True), ("", True),  # empty: left to minLength, reported once, as empty
        (12, True),  # not text: left to the schema's type
        ("no link here", False), ("`#12`", False), ("#", False),
    ],
)
def test_the_gitlab_link_format_is_a_cell_that_holds_any_link(value: object, expected: bool) -> None:
    """`format: gitlab-link`, for users' schemas: any link or reference, text beside it or not."""
    assert is_gitlab_link(value) is expected


@pytest.mark.parametrize(
    ("kind", "value", "messages"),
    [
        ("any", "see #12", []), ("any", "https://example.com", []), ("any", "none yet", ["'none yet' is not a link"]),
        ("merge request", "!12", []), ("merge request", "https://gitlab.com/g/p/-/merge_requests/3", []),
        ("merge request", "#12", ["'#12' links an issue, not a merge request"]),
        ("epic", "&7", []), ("epic", "https://gitlab.com/groups/g/-/epics/7", []),
        ("epic", "!7", ["'!7' links a merge request, not an epic"]),
        ("epic", "nothing", ["'nothing' is not a link to an epic"]),
        ("issue", "   ", []),  # empty: left to minLength
    ],
)
def test_x_link_asks_for_the_kind_the_schema_names(kind: str, value: str, messages: list[str]) -> None:
    """`x-link` with each kind a user's schema may ask for; the bundled schemas ask for an issue
    (`test_boundaries_tables.py`)."""
    assert [failure.message for failure in check_link(kind, value)] == messages
