"""What counts as unfilled template text, derived from the template itself.

A plan is compared with the template that goes with its schema: an italic instruction
paragraph of the template left unchanged, or one of the template's placeholder tokens
(`???`, `[date]`, `X ms to Y ms`) left in, is unfilled. Only the *shapes* a placeholder can
take live here; which placeholders exist is read from the template, so a new template needs
no new code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .document import Document

# Shapes of fill-in tokens as template authors write them.
_PLACEHOLDER_SHAPES = re.compile(
    r"\?{2,}"  # ??? in a table cell
    r"|\[[a-z][a-z ]*\](?![(\[:])"  # [date], but not a link [text](url) or [ref]: url
    r"|\bX(\s?[^\s\w]|\s\w+)?\s+to\s+Y\1(?!\w)"  # X ms to Y ms, X% to Y%
    r"|<[a-z][a-z0-9]*(?:[_ -][a-z0-9]+)+>"  # <insert_link>, <feature-flag-name>
    r"|\b(?:TBD|TODO|FIXME)\b"
)


@dataclass(frozen=True, slots=True)
class TemplateCatalogue:
    """The template's instruction paragraphs (normalised) and placeholder tokens."""

    instructions: frozenset[str] = frozenset()
    placeholders: tuple[str, ...] = ()

    def is_instruction(self, text: str) -> bool:
        return normalise(text) in self.instructions

    def placeholder_pattern(self) -> re.Pattern[str] | None:
        if not self.placeholders:
            return None
        # Longest first, so that `X ms to Y ms` wins over a shorter token inside it.
        ordered = sorted(self.placeholders, key=len, reverse=True)
        return re.compile("|".join(re.escape(token) for token in ordered))


def normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def derive_catalogue(template: Document) -> TemplateCatalogue:
    placeholders = dict.fromkeys(match[0] for match in _PLACEHOLDER_SHAPES.finditer(template.visible_text))
    instructions = {
        normalise(block.text)
        for section in template.headings
        for block in section.blocks
        if block.kind == "paragraph"
        and block.emphasis_only
        # An italic line with a token in it is a line to fill in, not an instruction.
        and not _PLACEHOLDER_SHAPES.search(block.text)
    }
    return TemplateCatalogue(frozenset(instructions), tuple(placeholders))
