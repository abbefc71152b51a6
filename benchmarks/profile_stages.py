"""Where rollout-lint's time goes: the fixed cost of one process, then each stage of a check.

    /tmp/venv/bin/python benchmarks/profile_stages.py --plan VALID.md [--invalid-plan BAD.md] \
        [--cprofile N] DIR_OR_FILE...

Run it in a fresh process (benchmarks/run.py does): the fixed costs are first-time costs.

1. Fixed costs after interpreter start, in the order `rollout-lint check` pays them: importing
   the CLI and the linter, the check settings (`Settings` from the parsed command line, then
   `for_file`, which looks for a configuration file and loads the bundled schema), then
   checking a valid plan (and a plan with mistakes) for the first time, which pays the lazy
   imports and builds the jsonschema-rs validator, and a second time, warm.
2. Per-plan stages over every plan, warm, timed with perf_counter around what
   `linter.check_path` calls: read_source, the markdown-it parse inside parse_document, the
   rest of parse_document (the Document build), _document_findings, build_instance, the schema
   validation (`schema.errors()`, jsonschema-rs), _schema_finding (errors → findings), and
   what `linter._settle` calls: apply_settings (rule selection and severities), finish and
   apply_suppressions; plus the concise reporter. `other` is what check_path spends outside
   them. Each file gets its settings from `Settings.for_file` as the CLI does, outside the
   timing (the CLI does that before checking). Clean plans and plans with errors are shown
   apart: they take different validation paths.
3. `python -X importtime -m rollout_lint check --format concise VALID.md`: the costliest
   top-level imports (median of 5 runs).
4. With `--cprofile N`: the N functions with the most own time over (up to) 400 plans.

Part 2 replaces functions in rollout_lint's modules to time them, so it depends on their
names; if they change it says so and skips that part.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import io
import os
import pstats
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

_IMPORTTIME = re.compile(r"^import time:\s+(?P<self>\d+) \|\s+(?P<cumulative>\d+) \|(?P<name>.*)$")


class Clock:
    """Seconds per stage for the plan being checked, and the list of them for every plan."""

    def __init__(self) -> None:
        self.current: dict[str, float] = defaultdict(float)
        self.plans: list[dict[str, float]] = []

    def add(self, stage: str, seconds: float) -> None:
        self.current[stage] += seconds

    def next_plan(self) -> None:
        self.plans.append(dict(self.current))
        self.current = defaultdict(float)

    def timed(self, stage: str, function: Callable[..., Any], *, eager: bool = False) -> Callable[..., Any]:
        """`function`, timed under `stage`; `eager` drains a returned iterator inside the timing."""

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                result = function(*args, **kwargs)
                return iter(list(result)) if eager else result
            finally:
                self.add(stage, time.perf_counter() - start)

        return wrapper


class TimedParser:
    def __init__(self, parser: Any, clock: Clock) -> None:
        self.parse = clock.timed("markdown-it parse", parser.parse)


def markdown_files(paths: list[str]) -> list[str]:
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            for root, _, names in os.walk(path):
                found.extend(os.path.join(root, name) for name in names if name.endswith(".md"))
        else:
            found.append(path)
    return sorted(found)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


@dataclasses.dataclass
class Step:
    name: str
    seconds: float


def check_settings(paths: list[str]) -> Any:
    """The `Settings` of `rollout-lint check PATHS` with no other option, built as the CLI does."""
    from rollout_lint.cli.arguments import build_parser
    from rollout_lint.config.settings import Settings

    return Settings(build_parser().parse_args(["check", *paths]))


def check_one(settings: Any, path: str) -> Any:
    """`rollout-lint check`'s call for one file: its settings, then `linter.check_path`."""
    from rollout_lint.rules import checker as linter

    file_settings = settings.for_file(path)
    return linter.check_path(path, file_settings.schema, file_settings.mode, path, file_settings)


def fixed_costs(valid_plan: str, invalid_plan: str | None) -> tuple[list[Step], Any]:
    """What a fresh process pays before and for its first plans, through the CLI's own calls.

    Returns the steps and the `Settings`, whose schema the later parts reuse (as one run does).
    """
    steps: list[Step] = []

    def step(name: str, action: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        result = action()
        steps.append(Step(name, time.perf_counter() - start))
        return result

    step("import rollout_lint.cli", lambda: __import__("rollout_lint.cli"))
    step("import rollout_lint.rules.checker (and what it imports)", lambda: __import__("rollout_lint.linter"))
    settings = step("parse the command line, Settings (no configuration file)", lambda: check_settings([valid_plan]))
    step("Settings.for_file: find configuration, load_schema() (bundled schema)", lambda: settings.for_file(valid_plan))
    step("check a valid plan, first time (lazy imports, validator build)", lambda: check_one(settings, valid_plan))
    step("check the valid plan again (warm)", lambda: check_one(settings, valid_plan))
    if invalid_plan:
        step("check a plan with mistakes, first time", lambda: check_one(settings, invalid_plan))
        step("check the plan with mistakes again (warm)", lambda: check_one(settings, invalid_plan))
    return steps, settings


STAGES = (
    "read_source",
    "markdown-it parse",
    "document build",
    "document findings",
    "build_instance",
    "validation",
    "errors → findings",
    "apply_settings",
    "finish",
    "apply_suppressions",
    "concise reporter",
    "other",
)
# Module-level functions that `linter.check_path` (and `linter._settle`) call, looked up in
# the linter module by these names at call time, so replacing them there times them. They
# are not nested in one another: no time is counted twice.
_LINTER_STAGES = {
    "read_source": "read_source",
    "parse_document": "parse_document",
    "_document_findings": "document findings",
    "build_instance": "build_instance",
    "_schema_finding": "errors → findings",
    "apply_settings": "apply_settings",
    "finish": "finish",
    "apply_suppressions": "apply_suppressions",
}


def _time_validation(schema: Any, clock: Clock) -> None:
    """Time `schema.errors(instance)` (jsonschema-rs, see rollout_lint/validator.py) by shadowing
    the method with an instance attribute; `stage_profile` deletes it afterwards."""
    errors = getattr(schema, "errors", None)
    if not callable(errors):
        raise AttributeError("TemplateSchema has no errors() to time")
    schema.errors = clock.timed("validation", errors)


def stage_profile(files: list[str], settings: Any) -> tuple[Clock, list[bool]]:
    """Check every file the way the CLI does, each stage of check_path timed.

    Returns the clock and, per plan, whether it had error findings.
    """
    from rollout_lint.markdown import parser as markdown_parser
    from rollout_lint.rules import checker as linter
    from rollout_lint.reporters import make_reporter

    clock = Clock()
    missing = [name for name in _LINTER_STAGES if not hasattr(linter, name)]
    missing += [] if hasattr(markdown_parser, "gitlab_parser") else ["markdown_parser.gitlab_parser"]
    if missing:
        raise AttributeError(f"no {', '.join(missing)} to time")
    # Settings per file first, untimed: the CLI resolves them all before it checks anything.
    per_file = [(path, settings.for_file(path)) for path in files]
    schemas = {id(file_settings.schema): file_settings.schema for _, file_settings in per_file}
    originals = [(markdown_parser, "gitlab_parser", markdown_parser.gitlab_parser)]
    originals += [(linter, name, getattr(linter, name)) for name in _LINTER_STAGES]
    timed_parser = TimedParser(markdown_parser.gitlab_parser(), clock)
    failed: list[bool] = []
    try:
        markdown_parser.gitlab_parser = lambda: timed_parser  # type: ignore[assignment]
        for name, stage in _LINTER_STAGES.items():
            setattr(linter, name, clock.timed(stage, getattr(linter, name), eager=name == "_document_findings"))
        for schema in schemas.values():
            _time_validation(schema, clock)
        reporter = make_reporter("concise", io.StringIO())
        for path, file_settings in per_file:
            start = time.perf_counter()
            diagnostics, source = linter.check_path(
                path, file_settings.schema, file_settings.mode, path, file_settings
            )
            total = time.perf_counter() - start
            start = time.perf_counter()
            reporter.file(diagnostics, source)
            clock.add("concise reporter", time.perf_counter() - start)
            stages = clock.current
            stages["document build"] = stages.pop("parse_document", 0.0) - stages["markdown-it parse"]
            stages["other"] = total - sum(seconds for stage, seconds in stages.items() if stage != "concise reporter")
            clock.next_plan()
            failed.append(any(d.severity == "error" for d in diagnostics))
    finally:
        for module, name, function in originals:
            setattr(module, name, function)
        for schema in schemas.values():
            vars(schema).pop("errors", None)
    return clock, failed


def stage_table(clock: Clock, failed: list[bool]) -> str:
    totals = {stage: sum(plan.get(stage, 0.0) for plan in clock.plans) for stage in STAGES}
    grand = sum(totals.values())
    clean = [plan for plan, bad in zip(clock.plans, failed) if not bad]
    flagged = [plan for plan, bad in zip(clock.plans, failed) if bad]

    def median(plans: list[dict[str, float]], stage: str | None) -> str:
        if not plans:
            return "—"
        values = [plan.get(stage, 0.0) if stage else sum(plan.values()) for plan in plans]
        return f"{statistics.median(values) * 1e6:,.0f} µs"

    lines = [
        f"Per-plan stages, warm, over {len(clock.plans)} plans ({len(clean)} clean, {len(flagged)} with errors); "
        "in-process, so interpreter start, imports and schema loading are not included:",
        "",
        "| Stage | Median, clean plan | Median, plan with errors | Total | Share |",
        "|---|--:|--:|--:|--:|",
    ]
    for stage in STAGES:
        lines.append(
            f"| {stage} | {median(clean, stage)} | {median(flagged, stage)} | {totals[stage]:.2f} s | "
            f"{totals[stage] / grand:.0%} |"
        )
    lines.append(f"| **total** | {median(clean, None)} | {median(flagged, None)} | {grand:.2f} s | 100% |")
    return "\n".join(lines)


def import_times(plan: str, runs: int) -> list[tuple[str, float, float]]:
    """(module, median cumulative ms, median self ms) of the top-level imports of one check."""
    cumulative: dict[str, list[float]] = defaultdict(list)
    own: dict[str, list[float]] = defaultdict(list)
    argv = [sys.executable, "-X", "importtime", "-m", "rollout_lint", "check", "--format", "concise", plan]
    for _ in range(runs):
        result = subprocess.run(argv, capture_output=True, text=True, check=False)
        for line in result.stderr.splitlines():
            match = _IMPORTTIME.match(line)
            if not match:
                continue
            raw = match["name"]
            name = raw.strip()
            if len(raw) - len(raw.lstrip()) == 1:  # a top-level import, not one nested in another
                cumulative[name].append(int(match["cumulative"]) / 1000)
                own[name].append(int(match["self"]) / 1000)
    rows = [(name, statistics.median(values), statistics.median(own[name])) for name, values in cumulative.items()]
    return sorted(rows, key=lambda row: row[1], reverse=True)


def cprofile_table(files: list[str], settings: Any, top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for path in files:
        check_one(settings, path)
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    lines = [
        f"cProfile over {len(files)} plans, top {top} functions by own time:",
        "",
        "| Function | Calls | Own time | Cumulative |",
        "|---|--:|--:|--:|",
    ]
    by_own_time = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)  # type: ignore[attr-defined]
    entries: Iterator[tuple[Any, Any]] = iter(by_own_time)
    for (filename, line, function), (_, calls, own, cumulative, _) in list(entries)[:top]:
        where = _short_path(filename)
        lines.append(f"| `{function}` ({where}:{line}) | {calls:,} | {own:.2f} s | {cumulative:.2f} s |")
    return "\n".join(lines)


def _short_path(filename: str) -> str:
    if "rollout_lint/" in filename:
        return "rollout_lint/" + filename.split("rollout_lint/", 1)[1]
    for marker in ("site-packages/", "lib/python"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return os.path.basename(filename)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Profile rollout-lint's fixed costs and per-plan stages.")
    parser.add_argument("paths", nargs="+", help="plans or folders of plans")
    parser.add_argument("--plan", help="a valid plan for the cold check and the imports (default: the first file)")
    parser.add_argument("--invalid-plan", help="a plan with mistakes for the cold check")
    parser.add_argument("--importtime-runs", type=int, default=5, help="runs of -X importtime (default 5)")
    parser.add_argument("--cprofile", type=int, default=0, metavar="N", help="also show the top N functions (cProfile)")
    args = parser.parse_args(argv)
    files = markdown_files(args.paths)
    plan = args.plan or files[0]

    print("\n### Profile\n")
    try:
        steps, settings = fixed_costs(plan, args.invalid_plan)
    except (ImportError, AttributeError) as error:
        print(f"Profile skipped: {error}.")
        return 1
    print("Fixed costs of a fresh process after interpreter start, in the order `rollout-lint check` pays them:\n")
    print("| Step | Time |\n|---|--:|")
    for item in steps:
        print(f"| {item.name} | {_ms(item.seconds)} |")

    try:
        clock, failed = stage_profile(files, settings)
    except (ImportError, AttributeError) as error:
        print(f"\nPer-stage profile skipped: rollout_lint internals changed ({error}).")
    else:
        print("\n" + stage_table(clock, failed))

    if args.importtime_runs:
        rows = import_times(plan, args.importtime_runs)
        total = sum(cumulative for _, cumulative, _ in rows)
        print(
            f"\n`python -X importtime -m rollout_lint check --format concise PLAN` (a valid plan), top-level "
            f"imports, median of {args.importtime_runs} runs (all top-level imports together: {total:.0f} ms):\n"
        )
        print("| Module | Cumulative | Self |\n|---|--:|--:|")
        for name, cumulative, own in rows[:12]:
            print(f"| `{name}` | {cumulative:.1f} ms | {own:.1f} ms |")

    if args.cprofile:
        print("\n" + cprofile_table(files[:400], settings, args.cprofile))
    return 0


if __name__ == "__main__":
    sys.exit(main())
