"""GitLab's REST API through python-gitlab: issues read, notes and labels written.

Every request has a timeout; python-gitlab waits out a 429 (its Retry-After) and retries 5xx
answers, timeouts and dropped connections with a growing pause, `retries` times. What still
fails becomes a `GitLabError` whose message is one line, says what to do, and never holds the
token. python-gitlab (and requests) are imported only by this command.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import __version__
from ..markdown.source import SavedIssue
from .references import IssueReference

if TYPE_CHECKING:
    import gitlab

DEFAULT_URL = "https://gitlab.com"
# Issues a page: GitLab's most. One list request a page, and no request per issue.
PER_PAGE = 100


class GitLabError(Exception):
    """A request that failed for good: a one-line reason, without the token."""


class Issue(NamedTuple):
    """An issue as read: its description and saved attributes, and where to write to it."""

    description: str
    saved: SavedIssue
    project_id: int
    iid: int
    id: int  # unique on the server: what --shard divides by


class Filters(NamedTuple):
    """`--label`, `--state`, `--updated-after`, `--search`: GitLab's own filters of a list."""

    labels: list[str]
    state: str
    updated_after: str | None
    search: str | None


class GitLab:
    """One GitLab server, as one user (the token's)."""

    def __init__(self, url: str, token: str | None, timeout: float, retries: int) -> None:
        import gitlab

        self.url = url
        self._token = token
        self._retries = retries
        self._timeout = timeout
        self._user_id: int | None = None
        self._api = gitlab.Gitlab(
            url,
            private_token=token,
            timeout=timeout,
            retry_transient_errors=True,
            user_agent=f"rollout-lint/{__version__}",
        )

    def issue(self, reference: IssueReference) -> Issue:
        with self._failures(f"cannot read {reference}"):
            project = self._api.projects.get(reference.project, lazy=True)
            return _issue(project.issues.get(reference.iid, max_retries=self._retries).attributes)

    def issues(self, scope: str, path: str, filters: Filters) -> Iterator[Issue]:
        """Every issue of project or group `path` that `filters` let through, page after page."""
        owner: Any = (self._api.projects if scope == "project" else self._api.groups).get(path, lazy=True)
        query: dict[str, Any] = {"state": filters.state, "per_page": PER_PAGE, "order_by": "created_at", "sort": "asc"}
        if filters.labels:
            query["labels"] = filters.labels
        if filters.updated_after:
            query["updated_after"] = filters.updated_after
        if filters.search:
            query["search"] = filters.search
        with self._failures(f"cannot list the issues of {scope} {path}"):
            for found in owner.issues.list(iterator=True, max_retries=self._retries, **query):
                yield _issue(found.attributes)

    def notes(self, issue: Issue) -> list[dict[str, Any]]:
        with self._failures(f"cannot read the notes of {issue.saved.reference}"):
            notes = self._issue_object(issue).notes.list(iterator=True, per_page=PER_PAGE, max_retries=self._retries)
            return [note.attributes for note in notes]

    def user_id(self) -> int:
        """The id of the token's user, the author of rollout-lint's notes: asked for once, and again
        only after a failure."""
        if self._user_id is None:
            with self._failures("cannot read the token's user"):
                user = self._api.http_get("/user", max_retries=self._retries)
                self._user_id = int(user["id"])  # type: ignore[index]  # a JSON object
        return self._user_id

    def create_note(self, issue: Issue, body: str, internal: bool) -> None:
        with self._failures(f"cannot write a note on {issue.saved.reference}"):
            self._issue_object(issue).notes.create({"body": body, "internal": internal}, max_retries=self._retries)

    def update_note(self, issue: Issue, note_id: int, body: str) -> None:
        with self._failures(f"cannot update rollout-lint's note on {issue.saved.reference}"):
            self._issue_object(issue).notes.update(note_id, {"body": body}, max_retries=self._retries)

    def add_label(self, issue: Issue, label: str) -> None:
        """Add `label` with `add_labels`, which leaves every other label as it is."""
        with self._failures(f"cannot label {issue.saved.reference}"):
            project = self._api.projects.get(issue.project_id, lazy=True)
            project.issues.update(issue.iid, {"add_labels": label}, max_retries=self._retries)

    def issue_template(self, project: str, name: str) -> str:
        with self._failures(f"cannot read the issue template {name!r} of {project}"):
            template = self._api.projects.get(project, lazy=True).issue_templates.get(name, max_retries=self._retries)
            return str(template.content)

    def _issue_object(self, issue: Issue) -> Any:
        project = self._api.projects.get(issue.project_id, lazy=True)
        return project.issues.get(issue.iid, lazy=True)

    @contextlib.contextmanager
    def _failures(self, doing: str) -> Iterator[None]:
        """python-gitlab's and requests' exceptions as one `GitLabError` line."""
        import gitlab
        import requests

        try:
            yield
        except gitlab.exceptions.GitlabParsingError:
            raise GitLabError(f"{doing}: GitLab's answer is not valid JSON") from None
        except gitlab.exceptions.GitlabError as error:
            raise GitLabError(self._redacted(f"{doing}: {_http_reason(error, self._token is not None)}")) from None
        except requests.exceptions.Timeout:
            tries = f"{self._retries + 1} tries" if self._retries else "1 try"
            raise GitLabError(f"{doing}: {self.url} did not answer within {self._timeout:g} s ({tries})") from None
        except requests.exceptions.ConnectionError as error:
            raise GitLabError(self._redacted(f"{doing}: cannot connect to {self.url}: {_root_cause(error)}")) from None
        except requests.exceptions.RequestException as error:
            raise GitLabError(self._redacted(f"{doing}: {_root_cause(error)}")) from None

    def _redacted(self, message: str) -> str:
        """`message` on one line, without the token, should a server echo it back."""
        line = " ".join(message.split())
        return line.replace(self._token, "[token]") if self._token else line


def _issue(attributes: dict[str, Any]) -> Issue:
    references = attributes.get("references") or {}
    saved = SavedIssue(
        reference=str(references.get("full") or f"#{attributes['iid']}"),
        web_url=str(attributes.get("web_url") or ""),
        labels=[str(label) for label in attributes.get("labels") or []],
        confidential=bool(attributes.get("confidential")),
    )
    description = str(attributes.get("description") or "")
    return Issue(description, saved, int(attributes["project_id"]), int(attributes["iid"]), int(attributes["id"]))


def _http_reason(error: gitlab.exceptions.GitlabError, with_token: bool) -> str:
    code = error.response_code
    if code == 401:
        if not with_token:
            return "GitLab asks for a token (401): set GITLAB_TOKEN to a token with the read_api scope"
        return "GitLab refused the token (401): it is wrong, expired or revoked"
    if code == 403:
        return "forbidden (403): the token's user cannot do this; it needs read_api to read (api to write notes and labels)"
    if code == 404:
        return "not found (404): it does not exist, or the token's user cannot see it"
    if code == 429:
        return "GitLab kept limiting the rate (429) through every retry"
    if code is not None and code >= 500:
        return f"GitLab failed ({code}) through every retry"
    message = str(error.error_message or "").strip() or "no reason given"
    return f"{code or 'error'}: {message}"


def _root_cause(error: BaseException) -> str:
    """The innermost reason of a chain of exceptions (requests wraps urllib3's, which wraps the socket's)."""
    while error.__cause__ is not None or error.__context__ is not None:
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return str(error) or type(error).__name__
