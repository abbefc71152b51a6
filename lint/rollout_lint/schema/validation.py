"""Schema validation with jsonschema-rs, the one engine that decides, and its errors as
`SchemaFailure`s.

jsonschema-rs lists a plan's errors in well under a millisecond; jsonschema, the reference
implementation, takes ~80 ms to import and ~3 ms to list the errors of a plan. A test holds the
two to the same failures for the standard keywords on every fixture and corpus file
(`tests/test_validator.py`).

What JSON Schema cannot say comes from the rules stage as a `Vocabulary`: custom keywords (a
check yielding `Failure`s) and formats, run by jsonschema-rs. A custom keyword can raise only
one error, at the instance it was given; so for each keyword error the check is run again here
to get all its failures, each at its own place below that instance.
"""

from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any, NamedTuple

Path = tuple[str | int, ...]


class Failure(NamedTuple):
    """A custom keyword's finding; `path` is relative to the instance the keyword was given.
    `rule` and `hint` are the keyword's own, used where the schema annotates none."""

    message: str
    path: Path = ()
    rule: str | None = None
    hint: str | None = None
    # What the check knew that its rule's fix needs (a missing section's place in the outline).
    detail: Any = None


KeywordCheck = Callable[[Any, Any], Iterator[Failure]]  # check(the keyword's value, the instance)
FormatCheck = Callable[[object], bool]


class Vocabulary(NamedTuple):
    """What a template schema may use beyond JSON Schema: custom keywords, formats, rule ids."""

    keywords: Mapping[str, KeywordCheck]
    formats: Mapping[str, FormatCheck]
    rules: Collection[str]


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
    detail: Any = None


class ValidatorError(Exception):
    """jsonschema-rs cannot compile the schema."""


def build_validator(contents: dict[str, Any], vocabulary: Vocabulary) -> Any:
    import jsonschema_rs

    def refuse(uri: str) -> Any:
        raise ValueError(f"retrieving {uri} is not allowed")

    try:
        return jsonschema_rs.Draft202012Validator(
            contents,
            formats={name: lambda value, is_valid=is_valid: is_valid(value) for name, is_valid in vocabulary.formats.items()},
            validate_formats=True,
            keywords={name: _as_custom_keyword(check) for name, check in vocabulary.keywords.items()},
            retriever=refuse,
        )
    except Exception as error:  # noqa: BLE001 - jsonschema-rs raises ValueError and others
        raise ValidatorError(str(error).splitlines()[0] if str(error) else type(error).__name__) from None


def _as_custom_keyword(check: KeywordCheck) -> type:
    class Keyword:
        def __init__(self, parent_schema: Any, value: Any, schema_path: Any) -> None:
            self.options = value

        def validate(self, instance: Any) -> None:
            for failure in check(self.options, instance):
                raise ValueError(failure.message)

    return Keyword


def failures(
    validator: Any, contents: dict[str, Any], instance: Any, keywords: Mapping[str, KeywordCheck]
) -> Iterator[SchemaFailure]:
    """Every failure of `instance`, custom keywords' failures each in its own place."""
    for error in validator.iter_errors(instance):
        keyword = error.schema_path[-1] if error.schema_path else ""
        path = _json_path(instance, error.instance_path)
        check = keywords.get(keyword) if isinstance(keyword, str) else None
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
                detail=failure.detail,
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
