"""`check --fix` and `--diff`, through `main(argv)` (the installed command where a run is killed,
forks workers or its output is read as bytes): the issue's guarantees, each proven
over every fixture plan and every corpus template (nothing lost, idempotent, encoding kept,
atomic, unreadable files never written, lossy fixes refused)."""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import COMMAND, FIXTURES, ROOT, SHARED, run_cli, run_main
from rollout_lint import cli
from rollout_lint.diagnostics import Edit
from rollout_lint.fix import edits as fix_edits, fixer, nothing_lost
from rollout_lint.markdown.document import parse_document
from rollout_lint.rules import REGISTRY
from rollout_lint.markdown.source import Source

DRAFT = ROOT / "examples" / "draft-plan.md"
FIXABLE = {rule_id for rule_id, rule in REGISTRY.items() if rule.fixable}
CORPUS = SHARED / "corpus" / "gitlab-templates"
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def every_plan() -> list[Path]:
    plans = sorted([*FIXTURES.rglob("*.md"), DRAFT])
    return plans + (sorted(CORPUS.rglob("*.md")) if CORPUS.is_dir() else [])


def copy_all(paths: list[Path], directory: Path) -> dict[Path, Path]:
    """Each plan copied under `directory`; the copy → the original."""
    copies = {}
    for index, path in enumerate(paths):
        copy = directory / f"{index:03}-{path.name}"
        shutil.copyfile(path, copy)
        copies[copy] = path
    return copies


def html_blocks(text: str) -> list[str]:
    """Top-level blocks rendered to HTML, as GitLab would show them (quick-action lines dropped)."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    kept = "".join(line + "\n" for line in text.splitlines() if not re.fullmatch(r"/[a-z_]+( .*)?", line))
    env: dict[str, object] = {}
    tokens = parser.parse(kept, env)
    blocks, opened = [], 0
    for index, token in enumerate(tokens):
        if token.level == 0 and token.nesting == 1:
            opened = index
        elif token.level == 0:
            start = opened if token.nesting == -1 else index
            blocks.append(parser.renderer.render(tokens[start : index + 1], parser.options, env))
    return blocks


def is_subsequence(original: list[str], fixed: list[str]) -> bool:
    """Whether `original` is `fixed` minus insertions; a heading may differ in case and spacing."""
    same = lambda a, b: a == b or (a.startswith("<h") and " ".join(a.split()).lower() == " ".join(b.split()).lower())  # noqa: E731
    position = 0
    for block in fixed:
        if position < len(original) and same(original[position], block):
            position += 1
    return position == len(original)


def quick_actions(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.fullmatch(r"/[a-z_]+( .*)?", line)]


def front_matter(text: str) -> str:
    match = re.match(r"(---|\+\+\+)\n.*?\n\1\n", text, re.S)
    return match[0] if match else ""


# --- the whole set ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixed_plans(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Path]:
    """Every plan fixed once, in one run, in issue mode (the mode that finds the most)."""
    directory = tmp_path_factory.mktemp("fixed")
    copies = copy_all(every_plan(), directory)
    result = run_main("check", "--fix", "--mode", "issue", "--format", "json", str(directory))
    assert result.code in (0, 1), result  # no file refused, none left unreadable
    return copies


def test_fix_loses_nothing(fixed_plans: dict[Path, Path], tmp_path: Path) -> None:
    for copy, original in fixed_plans.items():
        before, after = original.read_text("utf-8"), copy.read_text("utf-8")
        assert is_subsequence(html_blocks(before), html_blocks(after)), original
        # Comments, quick actions and front matter: byte for byte, nothing dropped.
        assert not Counter(_COMMENT.findall(before)) - Counter(_COMMENT.findall(after)), original
        assert quick_actions(after)[: len(quick_actions(before))] == quick_actions(before), original
        assert front_matter(after) == front_matter(before), original
    # The set does exercise the fixes: each fixable rule has a finding that the fix removed. The
    # project's own plans do so alone; ../shared, where it is, adds its corpus.
    copy_all(list(fixed_plans.values()), tmp_path)  # unfixed, under the names of the fixed copies
    found, left = Counter[tuple[str, str]](), Counter[tuple[str, str]]()
    for findings, folder in ((found, tmp_path), (left, next(iter(fixed_plans)).parent)):
        report = run_cli("check", "--mode", "issue", "--format", "json", ".", cwd=folder).json()  # forks workers
        findings.update((d["path"], d["rule"]) for d in report["diagnostics"])
    assert {rule for _, rule in found - left} >= FIXABLE, (found, left)


def test_fix_is_idempotent_and_leaves_nothing_it_could_fix(fixed_plans: dict[Path, Path]) -> None:
    snapshot = {copy: copy.read_bytes() for copy in fixed_plans}
    directory = str(next(iter(fixed_plans)).parent)
    again = run_main("check", "--fix", "--mode", "issue", "--format", "json", directory)
    assert {copy: copy.read_bytes() for copy in fixed_plans} == snapshot
    assert "fixed" not in again.err
    diff = run_main("check", "--diff", "--mode", "issue", directory)
    assert (diff.code, diff.out) == (0, ""), diff
    for finding in again.json()["diagnostics"]:
        near_miss = re.fullmatch(r"did you mean '(.+)'\? Write it as '#+ .+'", finding["hint"] or "")
        if finding["rule"] == "RL101" and near_miss:
            # Left alone: a heading that looks like the missing section misspelt, to rename.
            document = parse_document(Source.from_text("plan.md", Path(finding["path"]).read_text("utf-8")))
            assert near_miss[1] in [section.title for section in document.headings], finding
        elif finding["rule"] in FIXABLE:
            # The other fixable finding left alone: a label whose scope the plan already gives
            # another label (`type::bug`); adding it would make the two conflict.
            label = re.search(r"label '(.+)::", finding["message"])
            assert finding["rule"] == "RL502" and label, finding
            assert re.search(rf"^/label .*{re.escape(label[1])}::", Path(finding["path"]).read_text("utf-8"), re.M)


# --- one file at a time ---------------------------------------------------------------------


def test_before_and_after(tmp_path: Path) -> None:
    """The README's example: the draft plan, fixed."""
    plan = tmp_path / "draft-plan.md"
    shutil.copyfile(DRAFT, plan)
    result = run_main("check", "--fix", "--format", "concise", str(plan))
    text = plan.read_text("utf-8")
    assert "## Legal notes\n\n_Add legal notes here_\n\n## Known issues\n" in text
    assert text.endswith('/label "feature::maintenance"\n/label "AI Model Migration"\n')
    assert result.err == "rollout-lint: fixed 3 findings in 1 file\n"
    # Exit 1: what is left needs a person (the empty link, the ??? date, the new empty section).
    assert result.code == 1 and not {line.split()[1] for line in result.out.splitlines()} & FIXABLE, result


def test_exit_code_after_fix_is_what_is_left(tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    shutil.copyfile(FIXTURES / "issue" / "missing-quick-action.md", plan)
    assert run_main("check", str(plan)).code == 1
    fixed = run_main("check", "--fix", str(plan))
    assert fixed.code == 0 and "All checks passed" in fixed.out, fixed


def test_diff_prints_the_fix_and_writes_nothing(tmp_path: Path) -> None:
    plan = tmp_path / "draft-plan.md"
    shutil.copyfile(DRAFT, plan)
    result = run_main("check", "--diff", "draft-plan.md", cwd=tmp_path)
    assert result.code == 1 and plan.read_bytes() == DRAFT.read_bytes()
    assert result.out.startswith("--- draft-plan.md\n+++ draft-plan.md\n@@ ")
    assert "-## Known Issues\n+## Legal notes\n" in result.out
    assert '+/label "AI Model Migration"\n' in result.out
    # The diff is what --fix does.
    applied = subprocess.run(["patch", "-s", "-o", "-", str(plan)], input=result.out, capture_output=True, text=True)
    run_main("check", "--fix", str(plan))
    if applied.returncode == 0:  # patch(1) may be absent
        assert applied.stdout == plan.read_text("utf-8")


# How a plan's bytes may be laid out; --diff must show exactly what --fix writes for each.
LAYOUTS = {
    "lf": lambda data: data,
    "bom": lambda data: b"\xef\xbb\xbf" + data,
    "crlf": lambda data: data.replace(b"\n", b"\r\n"),
    "cr": lambda data: data.replace(b"\n", b"\r"),
    "no final newline": lambda data: data.rstrip(b"\n"),
    "bom crlf no final newline": lambda data: b"\xef\xbb\xbf" + data.rstrip(b"\n").replace(b"\n", b"\r\n"),
    # The first line LF, the others CRLF, then LF again: inserted lines follow the most common.
    "mixed": lambda data: data.replace(b"\n", b"\r\n").replace(b"\r\n", b"\n", 1)[::-1].replace(b"\n\r", b"\n", 1)[::-1],
    # Line breaks for Python's `splitlines`, none for Markdown or a patch, on the last lines.
    "u+2028 and form feed": lambda data: data.rstrip(b"\n") + "\u2028 \x0c \x1c \x85 end\n".encode(),
}


def run_bytes(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """The installed command with its output as bytes: a diff's "\\r" must reach the test."""
    environment = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([COMMAND, *args], capture_output=True, cwd=cwd, env=environment, timeout=600)


@pytest.mark.skipif(shutil.which("patch") is None, reason="patch(1) is not installed")
def test_every_diff_applies_and_gives_what_fix_writes(tmp_path: Path) -> None:
    """Each plan in three layouts (in turn, so that each layout meets every kind of plan; in every
    layout where the project's own plans are all there is, without ../shared): `patch` applies
    the --diff without fuzz or offset, and the result is the file --fix writes, byte for byte."""
    diffed, fixed = tmp_path / "diffed", tmp_path / "fixed"
    diffed.mkdir()
    originals, layout_of = {}, {}
    layouts = list(LAYOUTS)
    plans = every_plan()
    # Three layouts a plan with ../shared (all of them without): offsets that give each layout at
    # least 10 plans with something to fix, among the fixtures and the corpus as they are.
    steps = (1, 3, 5) if CORPUS.is_dir() else range(len(layouts))
    for index, path in enumerate(plans):
        for layout in (layouts[(index + step) % len(layouts)] for step in steps):
            name = f"{index:03}-{layouts.index(layout)}-{path.name}"
            originals[name], layout_of[name] = LAYOUTS[layout](path.read_bytes()), layout
            (diffed / name).write_bytes(originals[name])
    shutil.copytree(diffed, fixed)
    diff = run_bytes("check", "--diff", "--mode", "issue", ".", cwd=diffed)
    fix = run_bytes("check", "--fix", "--mode", "issue", "--format", "concise", ".", cwd=fixed)
    assert (diff.returncode, diff.stderr, fix.returncode) == (1, b"", 1), fix.stderr.decode()[-3000:]
    assert re.fullmatch(rb"rollout-lint: fixed \d+ findings in \d+ files\n", fix.stderr), fix.stderr
    applied = subprocess.run(
        ["patch", "-p0", "-F0", "--no-backup-if-mismatch"], input=diff.stdout, capture_output=True, cwd=diffed
    )
    assert applied.returncode == 0 and b"Hunk" not in applied.stdout, applied.stdout.decode()[-3000:]
    results = {path.name: path.read_bytes() for path in fixed.iterdir()}
    assert {path.name: path.read_bytes() for path in diffed.iterdir()} == results
    changed = Counter(layout_of[name] for name in originals if results[name] != originals[name])
    assert changed.keys() == LAYOUTS.keys() and min(changed.values()) >= 10, changed  # the fixes are exercised


# Lines with every kind of line ending, and characters that end a line for Python or Markdown only.
ODD_LINES = st.lists(
    st.tuples(st.text(alphabet="ab \x0c\x1c\x85\u2028", max_size=3), st.sampled_from(["\n", "\r\n", "\r"])),
    min_size=1,
    max_size=12,
)


@st.composite
def texts_and_edits(draw: st.DrawFn) -> tuple[Source, list[Edit]]:
    lines = draw(ODD_LINES)
    text = "".join(line + ending for line, ending in lines)
    if draw(st.booleans()):
        text = text.rstrip("\r\n")  # no final line ending
    source = Source.from_text("plan.md", ("\ufeff" if draw(st.booleans()) else "") + text)
    edits = []
    for line in sorted(draw(st.sets(st.integers(1, source.line_count + 1), min_size=1, max_size=4))):
        inserted = tuple(draw(st.lists(st.sampled_from(["new", "", "x\x0cy"]), min_size=1, max_size=3)))
        renames = line <= source.line_count and draw(st.booleans())
        edits.append(Edit(line, int(renames), inserted[:1] if renames else inserted))
    return source, edits


@pytest.mark.skipif(shutil.which("patch") is None, reason="patch(1) is not installed")
@given(texts_and_edits())
def test_patch_applies_any_diff_to_give_the_edited_text(case: tuple[Source, list[Edit]]) -> None:
    """`patch` as the oracle: whatever the line endings, BOM, final newline and edits."""
    source, edits = case
    bom = "\ufeff" if source.has_bom else ""
    with tempfile.TemporaryDirectory() as directory:
        plan = Path(directory) / "plan.md"
        plan.write_bytes((bom + source.text).encode())
        diff = fix_edits.unified_diff(source, edits).encode()
        applied = subprocess.run(["patch", "-p0", "-F0", "-s", "--no-backup-if-mismatch"], input=diff, capture_output=True, cwd=directory)
        assert applied.returncode == 0, (diff, applied)
        assert plan.read_bytes() == (bom + fix_edits.apply_edits(source, edits)).encode(), diff


def test_diff_reads_stdin_but_fix_refuses_it() -> None:
    result = run_main("check", "--diff", "-", stdin=DRAFT.read_text("utf-8"))
    assert result.code == 1 and "+## Legal notes" in result.out
    refused = run_main("check", "--fix", "-", stdin=DRAFT.read_text("utf-8"))
    assert refused.code == 2 and "standard input" in refused.err


@pytest.mark.parametrize(
    ("name", "transform"),
    [
        ("crlf", lambda data: data.replace(b"\n", b"\r\n")),
        ("bom", lambda data: b"\xef\xbb\xbf" + data),
        ("no-final-newline", lambda data: data.rstrip(b"\n")),
        ("bom-crlf-no-final-newline", lambda data: b"\xef\xbb\xbf" + data.rstrip(b"\n").replace(b"\n", b"\r\n")),
    ],
)
def test_fix_keeps_the_encoding_and_mode(tmp_path: Path, name: str, transform: object) -> None:
    assert callable(transform)
    plan = tmp_path / f"{name}.md"
    plan.write_bytes(transform(DRAFT.read_bytes()))
    os.chmod(plan, 0o640)
    run_main("check", "--fix", str(plan))
    # The same file as fixing the plain plan, then encoding it the same way.
    plain = tmp_path / "plain.md"
    shutil.copyfile(DRAFT, plain)
    run_main("check", "--fix", str(plain))
    assert plain.read_bytes() != DRAFT.read_bytes()
    assert plan.read_bytes() == transform(plain.read_bytes())
    assert plan.stat().st_mode & 0o777 == 0o640


# How a plan may end: in a comment or an HTML block with no line ending after it, with quick
# actions, with a comment after the quick actions (as the shared template does).
ENDINGS = {
    "comment": "Hello\n\n<!-- c -->",
    "html block": "Hello\n\n<div>\nc\n</div>",
    "indented code": "Hello\n\n    code",
    "quick actions": "Hello\n\n/label ~backend",
    "comment after quick actions": "Hello\n\n/label ~backend\n<!-- Add appropriate labels -->",
    "comment block after quick actions": "Hello\n\n/label ~backend\n\n<!-- Add appropriate labels -->",
}


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
@pytest.mark.parametrize("ending", ENDINGS.values(), ids=ENDINGS.keys())
def test_fix_writes_a_plan_without_a_final_newline_whatever_ends_it(tmp_path: Path, ending: str, crlf: bool) -> None:
    """The fix of a plan with no final newline is that of the same plan with one, minus the newline."""
    newline = "\r\n" if crlf else "\n"
    with_newline = tmp_path / "with-newline.md"
    with_newline.write_bytes((ending + "\n").replace("\n", newline).encode())
    # Pinned: a plan this short matches no version of the template well (RL108), and the counts
    # below are those of the version bundled first.
    pinned = ("--template", "model-rollout-plan@49b5e694")
    assert run_main("check", *pinned, "--fix", str(with_newline)).code == 1
    expected = with_newline.read_bytes().removesuffix(newline.encode())
    plan = tmp_path / "plan.md"
    plan.write_bytes(ending.replace("\n", newline).encode())
    diff = run_main("check", *pinned, "--diff", str(plan))
    result = run_main("check", *pinned, "--fix", "--format", "concise", str(plan))
    assert (diff.code, diff.err) == (1, "")
    assert result.code == 1 and re.fullmatch(r"rollout-lint: fixed 1[78] findings in 1 file\n", result.err), result
    assert plan.read_bytes() == expected
    assert "## Legal notes" in expected.decode() and not expected.endswith(b"\n")


# A block left open at the end of the file takes in everything after it: what --fix appends
# would be code or a comment, not sections and quick actions.
OPEN_AT_THE_END = {
    "code fence": "Hello\n\n```\ncode",
    "code fence with a final newline": "Hello\n\n~~~\ncode\n",
    "html comment": "Hello\n\n<!-- note\nstill",
    "pre block": "Hello\n\n<pre>\ncode\n",
}


@pytest.mark.parametrize("ending", OPEN_AT_THE_END.values(), ids=OPEN_AT_THE_END.keys())
def test_a_plan_ending_inside_an_open_block_is_refused_with_the_reason(tmp_path: Path, ending: str) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text(ending, encoding="utf-8", newline="")
    result = run_main("check", "--fix", "--format", "concise", str(plan))
    assert result.code == 2 and plan.read_bytes() == ending.encode(), result
    assert result.err == (
        f"rollout-lint: {plan}: the fix is not written: the file ends inside a block that is never closed "
        "(a code fence, an HTML comment or block), which would take in what the fix adds; close it, then "
        "run --fix again\n"
    ), result


def mixed(data: bytes, first: bytes, usual: bytes) -> bytes:
    """`data` (LF line endings) with `first` ending its first line and `usual` the others."""
    head, rest = data.split(b"\n", 1)
    return head + first + rest.replace(b"\n", usual)


@pytest.mark.parametrize(("first", "usual"), [(b"\n", b"\r\n"), (b"\r\n", b"\n"), (b"\r\n", b"\r")])
def test_inserted_lines_take_the_most_common_line_ending(tmp_path: Path, first: bytes, usual: bytes) -> None:
    plain = tmp_path / "plain.md"
    shutil.copyfile(DRAFT, plain)
    run_main("check", "--fix", str(plain))
    plan = tmp_path / "plan.md"
    plan.write_bytes(mixed(DRAFT.read_bytes(), first, usual))
    result = run_main("check", "--fix", str(plan))
    assert result.err == "rollout-lint: fixed 3 findings in 1 file\n", result
    assert plan.read_bytes() == mixed(plain.read_bytes(), first, usual)


def test_a_section_whose_heading_looks_misspelt_is_left_for_a_person(tmp_path: Path) -> None:
    """The hint asks to rename '## Legal note'; whether it is that section is a guess, so --fix
    neither renames it nor adds a second, empty 'Legal notes' section. The other fixes are made."""
    plan = tmp_path / "plan.md"
    original = DRAFT.read_text("utf-8").replace("## Known Issues\n", "## Legal note\n\nApproved.\n\n## Known Issues\n")
    plan.write_text(original, encoding="utf-8")
    result = run_main("check", "--fix", "--format", "concise", str(plan))
    assert result.err == "rollout-lint: fixed 2 findings in 1 file\n", result
    assert f"{plan}:31:1: RL101 [error] missing section 'Legal notes'" in result.out.splitlines()
    assert plan.read_text("utf-8") == original.replace("## Known Issues\n", "## Known issues\n") + '/label "AI Model Migration"\n'
    only_near_miss = tmp_path / "near-miss.md"
    shutil.copyfile(FIXTURES / "issue" / "missing-section-near-miss.md", only_near_miss)
    diff = run_main("check", "--diff", str(only_near_miss))
    assert (diff.code, diff.out, diff.err) == (0, "", "")
    text = run_main("check", "--statistics", str(only_near_miss))
    assert "  = hint: did you mean 'Legal note'? Write it as '## Legal notes'\n" in text.out
    # The finding carries no fix: no `[*]` on it, in the count, or in the statistics.
    near_miss = next(line for line in text.out.splitlines() if "missing section 'Legal notes'" in line)
    assert "[*]" not in near_miss and "fixable with" not in text.out
    assert [line for line in text.out.splitlines() if "missing-section" in line] == ["1  RL101  missing-section"]


def test_fix_writes_through_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "real" / "plan.md"
    target.parent.mkdir()
    shutil.copyfile(DRAFT, target)
    link = tmp_path / "plan.md"
    link.symlink_to(target)
    run_main("check", "--fix", str(link))
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert "## Legal notes" in target.read_text("utf-8")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["plan.md", "plan.md", "real"]


@pytest.mark.parametrize(
    "content",
    [
        DRAFT.read_bytes().replace(b"Orion 3", b"Orion \xff"),  # not UTF-8
        DRAFT.read_bytes() + b"\n" + b"".join(b"  " * depth + b"- x\n" for depth in range(70)),  # too deep
    ],
    ids=["not-utf-8", "nesting-too-deep"],
)
def test_a_file_that_cannot_be_read_whole_is_never_written(tmp_path: Path, content: bytes) -> None:
    plan = tmp_path / "plan.md"
    plan.write_bytes(content)
    result = run_main("check", "--fix", str(plan))
    assert plan.read_bytes() == content and result.code in (1, 2), result
    assert run_main("check", "--diff", str(plan)).out == ""


def test_a_lossy_fix_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A fix bug that drops a line: the check catches it, nothing is written, exit 2."""
    plan = tmp_path / "plan.md"
    shutil.copyfile(DRAFT, plan)
    laid_out = fix_edits.lay_out

    def lossy(source: Source, edits: list[Edit]) -> list[Edit]:
        return [*laid_out(source, edits), Edit(10, 1, ())]  # deletes a line of a paragraph

    monkeypatch.setattr(fixer, "lay_out", lossy)
    code = cli.main(["check", "--fix", str(plan)], stdout=io.StringIO())
    assert code == 2 and plan.read_bytes() == DRAFT.read_bytes()
    assert "the fix is not written" in capsys.readouterr().err
    assert cli.main(["check", "--diff", str(plan)], stdout=io.StringIO()) == 2


def test_the_check_sees_changed_quick_actions_and_blocks() -> None:
    from rollout_lint.markdown.document import parse_document
    from rollout_lint.markdown.source import Source

    document = parse_document(Source.from_text("plan.md", "# A\n\ntext\n\n/confidential\n"))
    assert nothing_lost.content_lost(document, "# A\n\ntext\n\n/confidential\n", []) is None
    assert nothing_lost.content_lost(document, "# A\n\ntext\n", []) == "the quick actions would change"
    assert "render differently" in (nothing_lost.content_lost(document, "# a\n\ntext\n\n/confidential\n", []) or "")
    assert nothing_lost.content_lost(document, "# A\n\ntext\n\nmore\n\n/confidential\n", []) is not None


def test_fix_survives_being_killed(tmp_path: Path) -> None:
    """Killed mid-run, again and again: every file is wholly old or wholly new, no temporary file left."""
    fixed_copy = tmp_path / "expected.md"
    shutil.copyfile(DRAFT, fixed_copy)
    run_main("check", "--fix", str(fixed_copy))
    old, new = DRAFT.read_bytes(), fixed_copy.read_bytes()
    plans = tmp_path / "plans"
    plans.mkdir()
    for index in range(200):
        (plans / f"plan-{index:03}.md").write_bytes(old)
    environment = {**os.environ, "NO_COLOR": "1"}
    randomness = random.Random(4)
    kills = 0
    for _ in range(5):
        process = subprocess.Popen(
            [COMMAND, "check", "--fix", "--format", "concise", str(plans)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=environment,
        )
        time.sleep(randomness.uniform(0.3, 1.5))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
        contents = [path.read_bytes() for path in sorted(plans.iterdir())]
        assert len(contents) == 200, sorted(p.name for p in plans.iterdir() if not p.name.startswith("plan-"))
        assert all(content in (old, new) for content in contents)
    assert kills >= 1


def test_readme_before_and_after_example_is_real(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text("utf-8").split("## Fixing", 1)[1]
    before, after = re.findall(r"```markdown\n(.*?)```", readme, re.S)[:2]
    plan = tmp_path / "draft-plan.md"
    shutil.copyfile(DRAFT, plan)
    assert all(part in DRAFT.read_text("utf-8") for part in before.split("...\n"))
    run_main("check", "--fix", str(plan))
    assert all(part in plan.read_text("utf-8") for part in after.split("...\n"))
