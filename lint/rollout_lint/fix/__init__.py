"""`check --fix` and `--diff`: the fixes that need no guess about what the author meant.

Every fix is a line edit planned from the Document and the template that goes with the schema:

- RL101 a missing section: the template's heading and its instructions, at the template's place;
- RL104 a heading differing only in case or spacing: the template's wording;
- RL106 a missing confidential declaration: the template's comment or statement, verbatim;
- RL501, RL502 a missing quick action or label: the template's own line, after the last one.

What goes in is what the template has; tables in it are tidied by mdformat. Before anything is
written, the result is rendered to HTML and compared with the original's, block by block: it
must be the original plus exactly the inserted blocks (and the renamed headings), with every
quick action kept. A fix that fails that check is never written.
"""

from __future__ import annotations

import bisect
import itertools
import re
import sys
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from ..diagnostics import quoted_path
from ..markdown.document import Block, Document, Section, parse_document
from ..markdown.source import LINE_ENDING, UTF8_BOM, Source
from ..rules import REGISTRY
from ..rules.checker import check_source, resolve_mode
from ..rules.files import EmptyFile, InternalError, NestingTooDeep, UnreadableFile
from ..rules.outline import HeadingCase, MissingConfidentialDeclaration, MissingSection, near_misses
from ..rules.quick_actions import MissingLabel, MissingQuickAction
from ..rules.selection import Selection
from ..safe_write import WriteError, write_atomically
from ..schema.template import normalise

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

    from ..diagnostics import Diagnostic
    from ..schema.loading import TemplateSchema

# Files the fixer leaves alone: not read whole, or not checked at all.
_NOT_FIXABLE = frozenset({InternalError.id, UnreadableFile.id, EmptyFile.id, NestingTooDeep.id})
_QUICK_ACTION_RULES = frozenset({MissingQuickAction.id, MissingLabel.id})
# `## Title ##`: the opening run, the title, the optional closing run.
_ATX_HEADING = re.compile(r"(?P<open> {0,3}#{1,6}[ \t]+)(?P<title>.*?)(?P<close>(?:[ \t]+#+)?[ \t]*)")
_SETEXT_TEXT = re.compile(r"(?P<open> {0,3})(?P<title>.*?)(?P<close>[ \t]*)")


class Edit(NamedTuple):
    """Lines `line` .. `line + removed - 1` replaced by `lines`; `removed == 0` inserts before `line`."""

    line: int
    removed: int
    lines: tuple[str, ...]
    rule: str
    # What the inserted lines must render as: the template's own lines, before tables were tidied.
    renders_as: tuple[str, ...] = ()


class FixResult(NamedTuple):
    edits: list[Edit]
    text: str  # the fixed text, without the BOM
    lost: str | None  # why the result is refused, if it is


# --- planning -----------------------------------------------------------------------------


class _Template:
    """The parts of a template the fixes copy: section skeletons, preamble blocks, quick actions."""

    def __init__(self, schema: TemplateSchema) -> None:
        self.source = schema.template
        self.document = parse_document(self.source) if self.source else None
        self.outline = schema.outline

    def heading(self, title: str) -> Section | None:
        wanted = normalise(title)
        sections = self.document.headings if self.document else []
        return next((section for section in sections if normalise(section.title) == wanted), None)

    def skeleton(self, level: int, title: str) -> tuple[str, ...]:
        """The template's section without its subsections or quick actions; a bare heading if it has none."""
        section = self.heading(title)
        if section is None or self.source is None:
            return (f"{'#' * level} {title}",)
        last = section.span.end_line
        for block in section.blocks:
            if block.kind == "quick_actions":
                break
            last = block.span.end_line
        lines = [self.source.line(number) for number in range(section.span.line, last + 1)]
        while not lines[-1].strip():  # a list's span takes in the blank line after it
            lines.pop()
        return tuple(lines)

    def block_lines(self, block: Block) -> tuple[str, ...]:
        assert self.source is not None
        return tuple(self.source.line(number) for number in range(block.span.line, block.span.end_line + 1))


@lru_cache(maxsize=4)
def _template(schema: TemplateSchema) -> _Template:
    """Parsed once per schema, not once per file."""
    return _Template(schema)


class _Planner:
    def __init__(self, document: Document, template: _Template, schema: TemplateSchema, mode: str) -> None:
        self.document = document
        self.source = document.source
        self.template = template
        self.schema = schema
        self.mode = mode

    def plan(self, wanted: set[str]) -> list[Edit]:
        edits: list[Edit] = []
        if HeadingCase.id in wanted:
            edits += self.heading_case()
        # The preamble before the sections: both may go before the first heading.
        if MissingConfidentialDeclaration.id in wanted:
            edits += self.tried(edits, self.preamble_candidates(), {MissingConfidentialDeclaration.id})
        if MissingSection.id in wanted:
            edits += self.missing_sections()
        if wanted & _QUICK_ACTION_RULES:
            kept = self.tried(edits, self.quick_action_candidates(), wanted & _QUICK_ACTION_RULES)
            if kept:
                # One run of lines, as the template has them: only the first may need a blank line.
                lines = (*kept[0].lines[:-1], *(edit.lines[-1] for edit in kept))
                if lines[0] and any(edit.line == kept[0].line for edit in edits):
                    lines = ("", *lines)  # after a section inserted at the end, not in its last paragraph
                edits.append(Edit(kept[0].line, 0, lines, MissingQuickAction.id, lines))
        return edits

    # RL104 ---------------------------------------------------------------------------------

    def heading_case(self) -> Iterable[Edit]:
        seen: set[str] = set()
        titles = {normalise(title): title for _, title in self.template.outline}
        for section in self.document.headings:
            key = normalise(section.title)
            expected = titles.get(key)
            if expected is None or key in seen:
                continue  # not a template heading, or a repeat: only the first one counts
            seen.add(key)
            if " ".join(section.title.split()) == expected:
                continue
            pattern = _ATX_HEADING if section.span.end_line == section.span.line else _SETEXT_TEXT
            written = pattern.fullmatch(self.source.line(section.span.line))
            wording = self._template_wording(expected)
            # Only the wording changes, never the markup: `*bug*` stays emphasis.
            if written and normalise(written["title"]) == normalise(wording):
                line = written["open"] + wording + written["close"]
                yield Edit(section.span.line, 1, (line,), HeadingCase.id)

    def _template_wording(self, title: str) -> str:
        section = self.template.heading(title)
        if section is None or self.template.source is None:
            return title
        line = self.template.source.line(section.span.line)
        written = (_ATX_HEADING if section.span.end_line == section.span.line else _SETEXT_TEXT).fullmatch(line)
        return written["title"] if written else title

    # RL101 ---------------------------------------------------------------------------------

    def missing_sections(self) -> Iterable[Edit]:
        headings = self.document.headings
        expected = self.template.outline
        titles = [normalise(section.title) for section in headings]
        found = {
            position: titles.index(normalise(title))
            for position, (_, title) in enumerate(expected)
            if normalise(title) in titles
        }
        position_of = {index: position for position, index in found.items()}
        # A heading that looks like a missing section misspelt: the check says to rename it;
        # adding the section would make two, one empty.
        wanted = {normalise(title) for _, title in expected}
        claimed = {index for index, title in enumerate(titles) if title in wanted}
        missing = [position for position in range(len(expected)) if position not in found]
        near = near_misses([expected[position][1] for position in missing], [s.title for s in headings], claimed)
        misspelt = {position for position, index in zip(missing, near) if index is not None}
        inserts: dict[int, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        floor = 0  # where the previous missing section went: the next one goes no earlier
        end_of_content = self._end_of_content()
        for position, (level, title) in enumerate(expected):
            if position in found or position in misspelt:
                continue
            before = [found[p] for p in found if p < position]
            start = max(before) + 1 if before else 0
            # The template's place: after the section before it (and that section's
            # subsections), at the first heading of this level or above, or of a later section.
            at = next(
                (
                    headings[index].span.line
                    for index in range(start, len(headings))
                    if headings[index].level <= level or position_of.get(index, -1) > position
                ),
                end_of_content,
            )
            at = floor = max(at, floor)
            skeleton = self.template.skeleton(level, title)
            inserts.setdefault(at, []).append((_tidy_tables(skeleton), skeleton))
        for line, parts in inserts.items():
            yield self._insertion(line, parts, MissingSection.id)

    def _end_of_content(self) -> int:
        """Before the quick actions that close the file, if they do; else the end of the file."""
        last_heading = self.document.headings[-1].span.line if self.document.headings else 0
        tail = [block for block in _top_level_blocks(self.document) if block.span.line > last_heading]
        closing = None
        for block in reversed(tail):
            if block.kind not in ("quick_actions", "comment"):
                break
            if block.kind == "quick_actions":
                closing = block.span.line
        return closing or self.source.line_count + 1

    def _insertion(self, line: int, parts: Sequence[tuple[tuple[str, ...], tuple[str, ...]]], rule: str) -> Edit:
        """One insertion of `parts` (lines, and what they render as), blank lines around each."""
        lines: list[str] = []
        renders_as: list[str] = []
        if line > 1 and self.source.line(line - 1).strip():
            lines.append("")
        for inserted, template in parts:
            lines += [*inserted, ""]
            renders_as += [*template, ""]
        if line > self.source.line_count:
            lines.pop()  # the end of the file: no blank line after the last part
        return Edit(line, 0, tuple(lines), rule, tuple(renders_as))

    # RL106 ---------------------------------------------------------------------------------

    def preamble_candidates(self) -> Iterable[Edit]:
        """Each preamble comment and paragraph of the template the plan lacks, at its place."""
        document = self.template.document
        if document is None:
            return
        written = {normalise(block.text): block for block in self.document.preamble.blocks}
        ours = [block for block in document.preamble.blocks if block.kind in ("comment", "paragraph")]
        end = self.document.headings[0].span.line if self.document.headings else self._end_of_content()
        for index, block in enumerate(ours):
            if normalise(block.text) in written:
                continue
            later = (written.get(normalise(other.text)) for other in ours[index + 1 :])
            anchor = next((found for found in later if found is not None), None)
            lines = self.template.block_lines(block)
            at = anchor.span.line if anchor else end
            yield self._insertion(at, [(lines, lines)], MissingConfidentialDeclaration.id)

    # RL501, RL502 --------------------------------------------------------------------------

    def quick_action_candidates(self) -> Iterable[Edit]:
        """Each quick-action line of the template the plan lacks, after the plan's last one."""
        template = self.template
        if template.document is None or template.source is None:
            return
        have = {self.source.line(action.span.line) for action in self.document.quick_actions}
        at, blank = self._after_quick_actions()
        for action in template.document.quick_actions:
            line = template.source.line(action.span.line)
            if line not in have:
                have.add(line)
                lines = ("", line) if blank else (line,)
                yield Edit(at, 0, lines, MissingQuickAction.id, lines)

    def _after_quick_actions(self) -> tuple[int, bool]:
        """Where quick actions go, and whether a blank line must come first to keep them apart."""
        blocks = _top_level_blocks(self.document)
        actions = [block for block in blocks if block.kind == "quick_actions"]
        if actions:
            last = actions[-1]
            after = [block for block in blocks if block.span.line > last.span.end_line]
            headings_after = any(section.span.line > last.span.line for section in self.document.headings)
            if not headings_after and all(block.kind == "comment" for block in after):
                return last.span.end_line + 1, False
        end = self.source.line_count
        return end + 1, bool(self.source.line(end).strip())

    # trials --------------------------------------------------------------------------------

    def tried(self, base: list[Edit], candidates: Iterable[Edit], targets: set[str]) -> list[Edit]:
        """The candidates that each lower the `targets` findings and raise no other finding.

        Which of the template's lines the schema requires is the schema's business: rather
        than read it, each line is tried and kept only if a check shows that it helps.
        """
        kept: list[Edit] = []
        before = self._counts(base)
        for candidate in candidates:
            after = self._counts([*base, *kept, candidate])
            fixed = sum(before[rule] for rule in targets) - sum(after[rule] for rule in targets)
            worse = any(after[rule] > before[rule] for rule in after if rule not in targets)
            if fixed > 0 and not worse:
                kept.append(candidate)
                before = after
        return kept

    def _counts(self, edits: list[Edit]) -> Counter[str]:
        text = apply_edits(self.source, edits)
        found = check_source(Source.from_text(self.source.path, text), self.schema, self.mode)
        return Counter(finding.rule for finding in found)


def _top_level_blocks(document: Document) -> list[Block]:
    return [*document.preamble.blocks, *(block for section in document.headings for block in section.blocks)]


def _tidy_tables(lines: tuple[str, ...]) -> tuple[str, ...]:
    """`lines` with each table reformatted by mdformat (GFM tables): the only text we reformat."""
    document = parse_document(Source.from_text("", "\n".join(lines)))
    tables = [block.span for block in _top_level_blocks(document) if block.kind == "table"]
    if not tables:
        return lines
    import mdformat  # only a fix that inserts a table pays for it

    result = list(lines)
    for span in reversed(tables):
        table = "\n".join(lines[span.line - 1 : span.end_line])
        result[span.line - 1 : span.end_line] = mdformat.text(table, extensions={"tables"}).rstrip("\n").split("\n")
    return tuple(result)


# --- applying -----------------------------------------------------------------------------


class _Change(NamedTuple):
    """`text` in place of the source text from offset `start` to `end`."""

    start: int
    end: int
    text: str


def apply_edits(source: Source, edits: Sequence[Edit]) -> str:
    """The source text with `edits` applied; untouched lines keep their own line endings."""
    text = source.text
    pieces = []
    done = 0
    for change in _changes(source, edits):
        pieces += [text[done : change.start], change.text]
        done = change.end
    pieces.append(text[done:])
    return "".join(pieces)


def _changes(source: Source, edits: Sequence[Edit]) -> list[_Change]:
    """`edits` as replacements of the source text, in order of the text."""
    text = source.text
    starts = [*source.line_starts[: source.line_count], len(text)]
    newline = _usual_line_ending(text) or source.newline
    changes = []
    for edit in sorted(edits, key=lambda edit: (edit.line, edit.removed)):
        start = starts[edit.line - 1]
        if edit.removed:
            replaced = text[start : starts[edit.line]]
            ending = replaced[len(replaced.rstrip("\r\n")) :]
            # A replaced last line without a line ending: the file still ends without one.
            lines = "".join(line + ending for line in edit.lines) if ending else newline.join(edit.lines)
            changes.append(_Change(start, starts[edit.line - 1 + edit.removed], lines))
        elif start == len(text) and text and not text.endswith(("\n", "\r")):
            # After a last line without a line ending: that line needs one, the file still ends
            # without one.
            changes.append(_Change(start, start, "".join(newline + line for line in edit.lines)))
        else:
            changes.append(_Change(start, start, "".join(line + newline for line in edit.lines)))
    return changes


def _usual_line_ending(text: str) -> str | None:
    """The file's most common line ending (of equals, the first seen): what inserted lines
    end with, so that a file with mixed endings gets no more of its odd ones."""
    endings = Counter(LINE_ENDING.findall(text))
    return max(endings, key=endings.__getitem__) if endings else None


# Lines of unchanged text around each change in a diff, as `diff -u` and difflib show.
_DIFF_CONTEXT = 3


class _Region(NamedTuple):
    """Lines `first` .. `end - 1` of the old text (0-based) replaced by `lines`."""

    first: int
    end: int
    lines: list[str]


def unified_diff(source: Source, edits: Sequence[Edit]) -> str:
    """The unified diff that turns the file, BOM and all, into `apply_edits`' text ("" if the same).

    Written from the edits rather than found by comparing the two texts: linear (difflib is
    quadratic on some files) and exactly the fix. Its lines are those `patch` and `git apply`
    read, each ending at "\\n": a lone "\\r", a form feed or U+2028 may end a line for Markdown or
    Python, but not for a patch.
    """
    bom = UTF8_BOM if source.has_bom else ""
    old = bom + source.text
    lines = _patch_lines(old)
    changes = [
        change._replace(start=change.start + len(bom), end=change.end + len(bom)) for change in _changes(source, edits)
    ]
    regions = [region for region in _regions(old, lines, changes) if region.lines != lines[region.first : region.end]]
    if not regions:
        return ""
    name = quoted_path(source.path)
    out = [f"--- {name}\n+++ {name}\n"]
    shift = 0  # lines added by the hunks before this one
    for hunk in _hunks(regions):
        first = max(hunk[0].first - _DIFF_CONTEXT, 0)
        last = min(hunk[-1].end + _DIFF_CONTEXT, len(lines))
        added = sum(len(region.lines) - (region.end - region.first) for region in hunk)
        out.append(f"@@ -{_diff_range(first, last - first)} +{_diff_range(first + shift, last - first + added)} @@\n")
        at = first
        for region in hunk:
            out += _diff_lines(" ", lines[at : region.first])
            out += _diff_lines("-", lines[region.first : region.end])
            out += _diff_lines("+", region.lines)
            at = region.end
        out += _diff_lines(" ", lines[at:last])
        shift += added
    return "".join(out)


def _patch_lines(text: str) -> list[str]:
    """`text` as a patch reads it: lines ending with "\\n", the last one perhaps without."""
    *complete, rest = text.split("\n")
    return [line + "\n" for line in complete] + ([rest] if rest else [])


def _regions(old: str, lines: list[str], changes: list[_Change]) -> list[_Region]:
    """The changes as replacements of whole lines of `old`; changes that share or touch a line
    make one region, its old lines shown before its new ones as `diff -u` does."""
    starts = [0, *itertools.accumulate(map(len, lines))]  # and the end of the text
    groups: list[tuple[int, int, list[_Change]]] = []
    for change in changes:
        first = bisect.bisect_right(starts, change.start) - 1
        if first == len(lines) and lines and not lines[-1].endswith("\n"):
            first -= 1  # the end of a last line without a line ending is in that line
        end = first if change.end == starts[first] else bisect.bisect_left(starts, change.end, first + 1)
        head = old[starts[first] : change.start] + change.text
        if end < len(lines) and change.end == starts[end] and head and not head.endswith("\n"):
            end += 1  # new text ending inside a patch line (after a lone "\r"): up to that line's end
        if groups and first <= groups[-1][1]:
            group_first, group_end, grouped = groups[-1]
            grouped.append(change)
            groups[-1] = (group_first, max(end, group_end), grouped)
        else:
            groups.append((first, end, [change]))
    regions = []
    for first, end, grouped in groups:
        pieces, at = [], starts[first]
        for change in grouped:
            pieces += [old[at : change.start], change.text]
            at = change.end
        pieces.append(old[at : starts[end]])
        regions.append(_Region(first, end, _patch_lines("".join(pieces))))
    return regions


def _hunks(regions: list[_Region]) -> Iterator[list[_Region]]:
    """The regions in hunks: those whose context would touch share one."""
    hunk: list[_Region] = []
    for region in regions:
        if hunk and region.first - hunk[-1].end > 2 * _DIFF_CONTEXT:
            yield hunk
            hunk = []
        hunk.append(region)
    if hunk:
        yield hunk


def _diff_range(start: int, length: int) -> str:
    """A hunk's line range as `diff -u` writes it: 1-based, an empty range named by the line before."""
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _diff_lines(mark: str, lines: list[str]) -> list[str]:
    return [mark + line if line.endswith("\n") else f"{mark}{line}\n\\ No newline at end of file\n" for line in lines]


def fix_source(source: Source, schema: TemplateSchema, mode: str, wanted: set[str]) -> FixResult:
    """The fixes for the `wanted` rules, applied and checked; no edits if there is nothing to do."""
    document = parse_document(source)
    planner = _Planner(document, _template(schema), schema, mode)
    edits = planner.plan(wanted)
    if not edits:
        return FixResult([], source.text, None)
    text = apply_edits(source, edits)
    return FixResult(edits, text, content_lost(document, text, edits))


# --- the "nothing lost" check -------------------------------------------------------------


def content_lost(original: Document, fixed_text: str, edits: Sequence[Edit]) -> str | None:
    """Why `fixed_text` is not `original` plus `edits`' insertions as rendered HTML; None if it is.

    mdformat's `is_md_equal` idea, per top-level block: the fixed file's blocks must be the
    original's, in order, with each inserted block where it was inserted and rendering as the
    template's text does. Quick-action lines are no content (GitLab strips them) and are
    compared as lines: the original's, then the appended ones.
    """
    fixed = parse_document(Source.from_text(original.source.path, fixed_text))
    added = [line for edit in edits if edit.rule in _QUICK_ACTION_RULES for line in edit.lines if line]
    if _quick_action_lines(fixed) != _quick_action_lines(original) + added:
        return "the quick actions would change"
    from ..markdown.parser import gitlab_parser

    # The check's own parser: bounded where stock markdown-it is quadratic, and the same tokens.
    parser = gitlab_parser()
    env: dict[str, Any] = {}
    before = _html_blocks(parser, original, env)
    expected: list[tuple[str, bool]] = []  # (html, may differ in case and spacing)
    inserts = deque(
        sorted(
            (edit for edit in edits if edit.removed == 0 and edit.rule not in _QUICK_ACTION_RULES),
            key=lambda edit: edit.line,
        )
    )
    renamed = {edit.line for edit in edits if edit.removed}
    for line, html in [*before, (sys.maxsize, "")]:
        while inserts and inserts[0].line <= line:
            lines = inserts.popleft().renders_as
            template = Source.from_text("", "\n".join(lines))
            expected += [(part, False) for _, part in _html_blocks(parser, parse_document(template), dict(env))]
        if line != sys.maxsize:
            expected.append((html, line in renamed))
    after = [html for _, html in _html_blocks(parser, fixed, {})]
    for index, (want, loose) in enumerate(expected):
        got = after[index] if index < len(after) else ""
        if got != want and not (loose and normalise(got) == normalise(want)):
            return f"block {index + 1} would render differently: {want.strip()[:60]!r} became {got.strip()[:60]!r}"
    if len(after) != len(expected):
        return "the fixed file would have blocks that were not intended"
    return None


_OPEN_AT_THE_END = (
    "the file ends inside a block that is never closed (a code fence, an HTML comment or block), "
    "which would take in what the fix adds; close it, then run --fix again"
)
_SENTINEL = "rollout-lint-sentinel"


def ends_inside_an_open_block(source: Source) -> bool:
    """Whether a paragraph appended to `source` would be taken into its last block: an unclosed
    code fence, `<pre>` or `<!--` runs to the end of the file, whatever follows."""
    from ..markdown.parser import gitlab_parser

    text = source.text if source.text.endswith(("\n", "\r")) else source.text + "\n"
    tokens = gitlab_parser().parse(f"{text}\n{_SENTINEL}\n")
    last = [token for token in tokens if token.level == 0 and token.nesting != -1][-1]
    return not (last.type == "paragraph_open" or last.content == _SENTINEL)


def _quick_action_lines(document: Document) -> list[str]:
    return [document.source.line(action.span.line) for action in document.quick_actions]


def _html_blocks(parser: MarkdownIt, document: Document, env: dict[str, Any]) -> list[tuple[int, str]]:
    """(first line, HTML) of each top-level block, quick-action paragraphs left out."""
    quick_actions = {block.span.line for block in _top_level_blocks(document) if block.kind == "quick_actions"}
    text = document.source.text
    # An HTML block or code ends with its last line's line ending: without one at the end of
    # the file it renders one character shorter. A fix that appends after it gives it one, so
    # both sides are rendered as if the file ended in a line ending.
    if not text.endswith(("\n", "\r")):
        text += "\n"
    tokens = parser.parse(text, env)
    blocks = []
    opened = 0
    for index, token in enumerate(tokens):
        if token.level != 0:
            continue
        if token.nesting == 1:
            opened = index
            continue
        first = tokens[opened if token.nesting == -1 else index]
        line = first.map[0] + 1 if first.map else 0
        if line not in quick_actions:
            html = parser.renderer.render(tokens[opened if token.nesting == -1 else index : index + 1], parser.options, env)
            blocks.append((line, html))
    return blocks


# --- the command line ---------------------------------------------------------------------


def fixable(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if REGISTRY[d.rule].fixable]


class Fixer:
    """`check --fix` (write, then report what is left) or `check --diff` (print, write nothing)."""

    def __init__(self, write: bool, out: IO[str], err: IO[str]) -> None:
        self.write = write
        self.out = out
        self.err = err
        self.trouble = False  # a fix refused or a file not written: exit 2
        self.changed = 0  # files fixed, or with a diff
        self.fixed = 0  # findings fixed

    def file(
        self,
        path: str,
        source: Source | None,
        diagnostics: list[Diagnostic],
        schema: TemplateSchema,
        mode: str,
        selection: Selection,
    ) -> tuple[list[Diagnostic], Source | None]:
        """The findings left after fixing (those of the fixed file), and its new source."""
        wanted = {d.rule for d in fixable(diagnostics)}
        if source is None or not wanted or any(d.rule in _NOT_FIXABLE for d in diagnostics):
            return diagnostics, source
        mode = resolve_mode(mode, source.path)
        result = fix_source(source, schema, mode, wanted)
        if not result.edits:
            return diagnostics, source
        if result.lost:
            why = _OPEN_AT_THE_END if ends_inside_an_open_block(source) else f"{result.lost}; please report this"
            self._refuse(source.path, f"the fix is not written: {why}")
            return diagnostics, source
        if not self.write:
            self.changed += 1
            self.out.write(unified_diff(source, result.edits))
            return diagnostics, source
        bom = UTF8_BOM if source.has_bom else ""
        try:
            # Strict UTF-8 makes the Source lossless: encoded again, it is the bytes that were read.
            write_atomically(path, (bom + result.text).encode("utf-8"), expected=(bom + source.text).encode("utf-8"))
        except WriteError as error:
            self._refuse(source.path, str(error).removeprefix(f"{path}: "))
            return diagnostics, source
        self.changed += 1

        fixed_source = Source.from_text(source.path, (UTF8_BOM if source.has_bom else "") + result.text)
        left = check_source(fixed_source, schema, mode, selection)
        self.fixed += len(fixable(diagnostics)) - len(fixable(left))
        return left, fixed_source

    def finish(self) -> None:
        if self.write and self.changed:
            files = f"{self.changed} file{'s' * (self.changed != 1)}"
            self.err.write(f"rollout-lint: fixed {self.fixed} finding{'s' * (self.fixed != 1)} in {files}\n")

    def _refuse(self, path: str, why: str) -> None:
        self.trouble = True
        self.err.write(f"rollout-lint: {quoted_path(path)}: {why}\n")
