"""A schema inferred from an issue template's text: `rollout-lint schema infer TEMPLATE.md`.

What the template says becomes the schema's rows, each with its rule and words:

- its headings, their levels and order (`x-outline`, RL101–RL105), in the template's spelling;
- its statements above the first heading, and the comments there that ask to be kept
  ("Do not remove..."), which every plan keeps (RL106);
- each table: its columns (RL301) and its fixed rows, the names in the first column the
  template fills in for every row (RL302);
- its quick actions (`/confidential`, `/assign`...: RL501) and the labels it applies (RL502);
- in a filled-in plan (issue mode): no placeholder or instruction left (RL202, RL201; which they
  are is read from the template at load, not written here), and every section without
  subsections has content of its own (RL203).

What a template's text cannot say (that dates ascend, that a range is ordered, that a cell must
link an issue, which sections are optional) is not inferred.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from ..markdown.document import Document, Section, Table
from .instance import applied_labels
from .template import fixed_rows

_DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
# A preamble statement is recognised in a plan by its start: people fix a typo at the end.
_STATEMENT_START = 40
# A comment above the first heading that asks to be kept is required; the others are notes to
# the writer ("Title suggestion: ..."), which plans drop.
_KEEP_ME = re.compile(r"\bdo not (?:remove|delete)\b|\bdon't (?:remove|delete)\b", re.IGNORECASE)


def infer_schema(template: Document, template_path: str, title: str) -> dict[str, Any]:
    """The schema of `template`; `template_path` is where the schema will find it (x-template)."""
    properties: dict[str, Any] = {"headings": {"x-outline": _outline(template.preamble.children)}}
    preamble = _preamble(template)
    if preamble:
        properties["preamble"] = preamble
    tables = _sections_with_tables(template.preamble.children)
    if tables:
        properties["sections"] = tables
    quick_actions = _quick_actions(template)
    if quick_actions:
        properties["quickActions"] = quick_actions
    required_labels, one_a_scope = _labels(template)
    if required_labels:
        properties["labels"] = required_labels
    return {
        "$schema": _DRAFT_2020_12,
        "title": title,
        "description": f"Inferred by `rollout-lint schema infer` from {template_path}. Constraints under 'then' "
        "apply only to filled-in issues (issue mode).",
        "x-template": template_path,
        "type": "object",
        "properties": properties,
        "if": {"properties": {"mode": {"const": "issue"}}, "required": ["mode"]},
        "then": {
            "properties": {
                "placeholders": {
                    "x-rule": "RL202",
                    "items": {"not": {}},
                    "x-message": "unfilled placeholder '{value}'",
                    "x-hint": "replace it with the real value",
                },
                "instructions": {
                    "x-rule": "RL201",
                    "items": {"not": {}},
                    "x-message": "template instruction left in: '{value}'",
                    "x-hint": "replace it with the content it asks for",
                },
                "sections": _filled(template.preamble.children, set()),
                "labels": one_a_scope,
            }
        },
        "$defs": {
            "filled": {
                "properties": {
                    "content": {
                        "x-rule": "RL203",
                        "minItems": 1,
                        "x-message": "section '{section}' is empty",
                        "x-hint": "write what the template asks for here",
                    }
                }
            }
        },
    }


def _outline(sections: list[Section]) -> list[dict[str, Any]]:
    outline = []
    for section in sections:
        entry: dict[str, Any] = {"title": section.title, "level": section.level}
        if section.children:
            entry["children"] = _outline(section.children)
        outline.append(entry)
    return outline


def _preamble(template: Document) -> dict[str, Any]:
    required: list[dict[str, Any]] = []
    for block in template.preamble.blocks:
        if block.kind == "paragraph" and block.text:
            start = block.text[:_STATEMENT_START]
            required.append({
                "properties": {"paragraphs": {"contains": {"type": "string", "pattern": f"^{re.escape(start)}"}}},
                "x-message": f"the statement '{start}...' is missing",
                "x-hint": f"keep '{block.text}' above the first heading",
            })  # fmt: skip
        elif block.kind == "comment" and _KEEP_ME.search(block.text):
            required.append({
                "properties": {"comments": {"contains": {"type": "string", "pattern": re.escape(block.text)}}},
                "x-message": f"the comment '{block.text}' is missing",
                "x-hint": f"keep '<!-- {block.text} -->' above the first heading",
            })  # fmt: skip
    return {"x-rule": "RL106", "allOf": required} if required else {}


def _sections_with_tables(sections: list[Section]) -> dict[str, Any]:
    """`{"properties": {TITLE: {"properties": {"tables": ..., "sections": ...}}}}` for the
    sections that hold a table, or hold one that does."""
    found: dict[str, Any] = {}
    for section in sections:
        rows: dict[str, Any] = {}
        if section.tables:
            rows["tables"] = {
                "x-rule": "RL301",
                "minItems": len(section.tables),
                "x-message": {
                    "minItems": f"section '{section.title}' needs its {_count(len(section.tables), 'table')}"
                },
                "x-hint": "copy the table from the template",
                "prefixItems": [_table(table) for table in section.tables],
            }
        below = _sections_with_tables(section.children)
        if below:
            rows["sections"] = below
        if rows:
            found[section.title] = {"properties": rows}
    return {"properties": found} if found else {}


def _table(table: Table) -> dict[str, Any]:
    columns = [name or f"column {index + 1}" for index, name in enumerate(table.header)]
    shown = " | ".join(columns)
    schema: dict[str, Any] = {
        "properties": {
            "columns": {"x-rule": "RL301", "const": columns, "x-message": f"the table's columns are not '{shown}'"}
        }
    }
    column, names = fixed_rows(table)
    if names:
        key = columns[column]
        schema["properties"]["rows"] = {
            "x-rule": "RL302",
            "allOf": [
                {
                    "contains": {"properties": {key: {"const": name}}, "required": [key]},
                    "x-message": f"the table ('{shown}') has no '{name}' row",
                }
                for name in dict.fromkeys(names)
            ],
        }
    return schema


def _quick_actions(template: Document) -> dict[str, Any]:
    commands = dict.fromkeys(
        action.command for action in template.quick_actions if action.command not in ("label", "labels")
    )
    required = [
        {
            "contains": {"properties": {"command": {"const": command}}, "required": ["command"]},
            "x-message": f"the /{command} quick action is missing",
            "x-hint": f"add the template's '/{command}' line at the end of the description",
        }
        for command in commands
    ]
    return {"x-rule": "RL501", "allOf": required} if required else {}


def _labels(template: Document) -> tuple[dict[str, Any], dict[str, Any]]:
    """The labels every issue gets, and (for a filled-in issue) one label a scope.

    Labels of one scope applied together (`/label ~"failure::flaky" ~"failure::new"`, "use just
    one") are choices, not requirements, and a scope left open (`~devops::`) is for the writer to
    finish: neither is required, and only a filled-in issue must have settled on one a scope.
    """
    labels = list(dict.fromkeys(name for name, _ in applied_labels(template)))
    scopes = [name.rpartition("::")[0] for name in labels]
    shared = {scope for scope, count in Counter(scopes).items() if scope and count > 1}
    required = [name for name, scope in zip(labels, scopes) if not name.endswith("::") and scope not in shared]
    return ({"allOf": [_label(name) for name in required]} if required else {}), {"x-unique-scopes": True}


def _label(name: str) -> dict[str, Any]:
    return {
        "x-rule": "RL502",
        "contains": {"const": name},
        "x-message": f"the label '{name}' is not applied",
        "x-hint": f"add '/label ~\"{name}\"'",
    }


def _filled(sections: list[Section], seen: set[str]) -> dict[str, Any]:
    """Every section without subsections must have content of its own in a filled-in issue.

    A title the template repeats is keyed once, where it first appears: the instance holds a
    repeated heading only there."""
    found: dict[str, Any] = {}
    for section in sections:
        if section.title in seen:
            continue
        seen.add(section.title)
        if section.children:
            below = _filled(section.children, seen)
            if below:
                found[section.title] = {"properties": {"sections": below}}
        else:
            found[section.title] = {"$ref": "#/$defs/filled"}
    return {"properties": found} if found else {}


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}s" if number != 1 else f"{thing}"
