"""Time rollout-lint against the floor (markdown-it-py parsing the same files) and its peers.

    /tmp/venv/bin/python benchmarks/run.py [--corpus DIR] [--repeat 5] [--repeat-one 20] \
        [--repeat-peers 3] [--quick] [--no-peers] [--no-profile]

Sections, all on one seeded corpus (generated into a temporary folder unless `--corpus`):

  2,000 plans    the floor (one Python process imports markdown_it and parses every plan with
                 rollout-lint's parser settings), `rollout-lint check --format concise DIR`
                 with -j 1, -j 2 and -j 0 (the default, automatic), and the peers with their
                 default rules: `pymarkdown scan`, `mdformat --check`, `markdownlint-cli2`
  memory         peak memory of the corpus runs: one process (/usr/bin/time), and the whole
                 process tree (workers included), sampled from /proc
  one plan       `python -c pass`, the floor on one plan, the floor plus the standard library
                 rollout-lint cannot do without, `rollout-lint check PLAN` (text and concise),
                 `rollout-lint --version`, `--help`, and the peers on the same plan; then the
                 same rows in instructions executed (valgrind's callgrind, where installed),
                 which unlike wall time do not drift with the machine's speed
  big files      a 1 MiB plan (GitLab's longest description) and one a fifth of it (grown from
                 corpus plans): floor and rollout-lint
  findings       a corpus made to yield 44,000 findings: `--format text` to /dev/null against
                 the same run with every finding deselected (`--select RL004`, a rule that
                 never fires), and the reporters alone in one process after checking: what
                 printing them costs (the target is judged on the second, steadier figure)
  schema stage   the schema stage of every corpus plan, timed inside its check in one process
  targets        issue 5's targets, met or missed and by how much

Each row is a fresh process, timed from spawn to exit (wall, so interpreter start and imports
count), with its CPU time from `os.wait4` (the child and the workers it waited for). Peak RSS
comes from an untimed warm-up run under `/usr/bin/time -v` (see `warm_up` for why not
`wait4`). Repetitions of the rows of a section are interleaved so that a busy neighbour slows
all of them alike; a failed run is reported and repeated. Children write bytecode to a
private, warmed-up cache (PYTHONPYCACHEPREFIX), so no row pays for compiling modules and
nothing is written into the source tree, and they run in a scratch folder, so no peer picks
up a configuration file from the project.

The peers are installed on first use, outside the project's dependencies: the Python ones into
their own venv (`--peers-venv`, default /tmp/peers-venv), markdownlint-cli2 with npm into
benchmarks/.tools/ (git-ignored). A peer that cannot be installed or run is left out with a
note. A stage profile of rollout-lint (benchmarks/profile_stages.py) follows unless
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
from collections.abc import Callable, Sequence
from typing import Any
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_plans  # noqa: E402  (sibling scripts, not a package)
import workloads  # noqa: E402

# --- issue 5's targets --------------------------------------------------------------------------
CORPUS_TARGET = 1.5  # -j 1 over the corpus: at most this many times the floor
PARALLEL_TARGET = 0.9  # -j 2 over the corpus: at most this many times the (one-process) floor
ONE_PLAN_TARGET = 0.090  # seconds, one plan, wall, interpreter start included
ONE_PLAN_STRETCH = 0.075
ISSUE_2_ONE_PLAN = 0.100  # issue 2's own one-plan target, which issue 5 tightened
START_TARGET = 0.030  # seconds, `rollout-lint --version` and `--help`, whole process
BIG_RATIO_TARGET = 5.5  # time(1 MiB) / time(a fifth of it)
PRINT_TARGET = 0.5  # seconds that printing 44,000 findings may add
MEMORY_TARGET_MIB = 40.0  # peak memory of the corpus run
SCHEMA_STAGE_TARGET = 250e-6  # seconds of the schema stage per valid plan

FINDINGS = 44_000
FINDINGS_PER_FILE = 220  # 200 files of 220 findings: a big repository's worth of bad plans
# At most 1 MiB: a longer plan is refused unparsed (RL005, longer than GitLab accepts).
BIG_SIZES = (1_048_576 // 5, 1_048_576)

# --- the peers, pinned so that a later run measures the same tools ---------------------------------
PIP_PEERS = ("pymarkdownlnt==0.9.41", "mdformat==1.0.0")
NPM_PEER = "markdownlint-cli2@0.22.1"
TOOLS = HERE / ".tools"

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
# The floor plus the least rollout-lint needs from the standard library beyond the floor's own
# imports: argparse reads the command line, json the bundled schema, datetime and bisect are
# imported (for the plan's dates and for finding a line's section). No code of rollout-lint's
# runs, so what lies between this row and rollout-lint's is rollout-lint's own cost, and no
# linter that reads a JSON schema and its command line this way can start in less.
# argv: the schema, then the paths.
STDLIB_FLOOR_SCRIPT = """\
import argparse, bisect, datetime, json, sys

parser = argparse.ArgumentParser(prog="rollout-lint")
check = parser.add_subparsers(dest="command").add_parser("check")
check.add_argument("paths", nargs="+")
arguments = parser.parse_args(["check", *sys.argv[2:]])
with open(sys.argv[1], "rb") as stream:
    json.loads(stream.read())
sys.argv[1:] = arguments.paths
""" + FLOOR_SCRIPT
SCHEMA = HERE.parent / "schemas" / "model-rollout-plan.schema.json"
# The reporters alone, in one process: check every file first, then time writing the findings
# to /dev/null, as the CLI does after checking. A steadier figure than the difference of two
# whole runs of several seconds each, to read beside it. argv: benchmarks dir, folder, repeats.
REPORTER_SCRIPT = """\
import json, os, statistics, sys, time
sys.path.insert(0, sys.argv[1])
import profile_stages
from rollout_lint.reporters import Summary, make_reporter
from rollout_lint.reporters.display import DisplayOptions

files = profile_stages.markdown_files([sys.argv[2]])
settings = profile_stages.check_settings(files)
results = [profile_stages.check_one(settings, path) for path in files]
seconds = {}
for name in ("text", "concise"):
    runs = []
    for _ in range(int(sys.argv[3])):
        with open(os.devnull, "w", encoding="utf-8") as out:
            # quiet, strict, show_source, statistics: the defaults of `rollout-lint check`
            reporter = make_reporter(name, out, DisplayOptions(False, False, True, False))
            summary = Summary()
            start = time.perf_counter()
            for diagnostics, source in results:
                summary.add(diagnostics)
                reporter.file(diagnostics, source)
            reporter.finish(summary)
            out.flush()
            runs.append(time.perf_counter() - start)
    seconds[name] = statistics.median(runs)
print(json.dumps({"seconds": seconds, "findings": sum(len(found) for found, _ in results)}))
"""
# The schema stage (`TemplateSchema.errors`) of every corpus plan, in one process, timed where
# `linter.check_source` calls it: after that plan's parse and build, with the caches as cold as
# a run leaves them. Every plan once per round; medians of the valid plans (the target) and of
# the plans with mistakes. argv: benchmarks dir, corpus, rounds.
SCHEMA_STAGE_SCRIPT = """\
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
import profile_stages

files = profile_stages.markdown_files([sys.argv[2]])
settings = profile_stages.check_settings(files)
schema = settings.for_file(files[0]).schema
errors = schema.errors
seconds = {"valid": [], "invalid": []}

def timed(instance):
    start = time.perf_counter()
    failures = errors(instance)
    seconds["invalid" if failures else "valid"].append(time.perf_counter() - start)
    return failures

schema.errors = timed  # shadows the method on this instance, which every file shares
for _ in range(int(sys.argv[3])):
    for path in files:
        assert settings.for_file(path).schema is schema, "the corpus needs one schema"
        profile_stages.check_one(settings, path)
print(json.dumps({kind: statistics.median(times) for kind, times in seconds.items()}))
"""
# `path:line:col: RL101 [error] message`; the text format puts ` [*]` after a fixable rule,
# and concise may too: accept it either way, so a format change cannot silently empty the check.
_CONCISE_LINE = re.compile(r"^(?P<path>.+?):\d+:\d+: (?P<rule>RL\d+)(?: \[\*\])? \[(?P<severity>\w+)\] ")
_PYMARKDOWN_LINE = re.compile(r"^.+:\d+:\d+: MD\d+: ")
_MARKDOWNLINT_LINE = re.compile(r"^.+:\d+(?::\d+)? (?:error|warning) MD\d+/")
# mdformat wraps its messages at 80 columns, so a long path puts line breaks anywhere in them.
_MDFORMAT_FILE = re.compile(r'Error:\s+File\s+"([^"]+)"\s+is\s+not\s+formatted')


@dataclass
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds, the child's and its waited-for children's
    returncode: int
    stderr: str


@dataclass
class Memory:
    """Peak memory of one warm-up run, in KiB."""

    process_max: int = 0  # the largest single process (/usr/bin/time's ru_maxrss: exact)
    tree_rss: int = 0  # the largest sum of RSS over the live process tree (sampled)
    tree_pss: int = 0  # the same with PSS, which splits shared pages between their sharers
    processes: int = 0  # the most processes seen at once
    samples: int = 0


@dataclass
class Row:
    name: str
    what: str
    argv: list[str]
    repeat: int
    ok_codes: tuple[int, ...] = (0,)
    stderr_ok: bool = False  # the peers write their findings to stderr
    devnull: bool = False  # send stdout to /dev/null instead of a file kept for checks
    tree: bool = False  # sample the whole process tree's memory in the warm-up run
    count: Callable[[Path, Path], str] | None = None  # what the tool reported (stdout, stderr)
    samples: list[Sample] = field(default_factory=list)
    memory: Memory = field(default_factory=Memory)
    reported: str = ""

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")

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
        return self.memory.process_max / 1024


# --- running and timing ---------------------------------------------------------------------------


def run_once(
    argv: Sequence[str], env: dict[str, str], cwd: Path, stdout_path: Path | None, stderr_path: Path | None = None
) -> tuple[Sample, int]:
    """Run `argv` to completion, stdout to `stdout_path` (None: /dev/null).

    Returns the sample and the child's ru_maxrss (KiB) from `os.wait4`.
    """
    with open(stdout_path or os.devnull, "wb") as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        raw = err.read()
    if stderr_path is not None:
        stderr_path.write_bytes(raw)
    stderr = raw[-4000:].decode("utf-8", "replace")
    return Sample(wall, usage.ru_utime + usage.ru_stime, process.returncode, stderr), usage.ru_maxrss


def _descendants(pid: int) -> list[int]:
    """The live descendants of `pid`, from /proc/PID/task/TID/children."""
    found: list[int] = []
    pending = [pid]
    while pending:
        parent = pending.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as stream:
                    children = [int(child) for child in stream.read().split()]
            except OSError:
                continue
            found.extend(children)
            pending.extend(children)
    return found


def _rss_pss(pid: int) -> tuple[int, int] | None:
    """(RSS, PSS) of a live process in KiB, from /proc/PID/smaps_rollup; None if it is gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as stream:
            for line in stream:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except (OSError, ValueError):
        return None
    return rss, pss


def warm_up(row: Row, env: dict[str, str], cwd: Path, stdout_path: Path | None, stderr_path: Path) -> int:
    """One untimed run that measures memory (into `row.memory`); returns its exit code.

    Linux carries the spawning process's RSS high-water mark over `exec` into the child's
    ru_maxrss, so `os.wait4` on a child of this (~20 MiB) process reports at least 20 MiB.
    `/usr/bin/time -v` is a tiny parent, so its figure is the command's own; without it the
    `os.wait4` figure is used, an upper bound. ru_maxrss is the peak of the largest single
    process (the parent or one worker), never a sum: for `-j 2` the whole tree's memory is
    sampled from /proc every 10 ms as well, as the sum of RSS (which counts the pages the
    forked workers share with the parent once per process) and the sum of PSS (which splits
    each shared page between its sharers, so adds up to what the run takes from the machine).
    """
    time_binary = shutil.which("time", path="/usr/bin:/bin")
    report = stderr_path.with_suffix(".time")
    argv = [time_binary, "-v", "-o", str(report), *row.argv] if time_binary else list(row.argv)
    memory = Memory()
    with open(stdout_path or os.devnull, "wb") as out, open(stderr_path, "wb") as err:
        process = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=cwd)
        # os.wait4 with WNOHANG, not Popen.poll, which would reap the child and lose its rusage.
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        while pid == 0:
            if row.tree:
                # Under /usr/bin/time the command is its child; time itself is not counted.
                pids = _descendants(process.pid) if time_binary else [process.pid, *_descendants(process.pid)]
                figures = [figure for figure in map(_rss_pss, pids) if figure is not None and figure[0]]
                memory.tree_rss = max(memory.tree_rss, sum(rss for rss, _ in figures))
                memory.tree_pss = max(memory.tree_pss, sum(pss for _, pss in figures))
                memory.processes = max(memory.processes, len(figures))
                memory.samples += 1
            time.sleep(0.01)
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        process.returncode = returncode = os.waitstatus_to_exitcode(status)
    if time_binary:
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report.read_text())
        memory.process_max = int(match[1]) if match else 0
        # (/usr/bin/time exits with the command's exit code, so `returncode` is the command's.)
    else:
        memory.process_max = usage.ru_maxrss
    row.memory = memory
    return returncode


RETRIES = 3


def measure(rows: Sequence[Row], env: dict[str, str], scratch: Path) -> None:
    """One untimed warm-up each (which also measures memory), then interleaved rounds until
    every row has its `repeat` samples (rows with fewer repeats drop out of the later rounds).

    A run that fails (an unexpected exit code, or anything on stderr where nothing is expected)
    is reported and run again, up to RETRIES times: other people may be editing the code under test.
    """
    for row in rows:
        print(f"  warm-up: {row.name}", file=sys.stderr)
        stdout = None if row.devnull else scratch / f"{row.slug}.out"
        returncode = warm_up(row, env, scratch, stdout, scratch / f"{row.slug}.err")
        if returncode not in row.ok_codes:
            error = (scratch / f"{row.slug}.err").read_text("utf-8", "replace").strip()[-500:]
            raise SystemExit(f"{row.name}: `{shlex.join(row.argv)}` exited {returncode}: {error}")
        if row.count is not None:
            row.reported = row.count(scratch / f"{row.slug}.out", scratch / f"{row.slug}.err")
    for round_number in range(max((row.repeat for row in rows), default=0)):
        active = [row for row in rows if len(row.samples) < row.repeat]
        for row in active:
            row.samples.append(_good_run(row, env, scratch))
        times = ", ".join(f"{row.name} {_seconds(row.samples[-1].wall)}" for row in active)
        print(f"  round {round_number + 1}: {times}", file=sys.stderr)


def _good_run(row: Row, env: dict[str, str], scratch: Path) -> Sample:
    for _ in range(RETRIES):
        sample, _ = run_once(row.argv, env, scratch, None if row.devnull else scratch / f"{row.slug}.out")
        if sample.returncode in row.ok_codes and (row.stderr_ok or not sample.stderr.strip()):
            return sample
        print(
            f"  {row.name}: run failed (exit {sample.returncode}), discarded: {sample.stderr.strip()[-300:]}",
            file=sys.stderr,
        )
    raise SystemExit(f"{row.name}: `{shlex.join(row.argv)}` failed {RETRIES} times in a row")


def paired_difference(minuend: Row, subtrahend: Row) -> float:
    """Median of the per-round differences: the rows ran in turns, so each pair saw the same load."""
    return statistics.median(a.wall - b.wall for a, b in zip(minuend.samples, subtrahend.samples))


def child_env(pycache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env["NO_COLOR"] = "1"
    return env


# --- what to run ---------------------------------------------------------------------------------


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


@dataclass
class Peers:
    """How to run each peer that is available, its version, and why any is missing."""

    pymarkdown: list[str] | None = None
    mdformat: list[str] | None = None
    markdownlint: list[str] | None = None
    node: str | None = None
    versions: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def find_peers(venv: Path, install: bool) -> Peers:
    """The peers, installed first if missing and `install`: never into the project's venv."""
    peers = Peers()
    python = venv / "bin" / "python"
    if install and not all((venv / "bin" / tool).exists() for tool in ("pymarkdown", "mdformat")):
        print(f"installing {', '.join(PIP_PEERS)} into {venv}", file=sys.stderr)
        try:
            if not python.exists():
                subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
            subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PIP_PEERS],
                check=True, capture_output=True, timeout=600,
            )
        except (OSError, subprocess.SubprocessError) as error:
            peers.notes.append(f"PyMarkdown and mdformat left out: could not install them into {venv} ({error})")
    if (venv / "bin" / "pymarkdown").exists():
        peers.pymarkdown = [str(venv / "bin" / "pymarkdown")]
    if (venv / "bin" / "mdformat").exists():
        peers.mdformat = [str(venv / "bin" / "mdformat")]
    if python.exists():
        versions = subprocess.run(
            [str(python), "-c", "import importlib.metadata as m\n"
             "for p in ('pymarkdownlnt', 'mdformat', 'markdown-it-py'):\n"
             "    try: print(p, m.version(p))\n    except m.PackageNotFoundError: pass"],
            capture_output=True, text=True, check=False,
        ).stdout.split()
        peers.versions.update(zip(versions[::2], versions[1::2]))

    node = shutil.which("node") or ("/usr/bin/node" if os.access("/usr/bin/node", os.X_OK) else None)
    if node is None:
        peers.notes.append("markdownlint-cli2 left out: no Node.js on this machine")
        return peers
    peers.node = node
    peers.versions["node"] = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    script = TOOLS / "node_modules" / "markdownlint-cli2" / "markdownlint-cli2-bin.mjs"
    if install and not script.exists():
        npm = shutil.which("npm")
        print(f"installing {NPM_PEER} into {TOOLS}", file=sys.stderr)
        try:
            if npm is None:
                raise OSError("no npm")
            subprocess.run(
                [npm, "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund", "--no-save",
                 "--loglevel=error", NPM_PEER],
                check=True, capture_output=True, timeout=600,
            )
        except (OSError, subprocess.SubprocessError) as error:
            detail = getattr(error, "stderr", b"") or b""
            peers.notes.append(
                f"markdownlint-cli2 left out: npm could not install {NPM_PEER} "
                f"({str(error).strip()}; {detail.decode('utf-8', 'replace').strip()[-200:]})"
            )
    if script.exists():
        # Run the script with this `node`, not through the `.bin` shim's `env node`.
        peers.markdownlint = [node, str(script)]
        for package in ("markdownlint-cli2", "markdownlint"):
            manifest = TOOLS / "node_modules" / package / "package.json"
            if manifest.exists():
                peers.versions[package] = json.loads(manifest.read_text())["version"]
    elif not install:
        peers.notes.append(f"markdownlint-cli2 left out: not installed in {TOOLS} (run without --no-install)")
    return peers


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
        # --no-optional-locks: do not refresh the index; other people work in this checkout.
        changed = subprocess.run(
            ["git", "--no-optional-locks", "-C", str(root), "status", "--porcelain", "--", "lint", "schemas"],
            capture_output=True, text=True, check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "unknown version"
    local = f" + {len(changed)} locally changed file(s) under lint/ and schemas/" if changed else ""
    return f"commit {commit}{local}"


# --- what the tools reported ---------------------------------------------------------------------


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def count_rollout_lint(stdout: Path, stderr: Path) -> str:
    lines = stdout.read_text("utf-8", "replace").splitlines()
    findings = [match for match in map(_CONCISE_LINE.match, lines) if match]
    files = len({match["path"] for match in findings})
    return f"{_plural(len(findings), 'finding')} in {_plural(files, 'file')}"


def count_pymarkdown(stdout: Path, stderr: Path) -> str:
    lines = [line for line in stdout.read_text("utf-8", "replace").splitlines() if _PYMARKDOWN_LINE.match(line)]
    files = len({line.split(":", 1)[0] for line in lines})
    return f"{_plural(len(lines), 'finding')} in {_plural(files, 'file')}"


def count_markdownlint(stdout: Path, stderr: Path) -> str:
    # markdownlint-cli2 writes its findings to stderr and a banner and summary to stdout.
    lines = [line for line in stderr.read_text("utf-8", "replace").splitlines() if _MARKDOWNLINT_LINE.match(line)]
    files = len({line.split(":", 1)[0] for line in lines})
    return f"{_plural(len(lines), 'finding')} in {_plural(files, 'file')}"


def count_mdformat(stdout: Path, stderr: Path) -> str:
    files = len(set(_MDFORMAT_FILE.findall(stderr.read_text("utf-8", "replace"))))
    return f"{_plural(files, 'file')} it would reformat"


def check_verdicts(output: Path, manifest: list[dict[str, object]]) -> str:
    """Compare rollout-lint's findings with the manifest: do valid plans pass and bad ones fail?"""
    if not manifest:
        return "no manifest.json in the corpus: findings not compared"
    failing: set[str] = set()
    unparsed = 0
    for line in output.read_text("utf-8").splitlines():
        match = _CONCISE_LINE.match(line)
        if match is None:
            unparsed += line.strip() != ""
        elif match["severity"] == "error":
            failing.add(Path(match["path"]).name)
    valid = {str(e["file"]) for e in manifest if e["valid"]}
    invalid = {str(e["file"]) for e in manifest} - valid
    caught = len(invalid & failing)
    false_alarms = len(valid & failing)
    verdict = "as expected" if caught == len(invalid) and not false_alarms else "**NOT as expected**"
    warning = f"; **{unparsed} output lines did not parse as findings** (format changed?)" if unparsed else ""
    return (
        f"Findings check ({verdict}): {caught:,} of {len(invalid):,} plans with mistakes fail, "
        f"{false_alarms:,} of {len(valid):,} valid plans fail{warning}"
    )


def check_same_output(reference: Path, others: dict[str, Path]) -> str:
    """Parallel runs must print exactly what the serial run prints."""
    expected = reference.read_bytes()
    differing = [name for name, path in others.items() if path.read_bytes() != expected]
    if differing:
        return f"**Output differs from -j 1** for {', '.join(differing)}"
    return f"Output of {', '.join(others)} is identical to -j 1's ({len(expected):,} bytes)"


def in_process(script: str, what: str, python: str, folder: Path, repeat: int, env: dict[str, str],
               cwd: Path) -> dict[str, Any]:
    """Run one of the in-process timing scripts (REPORTER_SCRIPT, SCHEMA_STAGE_SCRIPT) over
    `folder`, `repeat` times, and return the JSON object it prints."""
    result = subprocess.run(
        [python, "-c", script, str(HERE), str(folder), str(repeat)],
        capture_output=True, text=True, env=env, cwd=cwd, check=False,
    )
    try:
        figures: dict[str, Any] = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"the in-process {what} timing failed: {result.stderr.strip()[-300:]}") from None
    return figures


_CALLGRIND_TOTAL = re.compile(r"^==\d+== Collected : (\d+)$", re.MULTILINE)


def instructions(argv: Sequence[str], env: dict[str, str], cwd: Path) -> int | None:
    """The machine instructions `argv` executes, counted by valgrind's callgrind (None without
    valgrind). Unlike wall time they do not drift with the machine's speed: the same code on
    the same input counts the same, to a fraction of a percent, run after run."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    result = subprocess.run(
        [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd, check=False,
    )
    match = _CALLGRIND_TOTAL.search(result.stderr)
    return int(match[1]) if match else None


def count_json_findings(argv: list[str], env: dict[str, str], cwd: Path, scratch: Path) -> dict[str, int]:
    """The summary of a `--format json` run: how many findings the findings corpus yields."""
    output = scratch / "findings-count.json"
    sample, _ = run_once([*argv, "--format", "json"], env, cwd, output)
    summary: dict[str, int] = json.loads(output.read_text("utf-8"))["summary"]
    return summary


# --- the report ----------------------------------------------------------------------------------


def _seconds(value: float) -> str:
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:.1f} ms" if value < 0.1 else f"{value * 1000:.0f} ms"


def _mib(kib: int) -> str:
    return f"{kib / 1024:.1f} MiB" if kib else "—"


def timing_table(rows: Sequence[Row], floor: dict[str, Row], per: tuple[int, str] | None = None) -> str:
    """Rows with median, best, CPU, peak RSS, ratio to their floor and what the tool reported."""
    lines = [
        "| Row | What | Runs | Median wall | Best | Median CPU | Peak RSS | vs floor | Reported |",
        "|---|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for row in rows:
        base = floor.get(row.name)
        ratio = f"{row.wall / base.wall:.2f}×" if base is not None and base is not row else "—"
        per_item = f" ({row.wall / per[0] * 1000:.2f} ms/{per[1]})" if per else ""
        lines.append(
            f"| {row.name} | {row.what} | {len(row.samples)} | {_seconds(row.wall)}{per_item} | "
            f"{_seconds(row.best)} | {_seconds(row.cpu)} | {_mib(row.memory.process_max)} | {ratio} | "
            f"{row.reported} |"
        )
    return "\n".join(lines)


def instructions_report(executed: dict[str, int | None], floor_wall: float) -> str:
    """The one-plan rows in instructions, and how issue 2's 100 ms compares with the floor."""
    floor = executed["one floor"]
    if floor is None or None in executed.values():
        return "Instructions: not counted (valgrind is not installed, or callgrind failed)."
    lines = ["| Row | Instructions (callgrind) | vs floor |", "|---|--:|--:|"]
    for name, count in executed.items():
        lines.append(f"| {name} | {count / 1e6:,.1f} M | {count / floor:.2f}× |")
    return "\n".join(lines) + (
        f"\n\nIssue 2's one-plan target, {_seconds(ISSUE_2_ONE_PLAN)}, is {ISSUE_2_ONE_PLAN / floor_wall:.2f}× "
        f"this run's one-plan floor ({_seconds(floor_wall)})."
    )


def memory_table(rows: Sequence[Row]) -> str:
    lines = [
        "| Row | Largest process (RSS, exact) | Sum of RSS over processes | Sum of PSS over processes | "
        "Processes | Samples |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        memory = row.memory
        lines.append(
            f"| {row.name} | {_mib(memory.process_max)} | {_mib(memory.tree_rss)} | {_mib(memory.tree_pss)} | "
            f"{memory.processes} | {memory.samples} |"
        )
    return "\n".join(lines)


@dataclass
class Target:
    what: str
    limit: str
    measured: str
    met: bool
    by: str  # how far under or over


def at_most(what: str, value: float, limit: float, unit: str, stretch: float | None = None) -> Target:
    """A target `value <= limit`, with the margin in `unit` ("s", "µs" for seconds shown in
    microseconds, "×", "MiB")."""

    def shown(number: float) -> str:
        if unit == "s":
            return _seconds(number)
        if unit == "×":
            return f"{number:.2f}×"
        if unit == "µs":
            return f"{number * 1e6:.0f} µs"
        return f"{number:.1f} {unit}"

    met = value <= limit
    margin = f"{shown(abs(limit - value))} {'under' if met else 'over'} ({value / limit:.2f} of the limit)"
    if stretch is not None:
        margin += f"; stretch ≤ {shown(stretch)}: {'met' if value <= stretch else 'missed'}"
    return Target(what, f"≤ {shown(limit)}", shown(value), met, margin)


def targets_table(targets: Sequence[Target]) -> str:
    lines = ["| Target | Limit | Measured | Verdict | By how much |", "|---|--:|--:|---|---|"]
    for target in targets:
        verdict = "met" if target.met else "**missed**"
        lines.append(f"| {target.what} | {target.limit} | {target.measured} | {verdict} | {target.by} |")
    return "\n".join(lines)


# --- main ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark rollout-lint against a markdown-it-py floor and peers.")
    parser.add_argument("--corpus", type=Path, help="folder of plans (default: generate one into a temporary folder)")
    parser.add_argument("--count", type=int, help=f"plans to generate (default {generate_plans.DEFAULT_COUNT})")
    parser.add_argument("--seed", type=int, default=generate_plans.DEFAULT_SEED, help="seed to generate with")
    parser.add_argument("--repeat", type=int, help="repetitions of the corpus, big-file and findings rows (default 5)")
    parser.add_argument("--repeat-one", type=int, help="repetitions of the one-plan rows (default 20)")
    parser.add_argument("--repeat-peers", type=int, help="repetitions of the peers on the corpus (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="test the script end to end: 100 plans, 1 repeat (3 for one plan), 0.2 and 1 MB "
                        "big files, 4,400 findings; the numbers are not results")
    parser.add_argument("--command", help="how to run rollout-lint (default: rollout-lint beside this Python)")
    parser.add_argument("--peers-venv", type=Path, default=Path("/tmp/peers-venv"),
                        help="venv for PyMarkdown and mdformat (default /tmp/peers-venv; created if missing)")
    parser.add_argument("--no-install", action="store_true", help="do not install missing peers; leave them out")
    parser.add_argument("--no-peers", action="store_true", help="leave the peers out")
    parser.add_argument("--no-profile", action="store_true", help="skip the stage profile")
    args = parser.parse_args(argv)
    quick = args.quick
    count = args.count or (100 if quick else generate_plans.DEFAULT_COUNT)
    repeat = args.repeat or (1 if quick else 5)
    repeat_one = args.repeat_one or (3 if quick else 20)
    repeat_peers = args.repeat_peers or (1 if quick else 3)
    big_sizes = (200_000, 1_000_000) if quick else BIG_SIZES
    findings_wanted = FINDINGS // 10 if quick else FINDINGS

    lint = find_rollout_lint(args.command)
    python = sys.executable
    peers = Peers() if args.no_peers else find_peers(args.peers_venv, not args.no_install)
    if args.no_peers:
        peers.notes.append("peers left out (--no-peers)")

    with tempfile.TemporaryDirectory(prefix="rollout-lint-bench-") as temporary:
        scratch = Path(temporary)
        corpus = args.corpus.resolve() if args.corpus else scratch / "plans"
        if args.corpus is None:
            generate_plans.generate(corpus, count, args.seed)
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

        # 1. The corpus: floor, rollout-lint serial and parallel, peers.
        corpus_rows = [
            Row("corpus floor", f"markdown-it-py parses {plans:,} plans", [python, "-c", FLOOR_SCRIPT, str(corpus)],
                repeat),
            Row("corpus -j 1", "`rollout-lint check --format concise -j 1 DIR`", [*concise, "-j", "1", str(corpus)],
                repeat, ok_codes=(0, 1), tree=True, count=count_rollout_lint),
            Row("corpus -j 2", "the same with `-j 2`", [*concise, "-j", "2", str(corpus)],
                repeat, ok_codes=(0, 1), tree=True, count=count_rollout_lint),
            Row("corpus -j 0", "the same with `-j 0` (the default: automatic)", [*concise, "-j", "0", str(corpus)],
                repeat, ok_codes=(0, 1), tree=True, count=count_rollout_lint),
        ]
        if peers.pymarkdown:
            corpus_rows.append(Row("corpus pymarkdown", "`pymarkdown scan -r DIR`",
                                   [*peers.pymarkdown, "scan", "-r", str(corpus)], repeat_peers,
                                   ok_codes=(0, 1), stderr_ok=True, count=count_pymarkdown))
        if peers.mdformat:
            corpus_rows.append(Row("corpus mdformat", "`mdformat --check DIR`",
                                   [*peers.mdformat, "--check", str(corpus)], repeat_peers,
                                   ok_codes=(0, 1), stderr_ok=True, count=count_mdformat))
        if peers.markdownlint:
            corpus_rows.append(Row("corpus markdownlint-cli2", "`markdownlint-cli2 'DIR/**/*.md'`",
                                   [*peers.markdownlint, f"{corpus}/**/*.md"], repeat_peers,
                                   ok_codes=(0, 1), stderr_ok=True, count=count_markdownlint))
        print(f"corpus: {plans} plans in {corpus}", file=sys.stderr)
        measure(corpus_rows, env, scratch)
        serial, two, auto = corpus_rows[1:4]
        verdicts = check_verdicts(scratch / f"{serial.slug}.out", manifest)
        same_output = check_same_output(
            scratch / f"{serial.slug}.out", {"-j 2": scratch / f"{two.slug}.out", "-j 0": scratch / f"{auto.slug}.out"}
        )

        # 2. One plan: start-up costs, the floor, rollout-lint, the peers.
        one_rows = [
            Row("start-up", "`python -c pass`", [python, "-c", "pass"], repeat_one),
            Row("one floor", f"`python -c` markdown-it-py parses 1 plan ({plan.stat().st_size:,} B)",
                [python, "-c", FLOOR_SCRIPT, str(plan)], repeat_one),
            Row("one floor + stdlib", "the same, and argparse reads `check PLAN`, json the schema",
                [python, "-c", STDLIB_FLOOR_SCRIPT, str(SCHEMA), str(plan)], repeat_one),
            Row("one lint", "`rollout-lint check PLAN`", [*lint, "check", str(plan)], repeat_one),
            Row("one concise", "`rollout-lint check --format concise PLAN`", [*concise, str(plan)], repeat_one),
            Row("--version", "`rollout-lint --version`", [*lint, "--version"], repeat_one),
            Row("--help", "`rollout-lint --help`", [*lint, "--help"], repeat_one),
        ]
        if peers.node:
            one_rows.append(Row("node start-up", "`node -e ''`", [peers.node, "-e", ""], repeat_one))
        if peers.pymarkdown:
            one_rows.append(Row("one pymarkdown", "`pymarkdown scan PLAN`", [*peers.pymarkdown, "scan", str(plan)],
                                repeat_one, ok_codes=(0, 1), stderr_ok=True, count=count_pymarkdown))
        if peers.mdformat:
            one_rows.append(Row("one mdformat", "`mdformat --check PLAN`", [*peers.mdformat, "--check", str(plan)],
                                repeat_one, ok_codes=(0, 1), stderr_ok=True, count=count_mdformat))
        if peers.markdownlint:
            one_rows.append(Row("one markdownlint-cli2", "`markdownlint-cli2 PLAN`", [*peers.markdownlint, str(plan)],
                                repeat_one, ok_codes=(0, 1), stderr_ok=True, count=count_markdownlint))
        print(f"one plan: {plan}", file=sys.stderr)
        measure(one_rows, env, scratch)
        one = {row.name: row for row in one_rows}
        # The same rows in instructions, which do not drift with the machine's speed.
        counted = ["start-up", "one floor", "one floor + stdlib", "one lint", "--version", "--help"]
        executed = {name: instructions(one[name].argv, env, scratch) for name in counted}

        # 3. A big plan and one five times bigger, made of the same kind of content.
        small, large = workloads.write_big_plans(corpus, manifest, list(big_sizes), scratch / "big")
        big_rows = []
        for path in (small, large):
            label = f"{path.stat().st_size / 1e6:.1f} MB"
            big_rows.append(Row(f"floor {label}", f"markdown-it-py parses one {path.stat().st_size:,} B plan",
                                [python, "-c", FLOOR_SCRIPT, str(path)], repeat))
            big_rows.append(Row(f"lint {label}", "`rollout-lint check --format concise` on it", [*concise, str(path)],
                                repeat, ok_codes=(0, 1), count=count_rollout_lint))
        print(f"big plans: {small.name}, {large.name}", file=sys.stderr)
        measure(big_rows, env, scratch)

        # 4. Printing ~44,000 findings: the same run, findings printed or all deselected.
        findings_dir = scratch / "findings"
        files = workloads.write_findings_corpus(corpus, manifest, findings_wanted, FINDINGS_PER_FILE, findings_dir)
        checked = [*lint, "check", "-j", "1", str(findings_dir)]
        summary = count_json_findings(checked, env, scratch, scratch)
        total_findings = summary["errors"] + summary["warnings"] + summary["infos"]
        findings_rows = [
            # RL004 (NUL character) never fires here: every finding is made, then dropped in
            # `_settle` before the reporter sees it, so the two runs differ only in the printing.
            Row("findings silent", "`rollout-lint check -j 1 --select RL004 DIR` (every finding deselected)",
                [*checked, "--select", "RL004"], repeat, count=count_rollout_lint),
            Row("findings text", "`rollout-lint check -j 1 DIR > /dev/null` (default text format)",
                checked, repeat, ok_codes=(1,), devnull=True),
            Row("findings concise", "`rollout-lint check -j 1 --format concise DIR > /dev/null`",
                [*checked, "--format", "concise"], repeat, ok_codes=(1,), devnull=True),
        ]
        print(f"findings: {total_findings} in {files} files", file=sys.stderr)
        measure(findings_rows, env, scratch)
        reporting = in_process(REPORTER_SCRIPT, "reporter", python, findings_dir, repeat, env, scratch)
        reporters = {**reporting["seconds"], "findings": reporting["findings"]}
        print("schema stage: in one process", file=sys.stderr)
        schema_stage = in_process(SCHEMA_STAGE_SCRIPT, "schema stage", python, corpus, repeat, env, scratch)
        elapsed = time.perf_counter() - started

        # --- the report ---
        floor = corpus_rows[0]
        corpus_floor = {row.name: floor for row in corpus_rows}
        one_floor = {row.name: one["one floor"] for row in one_rows[2:]}
        big_floor = {big_rows[1].name: big_rows[0], big_rows[3].name: big_rows[2]}
        total_bytes = sum(path.stat().st_size for path in corpus.rglob("*.md"))
        silent, text, concise_row = findings_rows
        print_cost = paired_difference(text, silent)
        concise_cost = paired_difference(concise_row, silent)
        big_ratio = big_rows[3].wall / big_rows[1].wall
        floor_ratio = big_rows[2].wall / big_rows[0].wall
        size_ratio = large.stat().st_size / small.stat().st_size

        print("## rollout-lint benchmark\n")
        if quick:
            print("**Quick mode** (`--quick`): a small corpus and few repeats, to test the script. These numbers are "
                  "not results, and the targets are judged on smaller inputs than issue 5 sets.\n")
        tools = ", ".join(f"{name} {value}" for name, value in sorted(peers.versions.items()))
        print(
            f"rollout-lint at {version}. {plans:,} plans, {total_bytes / 1024 / 1024:.1f} MiB"
            f"{f' (seed {args.seed})' if args.corpus is None else ''}; one plan: `{plan.name}`. "
            f"Medians of {repeat} (corpus, big files, findings; peers on the corpus: {repeat_peers}) and "
            f"{repeat_one} (one plan) runs. Python {platform.python_version()}, {os.cpu_count()} CPUs "
            f"({platform.machine()}), load average before {load_before:.2f}, after {os.getloadavg()[0]:.2f}. "
            f"Peers: {tools or 'none'}.\n"
        )
        for note in peers.notes:
            print(f"- {note}")
        if peers.notes:
            print()
        print(f"### {plans:,} plans\n")
        print(timing_table(corpus_rows, corpus_floor, (plans, "plan")))
        print(f"\n{verdicts}. {same_output}.\n")
        print("### Peak memory of the corpus runs\n")
        print(memory_table(corpus_rows[1:4]))
        print("\nLargest process: `/usr/bin/time -v`'s maximum RSS (the parent or the largest worker, never a sum). "
              "Sums: sampled from /proc every 10 ms over the live process tree; PSS counts each page shared by the "
              "forked workers once in all, so the PSS sum is what the run takes from the machine.\n")
        print("### One plan\n")
        print(timing_table(one_rows, one_floor))
        print()
        print(instructions_report(executed, one["one floor"].wall))
        print(f"\n### A {small.stat().st_size / 1e6:.1f} MB and a {large.stat().st_size / 1e6:.1f} MB plan\n")
        print(timing_table(big_rows, big_floor))
        print(f"\nSize ratio {size_ratio:.2f}×; time ratio, whole process: rollout-lint {big_ratio:.2f}×, "
              f"floor {floor_ratio:.2f}×.\n")
        print(f"### Printing {total_findings:,} findings ({files} files)\n")
        print(timing_table(findings_rows, {}))
        print(f"\nWhat printing adds, whole runs (median of the per-round differences with `findings silent`): "
              f"text {_seconds(print_cost)}, concise {_seconds(concise_cost)}. In one process, after checking, "
              f"the reporters alone take (median of {repeat}): text {_seconds(reporters['text'])}, concise "
              f"{_seconds(reporters['concise'])} for {reporters['findings']:,} findings; the target is judged on "
              f"this figure (see the README). JSON summary of the same run: {summary}.\n")

        targets = [
            at_most("one plan, `rollout-lint check PLAN`, wall", one["one lint"].wall, ONE_PLAN_TARGET, "s",
                    ONE_PLAN_STRETCH),
            at_most("`rollout-lint --version`, wall", one["--version"].wall, START_TARGET, "s"),
            at_most("`rollout-lint --help`, wall", one["--help"].wall, START_TARGET, "s"),
            at_most(f"{plans:,} plans, -j 1, vs floor", serial.wall / floor.wall, CORPUS_TARGET, "×"),
            at_most(f"{plans:,} plans, -j 2, vs floor", two.wall / floor.wall, PARALLEL_TARGET, "×"),
            at_most("peak memory, -j 1 (RSS, one process)", serial.memory.process_max / 1024, MEMORY_TARGET_MIB,
                    "MiB"),
            at_most("peak memory, -j 2 (sum of PSS over processes)", two.memory.tree_pss / 1024, MEMORY_TARGET_MIB,
                    "MiB"),
            at_most(f"{large.stat().st_size / 1e6:.1f} MB vs {small.stat().st_size / 1e6:.1f} MB plan, time ratio",
                    big_ratio, BIG_RATIO_TARGET, "×"),
            at_most(f"printing {total_findings:,} findings (text), in one process", reporters["text"], PRINT_TARGET,
                    "s"),
            at_most("schema stage per valid plan, in one process", schema_stage["valid"], SCHEMA_STAGE_TARGET, "µs"),
        ]
        print("### The schema stage\n")
        print(f"`TemplateSchema.errors` per plan, timed inside the check of each corpus plan in one process "
              f"({repeat} rounds): median {schema_stage['valid'] * 1e6:.0f} µs for a valid plan (the gate), "
              f"{schema_stage['invalid'] * 1e6:.0f} µs for a plan with mistakes (the gate, then jsonschema-rs "
              f"to explain).\n")
        print("### Targets\n")
        print(targets_table(targets))
        met = sum(target.met for target in targets)
        print(f"\n{met} of {len(targets)} targets met. Timed runs took {elapsed:.0f} s.")

        if not args.no_profile:
            sys.stdout.flush()
            profile = [python, str(HERE / "profile_stages.py"), "--plan", str(plan), "--cprofile", "5" if quick else "15"]
            if quick:
                profile += ["--importtime-runs", "1"]
            invalid = pick_plan(corpus, manifest, valid=False)
            if invalid is not None:
                profile += ["--invalid-plan", str(invalid)]
            subprocess.run([*profile, str(corpus)], env=env, cwd=scratch, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
