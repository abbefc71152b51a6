"""The command-line contract: `main(argv)` in this process, and the installed `rollout-lint`
command where the process is what is tested (parallel workers, standard streams that cannot be
written, `python -m`, what a run imports)."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import COMMAND, EXAMPLE_PLAN, FIXTURES, ROOT, run_cli, run_main
from rollout_lint import __version__, cli
from rollout_lint.cli.parallel import MIN_FILES_PER_WORKER, available_cores
from rollout_lint.rules import REGISTRY

BROKEN = FIXTURES / "issue" / "unfilled-placeholder.md"
WARNS_ONLY = FIXTURES / "issue" / "heading-case.md"


def test_clean_plan_exits_0_and_says_so() -> None:
    result = run_main("check", str(EXAMPLE_PLAN))
    assert result.code == 0, result
    assert "All checks passed (1 file)." in result.out


def test_text_format_shows_snippet_caret_section_and_hint() -> None:
    result = run_main("check", str(BROKEN))
    assert result.code == 1, result
    expected = (
        f"{BROKEN}:48:3: RL202 [error] unfilled placeholder '???'\n"
        "   |\n"
        "48 | | ??? | All GitLab team members | Done |\n"
        "   |   ^^^\n"
        "  = section: Rollout › Timeline\n"
        "  = hint: replace it with the real value\n"
    )
    assert result.out.startswith(expected)
    assert result.out.endswith("Found 4 errors in 1 file.\nChecked against model-rollout-plan@49b5e694.\n")
    assert "\x1b[" not in result.out  # piped: no colour


def test_text_format_is_coloured_only_when_forced_and_not_with_no_color() -> None:
    coloured = run_main("check", str(BROKEN), env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    assert "\x1b[" in coloured.out
    plain = run_main("check", str(BROKEN), env={"NO_COLOR": "1", "FORCE_COLOR": "1"})
    assert "\x1b[" not in plain.out


def test_concise_format_is_one_line_per_finding() -> None:
    result = run_main("check", "--format", "concise", str(BROKEN))
    assert result.out.splitlines() == [
        f"{BROKEN}:48:3: RL202 [error] unfilled placeholder '???'",
        f"{BROKEN}:64:8: RL202 [error] unfilled placeholder 'X ms to Y ms'",
        f"{BROKEN}:67:40: RL202 [error] unfilled placeholder '[date]'",
        f"{BROKEN}:67:50: RL202 [error] unfilled placeholder '[date]'",
    ]


@pytest.mark.parametrize(("name", "shown"), [("a\nb.md", '"a\\nb.md"'), ("tab\tand\\.md", '"tab\\tand\\\\.md"')])
def test_a_file_name_that_would_not_print_as_itself_is_quoted(tmp_path: Path, name: str, shown: str) -> None:
    """As git quotes it: one finding stays one line, and `patch` reads the name of a diff back."""
    (tmp_path / name).write_bytes(BROKEN.read_bytes())
    concise = run_main("check", "--format", "concise", name, cwd=tmp_path)
    assert concise.out.splitlines()[0] == f"{shown}:48:3: RL202 [error] unfilled placeholder '???'"
    assert len(concise.out.splitlines()) == 4
    text = run_main("check", name, cwd=tmp_path)
    assert text.out.startswith(f"{shown}:48:3: RL202 [error] unfilled placeholder '???'\n   |\n")
    (tmp_path / name).write_bytes((ROOT / "examples" / "draft-plan.md").read_bytes())  # one with a fix
    diff = run_main("check", "--diff", name, cwd=tmp_path)
    assert diff.out.startswith(f"--- {shown}\n+++ {shown}\n@@ ")
    assert run_main("check", "--format", "json", name, cwd=tmp_path).json()["diagnostics"][0]["path"] == name


def test_json_format_has_the_documented_fields() -> None:
    result = run_main("check", "--format", "json", str(BROKEN), str(WARNS_ONLY), str(EXAMPLE_PLAN))
    report = result.json()
    first = report["diagnostics"][0]
    assert first == {
        "path": str(BROKEN),
        "line": 48,
        "column": 3,
        "end_line": 48,
        "end_column": 6,
        "rule": "RL202",
        "name": "unfilled-placeholder",
        "severity": "error",
        "message": "unfilled placeholder '???'",
        "hint": "replace it with the real value",
    }
    checked = [{"path": str(path), "template": "model-rollout-plan@49b5e694"} for path in (BROKEN, WARNS_ONLY, EXAMPLE_PLAN)]
    assert report["summary"] == {"files": 3, "errors": 4, "warnings": 2, "infos": 0, "checked": checked, "skipped": []}


def test_warnings_fail_only_with_strict() -> None:
    lenient, strict = run_main("check", str(WARNS_ONLY)), run_main("check", "--strict", str(WARNS_ONLY))
    assert (lenient.code, strict.code) == (0, 1), (lenient, strict)
    # The same report either way: --strict changes the verdict, not what is found.
    assert strict.out == lenient.out and "\nFound 2 warnings in 1 file.\n" in lenient.out, lenient


def rules_reported(*args: str) -> tuple[int, set[str]]:
    """The exit code and the rules of the findings of `rollout-lint check --format json args`."""
    result = run_main("check", "--format", "json", *args)
    return result.code, {d["rule"] for d in result.json()["diagnostics"]}


def test_mode_option_overrides_auto(tmp_path: Path) -> None:
    template = ROOT / "schemas" / "model-rollout-plan.md"
    # In template mode only the template's own repeated quick action (an info); in issue mode
    # what a person must fill in, too.
    as_template = (0, {"RL504"})
    as_issue = (1, {"RL201", "RL202", "RL203", "RL303", "RL304", "RL504"})
    assert rules_reported("--mode", "template", str(template)) == as_template
    assert rules_reported("--mode", "issue", str(template)) == as_issue
    folder = tmp_path / ".gitlab" / "issue_templates"
    folder.mkdir(parents=True)
    (folder / "plan.md").write_bytes(template.read_bytes())
    assert rules_reported(str(folder / "plan.md")) == as_template
    assert rules_reported("--mode", "issue", str(folder / "plan.md")) == as_issue
    assert rules_reported(str(template)) == as_issue  # auto, outside .gitlab/issue_templates


def test_schema_option_uses_another_schema(tmp_path: Path) -> None:
    schema = tmp_path / "one-heading.schema.json"
    schema.write_text(
        '{"$schema": "https://json-schema.org/draft/2020-12/schema",'
        ' "properties": {"headings": {"x-outline": [{"title": "Summary", "level": 2}]}}}'
    )
    result = run_main("check", "--schema", str(schema), "--format", "json", str(EXAMPLE_PLAN))
    assert result.code == 1
    assert [(d["rule"], d["message"]) for d in result.json()["diagnostics"]] == [
        ("RL101", "missing section 'Summary'")
    ]


def test_a_schema_failure_without_x_rule_is_a_schema_violation(tmp_path: Path) -> None:
    schema = tmp_path / "few-labels.schema.json"
    schema.write_text(
        '{"$schema": "https://json-schema.org/draft/2020-12/schema",'
        ' "properties": {"labels": {"maxItems": 2}}}'
    )
    result = run_main("check", "--schema", str(schema), "--format", "json", str(EXAMPLE_PLAN))
    # The labels as a whole are reported at the last line, where quick actions belong.
    last_line = len(EXAMPLE_PLAN.read_text().splitlines())
    assert [(d["line"], d["rule"], d["name"]) for d in result.json()["diagnostics"]] == [
        (last_line, "RL100", "schema-violation")
    ]


def test_directories_are_searched_for_markdown(tmp_path: Path) -> None:
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "a.md").write_bytes(EXAMPLE_PLAN.read_bytes())
    (tmp_path / "b.md").write_bytes(BROKEN.read_bytes())
    (tmp_path / "notes.txt").write_text("not markdown")
    result = run_main("check", "--format", "json", str(tmp_path))
    assert result.json()["summary"]["files"] == 2
    assert {d["path"] for d in result.json()["diagnostics"]} == {str(tmp_path / "b.md")}


def test_unreadable_file_exits_2_but_other_files_are_still_reported(tmp_path: Path) -> None:
    result = run_main("check", "--format", "concise", str(tmp_path / "missing.md"), str(BROKEN))
    assert result.code == 2
    assert f"{tmp_path / 'missing.md'}:1:1: RL001 [error] no such file or directory" in result.out
    assert f"{BROKEN}:48:3: RL202" in result.out


def test_internal_error_in_one_file_is_a_finding_and_the_run_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    from rollout_lint.rules import checker as linter

    real = linter.check_path

    def failing_on_example(path: str, *args: object, **kwargs: object) -> object:
        if path == str(EXAMPLE_PLAN):
            raise ValueError("boom")
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(linter, "check_path", failing_on_example)
    out = io.StringIO()
    code = cli.main(["check", "--format", "concise", str(EXAMPLE_PLAN), str(BROKEN)], stdout=out)
    assert code == 2
    assert f"{EXAMPLE_PLAN}:1:1: RL000 [error] internal error: ValueError: boom" in out.getvalue()
    assert f"{BROKEN}:48:3: RL202" in out.getvalue()


@pytest.mark.parametrize("report_format", ["concise", "text", "json", "sarif"])
def test_parallel_checking_reports_exactly_what_a_serial_run_does(report_format: str, tmp_path: Path) -> None:
    # Enough files for the automatic choice to use every core, with findings of every kind
    # and a file that cannot be read.
    fixtures = sorted(FIXTURES.glob("*/*.md"))
    for copy in range(max(2, -(-MIN_FILES_PER_WORKER * available_cores() // len(fixtures)))):
        for fixture in fixtures:
            target = tmp_path / f"copy{copy}" / fixture.parent.name / fixture.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(fixture.read_bytes())
    (tmp_path / "copy1" / "not-utf8.md").write_bytes(b"# Plan\n\xff\n")
    serial = run_main("check", "--format", report_format, "-j", "1", str(tmp_path))
    assert serial.code == 2 and serial.out, serial
    for jobs in ("2", "0", "3"):
        parallel = run_cli("check", "--format", report_format, "-j", jobs, str(tmp_path))  # workers: forked
        assert (parallel.code, parallel.out, parallel.err) == (serial.code, serial.out, serial.err), jobs


def test_the_automatic_worker_count_uses_a_pool_only_for_enough_files() -> None:
    from rollout_lint.cli.parallel import MIN_FILES_PER_WORKER, available_cores, worker_count

    assert worker_count(0, 1) == 1
    assert worker_count(0, MIN_FILES_PER_WORKER - 1) == 1
    assert worker_count(0, 100 * MIN_FILES_PER_WORKER) == available_cores()
    assert worker_count(4, 2) == 2  # never more processes than files
    assert worker_count(3, 500) == 3


def test_files_of_a_worker_that_dies_are_checked_by_the_parent(capfd: pytest.CaptureFixture[str]) -> None:
    """A worker killed mid-run (out of memory, a signal) loses no file: the parent checks what
    it did not send back, the results keep their order, and nothing is printed."""
    from rollout_lint.cli.parallel import CHUNK_SIZE, run_checks

    parent = os.getpid()

    def check(job: int) -> tuple[int, bool]:
        if job == 3 * CHUNK_SIZE + 2 and os.getpid() != parent:
            os._exit(9)
        return job * 2, os.getpid() == parent

    results = list(run_checks(range(10 * CHUNK_SIZE), check, 2))
    assert [doubled for doubled, _ in results] == [job * 2 for job in range(10 * CHUNK_SIZE)]
    by_parent = [in_parent for _, in_parent in results]
    assert not all(by_parent), "the worker checked some files"
    assert all(by_parent[3 * CHUNK_SIZE :: 2 * CHUNK_SIZE]), "the parent took the dead worker's chunks"
    assert capfd.readouterr() == ("", "")


def test_when_no_worker_can_be_forked_the_parent_checks_every_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from rollout_lint.cli.parallel import run_checks

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert list(run_checks(range(100), lambda job: job + 1, 3)) == list(range(1, 101))


def test_when_only_some_workers_can_be_forked_the_parent_takes_the_other_turns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers are forked one by one: when the second fork fails, the first worker keeps its
    turns, this process takes the others, every result comes in order, and no process is left."""
    from rollout_lint.cli.parallel import CHUNK_SIZE, run_checks

    real_fork = os.fork
    forks = []

    def second_fork_fails() -> int:
        forks.append(1)
        if len(forks) == 2:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return real_fork()

    monkeypatch.setattr(os, "fork", second_fork_fails)
    parent = os.getpid()
    results = list(run_checks(range(12 * CHUNK_SIZE), lambda job: (job, os.getpid() == parent), 3))
    assert [job for job, _ in results] == list(range(12 * CHUNK_SIZE))
    by_parent = [in_parent for _, in_parent in results]
    # Chunks 1, 4, 7, 10 are the one worker's; 2, 5, 8, 11 the worker that could not be forked.
    assert not any(by_parent[CHUNK_SIZE :: 3 * CHUNK_SIZE]), "the forked worker checked its turns"
    assert all(by_parent[2 * CHUNK_SIZE :: 3 * CHUNK_SIZE]) and all(by_parent[3 * CHUNK_SIZE :: 3 * CHUNK_SIZE])
    assert len(forks) == 2
    with pytest.raises(ChildProcessError):  # every worker forked has been waited for
        os.waitpid(-1, os.WNOHANG)


def test_the_workers_leave_ctrl_c_to_the_parent() -> None:
    """Ctrl-C reaches every process of the group: the workers ignore it, so that the parent alone
    stops the run, without a traceback from each worker."""
    from rollout_lint.cli.parallel import CHUNK_SIZE, run_checks

    parent = os.getpid()
    # Python's own handler, as in a run from a terminal: a shell without job control starts a
    # background job (`.ci/run &`) with SIGINT ignored, and then the test would prove nothing.
    started_with = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        results = list(run_checks(range(6 * CHUNK_SIZE), lambda job: (os.getpid(), signal.getsignal(signal.SIGINT)), 3))
        assert {handler for pid, handler in results if pid != parent} == {signal.SIG_IGN}
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, started_with)


# Ctrl-C, as a terminal sends it (SIGINT to the whole process group), while this process checks
# its turn and the workers theirs: the command's own entry point, with a check that sends it.
_INTERRUPTED_AT_THE_20TH_FILE = """
import os, signal, sys
from rollout_lint import cli
from rollout_lint.cli import check
signal.signal(signal.SIGINT, signal.default_int_handler)  # as on a terminal, even if started in the background
parent, checked, real = os.getpid(), [], check._check_file
def interrupting(file):
    if os.getpid() == parent:
        checked.append(file)
        if len(checked) == 20:
            os.killpg(0, signal.SIGINT)
    return real(file)
check._check_file = interrupting
sys.argv[1:] = ["check", "--format", "concise", "-j", "3", sys.argv[1]]
cli.run()
"""


def test_ctrl_c_stops_the_workers_too_exit_130_and_no_traceback(tmp_path: Path) -> None:
    for copy in range(200):
        (tmp_path / f"plan-{copy:03}.md").write_bytes(BROKEN.read_bytes())
    serial = run_cli("check", "--format", "concise", "-j", "1", str(tmp_path))
    assert serial.code == 1, serial
    interrupted = subprocess.Popen(
        [sys.executable, "-c", _INTERRUPTED_AT_THE_20TH_FILE, str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,  # its own process group
    )
    out, err = interrupted.communicate(timeout=120)
    assert (interrupted.returncode, err) == (130, ""), out
    assert serial.out.startswith(out) and out != serial.out  # what was reported, whole lines, once
    with pytest.raises(ProcessLookupError):  # no worker is left in the process group
        os.killpg(interrupted.pid, 0)


# The progress bar redraws from a thread of its own: were it writing to standard error at the
# moment a worker is forked, the worker's copy of the stream's lock would stay held for ever.
_FORKED_WHILE_STANDARD_ERROR_IS_LOCKED = """
import os, sys, threading, time
from rollout_lint.cli.parallel import run_checks
os.dup2(os.pipe()[1], 2)  # standard error: a pipe nobody reads
real_fork = os.fork
def fork_while_another_thread_writes():
    threading.Thread(target=lambda: sys.stderr.write("x" * (1 << 20)), daemon=True).start()
    time.sleep(0.5)  # the thread now waits in write(), holding standard error's lock
    return real_fork()
os.fork = fork_while_another_thread_writes
results = list(run_checks(range(64), lambda job: job * 2, 2))
os.write(1, repr(results == [job * 2 for job in range(64)]).encode())
os._exit(0)  # not through the stuck standard error
"""


def test_a_worker_forked_while_another_thread_writes_to_standard_error_ends() -> None:
    # PYTHONUNBUFFERED gives standard error no buffer, so no lock: the run must work without it.
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    process = subprocess.Popen(
        [sys.executable, "-c", _FORKED_WHILE_STANDARD_ERROR_IS_LOCKED],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=environment, start_new_session=True,
    )
    try:
        out, _ = process.communicate(timeout=60)  # a worker waiting for ever: TimeoutExpired
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # what is left of the group, if anything
        process.wait()
    assert (process.returncode, out) == (0, b"True")


def test_stdin_is_read_with_dash() -> None:
    result = run_main("check", "--format", "concise", "-", stdin=BROKEN.read_text())
    assert result.out.startswith("-:48:3: RL202")
    named = run_main("check", "--format", "concise", "--stdin-filename", "draft.md", "-", stdin=BROKEN.read_text())
    assert named.out.startswith("draft.md:48:3: RL202")


@pytest.mark.parametrize(
    "args",
    [[], ["check"], ["check", "--format", "xml", "x.md"], ["check", "--bogus", "x.md"], ["frobnicate"],
     ["check", "--stdin-filename", "x.md", "plan.md"], ["check", "-j", "-1", "x.md"], ["check", "--jobs", "two", "x.md"]],
)
def test_usage_errors_exit_2_with_a_message(args: list[str]) -> None:
    result = run_main(*args)
    assert (result.code, result.out) == (2, ""), result
    assert result.err.strip() and "Traceback" not in result.err


# An empty --select is most likely an unset variable (`--select "$RULES"`): reporting nothing and
# exiting 0 would pass every plan. An empty --ignore is refused alike, for one rule for both.
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", ""], "--select '' names no rule"),
        (["--select", ","], "--select ',' names no rule"),
        (["--select", " , "], "--select ' , ' names no rule"),
        (["--select", "RL1", "--select", ""], "--select '' names no rule"),
        (["--ignore", ""], "--ignore '' names no rule"),
        (["--select", "RL3", "--ignore", ","], "--ignore ',' names no rule"),
    ],
)
def test_a_select_or_ignore_naming_no_rule_is_a_usage_error(args: list[str], message: str) -> None:
    result = run_main("check", *args, str(BROKEN))
    assert (result.code, result.out) == (2, ""), result
    assert result.err == f"rollout-lint: {message}; give rule ids, prefixes (RL3) or names, comma-separated\n"


def test_empty_items_in_a_rule_list_are_passed_over() -> None:
    result = run_main("check", "--format", "concise", "--select", "RL202,,", str(BROKEN))
    assert result.code == 1, result
    assert {line.split()[1] for line in result.out.splitlines()} == {"RL202"}


# --- Standard output that cannot be written ------------------------------------------------


def run_redirected(args: list[str], redirections: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """The installed command with shell `redirections` (`>&-`, `> /dev/full`) after its arguments."""
    return subprocess.run(
        ["sh", "-c", f'exec "$0" "$@" {redirections}', COMMAND, *args],
        capture_output=True, text=True, cwd=cwd, timeout=120, env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.mark.parametrize(
    "args",
    [["check", str(BROKEN)], ["check", "--format", "json", str(BROKEN)], ["rules"], ["--version"], ["explain", "RL101"]],
)
@pytest.mark.parametrize(
    ("redirections", "reason"), [("> /dev/full", "No space left on device"), (">&-", "it is closed")]
)
def test_a_full_or_closed_standard_output_is_one_line_and_exit_2(
    args: list[str], redirections: str, reason: str
) -> None:
    completed = run_redirected(args, redirections)
    assert completed.returncode == 2, completed
    assert completed.stderr == f"rollout-lint: cannot write to standard output: {reason}\n"


@pytest.mark.parametrize("redirections", [">&- 2>&-", "> /dev/full 2> /dev/full", ">&- 2> /dev/full"])
def test_standard_error_that_cannot_be_written_either_still_exits_2(redirections: str) -> None:
    # Nothing can be said; the exit code must still not be a traceback's 1 (or Python's 120).
    completed = subprocess.run(
        ["sh", "-c", f'"$0" "$@" {redirections}; echo "exit $?"', COMMAND, "check", str(BROKEN)],
        capture_output=True, text=True, timeout=120,
    )
    assert (completed.stdout, completed.stderr) == ("exit 2\n", ""), completed


def test_a_closed_standard_output_is_not_needed_when_the_report_goes_to_a_file(tmp_path: Path) -> None:
    completed = run_redirected(["check", "--format", "concise", "--output", "report.txt", str(BROKEN)], ">&-", tmp_path)
    assert (completed.returncode, completed.stderr) == (1, ""), completed
    expected = run_main("check", "--format", "concise", str(BROKEN)).out
    assert (tmp_path / "report.txt").read_text(encoding="utf-8") == expected


def test_a_reader_that_goes_away_is_not_an_error() -> None:
    # `rollout-lint rules | head -1`: as before, no message, and exit 1 as a findings run's.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        completed = subprocess.run([COMMAND, "rules"], stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert (completed.returncode, completed.stderr) == (1, ""), completed


def test_version_and_help() -> None:
    version = run_cli("--version", env={"PYTHONPROFILEIMPORTTIME": "1"})  # the imports of a process of its own
    assert (version.code, version.out) == (0, f"rollout-lint {__version__}\n")
    assert " argparse" not in version.err, "--version is answered before the parser is built"
    # argparse's own --version, when it comes with anything else, says the same.
    assert run_main("--version", "check").out == version.out
    helped = run_main("check", "--help")
    assert helped.code == 0 and "--stdin-filename" in helped.out
    assert "check plans or templates" in run_main("--help").out


def test_python_dash_m_works_the_same() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "rollout_lint", "check", "--format", "concise", str(BROKEN)],
        capture_output=True,
        text=True,
        env={"NO_COLOR": "1", "PATH": ""},
    )
    assert completed.returncode == 1
    assert completed.stdout == run_main("check", "--format", "concise", str(BROKEN)).out


def test_rules_lists_every_rule() -> None:
    text = run_main("rules").out.splitlines()
    assert [line.split()[0] for line in text] == list(REGISTRY)
    entries = run_main("rules", "--format", "json").json()
    assert [entry["id"] for entry in entries] == list(REGISTRY)
    assert {"id", "name", "severity", "summary", "doc"} <= set(entries[0])


@pytest.mark.parametrize("code", ["RL101", "rl101", "missing-section"])
def test_explain_prints_the_rule_documentation(code: str) -> None:
    result = run_main("explain", code)
    assert result.code == 0
    assert result.out.startswith("RL101 missing-section (error)\n\nA section of the template is missing.")


def test_explain_unknown_rule_exits_2() -> None:
    result = run_main("explain", "RL999")
    assert result.code == 2 and "unknown rule 'RL999'" in result.err


def test_readme_rule_table_matches_the_registry() -> None:
    readme = (ROOT / "README.md").read_text()
    table = run_main("rules", "--format", "markdown").out
    start, end = "<!-- rules:start -->\n", "<!-- rules:end -->"
    assert readme[readme.index(start) + len(start) : readme.index(end)] == table, (
        "README rule table is stale: regenerate it with `rollout-lint rules --format markdown`"
    )
