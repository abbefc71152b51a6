"""A schema key that names a section its outline does not have, where the key puts it, is refused
at load: its checks would constrain a section no plan has, and be silently off (issue 14).

The bundled schema is copied with one key changed; each case says what a schema author did.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLE_PLAN, ROOT, run_cli, run_main
from rollout_lint.rules import load_schema
from rollout_lint.schema.loading import check_section_keys

SCHEMAS = ROOT / "schemas"
BUNDLED = SCHEMAS / "model-rollout-plan.schema.json"


def schema_with(tmp_path: Path, change) -> Path:
    """A copy of the bundled schema, beside its template, with `change` applied to its JSON."""
    contents = json.loads(BUNDLED.read_text("utf-8"))
    change(contents)
    shutil.copy(SCHEMAS / contents["x-template"], tmp_path / contents["x-template"])
    path = tmp_path / "plan.schema.json"
    path.write_text(json.dumps(contents), "utf-8")
    return path


def renamed(node: dict, old: str, new: str) -> None:
    node[new] = node.pop(old)


def filled_sections(contents: dict) -> dict:
    """The sections of a filled-in plan, moved from `then` to `$defs/filledIn` behind a `$ref`
    (as a schema author may write it): keys are found through references too."""
    if "filledIn" not in contents["$defs"]:
        contents["$defs"]["filledIn"] = contents.pop("then")
        contents["then"] = {"$ref": "#/$defs/filledIn"}
    return contents["$defs"]["filledIn"]["properties"]["sections"]["properties"]


CASES = [
    (
        "the old spelling of a top-level section",
        lambda c: renamed(filled_sections(c), "Known issues", "Known Issues"),
        "/$defs/filledIn/properties/sections/properties/Known Issues: no section 'Known Issues' in the "
        "x-outline; write it 'Known issues', as the outline does",
    ),
    (
        "a misspelt subsection, under a $ref'd definition",
        lambda c: renamed(
            filled_sections(c)["Rollout"]["properties"]["sections"]["properties"], "Timeline", "Time line"
        ),
        "/$defs/filledIn/properties/sections/properties/Rollout/properties/sections/properties/Time line: "
        "no section 'Time line' in the x-outline; did you mean 'Timeline'?",
    ),
    (
        "a subsection keyed at the top, where no plan has it",
        lambda c: filled_sections(c).update(Timeline={"$ref": "#/$defs/filled"}),
        "/$defs/filledIn/properties/sections/properties/Timeline: section 'Timeline' is under 'Rollout' in "
        "the x-outline, not here",
    ),
    (
        "a section the template never had",
        lambda c: c["properties"]["sections"]["properties"].update({"Evaluation Template": {"required": ["tables"]}}),
        "/properties/sections/properties/Evaluation Template: no section 'Evaluation Template' in the x-outline",
    ),
]


@pytest.mark.parametrize(("change", "says"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_a_key_the_outline_does_not_have_is_a_load_error(change, says: str, tmp_path: Path) -> None:
    schema = schema_with(tmp_path, change)
    result = run_main("check", "--schema", str(schema), str(EXAMPLE_PLAN))
    assert (result.code, result.out) == (2, ""), result
    assert result.err == f"rollout-lint: {schema}: {says}\n"


def test_the_installed_command_refuses_it_too(tmp_path: Path) -> None:
    schema = schema_with(tmp_path, CASES[0][1])
    result = run_cli("check", "--schema", str(schema), str(EXAMPLE_PLAN))
    assert result.code == 2 and "write it 'Known issues', as the outline does" in result.err, result


def test_every_key_of_the_bundled_and_fixture_schemas_is_in_its_outline() -> None:
    check_section_keys(load_schema(None))  # not checked at load: the suite checks it here
    for path in sorted((ROOT / "tests" / "fixtures").rglob("*.schema.json")):
        try:
            check_section_keys(load_schema(str(path)))
        except Exception as error:  # a fixture that is bad on purpose fails elsewhere first
            assert "x-outline" not in str(error), (path, error)


def test_a_schema_without_an_outline_names_any_section(tmp_path: Path) -> None:
    path = tmp_path / "loose.schema.json"
    path.write_text(json.dumps({"properties": {"sections": {"properties": {"Anything": {"required": ["tables"]}}}}}))
    result = run_main("check", "--schema", str(path), str(EXAMPLE_PLAN))
    assert result.code in (0, 1) and result.err == "", result
