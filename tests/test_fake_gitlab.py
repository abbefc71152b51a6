"""The fake GitLab (tests/fake_gitlab.py) answers as GitLab's REST API v4 documents, checked with
urllib alone, and python-gitlab, the client under test elsewhere, reads and writes through it."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest

from fake_gitlab import FakeGitLab

TOKEN = "glpat-secret"
PROJECT = "group/project"
ENCODED = "group%2Fproject"


@pytest.fixture
def fake() -> Iterator[FakeGitLab]:
    with FakeGitLab(tokens={TOKEN}) as server:
        server.add_project(PROJECT)
        yield server


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)

    def links(self) -> dict[str, str]:
        """rel -> URL from the Link header."""
        return {rel: url for url, rel in re.findall(r'<([^>]*)>; rel="(\w+)"', self.headers.get("Link", ""))}


def call(fake: FakeGitLab, method: str, path: str, *, query: dict[str, Any] | None = None,
         token: str | None = TOKEN, headers: dict[str, str] | None = None, form: dict[str, str] | None = None,
         body: Any = None, timeout: float = 2.0) -> Reply:
    """One request with urllib; `path` under /api/v4 or a full URL (a Link's)."""
    url = path if path.startswith("http") else f"{fake.url}/api/v4{path}"
    if query:
        url += "?" + urlencode(query, doseq=True)
    sent = dict(headers or {})
    if token is not None:
        sent["PRIVATE-TOKEN"] = token
    data = None
    if form is not None:
        data = urlencode(form).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=sent, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, dict(response.headers.items()), response.read().decode())
    except urllib.error.HTTPError as error:
        return Reply(error.code, dict(error.headers.items()), error.read().decode())


def get(fake: FakeGitLab, path: str, **query: Any) -> Reply:
    return call(fake, "GET", path, query=query)


def iids(reply: Reply) -> list[int]:
    return [issue["iid"] for issue in reply.json()]


# -- listing issues --------------------------------------------------------------------------------


def test_pages_carry_gitlab_offset_pagination_headers(fake: FakeGitLab) -> None:
    for number in range(45):
        fake.add_issue(PROJECT, f"plan {number}", labels=["rollout"])
    pages = [get(fake, f"/projects/{ENCODED}/issues", labels="rollout", per_page=20, page=page) for page in (1, 2, 3)]
    expected = [("1", "2", ""), ("2", "3", "1"), ("3", "", "2")]
    for reply, (page, next_page, prev_page) in zip(pages, expected):
        assert reply.status == 200
        assert reply.headers["Content-Type"] == "application/json"
        assert (reply.headers["X-Page"], reply.headers["X-Next-Page"], reply.headers["X-Prev-Page"]) == (
            page, next_page, prev_page)
        assert (reply.headers["X-Per-Page"], reply.headers["X-Total"], reply.headers["X-Total-Pages"]) == (
            "20", "45", "3")
    assert [len(reply.json()) for reply in pages] == [20, 20, 5]
    # GitLab's default order: newest created first, so iid 45 leads and iid 1 ends the last page.
    assert [iid for reply in pages for iid in iids(reply)] == list(range(45, 0, -1))
    first, last = pages[0].links(), pages[2].links()
    assert set(first) == {"next", "first", "last"} and set(last) == {"prev", "first", "last"}
    assert first["next"].startswith(f"{fake.url}/api/v4/projects/{ENCODED}/issues?")
    following = call(fake, "GET", first["next"])  # the next link keeps labels and per_page
    assert following.text == pages[1].text and following.headers["X-Page"] == "2"
    assert "page=3" in last["last"] and "labels=rollout" in last["last"]


def test_per_page_defaults_to_20_and_stops_at_100(fake: FakeGitLab) -> None:
    for number in range(120):
        fake.add_issue(PROJECT, f"plan {number}")
    assert len(get(fake, f"/projects/{ENCODED}/issues").json()) == 20
    reply = get(fake, f"/projects/{ENCODED}/issues", per_page=500)
    assert len(reply.json()) == 100 and reply.headers["X-Per-Page"] == "100"
    beyond = get(fake, f"/projects/{ENCODED}/issues", page=9)
    assert beyond.json() == [] and beyond.headers["X-Next-Page"] == ""


def test_labels_are_all_required(fake: FakeGitLab) -> None:
    for labels in (["a"], ["a", "b"], ["b"], ["a", "b", "c"], []):
        fake.add_issue(PROJECT, "plan", labels=labels)
    assert sorted(iids(get(fake, f"/projects/{ENCODED}/issues", labels="a,b"))) == [2, 4]
    assert sorted(iids(get(fake, f"/projects/{ENCODED}/issues", **{"labels[]": ["a", "b"]}))) == [2, 4]
    assert iids(get(fake, f"/projects/{ENCODED}/issues", labels="c")) == [4]


def test_updated_after_is_on_or_after(fake: FakeGitLab) -> None:
    for day in (1, 2, 3):
        fake.add_issue(PROJECT, "plan", updated_at=f"2025-03-0{day}T12:00:00Z")
    assert sorted(iids(get(fake, f"/projects/{ENCODED}/issues", updated_after="2025-03-02T12:00:00Z"))) == [2, 3]
    assert iids(get(fake, f"/projects/{ENCODED}/issues", updated_after="2025-03-02T12:00:01+00:00")) == [3]
    assert get(fake, f"/projects/{ENCODED}/issues", updated_after="yesterday").status == 400
    assert fake.issue(PROJECT, 1)["updated_at"] == "2025-03-01T12:00:00.000Z"


def test_state_filter_defaults_to_all(fake: FakeGitLab) -> None:
    fake.add_issue(PROJECT, "open plan")
    fake.add_issue(PROJECT, "closed plan", state="closed")
    assert iids(get(fake, f"/projects/{ENCODED}/issues", state="opened")) == [1]
    assert iids(get(fake, f"/projects/{ENCODED}/issues", state="closed")) == [2]
    assert iids(get(fake, f"/projects/{ENCODED}/issues", state="all")) == [2, 1]
    assert iids(get(fake, f"/projects/{ENCODED}/issues")) == [2, 1]


def test_search_is_in_title_or_description_in_any_case(fake: FakeGitLab) -> None:
    fake.add_issue(PROJECT, "nothing here", title="[Orion-3] Rollout Plan")
    fake.add_issue(PROJECT, "The ROLLOUT of Orion", title="Other")
    fake.add_issue(PROJECT, "unrelated", title="Unrelated")
    assert iids(get(fake, f"/projects/{ENCODED}/issues", search="rollout")) == [2, 1]
    assert iids(get(fake, f"/projects/{ENCODED}/issues", search="orion-3")) == [1]


def test_group_lists_its_projects_and_subgroups(fake: FakeGitLab) -> None:
    fake.add_issue(PROJECT, "top")
    fake.add_issue("group/sub/deep", "in a subgroup")
    fake.add_issue("other/project", "elsewhere")
    fake.add_issue("groupie/project", "a group whose name starts alike")
    listed = get(fake, "/groups/group/issues").json()
    assert sorted(issue["references"]["full"] for issue in listed) == ["group/project#1", "group/sub/deep#1"]
    assert [issue["description"] for issue in get(fake, "/groups/group%2Fsub/issues").json()] == ["in a subgroup"]
    assert get(fake, "/groups/nowhere/issues").json() == {"message": "404 Group Not Found"}


def test_project_is_found_by_id_or_encoded_path_only(fake: FakeGitLab) -> None:
    project_id = fake.add_project("group/sub/project")
    issue = fake.add_issue("group/sub/project", "plan", labels=["b", "a"], confidential=True)
    assert issue["project_id"] == project_id and issue["id"] != issue["iid"]
    assert get(fake, f"/projects/{project_id}/issues").json() == [issue]
    assert get(fake, "/projects/group%2Fsub%2Fproject/issues").json() == [issue]
    assert get(fake, "/projects/group/sub/project/issues").status == 404  # unencoded: no such route
    assert get(fake, "/projects/group%2Fsub%2Fproject").json()["path_with_namespace"] == "group/sub/project"
    assert issue["labels"] == ["a", "b"] and issue["confidential"] is True
    assert issue["web_url"] == f"{fake.url}/group/sub/project/-/issues/1"
    assert issue["references"] == {"short": "#1", "relative": "#1", "full": "group/sub/project#1"}
    assert (issue["type"], issue["issue_type"], issue["author"]["username"]) == ("ISSUE", "issue", "author")


def test_one_issue_and_its_absence(fake: FakeGitLab) -> None:
    fake.add_issue(PROJECT, "plan", iid=7)
    assert get(fake, f"/projects/{ENCODED}/issues/7").json()["description"] == "plan"
    missing = get(fake, f"/projects/{ENCODED}/issues/8")
    assert (missing.status, missing.json()) == (404, {"message": "404 Not found"})
    assert get(fake, "/projects/nowhere%2Fproject/issues/1").status == 404
    unknown = get(fake, "/nothing/here")
    assert unknown.status == 404 and unknown.headers["Content-Type"] == "application/json"


# -- writing ---------------------------------------------------------------------------------------


def test_issue_labels_are_added_removed_or_replaced(fake: FakeGitLab) -> None:
    before = fake.add_issue(PROJECT, "plan", labels=["a", "b"])
    path = f"/projects/{ENCODED}/issues/1"
    added = call(fake, "PUT", path, form={"add_labels": "c,d", "remove_labels": "a"}).json()
    assert added["labels"] == ["b", "c", "d"] and added["updated_at"] > before["updated_at"]
    assert call(fake, "PUT", path, body={"labels": ["x", "y"], "confidential": True}).json()["labels"] == ["x", "y"]
    assert call(fake, "PUT", path, form={"confidential": "false"}).json()["confidential"] is False
    assert fake.issue(PROJECT, 1)["labels"] == ["x", "y"]
    assert [request.method for request in fake.writes()] == ["PUT", "PUT", "PUT"]
    assert fake.writes()[0].data == {"add_labels": "c,d", "remove_labels": "a"}


def test_notes_are_created_listed_and_edited(fake: FakeGitLab) -> None:
    issue = fake.add_issue(PROJECT, "plan")
    theirs = fake.add_note(PROJECT, 1, "a human's comment", username="alice")
    notes = f"/projects/{ENCODED}/issues/1/notes"
    created = call(fake, "POST", notes, body={"body": "lint report", "internal": True})
    assert created.status == 201
    note = created.json()
    assert (note["body"], note["internal"], note["confidential"], note["system"]) == ("lint report", True, True, False)
    assert note["author"]["username"] == "rollout-bot" and theirs["author"]["username"] == "alice"
    assert (note["noteable_id"], note["noteable_iid"], note["noteable_type"]) == (issue["id"], 1, "Issue")
    assert call(fake, "POST", notes, form={"body": "public", "internal": "false"}).json()["internal"] is False
    assert call(fake, "POST", notes, form={"body": "x", "internal": "maybe"}).status == 400
    assert call(fake, "POST", notes, body={"body": ""}).status == 400
    edited = call(fake, "PUT", f"{notes}/{note['id']}", body={"body": "lint report, again"}).json()
    assert edited["body"] == "lint report, again" and edited["updated_at"] > edited["created_at"]
    assert call(fake, "PUT", f"{notes}/{theirs['id']}", body={"body": "not mine"}).status == 403
    assert call(fake, "PUT", f"{notes}/999999", body={"body": "none"}).status == 404
    assert [n["body"] for n in fake.notes_of(PROJECT, 1)] == ["a human's comment", "lint report, again", "public"]
    listed = get(fake, notes, per_page=2)  # newest first, paginated as issues are
    assert [n["body"] for n in listed.json()] == ["public", "lint report, again"]
    assert listed.headers["X-Total"] == "3" and listed.headers["X-Next-Page"] == "2"
    assert fake.issue(PROJECT, 1)["updated_at"] == edited["updated_at"]  # a note touches its issue


def test_issue_templates_are_listed_and_read(fake: FakeGitLab) -> None:
    fake.add_template(PROJECT, "Rollout Plan", "## Summary\n")
    fake.add_template(PROJECT, "Bug", "## Steps\n")
    listed = get(fake, f"/projects/{ENCODED}/templates/issues")
    assert listed.json() == [{"key": "Bug", "name": "Bug"}, {"key": "Rollout Plan", "name": "Rollout Plan"}]
    assert listed.headers["X-Total"] == "2"
    one = get(fake, f"/projects/{ENCODED}/templates/issues/Rollout%20Plan").json()
    assert one == {"name": "Rollout Plan", "content": "## Summary\n"}
    assert get(fake, f"/projects/{ENCODED}/templates/issues/Nothing").status == 404
    assert get(fake, f"/projects/{ENCODED}/templates/merge_requests").json() == []


# -- access ----------------------------------------------------------------------------------------


def test_a_private_token_from_the_list_is_required(fake: FakeGitLab) -> None:
    path = f"/projects/{ENCODED}/issues"
    for token in (None, "glpat-wrong", ""):
        reply = call(fake, "GET", path, token=token)
        assert (reply.status, reply.json()) == (401, {"message": "401 Unauthorized"})
    assert call(fake, "GET", path, token=None, headers={"Authorization": f"Bearer {TOKEN}"}).status == 200
    assert call(fake, "GET", path, token=None, headers={"Authorization": "Bearer nope"}).status == 401


@pytest.mark.parametrize("path", ["/issues", "/issues/1", "/issues/1/notes", "/templates/issues"])
def test_a_ci_job_token_cannot_read_issues(fake: FakeGitLab, path: str) -> None:
    fake.add_issue(PROJECT, "plan")
    for token in (TOKEN, "any-job-token"):
        reply = call(fake, "GET", f"/projects/{ENCODED}{path}", token=None, headers={"JOB-TOKEN": token})
        assert (reply.status, reply.json()) == (401, {"message": "401 Unauthorized"})


def test_the_user_is_the_token_s_and_writes_notes_as_that_user() -> None:
    with FakeGitLab(tokens={"glpat-bot": "rollout-bot", "glpat-alice": "alice"}) as server:
        server.add_issue(PROJECT, "plan")
        for token, username in (("glpat-bot", "rollout-bot"), ("glpat-alice", "alice")):
            user = call(server, "GET", "/user", token=token).json()
            assert (user["username"], user["state"]) == (username, "active")
            note = call(server, "POST", f"/projects/{ENCODED}/issues/1/notes", token=token, form={"body": "hi"}).json()
            assert note["author"]["id"] == user["id"]
        assert call(server, "GET", "/user", token=None).status == 401


def test_a_forbidden_project_answers_403(fake: FakeGitLab) -> None:
    fake.add_issue(PROJECT, "visible")
    fake.add_issue("group/secret", "hidden")
    fake.forbid("group/secret")
    for path in ("/issues", "/issues/1", "/issues/1/notes", "/templates/issues"):
        reply = get(fake, f"/projects/group%2Fsecret{path}")
        assert (reply.status, reply.json()) == (403, {"message": "403 Forbidden"})
    assert [issue["description"] for issue in get(fake, "/groups/group/issues").json()] == ["visible"]


# -- faults ----------------------------------------------------------------------------------------


def test_failures_are_taken_in_order_then_the_real_answer(fake: FakeGitLab) -> None:
    fake.add_issue(PROJECT, "plan")
    path = f"/projects/{ENCODED}/issues"
    fake.fail(r"/issues$", 429, headers={"Retry-After": "1"})
    fake.fail(r"/issues$", 429)
    fake.fail(r"group/project/issues$", 502, times=2)  # matches the decoded path too
    fake.fail(r"/issues$", 500, body="<html>oops</html>", headers={"Content-Type": "text/html"})
    replies = [get(fake, path) for _ in range(6)]
    assert [reply.status for reply in replies] == [429, 429, 502, 502, 500, 200]
    assert replies[0].headers["Retry-After"] == "1" and "Retry-After" not in replies[1].headers
    assert replies[0].json() == {"message": "429 Too Many Requests"}
    assert replies[2].json() == {"message": "502 Bad Gateway"}
    assert (replies[4].text, replies[4].headers["Content-Type"]) == ("<html>oops</html>", "text/html")
    assert len(fake.requests) == 6  # faulted requests are recorded too


def test_a_failure_can_wait_for_a_method(fake: FakeGitLab) -> None:
    fake.add_issue(PROJECT, "plan")
    fake.fail(r"/issues/1$", 409, method="PUT", body={"message": "conflict"})
    assert get(fake, f"/projects/{ENCODED}/issues/1").status == 200
    reply = call(fake, "PUT", f"/projects/{ENCODED}/issues/1", form={"add_labels": "x"})
    assert (reply.status, reply.json()) == (409, {"message": "conflict"})
    assert fake.issue(PROJECT, 1)["labels"] == []


def test_a_malformed_answer_is_not_json(fake: FakeGitLab) -> None:
    fake.malformed(r"/issues$")
    reply = get(fake, f"/projects/{ENCODED}/issues")
    assert (reply.status, reply.headers["Content-Type"], reply.text) == (200, "application/json", '{"not json')
    with pytest.raises(json.JSONDecodeError):
        reply.json()
    assert get(fake, f"/projects/{ENCODED}/issues").json() == []


def test_a_hung_request_times_out_and_the_server_still_stops_at_once() -> None:
    server = FakeGitLab().start()
    server.hang(r"/issues$")
    started = time.monotonic()
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        call(server, "GET", f"/projects/{ENCODED}/issues", timeout=0.5)
    assert time.monotonic() - started < 1.5
    assert [request.path for request in server.requests] == [f"/api/v4/projects/{ENCODED}/issues"]
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 0.5


def test_requests_are_recorded_with_their_query_and_headers(fake: FakeGitLab) -> None:
    get(fake, f"/projects/{ENCODED}/issues", labels="a,b", page=2)
    (request,) = fake.requests
    assert (request.method, request.path) == ("GET", f"/api/v4/projects/{ENCODED}/issues")
    assert request.query == {"labels": "a,b", "page": "2"}
    assert request.headers["private-token"] == TOKEN and fake.writes() == []


# -- python-gitlab ---------------------------------------------------------------------------------


def test_python_gitlab_reads_every_page_and_writes_notes(fake: FakeGitLab) -> None:
    gitlab = pytest.importorskip("gitlab")
    for number in range(45):
        fake.add_issue(PROJECT, f"plan {number}", labels=["a", "b", "c"])
    fake.add_issue(PROJECT, "only a", labels=["a"])
    fake.add_template(PROJECT, "Rollout Plan", "## Summary\n")
    client = gitlab.Gitlab(fake.url, private_token=TOKEN, timeout=2)
    project = client.projects.get(PROJECT, lazy=True)
    issues = list(project.issues.list(iterator=True, labels=["a", "b"]))
    assert sorted(issue.iid for issue in issues) == list(range(1, 46))
    listing = [request for request in fake.requests if request.path.endswith("/issues")]
    assert len(listing) == 3  # one call a page, the later ones from the `next` Link
    assert all(request.path == f"/api/v4/projects/{ENCODED}/issues" for request in listing)
    assert [request.query.get("page") for request in listing] == [None, "2", "3"]
    assert all(request.query["labels"] == "a,b" for request in listing)
    assert fake.writes() == []

    issue = project.issues.get(45)
    note = issue.notes.create({"body": "lint report", "internal": True})
    note.body = "lint report, again"
    note.save()
    (stored,) = fake.notes_of(PROJECT, 45)
    assert (stored["body"], stored["internal"], stored["author"]["username"]) == (
        "lint report, again", True, "rollout-bot")
    assert [request.method for request in fake.writes()] == ["POST", "PUT"]
    # A note's path takes the issue's numeric project_id, from the issue's JSON, not the path.
    project_id = fake.issue(PROJECT, 45)["project_id"]
    assert fake.writes()[1].path == f"/api/v4/projects/{project_id}/issues/45/notes/{stored['id']}"

    issue.labels = ["a", "linted"]
    issue.save()  # python-gitlab sends the labels as a JSON list
    assert fake.issue(PROJECT, 45)["labels"] == ["a", "linted"]
    templates = getattr(project, "issue_templates", None)  # python-gitlab 4.13 has no such manager
    if templates is not None:
        assert templates.get("Rollout Plan").content == "## Summary\n"
    assert client.http_get(f"/projects/{ENCODED}/templates/issues/Rollout%20Plan")["content"] == "## Summary\n"


def test_python_gitlab_retries_429_always_and_5xx_when_asked(fake: FakeGitLab) -> None:
    gitlab = pytest.importorskip("gitlab")
    fake.add_issue(PROJECT, "plan")
    fake.fail(r"/issues$", 429, headers={"Retry-After": "0"})
    client = gitlab.Gitlab(fake.url, private_token=TOKEN, timeout=2)
    assert [issue.iid for issue in client.projects.get(PROJECT, lazy=True).issues.list(get_all=True)] == [1]
    assert len(fake.requests) == 2

    fake.fail(r"/issues/1$", 502)
    with pytest.raises(gitlab.exceptions.GitlabGetError) as raised:
        client.projects.get(PROJECT, lazy=True).issues.get(1)
    assert raised.value.response_code == 502
    fake.fail(r"/issues/1$", 502)
    retrying = gitlab.Gitlab(fake.url, private_token=TOKEN, timeout=2, retry_transient_errors=True)
    assert retrying.projects.get(PROJECT, lazy=True).issues.get(1).iid == 1

    fake.malformed(r"/issues/1$")
    with pytest.raises(gitlab.exceptions.GitlabParsingError):
        client.projects.get(PROJECT, lazy=True).issues.get(1)
    with pytest.raises(gitlab.exceptions.GitlabAuthenticationError):
        gitlab.Gitlab(fake.url, private_token="glpat-wrong").projects.get(PROJECT, lazy=True).issues.get(1)
