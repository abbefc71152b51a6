"""Never hang: cmark's pathological inputs and a few of our own, each through the installed command.

Each run ends within 512 MiB of address space with exit 1 (or 2 with a one-line message), never a
traceback; and the work of a check, counted in-process, grows linearly with the input. Seconds
are not asserted: on a loaded machine they say nothing (`benchmarks/bench.py` times these
inputs, by hand).
"""

from __future__ import annotations

import io
import json
import re
import resource
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from markdown_it import MarkdownIt

from conftest import COMMAND
from rollout_lint.fix import fixer as fixes
from rollout_lint.rules.checker import check_path, check_source
from rollout_lint.markdown.parser import gitlab_parser
from rollout_lint.rules import load_schema
from rollout_lint.rules import REGISTRY
from rollout_lint.rules.selection import Selection
from rollout_lint.markdown.source import GITLAB_DESCRIPTION_MAX, Source

MEMORY_LIMIT = 512 << 20
# Not a measurement: only so that a run that hangs fails instead of stopping the suite. Each
# input takes at most a few seconds, on a loaded machine too (see benchmarks/README.md).
HANG_TIMEOUT = 120.0

def nested_lists(depth: int) -> str:
    return "".join("  " * level + "* a\n" for level in range(depth))


def references(count: int, uses: int = 5000) -> str:
    return "".join(f"[{i}]: u\n" for i in range(1, count)) + "[0] " * uses


# name -> (text, (line, rule) findings it must include); each is checked, so none is longer
# than GitLab's 1,048,576 characters (a longer file is refused unparsed, RL005).
PATHOLOGICAL: dict[str, tuple[str, list[tuple[int, str]]]] = {
    "nested strong emphasis": ("*a **a " * 65_000 + "b" + " a** a*" * 65_000, []),
    "emphasis closers without openers": ("a_ " * 65_000, []),
    "emphasis openers without closers": ("_a " * 65_000, []),
    "link closers without openers": ("a]" * 65_000, []),
    "link openers without closers": ("[a" * 65_000, []),
    "mismatched openers and closers": ("*a_ " * 50_000, []),
    "openers and closers multiple of 3": ("a**b" + "c* " * 50_000, []),
    "link openers and emphasis closers": ("[ a_" * 50_000, []),
    "[ (]( repeated": ("[ (](" * 80_000, []),
    "![[]() repeated": ("![[]()" * 160_000, []),
    "50,000 nested brackets": ("[" * 50_000 + "a" + "]" * 50_000, []),
    "50,000 nested quotes": ("> " * 50_000 + "a", [(1, "RL003")]),
    "50,000 nested > without spaces": (">" * 50_000 + " a", [(1, "RL003")]),
    # Reading stops at MAX_NESTING (64 tokens, 32 list levels): line 32 is the first not read.
    "1,000 nested lists": (nested_lists(1_000), [(32, "RL003")]),
    "U+0000": ("abc\0de\0", [(1, "RL004")]),
    "backtick runs of growing length": ("".join("e" + "`" * x for x in range(1, 1_400)), []),
    "unclosed links A": ("[a](<b" * 30_000, []),
    "unclosed links B": ("[a](b" * 30_000, []),
    "unclosed <!--": ("</" + "<!--" * 262_000, []),
    "*_ repeated": ("*_" * 500_000, []),
    "?c_ repeated": ("?c_" * 300_000, []),
    "1 MiB single line": ("a]" * 524_288, []),
    "20,000-row table": ("| a | b |\n| - | - |\n" + "| c | d |\n" * 20_000, []),
}


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_limited(path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [COMMAND, "check", "--format", "json", *options, str(path)],
        capture_output=True,
        text=True,
        timeout=HANG_TIMEOUT,
        preexec_fn=limit_memory,
    )


def assert_clean_exit(completed: subprocess.CompletedProcess[str]) -> None:
    assert completed.returncode in (1, 2), completed.stderr[-2000:]
    for stream in (completed.stdout, completed.stderr):
        assert "Traceback" not in stream and "RecursionError" not in stream, stream[-2000:]
    if completed.returncode == 2:
        assert completed.stderr.count("\n") == 1, completed.stderr[-2000:]


def test_the_command_fits_in_the_memory_limit(tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text("# Plan\n\nNothing yet.\n", encoding="utf-8")
    completed = run_limited(plan)
    assert completed.returncode == 1 and completed.stderr == "", completed


@pytest.mark.parametrize(("text", "expected"), PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_input_finishes_within_the_memory_limit(
    tmp_path: Path, text: str, expected: list[tuple[int, str]]
) -> None:
    assert len(text) <= GITLAB_DESCRIPTION_MAX  # parsed, not refused as too long
    path = tmp_path / "plan.md"
    path.write_text(text, encoding="utf-8", newline="")
    completed = run_limited(path)
    assert_clean_exit(completed)
    diagnostics = completed_diagnostics(completed)
    line_count = Source.from_text(str(path), text).line_count
    assert all(1 <= d["line"] <= d["end_line"] <= line_count for d in diagnostics), diagnostics
    assert "RL000" not in {d["rule"] for d in diagnostics}
    found = {(d["line"], d["rule"]) for d in diagnostics}
    assert set(expected) <= found, sorted(found)


def completed_diagnostics(completed: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    diagnostics: list[dict[str, object]] = json.loads(completed.stdout)["diagnostics"]
    return diagnostics


def test_many_reference_definitions(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text(references(20_000), encoding="utf-8")
    completed = run_limited(path)
    assert_clean_exit(completed)


# --- Twice the input, at most twice the work ----------------------------------------------------

# name -> text of size n, and n. They are checked at n, 2n and 4n: inline patterns stay below
# MAX_INLINE_LENGTH at 4n, where the parser still reads them; block patterns are many lines.
# Counting is slow (~0.3 µs an event), so the inline patterns are counted at half the sizes first
# chosen: there the work added is still the characters added times 0.87 to 1.02 (most exactly
# 1.000), and stock markdown-it's quadratic reference definitions still show 1.98 times.
SCALING: dict[str, tuple[Callable[[int], str], int]] = {
    "nested strong emphasis": (lambda n: "*a **a " * n + "b" + " a** a*" * n, 150),
    "emphasis openers without closers": (lambda n: "_a " * n, 750),
    "link openers without closers": (lambda n: "[a" * n, 150),
    "nested brackets": (lambda n: "[" * n + "a" + "]" * n, 150),
    "*_ repeated": (lambda n: "*_" * n, 500),
    "?c_ repeated": (lambda n: "?c_" * n, 750),
    "unclosed links": (lambda n: "[a](b" * n, 150),
    "nested quotes": (lambda n: "> " * n + "a", 20_000),
    "nested lists": (lambda n: nested_lists(n), 100),
    "table rows": (lambda n: "| a | b |\n| - | - |\n" + "| c | d |\n" * n, 250),
    "unclosed <!-- lines": (lambda n: "</\n" + "<!--\n" * n, 2_500),
    "backtick runs": (lambda n: "".join("e" + "`" * x + "\n\n" for x in range(1, n)), 150),
    "quick actions in one paragraph": (lambda n: "/label ~a\n" * n, 250),
    "plan sections": (lambda n: "## Overview\n\ntext\n\n" * n, 250),
    "many reference definitions": (lambda n: references(n, uses=n), 150),
}


def check_work(text: str) -> int:
    """The work of checking `text`: lines of Python run and functions entered, rollout-lint's and
    markdown-it's. Unlike seconds, a count is the same on a loaded machine as on a quiet one."""
    source = Source.from_text("plan.md", text)
    work = 0

    def count(frame: FrameType, event: str, arg: object) -> Callable[[FrameType, str, object], object]:
        nonlocal work
        work += 1
        return count

    previous = sys.gettrace()  # a debugger's or coverage's, if any
    sys.settrace(count)
    try:
        check_source(source, load_schema(), "issue")
    finally:
        sys.settrace(previous)
    return work


@pytest.mark.parametrize(("make", "n"), SCALING.values(), ids=SCALING.keys())
def test_twice_the_input_costs_at_most_twice_the_work(make: Callable[[int], str], n: int) -> None:
    # What the characters from 2n to 4n add to the work, against what those from n to 2n added:
    # the fixed cost of a check cancels out. Linear work gives the ratio of the characters added
    # (2 for most inputs; nested lists and backtick runs grow faster than n), quadratic twice
    # that; the bound, 1.25 times, lets n log n pass. Work Python does in C (copying strings
    # built with `+=`, a regex) is not counted: `benchmarks/bench.py` times it, by hand.
    texts = [make(n), make(2 * n), make(4 * n)]
    check_source(Source.from_text("plan.md", texts[0]), load_schema(), "issue")  # warm up: imports, caches
    work = [check_work(text) for text in texts]
    characters_added = (len(texts[2]) - len(texts[1])) / (len(texts[1]) - len(texts[0]))
    work_added = (work[2] - work[1]) / max(work[1] - work[0], 1)
    assert work_added <= 1.25 * characters_added, (work, [len(text) for text in texts])


def test_a_backtracking_schema_pattern_does_not_hang(tmp_path: Path) -> None:
    # `^(a+)+$` against "aaa…ab" takes a backtracking engine (Python's `re`) 2^40 steps;
    # jsonschema-rs's regex engine is linear, and `re` only compiles the pattern, at load.
    schema = tmp_path / "bug.schema.json"
    schema.write_text('{"properties": {"labels": {"items": {"pattern": "^(a+)+$"}}}}', encoding="utf-8")
    plan = tmp_path / "plan.md"
    plan.write_text("# Summary\n\nText.\n\n/label " + "a" * 40 + "b\n", encoding="utf-8")
    completed = subprocess.run(
        [COMMAND, "check", "--schema", str(schema), "--format", "json", str(plan)],
        capture_output=True, text=True, timeout=HANG_TIMEOUT, preexec_fn=limit_memory,
    )
    assert_clean_exit(completed)
    assert [(d["line"], d["rule"]) for d in completed_diagnostics(completed)] == [(5, "RL100")]


# --- --fix and --diff: the work of the check, a constant number of times -----------------------

# The inputs where --fix or --diff took minutes or 4 GB with stock markdown-it: name ->
# text of size n, and the n of the report. Each has findings that --fix fixes.
FIX_SCALING: dict[str, tuple[Callable[[int], str], int]] = {
    "8,000 link reference definitions": (lambda n: references(n), 8_000),
    "'*a **' repeated": (lambda n: "*a **" * n, 20_000),
    "300 KB 'a]' paragraph": (lambda n: "a]" * n, 150_000),
}
# At the size; the reference definitions, whose check alone takes seconds, are left to
# the count of work below.
FIX_LIMITED = {name: shape for name, shape in FIX_SCALING.items() if "reference" not in name}


@pytest.mark.parametrize(("make", "n"), FIX_LIMITED.values(), ids=FIX_LIMITED.keys())
@pytest.mark.parametrize("option", ["--fix", "--diff"])
def test_fix_and_diff_finish_within_the_memory_limit(tmp_path: Path, make: Callable[[int], str], n: int, option: str) -> None:
    path = tmp_path / "plan.md"
    path.write_text(make(n), encoding="utf-8", newline="")
    completed = run_limited(path, option)
    assert completed.returncode == 1, completed.stderr[-2000:]
    if option == "--fix":
        # The input matches no version of the template (RL108): fixed toward the newest version.
        assert re.fullmatch(r"rollout-lint: fixed 22 findings in 1 file\n", completed.stderr), completed.stderr[-2000:]
        assert "RL101" not in {d["rule"] for d in completed_diagnostics(completed)}
    else:
        assert completed.stdout.startswith(f"--- {path}\n+++ {path}\n@@ -1 +1,"), completed.stdout[:2000]


def fixing_work(tmp_path: Path, text: str, write: bool, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """What fixing (`write`) or diffing `text` costs: checks, parses and characters parsed, by parser."""
    path = tmp_path / "plan.md"
    path.write_text(text, encoding="utf-8", newline="")
    selection = Selection(frozenset(REGISTRY), {})
    schema = load_schema()
    diagnostics, source, *_ = check_path(str(path), schema, "issue", selection=selection)
    fixer = fixes.Fixer(write, io.StringIO(), io.StringIO())
    work: Counter[str] = Counter()
    parse, check = MarkdownIt.parse, fixes.check_source

    def counted_parse(parser: MarkdownIt, src: str, env: Any = None) -> Any:
        by = "the bounded parser" if parser is gitlab_parser() else "another parser"
        work[f"parses by {by}"] += 1
        work[f"characters parsed by {by}"] += len(src)
        return parse(parser, src, env)

    def counted_check(*args: Any, **kwargs: Any) -> Any:
        work["checks"] += 1
        return check(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(MarkdownIt, "parse", counted_parse)
        patch.setattr(fixes, "check_source", counted_check)
        fixer.file(str(path), source, diagnostics, schema, "issue", selection)
    assert fixer.changed == 1 and not fixer.trouble, fixer.err.getvalue()  # type: ignore[attr-defined]
    return work


@pytest.mark.parametrize(
    ("make", "n"), [*FIX_SCALING.values(), SCALING["plan sections"]], ids=[*FIX_SCALING, "plan sections"]
)
@pytest.mark.parametrize("write", [True, False], ids=["fix", "diff"])
def test_twice_the_input_costs_fixing_the_same_checks_and_parses(
    tmp_path: Path, make: Callable[[int], str], n: int, write: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fixing checks and parses the file a number of times the template sets, not the file, and
    only with the check's own bounded parser (linear: the tests above). Another parser (mdformat's,
    tidying the template's tables) reads only the template."""
    small = fixing_work(tmp_path, make(n // 10), write, monkeypatch)
    large = fixing_work(tmp_path, make(n // 5), write, monkeypatch)
    assert large["checks"] == small["checks"] > 0, (small, large)
    assert large["parses by the bounded parser"] == small["parses by the bounded parser"], (small, large)
    assert large["characters parsed by the bounded parser"] <= 2 * small["characters parsed by the bounded parser"]
    assert large["characters parsed by another parser"] == small["characters parsed by another parser"], (small, large)
