"""RL401–RL404: measured ranges (`p50: 120 ms to 180 ms`, `Rate: 92% to 95%`) and criteria.

`x-range` reads one range against its units and bounds (a single value is a warning);
`x-ascending-ranges` keeps the ranges of several fields in order (p50 ≤ p90 ≤ p95, or every
percentile written, by its number). RL403 is the schema's `minItems` on a list.
"""

import re
from collections.abc import Mapping
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from .base import Failure, Failures, KeywordCheck, Rule, quoted, shortened, without_markup


class InvalidRange(Rule):
    """A metric is not a numeric range with a unit, or its range is impossible.

    Write `p50: 120 ms to 180 ms` or `Rate: 92% to 95%`: low ≤ high, a known unit, and
    percentages within 0–100. The ends may be joined by `to` or a dash (`120–180 ms`,
    `120-180ms`), a unit written once applies to both, and the units may differ
    (`900 ms to 1.1 s`). A comma before groups of three digits separates thousands (`1,046 ms`);
    before other digits it is a decimal comma (`1,5 s`).
    """

    id = "RL401"
    name = "invalid-range"
    superseded_by_placeholder = True


class PercentilesOutOfOrder(Rule):
    """Percentile ranges contradict each other: p50 must not exceed p90, nor p90 exceed p95.

    The schema names the fields in order (`x-ascending-ranges`); a higher percentile of the same
    measure can never be lower. Check for swapped lines.
    """

    id = "RL402"
    name = "percentiles-out-of-order"


class MissingCriteria(Rule):
    """A criteria section has no criterion.

    A section the schema says must list conditions (the conditions under which a rollout stops,
    say) lists none.
    """

    id = "RL403"
    name = "missing-criteria"


class SingleValue(Rule):
    """A metric is one value (`~150 ms`, `< 200 ms`) where a range was asked.

    The template asks for the range observed, low to high; one value, or a bound, says less.
    The value is still checked: its unit, and that it is within bounds.
    """

    id = "RL404"
    name = "single-value"
    severity = "warning"


RULES = (InvalidRange, PercentilesOutOfOrder, MissingCriteria, SingleValue)


class Measure(NamedTuple):
    # Exact, as written: in floats 1.005 s is 1004.9999999999999 ms, below 1005 ms.
    value: Decimal
    unit: str


# Decimal arithmetic that never rounds: a product has as many digits as it needs, so comparing
# scaled values is exact whatever a writer types. (Fraction is exact too, and ~18× slower to
# build from text: the range keywords were a tenth of a plan's check.)
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


# A number: `1,046` and `1,100,000` with thousands separators (a comma before groups of three
# digits, after a first group that is not 0), else a decimal point or comma (`1.5`, `1,5`, `0,900`).
_IN_THOUSANDS = r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?"
_NUMBER = rf"[-+]?(?:{_IN_THOUSANDS}|\d+(?:[.,]\d+)?)"
_THOUSANDS = re.compile(rf"[-+]?{_IN_THOUSANDS}")
_RANGE = re.compile(
    rf"\s*(?P<low>{_NUMBER})\s*(?P<low_unit>[^\s\d.,]+)?\s*(?:to|-|–|—)\s*"
    rf"(?P<high>{_NUMBER})\s*(?P<high_unit>[^\s\d.,]+)?\s*"
)
# One value, maybe approximate or a bound: `~150 ms`, `about 150 ms`, `< 200 ms`. Compiled at
# its first use, by `re`'s cache: most plans write ranges (see dates._BEFORE).
_SINGLE = (
    r"(?i)(?:~|≈|about|approx\.?|approximately|around|roughly|<=?|>=?|≤|≥|under|below|over|above|up to)?"
    rf"\s*(?P<value>{_NUMBER})\s*(?P<unit>[^\s\d.,]+)?"
)


def _fullmatch_range(text: str) -> re.Match[str] | None:
    # One space for each run of white space: `_RANGE` has optional units between optional
    # spaces, and a long run of spaces would make the regex backtrack in quadratic time.
    return _RANGE.fullmatch(" ".join(without_markup(text).split()))


# A range is read by a keyword check and again by the order check, and an unreadable one again
# for its message; each distinct text is matched once, while the plan is checked (64 entries:
# see dates.read_date). Wrapped, not decorated: mutmut does not mutate a decorated function.
_match_range = lru_cache(maxsize=64)(_fullmatch_range)


def _number(written: str) -> Decimal:
    if _THOUSANDS.fullmatch(written):
        return Decimal(written.replace(",", ""))
    return Decimal(written.replace(",", "."))


def parse_range(text: str) -> tuple[Measure, Measure] | None:
    """`120 ms to 180 ms` → (120 ms, 180 ms); a unit written once applies to both ends.
    None for what is not a range."""
    match = _match_range(text)
    if not match:
        return None
    high_unit = match["high_unit"] or match["low_unit"] or ""
    low_unit = match["low_unit"] or high_unit
    return Measure(_number(match["low"]), low_unit), Measure(_number(match["high"]), high_unit)


def parse_single(text: str) -> Measure | None:
    """`~150 ms`, `< 200 ms`, `1,046ms` → the one value written; None for anything else."""
    match = re.fullmatch(_SINGLE, " ".join(without_markup(text).split()))
    return Measure(_number(match["value"]), match["unit"] or "") if match else None


def check_range(options: dict[str, Any], text: Any) -> Failures:
    """`x-range`: `<low> <unit> to <high> <unit>` with a known unit, low ≤ high, within bounds;
    one value (`~150 ms`) is checked the same way, and is a warning."""
    if not isinstance(text, str):
        return
    units = _exact_units(options["units"])
    example = options.get("example", "120 ms to 180 ms")
    ends = parse_range(text)
    single = parse_single(text) if ends is None else None
    if single is not None:
        ends = (single, single)  # one value: its own low and high
    if ends is None:
        yield Failure(f"{quoted(text)} is not a range", rule=InvalidRange.id, hint=f"write it as '{example}'")
        return
    for end in ends:
        if end.unit not in units:
            shown = f"unit '{end.unit}'" if end.unit else "no unit"
            yield Failure(
                f"{quoted(text)} has {shown}",
                rule=InvalidRange.id,
                hint=f"use one of: {', '.join(units)}",
            )
            return
    scaled = (_scaled(ends[0], units), _scaled(ends[1], units))
    if scaled[0] > scaled[1]:
        yield Failure(
            f"the range {quoted(text)} goes from high to low", rule=InvalidRange.id, hint="swap the two values"
        )
    yield from _outside_bounds(text, scaled, options.get("minimum"), options.get("maximum"), units)
    if single is not None:
        yield Failure(
            f"{quoted(text)} is a single value, not a range",
            rule=SingleValue.id,
            hint=f"write the range observed, low to high: '{example}'",
        )


def _outside_bounds(
    text: str,
    scaled: tuple[Decimal, Decimal],
    minimum: float | None,
    maximum: float | None,
    units: Mapping[str, Decimal],
) -> Failures:
    """Bounds are in the base unit (factor 1), as the scaled values are; either may be absent."""
    base = next((unit for unit, factor in units.items() if factor == 1), "")
    if minimum is not None and min(scaled) < _exact(minimum):
        lowest = _quantity(minimum, base)
        message = f"{quoted(text)} has a negative value" if minimum == 0 else f"{quoted(text)} goes below {lowest}"
        if maximum is not None:
            hint = f"values here go from {lowest} to {_quantity(maximum, base)}"
        else:
            hint = "a value here cannot be negative" if minimum == 0 else f"a value here cannot be below {lowest}"
        yield Failure(message, rule=InvalidRange.id, hint=hint)
    elif maximum is not None and max(scaled) > _exact(maximum):
        highest = _quantity(maximum, base)
        if minimum is not None:
            hint = f"values here go from {_quantity(minimum, base)} to {highest}"
        else:
            hint = f"a value here cannot be above {highest}"
        yield Failure(f"{quoted(text)} goes above {highest}", rule=InvalidRange.id, hint=hint)


def _quantity(value: float, unit: str) -> str:
    """`0 ms`, `100%`: a bound as people write it."""
    return f"{value:g}{'' if unit in ('', '%') else ' '}{unit}"


_PERCENTILE = re.compile(r"[pP](\d+(?:\.\d+)?)")


def check_ascending_ranges(options: dict[str, Any], fields: Any) -> Failures:
    """`x-ascending-ranges`: ranges of the named fields rise in order (p50 ≤ p90 ≤ p95); with
    `"order": "percentiles"`, every field named `p<number>` (p50, p99, p99.9), by its number."""
    if not isinstance(fields, dict):
        return
    units = _exact_units(options["units"])
    order = options["order"]
    if order == "percentiles":
        percentiles = {key: match[1] for key in fields if (match := _PERCENTILE.fullmatch(key))}
        order = sorted(percentiles, key=lambda key: Decimal(percentiles[key]))
    previous: tuple[str, tuple[Decimal, Decimal]] | None = None
    for key in order:
        parsed = parse_range(fields.get(key, "")) if isinstance(fields.get(key), str) else None
        if parsed is None or any(end.unit not in units for end in parsed):
            continue
        scaled = (_scaled(parsed[0], units), _scaled(parsed[1], units))
        if previous and (scaled[0] < previous[1][0] or scaled[1] < previous[1][1]):
            yield Failure(
                f"{key} ({shortened(fields[key])}) is lower than {previous[0]} ({shortened(fields[previous[0]])})",
                path=(key,),
                rule=PercentilesOutOfOrder.id,
                hint=f"a {key} range cannot be below the {previous[0]} range; are two lines swapped?",
            )
        previous = (key, scaled)


def _scaled(measure: Measure, units: Mapping[str, Decimal]) -> Decimal:
    return _EXACT.multiply(measure.value, units[measure.unit])


def _exact_units(units: Mapping[str, float]) -> dict[str, Decimal]:
    return {unit: _exact(factor) for unit, factor in units.items()}


def _exact(number: float) -> Decimal:
    """A number of the schema as its JSON wrote it: 0.001 is 1/1000, not the float nearest it."""
    return Decimal(str(number))


KEYWORDS: dict[str, KeywordCheck] = {"x-range": check_range, "x-ascending-ranges": check_ascending_ranges}
