"""The bundled schema is trusted at run time (not re-checked on every run), so check it here."""

from __future__ import annotations

import json

from conftest import ROOT
from rollout_lint.rules import REGISTRY, load_schema
from rollout_lint.schema.loading import DEFAULT_SCHEMA, check_schema


def test_bundled_schema_passes_the_meta_schema_and_vocabulary_checks() -> None:
    path = ROOT / "schemas" / DEFAULT_SCHEMA
    check_schema(str(path), json.loads(path.read_text(encoding="utf-8")), REGISTRY)


def test_bundled_schema_loads_from_the_installed_package() -> None:
    schema = load_schema()
    assert schema.template is not None and "Rollout Plan" in schema.template.text
    assert "Feature Flag Rollout Issue" not in schema.outline_titles.canonical  # a table row, not a heading
    assert schema.outline_titles.canonical["persevere / continue criteria"] == "Persevere / Continue Criteria"
