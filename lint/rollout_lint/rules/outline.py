"""RL101–RL106: the template's sections, in order and at their levels, and its preamble.

`x-outline` lists the template's headings; `check_outline` matches the plan's headings to them
(by title, ignoring case and spacing) and yields every missing, misordered, duplicated, wrongly
cased or wrongly levelled section in one pass. RL106 is the schema's `contains` on the preamble.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from ..schema.template import flatten_outline, normalise
from .base import Failure, Failures, KeywordCheck, Rule


class MissingSection(Rule):
    """A section of the template is missing.

    Every heading of the template must be present at its level. A heading that is close to
    the expected one gets a "did you mean" hint; add the section or correct the heading.
    Sections you add on top of the template are allowed.

    Fixable: `--fix` inserts the template's heading and its instructions at the template's
    place, for you to fill in.
    """

    id = "RL101"
    name = "missing-section"
    fixable = True
    reports_absence = True


class MisorderedSection(Rule):
    """A section of the template is out of order.

    Reviewers read plans in the template's order; move the section back to its place.
    """

    id = "RL102"
    name = "misordered-section"


class DuplicateSection(Rule):
    """A section of the template appears more than once.

    Only the first one is checked; merge the two.
    """

    id = "RL103"
    name = "duplicate-section"


class HeadingCase(Rule):
    """A template heading differs from the template only in letter case or spacing.

    It is recognised and checked as the template's section; write it as the template does
    so that links to the heading anchor work.

    Fixable: `--fix` writes the heading as the template does.
    """

    id = "RL104"
    name = "heading-case"
    severity = "warning"
    fixable = True


class HeadingLevel(Rule):
    """A template heading is at the wrong level (for example `###` instead of `##`).

    The level decides which section a subsection belongs to; use the template's level.
    """

    id = "RL105"
    name = "heading-level"


class MissingConfidentialDeclaration(Rule):
    """The confidentiality statement or its "Do not remove" comment is missing.

    Rollout plans share SAFE metrics in their comments: keep the template's statement
    `_The issue is marked confidential..._` and the comment above it.

    Fixable: `--fix` restores the missing comment or statement from the template, verbatim.
    """

    id = "RL106"
    name = "missing-confidential-declaration"
    fixable = True
    reports_absence = True


RULES = (MissingSection, MisorderedSection, DuplicateSection, HeadingCase, HeadingLevel, MissingConfidentialDeclaration)

# Headings repeat from plan to plan (the template's own, mostly): each is normalised once.
_normalised_title = lru_cache(maxsize=1024)(normalise)


def check_outline(outline: list[dict[str, Any]], headings: Any) -> Failures:
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
                rule=DuplicateSection.id,
                hint="merge it into the first one; only the first is checked",
            )
        written = " ".join(headings[first].get("title", "").split())
        if written != title:
            yield Failure(
                f"heading '{written}' differs from the template's '{title}'",
                path=(first,),
                rule=HeadingCase.id,
                hint=f"write it as '{'#' * level} {title}'",
            )
        if headings[first].get("level") != level:
            yield Failure(
                f"'{title}' is a level-{headings[first].get('level')} heading; the template has level {level}",
                path=(first,),
                rule=HeadingLevel.id,
                hint=f"write it as '{'#' * level} {title}'",
            )
    yield from _misordered(expected, found)
    yield from _missing(expected, found, headings, claimed)


def _misordered(expected: list[tuple[int, str]], found: dict[int, int]) -> Failures:
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
            rule=MisorderedSection.id,
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
) -> Failures:
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
                rule=MissingSection.id,
                hint=f"did you mean '{titles[index]}'? Write it as '{heading}'",
            )
            continue
        following = [found[p] for p in found if p > position]
        path: tuple[int, ...] = (min(following),) if following else ()
        yield Failure(
            f"missing section '{title}'",
            path=path,
            rule=MissingSection.id,
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


KEYWORDS: dict[str, KeywordCheck] = {"x-outline": check_outline}
