"""rollout-lint's one note on an issue: what it says, and whether to create, rewrite or leave it.

The note starts with a hidden marker that holds a digest of the findings it lists: the marker
and its author (the token's user) find the note again among everyone's replies, and the digest
says whether the findings changed since. Everything quoted from the plan goes in code spans:
GitLab would otherwise run a quoted `/label` line as a quick action, notify a quoted `@user`, or
render quoted Markdown.
"""

import hashlib
from collections.abc import Iterable
from typing import Any, NamedTuple

from ..diagnostics import Diagnostic
from ..rules.quick_actions import ConflictingScopedLabels, MissingLabel, MissingQuickAction

MARKER = "<!-- rollout-lint"
# In a saved issue these rules judge the issue's labels and confidentiality, not a line.
_ABOUT_THE_ISSUE = frozenset({MissingQuickAction.id, MissingLabel.id, ConflictingScopedLabels.id})
_THE_ISSUE = "The issue's labels and confidentiality"
_PASSES = "passes"


class NoteChange(NamedTuple):
    action: str  # "create", "update"
    body: str
    note_id: int | None  # the note to update


def note_change(
    diagnostics: list[Diagnostic], failing: bool, notes: Iterable[dict[str, Any]], author_id: int, about: str
) -> NoteChange | None:
    """What to do with rollout-lint's note, given this check's findings and the issue's notes
    (`author_id`: the token's user, who wrote it; `about`: the template version, for the note to
    name). None: leave things as they are."""
    ours = next((note for note in notes if _is_ours(note, author_id)), None)
    if ours is None and not failing:
        return None  # never a note on an issue that has always passed
    digest = _digest(diagnostics, failing)
    if ours is not None and _marker(digest) in str(ours["body"]).split("\n", 1)[0]:
        return None  # said already
    body = note_body(diagnostics, failing, digest, about)
    return NoteChange("create", body, None) if ours is None else NoteChange("update", body, int(ours["id"]))


def _is_ours(note: dict[str, Any], author_id: int) -> bool:
    """Starts with the marker and was written by the token's user. Someone else's note may carry
    the marker (a copy, another rollout-lint's token): it is not edited, nor could it be."""
    author = note.get("author")
    return str(note.get("body", "")).startswith(MARKER) and isinstance(author, dict) and author.get("id") == author_id


def note_body(diagnostics: list[Diagnostic], failing: bool, digest: str, about: str) -> str:
    count = len(diagnostics)
    if failing:
        headline = f"**rollout-lint** found {_count(count, 'problem')} in this rollout plan{about}."
    elif count:
        headline = f"**rollout-lint**: this rollout plan now passes{about}; {_count(count, 'finding')} left as advice."
    else:
        headline = f"**rollout-lint**: this rollout plan now passes every check{about}."
    lines = [_marker(digest), headline]
    for heading, findings in _by_place(diagnostics):
        lines += ["", f"#### {heading}", ""]
        for d in findings:
            hint = f" — {_code(d.hint)}" if d.hint else ""
            where = "" if d.rule in _ABOUT_THE_ISSUE else f"line {d.line}, "
            lines.append(f"- {where}{d.severity} {d.rule}: {_code(d.message)}{hint}")
    lines += ["", "_This note is updated when the plan changes; `rollout-lint explain RULE` says more of a rule._"]
    return "\n".join(lines) + "\n"


def _by_place(diagnostics: list[Diagnostic]) -> list[tuple[str, list[Diagnostic]]]:
    """The findings under the headings the note lists them by: the issue's attributes first,
    then each section (in code: its title is the plan's text) in the order the plan has them."""
    about_the_issue = [d for d in diagnostics if d.rule in _ABOUT_THE_ISSUE]
    by_section: dict[str, list[Diagnostic]] = {}
    for d in sorted(diagnostics, key=lambda d: (d.line, d.column)):
        if d.rule not in _ABOUT_THE_ISSUE:
            by_section.setdefault(_code(d.section or "Before the first heading"), []).append(d)
    return [*([(_THE_ISSUE, about_the_issue)] if about_the_issue else []), *by_section.items()]


def _marker(digest: str) -> str:
    return f"{MARKER} {digest} -->"


def _digest(diagnostics: list[Diagnostic], failing: bool) -> str:
    material = "\0".join(f"{d.rule}\0{d.line}\0{d.severity}\0{d.message}" for d in diagnostics)
    return ("fails-" if failing else f"{_PASSES}-") + hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]


def _code(text: str) -> str:
    """`text` as an inline code span: a fence one backtick longer than any run inside it."""
    text = " ".join(text.split())
    fence = "`" * (_longest_backtick_run(text) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _longest_backtick_run(text: str) -> int:
    longest = run = 0
    for character in text:
        run = run + 1 if character == "`" else 0
        longest = max(longest, run)
    return longest


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"
