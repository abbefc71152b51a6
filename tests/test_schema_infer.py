"""`rollout-lint schema infer TEMPLATE`: a schema from a template's text alone (issue 14).

A template's own schema must pass the template in template mode, and in issue mode find each
placeholder and instruction it left where it is; a filled-in issue passes, and one with a defect
fails at the defect's line. Expected lines are read off the files by hand or by a regex written
here, never by the code under test.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, SHARED, needs_shared, run_cli, run_main
from rollout_lint.rules import REGISTRY

BUG_TEMPLATE = FIXTURES / "schemas" / "bug-report.md"  # GitLab's Bug.md, verbatim
FILLED_BUG = (FIXTURES / "schemas" / "bug-report-filled.md").read_text("utf-8")


def inferred(tmp_path: Path, template: Path) -> Path:
    """The schema inferred from a copy of `template` in `tmp_path`, written beside it."""
    shutil.copy(template, tmp_path / template.name)
    schema = tmp_path / "inferred.schema.json"
    result = run_main("schema", "infer", str(tmp_path / template.name), "-o", str(schema))
    assert (result.code, result.err) == (0, ""), result
    return schema


def findings(schema: Path, plan: Path, mode: str = "issue") -> tuple[int, list[tuple[int, str]]]:
    result = run_main("check", "--mode", mode, "--format", "json", "--schema", str(schema), str(plan))
    assert result.err == "", result
    return result.code, [(d["line"], d["rule"]) for d in json.loads(result.out)["diagnostics"]]


def line_of(text: str, line: str) -> int:
    return text.splitlines().index(line) + 1


def test_a_filled_in_bug_report_passes_the_schema_of_its_template(tmp_path: Path) -> None:
    schema = inferred(tmp_path, BUG_TEMPLATE)
    (tmp_path / "filled.md").write_text(FILLED_BUG, "utf-8")
    assert findings(schema, tmp_path / "filled.md") == (0, [])
    assert findings(schema, tmp_path / BUG_TEMPLATE.name, "template") == (0, [])


@pytest.mark.parametrize(
    ("defect", "rule", "at"),
    [
        # Nothing under "Steps to reproduce" but the template's comment.
        (
            lambda text: re.sub(
                r"(### Steps to reproduce\n\n<!--.*?-->\n)\n1\..*?\n\n(?=###)", r"\1\n", text, flags=re.S
            ),
            "RL203",
            "### Steps to reproduce",
        ),
        (lambda text: text.replace('/label ~"type::bug"\n', ""), "RL502", None),
        (lambda text: text.replace("### Example Project", "### Example"), "RL101", None),
    ],
    ids=["empty section", "label dropped", "section renamed"],
)
def test_a_bug_report_with_a_defect_fails_at_its_line(defect, rule: str, at: str | None, tmp_path: Path) -> None:
    schema = inferred(tmp_path, BUG_TEMPLATE)
    broken = defect(FILLED_BUG)
    assert broken != FILLED_BUG
    (tmp_path / "broken.md").write_text(broken, "utf-8")
    code, found = findings(schema, tmp_path / "broken.md")
    assert code == 1 and rule in [r for _, r in found], found
    if at is not None:
        assert (line_of(broken, at), rule) in found


def test_a_schema_is_written_beside_its_template(tmp_path: Path) -> None:
    shutil.copy(BUG_TEMPLATE, tmp_path / "Bug.md")
    (tmp_path / "schemas").mkdir()
    result = run_main("schema", "infer", "Bug.md", "-o", "schemas/bug.schema.json", cwd=tmp_path)
    assert (result.code, result.out) == (2, ""), result
    assert (
        result.err
        == "rollout-lint: schemas/bug.schema.json: a schema is written beside its template (x-template names a file there)\n"
    )
    assert not (tmp_path / "schemas" / "bug.schema.json").exists()


def test_the_installed_command_writes_the_schema_to_standard_output(tmp_path: Path) -> None:
    shutil.copy(BUG_TEMPLATE, tmp_path / "Bug.md")
    result = run_cli("schema", "infer", "Bug.md", cwd=tmp_path)
    assert result.code == 0, result
    schema = json.loads(result.out)
    assert (schema["x-template"], schema["title"]) == ("Bug.md", "Bug")
    outline = schema["properties"]["headings"]["x-outline"]
    assert [entry["title"] for entry in outline][:2] == ["Summary", "Steps to reproduce"]
    assert outline[6] == {"title": "Output of checks", "level": 3, "children": [
        {"title": "Results of GitLab environment info", "level": 4},
        {"title": "Results of GitLab application Check", "level": 4},
    ]}  # fmt: skip


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["schema", "infer", "missing.md"], "rollout-lint: missing.md: no such file or directory\n"),
        (["schema", "infer", "Bug.md", "-o", "taken.json"], "rollout-lint: taken.json exists; --force overwrites it\n"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], says: str, tmp_path: Path) -> None:
    shutil.copy(BUG_TEMPLATE, tmp_path / "Bug.md")
    (tmp_path / "taken.json").write_text("{}", "utf-8")
    result = run_main(*args, cwd=tmp_path)
    assert (result.code, result.out, result.err) == (2, "", says)
    assert (tmp_path / "taken.json").read_text("utf-8") == "{}"


REPEATING = """\
# Feature release

## Checklist

### Feature release

Notes.

## Rollout

Plan.
"""


def test_a_title_the_template_repeats_may_be_repeated_as_often(tmp_path: Path) -> None:
    template = tmp_path / "repeating.md"
    template.write_text(REPEATING, "utf-8")
    schema = tmp_path / "repeating.schema.json"
    assert run_main("schema", "infer", str(template), "-o", str(schema)).code == 0
    assert findings(schema, template, "template") == (0, [])
    thrice = REPEATING + "\n## Feature release\n\nAgain.\n"
    (tmp_path / "thrice.md").write_text(thrice, "utf-8")
    # In issue mode (template mode calls a heading added to a template drift: RL107).
    assert findings(schema, tmp_path / "thrice.md", "issue")[1] == [(line_of(thrice, "## Feature release"), "RL103")]


# Placeholder tokens as a person spots them, and the first line of an italic instruction.
PLACEHOLDER = re.compile(
    r"\?{2,}|\[[a-z][a-z _]*\]|\bX\S*(?: \S+)? to Y|<[a-z][a-z0-9]*(?:[_ -][a-z0-9]+)+>|\b(?:TBD|TODO|FIXME)\b"
    r"|(?:^|[\s*+|:])XX?(?:$|[\s*%|])"  # a bare X or XX standing for a number
)


CORPUS_TEMPLATES = sorted((SHARED / "corpus" / "gitlab-templates").glob("*/*.md"))


@pytest.mark.parametrize(
    "template",
    [pytest.param(path, id=f"{path.parent.name}/{path.name}") for path in CORPUS_TEMPLATES]
    or [pytest.param(None, marks=needs_shared, id="corpus")],
)
def test_every_corpus_template_passes_its_inferred_schema(template: Path, tmp_path: Path) -> None:
    schema = inferred(tmp_path, template)
    copy = tmp_path / template.name
    code, found = findings(schema, copy, "template")
    severities = json.loads(
        run_main("check", "--mode", "template", "--format", "json", "--schema", str(schema), str(copy)).out
    )
    assert code == 0 and not [d for d in severities["diagnostics"] if d["severity"] == "error"], found
    # In issue mode each placeholder and instruction left is found on its own line.
    lines = copy.read_text("utf-8").splitlines()
    code, found = findings(schema, copy, "issue")
    for line, rule in found:
        if rule == "RL202":
            assert PLACEHOLDER.search(lines[line - 1]), (line, lines[line - 1])
        if rule == "RL201":
            assert lines[line - 1].lstrip().startswith(("_", "*")), (line, lines[line - 1])


@needs_shared
def test_an_unfilled_evaluation_table_of_the_newer_rollout_template_is_an_error_at_its_lines(tmp_path: Path) -> None:
    newer = SHARED / "corpus" / "gitlab-templates" / "gitlabhq__gitlabhq" / "AI-Model-Rollout@dcc04245.md"
    schema = inferred(tmp_path, newer)
    code, found = findings(schema, tmp_path / newer.name)
    lines = newer.read_text("utf-8").splitlines()
    pipeline_rows = [number for number, line in enumerate(lines, start=1) if line.startswith("| [pipeline_link] |")]
    assert len(pipeline_rows) == 2
    assert code == 1 and all((number, "RL202") in found for number in pipeline_rows), found
    # The change row holds only bare X and XX, as numbers to fill in.
    change_row = lines.index("| **Change** | | **XX change** | **+X% slower** | **XX% faster** |") + 1
    assert found.count((change_row, "RL202")) == 3, found


# A cell's comment in the template says whether it must be filled in: the newer rollout template's
# resource table (bundled in schemas/, verbatim), inferred without its overlay.
NEWER_TEMPLATE = ROOT / "schemas" / "model-rollout-plan@dcc04245.md"
NEWER_PLAN = FIXTURES / "versions" / "plan@dcc04245.md"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("| Feature Flag Rollout Issue | gitlab-org/gitlab#512345 |", [("RL303", "error")]),  # <!-- Required. -->
        ("| Status updates | n/a |", [("RL304", "warning")]),  # <!-- Optional, but recommended. -->
        ("| Epic or Issue | &5555 |", [("RL304", "warning")]),  # <!-- We recommended creating an epic ... -->
        ("| Model | https://docs.example.com/models/claude-4-sonnet |", []),  # <!-- Optional. ... -->
    ],
    ids=["required", "optional but recommended", "recommended", "optional"],
)
def test_a_cell_the_template_calls_required_or_recommended(tmp_path: Path, row: str, expected: list[tuple[str, str]]) -> None:
    schema = inferred(tmp_path, NEWER_TEMPLATE)
    text = NEWER_PLAN.read_text("utf-8")
    emptied = row[: row.index("|", 2) + 1] + "  |"
    (tmp_path / "plan.md").write_text(text.replace(row, emptied), "utf-8")
    result = run_main("check", "--format", "json", "--schema", str(schema), str(tmp_path / "plan.md"))
    found = [(d["line"], d["rule"], d["severity"]) for d in result.json()["diagnostics"] if d["rule"] in ("RL303", "RL304")]
    assert found == [(line_of(text, row), rule, severity) for rule, severity in expected], result.json()
    if expected:
        [finding] = [d for d in result.json()["diagnostics"] if d["rule"] == expected[0][0]]
        name = row.split("|")[1].strip()
        verb = "requires" if expected[0][0] == "RL303" else "recommends"
        assert finding["message"] == f"the '{name}' row's Links is empty: the template {verb} it"


# Two more of GitLab's templates (verbatim in tests/fixtures/schemas/), each with an issue filled
# in as a team would: the Feature Flag Roll Out issue from its text alone, the Deprecations issue
# with an overlay saying that its three pricing-tier labels are a choice.
FEATURE_FLAG = FIXTURES / "schemas" / "feature-flag-roll-out.md"
DEPRECATIONS = FIXTURES / "schemas" / "deprecations.md"
FILLED = {FEATURE_FLAG: FIXTURES / "schemas" / "feature-flag-roll-out-filled.md",
          DEPRECATIONS: FIXTURES / "schemas" / "deprecations-filled.md"}  # fmt: skip


def inferred_with_overlay(tmp_path: Path, template: Path) -> Path:
    overlay = template.with_suffix(".overlay.json")
    if overlay.is_file():
        shutil.copy(overlay, tmp_path / overlay.name)
    return inferred(tmp_path, template)


@pytest.mark.parametrize("template", FILLED, ids=[path.stem for path in FILLED])
def test_a_filled_in_issue_passes_the_schema_inferred_from_its_template(template: Path, tmp_path: Path) -> None:
    schema = inferred_with_overlay(tmp_path, template)
    assert findings(schema, FILLED[template]) == (0, [])
    assert findings(schema, tmp_path / template.name, "template") == (0, [])
    # ... and the template itself is not a filled-in issue.
    code, found = findings(schema, tmp_path / template.name, "issue")
    assert code == 1 and "RL203" in [rule for _, rule in found]


def emptied(text: str, heading: str) -> str:
    """`text` with what follows `heading` (up to the next heading) cut down to its comments."""
    start = text.index(heading) + len(heading)
    end = text.index("\n#", start)
    comments = re.findall(r"<!--.*?-->", text[start:end], re.S)
    return text[:start] + "\n\n" + "\n".join(comments) + "\n" + text[end:]


@pytest.mark.parametrize(
    ("template", "defect", "rule", "at"),
    [
        (FEATURE_FLAG, lambda t: emptied(t, "### What might happen if this goes wrong?"), "RL203",
         "### What might happen if this goes wrong?"),
        (FEATURE_FLAG, lambda t: t.replace('/label ~"feature flag"\n', ""), "RL502", None),
        (FEATURE_FLAG, lambda t: t.replace("/assign me\n", ""), "RL501", None),
        # Its unticked boxes are no finding (the filled issue passes); a checklist replaced by prose is.
        (FEATURE_FLAG, lambda t: re.sub(r"(### Preparation before global rollout\n\n).*?(?=\n### )",
                                        r"\1Done as the handbook says.\n", t, flags=re.S), "RL204",
         "### Preparation before global rollout"),
        (DEPRECATIONS, lambda t: emptied(t, "### Affected Tier"), "RL203", "### Affected Tier"),
        (DEPRECATIONS, lambda t: t.replace('/label ~"GitLab Premium" ~"GitLab Ultimate"\n', ""), "RL502", None),
        (DEPRECATIONS, lambda t: t.replace('~"devops::verify"', '~"devops::verify" ~"devops::secure"'), "RL503", None),
    ],
    ids=["feature flag: empty section", "feature flag: label dropped", "feature flag: /assign dropped",
         "feature flag: checklist dropped",
         "deprecations: empty section", "deprecations: no tier", "deprecations: two devops stages"],
)  # fmt: skip
def test_an_issue_with_a_defect_fails_at_its_line(template: Path, defect, rule: str, at: str | None, tmp_path: Path) -> None:
    schema = inferred_with_overlay(tmp_path, template)
    filled = FILLED[template].read_text("utf-8")
    broken = defect(filled)
    assert broken != filled
    (tmp_path / "broken.md").write_text(broken, "utf-8")
    code, found = findings(schema, tmp_path / "broken.md")
    assert code == (1 if REGISTRY[rule].severity == "error" else 0) and [r for _, r in found] == [rule], found
    if at is not None:
        assert found == [(line_of(broken, at), rule)]


@pytest.mark.parametrize(
    ("quick_actions", "required"),
    [
        ('/label ~"failure::flaky" ~"failure::new"\n/label ~backend\n', ["backend"]),  # one scope twice: a choice
        ('/label ~"a::b::c" ~"a::d"\n', ["a::b::c", "a::d"]),  # scopes `a::b` and `a`: two scopes
        ("/label ~devops:: ~group: ~frontend\n", ["frontend"]),  # left open for the writer
        ('/label ~"one" ~"two"\n', ["one", "two"]),  # two labels on one line, each as written
    ],
    ids=["one scope twice", "two colons", "left open", "one line"],
)
def test_the_labels_a_template_requires(tmp_path: Path, quick_actions: str, required: list[str]) -> None:
    (tmp_path / "t.md").write_text(f"## Summary\n\n_Say what._\n\n{quick_actions}", "utf-8")
    result = run_main("schema", "infer", str(tmp_path / "t.md"))
    labels = result.json()["properties"].get("labels", {"allOf": []})["allOf"]
    assert [entry["contains"]["const"] for entry in labels] == required
    if required == ["one", "two"]:
        assert [entry["x-hint"] for entry in labels] == ["add '/label ~\"one\"'", "add '/label ~\"two\"'"]


@pytest.mark.parametrize(
    ("preamble", "message", "hint"),
    [
        ("Plain words above the first heading.\n\n", "the statement 'Plain words above the first heading....' is missing",
         "keep 'Plain words above the first heading.' above the first heading"),
        ("<!-- Do not remove this note about the plan -->\n\n", "the 'Do not remove this note about' comment is missing",
         "keep '<!-- Do not remove this note about the plan -->' above the first heading"),
        ("A first statement.\n\n<!-- Do not remove this note about the plan -->\n\n<!-- another -->\n\n_The issue is confidential._\n\n",
         "the 'Do not remove this note about' comment is missing",
         "keep '<!-- Do not remove this note about the plan -->' above the confidentiality statement"),
    ],
    ids=["a plain statement", "a kept comment last", "a kept comment, another comment, then a statement"],
)  # fmt: skip
def test_the_preamble_a_template_requires(tmp_path: Path, preamble: str, message: str, hint: str) -> None:
    (tmp_path / "t.md").write_text(f"{preamble}## Summary\n\nText.\n", "utf-8")
    entries = run_main("schema", "infer", str(tmp_path / "t.md")).json()["properties"]["preamble"]["allOf"]
    assert (message, hint) in [(entry["x-message"], entry["x-hint"]) for entry in entries], entries


CELLS_TEMPLATE = """## Overview

### Links

| Resource | Link | Owner |
|---|---|---|
| Issue | <!-- optional --> | <!-- Required. --> |
| Docs | <!-- Optional, but recommended. --> | |
| Team <!-- Required --> | x | y |

| Second | Table |
|---|---|
| Row | <!-- Required --> |
"""


def test_required_and_recommended_cells_of_a_subsection_s_tables(tmp_path: Path) -> None:
    """Two tables in a subsection: each gets its own conditions, from the comments of its cells
    (after a neutral comment too), none for the cell that names the row, and nothing else."""
    (tmp_path / "t.md").write_text(CELLS_TEMPLATE, "utf-8")
    schema = run_main("schema", "infer", str(tmp_path / "t.md")).json()
    links = schema["then"]["properties"]["sections"]["properties"]["Overview"]["properties"]["sections"]["properties"]["Links"]
    tables = links["properties"]["tables"]["prefixItems"]
    assert len(tables) == 2
    first = [(c["if"]["properties"]["Resource"]["const"], *next(iter(c["then"]["properties"].items())))
             for c in tables[0]["properties"]["rows"]["items"]["allOf"]]  # fmt: skip
    assert first == [
        ("Issue", "Owner", {"x-rule": "RL303", "minLength": 1, "x-message": "the 'Issue' row's Owner is empty: the template requires it",
                            "x-hint": "fill in the Owner of the 'Issue' row"}),
        ("Docs", "Link", {"x-rule": "RL304", "minLength": 1, "x-message": "the 'Docs' row's Link is empty: the template recommends it",
                          "x-hint": "fill in the Link of the 'Docs' row, or write 'n/a'"}),
    ]  # fmt: skip
    second = tables[1]["properties"]["rows"]["items"]["allOf"]
    assert [(c["if"]["properties"]["Second"]["const"], list(c["then"]["properties"])) for c in second] == [("Row", ["Table"])]
    # A one-character value fills a cell.
    plan = tmp_path / "plan.md"
    plan.write_text(CELLS_TEMPLATE.replace("| Issue | <!-- optional --> | <!-- Required. --> |", "| Issue | | x |"), "utf-8")
    (tmp_path / "t.schema.json").write_text(json.dumps(schema), "utf-8")
    found = run_main("check", "--format", "json", "--schema", str(tmp_path / "t.schema.json"), str(plan)).json()["diagnostics"]
    assert [d["message"] for d in found if d["rule"] in ("RL303", "RL304")] == [
        "the 'Docs' row's Link is empty: the template recommends it", "the 'Row' row's Table is empty: the template requires it"
    ]  # fmt: skip


def test_a_required_cell_with_two_comments_is_required(tmp_path: Path) -> None:
    """The comments of a cell are read together: `<!--required--><!--a link-->` is required."""
    template = "## Links\n\n| Resource | Link |\n|---|---|\n| Issue | <!--required--><!--a link--> |\n"
    (tmp_path / "t.md").write_text(template, "utf-8")
    schema = run_main("schema", "infer", str(tmp_path / "t.md")).json()
    table = schema["then"]["properties"]["sections"]["properties"]["Links"]["properties"]["tables"]["prefixItems"][0]
    assert [(c["if"]["properties"]["Resource"]["const"], c["then"]["properties"]["Link"]["x-rule"])
            for c in table["properties"]["rows"]["items"]["allOf"]] == [("Issue", "RL303")]  # fmt: skip


def test_an_overlay_naming_no_table_of_two_lists_both(tmp_path: Path) -> None:
    (tmp_path / "t.md").write_text(CELLS_TEMPLATE, "utf-8")
    (tmp_path / "t.overlay.json").write_text(json.dumps({"sections": {"Overview > Links": {"tables": {"A | B": {}}}}}))
    result = run_main("schema", "infer", str(tmp_path / "t.md"))
    assert result.code == 2 and (
        "/sections/Overview > Links/tables/A | B: the section has no such table "
        "(its tables: 'Resource | Link | Owner', 'Second | Table')" in result.err
    ), result
