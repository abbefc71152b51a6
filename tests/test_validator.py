"""jsonschema-rs, which rollout-lint validates with, must find what jsonschema finds.

For every fixture, the example plan and every corpus file, in both modes and with both the
bundled and the bug-report schema: the same failures, as (instance path, keyword) pairs.
A custom keyword's failures count one by one, at their own paths.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import EXAMPLE_PLAN, FIXTURES, OWN_FILES, SHARED, needs_shared
from reference_validator import build_validator as build_reference_validator
from rollout_lint.markdown.document import parse_document
from rollout_lint.schema.instance import build_instance
from rollout_lint.rules import load_schema
from rollout_lint.schema.loading import TemplateSchema
from rollout_lint.markdown.source import read_source

SCHEMAS = {
    "rollout": None,
    "bug-report": str(FIXTURES / "schemas" / "bug-report.schema.json"),
}
Found = Counter[tuple[tuple[str | int, ...], str]]


def both(schema: TemplateSchema, path: Path, mode: str) -> tuple[Found, Found]:
    """(what rollout-lint finds, what jsonschema finds) for one file."""
    document = parse_document(read_source(str(path)))
    instance, _ = build_instance(document, mode, schema.catalogue, schema.outline_titles)
    ours = Counter((failure.path, failure.keyword) for failure in schema.errors(instance))
    reference = build_reference_validator(schema.contents, schema.registry)
    theirs = Counter((tuple(error.absolute_path), str(error.validator)) for error in reference.iter_errors(instance))
    return ours, theirs


@pytest.fixture(scope="module", params=list(SCHEMAS), ids=list(SCHEMAS))
def schema(request: pytest.FixtureRequest) -> TemplateSchema:
    return load_schema(SCHEMAS[request.param])


def disagreements(schema: TemplateSchema, paths: list[Path], mode: str) -> list[str]:
    found = []
    for path in paths:
        ours, theirs = both(schema, path, mode)
        if ours != theirs:
            found.append(f"{path.name}: only rollout-lint {ours - theirs}, only jsonschema {theirs - ours}")
    return found


@pytest.mark.parametrize("mode", ["issue", "template"])
def test_same_failures_as_jsonschema_on_own_files(schema: TemplateSchema, mode: str) -> None:
    assert disagreements(schema, OWN_FILES, mode) == []


@needs_shared
@pytest.mark.parametrize("mode", ["issue", "template"])
def test_same_failures_as_jsonschema_on_the_corpus(schema: TemplateSchema, mode: str) -> None:
    corpus = sorted((SHARED / "corpus" / "gitlab-templates").rglob("*.md"))
    assert disagreements(schema, corpus, mode) == []


def test_both_verdicts_occur() -> None:
    """The agreement tests above mean something only if failures are seen, and their absence."""
    schema = load_schema()
    assert both(schema, EXAMPLE_PLAN, "issue") == (Counter(), Counter())
    ours, theirs = both(schema, FIXTURES / "issue" / "dates-out-of-order.md", "issue")
    assert ours == theirs and sum(ours.values()) >= 2
