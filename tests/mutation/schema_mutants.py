"""Mutation testing of the bundled schema, which mutmut cannot mutate (it is JSON).

Makes each single mutation of `schemas/model-rollout-plan.schema.json` a reviewer would worry
about (a requirement dropped, a `const` or a bound changed, a rule swapped for RL100, a check
keyword or its words dropped, an outline entry dropped or moved a level), writes it over the
schema, runs the tests that should notice, and restores the schema. A mutant is killed when the
tests fail, survives when they pass. Run by hand, with nothing else running in this checkout
(the tests read the schema from it; a copy of the checkout can be mutated instead):

    .venv/bin/python tests/mutation/schema_mutants.py [-k TEXT] [TEST_FILE...]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "schemas" / "model-rollout-plan.schema.json"
# Every boundary table (a row's requirement may be pinned by its topic's table: RL403's `minItems`
# by the metrics one), those about the schema's annotations and outline first: `-x` stops at the
# first failure, and most mutants fail there.
FIRST = ("annotations", "outline", "quick_actions")
TESTS = [f"tests/test_boundaries_{topic}.py" for topic in FIRST] + sorted(
    str(path.relative_to(ROOT)) for path in (ROOT / "tests").glob("test_boundaries_*.py") if path.stem.split("_", 2)[2] not in FIRST
)
# Keywords whose loss would let a plan pass that lacks something.
DROPPED = frozenset(
    {"contains", "minItems", "minLength", "format", "pattern", "required", "$ref", "prefixItems", "items", "then",
     "minimum", "maximum", "x-outline", "x-dates-ascend", "x-period", "x-range", "x-ascending-ranges",
     "x-unique-scopes", "x-duplicates", "x-message", "x-hint"}
)
LISTS = frozenset({"allOf", "prefixItems", "x-outline", "children"})  # each entry is a requirement
NOT_WALKED = frozenset({"const", "enum", "x-explain", "x-message", "description", "title"})  # data or words

Pointer = tuple[str | int, ...]
Mutation = tuple[str, Pointer, Any]  # what it does, where, and the new value (DROP: removed)
DROP = object()


def mutations(node: Any, pointer: Pointer = ()) -> Iterator[Mutation]:
    """Every mutation below `node` (at `pointer` in the schema), in document order."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            if pointer and pointer[-1] in LISTS:
                yield "drop", (*pointer, index), DROP
            yield from mutations(item, (*pointer, index))
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        at = (*pointer, key)
        if key in DROPPED:
            yield "drop", at, DROP
        if key == "const":
            yield "change", at, value[:-1] if isinstance(value, list) else f"{value}!"
        if key == "x-rule" and value != "RL100":
            yield "swap for RL100", at, "RL100"
        if key in ("minItems", "minLength", "level") and isinstance(value, int):
            yield "add 1 to", at, value + 1
            if value > 1 and key != "level":
                yield "subtract 1 from", at, value - 1
        if key not in NOT_WALKED:
            yield from mutations(value, at)


def mutated(schema: dict[str, Any], pointer: Pointer, value: Any) -> dict[str, Any]:
    result = copy.deepcopy(schema)
    parent: Any = result
    for step in pointer[:-1]:
        parent = parent[step]
    if value is DROP:
        del parent[pointer[-1]]
    else:
        parent[pointer[-1]] = value
    return result


def tests_pass(tests: list[str]) -> bool | None:
    """Whether `tests` pass against the schema as it is now; None if they did not end in time."""
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    # The package of this checkout, whatever the Python's own install points at.
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "lint")}
    try:
        return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, timeout=900).returncode == 0
    except subprocess.TimeoutExpired:
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-k", default="", help="only the mutants whose description holds TEXT")
    parser.add_argument("tests", nargs="*", default=TESTS)
    args = parser.parse_args()
    original = SCHEMA.read_bytes()
    schema = json.loads(original)
    # A SIGTERM or ^C ends the run through `finally`, which puts the schema back.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    if not tests_pass(args.tests):
        print("the tests fail on the schema as it is: fix that first", file=sys.stderr)
        return 2
    outcomes: dict[str, int] = {"killed": 0, "survived": 0, "timeout": 0}
    try:
        for what, pointer, value in mutations(schema):
            description = f"{what} /{'/'.join(map(str, pointer))}" + ("" if value is DROP else f" -> {json.dumps(value)}")
            if args.k not in description:
                continue
            SCHEMA.write_text(json.dumps(mutated(schema, pointer, value), indent=2), encoding="utf-8")
            passed = tests_pass(args.tests)
            outcome = "timeout" if passed is None else "survived" if passed else "killed"
            outcomes[outcome] += 1
            print(f"{outcome:8}  {description}", flush=True)
    finally:
        SCHEMA.write_bytes(original)
    total = sum(outcomes.values())
    print(f"{total} mutants: " + ", ".join(f"{count} {name}" for name, count in outcomes.items()))
    return 1 if outcomes["survived"] or outcomes["timeout"] else 0


if __name__ == "__main__":
    sys.exit(main())
