"""What every rule module builds on: the `Rule` class, and the `Failure` a check yields.

A rule module (one per topic: files, outline, content, tables, dates, metrics, quick actions,
suppressions) holds each of its rules' id, name, default severity and documentation (the
docstring of its `Rule` class), the checks that find it, and its fix. The checks JSON Schema
cannot say are keywords and formats the schema switches on (`"x-dates-ascend": ...`): a keyword
is `check(options, instance)` yielding `Failure`s, a format `is_valid(value)`. The values each
keyword takes are described in `schemas/rollout-lint-vocabulary.schema.json`.
"""

import re
from collections.abc import Iterator
from typing import Any, ClassVar, NamedTuple

from ..diagnostics import Diagnostic, Edit, Severity
from ..markdown.document import Document, Span
from ..schema.instance import escape_pointer
from ..schema.loading import TemplateSchema
from ..schema.validation import Failure, FormatCheck, KeywordCheck, SchemaFailure

__all__ = [
    "Failure",
    "Failures",
    "FixContext",
    "FormatCheck",
    "KeywordCheck",
    "Rule",
    "quoted",
    "shortened",
    "template_spans_satisfying",
    "without_markup",
]


class FixContext(NamedTuple):
    """What a rule's fix may read: the plan (as a Document and as the instance the schema
    judged), the schema (and its template), the failure."""

    document: Document
    instance: dict[str, Any]
    schema: TemplateSchema
    failure: SchemaFailure


class Rule:
    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = "error"
    # A finding of a "value" rule on a line that also holds an unfilled placeholder says the
    # same thing twice ("??? is not a date"); the placeholder finding is kept, this one dropped.
    superseded_by_placeholder: ClassVar[bool] = False
    # `check --fix` can fix its findings from the template alone (its `fix` says how, and so does
    # its docstring); a test holds this equal to whether the rule has a `fix`.
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
        fix: tuple[Edit, ...] = (),
    ) -> Diagnostic:
        """A finding of this rule, with the rule's name and default severity (configuration
        may change the severity later, in one place: `selection.apply_selection`)."""
        line, column, end_line, end_column = span
        return Diagnostic(
            path, line, column, end_line, end_column, cls.id, cls.name, cls.severity, message, hint, section, fix
        )

    @classmethod
    def fix(cls, context: FixContext) -> tuple[Edit, ...]:
        """The edits that fix the finding of `context.failure`; () where a fix would be a guess."""
        return ()


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


def template_spans_satisfying(context: FixContext) -> list[Span]:
    """Where the template has an item that would satisfy the failed `contains`: for a plan that
    lacks `/confidential` (a `contains` on its quick actions), the template's `/confidential`.

    The template is read as an instance, as the plan is, and its items at the failing location
    are tried against the `contains` subschema: which lines a fix copies is the schema's
    business, not a list here.
    """
    failure = context.failure
    template = context.schema.template_instance
    if failure.keyword != "contains" or template is None:
        return []
    instance, spans = template
    items: Any = instance
    for step in failure.path:
        items = items.get(str(step)) if isinstance(items, dict) else None
    if not isinstance(items, list):
        return []
    satisfies = _validator(failure.expected)
    if satisfies is None:
        return []
    pointer = "".join(f"/{escape_pointer(str(step))}" for step in failure.path)
    return [spans[f"{pointer}/{index}"] for index, item in enumerate(items) if satisfies(item)]


_VALIDATORS: dict[str, Any] = {}


def _validator(subschema: Any) -> Any:
    """`is_valid` of a `contains` subschema standing alone (None if it cannot: a `$ref` out of it)."""
    import json

    key = json.dumps(subschema, sort_keys=True)
    if key not in _VALIDATORS:
        import jsonschema_rs

        try:
            _VALIDATORS[key] = jsonschema_rs.Draft202012Validator(subschema).is_valid
        except Exception:  # noqa: BLE001 - jsonschema-rs refuses what it cannot resolve alone
            _VALIDATORS[key] = None
    return _VALIDATORS[key]
