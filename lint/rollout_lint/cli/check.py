"""`rollout-lint check`: find the files, settle each one's settings, check them (in parallel
where there are many), fix them if asked, and feed every report."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from typing import IO, TYPE_CHECKING

from . import EXIT_CLEAN, EXIT_FINDINGS, EXIT_TROUBLE, start_up_done

if TYPE_CHECKING:
    from argparse import Namespace

    from ..config.settings import FileSettings
    from ..rules.checker import Checked

    # A file to check: its path, the name to report it under, a problem that stops it from
    # being checked (or None), its settings, and whether to skip it if it is not a rollout plan.
    _File = tuple[str, str, str | None, FileSettings, bool]

_SKIPPED_DIRECTORIES = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "__pycache__"})


def check(args: Namespace, out: IO[str]) -> int:
    from ..config.files import ConfigError
    from ..config.settings import Settings
    from ..reporters import FileTemplate, Summary
    from ..reporters.display import HUMAN_FORMATS, DisplayOptions
    from ..reporters.files import ReportFileError, Reports
    from ..rules import COULD_NOT_CHECK
    from ..schema.versions import TemplateFamily
    from .parallel import run_checks, worker_count
    from .progress import ProgressBar

    if args.fix and "-" in args.paths:
        sys.stderr.write("rollout-lint: --fix cannot write to standard input; --diff shows the fix\n")
        return EXIT_TROUBLE
    if args.stdin_filename and "-" not in args.paths:
        sys.stderr.write("rollout-lint: --stdin-filename needs '-' among the paths\n")
        return EXIT_TROUBLE
    if args.statistics and HUMAN_FORMATS.isdisjoint([args.format, *(name for name, _ in args.report)]):
        # The machine formats hold every finding for the tool that reads them to count.
        sys.stderr.write("rollout-lint: --statistics needs a text or concise report\n")
        return EXIT_TROUBLE
    try:
        settings = Settings(args)
        # Every configuration and schema is read before the first report: a bad one stops the run.
        files: list[_File] = []
        for path, problem, found in expand_paths(args.paths):
            display = (args.stdin_filename or "-") if path == "-" else path
            file_settings = settings.for_file(display)
            if file_settings is not None:  # None: the configuration excludes the file
                # Files a directory search found are checked only if they are plans; files named
                # are always checked, unless --plans-only (the pre-commit hook, which names them).
                files.append((path, display, problem, file_settings, found or args.plans_only))
    except ConfigError as error:
        sys.stderr.write(f"rollout-lint: {error}\n")
        return EXIT_TROUBLE

    from ..markdown import parser  # noqa: F401 - markdown-it-py, imported before start-up is done

    schemas = {id(file_settings.schema): file_settings.schema for *_, file_settings, _ in files}.values()
    # A family's versions are all read to choose each plan's: read now, they are frozen with the
    # rest of start-up, instead of walked by every collection of the cyclic garbage collector
    # while the files are checked (200 plans: 46 M instructions, 0.9 %, valgrind).
    for schema in schemas:
        if isinstance(schema, TemplateFamily):
            schema.read_every_version()
    start_up_done()
    progress = ProgressBar(len(files), out, sys.stderr, args.quiet)
    options = DisplayOptions(args.quiet, args.strict, args.show_source, args.statistics, args.verbose)
    try:
        # With --diff the diff takes the place of the report on standard output.
        targets = [*([] if args.diff else [(args.format, args.output)]), *args.report]
        reporter = Reports(progress.out, targets, options, [path for path, *_ in files])
    except ReportFileError as error:
        sys.stderr.write(f"rollout-lint: {error}\n")
        return EXIT_TROUBLE
    fixer = None
    if args.fix or args.diff:
        from ..fix import Fixer

        fixer = Fixer(args.fix, progress.out, progress.err)
    summary = Summary()
    trouble = failed = False
    # Fixes are written one file at a time, by this process.
    workers = 1 if fixer is not None else worker_count(args.jobs, len(files))
    if workers > 1:
        # Built here, before the workers are forked, jsonschema-rs and the validators are shared
        # by all of them rather than loaded by each at its first plan with mistakes.
        for schema in schemas:
            if not isinstance(schema, TemplateFamily):  # a family compiles the versions its plans need
                schema.validator
    checked = run_checks(files, _check_file if workers == 1 else _check_file_in_worker, workers)
    for (path, display, problem, file_settings, _), (diagnostics, source, template, skipped) in zip(
        progress.track(files), checked
    ):
        if skipped is not None:
            summary.skip(display, skipped)
            continue
        if fixer is not None and not problem:
            diagnostics, source = fixer.file(
                path, source, diagnostics, file_settings.schema, file_settings.mode, file_settings.selection
            )
        summary.add(diagnostics)
        trouble = trouble or any(d.rule in COULD_NOT_CHECK for d in diagnostics)
        failed = failed or any(d.fails(args.strict) for d in diagnostics)
        reporter.file(diagnostics, source, FileTemplate(display, template) if template else None)
    try:
        reporter.finish(summary)
        if fixer is not None:
            fixer.finish()
            trouble = trouble or fixer.trouble
            failed = bool(fixer.changed) if args.diff else failed
    except ReportFileError as error:
        sys.stderr.write(f"rollout-lint: {error}\n")
        return EXIT_TROUBLE
    return EXIT_TROUBLE if trouble else EXIT_FINDINGS if failed else EXIT_CLEAN


def _check_file(file: _File) -> Checked:
    """Check one file; a bug of ours becomes a finding for that file, and the run goes on."""
    from ..rules.checker import Checked, check_path
    from ..rules.files import InternalError, UnreadableFile

    path, display, problem, settings, plans_only = file
    if problem:
        return Checked([UnreadableFile.finding(display, problem)], None)
    try:
        return check_path(path, settings.schema, settings.mode, display, settings.selection, plans_only)
    except Exception as error:  # noqa: BLE001 - any bug must not lose the other files' findings
        message = f"internal error: {type(error).__name__}: {error}; please report this with the file"
        return Checked([InternalError.finding(display, message)], None)


def _check_file_in_worker(file: _File) -> Checked:
    """`_check_file`, sending back no source for a file without findings: reporters read a
    source only to show or fingerprint the lines of findings, and pickling every plan's text
    to the parent took a tenth of a `-j 2` run's instructions. (`--fix` runs on one process.)"""
    checked = _check_file(file)
    return checked if checked.diagnostics else checked._replace(source=None)


def expand_paths(paths: Sequence[str]) -> Iterator[tuple[str, str | None, bool]]:
    """Each file to check, with a problem to report instead of checking it, if any, and whether
    a directory search found it (rather than the command line naming it)."""
    for path in paths:
        if path == "-" or not os.path.isdir(path):
            yield path, None, False
            continue
        found = sorted(_markdown_files(path))
        if not found:
            yield path, "directory has no Markdown (*.md) files", False
        yield from ((file, problem, True) for file, problem in found)


def _markdown_files(directory: str) -> Iterator[tuple[str, str | None]]:
    """The Markdown files below `directory`, and each directory below it that cannot be read,
    with the reason: os.walk would skip it silently, and the run would look clean."""
    unreadable: list[OSError] = []
    for root, directories, files in os.walk(directory, onerror=unreadable.append):
        directories[:] = [d for d in directories if d not in _SKIPPED_DIRECTORIES]
        for name in files:
            if name.endswith(".md"):
                yield os.path.join(root, name), None
    for error in unreadable:
        yield str(error.filename or directory), f"cannot read the directory: {error.strerror}"


