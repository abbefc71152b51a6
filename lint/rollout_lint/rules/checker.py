"""One file through the pipeline: Source → Document → instance → schema → findings, settled.

Findings are made by the rules and by the schema; this module is the one place where they are
selected and re-graded (the configuration), hidden (suppression comments), cut down (repeats on
one line) and sorted.
"""

from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from ..diagnostics import Diagnostic
from ..markdown.document import Document, cyclic_gc_paused, parse_document
from ..markdown.source import Source, SourceError, TooLong, read_source
from ..schema.instance import build_instance
from ..schema.loading import TemplateSchema
from ..schema.versions import TemplateFamily, outline_likeness
from . import REGISTRY, lookup
from .content import UnfilledPlaceholder
from .files import DescriptionTooLong, EmptyFile, UnreadableFile, document_findings
from .outline import drift_findings, unmatched_version_finding
from .selection import Selection, apply_selection
from .suppressions import apply_suppressions
from .template_schema import schema_finding

TEMPLATE_DIRECTORY = ".gitlab/issue_templates/"

# Findings of one rule on one line shown one by one; the rest become one finding that counts
# them. No real plan comes near (the template has 13 sections, a table row a few cells), but
# a line of 175,000 `???` once gave 175,000 findings, each printing the whole line.
MAX_REPEATS_ON_A_LINE = 20

# A file that shares less than this of the template's headings, and holds none of its
# instructions or placeholders and no quick action, is not a rollout plan (a README, a CHANGELOG
# beside the plans): a directory run and `--plans-only` skip it in `auto` mode, and say so.
NOT_A_PLAN = 0.2


def resolve_mode(mode: str, path: str) -> str:
    """`auto` means template mode for files in a GitLab issue-template folder."""
    if mode != "auto":
        return mode
    return "template" if TEMPLATE_DIRECTORY in path.replace("\\", "/") else "issue"


class Checked(NamedTuple):
    """One file's findings, its text (None if it could not be read), the version of a bundled
    template it was checked against when the version was chosen for it, and why it was skipped
    (None if it was checked)."""

    diagnostics: list[Diagnostic]
    source: Source | None
    template: str | None = None
    skipped: str | None = None


def check_path(
    path: str,
    schema: TemplateSchema | TemplateFamily,
    mode: str,
    display_path: str | None = None,
    selection: Selection | None = None,
    plans_only: bool = False,
) -> Checked:
    """Check one file (or `-`); a file that cannot be read yields a single RL001 finding, one
    longer than GitLab accepts a single RL005 finding. With `plans_only`, a file that `auto`
    mode reads as an issue is skipped if it is not a rollout plan."""
    name = display_path or path
    try:
        source = read_source(path, display_path=name)
    except TooLong as error:
        hint = "split supporting data into comments or linked files"
        return Checked([DescriptionTooLong.finding(name, f"{error}: not checked", hint=hint)], None)
    except SourceError as error:
        return Checked([UnreadableFile.finding(name, str(error))], None)
    resolved = resolve_mode(mode, name)
    plans_only = plans_only and mode == "auto" and resolved == "issue"
    return check_source_for_template(source, schema, resolved, selection, plans_only)


def check_source(
    source: Source, schema: TemplateSchema | TemplateFamily, mode: str, selection: Selection | None = None
) -> list[Diagnostic]:
    """The settled findings of `source` in `mode` ("issue" or "template")."""
    return check_source_for_template(source, schema, mode, selection).diagnostics


def check_source_for_template(
    source: Source,
    schema: TemplateSchema | TemplateFamily,
    mode: str,
    selection: Selection | None = None,
    plans_only: bool = False,
) -> Checked:
    """`check_source`, with the version of `schema` (a family) the file was checked against;
    with `plans_only`, a file that is not a rollout plan is skipped (`Checked.skipped`)."""
    if not source.text.strip():
        empty = "the description is empty" if source.issue else "the file is empty"
        return Checked(_settle([EmptyFile.finding(source.path, empty)], None, selection), source)
    with cyclic_gc_paused():
        document = parse_document(source)
        found = list(document_findings(document))
        version = None
        if isinstance(schema, TemplateFamily):
            family = schema
            choice = family.choose(document)
            if plans_only and (reason := not_a_plan(document, family.every_schema(), choice.likeness, family.name)):
                return Checked([], source, None, reason)
            schema, version = choice.schema, choice.version.label
            if not choice.well_matched:
                found.append(unmatched_version_finding(document, family.name, choice.likeness, version))
        elif plans_only and (reason := not_a_plan(document, [schema], outline_likeness(document, schema), schema.name)):
            return Checked([], source, None, reason)
        instance, spans = build_instance(document, mode, schema.catalogue, schema.outline_titles)
        found.extend(
            schema_finding(document, schema, instance, spans, failure, REGISTRY.__getitem__)
            for failure in schema.errors(instance)
        )
        if mode == "template":
            found = drift_findings(document, schema, found)
        return Checked(_settle(found, document, selection), source, version)


def not_a_plan(document: Document, schemas: list[TemplateSchema], likeness: float, template: str) -> str | None:
    """Why `document` is not a plan written from the template of `schemas` (its versions), or None
    if it may be one: it shares at least `NOT_A_PLAN` of the template's headings, or keeps one of
    the instructions or placeholders of a version (a draft), or has a quick action."""
    if likeness >= NOT_A_PLAN or document.quick_actions:
        return None
    paragraphs = [block.text for section in (document.preamble, *document.headings) for block in section.blocks
                  if block.kind == "paragraph"]  # fmt: skip
    for schema in schemas:
        catalogue = schema.catalogue
        if any(catalogue.is_instruction(text) for text in paragraphs):
            return None
        # A placeholder with a sign in it (`???`, `[date]`, `X ms to Y ms`) marks a draft; a bare
        # `X` is too common in other prose to.
        if any(token in document.visible_text for token in catalogue.placeholders if not token.isalnum()):
            return None
    return (
        f"not a rollout plan: it shares {likeness:.0%} of its headings with {template} (a plan shares at "
        f"least {NOT_A_PLAN:.0%}), and has none of its instructions or placeholders and no quick action"
    )


def _settle(found: list[Diagnostic], document: Document | None, selection: Selection | None) -> list[Diagnostic]:
    """The one place where findings are selected, re-graded, hidden and sorted.

    Rule selection comes before `finish`, so that a value finding is dropped as a repeat of a
    placeholder finding on its line only when that placeholder finding is selected. Suppression
    comments come after, and their own findings (RL601, RL602) are selected like any other.
    """

    def select(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        return diagnostics if selection is None else apply_selection(diagnostics, selection)

    found = finish(select(found))
    return found if document is None else select(apply_suppressions(document, found, lookup))


def finish(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sort, drop exact repeats, drop value findings that repeat a placeholder finding, and sum
    up the findings of a rule on a line past `MAX_REPEATS_ON_A_LINE`: every format, and the
    memory of the run, stay bounded by the number of lines."""
    unique = sorted(set(diagnostics), key=Diagnostic.sort_key)
    placeholder_lines = {(d.path, d.line) for d in unique if d.rule == UnfilledPlaceholder.id}
    kept = [
        d
        for d in unique
        if not (REGISTRY[d.rule].superseded_by_placeholder and (d.path, d.line) in placeholder_lines)
    ]
    return _sum_up_repeats(kept)


def _sum_up_repeats(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """`diagnostics` (sorted) with the findings of a rule on a line past the first
    `MAX_REPEATS_ON_A_LINE` replaced by one, at the first of them, that says how many there are.
    One more than the maximum is shown as it is: "and 1 more" would say less in the same space."""
    per_line = Counter((d.path, d.line, d.rule) for d in diagnostics)
    if max(per_line.values(), default=0) <= MAX_REPEATS_ON_A_LINE + 1:
        return diagnostics
    seen: Counter[tuple[str, int, str]] = Counter()
    result = []
    for d in diagnostics:
        key = (d.path, d.line, d.rule)
        seen[key] += 1
        if seen[key] <= MAX_REPEATS_ON_A_LINE or per_line[key] == MAX_REPEATS_ON_A_LINE + 1:
            result.append(d)
        elif seen[key] == MAX_REPEATS_ON_A_LINE + 1:
            more = per_line[key] - MAX_REPEATS_ON_A_LINE
            result.append(d._replace(message=f"and {more:,} more {d.name} findings on this line", hint=None))
    return result
