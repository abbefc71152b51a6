"""`rollout-lint rules` and `rollout-lint explain`: the rules' documentation, from the rule modules."""

from __future__ import annotations

import sys
from typing import IO

from . import EXIT_CLEAN, EXIT_TROUBLE


def list_rules(format_name: str, out: IO[str]) -> int:
    from ..rules import REGISTRY

    if format_name == "json":
        import json

        entries = [
            {
                "id": r.id,
                "name": r.name,
                "severity": r.severity,
                "fixable": r.fixable,
                "summary": r.summary(),
                "doc": r.doc(),
            }
            for r in REGISTRY.values()
        ]
        out.write(json.dumps(entries, indent=2, ensure_ascii=False) + "\n")
        return EXIT_CLEAN
    if format_name == "markdown":
        out.write("| id | name | severity | fix | what it reports |\n| --- | --- | --- | --- | --- |\n")
        for rule in REGISTRY.values():
            mark = "[*]" if rule.fixable else ""
            out.write(f"| {rule.id} | `{rule.name}` | {rule.severity} | {mark} | {rule.summary()} |\n")
        return EXIT_CLEAN
    width = max(len(rule.name) for rule in REGISTRY.values())
    for rule in REGISTRY.values():
        mark = "[*]" if rule.fixable else "   "
        out.write(f"{rule.id}  {rule.name:<{width}}  {rule.severity:<7}  {mark}  {rule.summary()}\n")
    return EXIT_CLEAN


def explain_rule(code: str, schema_path: str | None, out: IO[str]) -> int:
    """The rule's documentation, and what the template schema says the rule means for its
    template (`x-explain`): the rules are the same for every template, the schema is not."""
    from ..rules import load_schema, lookup
    from ..schema.loading import SchemaError

    rule = lookup(code)
    if rule is None:
        sys.stderr.write(f"rollout-lint: unknown rule {code!r}; 'rollout-lint rules' lists them\n")
        return EXIT_TROUBLE
    try:
        schema = load_schema(schema_path)
    except SchemaError as error:
        sys.stderr.write(f"rollout-lint: {error}\n")
        return EXIT_TROUBLE
    out.write(f"{rule.id} {rule.name} ({rule.severity})\n\n{rule.doc()}\n")
    explained = schema.explanations.get(rule.id)
    if explained:
        title = schema.contents.get("title") or schema.name
        out.write(f"\nIn {title}: {explained}\n")
    return EXIT_CLEAN


