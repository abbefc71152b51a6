"""Edits to lines of a source: laid out, applied, composed over rounds, and shown as a diff.

The rules say what to insert or replace where (`diagnostics.Edit`); here the insertions at one
line are put in the template's order and kept apart as Markdown needs (blank lines around a
block, none inside a run of quick actions), tables inserted are tidied by mdformat, and the
edits become the new text or a unified diff that `patch` applies to give exactly that text.
Every step is linear in the size of the file.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from ..diagnostics import Edit, quoted_path
from ..markdown.document import parse_document
from ..markdown.source import LINE_ENDING, UTF8_BOM, Source


def settle(edits: Sequence[Edit]) -> list[Edit]:
    """The edits to make in one round: each once, and no two replacing the same line (the later
    waits for the next round), in order of the text and, at one line, of the template."""
    kept: list[Edit] = []
    replaced: set[int] = set()
    for edit in dict.fromkeys(edits):
        lines = set(range(edit.line, edit.line + edit.removed))
        if lines & replaced:
            continue
        replaced |= lines
        kept.append(edit)
    return sorted(kept, key=lambda edit: (edit.line, edit.removed, edit.order))


def lay_out(source: Source, edits: Sequence[Edit]) -> list[Edit]:
    """`edits` (settled) as plain line edits: the insertions at each line joined into one, with
    the blank lines that keep blocks apart, and inserted tables tidied."""
    laid_out: list[Edit] = []
    for line, group in itertools.groupby(edits, key=lambda edit: (edit.line, edit.removed)):
        at, removed = line
        if removed:
            laid_out.extend(group)
            continue
        lines: list[str] = []
        previous_kind = "text" if at > 1 and source.line(at - 1).strip() else None
        for edit in group:
            if edit.kind == "quick_action":
                # A run of quick actions goes on without a blank line; after a block inserted
                # here, that block's blank line keeps them apart.
                if edit.blank_before and previous_kind not in ("block", "quick_action"):
                    lines.append("")
                lines += edit.lines
            else:
                # A block is kept apart from the text or quick actions before it, and after it.
                if previous_kind in ("text", "quick_action"):
                    lines.append("")
                lines += [*_tidy_tables(edit.lines), ""]
            previous_kind = edit.kind
        if at > source.line_count and lines and not lines[-1]:
            lines.pop()  # the end of the file: no blank line after the last block
        laid_out.append(Edit(at, 0, tuple(lines)))
    return laid_out


def _tidy_tables(lines: tuple[str, ...]) -> tuple[str, ...]:
    """`lines` with each table reformatted by mdformat (GFM tables): the only text we reformat."""
    document = parse_document(Source.from_text("", "\n".join(lines)))
    tables = [block.span for block in document.blocks if block.kind == "table"]
    if not tables:
        return lines
    import mdformat  # only a fix that inserts a table pays for it

    result = list(lines)
    for span in reversed(tables):
        table = "\n".join(lines[span.line - 1 : span.end_line])
        result[span.line - 1 : span.end_line] = mdformat.text(table, extensions={"tables"}).rstrip("\n").split("\n")
    return tuple(result)


def line_origins(source: Source, edits: Sequence[Edit]) -> list[int | None]:
    """For each line of `apply_edits(source, edits)`: the line of `source` it is (1-based), or
    None for a line the edits wrote. (`lay_out` never ends the file with an inserted empty
    line, which would be no line but the last line's ending.)"""
    origins: list[int | None] = []
    next_line = 1
    for edit in sorted(edits, key=lambda edit: (edit.line, edit.removed)):
        origins += range(next_line, edit.line)
        origins += [None] * len(edit.lines)
        next_line = max(next_line, edit.line + edit.removed)
    origins += range(next_line, source.line_count + 1)
    return origins


def composed(original: Source, final: Source, origins: Sequence[int | None]) -> list[Edit]:
    """The edits that turn `original` into `final` at once, from where each line of `final`
    came from (`origins`, composed over the rounds of a fix): what `--diff` shows."""
    edits: list[Edit] = []
    written: list[str] = []
    expected = 1  # the next line of `original` that would come if nothing changed
    for number, origin in enumerate(origins, start=1):
        if origin is None:
            written.append(final.line(number))
            continue
        if written or origin != expected:
            edits.append(Edit(expected, origin - expected, tuple(written)))
        written, expected = [], origin + 1
    if written or expected <= original.line_count:
        edits.append(Edit(expected, original.line_count + 1 - expected, tuple(written)))
    return edits


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
            end = starts[edit.line - 1 + edit.removed]
            first = text[start : starts[edit.line]]
            ending = first[len(first.rstrip("\r\n")) :] or newline  # the replaced line's own
            # Replacing the last line, which has no line ending: the file still ends without one.
            last_ending = ending if text[start:end].endswith(("\n", "\r")) else ""
            lines = ending.join(edit.lines) + last_ending if edit.lines else ""
            changes.append(_Change(start, end, lines))
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


