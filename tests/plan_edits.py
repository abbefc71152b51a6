"""The example plan changed in a few places, and what `rollout-lint check` then reports, through
`main(argv)`: the helpers of the boundary tables (`test_boundaries_<topic>.py`)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLE_PLAN
from rollout_lint import cli

PLAN = EXAMPLE_PLAN.read_text("utf-8")
LINES = PLAN.splitlines()
# line, column, rule, message
Finding = tuple[int, int, str, str]


def line_of(text: str) -> int:
    """The number of the example plan's first line that starts with `text`."""
    return next(number for number, line in enumerate(LINES, start=1) if line.startswith(text))


def plan_with(*changes: tuple[str, str], text: str = PLAN) -> str:
    """`text` (the example plan) with each (old, new) made; each old text must occur once."""
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def run_json(*arguments: str) -> tuple[int, list[dict[str, Any]]]:
    """The exit code and the diagnostics of `rollout-lint check --format json ARGUMENTS...`."""
    out = StringIO()
    code = cli.main(["check", "--format", "json", *arguments], stdout=out)
    diagnostics: list[dict[str, Any]] = json.loads(out.getvalue())["diagnostics"]
    return code, diagnostics


def fixed(tmp_path: Path, text: str, *options: str) -> str:
    """The plan `text` after `rollout-lint check --fix OPTIONS...`."""
    path = tmp_path / "fix.md"
    path.write_text(text, encoding="utf-8")
    code, _ = run_json("--fix", *options, str(path))
    assert code in (0, 1)
    return path.read_text("utf-8")


def report(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, *options: str) -> list[dict[str, Any]]:
    """The diagnostics of `rollout-lint check --format json [OPTIONS] plan.md` for the plan `text`;
    nothing on standard error, and the exit code the errors call for."""
    plan = tmp_path / "plan.md"
    plan.write_text(text, encoding="utf-8")
    out = StringIO()
    code = cli.main(["check", "--format", "json", *options, str(plan)], stdout=out)
    result = json.loads(out.getvalue())
    assert capsys.readouterr().err == ""
    assert code == (1 if result["summary"]["errors"] else 0), result
    diagnostics: list[dict[str, Any]] = result["diagnostics"]
    return diagnostics


def check(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, *options: str, mode: str = "issue") -> list[Finding]:
    """What `rollout-lint check --mode MODE [OPTIONS]` finds in the plan `text`, sorted."""
    found = report(tmp_path, capsys, text, "--mode", mode, *options)
    return sorted((d["line"], d["column"], d["rule"], d["message"]) for d in found)
