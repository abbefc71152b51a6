"""Loading a schema given with `--schema`: a bad one is refused up front, in one line, by pointer.

A schema that cannot be used stops the run before any file is read: exit 2, nothing on standard
output, and one line on standard error that names the schema file and, where there is one, the
JSON pointer of the fault. `$ref` may only point inside the schema: a reference to anything
else is refused at load time, without fetching it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from conftest import Result, findings, run_cli, run_main

PLAN = "# Summary\n\nThe export button does nothing.\n\n/label ~\"type::bug\"\n"
REMOTE = "https://example.com/x.json"
ONLY_INSIDE = "only references inside this schema are allowed"


@dataclass(frozen=True)
class BadSchema:
    id: str
    text: str | bytes  # the schema file's contents
    says: tuple[str, ...]  # what the message says besides the file name: the pointer first
    beside: dict[str, str] = field(default_factory=dict)  # other files next to the schema


BAD_SCHEMAS = [
    # --- not a JSON object --------------------------------------------------------------------
    BadSchema("invalid JSON", '{"type": "object",}', ("invalid JSON", "line 1 column 19")),
    BadSchema("empty file", "", ("invalid JSON", "line 1 column 1")),
    # Python's json module reads these; JSON has no such numbers, and a NaN bound compared with
    # a measured value was a traceback.
    BadSchema("NaN", '{"properties": {"p50": {"x-range": {"units": {"ms": 1}, "minimum": NaN}}}}', ("invalid JSON", "NaN")),
    BadSchema("Infinity", '{"maximum": -Infinity}', ("invalid JSON", "-Infinity")),
    BadSchema("not UTF-8", b'{"title": "\xff"}', ("not valid UTF-8", "0xff")),
    BadSchema("not an object", '["type", "object"]', ("a schema must be a JSON object",)),
    # --- not a Draft 2020-12 schema -----------------------------------------------------------
    BadSchema(
        "meta-schema violation",
        '{"properties": {"a": {"type": "strin"}}}',
        ("/properties/a/type", "'strin'"),
    ),
    BadSchema(
        "invalid regex in pattern",
        '{"properties": {"labels": {"items": {"pattern": "type::(bug"}}}}',
        ("/properties/labels/items/pattern", "'type::(bug'", "regex"),
    ),
    BadSchema(
        "draft-07 $schema",
        '{"$schema": "http://json-schema.org/draft-07/schema#"}',
        ("/$schema", "only Draft 2020-12", "draft-07"),
    ),
    BadSchema("$schema that is not a string", '{"$schema": 2020}', ("/$schema", "only Draft 2020-12", "2020")),
    # --- $ref outside the schema ---------------------------------------------------------------
    BadSchema(
        "remote $ref",
        f'{{"properties": {{"labels": {{"$ref": "{REMOTE}"}}}}}}',
        ("/properties/labels/$ref", f"'{REMOTE}'", ONLY_INSIDE),
    ),
    BadSchema(
        "file $ref to a file that exists",
        '{"properties": {"labels": {"$ref": "other.json"}}}',
        ("/properties/labels/$ref", "'other.json'", ONLY_INSIDE),
        beside={"other.json": '{"contains": {"const": "type::bug"}}'},
    ),
    BadSchema(
        "relative $ref against a remote $id",
        '{"$id": "https://example.com/bug.schema.json", "$ref": "other.json"}',
        ("/$ref", "'other.json'", ONLY_INSIDE),
    ),
    BadSchema("remote $dynamicRef", f'{{"$dynamicRef": "{REMOTE}"}}', ("/$dynamicRef", f"'{REMOTE}'", ONLY_INSIDE)),
    BadSchema(
        # `examples` is a keyword whose value is data; as a property name it holds a schema.
        "remote $ref under a property named like a data keyword",
        f'{{"properties": {{"sections": {{"properties": {{"examples": {{"$ref": "{REMOTE}"}}}}}}}}}}',
        ("/properties/sections/properties/examples/$ref", f"'{REMOTE}'", ONLY_INSIDE),
    ),
    # --- $ref inside the schema, but wrong ------------------------------------------------------
    BadSchema(
        "local $ref to nothing",
        '{"properties": {"labels": {"$ref": "#/$defs/bugLabel"}}}',
        ("/properties/labels/$ref", "'#/$defs/bugLabel'", "nothing at"),
    ),
    BadSchema("$ref cycle", '{"allOf": [{"$ref": "#"}]}', ("/allOf/0/$ref", "'#'", "$ref cycle")),
    BadSchema(
        "$ref cycle an empty instance never reaches",
        '{"properties": {"sections": {"anyOf": [{"$ref": "#/properties/sections"}]}}}',
        ("/properties/sections/anyOf/0/$ref", "'#/properties/sections'", "$ref cycle"),
    ),
    BadSchema(
        "$ref cycle through $defs",
        '{"$ref": "#/$defs/a", "$defs": {"a": {"not": {"$ref": "#/$defs/b"}}, "b": {"if": {"$ref": "#/$defs/a"}}}}',
        ("/$defs/a/not/$ref", "'#/$defs/b'", "$ref cycle"),
    ),
    # --- rollout-lint keywords ------------------------------------------------------------------
    BadSchema("unknown x- keyword", '{"properties": {"labels": {"x-rul": "RL502"}}}', ("/properties/labels", "'x-rul'")),
    BadSchema(
        "x- keyword with a bad value",
        '{"properties": {"labels": {"x-unique-scopes": "yes"}}}',
        ("/properties/labels/x-unique-scopes", "'yes'"),
    ),
    BadSchema(
        "x-rule naming an unknown rule",
        '{"properties": {"labels": {"x-rule": "RL999"}}}',
        ("/properties/labels/x-rule", "unknown rule 'RL999'"),
    ),
    BadSchema("x-rule that is not a rule id", '{"x-rule": "missing-label"}', ("/x-rule", "'missing-label'")),
    BadSchema("x-template file missing", '{"x-template": "bug-report.md"}', ("/x-template", "'bug-report.md'")),
    BadSchema(
        "x-template outside the schema's folder",
        '{"x-template": "../bug-report.md"}',
        ("/x-template", "'../bug-report.md'"),
        beside={"../bug-report.md": "### Summary\n"},
    ),
]


def write_schema(directory: Path, case: BadSchema) -> Path:
    for name, text in case.beside.items():
        (directory / name).write_text(text, encoding="utf-8")
    schema = directory / "bug.schema.json"
    if isinstance(case.text, bytes):
        schema.write_bytes(case.text)
    else:
        schema.write_text(case.text, encoding="utf-8")
    return schema


def check_with(schema: Path | str, tmp_path: Path, plan: str = PLAN, memory: int | None = None) -> Result:
    """Check `plan` against `schema`: in this process, or with `memory` the installed command with
    its address space capped (a schema or catalogue read whole would fail, not take the machine)."""
    (tmp_path / "plan.md").write_text(plan, encoding="utf-8")
    args = ("check", "--schema", str(schema), "--mode", "issue", "--format", "json", str(tmp_path / "plan.md"))
    return run_main(*args) if memory is None else run_cli(*args, memory=memory)


def assert_refused(result: Result, schema: Path | str, says: tuple[str, ...]) -> None:
    assert result.code == 2, result
    assert result.out == "", result  # no file was checked
    assert "Traceback" not in result.err, result
    assert result.err.endswith("\n") and result.err.count("\n") == 1, result
    assert result.err.startswith(f"rollout-lint: {schema}: "), result
    for words in says:
        assert words in result.err, result


@pytest.mark.parametrize("case", BAD_SCHEMAS, ids=lambda case: case.id)
def test_a_bad_schema_is_refused_in_one_line_naming_file_and_pointer(case: BadSchema, tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    schema = write_schema(tmp_path / "schemas", case)
    assert_refused(check_with(schema, tmp_path), schema, case.says)


# Every file is read whole into memory: 4 MiB at most, schemas and templates alike.
MAX_BYTES = 4 << 20
# Far below what reading /dev/zero until it ends would take.
MEMORY = 512 << 20


def json_of_size(size: int) -> str:
    """A valid schema of exactly `size` bytes: a long description."""
    return '{"description": "' + "x" * (size - len('{"description": ""}')) + '"}'


def markdown_of_size(size: int) -> str:
    return "### Summary\n\n" + "x" * (size - len("### Summary\n\n\n")) + "\n"


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


# Each makes the file at `path` something no schema or template can be, and says what it is.
NOT_A_FILE: list[Any] = [
    pytest.param(lambda path: None, "no such file or directory", id="missing"),
    pytest.param(Path.mkdir, "not a regular file (a directory)", id="a directory"),
    # Opening a FIFO waits for a writer: refused before it is opened.
    pytest.param(_fifo, "not a regular file (a FIFO)", id="a FIFO"),
    # Reading /dev/zero never ends.
    pytest.param(_dev_zero, "not a regular file (a special file)", id="a link to /dev/zero"),
]


@pytest.mark.parametrize(("make", "says"), NOT_A_FILE)
def test_a_schema_path_that_is_not_a_file_is_refused(make: Callable[[Path], object], says: str, tmp_path: Path) -> None:
    schema = tmp_path / "bug.schema.json"
    make(schema)
    result = check_with(schema, tmp_path, memory=MEMORY)
    assert_refused(result, schema, ())
    assert result.err == f"rollout-lint: {schema}: {says}\n"


@pytest.mark.parametrize(("make", "says"), NOT_A_FILE)
def test_a_template_that_is_not_a_file_is_refused(make: Callable[[Path], object], says: str, tmp_path: Path) -> None:
    schema = tmp_path / "bug.schema.json"
    schema.write_text('{"x-template": "bug-report.md"}', encoding="utf-8")
    make(tmp_path / "bug-report.md")
    result = check_with(schema, tmp_path, memory=MEMORY)
    assert_refused(result, schema, ())
    assert result.err == f"rollout-lint: {schema}: /x-template: cannot read 'bug-report.md': {says}\n"


def test_a_schema_or_template_of_4_mib_is_read_and_a_larger_one_refused(tmp_path: Path) -> None:
    schema = tmp_path / "bug.schema.json"
    schema.write_text(json_of_size(MAX_BYTES), encoding="utf-8")
    assert findings(check_with(schema, tmp_path)) == []
    schema.write_text(json_of_size(MAX_BYTES + 1), encoding="utf-8")
    result = check_with(schema, tmp_path)
    assert_refused(result, schema, ())
    assert result.err == f"rollout-lint: {schema}: larger than 4 MiB (4,194,305 bytes)\n"

    schema.write_text('{"x-template": "bug-report.md"}', encoding="utf-8")
    template = tmp_path / "bug-report.md"
    template.write_text(markdown_of_size(MAX_BYTES), encoding="utf-8")
    assert check_with(schema, tmp_path).code in (0, 1)
    template.write_text(markdown_of_size(MAX_BYTES + 1), encoding="utf-8")
    result = check_with(schema, tmp_path)
    assert_refused(result, schema, ())
    assert result.err == (
        f"rollout-lint: {schema}: /x-template: cannot read 'bug-report.md': larger than 4 MiB (4,194,305 bytes)\n"
    )


# --- no retrieval ------------------------------------------------------------------------------


@pytest.fixture
def schema_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that serves a valid schema at any path and records every request."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            requests.append(self.path)
            body = json.dumps({"contains": {"const": "type::bug"}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/schema+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("keyword", ["$ref", "$dynamicRef"])
def test_a_reachable_remote_schema_is_never_fetched(
    keyword: str, schema_server: tuple[str, list[str]], tmp_path: Path
) -> None:
    address, requests = schema_server
    reference = f"{address}/bug-label.schema.json"
    schema = tmp_path / "bug.schema.json"
    schema.write_text(json.dumps({"properties": {"labels": {keyword: reference}}}), encoding="utf-8")
    says = (f"/properties/labels/{keyword}", f"'{reference}'", ONLY_INSIDE)
    assert_refused(check_with(schema, tmp_path), schema, says)
    assert requests == []


# --- good schemas ------------------------------------------------------------------------------

BUG_LABEL = {
    "x-rule": "RL502",
    "contains": {"const": "type::bug"},
    "x-message": "the label 'type::bug' is not applied",
}


def refer(reference: str, name: str = "bugLabel", **root: Any) -> dict[str, Any]:
    """A schema whose `labels` refer to the bug-label rule in `$defs/<name>`."""
    return {**root, "properties": {"labels": {"$ref": reference}}, "$defs": {name: dict(BUG_LABEL)}}


def anchored() -> dict[str, Any]:
    schema = refer("#bug-label")
    schema["$defs"]["bugLabel"]["$anchor"] = "bug-label"
    return schema


EMBEDDED = {"$id": "urn:rollout-lint:test:labels", "$ref": "#/$defs/bugLabel", "$defs": {"bugLabel": BUG_LABEL}}


def referenced_embedded() -> dict[str, Any]:
    """`#/$defs/bugLabel` is looked up in the embedded resource the first `$ref` leads to."""
    return {"properties": {"labels": {"$ref": "urn:rollout-lint:test:labels"}}, "$defs": {"labels": EMBEDDED}}


def inline_embedded() -> dict[str, Any]:
    """`#/$defs/bugLabel` is looked up in the resource that `properties/labels` starts."""
    return {"properties": {"labels": EMBEDDED}}


@dataclass(frozen=True)
class LocalReference:
    id: str
    schema: dict[str, Any]


LOCAL_REFERENCES = [
    LocalReference("JSON pointer", refer("#/$defs/bugLabel")),
    LocalReference("$anchor", anchored()),
    LocalReference("percent-encoded JSON pointer", refer("#/$defs/bug%20label", name="bug label")),
    LocalReference(
        "pointer after the schema's own $id",
        refer("urn:rollout-lint:test:bug#/$defs/bugLabel", **{"$id": "urn:rollout-lint:test:bug"}),
    ),
    LocalReference("pointer inside a referenced embedded resource", referenced_embedded()),
    LocalReference("pointer inside an inline embedded resource", inline_embedded()),
]


@pytest.mark.parametrize("reference", LOCAL_REFERENCES, ids=lambda reference: reference.id)
def test_a_plan_that_meets_a_local_ref_passes(reference: LocalReference, tmp_path: Path) -> None:
    path = tmp_path / "bug.schema.json"
    path.write_text(json.dumps(reference.schema), encoding="utf-8")
    result = check_with(path, tmp_path)
    assert (result.code, result.err) == (0, ""), result


@pytest.mark.parametrize("reference", LOCAL_REFERENCES, ids=lambda reference: reference.id)
def test_a_finding_through_a_local_ref_has_the_rule_and_message_of_its_target(
    reference: LocalReference, tmp_path: Path
) -> None:
    path = tmp_path / "bug.schema.json"
    path.write_text(json.dumps(reference.schema), encoding="utf-8")
    result = check_with(path, tmp_path, plan=PLAN.replace('/label ~"type::bug"', "/assign @me"))
    assert result.code == 1, result
    assert [(d["line"], d["rule"], d["message"]) for d in result.json()["diagnostics"]] == [
        (5, "RL502", "the label 'type::bug' is not applied")
    ]


FILLED = {"properties": {"content": {"x-rule": "RL203", "minItems": 1, "x-message": "section '{section}' is empty"}}}


def filled_section(title: str) -> dict[str, Any]:
    """A schema that requires content in the top-level section `title`, through `$defs`."""
    return {"properties": {"sections": {"properties": {title: {"$ref": "#/$defs/filled"}}}}, "$defs": {"filled": FILLED}}


NESTED = {"properties": {"sections": {"additionalProperties": {"$ref": "#/$defs/section"}}}}


@pytest.mark.parametrize(
    ("schema", "plan", "expected"),
    [
        pytest.param(
            # A section, field or column may be named like an x- keyword: a name, not a keyword.
            filled_section("x-ray"),
            "# Summary\n\nDone.\n\n# x-ray\n\n<!-- none yet -->\n",
            [(5, "RL203")],
            id="a property named like an x- keyword",
        ),
        pytest.param(
            # ... or like a keyword whose value is data (`examples`, `const`, `default`).
            filled_section("examples"),
            "# Summary\n\nDone.\n\n# examples\n\n<!-- none yet -->\n",
            [(5, "RL203")],
            id="a property named like a data keyword",
        ),
        pytest.param(
            # Recursion that descends into the instance at each step ends: it is not a $ref cycle.
            {**NESTED, "$defs": {"section": {"allOf": [FILLED], **NESTED}}},
            "# Summary\n\nDone.\n\n## Details\n\nMore.\n\n### Logs\n\n<!-- paste them -->\n",
            [(9, "RL203")],
            id="recursion into nested sections",
        ),
    ],
)
def test_a_good_schema_loads_and_checks(
    schema: dict[str, Any], plan: str, expected: list[tuple[int, str]], tmp_path: Path
) -> None:
    path = tmp_path / "bug.schema.json"
    path.write_text(json.dumps(schema), encoding="utf-8")
    result = check_with(path, tmp_path, plan=plan)
    assert findings(result) == expected, result


# --- deep schemas: refused at load in one line, or checked; never a RecursionError ---------------

MAX_DEPTH = 64  # objects and arrays nested in a schema
NOPE = {"required": ["nope"]}  # PLAN fails it: RL100 on line 1
# How each shape wraps a schema, and what PLAN gets against the result.
SHAPES: dict[str, tuple[Callable[[Any], Any], list[tuple[int, str]]]] = {
    "allOf": (lambda schema: {"allOf": [schema]}, [(1, "RL100")]),
    "not not": (lambda schema: {"not": {"not": schema}}, [(1, "RL100")]),
    "if then": (lambda schema: {"if": True, "then": schema}, [(1, "RL100")]),
    "properties": (lambda schema: {"properties": {"x": schema}}, []),  # PLAN has no `x`
    "items": (lambda schema: {"items": schema}, []),  # PLAN is an object, not an array
}


def json_depth(value: Any) -> int:
    """How deep objects and arrays nest in `value`, counted in its JSON text (brackets open at
    once, outside strings): another way than the loader's walk over the parsed value."""
    deepest = depth = 0
    in_string = escaped = False
    for character in json.dumps(value):
        if in_string:
            escaped, in_string = (False, True) if escaped else (character == "\\", character != '"')
        elif character == '"':
            in_string = True
        elif character in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in "]}":
            depth -= 1
    return deepest


def nested(shape: str, depth: int) -> dict[str, Any]:
    """NOPE wrapped in `shape` until it is at least `depth` deep."""
    wrap, _ = SHAPES[shape]
    schema: Any = NOPE
    while json_depth(schema) < depth:
        schema = wrap(schema)
    return dict(schema)


def write_json(path: Path, value: Any) -> Path:
    # json.dumps recurses too: raise the limit for writing, not for the command.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(10_000)
    try:
        path.write_text(json.dumps(value), encoding="utf-8")
    finally:
        sys.setrecursionlimit(limit)
    return path


@pytest.mark.parametrize("shape", SHAPES)
def test_a_schema_nested_64_deep_loads_and_checks(shape: str, tmp_path: Path) -> None:
    schema = nested(shape, MAX_DEPTH)
    assert json_depth(schema) == MAX_DEPTH
    result = check_with(write_json(tmp_path / "deep.schema.json", schema), tmp_path)
    assert findings(result) == SHAPES[shape][1], result


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 200, 600])
@pytest.mark.parametrize("shape", SHAPES)
def test_a_schema_nested_deeper_is_refused_in_one_line(shape: str, depth: int, tmp_path: Path) -> None:
    schema = write_json(tmp_path / "deep.schema.json", nested(shape, depth))
    result = check_with(schema, tmp_path)
    assert_refused(result, schema, ())
    assert result.err == f"rollout-lint: {schema}: objects and arrays nested deeper than 64 levels\n"


def test_json_too_deep_for_the_json_parser_is_refused_in_one_line(tmp_path: Path) -> None:
    schema = tmp_path / "deep.schema.json"
    schema.write_text('{"not": ' * 100_000 + "{}" + "}" * 100_000, encoding="utf-8")
    result = check_with(schema, tmp_path)
    assert_refused(result, schema, ())
    assert result.err == f"rollout-lint: {schema}: objects and arrays nested deeper than 64 levels\n"


@pytest.mark.parametrize("length", [10, 1_000])
def test_a_long_chain_of_references_is_checked(length: int, tmp_path: Path) -> None:
    # Not deep as JSON, but as deep as a schema nested `length` levels once the `$ref`s are followed.
    defs = {f"d{index}": {"allOf": [{"$ref": f"#/$defs/d{index + 1}"}]} for index in range(length)}
    schema = {"$ref": "#/$defs/d0", "$defs": {**defs, f"d{length}": NOPE}}
    result = check_with(write_json(tmp_path / "chain.schema.json", schema), tmp_path)
    assert findings(result) == [(1, "RL100")], result
    assert result.json()["diagnostics"][0]["message"] == '"nope" is a required property'


def test_looking_for_ref_cycles_in_a_long_chain_of_references_ends() -> None:
    # The search for `$ref` cycles walks depth first; a chain of 100,000 references is a path
    # that long, and looking a step up in the path must not cost its length (quadratic: hours).
    # A subprocess with a timeout is the guard against that hang.
    program = """if True:
        from rollout_lint.schema.loading import SchemaError, _refuse_cycles
        n = 100_000
        schemas = {"": {"$ref": "#/$defs/d0"}}
        schemas.update({f"/$defs/d{i}": {"$ref": f"#/$defs/d{i + 1}"} for i in range(n)})
        schemas[f"/$defs/d{n}"] = {"$ref": "#/$defs/d0"}
        targets = {f"{pointer}/$ref": "/$defs/d" + schema["$ref"].rsplit("d", 1)[1] for pointer, schema in schemas.items()}
        try:
            _refuse_cycles("chain.json", schemas, targets)
        except SchemaError as error:
            print(error)
    """
    completed = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert completed.stdout == "chain.json: /$defs/d0/$ref: '#/$defs/d1' leads back here without end ($ref cycle)\n", completed


@pytest.mark.parametrize(
    "make",
    [_fifo, _dev_zero, lambda path: path.write_text("[" * 100_000, encoding="utf-8")],
    ids=["a FIFO", "a link to /dev/zero", "JSON nested too deep"],
)
def test_a_stored_catalogue_beside_a_template_that_cannot_be_read_is_passed_over(
    make: Callable[[Path], object], tmp_path: Path
) -> None:
    # `<template>.catalogue.json` only saves deriving the catalogue from the template again.
    schema = tmp_path / "bug.schema.json"
    schema.write_text('{"x-template": "bug-report.md", "required": ["nope"]}', encoding="utf-8")
    (tmp_path / "bug-report.md").write_text("### Summary\n\n_Describe the bug._\n", encoding="utf-8")
    make(tmp_path / "bug-report.catalogue.json")
    result = check_with(schema, tmp_path, memory=MEMORY)
    assert findings(result) == [(1, "RL100")], result
