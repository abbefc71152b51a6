"""RL100, and how any schema failure becomes a finding: the schema's `x-rule`, `x-message`
and `x-hint` annotations name its rule and word it, at the line the instance location came from.

Annotations are looked up along the failing keyword's schema path, following `$ref`s. The most
specific words win: an annotation on the keyword's own schema object, then the words a
rollout-lint keyword gives its failure, then the deepest annotation above. A standard keyword
has no words of its own, so for it the deepest annotation on the path wins; a schema author
overrides a rollout-lint keyword's rule or message by annotating the object that holds it.
"""

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from ..diagnostics import Diagnostic, breadcrumb
from ..markdown.document import Document, Span
from ..schema.instance import SpanTable, escape_pointer
from ..schema.loading import TemplateSchema
from ..schema.validation import SchemaFailure, child
from .base import FixContext, Rule


class SchemaViolation(Rule):
    """A requirement of the template schema is not met (no more specific rule applies).

    The message quotes the schema's own words; the schema file names what it expects.
    """

    id = "RL100"
    name = "schema-violation"


RULES = (SchemaViolation,)


class _Annotations(NamedTuple):
    """`x-rule`, `x-message`, `x-hint`: on the failing keyword's own object, and above it."""

    own: dict[str, Any]
    above: dict[str, Any]


def schema_finding(
    document: Document,
    schema: TemplateSchema,
    instance: dict[str, Any],
    spans: SpanTable,
    failure: SchemaFailure,
    rule_of: Callable[[str], type[Rule]],
) -> Diagnostic:
    """The finding for `failure`; `rule_of(rule_id)` is the registry's rule of an id."""
    span = _span_for(spans, failure.path)
    own, above = _annotations(schema, failure)
    rule_id = own.get("x-rule") or failure.rule or above.get("x-rule") or SchemaViolation.id
    hint = own.get("x-hint") or failure.hint or above.get("x-hint")
    if "x-message" in own or ("x-message" in above and not failure.from_keyword):
        message = _render(own.get("x-message") or above["x-message"], failure, instance)
    else:
        # A rollout-lint keyword's own words, or jsonschema-rs's; never a template: a value
        # quoted in them may hold braces.
        message = failure.message
    section = breadcrumb(document.section_at(span.line).path)
    position = (span.line, span.column, span.end_line, span.end_column)
    rule = rule_of(rule_id)
    fix = rule.fix(FixContext(document, instance, schema, failure))
    return rule.finding(document.source.path, message, position, hint, section, fix)


def _span_for(spans: SpanTable, path: Sequence[str | int]) -> Span:
    """The span of the instance location, or of its nearest ancestor that has one."""
    parts = [escape_pointer(str(part)) for part in path]
    while True:
        span = spans.get("".join(f"/{part}" for part in parts))
        if span is not None:
            return span
        parts.pop()


def _annotations(schema: TemplateSchema, failure: SchemaFailure) -> _Annotations:
    """The annotations on the failing keyword's object, and the deepest of each above it."""
    nodes = list(_nodes_along(schema, failure.schema_path[:-1]))
    above: dict[str, Any] = {}
    for node in nodes[:-1]:
        above.update(_words(node, failure.keyword))
    return _Annotations(_words(nodes[-1], failure.keyword) if nodes else {}, above)


def _words(node: dict[str, Any], keyword: str) -> dict[str, Any]:
    """The annotations of one schema object; an `x-message` may be worded for each keyword."""
    words: dict[str, Any] = {name: node[name] for name in ("x-rule", "x-hint") if name in node}
    message = node.get("x-message")
    if isinstance(message, dict):
        message = message.get(keyword)
    if message:
        words["x-message"] = message
    return words


# Keywords whose value maps names to subschemas: that mapping is no schema object, and its keys
# are names (a section may be called `x-hint`), not annotations.
_NAME_MAPS = frozenset({"properties", "patternProperties", "dependentSchemas", "$defs", "definitions"})


def _nodes_along(schema: TemplateSchema, schema_path: Sequence[str | int]) -> Iterator[dict[str, Any]]:
    """The schema objects along `schema_path`, following its `$ref` steps to their targets."""
    node: Any = schema.contents
    resolver = None
    yield node
    at_a_name = False  # whether `step` is a name in a mapping of `_NAME_MAPS`, not a keyword
    for step in schema_path:
        mapping = not at_a_name and step in _NAME_MAPS
        reference = node.get("$ref") if step == "$ref" and not at_a_name and isinstance(node, dict) else None
        if isinstance(reference, str):
            # Every reference was resolved once at load time: this lookup cannot fail.
            resolved = (resolver or schema.reference_resolver).lookup(reference)
            node, resolver = resolved.contents, resolved.resolver
        else:
            node = child(node, step)
            if not mapping and isinstance(node, dict) and isinstance(node.get("$id"), str):
                # An embedded resource: references inside it are relative to its `$id`.
                resolver = (resolver or schema.reference_resolver).lookup(node["$id"]).resolver
        at_a_name = mapping
        if isinstance(node, dict) and not mapping:
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
