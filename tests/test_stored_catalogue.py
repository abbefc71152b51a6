"""The catalogue stored beside the bundled template must be the one derived from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from rollout_lint.rules import load_schema
from rollout_lint.markdown.source import Source
from rollout_lint.schema.template import derive_catalogue, load_catalogue, stored_catalogue_path, stored_catalogue_text
from rollout_lint.markdown.document import parse_document

REGENERATE = (
    "regenerate it: python -c 'from rollout_lint.rules import load_schema; "
    "from rollout_lint.schema.template import stored_catalogue_path, stored_catalogue_text; "
    "t = load_schema().template; stored_catalogue_path(t).write_text(stored_catalogue_text(t))'"
)


BUNDLED = sorted(path.name for path in Path(__file__).parent.parent.joinpath("schemas").glob("model-rollout-plan*.schema.json"))


@pytest.mark.parametrize("schema", BUNDLED)
def test_bundled_stored_catalogue_is_current(schema: str) -> None:
    """Each bundled version's catalogue (`t = load_schema(...)` with its schema file, below)."""
    template = load_schema(str(Path(__file__).parent.parent / "schemas" / schema)).template
    assert template is not None
    stored = stored_catalogue_path(template)
    assert stored.is_file(), f"{stored} is missing; {REGENERATE}"
    assert stored.read_text(encoding="utf-8") == stored_catalogue_text(template), f"{stored} is stale; {REGENERATE}"


def test_the_bundled_schema_uses_the_derived_catalogue() -> None:
    schema = load_schema()
    assert schema.template is not None
    assert schema.catalogue == derive_catalogue(parse_document(schema.template))
    assert schema.catalogue.placeholders and schema.catalogue.instructions


def test_a_stale_stored_catalogue_is_ignored(tmp_path: Path) -> None:
    bundled = load_schema().template
    assert bundled is not None
    template_path = tmp_path / "plan-template.md"
    template_path.write_text(bundled.text, encoding="utf-8")
    template = Source.from_text(str(template_path), bundled.text)
    stored_catalogue_path(template).write_text(stored_catalogue_text(template), encoding="utf-8")
    assert load_catalogue(template) == derive_catalogue(parse_document(template))

    # The template changes (a new placeholder) but the stored file does not: derive again.
    changed_text = bundled.text + "\nOwner: <owner_name>\n"
    template_path.write_text(changed_text, encoding="utf-8")
    changed = Source.from_text(str(template_path), changed_text)
    assert "<owner_name>" in load_catalogue(changed).placeholders


def test_a_broken_stored_catalogue_is_ignored(tmp_path: Path) -> None:
    bundled = load_schema().template
    assert bundled is not None
    template = Source.from_text(str(tmp_path / "t.md"), bundled.text)
    stored_catalogue_path(template).write_text("{not json", encoding="utf-8")
    assert load_catalogue(template) == derive_catalogue(parse_document(template))
