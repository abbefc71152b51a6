"""Markdown → `Document`: the section tree, tables, lists and quick actions of one file.

markdown-it-py's 0-based, end-exclusive `map` becomes 1-based lines here and nowhere else.
The flat token stream is walked once, with a stack instead of recursion: `SyntaxTreeNode`
recurses once per nesting level and costs a third of a parse on top, and we need neither.
"""

import bisect
import gc
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import NamedTuple, Self

from markdown_it.token import Token

from .source import LINE_ENDING, Source

_FRONT_MATTER_FENCES = {"---": ("---", "..."), "+++": ("+++",), ";;;": (";;;",)}
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# GitLab runs a quick action only from a line that starts with `/command` at column 0, reads
# the command's name in any case, and takes a space, never a tab, before its argument (GitLab's
# lib/gitlab/quick_actions/extractor.rb: `[ ]` in its regex, with IGNORECASE on the names).
_QUICK_ACTION = re.compile(r"/([a-z][a-z0-9_]*)(?: +(.*?))?[ \t]*", re.IGNORECASE)
_BACKTICK_RUN = re.compile(r"`+")


class Span(NamedTuple):
    """1-based, inclusive start and exclusive end column, like ruff and SARIF regions."""

    line: int
    column: int
    end_line: int
    end_column: int


class Block(NamedTuple):
    """A top-level block inside a section: paragraph, list, table, code, html, comment..."""

    kind: str
    span: Span
    text: str = ""
    emphasis_only: bool = False


class TableRow(NamedTuple):
    cells: list[str]
    span: Span


class Table(NamedTuple):
    header: list[str]
    rows: list[TableRow]
    span: Span


class ListItem(NamedTuple):
    text: str
    span: Span


class Section(NamedTuple):
    """A heading and everything up to the next heading of the same or a higher level."""

    title: str
    level: int
    span: Span
    path: tuple[str, ...]
    blocks: list[Block]
    tables: list[Table]
    items: list[ListItem]
    children: list["Section"]  # quoted: the class is being defined

    @classmethod
    def start(cls, title: str, level: int, span: Span, path: tuple[str, ...]) -> Self:
        """A section with nothing in it yet."""
        return cls(title, level, span, path, [], [], [], [])


class QuickAction(NamedTuple):
    command: str
    argument: str
    span: Span


class Comment(NamedTuple):
    """An HTML comment GitLab hides: a comment block or one inside a paragraph, never in code."""

    text: str  # between `<!--` and `-->`, stripped
    span: Span


class Document(NamedTuple):
    source: Source
    preamble: Section
    headings: list[Section]
    quick_actions: list[QuickAction]
    # Source text with comments, code and front matter blanked out (same offsets): where
    # placeholders are looked for.
    visible_text: str
    # Line where the parser stopped reading because nesting went too deep (see parser.py).
    truncated_at: int | None
    comments: list[Comment]
    # The line of each heading, in order: `section_at` is a binary search, since every finding
    # asks it and a file may have thousands of headings.
    heading_lines: list[int]

    @property
    def blocks(self) -> list[Block]:
        """Every top-level block, in order: the preamble's, then each section's."""
        return [*self.preamble.blocks, *(block for section in self.headings for block in section.blocks)]

    def section_at(self, line: int) -> Section:
        """The innermost section that contains `line`."""
        index = bisect.bisect_right(self.heading_lines, line)
        return self.headings[index - 1] if index else self.preamble


def closing_quick_actions(document: Document) -> Block | None:
    """The quick actions that end the description, as the template's do (comments may follow):
    where a missing one is added, and reported. None if quick actions do not end it."""
    after = document.heading_lines[-1] if document.heading_lines else 0
    for section in reversed([document.preamble, *document.headings]):
        for block in reversed(section.blocks):
            if block.kind != "comment":
                return block if block.kind == "quick_actions" and block.span.line > after else None
    return None


def parse_document(source: Source) -> Document:
    """Build the `Document` of a source; never raises on any text."""
    text = source.text
    hidden_lines = _front_matter_lines(source)
    if hidden_lines:
        # Keep the line numbers: the parser sees empty lines where the front matter was.
        # Split as `Source` does: a file with CR line endings has no "\n" to split on.
        parts = LINE_ENDING.split(text, maxsplit=hidden_lines)
        text = "\n" * hidden_lines + (parts[hidden_lines] if len(parts) > hidden_lines else "")
    from .parser import parse_markdown  # imports markdown-it: not at start-up

    with cyclic_gc_paused():
        tokens, truncated_at = parse_markdown(text)
        return _DocumentBuilder(source, tokens, hidden_lines, truncated_at).build()


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a document is parsed and built (and, from the
    linter, checked).

    Tokens and Document parts form no reference cycles, but they stay alive until the build
    ends, and each full collection walks them all again: quadratic in the size of the file
    (a 1 MB table: 9.4 s with the collector, 3.9 s without). Reference counting still frees
    everything; the collector runs as usual between files.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _front_matter_lines(source: Source) -> int:
    """How many leading lines are YAML/TOML/JSON front matter (GitLab hides it)."""
    first = source.line(1) if source.line_count else ""
    closers = _FRONT_MATTER_FENCES.get(first.rstrip())
    if not closers:
        return 0
    for number in range(2, source.line_count + 1):
        if source.line(number).rstrip() in closers:
            return number
    return 0


class _DocumentBuilder:
    def __init__(
        self, source: Source, tokens: list[Token], front_matter_lines: int, truncated_at: int | None
    ) -> None:
        self.source = source
        self.lines = source.lines
        self.tokens = tokens
        self.front_matter_lines = front_matter_lines
        self.preamble = Section.start("", 0, Span(1, 1, 1, 1), ())
        self.headings: list[Section] = []
        self.quick_actions: list[QuickAction] = []
        self.comments: list[Comment] = []
        self.hidden_line_ranges: list[tuple[int, int]] = []
        self.truncated_at = truncated_at

    def build(self) -> Document:
        stack: list[Section] = [self.preamble]
        tokens = self.tokens
        blockquote_depth = 0
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "inline":
                # A table cell's children are parsed only if this holds (`parse_markdown`).
                if "<!--" in token.content:
                    inline_html = (child.content for child in token.children or () if child.type == "html_inline")
                    self._collect_comments(token, inline_html)
                continue  # the most common token, and never at level 0
            if kind == "blockquote_open":
                blockquote_depth += 1
            elif kind == "blockquote_close":
                blockquote_depth -= 1
            elif kind == "paragraph_open" and blockquote_depth == 0:
                self._collect_quick_actions(token)
            elif kind == "fence" or kind == "code_block":
                self._hide(token)
            elif kind == "html_block" and _is_comment(token.content):
                self._hide(token)
                self._collect_comments(token, [token.content])

            if token.level != 0:
                continue
            if kind == "heading_open":
                section = self._start_section(token, tokens[index + 1], stack)
                stack.append(section)
                self.headings.append(section)
            elif token.nesting != -1:
                self._add_block(stack[-1], tokens, index, _closing_index(tokens, index))
        return Document(
            self.source,
            self.preamble,
            self.headings,
            self.quick_actions,
            self._visible_text(),
            self.truncated_at,
            self.comments,
            [section.span.line for section in self.headings],
        )

    def _span(self, token: Token) -> Span:
        start, end = token.map or (0, 1)
        end_line = max(end, start + 1)
        return Span(start + 1, 1, end_line, len(self.lines[end_line - 1]) + 1)

    def _start_section(self, token: Token, inline: Token, stack: list[Section]) -> Section:
        level = int(token.tag[1])
        while stack[-1].level >= level:
            stack.pop()
        title = " ".join(plain_text(inline).split())
        section = Section.start(title, level, self._span(token), (*stack[-1].path, title))
        stack[-1].children.append(section)
        return section

    def _add_block(self, section: Section, tokens: list[Token], start: int, end: int) -> None:
        token = tokens[start]
        span = self._span(token)
        kind = token.type.removesuffix("_open")
        if kind == "paragraph" and self._only_quick_actions(span):
            # GitLab removes quick-action lines from the description: they are not content.
            section.blocks.append(Block("quick_actions", span))
            return
        if kind == "paragraph":
            inline = tokens[start + 1]
            section.blocks.append(Block(kind, span, plain_text(inline), _emphasis_only(inline)))
            return
        if kind == "html_block" and _is_comment(token.content):
            comment = token.content.strip().removeprefix("<!--").removesuffix("-->").strip()
            section.blocks.append(Block("comment", span, comment))
            return
        section.blocks.append(Block(kind, span))
        if kind == "table":
            section.tables.append(self._table(tokens, start, end))
        elif kind in ("bullet_list", "ordered_list"):
            section.items.extend(self._list_items(tokens, start, end))

    def _only_quick_actions(self, span: Span) -> bool:
        if not self.lines[span.line - 1].startswith("/"):
            return False  # most paragraphs, passed over without a regex
        lines = range(span.line, span.end_line + 1)
        return all(_QUICK_ACTION.fullmatch(self.lines[number - 1]) for number in lines)

    def _table(self, tokens: list[Token], start: int, end: int) -> Table:
        header: list[str] = []
        rows: list[TableRow] = []
        cells: list[str] = []
        row_open = tokens[start]
        for index in range(start, end):
            token = tokens[index]
            if token.type == "tr_open":
                cells = []
                row_open = token
            elif token.type == "inline":
                cells.append(_cell_text(token.content))
            elif token.type == "tr_close":
                if not header:
                    header = cells
                else:
                    rows.append(TableRow(cells, self._span(row_open)))
        return Table(header, rows, self._span(tokens[start]))

    def _list_items(self, tokens: list[Token], start: int, end: int) -> list[ListItem]:
        items: list[ListItem] = []
        item_level = tokens[start].level + 1
        for index in range(start, end):
            token = tokens[index]
            if token.type == "list_item_open" and token.level == item_level:
                text = ""
                if tokens[index + 1].type == "paragraph_open":
                    text = plain_text(tokens[index + 2])
                items.append(ListItem(text, self._span(token)))
        return items

    def _collect_quick_actions(self, paragraph: Token) -> None:
        if not paragraph.map:
            return
        first, last = paragraph.map
        paragraph_lines = self.lines[first:last]
        if not any(line.startswith("/") for line in paragraph_lines):
            return  # most paragraphs: no line can be a quick action
        open_run = 0
        for number, line in enumerate(paragraph_lines, start=first + 1):
            match = _QUICK_ACTION.fullmatch(line)
            if match and not open_run:
                span = Span(number, 1, number, len(line) + 1)
                self.quick_actions.append(QuickAction(match[1].lower(), match[2] or "", span))
            open_run = _open_code_span(line, open_run)

    def _collect_comments(self, token: Token, html: Iterable[str]) -> None:
        """Each comment in `html` (the token's HTML, in order), located in the source."""
        if not token.map:
            return
        source = self.source
        search_from = source.offset(token.map[0] + 1)
        for part in html:
            for match in _HTML_COMMENT.finditer(part, 0, part.rfind("-->") + len("-->")):  # see _replace_comments
                raw = match[0]
                # Only the first line is searched for: inside lists and quotes, markdown-it
                # strips the indentation or `>` from the lines after it.
                first_line = raw.split("\n", 1)[0]
                start = source.text.find(first_line, search_from)
                if start == -1:
                    continue
                line, column = source.position(start)
                end_line = line + raw.count("\n")
                if end_line == line:
                    end_column = column + len(raw)
                else:
                    end_column = source.line(end_line).find("-->") + len("-->") + 1
                self.comments.append(Comment(raw[4:-3].strip(), Span(line, column, end_line, end_column)))
                search_from = start + len(first_line)

    def _hide(self, token: Token) -> None:
        if token.map:
            self.hidden_line_ranges.append((token.map[0] + 1, token.map[1]))

    def _visible_text(self) -> str:
        lines = self.lines[: self.source.line_count]
        hidden = [(1, self.front_matter_lines)] if self.front_matter_lines else []
        for first, last in [*hidden, *self.hidden_line_ranges]:
            for number in range(first, min(last, len(lines)) + 1):
                lines[number - 1] = " " * len(lines[number - 1])
        text = "\n".join(lines)
        return _blank_code_spans(_replace_comments(text, _blank))


def _blank(match: re.Match[str]) -> str:
    return _blanked(match[0])


def _blanked(text: str) -> str:
    """`text` with every character but line breaks a space: same offsets, nothing to match."""
    return "\n".join(" " * len(line) for line in text.split("\n"))


def _replace_comments(text: str, replacement: str | Callable[[re.Match[str]], str]) -> str:
    """`_HTML_COMMENT.sub(replacement, text)` in linear time.

    The regex alone rescans the rest of the text from every `<!--` that has no `-->` after it:
    quadratic in `"<!--" * n`. No `<!--` after the last `-->` can be closed, so none is tried.
    """
    end = text.rfind("-->") + len("-->")
    return _HTML_COMMENT.sub(replacement, text[:end]) + text[end:]


def _blank_code_spans(text: str) -> str:
    """`text` with every code span blanked out: a backtick run and the next run of its length.

    One pass over the runs; a regex rescans the rest of the text from every run that is never
    closed, which took minutes for `"e" + "`" * n` runs of growing length (cmark's test).
    """
    runs = list(_backtick_runs(text))
    later: dict[int, deque[int]] = {}  # run length -> indexes of the runs of that length, in order
    for index, (start, end) in enumerate(runs):
        later.setdefault(end - start, deque()).append(index)
    pieces: list[str] = []
    copied = index = 0
    while index < len(runs):
        start, end = runs[index]
        same = later[end - start]
        while same and same[0] <= index:
            same.popleft()
        if not same:
            index += 1
            continue
        index = same[0]
        pieces += [text[copied:start], _blanked(text[start : runs[index][1]])]
        copied = runs[index][1]
        index += 1
    return "".join([*pieces, text[copied:]])


def _backtick_runs(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of backticks. `str.find` leaps from one to the next; the regex
    alone tries every character, and took two thirds of a plan's visible text."""
    start = text.find("`")
    while start != -1:
        end = _BACKTICK_RUN.match(text, start).end()  # type: ignore[union-attr]  # a backtick is there
        yield start, end
        start = text.find("`", end)


def _closing_index(tokens: list[Token], start: int) -> int:
    """Index of the token that closes the block opened at `start` (itself if not a container)."""
    if tokens[start].nesting != 1:
        return start
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index
    return len(tokens) - 1


def _is_comment(html: str) -> bool:
    stripped = html.strip()
    return stripped.startswith("<!--") and _replace_comments(stripped, "").strip() == ""


def _cell_text(content: str) -> str:
    return (_replace_comments(content, "") if "<!--" in content else content).strip()


def _open_code_span(line: str, open_run: int) -> int:
    """The backtick run of the code span still open after `line` (0: none), `open_run` before it."""
    for run in _BACKTICK_RUN.findall(line):
        if not open_run:
            open_run = len(run)
        elif len(run) == open_run:
            open_run = 0
    return open_run


def plain_text(inline: Token) -> str:
    """The readable text of an inline token: no markup, comments or HTML tags."""
    parts: list[str] = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts).strip()


def _emphasis_only(inline: Token) -> bool:
    """Whether the paragraph is one emphasis from start to end, like `_Add legal notes here_`."""
    children = [
        child
        for child in inline.children or ()
        if not (child.type == "text" and not child.content.strip()) and child.type != "softbreak"
    ]
    if len(children) < 3 or children[0].type not in ("em_open", "strong_open"):
        return False
    depth = 0
    for position, child in enumerate(children):
        depth += child.nesting
        if depth == 0 and position != len(children) - 1:
            return False
    return depth == 0
