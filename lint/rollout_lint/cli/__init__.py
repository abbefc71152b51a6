"""The command line: `rollout-lint check|gitlab|new|instance|schema|rules|explain`. `main(argv)` returns the exit code.

Exit codes: 0 no error findings; 1 at least one error finding (or warning, with --strict);
2 something could not be checked (usage, bad schema, unreadable file). 2 wins over 1, and
the findings of the files that could be checked are still printed.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence

from .. import VERSION

# Not `typing.TYPE_CHECKING`: typing costs ~3 ms to import, a tenth of `rollout-lint --version`.
# mypy reads a block under any constant of this name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from argparse import Namespace
    from typing import IO, NoReturn


EXIT_CLEAN, EXIT_FINDINGS, EXIT_TROUBLE = 0, 1, 2


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
        from .new import new_plan

        return new_plan(args, out)
    if args.command == "schema":
        from .schema_commands import schema_diff, schema_infer

        return schema_diff(args, out) if args.schema_command == "diff" else schema_infer(args, out)
    if args.command == "templates":
        from .schema_commands import list_templates

        return list_templates(args.format, out)
    if args.command == "instance":
        from .instance import print_instance

        return print_instance(args, out)
    if args.command == "gitlab":
        from .gitlab import audit

        return audit(args, out)
    if args.command in ("rules", "explain"):
        from .rule_docs import explain_rule, list_rules

        return list_rules(args.format, out) if args.command == "rules" else explain_rule(args.rule, args.schema, out)
    from .check import check

    return check(args, out)


def run() -> NoReturn:
    """The console-script entry point."""
    # Start-up makes hundreds of thousands of objects that live as long as the process and are
    # never garbage: modules, classes, compiled patterns, the schema. The cyclic collector is
    # off while they are made, and `start_up_done` freezes them, so that no collection walks
    # them again: not during start-up, not between files, not at exit. 7 % of the instructions
    # of a one-file check (valgrind), where markdown-it-py's and jsonschema-rs's imports alone
    # are two thirds.
    gc.disable()
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


def start_up_done() -> None:
    """Freeze what start-up made and collect garbage again, if `run` stopped the collector."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


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
