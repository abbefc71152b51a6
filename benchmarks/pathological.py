"""Time the inputs of tests/test_pathological.py, by hand, on a quiet machine.

    .venv/bin/python benchmarks/pathological.py [--repeat 3] > /tmp/pathological.md

The test suite proves those inputs safe without a clock: each ends cleanly within 512 MiB, and
the work of a check (lines of Python run, functions entered) grows linearly with the input.
Seconds cannot be asserted there (on a loaded machine a run takes several times as long), so the
two claims that need them are measured here:

1. Each pathological input, through the installed command, ends within 10 s.
2. Twice the input costs at most 2.5 times the time (linear would be 2x, quadratic 4x). This is
   where work done in C, which the count does not see, shows: a string grown with `+=` (as
   markdown-it-py 3's `fragments_join` does, which rollout-lint replaces), a list searched in a
   loop. Each shape is timed in one process at the test's two larger sizes, 2n and 4n.

The inputs are the test's own, so this needs the project's test extras (`pip install '.[test]'`).
Prints a Markdown report on stdout; exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from conftest import COMMAND  # noqa: E402  (the tests' helpers, not a package)
from test_pathological import PATHOLOGICAL, SCALING, references  # noqa: E402

from rollout_lint.rules.checker import check_source  # noqa: E402
from rollout_lint.rules import load_schema  # noqa: E402
from rollout_lint.markdown.source import Source  # noqa: E402

TIME_TARGET = 10.0  # seconds for one pathological input, whole process
SCALING_SLACK = 1.25  # times the growth in characters: linear passes with room for noise
TIMED_ROUNDS = 5  # interleaved rounds per scaling shape; the fastest counts, load only adds time


def command_seconds(path: Path) -> tuple[float, int]:
    """Wall time of `rollout-lint check --format json PATH`, and its exit code."""
    started = time.perf_counter()
    completed = subprocess.run(
        [COMMAND, "check", "--format", "json", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - started, completed.returncode


def check_seconds(text: str) -> float:
    source = Source.from_text("plan.md", text)
    started = time.perf_counter()
    check_source(source, load_schema(), "issue")
    return time.perf_counter() - started


def pathological_table(repeat: int, folder: Path) -> tuple[list[str], int]:
    inputs = {name: text for name, (text, _) in PATHOLOGICAL.items()}
    inputs["20,000 reference definitions"] = references(20_000)
    lines = ["| Input | Characters | Best of %d | Exit | Within %g s |" % (repeat, TIME_TARGET), "|---|--:|--:|--:|---|"]
    missed = 0
    for name, text in inputs.items():
        path = folder / "plan.md"
        path.write_text(text, encoding="utf-8", newline="")
        runs = [command_seconds(path) for _ in range(repeat)]
        best = min(seconds for seconds, _ in runs)
        missed += best > TIME_TARGET
        verdict = "yes" if best <= TIME_TARGET else "**no**"
        lines.append(f"| {name} | {len(text):,} | {best:.2f} s | {runs[0][1]} | {verdict} |")
        print(f"{name}: {best:.2f} s", file=sys.stderr)
    return lines, missed


def scaling_table() -> tuple[list[str], int]:
    lines = ["| Shape | Characters, 2n / 4n | Best, 2n | Best, 4n | Ratio | Bound |", "|---|--:|--:|--:|--:|--:|"]
    missed = 0
    for name, (make, n) in SCALING.items():
        small, large = make(2 * n), make(4 * n)
        check_seconds(small)  # warm up: imports, the parser, the schema's validator
        # Interleaved, so that a burst of load falls on both sizes alike.
        times = [(check_seconds(small), check_seconds(large)) for _ in range(TIMED_ROUNDS)]
        small_time, large_time = min(t for t, _ in times), min(t for _, t in times)
        # Below a few milliseconds the fixed costs dominate and the ratio says nothing.
        ratio = large_time / max(small_time, 0.005)
        bound = SCALING_SLACK * len(large) / len(small)
        missed += ratio > bound
        verdict = f"{ratio:.2f}" if ratio <= bound else f"**{ratio:.2f}**"
        lines.append(
            f"| {name} | {len(small):,} / {len(large):,} | {small_time * 1e3:.1f} ms | {large_time * 1e3:.1f} ms "
            f"| {verdict} | {bound:.2f} |"
        )
        print(f"{name}: {ratio:.2f} (bound {bound:.2f})", file=sys.stderr)
    return lines, missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each pathological input (default 3)")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        pathological, missed_time = pathological_table(arguments.repeat, Path(folder))
    scaling, missed_scaling = scaling_table()
    report = [
        "## Pathological inputs through `rollout-lint check --format json`",
        "",
        *pathological,
        "",
        f"## Twice the input, in one process (fastest of {TIMED_ROUNDS} interleaved rounds)",
        "",
        *scaling,
        "",
        f"{missed_time} input(s) over {TIME_TARGET:g} s; {missed_scaling} shape(s) over their bound.",
    ]
    print("\n".join(report))
    return 1 if missed_time or missed_scaling else 0


if __name__ == "__main__":
    sys.exit(main())
