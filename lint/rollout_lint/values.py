"""Reading the values people write into plans: dates and measured ranges."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import NamedTuple

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
_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
_STRUCK = re.compile(r"~~.*?~~")
_MARKUP = re.compile(r"[*_`]")


# A plan's dates and ranges are each read by more than one check (a format, then an order
# check); parsing is pure, so each distinct text is parsed once.
@lru_cache(maxsize=1024)
def parse_date(text: str) -> dt.date | None:
    """A date written in an unambiguous form, or None.

    Struck-through text is ignored, so `~~2026-10-01~~ 2026-10-08` (a rescheduled stage, as
    GitLab users write it) reads as 2026-10-08.
    """
    cleaned = _MARKUP.sub("", _STRUCK.sub("", text)).strip().rstrip(".")
    cleaned = _WEEKDAY.sub("", cleaned)
    for form in _DATE_FORMS:
        match = form.fullmatch(cleaned)
        if not match:
            continue
        parts = match.groupdict()
        month = int(parts["mon"]) if parts.get("mon") else _MONTHS.get(parts["month"].lower())
        if month is None:
            return None
        try:
            return dt.date(int(parts["year"]), month, int(parts["day"]))
        except ValueError:
            return None
    return None


class Measure(NamedTuple):
    value: float
    unit: str


_NUMBER = r"[-+]?\d+(?:[.,]\d+)?"
_RANGE = re.compile(
    rf"\s*(?P<low>{_NUMBER})\s*(?P<low_unit>[^\s\d.,]+)?\s*(?:to|-|–|—)\s*"
    rf"(?P<high>{_NUMBER})\s*(?P<high_unit>[^\s\d.,]+)?\s*"
)


@lru_cache(maxsize=1024)
def parse_range(text: str) -> tuple[Measure, Measure] | None:
    """`120 ms to 180 ms` → (120 ms, 180 ms); a unit written once applies to both ends."""
    # One space for each run of white space: `_RANGE` has optional units between optional
    # spaces, and a long run of spaces would make the regex backtrack in quadratic time.
    match = _RANGE.fullmatch(" ".join(_MARKUP.sub("", text).split()))
    if not match:
        return None
    high_unit = match["high_unit"] or match["low_unit"] or ""
    low_unit = match["low_unit"] or high_unit
    low = float(match["low"].replace(",", "."))
    high = float(match["high"].replace(",", "."))
    return Measure(low, low_unit), Measure(high, high_unit)


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
