"""The rules stage: a Document, its JSON instance and the schema's failures become findings.

Every rule lives in the module of its topic, with its documentation, its checks and its fix:

    files          RL000–RL005  the file could be read and parsed
    template_schema RL100       a schema failure no other rule claims; how failures become findings
    outline        RL101–RL106  sections, their order and levels, the preamble
    content        RL201–RL203  instructions and placeholders left, empty sections
    tables         RL301–RL304, RL308–RL309  tables, rows, links, timeline stages
    dates          RL305–RL307  dates, their order, and their years
    metrics        RL401–RL404  measured ranges and single values, criteria
    quick_actions  RL501–RL504  quick actions and labels
    suppressions   RL601–RL602  suppression comments

The registries below are built from those modules: `rollout-lint rules`, `explain`, the README
table and SARIF's rule list read them. `checker` runs one file through the pipeline.
"""

from __future__ import annotations

from types import ModuleType

from ..schema.loading import TemplateSchema, load_schema as _load_schema
from ..schema.versions import TemplateFamily, families, resolve_template
from ..schema.validation import FormatCheck, KeywordCheck, Vocabulary
from . import content, dates, files, metrics, outline, quick_actions, suppressions, tables, template_schema
from .base import Rule

_MODULES: tuple[ModuleType, ...] = (
    files,
    template_schema,
    outline,
    content,
    tables,
    dates,
    metrics,
    quick_actions,
    suppressions,
)
REGISTRY: dict[str, type[Rule]] = {rule.id: rule for module in _MODULES for rule in module.RULES}
BY_NAME: dict[str, type[Rule]] = {rule.name: rule for rule in REGISTRY.values()}
# Findings that mean a file could not be checked: the run exits with 2, and nothing hides them.
COULD_NOT_CHECK = files.COULD_NOT_CHECK
KEYWORDS: dict[str, KeywordCheck] = {
    name: check for module in _MODULES for name, check in getattr(module, "KEYWORDS", {}).items()
}
FORMATS: dict[str, FormatCheck] = {
    name: check for module in _MODULES for name, check in getattr(module, "FORMATS", {}).items()
}
# What a template schema may use: these keywords and formats, and these rules in `x-rule`.
VOCABULARY = Vocabulary(KEYWORDS, FORMATS, frozenset(REGISTRY))


def lookup(code: str) -> type[Rule] | None:
    """A rule by id (`RL101`, any case) or by name (`missing-section`)."""
    return REGISTRY.get(code.upper()) or BY_NAME.get(code.lower())


def load_schema(path: str | None = None) -> TemplateSchema:
    """The template schema at `path` (None: the bundled one), with these rules' keywords."""
    return _load_schema(path, VOCABULARY)


def _load_packaged(name: str) -> TemplateSchema:
    return _load_schema(None, VOCABULARY, name)


def load_template(spec: str | None = None) -> TemplateSchema | TemplateFamily:
    """A bundled template: `NAME@VERSION` that version's schema, `NAME` the family (each plan
    checked against its version), None the default family."""
    if spec is None:
        return next(iter(families(_load_packaged).values()))
    return resolve_template(spec, _load_packaged)


def bundled_families() -> dict[str, TemplateFamily]:
    """The bundled templates, by name, the default first."""
    return families(_load_packaged)
