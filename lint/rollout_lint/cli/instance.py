"""`rollout-lint instance PLAN`: the JSON instance a schema sees of a plan, for schema authors.

What a template schema constrains is not the Markdown but this instance (its shape is described in
`schema/instance.py` and in the README's "Writing a schema"); printing it is the quickest way to
see which key a section is under, which columns a table has, or what a list's `fields` hold. The
schema matters: a section is keyed by the schema's spelling of its title, and the instructions and
placeholders are those of the schema's template. Without `--schema`, the plan's version of the
bundled template is chosen as `check` chooses it.
"""

from __future__ import annotations

import json
import sys
from typing import IO, TYPE_CHECKING

from . import EXIT_CLEAN, EXIT_TROUBLE

if TYPE_CHECKING:
    from argparse import Namespace


def print_instance(args: Namespace, out: IO[str]) -> int:
    from ..markdown.document import parse_document
    from ..markdown.source import SourceError, read_source
    from ..rules import load_schema, load_template
    from ..rules.checker import resolve_mode
    from ..schema.instance import build_instance
    from ..schema.loading import SchemaError, TemplateSchema

    try:
        schema = load_schema(args.schema) if args.schema is not None else load_template(args.template)
    except SchemaError as error:
        sys.stderr.write(f"rollout-lint: {error}\n")
        return EXIT_TROUBLE
    try:
        source = read_source(args.path, display_path=args.path)
    except SourceError as error:
        sys.stderr.write(f"rollout-lint: {args.path}: {error}\n")
        return EXIT_TROUBLE
    mode = resolve_mode(args.mode or "auto", args.path)
    document = parse_document(source)
    if not isinstance(schema, TemplateSchema):  # the bundled family: the plan's version
        schema = schema.choose(document).schema
    instance, _ = build_instance(document, mode, schema.catalogue, schema.outline_titles)
    out.write(json.dumps(instance, indent=2, ensure_ascii=False) + "\n")
    return EXIT_CLEAN
