"""One file through the pipeline: Source → Document → instance → schema → Diagnostics."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from . import rules
from .diagnostics import Diagnostic, breadcrumb, finish, make_diagnostic
from .document import Document, Span, cyclic_gc_paused, parse_document
from .instance import SpanTable, build_instance, escape_pointer
from .schema import TemplateSchema
from .settings import FileSettings, apply_settings
from .source import Source, SourceError, TooLong, read_source
from .suppressions import apply_suppressions
from .validator import SchemaFailure, child

TEMPLATE_DIRECTORY = ".gitlab/issue_templates/"


def resolve_mode(mode: str, path: str) -> str:
    """`auto` means template mode for files in a GitLab issue-template folder."""
    if mode != "auto":
        return mode
    return "template" if TEMPLATE_DIRECTORY in path.replace("\\", "/") else "issue"


def check_path(
    path: str,
    schema: TemplateSchema,
    mode: str,
    display_path: str | None = None,
    settings: FileSettings | None = None,
) -> tuple[list[Diagnostic], Source | None]:
    """Check one file (or `-`); a file that cannot be read yields a single RL001 finding, one
    longer than GitLab accepts a single RL005 finding."""
    name = display_path or path
    try:
        source = read_source(path, display_path=name)
    except TooLong as error:
        hint = "split supporting data into comments or linked files"
        return [make_diagnostic(name, rules.DescriptionTooLong.id, f"{error}: not checked", hint=hint)], None
    except SourceError as error:
        return [make_diagnostic(name, rules.UnreadableFile.id, str(error))], None
    return check_source(source, schema, resolve_mode(mode, name), settings), source


def check_source(
    source: Source, schema: TemplateSchema, mode: str, settings: FileSettings | None = None
) -> list[Diagnostic]:
    if not source.text.strip():
        return _settle([make_diagnostic(source.path, rules.EmptyFile.id, "the file is empty")], None, settings)
    with cyclic_gc_paused():
        document = parse_document(source)
        found = list(_document_findings(document))
        instance, spans = build_instance(document, mode, schema.catalogue, schema.canonical_titles)
        schema_failures = schema.errors(instance)
        found.extend(_schema_finding(document, schema, instance, spans, failure) for failure in schema_failures)
        return _settle(found, document, settings)


def _settle(found: list[Diagnostic], document: Document | None, settings: FileSettings | None) -> list[Diagnostic]:
    """The one place where findings are selected, re-graded, hidden and sorted.

    Rule selection comes before `finish`, so that a value finding is dropped as a repeat of a
    placeholder finding on its line only when that placeholder finding is selected. Suppression
    comments come after, and their own findings (RL601, RL602) are selected like any other.
    """

    def select(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        return diagnostics if settings is None else apply_settings(diagnostics, settings)

    found = finish(select(found))
    return found if document is None else select(apply_suppressions(document, found))


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
    document: Document, schema: TemplateSchema, instance: dict[str, Any], spans: SpanTable, failure: SchemaFailure
) -> Diagnostic:
    span = _span_for(spans, failure.path)
    rule_id, template, hint = _annotations(schema, failure)
    rule_id = failure.rule or rule_id or rules.SchemaViolation.id
    hint = failure.hint or hint
    # A rollout-lint keyword words its own message; x-message words the standard keywords'.
    message = _render(template, failure, instance) if template and not failure.from_keyword else failure.message
    section = breadcrumb(document.section_at(span.line).path)
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


def _annotations(schema: TemplateSchema, failure: SchemaFailure) -> tuple[str | None, str | None, str | None]:
    """The deepest `x-rule`, `x-message` and `x-hint` along the failing schema path."""
    rule = message = hint = None
    for node in _nodes_along(schema, failure.schema_path):
        rule = node.get("x-rule", rule)
        hint = node.get("x-hint", hint)
        candidate = node.get("x-message")
        if isinstance(candidate, dict):
            candidate = candidate.get(failure.keyword)
        message = candidate or message
    return rule, message, hint


def _nodes_along(schema: TemplateSchema, schema_path: Sequence[str | int]) -> Iterator[dict[str, Any]]:
    """The schema objects along `schema_path`, following its `$ref` steps to their targets."""
    node: Any = schema.contents
    resolver = None
    yield node
    for step in schema_path:
        reference = node.get("$ref") if step == "$ref" and isinstance(node, dict) else None
        if isinstance(reference, str):
            # Every reference was resolved once at load time: this lookup cannot fail.
            resolved = (resolver or schema.reference_resolver).lookup(reference)
            node, resolver = resolved.contents, resolved.resolver
        else:
            node = child(node, step)
            if isinstance(node, dict) and isinstance(node.get("$id"), str):
                # An embedded resource: references inside it are relative to its `$id`.
                resolver = (resolver or schema.reference_resolver).lookup(node["$id"]).resolver
        if isinstance(node, dict):
            yield node


def _render(template: str, failure: SchemaFailure, instance: dict[str, Any]) -> str:
    def shown(value: Any) -> str:
        return value if isinstance(value, str) else json.dumps(value)[:80]

    path = list(failure.path)
    fields = {
        "value": shown(failure.value),
        "name": str(path[-1]) if path else "",
        "expected": shown(failure.expected),
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
    node: Any = instance
    for index, part in enumerate(path):
        node = child(node, part)
        if index and path[index - 1] == "rows" and isinstance(node, dict) and node:
            return str(next(iter(node.values())))
    return ""
