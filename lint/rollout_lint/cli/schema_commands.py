"""`rollout-lint schema diff OLD NEW`, `schema infer TEMPLATE` and `templates`: templates and their schemas.

`diff`: what changed between two versions of a template. OLD and NEW are each a template (`.md`) or a schema (`.json`), which stands for the template it
was made from (its `x-template`). Exit 0 when nothing differs, 1 when something does, 2 when
either cannot be read. `infer`: a schema from a template's text (`schema/inference.py`), to be
written beside the template, which its `x-template` names, with the overlay that adds what the
template's text cannot say (`x-overlay`, also beside it).
"""

from __future__ import annotations

import json
import sys
from typing import IO, TYPE_CHECKING, Any

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


def schema_infer(args: Namespace, out: IO[str]) -> int:
    import os

    from ..markdown.document import parse_document
    from ..markdown.source import SourceError, read_source
    from ..reporters.files import ReportFileError, output_file, write_output
    from ..schema.inference import OverlayError, infer_schema

    try:
        template = read_source(args.template)
    except SourceError as error:
        sys.stderr.write(f"rollout-lint: {args.template}: {error}\n")
        return EXIT_TROUBLE
    folder = os.path.dirname(os.path.abspath(args.template))
    for path, what in ((args.output, "a schema is written beside its template (x-template"),
                       (args.overlay, "an overlay is kept beside its template (x-overlay")):  # fmt: skip
        if path is not None and os.path.dirname(os.path.abspath(path)) != folder:
            sys.stderr.write(f"rollout-lint: {path}: {what} names a file there)\n")
            return EXIT_TROUBLE
    name = os.path.basename(args.template)
    overlay_path = args.overlay or default_overlay(args.template)
    try:
        overlay = _read_overlay(overlay_path) if overlay_path else None
        schema = infer_schema(
            parse_document(template),
            name,
            os.path.splitext(name)[0],
            overlay,
            os.path.basename(overlay_path) if overlay_path else None,
        )
    except (_Unreadable, OverlayError) as error:
        sys.stderr.write(f"rollout-lint: {overlay_path}: {error}\n")
        return EXIT_TROUBLE
    if overlay_path:
        # What an overlay adds is the user's JSON Schema: checked as `check --schema` would, so
        # that a misspelt keyword (`x-rulle`) stops here rather than when the schema is used.
        from ..rules import REGISTRY
        from ..schema.loading import SchemaError, check_schema

        try:
            check_schema("the schema with its overlay", schema, REGISTRY)
        except SchemaError as error:
            sys.stderr.write(f"rollout-lint: {overlay_path}: {error}\n")
            return EXIT_TROUBLE
    text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    if args.output is None:
        out.write(text)
        return EXIT_CLEAN
    try:
        if os.path.lexists(args.output) and not args.force:
            raise ReportFileError(f"{args.output} exists; --force overwrites it")
        write_output(output_file(args.output, "schema"), text.encode("utf-8"), "schema")
    except ReportFileError as error:
        sys.stderr.write(f"rollout-lint: {error}\n")
        return EXIT_TROUBLE
    return EXIT_CLEAN


def default_overlay(template: str) -> str | None:
    """The overlay kept beside `template` (`plan.md` -> `plan.overlay.json`), if there is one."""
    import os

    path = os.path.splitext(template)[0] + ".overlay.json"
    return path if os.path.isfile(path) else None


def _read_overlay(path: str) -> dict[str, Any]:
    from ..markdown.source import SourceError, read_text

    try:
        # Read as any file a user gives: a FIFO or device is refused, not read for ever.
        overlay = json.loads(read_text(path))
    except SourceError as error:
        raise _Unreadable(str(error)) from None
    except (ValueError, RecursionError) as error:
        raise _Unreadable(f"not JSON: {error}") from None
    if not isinstance(overlay, dict):
        raise _Unreadable("an overlay is a JSON object")
    return overlay


def list_templates(format_name: str, out: IO[str]) -> int:
    """The bundled templates and their versions, oldest first; the default template first."""
    from ..rules import bundled_families

    families = bundled_families()
    if format_name == "json":
        listing = [
            {
                "name": family.name,
                "title": family.title,
                "default": index == 0,
                "versions": [
                    {
                        "version": version.version,
                        "label": version.label,
                        "schema": version.schema,
                        "about": version.about,
                    }
                    for version in family.versions
                ],
            }
            for index, family in enumerate(families.values())
        ]
        out.write(json.dumps(listing, indent=2, ensure_ascii=False) + "\n")
        return EXIT_CLEAN
    for index, family in enumerate(families.values()):
        default = " (the default: each plan against the version it matches best)" if index == 0 else ""
        out.write(f"{family.name}: {family.title}{default}\n")
        for version in family.versions:
            newest = " (newest)" if version is family.newest else ""
            out.write(f"  {version.label}{newest}: {version.about}\n")
    return EXIT_CLEAN
