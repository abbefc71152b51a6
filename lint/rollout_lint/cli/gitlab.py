"""`rollout-lint gitlab`: check rollout plans that are GitLab issues, named or listed, with the
same checks and reports as `check`; optionally keep a note of rollout-lint's on each and label
the failing ones.

Exit codes as `check`: an issue that cannot be read is an RL001 finding under its reference
(exit 2), and the other issues are still checked. A note or label that cannot be written is
said on standard error, and the run exits with 2.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from . import EXIT_CLEAN, EXIT_FINDINGS, EXIT_TROUBLE, start_up_done

if TYPE_CHECKING:
    from argparse import Namespace

    from ..config.settings import Settings
    from ..diagnostics import Diagnostic
    from ..gitlab.client import GitLab, Issue
    from ..gitlab.references import IssueReference
    from ..reporters.files import Reports
    from ..rules.checker import Checked

_JOB_TOKEN_ONLY = (
    "CI_JOB_TOKEN cannot read issues or write notes: put a project or group access token with the read_api "
    "scope (api for --comment and --add-label) in a masked CI/CD variable named GITLAB_TOKEN"
)


class _Refused(Exception):
    """A run that cannot start: the message says why, on one line."""


def audit(args: Namespace, out: IO[str]) -> int:
    from ..config.files import ConfigError
    from ..config.settings import Settings
    from ..reporters.display import DisplayOptions
    from ..reporters.files import ReportFileError, Reports

    try:
        url, token = _connection(args)
        references = _references(args, url)
        if args.url is None and not os.environ.get("CI_SERVER_URL"):
            url = next((reference.server for reference in references if reference.server), url)
        if not references and args.project is None and args.group is None:
            raise _Refused("name issues, or --project or --group to list them")
        if (args.comment or args.add_label) and token is None:
            raise _Refused("--comment and --add-label write to GitLab: they need a token with the api scope")
        for reference in references:
            if reference.server not in (None, url):
                raise _Refused(f"{reference.server}/… is not on {url}; check the issues of one GitLab at a time")
    except _Refused as error:
        sys.stderr.write(f"rollout-lint: {error}\n")
        return EXIT_TROUBLE
    from ..gitlab.client import GitLab, GitLabError

    client = GitLab(url, token, args.timeout, args.retries)
    with tempfile.TemporaryDirectory(prefix="rollout-lint-") as folder:
        try:
            if args.template_from_project is not None:
                args.schema = _project_template_schema(client, args, references, folder)
            settings = Settings(args)
            options = DisplayOptions(args.quiet, args.strict, args.show_source, args.statistics, False)
            reporter = Reports(out, [(args.format, args.output), *args.report], options)
        except (_Refused, GitLabError, ConfigError, ReportFileError) as error:
            sys.stderr.write(f"rollout-lint: {error}\n")
            return EXIT_TROUBLE
        return _audit(client, args, references, settings, reporter)


def _audit(client: GitLab, args: Namespace, references: list[IssueReference], settings: Settings, reporter: Reports) -> int:
    from ..reporters import FileTemplate, Summary
    from ..reporters.files import ReportFileError
    from ..rules import COULD_NOT_CHECK

    start_up_done()
    summary = Summary("issue")
    trouble = failed = False
    for name, issue, checked in _checked(client, args, references, settings):
        # A fix edits a file; here the plan is an issue's description, which rollout-lint does not edit.
        diagnostics = [d._replace(fix=()) for d in checked.diagnostics]
        summary.add(diagnostics)
        trouble = trouble or any(d.rule in COULD_NOT_CHECK for d in diagnostics)
        fails = any(d.fails(args.strict) for d in diagnostics)
        failed = failed or fails
        if issue is not None and not _feedback(client, args, issue, diagnostics, fails, checked.template):
            trouble = True
        template = checked.template
        reporter.file(diagnostics, checked.source, FileTemplate(name, template) if template else None)
    try:
        reporter.finish(summary)
    except ReportFileError as error:
        sys.stderr.write(f"rollout-lint: {error}\n")
        return EXIT_TROUBLE
    return EXIT_TROUBLE if trouble else EXIT_FINDINGS if failed else EXIT_CLEAN


def _project_template_schema(client: GitLab, args: Namespace, references: list[IssueReference], folder: str) -> str:
    """The schema inferred from the project's issue template (--template-from-project), written
    beside the template in `folder` (a schema names its template's file): its path."""
    from ..markdown.document import parse_document
    from ..markdown.source import Source
    from ..schema.inference import infer_schema

    if args.schema is not None or args.template is not None:
        raise _Refused("--template-from-project takes the place of --schema and --template: give one of them")
    projects = {reference.project for reference in references} | ({args.project} if args.project else set())
    if len(projects) != 1:
        raise _Refused("--template-from-project reads the template of one project: give --project, or issues of one project")
    name = args.template_from_project
    content = client.issue_template(projects.pop(), name)
    with open(os.path.join(folder, "template.md"), "w", encoding="utf-8") as stream:
        stream.write(content)
    schema = infer_schema(parse_document(Source.from_text("template.md", content)), "template.md", name)
    path = os.path.join(folder, "template.schema.json")
    with open(path, "w", encoding="utf-8") as stream:
        json.dump(schema, stream)
    return path


def _connection(args: Namespace) -> tuple[str, str | None]:
    """The GitLab's URL and the token, checked: see `_url_and_token`."""
    url, token = _url_and_token(args)
    if not url.startswith(("https://", "http://")):
        raise _Refused(f"{url!r} is not the URL of a GitLab (https://gitlab.example.com)")
    if token is not None and not (token.isascii() and token.isprintable() and " " not in token):
        # requests would refuse it, quoting it whole in its message.
        raise _Refused("the token holds a space, a line break or a character an HTTP header cannot carry")
    return url, token


def _url_and_token(args: Namespace) -> tuple[str, str | None]:
    """--gitlab-config's section, or --url and GITLAB_TOKEN or --token-file. No token at all
    reads public issues; a CI job's token alone is refused."""
    from ..gitlab.client import DEFAULT_URL

    if args.gitlab_config is not None:
        return _configured(args.gitlab_config, args.url)
    url = (args.url or os.environ.get("CI_SERVER_URL") or DEFAULT_URL).rstrip("/")
    if args.token_file is not None:
        try:
            with open(args.token_file, encoding="utf-8") as stream:
                token = stream.read().strip()
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
            raise _Refused(f"cannot read the token file {args.token_file}: {reason}") from None
        if not token:
            raise _Refused(f"the token file {args.token_file} is empty")
        return url, token
    token = os.environ.get("GITLAB_TOKEN", "").strip()
    if token:
        return url, token
    if os.environ.get("CI_JOB_TOKEN"):
        raise _Refused(_JOB_TOKEN_ONLY)
    return url, None


def _configured(section: str, url: str | None) -> tuple[str, str | None]:
    """URL and token from a section of python-gitlab's configuration files."""
    from gitlab import config

    try:
        found = config.GitlabConfigParser(gitlab_id=section)
    except config.ConfigError as error:
        raise _Refused(f"--gitlab-config {section}: {' '.join(str(error).split())}") from None
    if found.job_token and not (found.private_token or found.oauth_token):
        raise _Refused(f"--gitlab-config {section}: {_JOB_TOKEN_ONLY}")
    from ..gitlab.client import DEFAULT_URL

    return (url or found.url or DEFAULT_URL).rstrip("/"), found.private_token or found.oauth_token


def _references(args: Namespace, url: str) -> list[IssueReference]:
    from ..gitlab.references import parse_issue

    try:
        return [parse_issue(text, args.url or url) for text in args.issues]
    except ValueError as error:
        raise _Refused(str(error)) from None


def _checked(
    client: GitLab, args: Namespace, references: list[IssueReference], settings: Settings
) -> Iterator[tuple[str, Issue | None, Checked]]:
    """Each issue's name (its reference), the issue (None if it could not be read) and what its
    check found; an issue the configuration excludes is passed over, as `check` passes a file."""
    from ..gitlab.client import Filters, GitLabError
    from ..markdown.source import Source
    from ..rules.checker import Checked, check_source_for_template
    from ..rules.files import InternalError, UnreadableFile

    def check(issue: Issue) -> Iterator[tuple[str, Issue | None, Checked]]:
        name = issue.saved.reference
        file_settings = settings.for_file(name)
        if file_settings is None:
            return
        source = Source.from_text(name, issue.description, issue.saved)
        try:
            checked = check_source_for_template(source, file_settings.schema, "issue", file_settings.selection)
        except Exception as error:  # noqa: BLE001 - a bug of ours must not lose the other issues' findings
            message = f"internal error: {type(error).__name__}: {error}; please report this with the issue"
            yield name, None, Checked([InternalError.finding(name, message)], source)
            return
        yield name, issue, checked

    def unread(name: str, error: GitLabError) -> tuple[str, Issue | None, Checked]:
        return name, None, Checked([UnreadableFile.finding(name, str(error))], None)

    for reference in references:
        try:
            issue = client.issue(reference)
        except GitLabError as error:
            yield unread(str(reference), error)
            continue
        yield from check(issue)
    if args.project is not None or args.group is not None:
        scope, path = ("project", args.project) if args.project is not None else ("group", args.group)
        filters = Filters(args.label, args.state, args.updated_after, args.search)
        index, total = args.shard or (1, 1)
        try:
            for issue in client.issues(scope, path, filters):
                if issue.id % total == index - 1:
                    yield from check(issue)
        except GitLabError as error:
            yield unread(path, error)


def _feedback(client: GitLab, args: Namespace, issue: Issue, diagnostics: list[Diagnostic], fails: bool, template: str | None) -> bool:
    """Keep rollout-lint's note on `issue` and add the failing label, as asked; False if GitLab
    refused (said on standard error)."""
    from ..gitlab.client import GitLabError
    from ..gitlab.notes import note_change

    reference = issue.saved.reference
    try:
        if args.comment:
            about = f" (checked against {template})" if template else ""
            change = note_change(diagnostics, fails, client.notes(issue), client.user_id(), about)
            if change is not None and args.dry_run:
                what = "create a note" if change.action == "create" else "update rollout-lint's note"
                body = "".join(f"    {line}\n" for line in change.body.splitlines())
                sys.stderr.write(f"rollout-lint: --dry-run: would {what} on {reference}:\n{body}")
            elif change is not None and change.action == "create":
                client.create_note(issue, change.body, internal=not args.public_comment)
            elif change is not None and change.note_id is not None:
                client.update_note(issue, change.note_id, change.body)
        if args.add_label and fails and args.add_label not in issue.saved.labels:
            if args.dry_run:
                sys.stderr.write(f"rollout-lint: --dry-run: would add the label {args.add_label!r} to {reference}\n")
            else:
                client.add_label(issue, args.add_label)
    except GitLabError as error:
        sys.stderr.write(f"rollout-lint: {error}\n")
        return False
    return True
