"""Loading a template schema: parsed, checked against the meta-schemas, validator built once.

A schema comes from the package (the default) or from a path the user gave. `$ref` may only
point inside the schema itself: the registry refuses every retrieval, and every reference is
resolved once at load time so that a bad one is a load error, not a surprise mid-run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .document import parse_document
from .instance import escape_pointer
from .source import SourceError, Source, decode_utf8
from .template import TemplateCatalogue, derive_catalogue, normalise

DEFAULT_SCHEMA = "model-rollout-plan.schema.json"
VOCABULARY_SCHEMA = "rollout-lint-vocabulary.schema.json"
_BASE_URI = "urn:rollout-lint:template-schema"
# Values of these keywords are data, not subschemas: never walked as schemas.
_DATA_KEYWORDS = frozenset({"const", "enum", "examples", "default", "x-outline", "x-message"})


class SchemaError(Exception):
    """The schema cannot be used; the message names the file and the JSON pointer."""


@dataclass(frozen=True, slots=True)
class TemplateSchema:
    name: str
    contents: dict[str, Any]
    validator: Any  # a jsonschema Validator with the rollout-lint keywords
    catalogue: TemplateCatalogue
    canonical_titles: dict[str, str]
    template: Source | None


def _packaged(name: str) -> Any:
    return resources.files("rollout_lint") / "schemas" / name


def load_schema(path: str | None = None) -> TemplateSchema:
    """Load the schema at `path`, or the bundled rollout-plan schema."""
    if path is None:
        name, location = DEFAULT_SCHEMA, _packaged(DEFAULT_SCHEMA)
    else:
        name, location = path, Path(path)
    contents = _parse_json(name, _read_text(name, location))
    _check_against_meta_schemas(name, contents)
    validator = _build_validator(name, contents)
    template = _load_template(name, location, contents)
    catalogue = derive_catalogue(parse_document(template)) if template else TemplateCatalogue()
    return TemplateSchema(name, contents, validator, catalogue, _canonical_titles(contents), template)


def _read_text(name: str, location: Any) -> str:
    try:
        return decode_utf8(location.read_bytes())
    except FileNotFoundError:
        raise SchemaError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise SchemaError(f"{name}: is a directory, not a schema file") from None
    except OSError as error:
        raise SchemaError(f"{name}: cannot read: {error.strerror}") from None
    except SourceError as error:
        raise SchemaError(f"{name}: {error}") from None


def _parse_json(name: str, text: str) -> dict[str, Any]:
    try:
        contents = json.loads(text)
    except json.JSONDecodeError as error:
        raise SchemaError(f"{name}: invalid JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    if not isinstance(contents, dict):
        raise SchemaError(f"{name}: a schema must be a JSON object")
    return contents


def _check_against_meta_schemas(name: str, contents: dict[str, Any]) -> None:
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.exceptions import best_match

    declared = contents.get("$schema", Draft202012Validator.META_SCHEMA["$id"])
    if declared.rstrip("#") != Draft202012Validator.META_SCHEMA["$id"].rstrip("#"):
        raise SchemaError(f"{name}: /$schema: only Draft 2020-12 schemas are supported, not {declared!r}")
    # Format checking on, so that an invalid `pattern` regex is caught here.
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA, format_checker=FormatChecker())
    error = best_match(meta.iter_errors(contents))
    if error is not None:
        raise SchemaError(f"{name}: invalid schema at {_pointer(error.absolute_path)}: {error.message}")
    vocabulary = Draft202012Validator(json.loads(_packaged(VOCABULARY_SCHEMA).read_text("utf-8")))
    for pointer, subschema in _subschemas(contents, ""):
        keywords = {key: value for key, value in subschema.items() if key.startswith("x-")}
        error = best_match(vocabulary.iter_errors(keywords))
        if error is not None:
            where = pointer + _pointer(error.absolute_path) if error.absolute_path else pointer or "/"
            raise SchemaError(f"{name}: invalid rollout-lint keyword at {where}: {error.message}")
        if "x-rule" in keywords:
            from .rules import REGISTRY

            if keywords["x-rule"] not in REGISTRY:
                raise SchemaError(f"{name}: {pointer}/x-rule: unknown rule {keywords['x-rule']!r}")


def _build_validator(name: str, contents: dict[str, Any]) -> Any:
    from jsonschema import Draft202012Validator, validators
    from referencing import Registry
    from referencing.exceptions import NoSuchResource, Unresolvable
    from referencing.jsonschema import DRAFT202012

    from .keywords import KEYWORDS, format_checker

    def refuse(uri: str) -> Any:
        raise NoSuchResource(ref=uri)

    base = contents.get("$id", _BASE_URI)
    registry: Registry[Any] = Registry(retrieve=refuse).with_resource(base, DRAFT202012.create_resource(contents))
    resolver = registry.resolver(base)
    for pointer, subschema in _subschemas(contents, ""):
        for keyword in ("$ref", "$dynamicRef"):
            reference = subschema.get(keyword)
            if not isinstance(reference, str):
                continue
            try:
                resolver.lookup(reference)
            except Unresolvable:
                raise SchemaError(
                    f"{name}: {pointer}/{keyword}: cannot resolve {reference!r}: "
                    "only references inside this schema are allowed"
                ) from None
    cls = validators.extend(Draft202012Validator, KEYWORDS)
    validator = cls(contents, registry=registry, format_checker=format_checker())
    try:
        # A schema that refers to itself without consuming input ({"allOf": [{"$ref": "#"}]})
        # recurses forever on every instance: refuse it now rather than on each file.
        validator.is_valid({})
    except RecursionError:
        raise SchemaError(f"{name}: the schema refers to itself without end ($ref cycle)") from None
    return validator


def _load_template(name: str, location: Any, contents: dict[str, Any]) -> Source | None:
    template_name = contents.get("x-template")
    if not template_name:
        return None
    template_location = location.parent / template_name if isinstance(location, Path) else _packaged(template_name)
    try:
        return Source.from_text(str(template_name), decode_utf8(template_location.read_bytes()))
    except (OSError, SourceError) as error:
        raise SchemaError(f"{name}: /x-template: cannot read {template_name!r}: {error}") from None


def _canonical_titles(contents: dict[str, Any]) -> dict[str, str]:
    titles: dict[str, str] = {}

    def collect(entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            titles[normalise(entry["title"])] = entry["title"]
            collect(entry.get("children", []))

    for _, subschema in _subschemas(contents, ""):
        collect(subschema.get("x-outline", []))
    return titles


def _subschemas(node: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object in a schema that is a schema, with its JSON pointer."""
    if isinstance(node, dict):
        yield pointer, node
        for key, value in node.items():
            if key not in _DATA_KEYWORDS:
                yield from _subschemas(value, f"{pointer}/{escape_pointer(str(key))}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _subschemas(value, f"{pointer}/{index}")


def _pointer(path: Any) -> str:
    return "".join(f"/{escape_pointer(str(part))}" for part in path) or "/"
