"""What every rule module builds on: the `Rule` class, and the `Failure` a check yields.

A rule module (one per topic: files, outline, content, tables, dates, metrics, quick actions,
suppressions) holds each of its rules' id, name, default severity and documentation (the
docstring of its `Rule` class), the checks that find it, and its fix. The checks JSON Schema
cannot say are keywords and formats the schema switches on (`"x-dates-ascend": ...`): a keyword
is `check(options, instance)` yielding `Failure`s, a format `is_valid(value)`. The values each
keyword takes are described in `schemas/rollout-lint-vocabulary.schema.json`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from ..diagnostics import Diagnostic, Severity
from ..schema.validation import Failure, FormatCheck, KeywordCheck

__all__ = ["Failure", "Failures", "FormatCheck", "KeywordCheck", "Rule", "quoted", "shortened", "without_markup"]


class Rule:
    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = "error"
    # A finding of a "value" rule on a line that also holds an unfilled placeholder says the
    # same thing twice ("??? is not a date"); the placeholder finding is kept, this one dropped.
    superseded_by_placeholder: ClassVar[bool] = False
    # `check --fix` can fix its findings from the template alone; the docstring says how.
    fixable: ClassVar[bool] = False
    # Its findings report something missing from the whole file (a section, a label): the line
    # they are shown at is only where it would go, not what is wrong, and is no part of their
    # identity (the CI reports' fingerprints).
    reports_absence: ClassVar[bool] = False

    @classmethod
    def doc(cls) -> str:
        # inspect.cleandoc's effect, without importing inspect (~9 ms); textwrap only here,
        # for `rules` and `explain`, not on every check.
        import textwrap

        first, _, rest = (cls.__doc__ or "").strip("\n").partition("\n")
        return f"{first.strip()}\n{textwrap.dedent(rest)}".strip()

    @classmethod
    def summary(cls) -> str:
        return cls.doc().split("\n", 1)[0]

    @classmethod
    def finding(
        cls,
        path: str,
        message: str,
        span: tuple[int, int, int, int] = (1, 1, 1, 1),
        hint: str | None = None,
        section: str = "",
    ) -> Diagnostic:
        """A finding of this rule, with the rule's name and default severity (configuration
        may change the severity later, in one place: `selection.apply_selection`)."""
        line, column, end_line, end_column = span
        return Diagnostic(
            path, line, column, end_line, end_column, cls.id, cls.name, cls.severity, message, hint, section
        )


Failures = Iterator[Failure]


# A message quotes the value it is about; a value can be a whole megabyte of one line.
_SHOWN_CHARACTERS = 60


def shortened(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARACTERS else text[: _SHOWN_CHARACTERS - 1] + "…"


def quoted(text: str) -> str:
    return f"'{shortened(text)}'"


_MARKUP = re.compile(r"[*_`]")


def without_markup(text: str) -> str:
    """`text` without emphasis and code markers: `**2026-10-01**` is a date, `_120 ms_` a value."""
    return _MARKUP.sub("", text)
