"""Files that are not rollout plans, beside the plans: skipped by directory runs and by the
plans hook (`--plans-only`), said to be with `--verbose` and in the JSON summary, and always
checked with `--mode issue` (issue 15). Through the installed command."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import COMMAND, EXAMPLE_PLAN, FIXTURES

README = "# rollout-plans\n\n## Usage\n\nWrite each plan from the template.\n\n## License\n\nMIT\n"
CHANGELOG = "# Changelog\n\n## 1.0.0\n\n- First release.\n"
DRAFT_INSTRUCTION = "# Orion 4\n\n## Overview\n\n_Briefly describe the new model. Mention why you're introducing it._\n"
REASON = (
    "not a rollout plan: it shares 0% of its headings with model-rollout-plan (a plan shares at least 20%), "
    "and has none of its instructions or placeholders and no quick action"
)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([COMMAND, "check", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    (tmp_path / "README.md").write_text(README, encoding="utf-8")
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    (tmp_path / "orion-3.md").write_text(EXAMPLE_PLAN.read_text("utf-8"), encoding="utf-8")
    return tmp_path


def test_a_directory_run_checks_the_plans_and_says_what_it_skipped(plans: Path) -> None:
    result = run("--format", "json", ".", cwd=plans)
    summary = json.loads(result.stdout)["summary"]
    assert (result.returncode, summary["files"], summary["errors"]) == (0, 1, 0), result.stdout
    assert summary["skipped"] == [{"path": "./CHANGELOG.md", "reason": REASON}, {"path": "./README.md", "reason": REASON}]
    text = run(".", cwd=plans)
    assert text.stdout.endswith(
        "All checks passed (1 file).\nChecked against model-rollout-plan@49b5e694.\n"
        "Skipped 2 files that are not rollout plans; --verbose lists them.\n"
    ), text.stdout
    verbose = run("--verbose", ".", cwd=plans)
    assert f"./CHANGELOG.md: skipped: {REASON}\n./README.md: skipped: {REASON}\n" in verbose.stdout
    concise = run("--verbose", "--format", "concise", ".", cwd=plans)
    assert concise.stdout == f"./CHANGELOG.md: skipped: {REASON}\n./README.md: skipped: {REASON}\n"


def test_a_file_named_is_checked_unless_plans_only(plans: Path) -> None:
    named = run("--format", "concise", "README.md", cwd=plans)
    assert named.returncode == 1 and "README.md:1:1: RL106" in named.stdout, named.stdout
    hook = run("--plans-only", "--format", "json", "README.md", "orion-3.md", cwd=plans)
    summary = json.loads(hook.stdout)["summary"]
    assert (hook.returncode, summary["files"], [s["path"] for s in summary["skipped"]]) == (0, 1, ["README.md"])


@pytest.mark.parametrize("args", [("--mode", "issue", "."), ("--mode", "issue", "--plans-only", "README.md")])
def test_mode_issue_checks_every_file(plans: Path, args: tuple[str, ...]) -> None:
    result = run("--format", "json", *args, cwd=plans)
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["summary"]["skipped"] == []
    assert any(d["path"].endswith("README.md") for d in report["diagnostics"])


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("draft, one instruction kept", DRAFT_INSTRUCTION),
        ("a placeholder", "# Notes\n\nThe date is ???.\n"),
        ("a quick action", "# Notes\n\nSome notes.\n\n/confidential\n"),
        ("a fifth of the template's headings", "## Overview\n\n## Rollout\n\n## Timeline\n\n## Legal notes\n\nx\n"),
    ],
)
def test_what_marks_a_plan_keeps_it_checked(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / "draft.md").write_text(text, encoding="utf-8")
    result = run("--format", "json", ".", cwd=tmp_path)
    report = json.loads(result.stdout)
    assert report["summary"]["skipped"] == [] and report["summary"]["files"] == 1, (name, report["summary"])


def test_the_bundled_fixtures_are_all_plans_but_the_meeting_notes() -> None:
    """No fixture plan is skipped: recognising plans never hides a plan's mistakes. The one fixture
    that is meeting notes, named to test RL108, is what a directory run passes over."""
    result = run("--format", "json", str(FIXTURES / "issue"), str(FIXTURES / "versions"), cwd=FIXTURES)
    skipped = [Path(file["path"]).name for file in json.loads(result.stdout)["summary"]["skipped"]]
    assert skipped == ["unmatched-template-version.md"]


def headings(*titles: str) -> str:
    return "".join(f"## {title}\n\nSome words.\n\n" for title in titles)


@pytest.mark.parametrize(
    ("text", "skipped"),
    [
        # 3 titles in common with the bundled version's 12: 3 of the 15 written or outlined, 0.2 exactly
        (headings("Overview", "Legal notes", "Known issues", "Lunch", "Travel", "Budget"), False),
        # one fewer in common: below a fifth
        (headings("Overview", "Legal notes", "Notes", "Lunch", "Travel", "Budget"), True),
    ],
    ids=["a fifth of the headings exactly", "just under a fifth"],
)
def test_a_fifth_of_the_headings_is_a_plan(tmp_path: Path, text: str, skipped: bool) -> None:
    (tmp_path / "notes.md").write_text(text, encoding="utf-8")
    result = run("--plans-only", "--format", "json", "notes.md", cwd=tmp_path)
    summary = json.loads(result.stdout)["summary"]
    assert ([file["path"] for file in summary["skipped"]], summary["files"]) == (
        (["notes.md"], 0) if skipped else ([], 1)
    ), summary
