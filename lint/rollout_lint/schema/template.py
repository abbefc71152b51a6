"""What counts as unfilled template text, derived from the template itself.

A plan is compared with the template that goes with its schema: an italic instruction
paragraph of the template left unchanged, or one of the template's placeholder tokens
(`???`, `[date]`, `X ms to Y ms`) left in, is unfilled. Only the *shapes* a placeholder can
take live here; which placeholders exist is read from the template, so a new template needs
no new code.
"""

import json
import re
import zlib
from pathlib import Path
from collections.abc import Iterator
from typing import Any, NamedTuple

from ..markdown.document import Document, Table, parse_document
from ..markdown.source import Source, SourceError, read_text

# Shapes of fill-in tokens as template authors write them. A string, compiled by `re` when a
# template is first read: a check of plans against bundled schemas never needs it.
_PLACEHOLDER_SHAPES = (
    r"\?{2,}"  # ??? in a table cell
    r"|\[[a-z][a-z _]*\](?![(\[:])"  # [date], [pipeline_link], but not a link [text](url) or [ref]: url
    r"|\bX(\s?[^\s\w]|\s\w+)?\s+to\s+Y\1(?!\w)"  # X ms to Y ms, X% to Y%
    r"|<[a-z][a-z0-9]*(?:[_ -][a-z0-9]+)+>"  # <insert_link>, <feature-flag-name>
    r"|\b(?:TBD|TODO|FIXME)\b"
    r"|(?<![\w.])XX?(?![\w.])"  # a bare X or XX for a number: `accuracy: X`, `+X% slower`, `XX change`
)


def fixed_rows(table: Table) -> tuple[int, list[str]]:
    """The column that names a template table's rows, and the names: the first column the
    template fills in for every row (the Resource column; the Audience column, beside dates left
    `???`). (0, []) if every column has a cell to fill in."""
    for column in range(len(table.header)):
        cells = [row.cells[column] if column < len(row.cells) else "" for row in table.rows]
        if cells and all(cell and not re.search(_PLACEHOLDER_SHAPES, cell) for cell in cells):
            return column, cells
    return 0, []


class TemplateCatalogue(NamedTuple):
    """The template's instruction paragraphs (normalised) and placeholder tokens."""

    instructions: frozenset[str] = frozenset()
    placeholders: tuple[str, ...] = ()

    def is_instruction(self, text: str) -> bool:
        return normalise(text) in self.instructions

    def placeholder_pattern(self) -> re.Pattern[str] | None:
        if not self.placeholders:
            return None
        # Longest first, so that `X ms to Y ms` wins over a shorter token inside it; a token that
        # starts or ends with a letter only where no letter goes on (`X` is not in `XML`).
        ordered = sorted(self.placeholders, key=len, reverse=True)
        return re.compile("|".join(_whole(token) for token in ordered))


class OutlineTitles(NamedTuple):
    """The section titles of a schema's `x-outline`: how the schema writes each, and where."""

    canonical: dict[str, str]  # normalised title -> the title as the schema writes it
    parents: dict[str, str | None]  # title -> the title of the section it sits in; None at the top

    def add(self, entries: list[dict[str, Any]], parent: str | None) -> None:
        for entry in entries:
            title = entry["title"]
            self.canonical[normalise(title)] = title
            self.parents.setdefault(title, parent)
            self.add(entry.get("children", []), title)


def _whole(token: str) -> str:
    # The look-behind goes after the first character, not before it: a pattern whose every
    # branch starts with a literal is scanned for those characters alone, one with a look-behind
    # first is tried at every position (13 times slower on a plan: valgrind, 2,000 plans 1.30x
    # the parse floor against 1.50x).
    before = r"(?<!\w.)" if token[:1].isalnum() else ""
    after = r"(?!\w)" if token[-1:].isalnum() else ""
    return re.escape(token[:1]) + before + re.escape(token[1:]) + after


def normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def flatten_outline(outline: list[dict[str, Any]], level: int = 2) -> Iterator[tuple[int, str]]:
    """(level, title) of each heading of an `x-outline`, in document order."""
    for entry in outline:
        entry_level = entry.get("level", level)
        yield entry_level, entry["title"]
        yield from flatten_outline(entry.get("children", []), entry_level + 1)


def derive_catalogue(template: Document) -> TemplateCatalogue:
    placeholders = dict.fromkeys(match[0] for match in re.finditer(_PLACEHOLDER_SHAPES, template.visible_text))
    instructions = {
        normalise(block.text)
        for section in template.headings
        for block in section.blocks
        if block.kind == "paragraph"
        and block.emphasis_only
        # An italic line with a token in it is a line to fill in, not an instruction.
        and not re.search(_PLACEHOLDER_SHAPES, block.text)
    }
    return TemplateCatalogue(frozenset(instructions), tuple(placeholders))


# Deriving the catalogue means parsing the template: ~5 ms on every run, more than checking a
# plan. So a catalogue can be stored beside its template (`<template>.catalogue.json`) and is
# used only while the checksum it records matches the template's text; otherwise, or if there
# is none (a user's template), it is derived again. A test keeps the bundled one current.
CATALOGUE_SUFFIX = ".catalogue.json"


def stored_catalogue_path(template: Source) -> Path:
    return Path(template.path).with_suffix(CATALOGUE_SUFFIX)


def load_catalogue(template: Source) -> TemplateCatalogue:
    try:
        # Read like any file a user gives: a FIFO or /dev/zero beside a user's template is refused.
        stored = json.loads(read_text(str(stored_catalogue_path(template))))
        if stored["template-crc32"] == _checksum(template):
            return TemplateCatalogue(frozenset(stored["instructions"]), tuple(stored["placeholders"]))
    except (SourceError, ValueError, KeyError, TypeError, RecursionError):
        pass
    return derive_catalogue(parse_document(template))


def stored_catalogue_text(template: Source) -> str:
    """The JSON to store beside `template` (see `load_catalogue`)."""
    catalogue = derive_catalogue(parse_document(template))
    stored = {
        "template-crc32": _checksum(template),
        "instructions": sorted(catalogue.instructions),
        "placeholders": list(catalogue.placeholders),
    }
    return json.dumps(stored, indent=2, ensure_ascii=False) + "\n"


def _checksum(template: Source) -> int:
    # A guard against a stale file, not against tampering: crc32 is enough and zlib is cheap.
    return zlib.crc32(template.text.encode("utf-8"))
