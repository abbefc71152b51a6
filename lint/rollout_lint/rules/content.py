"""RL201–RL204: what the writer must fill in, and keep.

The template's italic instructions and its placeholder tokens are derived from the template
itself (`schema.template`); the schema reports those left in (`instructions`, `placeholders`)
and sections whose `content` is empty. No check of its own: the schema says it all.
"""

from __future__ import annotations

from .base import Rule


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
    fixed list: each text of the template in one of the shapes template authors write (also
    `[pipeline_link]`, `<insert_link>`, `TBD`, and a bare `X` or `XX` standing for a number).
    Placeholders inside code are not looked for. Replace each with the real value.
    """

    id = "RL202"
    name = "unfilled-placeholder"


class EmptySection(Rule):
    """A section that must be filled in holds nothing but comments and template instructions.

    Write the section's content; if there is truly nothing to say, say so ("None known"). Where
    the template's instruction asks for words beside its table (the bundled Overview), the table
    alone is not enough: an instruction left with nothing of the plan's own is unfilled, while
    one left beside the plan's own prose is only RL201.
    """

    id = "RL203"
    name = "empty-section"


class MissingChecklist(Rule):
    """A section whose template has a task list (`- [ ] ...`) has none.

    The template's checklist is how the team tracks the steps of the work: keep it, and tick
    (`- [x]`) the steps as they are done; an unticked box is not a finding. `schema infer` asks
    for it wherever the template has one.
    """

    id = "RL204"
    name = "missing-checklist"
    severity = "warning"


RULES = (TemplateInstructionLeft, UnfilledPlaceholder, EmptySection, MissingChecklist)
