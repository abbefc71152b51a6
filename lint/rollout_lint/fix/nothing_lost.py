"""The "nothing lost" check that makes a fix safe to write (mdformat's `is_md_equal` idea).

The fixed file, rendered to HTML block by block with the check's own bounded parser, must be
the original plus exactly the inserted blocks, with every comment, quick action and front
matter line kept: a fix that fails this is never written.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..diagnostics import Edit
from ..markdown.document import Document, parse_document
from ..markdown.parser import gitlab_parser
from ..markdown.source import Source
from ..schema.template import normalise

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


def content_lost(original: Document, fixed_text: str, edits: Sequence[Edit]) -> str | None:
    """Why `fixed_text` is not `original` plus the insertions of `edits` (settled: in order) as
    rendered HTML; None if it is.

    mdformat's `is_md_equal` idea, per top-level block: the fixed file's blocks must be the
    original's, in order, with each inserted block where it was inserted and rendering as the
    template's text does. Quick-action lines are no content (GitLab strips them) and are
    compared as lines: the original's, then the appended ones.
    """
    fixed = parse_document(Source.from_text(original.source.path, fixed_text))
    added = [line for edit in edits if edit.kind == "quick_action" for line in edit.lines if line]
    if _quick_action_lines(fixed) != _quick_action_lines(original) + added:
        return "the quick actions would change"
    # The check's own parser: bounded where stock markdown-it is quadratic, and the same tokens.
    parser = gitlab_parser()
    env: dict[str, Any] = {}
    before = _html_blocks(parser, original, env)
    expected: list[tuple[str, bool]] = []  # (html, may differ in case and spacing)
    inserts = deque(edit for edit in edits if edit.removed == 0 and edit.kind != "quick_action")
    renamed = {edit.line for edit in edits if edit.removed}
    for line, html in [*before, (sys.maxsize, "")]:
        while inserts and inserts[0].line <= line:
            # As the rule wrote it: the template's own lines, before tables were tidied.
            template = Source.from_text("", "\n".join(inserts.popleft().lines))
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


OPEN_AT_THE_END = (
    "the file ends inside a block that is never closed (a code fence, an HTML comment or block), "
    "which would take in what the fix adds; close it, then run --fix again"
)
_SENTINEL = "rollout-lint-sentinel"


def ends_inside_an_open_block(source: Source) -> bool:
    """Whether a paragraph appended to `source` would be taken into its last block: an unclosed
    code fence, `<pre>` or `<!--` runs to the end of the file, whatever follows."""
    text = source.text if source.text.endswith(("\n", "\r")) else source.text + "\n"
    tokens = gitlab_parser().parse(f"{text}\n{_SENTINEL}\n")
    last = [token for token in tokens if token.level == 0 and token.nesting != -1][-1]
    return not (last.type == "paragraph_open" or last.content == _SENTINEL)


def _quick_action_lines(document: Document) -> list[str]:
    return [document.source.line(action.span.line) for action in document.quick_actions]


def _html_blocks(parser: MarkdownIt, document: Document, env: dict[str, Any]) -> list[tuple[int, str]]:
    """(first line, HTML) of each top-level block, quick-action paragraphs left out."""
    quick_actions = {block.span.line for block in document.blocks if block.kind == "quick_actions"}
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


