"""Loading a template schema: parsed, checked against the meta-schemas, validators built once.

A schema comes from the package (the default) or from a path the user gave. `$ref` may only
point inside the schema itself: the registry refuses every retrieval, and every reference is
resolved once at load time so that a bad one is a load error, not a surprise mid-run.

jsonschema-rs decides every plan (`validation.py`), with the rules stage's keywords and formats
(a `Vocabulary`); jsonschema, slower to import than a plan takes to check, is used only to check
a user's schema against the meta-schema at load.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from ..markdown.document import Document, parse_document
from ..markdown.source import Source, SourceError, read_text
from .instance import SpanTable, build_instance, escape_pointer
from .template import OutlineTitles, TemplateCatalogue, flatten_outline, load_catalogue, normalise
from .validation import SchemaFailure, ValidatorError, Vocabulary, build_validator, failures

DEFAULT_SCHEMA = "model-rollout-plan.schema.json"
_DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
VOCABULARY_SCHEMA = "rollout-lint-vocabulary.schema.json"
_BASE_URI = "urn:rollout-lint:template-schema"
# Values of these keywords (and of every `x-` keyword) are data, not subschemas: never walked.
_DATA_KEYWORDS = frozenset({"const", "enum", "examples", "default"})
# Values of these keywords map names to subschemas: the names are data (a property may be
# called `examples` or `x-ray`), the values are schemas.
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "dependentSchemas", "$defs", "definitions"})
# Keywords that apply their subschemas to the instance itself, without descending into it: a
# cycle of references through only these never ends.
_IN_PLACE = ("allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas")
_REFERENCES = ("$ref", "$dynamicRef")
# Objects and arrays nested in a schema, at most: three times what the bundled one needs, and
# well within what the recursive code that reads a schema (json, jsonschema's meta-schema check)
# can take before Python's recursion limit, which would be a traceback.
MAX_SCHEMA_DEPTH = 64
_TOO_DEEP = f"objects and arrays nested deeper than {MAX_SCHEMA_DEPTH} levels"


class SchemaError(Exception):
    """The schema cannot be used; the message names the file and the JSON pointer."""


class TemplateSchema:
    def __init__(
        self,
        name: str,
        contents: dict[str, Any],
        catalogue: TemplateCatalogue,
        template: Source | None,
        vocabulary: Vocabulary,
    ) -> None:
        self.name = name
        self.contents = contents
        self.catalogue = catalogue
        self.template = template
        self.vocabulary = vocabulary

    def errors(self, instance: dict[str, Any]) -> list[SchemaFailure]:
        """Every way `instance` fails the schema; a valid plan costs one `is_valid`."""
        if self.validator.is_valid(instance):
            return []
        return list(failures(self.validator, self.contents, instance, self.vocabulary.keywords))

    @cached_property
    def validator(self) -> Any:
        """The jsonschema-rs validator with the vocabulary's keywords and formats."""
        try:
            return build_validator(self.contents, self.vocabulary)
        except ValidatorError as error:
            raise SchemaError(f"{self.name}: cannot compile the schema: {error}") from None

    @property
    def explanations(self) -> dict[str, str]:
        """What the schema says its rules mean for its template (`x-explain`): rule id -> text."""
        explained: dict[str, str] = self.contents.get("x-explain", {})
        return explained

    @cached_property
    def template_document(self) -> Document | None:
        """The template that goes with the schema, parsed (once): what fixes copy from."""
        return parse_document(self.template) if self.template is not None else None

    @cached_property
    def template_instance(self) -> tuple[dict[str, Any], SpanTable] | None:
        """The template as a JSON instance, with the span of each value in the template."""
        document = self.template_document
        if document is None:
            return None
        return build_instance(document, "template", self.catalogue, self.outline_titles)

    @cached_property
    def outline_titles(self) -> OutlineTitles:
        """Every `x-outline`'s titles. Worked out when a plan is first checked against this
        schema: choosing a family's version needs only `outline`, and walking the whole schema
        was half of loading it (valgrind: 1.8 M instructions a version; 0.9 % of a one-plan run)."""
        titles = OutlineTitles({}, {})
        for _, subschema in _subschemas(self.contents, ""):
            titles.add(subschema.get("x-outline", []), None)
        return titles

    @cached_property
    def outline_title_set(self) -> frozenset[str]:
        """The outline's titles, normalised: what a plan's headings are measured against to choose
        a family's version, or to tell a plan from other Markdown."""
        return frozenset(normalise(title) for _, title in self.outline)

    @cached_property
    def outline(self) -> list[tuple[int, str]]:
        """The template's headings as (level, title), in order, from the schema's `x-outline`."""
        for _, subschema in _subschemas(self.contents, ""):
            if isinstance(subschema.get("x-outline"), list):
                return list(flatten_outline(subschema["x-outline"]))
        return []

    @cached_property
    def reference_resolver(self) -> Any:
        """jsonschema-rs's resolver for the schema's own `$ref`s, to explain a failure.

        The same as `resolver`, without importing `referencing` (~90 ms) on the check path.
        """
        import jsonschema_rs

        def refuse(uri: str) -> Any:
            raise ValueError(f"retrieving {uri} is not allowed")

        base = self.contents.get("$id", _BASE_URI)
        return jsonschema_rs.Registry([(base, self.contents)], retriever=refuse).resolver(base)

    @cached_property
    def resolver(self) -> Any:
        """A referencing Resolver for the schema's own `$ref`s."""
        return self.registry.resolver(self.contents.get("$id", _BASE_URI))

    @cached_property
    def registry(self) -> Any:
        """The schema as the only resource; every retrieval is refused."""
        from referencing import Registry
        from referencing.exceptions import NoSuchResource
        from referencing.jsonschema import DRAFT202012

        def refuse(uri: str) -> Any:
            raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # attrs class; mypy sees no __init__

        empty: Registry[Any] = Registry(retrieve=refuse)  # type: ignore[call-arg]  # attrs class
        return empty.with_resource(self.contents.get("$id", _BASE_URI), DRAFT202012.create_resource(self.contents))


def packaged_path(name: str) -> Path:
    """A file of the bundled schemas' folder."""
    return Path(__file__).parent.parent / "schemas" / name


@cache
def vocabulary_schema() -> dict[str, Any]:
    """What the `x-` keywords of a template schema may hold (`schemas/rollout-lint-vocabulary.schema.json`)."""
    schema: dict[str, Any] = json.loads(packaged_path(VOCABULARY_SCHEMA).read_text("utf-8"))
    return schema


def load_schema(path: str | None, vocabulary: Vocabulary, packaged: str = DEFAULT_SCHEMA) -> TemplateSchema:
    """Load the schema at `path`, or the bundled schema `packaged` (path None), to be checked with
    `vocabulary`'s keywords and formats."""
    name, location = (packaged, packaged_path(packaged)) if path is None else (path, Path(path))
    contents = _parse_json(name, _read_text(name, location))
    if path is not None:
        # The bundled schema is checked by the test suite; checking it on every run would cost
        # more than the whole check of a plan.
        check_schema(name, contents, vocabulary.rules)
    template = _load_template(name, location, contents)
    catalogue = load_catalogue(template) if template else TemplateCatalogue()
    schema = TemplateSchema(name, contents, catalogue, template, vocabulary)
    if path is not None:
        _check_references(schema)
        check_section_keys(schema)
        try:
            schema.validator  # compile it now: a schema jsonschema-rs cannot take is a load error
        except SchemaError as error:
            # Say where, if the reference implementation can: a `pattern` that is no regex.
            raise _explained(name, contents) or error from None
    return schema


def _read_text(name: str, location: Path) -> str:
    try:
        return read_text(str(location))
    except SourceError as error:
        raise SchemaError(f"{name}: {error}") from None


class _NotJSON(ValueError):
    pass


def _refuse_constant(constant: str) -> None:
    # Python's json reads NaN and Infinity, which JSON has not; a NaN bound compares with nothing.
    raise _NotJSON(f"{constant} is not a JSON number")


def _parse_json(name: str, text: str) -> dict[str, Any]:
    try:
        contents = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise SchemaError(f"{name}: {_TOO_DEEP}") from None
    except json.JSONDecodeError as error:
        raise SchemaError(f"{name}: invalid JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    except _NotJSON as error:
        raise SchemaError(f"{name}: invalid JSON: {error}") from None
    if not isinstance(contents, dict):
        raise SchemaError(f"{name}: a schema must be a JSON object")
    return contents


def check_schema(name: str, contents: dict[str, Any], rules: Collection[str]) -> None:
    """Raise `SchemaError` unless `contents` is a valid Draft 2020-12 schema using our keywords
    right, naming only `rules` in `x-rule`.

    jsonschema-rs judges (a 1 MB schema in milliseconds, where jsonschema takes a minute);
    jsonschema, the reference implementation, explains what it refuses.
    """
    import jsonschema_rs

    if _depth(contents) > MAX_SCHEMA_DEPTH:
        raise SchemaError(f"{name}: {_TOO_DEEP}")
    declared = str(contents.get("$schema", _DRAFT_2020_12))
    if declared.rstrip("#") != _DRAFT_2020_12:
        raise SchemaError(f"{name}: /$schema: only Draft 2020-12 schemas are supported, not {declared!r}")
    if not jsonschema_rs.meta.is_valid(contents):
        raise _explained(name, contents) or SchemaError(f"{name}: invalid schema: not Draft 2020-12")
    vocabulary = jsonschema_rs.Draft202012Validator(vocabulary_schema())
    for pointer, subschema in _subschemas(contents, ""):
        keywords = {key: value for key, value in subschema.items() if key.startswith("x-")}
        if keywords and not vocabulary.is_valid(keywords):
            from jsonschema import Draft202012Validator
            from jsonschema.exceptions import best_match

            explainer = Draft202012Validator(vocabulary_schema())
            error = best_match(explainer.iter_errors(keywords))
            if error is None:  # jsonschema-rs refuses what jsonschema accepts: say where, at least
                raise SchemaError(f"{name}: invalid rollout-lint keyword at {pointer or '/'}")
            where = pointer + _pointer(error.absolute_path) if error.absolute_path else pointer or "/"
            raise SchemaError(f"{name}: invalid rollout-lint keyword at {where}: {error.message}")
        if "x-rule" in keywords and keywords["x-rule"] not in rules:
            raise SchemaError(f"{name}: {pointer}/x-rule: unknown rule {keywords['x-rule']!r}")
        unknown = next((rule for rule in keywords.get("x-explain", {}) if rule not in rules), None)
        if unknown is not None:
            raise SchemaError(f"{name}: {pointer}/x-explain: unknown rule {unknown!r}")


def _explained(name: str, contents: dict[str, Any]) -> SchemaError | None:
    """What jsonschema, the reference implementation, finds wrong with `contents` as a Draft
    2020-12 schema (formats too, such as a `pattern` that is no regex); None if nothing."""
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.exceptions import best_match

    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA, format_checker=FormatChecker())
    error = best_match(meta.iter_errors(contents))
    if error is None:
        return None
    return SchemaError(f"{name}: invalid schema at {_pointer(error.absolute_path)}: {error.message}")


def _check_references(schema: TemplateSchema) -> None:
    """Resolve every `$ref` now, and refuse reference cycles that never end."""
    from referencing.exceptions import Unresolvable
    from referencing.jsonschema import DRAFT202012

    name = schema.name
    schemas = dict(_subschemas(schema.contents, ""))
    pointer_of = {id(subschema): pointer for pointer, subschema in schemas.items()}
    targets: dict[str, str | None] = {}  # pointer of a reference -> pointer of what it refers to
    resolvers = {"": schema.resolver}  # a reference is resolved against its resource's `$id`
    for pointer, subschema in schemas.items():
        resolver = resolvers.get(pointer) or resolvers[_enclosing(pointer, resolvers)]
        if pointer and isinstance(subschema.get("$id"), str):
            resolver = resolver.in_subresource(DRAFT202012.create_resource(subschema))
        resolvers[pointer] = resolver
        for keyword in _REFERENCES:
            reference = subschema.get(keyword)
            if not isinstance(reference, str):
                continue
            try:
                targets[f"{pointer}/{keyword}"] = pointer_of.get(id(resolver.lookup(reference).contents))
            except Unresolvable:
                why = (
                    "there is nothing at that location in this schema"
                    if reference.startswith("#")
                    else "only references inside this schema are allowed"
                )
                raise SchemaError(f"{name}: {pointer}/{keyword}: cannot resolve {reference!r}: {why}") from None
    _refuse_cycles(name, schemas, targets)


def _enclosing(pointer: str, known: dict[str, Any]) -> str:
    """The longest pointer in `known` that `pointer` is inside of."""
    while pointer not in known:
        pointer = pointer.rpartition("/")[0]
    return pointer


def _refuse_cycles(name: str, schemas: dict[str, dict[str, Any]], targets: dict[str, str | None]) -> None:
    """Refuse references that lead back where they started without descending into the instance.

    Such a schema validates an instance by validating the same instance again, forever:
    `{"allOf": [{"$ref": "#"}]}`. Recursion through `properties`, `items`... descends a level
    at each step and ends, so only the steps that stay on the same instance are followed.
    """

    def steps(pointer: str) -> Iterator[tuple[str, str | None]]:
        """Each (schema, reference taken to it, if any) applied to the same instance as `pointer`."""
        for keyword in _REFERENCES:
            target = targets.get(f"{pointer}/{keyword}")
            if target is not None:
                yield target, f"{pointer}/{keyword}"
        subschema = schemas[pointer]
        for keyword in _IN_PLACE:
            value = subschema.get(keyword)
            if isinstance(value, list):
                below = [f"{pointer}/{keyword}/{index}" for index in range(len(value))]
            elif keyword == "dependentSchemas" and isinstance(value, dict):
                below = [f"{pointer}/{keyword}/{escape_pointer(str(entry))}" for entry in value]
            else:
                below = [f"{pointer}/{keyword}"] if value is not None else []
            yield from ((child, None) for child in below if child in schemas)

    finished: set[str] = set()
    for start in schemas:
        if start in finished:
            continue
        # Depth first, without recursion: (schema, its steps not yet taken, reference taken to it).
        path: list[tuple[str, Iterator[tuple[str, str | None]], str | None]] = [(start, steps(start), None)]
        on_path = {start: 0}  # pointer -> its index in `path`: a chain of references can be long
        while path:
            step = next(path[-1][1], None)
            if step is None:
                del on_path[path[-1][0]]
                finished.add(path.pop()[0])
                continue
            target, reference = step
            if target in on_path:
                taken = [ref for _, _, ref in path[on_path[target] + 1 :]] + [reference]
                where = next(ref for ref in taken if ref is not None)
                holder, keyword = where.rsplit("/", 1)
                raise SchemaError(
                    f"{name}: {where}: {schemas[holder][keyword]!r} leads back here without end ($ref cycle)"
                )
            if target not in finished:
                on_path[target] = len(path)
                path.append((target, steps(target), reference))


def _load_template(name: str, location: Path, contents: dict[str, Any]) -> Source | None:
    template_name = contents.get("x-template")
    if not template_name:
        return None
    template_location = location.parent / template_name
    try:
        return Source.from_text(str(template_location), read_text(str(template_location)))
    except SourceError as error:
        raise SchemaError(f"{name}: /x-template: cannot read {template_name!r}: {error}") from None


def check_section_keys(schema: TemplateSchema) -> None:
    """Refuse a section key the schema's `x-outline` does not have where the key puts it.

    The instance keys a section by the outline's spelling of its title, nested as the outline
    nests it: a key in another spelling, or under another parent, constrains a section no plan
    has, and its checks would be silently off.
    """
    titles = schema.outline_titles
    if not titles.parents:
        return  # no outline: nothing to hold the keys to
    for pointer, parents, key in _section_keys(schema.contents):
        where = f"{schema.name}: {pointer}"
        parent = parents[-1] if parents else None
        if titles.parents.get(key, "") == parent:
            continue
        if key in titles.parents:
            placed = f"under '{titles.parents[key]}'" if titles.parents[key] else "at the top"
            raise SchemaError(f"{where}: section '{key}' is {placed} in the x-outline, not here")
        spelt = titles.canonical.get(normalise(key))
        if spelt is not None:
            raise SchemaError(f"{where}: no section '{key}' in the x-outline; write it '{spelt}', as the outline does")
        import difflib

        siblings = [title for title, above in titles.parents.items() if above == parent]
        nearest = difflib.get_close_matches(key, siblings, n=1, cutoff=0.5)
        hint = f"; did you mean '{nearest[0]}'?" if nearest else ""
        raise SchemaError(f"{where}: no section '{key}' in the x-outline{hint}")


def _section_keys(contents: dict[str, Any]) -> list[tuple[str, tuple[str, ...], str]]:
    """(schema pointer, titles of the sections above, key) of each key that `properties` gives a
    `sections` object of the instance, following local `$ref`s and in-place keywords."""
    found: list[tuple[str, tuple[str, ...], str]] = []
    seen: set[tuple[int, tuple[str, ...]]] = set()

    def walk(node: Any, pointer: str, path: tuple[str, ...]) -> None:
        if not isinstance(node, dict) or (id(node), path) in seen:
            return
        seen.add((id(node), path))
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith("#"):
            walk(_resolve_local(contents, reference[1:]), reference[1:] or "/", path)
        for keyword in _IN_PLACE:
            value = node.get(keyword)
            parts = value.items() if isinstance(value, dict) and keyword == "dependentSchemas" else (
                enumerate(value) if isinstance(value, list) else [("", value)])  # fmt: skip
            for step, subschema in parts:
                walk(subschema, f"{pointer}/{keyword}" + (f"/{escape_pointer(str(step))}" if step != "" else ""), path)
        properties = node.get("properties")
        if isinstance(properties, dict):
            # The instance alternates: sections -> a title -> sections -> a title...
            under_sections = len(path) % 2 == 1 and all(step == "sections" for step in path[::2])
            for key, subschema in properties.items():
                below = f"{pointer}/properties/{escape_pointer(key)}"
                if under_sections:
                    found.append((below, path[1::2], key))
                walk(subschema, below, (*path, key))

    walk(contents, "", ())
    return found


def _resolve_local(contents: dict[str, Any], pointer: str) -> Any:
    node: Any = contents
    for part in pointer.split("/")[1:]:
        step = part.replace("~1", "/").replace("~0", "~")
        node = node.get(step) if isinstance(node, dict) else None
    return node


def _subschemas(node: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object in a schema that is a schema, with its JSON pointer."""
    if isinstance(node, dict):
        yield pointer, node
        for key, value in node.items():
            below = f"{pointer}/{escape_pointer(str(key))}"
            if key in _DATA_KEYWORDS or key.startswith("x-"):
                continue
            if key in _SCHEMA_MAPS and isinstance(value, dict):
                for entry, subschema in value.items():
                    yield from _subschemas(subschema, f"{below}/{escape_pointer(str(entry))}")
            else:
                yield from _subschemas(value, below)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _subschemas(value, f"{pointer}/{index}")


def _depth(contents: Any) -> int:
    """How deep objects and arrays nest in `contents`; without recursion, since it may be deep."""
    deepest, waiting = 0, [(contents, 1)]
    while waiting:
        node, depth = waiting.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, depth)
            waiting.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def _pointer(path: Any) -> str:
    return "".join(f"/{escape_pointer(str(part))}" for part in path) or "/"
