"""The fast gate and jsonschema must agree on every verdict, or findings would be lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLE_PLAN, FIXTURES, SHARED, needs_shared
from rollout_lint.document import parse_document
from rollout_lint.instance import build_instance
from rollout_lint.schema import TemplateSchema, load_schema
from rollout_lint.source import read_source

SCHEMAS = {
    "rollout": None,
    "bug-report": str(FIXTURES / "schemas" / "bug-report.schema.json"),
}
OWN_FILES = sorted([EXAMPLE_PLAN, *FIXTURES.glob("*/*.md")])


def verdicts(schema: TemplateSchema, path: Path, mode: str) -> tuple[bool, bool]:
    document = parse_document(read_source(str(path)))
    instance, _ = build_instance(document, mode, schema.catalogue, schema.canonical_titles)
    return schema.gate.is_valid(instance), schema.validator.is_valid(instance)


@pytest.fixture(scope="module", params=list(SCHEMAS), ids=list(SCHEMAS))
def schema(request: pytest.FixtureRequest) -> TemplateSchema:
    loaded = load_schema(SCHEMAS[request.param])
    assert loaded.gate is not None, "jsonschema-rs could not take the schema"
    return loaded


@pytest.mark.parametrize("mode", ["issue", "template"])
def test_gate_agrees_with_jsonschema_on_own_files(schema: TemplateSchema, mode: str) -> None:
    disagreements = [path.name for path in OWN_FILES if len(set(verdicts(schema, path, mode))) != 1]
    assert disagreements == []


@needs_shared
@pytest.mark.parametrize("mode", ["issue", "template"])
def test_gate_agrees_with_jsonschema_on_the_corpus(schema: TemplateSchema, mode: str) -> None:
    corpus = sorted((SHARED / "corpus" / "gitlab-templates").rglob("*.md"))
    disagreements = [path.name for path in corpus if len(set(verdicts(schema, path, mode))) != 1]
    assert disagreements == []


def test_both_verdicts_occur() -> None:
    """The agreement tests above mean something only if both answers are seen."""
    schema = load_schema()
    assert verdicts(schema, EXAMPLE_PLAN, "issue") == (True, True)
    assert verdicts(schema, FIXTURES / "issue" / "missing-label.md", "issue") == (False, False)
