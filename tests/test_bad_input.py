"""Bad and hostile input, on real files: through `main(argv)` in this process, and through the
installed `rollout-lint` command where the process matters (a memory limit on reading, another
user's permissions, a closed or endless standard input).

Every run must end in a one-line finding or message and the documented exit code, never a
traceback or a hang; and a file that cannot be checked must not stop the others in the same
run from being checked and reported (exit 2 wins over 1, the findings are still printed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import COMMAND, EXAMPLE_PLAN, Result, findings, limit_memory, run_cli, run_main

UTF8_BOM = b"\xef\xbb\xbf"
# The broken plan: "## Legal notes" deleted (RL101, reported where the section belongs, on
# "## Known issues") and an impossible date in the timeline (RL305, column 3 of its row).
BAD_DATE = "2026-13-45"


def plan_text() -> str:
    return EXAMPLE_PLAN.read_text(encoding="utf-8")


def broken_plan() -> str:
    text = plan_text().replace("2026-10-08", BAD_DATE, 1)
    assert "\n## Legal notes\n" in text and BAD_DATE in text
    return text.replace("\n## Legal notes\n", "\n", 1)


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line that contains `needle`."""
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in the text")


def broken_findings(text: str | None = None) -> list[tuple[int, str]]:
    """What the broken plan (or `text`, the broken plan with lines added) must report."""
    text = text if text is not None else broken_plan()
    return [(line_of(text, "## Known issues"), "RL101"), (line_of(text, BAD_DATE), "RL305")]


def write(path: Path, data: str | bytes) -> Path:
    """Write exactly these bytes (str as UTF-8, line endings untouched)."""
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def insert_before(text: str, heading: str, block: str) -> str:
    """`text` with `block` (and a blank line) inserted just before the line `heading`."""
    marker = f"\n{heading}\n"
    assert marker in text
    return text.replace(marker, f"\n{block}\n{marker}", 1)


def run(*args: str, stdin: str | None = None, memory: int | None = None, installed: bool = False) -> Result:
    """The command in this process, or (`installed`, or `memory`: its address space capped) the
    installed one; and nothing may crash: no traceback and no internal-error finding."""
    if installed or memory is not None:
        result = run_cli(*args, stdin=stdin, memory=memory)
    else:
        result = run_main(*args, stdin=stdin)
    for stream in (result.out, result.err):
        assert "Traceback" not in stream, result
        assert "RecursionError" not in stream, result
        assert "RL000" not in stream, result
    return result


def check_json(
    *args: str, stdin: str | None = None, memory: int | None = None, installed: bool = False
) -> tuple[Result, dict[str, Any]]:
    result = run("check", "--format", "json", *args, stdin=stdin, memory=memory, installed=installed)
    return result, result.json()


def by_path(report: dict[str, Any], path: Path | str) -> list[tuple[int, str]]:
    return [(d["line"], d["rule"]) for d in report["diagnostics"] if d["path"] == str(path)]


@pytest.fixture
def good(tmp_path: Path) -> Path:
    """A copy of the clean example plan."""
    return write(tmp_path / "good.md", plan_text())


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    return write(tmp_path / "broken.md", broken_plan())


def test_the_plans_used_here_are_what_the_tests_assume(good: Path, broken: Path) -> None:
    result, report = check_json(str(good), str(broken))
    assert result.code == 1, result
    assert by_path(report, good) == []
    assert by_path(report, broken) == broken_findings()


# --- Files that cannot be checked: RL001, exit 2, the other files still checked ----------


def _missing(tmp_path: Path) -> tuple[Path, str]:
    return tmp_path / "no-such-plan.md", "no such file or directory"


def _directory_without_markdown(tmp_path: Path) -> tuple[Path, str]:
    directory = tmp_path / "notes"
    directory.mkdir()
    write(directory / "plan.txt", plan_text())
    write(directory / "README", plan_text())
    return directory, "directory has no Markdown (*.md) files"


def _invalid_byte(tmp_path: Path) -> tuple[Path, str]:
    data = plan_text().encode("utf-8")
    offset = data.index(b"Orion 3 replaces")
    return write(tmp_path / "latin1.md", data[:offset] + b"\xff" + data[offset:]), (
        f"not valid UTF-8: byte 0xff at offset {offset}"
    )


def _latin1_accent(tmp_path: Path) -> tuple[Path, str]:
    # "é" saved as Latin-1: 0xe9 starts a 3-byte sequence that the next bytes do not finish.
    data = plan_text().encode("utf-8")
    offset = data.index(b"answers faster") + len("answers ")
    return write(tmp_path / "accent.md", data[:offset] + b"caf\xe9 " + data[offset:]), (
        f"not valid UTF-8: byte 0xe9 at offset {offset + 3}"
    )


def _encoded_surrogate(tmp_path: Path) -> tuple[Path, str]:
    # CESU-8 / WTF-8 surrogate halves are not UTF-8 (Python's strict codec refuses them).
    data = plan_text().encode("utf-8")
    offset = data.index(b"## Overview")
    return write(tmp_path / "surrogate.md", data[:offset] + b"\xed\xa0\x80\n" + data[offset:]), (
        f"not valid UTF-8: byte 0xed at offset {offset}"
    )


def _utf16(tmp_path: Path) -> tuple[Path, str]:
    return write(tmp_path / "utf16.md", plan_text().encode("utf-16")), (
        "not valid UTF-8: UTF-16 byte order mark at offset 0; save the file as UTF-8"
    )


def _png(tmp_path: Path) -> tuple[Path, str]:
    header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    return write(tmp_path / "screenshot.md", header + bytes(4096)), "binary file, not Markdown"


def _fifo(tmp_path: Path) -> tuple[Path, str]:
    # Opening a FIFO blocks until a writer comes: it must be refused before it is opened.
    path = tmp_path / "pipe.md"
    os.mkfifo(path)
    return path, "not a regular file (a FIFO)"


def _fifo_in_directory(tmp_path: Path) -> tuple[Path, str]:
    directory = tmp_path / "plans"
    directory.mkdir()
    os.mkfifo(directory / "pipe.md")
    return directory / "pipe.md", "not a regular file (a FIFO)"


UNCHECKABLE: dict[str, Callable[[Path], tuple[Path, str]]] = {
    "missing path": _missing,
    "directory without Markdown": _directory_without_markdown,
    "invalid UTF-8 byte": _invalid_byte,
    "Latin-1 accent": _latin1_accent,
    "encoded surrogate": _encoded_surrogate,
    "UTF-16": _utf16,
    "binary PNG": _png,
    "FIFO": _fifo,
}


@pytest.mark.parametrize("make", UNCHECKABLE.values(), ids=UNCHECKABLE.keys())
def test_a_file_that_cannot_be_checked_exits_2_and_the_others_are_still_checked(
    tmp_path: Path, good: Path, broken: Path, make: Callable[[Path], tuple[Path, str]]
) -> None:
    if make is _fifo and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    bad, message = make(tmp_path)
    # A FIFO opened would block the run: in a process of its own, that fails at a timeout.
    result, report = check_json(str(good), str(bad), str(broken), installed=make is _fifo)
    assert result.code == 2, result
    unreadable = [d for d in report["diagnostics"] if d["path"] == str(bad)]
    assert [(d["line"], d["rule"], d["severity"], d["message"]) for d in unreadable] == [
        (1, "RL001", "error", message)
    ]
    assert "\n" not in message
    # The files beside it were checked and reported, in the same run.
    assert report["summary"]["files"] == 3
    assert by_path(report, good) == []
    assert by_path(report, broken) == broken_findings()
    assert report["summary"]["errors"] == 1 + len(broken_findings())


@pytest.mark.parametrize("format_name", ["text", "concise"])
def test_the_reason_is_one_line_in_the_text_formats_too(
    tmp_path: Path, broken: Path, format_name: str
) -> None:
    bad, message = _invalid_byte(tmp_path)
    result = run("check", "--format", format_name, str(bad), str(broken))
    assert result.code == 2, result
    assert f"{bad}:1:1: RL001 [error] {message}\n" in result.out
    assert f"{broken}:{broken_findings()[1][0]}:3: RL305" in result.out


def test_a_fifo_found_in_a_directory_is_refused_and_its_neighbours_checked(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    pipe, message = _fifo_in_directory(tmp_path)
    neighbour = write(pipe.parent / "plan.md", broken_plan())
    result, report = check_json(str(pipe.parent), installed=True)  # as above: a FIFO
    assert result.code == 2, result
    assert [(d["path"], d["rule"], d["message"]) for d in report["diagnostics"] if d["rule"] == "RL001"] == [
        (str(pipe), "RL001", message)
    ]
    assert by_path(report, neighbour) == broken_findings()


def run_unprivileged(*args: str, cwd: Path) -> Result:
    """The command as a user that file permissions apply to: `nobody` when the tests run as root."""
    command = [COMMAND, *args]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root, and no setpriv to drop privileges")
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=120, cwd=cwd, env={**os.environ, "NO_COLOR": "1"}
    )
    return Result.of(completed)


@pytest.fixture
def open_tree() -> Iterator[Path]:
    """A folder that every user can read (pytest's tmp_path is its owner's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="rollout-lint-"))
    folder.chmod(0o755)
    yield folder
    for below in [folder, *folder.rglob("*")]:
        if below.is_dir():
            below.chmod(0o755)
    shutil.rmtree(folder)


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_a_directory_that_cannot_be_read_is_reported_and_the_rest_checked(open_tree: Path) -> None:
    plans = open_tree / "plans"
    denied = plans / "deny"
    denied.mkdir(parents=True)
    write(denied / "broken.md", broken_plan())
    broken = write(plans / "broken.md", broken_plan())
    for path in (plans, broken):
        path.chmod(0o755 if path.is_dir() else 0o644)
    denied.chmod(0)
    result = run_unprivileged("check", "--format", "json", "plans", cwd=open_tree)
    assert result.code == 2, result
    report = result.json()
    assert [(d["path"], d["line"], d["rule"], d["message"]) for d in report["diagnostics"] if d["rule"] == "RL001"] == [
        ("plans/deny", 1, "RL001", "cannot read the directory: Permission denied")
    ]
    assert by_path(report, "plans/broken.md") == broken_findings()
    # Named itself, it is the same finding, not "no Markdown files".
    result = run_unprivileged("check", "--format", "concise", "plans/deny", cwd=open_tree)
    assert (result.code, result.out) == (2, "plans/deny:1:1: RL001 [error] cannot read the directory: Permission denied\n")
    # A directory the configuration excludes is not reported.
    write(open_tree / ".rollout-lint.toml", 'exclude = ["deny"]\n').chmod(0o644)
    result = run_unprivileged("check", "--format", "json", "plans", cwd=open_tree)
    assert result.code == 1, result
    assert [d["path"] for d in result.json()["diagnostics"]] == ["plans/broken.md"] * len(broken_findings())


def test_closed_standard_input_is_a_reason_not_a_crash(good: Path) -> None:
    # `run_cli` always gives the command a standard input; here it has none at all (`<&-`).
    completed = subprocess.run(
        ["sh", "-c", 'exec "$0" check --format concise "$@" <&-', COMMAND, "-", str(good)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert completed.returncode == 2, completed
    assert completed.stdout.startswith("-:1:1: RL001 [error] standard input is closed\n"), completed
    assert "Traceback" not in completed.stdout + completed.stderr


# --- Empty files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"", b" \n\t\n\n", b"\r\n\r\n", UTF8_BOM, UTF8_BOM + b"\n"],
    ids=["zero bytes", "white space", "CRLF blank lines", "BOM only", "BOM and newline"],
)
def test_an_empty_file_is_rl002(tmp_path: Path, good: Path, data: bytes) -> None:
    empty = write(tmp_path / "empty.md", data)
    result, report = check_json(str(empty), str(good))
    assert result.code == 1, result
    assert by_path(report, empty) == [(1, "RL002")]
    assert by_path(report, good) == []
    assert report["summary"]["files"] == 2


# --- Line endings and the byte order mark ------------------------------------------------


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["CRLF", "CR"])
def test_other_line_endings_check_like_lf(tmp_path: Path, newline: str) -> None:
    clean = write(tmp_path / "clean.md", plan_text().replace("\n", newline))
    broken = write(tmp_path / "broken.md", broken_plan().replace("\n", newline))
    result, report = check_json(str(clean), str(broken))
    assert result.code == 1, result
    assert by_path(report, clean) == []
    assert by_path(report, broken) == broken_findings()
    # Same columns too, not only the same lines.
    lf = write(tmp_path / "lf.md", broken_plan())
    _, lf_report = check_json(str(lf))
    positions = [(d["line"], d["column"], d["end_line"], d["rule"], d["message"]) for d in lf_report["diagnostics"]]
    assert [
        (d["line"], d["column"], d["end_line"], d["rule"], d["message"])
        for d in report["diagnostics"]
        if d["path"] == str(broken)
    ] == positions


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_front_matter_with_any_line_ending_keeps_the_line_numbers(tmp_path: Path, newline: str) -> None:
    front_matter = "---\ntitle: Orion 3 rollout\nowner: ai-framework\n---\n"
    text = front_matter + broken_plan()
    plan = write(tmp_path / "front-matter.md", text.replace("\n", newline))
    result, report = check_json(str(plan))
    assert result.code == 1, result
    assert by_path(report, plan) == broken_findings(text)


def test_a_bom_is_not_content(tmp_path: Path) -> None:
    clean = write(tmp_path / "bom.md", UTF8_BOM + plan_text().encode())
    clean_crlf = write(tmp_path / "bom-crlf.md", UTF8_BOM + plan_text().replace("\n", "\r\n").encode())
    broken = write(tmp_path / "bom-broken.md", UTF8_BOM + broken_plan().encode())
    result, report = check_json(str(clean), str(clean_crlf), str(broken))
    assert result.code == 1, result
    assert by_path(report, clean) == by_path(report, clean_crlf) == []
    # Columns are counted after the BOM: the RL305 on its table row is still at column 3.
    assert [(d["line"], d["column"], d["rule"]) for d in report["diagnostics"] if d["path"] == str(broken)] == [
        (line, 1 if rule == "RL101" else 3, rule) for line, rule in broken_findings()
    ]


def test_the_first_line_after_a_bom_is_read(tmp_path: Path) -> None:
    # The plan without its title-suggestion comment: line 1 is the confidential declaration,
    # which RL106 looks for. With the BOM left in, it would not be an HTML comment any more.
    lines = plan_text().split("\n")
    start = next(i for i, line in enumerate(lines) if "Do not remove this confidential declaration" in line)
    declaration_first = write(tmp_path / "declaration.md", UTF8_BOM + "\n".join(lines[start:]).encode())
    result, report = check_json(str(declaration_first))
    assert result.code == 0, result
    assert report["diagnostics"] == []


def test_a_heading_on_the_first_line_after_a_bom_is_found(tmp_path: Path) -> None:
    # "## Overview" moved to line 1: with the BOM left in it would be a paragraph and the
    # section missing (RL101). The preamble now sits in Overview, which RL106 does report.
    lines = plan_text().split("\n")
    lines.insert(0, lines.pop(lines.index("## Overview")))
    text = "\n".join(lines)
    without = write(tmp_path / "plain.md", text)
    with_bom = write(tmp_path / "bom.md", UTF8_BOM + text.encode())
    _, plain_report = check_json(str(without))
    result, report = check_json(str(with_bom))
    assert result.code == 1, result
    assert "RL101" not in {rule for _, rule in findings(result)}
    assert findings(result) == [(d["line"], d["rule"]) for d in plain_report["diagnostics"]]
    assert report["summary"]["checked"] == [{"path": str(with_bom), "template": "model-rollout-plan@49b5e694"}]
    assert {**report["summary"], "checked": None} == {**plain_report["summary"], "checked": None}


# --- NUL characters ---------------------------------------------------------------------


def test_nul_characters_are_reported_once_per_line_and_the_rest_is_checked(tmp_path: Path) -> None:
    text = broken_plan().replace("Orion 3 replaces Orion 2", "Orion 3\0 replaces\0 Orion 2", 1)
    text = text.replace("Internal feedback", "Internal\0feedback", 1)
    plan = write(tmp_path / "nul.md", text)
    result, report = check_json(str(plan))
    assert result.code == 1, result
    first, second = line_of(text, "Orion 3\0"), line_of(text, "Internal\0")
    assert sorted(findings(result)) == sorted([*broken_findings(text), (first, "RL004"), (second, "RL004")])
    nul = [(d["line"], d["column"]) for d in report["diagnostics"] if d["rule"] == "RL004"]
    assert nul == [(first, len("Orion 3") + 1), (second, len("Internal") + 1)]


# --- Size and depth -----------------------------------------------------------------------


# GitLab's longest description (Issuable::DESCRIPTION_LENGTH_MAX, in characters), and the most
# bytes that can hold it: four a character in UTF-8, and a BOM, which GitLab never sees.
GITLAB_LIMIT = 1_048_576
READ_AT_MOST = 4 * GITLAB_LIMIT + 3
# Far below what reading a 100 GiB file or endless input whole would take.
MEMORY = 512 << 20
NOT_CHECKED = "GitLab accepts 1,048,576 characters: not checked"


def grown_plan(characters: int) -> str:
    """The broken plan grown to exactly `characters` characters with prose before "## Rollout"."""
    paragraph = "Suggestions for Ruby are slightly shorter than with Orion 2; see the evaluation notes.\n\n"
    missing = characters - len(broken_plan()) - 2  # `insert_before` adds two line breaks
    filler = paragraph * (missing // len(paragraph)) + "a" * (missing % len(paragraph))
    text = insert_before(broken_plan(), "## Rollout", filler)
    assert len(text) == characters
    return text


def test_a_plan_of_gitlabs_length_is_checked_and_a_longer_one_is_not_parsed(tmp_path: Path, good: Path) -> None:
    longest = grown_plan(GITLAB_LIMIT)
    # The BOM is not part of the description.
    at_limit = write(tmp_path / "longest.md", UTF8_BOM + longest.encode())
    over = write(tmp_path / "over.md", grown_plan(GITLAB_LIMIT + 1))
    result, report = check_json(str(at_limit), str(over), str(good))
    assert result.code == 2, result
    assert by_path(report, at_limit) == broken_findings(longest)
    # Not parsed: only RL005, none of the broken plan's findings; reported like RL001.
    too_long = [d for d in report["diagnostics"] if d["path"] == str(over)]
    assert [(d["line"], d["rule"], d["severity"], d["message"], d["hint"]) for d in too_long] == [
        (
            1,
            "RL005",
            "error",
            "the description has 1,048,577 characters; GitLab accepts 1,048,576: not checked",
            "split supporting data into comments or linked files",
        )
    ]
    assert by_path(report, good) == []


@pytest.mark.parametrize(
    ("characters", "expected"),
    [
        # UTF-8's worst case, 4 bytes a character, with a BOM: read whole, and not too long.
        (GITLAB_LIMIT, [(1, "RL101")]),
        (GITLAB_LIMIT + 1, [(1, "RL005")]),
    ],
    ids=["longest in 4-byte characters", "one 4-byte character more"],
)
def test_the_bytes_read_are_enough_for_gitlabs_longest_in_any_characters(
    tmp_path: Path, characters: int, expected: list[tuple[int, str]]
) -> None:
    data = UTF8_BOM + ("\U0001f680" * characters).encode()
    plan = write(tmp_path / "rockets.md", data)
    result, report = check_json("--select", "RL0,RL101", str(plan), memory=MEMORY)
    assert findings(result)[:1] == expected, result
    if len(data) > READ_AT_MOST:
        assert report["diagnostics"][0]["message"] == f"the file has {len(data):,} bytes; {NOT_CHECKED}"


def test_a_huge_plan_is_read_no_further_than_gitlabs_limit(tmp_path: Path, broken: Path) -> None:
    # 100 GiB of holes: reading it whole would need 100 GiB of memory.
    huge = tmp_path / "huge.md"
    with huge.open("wb") as stream:
        stream.truncate(100 << 30)
    result, report = check_json(str(huge), str(broken), memory=MEMORY)
    assert result.code == 2, result
    assert [(d["rule"], d["message"]) for d in report["diagnostics"] if d["path"] == str(huge)] == [
        ("RL005", f"the file has 107,374,182,400 bytes; {NOT_CHECKED}")
    ]
    assert by_path(report, broken) == broken_findings()


def test_endless_standard_input_is_read_no_further_than_gitlabs_limit(good: Path) -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero on this platform")
    with open("/dev/zero", "rb") as zeros:
        completed = subprocess.run(
            [COMMAND, "check", "--format", "concise", "-", str(good)],
            stdin=zeros,
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=lambda: limit_memory(MEMORY),
        )
    assert completed.returncode == 2, completed
    assert completed.stdout.startswith(
        f"-:1:1: RL005 [error] standard input has more than {READ_AT_MOST:,} bytes; {NOT_CHECKED}\n"
    ), completed
    assert "Traceback" not in completed.stdout + completed.stderr


def test_50000_nested_quotes_are_rl003_not_a_recursion_error(tmp_path: Path) -> None:
    alone = write(tmp_path / "quotes.md", ">" * 50_000 + " deep\n")
    text = insert_before(plan_text(), "## Rollout", ">" * 50_000 + " deep\n")
    in_plan = write(tmp_path / "plan.md", text)
    result, report = check_json(str(alone), str(in_plan))
    assert result.code == 1, result
    assert (1, "RL003") in by_path(report, alone)
    # Inside a plan, only the quote is lost: every heading after it is still found.
    assert by_path(report, in_plan) == [(line_of(text, ">>>>"), "RL003")]


def nested_list(depth: int) -> str:
    return "".join(f"{'  ' * level}- level {level}\n" for level in range(depth))


def test_a_10_level_list_before_a_heading_does_not_hide_the_heading(tmp_path: Path) -> None:
    # markdown-it's commonmark preset stops at 20 nesting levels (10 list levels) and
    # silently drops the rest of the file, "## Rollout" included.
    text = insert_before(plan_text(), "## Rollout", nested_list(10))
    plan = write(tmp_path / "plan.md", text)
    result, report = check_json(str(plan))
    assert result.code == 0, result
    assert report["diagnostics"] == []


@pytest.mark.parametrize("depth", [40, 300])
def test_a_list_too_deep_loses_only_itself(tmp_path: Path, depth: int) -> None:
    # Past MAX_NESTING (64 tokens = 32 list levels) the deepest items are not read, but the
    # headings after the list still are: no RL101 for Rollout and everything below it.
    text = insert_before(plan_text(), "## Rollout", nested_list(depth))
    plan = write(tmp_path / "plan.md", text)
    result = run("check", "--format", "json", str(plan))
    assert result.code == 1, result
    assert findings(result) == [(line_of(text, "- level 31"), "RL003")]


def test_a_list_too_deep_inside_a_quote_loses_only_the_quote(tmp_path: Path) -> None:
    quoted = "".join(f"> {line}\n" for line in nested_list(40).splitlines())
    text = insert_before(plan_text(), "## Rollout", quoted + "\nAfter the quote, still in Known issues.\n")
    plan = write(tmp_path / "plan.md", text)
    result = run("check", "--format", "json", str(plan))
    assert result.code == 1, result
    assert [rule for _, rule in findings(result)] == ["RL003"]


EMPHASIS = {
    "200 stars": "*" * 200 + "x" + "*" * 200,
    "200 underscores": "_a " * 200 + "x" + " a_" * 200,
    "unclosed underscores": "_a " * 200,
    "400 strong openers": "**" * 200 + "x",
    "200 brackets": "[" * 200 + "x" + "]" * 200 + "(y)",
    "20000 star runs": "*a " * 20_000 + "x" + " a*" * 20_000,
}


@pytest.mark.parametrize("inline", EMPHASIS.values(), ids=EMPHASIS.keys())
def test_deep_emphasis_is_only_text(tmp_path: Path, inline: str) -> None:
    text = insert_before(plan_text(), "## Rollout", inline + "\n")
    plan = write(tmp_path / "plan.md", text)
    heading = write(tmp_path / "heading.md", plan_text().replace("## Known issues", "## Known issues " + inline, 1))
    result, report = check_json(str(plan), str(heading))
    assert result.code == 1, result
    assert by_path(report, plan) == []
    # A heading full of emphasis is not the template's heading, and says so without crashing.
    assert by_path(report, heading) == [(line_of(plan_text(), "## Known issues"), "RL101")]


# --- Standard input -------------------------------------------------------------------------


def test_stdin_reports_under_the_stdin_filename() -> None:
    result, report = check_json("--stdin-filename", "plan.md", "-", stdin=broken_plan())
    assert result.code == 1, result
    assert {d["path"] for d in report["diagnostics"]} == {"plan.md"}
    assert by_path(report, "plan.md") == broken_findings()
    _, unnamed_report = check_json("-", stdin=broken_plan())
    assert by_path(unnamed_report, "-") == broken_findings()


def test_stdin_is_still_checked_when_another_path_is_missing(tmp_path: Path) -> None:
    missing = tmp_path / "missing.md"
    result, report = check_json("--stdin-filename", "plan.md", str(missing), "-", stdin=broken_plan())
    assert result.code == 2, result
    assert by_path(report, missing) == [(1, "RL001")]
    assert by_path(report, "plan.md") == broken_findings()
    assert report["summary"]["files"] == 2


@pytest.mark.parametrize(
    ("data", "code", "rule", "message"),
    [
        ("\ufeff\n", 1, "RL002", "the file is empty"),
        ("\0" * 64, 2, "RL001", "binary file, not Markdown"),
    ],
    ids=["BOM only", "NUL only"],
)
def test_stdin_that_is_not_a_plan(good: Path, data: str, code: int, rule: str, message: str) -> None:
    result, report = check_json("--stdin-filename", "plan.md", "-", str(good), stdin=data)
    assert result.code == code, result
    assert [(d["line"], d["rule"]) for d in report["diagnostics"]] == [(1, rule)]
    assert message in report["diagnostics"][0]["message"]
    assert report["summary"]["files"] == 2


def test_stdin_named_like_an_issue_template_is_checked_as_a_template(tmp_path: Path) -> None:
    name = ".gitlab/issue_templates/x.md"
    as_file = write(tmp_path / "broken.md", broken_plan())
    _, template_report = check_json("--mode", "template", str(as_file))
    _, issue_report = check_json("--mode", "issue", str(as_file))
    template_findings, issue_findings = by_path(template_report, as_file), by_path(issue_report, as_file)
    # The broken plan tells the two modes apart (an impossible date is fine in a template).
    assert template_findings != issue_findings
    result, report = check_json("--stdin-filename", name, "-", stdin=broken_plan())
    assert result.code == 1, result
    assert by_path(report, name) == template_findings
    _, plain_report = check_json("--stdin-filename", "x.md", "-", stdin=broken_plan())
    assert by_path(plain_report, "x.md") == issue_findings


# --- Usage errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--bogus", "{good}"], "unrecognized arguments: --bogus"),
        (["check", "--format", "xml", "{good}"], "argument --format: invalid choice: 'xml'"),
        (["check", "--mode", "draft", "{good}"], "argument --mode: invalid choice: 'draft'"),
        (["check"], "the following arguments are required: PATH"),
        (["check", "--stdin-filename", "x.md", "{good}"], "--stdin-filename needs '-' among the paths"),
        (["explain", "RL999"], "unknown rule 'RL999'"),
    ],
    ids=["unknown option", "unknown format", "unknown mode", "no paths", "stdin name without -", "unknown rule"],
)
def test_usage_errors_exit_2_with_one_line_on_stderr(good: Path, args: list[str], message: str) -> None:
    result = run(*(arg.format(good=good) for arg in args))
    assert result.code == 2, result
    assert result.out == ""
    assert len(result.err.strip().splitlines()) == 1, result
    assert message in result.err
    assert result.err.startswith("rollout-lint")
