"""RL201–RL203: what the writer must fill in.

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


RULES = (TemplateInstructionLeft, UnfilledPlaceholder, EmptySection)
