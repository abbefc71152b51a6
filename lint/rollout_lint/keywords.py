"""The checks JSON Schema cannot say, as keywords and formats a schema switches on.

Each keyword is a small named check, `check(options, instance)`, that yields `Failure`s naming,
where the check knows better than the schema, their rule and a hint. They depend on no validator
library: `validator.py` runs them in jsonschema-rs, `tests/reference_validator.py` in jsonschema.
The values each keyword takes are described in `schemas/rollout-lint-vocabulary.schema.json`, checked when a schema is loaded.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from . import rules
from .template import normalise
from .values import Measure, parse_date, parse_range, split_period


class Failure(NamedTuple):
    """A keyword's finding; `path` is relative to the instance the keyword was given."""

    message: str
    path: tuple[str | int, ...] = ()
    rule: str | None = None
    hint: str | None = None


Errors = Iterator[Failure]
Check = Callable[[Any, Any], Errors]

# Headings repeat from plan to plan (the template's own, mostly): each is normalised once.
_normalised_title = lru_cache(maxsize=1024)(normalise)

# --- sections -------------------------------------------------------------------------------


def check_outline(outline: list[dict[str, Any]], headings: Any) -> Errors:
    """`x-outline`: the template's headings, each at its level and in its order."""
    if not isinstance(headings, list):
        return
    expected = list(flatten_outline(outline, 2))
    written_at: dict[str, list[int]] = {}  # normalised title -> indexes of the headings
    for index, heading in enumerate(headings):
        written_at.setdefault(_normalised_title(heading.get("title", "")), []).append(index)
    found: dict[int, int] = {}  # expected index -> heading index
    claimed: set[int] = set()
    for position, (level, title) in enumerate(expected):
        hits = written_at.get(_normalised_title(title))
        if not hits:
            continue
        first, *repeats = hits
        found[position] = first
        claimed.update(hits)
        for repeat in repeats:
            yield Failure(
                f"section '{title}' appears more than once",
                path=(repeat,),
                rule=rules.DuplicateSection.id,
                hint="merge it into the first one; only the first is checked",
            )
        written = " ".join(headings[first].get("title", "").split())
        if written != title:
            yield Failure(
                f"heading '{written}' differs from the template's '{title}'",
                path=(first,),
                rule=rules.HeadingCase.id,
                hint=f"write it as '{'#' * level} {title}'",
            )
        if headings[first].get("level") != level:
            yield Failure(
                f"'{title}' is a level-{headings[first].get('level')} heading; the template has level {level}",
                path=(first,),
                rule=rules.HeadingLevel.id,
                hint=f"write it as '{'#' * level} {title}'",
            )
    yield from _misordered(expected, found)
    yield from _missing(expected, found, headings, claimed)


def flatten_outline(outline: list[dict[str, Any]], level: int = 2) -> Iterator[tuple[int, str]]:
    """(level, title) of each heading of an `x-outline`, in document order."""
    for entry in outline:
        entry_level = entry.get("level", level)
        yield entry_level, entry["title"]
        yield from flatten_outline(entry.get("children", []), entry_level + 1)


def _misordered(expected: list[tuple[int, str]], found: dict[int, int]) -> Errors:
    """Report every section outside the longest run that is already in template order."""
    order = sorted(found)
    in_place = set(_longest_increasing_run([found[position] for position in order]))
    for rank, position in enumerate(order):
        if rank in in_place:
            continue
        before = next((expected[order[r]][1] for r in range(rank - 1, -1, -1) if r in in_place), None)
        where = f"after '{before}'" if before else "first"
        yield Failure(
            f"section '{expected[position][1]}' is out of order",
            path=(found[position],),
            rule=rules.MisorderedSection.id,
            hint=f"the template puts it {where}",
        )


def _longest_increasing_run(values: list[int]) -> list[int]:
    """Indices of a longest strictly increasing subsequence (patience sorting, O(n log n))."""
    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(values)
    for index, value in enumerate(values):
        slot = bisect.bisect_left(tails, value)
        if slot == len(tails):
            tails.append(value)
            tail_index.append(index)
        else:
            tails[slot] = value
            tail_index[slot] = index
        previous[index] = tail_index[slot - 1] if slot else -1
    result: list[int] = []
    index = tail_index[-1] if tail_index else -1
    while index != -1:
        result.append(index)
        index = previous[index]
    return result[::-1]


def _missing(
    expected: list[tuple[int, str]], found: dict[int, int], headings: list[Any], claimed: set[int]
) -> Errors:
    missing = [(position, level, title) for position, (level, title) in enumerate(expected) if position not in found]
    if not missing:
        return
    titles = [heading.get("title", "") for heading in headings]
    near = near_misses([title for _, _, title in missing], titles, claimed)
    for (position, level, title), index in zip(missing, near):
        heading = f"{'#' * level} {title}"
        if index is not None:
            yield Failure(
                f"missing section '{title}'",
                path=(index,),
                rule=rules.MissingSection.id,
                hint=f"did you mean '{titles[index]}'? Write it as '{heading}'",
            )
            continue
        following = [found[p] for p in found if p > position]
        path: tuple[int, ...] = (min(following),) if following else ()
        yield Failure(
            f"missing section '{title}'",
            path=path,
            rule=rules.MissingSection.id,
            hint=f"add '{heading}' {'before this heading' if path else 'at the end'}",
        )


def near_misses(missing: list[str], titles: list[str], claimed: set[int]) -> list[int | None]:
    """For each missing section's title, the heading (index into `titles`) that looks like it
    misspelt or shortened, or None; a heading in `claimed`, or taken by an earlier title, is
    no one's. The check asks the author to rename such a heading; `--fix` leaves it alone,
    since that it is the missing section is only a guess.
    """
    import difflib  # only plans with a missing section need it

    # Each heading no template section has claimed, by its normalised title; built once, so
    # that a file with thousands of headings costs linear time.
    unclaimed: dict[str, int] = {}
    for index, title in enumerate(titles):
        if index not in claimed:
            unclaimed.setdefault(normalise(title), index)
    result: list[int | None] = []
    for title in missing:
        wanted = normalise(title)
        near = difflib.get_close_matches(wanted, unclaimed, n=1, cutoff=0.75) or [
            # A shortened heading ("Feedback" for "Feedback from GitLab team members").
            written
            for written in unclaimed
            if written and (_contains_words(wanted, written) or wanted in written)
        ][:1]
        result.append(unclaimed.pop(near[0]) if near else None)
    return result


def _contains_words(text: str, part: str) -> bool:
    """Whether `part` occurs in `text` between word boundaries: `\\bpart\\b`, without compiling a
    regex for every pair of titles."""
    start = text.find(part)
    while start != -1:
        if _at_word_boundary(text, start) and _at_word_boundary(text, start + len(part)):
            return True
        start = text.find(part, start + 1)
    return False


def _at_word_boundary(text: str, index: int) -> bool:
    def is_word(character: str) -> bool:
        return character.isalnum() or character == "_"

    return (index > 0 and is_word(text[index - 1])) != (index < len(text) and is_word(text[index]))


# --- dates and ranges -----------------------------------------------------------------------


def check_dates_ascend(options: dict[str, Any], rows: Any) -> Errors:
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
                rule=rules.DatesOutOfOrder.id,
                hint="list the stages in the order they happen",
            )
        else:
            latest = date


def check_period(options: Any, text: Any) -> Errors:
    """`x-period`: a period written `from <date> to <date>` holds two real dates, the first not
    after the second. Text that states no period is not this keyword's business."""
    if not isinstance(text, str) or not (period := split_period(text)):
        return
    dates = []
    for written in period:
        date = parse_date(written)
        if date is None:
            yield Failure(
                f"{_quoted(written)} is not a date",
                rule=rules.InvalidDate.id,
                hint="write the period as 'from 2026-09-01 to 2026-09-14'",
            )
        dates.append(date)
    start, end = dates
    if start and end and start > end:
        yield Failure(
            f"the period starts ({start.isoformat()}) after it ends ({end.isoformat()})",
            rule=rules.DatesOutOfOrder.id,
            hint="swap the two dates",
        )


def check_range(options: dict[str, Any], text: Any) -> Errors:
    """`x-range`: `<low> <unit> to <high> <unit>` with a known unit, low ≤ high, within bounds."""
    if not isinstance(text, str):
        return
    units: dict[str, float] = options["units"]
    example = options.get("example", "120 ms to 180 ms")
    parsed = parse_range(text)
    if parsed is None:
        yield Failure(f"{_quoted(text)} is not a range", rule=rules.InvalidRange.id, hint=f"write it as '{example}'")
        return
    low, high = parsed
    for end in (low, high):
        if end.unit not in units:
            shown = f"unit '{end.unit}'" if end.unit else "no unit"
            yield Failure(
                f"{_quoted(text)} has {shown}",
                rule=rules.InvalidRange.id,
                hint=f"use one of: {', '.join(units)}",
            )
            return
    scaled = (_scaled(low, units), _scaled(high, units))
    if scaled[0] > scaled[1]:
        yield Failure(
            f"the range {_quoted(text)} goes from high to low", rule=rules.InvalidRange.id, hint="swap the two values"
        )
    yield from _outside_bounds(text, scaled, options.get("minimum"), options.get("maximum"), units)


def _outside_bounds(
    text: str, scaled: tuple[float, float], minimum: float | None, maximum: float | None, units: Mapping[str, float]
) -> Errors:
    """Bounds are in the base unit (factor 1), as the scaled values are; either may be absent."""
    base = next((unit for unit, factor in units.items() if factor == 1), "")
    if minimum is not None and min(scaled) < minimum:
        lowest = _quantity(minimum, base)
        message = f"{_quoted(text)} has a negative value" if minimum == 0 else f"{_quoted(text)} goes below {lowest}"
        if maximum is not None:
            hint = f"values here go from {lowest} to {_quantity(maximum, base)}"
        else:
            hint = "a value here cannot be negative" if minimum == 0 else f"a value here cannot be below {lowest}"
        yield Failure(message, rule=rules.InvalidRange.id, hint=hint)
    elif maximum is not None and max(scaled) > maximum:
        highest = _quantity(maximum, base)
        if minimum is not None:
            hint = f"values here go from {_quantity(minimum, base)} to {highest}"
        else:
            hint = f"a value here cannot be above {highest}"
        yield Failure(f"{_quoted(text)} goes above {highest}", rule=rules.InvalidRange.id, hint=hint)


def _quantity(value: float, unit: str) -> str:
    """`0 ms`, `100%`: a bound as people write it."""
    return f"{value:g}{'' if unit in ('', '%') else ' '}{unit}"


def check_ascending_ranges(options: dict[str, Any], fields: Any) -> Errors:
    """`x-ascending-ranges`: ranges of the named fields rise in order (p50 ≤ p90 ≤ p95)."""
    if not isinstance(fields, dict):
        return
    units: dict[str, float] = options["units"]
    previous: tuple[str, tuple[float, float]] | None = None
    for key in options["order"]:
        parsed = parse_range(fields.get(key, "")) if isinstance(fields.get(key), str) else None
        if parsed is None or any(end.unit not in units for end in parsed):
            continue
        scaled = (_scaled(parsed[0], units), _scaled(parsed[1], units))
        if previous and (scaled[0] < previous[1][0] or scaled[1] < previous[1][1]):
            yield Failure(
                f"{key} ({_shortened(fields[key])}) is lower than {previous[0]} ({_shortened(fields[previous[0]])})",
                path=(key,),
                rule=rules.PercentilesOutOfOrder.id,
                hint=f"a {key} range cannot be below the {previous[0]} range; are two lines swapped?",
            )
        previous = (key, scaled)


def _scaled(measure: Measure, units: Mapping[str, float]) -> float:
    return measure.value * units[measure.unit]


# A message quotes the value it is about; a value can be a whole megabyte of one line.
_SHOWN_CHARACTERS = 60


def _shortened(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARACTERS else text[: _SHOWN_CHARACTERS - 1] + "…"


def _quoted(text: str) -> str:
    return f"'{_shortened(text)}'"


# --- labels and quick actions -----------------------------------------------------------------


def check_unique_scopes(enabled: bool, labels: Any) -> Errors:
    """`x-unique-scopes`: at most one label per scope (the part before the last `::`)."""
    if not enabled or not isinstance(labels, list):
        return
    first_of_scope: dict[str, str] = {}
    for index, label in enumerate(labels):
        if not isinstance(label, str) or "::" not in label:
            continue
        scope = label.rsplit("::", 1)[0]
        other = first_of_scope.setdefault(scope, label)
        if other != label:
            yield Failure(
                f"labels '{other}' and '{label}' share the scope '{scope}'",
                path=(index,),
                rule=rules.ConflictingScopedLabels.id,
                hint="GitLab keeps only one label of a scope; remove one of them",
            )


def check_duplicates(options: dict[str, Any], items: Any) -> Errors:
    """`x-duplicates`: report items whose `key` repeats an earlier item's."""
    if not isinstance(items, list):
        return
    key = options["key"]
    seen: set[Any] = set()
    for index, item in enumerate(items):
        value = item.get(key) if isinstance(item, dict) else item
        if value in seen:
            yield Failure(f"'{value}' is given more than once", path=(index,))
        seen.add(value)


KEYWORDS: dict[str, Check] = {
    "x-outline": check_outline,
    "x-dates-ascend": check_dates_ascend,
    "x-period": check_period,
    "x-range": check_range,
    "x-ascending-ranges": check_ascending_ranges,
    "x-unique-scopes": check_unique_scopes,
    "x-duplicates": check_duplicates,
}

# --- formats ---------------------------------------------------------------------------------

_URL = r"https?://[^\s<>()]+"
_GITLAB_REFERENCE = r"(?:[\w.-]+(?:/[\w.-]+)*)?[#&!]\d+"
_LINK = re.compile(
    rf"{_URL}|<{_URL}>|{_GITLAB_REFERENCE}|\[[^\]]*\]\((?:{_URL}|{_GITLAB_REFERENCE})(?:\s+\"[^\"]*\")?\)"
)


def is_gitlab_link(value: object) -> bool:
    """A URL, an autolink, a GitLab reference (`#1`, `group/project#1`, `&1`, `!1`) or a link to one."""
    # The empty cell is left to `minLength`, so that it is reported once, as empty.
    return not isinstance(value, str) or not value.strip() or _LINK.fullmatch(value.strip()) is not None


def is_rollout_date(value: object) -> bool:
    return not isinstance(value, str) or not value.strip() or parse_date(value) is not None


FORMATS: dict[str, Callable[[object], bool]] = {"gitlab-link": is_gitlab_link, "rollout-date": is_rollout_date}
