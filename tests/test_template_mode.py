"""The shared template passes template mode and fails issue mode once for each unfilled part."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, SHARED, needs_shared, run_main

TEMPLATE = SHARED / "templates" / "model-rollout-plan.md"
BUNDLED_TEMPLATE = ROOT / "schemas" / "model-rollout-plan.md"


@needs_shared
def test_the_bundled_template_is_the_shared_one_verbatim() -> None:
    assert BUNDLED_TEMPLATE.read_bytes() == TEMPLATE.read_bytes()


@needs_shared
def test_template_passes_template_mode() -> None:
    result = run_main("check", "--mode", "template", "--format", "json", str(TEMPLATE))
    assert result.code == 0, result
    # The template gives /confidential twice: reported as info, which does not fail the run.
    assert [d["rule"] for d in result.json()["diagnostics"]] == ["RL504"]


@needs_shared
def test_template_fails_issue_mode_at_every_unfilled_part() -> None:
    result = run_main("check", "--mode", "issue", "--format", "json", str(TEMPLATE))
    assert result.code == 1, result
    found = {(d["line"], d["rule"]) for d in result.json()["diagnostics"]}
    lines = TEMPLATE.read_text().split("\n")
    first_heading = next(number for number, line in enumerate(lines, 1) if line.startswith("#"))
    # Written independently of the implementation: by looking at the template's lines.
    placeholders = {n for n, line in enumerate(lines, 1) if re.search(r"\?\?\?|\[date\]|X ms to Y ms|X% to Y%", line)}
    instructions = {
        n
        for n, line in enumerate(lines, 1)
        if n > first_heading and re.fullmatch(r"_[^_]+_", line) and n not in placeholders
    }
    assert {(n, "RL202") for n in placeholders} <= found
    assert {(n, "RL201") for n in instructions} <= found
    feature_flag_row = next(n for n, line in enumerate(lines, 1) if line.startswith("| Feature Flag Rollout Issue"))
    assert (feature_flag_row, "RL303") in found
    assert len(placeholders) == 10 and len(instructions) == 11


@pytest.mark.parametrize(
    ("location", "mode"),
    [(".gitlab/issue_templates/rollout.md", "template"), ("plans/rollout.md", "issue")],
)
def test_auto_mode_treats_issue_template_folders_as_templates(tmp_path, location: str, mode: str) -> None:
    target = tmp_path / location
    target.parent.mkdir(parents=True)
    target.write_bytes(BUNDLED_TEMPLATE.read_bytes())
    result = run_main("check", "--format", "json", location, cwd=tmp_path)
    template_like = result.code == 0
    assert template_like == (mode == "template"), result
