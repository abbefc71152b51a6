"""The CI report formats (sarif, codequality, github, junit) and the report-file options
(`--output`, `--report`), on real files: through `main(argv)` in this process, and through the
installed `rollout-lint` command where the process matters (its own standard output named as a
file, standard input that is a file, another user, the README's CI commands)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import COMMAND, EXAMPLE_PLAN, FIXTURES, ROOT, SHARED, needs_shared, run_cli, run_main
from rollout_lint.cli.arguments import FORMATS
from rollout_lint.reporters.github import escape_data, escape_property
from rollout_lint.rules import REGISTRY

DRAFT = ROOT / "examples" / "draft-plan.md"
WARNS_ONLY = FIXTURES / "issue" / "heading-case.md"
INFO_ONLY = FIXTURES / "issue" / "duplicate-quick-action.md"
# Two identical findings: '[date]' twice on line 67.
TWIN_FINDINGS = FIXTURES / "issue" / "unfilled-placeholder.md"
CI_FORMATS = ("sarif", "codequality", "github", "junit")
SARIF_SCHEMA = SHARED / "external-schemas" / "sarif-schema-2.1.0.json"
CODEQUALITY_KEYS = {"description", "check_name", "fingerprint", "severity", "location"}


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def report(format_name: str, *paths: Path | str, cwd: Path = ROOT) -> Any:
    """The parsed `--format format_name` report of `paths`, run from `cwd`."""
    result = run_main("check", "--format", format_name, *map(str, paths), cwd=cwd)
    assert result.code in (0, 1, 2) and not result.err, result
    if format_name == "junit":
        return ET.fromstring(result.out)
    return result.json()


def assert_valid_sarif(sarif: Any) -> None:
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    # The official schema is Draft 4; let its "$schema" pick the validator.
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(sarif)]
    assert not errors, errors


def assert_valid_codequality(issues: Any) -> None:
    assert isinstance(issues, list)
    for issue in issues:
        assert CODEQUALITY_KEYS <= issue.keys(), issue
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert isinstance(issue["location"]["path"], str)
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert re.fullmatch("[0-9a-f]{64}", issue["fingerprint"])


def assert_valid_junit(root: ET.Element) -> None:
    assert root.tag == "testsuites"
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        assert int(suite.get("tests", "-1")) == len(cases) == len(REGISTRY)
        for outcome, element in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
            assert int(suite.get(outcome, "-1")) == sum(len(case.findall(element)) for case in cases)


# --- Every format ---------------------------------------------------------------------------


@pytest.mark.parametrize("format_name", FORMATS)
@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((str(EXAMPLE_PLAN),), 0),
        ((str(DRAFT),), 1),
        ((str(WARNS_ONLY),), 0),
        (("--strict", str(WARNS_ONLY)), 1),
        ((str(DRAFT), "no-such-plan.md"), 2),
    ],
)
def test_the_format_does_not_change_the_exit_code(format_name: str, args: tuple[str, ...], code: int) -> None:
    result = run_main("check", "--format", format_name, *args, cwd=ROOT)
    assert result.code == code, result
    # Nor what is reported: every finding's message is in the report, whatever its format.
    messages = [d["message"] for d in run_main("check", "--format", "json", *args, cwd=ROOT).json()["diagnostics"]]
    assert bool(messages) == (args != (str(EXAMPLE_PLAN),))
    assert [message for message in messages if message not in result.out] == [], result


@pytest.mark.parametrize("format_name", CI_FORMATS)
def test_a_clean_run_gives_an_empty_but_valid_report(format_name: str) -> None:
    result = run_main("check", "--format", format_name, str(EXAMPLE_PLAN))
    assert result.code == 0, result
    if format_name == "github":
        assert result.out == ""
    elif format_name == "codequality":
        assert result.json() == []
    elif format_name == "sarif":
        assert result.json()["runs"][0]["results"] == []
    else:
        assert_valid_junit(ET.fromstring(result.out))


# --- sarif -------------------------------------------------------------------------------


@needs_shared
def test_sarif_is_valid_against_the_official_schema() -> None:
    for paths in ((DRAFT,), (EXAMPLE_PLAN,), (TWIN_FINDINGS, WARNS_ONLY, INFO_ONLY, "no-such-plan.md")):
        assert_valid_sarif(report("sarif", *paths))


def test_sarif_lists_every_rule_and_points_each_result_at_its_rule() -> None:
    sarif = report("sarif", DRAFT, WARNS_ONLY, INFO_ONLY)
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-schema-2.1.0.json")
    (run,) = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "rollout-lint"
    rules = driver["rules"]
    assert [rule["id"] for rule in rules] == list(REGISTRY)
    assert rules[0]["defaultConfiguration"]["level"] == "error"
    assert {rule["defaultConfiguration"]["level"] for rule in rules} == {"error", "warning", "note"}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    levels = {(result["ruleId"], result["level"]) for result in run["results"]}
    assert {("RL101", "error"), ("RL104", "warning"), ("RL504", "note")} <= levels


def test_sarif_result_carries_the_span_the_message_and_the_hint() -> None:
    sarif = report("sarif", DRAFT)
    result = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "RL101")
    assert result["message"]["text"] == "missing section 'Legal notes'; hint: add '## Legal notes' before this heading"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "examples/draft-plan.md", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 31, "startColumn": 1, "endLine": 31, "endColumn": 16}
    assert re.fullmatch("[0-9a-f]{64}", result["partialFingerprints"]["rolloutLint/v1"])


def test_sarif_uri_is_relative_to_the_current_directory_even_for_an_absolute_argument() -> None:
    sarif = report("sarif", DRAFT.resolve(), cwd=ROOT / "examples")
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "draft-plan.md", "uriBaseId": "%SRCROOT%"}


def test_sarif_uri_outside_the_current_directory_is_an_absolute_file_uri(tmp_path: Path) -> None:
    sarif = report("sarif", DRAFT.resolve(), cwd=tmp_path)
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": DRAFT.resolve().as_uri()}


def test_sarif_reports_files_that_could_not_be_checked(tmp_path: Path) -> None:
    (tmp_path / "empty-directory").mkdir()
    result = run_main("check", "--format", "sarif", "missing.md", "empty-directory", cwd=tmp_path)
    assert result.code == 2, result
    results = result.json()["runs"][0]["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("RL001", "error")] * 2
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert uris == ["missing.md", "empty-directory"]


# --- codequality ----------------------------------------------------------------------------


def test_codequality_items_have_gitlabs_fields() -> None:
    issues = report("codequality", DRAFT, WARNS_ONLY, INFO_ONLY)
    assert_valid_codequality(issues)
    first = issues[0]
    assert first == {
        "description": "RL303 the Feature Flag Rollout Issue link is empty; hint: link the rollout issue: "
        "its URL (.../-/issues/123), '#123' or 'group/project#123'",
        "content": {"body": "Checked against model-rollout-plan@49b5e694."},
        "check_name": "RL303",
        "fingerprint": first["fingerprint"],
        "severity": "major",
        "location": {"path": "examples/draft-plan.md", "lines": {"begin": 18}},
    }
    severities = {(issue["check_name"], issue["severity"]) for issue in issues}
    assert {("RL101", "major"), ("RL104", "minor"), ("RL504", "info")} <= severities


def test_codequality_is_utf8_without_bom(tmp_path: Path) -> None:
    result = run_main("check", "--output", "report.json", "--format", "codequality", str(DRAFT), cwd=tmp_path)
    data = (tmp_path / "report.json").read_bytes()
    assert result.code == 1 and not data.startswith(b"\xef\xbb\xbf")
    assert_valid_codequality(json.loads(data.decode("utf-8")))


def test_codequality_fingerprints_are_unique_even_for_identical_findings() -> None:
    issues = report("codequality", FIXTURES / "issue", DRAFT)
    twins = [i for i in issues if i["location"] == {"path": relative(TWIN_FINDINGS), "lines": {"begin": 67}}]
    assert len(twins) == 2 and twins[0]["description"] == twins[1]["description"]
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints) > 50


def test_codequality_fingerprints_do_not_change_when_lines_shift(tmp_path: Path) -> None:
    """Lines added above findings move them, but each keeps its fingerprint (and is not "new")."""
    text = DRAFT.read_text(encoding="utf-8")
    shifted = "<!-- Reviewed by the team. -->\n\n" + text.replace("## Known Issues\n", "More context.\n\n## Known Issues\n")
    runs = {}
    for name, content in (("before", text), ("after", shifted)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "plan.md").write_text(content, encoding="utf-8")
        runs[name] = {"codequality": report("codequality", "plan.md", cwd=tmp_path / name)}
        runs[name]["sarif"] = report("sarif", "plan.md", cwd=tmp_path / name)["runs"][0]["results"]
    before, after = runs["before"]["codequality"], runs["after"]["codequality"]
    assert [i["check_name"] for i in before] == [i["check_name"] for i in after]
    assert after[0]["location"]["lines"]["begin"] == before[0]["location"]["lines"]["begin"] + 2
    assert after[-1]["location"]["lines"]["begin"] == before[-1]["location"]["lines"]["begin"] + 4
    assert [i["fingerprint"] for i in before] == [i["fingerprint"] for i in after]
    sarif_before, sarif_after = runs["before"]["sarif"], runs["after"]["sarif"]
    assert [r["partialFingerprints"] for r in sarif_before] == [r["partialFingerprints"] for r in sarif_after]


def test_fingerprints_of_findings_at_the_end_do_not_change_when_a_line_is_appended(tmp_path: Path) -> None:
    """A missing label is shown at the line it would go after: appending a line moves the
    finding, and it is still the same finding."""
    text = DRAFT.read_text(encoding="utf-8")
    prints = {}
    for name, content in (("before", text), ("after", text + "\nReviewed.\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "plan.md").write_text(content, encoding="utf-8")
        issues = report("codequality", "plan.md", cwd=tmp_path / name)
        results = report("sarif", "plan.md", cwd=tmp_path / name)["runs"][0]["results"]
        prints[name] = [(i["check_name"], i["location"]["lines"]["begin"], i["fingerprint"]) for i in issues]
        prints[name + " sarif"] = [r["partialFingerprints"] for r in results]
    last_line = len(text.splitlines())
    at_the_end = [(rule, line) for rule, line, _ in prints["before"] if line == last_line]
    assert at_the_end == [("RL502", last_line)]
    assert [(rule, line) for rule, line, _ in prints["after"]][-1] == ("RL502", last_line + 2)
    assert [fingerprint for *_, fingerprint in prints["before"]] == [fingerprint for *_, fingerprint in prints["after"]]
    assert prints["before sarif"] == prints["after sarif"]


def test_fingerprint_of_a_missing_section_does_not_change_with_the_line_it_is_shown_at(tmp_path: Path) -> None:
    """'missing section Legal notes' is shown at the heading after it; that heading's text is no
    part of what is missing."""
    plan = tmp_path / "plan.md"
    text = DRAFT.read_text(encoding="utf-8")
    assert text.count("## Known Issues\n") == 1
    prints = []
    for heading in ("## Known Issues", "##   known  ISSUES"):
        plan.write_text(text.replace("## Known Issues\n", heading + "\n"), encoding="utf-8")
        issues = report("codequality", "plan.md", cwd=tmp_path)
        prints.append([(i["location"]["lines"]["begin"], i["fingerprint"]) for i in issues if "Legal notes" in i["description"]])
    assert len(prints[0]) == 1 and prints[0] == prints[1]


def test_codequality_fingerprint_changes_when_the_flagged_line_changes(tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text(DRAFT.read_text(encoding="utf-8"), encoding="utf-8")
    before = {i["description"]: i["fingerprint"] for i in report("codequality", "plan.md", cwd=tmp_path)}
    plan.write_text(plan.read_text(encoding="utf-8").replace("| ??? |", "| ??? (soon) |"), encoding="utf-8")
    after = {i["description"]: i["fingerprint"] for i in report("codequality", "plan.md", cwd=tmp_path)}
    changed = {description for description in before if before[description] != after[description]}
    assert changed == {"RL202 unfilled placeholder '???'; hint: replace it with the real value"}


# --- github ------------------------------------------------------------------------------


def test_github_writes_one_workflow_command_per_finding() -> None:
    result = run_main("check", "--format", "github", str(DRAFT), str(WARNS_ONLY), str(INFO_ONLY), cwd=ROOT)
    lines = result.out.splitlines()
    assert lines[1] == (
        "::error file=examples/draft-plan.md,line=31,col=1,endLine=31,endColumn=16,title=RL101 missing-section"
        "::missing section 'Legal notes'; hint: add '## Legal notes' before this heading"
    )
    commands = {line.split(" ", 1)[0] for line in lines}
    assert commands == {"::error", "::warning", "::notice"}
    assert len(lines) == len(report("json", DRAFT, WARNS_ONLY, INFO_ONLY)["diagnostics"])


def test_github_escapes_properties_and_data(tmp_path: Path) -> None:
    name = "odd,na:me%\r\n.md"
    text = EXAMPLE_PLAN.read_text(encoding="utf-8").replace("Rate: 31% to 34%", "Rate: X% to Y%")
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_main("check", "--format", "github", name, cwd=tmp_path)
    assert result.code == 1, result
    assert result.out.splitlines() == [
        "::error file=odd%2Cna%3Ame%25%0D%0A.md,line=68,col=9,endLine=68,endColumn=17,"
        "title=RL202 unfilled-placeholder::unfilled placeholder 'X%25 to Y%25'; hint: replace it with the real value"
    ]


def test_github_escaping_of_line_breaks_in_data() -> None:
    # No message holds a line break today; the escaping must not depend on that.
    assert escape_data("50%\r\nnext: a, b") == "50%25%0D%0Anext: a, b"
    assert escape_property("50%\r\nnext: a, b") == "50%25%0D%0Anext%3A a%2C b"


# --- junit -------------------------------------------------------------------------------


def test_junit_has_a_suite_per_file_and_a_case_per_rule() -> None:
    root = report("junit", DRAFT, EXAMPLE_PLAN, WARNS_ONLY)
    assert_valid_junit(root)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [relative(p) for p in (DRAFT, EXAMPLE_PLAN, WARNS_ONLY)]
    draft, clean, warns = suites
    # Each suite says which version of the template its file was checked against.
    assert [[(p.get("name"), p.get("value")) for p in s.iter("property")] for s in suites] == [
        [("template", "model-rollout-plan@49b5e694")]
    ] * 3
    assert [case.get("name") for case in draft.iter("testcase")] == [f"{r.id} {r.name}" for r in REGISTRY.values()]
    assert {case.get("classname") for case in draft.iter("testcase")} == {"examples/draft-plan.md"}
    assert (draft.get("failures"), draft.get("errors"), draft.get("skipped")) == ("6", "0", "0")
    assert root.get("tests") == str(3 * len(REGISTRY)) and root.get("failures") == "6"
    assert clean.get("failures") == "0" and all(len(case) == 0 for case in clean.iter("testcase"))
    assert warns.get("failures") == "0"


def test_junit_failure_lists_all_findings_of_the_rule() -> None:
    root = report("junit", DRAFT)
    placeholder = root.find("testsuite/testcase[@name='RL202 unfilled-placeholder']")
    assert placeholder is not None
    failure = placeholder.find("failure")
    assert failure is not None and failure.get("type") == "error" and failure.get("message") == "2 findings"
    assert (failure.text or "").splitlines() == [
        "44:3 unfilled placeholder '???'; hint: replace it with the real value",
        "61:8 unfilled placeholder 'X ms to Y ms'; hint: replace it with the real value",
    ]


def test_junit_warnings_and_infos_pass_with_their_findings_in_system_out() -> None:
    root = report("junit", WARNS_ONLY, INFO_ONLY)
    warns, infos = root.findall("testsuite")
    for suite, name, line in ((warns, "RL104 heading-case", 7), (infos, "RL504 duplicate-quick-action", 85)):
        case = suite.find(f"testcase[@name='{name}']")
        assert case is not None and case.find("failure") is None
        assert (case.findtext("system-out") or "").startswith(f"{line}:")


def test_junit_file_that_could_not_be_checked_is_an_error_and_its_rules_are_skipped(tmp_path: Path) -> None:
    result = run_main("check", "--format", "junit", "missing.md", cwd=tmp_path)
    assert result.code == 2, result
    root = ET.fromstring(result.out)
    assert_valid_junit(root)
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "missing.md"
    assert (suite.get("errors"), suite.get("skipped")) == ("1", str(len(REGISTRY) - 1))
    error = suite.find("testcase[@name='RL001 unreadable-file']/error")
    assert error is not None and error.get("message") == "no such file or directory"


def test_junit_stays_well_formed_with_characters_xml_cannot_carry(tmp_path: Path) -> None:
    name = "ctrl\x01<&>.md"
    shutil.copy(DRAFT, tmp_path / name)
    result = run_main("check", "--format", "junit", name, cwd=tmp_path)
    assert result.code == 1, result
    (suite,) = ET.fromstring(result.out).findall("testsuite")
    assert suite.get("name") == "ctrl\ufffd<&>.md"


# --- Configured severities ---------------------------------------------------------------

# Our words for each format's severities; junit says only whether a rule's test case fails.
FORMAT_SEVERITIES = {
    "sarif": {"error": "error", "warning": "warning", "note": "info"},
    "codequality": {"major": "error", "minor": "warning", "info": "info"},
    "github": {"error": "error", "warning": "warning", "notice": "info"},
}
CONCISE_HEADER = re.compile(r"^\S+:\d+:\d+: (RL\d+)(?: \[\*\])? \[(\w+)\]", re.M)


def severities_reported(format_name: str, output: str) -> dict[str, str]:
    """Rule id -> the severity the report gives its findings (junit: `fails` or `passes`)."""
    if format_name in ("text", "concise"):
        return dict(CONCISE_HEADER.findall(output))
    if format_name == "github":
        found = re.findall(r"^::(\w+) .*,title=(RL\d+) ", output, re.M)
        return {rule: FORMAT_SEVERITIES["github"][command] for command, rule in found}
    if format_name == "junit":
        cases = ET.fromstring(output).iter("testcase")
        return {
            str(case.get("name")).split()[0]: "fails" if case.find("failure") is not None else "passes"
            for case in cases
            if len(case)
        }
    data = json.loads(output)
    if format_name == "json":
        return {d["rule"]: d["severity"] for d in data["diagnostics"]}
    if format_name == "sarif":
        return {r["ruleId"]: FORMAT_SEVERITIES["sarif"][r["level"]] for r in data["runs"][0]["results"]}
    return {i["check_name"]: FORMAT_SEVERITIES["codequality"][i["severity"]] for i in data}


@pytest.mark.parametrize("format_name", FORMATS)
def test_every_format_reports_the_configured_severity(tmp_path: Path, format_name: str) -> None:
    shutil.copy(DRAFT, tmp_path / "plan.md")
    # RL104 is a warning and RL303 an error by default.
    (tmp_path / ".rollout-lint.toml").write_text('[severity]\nheading-case = "error"\nRL303 = "info"\n')
    result = run_main("check", "--format", format_name, "plan.md", cwd=tmp_path)
    assert result.code == 1 and result.err == "", result
    reported = severities_reported(format_name, result.out)
    if format_name == "junit":
        assert (reported["RL104"], reported["RL303"]) == ("fails", "passes")
        assert set(reported) == {"RL101", "RL104", "RL202", "RL303", "RL306", "RL402", "RL502"}
        assert sorted(rule for rule, outcome in reported.items() if outcome == "fails") == [
            "RL101", "RL104", "RL202", "RL306", "RL402", "RL502"
        ]
    else:
        assert (reported["RL104"], reported["RL303"]) == ("error", "info")
        assert set(reported.values()) == {"error", "info"}  # nothing is left a warning


def test_junit_failure_type_is_the_configured_severity(tmp_path: Path) -> None:
    shutil.copy(WARNS_ONLY, tmp_path / "plan.md")
    (tmp_path / ".rollout-lint.toml").write_text('[severity]\nRL104 = "error"\n')
    result = run_main("check", "--format", "junit", "plan.md", cwd=tmp_path)
    assert result.code == 1, result
    root = ET.fromstring(result.out)
    assert_valid_junit(root)
    assert (root.get("failures"), root.get("errors")) == ("1", "0")
    failure = root.find("testsuite/testcase[@name='RL104 heading-case']/failure")
    assert failure is not None and failure.get("type") == "error"
    assert (failure.text or "").startswith("7:1 heading")


# --- --output and --report -----------------------------------------------------------------


def test_output_writes_the_report_to_the_file_not_stdout(tmp_path: Path) -> None:
    target = tmp_path / "report.sarif"
    target.write_text("stale report from the previous run, much longer than nothing" * 1000)
    result = run_main("check", "--format", "sarif", "--output", str(target), str(DRAFT), cwd=ROOT)
    assert result.code == 1 and result.out == "" and result.err == "", result
    assert target.read_text(encoding="utf-8") == run_main("check", "--format", "sarif", str(DRAFT), cwd=ROOT).out
    assert os.listdir(tmp_path) == ["report.sarif"]  # no temporary file left behind


@pytest.mark.parametrize(
    ("make_target", "reason"),
    [
        (lambda tmp: tmp / "no-such-directory" / "report.json", "no such directory"),
        (lambda tmp: tmp, "it is a directory"),
    ],
)
def test_output_that_cannot_be_written_is_exit_2_with_one_line(
    tmp_path: Path, make_target: Any, reason: str
) -> None:
    target = make_target(tmp_path)
    result = run_main("check", "--output", str(target), str(DRAFT))
    assert result.code == 2 and result.out == "", result
    assert result.err == f"rollout-lint: cannot write report {target}: {reason}\n"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write anywhere")
def test_output_in_a_read_only_directory_is_exit_2(tmp_path: Path) -> None:
    tmp_path.chmod(0o555)
    try:
        result = run_main("check", "--output", str(tmp_path / "report.txt"), str(DRAFT))
    finally:
        tmp_path.chmod(0o755)
    assert result.code == 2 and "permission denied" in result.err and "Traceback" not in result.err, result


def test_report_files_never_get_colour_even_when_forced(tmp_path: Path) -> None:
    colour = {"NO_COLOR": "", "FORCE_COLOR": "1"}
    result = run_main("check", "--report", "text:extra.txt", str(DRAFT), cwd=tmp_path, env=colour)
    assert "\x1b[" in result.out
    assert "\x1b[" not in (tmp_path / "extra.txt").read_text(encoding="utf-8")
    run_main("check", "--output", "main.txt", str(DRAFT), cwd=tmp_path, env=colour)
    main = (tmp_path / "main.txt").read_text(encoding="utf-8")
    assert "RL101" in main and "\x1b[" not in main


def test_report_repeated_writes_each_format_beside_stdout(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    result = run_main(
        "check",
        "--report", "codequality:gl-code-quality-report.json",
        "--report", "sarif:rollout-lint.sarif",
        "--report", "junit:junit.xml",
        "examples",
        cwd=tmp_path,
    )
    assert result.code == 1, result
    assert result.out.startswith("examples/draft-plan.md:18:32: RL303 [error]")
    for name, format_name in (
        ("gl-code-quality-report.json", "codequality"),
        ("rollout-lint.sarif", "sarif"),
        ("junit.xml", "junit"),
    ):
        alone = run_main("check", "--format", format_name, "examples", cwd=tmp_path).out
        assert (tmp_path / name).read_text(encoding="utf-8") == alone, name


def test_report_and_output_together(tmp_path: Path) -> None:
    result = run_main(
        "check", "--format", "json", "--output", "main.json", "--report", "github:gh.txt", str(DRAFT), cwd=tmp_path
    )
    assert result.code == 1 and result.out == "", result
    assert json.loads((tmp_path / "main.json").read_text(encoding="utf-8"))["summary"]["errors"] == 7
    assert (tmp_path / "gh.txt").read_text(encoding="utf-8").count("::error ") == 7


def test_reports_are_written_when_a_file_could_not_be_checked(tmp_path: Path) -> None:
    result = run_main("check", "--report", "codequality:cq.json", str(DRAFT), "missing.md", cwd=tmp_path)
    assert result.code == 2, result
    issues = json.loads((tmp_path / "cq.json").read_text(encoding="utf-8"))
    assert issues[-1]["check_name"] == "RL001" and issues[-1]["location"]["path"] == "missing.md"


@pytest.mark.parametrize("value", ["bogus:report.txt", "sarif", "sarif:", ":report.txt"])
def test_report_with_a_bad_format_is_a_usage_error_naming_the_formats(value: str) -> None:
    result = run_main("check", "--report", value, str(DRAFT))
    assert result.code == 2 and result.out == "", result
    assert len(result.err.splitlines()) == 1 and "argument --report" in result.err
    assert all(name in result.err for name in FORMATS)


def test_the_same_file_for_two_reports_is_refused(tmp_path: Path) -> None:
    result = run_main("check", "--output", "r.json", "--report", "sarif:./r.json", str(DRAFT), cwd=tmp_path)
    assert result.code == 2 and result.err == "rollout-lint: ./r.json is named for two reports\n", result
    assert not (tmp_path / "r.json").exists()


def concise_report(*args: str, cwd: Path = ROOT) -> str:
    return run_main("check", "--format", "concise", *args, cwd=cwd).out


def as_nobody(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed command run by an unprivileged user (as `rollout-lint` mostly runs)."""
    return subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", COMMAND, *args],
        capture_output=True, text=True, cwd=cwd, timeout=120, env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.fixture
def open_tmp() -> Iterator[Path]:
    """A directory any user may reach and write in (pytest's `tmp_path` is inside one only root may enter)."""
    directory = Path(tempfile.mkdtemp())
    directory.chmod(0o777)
    yield directory
    shutil.rmtree(directory)


needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root (and setpriv) to make device nodes and to run as another user",
)


@needs_root
def test_output_to_a_device_node_writes_through_it(tmp_path: Path) -> None:
    device = tmp_path / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # what /dev/null is
    result = run_main("check", "--output", str(device), str(DRAFT))
    assert (result.code, result.out, result.err) == (1, "", ""), result
    assert stat.S_ISCHR(device.lstat().st_mode) and device.lstat().st_rdev == os.makedev(1, 3)
    assert os.listdir(tmp_path) == ["null"]


def test_output_through_a_link_to_a_device_keeps_the_link(tmp_path: Path) -> None:
    link = tmp_path / "sink"
    link.symlink_to(os.devnull)
    result = run_main("check", "--output", str(link), str(DRAFT))
    assert (result.code, result.out, result.err) == (1, "", ""), result
    assert os.readlink(link) == os.devnull and stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_output_through_a_link_to_standard_output_prints_the_report(tmp_path: Path) -> None:
    link = tmp_path / "out"
    link.symlink_to("/proc/self/fd/1")
    # The process's own standard output: the installed command's, not this one's.
    result = run_cli("check", "--format", "concise", "--output", str(link), str(DRAFT), cwd=ROOT)
    assert (result.code, result.err) == (1, ""), result
    assert result.out == concise_report(str(DRAFT)) and result.out.count("[error]") == 7
    assert os.readlink(link) == "/proc/self/fd/1"


def test_a_report_to_dev_stdout_comes_after_the_report_on_standard_output() -> None:
    result = run_cli("check", "--format", "concise", "--report", "github:/dev/fd/1", str(DRAFT), cwd=ROOT)
    github = run_main("check", "--format", "github", str(DRAFT), cwd=ROOT).out
    assert (result.code, result.err) == (1, ""), result
    assert result.out == concise_report(str(DRAFT)) + github


def test_output_to_standard_output_appended_to_a_file_keeps_what_the_file_held(tmp_path: Path) -> None:
    # `rollout-lint check --output /dev/stdout plan.md >> log`: the log is added to, not replaced.
    log = tmp_path / "log"
    log.write_text("earlier lines\n")
    with open(log, "a", encoding="utf-8") as appending:
        completed = subprocess.run(
            [COMMAND, "check", "--format", "concise", "--output", "/dev/fd/1", str(DRAFT)],
            stdout=appending, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=120,
        )
    assert (completed.returncode, completed.stderr) == (1, ""), completed
    assert log.read_text(encoding="utf-8") == "earlier lines\n" + concise_report(str(DRAFT))


def test_output_to_a_fifo_writes_into_it(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    # Opened for reading first (without waiting for a writer), so that the command's open does not wait.
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        result = run_main("check", "--format", "concise", "--output", str(fifo), str(DRAFT), cwd=ROOT)
        written = os.read(reader, 1 << 16).decode("utf-8")
    finally:
        os.close(reader)
    assert (result.code, result.out, result.err) == (1, "", ""), result
    assert written == concise_report(str(DRAFT))
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_output_through_a_link_to_a_file_replaces_the_file_and_keeps_the_link(tmp_path: Path) -> None:
    (tmp_path / "reports").mkdir()
    target = tmp_path / "reports" / "report.txt"
    target.write_text("stale\n")
    target.chmod(0o640)
    link = tmp_path / "report.txt"
    link.symlink_to("reports/report.txt")
    result = run_main("check", "--format", "concise", "--output", "report.txt", str(DRAFT), cwd=tmp_path)
    assert (result.code, result.out, result.err) == (1, "", ""), result
    assert os.readlink(link) == "reports/report.txt"
    assert target.read_text(encoding="utf-8") == concise_report(str(DRAFT))
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(os.listdir(tmp_path / "reports")) == ["report.txt"]


@needs_root
def test_a_user_may_send_reports_to_dev_null(open_tmp: Path) -> None:
    # Not a file to replace but a device to write into; it takes both reports, one after the other.
    shutil.copy(DRAFT, open_tmp / "plan.md")
    completed = as_nobody("check", "--output", os.devnull, "--report", "sarif:/dev/null", "plan.md", cwd=open_tmp)
    assert (completed.returncode, completed.stdout, completed.stderr) == (1, "", ""), completed


@needs_root
def test_a_read_only_report_file_is_not_replaced_for_a_user(open_tmp: Path) -> None:
    shutil.copy(DRAFT, open_tmp / "plan.md")
    report_file = open_tmp / "report.json"
    report_file.write_text("kept\n")
    report_file.chmod(0o444)
    completed = as_nobody("check", "--output", "report.json", "plan.md", cwd=open_tmp)
    assert (completed.returncode, completed.stdout) == (2, ""), completed
    assert completed.stderr == "rollout-lint: cannot write report report.json: permission denied\n"
    assert report_file.read_text() == "kept\n"
    writable = as_nobody("check", "--format", "json", "--output", "new.json", "plan.md", cwd=open_tmp)
    assert (writable.returncode, writable.stderr) == (1, ""), writable
    assert json.loads((open_tmp / "new.json").read_text())["summary"]["errors"] == 7


# A report must never overwrite a file it reports on: refused before anything is written.
@pytest.mark.parametrize(
    ("option", "report_path", "inputs"),
    [
        ("--report", "json:plan.md", ["plan.md"]),
        ("--output", "plan.md", ["plan.md"]),
        ("--report", "sarif:./plans/../plan.md", ["plan.md"]),
        ("--report", "json:plans/a.md", ["plans"]),  # found by searching the directory
        ("--output", "link.md", ["plan.md"]),  # a symbolic link to the plan
        ("--report", "junit:plan.md", ["link.md"]),  # the plan, named through a link
        ("--report", "json:hard.md", ["plan.md"]),  # a hard link: the same file
    ],
)
def test_a_report_onto_a_file_to_check_is_refused(
    tmp_path: Path, option: str, report_path: str, inputs: list[str]
) -> None:
    (tmp_path / "plans").mkdir()
    for name in ("plan.md", "plans/a.md"):
        shutil.copy(DRAFT, tmp_path / name)
    (tmp_path / "link.md").symlink_to("plan.md")
    os.link(tmp_path / "plan.md", tmp_path / "hard.md")
    result = run_main("check", option, report_path, *inputs, cwd=tmp_path)
    shown = report_path.partition(":")[2] if option == "--report" else report_path
    assert (result.code, result.out) == (2, ""), result
    assert result.err == f"rollout-lint: cannot write report {shown}: it is one of the files to check\n"
    for name in ("plan.md", "plans/a.md"):
        assert (tmp_path / name).read_bytes() == DRAFT.read_bytes(), name


def test_a_report_onto_the_file_standard_input_reads_is_refused(tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    shutil.copy(DRAFT, plan)
    with open(plan, "rb") as stdin:
        completed = subprocess.run(
            [COMMAND, "check", "--output", "plan.md", "-"], stdin=stdin, capture_output=True, text=True, cwd=tmp_path
        )
    assert (completed.returncode, completed.stdout) == (2, ""), completed
    assert completed.stderr == "rollout-lint: cannot write report plan.md: it is one of the files to check\n"
    assert plan.read_bytes() == DRAFT.read_bytes()


# --- README ------------------------------------------------------------------------------


def readme_block(marker: str) -> Any:
    """The YAML between `<!-- ci:marker:start -->` and `<!-- ci:marker:end -->` in README.md."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(f"<!-- ci:{marker}:start -->\n```yaml\n(.*?)```\n<!-- ci:{marker}:end -->", readme, re.S)
    assert match, f"README.md has no ci:{marker} block"
    return yaml.safe_load(match.group(1))


def run_readme_commands(commands: list[str], tmp_path: Path) -> None:
    """Run the README's `rollout-lint check` lines in a checkout holding the example plans."""
    shutil.copytree(ROOT / "examples", tmp_path / "plans")
    checks = [shlex.split(command) for command in commands if command.startswith("rollout-lint check ")]
    assert checks, commands
    for _, *args in checks:
        result = run_cli(*args, cwd=tmp_path)  # as a CI job runs them: the installed command
        assert result.code == 1 and not result.err, result  # the draft plan fails, and says why


@needs_shared
def test_readme_gitlab_job_uploads_valid_reports(tmp_path: Path) -> None:
    job = readme_block("gitlab")["rollout-lint"]
    run_readme_commands(job["script"], tmp_path)
    assert job["artifacts"]["when"] == "always"
    reports = job["artifacts"]["reports"]
    codequality = json.loads((tmp_path / reports["codequality"]).read_text(encoding="utf-8"))
    assert_valid_codequality(codequality)
    assert {issue["location"]["path"] for issue in codequality} == {"plans/draft-plan.md"}
    junit = ET.parse(tmp_path / reports["junit"]).getroot()
    assert_valid_junit(junit)
    assert len(junit.findall("testsuite")) == 2


@needs_shared
def test_readme_github_job_uploads_valid_sarif(tmp_path: Path) -> None:
    steps = readme_block("github")["jobs"]["rollout-lint"]["steps"]
    run_readme_commands([step["run"] for step in steps if "run" in step], tmp_path)
    (upload,) = [step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    assert upload["if"] == "always()"
    sarif = json.loads((tmp_path / upload["with"]["sarif_file"]).read_text(encoding="utf-8"))
    assert_valid_sarif(sarif)
    assert sarif["runs"][0]["results"]


def test_readme_format_examples_are_real_output() -> None:
    """Each line of the trimmed examples under "Reports for CI" is a line of the real report."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Reports for CI", 1)[1].split("<!-- ci:gitlab:start -->", 1)[0]
    examples = re.findall(r"\*\*`(\w+)`\*\*.*?```\w+\n(.*?)```", section, re.S)
    assert sorted(name for name, _ in examples) == sorted(CI_FORMATS)
    for format_name, example in examples:
        output = run_main("check", "--format", format_name, str(DRAFT.relative_to(ROOT)), cwd=ROOT).out
        real = {line.rstrip(",") for line in output.splitlines()}
        stale = [line for line in example.splitlines() if line.rstrip(",") not in real]
        assert not stale, f"README {format_name} example is stale; regenerate it from examples/draft-plan.md: {stale}"
