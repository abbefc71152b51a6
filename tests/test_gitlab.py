"""`rollout-lint gitlab`: plans read from GitLab issues, against a fake GitLab on 127.0.0.1
(`fake_gitlab.py`, which speaks the REST API's documented shapes). Nothing leaves the machine.

The end-to-end tests run the installed command; the rest run `main(argv)` in this process,
with the fake server on a thread of it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import EXAMPLE_PLAN, FIXTURES, Result, run_cli, run_main
from fake_gitlab import FakeGitLab

from rollout_lint.gitlab.references import IssueReference, parse_issue

TOKEN = "glpat-Test-Secret-8d1f0c"
PROJECT = "ai/rollouts"
# The environment of a run: this token, and none of GitLab CI's variables (empty is unset).
ENV = {"GITLAB_TOKEN": TOKEN, "CI_JOB_TOKEN": "", "CI_SERVER_URL": ""}


# --- what GitLab does to a description when it saves it: an oracle of its own -----------------

_QUICK_ACTION = re.compile(r"/([a-zA-Z][\w]*)(?: +(.*?))?[ \t]*$")
_LABEL = re.compile(r'~?"([^"]*)"|~?([^\s"~]+)')


def saved(text: str) -> tuple[str, list[str], bool, list[int]]:
    """The description GitLab keeps (quick-action lines outside code fences and comments run and removed), the
    labels and confidentiality they set, and the 1-based numbers of the lines removed."""
    kept, labels, confidential, removed, fence, comment = [], [], False, [], None, False
    for number, line in enumerate(text.split("\n"), 1):
        opening = re.match(r" {0,3}(`{3,}|~{3,})", line)
        if fence is None and opening:
            fence = opening[1][0]
        elif fence is not None and line.lstrip().startswith(fence * 3):
            fence = None
        was_comment = comment
        if fence is None and "<!--" in line:
            comment = "-->" not in line.split("<!--")[-1]
        elif comment and "-->" in line:
            comment = False
        action = _QUICK_ACTION.match(line) if fence is None and not was_comment else None
        if action is None:
            kept.append(line)
            continue
        removed.append(number)
        command = action[1].lower()
        if command in ("label", "labels"):
            labels += [quoted or bare for quoted, bare in _LABEL.findall(action[2] or "")]
        confidential = confidential or command == "confidential"
    return "\n".join(kept), list(dict.fromkeys(labels)), confidential, removed


@pytest.fixture
def gitlab() -> Iterator[FakeGitLab]:
    with FakeGitLab(tokens={TOKEN}) as server:
        yield server


def add_plan(gitlab: FakeGitLab, text: str, project: str = PROJECT, **changes: object) -> dict[str, object]:
    """An issue holding `text` as GitLab saves it; `changes` override its labels or confidentiality."""
    description, labels, confidential, _ = saved(text)
    attributes = {"labels": labels, "confidential": confidential, **changes}
    return gitlab.add_issue(project, description, **attributes)  # type: ignore[arg-type]


def audit(gitlab: FakeGitLab, *args: str, env: dict[str, str] | None = None, installed: bool = False) -> Result:
    run = run_cli if installed else run_main
    return run("gitlab", "--url", gitlab.url, "--isolated", *args, env={**ENV, **(env or {})})


def by_issue(result: Result) -> dict[str, list[tuple[int, str, str]]]:
    found: dict[str, list[tuple[int, str, str]]] = {}
    for d in result.json()["diagnostics"]:
        found.setdefault(d["path"], []).append((d["line"], d["rule"], d["message"]))
    return found


PLAN = EXAMPLE_PLAN.read_text("utf-8")


# --- verdicts ---------------------------------------------------------------------------------


def test_a_batch_audit_gives_check_s_verdicts_on_the_same_plans(gitlab: FakeGitLab, tmp_path: Path) -> None:
    """Every fixture plan, saved as GitLab saves it, gets `check`'s findings on the file, at the
    same lines (less the quick-action lines GitLab removed); the quick-action rules read the
    issue's labels and confidentiality instead, with the same verdicts."""
    plans = sorted(FIXTURES.glob("issue/*.md"))
    assert len(plans) > 40
    for plan in plans:
        add_plan(gitlab, plan.read_text("utf-8"))
    audited = audit(gitlab, "--project", PROJECT, "--format", "json", installed=True)
    checked = run_cli("check", "--isolated", "--mode", "issue", "--format", "json", *map(str, plans))
    assert audited.code == checked.code, audited
    from_check = by_issue(checked)
    from_gitlab = by_issue(audited)
    compared, not_compared = 0, []
    for iid, plan in enumerate(plans, 1):
        lines = plan.read_text("utf-8").split("\n")
        removed = saved("\n".join(lines))[3]
        if any("rollout-lint-disable" in lines[number - 2] for number in removed):
            # A suppression of the quick actions themselves: in the issue they are gone, and
            # it suppresses nothing (RL601), as it should.
            not_compared.append(plan.name)
            continue
        expected, expected_quick = [], []
        for line, rule, message in from_check.get(str(plan), []):
            if rule in ("RL501", "RL502", "RL503"):
                # The issue's attributes say it now; a label's scope clash is named in the issue's label order.
                message = "the issue is not confidential" if rule == "RL501" else message
                expected_quick.append((rule, message if rule != "RL503" else ""))
            elif rule != "RL504":  # a quick action given twice ran twice, and is gone
                expected.append((line - sum(1 for number in removed if number < line), rule, message))
        got = from_gitlab.get(f"{PROJECT}#{iid}", [])
        assert sorted(f for f in got if f[1] not in ("RL501", "RL502", "RL503")) == sorted(expected), plan.name
        got_quick = [(rule, message if rule != "RL503" else "") for _, rule, message in got if rule.startswith("RL50")]
        assert sorted(got_quick) == sorted(expected_quick), plan.name
        compared += len(expected) + len(expected_quick)
    assert compared > 60  # the fixtures' findings were compared, not two empty lists
    assert not_compared == ["good-suppressions.md"]


@pytest.mark.parametrize(
    ("labels", "confidential", "expected"),
    [
        (["type::feature", "feature::maintenance", "AI Model Migration"], True, []),
        (["type::feature", "feature::maintenance", "AI Model Migration", "extra"], True, []),
        (["type::feature", "feature::maintenance", "AI Model Migration"], False, [("RL501", "the issue is not confidential")]),
        (["type::feature", "AI Model Migration"], True, [("RL502", "the label 'feature::maintenance' is not applied")]),
        ([], True, [("RL502", f"the label '{name}' is not applied") for name in ("AI Model Migration", "feature::maintenance", "type::feature")]),
        (
            ["type::feature", "type::bug", "feature::maintenance", "AI Model Migration"],
            True,
            [("RL503", "labels 'type::bug' and 'type::feature' share the scope 'type'")],
        ),
        # A scope is what comes before the last `::`: `a::b::c` and `a::b::d` share `a::b`.
        (
            ["type::feature", "feature::maintenance", "AI Model Migration", "a::b::c", "a::b::d"],
            True,
            [("RL503", "labels 'a::b::c' and 'a::b::d' share the scope 'a::b'")],
        ),
        (["type::feature", "feature::maintenance", "AI Model Migration", "a::b", "a::c::d"], True, []),
    ],
)
def test_a_saved_issue_s_labels_and_confidentiality_are_read_from_the_issue(
    gitlab: FakeGitLab, labels: list[str], confidential: bool, expected: list[tuple[str, str]]
) -> None:
    add_plan(gitlab, PLAN, labels=labels, confidential=confidential)
    result = audit(gitlab, f"{PROJECT}#1", "--format", "json")
    assert sorted((rule, message) for _, rule, message in by_issue(result).get(f"{PROJECT}#1", [])) == expected
    assert result.code == (1 if expected else 0)


def test_quick_action_text_a_saved_description_keeps_in_code_changes_nothing(gitlab: FakeGitLab) -> None:
    """GitLab runs no quick action inside code: the text stays, and the issue's attributes decide."""
    text = PLAN.replace("/confidential\n", "```\n/confidential\n/label ~extra\n```\n")
    add_plan(gitlab, text, confidential=False)
    result = audit(gitlab, f"{PROJECT}#1", "--format", "json")
    assert [(rule, message) for _, rule, message in by_issue(result)[f"{PROJECT}#1"]] == [
        ("RL501", "the issue is not confidential")
    ]


def test_an_empty_description_is_said_to_be_one(gitlab: FakeGitLab) -> None:
    """GitLab gives `null` for a description never written, "" for one emptied."""
    gitlab.add_issue(PROJECT, None)  # type: ignore[arg-type]  # as GitLab's API has it
    gitlab.add_issue(PROJECT, " \n")
    result = audit(gitlab, "--project", PROJECT, "--format", "json")
    assert by_issue(result) == {
        f"{PROJECT}#{iid}": [(1, "RL002", "the description is empty")] for iid in (1, 2)
    }
    assert result.code == 1


def test_an_issue_is_named_by_its_url_or_its_reference(gitlab: FakeGitLab) -> None:
    gitlab.add_project("group/sub/project")
    add_plan(gitlab, PLAN, project="group/sub/project")
    add_plan(gitlab, PLAN.replace("/confidential\n", ""), project="group/sub/project")
    url = f"{gitlab.url}/group/sub/project/-/issues/2#note_123"
    result = audit(gitlab, "group/sub/project#1", url, "--format", "json")
    assert result.code == 1, result
    assert result.json()["summary"]["files"] == 2
    assert [(d["path"], d["rule"]) for d in result.json()["diagnostics"]] == [("group/sub/project#2", "RL501")]
    reads = [r.path for r in gitlab.requests]
    assert reads == ["/api/v4/projects/group%2Fsub%2Fproject/issues/1", "/api/v4/projects/group%2Fsub%2Fproject/issues/2"]


@pytest.mark.parametrize(
    ("text", "server", "expected"),
    [
        ("group/project#12", "https://gitlab.com", IssueReference("group/project", 12, None)),
        ("a/b.c/d-e_f#1", "https://gitlab.com", IssueReference("a/b.c/d-e_f", 1, None)),
        ("https://gitlab.example.com/g/p/-/issues/7", "https://gitlab.com", IssueReference("g/p", 7, "https://gitlab.example.com")),
        ("https://gitlab.example.com/g/s/p/-/issues/7/", "https://gitlab.com", IssueReference("g/s/p", 7, "https://gitlab.example.com")),
        ("https://gitlab.example.com/g/p/-/issues/7#note_99", "https://gitlab.com", IssueReference("g/p", 7, "https://gitlab.example.com")),
        ("https://gitlab.example.com/g/p/-/issues/7?x=1", "https://gitlab.com", IssueReference("g/p", 7, "https://gitlab.example.com")),
        ("https://gitlab.example.com/g/p/-/work_items/7", "https://gitlab.com", IssueReference("g/p", 7, "https://gitlab.example.com")),
        # A GitLab under a path: its prefix is the server's, not the project's.
        ("https://example.com/gitlab/g/p/-/issues/3", "https://example.com/gitlab", IssueReference("g/p", 3, "https://example.com/gitlab")),
    ],
)
def test_issue_references_and_urls_are_read(text: str, server: str, expected: IssueReference) -> None:
    assert parse_issue(text, server) == expected


@pytest.mark.parametrize(
    "text",
    ["#12", "project#12", "group/project#", "group/project#x", "https://gitlab.com/g/p/-/merge_requests/7",
     "https://gitlab.com/g/p/issues/7", "https://gitlab.com/g/p/-/issues/"],
)  # fmt: skip
def test_what_is_not_an_issue_is_a_usage_error(gitlab: FakeGitLab, text: str) -> None:
    with pytest.raises(ValueError, match="issue"):
        parse_issue(text, "https://gitlab.com")
    result = audit(gitlab, text)
    assert result.code == 2
    assert result.err.count("\n") == 1 and result.err.startswith(f"rollout-lint: {text!r} is n")
    assert gitlab.requests == []


# --- listing ------------------------------------------------------------------------------------


def test_every_page_is_read_with_one_request_a_page_and_none_per_issue(gitlab: FakeGitLab) -> None:
    for _ in range(250):
        add_plan(gitlab, PLAN)
    result = audit(gitlab, "--project", PROJECT, "--format", "json")
    assert result.code == 0, result
    assert result.json()["summary"]["files"] == 250
    assert [(r.method, r.path, r.query.get("page", "1")) for r in gitlab.requests] == [
        ("GET", "/api/v4/projects/ai%2Frollouts/issues", page) for page in ("1", "2", "3")
    ]


def test_filters_are_gitlab_s_labels_all_state_updated_after_and_search(gitlab: FakeGitLab) -> None:
    both = ["type::feature", "feature::maintenance", "AI Model Migration"]
    add_plan(gitlab, PLAN, labels=both, updated_at="2026-10-01T00:00:00Z")  # 1: in
    add_plan(gitlab, PLAN, labels=both[:2], updated_at="2026-10-01T00:00:00Z")  # 2: lacks a label
    add_plan(gitlab, PLAN, labels=both, updated_at="2026-08-01T00:00:00Z")  # 3: too old
    add_plan(gitlab, PLAN, labels=both, state="closed", updated_at="2026-10-01T00:00:00Z")  # 4: closed
    add_plan(gitlab, re.sub("(?i)orion", "Vega", PLAN), labels=both, updated_at="2026-10-01T00:00:00Z")  # 5: no 'Orion'
    result = audit(
        gitlab, "--project", PROJECT, "--label", "AI Model Migration", "--label", "type::feature",
        "--updated-after", "2026-09-01", "--search", "Orion", "--format", "json",
    )  # fmt: skip
    assert result.code == 0, result
    assert result.json()["summary"]["files"] == 1
    query = gitlab.requests[0].query
    assert query["labels"] == "AI Model Migration,type::feature"
    assert (query["state"], query["updated_after"], query["search"]) == ("opened", "2026-09-01", "Orion")
    closed = audit(gitlab, "--project", PROJECT, "--state", "closed", "--format", "json")
    assert closed.json()["summary"]["files"] == 1


def test_a_group_s_issues_include_its_subgroups(gitlab: FakeGitLab) -> None:
    add_plan(gitlab, PLAN, project="ai/rollouts")
    add_plan(gitlab, PLAN.replace("/confidential\n", ""), project="ai/models/vision")
    add_plan(gitlab, PLAN, project="other/project")
    result = audit(gitlab, "--group", "ai", "--format", "json")
    assert result.code == 1
    assert result.json()["summary"]["files"] == 2
    assert [(d["path"], d["rule"]) for d in result.json()["diagnostics"]] == [("ai/models/vision#1", "RL501")]


# --- reports --------------------------------------------------------------------------------


def test_reports_name_the_issue_and_carry_its_web_url(gitlab: FakeGitLab, tmp_path: Path) -> None:
    issue = add_plan(gitlab, PLAN, confidential=False)
    reports = {name: tmp_path / f"report.{name}" for name in ("sarif", "codequality", "junit", "json")}
    result = audit(gitlab, f"{PROJECT}#1", *(f"--report={name}:{path}" for name, path in reports.items()))
    assert result.code == 1
    assert f"{PROJECT}#1:" in result.out and "Found 1 error in 1 issue." in result.out
    url = issue["web_url"]
    assert url == f"{gitlab.url}/{PROJECT}/-/issues/1"
    sarif = json.loads(reports["sarif"].read_text())["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in sarif] == [{"uri": url}]
    quality = json.loads(reports["codequality"].read_text())
    assert [(q["location"]["path"], url in q["content"]["body"]) for q in quality] == [(f"{PROJECT}#1", True)]
    assert f'<property name="url" value="{url}" />' in reports["junit"].read_text()
    assert [(d["path"], d["url"]) for d in json.loads(reports["json"].read_text())["diagnostics"]] == [(f"{PROJECT}#1", url)]


def test_no_fix_is_offered_for_an_issue(gitlab: FakeGitLab) -> None:
    add_plan(gitlab, PLAN, labels=[])
    result = audit(gitlab, f"{PROJECT}#1")
    assert result.code == 1 and "RL502" in result.out
    assert "[*]" not in result.out and "--fix" not in result.out


# --- notes and labels ---------------------------------------------------------------------------


def notes(gitlab: FakeGitLab, iid: int = 1) -> list[dict[str, object]]:
    return gitlab.notes_of(PROJECT, iid)


def test_one_note_is_created_updated_left_and_rewritten_when_the_plan_passes(gitlab: FakeGitLab) -> None:
    add_plan(gitlab, PLAN.replace("/confidential\n", "").replace("2026-", "10/", 1), confidential=False)
    first = audit(gitlab, f"{PROJECT}#1", "--comment", installed=True)
    assert first.code == 1
    [note] = notes(gitlab)
    assert note["internal"] is True
    body = str(note["body"])
    assert body.startswith("<!-- rollout-lint ") and "found 2 problems" in body
    assert "#### The issue's labels and confidentiality" in body
    assert "- error RL501: `the issue is not confidential`" in body
    # Quoted plan text and hints are code spans: no line of the note runs a quick action or mentions anyone.
    assert not any(line.startswith("/") for line in body.splitlines())

    writes = len(gitlab.writes())
    assert audit(gitlab, f"{PROJECT}#1", "--comment", installed=True).code == 1
    assert len(gitlab.writes()) == writes  # unchanged: left alone

    gitlab.add_note(PROJECT, 1, "I will fix the date.", username="alice")
    gitlab.update_issue(PROJECT, 1, description=saved(PLAN)[0])  # the date fixed, still not confidential
    assert audit(gitlab, f"{PROJECT}#1", "--comment", installed=True).code == 1
    ours, alices = notes(gitlab)
    assert ours["id"] == note["id"] and "found 1 problem " in str(ours["body"])
    assert alices["body"] == "I will fix the date."
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in gitlab.writes()[writes:]] == [("PUT", str(note["id"]))]

    gitlab.update_issue(PROJECT, 1, confidential=True)
    assert audit(gitlab, f"{PROJECT}#1", "--comment", installed=True).code == 0
    ours = notes(gitlab)[0]
    assert "now passes every check" in str(ours["body"])
    writes = len(gitlab.writes())
    assert audit(gitlab, f"{PROJECT}#1", "--comment", installed=True).code == 0
    assert len(gitlab.writes()) == writes
    assert len(notes(gitlab)) == 2


def test_a_copy_of_the_note_by_someone_else_is_left_alone(gitlab: FakeGitLab) -> None:
    """Only its author may edit a note: rollout-lint's is the one with the marker that the token's
    user wrote, and a copy someone else posted is neither edited nor taken for it."""
    add_plan(gitlab, PLAN, confidential=False)
    copy = "<!-- rollout-lint fails-0123456789abcdef -->\n**rollout-lint** found 1 problem in this rollout plan.\n"
    gitlab.add_note(PROJECT, 1, copy, username="alice")
    result = audit(gitlab, f"{PROJECT}#1", "--comment", installed=True)
    assert (result.code, result.err) == (1, "")
    alices, ours = notes(gitlab)
    assert alices["body"] == copy
    assert ours["author"]["username"] == "rollout-bot" and "the issue is not confidential" in str(ours["body"])
    assert [request.method for request in gitlab.writes()] == ["POST"]


def test_no_note_on_an_issue_that_always_passed(gitlab: FakeGitLab) -> None:
    add_plan(gitlab, PLAN)
    assert audit(gitlab, "--project", PROJECT, "--comment", "--add-label", "rollout-plan::incomplete").code == 0
    assert gitlab.writes() == []


def test_public_comment_makes_the_note_public(gitlab: FakeGitLab) -> None:
    add_plan(gitlab, PLAN, confidential=False)
    audit(gitlab, f"{PROJECT}#1", "--comment", "--public-comment")
    assert [note["internal"] for note in notes(gitlab)] == [False]


def test_add_label_adds_to_failing_issues_and_removes_nothing(gitlab: FakeGitLab) -> None:
    add_plan(gitlab, PLAN, confidential=False)  # 1 fails
    add_plan(gitlab, PLAN)  # 2 passes
    labels = ["type::feature", "feature::maintenance", "AI Model Migration", "needs-review"]
    add_plan(gitlab, PLAN, confidential=False, labels=labels)  # 3 fails, has the label already
    result = audit(gitlab, "--project", PROJECT, "--add-label", "needs-review")
    assert result.code == 1
    assert "needs-review" in gitlab.issue(PROJECT, 1)["labels"]
    assert set(saved(PLAN)[1]) < set(gitlab.issue(PROJECT, 1)["labels"])
    assert "needs-review" not in gitlab.issue(PROJECT, 2)["labels"]
    assert [(r.method, r.path, r.data) for r in gitlab.writes()] == [
        ("PUT", "/api/v4/projects/100/issues/1", {"add_labels": "needs-review"})
    ]


def test_dry_run_says_what_it_would_write_and_writes_nothing(gitlab: FakeGitLab) -> None:
    add_plan(gitlab, PLAN, confidential=False)
    result = audit(gitlab, f"{PROJECT}#1", "--comment", "--add-label", "needs-review", "--dry-run", installed=True)
    assert result.code == 1
    assert gitlab.writes() == []
    assert f"would create a note on {PROJECT}#1:" in result.err
    assert "    - error RL501: `the issue is not confidential`" in result.err
    assert f"would add the label 'needs-review' to {PROJECT}#1" in result.err


# --- connection, secrets and faults -------------------------------------------------------


def test_the_token_appears_in_no_output_report_or_error(gitlab: FakeGitLab, tmp_path: Path) -> None:
    add_plan(gitlab, PLAN, confidential=False)
    # A server that echoes the token back in an error must not get it printed either.
    gitlab.fail(r"issues/2$", 400, body={"message": f"400 Bad request: token {TOKEN} is odd"})
    gitlab.fail(r"issues/3$", 500, times=10)
    outputs = []
    for extra in ([], ["--format", "json"], ["--format", "sarif"], ["--format", "github"]):
        report = tmp_path / "report.json"
        result = audit(
            gitlab, f"{PROJECT}#1", f"{PROJECT}#2", f"{PROJECT}#3", "--retries", "1", "--comment",
            f"--report=junit:{report}", *extra, installed=True,
        )  # fmt: skip
        assert result.code == 2, result
        outputs += [result.out, result.err, report.read_text()]
    wrong = audit(gitlab, f"{PROJECT}#1", env={"GITLAB_TOKEN": TOKEN + "x"}, installed=True)
    assert "GitLab refused the token (401)" in wrong.out
    outputs += [wrong.out, wrong.err, *(note["body"] for note in gitlab.notes)]  # type: ignore[misc]
    assert "400 Bad request: token [token] is odd" in "".join(outputs)
    assert all(TOKEN not in str(output) for output in outputs)
    assert all(r.headers["private-token"] in (TOKEN, TOKEN + "x") for r in gitlab.requests)


def test_a_ci_job_token_alone_is_refused_with_what_to_use(gitlab: FakeGitLab) -> None:
    add_plan(gitlab, PLAN)
    result = audit(gitlab, f"{PROJECT}#1", env={"GITLAB_TOKEN": "", "CI_JOB_TOKEN": "job-token-value"}, installed=True)
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert "CI_JOB_TOKEN cannot read issues" in result.err and "read_api" in result.err and "GITLAB_TOKEN" in result.err
    assert "job-token-value" not in result.err + result.out
    assert gitlab.requests == []


def test_the_token_may_come_from_a_file(gitlab: FakeGitLab, tmp_path: Path) -> None:
    add_plan(gitlab, PLAN)
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    assert audit(gitlab, f"{PROJECT}#1", "--token-file", str(token_file), env={"GITLAB_TOKEN": ""}).code == 0
    token_file.write_text("\n")
    empty = audit(gitlab, f"{PROJECT}#1", "--token-file", str(token_file))
    assert (empty.code, empty.err) == (2, f"rollout-lint: the token file {token_file} is empty\n")
    missing = audit(gitlab, f"{PROJECT}#1", "--token-file", str(tmp_path / "none"))
    assert missing.code == 2 and "cannot read the token file" in missing.err


def test_writing_needs_a_token(gitlab: FakeGitLab) -> None:
    result = audit(gitlab, f"{PROJECT}#1", "--comment", env={"GITLAB_TOKEN": ""})
    assert (result.code, result.err.count("\n")) == (2, 1)
    assert "need a token with the api scope" in result.err


@pytest.mark.parametrize(
    ("fault", "status", "headers"),
    [
        ("fail", 429, {"Retry-After": "1"}),
        ("fail", 429, None),
        ("fail", 502, None),
        ("fail", 503, None),
    ],
)
def test_rate_limits_and_server_errors_are_retried(
    gitlab: FakeGitLab, fault: str, status: int, headers: dict[str, str] | None
) -> None:
    add_plan(gitlab, PLAN)
    gitlab.fail(r"issues/1$", status, headers=headers)
    result = audit(gitlab, f"{PROJECT}#1")
    assert result.code == 0, result
    assert len(gitlab.requests) == 2


@pytest.mark.parametrize(
    ("arrange", "message"),
    [
        (lambda g: g.fail(r"rollouts/issues/1$", 429, times=2), "GitLab kept limiting the rate (429) through every retry"),
        (lambda g: g.fail(r"rollouts/issues/1$", 502, times=2), "GitLab failed (502) through every retry"),
        (lambda g: g.hang(r"rollouts/issues/1$", times=2), "did not answer within 0.5 s (2 tries)"),
        (lambda g: g.malformed(r"rollouts/issues/1$"), "GitLab's answer is not valid JSON"),
        (lambda g: g.forbid(PROJECT), "forbidden (403)"),
        (lambda g: g.fail(r"rollouts/issues/1$", 401), "GitLab refused the token (401)"),
        (lambda g: g.fail(r"rollouts/issues/1$", 404), "not found (404)"),
    ],
)
def test_an_issue_that_cannot_be_read_is_exit_2_and_the_others_are_checked(
    gitlab: FakeGitLab, arrange: object, message: str
) -> None:
    add_plan(gitlab, PLAN)
    gitlab.add_project("other/project")
    add_plan(gitlab, PLAN.replace("/confidential\n", ""), project="other/project")
    arrange(gitlab)  # type: ignore[operator]
    result = audit(gitlab, f"{PROJECT}#1", "other/project#1", "--timeout", "0.5", "--retries", "1", "--format", "json")
    assert result.code == 2, result
    found = [(d["path"], d["rule"], d["message"]) for d in result.json()["diagnostics"]]
    assert found[0][:2] == (f"{PROJECT}#1", "RL001") and message in found[0][2] and f"cannot read {PROJECT}#1" in found[0][2]
    assert found[1:] == [("other/project#1", "RL501", "the issue is not confidential")]


def test_a_missing_issue_is_exit_2_with_one_line(gitlab: FakeGitLab) -> None:
    gitlab.add_project(PROJECT)
    result = audit(gitlab, f"{PROJECT}#9", "--format", "concise", installed=True)
    assert result.code == 2
    assert result.out.splitlines()[0] == (
        f"{PROJECT}#9:1:1: RL001 [error] cannot read {PROJECT}#9: not found (404): it does not exist, "
        "or the token's user cannot see it"
    )
    assert "Traceback" not in result.err


def test_a_project_that_cannot_be_listed_is_exit_2(gitlab: FakeGitLab) -> None:
    result = audit(gitlab, "--project", "no/such", "--format", "concise")
    assert result.code == 2
    assert result.out.startswith("no/such:1:1: RL001 [error] cannot list the issues of project no/such: not found (404)")


def test_the_project_s_own_issue_template_can_be_the_schema(gitlab: FakeGitLab) -> None:
    """A template of the project's, read through GitLab: its sections, labels and quick actions."""
    template = "## Goal\n\nSay what the rollout is for.\n\n## Owner\n\nWho leads it.\n\n/confidential\n/label ~rollout\n"
    gitlab.add_template(PROJECT, "Small Rollout", template)
    gitlab.add_issue(PROJECT, "## Goal\n\nShip it.\n\n## Owner\n\nAlice.\n", labels=["rollout"], confidential=True)
    gitlab.add_issue(PROJECT, "## Goal\n\nShip it.\n", labels=[], confidential=False)
    result = audit(gitlab, "--project", PROJECT, "--template-from-project", "Small Rollout", "--format", "json")
    assert result.code == 1, result
    assert sorted((d["path"], d["rule"], d["message"]) for d in result.json()["diagnostics"]) == [
        (f"{PROJECT}#2", "RL101", "missing section 'Owner'"),
        (f"{PROJECT}#2", "RL501", "the issue is not confidential"),
        (f"{PROJECT}#2", "RL502", "the label 'rollout' is not applied"),
    ]
    missing = audit(gitlab, "--project", PROJECT, "--template-from-project", "Nope")
    assert missing.code == 2 and missing.err.startswith("rollout-lint: cannot read the issue template 'Nope'")
    both = audit(gitlab, "--project", PROJECT, "--template-from-project", "Small Rollout", "--template", "model-rollout-plan")
    assert both.code == 2 and "--template-from-project takes the place of" in both.err


def test_a_python_gitlab_configuration_section_gives_url_and_token(gitlab: FakeGitLab, tmp_path: Path) -> None:
    add_plan(gitlab, PLAN)
    config = tmp_path / "python-gitlab.cfg"
    config.write_text(f"[global]\ndefault = fake\n\n[fake]\nurl = {gitlab.url}\nprivate_token = {TOKEN}\n")
    env = {"PYTHON_GITLAB_CFG": str(config), "GITLAB_TOKEN": ""}
    result = run_main("gitlab", "--isolated", "--gitlab-config", "fake", f"{PROJECT}#1", env={**ENV, **env})
    assert result.code == 0, result
    unknown = run_main("gitlab", "--isolated", "--gitlab-config", "other", f"{PROJECT}#1", env={**ENV, **env})
    assert unknown.code == 2 and unknown.err.startswith("rollout-lint: --gitlab-config other: ")
    assert unknown.err.count("\n") == 1


def test_a_note_that_cannot_be_written_is_exit_2_and_said_once(gitlab: FakeGitLab) -> None:
    add_plan(gitlab, PLAN, confidential=False)
    add_plan(gitlab, PLAN, confidential=False)
    gitlab.fail(r"issues/1/notes$", 403, method="POST")
    result = audit(gitlab, "--project", PROJECT, "--comment", "--format", "concise")
    assert result.code == 2
    assert result.err == f"rollout-lint: cannot write a note on {PROJECT}#1: forbidden (403): the token's user cannot do this; it needs read_api to read (api to write notes and labels)\n"
    assert len(notes(gitlab, 2)) == 1  # the next issue still got its note


def test_a_token_whose_user_cannot_be_read_is_exit_2_and_checks_go_on(gitlab: FakeGitLab) -> None:
    """The user is read once, when the first note is due; failing, it is asked for again."""
    add_plan(gitlab, PLAN, confidential=False)
    add_plan(gitlab, PLAN, confidential=False)
    gitlab.fail(r"/user$", 403)
    result = audit(gitlab, "--project", PROJECT, "--comment", "--format", "concise", "--retries", "0")
    assert result.code == 2
    assert result.err.startswith("rollout-lint: cannot read the token's user: forbidden (403)")
    assert result.out.count("RL501") == 2  # both issues checked
    assert (len(notes(gitlab, 1)), len(notes(gitlab, 2))) == (0, 1)
    assert [request.path for request in gitlab.requests].count("/api/v4/user") == 2


@pytest.mark.parametrize(("retries", "code"), [("0", 2), ("1", 1)])
def test_reading_the_token_s_user_is_retried_as_often_as_asked(gitlab: FakeGitLab, retries: str, code: int) -> None:
    add_plan(gitlab, PLAN, confidential=False)
    gitlab.fail(r"/user$", 502)
    result = audit(gitlab, f"{PROJECT}#1", "--comment", "--retries", retries)
    assert result.code == code, result
    assert [request.path for request in gitlab.requests].count("/api/v4/user") == int(retries) + 1
    assert len(notes(gitlab)) == int(retries)  # the note is written once the user is known


def test_shards_split_a_listing_into_parts_that_add_up_to_it(gitlab: FakeGitLab) -> None:
    for _ in range(7):
        add_plan(gitlab, PLAN, confidential=False)
    parts = [audit(gitlab, "--project", PROJECT, "--shard", f"{index}/3", "--format", "json") for index in (1, 2, 3)]
    paths = [sorted(d["path"] for d in part.json()["diagnostics"]) for part in parts]
    assert sorted(path for part in paths for path in part) == sorted(f"{PROJECT}#{iid}" for iid in range(1, 8))
    assert all(2 <= len(part) <= 3 for part in paths)
    for wrong in ("0/3", "4/3", "1", "a/b", "1/0"):
        assert audit(gitlab, "--project", PROJECT, "--shard", wrong).code == 2


def test_the_gitlab_of_a_ci_job_is_the_default(gitlab: FakeGitLab) -> None:
    add_plan(gitlab, PLAN)
    result = run_main("gitlab", "--isolated", f"{PROJECT}#1", env={**ENV, "CI_SERVER_URL": gitlab.url})
    assert result.code == 0, result
    assert len(gitlab.requests) == 1


def test_a_group_audit_comments_on_each_project_s_issue(gitlab: FakeGitLab) -> None:
    add_plan(gitlab, PLAN, project="ai/vision", confidential=False)
    add_plan(gitlab, PLAN, project="ai/code", confidential=False)
    assert audit(gitlab, "--group", "ai", "--comment").code == 1
    assert [len(gitlab.notes_of(project, 1)) for project in ("ai/vision", "ai/code")] == [1, 1]


def test_the_configuration_in_the_working_directory_applies_to_issues(gitlab: FakeGitLab, tmp_path: Path) -> None:
    """An issue is named by its reference, relative to the directory the audit runs in (a CI
    job's checkout): its `.rollout-lint.toml` ignores rules and excludes issues by reference."""
    add_plan(gitlab, PLAN, confidential=False)
    add_plan(gitlab, PLAN, confidential=False, labels=[])
    (tmp_path / ".rollout-lint.toml").write_text('exclude = ["ai/rollouts#2"]\nignore = ["RL502"]\n')
    result = run_main("gitlab", "--url", gitlab.url, "--project", PROJECT, "--format", "json", env=ENV, cwd=tmp_path)
    assert result.code == 1, result
    assert result.json()["summary"]["files"] == 1
    assert [(d["path"], d["rule"]) for d in result.json()["diagnostics"]] == [(f"{PROJECT}#1", "RL501")]


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--retries", "x"], "argument --retries: 'x' is not a number of retries from 0 to 20"),
        (["--retries", "21"], "argument --retries: '21' is not a number of retries from 0 to 20"),
        (["--timeout", "0"], "argument --timeout: '0' is not a number of seconds between 0 and 3600"),
        (["--updated-after", "yesterday"], "argument --updated-after: 'yesterday' is not an ISO 8601 date"),
        (["--project", "a/b", "--group", "a"], "argument --group: not allowed with argument --project"),
        ([], "name issues, or --project or --group to list them"),
    ],
)
def test_bad_options_are_one_line_usage_errors(gitlab: FakeGitLab, option: list[str], message: str) -> None:
    result = audit(gitlab, *option)
    assert result.code == 2
    assert message in result.err and result.err.count("\n") == 1
    assert gitlab.requests == []


def test_a_token_no_header_can_carry_is_refused_without_being_shown(gitlab: FakeGitLab) -> None:
    for token in ("glpat-a\nb", "glpat a", "glpat-é"):
        result = audit(gitlab, f"{PROJECT}#1", env={"GITLAB_TOKEN": token})
        assert (result.code, result.err) == (
            2, "rollout-lint: the token holds a space, a line break or a character an HTTP header cannot carry\n"
        )  # fmt: skip
    assert gitlab.requests == []


def test_a_url_that_is_not_one_is_refused(gitlab: FakeGitLab) -> None:
    result = run_main("gitlab", "--url", "gitlab.example.com", f"{PROJECT}#1", env=ENV)
    assert (result.code, result.err) == (2, "rollout-lint: 'gitlab.example.com' is not the URL of a GitLab (https://gitlab.example.com)\n")
