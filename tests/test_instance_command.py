"""`rollout-lint instance`: the JSON instance a schema checks of a plan, as a schema author sees it.

Each expectation is read off the plan's Markdown by hand (the lines quoted beside it), not from
the code that builds the instance.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import EXAMPLE_PLAN, FIXTURES, run_cli, run_main

BUG_SCHEMA = FIXTURES / "schemas" / "bug-report.schema.json"

PLAN = """\
<!-- Title suggestion: [Model] Rollout Plan -->

_The issue is marked confidential, as we'll share SAFE metrics in the comments._

## overview

_Briefly describe the new model. Mention why you're introducing it._

| Resource | Links |
| -------- | ----- |
| Model | https://example.com/model |

## Rollout

### Persevere / Continue Criteria

- p50: 120 ms to 180 ms
- Rate: 92% to 95%

### Timeline

| Date | Audience | Status |
| ---- | -------- | ------ |
| ??? | All GitLab team members | |

/label ~"type::feature" ~"AI Model Migration"
/confidential
"""


def instance_of(text: str, tmp_path: Path, *options: str) -> dict:
    plan = tmp_path / "plan.md"
    plan.write_text(text, encoding="utf-8")
    result = run_main("instance", *options, str(plan))
    assert (result.code, result.err) == (0, ""), result
    return json.loads(result.out)


def test_the_installed_command_prints_the_instance_of_the_example_plan() -> None:
    result = run_cli("instance", str(EXAMPLE_PLAN))
    assert (result.code, result.err) == (0, ""), result
    instance = json.loads(result.out)
    assert instance["mode"] == "issue"
    assert instance["headings"][0] == {"level": 2, "title": "Overview"}
    overview = instance["sections"]["Overview"]
    assert overview["tables"][0]["columns"] == ["Resource", "Links"]
    assert [row["Resource"] for row in overview["tables"][0]["rows"]][:2] == ["Model", "Epic or Issue"]
    assert "confidential" in [action["command"] for action in instance["quickActions"]]


# PLAN is a few sections of a plan: too few to match a version of the template (RL108), so the
# version is pinned, as it would be for `check`.
FIRST_BUNDLED = ("--template", "model-rollout-plan@49b5e694")


def test_the_instance_holds_what_the_plan_says_where_a_schema_looks_for_it(tmp_path: Path) -> None:
    instance = instance_of(PLAN, tmp_path, *FIRST_BUNDLED)
    assert instance["preamble"] == {
        "paragraphs": ["The issue is marked confidential, as we'll share SAFE metrics in the comments."],
        "comments": ["Title suggestion: [Model] Rollout Plan"],
    }
    # `## overview` is keyed by the schema's spelling, "Overview"; the heading keeps the plan's.
    assert instance["headings"][0] == {"level": 2, "title": "overview"}
    overview = instance["sections"]["Overview"]
    assert overview["content"] == ["table"]  # the template's instruction does not count
    assert overview["tables"] == [
        {"columns": ["Resource", "Links"], "rows": [{"Resource": "Model", "Links": "https://example.com/model"}]}
    ]
    rollout = instance["sections"]["Rollout"]["sections"]
    assert rollout["Persevere / Continue Criteria"]["fields"] == {"p50": "120 ms to 180 ms", "Rate": "92% to 95%"}
    assert rollout["Timeline"]["tables"][0]["rows"] == [
        {"Date": "???", "Audience": "All GitLab team members", "Status": ""}
    ]
    assert instance["labels"] == ["type::feature", "AI Model Migration"]
    assert instance["quickActions"][-1] == {"command": "confidential", "argument": "", "text": "/confidential"}
    assert instance["placeholders"] == ["???"]
    assert instance["instructions"] == ["Briefly describe the new model. Mention why you're introducing it."]


@pytest.mark.parametrize(
    ("options", "mode"), [((), "issue"), (("--mode", "template"), "template"), (("--mode", "issue"), "issue")]
)
def test_the_mode_is_the_one_check_would_use(options: tuple[str, ...], mode: str, tmp_path: Path) -> None:
    assert instance_of(PLAN, tmp_path, *options)["mode"] == mode


def test_a_plan_in_an_issue_template_folder_is_a_template(tmp_path: Path) -> None:
    folder = tmp_path / ".gitlab" / "issue_templates"
    folder.mkdir(parents=True)
    (folder / "plan.md").write_text(PLAN, encoding="utf-8")
    result = run_main("instance", str(folder / "plan.md"))
    assert json.loads(result.out)["mode"] == "template"


def test_another_schema_sees_its_own_template_in_the_plan(tmp_path: Path) -> None:
    # The bug-report schema knows nothing of rollout plans: no section is keyed by its spelling,
    # and the rollout template's `???` and instruction are plain text to it.
    instance = instance_of(PLAN, tmp_path, "--schema", str(BUG_SCHEMA))
    assert "overview" in instance["sections"] and "Overview" not in instance["sections"]
    assert (instance["placeholders"], instance["instructions"]) == ([], [])


def test_standard_input_is_read(tmp_path: Path) -> None:
    result = run_main("instance", *FIRST_BUNDLED, "-", stdin="## Known issues\n\nNone yet.\n")
    assert result.code == 0, result
    assert json.loads(result.out)["sections"]["Known issues"]["paragraphs"] == ["None yet."]
    # Unpinned, one heading matches no version: the newest's spelling, as `check` would use.
    newest = run_main("instance", "-", stdin="## Known issues\n\nNone yet.\n")
    assert json.loads(newest.out)["sections"]["Known Issues"]["paragraphs"] == ["None yet."]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["instance", "missing.md"], "rollout-lint: missing.md: no such file or directory"),
        (["instance", "--schema", "missing.json", "plan.md"], "rollout-lint: missing.json:"),
        (["instance"], "the following arguments are required: PATH"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], says: str, tmp_path: Path) -> None:
    (tmp_path / "plan.md").write_text(PLAN, encoding="utf-8")
    result = run_main(*args, cwd=tmp_path)
    assert result.code == 2 and result.out == "", result
    assert says in result.err and result.err.count("\n") == 1, result.err


def test_a_plan_of_the_newer_version_is_keyed_as_that_version_spells_it() -> None:
    """Without --schema, the instance is the one `check` validates: of the plan's own version."""
    plan = Path(__file__).parent / "fixtures" / "versions" / "plan@dcc04245.md"
    result = run_cli("instance", str(plan))
    assert result.code == 0, result
    sections = json.loads(result.out)["sections"]
    assert "Evaluation Template" in sections and "Legal Notes" in sections  # the newer spelling
    assert sections["Overview"]["sections"]["Checklist"]["items"][0].startswith("[x] ")
