"""The rule registry: every finding rollout-lint can report, with its id, name and severity.

A rule's docstring is its user documentation (`rollout-lint explain RL101`, the README table).
Rules do not decide where they apply: schemas point at them with `"x-rule"`, and checks
return them by id. The linter, not the rule, stamps severity on a finding.
"""

from __future__ import annotations

from typing import ClassVar, Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


class Rule:
    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = "error"
    # A finding of a "value" rule on a line that also holds an unfilled placeholder says the
    # same thing twice ("??? is not a date"); the placeholder finding is kept, this one dropped.
    superseded_by_placeholder: ClassVar[bool] = False
    # `check --fix` can fix its findings from the template alone; the docstring says how.
    fixable: ClassVar[bool] = False
    # Its findings report something missing from the whole file (a section, a label): the line
    # they are shown at is only where it would go, not what is wrong, and is no part of their
    # identity (the CI reports' fingerprints).
    reports_absence: ClassVar[bool] = False

    @classmethod
    def doc(cls) -> str:
        # inspect.cleandoc's effect, without importing inspect (~9 ms); textwrap only here,
        # for `rules` and `explain`, not on every check.
        import textwrap

        first, _, rest = (cls.__doc__ or "").strip("\n").partition("\n")
        return f"{first.strip()}\n{textwrap.dedent(rest)}".strip()

    @classmethod
    def summary(cls) -> str:
        return cls.doc().split("\n", 1)[0]


# --- Files: could the file be read and parsed at all? -------------------------------------


class InternalError(Rule):
    """rollout-lint itself failed on this file. Please report it, with the file if you can.

    The other files of the run are still checked; the run exits with code 2.
    """

    id = "RL000"
    name = "internal-error"


class UnreadableFile(Rule):
    """The file could not be checked: missing, unreadable, not UTF-8, binary or not a file.

    Nothing else is reported for such a file and the run exits with code 2, after checking
    every other file. Save the plan as UTF-8 text (GitLab stores descriptions as UTF-8). A
    directory that cannot be read, while searching for plans, is reported the same way.
    """

    id = "RL001"
    name = "unreadable-file"


class EmptyFile(Rule):
    """The file is empty or holds only white space.

    An empty description is not a rollout plan; start from `rollout-lint new` or the template.
    """

    id = "RL002"
    name = "empty-file"


class NestingTooDeep(Rule):
    """Content nested deeper than the parser reads (64 levels of lists or quotes).

    Everything from the reported line to the end of that block is not checked. GitLab's own
    renderer has similar limits, so the content would not show as intended either.
    """

    id = "RL003"
    name = "nesting-too-deep"


class NulCharacter(Rule):
    """The file contains a NUL character (U+0000).

    CommonMark replaces it with U+FFFD, so it never shows as written; it usually comes from a
    bad copy and paste or a wrong encoding. Delete it.
    """

    id = "RL004"
    name = "nul-character"


class DescriptionTooLong(Rule):
    """The description is longer than GitLab accepts (1,048,576 characters): not checked.

    GitLab rejects issue descriptions over this length. Such a file is not parsed (GitLab
    could not store it, and parsing takes memory many times its size); no more than GitLab's
    longest description can take in UTF-8 is read of it. Like RL001, it makes the run exit
    with code 2 and is never ignored or suppressed. Split supporting data into comments or
    linked files.
    """

    id = "RL005"
    name = "description-too-long"


# --- Structure: the template's sections, preamble and declaration ------------------------------


class SchemaViolation(Rule):
    """A requirement of the template schema is not met (no more specific rule applies).

    The message quotes the schema's own words; the schema file names what it expects.
    """

    id = "RL100"
    name = "schema-violation"


class MissingSection(Rule):
    """A section of the template is missing.

    Every heading of the template must be present at its level. A heading that is close to
    the expected one gets a "did you mean" hint; add the section or correct the heading.
    Sections you add on top of the template are allowed.

    Fixable: `--fix` inserts the template's heading and its instructions at the template's
    place, for you to fill in.
    """

    id = "RL101"
    name = "missing-section"
    fixable = True
    reports_absence = True


class MisorderedSection(Rule):
    """A section of the template is out of order.

    Reviewers read plans in the template's order; move the section back to its place.
    """

    id = "RL102"
    name = "misordered-section"


class DuplicateSection(Rule):
    """A section of the template appears more than once.

    Only the first one is checked; merge the two.
    """

    id = "RL103"
    name = "duplicate-section"


class HeadingCase(Rule):
    """A template heading differs from the template only in letter case or spacing.

    It is recognised and checked as the template's section; write it as the template does
    so that links to the heading anchor work.

    Fixable: `--fix` writes the heading as the template does.
    """

    id = "RL104"
    name = "heading-case"
    severity = "warning"
    fixable = True


class HeadingLevel(Rule):
    """A template heading is at the wrong level (for example `###` instead of `##`).

    The level decides which section a subsection belongs to; use the template's level.
    """

    id = "RL105"
    name = "heading-level"


class MissingConfidentialDeclaration(Rule):
    """The confidentiality statement or its "Do not remove" comment is missing.

    Rollout plans share SAFE metrics in their comments: keep the template's statement
    `_The issue is marked confidential..._` and the comment above it.

    Fixable: `--fix` restores the missing comment or statement from the template, verbatim.
    """

    id = "RL106"
    name = "missing-confidential-declaration"
    fixable = True
    reports_absence = True


# --- Content: what the writer must fill in ---------------------------------------------


class TemplateInstructionLeft(Rule):
    """An instruction of the template (its italic `_..._` paragraphs) is left in the plan.

    The instructions are derived from the template that goes with the schema. Replace the
    instruction with the content it asks for, then delete it.
    """

    id = "RL201"
    name = "template-instruction-left"
    severity = "warning"


class UnfilledPlaceholder(Rule):
    """A placeholder of the template is left unfilled: `???`, `[date]`, `X ms to Y ms`, `X% to Y%`.

    The placeholders are derived from the template that goes with the schema, not from a
    fixed list. Replace each with the real value.
    """

    id = "RL202"
    name = "unfilled-placeholder"


class EmptySection(Rule):
    """A section that must be filled in holds nothing but comments and template instructions.

    Write the section's content; if there is truly nothing to say, say so ("None known").
    """

    id = "RL203"
    name = "empty-section"


# --- Tables ---------------------------------------------------------------------------


class MissingTable(Rule):
    """A table of the template is missing or has other columns.

    The resource table (`| Resource | Links |`) and the timeline table
    (`| Date | Audience | Status |`) are read by people and tools alike; keep their columns.
    """

    id = "RL301"
    name = "missing-table"


class MissingTableRow(Rule):
    """A row of a template table is missing, renamed or out of order.

    The resource table needs the rows Model, Epic or Issue, Feature Flag Rollout Issue and
    Status updates; the timeline table the four audiences, in the template's order.
    """

    id = "RL302"
    name = "missing-table-row"


class MissingLink(Rule):
    """A required link is empty or not a link.

    The Feature Flag Rollout Issue cell needs a URL or a GitLab reference: `#123`,
    `group/project#123`, `&123`, `[text](https://...)` or `https://host/group/project/-/issues/123`.
    """

    id = "RL303"
    name = "missing-link"
    superseded_by_placeholder = True


class EmptyRecommendedCell(Rule):
    """A recommended cell of a template table is empty.

    The template recommends it (for example the epic and the status updates); fill it in or
    write "n/a".
    """

    id = "RL304"
    name = "empty-recommended-cell"
    severity = "warning"


class InvalidDate(Rule):
    """A date is empty, a placeholder (`TBD`) or not a date this tool can read unambiguously.

    Use ISO dates (`2026-10-01`); `1 Oct 2026`, `Oct 1, 2026` and `2026/10/01` are also read.
    `10/01/2026` is refused: it means different days in different countries.
    """

    id = "RL305"
    name = "invalid-date"
    superseded_by_placeholder = True


class DatesOutOfOrder(Rule):
    """Dates go backwards: a later row or the end of a period is before an earlier one.

    Rollout stages are listed in the order they happen; check the year and the month.
    """

    id = "RL306"
    name = "dates-out-of-order"


# --- Metrics and criteria -----------------------------------------------------------------


class InvalidRange(Rule):
    """A metric is not a numeric range with a unit, or its range is impossible.

    Write `p50: 120 ms to 180 ms` or `Rate: 92% to 95%`: low ≤ high, a known unit, and
    percentages within 0–100.
    """

    id = "RL401"
    name = "invalid-range"
    superseded_by_placeholder = True


class PercentilesOutOfOrder(Rule):
    """Percentile ranges contradict each other: p50 must not exceed p90, nor p90 exceed p95.

    A higher percentile of the same latency can never be lower; check for swapped lines.
    """

    id = "RL402"
    name = "percentiles-out-of-order"


class MissingCriteria(Rule):
    """A criteria section has no criterion.

    The Pivot / Pause / Rollback Criteria must list at least one condition under which the
    rollout stops.
    """

    id = "RL403"
    name = "missing-criteria"


# --- Quick actions and labels ---------------------------------------------------------------


class MissingQuickAction(Rule):
    """A required quick action is missing, such as `/confidential`.

    GitLab runs quick actions only from their own line, starting at column 0, outside code,
    comments and quotes; one written anywhere else does nothing.

    Fixable: `--fix` appends the template's line after the last quick action.
    """

    id = "RL501"
    name = "missing-quick-action"
    fixable = True
    reports_absence = True


class MissingLabel(Rule):
    """A required label is not applied by any `/label` quick action.

    The template applies `type::feature`, `feature::maintenance` and `AI Model Migration`;
    triage boards and reports depend on them.

    Fixable: `--fix` appends the template's `/label` line after the last quick action.
    """

    id = "RL502"
    name = "missing-label"
    fixable = True
    reports_absence = True


class ConflictingScopedLabels(Rule):
    """Two labels of the same scope are applied (`type::feature` and `type::bug`).

    A scoped label's scope is the part before its last `::`; GitLab keeps only one label per
    scope, so one of the two is silently dropped.
    """

    id = "RL503"
    name = "conflicting-scoped-labels"


class DuplicateQuickAction(Rule):
    """The same quick action is given twice. Harmless, but one of them can go."""

    id = "RL504"
    name = "duplicate-quick-action"
    severity = "info"


# --- Suppression comments ---------------------------------------------------------------


class UnusedSuppression(Rule):
    """A suppression comment suppressed nothing, or an enable comment had nothing to end.

    `<!-- rollout-lint-disable-next-line RL203 -->` hides the findings of the next non-blank
    line; `<!-- rollout-lint-disable RL203 -->` those up to `<!-- rollout-lint-enable RL203 -->`
    (or the end of the file); `<!-- rollout-lint-disable-file -->` those of the whole file.
    Without rule ids they hide every rule. A suppression left behind after the problem was
    fixed would hide the next one unseen: delete it.
    """

    id = "RL601"
    name = "unused-suppression"
    severity = "info"


class UnknownRuleInSuppression(Rule):
    """A suppression comment names a rule that does not exist.

    Name rules by id (`RL203`) or name (`empty-section`), separated by commas or spaces;
    `rollout-lint rules` lists them. A suppression naming only unknown rules hides nothing.
    """

    id = "RL602"
    name = "unknown-rule-in-suppression"
    severity = "warning"


REGISTRY: dict[str, type[Rule]] = {
    rule.id: rule
    for rule in (
        InternalError,
        UnreadableFile,
        EmptyFile,
        NestingTooDeep,
        NulCharacter,
        DescriptionTooLong,
        SchemaViolation,
        MissingSection,
        MisorderedSection,
        DuplicateSection,
        HeadingCase,
        HeadingLevel,
        MissingConfidentialDeclaration,
        TemplateInstructionLeft,
        UnfilledPlaceholder,
        EmptySection,
        MissingTable,
        MissingTableRow,
        MissingLink,
        EmptyRecommendedCell,
        InvalidDate,
        DatesOutOfOrder,
        InvalidRange,
        PercentilesOutOfOrder,
        MissingCriteria,
        MissingQuickAction,
        MissingLabel,
        ConflictingScopedLabels,
        DuplicateQuickAction,
        UnusedSuppression,
        UnknownRuleInSuppression,
    )
}
# Findings that mean a file could not be checked: the run exits with 2.
COULD_NOT_CHECK = frozenset({InternalError.id, UnreadableFile.id, DescriptionTooLong.id})
BY_NAME: dict[str, type[Rule]] = {rule.name: rule for rule in REGISTRY.values()}


def lookup(code: str) -> type[Rule] | None:
    """A rule by id (`RL101`, any case) or by name (`missing-section`)."""
    return REGISTRY.get(code.upper()) or BY_NAME.get(code.lower())
