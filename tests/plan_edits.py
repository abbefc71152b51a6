"""The example plan changed in a few places, and what `rollout-lint check` then reports, through
`main(argv)`: the helpers of the value rules' boundary tables (`test_boundaries_content.py`,
`_tables.py`, `_dates.py`, `_metrics.py`)."""

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


def plan_with(*changes: tuple[str, str]) -> str:
    """The example plan with each (old, new) made; each old text must occur once."""
    text = PLAN
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


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
