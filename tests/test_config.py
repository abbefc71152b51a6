"""Configuration: `.rollout-lint.toml` and `[tool.rollout-lint]`, through `main(argv)`.

Every test writes real configuration files into a temporary tree and runs `rollout-lint` there.
The plan used most is `examples/draft-plan.md`, whose findings are (line, rule):
18 RL303, 31 RL101, 31 RL104 (warning), 44 RL202, 46 RL306, 60 RL402, 61 RL202, 82 RL502.
Where RL202 is not selected, its two placeholders are reported as the values they are not:
44 RL305 (`???` is not a date) and 61 RL401 (`X ms to Y ms` is not a range).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLE_PLAN, FIXTURES, ROOT, Result, run_cli, run_main
from rollout_lint.config.files import CONFIG_SCHEMA, ConfigFinder, PathPattern, read_config

DRAFT = ROOT / "examples" / "draft-plan.md"
DRAFT_RULES = ["RL303", "RL101", "RL104", "RL202", "RL306", "RL402", "RL202", "RL502"]
WARNS_ONLY = FIXTURES / "issue" / "heading-case.md"  # two RL104 warnings
TEMPLATE = ROOT / "schemas" / "model-rollout-plan.md"  # passes template mode, fails issue mode
BUG_SCHEMA = FIXTURES / "schemas" / "bug-report.schema.json"
BUG_REPORT = FIXTURES / "schemas" / "bug-report-filled.md"  # clean against BUG_SCHEMA


def tree(root: Path, files: dict[str, str | Path]) -> Path:
    """Write `files` (relative path -> text, or a file to copy) below `root`."""
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copyfile(content, target)
        else:
            target.write_text(content, encoding="utf-8")
    return root


def check(root: Path, *args: str, installed: bool = False) -> Result:
    """`check --format json args` run in `root`: in this process, or (`installed`) the installed command."""
    return (run_cli if installed else run_main)("check", "--format", "json", *args, cwd=root)


def rules_by_file(result: Result) -> dict[str, list[str]]:
    """path -> the rules of its findings, in report order."""
    found: dict[str, list[str]] = {}
    for diagnostic in result.json()["diagnostics"]:
        found.setdefault(diagnostic["path"], []).append(diagnostic["rule"])
    return found


def one_error_line(result: Result) -> str:
    """The single line a configuration problem prints, after checking it is all there is."""
    assert result.code == 2, result
    assert result.out == "" and "Traceback" not in result.err, result
    assert result.err.count("\n") == 1, result
    return result.err.rstrip("\n")


# --- Finding the configuration ------------------------------------------------------------


def test_the_nearest_configuration_governs_each_file(tmp_path: Path) -> None:
    tree(tmp_path, {
        ".rollout-lint.toml": 'ignore = ["RL1"]\n',
        "plan.md": DRAFT,
        "team/pyproject.toml": '[tool.rollout-lint]\nignore = ["RL3"]\n',
        "team/plan.md": DRAFT,
        "team/deep/er/plan.md": DRAFT,
    })
    result = check(tmp_path, ".")
    assert result.code == 1, result
    assert rules_by_file(result) == {
        "./plan.md": ["RL303", "RL202", "RL306", "RL402", "RL202", "RL502"],
        "./team/deep/er/plan.md": ["RL101", "RL104", "RL202", "RL402", "RL202", "RL502"],
        "./team/plan.md": ["RL101", "RL104", "RL202", "RL402", "RL202", "RL502"],
    }


def test_dotfile_wins_over_pyproject_in_the_same_directory(tmp_path: Path) -> None:
    tree(tmp_path, {
        ".rollout-lint.toml": 'select = ["RL3"]\n',
        "pyproject.toml": '[tool.rollout-lint]\nselect = ["RL5"]\n',
        "plan.md": DRAFT,
    })
    assert rules_by_file(check(tmp_path, "plan.md")) == {"plan.md": ["RL303", "RL305", "RL306"]}


def test_a_pyproject_without_the_table_does_not_count(tmp_path: Path) -> None:
    tree(tmp_path, {
        ".rollout-lint.toml": 'select = ["RL5"]\n',
        "sub/pyproject.toml": '[project]\nname = "other"\n\n[tool.ruff]\nline-length = 100\n',
        "sub/plan.md": DRAFT,
    })
    assert rules_by_file(check(tmp_path, "sub/plan.md")) == {"sub/plan.md": ["RL502"]}


def test_the_configuration_of_stdin_is_found_from_stdin_filename(tmp_path: Path) -> None:
    tree(tmp_path, {"team/.rollout-lint.toml": 'select = ["RL5"]\n'})
    result = run_main("check", "--format", "json", "-", "--stdin-filename", "team/plan.md", stdin=DRAFT.read_text(), cwd=tmp_path)
    assert rules_by_file(result) == {"team/plan.md": ["RL502"]}


def test_config_option_is_used_for_every_file_instead_of_discovery(tmp_path: Path) -> None:
    tree(tmp_path, {
        "elsewhere/shared.toml": 'select = ["RL5"]\n',
        "team/.rollout-lint.toml": 'select = ["RL3"]\n',
        "team/plan.md": DRAFT,
        "plan.md": DRAFT,
    })
    result = check(tmp_path, "--config", "elsewhere/shared.toml", "plan.md", "team/plan.md")
    assert rules_by_file(result) == {"plan.md": ["RL502"], "team/plan.md": ["RL502"]}


def test_config_option_reads_the_table_of_a_pyproject(tmp_path: Path) -> None:
    tree(tmp_path, {"ci/pyproject.toml": '[tool.rollout-lint]\nselect = ["RL5"]\n', "plan.md": DRAFT})
    assert rules_by_file(check(tmp_path, "--config", "ci/pyproject.toml", "plan.md")) == {"plan.md": ["RL502"]}


def test_isolated_ignores_every_configuration(tmp_path: Path) -> None:
    tree(tmp_path, {".rollout-lint.toml": 'select = ["RL5"]\nmode = "template"\n', "plan.md": DRAFT})
    result = check(tmp_path, "--isolated", "plan.md")
    assert result.code == 1, result
    assert rules_by_file(result) == {"plan.md": DRAFT_RULES}


def test_the_finder_reads_each_configuration_once_and_remembers_every_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rollout_lint.config.files as config

    tree(tmp_path, {"pyproject.toml": '[tool.rollout-lint]\nmode = "issue"\n'})
    directories = [tmp_path / f"a{i}" / "b" / "c" for i in range(20)]
    for directory in directories:
        directory.mkdir(parents=True)
    reads: list[str] = []
    monkeypatch.setattr(config, "read_config", lambda path, shown: reads.append(path) or read_config(path, shown))
    finder = ConfigFinder()
    found = [finder.nearest(str(directory)) for directory in directories * 50]
    assert found[0] is not None and found[0].mode == "issue"
    assert all(config is found[0] for config in found)
    assert reads == [str(tmp_path / "pyproject.toml")]


# --- Keys ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ('select = ["RL3"]', ["RL303", "RL305", "RL306"]),  # a prefix
        ('select = ["RL303", "missing-label"]', ["RL303", "RL502"]),  # an id and a name
        ('select = ["rl402"]', ["RL402"]),  # ids in any case, as `explain` takes them
        ('ignore = ["RL1", "RL2"]', ["RL303", "RL305", "RL306", "RL401", "RL402", "RL502"]),
        # The more specific selector wins; at equal specificity the ignore does.
        ('select = ["RL", "RL104"]\nignore = ["RL1"]', ["RL104", "RL202", "RL202", "RL303", "RL306", "RL402", "RL502"]),
        ('select = ["RL3"]\nignore = ["RL3"]', []),
        ("select = []", []),
    ],
)
def test_select_and_ignore(tmp_path: Path, config: str, expected: list[str]) -> None:
    tree(tmp_path, {".rollout-lint.toml": config, "plan.md": DRAFT})
    result = check(tmp_path, "plan.md")
    assert sorted(rules_by_file(result).get("plan.md", [])) == sorted(expected)
    assert result.code == (1 if expected else 0), result


def test_command_line_select_replaces_and_ignore_adds_to_the_configuration(tmp_path: Path) -> None:
    tree(tmp_path, {".rollout-lint.toml": 'select = ["RL5"]\nignore = ["RL306"]\n', "plan.md": DRAFT})
    result = check(tmp_path, "--select", "RL3,RL4", "--ignore", "RL402", "plan.md")
    assert rules_by_file(result) == {"plan.md": ["RL303", "RL305", "RL401"]}
    result = check(tmp_path, "--select", "RL3", "--select", "RL5", "plan.md")
    assert rules_by_file(result) == {"plan.md": ["RL303", "RL305", "RL502"]}


def test_a_value_finding_shows_when_its_placeholder_finding_is_not_selected(tmp_path: Path) -> None:
    """Line 44's date is `???`: RL305 (not a date) repeats RL202 (placeholder) and is dropped,
    but only while RL202 is shown."""
    tree(tmp_path, {"plan.md": DRAFT})
    by_line = [(d["line"], d["rule"]) for d in check(tmp_path, "plan.md").json()["diagnostics"]]
    assert (44, "RL202") in by_line and (44, "RL305") not in by_line
    result = check(tmp_path, "--select", "RL305", "plan.md")
    assert [(d["line"], d["rule"]) for d in result.json()["diagnostics"]] == [(44, "RL305")]
    assert result.code == 1, result


def test_severity_changes_the_reported_severity_and_the_exit_code(tmp_path: Path) -> None:
    tree(tmp_path, {"plan.md": WARNS_ONLY})
    assert check(tmp_path, "plan.md").code == 0
    tree(tmp_path, {"pyproject.toml": '[tool.rollout-lint.severity]\nheading-case = "error"\n'})
    result = check(tmp_path, "plan.md")
    assert result.code == 1, result
    assert [d["severity"] for d in result.json()["diagnostics"]] == ["error", "error"]
    assert result.json()["summary"]["errors"] == 2


def test_the_most_specific_severity_wins(tmp_path: Path) -> None:
    tree(tmp_path, {".rollout-lint.toml": '[severity]\nRL = "warning"\nRL202 = "info"\n', "plan.md": DRAFT})
    result = check(tmp_path, "plan.md")
    assert result.code == 0, result
    severities = {d["rule"]: d["severity"] for d in result.json()["diagnostics"]}
    assert severities == {rule: "info" if rule == "RL202" else "warning" for rule in DRAFT_RULES}
    assert check(tmp_path, "--strict", "plan.md").code == 1


def test_could_not_check_findings_are_never_ignored_or_downgraded(tmp_path: Path) -> None:
    config = 'select = ["RL5"]\nignore = ["RL0"]\n[severity]\nRL0 = "info"\nunreadable-file = "info"\n'
    tree(tmp_path, {".rollout-lint.toml": config, "empty.md": ""})
    result = check(tmp_path, "missing.md", "empty.md")
    assert result.code == 2, result
    assert [(d["path"], d["rule"], d["severity"]) for d in result.json()["diagnostics"]] == [
        ("missing.md", "RL001", "error")
    ]


def test_per_file_ignores_apply_to_the_files_their_glob_matches(tmp_path: Path) -> None:
    config = '[per-file-ignores]\n"drafts/**/*.md" = ["RL1", "RL2"]\n"*-final.md" = ["invalid-range", "RL5"]\n'
    tree(tmp_path, {
        ".rollout-lint.toml": config,
        "drafts/plan.md": DRAFT,
        "drafts/q3/plan.md": DRAFT,
        "plan.md": DRAFT,
        "team/plan-final.md": DRAFT,
    })
    assert rules_by_file(check(tmp_path, ".")) == {
        "./drafts/plan.md": ["RL303", "RL305", "RL306", "RL402", "RL401", "RL502"],
        "./drafts/q3/plan.md": ["RL303", "RL305", "RL306", "RL402", "RL401", "RL502"],
        "./plan.md": DRAFT_RULES,
        "./team/plan-final.md": ["RL303", "RL101", "RL104", "RL202", "RL306", "RL402", "RL202"],
    }


def test_exclude_skips_found_and_named_files(tmp_path: Path) -> None:
    tree(tmp_path, {
        ".rollout-lint.toml": 'exclude = ["archive", "notes/*.md"]\n',
        "archive/old/plan.md": DRAFT,
        "notes/todo.md": DRAFT,
        "notes/keep/plan.md": EXAMPLE_PLAN,
        "plan.md": EXAMPLE_PLAN,
    })
    result = check(tmp_path, ".", "archive/old/plan.md", "notes/todo.md")
    assert result.code == 0, result
    assert result.json()["summary"]["files"] == 2  # plan.md and notes/keep/plan.md
    result = run_main("check", "notes/todo.md", cwd=tmp_path)
    assert (result.code, result.out.strip()) == (0, "All checks passed (0 files).")


def test_overrides_set_the_mode_for_the_files_they_match(tmp_path: Path) -> None:
    config = '[[overrides]]\nfiles = ["templates/*.md"]\nmode = "template"\n'
    tree(tmp_path, {".rollout-lint.toml": config, "templates/plan.md": TEMPLATE, "plan.md": TEMPLATE})
    result = check(tmp_path, "templates/plan.md", "plan.md")
    assert set(rules_by_file(result)["templates/plan.md"]) == {"RL504"}
    assert "RL202" in rules_by_file(result)["plan.md"]
    # The command line wins over the configuration.
    assert "RL202" in rules_by_file(check(tmp_path, "--mode", "issue", "templates/plan.md"))["templates/plan.md"]


def test_mode_key_applies_to_every_file(tmp_path: Path) -> None:
    tree(tmp_path, {".rollout-lint.toml": 'mode = "template"\n', "plan.md": TEMPLATE})
    result = check(tmp_path, "plan.md")
    # As a template: only its own repeated quick action, an info. As a plan (the configuration
    # left out), what a person must fill in fails it.
    assert (result.code, rules_by_file(result)) == (0, {"plan.md": ["RL504"]}), result
    assert check(tmp_path, "--isolated", "plan.md").code == 1


def test_schema_paths_are_relative_to_the_configuration(tmp_path: Path) -> None:
    config = (
        'schema = "schemas/bug.schema.json"\nexclude = ["schemas"]\n'
        '[[overrides]]\nfiles = ["rollouts"]\nschema = "../bundled/plan.schema.json"\n'
    )
    tree(tmp_path, {
        "project/.rollout-lint.toml": config,
        "project/schemas/bug.schema.json": BUG_SCHEMA,
        "project/schemas/bug-report.md": FIXTURES / "schemas" / "bug-report.md",
        "project/bug.md": BUG_REPORT,
        "project/rollouts/plan.md": EXAMPLE_PLAN,
        "bundled/plan.schema.json": ROOT / "schemas" / "model-rollout-plan.schema.json",
        "bundled/model-rollout-plan.md": TEMPLATE,
        "elsewhere/.keep": "",
    })
    result = check(tmp_path / "elsewhere", "../project")
    assert result.code == 0, result
    assert result.json()["summary"]["files"] == 2
    # The bug-report schema would fail the rollout plan: the override is what passes it.
    result = check(tmp_path, "--schema", "project/schemas/bug.schema.json", "project/rollouts/plan.md")
    assert result.code == 1, result


# --- Errors: exit 2, one line, no traceback -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "pyproject.toml",
            '[tool.rollout-lint]\nselet = ["RL1"]\n',
            "pyproject.toml: tool.rollout-lint: unknown key 'selet'; allowed: "
            "exclude, ignore, mode, overrides, per-file-ignores, schema, select, severity, template",
        ),
        (
            ".rollout-lint.toml",
            'selet = ["RL1"]\n',
            ".rollout-lint.toml: unknown key 'selet'; allowed: "
            "exclude, ignore, mode, overrides, per-file-ignores, schema, select, severity, template",
        ),
        ("pyproject.toml", '[tool]\nrollout-lint = 3\n', "pyproject.toml: tool.rollout-lint: expected a table, not an integer"),
        (".rollout-lint.toml", 'select = "RL1"\n', ".rollout-lint.toml: select: expected an array, not a string"),
        (".rollout-lint.toml", "ignore = [1]\n", ".rollout-lint.toml: ignore[0]: expected a string, not an integer"),
        (".rollout-lint.toml", "schema = 2026-01-01\n", ".rollout-lint.toml: schema: expected a string, not a date or time"),
        (
            ".rollout-lint.toml",
            'mode = "plan"\n',
            ".rollout-lint.toml: mode: 'plan' is not allowed; allowed: auto, issue, template",
        ),
        (
            ".rollout-lint.toml",
            '[severity]\nRL101 = "fatal"\n',
            ".rollout-lint.toml: severity.RL101: 'fatal' is not allowed; allowed: error, warning, info",
        ),
        (
            ".rollout-lint.toml",
            'select = ["RL1", "RL999"]\n',
            ".rollout-lint.toml: select[1]: unknown rule 'RL999'; 'rollout-lint rules' lists them",
        ),
        (
            "pyproject.toml",
            '[tool.rollout-lint.per-file-ignores]\n"docs/*.md" = ["missing-sektion"]\n',
            "pyproject.toml: tool.rollout-lint.per-file-ignores.\"docs/*.md\"[0]: unknown rule 'missing-sektion'; "
            "'rollout-lint rules' lists them",
        ),
        (
            ".rollout-lint.toml",
            '[severity]\nX101 = "info"\n',
            ".rollout-lint.toml: severity.X101: unknown rule 'X101'; 'rollout-lint rules' lists them",
        ),
        (
            ".rollout-lint.toml",
            '[[overrides]]\nfiles = ["a"]\nmod = "issue"\n',
            ".rollout-lint.toml: overrides[0]: unknown key 'mod'; allowed: files, mode, schema",
        ),
        (".rollout-lint.toml", '[[overrides]]\nmode = "issue"\n', ".rollout-lint.toml: overrides[0]: missing key 'files'"),
        (".rollout-lint.toml", "[[overrides]]\nfiles = []\n", ".rollout-lint.toml: overrides[0].files: must not be empty"),
        (
            ".rollout-lint.toml",
            'select = ["RL1"\n',
            ".rollout-lint.toml: invalid TOML: Unclosed array (at end of document)",
        ),
        (".rollout-lint.toml", b"mode = '\xff'\n", ".rollout-lint.toml: not valid UTF-8: byte 0xff at offset 8"),
        (
            ".rollout-lint.toml",
            'exclude = ["archive", "[z-a]"]\n',
            ".rollout-lint.toml: exclude[1]: invalid glob '[z-a]': the range 'z-a' is reversed",
        ),
        (
            "pyproject.toml",
            '[tool.rollout-lint.per-file-ignores]\n"q[3-1]/*.md" = ["RL1"]\n',
            "pyproject.toml: tool.rollout-lint.per-file-ignores.\"q[3-1]/*.md\": invalid glob 'q[3-1]/*.md': "
            "the range '3-1' is reversed",
        ),
        (
            ".rollout-lint.toml",
            '[[overrides]]\nfiles = ["[b-a]*"]\nmode = "issue"\n',
            ".rollout-lint.toml: overrides[0].files[0]: invalid glob '[b-a]*': the range 'b-a' is reversed",
        ),
        (
            ".rollout-lint.toml",
            'schema = "missing.schema.json"\n',
            ".rollout-lint.toml: schema: {directory}/missing.schema.json: no such file or directory",
        ),
    ],
)
def test_a_bad_configuration_exits_2_with_one_line_naming_file_and_key(
    tmp_path: Path, name: str, text: str | bytes, message: str
) -> None:
    tree(tmp_path, {"plan.md": EXAMPLE_PLAN})
    config = tmp_path / name
    config.write_bytes(text if isinstance(text, bytes) else text.encode())
    expected = f"rollout-lint: {message.format(directory=tmp_path)}"
    assert one_error_line(check(tmp_path, "plan.md")) == expected
    # Named with --config, the file is shown as given.
    assert one_error_line(check(tmp_path, "--config", f"./{name}", "plan.md")) == expected.replace(name, f"./{name}", 1)


def test_a_bad_schema_named_by_an_override_is_reported_with_its_key(tmp_path: Path) -> None:
    config = '[[tool.rollout-lint.overrides]]\nfiles = ["*.md"]\nschema = "bad.json"\n'
    tree(tmp_path, {"sub/pyproject.toml": config, "sub/bad.json": "[1]", "sub/plan.md": DRAFT})
    assert one_error_line(check(tmp_path, "sub")) == (
        f"rollout-lint: sub/pyproject.toml: tool.rollout-lint.overrides[0].schema: "
        f"{tmp_path}/sub/bad.json: a schema must be a JSON object"
    )


def test_a_bad_configuration_stops_the_run_before_any_report(tmp_path: Path) -> None:
    tree(tmp_path, {"a/plan.md": DRAFT, "b/.rollout-lint.toml": "selet = 1\n", "b/plan.md": DRAFT})
    result = run_main("check", "a", "b", cwd=tmp_path)
    assert one_error_line(result).startswith("rollout-lint: b/.rollout-lint.toml: unknown key 'selet'")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--config", "nothere.toml"], "rollout-lint: nothere.toml: no such file or directory"),
        (["--config", "."], "rollout-lint: .: not a regular file (a directory)"),
        (["--config", "pyproject.toml"], "rollout-lint: pyproject.toml: no [tool.rollout-lint] table"),
        (["--select", "RL1,RL9"], "rollout-lint: --select: unknown rule 'RL9'; 'rollout-lint rules' lists them"),
        (["--ignore", "nope"], "rollout-lint: --ignore: unknown rule 'nope'; 'rollout-lint rules' lists them"),
        (
            ["--config", "pyproject.toml", "--isolated"],
            "rollout-lint check: argument --isolated: not allowed with argument --config",
        ),
    ],
)
def test_bad_configuration_options_exit_2_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    tree(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n', "plan.md": EXAMPLE_PLAN})
    assert one_error_line(check(tmp_path, *args, "plan.md")) == message


@pytest.mark.parametrize("name", [".rollout-lint.toml", "pyproject.toml"])
def test_a_configuration_file_that_is_not_a_regular_file_is_refused_not_waited_on(tmp_path: Path, name: str) -> None:
    tree(tmp_path, {"plan.md": EXAMPLE_PLAN})
    os.mkfifo(tmp_path / name)
    expected = f"rollout-lint: {name}: not a regular file (a FIFO)"
    assert one_error_line(check(tmp_path, "plan.md")) == expected
    assert one_error_line(check(tmp_path, "--config", name, "plan.md")) == expected


@pytest.mark.parametrize("name", [".rollout-lint.toml", "pyproject.toml"])
def test_a_configuration_file_of_4_mib_is_read_and_a_larger_one_refused(tmp_path: Path, name: str) -> None:
    tree(tmp_path, {"plan.md": EXAMPLE_PLAN})
    table = "[tool.rollout-lint]\n" if name == "pyproject.toml" else ""
    config = tmp_path / name
    comment = table + 'mode = "issue"\n# '
    config.write_text(comment + "x" * ((4 << 20) - len(comment) - 1) + "\n", encoding="utf-8")
    read = check(tmp_path, "plan.md")
    assert (read.code, read.err, read.json()["diagnostics"]) == (0, "", []), read
    config.write_text(comment + "x" * ((4 << 20) - len(comment)) + "\n", encoding="utf-8")
    assert one_error_line(check(tmp_path, "plan.md")) == f"rollout-lint: {name}: larger than 4 MiB (4,194,305 bytes)"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (".rollout-lint.toml", "select = " + "[" * 5_000 + "]" * 5_000 + "\n"),
        ("pyproject.toml", "[tool.rollout-lint]\nschema = " + "{a = " * 5_000 + "1" + "}" * 5_000 + "\n"),
    ],
    ids=["arrays", "inline tables"],
)
def test_toml_nested_too_deep_for_the_toml_parser_is_one_line(tmp_path: Path, name: str, text: str) -> None:
    tree(tmp_path, {"plan.md": EXAMPLE_PLAN, name: text})
    assert one_error_line(check(tmp_path, "plan.md")) == f"rollout-lint: {name}: invalid TOML: nested too deeply"


# --- The schema and the globs ---------------------------------------------------------------


def test_the_config_schema_is_a_valid_schema_shipped_in_the_package() -> None:
    from jsonschema import Draft202012Validator

    # The package ships the file of the top-level schemas/ (a copy, in a non-editable install).
    assert CONFIG_SCHEMA.read_bytes() == (ROOT / "schemas" / CONFIG_SCHEMA.name).read_bytes()
    Draft202012Validator.check_schema(json.loads(CONFIG_SCHEMA.read_text("utf-8")))


def test_the_readme_example_is_a_valid_configuration(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Configuration", 1)[1]
    example = re.search(r"```toml\n(.*?)```", section, re.DOTALL)
    assert example is not None
    tree(tmp_path, {"pyproject.toml": example.group(1), "schemas/incident.schema.json": BUG_SCHEMA})
    config = read_config(str(tmp_path / "pyproject.toml"), "pyproject.toml")
    assert config is not None and config.select is not None


@pytest.mark.parametrize(
    ("glob", "matching", "not_matching"),
    [
        ("*.md", ["a.md", "x/y/b.md"], ["a.txt", "a.md.bak"]),
        ("drafts", ["drafts/a.md", "x/drafts/y/a.md"], ["drafts.md", "x/mydrafts/a.md"]),
        ("drafts/*.md", ["drafts/a.md"], ["x/drafts/a.md"]),
        ("drafts/", ["drafts/a/b.md"], ["other/a.md"]),
        ("./drafts/*", ["drafts/a.md", "drafts/x/a.md"], ["a.md"]),
        ("docs/**/*.md", ["docs/a.md", "docs/x/y/a.md"], ["a.md", "other/docs/a.md"]),
        ("**/plan-?.md", ["plan-1.md", "x/plan-a.md"], ["plan-10.md", "x/plan-/.md"]),
        ("q[1-3]/*.md", ["q1/a.md", "q3/a.md"], ["q4/a.md"]),
        ("q[!1]/*.md", ["q2/a.md"], ["q1/a.md"]),
        ("[ab", ["[ab"], ["a"]),
        # A `]` first in a class is one of its members; a `-` first or last is a plain `-`.
        ("[]a]", ["]", "a"], ["b", "]a"]),
        ("[!]a]", ["b", "x/b"], ["]", "a"]),
        ("[a-]", ["a", "-"], ["b"]),
        # A class, like `?`, matches one character of a name, never the `/` between names.
        ("x/[!a]y", ["x/by"], ["x//y", "x/ay"]),
        ("x/?y", ["x/by"], ["x//y"]),
        # `**` not followed by `/` crosses directories too.
        ("docs/a**b", ["docs/ab", "docs/a/x/b", "docs/ab/c.md"], ["docs/b", "docs/a"]),
        ("**", ["a", "a/b"], []),
        ("**/**/x", ["x", "a/x", "a/b/x/y.md"], ["ax", "a/bx"]),
        ("*a*a*b", ["aab", "xaxayb", "d/aab"], ["ab", "aab.md", "aa/b"]),
        ("/plan.md", ["plan.md"], ["x/plan.md"]),
    ],
)
def test_globs(glob: str, matching: list[str], not_matching: list[str]) -> None:
    pattern = PathPattern(glob)
    assert [path for path in matching if not pattern.matches(path)] == []
    assert [path for path in not_matching if pattern.matches(path)] == []


# Each glob token and the regex it stands for: the oracle, written independently of the matcher
# (and fast enough on globs this short, where backtracking costs little).
GLOB_TOKENS = {
    "a": "a", "b": "b", "/": "/", "*": "[^/]*", "?": "[^/]", "**": ".*", "**/": "(?:.*/)?",
    "[ab]": "[ab]", "[!a]": "[^/a]", "[a-b]": "[a-b]",
}


def oracle(glob: str) -> Callable[[str], bool]:
    """What PathPattern(glob).matches must say about a path, by the README's "Globs" rules."""
    glob = glob.removeprefix("./").rstrip("/")
    anchored = "/" in glob
    glob = glob.lstrip("/")
    pieces, index = [], 0
    while index < len(glob):
        token = next(t for t in sorted(GLOB_TOKENS, key=len, reverse=True) if glob.startswith(t, index))
        pieces.append(GLOB_TOKENS[token])
        index += len(token)
    regex = re.compile("".join(pieces))

    def matches(path: str) -> bool:
        parts = path.split("/")
        if not anchored:
            return any(regex.fullmatch(part) for part in parts)
        return any(regex.fullmatch("/".join(parts[:end])) for end in range(1, len(parts) + 1))

    return matches


def test_every_short_glob_matches_every_short_path_as_its_regular_expression_would() -> None:
    # Every glob of up to three tokens against every path of up to four characters: small
    # enough to try all, and every way of matching a glob token shows up in them.
    globs = ["".join(tokens) for size in (1, 2, 3) for tokens in itertools.product(GLOB_TOKENS, repeat=size)]
    paths = ["".join(chars) for size in (1, 2, 3, 4) for chars in itertools.product("ab/", repeat=size)]
    wrong = [
        (glob, path)
        for glob in globs
        for pattern, expected in [(PathPattern(glob), oracle(glob))]
        for path in paths
        if pattern.matches(path) != expected(path)
    ]
    assert wrong[:10] == []


# Globs that a backtracking matcher takes exponential time on: each `*` or `**/` multiplies
# the ways to split the path, and none leads to a match.
HOSTILE_GLOBS = ["*a*a*a*a*a*a*a*a*b", "**/**/**/**/**/**/**/x"]


def test_a_hostile_glob_takes_seconds_not_hours(tmp_path: Path) -> None:
    deep = "/".join(["d"] * 60)
    tree(tmp_path, {
        "stars/.rollout-lint.toml": f'exclude = ["{HOSTILE_GLOBS[0]}"]\n',
        f"stars/{'a' * 60}.md": EXAMPLE_PLAN,
        "dirs/.rollout-lint.toml": f'exclude = ["{HOSTILE_GLOBS[1]}"]\n',
        f"dirs/{deep}/plan.md": EXAMPLE_PLAN,
        f"dirs/{deep}/x/plan.md": DRAFT,
    })
    # `run_cli`'s timeout (120 s) guards against a hang; a backtracking matcher took minutes.
    result = check(tmp_path, "stars", "dirs", installed=True)
    assert result.code == 0, result
    assert result.json()["summary"]["files"] == 2  # the draft under x/ is excluded


@pytest.mark.parametrize("glob", HOSTILE_GLOBS)
def test_matching_a_glob_costs_one_step_per_character_at_most(glob: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from rollout_lint.config import globs

    steps = 0
    advance = globs.Glob._advance

    def counted(self: globs.Glob, state: int, char: str) -> int:
        nonlocal steps
        steps += 1
        return advance(self, state, char)

    monkeypatch.setattr(globs.Glob, "_advance", counted)
    for length in (60, 600, 6000):
        steps = 0
        path = "a" * length + ".md" if glob.startswith("*a") else "/".join(["d"] * length) + "/plan.md"
        assert not PathPattern(glob).matches(path)
        # Each step sets out from one set of positions in the glob: work in proportion to
        # the path's length times the glob's, where backtracking is exponential.
        assert steps <= len(path), (length, steps)
