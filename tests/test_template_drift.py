"""RL107: a template edited since its schema was made gets one drift finding in template mode,
not one per heading, and `--fix` leaves its headings alone (issue 14). What a template must keep
is still reported by its own rule.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, SHARED, needs_shared, run_main

BUNDLED_TEMPLATE = ROOT / "schemas" / "model-rollout-plan.md"
NEWER = SHARED / "corpus" / "gitlab-templates" / "gitlabhq__gitlabhq" / "AI-Model-Rollout@dcc04245.md"
TEMPLATE = BUNDLED_TEMPLATE.read_text("utf-8")
# The bundled template edited on purpose: a heading recased, a section added.
EDITED = TEMPLATE.replace("## Legal notes", "## Legal Notes").replace(
    "## Release Announcement", "## Useful Documentation\n\n_Link the docs._\n\n## Release Announcement"
)


def findings(path: Path, *options: str) -> tuple[int, list[tuple[int, str, str]]]:
    result = run_main("check", "--mode", "template", "--format", "json", *options, str(path))
    return result.code, [(d["line"], d["rule"], d["severity"]) for d in json.loads(result.out)["diagnostics"]]


def line_of(text: str, line: str) -> int:
    return text.splitlines().index(line) + 1


def test_the_template_its_schema_was_made_from_has_no_drift(tmp_path: Path) -> None:
    (tmp_path / "template.md").write_text(TEMPLATE, "utf-8")
    code, found = findings(tmp_path / "template.md")
    assert "RL107" not in [rule for _, rule, _ in found]


def test_an_edited_template_gets_one_warning_at_its_first_changed_heading(tmp_path: Path) -> None:
    (tmp_path / "template.md").write_text(EDITED, "utf-8")
    code, found = findings(tmp_path / "template.md")
    drift = [(line, rule, severity) for line, rule, severity in found if rule.startswith("RL1")]
    assert drift == [(line_of(EDITED, "## Legal Notes"), "RL107", "warning")]  # no RL104 for the recased heading
    result = run_main("check", "--mode", "template", "--format", "json", str(tmp_path / "template.md"))
    [drift_finding] = [d for d in json.loads(result.out)["diagnostics"] if d["rule"] == "RL107"]
    assert drift_finding["message"].endswith("the bundled schema was made from: 1 added, 1 renamed")
    # The command names the schema's own template (the packaged copy) and the checked file.
    command = drift_finding["hint"].split("'")[1].split()
    assert command[:3] == ["rollout-lint", "schema", "diff"]
    assert Path(command[3]).name == BUNDLED_TEMPLATE.name and Path(command[3]).read_text("utf-8") == TEMPLATE
    assert command[4] == str(tmp_path / "template.md")
    # And the command that updates it: a schema of the user's own, beside the template.
    update = drift_finding["hint"].split("'")[3].split()
    assert update == ["rollout-lint", "schema", "infer", str(tmp_path / "template.md"), "-o",
                      str(tmp_path / "template.schema.json"), "--force"]  # fmt: skip
    assert run_main(*update[1:]).code == 0 and (tmp_path / "template.schema.json").is_file()
    code, found = findings(tmp_path / "template.md", "--schema", str(tmp_path / "template.schema.json"))
    assert "RL107" not in [rule for _, rule, _ in found]


def test_fix_leaves_an_edited_template_s_headings_alone(tmp_path: Path) -> None:
    path = tmp_path / "template.md"
    path.write_text(EDITED, "utf-8")
    run_main("check", "--mode", "template", "--fix", str(path))
    headings = [line for line in path.read_text("utf-8").splitlines() if line.startswith("#")]
    assert headings == [line for line in EDITED.splitlines() if line.startswith("#")]


def test_a_section_the_template_lost_is_still_an_error(tmp_path: Path) -> None:
    start, end = EDITED.index("## Known issues"), EDITED.index("## Rollout\n")
    lost = EDITED[:start] + EDITED[end:]
    (tmp_path / "template.md").write_text(lost, "utf-8")
    code, found = findings(tmp_path / "template.md")
    assert code == 1
    assert ("RL101", "error") in [(rule, severity) for _, rule, severity in found]
    assert "RL107" in [rule for _, rule, _ in found]


def test_a_lost_confidentiality_statement_is_still_an_error(tmp_path: Path) -> None:
    broken = EDITED.replace("_The issue is marked confidential, as we'll share SAFE metrics in the comments._", "")
    (tmp_path / "template.md").write_text(broken, "utf-8")
    code, found = findings(tmp_path / "template.md")
    assert code == 1 and (1, "RL106", "error") in found


def test_issue_mode_knows_no_drift(tmp_path: Path) -> None:
    (tmp_path / "plan.md").write_text(EDITED, "utf-8")
    result = run_main("check", "--mode", "issue", "--format", "json", str(tmp_path / "plan.md"))
    rules = {d["rule"] for d in json.loads(result.out)["diagnostics"]}
    assert "RL107" not in rules and "RL104" in rules


@needs_shared
def test_the_newer_upstream_template_drifts_and_nothing_else_fails() -> None:
    # Against the version bundled first; by default it is its own version (below).
    code, found = findings(NEWER, "--template", "model-rollout-plan@49b5e694")
    assert code == 0, found
    assert [(rule, severity) for _, rule, severity in found] == [("RL107", "warning"), ("RL504", "info")]
    assert found[0][0] == line_of(NEWER.read_text("utf-8"), "### Checklist ")


@needs_shared
def test_the_newer_upstream_template_is_its_own_bundled_version() -> None:
    result = run_main("check", "--mode", "template", "--format", "json", str(NEWER))
    report = json.loads(result.out)
    assert [(d["rule"], d["severity"]) for d in report["diagnostics"]] == [("RL504", "info")]  # its /confidential twice
    assert report["summary"]["checked"] == [{"path": str(NEWER), "template": "model-rollout-plan@dcc04245"}]


def pairing_work(headings: int) -> int:
    """Lines of Python run pairing the bundled template's sections with a template that has
    `headings` added ones: counted, not timed, the same on a loaded machine."""
    import sys

    from rollout_lint.markdown.document import parse_document
    from rollout_lint.markdown.source import Source
    from rollout_lint.schema.template_diff import pair_sections

    old = parse_document(Source.from_text("old.md", TEMPLATE))
    # Top-level headings, and "Legal notes" renamed past recognition: it is looked for among them.
    added = "".join(f"## Added heading {number}\n\ntext\n\n" for number in range(headings))
    new = parse_document(Source.from_text("new.md", TEMPLATE.replace("## Legal notes", added + "## Counsel")))
    work = 0

    def count(frame, event, arg):  # noqa: ANN001, ANN202 - sys.settrace's signature
        nonlocal work
        work += 1
        return count

    previous = sys.gettrace()
    sys.settrace(count)
    try:
        pair_sections(old, new)
    finally:
        sys.settrace(previous)
    return work


def test_pairing_a_template_with_many_headings_is_linear() -> None:
    # A template of 20,000 headings took minutes in template mode when each section was looked
    # for among all the others. What 2n to 4n headings add must be about twice what n to 2n did.
    work = [pairing_work(n) for n in (2_000, 4_000, 8_000)]
    assert (work[2] - work[1]) <= 1.25 * 2 * (work[1] - work[0]), work
