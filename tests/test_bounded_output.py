"""Reports stay small whatever the input: long source lines are cut around the finding (as ruff
cuts them), a rule repeated many times on one line is summed up, and section breadcrumbs are
cut, so that neither the output nor the memory grows with line length × findings."""

from __future__ import annotations

import resource
import subprocess
from pathlib import Path

import pytest

from conftest import COMMAND, run_main
from rollout_lint.rules.checker import MAX_REPEATS_ON_A_LINE
from rollout_lint.rules.checker import check_source
from rollout_lint.reporters.text import cut_line
from rollout_lint.rules import load_schema
from rollout_lint.markdown.source import Source

MEMORY_LIMIT = 512 << 20


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.md"
    path.write_text(text, encoding="utf-8")
    return path


def finding_block(report: str, header: str) -> list[str]:
    """The lines the text report prints for the finding whose first line starts with `header`."""
    lines = report.splitlines()
    start = next(number for number, line in enumerate(lines) if line.startswith(header))
    return lines[start : lines.index("", start)]


# --- Long lines -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "column", "width", "shown", "marks"),
    [
        # Up to 100 characters: the whole line, as before.
        ("| ??? |", 3, 3, "| ??? |", "  ^^^"),
        ("a" * 100, 50, 1, "a" * 100, " " * 49 + "^"),
        # The span in the middle: about as much on either side, "..." where cut.
        ("a" * 300 + " ??? " + "b" * 300, 302, 3, "..." + "a" * 44 + " ??? " + "b" * 45 + "...", " " * 48 + "^^^"),
        # At the start and at the end: cut on one side only.
        ("??? " + "b" * 300, 1, 3, "??? " + "b" * 93 + "...", "^^^"),
        ("a" * 300 + " ???", 302, 3, "..." + "a" * 93 + " ???", " " * 97 + "^^^"),
        # A span wider than the window: its start, and carets to the edge.
        ("## " + "x" * 300, 1, 303, "## " + "x" * 94 + "...", "^" * 100),
        ("a" * 200 + "W" * 200 + "b" * 200, 201, 200, "..." + "W" * 94 + "...", "   " + "^" * 97),
        # A caret just past the end of a long line.
        ("a" * 300, 301, 1, "..." + "a" * 97, " " * 100 + "^"),
        # Columns count characters, not bytes.
        ("é" * 300 + " ??? " + "ü" * 300, 302, 3, "..." + "é" * 44 + " ??? " + "ü" * 45 + "...", " " * 48 + "^^^"),
    ],
)
def test_cut_line_keeps_the_span_under_its_carets(text: str, column: int, width: int, shown: str, marks: str) -> None:
    assert cut_line(text, column, width) == (shown, marks)
    start = column - 1
    if len(text) > 100 and start < len(text):
        # The characters above the first caret are the span's own.
        assert shown[marks.index("^")] == text[start]


def test_a_long_line_is_cut_around_each_finding(tmp_path: Path) -> None:
    plan = write(tmp_path, "a" * 300 + " ??? " + "b" * 300 + "\n\n??? " + "b" * 300 + "\n")
    result = run_main("check", str(plan))
    assert result.code == 1, result
    assert finding_block(result.out, f"{plan}:1:302: RL202") == [
        f"{plan}:1:302: RL202 [error] unfilled placeholder '???'",
        "  |",
        "1 | ..." + "a" * 44 + " ??? " + "b" * 45 + "...",
        "  | " + " " * 48 + "^^^",
        "  = hint: replace it with the real value",
    ]
    assert finding_block(result.out, f"{plan}:3:1: RL202") == [
        f"{plan}:3:1: RL202 [error] unfilled placeholder '???'",
        "  |",
        "3 | ??? " + "b" * 93 + "...",
        "  | ^^^",
        "  = hint: replace it with the real value",
    ]


def test_a_one_line_mebibyte_file_gives_a_small_report(tmp_path: Path) -> None:
    # As long as GitLab accepts (1,048,576 characters, the line break included): checked whole.
    plan = write(tmp_path, "a" * ((1 << 20) - 1) + "\n")
    # Pinned: a file without headings matches no version of the template (RL108), and these
    # counts are those of the version bundled first.
    pinned = ("--template", "model-rollout-plan@49b5e694")
    result = run_main("check", *pinned, str(plan))
    findings = run_main("check", *pinned, "--format", "concise", str(plan)).out.count("\n")
    assert result.code == 1 and findings == 18, result.out[:2000]
    # Each finding: its header, and at most 100 characters of the line (with 19 findings, it was 19.9 MB).
    snippets = [line for line in result.out.splitlines() if line.startswith(("1 | ", "  | "))]
    assert len(snippets) == 2 * 18 and max(map(len, snippets)) == 104, result.out[:2000]
    assert len(result.out) < 18 * 400, result.out[:2000]


def test_a_long_heading_is_cut_in_the_section_breadcrumb(tmp_path: Path) -> None:
    plan = write(tmp_path, "## Rollout\n\n### " + "h" * 300 + "\n\n???\n")
    result = run_main("check", str(plan))
    assert finding_block(result.out, f"{plan}:5:1: RL202") == [
        f"{plan}:5:1: RL202 [error] unfilled placeholder '???'",
        "  |",
        "5 | ???",
        "  | ^^^",
        "  = section: Rollout › " + "h" * 77 + "...",
        "  = hint: replace it with the real value",
    ]


def test_findings_under_a_long_nested_heading_do_not_each_copy_it() -> None:
    """Memory: 2,000 findings under a 200,000-character heading once held 2,000 copies (1.2 GB)."""
    text = "## Rollout\n\n### " + "h" * 200_000 + "\n\n" + "???\n\n" * 2_000
    found = check_source(Source.from_text("p.md", text), load_schema(), "issue")
    sections = {d.section for d in found if d.rule == "RL202"}
    assert sections == {"Rollout › " + "h" * 77 + "..."}, {len(section) for section in sections}


# --- Many findings of one rule on one line --------------------------------------------------


def placeholders(tmp_path: Path, count: int) -> Path:
    return write(tmp_path, "# Plan\n\n" + "x ??? " * count + "\n")


def rl202(plan: Path) -> list[str]:
    result = run_main("check", "--format", "concise", str(plan))
    assert result.code == 1, result
    return [line for line in result.out.splitlines() if "RL202" in line]


def test_one_rule_on_one_line_shows_twenty_findings_then_sums_up_the_rest(tmp_path: Path) -> None:
    assert MAX_REPEATS_ON_A_LINE == 20
    plan = placeholders(tmp_path, 25)
    columns = [3 + 6 * n for n in range(25)]
    assert rl202(plan) == [
        *(f"{plan}:3:{column}: RL202 [error] unfilled placeholder '???'" for column in columns[:20]),
        f"{plan}:3:{columns[20]}: RL202 [error] and 5 more unfilled-placeholder findings on this line",
    ]


def test_one_more_than_twenty_is_shown_rather_than_summed_up(tmp_path: Path) -> None:
    found = rl202(placeholders(tmp_path, 21))
    assert len(found) == 21 and all(line.endswith("unfilled placeholder '???'") for line in found), found


@pytest.mark.parametrize("format_name", ["json", "sarif", "codequality", "github", "junit"])
def test_every_format_gets_the_summed_up_finding(tmp_path: Path, format_name: str) -> None:
    result = run_main("check", "--format", format_name, str(placeholders(tmp_path, 1_000)))
    assert result.code == 1, result
    assert result.out.count("unfilled placeholder '???'") == 20, result.out[-5000:]
    assert result.out.count("and 980 more unfilled-placeholder findings on this line") == 1, result.out[-5000:]


def test_the_summed_up_finding_counts_in_the_summary(tmp_path: Path) -> None:
    pinned = ("--template", "model-rollout-plan@49b5e694")  # else RL108, a warning, as above
    result = run_main("check", *pinned, "--format", "json", str(placeholders(tmp_path, 1_000)))
    report = result.json()
    assert report["summary"]["errors"] == len(report["diagnostics"]) < 50, report["summary"]


def test_a_line_of_twenty_thousand_placeholders_fits_in_512_mib(tmp_path: Path) -> None:
    """It once printed the 120,000-character line under each of 20,000 findings (2.4 GB)."""
    plan = placeholders(tmp_path, 20_000)

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    completed = subprocess.run(
        [COMMAND, "check", str(plan)], capture_output=True, text=True, timeout=120, preexec_fn=limit_memory
    )
    assert completed.returncode == 1 and completed.stderr == "", completed.stderr[-2000:]
    assert "and 19,980 more unfilled-placeholder findings on this line\n" in completed.stdout
    assert len(completed.stdout) < 20_000, completed.stdout[-2000:]
