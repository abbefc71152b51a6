"""The folders are the pipeline: no module imports a later stage, and no import cycle.

Read from the source with `ast`, every import counted, those inside functions (made late for
start-up time) and under TYPE_CHECKING too: a late import is still an arrow.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "lint" / "rollout_lint"
# Each stage may import itself and the stages before it.
STAGES = ("", "markdown", "schema", "rules", "fix", "config", "reporters", "gitlab", "cli")
# Modules at the top of the package that every stage may use: the finding, writing a file whole.
SHARED = {"rollout_lint", "rollout_lint.diagnostics", "rollout_lint.safe_write"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The rollout_lint modules `path` imports, relative imports resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("rollout_lint"))
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            if not target.startswith("rollout_lint"):
                continue
            for alias in node.names:
                # `from . import rules` imports a module; `from .rules import REGISTRY` a name.
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
    return found


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}
GRAPH = {name: imports_of(path) - {name} for name, path in MODULES.items()}


def stage(module: str) -> str:
    if module == "rollout_lint.__main__":
        return "cli"  # `python -m rollout_lint`: the command line
    if module in SHARED:
        return ""
    return module.split(".")[1] if module.count(".") >= 1 and module.split(".")[1] in STAGES else ""


def test_the_graph_is_read() -> None:
    assert "rollout_lint.rules.checker" in GRAPH["rollout_lint.cli.check"]
    assert "rollout_lint.markdown.document" in GRAPH["rollout_lint.schema.instance"]


def test_no_stage_imports_a_later_one() -> None:
    upward = [
        f"{module} imports {target}"
        for module, targets in sorted(GRAPH.items())
        for target in sorted(targets)
        if STAGES.index(stage(target)) > STAGES.index(stage(module))
    ]
    assert upward == []


def test_no_import_cycle() -> None:
    """Cycles of modules; a package's `__init__` importing its own modules is not one."""

    def own_init(module: str, target: str) -> bool:
        return module.startswith(target + ".") and MODULES[target].name == "__init__.py"

    edges = {module: {t for t in targets if t in GRAPH and not own_init(module, t)} for module, targets in GRAPH.items()}
    cycles = []
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(edges[module]):
            if state.get(target) == 1:
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_every_package_of_the_source_is_in_the_wheel() -> None:
    """pyproject.toml lists the packages: one left out installs in editable mode (the tests' own)
    and is missing from the wheel a user installs."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    found = {module_name(path) for path in PACKAGE.rglob("__init__.py")} | {"rollout_lint.schemas"}
    assert listed == found
