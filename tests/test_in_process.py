"""`run_main` (the command in this process) against `run_cli` (the installed command): the same
exit code, output and messages, and nothing of the run left behind in this process."""

from __future__ import annotations

import importlib
import os
import pkgutil
import signal
import sys
from pathlib import Path

import pytest

import rollout_lint
from conftest import EXAMPLE_PLAN, FIXTURES, ROOT, run_cli, run_main

BROKEN = FIXTURES / "issue" / "unfilled-placeholder.md"
DRAFT = ROOT / "examples" / "draft-plan.md"

# One of each way a run can go: every command, each stream, exit codes 0, 1 and 2, colour,
# standard input, a working directory, line endings the reading side translates, a file name
# that is not UTF-8.
RUNS: dict[str, tuple[list[str], dict[str, object]]] = {
    "clean text": (["check", str(EXAMPLE_PLAN)], {}),
    "findings, text": (["check", str(BROKEN), str(DRAFT)], {}),
    "findings, json, strict": (["check", "--strict", "--format", "json", str(DRAFT)], {}),
    "coloured": (["check", str(DRAFT)], {"env": {"NO_COLOR": "", "FORCE_COLOR": "1"}}),
    "standard input": (["check", "--format", "concise", "-"], {"stdin": BROKEN.read_text("utf-8")}),
    "diff of a CRLF plan on standard input": (["check", "--diff", "-"], {"stdin": DRAFT.read_bytes().replace(b"\n", b"\r\n")}),
    "relative paths from cwd": (["check", "--format", "sarif", "examples"], {"cwd": ROOT}),
    "missing file": (["check", "--format", "concise", "missing.md", str(BROKEN)], {}),
    "usage error": (["check", "--format", "xml", "x.md"], {}),
    "help": (["check", "--help"], {}),
    "help, narrow": (["--help"], {"env": {"COLUMNS": "50"}}),
    "version": (["--version"], {}),
    "rules": (["rules", "--format", "markdown"], {}),
    "explain": (["explain", "missing-section"], {}),
    "unknown rule": (["explain", "RL999"], {}),
    "new": (["new", "--model", "Orion 4"], {}),
}


@pytest.mark.parametrize(("args", "options"), RUNS.values(), ids=RUNS.keys())
def test_a_run_in_process_gives_what_the_installed_command_gives(args: list[str], options: dict[str, object]) -> None:
    installed = run_cli(*args, **options)  # type: ignore[arg-type]
    in_process = run_main(*args, **options)  # type: ignore[arg-type]
    assert (in_process.code, in_process.out, in_process.err) == (installed.code, installed.out, installed.err)
    assert installed.out or installed.err  # each run says something to compare


def test_a_file_name_that_is_not_utf8_is_written_as_the_command_writes_it(tmp_path: Path) -> None:
    name = os.fsdecode(b"plan-\xff.md")
    (tmp_path / name).write_bytes(BROKEN.read_bytes())
    installed = run_cli("check", "--format", "concise", name, cwd=tmp_path)
    in_process = run_main("check", "--format", "concise", name, cwd=tmp_path)
    assert (in_process.code, in_process.out, in_process.err) == (installed.code, installed.out, installed.err)
    assert installed.code == 1 and installed.out.count("\n") == 4, installed


def process_state() -> tuple[object, ...]:
    umask = os.umask(0o022)
    os.umask(umask)
    handlers = {number: signal.getsignal(number) for number in signal.valid_signals()}
    return (dict(os.environ), os.getcwd(), umask, sys.stdin, sys.stdout, sys.stderr, sys.__stdout__, os.fork, handlers)


def test_a_run_in_process_leaves_the_process_as_it_found_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = process_state()
    run_main("check", "--fix", "plan.md", cwd=tmp_path, env={"FORCE_COLOR": "1", "COLUMNS": "40"})
    assert process_state() == before
    # Also when the run raises (a bug of ours would, where the command prints a traceback).
    from rollout_lint.cli import check as check_command

    def failing(*args: object) -> int:
        os.umask(0o077)
        signal.signal(signal.SIGUSR1, signal.SIG_IGN)
        raise RuntimeError("a bug")

    monkeypatch.setattr(check_command, "check", failing)
    with pytest.raises(RuntimeError, match="a bug"):
        run_main("check", "plan.md", cwd=tmp_path)
    assert process_state() == before


def test_a_run_in_process_refuses_what_only_a_process_can_do(tmp_path: Path) -> None:
    # Enough files for two workers to fork: here that would fork pytest.
    for number in range(20):
        (tmp_path / f"{number:03}.md").write_bytes(EXAMPLE_PLAN.read_bytes())
    with pytest.raises(AssertionError, match="forked"):
        run_main("check", "--format", "concise", "-j", "2", str(tmp_path))
    assert run_main("check", "--format", "concise", "-j", "1", str(tmp_path)).out == "", "serial is fine"
    (tmp_path / "out").symlink_to("/proc/self/fd/1")
    for target in ("/dev/stdout", "json:/dev/fd/1", str(tmp_path / "out")):
        with pytest.raises(AssertionError, match="use run_cli"):
            run_main("check", "--report" if ":" in target else "--output", target, str(EXAMPLE_PLAN))


# The package's functools caches, which `run_main` keeps from one run to the next: each is a pure
# function of its arguments (a date's or a range's text, a heading, a selection, a schema object)
# or reads only what the package ships (its schemas, its parser); none reads a user's file.
SHARED_CACHES = {
    "rollout_lint.config.files._config_gate",
    "rollout_lint.config.files._config_schema",
    "rollout_lint.markdown.parser.gitlab_parser",
    "rollout_lint.rules.dates._read_date",  # as read_date
    "rollout_lint.rules.metrics._fullmatch_range",  # as _match_range
    "rollout_lint.rules.selection.select_rules",
    "rollout_lint.schema.loading.vocabulary_schema",
    "rollout_lint.schema.template.normalise",  # as rules.outline._normalised_title
    "rollout_lint.schema.versions._catalogue",  # the bundled templates.json
    "urllib.parse.urlsplit",  # the standard library's, imported by rules.tables: a URL's parts
}


def test_the_caches_kept_between_runs_in_process_are_known() -> None:
    """A new cache that reads something of a user's by its name (a file, a configuration found by
    walking up) would carry it from one test's run into the next one's: clear it in `run_main`'s
    `_process_state_restored`, then list it here."""
    caches = {}
    for module_info in pkgutil.walk_packages(rollout_lint.__path__, "rollout_lint."):
        if module_info.name == "rollout_lint.__main__":
            continue  # it runs the command
        module = importlib.import_module(module_info.name)
        caches.update({id(value): value for value in vars(module).values() if hasattr(value, "cache_info")})
    # Named by the function cached: a cache imported elsewhere is one cache.
    assert {f"{cache.__wrapped__.__module__}.{cache.__wrapped__.__qualname__}" for cache in caches.values()} == SHARED_CACHES
