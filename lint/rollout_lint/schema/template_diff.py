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
from collections import deque
from typing import Any

from ..markdown.document import Document, Section, Table
from .instance import applied_labels, cell_texts
from .template import derive_catalogue, fixed_rows, normalise

PATH_SEPARATOR = " > "
# Below this likeness (difflib's ratio) two titles are not taken for one renamed.
_RENAME_LIKENESS = 0.6
# Titles compared for likeness, at most, in one diff: a real template has a few dozen sections.
_RENAME_COMPARISONS = 20_000


def template_diff(old: Document, new: Document) -> dict[str, Any]:
    """The differences, in the JSON shape `schema diff --format json` prints."""
    pairs, sections = pair_sections(old, new)
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


def pair_sections(old: Document, new: Document) -> tuple[list[tuple[Section, Section]], dict[str, Any]]:
    """The (old, new) pairs of the same section, and the added, removed, renamed and moved ones.

    Linear in the headings, but for the likeness of titles, which compares at most
    `_RENAME_COMPARISONS` pairs: past that, sections left unpaired are added and removed. A
    template checked in template mode is paired with its schema's (RL107) whatever its size.
    """
    old_parent, new_parent = _parents(old), _parents(new)
    key = {id(section): normalise(section.title) for section in (*old.headings, *new.headings)}
    paired: dict[int, Section] = {}  # id(old section) -> the new one
    taken: set[int] = set()  # ids of the new sections paired
    by_place: dict[tuple[str, int], deque[Section]] = {}  # (title, id of the parent) -> new sections
    by_title: dict[str, deque[Section]] = {}
    by_parent: dict[int, list[Section]] = {}
    for section in new.headings:
        place = id(new_parent[id(section)])  # id(None) for the top level
        by_place.setdefault((key[id(section)], place), deque()).append(section)
        by_title.setdefault(key[id(section)], deque()).append(section)
        by_parent.setdefault(place, []).append(section)

    def paired_parent(section: Section) -> Section | None:
        parent = old_parent[id(section)]
        return paired.get(id(parent)) if parent is not None else None

    def first_free(queue: deque[Section] | None) -> Section | None:
        while queue and id(queue[0]) in taken:
            queue.popleft()
        return queue[0] if queue else None

    def pair(before: Section, after: Section) -> None:
        paired[id(before)] = after
        taken.add(id(after))

    renamed: list[dict[str, Any]] = []
    moved: list[dict[str, str]] = []
    # Same title under the same parent (paired parents first: headings come in document order).
    for before in old.headings:
        after = first_free(by_place.get((key[id(before)], id(paired_parent(before)))))
        if after is not None:
            pair(before, after)
            if after.title != before.title:
                renamed.append({"from": _path(before), "to": _path(after), "case_only": True})
    # Same title under another parent: moved.
    for before in old.headings:
        after = None if id(before) in paired else first_free(by_title.get(key[id(before)]))
        if after is not None:
            pair(before, after)
            moved.append({"from": _path(before), "to": _path(after)})
    # Alike titles under the same parent: renamed.
    budget = _RENAME_COMPARISONS
    for before in old.headings:
        if id(before) in paired or budget <= 0:
            continue
        candidates = [s for s in by_parent.get(id(paired_parent(before)), []) if id(s) not in taken][:budget]
        budget -= len(candidates)
        best = _likest(key[id(before)], candidates, key)
        if best is not None:
            pair(before, best)
            renamed.append({"from": _path(before), "to": _path(best), "case_only": False})
    pairs = [(before, paired[id(before)]) for before in old.headings if id(before) in paired]
    return pairs, {
        "added": [_path(section) for section in new.headings if id(section) not in taken],
        "removed": [_path(section) for section in old.headings if id(section) not in paired],
        "renamed": renamed,
        "moved": moved,
    }


def _parents(document: Document) -> dict[int, Section | None]:
    """id(section) -> the section it sits in (None at the top)."""
    parents: dict[int, Section | None] = {id(section): None for section in document.preamble.children}
    for section in document.headings:
        for child in section.children:
            parents[id(child)] = section
    return parents


def _likest(title: str, candidates: list[Section], key: dict[int, str]) -> Section | None:
    """The first candidate whose title is likest `title`, if alike enough to be it renamed.
    difflib's cheap upper bounds skip most candidates without the full comparison."""
    matcher = difflib.SequenceMatcher(None, b=title)
    best, best_ratio = None, _RENAME_LIKENESS
    for candidate in candidates:
        matcher.set_seq1(key[id(candidate)])
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio or (best is None and ratio == best_ratio):
            best, best_ratio = candidate, ratio
    return best


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
