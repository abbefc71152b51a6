"""A yes/no check of an instance against a schema, compiled into Python closures.

Most plans are valid, and for a valid plan "is it valid?" is the whole schema stage. jsonschema-rs
answers that in a fraction of a millisecond, but importing it costs more than checking a plan
(its extension module imports `email.utils`, `socket` and `decimal` when it loads). So a schema
is compiled once into closures here, and jsonschema-rs is imported only to explain a plan the
gate rejects (`schema.TemplateSchema.errors`).

The gate must never pass an instance that jsonschema-rs fails. It therefore implements only the
keywords below, exactly as Draft 2020-12 defines them; a schema that uses anything else (a
keyword it does not know, an embedded `$id`, a format other than rollout-lint's, a `pattern`
that is more than literal text) gets no gate, and jsonschema-rs decides alone. `pattern` is
limited to literal text because Python's `re` and ECMA-262 regexes disagree on details, and a
backtracking engine can take exponential time where jsonschema-rs's cannot.
`tests/test_gate.py` holds the gate to jsonschema-rs's verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from .keywords import FORMATS, KEYWORDS

Check = Callable[[Any], bool]

# Keywords that only annotate: they never make an instance invalid.
# (Not the content* keywords: some validators assert them, and the gate does not guess.)
_ANNOTATIONS = frozenset(
    {"$schema", "$comment", "$defs", "definitions", "title", "description", "examples", "default"}
    | {"deprecated", "readOnly", "writeOnly"}
)
_TYPES: dict[str, Check] = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "number": lambda value: _is_number(value),
    "integer": lambda value: _is_number(value) and (isinstance(value, int) or value.is_integer()),
}
_PATTERN_SPECIALS = frozenset("\\^$.|?*+()[]{}")


class Unsupported(Exception):
    """The schema uses something the gate does not implement."""


def compile_gate(root: Any) -> Check | None:
    """A function telling whether an instance is valid against `root`, or None when the schema
    uses something the gate does not implement."""
    try:
        return _Compiler(root).compile(root)
    except Unsupported:
        return None
    except RecursionError:
        # A chain of `$ref`s hundreds long, each compiled inside the one before: jsonschema-rs,
        # which has no such limit, checks it alone.
        return None


class _Compiler:
    def __init__(self, root: Any) -> None:
        self.root = root
        self.base = root.get("$id") if isinstance(root, dict) else None
        # Each `$ref` target compiled once, so recursive schemas compile in finite time.
        self.targets: dict[str, Check] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True or schema == {}:
            return lambda instance: True
        if schema is False:
            return lambda instance: False
        if not isinstance(schema, dict):
            raise Unsupported
        if "$id" in schema and schema is not self.root:
            raise Unsupported  # a new base URI: references below it resolve elsewhere
        checks = [self._keyword(keyword, value, schema) for keyword, value in schema.items()]
        return _all([check for check in checks if check is not None])

    def _keyword(self, keyword: str, value: Any, schema: dict[str, Any]) -> Check | None:
        if _annotates(keyword) or keyword == "$id":
            return None
        named_check = KEYWORDS.get(keyword)
        if named_check is not None:
            return lambda instance: next(iter(named_check(value, instance)), None) is None
        compile_keyword = _COMPILERS.get(keyword)
        if compile_keyword is None:
            raise Unsupported
        return compile_keyword(self, value, schema)

    # --- any instance -------------------------------------------------------------------------

    def _type(self, value: Any, schema: dict[str, Any]) -> Check:
        names = value if isinstance(value, list) else [value]
        if not all(isinstance(name, str) and name in _TYPES for name in names):
            raise Unsupported
        tests = [_TYPES[name] for name in names]
        if len(tests) == 1:
            return tests[0]
        return lambda instance: any(test(instance) for test in tests)

    def _const(self, value: Any, schema: dict[str, Any]) -> Check:
        if isinstance(value, str):  # the common case, without json_equal's type dispatch
            return lambda instance: isinstance(instance, str) and instance == value
        return lambda instance: json_equal(instance, value)

    def _enum(self, value: Any, schema: dict[str, Any]) -> Check:
        if not isinstance(value, list):
            raise Unsupported
        return lambda instance: any(json_equal(instance, option) for option in value)

    def _ref(self, value: Any, schema: dict[str, Any]) -> Check:
        if not isinstance(value, str):
            raise Unsupported
        location, _, fragment = value.partition("#")
        if location and location != self.base:
            raise Unsupported
        if fragment not in self.targets:
            self.targets[fragment] = _never  # replaced below; reached only through recursion
            self.targets[fragment] = self.compile(self._resolve(fragment))
        if self.targets[fragment] is not _never:
            return self.targets[fragment]
        # A reference back into a schema still being compiled: looked up when it runs.
        targets = self.targets
        return lambda instance: targets[fragment](instance)

    def _resolve(self, fragment: str) -> Any:
        if fragment and not fragment.startswith("/"):
            raise Unsupported  # an `$anchor`
        node = self.root
        for token in fragment.split("/")[1:]:
            step = unquote(token).replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and step in node:
                node = node[step]
            elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
                node = node[int(step)]
            else:
                raise Unsupported
        return node

    def _allOf(self, value: Any, schema: dict[str, Any]) -> Check:
        return _all(self._compile_each(value))

    def _anyOf(self, value: Any, schema: dict[str, Any]) -> Check:
        checks = self._compile_each(value)
        return lambda instance: any(check(instance) for check in checks)

    def _oneOf(self, value: Any, schema: dict[str, Any]) -> Check:
        checks = self._compile_each(value)
        return lambda instance: sum(1 for check in checks if check(instance)) == 1

    def _not(self, value: Any, schema: dict[str, Any]) -> Check:
        check = self.compile(value)
        return lambda instance: not check(instance)

    def _if(self, value: Any, schema: dict[str, Any]) -> Check | None:
        if "then" not in schema and "else" not in schema:
            return None
        condition = self.compile(value)
        then = self.compile(schema.get("then", True))
        otherwise = self.compile(schema.get("else", True))
        return lambda instance: then(instance) if condition(instance) else otherwise(instance)

    def _then(self, value: Any, schema: dict[str, Any]) -> None:
        return None  # applied by `if`; without `if` it does nothing

    def _compile_each(self, value: Any) -> list[Check]:
        if not isinstance(value, list) or not value:
            raise Unsupported
        return [self.compile(subschema) for subschema in value]

    # --- objects ------------------------------------------------------------------------------

    def _properties(self, value: Any, schema: dict[str, Any]) -> Check:
        if not isinstance(value, dict):
            raise Unsupported
        # A property that must equal a string (a table row's "Resource", say) is compared here
        # rather than through a closure of its own: equal to a string means being that string.
        constants: list[tuple[str, str]] = []
        checks: list[tuple[str, Check]] = []
        for name, subschema in value.items():
            text = _string_const(subschema)
            if text is not None:
                constants.append((name, text))
            else:
                checks.append((name, self.compile(subschema)))
        required = schema.get("required", [])  # applied here: one call per object, not two

        def properties(instance: Any) -> bool:
            if isinstance(instance, dict):
                for name in required:
                    if name not in instance:
                        return False
                for name, text in constants:
                    if name in instance and instance[name] != text:
                        return False
                for name, check in checks:
                    if name in instance and not check(instance[name]):
                        return False
            return True

        return properties

    def _required(self, value: Any, schema: dict[str, Any]) -> Check | None:
        if "properties" in schema:
            return None  # applied by `properties`
        return lambda instance: not isinstance(instance, dict) or all(name in instance for name in value)

    # --- arrays -------------------------------------------------------------------------------

    def _prefixItems(self, value: Any, schema: dict[str, Any]) -> Check:
        checks = self._compile_each(value)
        return lambda instance: not isinstance(instance, list) or all(map(_call, checks, instance))

    def _items(self, value: Any, schema: dict[str, Any]) -> Check:
        check = self.compile(value)
        skip = len(schema.get("prefixItems", []))
        return lambda instance: not isinstance(instance, list) or all(map(check, instance[skip:]))

    def _contains(self, value: Any, schema: dict[str, Any]) -> Check:
        check = self.compile(value)
        least, most = schema.get("minContains", 1), schema.get("maxContains")
        if least == 1 and most is None:
            return lambda instance: not isinstance(instance, list) or any(map(check, instance))

        def contains(instance: Any) -> bool:
            if not isinstance(instance, list):
                return True
            count = sum(1 for item in instance if check(item))
            return count >= least and (most is None or count <= most)

        return contains

    def _minContains(self, value: Any, schema: dict[str, Any]) -> None:
        return None  # applied by `contains`; without it, ignored

    def _minItems(self, value: Any, schema: dict[str, Any]) -> Check:
        return lambda instance: not isinstance(instance, list) or len(instance) >= value

    def _maxItems(self, value: Any, schema: dict[str, Any]) -> Check:
        return lambda instance: not isinstance(instance, list) or len(instance) <= value

    # --- strings ------------------------------------------------------------------------------

    def _minLength(self, value: Any, schema: dict[str, Any]) -> Check:
        return lambda instance: not isinstance(instance, str) or len(instance) >= value

    def _maxLength(self, value: Any, schema: dict[str, Any]) -> Check:
        return lambda instance: not isinstance(instance, str) or len(instance) <= value

    def _format(self, value: Any, schema: dict[str, Any]) -> Check:
        is_valid = FORMATS.get(value)
        if is_valid is None:
            raise Unsupported  # jsonschema-rs checks the standard formats; the gate does not
        return lambda instance: not isinstance(instance, str) or is_valid(instance)

    def _pattern(self, value: Any, schema: dict[str, Any]) -> Check:
        text, at_start, at_end = _literal_pattern(value)
        if at_start and at_end:
            return lambda instance: not isinstance(instance, str) or instance == text
        if at_start:
            return lambda instance: not isinstance(instance, str) or instance.startswith(text)
        if at_end:
            return lambda instance: not isinstance(instance, str) or instance.endswith(text)
        return lambda instance: not isinstance(instance, str) or text in instance

    # --- numbers ------------------------------------------------------------------------------

    def _minimum(self, value: Any, schema: dict[str, Any]) -> Check:
        return lambda instance: not _is_number(instance) or instance >= value

    def _maximum(self, value: Any, schema: dict[str, Any]) -> Check:
        return lambda instance: not _is_number(instance) or instance <= value

    def _exclusiveMinimum(self, value: Any, schema: dict[str, Any]) -> Check:
        return lambda instance: not _is_number(instance) or instance > value

    def _exclusiveMaximum(self, value: Any, schema: dict[str, Any]) -> Check:
        return lambda instance: not _is_number(instance) or instance < value


# Draft 2020-12 keyword -> how the gate compiles it; a keyword not here makes the schema Unsupported.
_COMPILERS: dict[str, Callable[[_Compiler, Any, dict[str, Any]], Check | None]] = {
    "type": _Compiler._type,
    "const": _Compiler._const,
    "enum": _Compiler._enum,
    "$ref": _Compiler._ref,
    "allOf": _Compiler._allOf,
    "anyOf": _Compiler._anyOf,
    "oneOf": _Compiler._oneOf,
    "not": _Compiler._not,
    "if": _Compiler._if,
    "then": _Compiler._then,
    "properties": _Compiler._properties,
    "required": _Compiler._required,
    "prefixItems": _Compiler._prefixItems,
    "items": _Compiler._items,
    "contains": _Compiler._contains,
    "minContains": _Compiler._minContains,
    "minItems": _Compiler._minItems,
    "maxItems": _Compiler._maxItems,
    "minLength": _Compiler._minLength,
    "maxLength": _Compiler._maxLength,
    "format": _Compiler._format,
    "pattern": _Compiler._pattern,
    "minimum": _Compiler._minimum,
    "maximum": _Compiler._maximum,
    "exclusiveMinimum": _Compiler._exclusiveMinimum,
    "exclusiveMaximum": _Compiler._exclusiveMaximum,
    "else": _Compiler._then,
    "maxContains": _Compiler._minContains,
}


def _annotates(keyword: str) -> bool:
    """Whether a keyword only annotates; an `x-` keyword that is no named check (x-rule,
    x-message...) is an annotation, as for jsonschema-rs."""
    return keyword in _ANNOTATIONS or (keyword.startswith("x-") and keyword not in KEYWORDS)


def _string_const(schema: Any) -> str | None:
    """The string of a schema that only says `{"const": "<string>"}` (and annotates); else None."""
    if not isinstance(schema, dict) or not isinstance(schema.get("const"), str):
        return None
    asserting = [keyword for keyword in schema if not _annotates(keyword)]
    return schema["const"] if asserting == ["const"] else None


def _literal_pattern(pattern: Any) -> tuple[str, bool, bool]:
    """(text, anchored at the start, anchored at the end) of a pattern that is literal text,
    optionally between `^` and `$`, with `\\` escaping only punctuation; else Unsupported."""
    if not isinstance(pattern, str):
        raise Unsupported
    at_start = pattern.startswith("^")
    at_end = pattern.endswith("$") and not pattern.endswith("\\$")
    body = pattern[at_start : len(pattern) - at_end]
    text = []
    escaped = False
    for character in body:
        if escaped:
            if character not in _PATTERN_SPECIALS and character not in "/-":
                raise Unsupported  # \d, \b, \n...: a class or an assertion, not a literal
            text.append(character)
            escaped = False
        elif character == "\\":
            escaped = True
        elif character in _PATTERN_SPECIALS:
            raise Unsupported
        else:
            text.append(character)
    if escaped:
        raise Unsupported
    return "".join(text), at_start, at_end


def json_equal(left: Any, right: Any) -> bool:
    """Equality as JSON Schema defines it: 1 == 1.0, but true != 1; arrays and objects deeply."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if _is_number(left) and _is_number(right):
        return bool(left == right)
    if type(left) is not type(right):
        return False
    if isinstance(left, list):
        return len(left) == len(right) and all(map(json_equal, left, right))
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(json_equal(value, right[key]) for key, value in left.items())
    return bool(left == right)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _all(checks: list[Check]) -> Check:
    if not checks:
        return lambda instance: True
    if len(checks) == 1:
        return checks[0]

    def conjunction(instance: Any) -> bool:
        for check in checks:
            if not check(instance):
                return False
        return True

    return conjunction


def _call(check: Check, instance: Any) -> bool:
    return check(instance)


def _never(instance: Any) -> bool:
    raise AssertionError("a $ref target was used before it was compiled")
