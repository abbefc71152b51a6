"""Time rollout-lint against the floor: markdown-it-py parsing the same files, nothing else.

    /tmp/venv/bin/python benchmarks/run.py [--corpus DIR] [--repeat 5] [--repeat-one 20]

Rows, all on one corpus (generated into a temporary folder unless `--corpus` is given):

  corpus floor   one Python process that imports markdown_it and parses every plan with the
                 parser rollout-lint uses (commonmark + table + strikethrough, maxNesting 64)
  corpus lint    `rollout-lint check --format concise DIR` over the same plans, one process
  start-up       `python -c pass`: interpreter start alone, for scale
  one floor      `python -c "import markdown_it; parse one file"`
  one lint       `rollout-lint check PLAN` (default text format) on one valid plan
  one concise    the same with `--format concise`

Each row is a fresh process, timed from spawn to exit (wall, so interpreter start and imports
count), with its own CPU time from `os.wait4` (the per-child form of getrusage). Peak RSS comes
from an untimed warm-up run under `/usr/bin/time -v` (see `peak_rss` for why not `wait4`).
Repetitions of the rows being compared are interleaved so that a busy neighbour slows both
alike; a failed run is reported and repeated. Children write bytecode to a private, warmed-up
cache (PYTHONPYCACHEPREFIX, and PYTHONDONTWRITEBYTECODE unset), so no row pays for compiling
modules and nothing is written into the source tree.

A stage profile of rollout-lint (benchmarks/profile_stages.py) follows the table unless
`--no-profile` is given.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_plans  # noqa: E402  (a sibling script, not a package)

CORPUS_TARGET = 1.5  # rollout-lint over the corpus: at most this many times the floor
ONE_PLAN_TARGET = 0.100  # seconds, one plan, wall, interpreter start included

# The floor: read and parse every *.md under the arguments, the way rollout-lint finds them.
FLOOR_SCRIPT = """\
import os, sys
from markdown_it import MarkdownIt

parser = MarkdownIt("commonmark", {"maxNesting": 64}).enable(["table", "strikethrough"])
files = []
for path in sys.argv[1:]:
    if os.path.isdir(path):
        for root, _, names in os.walk(path):
            files.extend(os.path.join(root, name) for name in names if name.endswith(".md"))
    else:
        files.append(path)
for name in sorted(files):
    with open(name, "rb") as stream:
        parser.parse(stream.read().decode("utf-8"))
"""
_CONCISE_LINE = re.compile(r"^(?P<path>.+?):\d+:\d+: (?P<rule>RL\d+) \[(?P<severity>\w+)\] ")


@dataclass
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds
    returncode: int
    stderr: str


@dataclass
class Row:
    name: str
    what: str
    argv: list[str]
    ok_codes: tuple[int, ...] = (0,)
    samples: list[Sample] = field(default_factory=list)
    peak_rss_kib: int = 0

    @property
    def wall(self) -> float:
        return statistics.median(sample.wall for sample in self.samples)

    @property
    def best(self) -> float:
        return min(sample.wall for sample in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(sample.cpu for sample in self.samples)

    @property
    def rss_mib(self) -> float:
        return self.peak_rss_kib / 1024


def run_once(argv: Sequence[str], env: dict[str, str], stdout_path: Path) -> tuple[Sample, int]:
    """Run `argv` to completion; its stdout goes to `stdout_path`, stderr is kept for errors.

    Returns the sample and the child's ru_maxrss (KiB) from `os.wait4`.
    """
    with open(stdout_path, "wb") as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return Sample(wall, usage.ru_utime + usage.ru_stime, process.returncode, stderr), usage.ru_maxrss


def peak_rss(argv: Sequence[str], env: dict[str, str], stdout_path: Path) -> tuple[int, int]:
    """(peak RSS in KiB, exit code) of one untimed run.

    Linux carries the spawning process's RSS high-water mark over `exec` into the child's
    ru_maxrss, so `os.wait4` on a child of this (~18 MiB) process reports at least 18 MiB.
    `/usr/bin/time -v` is a tiny parent, so its figure is the command's own; without it the
    `os.wait4` figure is used, an upper bound.
    """
    time_binary = shutil.which("time", path="/usr/bin:/bin")
    if time_binary is None:
        sample, max_rss = run_once(argv, env, stdout_path)
        return max_rss, sample.returncode
    report = stdout_path.with_suffix(".time")
    sample, _ = run_once([time_binary, "-v", "-o", str(report), *argv], env, stdout_path)
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report.read_text())
    return (int(match[1]) if match else 0), sample.returncode


def measure(rows: Sequence[Row], repeat: int, env: dict[str, str], scratch: Path) -> None:
    """One untimed warm-up each (which also measures peak RSS), then `repeat` interleaved rounds.

    A run that fails (an unexpected exit code, or anything on stderr) is reported and run
    again, up to RETRIES times: other people may be editing the code under test.
    """
    for row in rows:
        row.peak_rss_kib, returncode = peak_rss(row.argv, env, scratch / f"{row.name}.warmup.out")
        if returncode not in row.ok_codes:
            raise SystemExit(f"{row.name}: `{shlex.join(row.argv)}` exited {returncode}")
    for round_number in range(repeat):
        for row in rows:
            row.samples.append(_good_run(row, env, scratch / f"{row.name}.out"))
        times = ", ".join(f"{row.name} {row.samples[-1].wall:.3f} s" for row in rows)
        print(f"  round {round_number + 1}/{repeat}: {times}", file=sys.stderr)


RETRIES = 3


def _good_run(row: Row, env: dict[str, str], stdout_path: Path) -> Sample:
    for _ in range(RETRIES):
        sample, _ = run_once(row.argv, env, stdout_path)
        if sample.returncode in row.ok_codes and not sample.stderr.strip():
            return sample
        print(f"  {row.name}: run failed (exit {sample.returncode}), discarded: {sample.stderr.strip()[-300:]}",
              file=sys.stderr)
    raise SystemExit(f"{row.name}: `{shlex.join(row.argv)}` failed {RETRIES} times in a row")


def child_env(pycache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env["NO_COLOR"] = "1"
    return env


def find_rollout_lint(command: str | None) -> list[str]:
    if command:
        return shlex.split(command)
    beside = Path(sys.executable).parent / "rollout-lint"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("rollout-lint")
    if found:
        return [found]
    raise SystemExit(f"no rollout-lint beside {sys.executable} nor on PATH; pass --command")


def load_manifest(corpus: Path) -> list[dict[str, object]]:
    manifest = corpus / "manifest.json"
    if not manifest.exists():
        return []
    plans: list[dict[str, object]] = json.loads(manifest.read_text())["plans"]
    return plans


def pick_plan(corpus: Path, manifest: list[dict[str, object]], valid: bool = True) -> Path | None:
    """The valid (or invalid) plan of median size; without a manifest, any plan of median size."""
    if manifest:
        chosen = sorted((int(str(e["bytes"])), str(e["file"])) for e in manifest if e["valid"] == valid)
        return corpus / chosen[len(chosen) // 2][1] if chosen else None
    if not valid:
        return None
    files = sorted(corpus.rglob("*.md"), key=lambda path: path.stat().st_size)
    return files[len(files) // 2]


def code_version() -> str:
    """The commit of the checkout this script is in, and whether the linter has local changes."""
    root = HERE.parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "lint", "schemas"],
            capture_output=True, text=True, check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "unknown version"
    local = f" + {len(changed)} locally changed file(s) under lint/ and schemas/" if changed else ""
    return f"commit {commit}{local}"


def check_verdicts(output: Path, corpus: Path, manifest: list[dict[str, object]]) -> str:
    """Compare rollout-lint's findings with the manifest: do valid plans pass and bad ones fail?"""
    if not manifest:
        return "no manifest.json in the corpus: findings not compared"
    failing: set[str] = set()
    for line in output.read_text("utf-8").splitlines():
        match = _CONCISE_LINE.match(line)
        if match and match["severity"] == "error":
            failing.add(Path(match["path"]).name)
    valid = {str(e["file"]) for e in manifest if e["valid"]}
    invalid = {str(e["file"]) for e in manifest} - valid
    caught = len(invalid & failing)
    false_alarms = len(valid & failing)
    return (
        f"findings check: {caught} of {len(invalid)} plans with mistakes fail, "
        f"{false_alarms} of {len(valid)} valid plans fail"
    )


def markdown_table(rows: Sequence[Row], floor: dict[str, Row], plans: int) -> str:
    lines = [
        "| Row | What | Median wall | Best | Median CPU | Peak RSS | vs floor | Target |",
        "|---|---|--:|--:|--:|--:|--:|---|",
    ]
    for row in rows:
        base = floor.get(row.name)
        ratio = f"{row.wall / base.wall:.2f}×" if base else "—"
        per_plan = f" ({row.wall / plans * 1000:.2f} ms/plan)" if row.name.startswith("corpus") else ""
        lines.append(
            f"| {row.name} | {row.what} | {_seconds(row.wall)}{per_plan} | {_seconds(row.best)} | "
            f"{_seconds(row.cpu)} | {row.rss_mib:.1f} MiB | {ratio} | {_target(row, base)} |"
        )
    return "\n".join(lines)


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.0f} ms"


def _target(row: Row, base: Row | None) -> str:
    if row.name == "corpus lint" and base:
        ratio = row.wall / base.wall
        if ratio <= CORPUS_TARGET:
            return f"≤ {CORPUS_TARGET}× floor: met"
        over = row.wall - CORPUS_TARGET * base.wall
        return f"≤ {CORPUS_TARGET}× floor: **missed** by {ratio / CORPUS_TARGET:.2f}× ({over:.1f} s over)"
    if row.name == "one lint":
        if row.wall <= ONE_PLAN_TARGET:
            return f"≤ {ONE_PLAN_TARGET * 1000:.0f} ms: met"
        return (
            f"≤ {ONE_PLAN_TARGET * 1000:.0f} ms: **missed** by {(row.wall - ONE_PLAN_TARGET) * 1000:.0f} ms "
            f"({row.wall / ONE_PLAN_TARGET:.1f}×)"
        )
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark rollout-lint against a markdown-it-py floor.")
    parser.add_argument("--corpus", type=Path, help="folder of plans (default: generate one into a temporary folder)")
    parser.add_argument("--count", type=int, default=generate_plans.DEFAULT_COUNT, help="plans to generate")
    parser.add_argument("--seed", type=int, default=generate_plans.DEFAULT_SEED, help="seed to generate with")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions of the corpus rows (default 5)")
    parser.add_argument("--repeat-one", type=int, default=20, help="repetitions of the one-plan rows (default 20)")
    parser.add_argument("--command", help="how to run rollout-lint (default: rollout-lint beside this Python)")
    parser.add_argument("--no-profile", action="store_true", help="skip the stage profile")
    args = parser.parse_args(argv)

    lint = find_rollout_lint(args.command)
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="rollout-lint-bench-") as temporary:
        scratch = Path(temporary)
        corpus = args.corpus
        if corpus is None:
            corpus = scratch / "plans"
            generate_plans.generate(corpus, args.count, args.seed)
        manifest = load_manifest(corpus)
        plans = len(list(corpus.rglob("*.md")))
        plan = pick_plan(corpus, manifest)
        if plan is None:
            raise SystemExit(f"{corpus}: no valid plan to time")
        version = code_version()
        env = child_env(scratch / "pycache")
        load_before = os.getloadavg()[0]
        started = time.perf_counter()

        concise = [*lint, "check", "--format", "concise"]
        corpus_rows = [
            Row("corpus floor", f"markdown-it-py parses {plans} plans", [python, "-c", FLOOR_SCRIPT, str(corpus)]),
            Row(
                "corpus lint",
                f"`rollout-lint check --format concise DIR`, {plans} plans",
                [*concise, str(corpus)],
                ok_codes=(0, 1),
            ),
        ]
        print(f"corpus: {plans} plans in {corpus}", file=sys.stderr)
        measure(corpus_rows, args.repeat, env, scratch)
        verdicts = check_verdicts(scratch / "corpus lint.out", corpus, manifest)

        one_rows = [
            Row("start-up", "`python -c pass`", [python, "-c", "pass"]),
            Row("one floor", f"`python -c` markdown-it-py parses 1 plan ({plan.stat().st_size:,} B)",
                [python, "-c", FLOOR_SCRIPT, str(plan)]),
            Row("one lint", "`rollout-lint check PLAN`", [*lint, "check", str(plan)]),
            Row("one concise", "`rollout-lint check --format concise PLAN`", [*concise, str(plan)]),
        ]
        print(f"one plan: {plan}", file=sys.stderr)
        measure(one_rows, args.repeat_one, env, scratch)
        elapsed = time.perf_counter() - started

        floor = {"corpus lint": corpus_rows[0], "one lint": one_rows[1], "one concise": one_rows[1]}
        total_bytes = sum(path.stat().st_size for path in corpus.rglob("*.md"))
        print("## rollout-lint benchmark\n")
        print(
            f"rollout-lint at {version}. {plans} plans, {total_bytes / 1024 / 1024:.1f} MiB"
            f"{f' (seed {args.seed})' if args.corpus is None else ''}; one plan: `{plan.name}`. "
            f"Medians of {args.repeat} (corpus) and {args.repeat_one} (one plan) runs; "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average before "
            f"{load_before:.2f}, after {os.getloadavg()[0]:.2f}.\n"
        )
        print(markdown_table([*corpus_rows, *one_rows], floor, plans))
        print(f"\n{verdicts}. Timed runs took {elapsed:.0f} s.")

        if not args.no_profile:
            sys.stdout.flush()
            profile = [python, str(HERE / "profile_stages.py"), "--plan", str(plan), "--cprofile", "15"]
            invalid = pick_plan(corpus, manifest, valid=False)
            if invalid is not None:
                profile += ["--invalid-plan", str(invalid)]
            subprocess.run([*profile, str(corpus)], env=env, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
