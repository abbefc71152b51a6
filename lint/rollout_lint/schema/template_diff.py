"""What changed between two versions of an issue template: `rollout-lint schema diff OLD NEW`.

Sections are paired as a reviewer pairs them: by title (compared without case or spacing) under
the same parent, then by title under another parent (moved), then by the likeness of their titles
under the same parent (renamed). A case-only change of a title is a rename marked `case_only`.
Tables are compared where their sections pair: the columns, the fixed rows (the names in the first
column the template fills in for every row), and which cells a comment calls required or
recommended. Labels, other quick actions, placeholders and instructions are compared as sets.

A section's path is its headings joined with ` > ` (`Evaluation Template > Dashboard References`),
each version spelling its own.
"""

from __future__ import annotations

import difflib
from typing import Any

from ..markdown.document import Document, Section, Table
from .instance import applied_labels, cell_texts
from .template import derive_catalogue, fixed_rows, normalise

PATH_SEPARATOR = " > "
# Below this likeness (difflib's ratio) two titles are not taken for one renamed.
_RENAME_LIKENESS = 0.6


def template_diff(old: Document, new: Document) -> dict[str, Any]:
    """The differences, in the JSON shape `schema diff --format json` prints."""
    pairs, sections = _pair_sections(old, new)
    old_catalogue, new_catalogue = derive_catalogue(old), derive_catalogue(new)
    paired_old, paired_new = {id(before) for before, _ in pairs}, {id(after) for _, after in pairs}
    tables = [
        *({"section": _path(s), "what": f"table removed: {_columns(t)}"} for s in old.headings if id(s) not in paired_old for t in s.tables),
        *(change for before, after in pairs for change in _table_changes(before, after, old, new)),
        *({"section": _path(s), "what": f"table added: {_columns(t)}"} for s in new.headings if id(s) not in paired_new for t in s.tables),
    ]  # fmt: skip
    return {
        "sections": sections,
        "tables": tables,
        "labels": _set_change(_labels(old), _labels(new)),
        "quick_actions": _set_change(_other_quick_actions(old), _other_quick_actions(new)),
        "placeholders": _set_change(old_catalogue.placeholders, new_catalogue.placeholders),
        "instructions": _set_change(_instructions(old), _instructions(new)),
    }


def differs(diff: dict[str, Any]) -> bool:
    def has_any(value: Any) -> bool:
        if isinstance(value, dict):
            return any(has_any(item) for item in value.values())
        return bool(value)

    return has_any(diff)


def diff_text(diff: dict[str, Any]) -> str:
    """The differences for people: one line each, or a line that says there are none."""
    lines: list[str] = []
    sections = diff["sections"]
    lines += [f"section added: {path}" for path in sections["added"]]
    lines += [f"section removed: {path}" for path in sections["removed"]]
    for pair in sections["renamed"]:
        how = "recased" if pair["case_only"] else "renamed"
        lines.append(f"section {how}: {pair['from']} -> {pair['to']}")
    lines += [f"section moved: {pair['from']} -> {pair['to']}" for pair in sections["moved"]]
    for change in diff["tables"]:
        lines.append(f"table in {change['section']}: {change['what']}")
    for kind in ("labels", "quick_actions", "placeholders", "instructions"):
        name = kind.replace("_", " ").removesuffix("s")
        lines += [f"{name} added: {value}" for value in diff[kind]["added"]]
        lines += [f"{name} removed: {value}" for value in diff[kind]["removed"]]
    return "\n".join(lines) + "\n" if lines else "no differences\n"


def _pair_sections(old: Document, new: Document) -> tuple[list[tuple[Section, Section]], dict[str, Any]]:
    """The (old, new) pairs of the same section, and the added, removed, renamed and moved ones."""
    paired: dict[int, Section] = {}  # id(old section) -> the new one
    unpaired_new = list(new.headings)

    def parent_of(section: Section, document: Document) -> Section | None:
        return next((s for s in reversed(document.headings) if section in s.children), None)

    def paired_parent(section: Section) -> Section | None:
        parent = parent_of(section, old)
        return paired.get(id(parent)) if parent is not None else None

    def pair(before: Section, after: Section) -> None:
        paired[id(before)] = after
        unpaired_new.remove(after)

    renamed: list[dict[str, Any]] = []
    moved: list[dict[str, str]] = []
    # Same title under the same parent (paired parents first: headings come in document order).
    for before in old.headings:
        parent = paired_parent(before)
        after = next(
            (s for s in unpaired_new if normalise(s.title) == normalise(before.title) and parent_of(s, new) is parent),
            None,
        )
        if after is not None:
            pair(before, after)
            if after.title != before.title:
                renamed.append({"from": _path(before), "to": _path(after), "case_only": True})
    # Same title under another parent: moved.
    for before in old.headings:
        if id(before) in paired:
            continue
        after = next((s for s in unpaired_new if normalise(s.title) == normalise(before.title)), None)
        if after is not None:
            pair(before, after)
            moved.append({"from": _path(before), "to": _path(after)})
    # Alike titles under the same parent: renamed.
    for before in old.headings:
        if id(before) in paired:
            continue
        parent = paired_parent(before)
        candidates = [s for s in unpaired_new if parent_of(s, new) is parent]
        likeness = {
            id(s): difflib.SequenceMatcher(None, normalise(before.title), normalise(s.title)).ratio()
            for s in candidates
        }
        best = max(candidates, key=lambda s: likeness[id(s)], default=None)
        if best is not None and likeness[id(best)] >= _RENAME_LIKENESS:
            pair(before, best)
            renamed.append({"from": _path(before), "to": _path(best), "case_only": False})
    pairs = [(before, paired[id(before)]) for before in old.headings if id(before) in paired]
    return pairs, {
        "added": [_path(section) for section in unpaired_new],
        "removed": [_path(section) for section in old.headings if id(section) not in paired],
        "renamed": renamed,
        "moved": moved,
    }


def _path(section: Section) -> str:
    return PATH_SEPARATOR.join(section.path)


def _table_changes(before: Section, after: Section, old: Document, new: Document) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    where = _path(after)
    for index in range(max(len(before.tables), len(after.tables))):
        if index >= len(before.tables):
            changes.append({"section": where, "what": f"table added: {_columns(after.tables[index])}"})
            continue
        if index >= len(after.tables):
            changes.append({"section": where, "what": f"table removed: {_columns(before.tables[index])}"})
            continue
        was, now = before.tables[index], after.tables[index]
        if was.header != now.header:
            changes.append({"section": where, "what": f"columns {_columns(was)} -> {_columns(now)}"})
        rows = _set_change(_fixed_rows(was), _fixed_rows(now))
        changes += [{"section": where, "what": f"row added: {name}"} for name in rows["added"]]
        changes += [{"section": where, "what": f"row removed: {name}"} for name in rows["removed"]]
        was_kinds, now_kinds = _cell_kinds(was, old), _cell_kinds(now, new)
        for row in sorted(was_kinds.keys() & now_kinds.keys()):
            if was_kinds[row] != now_kinds[row]:
                changes.append({"section": where, "what": f"row {row}: {was_kinds[row]} -> {now_kinds[row]}"})
    return changes


def _columns(table: Table) -> str:
    return " | ".join(table.header)


def _fixed_rows(table: Table) -> list[str]:
    return fixed_rows(table)[1]


def _cell_kinds(table: Table, document: Document) -> dict[str, str]:
    """Row name -> what the comments in its cells ask: required, recommended or nothing said."""
    names = _fixed_rows(table)
    kinds: dict[str, str] = {}
    for name, row in zip(names, table.rows):
        said = " ".join(cell_texts(document.source.line(row.span.line))).casefold()
        comments = said.count("<!--")
        if "required" in said and "optional" not in said:
            kinds[name] = "required"
        elif "optional" in said or "recommend" in said:
            kinds[name] = "recommended"
        else:
            kinds[name] = "nothing said" if comments else "no comment"
    return kinds


def _labels(document: Document) -> list[str]:
    return [name for name, _ in applied_labels(document)]


def _other_quick_actions(document: Document) -> list[str]:
    return [
        f"/{action.command} {action.argument}".rstrip()
        for action in document.quick_actions
        if action.command not in ("label", "labels")
    ]


def _instructions(document: Document) -> list[str]:
    """The template's instruction paragraphs, as written."""
    instructions = derive_catalogue(document).instructions
    return [
        block.text for block in document.blocks if block.kind == "paragraph" and normalise(block.text) in instructions
    ]


def _set_change(before: Any, after: Any) -> dict[str, list[str]]:
    """What is in `after` and not in `before`, and the other way, in each one's order."""
    was, now = dict.fromkeys(before), dict.fromkeys(after)
    return {"added": [item for item in now if item not in was], "removed": [item for item in was if item not in now]}
