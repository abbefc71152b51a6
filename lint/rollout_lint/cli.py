"""The command line: `rollout-lint check|rules|explain`. `main(argv)` returns the exit code.

Exit codes: 0 no error findings; 1 at least one error finding (or warning, with --strict);
2 something could not be checked (usage, bad schema, unreadable file). 2 wins over 1, and
the findings of the files that could be checked are still printed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence

from . import __version__

# Not `typing.TYPE_CHECKING`: typing costs ~3 ms to import, a tenth of `rollout-lint --version`.
# mypy reads a block under any constant of this name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from argparse import Namespace
    from typing import IO, NoReturn

    from .diagnostics import Diagnostic
    from .settings import FileSettings
    from .source import Source

    # A file to check: its path, the name to report it under, a problem that stops it from
    # being checked (or None), and its settings.
    _File = tuple[str, str, str | None, FileSettings]

EXIT_CLEAN, EXIT_FINDINGS, EXIT_TROUBLE = 0, 1, 2
VERSION = f"rollout-lint {__version__}"
_SKIPPED_DIRECTORIES = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "__pycache__"})


def main(argv: Sequence[str] | None = None, stdout: IO[str] | None = None) -> int:
    out = stdout or sys.stdout
    if (sys.argv[1:] if argv is None else list(argv)) == ["--version"]:
        # The one answer that needs no parser: argparse costs a sixth of this whole run.
        out.write(f"{VERSION}\n")
        return EXIT_CLEAN
    from .arguments import Exit, UsageError, build_parser

    try:
        args = build_parser().parse_args(argv)
    except UsageError as error:
        sys.stderr.write(f"{error}\n")
        return EXIT_TROUBLE
    except Exit as done:
        return done.status
    if args.command == "new":
        from .scaffold import new_plan

        return new_plan(args, out)
    if args.command == "rules":
        return list_rules(args.format, out)
    if args.command == "explain":
        return explain_rule(args.rule, out)
    return check(args, out)


def check(args: Namespace, out: IO[str]) -> int:
    from .config import ConfigError
    from .progress import ProgressBar
    from .report_files import ReportFileError, Reports
    from .reporters import Summary
    from .reporters.display import HUMAN_FORMATS, DisplayOptions
    from .parallel import run_checks, worker_count
    from .rules import COULD_NOT_CHECK
    from .settings import Settings

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
        for path, problem in expand_paths(args.paths):
            display = (args.stdin_filename or "-") if path == "-" else path
            file_settings = settings.for_file(display)
            if file_settings is not None:  # None: the configuration excludes the file
                files.append((path, display, problem, file_settings))
    except ConfigError as error:
        sys.stderr.write(f"rollout-lint: {error}\n")
        return EXIT_TROUBLE

    progress = ProgressBar(len(files), out, sys.stderr, args.quiet)
    options = DisplayOptions(args.quiet, args.strict, args.show_source, args.statistics)
    try:
        # With --diff the diff takes the place of the report on standard output.
        targets = [*([] if args.diff else [(args.format, args.output)]), *args.report]
        reporter = Reports(progress.out, targets, options, [path for path, *_ in files])
    except ReportFileError as error:
        sys.stderr.write(f"rollout-lint: {error}\n")
        return EXIT_TROUBLE
    fixer = None
    if args.fix or args.diff:
        from .fixes import Fixer

        fixer = Fixer(args.fix, progress.out, progress.err)
    summary = Summary()
    trouble = failed = False
    # Fixes are written one file at a time, by this process.
    workers = 1 if fixer is not None else worker_count(args.jobs, len(files))
    if workers > 1:
        # Built here, before the workers are forked, jsonschema-rs and the validators are shared
        # by all of them rather than loaded by each at its first plan with mistakes.
        for schema in {id(file_settings.schema): file_settings.schema for *_, file_settings in files}.values():
            schema.validator
    checked = run_checks(files, _check_file, workers)
    for (path, _, problem, file_settings), (diagnostics, source) in zip(progress.track(files), checked):
        if fixer is not None and not problem:
            diagnostics, source = fixer.file(path, source, diagnostics, file_settings)
        summary.add(diagnostics)
        trouble = trouble or any(d.rule in COULD_NOT_CHECK for d in diagnostics)
        failed = failed or any(d.fails(args.strict) for d in diagnostics)
        reporter.file(diagnostics, source)
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


def _check_file(file: _File) -> tuple[list[Diagnostic], Source | None]:
    """Check one file; a bug of ours becomes a finding for that file, and the run goes on."""
    from .diagnostics import make_diagnostic
    from .linter import check_path
    from .rules import InternalError, UnreadableFile

    path, display, problem, settings = file
    if problem:
        return [make_diagnostic(display, UnreadableFile.id, problem)], None
    try:
        return check_path(path, settings.schema, settings.mode, display, settings)
    except Exception as error:  # noqa: BLE001 - any bug must not lose the other files' findings
        message = f"internal error: {type(error).__name__}: {error}; please report this with the file"
        return [make_diagnostic(display, InternalError.id, message)], None


def expand_paths(paths: Sequence[str]) -> Iterator[tuple[str, str | None]]:
    """Each file to check, with a problem to report instead of checking it, if any."""
    for path in paths:
        if path == "-" or not os.path.isdir(path):
            yield path, None
            continue
        found = sorted(_markdown_files(path))
        if not found:
            yield path, "directory has no Markdown (*.md) files"
        yield from found


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


def list_rules(format_name: str, out: IO[str]) -> int:
    from .rules import REGISTRY

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


def explain_rule(code: str, out: IO[str]) -> int:
    from .rules import lookup

    rule = lookup(code)
    if rule is None:
        sys.stderr.write(f"rollout-lint: unknown rule {code!r}; 'rollout-lint rules' lists them\n")
        return EXIT_TROUBLE
    out.write(f"{rule.id} {rule.name} ({rule.severity})\n\n{rule.doc()}\n")
    return EXIT_CLEAN


def run() -> NoReturn:
    """The console-script entry point."""
    _stand_in_for_closed_streams()
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`rollout-lint rules | head`): not an error of ours.
        _discard_standard_output()
        code = EXIT_FINDINGS
    except OSError as error:
        if error.filename is not None:
            raise  # a file's error is reported where the file is read or written: a bug of ours
        # Standard output is full (`> /dev/full`) or closed (`>&-`: `_stand_in_for_closed_streams`). The message
        # goes to standard error; were that broken too, there is no one to tell.
        import errno

        reason = "it is closed" if error.errno == errno.EBADF else error.strerror or str(error)
        try:
            sys.stderr.write(f"rollout-lint: cannot write to standard output: {reason}\n")
            sys.stderr.flush()
        except OSError:
            pass
        _discard_standard_output()
        code = EXIT_TROUBLE
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)


def _stand_in_for_closed_streams() -> None:
    """Give a standard output or error the shell closed (`>&-`) a descriptor of /dev/null.

    Python leaves such a stream None (an AttributeError at the first write), and the next file
    opened would take its descriptor. /dev/null takes it instead: read-only for standard output,
    so that writing the report fails (EBADF) as on a closed descriptor, and a run with `--output`
    needs none; writable for standard error, whose messages go nowhere, as they would have.
    """
    for descriptor, flags, name in ((1, os.O_RDONLY, "stdout"), (2, os.O_WRONLY, "stderr")):
        if getattr(sys, name) is not None:
            continue
        opened = os.open(os.devnull, flags)
        if opened != descriptor:
            os.dup2(opened, descriptor)
            os.close(opened)
        setattr(sys, name, open(descriptor, "w", encoding="utf-8", closefd=False))  # noqa: SIM115 - for the whole run


def _discard_standard_output() -> None:
    """Send standard output to /dev/null: what it still holds would fail again (and make Python
    exit with 120) when it is flushed at exit."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # ValueError: sys.stdout is not a file of the system's
        pass
