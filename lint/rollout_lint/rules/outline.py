"""RL101–RL107: the template's sections, in order and at their levels, its preamble, and drift.

`x-outline` lists the template's headings; `check_outline` matches the plan's headings to them
(by title, ignoring case and spacing) and yields every missing, misordered, duplicated, wrongly
cased or wrongly levelled section in one pass. RL106 is the schema's `contains` on the preamble.
"""

import bisect
import os
import re
from functools import lru_cache
from typing import Any, NamedTuple

from ..diagnostics import Diagnostic, Edit
from ..markdown.document import Document, Section
from ..schema.loading import DEFAULT_SCHEMA, TemplateSchema
from ..schema.template import flatten_outline, normalise
from .base import Failure, Failures, FixContext, KeywordCheck, Rule, template_spans_satisfying


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

    @classmethod
    def fix(cls, context: FixContext) -> tuple[Edit, ...]:
        """The template's heading and its instructions (a skeleton), at the template's place."""
        position = context.failure.detail
        if not isinstance(position, int):
            return ()  # a near miss: whether that heading is this section is a guess
        place = _section_places(context.document, context.schema.outline).get(position)
        skeleton = _skeleton(context.schema, *context.schema.outline[position])
        # A bare heading has no line in the template: its place in the outline keeps several
        # inserted at one line in the outline's order, not in the order of their messages.
        order = skeleton.line or position
        return () if place is None else (Edit(place, 0, skeleton.lines, order=order),)


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

    @classmethod
    def fix(cls, context: FixContext) -> tuple[Edit, ...]:
        """The heading's line with the template's wording; its markup (`##`, `*`) kept."""
        index, title = context.failure.path[-1], context.failure.detail
        section = context.document.headings[index] if isinstance(index, int) else None
        if section is None or not isinstance(title, str):
            return ()
        source = context.document.source
        written = _heading_text(source.line(section.span.line), section)
        wording = _template_wording(context.schema, title)
        # Only the wording changes, never the markup: `*bug*` stays emphasis.
        if written is None or normalise(written["title"]) != normalise(wording):
            return ()
        return (Edit(section.span.line, 1, (written["open"] + wording + written["close"],)),)


class HeadingLevel(Rule):
    """A template heading is at the wrong level (for example `###` instead of `##`).

    The level decides which section a subsection belongs to; use the template's level.
    """

    id = "RL105"
    name = "heading-level"


class MissingConfidentialDeclaration(Rule):
    """A statement or comment the template puts above its first heading is missing.

    A template's preamble says what holds for the whole issue, such as that it is confidential
    and why; the schema names the statements and comments that must stay (`x-explain` in the
    schema may say more: `rollout-lint explain RL106`). In a plan, they count anywhere above
    the template's first section, under a title heading of the plan's own too.

    Fixable: `--fix` restores the missing comment or statement from the template, verbatim.
    """

    id = "RL106"
    name = "missing-confidential-declaration"
    fixable = True
    reports_absence = True

    @classmethod
    def fix(cls, context: FixContext) -> tuple[Edit, ...]:
        """The template's comment or statement, verbatim, where the template has it."""
        template = context.schema.template_document
        spans = template_spans_satisfying(context)
        if template is None or not spans:
            return ()
        ours = [block for block in template.preamble.blocks if block.kind in ("comment", "paragraph")]
        block = next((block for block in ours if block.span.line == spans[0].line), None)
        if block is None:
            return ()
        document = context.document
        written = {normalise(b.text): b for b in document.preamble.blocks}
        # Before the next of the template's preamble blocks the plan has, else before the first heading.
        later = (written.get(normalise(other.text)) for other in ours[ours.index(block) + 1 :])
        anchor = next((found for found in later if found is not None), None)
        first_heading = document.headings[0].span.line if document.headings else _end_of_content(document)
        lines = tuple(template.source.line(number) for number in range(block.span.line, block.span.end_line + 1))
        return (Edit(anchor.span.line if anchor else first_heading, 0, lines, order=block.span.line),)


class TemplateDrift(Rule):
    """The template's sections are not those of the template its schema was made from.

    In template mode only: a template whose sections were added, removed, renamed or moved since
    its schema was made (`rollout-lint schema diff SCHEMA TEMPLATE` lists how) gets this one
    finding instead of one per heading, and `--fix` leaves its headings alone: the template was
    edited on purpose, and it is the schema that needs updating. What a template must keep (the
    confidentiality statement, a table's rows, a label) is still reported by its own rule.
    """

    id = "RL107"
    name = "template-drift"
    severity = "warning"


class UnmatchedTemplateVersion(Rule):
    """The plan's headings match none of the bundled template's versions well.

    Unless a schema or template is pinned (`--schema`, `--template`, or the configuration's
    `schema` or `template`), a plan is checked against the version of the bundled template whose
    headings it shares most (`rollout-lint templates` lists the versions). When it shares less
    than half with every version, it was written from none of them (or is not a plan at all):
    it is checked against the newest version, and this one finding says so, at its first line.
    """

    id = "RL108"
    name = "unmatched-template-version"
    severity = "warning"


RULES = (
    MissingSection,
    MisorderedSection,
    DuplicateSection,
    HeadingCase,
    HeadingLevel,
    MissingConfidentialDeclaration,
    TemplateDrift,
    UnmatchedTemplateVersion,
)

# The findings a template's new outline explains: replaced by one RL107 in template mode.
_HEADING_RULES = frozenset(rule.id for rule in (MissingSection, MisorderedSection, DuplicateSection, HeadingCase, HeadingLevel))


def drift_findings(document: Document, schema: TemplateSchema, found: list[Diagnostic]) -> list[Diagnostic]:
    """`found` for a template in template mode: if its sections are not those of the schema's
    template, the heading findings give way to one RL107 at the first heading that changed."""
    # Imported here: only template mode pairs sections (and the drift machinery is 0.8 % of a
    # one-plan run's instructions).
    from ..schema.template_diff import PATH_SEPARATOR, pair_sections

    template = schema.template_document
    if template is None:
        return found
    _, changes = pair_sections(template, document)
    counts = [f"{len(changes[kind])} {kind}" for kind in ("added", "renamed", "moved") if changes[kind]]
    if not counts:
        return found
    changed = {*changes["added"], *(pair["to"] for pair in [*changes["renamed"], *changes["moved"]])}
    first = next((section for section in document.headings if PATH_SEPARATOR.join(section.path) in changed), None)
    line = first.span.line if first else 1
    schema_name = "the bundled schema" if schema.name == DEFAULT_SCHEMA else schema.name
    message = f"the template's sections differ from those {schema_name} was made from: {', '.join(counts)}"
    compare = f"rollout-lint schema diff {schema.template.path if schema.template else 'SCHEMA'} {document.source.path}"
    # The bundled schema is not the user's to rewrite: they infer one of their own for their template.
    target = f"{os.path.splitext(document.source.path)[0]}.schema.json" if schema.name == DEFAULT_SCHEMA else schema.name
    update = f"rollout-lint schema infer {document.source.path} -o {target} --force"
    hint = f"'{compare}' lists the change; if it is meant, '{update}' updates the schema (an overlay beside it is kept)"
    drift = TemplateDrift.finding(document.source.path, message, (line, 1, line, 1), hint)
    # A section the template lost is breakage, not drift: its RL101 stays.
    lost = {path.rpartition(PATH_SEPARATOR)[2] for path in changes["removed"]}
    kept = [d for d in found if d.rule not in _HEADING_RULES or (d.rule == MissingSection.id and _missing_title(d) in lost)]
    return [*kept, drift]


def unmatched_version_finding(document: Document, family: str, likeness: float, newest: str) -> Diagnostic:
    message = (
        f"the headings match no version of the {family} template well (at most {likeness:.0%} in common): "
        f"checked against the newest, {newest}"
    )
    hint = "write the plan from the template ('rollout-lint new'), or name its template with --template or --schema"
    return UnmatchedTemplateVersion.finding(document.source.path, message, (1, 1, 1, 1), hint)


def _missing_title(finding: Diagnostic) -> str:
    """The title in an RL101 message, `missing section 'Known issues'`."""
    return finding.message.removeprefix("missing section '").removesuffix("'")


# Headings repeat from plan to plan (the template's own, mostly): each is normalised once.
_normalised_title = lru_cache(maxsize=1024)(normalise)


def check_outline(outline: list[dict[str, Any]], headings: Any) -> Failures:
    """`x-outline`: the template's headings, each at its level and in its order."""
    if not isinstance(headings, list):
        return
    expected = list(flatten_outline(outline, 2))
    titles = [heading.get("title", "") if isinstance(heading, dict) else "" for heading in headings]
    found, claimed = match_outline(expected, titles)
    for position, (level, title) in enumerate(expected):
        if position not in found:
            continue
        first = found[position]
        for repeat in claimed[position][1:]:
            yield Failure(
                f"section '{title}' appears more than once",
                path=(repeat,),
                rule=DuplicateSection.id,
                hint="merge it into the first one; only the first is checked",
            )
        written = " ".join(titles[first].split())
        if written != title:
            yield Failure(
                f"heading '{written}' differs from the template's '{title}'",
                path=(first,),
                rule=HeadingCase.id,
                hint=f"write it as '{'#' * level} {title}'",
                detail=title,
            )
        if headings[first].get("level") != level:
            yield Failure(
                f"'{title}' is a level-{headings[first].get('level')} heading; the template has level {level}",
                path=(first,),
                rule=HeadingLevel.id,
                hint=f"write it as '{'#' * level} {title}'",
            )
    yield from _misordered(expected, found)
    yield from _missing(expected, found, titles, {index for hits in claimed.values() for index in hits})


def match_outline(expected: list[tuple[int, str]], titles: list[str]) -> tuple[dict[int, int], dict[int, list[int]]]:
    """Which heading is each template section: (template position -> the first heading with its
    title, template position -> every heading with its title), titles compared normalised."""
    written_at: dict[str, list[int]] = {}  # normalised title -> indexes of the headings
    for index, title in enumerate(titles):
        written_at.setdefault(_normalised_title(title), []).append(index)
    # A title the template itself repeats (a "Feature release" section, and a checklist item of
    # that name further down) may be repeated as often: its n-th entry claims the n-th heading,
    # and its last entry every heading left, of which all but the first are duplicates.
    entries: dict[str, list[int]] = {}  # normalised title -> its positions in the outline
    for position, (_, title) in enumerate(expected):
        entries.setdefault(_normalised_title(title), []).append(position)
    claimed: dict[int, list[int]] = {}
    for key, positions in entries.items():
        hits = written_at.get(key, [])
        for nth, position in enumerate(positions):
            mine = hits[nth:] if nth == len(positions) - 1 else hits[nth : nth + 1]
            if mine:
                claimed[position] = mine
    return {position: hits[0] for position, hits in claimed.items()}, claimed


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


def _missing(expected: list[tuple[int, str]], found: dict[int, int], titles: list[str], claimed: set[int]) -> Failures:
    missing = [(position, level, title) for position, (level, title) in enumerate(expected) if position not in found]
    if not missing:
        return
    near = near_misses([title for _, _, title in missing], titles, claimed)
    for (position, level, title), index in zip(missing, near):
        heading = f"{'#' * level} {title}"
        if index is not None:
            # No fix: that the heading is the missing section misspelt is only a guess.
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
            detail=position,
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


# --- fixes ------------------------------------------------------------------------------------

# `## Title ##`: the opening run, the title, the optional closing run; a setext heading's text.
# Strings, compiled by `re` at the first fix that needs them, not on every check.
_ATX_HEADING = r"(?P<open> {0,3}#{1,6}[ \t]+)(?P<title>.*?)(?P<close>(?:[ \t]+#+)?[ \t]*)"
_SETEXT_TEXT = r"(?P<open> {0,3})(?P<title>.*?)(?P<close>[ \t]*)"


def _heading_text(line: str, section: Section) -> re.Match[str] | None:
    return re.fullmatch(_ATX_HEADING if section.span.end_line == section.span.line else _SETEXT_TEXT, line)


def _template_section(schema: TemplateSchema, title: str) -> Section | None:
    wanted = normalise(title)
    template = schema.template_document
    sections = template.headings if template is not None else []
    return next((section for section in sections if normalise(section.title) == wanted), None)


def _template_wording(schema: TemplateSchema, title: str) -> str:
    """The heading's text as the template writes it (its markup too)."""
    section = _template_section(schema, title)
    if section is None or schema.template is None:
        return title
    written = _heading_text(schema.template.line(section.span.line), section)
    return written["title"] if written else title


class _Skeleton(NamedTuple):
    lines: tuple[str, ...]
    line: int  # where it starts in the template


def _skeleton(schema: TemplateSchema, level: int, title: str) -> _Skeleton:
    """The template's section without its subsections or quick actions; a bare heading if the
    template has no such section."""
    section = _template_section(schema, title)
    template = schema.template
    if section is None or template is None:
        return _Skeleton((f"{'#' * level} {title}",), 0)
    last = section.span.end_line
    for block in section.blocks:
        if block.kind == "quick_actions":
            break
        last = block.span.end_line
    lines = [template.line(number) for number in range(section.span.line, last + 1)]
    while not lines[-1].strip():  # a list's span takes in the blank line after it
        lines.pop()
    return _Skeleton(tuple(lines), section.span.line)


def _section_places(document: Document, expected: list[tuple[int, str]]) -> dict[int, int]:
    """Where each missing section of the template goes (template position -> line): after the
    section before it (and that section's subsections), at the first heading of its level or
    above, or of a later section; never before a missing section that comes earlier."""
    headings = document.headings
    titles = [section.title for section in headings]
    found, claimed = match_outline(expected, titles)
    # A heading the check takes for a missing section misspelt stands where that section is:
    # the sections after it go after it, in order once it is renamed as the hint says.
    absent = [position for position in range(len(expected)) if position not in found]
    taken = {index for hits in claimed.values() for index in hits}
    for position, index in zip(absent, near_misses([expected[p][1] for p in absent], titles, taken)):
        if index is not None:
            found[position] = index
    position_of = {index: position for position, index in found.items()}
    end_of_content = _end_of_content(document)
    places: dict[int, int] = {}
    floor = 0  # where the previous missing section goes: the next one goes no earlier
    for position, (level, _) in enumerate(expected):
        if position in found:
            continue
        before = [found[p] for p in found if p < position]
        start = max(before) + 1 if before else 0
        at = next(
            (
                headings[index].span.line
                for index in range(start, len(headings))
                if headings[index].level <= level or position_of.get(index, -1) > position
            ),
            end_of_content,
        )
        places[position] = floor = max(at, floor)
    return places


def _end_of_content(document: Document) -> int:
    """The line new sections go before at the end: the first of the quick actions that close the
    plan, if they do (comments may come between and after them); else one past the last line."""
    last_heading = document.heading_lines[-1] if document.heading_lines else 0
    closing = None
    for block in reversed([block for block in document.blocks if block.span.line > last_heading]):
        if block.kind not in ("quick_actions", "comment"):
            break
        if block.kind == "quick_actions":
            closing = block.span.line
    return closing or document.source.line_count + 1
