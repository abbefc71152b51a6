"""A finding as a small immutable value: what every stage after the rules passes on.

Rules make findings (`rules.base.Rule.finding`); the linter selects, re-grades, hides and
sorts them in one place (`rules.checker`); reporters print them. A finding carries its own
severity (the configured one), so no reporter looks a rule up to judge it.
"""

import os
from collections.abc import Sequence
from typing import Literal, NamedTuple

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


class Edit(NamedTuple):
    """A change a fix makes, in lines of the checked source: lines `line` .. `line + removed - 1`
    replaced by `lines`; with `removed == 0`, `lines` inserted before `line` (one past the last
    line: at the end).

    Insertions are laid out by the fix stage, which knows what else goes in at the same line:
    a `block` (a Markdown block: blank lines keep it apart) or a `quick_action` line (it joins
    the run of quick actions before it; `blank_before` if what precedes is other text). Among
    insertions at one line, `order` (the template's line of what each inserts) decides.
    """

    line: int
    removed: int
    lines: tuple[str, ...]
    kind: str = "block"
    order: int = 0
    blank_before: bool = False


class Diagnostic(NamedTuple):
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    rule: str
    name: str
    severity: Severity
    message: str
    hint: str | None = None
    # The section breadcrumb ("Rollout › Timeline") for the text report; "" outside sections.
    section: str = ""
    # What `check --fix` changes to fix it, without guessing the author's content; () if it cannot.
    fix: tuple[Edit, ...] = ()

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.rule, self.message)

    def fails(self, strict: bool) -> bool:
        """Whether this finding makes the run exit with 1."""
        return self.severity == "error" or (strict and self.severity == "warning")


# Each heading in a breadcrumb is cut to this many characters: it is printed under every
# finding of its section, and a long heading must not multiply.
MAX_BREADCRUMB_TITLE = 80


def breadcrumb(path: Sequence[str]) -> str:
    """The section breadcrumb ("Rollout › Timeline") of a section's path of headings."""
    return " › ".join(
        title if len(title) <= MAX_BREADCRUMB_TITLE else title[: MAX_BREADCRUMB_TITLE - 3] + "..." for title in path
    )


_C_ESCAPES = {"\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f", "\r": "r", '"': '"', "\\": "\\"}


def quoted_path(path: str) -> str:
    """`path`, or if a character in it would not show as itself (a newline, a control character),
    in double quotes with C escapes, as git writes such a name: one line still says one thing,
    and `patch` and `git apply` read the name back from a diff."""
    if path.isprintable():
        return path
    return '"' + "".join(_c_escaped(character) for character in path) + '"'


def _c_escaped(character: str) -> str:
    if character in _C_ESCAPES:
        return "\\" + _C_ESCAPES[character]
    if character.isprintable():
        return character
    # Octal bytes, as git does; `os.fsencode` gives back the bytes of an undecodable name.
    return "".join(f"\\{byte:03o}" for byte in os.fsencode(character))
