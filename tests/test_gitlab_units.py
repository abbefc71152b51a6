"""The GitLab stage's parts, one table each: rollout-lint's note, issue URLs, GitLab's answers made
one line. `test_gitlab.py` runs them together against the fake GitLab; these pin what a whole run
would pass over (a backtick in a message, an issue without a description, a refused connection).
"""

from __future__ import annotations

import re
import socket
from argparse import Namespace
from pathlib import Path

import pytest
from conftest import EXAMPLE_PLAN, run_main
from fake_gitlab import FakeGitLab
from gitlab.exceptions import GitlabError

from rollout_lint.cli.gitlab import _JOB_TOKEN_ONLY, _connection, _references
from rollout_lint.diagnostics import Diagnostic
from rollout_lint.gitlab.client import _http_reason, _issue, _root_cause
from rollout_lint.gitlab.notes import _code, note_body, note_change
from rollout_lint.gitlab.references import IssueReference, parse_issue

TOKEN = "glpat-Unit-Secret"
ENV = {"GITLAB_TOKEN": TOKEN, "CI_JOB_TOKEN": "", "CI_SERVER_URL": ""}


def finding(rule: str, line: int, message: str, section: str = "", hint: str | None = None, severity: str = "error") -> Diagnostic:
    return Diagnostic("g/p#1", line, 1, line, 1, rule, "name", severity, message, hint, section)


# --- the note ---------------------------------------------------------------------------------


def test_the_note_lists_the_issue_first_then_each_section_in_the_plan_s_order() -> None:
    findings = [
        finding("RL305", 12, "date `10/01` is not ISO", section="Timeline", hint="write 2026-10-01"),
        finding("RL101", 30, "missing x", section="Timeline"),
        finding("RL302", 40, "empty", section="Rollback"),  # after Timeline in the plan, before it in the alphabet
        finding("RL501", 90, "the issue is not confidential", hint="make it confidential"),
        finding("RL201", 2, "stray @alice /label ~x"),
    ]
    body = note_body(findings, True, "fails-0123456789abcdef", " (checked against model-rollout-plan@dcc04245)")
    assert body == (
        "<!-- rollout-lint fails-0123456789abcdef -->\n"
        "**rollout-lint** found 5 problems in this rollout plan (checked against model-rollout-plan@dcc04245).\n"
        "\n#### The issue's labels and confidentiality\n\n"
        "- error RL501: `the issue is not confidential` — `make it confidential`\n"
        "\n#### `Before the first heading`\n\n"
        "- line 2, error RL201: `stray @alice /label ~x`\n"
        "\n#### `Timeline`\n\n"
        "- line 12, error RL305: ``date `10/01` is not ISO`` — `write 2026-10-01`\n"
        "- line 30, error RL101: `missing x`\n"
        "\n#### `Rollback`\n\n"
        "- line 40, error RL302: `empty`\n"
        "\n_This note is updated when the plan changes; `rollout-lint explain RULE` says more of a rule._\n"
    )


@pytest.mark.parametrize(
    ("findings", "headline"),
    [
        ([finding("RL305", 12, "x", severity="warning")], "**rollout-lint**: this rollout plan now passes; 1 finding left as advice."),
        ([finding("RL305", 12, "x", severity="info")] * 2, "**rollout-lint**: this rollout plan now passes; 2 findings left as advice."),
        ([], "**rollout-lint**: this rollout plan now passes every check."),
    ],
)
def test_a_passing_plan_says_so_and_counts_what_is_left(findings: list[Diagnostic], headline: str) -> None:
    assert note_body(findings, False, "passes-0", "").splitlines()[1] == headline


def test_one_finding_is_a_problem() -> None:
    assert note_body([finding("RL101", 3, "x")], True, "d", "").splitlines()[1] == "**rollout-lint** found 1 problem in this rollout plan."


BOT = 2  # the token's user


def note(note_id: int, body: str, author_id: int = BOT) -> dict[str, object]:
    """A note as GitLab's API lists it (the fields read here)."""
    return {"id": note_id, "body": body, "author": {"id": author_id, "username": f"user{author_id}"}}


def test_a_note_with_the_marker_by_someone_else_is_not_rollout_lints() -> None:
    findings = [finding("RL101", 12, "missing x")]
    ours = note_change(findings, True, [], BOT, "")
    assert ours is not None
    copied = [note(4, ours.body, author_id=1), {"id": 5, "body": ours.body}]  # another user's; no author given
    assert note_change(findings, True, copied, BOT, "") == ours  # a note of its own is created
    assert note_change(findings, True, [*copied, note(6, ours.body)], BOT, "") is None  # its own is found


def test_the_same_findings_with_another_verdict_rewrite_the_note() -> None:
    """`--strict` on, then off: the findings are the same, the verdict is not."""
    warning = [finding("RL305", 12, "x", severity="warning")]
    first = note_change(warning, True, [], BOT, " (checked against v)")
    assert first is not None and first.action == "create" and first.note_id is None
    assert "in this rollout plan (checked against v)." in first.body
    assert re.fullmatch(r"<!-- rollout-lint fails-[0-9a-f]{16} -->", first.body.split("\n")[0])
    second = note_change(warning, False, [note(9, "hello"), note(7, first.body)], BOT, "")
    assert second is not None and (second.action, second.note_id) == ("update", 7) and "now passes" in second.body
    assert re.fullmatch(r"<!-- rollout-lint passes-[0-9a-f]{16} -->", second.body.split("\n")[0])
    assert note_change(warning, False, [note(7, second.body)], BOT, "") is None


@pytest.mark.parametrize(
    ("changed", "same"),
    [
        (finding("RL101", 13, "missing x"), False),  # moved a line
        (finding("RL101", 12, "missing y"), False),
        (finding("RL102", 12, "missing x"), False),
        (finding("RL101", 12, "missing x", severity="warning"), False),
        (finding("RL101", 12, "missing x", hint="another hint"), True),  # the digest is of the findings, not their advice
    ],
)
def test_the_note_is_rewritten_when_a_finding_changes(changed: Diagnostic, same: bool) -> None:
    first = note_change([finding("RL101", 12, "missing x")], True, [], BOT, "")
    assert first is not None
    again = note_change([changed], True, [note(1, first.body)], BOT, "")
    assert (again is None) == same


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("plain", "`plain`"),
        ("a`b", "``a`b``"),
        ("a``b", "```a``b```"),
        ("a`b``c`d", "```a`b``c`d```"),
        ("`a", "`` `a ``"),
        ("a`", "`` a` ``"),
        ("`a`", "`` `a` ``"),
        ("two\n  lines", "`two lines`"),
    ],
)
def test_any_text_is_one_code_span(text: str, span: str) -> None:
    assert _code(text) == span


# --- issue references -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "server", "expected"),
    [
        # On another host: the whole path is the project's.
        ("https://other.example/gitlab/g/p/-/issues/3", "https://example.com/gitlab", IssueReference("gitlab/g/p", 3, "https://other.example")),
        ("https://example.com/gitlab/g/p/-/issues/3", "https://example.com/gitlab/", IssueReference("g/p", 3, "https://example.com/gitlab")),
        # The same host, not under the server's path: not that GitLab's prefix.
        ("https://example.com/g/p/-/issues/3", "https://example.com/gitlab", IssueReference("g/p", 3, "https://example.com")),
    ],
)
def test_urls_beside_a_gitlab_under_a_path(text: str, server: str, expected: IssueReference) -> None:
    assert parse_issue(text, server) == expected


# --- GitLab's answers ---------------------------------------------------------------------------


def test_an_issue_without_a_description_or_references_is_read() -> None:
    """GitLab sends `"description": null` for an issue nobody wrote in."""
    issue = _issue({"iid": 3, "id": 30, "project_id": 9, "description": None})
    assert (issue.description, issue.saved.reference, issue.saved.web_url, issue.saved.labels) == ("", "#3", "", [])
    assert (issue.project_id, issue.iid, issue.id, issue.saved.confidential) == (9, 3, 30, False)


@pytest.mark.parametrize(
    ("code", "message", "with_token", "reason"),
    [
        (401, "", True, "GitLab refused the token (401): it is wrong, expired or revoked"),
        (401, "", False, "GitLab asks for a token (401): set GITLAB_TOKEN to a token with the read_api scope"),
        (403, "", True, "forbidden (403): the token's user cannot do this; it needs read_api to read (api to write notes and labels)"),
        (404, "", True, "not found (404): it does not exist, or the token's user cannot see it"),
        (429, "", True, "GitLab kept limiting the rate (429) through every retry"),
        (500, "", True, "GitLab failed (500) through every retry"),
        (499, "odd", True, "499: odd"),
        (400, "Bad thing", True, "400: Bad thing"),
        (400, "  ", True, "400: no reason given"),
        (400, "", True, "400: no reason given"),
        (None, "boom", True, "error: boom"),
    ],
)
def test_gitlab_s_refusals_are_one_line_each(code: int | None, message: str, with_token: bool, reason: str) -> None:
    assert _http_reason(GitlabError(message, response_code=code), with_token) == reason


def test_the_innermost_reason_is_given() -> None:
    try:
        try:
            raise ConnectionRefusedError(111, "Connection refused")
        except OSError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert _root_cause(outer) == "[Errno 111] Connection refused"
    assert _root_cause(ValueError()) == "ValueError"


def test_a_gitlab_that_refuses_connections_is_one_line_per_issue(tmp_path: Path) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]  # closed when the block ends: nothing listens there
    url = f"http://127.0.0.1:{port}"
    result = run_main("gitlab", "--url", url, "--isolated", "--retries", "0", "g/p#1", "--format", "concise", env=ENV)
    assert result.code == 2
    assert re.fullmatch(rf"g/p#1:1:1: RL001 \[error\] cannot read g/p#1: cannot connect to {url}: .*Connection refused\n", result.out.splitlines(True)[0])


# --- the command's set-up -----------------------------------------------------------------------


# The example plan as GitLab saves it: its quick actions run and removed.
PLAN = "".join(line for line in EXAMPLE_PLAN.read_text("utf-8").splitlines(True) if not line.startswith("/"))
LABELS = ["type::feature", "feature::maintenance", "AI Model Migration"]


@pytest.fixture
def gitlab() -> FakeGitLab:
    with FakeGitLab(tokens={TOKEN}) as server:
        yield server  # type: ignore[misc]


def test_url_beside_a_configuration_section_wins(gitlab: FakeGitLab, tmp_path: Path) -> None:
    gitlab.add_issue("g/p", PLAN)
    config = tmp_path / "python-gitlab.cfg"
    config.write_text(f"[global]\ndefault = x\n\n[x]\nurl = http://127.0.0.1:9\nprivate_token = {TOKEN}\n")
    env = {**ENV, "PYTHON_GITLAB_CFG": str(config)}
    result = run_main("gitlab", "--isolated", "--gitlab-config", "x", "--url", gitlab.url + "/", "g/p#1", env=env)
    assert result.code == 1, result
    assert len(gitlab.requests) == 1


def test_an_issue_url_on_the_gitlab_of_url_is_read(gitlab: FakeGitLab) -> None:
    gitlab.add_issue("g/p", PLAN)
    result = run_main("gitlab", "--isolated", "--url", gitlab.url + "/", f"{gitlab.url}/g/p/-/issues/1", env=ENV)
    assert result.code == 1, result
    other = run_main("gitlab", "--isolated", "--url", gitlab.url, "https://gitlab.example.com/g/p/-/issues/1", env=ENV)
    assert (other.code, other.err) == (
        2, f"rollout-lint: https://gitlab.example.com/… is not on {gitlab.url}; check the issues of one GitLab at a time\n"
    )  # fmt: skip


def test_a_token_file_that_is_not_text_is_refused(gitlab: FakeGitLab, tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_bytes(b"\xff\xfe")
    result = run_main("gitlab", "--isolated", "--url", gitlab.url, "--token-file", str(token_file), "g/p#1", env=ENV)
    assert (result.code, result.err) == (2, f"rollout-lint: cannot read the token file {token_file}: not UTF-8 text\n")


def test_without_a_token_public_issues_are_read_without_one(gitlab: FakeGitLab) -> None:
    result = run_main("gitlab", "--isolated", "--url", gitlab.url, "g/p#1", env={**ENV, "GITLAB_TOKEN": ""})
    assert result.code == 2
    assert "GitLab asks for a token (401): set GITLAB_TOKEN" in result.out
    assert all("private-token" not in request.headers for request in gitlab.requests)


def test_dry_run_of_an_update_says_so_with_the_note_indented(gitlab: FakeGitLab) -> None:
    gitlab.add_issue("g/p", PLAN, labels=LABELS)
    run_main("gitlab", "--isolated", "--url", gitlab.url, "g/p#1", "--comment", env=ENV)
    gitlab.update_issue("g/p", 1, confidential=True)
    result = run_main("gitlab", "--isolated", "--url", gitlab.url, "g/p#1", "--comment", "--dry-run", env=ENV)
    assert result.code == 0
    lines = result.err.splitlines()
    assert lines[0] == "rollout-lint: --dry-run: would update rollout-lint's note on g/p#1:"
    assert lines[1].startswith("    <!-- rollout-lint passes-")
    assert lines[2] == "    **rollout-lint**: this rollout plan now passes every check (checked against model-rollout-plan@49b5e694)."
    # Each run reads the issue, its notes and the token's user; only the first writes (its note).
    # (The issue is asked for by its project's path, and written to by its project's id.)
    notes = "/api/v4/projects/100/issues/1/notes"
    reads = [("GET", "/api/v4/projects/g%2Fp/issues/1"), ("GET", notes), ("GET", "/api/v4/user")]
    requests = [(request.method, request.path) for request in gitlab.requests]
    assert requests == [*reads, ("POST", notes), *reads]


def test_the_project_s_template_names_no_bundled_version_and_leaves_nothing_behind(gitlab: FakeGitLab, tmp_path: Path) -> None:
    gitlab.add_template("g/p", "Plan", "## Goal\n\nSay it.\n\n/confidential\n")
    gitlab.add_issue("g/p", "## Goal\n\nShip.\n")
    gitlab.add_issue("g/q", "## Goal\n\nShip.\n")
    result = run_main("gitlab", "--isolated", "--url", gitlab.url, "g/p#1", "--template-from-project", "Plan", "--comment", env=ENV, cwd=tmp_path)
    assert result.code == 1, result
    assert gitlab.notes_of("g/p", 1)[0]["body"].splitlines()[1] == "**rollout-lint** found 1 problem in this rollout plan."
    assert list(tmp_path.iterdir()) == []
    two = run_main("gitlab", "--isolated", "--url", gitlab.url, "g/p#1", "g/q#1", "--template-from-project", "Plan", env=ENV)
    assert (two.code, two.err) == (
        2, "rollout-lint: --template-from-project reads the template of one project: give --project, or issues of one project\n"
    )  # fmt: skip
    pinned = run_main("gitlab", "--isolated", "--url", gitlab.url, "g/p#1", "--template-from-project", "Plan", "--schema", "x.json", env=ENV)
    assert pinned.err == "rollout-lint: --template-from-project takes the place of --schema and --template: give one of them\n"


# --- python-gitlab's configuration, and where a token comes from -------------------------------


def configured(tmp_path: Path, section: str) -> dict[str, str]:
    config = tmp_path / "python-gitlab.cfg"
    config.write_text(f"[global]\ndefault = x\n\n[x]\n{section}")
    return {**ENV, "GITLAB_TOKEN": "", "PYTHON_GITLAB_CFG": str(config)}


# A section with a job token only is refused, with what to use.
def test_a_configuration_section_with_a_job_token_only_is_refused(gitlab: FakeGitLab, tmp_path: Path) -> None:
    env = configured(tmp_path, f"url = {gitlab.url}\njob_token = job-token-value\n")
    result = run_main("gitlab", "--isolated", "--gitlab-config", "x", "g/p#1", env=env)
    assert (result.code, result.err) == (2, f"rollout-lint: --gitlab-config x: {_JOB_TOKEN_ONLY}\n")
    assert gitlab.requests == []


# A job token beside a private token is not refused.
def test_a_configuration_section_with_a_job_token_and_a_private_token_reads(gitlab: FakeGitLab, tmp_path: Path) -> None:
    gitlab.add_issue("g/p", PLAN)
    env = configured(tmp_path, f"url = {gitlab.url}\nprivate_token = {TOKEN}\njob_token = job-token-value\n")
    result = run_main("gitlab", "--isolated", "--gitlab-config", "x", "g/p#1", env=env)
    assert result.code == 1, result


# A section without any token reads public issues, tokenless.
def test_a_configuration_section_without_a_token_reads_without_one(gitlab: FakeGitLab, tmp_path: Path) -> None:
    env = configured(tmp_path, f"url = {gitlab.url}\n")
    result = run_main("gitlab", "--isolated", "--gitlab-config", "x", "g/p#1", env=env)
    assert (result.code, result.err) == (2, "")
    assert "GitLab asks for a token (401)" in result.out


# python-gitlab's reason, on one line.
def test_an_unknown_configuration_section_says_python_gitlab_s_reason(tmp_path: Path) -> None:
    env = configured(tmp_path, "url = http://127.0.0.1:9\n")
    result = run_main("gitlab", "--isolated", "--gitlab-config", "other", "g/p#1", env=env)
    assert result.err == "rollout-lint: --gitlab-config other: A gitlab id was provided (other) but no config section found\n"


# The section's URL loses a trailing `/`, as --url does.
def test_a_configured_url_with_a_trailing_slash_is_the_gitlab_s_url(tmp_path: Path) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]  # nothing listens there once closed
    env = configured(tmp_path, f"url = http://127.0.0.1:{port}/\nprivate_token = {TOKEN}\n")
    result = run_main("gitlab", "--isolated", "--gitlab-config", "x", "--retries", "0", "g/p#1", "--format", "concise", env=env)
    assert result.code == 2
    assert f"cannot read g/p#1: cannot connect to http://127.0.0.1:{port}: " in result.out


# An https URL is a GitLab's URL (the next refusal needs no network).
def test_an_https_url_is_taken() -> None:
    result = run_main("gitlab", "--isolated", "--url", "https://gitlab.example.com", "http://127.0.0.1:9/g/p/-/issues/1", env=ENV)
    assert result.err == "rollout-lint: http://127.0.0.1:9/… is not on https://gitlab.example.com; check the issues of one GitLab at a time\n"


# The GitLab's path comes from the URL in use when --url is not given.
def test_issue_urls_under_the_path_of_a_gitlab_not_given_by_url() -> None:
    args = Namespace(url=None, issues=["https://example.com/gitlab/g/p/-/issues/3"])
    assert _references(args, "https://example.com/gitlab") == [IssueReference("g/p", 3, "https://example.com/gitlab")]


# The OS's reason for a token file that cannot be read.
def test_a_missing_token_file_says_why(gitlab: FakeGitLab, tmp_path: Path) -> None:
    path = tmp_path / "none"
    result = run_main("gitlab", "--isolated", "--url", gitlab.url, "--token-file", str(path), "g/p#1", env=ENV)
    assert (result.code, result.err) == (2, f"rollout-lint: cannot read the token file {path}: No such file or directory\n")


# GITLAB_TOKEN unset is no token.
def test_no_gitlab_token_variable_is_no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITLAB_TOKEN", raising=False)
    monkeypatch.delenv("CI_JOB_TOKEN", raising=False)
    assert _connection(Namespace(gitlab_config=None, url="http://x", token_file=None)) == ("http://x", None)


# No heading for the issue's attributes when none is at fault.
def test_a_note_without_issue_findings_has_no_heading_for_them() -> None:
    d = Diagnostic("g/p#1", 3, 1, 3, 1, "RL101", "name", "error", "x", None, "Goal")
    body = note_body([d], True, "fails-0", "")
    assert body.splitlines()[2:5] == ["", "#### `Goal`", ""]
    assert "The issue's labels" not in body
