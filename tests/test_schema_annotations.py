"""`x-rule`, `x-message` and `x-hint` work the same for rollout-lint's keywords as for standard
ones: the annotation on the keyword's own object wins, then a keyword's own words, then the
deepest annotation above (a standard keyword has no words of its own)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "properties": {
        "sections": {
            "properties": {
                "Metrics": {
                    "x-rule": "RL403",
                    "x-hint": "the hint above",
                    "properties": {
                        "items": {"minItems": 3, "x-message": "three items, please"},
                        "fields": {
                            "properties": {
                                "p50": {"x-range": {"units": {"ms": 1}}},
                                "p90": {
                                    "x-rule": "RL100",
                                    "x-message": "p90 is off: {value}",
                                    "x-range": {"units": {"ms": 1}},
                                },
                            }
                        },
                    },
                }
            }
        }
    },
}
PLAN = "## Metrics\n\n* p50: 5 ms to 1 ms\n* p90: 9 ms to 1 ms\n"


def test_annotations_on_the_keyword_win_then_its_own_words_then_those_above(tmp_path: Path) -> None:
    schema = tmp_path / "metrics.schema.json"
    schema.write_text(json.dumps(SCHEMA), encoding="utf-8")
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN, encoding="utf-8")
    result = run_cli("check", "--schema", str(schema), "--format", "json", str(plan))
    assert result.code == 1, result
    found = [(d["line"], d["rule"], d["message"], d["hint"]) for d in result.json()["diagnostics"]]
    assert found == [
        # `minItems`, a standard keyword (shown at the section): the annotations on it and above it.
        (1, "RL403", "three items, please", "the hint above"),
        # `x-range` with nothing on its object: its own rule, message and hint beat those above.
        (3, "RL401", "the range '5 ms to 1 ms' goes from high to low", "swap the two values"),
        # `x-range` annotated on its object: the annotations win; its hint, not the one above.
        (4, "RL100", "p90 is off: 9 ms to 1 ms", "swap the two values"),
    ]
