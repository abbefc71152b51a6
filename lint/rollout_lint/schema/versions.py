"""The bundled templates as families of versions, and the version a plan was written from.

Takes `schemas/templates.json` (each family's versions, oldest first) and a parsed plan; gives
the version whose headings the plan shares most: the size of what the plan's headings and the
version's outline have in common over the size of both together (Jaccard, titles compared as
`normalise` does, so a recased heading still counts). The newest version wins a tie, and a plan
that shares less than `WELL_MATCHED` with every version is checked against the newest, with a
finding that says so (RL108). A version's schema is loaded the first time a plan needs it.
"""

import json
from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

from ..markdown.document import Document
from .loading import SchemaError, TemplateSchema, packaged_path
from .template import normalise

TEMPLATES = "templates.json"
# Below this share of headings in common with every version, a plan was not written from any.
WELL_MATCHED = 0.5


class Version(NamedTuple):
    family: str
    version: str
    schema: str  # the schema's file, beside templates.json
    about: str

    @property
    def label(self) -> str:
        """How reports name it: `model-rollout-plan@dcc04245`."""
        return f"{self.family}@{self.version}"


class Choice(NamedTuple):
    schema: TemplateSchema
    version: Version
    likeness: float  # the share of headings in common, 0 to 1
    well_matched: bool


class TemplateFamily:
    """A template's versions; `load(file)` loads a bundled schema file."""

    def __init__(self, name: str, title: str, versions: list[Version], load: Callable[[str], TemplateSchema]) -> None:
        self.name = name
        self.title = title
        self.versions = versions
        self._load = load
        self._schemas: dict[str, TemplateSchema] = {}

    @property
    def newest(self) -> Version:
        return self.versions[-1]

    def schema(self, version: Version) -> TemplateSchema:
        if version.schema not in self._schemas:
            self._schemas[version.schema] = self._load(version.schema)
        return self._schemas[version.schema]

    def choose(self, document: Document) -> Choice:
        """The version `document` was most likely written from."""
        written = written_titles(document)
        best: tuple[float, Version] | None = None
        for version in self.versions:  # oldest first: a later version wins a tie
            likeness = _jaccard(written, self.schema(version).outline_title_set)
            if best is None or likeness >= best[0]:
                best = (likeness, version)
        assert best is not None, "a family has at least one version"
        likeness, version = best
        if likeness < WELL_MATCHED:
            version = self.newest
        return Choice(self.schema(version), version, likeness, likeness >= WELL_MATCHED)

    def every_schema(self) -> list[TemplateSchema]:
        return [self.schema(version) for version in self.versions]

    def read_every_version(self) -> None:
        """Load each version's schema and outline now, as `choose` would at its first plan."""
        for version in self.versions:
            self.schema(version).outline_title_set

    def pinned(self, version: str) -> TemplateSchema:
        for candidate in self.versions:
            if candidate.version == version:
                return self.schema(candidate)
        known = ", ".join(f"{self.name}@{candidate.version}" for candidate in self.versions)
        raise SchemaError(f"{self.name} has no version {version!r}; it has {known}")


def written_titles(document: Document) -> frozenset[str]:
    return frozenset(normalise(section.title) for section in document.headings)


def outline_likeness(document: Document, schema: TemplateSchema) -> float:
    """The share of headings `document` and the outline of `schema` have in common, as `choose`
    measures it for a family's versions."""
    return _jaccard(written_titles(document), schema.outline_title_set)


def _jaccard(written: frozenset[str], outline: frozenset[str]) -> float:
    both = written | outline
    return len(written & outline) / len(both) if both else 0.0


def families(load: Callable[[str], TemplateSchema]) -> dict[str, TemplateFamily]:
    """The bundled families, by name, the default first."""
    catalogue = _catalogue()
    found = {
        name: TemplateFamily(
            name,
            family["title"],
            [Version(name, version, entry["schema"], entry["about"]) for version, entry in family["versions"].items()],
            load,
        )
        for name, family in catalogue["templates"].items()
    }
    default = catalogue["default"]
    return {default: found[default], **found}


def resolve_template(spec: str, load: Callable[[str], TemplateSchema]) -> TemplateSchema | TemplateFamily:
    """`NAME` (the family: the version is chosen per plan) or `NAME@VERSION` (that version)."""
    name, _, version = spec.partition("@")
    known = families(load)
    if name not in known:
        raise SchemaError(f"no bundled template {name!r}; 'rollout-lint templates' lists them")
    return known[name].pinned(version) if version else known[name]


@cache
def _catalogue() -> dict[str, Any]:
    catalogue: dict[str, Any] = json.loads(packaged_path(TEMPLATES).read_text("utf-8"))
    return catalogue
