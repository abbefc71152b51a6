"""What the CI report formats share: repository-relative paths, one-line messages, and
fingerprints that survive edits elsewhere in the file.

CI servers compare the findings of two pipelines by fingerprint to tell new findings from old
ones. A fingerprint built from the line number would call every finding below an inserted line
"new"; this one is built from what the finding is about instead (its rule, its message and the
text of its line, unless it points at a place rather than at text), plus a counter that tells
identical findings in one file apart.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from pathlib import Path

from ..diagnostics import Diagnostic
from ..rules import REGISTRY
from ..markdown.source import Source


def report_path(path: str) -> str:
    """`path` as CI servers match it against the repository: relative to the current
    directory (the job's checkout), with `/` separators; absolute when outside it."""
    if path == "-":
        return path
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, os.getcwd())
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return Path(absolute).as_posix()
    return Path(relative).as_posix()


def message_with_hint(diagnostic: Diagnostic) -> str:
    if diagnostic.hint:
        return f"{diagnostic.message}; hint: {diagnostic.hint}"
    return diagnostic.message


def fingerprints(diagnostics: list[Diagnostic], source: Source | None) -> list[str]:
    """A stable hex fingerprint for each of one file's findings, in order."""
    seen: Counter[tuple[str, ...]] = Counter()
    result = []
    for diagnostic in diagnostics:
        text = ""
        # A missing section or label is shown where it would go, which is not what is wrong:
        # it stays the same finding when a line is appended, or the line it is shown at edited.
        # An empty span, too, marks a place and no text.
        empty = (diagnostic.line, diagnostic.column) == (diagnostic.end_line, diagnostic.end_column)
        placed = empty or REGISTRY[diagnostic.rule].reports_absence
        if source is not None and not placed and 1 <= diagnostic.line <= source.line_count:
            # Re-indenting or re-wrapping spaces does not make a finding new.
            text = " ".join(source.line(diagnostic.line).split())
        key = (report_path(diagnostic.path), diagnostic.rule, diagnostic.message, text)
        seen[key] += 1
        material = "\0".join((*key, str(seen[key])))
        result.append(hashlib.sha256(material.encode("utf-8")).hexdigest())
    return result


def web_url(source: Source | None) -> str | None:
    """The web page of what was checked, for the formats that carry links: an issue's URL when
    the plan was read from GitLab (a file has its path)."""
    if source is None or source.issue is None:
        return None
    return source.issue.web_url or None
