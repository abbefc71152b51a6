"""RL000–RL005: could the file be read and parsed at all?

RL000 and RL001 (and RL005, a plan GitLab could not store) mean the file was not checked: the
run exits with 2 and no configuration hides them (`COULD_NOT_CHECK`).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic
from ..markdown.document import Document
from .base import Rule


class InternalError(Rule):
    """rollout-lint itself failed on this file. Please report it, with the file if you can.

    The other files of the run are still checked; the run exits with code 2.
    """

    id = "RL000"
    name = "internal-error"


class UnreadableFile(Rule):
    """The file could not be checked: missing, unreadable, not UTF-8, binary or not a file.

    Nothing else is reported for such a file and the run exits with code 2, after checking
    every other file. Save the plan as UTF-8 text (GitLab stores descriptions as UTF-8). A
    directory that cannot be read, while searching for plans, is reported the same way, and so
    is an issue `rollout-lint gitlab` cannot read (not found, forbidden, GitLab not answering).
    """

    id = "RL001"
    name = "unreadable-file"


class EmptyFile(Rule):
    """The file is empty or holds only white space.

    An empty description is not a rollout plan; start from `rollout-lint new` or the template.
    """

    id = "RL002"
    name = "empty-file"


class NestingTooDeep(Rule):
    """Content nested deeper than the parser reads (64 levels of lists or quotes).

    A quote takes one of the 64 levels, a list two (the list and its item), the paragraph in
    them one: 63 quotes, or 31 lists, nested in one another are read, and one more is not.
    Everything from the reported line to the end of that block is not checked. GitLab's own
    renderer has similar limits, so the content would not show as intended either.
    """

    id = "RL003"
    name = "nesting-too-deep"


class NulCharacter(Rule):
    """The file contains a NUL character (U+0000).

    CommonMark replaces it with U+FFFD, so it never shows as written; it usually comes from a
    bad copy and paste or a wrong encoding. Delete it.
    """

    id = "RL004"
    name = "nul-character"


class DescriptionTooLong(Rule):
    """The description is longer than GitLab accepts (1,048,576 characters): not checked.

    GitLab rejects issue descriptions over this length. Such a file is not parsed (GitLab
    could not store it, and parsing takes memory many times its size); no more than GitLab's
    longest description can take in UTF-8 is read of it. Like RL001, it makes the run exit
    with code 2 and is never ignored or suppressed. Split supporting data into comments or
    linked files.
    """

    id = "RL005"
    name = "description-too-long"


RULES = (InternalError, UnreadableFile, EmptyFile, NestingTooDeep, NulCharacter, DescriptionTooLong)
# Findings that mean a file could not be checked: the run exits with 2.
COULD_NOT_CHECK = frozenset({InternalError.id, UnreadableFile.id, DescriptionTooLong.id})


def document_findings(document: Document) -> Iterator[Diagnostic]:
    """What is wrong with the file as a file: nesting the parser did not read, NUL characters."""
    source = document.source
    if document.truncated_at is not None:
        line = document.truncated_at
        yield NestingTooDeep.finding(
            source.path,
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
            yield NulCharacter.finding(source.path, "NUL character", (line, column, line, column + 1), "delete it")
        offset = source.text.find("\0", offset + 1)
