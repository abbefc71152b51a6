"""markdown-it-py set up to read GitLab issues: CommonMark with tables and strikethrough, bounded
where it is super-linear, by one plugin (`gitlab_bounds`) on markdown-it's public rule API.

- Nesting past `MAX_NESTING` drops only the block that is too deep, and the first line not read
  is left in `env`; markdown-it would drop the rest of the file.
- A paragraph, heading or table cell longer than `MAX_INLINE_LENGTH` stays plain text.

Below the bounds the tokens are markdown-it's own: `tests/test_markdown_parser.py` compares them
with stock markdown-it's on the CommonMark spec examples, the corpus, the fixtures and random
text, and `tests/test_pathological.py` holds every path linear.

The check (`parse_markdown`) parses less than that: it reads a table cell as written, so a
cell's inline text is parsed only where it may hold a comment (see `_inline_within_bound`).

This module imports markdown-it: import it where a file is about to be parsed, not at start-up.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# The `commonmark` preset stops at 20 nesting levels and silently drops the rest of the
# file; a 10-level nested list already needs 20. 64 is deep enough for any real plan, and
# lower than the depth where markdown-it's nested-list handling turns quadratic. Past it,
# `_drop_too_deep` drops only the block that is too deep, not the rest of the file.
MAX_NESTING = 64
# A paragraph, heading or table cell longer than this is read as plain text (see
# `_inline_within_bound`); a real plan's longest paragraph is a few thousand characters.
MAX_INLINE_LENGTH = 20_000
# Key in markdown-it's `env` under which the parser leaves the first line it did not read.
_TRUNCATED_AT = "rollout_lint_truncated_at"
# Key in markdown-it's `env` that asks for table cells to be read as written (`parse_markdown`).
_CELLS_AS_WRITTEN = "rollout_lint_cells_as_written"
_CELL_OPENS = ("td_open", "th_open")


def parse_markdown(text: str) -> tuple[list[Token], int | None]:
    """markdown-it's tokens for `text` as the check reads them, and the first line not read
    because nesting went deeper than `MAX_NESTING` (None if every line was read).

    The inline text of a table cell is left unparsed (no children) unless it holds `<!--`:
    the `Document` takes a cell's text as written (`Token.content`) and parses it only for its
    comments. Cells are most of a plan's inline tokens, each a call of the inline parser:
    8 % of the parse of the benchmark's plans (valgrind). The fixer, which renders HTML,
    uses `gitlab_parser()` whole.
    """
    env: dict[str, Any] = {_CELLS_AS_WRITTEN: True}
    tokens = gitlab_parser().parse(text, env)
    return tokens, env.get(_TRUNCATED_AT)


@lru_cache(maxsize=1)
def gitlab_parser() -> MarkdownIt:
    """The parser rollout-lint reads with (the check, and the fixer's HTML comparison)."""
    # GitLab Flavored Markdown has tables and strikethrough on top of CommonMark.
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(gitlab_bounds)


def gitlab_bounds(md: MarkdownIt) -> None:
    """markdown-it plugin: the bounds that keep parsing linear and every line seen (see the
    module docstring)."""
    # markdown-it's own limit skips the rest of the range once a block is that deep, before any
    # rule is tried. It is set past the deepest level a block can be tokenized at here (a list
    # opens two levels, its own and its item's, at most at MAX_NESTING - 1), so that
    # `_drop_too_deep` decides instead. Inline, it bounds links and emphasis nested in each
    # other, which rescan their text once a level.
    md.options["maxNesting"] = MAX_NESTING + 2
    md.block.ruler.before(md.block.ruler.get_all_rules()[0], "rollout_lint_too_deep", _drop_too_deep)
    md.core.ruler.at("inline", _inline_within_bound)


def _drop_too_deep(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """First block rule: at `MAX_NESTING`, skip only the lines of the innermost block (those
    indented at least as far as its content, and blank lines), and record the first.

    markdown-it's `maxNesting` skips to the end of the range it was given, and a list item's
    range is the rest of its parent: a list nested too deep inside "Known issues" swallowed
    every heading after it.
    """
    if state.level < MAX_NESTING:
        return False
    if silent:
        return True
    state.env.setdefault(_TRUNCATED_AT, start_line + 1)
    line = start_line + 1
    while line < end_line and (state.isEmpty(line) or state.sCount[line] >= state.blkIndent):
        line += 1
    state.line = line
    return True


def _inline_within_bound(state: StateCore) -> None:
    """markdown-it's `inline` core rule (parse each inline token's text into its children), but
    text longer than `MAX_INLINE_LENGTH` stays one plain text token.

    On some text markdown-it-py 4.3's inline parser is still super-linear: a line of 160,000
    `![[]()` takes it 42 s, one of 65,000 `[a` 13 s. Bounded, each input of
    `tests/test_pathological.py` is checked in a few seconds at most (`benchmarks/pathological.py`).
    """
    cells_as_written = state.env.get(_CELLS_AS_WRITTEN, False)
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "inline":
            continue
        if token.children is None:
            token.children = []
        if cells_as_written and tokens[index - 1].type in _CELL_OPENS and "<!--" not in token.content:
            continue  # see `parse_markdown`
        if len(token.content) <= MAX_INLINE_LENGTH:
            state.md.inline.parse(token.content, state.md, state.env, token.children)
        else:
            token.children.append(Token("text", "", 0, content=token.content))
