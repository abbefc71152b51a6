"""The declared dependency floors are the ones CI tests: `constraints/lowest.txt` (installed in
CI's second venv, see `.ci/run`) pins every dependency of pyproject.toml, the test extras too,
to exactly the floor it declares."""

from __future__ import annotations

import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from conftest import ROOT


def declared_floors() -> dict[str, Version | None]:
    """Each dependency and test extra of pyproject.toml → its `>=` floor (None if it has none)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    floors = {}
    for line in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        requirement = Requirement(line)
        lowest = [Version(specifier.version) for specifier in requirement.specifier if specifier.operator == ">="]
        floors[canonicalize_name(requirement.name)] = lowest[0] if lowest else None
    return floors


def lowest_pins() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "constraints" / "lowest.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = Version(version)
    return pins


def test_every_dependency_has_a_floor_and_ci_installs_exactly_it() -> None:
    floors = declared_floors()
    assert None not in floors.values(), floors  # without a floor, "the lowest allowed" means nothing
    # Compared as versions: the floor "3" is the pin "3.0.0".
    assert lowest_pins() == floors
