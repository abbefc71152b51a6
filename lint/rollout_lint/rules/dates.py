"""RL305, RL306: dates people write, and their order.

`rollout-date` is the format of a date cell; `x-dates-ascend` keeps a table's dates in order;
`x-period` reads `from <date> to <date>` in a paragraph.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from .base import Failure, Failures, FormatCheck, KeywordCheck, Rule, quoted, without_markup


class InvalidDate(Rule):
    """A date is empty, a placeholder (`TBD`) or not a date this tool can read unambiguously.

    Use ISO dates (`2026-10-01`); `1 Oct 2026`, `Oct 1, 2026` and `2026/10/01` are also read.
    `10/01/2026` is refused: it means different days in different countries. A weekday may
    come first (`Thu, 2026-10-01`), if it is that date's.
    """

    id = "RL305"
    name = "invalid-date"
    superseded_by_placeholder = True


class DatesOutOfOrder(Rule):
    """Dates go backwards: a later row or the end of a period is before an earlier one.

    Rollout stages are listed in the order they happen; check the year and the month.
    """

    id = "RL306"
    name = "dates-out-of-order"


RULES = (InvalidDate, DatesOutOfOrder)

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DATE_FORMS = [
    re.compile(r"(?P<year>\d{4})[-/.](?P<mon>\d{1,2})[-/.](?P<day>\d{1,2})"),  # 2026-10-01
    re.compile(rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{4}})"),  # 1 Oct 2026
    re.compile(rf"{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})"),  # Oct 1, 2026
]
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # date.weekday()'s order
_WEEKDAY = re.compile(rf"^(?P<weekday>{'|'.join(_WEEKDAYS)})[a-z]*\.?,?\s+", re.IGNORECASE)
_STRUCK = re.compile(r"~~.*?~~")



def _parse_date(text: str) -> dt.date | None:
    """A date written in an unambiguous form, or None.

    Struck-through text is ignored, so `~~2026-10-01~~ 2026-10-08` (a rescheduled stage, as
    GitLab users write it) reads as 2026-10-08. A weekday before the date must be the date's:
    `Mon, 2026-10-01` (a Thursday) may mean either day.
    """
    cleaned = without_markup(_STRUCK.sub("", text)).strip().rstrip(".")
    weekday = _WEEKDAY.match(cleaned)
    if weekday:
        cleaned = cleaned[weekday.end() :]
    for form in _DATE_FORMS:
        match = form.fullmatch(cleaned)
        if not match:
            continue
        parts = match.groupdict()
        month = int(parts["mon"]) if parts.get("mon") else _MONTHS.get(parts["month"].lower())
        if month is None:
            return None
        try:
            date = dt.date(int(parts["year"]), month, int(parts["day"]))
        except ValueError:
            return None
        if weekday and _WEEKDAYS.index(weekday["weekday"].lower()) != date.weekday():
            return None
        return date
    return None


# A plan's dates are each read by more than one check (a format, then an order check);
# parsing is pure, so each distinct text is parsed once. 64 entries hold a plan's dates; a
# larger cache only kept other plans' (this one and metrics' at 1,024 entries took 1.1 MiB
# more with -j 2, to save 0.3 % of the instructions). Wrapped, not decorated: mutmut does not mutate a decorated function.
parse_date = lru_cache(maxsize=64)(_parse_date)


# A period is `from <start> to <end>`: the first word `from`, then the first word `to` after it.
# Found word by word rather than by one regex: `\bfrom\s+(.+?)\s+to\s+(.+?)\s*$` is quadratic on
# a paragraph of `from from from ...` or on long runs of spaces.
_FROM = re.compile(r"\bfrom\s+", re.IGNORECASE)
_TO = re.compile(r"(?<=\s)to(?=\s)", re.IGNORECASE)


def split_period(text: str) -> tuple[str, str] | None:
    """`Observed latency from 2026-09-01 to 2026-09-14` → ("2026-09-01", "2026-09-14")."""
    start = _FROM.search(text)
    if start is None:
        return None
    # The start is at least one character: `from to 2026-09-14` has no period.
    to = _TO.search(text, start.end() + 1)
    if to is None:
        return None
    begins, ends = text[start.end() : to.start()].strip(), text[to.end() :].strip()
    return (begins, ends) if begins and ends else None


def check_dates_ascend(options: dict[str, Any], rows: Any) -> Failures:
    """`x-dates-ascend`: the dates in one column of a table never go backwards."""
    if not isinstance(rows, list):
        return
    column = options["column"]
    latest = None
    for index, row in enumerate(rows):
        date = parse_date(row.get(column, "")) if isinstance(row, dict) else None
        if date is None:
            continue
        if latest is not None and date < latest:
            yield Failure(
                f"{date.isoformat()} is before {latest.isoformat()} in an earlier row",
                path=(index, column),
                rule=DatesOutOfOrder.id,
                hint="list the stages in the order they happen",
            )
        else:
            latest = date


def check_period(options: Any, text: Any) -> Failures:
    """`x-period`: a period written `from <date> to <date>` holds two real dates, the first not
    after the second. Text that states no period is not this keyword's business."""
    if not isinstance(text, str) or not (period := split_period(text)):
        return
    dates = []
    for written in period:
        date = parse_date(written)
        if date is None:
            yield Failure(
                f"{quoted(written)} is not a date",
                rule=InvalidDate.id,
                hint="write the period as 'from 2026-09-01 to 2026-09-14'",
            )
        dates.append(date)
    start, end = dates
    if start and end and start > end:
        yield Failure(
            f"the period starts ({start.isoformat()}) after it ends ({end.isoformat()})",
            rule=DatesOutOfOrder.id,
            hint="swap the two dates",
        )


def is_rollout_date(value: object) -> bool:
    return not isinstance(value, str) or not value.strip() or parse_date(value) is not None


KEYWORDS: dict[str, KeywordCheck] = {"x-dates-ascend": check_dates_ascend, "x-period": check_period}
FORMATS: dict[str, FormatCheck] = {"rollout-date": is_rollout_date}
