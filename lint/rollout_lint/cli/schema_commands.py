"""`rollout-lint schema diff OLD NEW`: what changed between two versions of a template.

OLD and NEW are each a template (`.md`) or a schema (`.json`), which stands for the template it
was made from (its `x-template`). Exit 0 when nothing differs, 1 when something does, 2 when
either cannot be read.
"""

from __future__ import annotations

import json
import sys
from typing import IO, TYPE_CHECKING

from . import EXIT_CLEAN, EXIT_FINDINGS, EXIT_TROUBLE

if TYPE_CHECKING:
    from argparse import Namespace

    from ..markdown.document import Document


class _Unreadable(Exception):
    """A version cannot be read; the message names it (one line, exit 2)."""


def schema_diff(args: Namespace, out: IO[str]) -> int:
    from ..schema.template_diff import diff_text, differs, template_diff

    try:
        old, new = _template(args.old), _template(args.new)
    except _Unreadable as error:
        sys.stderr.write(f"rollout-lint: {error}\n")
        return EXIT_TROUBLE
    diff = template_diff(old, new)
    out.write(json.dumps(diff, indent=2, ensure_ascii=False) + "\n" if args.format == "json" else diff_text(diff))
    return EXIT_FINDINGS if differs(diff) else EXIT_CLEAN


def _template(path: str) -> Document:
    """The template at `path`, or the one the schema at `path` was made from."""
    from ..markdown.document import parse_document
    from ..markdown.source import SourceError, read_source
    from ..rules import load_schema
    from ..schema.loading import SchemaError

    if path.endswith(".json"):
        try:
            schema = load_schema(path)
        except SchemaError as error:
            raise _Unreadable(str(error)) from None
        if schema.template_document is None:
            raise _Unreadable(f"{path}: the schema names no template (x-template) to compare")
        return schema.template_document
    try:
        return parse_document(read_source(path))
    except SourceError as error:
        raise _Unreadable(f"{path}: {error}") from None
