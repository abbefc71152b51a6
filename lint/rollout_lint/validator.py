"""Schema validation with jsonschema-rs, and its errors as `SchemaFailure`s.

jsonschema-rs lists a plan's errors in well under a millisecond; jsonschema, the reference
implementation, takes ~80 ms to import and ~3 ms to list the errors of a plan. Valid plans
never get here: the gate (`gate.py`) passes them without importing jsonschema-rs. A test holds the two to the same errors on every fixture
and corpus file (`tests/test_validator.py`).

The rollout-lint keywords (`keywords.py`) run as jsonschema-rs custom keywords. A custom
keyword can raise only one error, at the instance it was given; so for each keyword error the
check is run again here to get all its failures, each at its own place below that instance.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from .keywords import FORMATS, KEYWORDS, Check

Path = tuple[str | int, ...]


class SchemaFailure(NamedTuple):
    """One way an instance fails its schema."""

    # Where in the instance, and the instance there.
    path: Path
    value: Any
    # The keyword that failed, its value in the schema, and the path to it from the schema's
    # root with a "$ref" step wherever a reference was followed.
    keyword: str
    expected: Any
    schema_path: Path
    message: str
    # Set by rollout-lint keywords; schema annotations (`x-rule`, `x-hint`) fill in the rest.
    rule: str | None = None
    hint: str | None = None
    from_keyword: bool = False


class ValidatorError(Exception):
    """jsonschema-rs cannot compile the schema."""


def build_validator(contents: dict[str, Any]) -> Any:
    import jsonschema_rs

    def refuse(uri: str) -> Any:
        raise ValueError(f"retrieving {uri} is not allowed")

    try:
        return jsonschema_rs.Draft202012Validator(
            contents,
            formats={name: lambda value, is_valid=is_valid: is_valid(value) for name, is_valid in FORMATS.items()},
            validate_formats=True,
            keywords={name: _as_custom_keyword(check) for name, check in KEYWORDS.items()},
            retriever=refuse,
        )
    except Exception as error:  # noqa: BLE001 - jsonschema-rs raises ValueError and others
        raise ValidatorError(str(error).splitlines()[0] if str(error) else type(error).__name__) from None


def _as_custom_keyword(check: Check) -> type:
    class Keyword:
        def __init__(self, parent_schema: Any, value: Any, schema_path: Any) -> None:
            self.options = value

        def validate(self, instance: Any) -> None:
            for failure in check(self.options, instance):
                raise ValueError(failure.message)

    return Keyword


def failures(validator: Any, contents: dict[str, Any], instance: Any) -> Iterator[SchemaFailure]:
    """Every failure of `instance`, custom keywords' failures each in its own place."""
    for error in validator.iter_errors(instance):
        keyword = error.schema_path[-1] if error.schema_path else ""
        path = _json_path(instance, error.instance_path)
        check = KEYWORDS.get(keyword) if isinstance(keyword, str) else None
        if check is None:
            schema_path = tuple(error.evaluation_path)
            expected = _value_at(contents, error.schema_path)
            yield SchemaFailure(path, error.instance, str(keyword), expected, schema_path, error.message)
            continue
        # A custom keyword's evaluation path is only its location in the schema, which for
        # jsonschema-rs 0.61 is where the last `$ref` led; walking it from the root still
        # finds the annotations that matter (the keyword's own and its parents').
        schema_path = tuple(error.schema_path)
        options = _value_at(contents, schema_path)
        for failure in check(options, error.instance):
            yield SchemaFailure(
                path + failure.path,
                _value_at(error.instance, failure.path),
                keyword,
                options,
                schema_path,
                failure.message,
                failure.rule,
                failure.hint,
                from_keyword=True,
            )


def child(node: Any, step: str | int) -> Any:
    """`node[step]`, or None. jsonschema-rs reports an object key that looks like a number
    ("2") as an int in its paths; JSON object keys are always strings."""
    try:
        return node[str(step)] if isinstance(node, dict) else node[step]
    except (IndexError, KeyError, TypeError):
        return None


def _value_at(node: Any, path: Path) -> Any:
    for step in path:
        node = child(node, step)
    return node


def _json_path(root: Any, path: list[str | int]) -> Path:
    """`path` with each step typed by its container: str in objects, int in arrays."""
    typed: list[str | int] = []
    for step in path:
        typed.append(str(step) if isinstance(root, dict) else step)
        root = child(root, step)
    return tuple(typed)
