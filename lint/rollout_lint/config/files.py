"""Configuration files: found by walking up from each checked file, each read once.

A configuration is the whole of `.rollout-lint.toml` or the `[tool.rollout-lint]` table of
`pyproject.toml`; where a directory holds both, `.rollout-lint.toml` wins (as `.ruff.toml` does for
ruff), and a `pyproject.toml` without the table does not count. The nearest configuration governs
a file alone: configurations are not merged. `schemas/rollout-lint-config.schema.json` says what is
allowed; rule ids are checked against the registry on top, since the schema cannot know them.
"""

import json
import os
import re
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from ..diagnostics import Severity
from ..rules.selection import first_unknown, resolve_severities

CONFIG_FILES = (".rollout-lint.toml", "pyproject.toml")  # in order of precedence within a directory
CONFIG_SCHEMA = Path(__file__).parent.parent / "schemas" / "rollout-lint-config.schema.json"
_PYPROJECT_TABLE = ("tool", "rollout-lint")
_BARE_KEY = r"[A-Za-z0-9_-]+"
_TOML_TYPES = {"object": "a table", "array": "an array", "string": "a string"}


class ConfigError(Exception):
    """A configuration, an option or a schema they name cannot be used; the one-line message says where."""


class PathPattern:
    """A glob of a configuration, relative to the configuration's directory.

    `*` and `?` stay within a directory and `**` crosses them, as in .gitignore; a glob without `/`
    matches a file or directory name at any depth; a glob that matches a directory matches
    everything below it. Raises `GlobError` for a glob that cannot be read.
    """

    def __init__(self, glob: str) -> None:
        # Not fnmatch: its `*` crosses `/`; and not a regex: see `globs.py`. Imported here: a
        # run without a configuration file (most one-file runs) never needs it.
        from .globs import Glob

        text = glob.removeprefix("./").rstrip("/")
        self.anchored = "/" in text
        self.glob = Glob(text.lstrip("/"))

    def matches(self, relative: str) -> bool:
        """Whether the `/`-separated path (relative to the configuration's directory) matches."""
        if not self.anchored:
            return any(self.glob.fullmatch(part) for part in relative.split("/"))
        return self.glob.matches_a_directory_of(relative)


class SchemaPath(NamedTuple):
    """A template schema named by a configuration, and the key that named it (for messages)."""

    path: str
    origin: str


class TemplateName(NamedTuple):
    """A bundled template (`NAME` or `NAME@VERSION`) named by a configuration or --template."""

    spec: str
    origin: str


class Override(NamedTuple):
    files: tuple[PathPattern, ...]
    mode: str | None
    schema: SchemaPath | None


class Config(NamedTuple):
    directory: str  # absolute
    mode: str | None
    schema: SchemaPath | TemplateName | None
    select: tuple[str, ...] | None
    ignore: tuple[str, ...]
    severity: dict[str, Severity]
    per_file_ignores: tuple[tuple[PathPattern, tuple[str, ...]], ...]
    exclude: tuple[PathPattern, ...]
    overrides: tuple[Override, ...]

    def relative(self, absolute_path: str) -> str:
        below = os.path.join(self.directory, "")
        # The slice is the common case, and os.path.relpath is a third of a file's settings time.
        relative = absolute_path[len(below) :] if absolute_path.startswith(below) else None
        return (relative or os.path.relpath(absolute_path, self.directory)).replace(os.sep, "/")


class ConfigFinder:
    """The nearest configuration of each directory, remembered for every directory on the way up.

    A run over thousands of files in a few directories reads each configuration once and, where
    there is none, costs two `stat` calls per directory, once.
    """

    def __init__(self) -> None:
        self._nearest: dict[str, Config | None] = {}

    def nearest(self, directory: str) -> Config | None:
        """The configuration governing files in the absolute path `directory`."""
        visited: list[str] = []
        found: Config | None = None
        while True:
            if directory in self._nearest:
                found = self._nearest[directory]
                break
            visited.append(directory)
            found = _config_in(directory)
            parent = os.path.dirname(directory)
            if found is not None or parent == directory:
                break
            directory = parent
        for seen in visited:
            self._nearest[seen] = found
        return found


def _config_in(directory: str) -> Config | None:
    for name in CONFIG_FILES:
        candidate = os.path.join(directory, name)
        # Not `isfile`: a FIFO or a device by this name is refused (by `read_config`), not passed over.
        if os.path.exists(candidate) and not os.path.isdir(candidate):
            config = read_config(candidate, _shown(candidate))
            if config is not None:
                return config
    return None


def _shown(path: str) -> str:
    """`path` relative to the working directory if it is below it, as the user would type it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive, on Windows
        return path
    return path if relative.startswith("..") else relative


def read_config(path: str, shown: str) -> Config | None:
    """The configuration in the file `path`; None for a pyproject.toml without a [tool.rollout-lint] table."""
    import tomllib

    from ..markdown.source import SourceError, read_text

    try:
        # A FIFO or a device is refused rather than waited on, a BOM dropped.
        document = tomllib.loads(read_text(path))
    except SourceError as error:
        raise ConfigError(f"{shown}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{shown}: invalid TOML: {error}") from None
    except RecursionError:  # tomllib parses arrays and inline tables recursively
        raise ConfigError(f"{shown}: invalid TOML: nested too deeply") from None
    table: Any = document
    # Messages name keys by their TOML path from the top of the file.
    where = _Where(shown, ())
    if os.path.basename(path) == "pyproject.toml":
        tool = document.get("tool")
        if not isinstance(tool, dict) or "rollout-lint" not in tool:
            return None
        table, where = tool["rollout-lint"], _Where(shown, _PYPROJECT_TABLE)
    _validate(table, where)
    return _build(table, os.path.dirname(os.path.abspath(path)), where)


class _Where(NamedTuple):
    shown: str
    table: tuple[str, ...]

    def __call__(self, *keys: str | int) -> str:
        """`pyproject.toml: tool.rollout-lint.overrides[0].files`: a file and a key in it."""
        path = ""
        for key in (*self.table, *keys):
            if isinstance(key, int):
                path += f"[{key}]"
            else:
                name = key if re.fullmatch(_BARE_KEY, key) else json.dumps(key)
                path += f".{name}" if path else name
        return f"{self.shown}: {path}" if path else self.shown


def _validate(table: Any, where: _Where) -> None:
    if not _is_valid(table):
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import best_match

        error = best_match(Draft202012Validator(_config_schema()).iter_errors(table))
        if error is not None:
            raise ConfigError(f"{where(*error.absolute_path)}: {_explain(error)}")
    for keys, selector in _selectors(table):
        if first_unknown([selector]):
            raise ConfigError(f"{where(*keys)}: unknown rule {selector!r}; 'rollout-lint rules' lists them")


def _is_valid(table: Any) -> bool:
    """jsonschema-rs's verdict: it is loaded for the plans anyway, while jsonschema costs ~80 ms to import."""
    try:
        return bool(_config_gate().is_valid(table))
    except Exception:  # noqa: BLE001 - e.g. a TOML date, which it cannot take: let jsonschema judge
        return False


@cache
def _config_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(CONFIG_SCHEMA.read_text("utf-8"))
    return schema


@cache
def _config_gate() -> Any:
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(_config_schema())


def _selectors(table: dict[str, Any]) -> Iterator[tuple[Sequence[str | int], str]]:
    """Every rule selector of a valid configuration, with its key path."""
    for key in ("select", "ignore"):
        yield from (([key, index], selector) for index, selector in enumerate(table.get(key, [])))
    for glob, selectors in table.get("per-file-ignores", {}).items():
        yield from ((["per-file-ignores", glob, index], selector) for index, selector in enumerate(selectors))
    yield from ((["severity", selector], selector) for selector in table.get("severity", {}))


def _explain(error: Any) -> str:
    """A jsonschema error in the words of TOML: what is wrong, and what is allowed."""
    validator, instance, expected = error.validator, error.instance, error.validator_value
    if validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        unknown = next(key for key in instance if key not in allowed)
        return f"unknown key {unknown!r}; allowed: {', '.join(allowed)}"
    if validator == "enum":
        return f"{_toml_value(instance)} is not allowed; allowed: {', '.join(expected)}"
    if validator == "type":
        return f"expected {_TOML_TYPES.get(expected, expected)}, not {_toml_kind(instance)}"
    if validator == "required":
        return f"missing key {next(key for key in expected if key not in instance)!r}"
    if validator in ("minItems", "minLength"):
        return "must not be empty"
    return str(error.message)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if isinstance(value, str) else str(value)


def _toml_kind(value: Any) -> str:
    kinds = (
        (bool, "a boolean"),  # before int: a bool is an int to isinstance
        (int, "an integer"),
        (float, "a float"),
        (str, "a string"),
        (list, "an array"),
        (dict, "a table"),
    )
    return next((kind for type_, kind in kinds if isinstance(value, type_)), "a date or time")


def _build(table: dict[str, Any], directory: str, where: _Where) -> Config:
    def schema_at(value: str | None, *keys: str | int) -> SchemaPath | None:
        return None if value is None else SchemaPath(os.path.join(directory, value), where(*keys))

    def pattern(glob: str, *keys: str | int) -> PathPattern:
        from .globs import GlobError

        try:
            return PathPattern(glob)
        except GlobError as error:
            raise ConfigError(f"{where(*keys)}: {error}") from None

    def patterns(globs: list[str], *keys: str | int) -> tuple[PathPattern, ...]:
        return tuple(pattern(glob, *keys, index) for index, glob in enumerate(globs))

    select = table.get("select")
    return Config(
        directory=directory,
        mode=table.get("mode"),
        # A schema of the user's own, else a bundled template; neither: the default family.
        schema=schema_at(table.get("schema"), "schema")
        or (TemplateName(table["template"], where("template")) if "template" in table else None),
        select=None if select is None else tuple(select),
        ignore=tuple(table.get("ignore", ())),
        severity=resolve_severities(table.get("severity", {})),
        per_file_ignores=tuple(
            (pattern(glob, "per-file-ignores", glob), tuple(selectors))
            for glob, selectors in table.get("per-file-ignores", {}).items()
        ),
        exclude=patterns(table.get("exclude", []), "exclude"),
        overrides=tuple(
            Override(
                patterns(entry["files"], "overrides", index, "files"),
                entry.get("mode"),
                schema_at(entry.get("schema"), "overrides", index, "schema"),
            )
            for index, entry in enumerate(table.get("overrides", []))
        ),
    )
