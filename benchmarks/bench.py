"""rollout-lint against markdown-it-py's parse floor: the README's speed table, measured in one run.

    .venv/bin/python benchmarks/bench.py [--rounds 5] [--quick] > /tmp/speed.md

Run it with the Python that has rollout-lint and the test extras installed. Each timed row is a
fresh process, timed from spawn to exit; a round runs every row in turn, so that load from elsewhere
falls on a row and its floor alike, and a ratio is the median of the rounds' ratios.
benchmarks/README.md says what each row measures; `--quick` only shows that the script works.
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

import plans  # noqa: E402  (a sibling script, not a package)
from fake_gitlab import FakeGitLab  # noqa: E402
from test_gitlab import saved  # noqa: E402
from test_pathological import PATHOLOGICAL, SCALING, references  # noqa: E402

from rollout_lint.cli import main as rollout_lint_main  # noqa: E402

LINT = str(Path(sys.executable).parent / "rollout-lint")
# The floor: stock markdown-it-py as GitLab reads issues (rollout-lint's parser starts from it), in one process.
FLOOR = """\
import os, sys
from markdown_it import MarkdownIt
parser = MarkdownIt("commonmark", {"maxNesting": 64}).enable(["table", "strikethrough"])
target = sys.argv[1]
names = [os.path.join(target, name) for name in sorted(os.listdir(target))] if os.path.isdir(target) else [target]
for name in names:
    with open(name, encoding="utf-8") as stream:
        parser.parse(stream.read())
"""
BIG = 1_048_576  # GitLab's longest description, in characters; a longer plan is refused unparsed
HANG_SECONDS = 10.0  # a hostile input must end within this, whole process
SCALING_SLACK = 1.25  # times the growth in characters: linear passes with room for noise, n² does not


@dataclass
class Row:
    """One command, and its figures: each round's median wall and CPU seconds, and peak memory."""

    argv: list[str]
    per_round: int = 1  # runs per round, for rows short enough to be noisy
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    output: bytes = b""
    peak_rss: int = 0  # KiB: the first process's high-water mark (VmHWM)
    peak_pss: int = 0  # KiB: the largest sum of PSS over the process tree, shared pages split


def kib(path: str, name: str) -> int:
    try:
        with open(path, encoding="utf-8") as stream:
            match = re.search(rf"^{name}:\s+(\d+) kB", stream.read(), re.MULTILINE)
    except OSError:  # the process ended meanwhile
        return 0
    return int(match[1]) if match else 0


def process_tree(pid: int) -> list[int]:
    """`pid` and its live descendants (workers, a fork server and its children)."""
    pids = [pid]
    for parent in pids:  # extended while walked: breadth first
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                pids += [int(child) for child in children.read_text().split()]
            except OSError:
                pass  # the thread or process ended meanwhile
    return pids


def run(row: Row, watch: bool = False, ok: tuple[int, ...] = (0, 1)) -> tuple[float, float]:
    """Run the row's command once: its wall and CPU seconds. `watch`: sample its memory into the row."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(row.argv, stdout=out, stderr=err)
        # os.wait4, not Popen.wait: its rusage holds the CPU time of the workers the command waited for.
        while not (finished := os.wait4(process.pid, os.WNOHANG if watch else 0))[0]:
            row.peak_rss = max(row.peak_rss, kib(f"/proc/{process.pid}/status", "VmHWM"))
            pss = sum(kib(f"/proc/{pid}/smaps_rollup", "Pss") for pid in process_tree(process.pid))
            row.peak_pss = max(row.peak_pss, pss)
            time.sleep(0.01)
        wall = time.perf_counter() - start
        process.returncode = code = os.waitstatus_to_exitcode(finished[1])
        out.seek(0)
        err.seek(0)
        row.output, errors = out.read(), err.read()
    if code not in ok or (errors and code != 2):  # 2: could not check, with a message on stderr
        raise SystemExit(f"`{shlex.join(row.argv)}` exited {code}: {errors.decode(errors='replace')[-500:]}")
    return wall, finished[2].ru_utime + finished[2].ru_stime


def measure(rows: dict[str, Row], rounds: int) -> None:
    for row in rows.values():
        run(row)  # fills the caches and the bytecode cache
        # Memory is sampled on a warm run: compiling the bytecode on the first run costs memory
        # no user's run pays (3 MiB more with -j 2).
        run(row, watch=True)
    for number in range(1, rounds + 1):
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in rows}
        for turn in range(max(row.per_round for row in rows.values())):
            for name, row in rows.items():
                if turn < row.per_round:
                    runs[name].append(run(row))
        for name, row in rows.items():
            row.wall.append(statistics.median(wall for wall, _ in runs[name]))
            row.cpu.append(statistics.median(cpu for _, cpu in runs[name]))
        print(f"round {number}: " + ", ".join(f"{n} {r.wall[-1]:.3f} s" for n, r in rows.items()), file=sys.stderr)


def grown_plan(valid: list[str], size: int) -> str:
    """The first valid plan, grown to at most `size` bytes with the other valid plans' paragraphs
    (in the same order for every size: a larger plan holds a smaller one and more of the same)."""
    prose = [block for text in valid[1:] for block in text.split("\n\n") if block[0].isalpha()]
    head, tail = valid[0].split("\n\n## Rollout\n")  # the end of "Known issues": free prose fits
    blocks, length = [], len(valid[0].encode())
    for block in itertools.cycle(prose):
        length += len(block.encode()) + 2
        if length > size:
            break
        blocks.append(block)
    return "\n\n".join([head, *blocks, "## Rollout\n" + tail])


def check_seconds(text: str, path: Path) -> float:
    """CPU seconds of one check of `text` in this process, with no interpreter start or imports: on a busy
    machine waiting for a core inflates a short run's wall time, not its CPU time."""
    path.write_text(text, encoding="utf-8", newline="")
    start = time.process_time()
    rollout_lint_main(["check", "--isolated", "--format", "json", str(path)], io.StringIO())
    return time.process_time() - start


def hostile_inputs(folder: Path, quick: bool) -> tuple[str, bool, list[str]]:
    """Each hostile input through the command, and each growing shape at the test's two larger sizes,
    2n and 4n, in one process (fastest of 5 interleaved runs): summary, whether met, tables."""
    inputs = {name: text for name, (text, _) in PATHOLOGICAL.items()}
    inputs["20,000 reference definitions"] = references(20_000)
    shapes = list(SCALING.items())
    if quick:
        inputs, shapes = dict([min(inputs.items(), key=lambda item: len(item[1]))]), shapes[:1]
    lines = ["| Hostile input, whole process | Characters | Seconds |", "|---|--:|--:|"]
    path, slowest = folder / "hostile.md", 0.0
    for name, text in inputs.items():
        path.write_text(text, encoding="utf-8", newline="")
        seconds = run(Row([LINT, "check", "--format", "json", str(path)]), ok=(1, 2))[0]
        slowest = max(slowest, seconds)
        lines.append(f"| {name} | {len(text):,} | {seconds:.2f} |")
    lines += ["", "| Shape, in one process | Characters, 2n / 4n | CPU, 2n | CPU, 4n | Ratio | Bound |"]
    lines.append("|---|--:|--:|--:|--:|--:|")
    worst = 0.0
    for name, (make, n) in shapes:
        small, large = make(2 * n), make(4 * n)
        check_seconds(small, path)  # warm up: imports, the schema's validator
        pairs = [(check_seconds(small, path), check_seconds(large, path)) for _ in range(5)]
        small_time, large_time = min(pair[0] for pair in pairs), min(pair[1] for pair in pairs)
        bound = SCALING_SLACK * len(large) / len(small)
        worst = max(worst, large_time / small_time / bound)
        lines.append(f"| {name} | {len(small):,} / {len(large):,} | {small_time * 1e3:.1f} ms "
                     f"| {large_time * 1e3:.1f} ms | {large_time / small_time:.2f} | {bound:.2f} |")  # fmt: skip
    summary = f"slowest {slowest:.2f} s; growth at most {worst:.2f} of its bound"
    return summary, slowest <= HANG_SECONDS and worst <= 1, lines


def gitlab_audit(folder: Path, corpus: list[Path], count: int) -> list[str]:
    """`rollout-lint gitlab --project` over `count` plans saved as issues in a fake GitLab on
    127.0.0.1, against `check` of the same descriptions as files: seconds, and the requests made."""
    token, project = "glpat-benchmark", "bench/plans"
    files = folder / "descriptions"
    files.mkdir()
    with FakeGitLab(tokens={token}) as gitlab:
        for path in corpus[:count]:
            description, labels, confidential, _ = saved(path.read_text("utf-8"))
            issue = gitlab.add_issue(project, description, labels=labels, confidential=confidential)
            (files / f"{issue['iid']:04}.md").write_text(description, "utf-8")
        audit = [LINT, "gitlab", "--url", gitlab.url, "--project", project, "--format", "concise", "--isolated"]
        check = [LINT, "check", "--format", "concise", "--isolated", "--mode", "issue", "-j", "1", str(files)]
        environment = {**os.environ, "GITLAB_TOKEN": token, "CI_JOB_TOKEN": "", "CI_SERVER_URL": ""}
        seconds = {}
        for argv in (audit, check):  # untimed, as every row's warm-up: the bytecode of python-gitlab and requests
            subprocess.run(argv, env=environment, capture_output=True, check=False)
        gitlab.requests.clear()
        for name, argv in (("audit", audit), ("check", check)):
            start = time.perf_counter()
            subprocess.run(argv, env=environment, capture_output=True, check=False)
            seconds[name] = time.perf_counter() - start
        requests = [(request.method, request.path) for request in gitlab.requests]
    pages = -(-count // 100)
    if requests != [("GET", "/api/v4/projects/bench%2Fplans/issues")] * pages:
        raise SystemExit(f"the audit made other requests than {pages} list calls: {requests[:5]}")
    return [
        "| Audit of issues in a fake GitLab on 127.0.0.1 | Seconds | Requests |",
        "|---|--:|--:|",
        f"| `rollout-lint gitlab --project` over {count} issues | {seconds['audit']:.2f} | {len(requests)} list calls |",
        f"| `rollout-lint check -j 1` over the same {count} descriptions as files | {seconds['check']:.2f} | — |",
    ]


def failing_files(output: bytes) -> set[str]:
    """The file names in concise lines (`path:line:column: RL101 [error] ...`)."""
    return {Path(match[1]).name for match in re.finditer(r"^(.+?):\d+:\d+: RL\d+", output.decode(), re.MULTILINE)}


def report(rows: dict[str, Row], plan_count: int, hostile: tuple[str, bool, list[str]]) -> list[str]:
    def verdict(met: bool) -> str:
        return "met" if met else "**missed**"

    def seconds(row: Row) -> str:
        median = statistics.median(row.wall)
        return f"{median:.2f} s" if median >= 1 else f"{median * 1e3:.0f} ms"

    lines = ["| | rollout-lint | floor | ratio (per round) | CPU ratio | target | |", "|---|--:|--:|--:|--:|--:|---|"]
    for name, floor, what, target in (
        ("one", "floor-one", "one plan, interpreter start included", 1.5),
        ("j1", "floor", f"{plan_count:,} plans, one process", 1.3),
        ("j2", "floor", f"{plan_count:,} plans, `-j 2`", 0.8),
        ("big", "fifth", f"a {Path(rows['big'].argv[-1]).stat().st_size / 2**20:.2g} MiB plan against a fifth", 5.5),
    ):
        wall = [mine / theirs for mine, theirs in zip(rows[name].wall, rows[floor].wall)]
        cpu = statistics.median(mine / theirs for mine, theirs in zip(rows[name].cpu, rows[floor].cpu))
        lines.append(f"| {what} | {seconds(rows[name])} | {seconds(rows[floor])} | {statistics.median(wall):.2f}× "
                     f"({min(wall):.2f}–{max(wall):.2f}) | {cpu:.2f}× | ≤ {target}× "
                     f"| {verdict(statistics.median(wall) <= target)} |")  # fmt: skip
    for what, used in (("peak memory, one process", rows["j1"].peak_rss),
                       ("peak memory, `-j 2` (PSS, all processes)", rows["j2"].peak_pss)):  # fmt: skip
        lines.append(f"| {what} | {used / 1024:.1f} MiB | | | | ≤ 40 MiB | {verdict(used <= 40 * 1024)} |")
    lines.append(f"| hostile inputs | {hostile[0]} | | | | ≤ {HANG_SECONDS:g} s; linear | {verdict(hostile[1])} |")
    return lines


def instructions(argv: list[str]) -> int:
    """The instructions a command executes (valgrind): unlike seconds, the same on a busy machine.

    With workers, those of the process that executes the most: a forked worker's count starts
    with what its parent executed before the fork, so this is the run's critical path, what it
    takes on as many free cores as it has processes."""
    command = [sys.executable, *argv] if argv[0] == LINT else argv  # valgrind runs the interpreter
    done = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={os.devnull}",
                           *command], capture_output=True, text=True)  # fmt: skip
    return max(int(count.replace(",", "")) for count in re.findall(r"I\s+refs:\s+([\d,]+)", done.stderr))


def instruction_report(rows: dict[str, Row]) -> list[str]:
    lines = ["| | rollout-lint | floor | ratio | target |", "|---|--:|--:|--:|--:|"]
    for name, floor, what, target in (("one", "floor-one", "one plan, interpreter start included", 1.5),
                                      ("j1", "floor", "the plans, one process", 1.3),
                                      ("j2", "floor", "the plans, `-j 2`: the longest process", 0.8),
                                      ("big", "fifth", "a 1 MiB plan against a fifth", 5.5)):  # fmt: skip
        mine, theirs = instructions(rows[name].argv), instructions(rows[floor].argv)
        lines.append(f"| {what} | {mine / 1e6:,.0f} M | {theirs / 1e6:,.0f} M | {mine / theirs:.2f}× | ≤ {target}× |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--quick", action="store_true", help="20 plans, one round: test the script, not the code")
    parser.add_argument("--instructions", action="store_true", help="count instructions with valgrind, not time")
    arguments = parser.parse_args(argv)
    rounds, load = (1 if arguments.quick else arguments.rounds), os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        # Bytecode, as an installed package has it, even for an editable install and PYTHONDONTWRITEBYTECODE.
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")  # filled by the warm-up runs
        corpus = plans.write_corpus(folder / "plans", 20 if arguments.quick else plans.COUNT)
        valid = [path for path in corpus if path.stem.count("-") == 1]  # no mistake in the name
        texts = [path.read_text("utf-8") for path in valid]
        for name, size in (("fifth", BIG // 5), ("big", BIG)):
            (folder / f"{name}.md").write_text(grown_plan(texts, size // 50 if arguments.quick else size), "utf-8")
        floor, concise = [sys.executable, "-c", FLOOR], [LINT, "check", "--format", "concise"]
        rows = {
            "floor": Row([*floor, str(folder / "plans")]),
            "j1": Row([*concise, "-j", "1", str(folder / "plans")]),
            "j2": Row([*concise, "-j", "2", str(folder / "plans")]),
            "floor-one": Row([*floor, str(valid[0])], 1 if arguments.quick else 5),
            "one": Row([LINT, "check", str(valid[0])], 1 if arguments.quick else 5),
            "fifth": Row([*concise, str(folder / "fifth.md")]),
            "big": Row([*concise, str(folder / "big.md")]),
        }
        measure(rows, 0 if arguments.instructions else rounds)
        if arguments.instructions:
            print("\n".join(instruction_report(rows)))
            return 0
        # A fast linter that is wrong measures nothing: the verdicts must be the generator's.
        wrong = failing_files(rows["j1"].output) ^ {path.name for path in corpus if path not in valid}
        if wrong or rows["j2"].output != rows["j1"].output or rows["big"].output or rows["fifth"].output:
            raise SystemExit(f"wrong verdicts: {sorted(wrong)[:5]}, or -j 2 differs, or the big plans have findings")
        hostile = hostile_inputs(folder, arguments.quick)
        audit = gitlab_audit(folder, corpus, 20 if arguments.quick else 500)
        header = (f"rollout-lint {version('rollout-lint')}, markdown-it-py {version('markdown-it-py')}, Python "
                  f"{sys.version.split()[0]}; {len(corpus):,} plans of seed {plans.SEED}, {rounds} rounds; "
                  f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end.\n")  # fmt: skip
        print("\n".join([header, *report(rows, len(corpus), hostile), "", *hostile[2], "", *audit]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
