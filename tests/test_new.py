"""`rollout-lint new`: a fresh plan from the template, through `main(argv)`."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, run_cli, run_main

TEMPLATE = (ROOT / "schemas" / "model-rollout-plan.md").read_text("utf-8")
# GitLab's template gives `/confidential` twice; a new plan gives each quick action once.
assert TEMPLATE.count("\n/confidential\n/confidential\n") == 1
PLAN_TEXT = TEMPLATE.replace("\n/confidential\n/confidential\n", "\n/confidential\n")
# What a person must write: instructions, placeholders, empty sections and cells, the link.
TO_FILL_IN = {"RL201", "RL202", "RL203", "RL303", "RL304"}


def test_new_writes_the_template_with_the_model_name_to_stdout() -> None:
    result = run_main("new", "--model", "Orion 3")
    assert result.code == 0, result
    assert result.out.splitlines()[0] == "<!-- Title suggestion: Orion 3 Rollout Plan -->"
    assert result.out == PLAN_TEXT.replace("[Model]", "Orion 3")
    assert not re.search(r"\b20\d\d\b", result.out)  # no date invented


def test_new_plan_passes_template_mode_and_fails_issue_mode_only_on_what_to_fill_in(tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    written = run_main("new", "--model", "Orion 3", "-o", str(plan))
    assert (written.code, written.out, written.err) == (0, "", ""), written  # the plan goes to the file alone
    assert plan.read_text("utf-8").startswith("<!-- Title suggestion: Orion 3 Rollout Plan -->\n")
    template_mode = run_main("check", "--mode", "template", "--format", "json", str(plan))
    assert (template_mode.code, template_mode.json()["diagnostics"]) == (0, []), template_mode
    issue_mode = run_main("check", "--mode", "issue", "--format", "json", str(plan))
    found = {d["rule"] for d in issue_mode.json()["diagnostics"]}  # infos too: no RL504
    assert issue_mode.code == 1 and found == TO_FILL_IN, issue_mode
    assert run_main("check", "--diff", "--mode", "issue", str(plan)).out == ""  # nothing for --fix


def test_new_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text("mine\n")
    refused = run_main("new", "--model", "Orion 3", "-o", str(plan))
    assert refused.code == 2 and "--force" in refused.err and plan.read_text() == "mine\n"
    forced = run_main("new", "--model", "Orion 3", "-o", str(plan), "--force")
    assert forced.code == 0 and plan.read_text("utf-8").startswith("<!-- Title suggestion: Orion 3 Rollout Plan")


def test_new_uses_the_template_of_another_schema(tmp_path: Path) -> None:
    schema = FIXTURES / "schemas" / "bug-report.schema.json"
    result = run_main("new", "--model", "Orion 3", "--schema", str(schema))
    assert result.code == 0 and result.out == (FIXTURES / "schemas" / "bug-report.md").read_text("utf-8")
    assert "no [Model] marker" in result.err


def test_new_refuses_a_name_that_would_break_the_comment() -> None:
    for name in ("", "Orion --> 3", "Orion\n3"):
        result = run_main("new", "--model", name)
        assert result.code == 2 and result.out == "" and "--model" in result.err, result


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to make a device node"
)
def test_new_writes_into_a_device_and_never_replaces_it(tmp_path: Path) -> None:
    device = tmp_path / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # what /dev/null is
    result = run_main("new", "--model", "Orion 3", "-o", str(device), "--force")
    assert (result.code, result.out, result.err) == (0, "", ""), result
    assert stat.S_ISCHR(device.lstat().st_mode) and device.lstat().st_rdev == os.makedev(1, 3)
    assert os.listdir(tmp_path) == ["null"]


def test_new_writes_through_a_link_to_standard_output(tmp_path: Path) -> None:
    link = tmp_path / "out"
    link.symlink_to("/proc/self/fd/1")
    result = run_cli("new", "--model", "Orion 3", "-o", str(link), "--force")  # its own standard output
    assert (result.code, result.err) == (0, ""), result
    assert result.out == PLAN_TEXT.replace("[Model]", "Orion 3")
    assert os.readlink(link) == "/proc/self/fd/1"
