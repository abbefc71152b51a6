"""The command line's grammar: commands, options, and the help they print.

Separate from `cli` so that `rollout-lint --version` is answered without importing argparse.
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import VERSION

FORMATS = ("text", "concise", "json", "sarif", "codequality", "github", "junit")  # the names in reporters.REPORTERS
MODES = ("auto", "issue", "template")

TYPE_CHECKING = False  # not typing's: see cli.py
if TYPE_CHECKING:
    from typing import Any, NoReturn


class UsageError(Exception):
    pass


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, sized without `shutil`.

    argparse builds a formatter for every `add_argument`, not only for `--help`, and the
    default one imports shutil (and with it bz2 and lzma): ~4 ms on every run.
    """

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_terminal_columns() - 2)


def _terminal_columns() -> int:
    """What `shutil.get_terminal_size().columns` would say."""
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 80
    except (ValueError, OSError):  # not a terminal
        return 80


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so that only `__main__` exits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            sys.stderr.write(message)
        raise Exit(status)


class Exit(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="rollout-lint",
        description="Check GitLab '[Model] Rollout Plan' issues and templates against the template's schema.",
    )
    parser.add_argument("--version", action="version", version=VERSION)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    check = commands.add_parser("check", help="check plans or templates", description="Check plans or templates.")
    check.add_argument("paths", nargs="+", metavar="PATH", help="files, directories (searched for *.md) or - for stdin")
    check.add_argument(
        "--mode",
        choices=MODES,
        help="issue: a filled-in plan; template: the template itself; "
        "auto (default): template for files under .gitlab/issue_templates/",
    )
    _add_checking_options(check, "each plan")
    check.add_argument(
        "-j",
        "--jobs",
        type=_job_count,
        default=0,
        metavar="N",
        help="check files in N processes; 0 (default): one per core when there are enough files to pay for it",
    )
    check.add_argument(
        "--plans-only",
        action="store_true",
        help="skip the files named that are not rollout plans, as those a directory search finds are "
        "(the pre-commit hook's setting); --mode issue checks every file",
    )
    check.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="text and concise reports also list the files skipped as not rollout plans, and why",
    )
    check.add_argument("--stdin-filename", metavar="NAME", help="the name to report standard input under")
    fixing = check.add_mutually_exclusive_group()
    fixing.add_argument(
        "--fix", action="store_true", help="fix what can be fixed safely ([*] findings), then report what is left"
    )
    fixing.add_argument("--diff", action="store_true", help="print what --fix would change as a diff; write nothing")

    _add_gitlab_command(commands)

    new = commands.add_parser(
        "new", help="write a new plan from the template", description="Write a new plan from the template."
    )
    new.add_argument("--model", required=True, help="the model's name, put where the template names the model")
    new.add_argument("-o", "--output", metavar="PATH", help="write the plan to PATH (default: standard output)")
    new.add_argument("--schema", metavar="PATH", help="use the template of this schema instead of the bundled one")
    new.add_argument("--force", action="store_true", help="overwrite PATH if it exists")

    instance = commands.add_parser(
        "instance",
        help="print the JSON instance a schema checks of a plan",
        description="Print the JSON instance a template schema checks of a plan: what a schema author writes against.",
    )
    instance.add_argument("path", metavar="PATH", help="the plan or template, or - for stdin")
    _add_schema_or_template(
        instance,
        "the instance this template schema sees",
        "the instance this bundled template or version sees (default: the plan's version, as check chooses it)",
    )
    instance.add_argument("--mode", choices=MODES, help="the instance's mode, as for check (default: auto)")

    schema = commands.add_parser(
        "schema", help="work with template schemas", description="Work with templates and their schemas."
    )
    schema_commands = schema.add_subparsers(dest="schema_command", metavar="COMMAND", parser_class=_Parser)
    schema_commands.required = True
    diff = schema_commands.add_parser(
        "diff",
        help="what changed between two versions of a template",
        description="What changed between two versions of a template: sections, tables, labels, quick actions, "
        "placeholders, instructions. Exit 0: the same; 1: they differ; 2: one cannot be read.",
    )
    diff.add_argument("old", metavar="OLD", help="the older template (.md), or a schema (.json) made from it")
    diff.add_argument("new", metavar="NEW", help="the newer template (.md), or a schema (.json) made from it")
    diff.add_argument("--format", choices=("text", "json"), default="text", help="(default: text)")
    infer = schema_commands.add_parser(
        "infer",
        help="infer a schema from an issue template",
        description="Infer a schema from an issue template: its headings, preamble, tables, quick actions and "
        "labels, and in issue mode its placeholders, instructions and sections to fill. What the text cannot say "
        "(dates ascend, a cell links an issue) comes from an overlay file beside the template.",
    )
    infer.add_argument("template", metavar="TEMPLATE", help="the issue template (.md)")
    infer.add_argument(
        "--overlay",
        metavar="OVERLAY",
        help="a JSON overlay beside TEMPLATE that adds what the text cannot say (default: TEMPLATE's name with "
        ".overlay.json instead of .md, if it exists)",
    )
    infer.add_argument(
        "-o", "--output", metavar="PATH", help="write the schema to PATH, beside TEMPLATE (default: standard output)"
    )
    infer.add_argument("--force", action="store_true", help="overwrite PATH if it exists")

    templates = commands.add_parser(
        "templates",
        help="list the bundled templates and their versions",
        description="List the bundled templates and their versions, oldest first: what --template and the "
        "configuration's template take (NAME, or NAME@VERSION).",
    )
    templates.add_argument("--format", choices=("text", "json"), default="text", help="(default: text)")

    rules = commands.add_parser("rules", help="list the rules", description="List the rules.")
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="(default: text)")

    explain = commands.add_parser("explain", help="show one rule's documentation", description="Explain a rule.")
    explain.add_argument("rule", metavar="RULE", help="rule id or name, e.g. RL101 or missing-section")
    explain.add_argument(
        "--schema", metavar="PATH", help="add what this template schema says of the rule (default: the bundled one)"
    )
    return parser


def _add_checking_options(parser: argparse.ArgumentParser, each: str) -> None:
    """What `check` and `gitlab` share: the schema, the rules, the configuration, the reports."""
    parser.add_argument("--format", choices=FORMATS, default="text", help="report format (default: text)")
    _add_schema_or_template(
        parser,
        "check against this template schema instead of the bundled one",
        "check against this bundled template, or this version of it ('rollout-lint templates' lists them; "
        f"default: {each} against the version of the bundled template it matches best)",
    )
    parser.add_argument(
        "--select",
        action="append",
        metavar="RULES",
        help="report only these rules: ids, prefixes (RL3) or names, comma-separated; replaces the config's select",
    )
    parser.add_argument(
        "--ignore", action="append", metavar="RULES", help="do not report these rules; adds to the config's ignore"
    )
    configuration = parser.add_mutually_exclusive_group()
    configuration.add_argument("--config", metavar="PATH", help="use this configuration file for every file")
    configuration.add_argument("--isolated", action="store_true", help="ignore all configuration files")
    parser.add_argument("--strict", action="store_true", help="warnings fail the run too")
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="text and concise reports show only the findings that fail the run, without the summary; no progress bar",
    )
    parser.add_argument(
        "--statistics", action="store_true", help="count the findings per rule after them (text and concise reports)"
    )
    parser.add_argument(
        "--show-source",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="show the source line and a caret under each finding in the text report",
    )
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE instead of standard output")
    parser.add_argument(
        "--report",
        action="append",
        default=[],
        type=_report_target,
        metavar="FORMAT:FILE",
        help="also write a FORMAT report to FILE (repeatable), e.g. codequality:gl-code-quality-report.json",
    )


def _add_gitlab_command(commands: Any) -> None:
    gitlab = commands.add_parser(
        "gitlab",
        help="check rollout plans that are GitLab issues",
        description="Check rollout plans where they live: GitLab issues, named or listed. A saved issue's labels "
        "and confidentiality are read from the issue (GitLab strips /label and /confidential from the description). "
        "The token comes from GITLAB_TOKEN, --token-file or --gitlab-config; it is never printed.",
    )
    gitlab.add_argument(
        "issues",
        nargs="*",
        metavar="ISSUE",
        help="an issue's URL (https://gitlab.example.com/group/project/-/issues/123) or reference (group/project#123)",
    )
    batch = gitlab.add_mutually_exclusive_group()
    batch.add_argument("--project", metavar="PATH", help="check the issues of this project (group/project)")
    batch.add_argument("--group", metavar="PATH", help="check the issues of this group and its subgroups")
    gitlab.add_argument(
        "--label", action="append", default=[], metavar="LABEL", help="only issues with this label (repeatable: all of them)"
    )
    gitlab.add_argument(
        "--state", choices=("opened", "closed", "all"), default="opened", help="only issues in this state (default: opened)"
    )
    gitlab.add_argument("--updated-after", type=_date_time, metavar="DATE", help="only issues updated since DATE (ISO 8601)")
    gitlab.add_argument("--search", metavar="TEXT", help="only issues whose title or description holds TEXT")
    gitlab.add_argument(
        "--shard",
        type=_shard,
        metavar="I/N",
        help="check only the I-th of N shares of the issues (by id), for N parallel jobs: "
        "--shard $CI_NODE_INDEX/$CI_NODE_TOTAL",
    )
    _add_checking_options(gitlab, "each issue")
    gitlab.add_argument(
        "--template-from-project",
        metavar="NAME",
        help="check against the schema inferred from the project's own issue template NAME (read through GitLab)",
    )
    gitlab.add_argument(
        "--url", metavar="URL", help="the GitLab (default: $CI_SERVER_URL, else the server of an issue URL, else https://gitlab.com)"
    )
    gitlab.add_argument("--token-file", metavar="PATH", help="read the token from this file instead of GITLAB_TOKEN")
    gitlab.add_argument(
        "--gitlab-config", metavar="SECTION", help="take the URL and token from this section of python-gitlab's configuration"
    )
    gitlab.add_argument("--timeout", type=_seconds, default=30.0, metavar="SECONDS", help="for each request (default: 30)")
    gitlab.add_argument(
        "--retries",
        type=_retry_count,
        default=5,
        metavar="N",
        help="retry a request GitLab answers with 429 or 5xx, or not at all, N times, pausing longer each time (default: 5)",
    )
    gitlab.add_argument(
        "--comment",
        action="store_true",
        help="keep one note of rollout-lint's on each failing issue, updated as the plan changes (needs the api scope)",
    )
    gitlab.add_argument(
        "--public-comment", action="store_true", help="with --comment: notes everyone can read, not internal ones"
    )
    gitlab.add_argument("--add-label", metavar="LABEL", help="add this label to each failing issue; no label is removed")
    gitlab.add_argument(
        "--dry-run", action="store_true", help="print the notes and labels --comment and --add-label would write; write nothing"
    )
    gitlab.set_defaults(mode="issue", verbose=False)


def _date_time(value: str) -> str:
    import datetime

    try:
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO 8601 date, such as 2026-11-01 or 2026-11-01T09:00:00Z") from None
    return value


def _retry_count(value: str) -> int:
    # Each retry waits twice as long as the one before (0.1 s, 0.2 s...): 20 is already a day.
    if not value.isdigit() or int(value) > 20:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of retries from 0 to 20")
    return int(value)


def _shard(value: str) -> tuple[int, int]:
    index, slash, total = value.partition("/")
    if not (slash and index.isdigit() and total.isdigit() and 1 <= int(index) <= int(total)):
        raise argparse.ArgumentTypeError(f"{value!r} is not I/N with 1 <= I <= N, such as 2/4")
    return int(index), int(total)


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < 3600:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds between 0 and 3600")
    return seconds


def _add_schema_or_template(parser: argparse.ArgumentParser, schema_help: str, template_help: str) -> None:
    """`--schema PATH` or `--template NAME[@VERSION]`, never both: what a plan is checked against."""
    pinned = parser.add_mutually_exclusive_group()
    pinned.add_argument("--schema", metavar="PATH", help=schema_help)
    pinned.add_argument("--template", metavar="NAME[@VERSION]", help=template_help)


def _report_target(value: str) -> tuple[str, str]:
    format_name, colon, path = value.partition(":")
    if format_name not in FORMATS or not colon or not path:
        raise argparse.ArgumentTypeError(f"{value!r} is not FORMAT:FILE with FORMAT one of {', '.join(FORMATS)}")
    return format_name, path


def _job_count(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of processes (0 chooses)")
    return int(value)
