"""One file through the pipeline: Source → Document → instance → schema → Diagnostics."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from . import rules
from .diagnostics import Diagnostic, finish, make_diagnostic
from .document import Document, Span, parse_document
from .instance import SpanTable, build_instance, escape_pointer
from .schema import TemplateSchema
from .source import Source, SourceError, read_source

# GitLab refuses issue descriptions longer than this (Issuable::DESCRIPTION_LENGTH_MAX).
GITLAB_DESCRIPTION_MAX = 1_048_576
TEMPLATE_DIRECTORY = ".gitlab/issue_templates/"


def resolve_mode(mode: str, path: str) -> str:
    """`auto` means template mode for files in a GitLab issue-template folder."""
    if mode != "auto":
        return mode
    return "template" if TEMPLATE_DIRECTORY in path.replace("\\", "/") else "issue"


def check_path(
    path: str, schema: TemplateSchema, mode: str, display_path: str | None = None
) -> tuple[list[Diagnostic], Source | None]:
    """Check one file (or `-`); a file that cannot be read yields a single RL001 finding."""
    name = display_path or path
    try:
        source = read_source(path, display_path=name)
    except SourceError as error:
        return [make_diagnostic(name, rules.UnreadableFile.id, str(error))], None
    return check_source(source, schema, resolve_mode(mode, name)), source


def check_source(source: Source, schema: TemplateSchema, mode: str) -> list[Diagnostic]:
    if not source.text.strip():
        return [make_diagnostic(source.path, rules.EmptyFile.id, "the file is empty")]
    document = parse_document(source)
    found = list(_document_findings(document))
    instance, spans = build_instance(document, mode, schema.catalogue, schema.canonical_titles)
    try:
        errors = schema.errors(instance)
    except RecursionError:
        return [make_diagnostic(source.path, rules.UnreadableFile.id, f"{schema.name}: the schema recurses without end")]
    found.extend(_schema_finding(document, schema, instance, spans, error) for error in errors)
    return finish(found)


def _document_findings(document: Document) -> Iterator[Diagnostic]:
    source = document.source
    if document.truncated_at is not None:
        line = document.truncated_at
        yield make_diagnostic(
            source.path,
            rules.NestingTooDeep.id,
            "nesting is too deep: the rest of this block is not read",
            (line, 1, line, len(source.line(line)) + 1),
            hint="flatten the lists or quotes",
        )
    if len(source.text) > GITLAB_DESCRIPTION_MAX:
        yield make_diagnostic(
            source.path,
            rules.DescriptionTooLong.id,
            f"the description has {len(source.text):,} characters; GitLab accepts {GITLAB_DESCRIPTION_MAX:,}",
        )
    offset = source.text.find("\0")
    reported_lines: set[int] = set()
    while offset != -1:
        line, column = source.position(offset)
        if line not in reported_lines:
            reported_lines.add(line)
            yield make_diagnostic(
                source.path, rules.NulCharacter.id, "NUL character", (line, column, line, column + 1), "delete it"
            )
        offset = source.text.find("\0", offset + 1)


def _schema_finding(
    document: Document, schema: TemplateSchema, instance: dict[str, Any], spans: SpanTable, error: Any
) -> Diagnostic:
    path = list(error.absolute_path)
    span = _span_for(spans, path)
    rule_id, template, hint = _annotations(schema, error)
    rule_id = getattr(error, "rule", None) or rule_id or rules.SchemaViolation.id
    hint = getattr(error, "hint", None) or hint
    message = _render(template, error, path, instance) if template else error.message
    section = " › ".join(document.section_at(span.line).path)
    return make_diagnostic(
        document.source.path,
        rule_id,
        message,
        (span.line, span.column, span.end_line, span.end_column),
        hint,
        section,
    )


def _span_for(spans: SpanTable, path: Sequence[str | int]) -> Span:
    """The span of the instance location, or of its nearest ancestor that has one."""
    parts = [escape_pointer(str(part)) for part in path]
    while True:
        span = spans.get("".join(f"/{part}" for part in parts))
        if span is not None:
            return span
        parts.pop()


def _annotations(schema: TemplateSchema, error: Any) -> tuple[str | None, str | None, str | None]:
    """The deepest `x-rule`, `x-message` and `x-hint` along the failing schema path."""
    rule = message = hint = None
    nodes = _schema_nodes(schema, schema.contents, list(error.absolute_schema_path))
    for node in nodes or [schema.contents]:
        rule = node.get("x-rule", rule)
        hint = node.get("x-hint", hint)
        candidate = node.get("x-message")
        if isinstance(candidate, dict):
            candidate = candidate.get(error.validator)
        message = candidate or message
    return rule, message, hint


def _schema_nodes(schema: TemplateSchema, node: Any, parts: list[Any]) -> list[dict[str, Any]] | None:
    """The schema objects along `parts`, or None if the path does not lead through `node`.

    jsonschema leaves `$ref` out of schema paths, so where a step is not in the object itself
    it is tried in the object the `$ref` points to.
    """
    if isinstance(node, list):
        if parts and isinstance(parts[0], int) and parts[0] < len(node):
            return _schema_nodes(schema, node[parts[0]], parts[1:])
        return [] if len(parts) <= 1 else None
    if not isinstance(node, dict):
        return [] if len(parts) <= 1 else None
    if not parts:
        return [node]
    head, rest = parts[0], parts[1:]
    if head in node:
        below = _schema_nodes(schema, node[head], rest)
        if below is not None:
            return [node, *below]
    target = _resolve(schema, node.get("$ref"))
    if target is not None:
        below = _schema_nodes(schema, target, parts)
        if below is not None:
            return [node, *below]
    return None


def _resolve(schema: TemplateSchema, reference: Any) -> Any:
    if not isinstance(reference, str):
        return None
    from referencing.exceptions import Unresolvable

    try:
        return schema.resolver.lookup(reference).contents
    except Unresolvable:
        return None


def _render(template: str, error: Any, path: list[str | int], instance: dict[str, Any]) -> str:
    def shown(value: Any) -> str:
        return value if isinstance(value, str) else json.dumps(value)[:80]

    fields = {
        "value": shown(error.instance),
        "name": str(path[-1]) if path else "",
        "expected": shown(error.validator_value),
        "section": _after_last(path, "sections"),
        "row": _row_label(path, instance),
    }
    try:
        return template.format_map(fields)
    except (KeyError, ValueError, IndexError):
        return template


def _after_last(path: list[str | int], key: str) -> str:
    positions = [index for index, part in enumerate(path[:-1]) if part == key]
    return str(path[positions[-1] + 1]) if positions else ""


def _row_label(path: list[str | int], instance: Any) -> str:
    """The first cell of the table row the path points into."""
    node = instance
    for index, part in enumerate(path):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return ""
        if index and path[index - 1] == "rows" and isinstance(node, dict) and node:
            return str(next(iter(node.values())))
    return ""
