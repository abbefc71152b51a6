"""The gate (`gate.py`) must give jsonschema-rs's verdict, or stand aside.

A plan the gate passes is never shown to jsonschema-rs, so a gate more lenient than jsonschema-rs
would hide findings. Held to jsonschema-rs's `is_valid`: keyword by keyword on small schemas
chosen for Draft 2020-12's corners, on every own file and corpus file in both modes, and on
random mutations of a plan's instance. A schema using anything the gate does not implement
gets no gate, and is then checked by jsonschema-rs alone (tested through the command).
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import EXAMPLE_PLAN, FIXTURES, OWN_FILES, SHARED, needs_shared, run_cli
from rollout_lint.document import parse_document
from rollout_lint.gate import compile_gate
from rollout_lint.instance import build_instance
from rollout_lint.schema import TemplateSchema, load_schema
from rollout_lint.source import read_source
from rollout_lint.validator import build_validator

BUG_REPORT_SCHEMA = str(FIXTURES / "schemas" / "bug-report.schema.json")

# (schema, instances): each instance is judged by the gate and by jsonschema-rs.
KEYWORD_CASES: list[tuple[dict[str, Any], list[Any]]] = [
    ({"type": "integer"}, [1, 1.0, 1.5, True, "1", None]),
    ({"type": ["string", "null"]}, ["", None, 0, False, []]),
    ({"type": "number"}, [0, -2.5, True, "3"]),
    ({"type": "object"}, [{}, [], "x"]),
    ({"const": 1}, [1, 1.0, True, "1"]),
    ({"const": True}, [True, 1, 1.0, False]),
    ({"const": ["a", 1]}, [["a", 1], ["a", 1.0], ["a", True], ["a"]]),
    ({"const": {"a": [1, {"b": None}]}}, [{"a": [1, {"b": None}]}, {"a": [1, {"b": False}]}, {"a": [1, {}]}]),
    ({"const": "text"}, ["text", "Text", ["text"]]),
    ({"enum": [1, "one", [1], {"x": 1}, None]}, [1.0, "one", [1.0], {"x": 1}, None, False, 2]),
    ({"minLength": 2, "maxLength": 3}, ["a", "ab", "abcd", "😀😀", "😀", "e\u0301", 5]),
    ({"minimum": 2, "maximum": 5.5}, [2, 1.9, 5.5, 5.6, "1", True, False]),
    ({"exclusiveMinimum": 2, "exclusiveMaximum": 5}, [2, 2.1, 5, 4.9]),
    ({"minItems": 1, "maxItems": 2}, [[], [1], [1, 2, 3], "abc", {}]),
    ({"required": ["a", "b"]}, [{"a": 1, "b": 2}, {"a": 1}, [], "a"]),
    ({"properties": {"a": {"type": "string"}, "b~/c": False}}, [{"a": "x"}, {"a": 1}, {"b~/c": 0}, {}, 7]),
    # A string `const` property is compared inside `properties`; other consts are not.
    (
        {"properties": {"a": {"const": "x", "title": "t", "x-message": "m"}, "b": {"const": 1}}},
        [{"a": "x"}, {"a": "y"}, {"a": 1}, {"a": ["x"]}, {"a": None}, {"b": 1.0}, {"b": True}, {}],
    ),
    # `required` is applied by `properties` when both are there: names inside and outside it.
    ({"properties": {"a": {"const": 1}}, "required": ["a", "b"]}, [{"a": 1, "b": 0}, {"a": 2, "b": 0}, {"a": 1}, {"b": 0}, [], "x"]),
    ({"prefixItems": [{"const": 1}, {"const": 2}], "items": {"type": "string"}}, [[1], [1, 2, "x"], [1, 2, 3], [2], []]),
    ({"items": False}, [[], [1]]),
    ({"contains": {"const": 1}}, [[1], [2], [], {}, [2, 1.0]]),
    ({"contains": {"const": 1}, "minContains": 0}, [[], [2]]),
    ({"contains": {"const": 1}, "minContains": 2, "maxContains": 3}, [[1], [1, 1], [1, 1, 1, 1], [1, 2, 1]]),
    ({"maxContains": 0}, [[1]]),
    ({"allOf": [{"type": "string"}, {"minLength": 2}]}, ["ab", "a", 1]),
    ({"anyOf": [{"type": "string"}, {"minimum": 2}]}, ["a", 3, 1, None]),
    ({"oneOf": [{"type": "integer"}, {"minimum": 2}]}, [1, 3, 2.5, "x"]),
    ({"not": {"type": "string"}}, ["a", 1]),
    ({"not": {}}, [None, 0]),
    ({"if": {"const": 1}, "then": {"type": "integer"}, "else": {"type": "string"}}, [1, "a", 2]),
    ({"if": {"minimum": 1}, "then": {"maximum": 2}}, [1, 3, 0, "z"]),
    ({"if": {"minimum": 1}, "else": {"maximum": -1}}, [0, 5, -3]),
    ({"if": False}, [1]),
    ({"then": False}, [1]),
    ({"pattern": "^The issue is"}, ["The issue is marked", "the issue is", "x The issue is", 3]),
    ({"pattern": "marked$"}, ["is marked", "is marked\n", "marked twice"]),
    ({"pattern": "^exact$"}, ["exact", "exact\n", "exactly", "\nexact"]),
    ({"pattern": "a\\.b\\$"}, ["xa.b$y", "axb$", "a.b"]),
    ({"pattern": "Do not remove"}, ["please Do not remove this", "do not remove"]),
    ({"format": "rollout-date"}, ["2026-10-01", "???", "", 12]),
    ({"format": "gitlab-link"}, ["#123", "group/project#1", "not a link", None]),
    ({"x-period": True}, ["from 2026-01-02 to 2026-01-01", "from 2026-01-01 to 2026-01-02", "no period", 5]),
    ({"x-rule": "RL101", "x-message": "ignored", "x-hint": "ignored", "title": "t", "description": "d"}, [1]),
    (
        {"$defs": {"node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/node"}}}}, "$ref": "#/$defs/node"},
        [{"next": {"next": {}}}, {"next": {"next": 1}}, 1],
    ),
    ({"$defs": {"a~b": {"$defs": {"c/d": {"const": 2}}}}, "$ref": "#/$defs/a~0b/$defs/c~1d"}, [2, 3]),
    ({"$defs": {"with space": {"const": 2}}}, [2]),
    ({"$defs": {"with space": {"const": 2}}, "$ref": "#/$defs/with%20space"}, [2, 3]),
    ({"$id": "urn:test:self", "$defs": {"x": {"const": 2}}, "$ref": "urn:test:self#/$defs/x"}, [2, 3]),
    ({"prefixItems": [{"$ref": "#"}], "type": "array"}, [[[[]]], [[1]], []]),
    (True, [1, None]),
    (False, [1, None]),
]

UNSUPPORTED = [
    {"patternProperties": {"^a": {}}},
    {"additionalProperties": False},
    {"uniqueItems": True},
    {"pattern": "\\d{4}"},
    {"pattern": "\\bfrom\\b.+\\bto\\b"},
    {"pattern": "a|b"},
    {"format": "email"},
    {"contentMediaType": "application/json"},
    {"properties": {"a": {"$id": "urn:other", "const": 1}}},
    {"$defs": {"x": {"$anchor": "x"}}, "$ref": "#x"},
    {"$ref": "urn:elsewhere#/x"},
    {"$ref": "#/$defs/nowhere"},
    # Names of the gate's own helpers are not keywords it knows.
    {"keyword": {}},
    {"compile_each": []},
    {"resolve": ""},
]


def rs_valid(schema: Any, instance: Any) -> bool:
    return bool(build_validator(schema if isinstance(schema, dict) else {"allOf": [schema]}).is_valid(instance))


@pytest.mark.parametrize(("schema", "instances"), KEYWORD_CASES, ids=[json.dumps(case[0])[:60] for case in KEYWORD_CASES])
def test_keyword_verdicts_match_jsonschema_rs(schema: Any, instances: list[Any]) -> None:
    gate = compile_gate(schema)
    assert gate is not None, "the gate implements every keyword here"
    for instance in instances:
        assert gate(instance) == rs_valid(schema, instance), instance


def test_keyword_cases_hold_both_verdicts() -> None:
    """The table above proves something only where it holds both verdicts: it does for every
    schema but those that give one verdict whatever the instance."""
    one_verdict = [json.dumps(schema) for schema, instances in KEYWORD_CASES if len({rs_valid(schema, i) for i in instances}) == 1]
    assert one_verdict == [
        '{"contains": {"const": 1}, "minContains": 0}',
        '{"maxContains": 0}',
        '{"not": {}}',
        '{"if": false}',
        '{"then": false}',
        '{"x-rule": "RL101", "x-message": "ignored", "x-hint": "ignored", "title": "t", "description": "d"}',
        '{"$defs": {"with space": {"const": 2}}}',
        "true",
        "false",
    ]


@pytest.mark.parametrize("schema", UNSUPPORTED, ids=[json.dumps(schema)[:50] for schema in UNSUPPORTED])
def test_what_the_gate_does_not_implement_leaves_it_out(schema: dict[str, Any]) -> None:
    assert compile_gate(schema) is None


@lru_cache(maxsize=2)
def schema_named(name: str) -> TemplateSchema:
    return load_schema(None if name == "rollout" else BUG_REPORT_SCHEMA)


@pytest.mark.parametrize("name", ["rollout", "bug-report"])
def test_the_projects_schemas_have_a_gate(name: str) -> None:
    assert schema_named(name).gate is not None


def instance_of(path: Path, schema: TemplateSchema, mode: str) -> dict[str, Any]:
    instance, _ = build_instance(parse_document(read_source(str(path))), mode, schema.catalogue, schema.canonical_titles)
    return instance


def disagreements(paths: list[Path]) -> list[str]:
    found = []
    for name in ("rollout", "bug-report"):
        schema = schema_named(name)
        assert schema.gate is not None
        for path in paths:
            for mode in ("issue", "template"):
                instance = instance_of(path, schema, mode)
                if schema.gate(instance) != schema.validator.is_valid(instance):
                    found.append(f"{name} {mode} {path.name}")
    return found


def test_same_verdict_as_jsonschema_rs_on_own_files() -> None:
    assert disagreements(OWN_FILES) == []
    verdicts = {schema_named("rollout").validator.is_valid(instance_of(path, schema_named("rollout"), "issue")) for path in OWN_FILES}
    assert verdicts == {True, False}


@needs_shared
def test_same_verdict_as_jsonschema_rs_on_the_corpus() -> None:
    assert disagreements(sorted((SHARED / "corpus" / "gitlab-templates").rglob("*.md"))) == []


# Values of the kinds the instance holds, chosen to trip the schema's checks.
LIKE: dict[type, st.SearchStrategy[Any]] = {
    str: st.sampled_from(["", "???", "X ms to Y ms", "2026-10-01", "2026-13-01", "#1", "x", "Overview", "type::bug"])
    | st.text(max_size=5),
    int: st.integers(-1, 7),
    bool: st.booleans(),
}


def places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every value inside `node`."""
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += places(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += places(value, (*path, index))
    return found


@given(data=st.data())
def test_same_verdict_as_jsonschema_rs_on_mutated_instances(data: st.DataObject) -> None:
    """Mutations that keep the instance's shape, as a plan written differently would: values
    deleted, repeated or replaced by another of their kind."""
    schema = schema_named("rollout")
    assert schema.gate is not None
    instance = copy.deepcopy(instance_of(EXAMPLE_PLAN, schema, data.draw(st.sampled_from(["issue", "template"]))))
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(places(instance)[1:]))
        parent = instance
        for step in path[:-1]:
            parent = parent[step]
        value = parent[path[-1]]
        action = data.draw(st.sampled_from(["delete", "repeat", "replace"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "repeat" and isinstance(parent, list):
            parent.insert(path[-1], copy.deepcopy(value))
        elif type(value) in LIKE:
            parent[path[-1]] = data.draw(LIKE[type(value)])
    assert schema.gate(instance) == schema.validator.is_valid(instance)


def test_a_schema_without_a_gate_is_still_checked(tmp_path: Path) -> None:
    """A user's schema the gate cannot take (a regex `pattern`) is validated by jsonschema-rs alone."""
    schema = tmp_path / "dated.schema.json"
    schema.write_text(
        json.dumps(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "properties": {"headings": {"items": {"properties": {"title": {"x-rule": "RL104", "pattern": "^\\d{4}"}}}}},
            }
        )
    )
    plan = tmp_path / "plan.md"
    plan.write_text("## 2026 plan\n\n## Plan for 2027\n")
    result = run_cli("check", "--format", "json", "--schema", str(schema), str(plan))
    assert [(d["line"], d["rule"]) for d in result.json()["diagnostics"]] == [(3, "RL104")]


def test_a_valid_plan_is_checked_without_importing_jsonschema_rs() -> None:
    valid = run_cli("check", str(EXAMPLE_PLAN), env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert valid.code == 0, valid
    assert "jsonschema_rs" not in valid.err
    invalid = run_cli("check", str(FIXTURES / "issue" / "dates-out-of-order.md"), env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert invalid.code == 1, invalid
    assert "jsonschema_rs" in invalid.err, "the test sees the import when there is one"
