"""A schema inferred from an issue template's text: `rollout-lint schema infer TEMPLATE.md`.

What the template says becomes the schema's rows, each with its rule and words:

- its headings, their levels and order (`x-outline`, RL101–RL105), in the template's spelling;
- its statements above the first heading, and the comments there that ask to be kept
  ("Do not remove..."), which every plan keeps (RL106);
- each table: its columns (RL301) and its fixed rows, the names in the first column the
  template fills in for every row (RL302); in a filled-in issue, a cell of those rows whose
  comment says it is required (RL303) or recommended (RL304) is filled in;
- each section's task list (`- [ ] ...`), which the section keeps (RL204);
- its quick actions (`/confidential`, `/assign`...: RL501) and the labels it applies (RL502);
- in a filled-in plan (issue mode): no placeholder or instruction left (RL202, RL201; which they
  are is read from the template at load, not written here), and every section without
  subsections has content of its own (RL203).

What a template's text cannot say (that dates ascend, that a range is ordered, that a cell must
link an issue, which sections are optional) comes from an *overlay*, a JSON file kept beside the
template that names sections by their heading path (`"Rollout > Timeline"`) and tables by their
columns (`"Date | Audience | Status"`), and holds JSON Merge Patches (RFC 7386: an object is
merged key by key, `null` removes a key, anything else replaces) for the schema they add to:

    {
      "sections": {
        "Rollout > Timeline": {
          "template": {...},   # patches the section's schema, in every mode
          "filled": {...},     # patches it for a filled-in issue only (issue mode)
          "tables": {"Date | Audience | Status": {"name": "timeline table", "template": {...}, "filled": {...}}}
        }
      },
      "schema": {...}          # patches the whole schema, last ($id, title, x-explain, $defs)
    }

Re-inferred from a changed template with the same overlay, the schema keeps what the overlay
adds; an overlay naming a section or table the template no longer has is an error that names
the nearest title.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from typing import Any

from ..markdown.document import Document, Section, Table
from ..markdown.source import Source
from .instance import applied_labels, cell_texts, column_names
from .template import fixed_rows

_DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
# A preamble statement is recognised in a plan by its start: people fix a typo at the end.
_STATEMENT_START = 40
# A comment above the first heading that asks to be kept is required; the others are notes to
# the writer ("Title suggestion: ..."), which plans drop.
_CONFIDENTIAL = re.compile(r"\bconfidential\b", re.IGNORECASE)
_COMMENT_WORDS = 6
# A cell's comment that says it must be filled in (`<!-- Required. -->`, `<!-- this is required -->`),
# or that it should be (`<!-- Optional, but recommended. -->`, `<!-- We recommend creating an epic -->`).
_REQUIRED = re.compile(r"(?<!not )\brequired\b", re.IGNORECASE)
_RECOMMENDED = re.compile(r"\brecommend", re.IGNORECASE)
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_TASK = re.compile(r"^\[[ xX]\] ")  # a list item of a task list, as the instance holds it
_KEEP_ME = re.compile(r"\bdo not (?:remove|delete)\b|\bdon't (?:remove|delete)\b", re.IGNORECASE)


class OverlayError(ValueError):
    """An overlay that does not fit its template; the message names the key and the nearest title."""


def infer_schema(
    template: Document,
    template_path: str,
    title: str,
    overlay: dict[str, Any] | None = None,
    overlay_path: str | None = None,
) -> dict[str, Any]:
    """The schema of `template`; `template_path` is where the schema will find it (x-template),
    and `overlay_path` its overlay (x-overlay), if there is one."""
    overlay = overlay or {}
    _check_overlay_shape(overlay)
    table_names = {
        (tuple(_path(path)), columns): table["name"]
        for path, section in overlay.get("sections", {}).items()
        for columns, table in section.get("tables", {}).items()
        if "name" in table
    }
    properties: dict[str, Any] = {"headings": {"x-outline": _outline(template.preamble.children)}}
    preamble = _preamble(template)
    if preamble:
        properties["preamble"] = preamble
    tables = _sections_with_tables(template.preamble.children, (), table_names)
    if tables:
        properties["sections"] = tables
    _checklists(template.preamble.children, (), properties)
    properties["quickActions"], required_quick_actions = _quick_actions(template)
    required_labels, one_a_scope = _labels(template)
    if required_labels:
        properties["labels"] = required_labels
    schema: dict[str, Any] = {
        "$schema": _DRAFT_2020_12,
        "title": title,
        "description": f"Inferred by `rollout-lint schema infer` from {template_path}"
        + (f" and {overlay_path}" if overlay_path else "")
        + ". Constraints under 'then' apply only to filled-in issues (issue mode).",
        "x-template": template_path,
        **({"x-overlay": overlay_path} if overlay_path else {}),
        "type": "object",
        "properties": properties,
        **({"allOf": [required_quick_actions]} if required_quick_actions else {}),
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
    _cell_requirements(template.source, template.preamble.children, (), schema["then"]["properties"])
    _apply_overlay(schema, overlay, template)
    return schema


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
    blocks = template.preamble.blocks
    for index, block in enumerate(blocks):
        if block.kind == "paragraph" and block.text:
            start = block.text[:_STATEMENT_START]
            written = f"_{block.text}_" if block.emphasis_only else block.text
            required.append({
                "properties": {"paragraphs": {"contains": {"type": "string", "pattern": f"^{re.escape(start)}"}}},
                "x-message": f"{_statement(block.text)} is missing",
                "x-hint": f"keep '{written}' above the first heading",
            })  # fmt: skip
        elif block.kind == "comment" and _KEEP_ME.search(block.text):
            # Named, and recognised, by its first words: people shorten or reword the rest.
            start = " ".join(block.text.split()[:_COMMENT_WORDS])
            statements = [later.text for later in blocks[index + 1 :] if later.kind == "paragraph" and later.text]
            above = _statement(statements[0]) if statements else "the first heading"
            required.append({
                "properties": {"comments": {"contains": {"type": "string", "pattern": re.escape(start)}}},
                "x-message": f"the '{start}' comment is missing",
                "x-hint": f"keep '<!-- {block.text} -->' above {above}",
            })  # fmt: skip
    return {"x-rule": "RL106", "allOf": required} if required else {}


def _statement(text: str) -> str:
    """How a message names a preamble statement."""
    return (
        "the confidentiality statement"
        if _CONFIDENTIAL.search(text)
        else f"the statement '{text[:_STATEMENT_START]}...'"
    )


def _sections_with_tables(
    sections: list[Section], path: tuple[str, ...], names: dict[tuple[tuple[str, ...], str], str]
) -> dict[str, Any]:
    """`{"properties": {TITLE: {"properties": {"tables": ..., "sections": ...}}}}` for the
    sections that hold a table, or hold one that does; `names` are the overlay's names of tables
    (by section path and columns), for their messages."""
    found: dict[str, Any] = {}
    for section in sections:
        rows: dict[str, Any] = {}
        where = (*path, section.title)
        if section.tables:
            tables = [(table, names.get((where, _columns(table)))) for table in section.tables]
            if len(tables) == 1 and tables[0][1]:
                missing = f"the {tables[0][1]} ('| {_columns(tables[0][0])} |') is missing"
            else:
                missing = f"section '{section.title}' needs its {_count(len(section.tables), 'table')}"
            rows["tables"] = {
                "x-rule": "RL301",
                "minItems": len(section.tables),
                "x-message": {"minItems": missing},
                "x-hint": "copy the table from the template",
                "prefixItems": [_table(table, name) for table, name in tables],
            }
        below = _sections_with_tables(section.children, where, names)
        if below:
            rows["sections"] = below
        if rows:
            found[section.title] = {"properties": rows}
    return {"properties": found} if found else {}


def _columns(table: Table) -> str:
    """How a table is named in an overlay and in messages: its columns, `Date | Audience | Status`."""
    return " | ".join(column_names(table))


def _checklists(sections: list[Section], path: tuple[str, ...], properties: dict[str, Any]) -> None:
    """A section whose template holds a task list keeps one (RL204), in every mode."""
    for section in sections:
        where = (*path, section.title)
        if any(_TASK.match(item.text) for item in section.items):
            _section_schema(properties, list(where)).setdefault("properties", {})["items"] = {
                "x-rule": "RL204",
                "contains": {"type": "string", "pattern": _TASK.pattern},
                "x-message": "section '{section}' has no checklist",
                "x-hint": "keep the template's '- [ ]' steps, and tick them as they are done",
            }
        _checklists(section.children, where, properties)


def _table(table: Table, name: str | None) -> dict[str, Any]:
    columns = column_names(table)
    shown = " | ".join(columns)
    called = f"the {name}" if name else "the table"
    schema: dict[str, Any] = {
        "properties": {
            "columns": {"x-rule": "RL301", "const": columns, "x-message": f"{called}'s columns are not '{shown}'"}
        }
    }
    column, names = fixed_rows(table)
    if names:
        key = columns[column]
        schema["properties"]["rows"] = {
            "x-rule": "RL302",
            "allOf": [
                {
                    "contains": {"properties": {key: {"const": row}}, "required": [key]},
                    "x-message": f"{called} has no '{row}' row"
                    if name
                    else f"the table ('{shown}') has no '{row}' row",
                    # Add the row, not replace the table: the plan's own rows stay.
                    "x-hint": f"add a '{row}' row, as the template has it",
                }
                for row in dict.fromkeys(names)
            ],
        }
    return schema


def _cell_requirements(source: Source, sections: list[Section], path: tuple[str, ...], filled: dict[str, Any]) -> None:
    """In a filled-in issue, each cell of a fixed row whose comment in the template says it is
    required must be filled in (RL303), and one that says it is recommended should be (RL304)."""
    for section in sections:
        where = (*path, section.title)
        for index, table in enumerate(section.tables):
            conditions = _table_cell_requirements(source, table)
            if conditions:
                _table_schema(filled, list(where), index)["properties"] = {"rows": {"items": {"allOf": conditions}}}
        _cell_requirements(source, section.children, where, filled)


def _table_cell_requirements(source: Source, table: Table) -> list[dict[str, Any]]:
    column, names = fixed_rows(table)
    columns = column_names(table)
    conditions = []
    for row, name in zip(table.rows, names):
        for index, cell in enumerate(cell_texts(source.line(row.span.line))[: len(columns)]):
            comments = " ".join(_COMMENT.findall(cell))
            if index == column or not comments:
                continue
            if _REQUIRED.search(comments):
                rule, what, hint = "RL303", "requires", ""
            elif _RECOMMENDED.search(comments):
                rule, what, hint = "RL304", "recommends", ", or write 'n/a'"
            else:
                continue
            conditions.append({
                "if": {"properties": {columns[column]: {"const": name}}, "required": [columns[column]]},
                "then": {"properties": {columns[index]: {
                    "x-rule": rule,
                    "minLength": 1,
                    "x-message": f"the '{name}' row's {columns[index]} is empty: the template {what} it",
                    "x-hint": f"fill in the {columns[index]} of the '{name}' row{hint}",
                }}},
            })  # fmt: skip
    return conditions


# Quick actions GitLab runs when an issue is saved, keeping what they did as an attribute of the
# issue, and the instance's words for it when the issue is read from GitLab (`Source.issue`).
_SAVED_AS = {
    "confidential": {
        "x-rule": "RL501",
        "const": True,
        "x-message": "the issue is not confidential",
        "x-hint": "make it confidential: post '/confidential' as a comment on the issue",
    },
}


def _quick_actions(template: Document) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The schema of the quick actions, and the quick actions every issue needs (RL501).

    A saved issue read from GitLab (its instance has `confidential`) has had its quick actions
    run and stripped: the attributes they set are checked instead, where GitLab keeps one
    (`_SAVED_AS`); a required quick action that leaves no attribute cannot be checked there.
    """
    commands = dict.fromkeys(
        action.command for action in template.quick_actions if action.command not in ("label", "labels")
    )
    required = [
        {
            "x-rule": "RL501",
            "contains": {"properties": {"command": {"const": command}}, "required": ["command"]},
            "x-message": f"the /{command} quick action is missing",
            "x-hint": f"add '/{command}' on its own line at the end of the description",
        }
        for command in commands
    ]
    # A quick action written twice is a slip in any template (RL504).
    schema = {"x-rule": "RL504", "x-duplicates": {"key": "text"}}
    if not required:
        return schema, None
    saved = {command: _SAVED_AS[command] for command in commands if command in _SAVED_AS}
    return schema, {
        "if": {"required": ["confidential"]},
        "then": {"properties": saved},
        "else": {"properties": {"quickActions": {"allOf": required}}},
    }


def _labels(template: Document) -> tuple[dict[str, Any], dict[str, Any]]:
    """The labels every issue gets, and (for a filled-in issue) one label a scope.

    Labels of one scope applied together (`/label ~"failure::flaky" ~"failure::new"`, "use just
    one") are choices, not requirements, and a scope left open (`~devops::`) is for the writer to
    finish: neither is required, and only a filled-in issue must have settled on one a scope.
    """
    written: dict[str, str] = {}  # label -> as the template writes it (`~"type::feature"`, `"type::feature"`)
    for name, span in applied_labels(template):
        written.setdefault(name, template.source.line(span.line)[span.column - 1 : span.end_column - 1])
    labels = list(written)
    scopes = [name.rpartition("::")[0] for name in labels]
    shared = {scope for scope, count in Counter(scopes).items() if scope and count > 1}
    # A label left open (`~devops::`, `~group:`) is for the writer to finish: not required as written.
    required = [name for name, scope in zip(labels, scopes) if not name.endswith(":") and scope not in shared]
    return ({"allOf": [_label(name, written[name]) for name in required]} if required else {}), {
        "x-unique-scopes": True
    }


def _label(name: str, written: str) -> dict[str, Any]:
    return {
        "x-rule": "RL502",
        "contains": {"const": name},
        "x-message": f"the label '{name}' is not applied",
        "x-hint": f"add '/label {written}'",
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


# --- The overlay ------------------------------------------------------------------------------

_OVERLAY_KEYS = {"$comment", "sections", "schema"}
_SECTION_KEYS = {"template", "filled", "tables"}
_TABLE_KEYS = {"name", "template", "filled"}


def _check_overlay_shape(overlay: Any) -> None:
    def keys(value: Any, allowed: set[str], where: str) -> None:
        if not isinstance(value, dict):
            raise OverlayError(f"{where}: expected an object")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise OverlayError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(allowed))})")

    keys(overlay, _OVERLAY_KEYS, "the overlay")
    keys(overlay.get("sections", {}), set(overlay.get("sections", {})), "/sections")
    for path, section in overlay.get("sections", {}).items():
        keys(section, _SECTION_KEYS, f"/sections/{path}")
        keys(section.get("tables", {}), set(section.get("tables", {})), f"/sections/{path}/tables")
        for columns, table in section.get("tables", {}).items():
            keys(table, _TABLE_KEYS, f"/sections/{path}/tables/{columns}")
            if "name" in table and not isinstance(table["name"], str):
                raise OverlayError(f"/sections/{path}/tables/{columns}/name: expected a string")
    for where, patch in _patches(overlay):
        if not isinstance(patch, dict):
            raise OverlayError(f"{where}: expected an object (a JSON Merge Patch)")


def _patches(overlay: dict[str, Any]) -> list[tuple[str, Any]]:
    found = [(f"/sections/{path}/{key}", section[key]) for path, section in overlay.get("sections", {}).items()
             for key in ("template", "filled") if key in section]  # fmt: skip
    found += [(f"/sections/{path}/tables/{columns}/{key}", table[key])
              for path, section in overlay.get("sections", {}).items()
              for columns, table in section.get("tables", {}).items() for key in ("template", "filled") if key in table]  # fmt: skip
    if "schema" in overlay:
        found.append(("/schema", overlay["schema"]))
    return found


def _path(path: str) -> list[str]:
    return [title.strip() for title in path.split(">")]


def _apply_overlay(schema: dict[str, Any], overlay: dict[str, Any], template: Document) -> None:
    for path, patches in overlay.get("sections", {}).items():
        section = _find_section(template, path)
        titles = _path(path)
        if "template" in patches:
            merge_patch(_section_schema(schema["properties"], titles), patches["template"])
        if "filled" in patches:
            merge_patch(_section_schema(schema["then"]["properties"], titles), patches["filled"])
        for columns, table in patches.get("tables", {}).items():
            index = _find_table(section, path, columns)
            for mode, root in (("template", schema["properties"]), ("filled", schema["then"]["properties"])):
                if mode in table:
                    merge_patch(_table_schema(root, titles, index), table[mode])
    if "schema" in overlay:
        merge_patch(schema, overlay["schema"])


def _section_schema(properties: dict[str, Any], titles: list[str]) -> dict[str, Any]:
    """The schema of the section at `titles` below `properties` (an instance object's), made if need be."""
    node: dict[str, Any] = {}
    for title in titles:
        node = properties.setdefault("sections", {}).setdefault("properties", {}).setdefault(title, {})
        properties = node.setdefault("properties", {})
    return node


def _table_schema(properties: dict[str, Any], titles: list[str], index: int) -> dict[str, Any]:
    """The schema of the `index`th table of the section at `titles`, made if need be."""
    section = _section_schema(properties, titles).setdefault("properties", {})
    items: list[dict[str, Any]] = section.setdefault("tables", {}).setdefault("prefixItems", [])
    items.extend({} for _ in range(index + 1 - len(items)))
    return items[index]


def _find_section(template: Document, path: str) -> Section:
    sections = template.preamble.children
    found: Section | None = None
    for title in _path(path):
        titles = [section.title for section in sections]
        if title not in titles:
            elsewhere = [" > ".join(section.path) for section in template.headings if section.title == title]
            nearest = difflib.get_close_matches(title, titles, n=1, cutoff=0)
            hint = f"; it is at '{elsewhere[0]}'" if elsewhere else f"; did you mean {nearest[0]!r}?" if nearest else ""
            raise OverlayError(f"/sections/{path}: the template has no section {title!r} there{hint}")
        found = sections[titles.index(title)]
        sections = found.children
    if found is None:
        raise OverlayError(f"/sections/{path}: names no section")
    return found


def _find_table(section: Section, path: str, columns: str) -> int:
    tables = [_columns(table) for table in section.tables]
    if columns in tables:
        return tables.index(columns)
    known = ", ".join(f"'{name}'" for name in tables) or "none"
    raise OverlayError(f"/sections/{path}/tables/{columns}: the section has no such table (its tables: {known})")


def merge_patch(target: dict[str, Any], patch: dict[str, Any]) -> None:
    """Apply a JSON Merge Patch (RFC 7386) to `target`, in place."""
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            merge_patch(target[key], value)
        elif isinstance(value, dict):
            target[key] = {}
            merge_patch(target[key], value)
        else:
            target[key] = value
