"""RL305–RL307: dates people write, and their order.

`rollout-date` is the format of a date cell; `x-dates-ascend` keeps a table's dates in order;
`x-period` reads a period in a paragraph (`from <date> to <date>`, `between <date> and <date>`,
`<date> to <date>`, `<date> through <date>`, `<date> – <date>`).
"""

import datetime as dt
import re
from functools import lru_cache
from typing import Any, NamedTuple

from .base import Failure, Failures, FormatCheck, KeywordCheck, Rule, quoted, without_markup


class InvalidDate(Rule):
    """A date is empty, a placeholder (`TBD`) or not a date this tool can read unambiguously.

    Use ISO dates (`2026-10-01`); `1 Oct 2026`, `Oct 1, 2026` and `2026/10/01` are also read.
    `10/01/2026` is refused: it means different days in different countries. A weekday may
    come first (`Thu, 2026-10-01`), if it is that date's. Qualifiers are read past: a remark in
    brackets (`2026-10-01 (tentative)`), `Week of`, `~`, `approx.`, `about`, `est.`,
    `tentative`.
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


class DateWithoutYear(Rule):
    """A date has no year (`May 17`).

    Its order with the other dates is checked as if in one year; a reader a year from now
    cannot tell which year was meant. In a period, a year written once covers both ends
    (`from Mar 24 to Apr 4, 2025`).
    """

    id = "RL307"
    name = "date-without-year"
    severity = "warning"


RULES = (InvalidDate, DatesOutOfOrder, DateWithoutYear)

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
    re.compile(rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+(?P<year>\d{{4}}))?"),  # 1 Oct 2026, 1 Oct
    re.compile(rf"{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?"),  # Oct 1, 2026, Oct 1
]
# Words around a date that say how sure it is: read past, as a reviewer would.
_QUALIFIER = r"(?:~|approx\.?|approximately|about|around|circa|ca\.|est\.?|estimated|tentative(?:ly)?|week\s+of)"
# Qualifiers are looked for only in a text this short: `_AFTER` backtracks over a long run of
# them, and no date with its remarks is longer.
_LONGEST_QUALIFIED = 120
# Patterns only some plans need are left to `re`'s own cache, compiled at their first use:
# compiling each at import cost every run ~2 M instructions (valgrind; a one-plan run is 430 M).
_BEFORE = rf"(?i)^(?:{_QUALIFIER}\s*)+"
_AFTER = rf"(?i)(?:\s*(?:\([^()]*\)|\[[^\[\]]*\]|{_QUALIFIER}))+$"
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # date.weekday()'s order
_WEEKDAY = re.compile(rf"^(?P<weekday>{'|'.join(_WEEKDAYS)})[a-z]*\.?,?\s+", re.IGNORECASE)
_STRUCK = re.compile(r"~~.*?~~")



class WrittenDate(NamedTuple):
    """A date as written: the year may be left out (`May 17`)."""

    year: int | None
    month: int
    day: int

    def on(self, year: int) -> dt.date | None:
        """This day and month in `year`; None if that year has no such day (29 February)."""
        try:
            return dt.date(year, self.month, self.day)
        except ValueError:
            return None


# A year-less 29 February is a real day of some year: 2000 is a leap year.
_ANY_LEAP_YEAR = 2000


def _read_date(text: str) -> WrittenDate | None:
    """A date written in an unambiguous form, with or without its year, or None.

    Struck-through text is ignored, so `~~2026-10-01~~ 2026-10-08` (a rescheduled stage, as
    GitLab users write it) reads as 2026-10-08. Qualifiers before or after it are read past.
    A weekday before the date must be the date's: `Mon, 2026-10-01` (a Thursday) may mean
    either day.
    """
    cleaned = " ".join(without_markup(_STRUCK.sub("", text)).split()).rstrip(".")
    written = _read_unqualified(cleaned)
    if written is None and len(cleaned) <= _LONGEST_QUALIFIED:
        unqualified = re.sub(_AFTER, "", re.sub(_BEFORE, "", cleaned)).rstrip(".,")
        if unqualified != cleaned:
            written = _read_unqualified(unqualified)
    return written


def _read_unqualified(cleaned: str) -> WrittenDate | None:
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
        written = WrittenDate(int(parts["year"]) if parts["year"] else None, month, int(parts["day"]))
        date = written.on(_ANY_LEAP_YEAR if written.year is None else written.year)
        if date is None:
            return None
        if weekday and written.year and _WEEKDAYS.index(weekday["weekday"].lower()) != date.weekday():
            return None
        return written
    return None


# A plan's dates are each read by more than one check (a format, then an order check);
# parsing is pure, so each distinct text is parsed once. 64 entries hold a plan's dates; a
# larger cache only kept other plans' (this one and metrics' at 1,024 entries took 1.1 MiB
# more with -j 2, to save 0.3 % of the instructions). Wrapped, not decorated: mutmut does not mutate a decorated function.
read_date = lru_cache(maxsize=64)(_read_date)


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
    """`x-dates-ascend`: the dates in one column of a table never go backwards; a date without
    its year is a warning, and left out of the order."""
    if not isinstance(rows, list):
        return
    column = options["column"]
    latest = None
    for index, row in enumerate(rows):
        written = row.get(column, "") if isinstance(row, dict) else ""
        date = read_date(written) if isinstance(written, str) else None
        if date is None:
            continue
        if date.year is None:
            yield Failure(
                f"{quoted(written)} has no year",
                path=(index, column),
                rule=DateWithoutYear.id,
                hint="write the year too: 2026-10-01",
            )
            continue
        day = date.on(date.year)
        if latest is not None and day is not None and day < latest:
            yield Failure(
                f"{day.isoformat()} is before {latest.isoformat()} in an earlier row",
                path=(index, column),
                rule=DatesOutOfOrder.id,
                hint="list the stages in the order they happen",
            )
        else:
            latest = day


# Dates in running text, for the periods written without `from`: ISO, or a month's name with a
# day and maybe a year. What this finds is then read by `read_date`; `2 weeks` is found and
# dropped. Compiled at its first use (see `_BEFORE`).
_MENTION = (
    r"\b(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?(?:,?\s+\d{4})?"
    r"|[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?)\b"
)
# What joins the two ends of a period: `to`, a dash, or `and` after `between`.
_JOINTS = ("to", "through", "–", "—", "-")


def _periods_between_dates(text: str) -> list[tuple[str, str]]:
    """`X to Y`, `X through Y`, `X – Y` (any dash), `between X and Y`, where X and Y are both dates."""
    dates = [match for match in re.finditer(_MENTION, text) if read_date(match[0])]
    periods = []
    for start, end in zip(dates, dates[1:]):
        joint = text[start.end() : end.start()].strip().lower()
        if joint in _JOINTS or (joint == "and" and _after_between(text, start.start())):
            periods.append((start[0], end[0]))
    return periods


def _after_between(text: str, position: int) -> bool:
    """The word before `position` is `between`. Read back from it, not from the whole text
    before it: that would make a paragraph of `X and Y and Z ...` quadratic."""
    end = position
    while end and text[end - 1].isspace():
        end -= 1
    start = end - len("between")
    return start >= 0 and text[start:end].lower() == "between" and not (start and text[start - 1].isalnum())


def check_period(options: Any, text: Any) -> Failures:
    """`x-period`: a period holds two real dates, the first not after the second. `from <start>
    to <end>` is read whatever its ends hold (an end that is no date is an error); `between X
    and Y`, `X to Y`, `X through Y` and `X – Y` (any dash) where both are dates. A year written
    at one end covers the other; none at all is a warning. Text that states no period is not
    this keyword's business."""
    if not isinstance(text, str):
        return
    period = split_period(text)
    for start, end in [period] if period else _periods_between_dates(text):
        yield from _check_ends(start, end)


def _check_ends(start_text: str, end_text: str) -> Failures:
    written = (read_date(start_text), read_date(end_text))
    for text, date in zip((start_text, end_text), written):
        if date is None:
            yield Failure(
                f"{quoted(text)} is not a date",
                rule=InvalidDate.id,
                hint="write the period as 'from 2026-09-01 to 2026-09-14'",
            )
    begins, ends = written
    if begins is None or ends is None:
        return
    if begins.year is None and ends.year is None:
        yield Failure(
            f"the period from {quoted(start_text)} to {quoted(end_text)} has no year",
            rule=DateWithoutYear.id,
            hint="write the year at least once: 'from Mar 24 to Apr 4, 2026'",
        )
    year = ends.year or begins.year or _ANY_LEAP_YEAR
    start, end = begins.on(begins.year or year), ends.on(ends.year or begins.year or year)
    for text, day in zip((start_text, end_text), (start, end)):
        if day is None:  # 29 February, given the other end's year that has none
            yield Failure(f"{quoted(text)} is not a date in {year}", rule=InvalidDate.id)
    if start and end and start > end:
        shown = (start.isoformat(), end.isoformat()) if begins.year or ends.year else (start_text, end_text)
        yield Failure(
            f"the period starts ({shown[0]}) after it ends ({shown[1]})",
            rule=DatesOutOfOrder.id,
            hint="swap the two dates",
        )


def is_rollout_date(value: object) -> bool:
    return not isinstance(value, str) or not value.strip() or read_date(value) is not None


KEYWORDS: dict[str, KeywordCheck] = {"x-dates-ascend": check_dates_ascend, "x-period": check_period}
FORMATS: dict[str, FormatCheck] = {"rollout-date": is_rollout_date}
