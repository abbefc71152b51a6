"""`rollout-lint schema diff OLD NEW`: what changed between two versions of a template (issue 14).

Each expectation is read off the two templates by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, SHARED, needs_shared, run_cli, run_main

VERSIONS = SHARED / "corpus" / "gitlab-templates" / "gitlabhq__gitlabhq"
OLDER = VERSIONS / "Code-Suggestions-Model-Rollout-Plan.md"
BUNDLED = VERSIONS / "AI-Model-Rollout@49b5e694.md"
NEWER = VERSIONS / "AI-Model-Rollout@dcc04245.md"

OLD = """\
## Summary

_Describe the change._

| Resource | Links |
|---|---|
| Issue | <!-- Required. --> |
| Design | <!-- Optional. --> |

### Steps

## Known issue list

## Notes

## Risks

/label ~"type::bug"
/assign @me
"""

NEW = """\
## Summary

_Describe the change in a sentence or two._

| Resource | Links | Owner |
|---|---|---|
| Issue | <!-- Required. --> | |
| Design | <!-- Required. --> | |
| Dashboards | ??? | |

## Known issues

## NOTES

## Details

### Steps

/label ~"type::feature"
/assign @me
/confidential
"""


def diff(tmp_path: Path, old: str, new: str, *options: str):
    (tmp_path / "old.md").write_text(old, "utf-8")
    (tmp_path / "new.md").write_text(new, "utf-8")
    return run_main("schema", "diff", *options, str(tmp_path / "old.md"), str(tmp_path / "new.md"))


def test_every_kind_of_change_is_named(tmp_path: Path) -> None:
    result = diff(tmp_path, OLD, NEW, "--format", "json")
    assert (result.code, result.err) == (1, ""), result
    found = json.loads(result.out)
    assert found["sections"] == {
        "added": ["Details"],
        "removed": ["Risks"],
        "renamed": [
            {"from": "Notes", "to": "NOTES", "case_only": True},
            {"from": "Known issue list", "to": "Known issues", "case_only": False},
        ],
        "moved": [{"from": "Summary > Steps", "to": "Details > Steps"}],
    }
    assert found["tables"] == [
        {"section": "Summary", "what": "columns Resource | Links -> Resource | Links | Owner"},
        {"section": "Summary", "what": "row added: Dashboards"},
        {"section": "Summary", "what": "row Design: recommended -> required"},
    ]
    assert found["labels"] == {"added": ["type::feature"], "removed": ["type::bug"]}
    assert found["quick_actions"] == {"added": ["/confidential"], "removed": []}
    assert found["placeholders"] == {"added": ["???"], "removed": []}
    assert found["instructions"] == {
        "added": ["Describe the change in a sentence or two."],
        "removed": ["Describe the change."],
    }


def test_the_text_report_has_a_line_a_change(tmp_path: Path) -> None:
    result = diff(tmp_path, OLD, NEW)
    assert result.code == 1
    lines = result.out.splitlines()
    assert "section recased: Notes -> NOTES" in lines
    assert "section renamed: Known issue list -> Known issues" in lines
    assert "section moved: Summary > Steps -> Details > Steps" in lines
    assert "table in Summary: row Design: recommended -> required" in lines
    assert "label removed: type::bug" in lines and "quick action added: /confidential" in lines


def test_the_same_template_twice_has_no_differences(tmp_path: Path) -> None:
    result = diff(tmp_path, OLD, OLD)
    assert (result.code, result.out, result.err) == (0, "no differences\n", "")


@pytest.mark.parametrize(
    ("old", "says"),
    [
        ("missing.md", "rollout-lint: missing.md: no such file or directory\n"),
        ("loose.json", "rollout-lint: loose.json: the schema names no template (x-template) to compare\n"),
    ],
)
def test_an_unreadable_version_is_one_line_and_exit_2(old: str, says: str, tmp_path: Path) -> None:
    (tmp_path / "loose.json").write_text('{"type": "object"}', "utf-8")
    (tmp_path / "new.md").write_text(NEW, "utf-8")
    result = run_main("schema", "diff", old, "new.md", cwd=tmp_path)
    assert (result.code, result.out, result.err) == (2, "", says)


@needs_shared
def test_the_bundled_schema_stands_for_the_template_it_was_made_from() -> None:
    result = run_cli("schema", "diff", str(ROOT / "schemas" / "model-rollout-plan.schema.json"), str(BUNDLED))
    assert (result.code, result.out) == (0, "no differences\n"), result


@needs_shared
def test_the_newer_rollout_template_against_the_bundled_one() -> None:
    result = run_cli("schema", "diff", "--format", "json", str(BUNDLED), str(NEWER))
    assert result.code == 1, result
    found = json.loads(result.out)
    assert found["sections"]["added"] == [
        "Overview > Checklist",
        "Overview > Evaluation Metrics",
        "Evaluation Template",
        "Useful Documentation",
    ]
    assert found["sections"]["removed"] == []
    assert [(pair["from"], pair["to"]) for pair in found["sections"]["renamed"] if pair["case_only"]] == [
        ("Legal notes", "Legal Notes"),
        ("Known issues", "Known Issues"),
        ("Rollout > Feedback from GitLab team members", "Rollout > Feedback from GitLab Team Members"),
    ]
    assert found["sections"]["moved"] == [
        {"from": "Overview > Rollout success criteria", "to": "Evaluation Template > Rollout Success Criteria"},
        {"from": "Overview > Dashboard References", "to": "Evaluation Template > Dashboard References"},
    ]
    assert {
        "section": "Evaluation Template",
        "what": "table added: Evaluation Pipeline | Model | Quality Metric | P50 Latency | P99 Latency",
    } in found["tables"]
    assert (found["labels"], found["quick_actions"]) == ({"added": [], "removed": []}, {"added": [], "removed": []})


@needs_shared
def test_the_older_rollout_template_against_the_bundled_one() -> None:
    result = run_cli("schema", "diff", "--format", "json", str(OLDER), str(BUNDLED))
    assert result.code == 1, result
    found = json.loads(result.out)
    assert found["sections"]["renamed"] == [{"from": "Known issue list", "to": "Known issues", "case_only": False}]
    assert [found["sections"][kind] for kind in ("added", "removed", "moved")] == [[], [], []]
    assert {
        "section": "Rollout > Timeline",
        "what": "row removed: Code Creation team members and other stakeholeders",
    } in found["tables"]
    assert found["labels"] == {
        "added": ["AI Model Migration"],
        "removed": ["group::code creation", "devops::create", "section::dev", "Category:Code Suggestions"],
    }
