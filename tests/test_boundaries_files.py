"""RL000–RL005 at their boundaries, through `rollout-lint check` as a user runs it.

A file that could not be checked (RL000, RL001, RL005) makes the run exit with 2 and is never
ignored, re-graded or suppressed; an empty file (RL002), nesting too deep (RL003) and a NUL
(RL004) are findings like any other.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from conftest import EXAMPLE_PLAN
from rollout_lint import cli

PLAN = EXAMPLE_PLAN.read_text("utf-8")
GITLAB_LIMIT = 1_048_576
DISABLE_FILE = "<!-- rollout-lint-disable-file -->\n"
TOO_DEEP = "nesting is too deep: the rest of this block is not read"


def run(*arguments: str) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    code = cli.main(["check", "--format", "json", *arguments], stdout=out)
    return code, json.loads(out.getvalue())["diagnostics"]


def check(tmp_path: Path, content: str | bytes, *options: str) -> tuple[int, list[tuple[Any, ...]]]:
    """The exit code and (line, column, end line, end column, rule, severity, message, hint)."""
    path = tmp_path / "plan.md"
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    code, found = run(*options, str(path))
    keys = ("line", "column", "end_line", "end_column", "rule", "severity", "message", "hint")
    return code, [tuple(d[key] for key in keys) for d in found]


class Case(NamedTuple):
    id: str
    content: str | bytes
    code: int
    findings: list[tuple[Any, ...]]


def empty(content: str | bytes) -> Case:
    return Case(f"empty: {content!r}", content, 1, [(1, 1, 1, 1, "RL002", "error", "the file is empty", None)])


def nul(line: int, column: int) -> tuple[Any, ...]:
    return (line, column, line, column + 1, "RL004", "error", "NUL character", "delete it")


def too_deep(line: int, text: str) -> tuple[Any, ...]:
    return (line, 1, line, len(text) + 1, "RL003", "error", TOO_DEEP, "flatten the lists or quotes")


def quotes(depth: int) -> str:
    return ">" * depth + " deep"


def lists(depth: int) -> list[str]:
    return ["  " * level + "- item" for level in range(depth)]


CASES = [
    # Empty: nothing, or only white space (a BOM is not content).
    *(empty(content) for content in ("", "\n", " \t\n\r\n", "\ufeff", "\ufeff\n  ", b"\r")),
    # NUL: once per line, at its first; anywhere in the file.
    Case("a NUL", "a\0b\n\n" + PLAN, 1, [nul(1, 2)]),
    Case("two NULs on a line: one finding", "a\0b\0c\n\n" + PLAN, 1, [nul(1, 2)]),
    Case("NULs on two lines", "\0\n\0x\n\n" + PLAN, 1, [nul(1, 1), nul(2, 1)]),
    Case("a NUL as the last character", PLAN + "\0", 1, [nul(len(PLAN.splitlines()) + 1, 1)]),
    # A file where NULs dominate is binary (git's heuristic): not checked.
    Case("a NUL alone", "\0", 2, [(1, 1, 1, 1, "RL001", "error", "binary file, not Markdown", None)]),
    # Nesting: a quote takes one level, a list two (the list, its item), their paragraph one;
    # the parser reads 64.
    Case("63 quotes", quotes(63) + "\n\n" + PLAN, 0, []),
    Case("64 quotes", quotes(64) + "\n\n" + PLAN, 1, [too_deep(1, quotes(64))]),
    Case("65 quotes", quotes(65) + "\n\n" + PLAN, 1, [too_deep(1, quotes(65))]),
    Case("31 lists", "\n".join(lists(31)) + "\n\n" + PLAN, 0, []),
    Case("32 lists", "\n".join(lists(32)) + "\n\n" + PLAN, 1, [too_deep(32, lists(32)[-1])]),
    Case("40 lists: reported where reading stops", "\n".join(lists(40)) + "\n\n" + PLAN, 1, [too_deep(32, lists(32)[-1])]),
    Case(
        "a byte that is not UTF-8",
        PLAN.encode() + b"\xff",
        2,
        [(1, 1, 1, 1, "RL001", "error", f"not valid UTF-8: byte 0xff at offset {len(PLAN.encode())}", None)],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_a_file_boundary_gives_exactly_its_findings(tmp_path: Path, case: Case) -> None:
    assert check(tmp_path, case.content) == (case.code, case.findings)


def grown(characters: int) -> str:
    """The example plan grown to `characters` characters with text (two bytes a character)
    in a comment at its end: GitLab counts characters, not bytes."""
    head = PLAN + "<!-- "
    tail = " -->\n"
    filler = characters - len(head) - len(tail)
    return head + ("é" * 79 + "\n") * (filler // 80) + "é" * (filler % 80) + tail


@pytest.fixture(scope="module")
def longest(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("long")
    at_limit, over = folder / "at-limit.md", folder / "over.md"
    at_limit.write_text(grown(GITLAB_LIMIT), encoding="utf-8")
    over.write_text(grown(GITLAB_LIMIT + 1), encoding="utf-8")
    assert len(at_limit.read_text("utf-8")) == GITLAB_LIMIT and len(at_limit.read_bytes()) > GITLAB_LIMIT
    return at_limit, over


def test_gitlabs_longest_description_is_checked_and_one_character_more_is_not(longest: tuple[Path, Path]) -> None:
    at_limit, over = longest
    code, found = run(str(at_limit), str(over))
    assert code == 2
    assert [(d["path"], d["line"], d["rule"], d["message"], d["hint"]) for d in found] == [
        (
            str(over),
            1,
            "RL005",
            f"the description has {GITLAB_LIMIT + 1:,} characters; GitLab accepts {GITLAB_LIMIT:,}: not checked",
            "split supporting data into comments or linked files",
        )
    ]


@pytest.mark.parametrize("options", [["--ignore", "RL005"], ["--ignore", "RL0"], ["--select", "RL1"]])
def test_a_description_too_long_is_never_ignored(longest: tuple[Path, Path], options: list[str]) -> None:
    code, found = run(*options, str(longest[1]))
    assert (code, [(d["rule"], d["severity"]) for d in found]) == (2, [("RL005", "error")])


@pytest.mark.parametrize("options", [["--ignore", "RL001"], ["--select", "RL101"]])
def test_an_unreadable_file_is_never_ignored(tmp_path: Path, options: list[str]) -> None:
    code, found = check(tmp_path, b"\xff\xfe", *options)
    assert (code, [f[4] for f in found]) == (2, ["RL001"])


def test_the_findings_of_a_file_that_was_read_can_be_ignored_and_downgraded(tmp_path: Path) -> None:
    """RL002, RL003 and RL004 say what is wrong with a file that was checked: not exit 2."""
    (tmp_path / ".rollout-lint.toml").write_text('[severity]\nRL004 = "warning"\n', encoding="utf-8")
    assert check(tmp_path, "", "--ignore", "RL002") == (0, [])
    assert check(tmp_path, quotes(64) + "\n\n" + PLAN, "--ignore", "RL003") == (0, [])
    code, found = check(tmp_path, "a\0\n\n" + PLAN)
    assert (code, [f[4:6] for f in found]) == (0, [("RL004", "warning")])


def test_a_suppression_hides_rl002_to_rl004_but_never_a_file_that_was_not_checked(tmp_path: Path) -> None:
    assert check(tmp_path, DISABLE_FILE + quotes(64) + "\n\na\0\n\n" + PLAN) == (0, [])
    code, found = check(tmp_path, DISABLE_FILE.encode() + b"\xff")
    assert (code, [f[4] for f in found]) == (2, ["RL001"])


def test_an_internal_error_is_rl000_for_its_file_and_the_others_are_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rollout_lint.rules import checker

    def broken(source: Any, *args: Any) -> Any:
        if source.path.endswith("broken.md"):
            raise KeyError("a bug")
        return real(source, *args)

    real = checker.check_source_for_template
    monkeypatch.setattr(checker, "check_source_for_template", broken)
    (tmp_path / "broken.md").write_text(PLAN, encoding="utf-8")
    (tmp_path / "good.md").write_text("", encoding="utf-8")
    code, found = run(str(tmp_path / "broken.md"), str(tmp_path / "good.md"), "--ignore", "RL000")
    message = "internal error: KeyError: 'a bug'; please report this with the file"
    assert (code, [(Path(d["path"]).name, d["rule"], d["severity"], d["message"]) for d in found]) == (
        2,
        [("broken.md", "RL000", "error", message), ("good.md", "RL002", "error", "the file is empty")],
    )
