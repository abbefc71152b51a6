"""The rollout template as a family of versions (issue 14): each plan is checked against the
version it was written from, every report says which, and a version can be pinned."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLE_PLAN, FIXTURES, ROOT, run_cli, run_main
from rollout_lint.markdown.document import parse_document
from rollout_lint.markdown.source import Source
from rollout_lint.schema.loading import TemplateSchema
from rollout_lint.schema.versions import WELL_MATCHED, TemplateFamily, Version

SCHEMAS = ROOT / "schemas"
PLANS = {  # a complete, correct plan written from each version
    "model-rollout-plan@03d68e0c": FIXTURES / "versions" / "plan@03d68e0c.md",
    "model-rollout-plan@49b5e694": EXAMPLE_PLAN,
    "model-rollout-plan@dcc04245": FIXTURES / "versions" / "plan@dcc04245.md",
}
TEMPLATES = {
    "model-rollout-plan@03d68e0c": SCHEMAS / "model-rollout-plan@03d68e0c.md",
    "model-rollout-plan@49b5e694": SCHEMAS / "model-rollout-plan.md",
    "model-rollout-plan@dcc04245": SCHEMAS / "model-rollout-plan@dcc04245.md",
}


@pytest.mark.parametrize(("version", "plan"), PLANS.items(), ids=PLANS.keys())
def test_a_complete_plan_of_each_version_passes_and_says_its_version(version: str, plan: Path) -> None:
    result = run_cli("check", "--format", "json", str(plan))
    report = json.loads(result.out)
    assert (result.code, report["diagnostics"]) == (0, []), result
    assert report["summary"]["checked"] == [{"path": str(plan), "template": version}]
    text = run_cli("check", str(plan))
    assert text.out == f"All checks passed (1 file).\nChecked against {version}.\n", text


def test_a_run_over_plans_of_every_version_names_each_version_once() -> None:
    result = run_main("check", *map(str, PLANS.values()))
    assert result.code == 0, result
    assert result.out.splitlines()[-1] == (
        "Checked against model-rollout-plan@03d68e0c (1 file), model-rollout-plan@49b5e694 (1 file), "
        "model-rollout-plan@dcc04245 (1 file)."
    )


@pytest.mark.parametrize(("version", "template"), TEMPLATES.items(), ids=TEMPLATES.keys())
def test_each_template_in_template_mode_is_its_own_version(version: str, template: Path) -> None:
    result = run_main("check", "--mode", "template", "--format", "json", str(template))
    report = result.json()
    # Both GitLab templates of 2025 write /confidential twice: a note, not drift or an error.
    assert {d["rule"] for d in report["diagnostics"]} <= {"RL504"}, report["diagnostics"]
    assert report["summary"]["checked"] == [{"path": str(template), "template": version}]


def test_the_older_plan_against_the_version_bundled_first_gets_what_users_reported() -> None:
    """Before the family, a correct plan of the older template got three errors: what pinning the
    version bundled first still gives (two; its timeline is read by meaning), and what the family
    spares it."""
    plan = str(PLANS["model-rollout-plan@03d68e0c"])
    pinned = run_main("check", "--format", "json", "--template", "model-rollout-plan@49b5e694", plan)
    messages = [d["message"] for d in pinned.json()["diagnostics"] if d["severity"] == "error"]
    assert "missing section 'Known issues'" in messages
    assert "the label 'AI Model Migration' is not applied" in messages
    # The third, a first audience that names the team in its own words, is read by meaning now.
    assert not any("audience" in message or "stage" in message for message in messages)
    assert pinned.json()["summary"]["checked"] == []  # pinned: not chosen, so not reported as chosen


def unfilled_evaluation_table(tmp_path: Path) -> tuple[Path, list[int]]:
    """The newer version's plan with its evaluation table as the template has it."""
    plan = PLANS["model-rollout-plan@dcc04245"].read_text("utf-8")
    template = TEMPLATES["model-rollout-plan@dcc04245"].read_text("utf-8")
    start, end = "| Evaluation Pipeline |", "\n\n### Rollout Success Criteria"
    table = template[template.index(start) : template.index(end)]
    text = plan[: plan.index(start)] + table + plan[plan.index(end) :]
    path = tmp_path / "plan.md"
    path.write_text(text, "utf-8")
    lines = text.splitlines()
    return path, [lines.index(row) + 1 for row in table.splitlines()[2:]]


def test_an_unfilled_evaluation_table_is_an_error_at_each_of_its_rows(tmp_path: Path) -> None:
    path, rows = unfilled_evaluation_table(tmp_path)
    result = run_cli("check", "--format", "json", str(path))
    found = [(d["line"], d["rule"], d["message"]) for d in json.loads(result.out)["diagnostics"]]
    assert result.code == 1, result
    assert {line for line, rule, _ in found if rule == "RL202"} == set(rows)
    assert {rule for _, rule, _ in found} == {"RL202"}
    placeholders = sorted({message for _, _, message in found})
    assert placeholders == [f"unfilled placeholder '{token}'" for token in ("X", "XX", "[pipeline_link]")]


def test_a_bare_x_is_a_placeholder_only_as_a_word(tmp_path: Path) -> None:
    plan = PLANS["model-rollout-plan@dcc04245"].read_text("utf-8")
    words = plan.replace("on the prompt-library's Duo Chat dataset", "with XML fixtures, Xcode and x86 clients")
    path = tmp_path / "plan.md"
    path.write_text(words, "utf-8")
    assert run_main("check", str(path)).code == 0


# --- pinning ---------------------------------------------------------------------------------


def test_a_configuration_can_pin_the_template(tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    shutil.copy(PLANS["model-rollout-plan@03d68e0c"], plan)
    (tmp_path / ".rollout-lint.toml").write_text('template = "model-rollout-plan@dcc04245"\n', "utf-8")
    result = run_main("check", "--format", "json", str(plan), cwd=tmp_path)
    assert result.code == 1 and "missing section 'Evaluation Template'" in [
        d["message"] for d in result.json()["diagnostics"]
    ]
    # The command line wins over the configuration.
    assert run_main("check", "--template", "model-rollout-plan", str(plan), cwd=tmp_path).code == 0


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (
            ["--template", "nope"],
            "rollout-lint: --template: no bundled template 'nope'; 'rollout-lint templates' lists them\n",
        ),
        (
            ["--template", "model-rollout-plan@0000000"],
            (
                "rollout-lint: --template: model-rollout-plan has no version '0000000'; it has "
                "model-rollout-plan@03d68e0c, model-rollout-plan@49b5e694, model-rollout-plan@dcc04245\n"
            ),
        ),
    ],
    ids=["unknown template", "unknown version"],
)
def test_an_unknown_template_or_version_is_one_line_and_exit_2(arguments: list[str], says: str) -> None:
    # In this process (where mutation testing sees the code run) and through the installed command.
    for run in (run_main, run_cli):
        result = run("check", *arguments, str(EXAMPLE_PLAN))
        assert (result.code, result.out, result.err) == (2, "", says)


def test_a_bad_template_in_a_configuration_names_the_key(tmp_path: Path) -> None:
    (tmp_path / ".rollout-lint.toml").write_text('template = "model-rollout-plan@zzz"\n', "utf-8")
    shutil.copy(EXAMPLE_PLAN, tmp_path / "plan.md")
    result = run_main("check", "plan.md", cwd=tmp_path)
    assert result.code == 2 and result.out == "", result
    assert result.err.startswith("rollout-lint: ") and "template: model-rollout-plan has no version 'zzz'" in result.err


def test_schema_and_template_together_are_a_usage_error() -> None:
    result = run_main("check", "--schema", "x.json", "--template", "model-rollout-plan", str(EXAMPLE_PLAN))
    assert (result.code, result.out) == (2, "") and "not allowed with argument" in result.err


def test_templates_lists_every_version_oldest_first() -> None:
    assert run_cli("templates").out == run_main("templates").out
    result = run_main("templates")
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[0].startswith("model-rollout-plan: [Model] Rollout Plan (the default")
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        "model-rollout-plan@03d68e0c", "model-rollout-plan@49b5e694", "model-rollout-plan@dcc04245 (newest)"
    ]  # fmt: skip
    assert lines[2] == "  model-rollout-plan@49b5e694: AI-Model-Rollout.md as first bundled with rollout-lint"
    listing = run_main("templates", "--format", "json").json()
    assert [version["label"] for version in listing[0]["versions"]] == list(PLANS)
    for version in listing[0]["versions"]:  # each names a bundled schema beside its template
        assert (SCHEMAS / version["schema"]).is_file()


# --- the choice, at its boundaries -------------------------------------------------------------


class _Outline:
    """A schema with only an outline; its titles are normalised by TemplateSchema's own code."""

    outline_title_set = TemplateSchema.outline_title_set

    def __init__(self, titles: list[str]) -> None:
        self.outline = [(2, title) for title in titles]


def family(*outlines: list[str]) -> TemplateFamily:
    versions = [Version("t", f"v{number}", f"v{number}", "") for number in range(len(outlines))]
    schemas: dict[str, Any] = {f"v{number}": _Outline(titles) for number, titles in enumerate(outlines)}
    return TemplateFamily("t", "T", versions, schemas.__getitem__)


def chosen(versions: TemplateFamily, *headings: str) -> tuple[str, float, bool]:
    document = parse_document(Source.from_text("p.md", "".join(f"## {title}\n\ntext\n\n" for title in headings)))
    choice = versions.choose(document)
    return choice.version.version, choice.likeness, choice.well_matched


@pytest.mark.parametrize(
    ("outlines", "headings", "expected"),
    [
        ([["A", "B"], ["A", "B"]], ["A", "B"], ("v1", 1.0, True)),  # a tie: the newest
        ([["A", "B", "C"], ["A", "B"]], ["A", "B", "C"], ("v0", 1.0, True)),  # the older matches better
        ([["A", "B"], ["A", "B", "C"]], ["a", "  B "], ("v0", 1.0, True)),  # titles compared normalised
        ([["A", "B"]], ["A"], ("v0", WELL_MATCHED, True)),  # exactly half: well matched
        ([["A", "B"], ["C", "D", "E"]], ["A"], ("v0", WELL_MATCHED, True)),  # ... and kept, not the newest
        ([[]], [], ("v0", 0.0, False)),  # no heading on either side: nothing in common
        ([["A", "B", "C"]], ["A", "D"], ("v0", 0.25, False)),  # below half
        ([["A"], ["B"]], ["C"], ("v1", 0.0, False)),  # nothing in common: the newest, said so
        ([["A", "B"], ["C", "D"]], ["A", "B", "C"], ("v0", 2 / 3, True)),
    ],
    ids=["tie", "older wins", "normalised", "exactly half", "exactly half, older", "both empty", "below half",
         "nothing in common", "partial"],
)
def test_the_version_chosen(outlines: list[list[str]], headings: list[str], expected: tuple[str, float, bool]) -> None:
    assert chosen(family(*outlines), *headings) == expected


def test_every_ci_format_that_carries_more_than_a_line_names_the_version() -> None:
    plan = FIXTURES / "issue" / "missing-link.md"  # a plan of the version bundled first, one finding
    relative = str(plan.relative_to(ROOT))
    version = "model-rollout-plan@49b5e694"
    sarif = run_main("check", "--format", "sarif", relative, cwd=ROOT).json()["runs"][0]
    assert [result["properties"] for result in sarif["results"]] == [{"template": version}]
    assert sarif["properties"] == {"templates": {relative: version}}
    quality = run_main("check", "--format", "codequality", relative, cwd=ROOT).json()
    assert [issue["content"] for issue in quality] == [{"body": f"Checked against {version}."}]
    pinned = run_main("check", "--format", "sarif", "--template", version, relative, cwd=ROOT).json()["runs"][0]
    assert "properties" not in pinned and "properties" not in pinned["results"][0]


def test_every_placeholder_branch_starts_with_its_literal_first_character() -> None:
    """Python's re scans for the first characters of a pattern whose branches all start with a
    literal; a branch starting with a look-behind makes it try every position (13 times slower:
    the 2,000 plans went from 1.30x to 1.50x the parse floor, counted by valgrind)."""
    from rollout_lint.rules import load_template

    for version in load_template().versions:
        pattern = load_template(version.label).catalogue.placeholder_pattern()
        assert pattern is not None
        for branch in pattern.pattern.split("|"):
            assert not branch.startswith("(?"), (version.label, branch)
