"""The reference: jsonschema, with the rollout-lint keywords and formats.

rollout-lint validates with jsonschema-rs (`rollout_lint/schema/validation.py`). The tests hold its
failures to what jsonschema, the reference implementation, finds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

from rollout_lint.rules import FORMATS, KEYWORDS
from rollout_lint.schema.validation import KeywordCheck as Check


class KeywordError(ValidationError):
    """A rollout-lint keyword's failure, carrying the rule and hint the keyword chose."""

    def __init__(self, message: str, path: tuple[str | int, ...], rule: str | None, hint: str | None) -> None:
        super().__init__(message, path=path)
        self.rule = rule
        self.hint = hint


def _as_jsonschema_keyword(check: Check) -> Any:
    def keyword(validator: Any, options: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
        for failure in check(options, instance):
            yield KeywordError(failure.message, failure.path, failure.rule, failure.hint)

    return keyword


def build_validator(contents: dict[str, Any], registry: Any) -> Any:
    checker = FormatChecker()
    for name, is_valid in FORMATS.items():
        checker.checks(name)(is_valid)
    keywords = {name: _as_jsonschema_keyword(check) for name, check in KEYWORDS.items()}
    cls = validators.extend(Draft202012Validator, keywords)  # type: ignore[no-untyped-call]
    return cls(contents, registry=registry, format_checker=checker)
