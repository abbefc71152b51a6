"""`check` for a person at a terminal: the progress bar, `--quiet`, `--statistics` and
`--show-source`; on a pseudo-terminal through the installed `rollout-lint` command, piped
through `main(argv)`."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import COMMAND, EXAMPLE_PLAN, FIXTURES, ROOT, Result, run_cli, run_main
from rollout_lint.rules.checker import check_path
from rollout_lint.cli.progress import HOLD_LIMIT, MIN_FILES, ProgressBar
from rollout_lint.reporters.text import TextReporter

DRAFT = ROOT / "examples" / "draft-plan.md"
WARNS_ONLY = FIXTURES / "issue" / "heading-case.md"
INFO_ONLY = FIXTURES / "issue" / "duplicate-quick-action.md"
COLOUR = re.compile(r"\x1b\[[0-9;]*m")
DRAFT_STATISTICS = [
    "2  RL202  unfilled-placeholder",
    "1  RL101  missing-section           [*]",
    "1  RL104  heading-case              [*]",
    "1  RL303  missing-link",
    "1  RL306  dates-out-of-order",
    "1  RL402  percentiles-out-of-order",
    "1  RL502  missing-label             [*]",
]
DRAFT_ERRORS = [
    "examples/draft-plan.md:18:32: RL303 [error] the Feature Flag Rollout Issue link is empty",
    "examples/draft-plan.md:31:1: RL101 [error] missing section 'Legal notes'",
    "examples/draft-plan.md:44:3: RL202 [error] unfilled placeholder '???'",
    "examples/draft-plan.md:46:3: RL306 [error] 2026-09-29 is before 2026-10-15 in an earlier row",
    "examples/draft-plan.md:60:1: RL402 [error] p90 (250 ms to 300 ms) is lower than p50 (320 ms to 410 ms)",
    "examples/draft-plan.md:61:8: RL202 [error] unfilled placeholder 'X ms to Y ms'",
    "examples/draft-plan.md:82:1: RL502 [error] the label 'AI Model Migration' is not applied",
]


def plans(directory: Path, count: int) -> Path:
    """`directory` holding `count` plans: the draft (7 errors, 1 warning) and clean copies."""
    directory.mkdir()
    shutil.copy(DRAFT, directory / "00-draft.md")
    for number in range(1, count):
        shutil.copy(EXAMPLE_PLAN, directory / f"{number:02}-plan.md")
    return directory


def run_on_terminal(*args: str, env: dict[str, str] | None = None, stdout_too: bool = False) -> tuple[Result, str]:
    """Run the installed `rollout-lint` with standard error (and, `stdout_too`, standard output)
    on a pseudo-terminal, else piped: (the result, with `err` empty, and what the terminal
    received)."""
    import fcntl
    import struct
    import termios

    main, terminal = os.openpty()
    # A fixed size: a new pseudo-terminal is 0×0, which leaves the bar's width to chance.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    received = bytearray()

    def read_terminal() -> None:
        # Read while the command runs: a full terminal buffer would block its writes.
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the command closed its end
                return
            if not chunk:
                return
            received.extend(chunk)

    reader = threading.Thread(target=read_terminal)
    reader.start()
    try:
        completed = subprocess.run(
            [COMMAND, *args],
            stdin=subprocess.DEVNULL,
            stdout=terminal if stdout_too else subprocess.PIPE,
            stderr=terminal,
            text=True,
            env={**os.environ, "NO_COLOR": "1", **(env or {})},
            timeout=120,
        )
    finally:
        os.close(terminal)
        reader.join(timeout=10)
        os.close(main)
    completed.stdout = completed.stdout or ""
    completed.stderr = ""
    return Result.of(completed), received.decode("utf-8", "replace")


# --- The progress bar ----------------------------------------------------------------------

needs_pty = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")


@needs_pty
def test_progress_bar_on_a_terminal_for_many_files_and_the_report_unchanged(tmp_path: Path) -> None:
    folder = plans(tmp_path / "plans", 40)
    result, terminal = run_on_terminal("check", str(folder))
    assert "checking" in terminal and "40/40" in terminal and "━" in terminal, terminal
    # transient: the bar is erased when done, and the cursor it hid is shown again.
    assert terminal.rstrip("\r\n").endswith("\x1b[2K") and "\x1b[?25h" in terminal, terminal
    piped = run_main("check", str(folder))
    assert result.code == piped.code == 1 and result.out == piped.out, result
    assert "Found 7 errors, 1 warning in 40 files.\n" in piped.out


def test_no_progress_bar_when_standard_error_is_piped(tmp_path: Path) -> None:
    folder = plans(tmp_path / "plans", 40)
    result = run_main("check", "--format", "concise", str(folder), env={"FORCE_COLOR": "1"})
    assert result.code == 1 and result.err == "", result
    alone = run_main("check", "--format", "concise", "examples/draft-plan.md", cwd=ROOT).out
    assert result.out == alone.replace("examples/draft-plan.md", str(folder / "00-draft.md"))


@needs_pty
@pytest.mark.parametrize(
    ("count", "args"),
    [
        (MIN_FILES, []),  # a few files are done before a bar could say anything
        (40, ["--quiet"]),
        (40, ["-q", "--format", "json"]),
    ],
)
def test_no_progress_bar_for_few_files_or_with_quiet(tmp_path: Path, count: int, args: list[str]) -> None:
    folder = plans(tmp_path / "plans", count)
    result, terminal = run_on_terminal("check", *args, str(folder))
    assert result.code == 1 and terminal == "", terminal
    assert result.out == run_main("check", *args, str(folder)).out and "00-draft.md" in result.out, result


@needs_pty
def test_progress_bar_is_drawn_without_colour_under_no_color(tmp_path: Path) -> None:
    """NO_COLOR asks for no colour, not for no progress: the bar stays, in plain characters."""
    folder = plans(tmp_path / "plans", MIN_FILES + 1)
    _, plain = run_on_terminal("check", str(folder), env={"NO_COLOR": "1"})
    assert f"{MIN_FILES + 1}/{MIN_FILES + 1}" in plain and not COLOUR.search(plain), plain
    _, coloured = run_on_terminal("check", str(folder), env={"NO_COLOR": ""})
    assert COLOUR.search(coloured), coloured


class _Terminal(io.StringIO):
    """Standard error as the bar sees a terminal."""

    def isatty(self) -> bool:
        return True


def test_progress_bar_holds_back_a_short_report_until_it_is_gone() -> None:
    out = io.StringIO()
    bar = ProgressBar(40, out, _Terminal(), quiet=False)
    for _ in bar.track(range(40)):
        bar.out.write("finding\n")
        assert out.getvalue() == ""
    assert out.getvalue() == "finding\n" * 40


def test_progress_bar_holds_back_a_bounded_report() -> None:
    """A report held back whole while the bar is up once cost 71 MiB against 28 MiB piped."""
    out = io.StringIO()
    bar = ProgressBar(40, out, _Terminal(), quiet=False)
    piece = "x" * (HOLD_LIMIT // 8)
    held = []
    for number in bar.track(range(40)):
        bar.out.write(piece)
        held.append((number + 1) * len(piece) - len(out.getvalue()))
    assert out.getvalue() == piece * 40
    # Past the limit the bar stops, and the rest is written as it comes.
    assert max(held) <= HOLD_LIMIT + len(piece) and held[-1] == 0, held


@needs_pty
def test_a_report_too_long_to_hold_stops_the_bar_and_comes_whole(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    # 31 plans of 400 findings each: a text report of about 2.7 MB.
    for number in range(MIN_FILES + 1):
        (folder / f"{number:02}.md").write_text("# Plan\n\n" + "???\n\n" * 400, encoding="utf-8")
    result, terminal = run_on_terminal("check", str(folder))
    piped = run_main("check", str(folder))
    assert len(piped.out) > HOLD_LIMIT and "checking" in terminal and "━" in terminal, terminal[-2000:]
    assert result.code == piped.code == 1 and result.out == piped.out, result.out[-2000:]


# --- Colour --------------------------------------------------------------------------------


@needs_pty
def test_text_report_on_a_terminal_is_coloured_and_otherwise_the_piped_text() -> None:
    colour = {"NO_COLOR": "", "TERM": "xterm-256color"}
    result, terminal = run_on_terminal("check", str(DRAFT), env=colour, stdout_too=True)
    piped = run_main("check", str(DRAFT))
    assert result.code == piped.code == 1 and "\x1b[1;31m" in terminal, terminal
    # The terminal turns each "\n" into "\r\n".
    assert COLOUR.sub("", terminal).replace("\r\n", "\n") == piped.out
    forced = run_main("check", str(DRAFT), env={**colour, "FORCE_COLOR": "1"})
    assert "\x1b[1;31m" in forced.out and COLOUR.sub("", forced.out) == piped.out


def coloured_report(monkeypatch: pytest.MonkeyPatch, files: int) -> tuple[str, int]:
    """The text report of the draft `files` times with FORCE_COLOR, and how many times rich's
    console rendered something for it."""
    from rich.console import Console

    renders = []
    render = Console.render
    monkeypatch.setattr(Console, "render", lambda *args, **kwargs: renders.append(1) or render(*args, **kwargs))
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    from rollout_lint.reporters import FileTemplate
    from rollout_lint.rules import load_template

    diagnostics, source, version, _ = check_path(str(DRAFT), load_template(), "auto")  # as `check` does
    assert version is not None
    stream = io.StringIO()
    reporter = TextReporter(stream)
    for _ in range(files):
        reporter.file(diagnostics, source, FileTemplate(str(DRAFT), version))
    return stream.getvalue(), len(renders)


def test_colour_costs_no_rich_render_per_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Colour once cost a `Console.print` per line: 14.9 s on a terminal against 8.0 s piped."""
    report, renders = coloured_report(monkeypatch, 3)
    assert COLOUR.search(report) and renders == 0, renders
    assert COLOUR.sub("", report) == run_main("check", str(DRAFT)).out.split("Found")[0] * 3


def test_an_old_windows_console_is_coloured_by_rich_once_per_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without escape codes (no VT mode) rich colours through the Win32 API: its print is used."""
    report, _ = coloured_report(monkeypatch, 3)
    monkeypatch.setattr("rich.console.detect_legacy_windows", lambda: True)
    legacy, renders = coloured_report(monkeypatch, 3)
    assert renders == 3 and legacy == report, renders


def test_one_file_does_not_import_rich() -> None:
    result = run_cli("check", str(EXAMPLE_PLAN), env={"PYTHONPROFILEIMPORTTIME": "1"})  # a process's imports
    assert result.code == 0 and "rollout_lint.cli" in result.err, result
    assert not re.search(r"\|\s+rich\b", result.err)


# --- --quiet -------------------------------------------------------------------------------


def test_quiet_prints_only_error_findings_and_no_summary() -> None:
    result = run_main("check", "-q", str(DRAFT.relative_to(ROOT)), str(WARNS_ONLY), str(INFO_ONLY), cwd=ROOT)
    assert result.code == 1, result
    headers = [line for line in result.out.splitlines() if ": RL" in line]
    assert [header.replace(" [*]", "") for header in headers] == DRAFT_ERRORS
    assert "   |" in result.out  # still the text format: snippets and all
    assert "Found" not in result.out and "warning" not in result.out and "fixable" not in result.out


@pytest.mark.parametrize("args", [[str(EXAMPLE_PLAN)], [str(WARNS_ONLY)], [str(INFO_ONLY)]])
def test_quiet_prints_nothing_when_nothing_fails_and_keeps_the_exit_code(args: list[str]) -> None:
    result = run_main("check", "--quiet", *args)
    assert result.code == 0 and result.out == "" and result.err == "", result


def test_quiet_with_strict_prints_the_warnings_that_fail_the_run() -> None:
    result = run_main("check", "--quiet", "--strict", "--format", "concise", str(WARNS_ONLY), str(INFO_ONLY))
    assert result.code == 1, result
    warnings = run_main("check", "--format", "concise", str(WARNS_ONLY)).out
    assert result.out == warnings and warnings.count("[warning]") == 2, result  # and not the info


def test_quiet_concise_prints_only_the_error_lines() -> None:
    result = run_main("check", "-q", "--format", "concise", str(DRAFT.relative_to(ROOT)), cwd=ROOT)
    assert result.code == 1 and result.out.splitlines() == DRAFT_ERRORS, result


@pytest.mark.parametrize("format_name", ["json", "sarif", "codequality", "github", "junit"])
def test_quiet_leaves_machine_formats_whole(format_name: str, tmp_path: Path) -> None:
    paths = (str(DRAFT), str(WARNS_ONLY), str(INFO_ONLY))
    quiet = run_main("check", "-q", "--format", format_name, "--report", "json:all.json", *paths, cwd=tmp_path)
    loud = run_main("check", "--format", format_name, *paths, cwd=tmp_path)
    assert quiet.code == loud.code == 1 and quiet.out == loud.out, quiet
    summary = run_main("check", "--format", "json", *paths, cwd=tmp_path).out
    assert (tmp_path / "all.json").read_text(encoding="utf-8") == summary


# --- --statistics --------------------------------------------------------------------------


def test_statistics_after_the_text_findings_before_the_summary() -> None:
    result = run_main("check", "--statistics", str(DRAFT))
    assert result.code == 1, result
    lines = result.out.splitlines()
    start = lines.index(DRAFT_STATISTICS[0])
    assert lines[start - 1 : start + len(DRAFT_STATISTICS) + 2] == [
        "",  # after the last finding's blank line
        *DRAFT_STATISTICS,
        "",
        "Found 7 errors, 1 warning in 1 file.",
    ]
    assert result.out.replace("\n".join(DRAFT_STATISTICS) + "\n\n", "") == run_main("check", str(DRAFT)).out


def test_statistics_after_the_concise_findings_count_across_files() -> None:
    result = run_main("check", "--format", "concise", "--statistics", str(DRAFT), str(WARNS_ONLY), str(INFO_ONLY))
    lines = result.out.splitlines()
    assert lines[-8:] == [
        "3  RL104  heading-case              [*]",
        "2  RL202  unfilled-placeholder",
        "1  RL101  missing-section           [*]",
        "1  RL303  missing-link",
        "1  RL306  dates-out-of-order",
        "1  RL402  percentiles-out-of-order",
        "1  RL502  missing-label             [*]",
        "1  RL504  duplicate-quick-action",
    ]
    assert len(lines) == 2 * 8 + 3  # every finding, then one line per rule


def test_statistics_with_quiet_count_what_is_shown() -> None:
    result = run_main("check", "-q", "--format", "concise", "--statistics", str(DRAFT), str(WARNS_ONLY))
    assert result.out.splitlines()[len(DRAFT_ERRORS) :] == [line for line in DRAFT_STATISTICS if "RL104" not in line]


def test_statistics_of_a_clean_run_is_nothing() -> None:
    result = run_main("check", "--statistics", str(EXAMPLE_PLAN))
    assert result.code == 0 and result.out == "All checks passed (1 file).\nChecked against model-rollout-plan@49b5e694.\n", result


@pytest.mark.parametrize("format_name", ["json", "sarif", "codequality", "github", "junit"])
def test_statistics_without_a_text_or_concise_report_is_a_usage_error(format_name: str) -> None:
    result = run_main("check", "--statistics", "--format", format_name, str(DRAFT))
    assert result.code == 2 and result.out == "", result
    assert result.err == "rollout-lint: --statistics needs a text or concise report\n"


def test_statistics_go_to_a_concise_report_file_beside_a_machine_format(tmp_path: Path) -> None:
    result = run_main("check", "--statistics", "--format", "json", "--report", "concise:c.txt", str(DRAFT), cwd=tmp_path)
    assert result.code == 1 and result.json()["summary"]["errors"] == 7, result
    assert (tmp_path / "c.txt").read_text(encoding="utf-8").splitlines()[-len(DRAFT_STATISTICS) :] == DRAFT_STATISTICS


# --- --show-source -------------------------------------------------------------------------


def test_no_show_source_prints_header_section_and_hint_only() -> None:
    result = run_main("check", "--no-show-source", str(WARNS_ONLY))
    assert result.code == 0, result
    assert result.out.startswith(
        f"{WARNS_ONLY}:7:1: RL104 [*] [warning] heading 'overview' differs from the template's 'Overview'\n"
        "  = section: overview\n"
        "  = hint: write it as '## Overview'\n"
        "\n"
        f"{WARNS_ONLY}:41:1: RL104 [*] [warning] heading 'TIMELINE' differs from the template's 'Timeline'\n"
    )
    with_source = run_main("check", str(DRAFT)).out.splitlines(keepends=True)
    snippet = re.compile(r" *[0-9]* \|")
    expected = "".join(line for line in with_source if not snippet.match(line))
    assert run_main("check", "--no-show-source", str(DRAFT)).out == expected


def test_show_source_is_the_default_and_the_last_of_the_two_wins() -> None:
    default = run_main("check", str(WARNS_ONLY)).out
    assert "7 | ## overview\n  | ^^^^^^^^^^^\n" in default
    assert run_main("check", "--no-show-source", "--show-source", str(WARNS_ONLY)).out == default
    assert run_main("check", "--show-source", "--no-show-source", str(WARNS_ONLY)).out != default
