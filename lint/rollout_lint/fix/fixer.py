"""`check --fix` and `--diff`: the fixes the findings carry, applied in rounds to a fixed point.

A round takes the edits of every finding that has a fix, makes each once (two that would
replace the same line: the later waits for the next round), checks that nothing is lost, and
checks the new text: one check per round. The fixes of its findings make the next round; a
file whose findings have no fix left is done. No rule's fix makes another fix needed, so a
round or two is the rule; past `MAX_ROUNDS` the fixes do not settle, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, NamedTuple

from ..diagnostics import Diagnostic, Edit, quoted_path
from ..markdown.document import parse_document
from ..markdown.source import UTF8_BOM, Source
from ..rules.checker import check_source, resolve_mode
from ..rules.files import EmptyFile, InternalError, NestingTooDeep, UnreadableFile
from ..safe_write import WriteError, write_atomically
from .edits import apply_edits, composed, lay_out, line_origins, settle, unified_diff
from .nothing_lost import OPEN_AT_THE_END, content_lost, ends_inside_an_open_block

if TYPE_CHECKING:
    from ..rules.selection import Selection
    from ..schema.loading import TemplateSchema
    from ..schema.versions import TemplateFamily

MAX_ROUNDS = 3
# Files the fixer leaves alone: not read whole, or not checked at all.
_NOT_FIXABLE = frozenset({InternalError.id, UnreadableFile.id, EmptyFile.id, NestingTooDeep.id})


class FixResult(NamedTuple):
    """The fixed source and its findings; or, where the fix is refused, why (`refused`)."""

    source: Source
    findings: list[Diagnostic]
    edits: list[Edit]  # from the original to the fixed text, at once
    refused: str | None = None


def fixable(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.fix]


def fix_source(
    source: Source, findings: list[Diagnostic], schema: TemplateSchema | TemplateFamily, mode: str, selection: Selection | None
) -> FixResult:
    """`source` with the fixes of `findings` (its findings) applied, round after round."""
    current = source
    origins: list[int | None] = list(range(1, source.line_count + 1))
    for _ in range(MAX_ROUNDS):
        edits = settle([edit for finding in findings for edit in finding.fix])
        if not edits:
            break
        laid_out = lay_out(current, edits)
        text = apply_edits(current, laid_out)
        if text == current.text:
            break
        lost = content_lost(parse_document(current), text, edits)
        if lost:
            why = OPEN_AT_THE_END if ends_inside_an_open_block(current) else f"{lost}; please report this"
            return FixResult(source, findings, [], why)
        origins = [None if at is None else origins[at - 1] for at in line_origins(current, laid_out)]
        current = Source.from_text(source.path, (UTF8_BOM if source.has_bom else "") + text)
        findings = check_source(current, schema, mode, selection)
    else:
        if fixable(findings):
            return FixResult(source, findings, [], f"the fixes did not settle in {MAX_ROUNDS} rounds; please report this")
    return FixResult(current, findings, composed(source, current, origins))


class Fixer:
    """`check --fix` (write, then report what is left) or `check --diff` (print, write nothing)."""

    def __init__(self, write: bool, out: IO[str], err: IO[str]) -> None:
        self.write = write
        self.out = out
        self.err = err
        self.trouble = False  # a fix refused or a file not written: exit 2
        self.changed = 0  # files fixed, or with a diff
        self.fixed = 0  # findings fixed

    def file(
        self,
        path: str,
        source: Source | None,
        diagnostics: list[Diagnostic],
        schema: TemplateSchema | TemplateFamily,
        mode: str,
        selection: Selection | None,
    ) -> tuple[list[Diagnostic], Source | None]:
        """The findings left after fixing (those of the fixed file), and its new source."""
        if source is None or not fixable(diagnostics) or any(d.rule in _NOT_FIXABLE for d in diagnostics):
            return diagnostics, source
        result = fix_source(source, diagnostics, schema, resolve_mode(mode, source.path), selection)
        if result.refused:
            self._refuse(source.path, f"the fix is not written: {result.refused}")
            return diagnostics, source
        if result.source is source:
            return diagnostics, source
        if not self.write:
            self.changed += 1
            self.out.write(unified_diff(source, result.edits))
            return diagnostics, source
        bom = UTF8_BOM if source.has_bom else ""
        try:
            # Strict UTF-8 makes the Source lossless: encoded again, it is the bytes that were read.
            write_atomically(path, (bom + result.source.text).encode("utf-8"), expected=(bom + source.text).encode("utf-8"))
        except WriteError as error:
            self._refuse(source.path, str(error).removeprefix(f"{path}: "))
            return diagnostics, source
        self.changed += 1
        self.fixed += len(fixable(diagnostics)) - len(fixable(result.findings))
        return result.findings, result.source

    def finish(self) -> None:
        if self.write and self.changed:
            files = f"{self.changed} file{'s' * (self.changed != 1)}"
            self.err.write(f"rollout-lint: fixed {self.fixed} finding{'s' * (self.fixed != 1)} in {files}\n")

    def _refuse(self, path: str, why: str) -> None:
        self.trouble = True
        self.err.write(f"rollout-lint: {quoted_path(path)}: {why}\n")
