"""--fix in rounds: one check a round, fixes composed into one diff, a fix that never settles refused."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conftest import ROOT
from rollout_lint import cli
from rollout_lint.diagnostics import Edit
from rollout_lint.fix import edits as fix_edits, fixer
from rollout_lint.markdown.source import Source
from rollout_lint.rules import quick_actions

DRAFT = ROOT / "examples" / "draft-plan.md"


def test_fixing_checks_once_a_round(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The draft's three fixes go in one round; the round's check is the only one --fix makes
    (the first check is the plain run's)."""
    plan = tmp_path / "plan.md"
    shutil.copyfile(DRAFT, plan)
    checks = 0
    check = fixer.check_source

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal checks
        checks += 1
        return check(*args, **kwargs)

    monkeypatch.setattr(fixer, "check_source", counted)
    assert cli.main(["check", "--fix", "--format", "concise", str(plan)], stdout=io.StringIO()) == 1
    assert checks == 1
    assert "## Legal notes" in plan.read_text("utf-8")


def test_a_fix_that_never_settles_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fix that adds a line and leaves its finding: after the last round nothing is written."""
    plan = tmp_path / "plan.md"
    shutil.copyfile(DRAFT, plan)

    def never_enough(context: Any) -> tuple[Edit, ...]:
        return (Edit(context.document.source.line_count + 1, 0, ("/label ~other",), "quick_action", 1, True),)

    monkeypatch.setattr(quick_actions, "_template_quick_action", never_enough)
    code = cli.main(["check", "--fix", "--format", "concise", str(plan)], stdout=io.StringIO())
    assert code == 2 and plan.read_bytes() == DRAFT.read_bytes()
    assert capsys.readouterr().err == (
        f"rollout-lint: {plan}: the fix is not written: the fixes did not settle in {fixer.MAX_ROUNDS} rounds; "
        "please report this\n"
    )


LINES = st.lists(st.sampled_from(["a", "", "b", "/label ~x"]), min_size=1, max_size=8)


@st.composite
def rounds(draw: st.DrawFn) -> tuple[Source, list[list[Edit]]]:
    """A text and two or three rounds of edits, each in the lines of the text the round before made."""
    lines = draw(LINES)
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    text = "".join(line + ending for line in lines)
    if draw(st.booleans()):
        text = text.removesuffix(ending)
    assume(text)  # an empty file is never fixed (RL002)
    source = Source.from_text("plan.md", text)
    plan: list[list[Edit]] = []
    for _ in range(draw(st.integers(2, 3))):
        at = sorted(draw(st.sets(st.integers(1, source.line_count + 1), min_size=1, max_size=3)))
        edits = []
        for line in at:
            inserted = tuple(draw(st.lists(st.sampled_from(["new", "", "x"]), min_size=1, max_size=2)))
            renames = line <= source.line_count and draw(st.booleans())
            if renames:
                inserted = (draw(st.sampled_from(["new", "x"])),)  # a heading renamed: never empty
            elif line > source.line_count:
                inserted = inserted[:-1] + ("end",)  # as `lay_out` does: no empty line last
            edits.append(Edit(line, int(renames), inserted))
        plan.append(edits)
        source = Source.from_text("plan.md", fix_edits.apply_edits(source, edits))
    return Source.from_text("plan.md", text), plan


@given(rounds())
def test_edits_composed_over_rounds_give_what_the_rounds_gave(case: tuple[Source, list[list[Edit]]]) -> None:
    """The oracle is the rounds applied one after the other; `composed` must say the same at once,
    and its diff must take `patch` from the original to the last round's text."""
    original, plan = case
    current = original
    origins: list[int | None] = list(range(1, original.line_count + 1))
    for edits in plan:
        origins = [None if at is None else origins[at - 1] for at in fix_edits.line_origins(current, edits)]
        current = Source.from_text("plan.md", fix_edits.apply_edits(current, edits))
    at_once = fix_edits.composed(original, current, origins)
    assert fix_edits.apply_edits(original, at_once) == current.text
    if shutil.which("patch") is None:
        return
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "plan.md"
        path.write_bytes(original.text.encode())
        diff = fix_edits.unified_diff(original, at_once).encode()
        applied = subprocess.run(["patch", "-p0", "-F0", "-s", "--no-backup-if-mismatch"], input=diff, capture_output=True, cwd=directory)
        assert applied.returncode == 0, (diff, applied)
        assert path.read_bytes() == current.text.encode()
