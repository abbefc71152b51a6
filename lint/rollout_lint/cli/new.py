"""`rollout-lint new`: a fresh plan from the template that goes with the schema.

The template is copied as it is, with the model's name where the template names the model (its
`[Model]` marker, as in `<!-- Title suggestion: [Model] Rollout Plan -->`), and each quick action
once: GitLab's own template gives `/confidential` twice, which `check` reports (RL504). Nothing
else is filled in, least of all dates: what a person must write is left for `check` to ask for.
"""

from __future__ import annotations

import os
import sys
from typing import IO, TYPE_CHECKING

from ..markdown.source import UTF8_BOM, Source
from ..reporters.files import ReportFileError, output_file, write_output

if TYPE_CHECKING:
    from argparse import Namespace

MODEL_MARKER = "[Model]"


class ScaffoldError(Exception):
    """The plan cannot be written (one line, for exit code 2)."""


def plan_text(template: Source, model: str) -> str:
    """`template` with `model` for its `[Model]` marker and without repeated quick actions;
    raises `ScaffoldError` for an unusable name."""
    name = model.strip()
    if not name:
        raise ScaffoldError("--model: the model's name is empty")
    # The title suggestion is an HTML comment: a line break or `-->` would end it early and
    # show the rest in the issue.
    if any(part in name for part in ("\n", "\r", "-->", "<!--")):
        raise ScaffoldError(f"--model: {model!r} cannot stand in an HTML comment (no line breaks, '<!--' or '-->')")
    return _without_repeated_quick_actions(template).replace(MODEL_MARKER, name)


def _without_repeated_quick_actions(template: Source) -> str:
    """The template's text without the lines of quick actions given earlier in it."""
    from ..markdown.document import parse_document

    seen: set[tuple[str, str]] = set()
    repeated: set[int] = set()
    for action in parse_document(template).quick_actions:
        if (action.command, action.argument) in seen:
            repeated.add(action.span.line)
        seen.add((action.command, action.argument))
    starts = template.line_starts
    lines = [template.text[start:end] for start, end in zip(starts, [*starts[1:], len(template.text)])]
    return "".join(line for number, line in enumerate(lines, start=1) if number not in repeated)


def new_plan(args: Namespace, out: IO[str]) -> int:
    """The `new` command; returns the exit code."""
    from ..rules import load_schema
    from ..schema.loading import SchemaError

    try:
        schema = load_schema(args.schema)
        template = schema.template
        if template is None:
            raise ScaffoldError(f"{schema.name}: the schema names no template (x-template)")
        text = plan_text(template, args.model)
        if MODEL_MARKER not in template.text:
            sys.stderr.write(f"rollout-lint: the template has no {MODEL_MARKER} marker: the model's name is not used\n")
        if args.output is None:
            out.write(text)
            return 0
        if os.path.lexists(args.output) and not args.force:
            raise ScaffoldError(f"{args.output} exists; --force overwrites it")
        # As a report file is: a regular file replaced whole, a device or a pipe written into.
        target = output_file(args.output, "plan")
        write_output(target, ((UTF8_BOM if template.has_bom else "") + text).encode("utf-8"), "plan")
    except (SchemaError, ScaffoldError, ReportFileError) as error:
        sys.stderr.write(f"rollout-lint: {error}\n")
        return 2
    return 0
