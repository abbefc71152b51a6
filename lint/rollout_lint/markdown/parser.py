"""markdown-it-py set up to read GitLab issues: bounded where it is super-linear, faster where it is slow.

- Bounded: nesting past `MAX_NESTING` drops only the block that is too deep; inline text
  longer than `MAX_INLINE_LENGTH` stays plain text; a link reference definition is looked for
  over at most `MAX_REFERENCE_LINES` lines; text tokens are joined in linear time. Below the
  bounds the tokens are markdown-it's; `tests/test_pathological.py` holds every path linear.
- Faster: two loops that markdown-it-py 3 runs in Python once per character of the file, about
  a third of a plan's parse, run once per line (the block state's line index) or as one regex
  match (the `text` rule). The tokens are exactly markdown-it's: `tests/test_markdown_parser.py`
  compares them with `bounded_parser()`'s on the CommonMark spec examples, the corpus, the
  fixtures and random text.

This module imports markdown-it: import it where a file is about to be parsed, not at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

_InlineParse = Callable[[str, MarkdownIt, Any, list[Token]], list[Token]]
_BlockRule = Callable[[StateBlock, int, int, bool], bool]

# The `commonmark` preset stops at 20 nesting levels and silently drops the rest of the
# file; a 10-level nested list already needs 20. 64 is deep enough for any real plan, and
# lower than the depth where markdown-it's nested-list handling turns quadratic. Past it,
# `_bounded_tokenize` drops only the block that is too deep, not the rest of the file.
MAX_NESTING = 64
# A paragraph, heading or table cell longer than this is read as plain text (see
# `_bounded_inline_parse`); a real plan's longest paragraph is a few thousand characters.
MAX_INLINE_LENGTH = 20_000
# Lines a link reference definition may span (see `_bounded_reference`): a definition takes one
# to three lines (label, destination, title); this lets a long title wrap.
MAX_REFERENCE_LINES = 20
# Key in markdown-it's `env` under which the tokenizer leaves the first line it did not read.
_TRUNCATED_AT = "rollout_lint_truncated_at"


def parse_markdown(text: str) -> tuple[list[Token], int | None]:
    """markdown-it's tokens for `text`, and the first line not read because nesting went
    deeper than `MAX_NESTING` (None if every line was read)."""
    env: dict[str, Any] = {}
    tokens = gitlab_parser().parse(text, env)
    return tokens, env.get(_TRUNCATED_AT)


@lru_cache(maxsize=1)
def gitlab_parser() -> MarkdownIt:
    """The parser rollout-lint reads with: bounded, then sped up (see the module docstring)."""
    parser = bounded_parser()
    parser.block.parse = _parse_blocks  # type: ignore[method-assign,assignment]
    parser.inline.ruler.at("text", _skip_text)
    return parser


def bounded_parser() -> MarkdownIt:
    """markdown-it for GitLab issues, each super-linear path bounded, at markdown-it's own speed."""
    # GitLab Flavored Markdown has tables and strikethrough on top of CommonMark.
    parser = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable(["table", "strikethrough"])
    parser.block.tokenize = _bounded_tokenize(parser.block.tokenize)  # type: ignore[method-assign,assignment]
    parser.inline.parse = _bounded_inline_parse(parser.inline.parse)  # type: ignore[method-assign,assignment]
    reference = parser.block.ruler.__rules__[parser.block.ruler.__find__("reference")].fn
    parser.block.ruler.at("reference", _bounded_reference(reference))
    parser.inline.ruler2.at("fragments_join", _linear_fragments_join)
    return parser


def _linear_fragments_join(state: StateInline) -> None:
    """markdown-it's `fragments_join` (merge adjacent text tokens, recount levels), in linear time.

    markdown-it-py 3 grows a run of n text tokens one `+=` at a time: quadratic, 0.1 s for one
    18,000-character paragraph of `_a `. Here each run is joined once; the tokens that remain,
    their contents and levels are the same.
    """
    tokens = state.tokens
    kept: list[Token] = []
    run: list[str] = []  # contents of the text tokens waiting to be merged into the next one
    level = 0
    for index, token in enumerate(tokens):
        if token.nesting < 0:
            level -= 1  # a closing tag
        token.level = level
        if token.nesting > 0:
            level += 1  # an opening tag
        if token.type == "text" and index + 1 < len(tokens) and tokens[index + 1].type == "text":
            run.append(token.content)
            continue
        if run:
            token.content = "".join([*run, token.content])
            run = []
        kept.append(token)
    tokens[:] = kept


def _bounded_reference(reference: _BlockRule) -> _BlockRule:
    """markdown-it's link reference definition rule, looking at most `MAX_REFERENCE_LINES` ahead.

    markdown-it-py 3 reads every following line up to a blank one before it parses a single
    definition, so n definitions without blank lines between them cost n² (4,000: 55 s). A
    longer definition would be read as a paragraph.
    """

    def bounded(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        line_max = state.lineMax
        state.lineMax = min(line_max, start_line + MAX_REFERENCE_LINES)
        try:
            return reference(state, start_line, end_line, silent)
        finally:
            state.lineMax = line_max

    return bounded


def _bounded_inline_parse(parse: _InlineParse) -> _InlineParse:
    """markdown-it's inline parser, but text longer than `MAX_INLINE_LENGTH` stays plain text.

    On some text its time grows faster than the text: markdown-it-py 3 builds runs of `]`, `&`
    or `<` with `str +=` and joins runs of `*_` the same way (quadratic), and every unclosed `[`
    rescans up to `MAX_NESTING` levels. A 2 MB line of `a]` took minutes; now it takes a second.
    """

    def bounded(src: str, md: MarkdownIt, env: Any, tokens: list[Token]) -> list[Token]:
        if len(src) <= MAX_INLINE_LENGTH:
            return parse(src, md, env, tokens)
        tokens.append(Token("text", "", 0, content=src))
        return tokens

    return bounded


def _bounded_tokenize(tokenize: Callable[[StateBlock, int, int], None]) -> Callable[[StateBlock, int, int], None]:
    """markdown-it's block tokenizer, but too deep nesting drops only the block that is too deep.

    At `maxNesting` markdown-it skips to the end of the range it was given, and a list item's
    range is the rest of its parent: a list nested too deep inside "Known issues" swallowed
    every heading after it. Here only the lines of the innermost block are skipped (those
    indented at least as far as its content, and blank lines), and the first one is recorded.
    """

    def bounded(state: StateBlock, start_line: int, end_line: int) -> None:
        if state.level < state.md.options.maxNesting:
            tokenize(state, start_line, end_line)
            return
        line = state.line = state.skipEmptyLines(start_line)
        if line >= end_line or state.sCount[line] < state.blkIndent:
            return
        state.env.setdefault(_TRUNCATED_AT, line + 1)
        while line < end_line and (state.isEmpty(line) or state.sCount[line] >= state.blkIndent):
            line += 1
        state.line = line

    return bounded


# markdown-it's `text` rule ends a run of plain text at these characters, where another rule
# may start (markdown-it-py 3, `rules_inline/text.py`; the test holds the two sets equal).
TEXT_TERMINATORS = "\n!#$%&*+-:<=>@[\\]^_`{}~"
_PLAIN_TEXT_RUN = re.compile(f"[^{re.escape(TEXT_TERMINATORS)}]+")


def _skip_text(state: StateInline, silent: bool) -> bool:
    """markdown-it's `text` rule (add the plain text at `pos` to the pending text) as one regex
    match: markdown-it-py 3 steps through it one character, and one `state.src` lookup, at a time."""
    match = _PLAIN_TEXT_RUN.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        state.pending += match[0]
    state.pos = match.end()
    return True


def _parse_blocks(src: str, md: MarkdownIt, env: Any, tokens: list[Token]) -> list[Token]:
    """markdown-it's `ParserBlock.parse`, with the block state's line index built line by line."""
    if src:
        state = _LineIndexedStateBlock(src, md, env, tokens)
        md.block.tokenize(state, state.line, state.lineMax)
    return tokens


class _LineIndexedStateBlock(StateBlock):
    """markdown-it's block state; `StateBlock.__init__` builds the line index with a Python
    loop over every character of the file, this builds the same arrays a line at a time."""

    def __init__(self, src: str, md: MarkdownIt, env: Any, tokens: list[Token]) -> None:
        super().__init__("", md, env, tokens)  # everything but the line index
        self.src = src
        self.bMarks, self.eMarks, self.tShift, self.sCount = line_index(src)
        self.bsCount = [0] * len(self.bMarks)
        self.lineMax = len(self.bMarks) - 1  # the last entry is a sentinel, not a line


def line_index(src: str) -> tuple[list[int], list[int], list[int], list[int]]:
    """For each line of `src` (already normalised to "\\n" line breaks): where it begins and
    ends, how many spaces and tabs indent it, and its indent in columns (tabs to multiples of
    4); then a sentinel entry at the end of the text, as markdown-it's `StateBlock` has."""
    begins: list[int] = []
    ends: list[int] = []
    indents: list[int] = []
    columns: list[int] = []
    lines = src.split("\n")
    last = len(lines) - 1
    begin = 0
    for number, line in enumerate(lines):
        content = line.lstrip(" \t")
        if number == last and not content:
            break  # markdown-it does not count text after the last line break that is only blanks
        indent = len(line) - len(content)
        begins.append(begin)
        ends.append(begin + len(line))
        indents.append(indent)
        columns.append(_columns(line[:indent]) if "\t" in line[:indent] else indent)
        begin += len(line) + 1
    begins.append(len(src))
    ends.append(len(src))
    indents.append(0)
    columns.append(0)
    return begins, ends, indents, columns


def _columns(blanks: str) -> int:
    """Width of leading spaces and tabs, a tab reaching the next multiple of 4."""
    width = 0
    for blank in blanks:
        width += 4 - width % 4 if blank == "\t" else 1
    return width
