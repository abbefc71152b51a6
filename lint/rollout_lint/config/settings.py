"""What applies to each checked file: the command line over the file's nearest configuration.

The rules the settings turn on and the severities they give are applied to the findings in one
place (`rules.selection.apply_selection`), after all checks of a file ran: the checks never see
the configuration.
"""

import os
from argparse import Namespace
from typing import NamedTuple

from ..rules.selection import ALL_RULES, Selection, first_unknown, select_rules, split_option
from ..schema.loading import TemplateSchema
from ..schema.versions import TemplateFamily
from .files import Config, ConfigError, ConfigFinder, SchemaPath, TemplateName, read_config


class FileSettings(NamedTuple):
    mode: str
    schema: TemplateSchema | TemplateFamily  # a family: each file against the version it matches best
    selection: Selection  # the rules on, and the severities the configuration gives them


class Settings:
    """The `check` options; `for_file` adds each file's configuration to them."""

    def __init__(self, args: Namespace) -> None:
        self.mode: str | None = args.mode
        for option, values in (("--select", args.select), ("--ignore", args.ignore)):
            # `--select ""` is most likely an unset variable; taken as "no rule", it would pass every plan.
            empty = next((value for value in values or () if not split_option([value])), None)
            if empty is not None:
                raise ConfigError(
                    f"{option} {empty!r} names no rule; give rule ids, prefixes (RL3) or names, comma-separated"
                )
        self.select = split_option(args.select)
        self.ignore = split_option(args.ignore) or ()
        for option, selectors in (("--select", self.select or ()), ("--ignore", self.ignore)):
            unknown = first_unknown(selectors)
            if unknown is not None:
                raise ConfigError(f"{option}: unknown rule {unknown!r}; 'rollout-lint rules' lists them")
        self.schema: SchemaPath | TemplateName | None = (
            SchemaPath(args.schema, "")
            if args.schema is not None
            else TemplateName(args.template, "--template")
            if args.template is not None
            else None
        )
        self._schemas: dict[SchemaPath | TemplateName | None, TemplateSchema | TemplateFamily] = {}
        if self.schema is not None:
            self._load_schema(self.schema)  # a bad --schema fails the run even if no file needs it
        self._fixed: Config | None = None
        self._finder: ConfigFinder | None = None
        if args.config is not None:
            self._fixed = _read_fixed(args.config)
        elif not args.isolated:
            self._finder = ConfigFinder()

    def for_file(self, path: str) -> FileSettings | None:
        """The settings for the file `path` (as reported: `-` or the --stdin-filename); None if excluded."""
        absolute = os.path.abspath(path)
        config = self._fixed or (self._finder.nearest(os.path.dirname(absolute)) if self._finder else None)
        if config is None:
            enabled = select_rules(ALL_RULES if self.select is None else self.select, self.ignore)
            return FileSettings(self.mode or "auto", self._load_schema(self.schema), Selection(enabled, {}))
        relative = config.relative(absolute)
        if any(pattern.matches(relative) for pattern in config.exclude):
            return None
        mode, schema = config.mode, config.schema
        for override in config.overrides:
            if any(pattern.matches(relative) for pattern in override.files):
                mode, schema = override.mode or mode, override.schema or schema
        select = self.select if self.select is not None else config.select
        enabled = select_rules(ALL_RULES if select is None else select, config.ignore + self.ignore)
        for pattern, selectors in config.per_file_ignores:
            if pattern.matches(relative):
                enabled -= select_rules(selectors, ())
        return FileSettings(
            self.mode or mode or "auto", self._load_schema(self.schema or schema), Selection(enabled, config.severity)
        )

    def _load_schema(self, location: SchemaPath | TemplateName | None) -> TemplateSchema | TemplateFamily:
        """Each schema loaded once per run; None is the bundled default template's family."""
        from ..rules import load_schema, load_template
        from ..schema.loading import SchemaError

        key = location._replace(origin="") if location is not None else None
        if key not in self._schemas:
            try:
                if location is None or isinstance(location, TemplateName):
                    self._schemas[key] = load_template(location.spec if location else None)
                else:
                    self._schemas[key] = load_schema(location.path)
            except SchemaError as error:
                origin = f"{location.origin}: " if location is not None and location.origin else ""
                raise ConfigError(f"{origin}{error}") from None
        return self._schemas[key]


def _read_fixed(path: str) -> Config:
    """The configuration --config names, for every file."""
    config = read_config(path, path)
    if config is None:
        raise ConfigError(f"{path}: no [tool.rollout-lint] table")
    return config
