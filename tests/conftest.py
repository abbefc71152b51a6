"""Shared helpers: run the installed `rollout-lint` command, find ../shared, load fixtures."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

TESTS = Path(__file__).parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
SHARED = ROOT.parent / "shared"
EXAMPLE_PLAN = ROOT / "examples" / "orion-3-rollout-plan.md"
# The project's own Markdown files that tests run every check on: the example and the fixtures.
OWN_FILES = sorted([EXAMPLE_PLAN, *FIXTURES.glob("*/*.md")])
# The console script installed beside this Python: tests run the real command.
COMMAND = str(Path(sys.executable).parent / "rollout-lint")

# Property tests are derandomized and bounded for CI; `ROLLOUT_LINT_HYPOTHESIS_EXAMPLES=2000` runs more.
settings.register_profile(
    "rollout-lint",
    max_examples=int(os.environ.get("ROLLOUT_LINT_HYPOTHESIS_EXAMPLES", "120")),
    deadline=None,  # one slow example on a loaded CI machine is not a failure; the total is bounded
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("rollout-lint")

needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared (templates and corpus) is not beside this checkout"
)


def shared_corpus() -> list[tuple[str, str]]:
    """(name, text) of each CommonMark spec example and real GitLab template in ../shared;
    empty where ../shared is absent (the tests that use it are marked `needs_shared`)."""
    if not SHARED.is_dir():
        return []
    examples = json.loads((SHARED / "corpus" / "commonmark" / "spec-examples.json").read_text("utf-8"))
    texts = [(f"spec example {example['example']}", example["markdown"]) for example in examples]
    templates = sorted((SHARED / "corpus" / "gitlab-templates").glob("*/*.md"))
    return texts + [(str(path.relative_to(SHARED)), path.read_text("utf-8")) for path in templates]


class Result:
    def __init__(self, completed: subprocess.CompletedProcess[str]) -> None:
        self.code = completed.returncode
        self.out = completed.stdout
        self.err = completed.stderr

    def json(self) -> Any:
        return json.loads(self.out)

    def __repr__(self) -> str:
        return f"<exit {self.code}>\nstdout:\n{self.out}\nstderr:\n{self.err}"


def run_cli(
    *args: str,
    stdin: str | bytes | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    memory: int | None = None,
) -> Result:
    """Run the installed `rollout-lint` with `args`; never colour unless the test asks.

    `memory` caps its address space (bytes): a test of unbounded reading fails with a
    MemoryError rather than taking the machine's memory.
    """
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    if env and "NO_COLOR" in env and env["NO_COLOR"] == "":
        environment.pop("NO_COLOR")
    completed = subprocess.run(
        [COMMAND, *args],
        input=stdin.decode() if isinstance(stdin, bytes) else stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=120,
        preexec_fn=None if memory is None else lambda: limit_memory(memory),
    )
    return Result(completed)


def limit_memory(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def findings(result: Result) -> list[tuple[int, str]]:
    """(line, rule) of each finding in a `--format json` result."""
    return [(d["line"], d["rule"]) for d in result.json()["diagnostics"]]
