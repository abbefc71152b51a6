"""Inputs for the benchmark rows that the plain corpus does not cover, built from that corpus.

- `write_big_plans`: one valid plan grown to a given size (a fifth of 1 MiB, 1 MiB) with the prose and
  lists of other valid plans, to see whether checking time grows linearly with file size.
- `write_findings_corpus`: valid plans each given many unfilled-placeholder bullets, so that
  a directory yields a known number of findings (~44,000), to time printing them.

Both are deterministic: they take the corpus's plans in manifest order. Standard library only.
"""

from __future__ import annotations

from pathlib import Path

# Where the extra blocks go: the end of "## Known issues", just before "## Rollout". Every
# valid generated plan has both headings, and free prose or lists there are legitimate.
_INSERT_BEFORE = "\n## Rollout\n"

# Lines that each produce exactly one RL202 (unfilled placeholder) error; rollout-lint reports
# a placeholder once per line, so one placeholder per line keeps the count exact.
_PLACEHOLDER_LINES = (
    "- Issue {n}: suggestions for the new model are ??? in the first week",
    "- Issue {n}: latency at p95 is X ms to Y ms under peak load",
    "- Issue {n}: acceptance rate for this language is X% to Y% so far",
    "- Issue {n}: known since ??? and tracked in the rollout issue",
)


def valid_plans(corpus: Path, manifest: list[dict[str, object]]) -> list[Path]:
    """The valid plans of the corpus that have the insertion point, in manifest order."""
    if manifest:
        names = [str(entry["file"]) for entry in manifest if entry["valid"]]
        plans = [corpus / name for name in names]
    else:
        plans = sorted(corpus.rglob("*.md"))
    return [plan for plan in plans if _INSERT_BEFORE in plan.read_text("utf-8")]


def _filler_blocks(plans: list[Path]) -> list[str]:
    """Paragraphs and lists of `plans`: no headings, tables, comments, quick actions or template
    instructions (`_..._`), which would change the plan's structure or add findings."""
    blocks: list[str] = []
    for plan in plans:
        for block in plan.read_text("utf-8").split("\n\n"):
            block = block.strip()
            if not block or block[0] in "#|</_" or "\n|" in block or "\n/" in block:
                continue
            blocks.append(block)
    return blocks


def write_big_plans(
    corpus: Path, manifest: list[dict[str, object]], sizes: list[int], out: Path
) -> list[Path]:
    """One file per size (bytes, at most, so that 1 MiB stays within GitLab's limit; a block is
    never cut), all grown from the same valid plan with the same sequence of blocks: the larger
    file holds the smaller one's content and more of the same kind, so the time ratio measures
    size alone."""
    plans = valid_plans(corpus, manifest)
    if len(plans) < 2:
        raise ValueError(f"{corpus}: needs at least two valid plans to build a big plan")
    base = plans[0].read_text("utf-8")
    blocks = _filler_blocks(plans[1:])
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for size in sizes:
        parts: list[str] = []
        length = len(base.encode("utf-8"))
        index = 0
        block = blocks[0]
        while length + len(block.encode("utf-8")) + 2 <= size:
            parts.append(block)
            length += len(block.encode("utf-8")) + 2
            index += 1
            block = blocks[index % len(blocks)]
        text = base.replace(_INSERT_BEFORE, "\n" + "\n\n".join(parts) + "\n" + _INSERT_BEFORE, 1)
        path = out / f"big-{size}B.md"
        path.write_text(text, "utf-8")
        written.append(path)
    return written


def write_findings_corpus(
    corpus: Path, manifest: list[dict[str, object]], findings: int, per_file: int, out: Path
) -> int:
    """Write ceil(findings / per_file) plans into `out` that hold `findings` placeholder lines
    in all; return the number of files. Valid plans are reused in turn if there are too few."""
    plans = valid_plans(corpus, manifest)
    if not plans:
        raise ValueError(f"{corpus}: no valid plan to build the findings corpus from")
    out.mkdir(parents=True, exist_ok=True)
    files = -(-findings // per_file)
    left = findings
    for index in range(files):
        count = min(per_file, left)
        left -= count
        lines = [_PLACEHOLDER_LINES[n % len(_PLACEHOLDER_LINES)].format(n=n + 1) for n in range(count)]
        text = plans[index % len(plans)].read_text("utf-8")
        text = text.replace(_INSERT_BEFORE, "\n" + "\n".join(lines) + "\n" + _INSERT_BEFORE, 1)
        (out / f"findings-{index + 1:04d}.md").write_text(text, "utf-8")
    return files
