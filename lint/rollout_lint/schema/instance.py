"""`Document` → JSON instance, plus the table from JSON pointer to source span.

The instance is a plain view of any Markdown issue, not of one template, so that a schema for
another template can constrain it without new code:

    {"mode": "issue" | "template",
     "preamble": {"paragraphs": [...], "comments": [...]},       # before the first heading
     "headings": [{"level": 2, "title": "Overview"}, ...],        # every heading, in order
     "sections": {"Overview": SECTION, ...},                      # nested by heading level
     "quickActions": [{"command": "label", "argument": "...", "text": "/label ..."}],
     "labels": ["type::feature", ...],                            # from /label quick actions
     "confidential": false,                                       # only for an issue read from GitLab
     "placeholders": ["???", ...],                                # template tokens left in
     "instructions": ["Add legal notes here", ...]}               # template instructions left in

    SECTION = {"level": 2, "content": ["paragraph", "table", ...], "paragraphs": [...],
               "tables": [{"columns": [...], "rows": [{"<column>": "<cell>"}, ...]}],
               "items": [...], "fields": {"p50": "120 ms to 180 ms"}, "sections": {...}}

For an issue read from GitLab (`Source.issue`), `labels` are the issue's labels and
`confidential` its attribute: GitLab ran the description's `/label` and `/confidential` when the
issue was saved, and stripped them. Quick actions still in its description were not run.

`content` lists the kinds of the blocks a writer wrote: comments, quick actions and template
instructions do not count. `fields` holds the list items written `Key: value`. Section keys are
the heading as written, or the schema's title when they differ only in case or spacing.

Sections nest as the template has them, not only as heading levels do, for headings a writer
adds: a template section under an added heading is placed in the template section it belongs to
(the last one of that title before it), or at the top, and the blocks under added headings above
the first template section (a plan's own `# Title`) belong to the preamble. The outline rules
judge the headings themselves (`headings`), so nothing a writer adds hides a section's content.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..markdown.document import Block, Document, Section, Span, Table, closing_quick_actions
from ..markdown.source import Source
from .template import OutlineTitles, TemplateCatalogue, normalise

Instance = dict[str, Any]


class SpanTable(dict[str, Span]):
    """JSON pointer -> the span of that part of the instance in the source.

    The spans inside a section or a table are worked out only when a pointer below it is asked
    for (`pending`): a span per paragraph, item, field, row and cell was two fifths of building
    the instance, and most plans have few findings, or none.
    """

    def __init__(self, spans: dict[str, Span]) -> None:
        super().__init__(spans)
        # Pointer -> the spans below it, worked out on the first lookup of one of them.
        self.pending: dict[str, Callable[[], Iterable[tuple[str, Span]]]] = {}

    def __missing__(self, pointer: str) -> Span:
        prefix = pointer
        while prefix:
            prefix = prefix.rpartition("/")[0]
            below = self.pending.pop(prefix, None)
            if below is not None:
                self.update(below())
                return self[pointer]  # which may be pending below a deeper prefix now
        raise KeyError(pointer)

    def get(self, pointer: str, default: Span | None = None) -> Span | None:  # type: ignore[override]
        try:
            return self[pointer]
        except KeyError:
            return default


_FIELD = re.compile(r"(?P<key>[^:]{1,40}?)\s*:\s+(?P<value>.*)")
# `/label ~"a b" ~c` and the looser forms people write: `"a b"`, bare words.
_LABEL = re.compile(r'~?"(?P<quoted>[^"]*)"|~?(?P<bare>[^\s"~]+)')
_LABEL_COMMANDS = ("label", "labels")


def escape_pointer(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def build_instance(
    document: Document,
    mode: str,
    catalogue: TemplateCatalogue,
    titles: OutlineTitles,
) -> tuple[Instance, SpanTable]:
    builder = _InstanceBuilder(document, catalogue, titles)
    instance: Instance = {
        "mode": mode,
        "preamble": builder.preamble(),
        "headings": builder.headings(),
        "sections": builder.sections(document.preamble, "/sections"),
        "quickActions": builder.quick_actions(),
        "labels": builder.labels(),
        "placeholders": builder.placeholders(),
        "instructions": builder.instructions(),
    }
    issue = document.source.issue
    if issue is not None:
        instance["labels"] = list(issue.labels)
        instance["confidential"] = issue.confidential
    return instance, builder.spans


def column_names(table: Table) -> list[str]:
    """The table's columns, as rows are keyed by them (a column without a header: `column 2`)."""
    return [name or f"column {index + 1}" for index, name in enumerate(table.header)]


def _table(table: Table) -> Instance:
    columns = column_names(table)
    return {"columns": columns, "rows": [dict(zip(columns, row.cells)) for row in table.rows]}


def _section_spans(source: Source, section: Section, pointer: str) -> Iterator[tuple[str, Span]]:
    """The spans below a section's pointer, as `section` lays the instance out."""
    yield f"{pointer}/content", section.span
    paragraphs = (block for block in section.blocks if block.kind == "paragraph")
    for index, block in enumerate(paragraphs):
        yield f"{pointer}/paragraphs/{index}", block.span
    keys: set[str] = set()
    for index, item in enumerate(section.items):
        yield f"{pointer}/items/{index}", item.span
        match = _FIELD.fullmatch(item.text)
        if match and match["key"] not in keys:
            keys.add(match["key"])
            yield f"{pointer}/fields/{escape_pointer(match['key'])}", item.span
    for index, table in enumerate(section.tables):
        yield f"{pointer}/tables/{index}", table.span
        columns = [escape_pointer(column) for column in column_names(table)]
        for number, row in enumerate(table.rows):
            row_pointer = f"{pointer}/tables/{index}/rows/{number}"
            yield row_pointer, row.span
            for column, span in zip(columns, _cell_spans(source.line(row.span.line), row.span.line)):
                yield f"{row_pointer}/{column}", span


def applied_labels(document: Document) -> Iterator[tuple[str, Span]]:
    """Each label the document's `/label` quick actions apply, and where it is written."""
    for action in document.quick_actions:
        if action.command not in _LABEL_COMMANDS:
            continue
        offset = len(action.command) + 2  # the slash, the command, one space
        line_text = document.source.line(action.span.line)
        argument_start = line_text.index(action.argument, offset - 1) if action.argument else offset
        for match in _LABEL.finditer(action.argument):
            name = match["quoted"] if match["quoted"] is not None else match["bare"]
            if not name.strip():
                continue
            column = argument_start + match.start() + 1
            yield name.strip(), Span(action.span.line, column, action.span.line, argument_start + match.end() + 1)


def cell_texts(line: str) -> list[str]:
    """The cells of table row `line` as written, comments and all, stripped."""
    return [line[span.column - 1 : span.end_column - 1] for span in _cell_spans(line, 1)]


def _cell_spans(line: str, number: int) -> list[Span]:
    """Span of each cell of table row `line` (line `number`), splitting on unescaped pipes."""
    bounds = [match.start() for match in re.finditer(r"(?<!\\)\|", line)]
    if not line.lstrip().startswith("|"):
        bounds.insert(0, -1)
    if not line.rstrip().endswith("|") or len(bounds) < 2:
        bounds.append(len(line))
    spans = []
    for start, end in zip(bounds, bounds[1:]):
        cell = line[start + 1 : end]
        stripped = cell.strip()
        first = start + 1 + (cell.index(stripped) if stripped else 0)
        spans.append(Span(number, first + 1, number, first + 1 + max(len(stripped), 1)))
    return spans


def _where_quick_actions_go(document: Document) -> Span:
    """The whole line a missing quick action or label is added after (by a person or `--fix`):
    the last of the quick actions that end the plan, or else the last line that is not blank."""
    source = document.source
    closing = closing_quick_actions(document)
    line = closing.span.end_line if closing else source.line_count
    while line > 1 and not source.line(line).strip():
        line -= 1
    return Span(line, 1, line, len(source.line(line)) + 1)


class _InstanceBuilder:
    def __init__(self, document: Document, catalogue: TemplateCatalogue, titles: OutlineTitles) -> None:
        self.document = document
        self.catalogue = catalogue
        self.titles = titles
        # The schema's title of each section that is one of the template's, by `id`.
        self.template_titles = {
            id(section): title
            for section in document.headings
            if (title := titles.canonical.get(normalise(section.title))) is not None
        }
        self.placed = self._sections_placed()
        source = document.source
        whole = Span(1, 1, 1, 1)
        end = Span(source.line_count or 1, 1, source.line_count or 1, 1)
        after = _where_quick_actions_go(document)
        self.spans = SpanTable({"": whole, "/headings": end, "/quickActions": after, "/labels": after, "/confidential": after})
        # The template's instruction paragraphs left in the plan, by `id` of the block: read
        # once here, for the sections' content and for `instructions`.
        self.instruction_blocks = {
            id(block)
            for section in document.headings
            for block in section.blocks
            if block.kind == "paragraph" and catalogue.is_instruction(block.text)
        }

    def _template_title(self, section: Section) -> str | None:
        return self.template_titles.get(id(section))

    def _sections_placed(self) -> dict[int, list[Section]]:
        """The sections each section holds in the instance, in document order, by `id` of the
        holder (the preamble holds the top level): see the module's docstring."""
        top = self.document.preamble
        placed: dict[int, list[Section]] = {}
        last_of_title: dict[str, Section] = {}
        for section in top.children:
            self._place(section, [top], placed, last_of_title)
        return placed

    # A method, not a function nested in `_sections_placed` that calls itself: such a function
    # is a reference cycle (its closure holds it), which kept each plan's document and instance
    # alive until the cyclic collector found them (benchmarks/README.md).
    def _place(
        self, section: Section, ancestors: list[Section], placed: dict[int, list[Section]], last_of_title: dict[str, Section]
    ) -> None:
        holder = ancestors[-1]
        title = self._template_title(section)
        if title is not None:
            wanted = self.titles.parents.get(title)
            if wanted is None:
                holder = ancestors[0]  # the preamble: the top level
            elif self._template_title(holder) != wanted:
                around = (a for a in reversed(ancestors) if self._template_title(a) == wanted)
                holder = next(around, None) or last_of_title.get(wanted) or holder
            last_of_title[title] = section
        placed.setdefault(id(holder), []).append(section)
        for child in section.children:
            self._place(child, [*ancestors, section], placed, last_of_title)

    def _preamble_blocks(self) -> list[Block]:
        """The blocks before the first heading, and under headings added above the first
        template section (a plan's own `# Title`), if the plan has one."""
        headings = self.document.headings
        first = next((index for index, section in enumerate(headings) if self._template_title(section)), 0)
        return [*self.document.preamble.blocks, *(block for section in headings[:first] for block in section.blocks)]

    def preamble(self) -> Instance:
        blocks = self._preamble_blocks()
        self.spans["/preamble"] = Span(1, 1, 1, 1)
        for name, kind in (("paragraphs", "paragraph"), ("comments", "comment")):
            for index, block in enumerate(b for b in blocks if b.kind == kind):
                self.spans[f"/preamble/{name}/{index}"] = block.span
        return {
            "paragraphs": [b.text for b in blocks if b.kind == "paragraph"],
            "comments": [b.text for b in blocks if b.kind == "comment"],
        }

    def headings(self) -> list[Instance]:
        for index, section in enumerate(self.document.headings):
            self.spans[f"/headings/{index}"] = section.span
        return [{"level": s.level, "title": s.title} for s in self.document.headings]

    def sections(self, holder: Section, pointer: str) -> Instance:
        result: Instance = {}
        for section in self.placed.get(id(holder), []):
            key = self._template_title(section) or section.title
            if key in result:
                continue  # a repeated heading: the outline check reports it; the first counts
            result[key] = self.section(section, f"{pointer}/{escape_pointer(key)}")
        return result

    def section(self, section: Section, pointer: str) -> Instance:
        self.spans[pointer] = section.span
        source = self.document.source  # not `self`: the table would hold itself (see `_place`)
        self.spans.pending[pointer] = lambda: _section_spans(source, section, pointer)
        content = [
            block.kind
            for block in section.blocks
            if block.kind not in ("comment", "quick_actions") and id(block) not in self.instruction_blocks
        ]
        fields: dict[str, str] = {}
        for item in section.items:
            match = _FIELD.fullmatch(item.text)
            if match and match["key"] not in fields:
                fields[match["key"]] = match["value"]
        return {
            "level": section.level,
            "content": content,
            "paragraphs": [block.text for block in section.blocks if block.kind == "paragraph"],
            "tables": [_table(table) for table in section.tables],
            "items": [item.text for item in section.items],
            "fields": fields,
            "sections": self.sections(section, f"{pointer}/sections"),
        }

    def quick_actions(self) -> list[Instance]:
        actions = []
        for index, action in enumerate(self.document.quick_actions):
            self.spans[f"/quickActions/{index}"] = action.span
            text = f"/{action.command} {action.argument}".rstrip()
            actions.append({"command": action.command, "argument": action.argument, "text": text})
        return actions

    def labels(self) -> list[str]:
        labels: list[str] = []
        for name, span in applied_labels(self.document):
            self.spans[f"/labels/{len(labels)}"] = span
            labels.append(name)
        return labels

    def placeholders(self) -> list[str]:
        pattern = self.catalogue.placeholder_pattern()
        if pattern is None:
            return []
        visible = self.document.visible_text
        matches = list(pattern.finditer(visible))
        if not matches:
            return []  # a filled plan: no need to know where its lines start
        # visible_text joins lines with "\n" whatever the file's line endings: count in it.
        line_starts = [0, *(match.end() for match in re.finditer("\n", visible))]
        tokens: list[str] = []
        for match in matches:
            line = bisect.bisect_right(line_starts, match.start())
            column = match.start() - line_starts[line - 1] + 1
            self.spans[f"/placeholders/{len(tokens)}"] = Span(line, column, line, column + len(match[0]))
            tokens.append(match[0])
        return tokens

    def instructions(self) -> list[str]:
        found: list[str] = []
        for section in self.document.headings:
            for block in section.blocks:
                if id(block) in self.instruction_blocks:
                    self.spans[f"/instructions/{len(found)}"] = block.span
                    found.append(block.text)
        return found
