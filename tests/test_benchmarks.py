"""The benchmark cannot rot: its corpus is the same for the same seed, and its script runs.

Nothing here is timed; `benchmarks/bench.py --quick` checks rollout-lint's verdicts on the
generated plans against the mistakes the generator made, and fails if they differ.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import plans  # noqa: E402  (a script beside the tests' project, not a package)


def corpus(folder: Path, seed: int) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in plans.write_corpus(folder, count=40, seed=seed)}


def test_the_same_seed_writes_the_same_plans(tmp_path: Path) -> None:
    first = corpus(tmp_path / "first", plans.SEED)
    assert corpus(tmp_path / "second", plans.SEED) == first
    assert corpus(tmp_path / "other seed", plans.SEED + 1) != first
    valid = [name for name in first if name.count("-") == 1]  # plan-0001.md; plan-0002-missing-label.md
    assert 0 < len(valid) < len(first)  # valid plans and plans with mistakes


def test_the_script_runs_in_its_quick_mode() -> None:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--quick"], capture_output=True, text=True, timeout=600
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    rows = re.findall(r"^\| ([^|]+?) \|", completed.stdout, re.MULTILINE)  # the first cell of each row
    expected = [
        "one plan, interpreter start included",
        "20 plans, one process",
        "20 plans, `-j 2`",
        "MiB plan against a fifth",
        "peak memory, one process",
        "peak memory, `-j 2` (PSS, all processes)",
        "hostile inputs",
        "Hostile input, whole process",
    ]
    assert len(rows) > len(expected) and all(part in row for part, row in zip(expected, rows)), completed.stdout
    assert " 0.0 MiB" not in completed.stdout  # memory was sampled
