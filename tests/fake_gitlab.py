"""A fake GitLab REST API v4 for tests: issues, their notes and a project's issue templates, served on
127.0.0.1 by the standard library, with faults to inject (rate limits, 5xx, broken JSON, a server that
never answers). Nothing leaves the machine, and a test sees every request its client made.

    with FakeGitLab() as gitlab:
        gitlab.add_issue("group/project", "## Plan", labels=["rollout"])
        ...  # the client under test, on gitlab.url with the token "glpat-secret"
        assert not gitlab.writes()

It answers in the shapes docs.gitlab.com documents (api/issues, api/notes, api/templates, offset
pagination in api/rest), to what python-gitlab 4.13 and 8.x send: ids or URL-encoded full paths, labels
comma-separated in queries and as lists in JSON bodies, the `next` Link followed as given.

Where GitLab decides by permissions, the fake has one rule: a token in `tokens` reads and writes every
project except those under `forbid()`. Faults come before authentication, as from a proxy or rate
limiter in front of GitLab."""

from __future__ import annotations

import copy
import itertools
import json
import math
import re
import socket
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

UNAUTHORIZED = {"message": "401 Unauthorized"}
FORBIDDEN = {"message": "403 Forbidden"}
NOT_FOUND = {"message": "404 Not found"}
NO_ROUTE = {"error": "404 Not Found"}  # Grape's answer to a path no endpoint has
WRITES = ("POST", "PUT", "PATCH", "DELETE")
EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)  # the fake clock's start: runs give the same times


class ApiError(Exception):
    """An answer other than success: its status and GitLab's JSON for it."""

    def __init__(self, status: int, payload: dict[str, str]) -> None:
        super().__init__(status, payload)
        self.status, self.payload = status, payload


@dataclass
class Request:
    """A request as the server got it. `path`: as sent (still URL-encoded), without the query. `query`:
    one value a key, a repeated key's (`labels[]=a&labels[]=b`) joined with ",". `headers`: names
    lower-cased (`headers["private-token"]`). `data`: the JSON or form body, parsed."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: str
    data: dict[str, Any]


@dataclass
class _Fault:
    kind: str  # "fail", "malformed" or "hang"
    pattern: re.Pattern[str]
    times: int
    method: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None


@dataclass
class _Response:
    status: int
    body: bytes
    headers: list[tuple[str, str]]


def _json(status: int, payload: Any, headers: Iterable[tuple[str, str]] = ()) -> _Response:
    return _Response(status, json.dumps(payload).encode(), [("Content-Type", "application/json"), *headers])


def timestamp(moment: datetime) -> str:
    """GitLab's form: UTC, milliseconds, "Z" (2024-01-01T00:00:01.000Z)."""
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_time(text: str) -> datetime:
    """An ISO 8601 date or time, UTC if it names no zone; ValueError if it is not one."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _joined(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Query or form pairs as a dict, a repeated key's values (`labels[]`) joined with ","."""
    fields: dict[str, Any] = {}
    for key, value in pairs:
        fields[key] = f"{fields[key]},{value}" if key in fields else value
    return fields


def _labels(value: Any) -> list[str]:
    """Label names from a comma-separated string (query, form) or a list (a JSON body)."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def _boolean(name: str, value: Any) -> bool:
    # Grape takes JSON booleans, and their spellings as strings from forms and query strings.
    if isinstance(value, bool) or str(value).lower() in ("true", "false"):
        return value if isinstance(value, bool) else str(value).lower() == "true"
    raise ApiError(400, {"error": f"{name} is invalid"})


def _number(query: Mapping[str, Any], name: str, default: int) -> int:
    try:
        value = int(query.get(name) or default)
    except ValueError:
        raise ApiError(400, {"error": f"{name} is invalid"}) from None
    return value if value >= 1 else default


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a hung or kept-alive connection must not hold up stop()

    def __init__(self, fake: FakeGitLab) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake
        self.connections: set[socket.socket] = set()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out and left is what some tests do on purpose


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as GitLab: clients reuse their connections
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle's algorithm and the client's
        # delayed ACK hold each answer on a kept-alive connection for 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.connections.add(self.connection)

    def finish(self) -> None:
        self.server.connections.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the requests are recorded; stderr is left to the tests

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        response = self.server.fake._respond(self.command, self.path, self.headers, self.rfile.read(length))
        if response is None:  # hung until the server stopped: close without a word
            self.close_connection = True
            return
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _answer


class FakeGitLab:
    """The fake server and its data; as a context manager it starts and stops. The port is bound at
    construction, so `url` (http://127.0.0.1:PORT, no trailing slash) is known before `start()`."""

    def __init__(self, tokens: Iterable[str] | Mapping[str, str] = ("glpat-secret",)) -> None:
        # Each token acts as a user: the bot for a plain set, else the username it maps to.
        self._tokens = dict(tokens) if isinstance(tokens, Mapping) else dict.fromkeys(tokens, "rollout-bot")
        self._lock = threading.RLock()  # the handlers' threads and the test's share the data
        self._stopping = threading.Event()
        self._users: dict[str, int] = {"author": 1, "rollout-bot": 2}
        self._groups: dict[str, int] = {}  # full path -> id, for every prefix of a project's path
        self._projects: dict[str, int] = {}  # full path -> id
        self._issues: dict[tuple[int, int], dict[str, Any]] = {}  # (project id, iid) -> issue
        self._notes: dict[int, dict[str, Any]] = {}  # id -> note, oldest first
        self._templates: dict[tuple[int, str, str], str] = {}  # (project id, type, name) -> content
        self._forbidden: set[int] = set()
        self._faults: list[_Fault] = []
        # Ids in ranges of their own, so that a client that sends an issue's id for its iid, or a
        # group's id for a project's, asks for something that is not there.
        self._group_ids, self._project_ids = itertools.count(10), itertools.count(100)
        self._issue_ids, self._note_ids = itertools.count(1000), itertools.count(5000)
        self._now = EPOCH
        self.requests: list[Request] = []
        self._server = _Server(self)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    def start(self) -> FakeGitLab:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Returns at once: hung requests are let go and open connections closed."""
        self._stopping.set()
        if self._thread.is_alive():
            self._server.shutdown()  # within serve_forever's 0.05 s poll
        self._server.server_close()
        for connection in list(self._server.connections):
            try:
                connection.shutdown(socket.SHUT_RDWR)  # wakes a handler waiting for the next request
            except OSError:
                pass

    def __enter__(self) -> FakeGitLab:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    # -- data, set up and read by tests ----------------------------------------------------------

    def add_project(self, path_with_namespace: str) -> int:
        """The project's id (the same if it exists); each prefix of its path is a group."""
        with self._lock:
            if (found := self._find_project(path_with_namespace)) is not None:
                return found
            parts = path_with_namespace.strip("/").split("/")
            for end in range(1, len(parts)):
                self._groups.setdefault("/".join(parts[:end]), next(self._group_ids))
            self._projects["/".join(parts)] = project_id = next(self._project_ids)
            return project_id

    def add_issue(self, project_path: str, description: str, *, labels: Iterable[str] = (),
                  confidential: bool = False, state: str = "opened", title: str | None = None,
                  updated_at: str | None = None, iid: int | None = None) -> dict[str, Any]:
        """Adds an issue (and its project if new) and returns its JSON as served. Without
        `updated_at`, it is created and updated a second after anything before it."""
        if state not in ("opened", "closed"):
            raise ValueError(f"state is 'opened' or 'closed', not {state!r}")
        with self._lock:
            project_id = self.add_project(project_path)
            taken = [number for (owner, number) in self._issues if owner == project_id]
            iid = max(taken, default=0) + 1 if iid is None else iid
            if iid in taken:
                raise ValueError(f"{project_path} already has issue #{iid}")
            moment = self._tick() if updated_at is None else self._saw(parse_time(updated_at))
            path = self._project_path(project_id)
            issue = {
                "id": next(self._issue_ids), "iid": iid, "project_id": project_id,
                "title": f"Issue {iid}" if title is None else title, "description": description,
                "state": state, "created_at": moment, "updated_at": moment, "labels": sorted(set(labels)),
                "confidential": confidential, "web_url": f"{self.url}/{path}/-/issues/{iid}",
                "references": {"short": f"#{iid}", "relative": f"#{iid}", "full": f"{path}#{iid}"},
                "author": self._user("author"), "assignees": [], "type": "ISSUE", "issue_type": "issue",
            }
            self._issues[(project_id, iid)] = issue
            return copy.deepcopy(issue)

    def add_note(self, project_path: str, iid: int, body: str, *, username: str = "alice",
                 internal: bool = False) -> dict[str, Any]:
        """A note by someone (not the bot, by default); like any note it touches the issue."""
        with self._lock:
            return copy.deepcopy(self._create_note(self._issue(project_path, iid), body, username, internal))

    def update_issue(self, project_path: str, iid: int, **fields: Any) -> dict[str, Any]:
        """Change an issue as a person would (`description=`, `labels=`, `confidential=`...)."""
        with self._lock:
            issue = self._issue(project_path, iid)
            issue.update(fields)
            issue["updated_at"] = self._tick()
            return copy.deepcopy(issue)

    def add_template(self, project_path: str, name: str, content: str, *, type: str = "issues") -> None:
        with self._lock:
            self._templates[(self.add_project(project_path), type, name)] = content

    def forbid(self, project_path: str) -> None:
        """The project's endpoints answer 403; group listings leave its issues out."""
        with self._lock:
            self._forbidden.add(self.add_project(project_path))

    def issue(self, project_path: str, iid: int) -> dict[str, Any]:
        """A copy of the issue as it is now; KeyError if there is none."""
        with self._lock:
            return copy.deepcopy(self._issue(project_path, iid))

    def notes_of(self, project_path: str, iid: int) -> list[dict[str, Any]]:
        """Copies of the issue's notes, oldest first."""
        with self._lock:
            issue_id = self._issue(project_path, iid)["id"]
            return copy.deepcopy([note for note in self._notes.values() if note["noteable_id"] == issue_id])

    @property
    def issues(self) -> list[dict[str, Any]]:
        """Copies of every issue, in the order they were added."""
        with self._lock:
            return copy.deepcopy(list(self._issues.values()))

    @property
    def notes(self) -> list[dict[str, Any]]:
        """Copies of every note, oldest first."""
        with self._lock:
            return copy.deepcopy(list(self._notes.values()))

    def writes(self) -> list[Request]:
        """The requests that ask for a change: POST, PUT, PATCH, DELETE."""
        with self._lock:
            return [request for request in self.requests if request.method in WRITES]

    # -- faults ---------------------------------------------------------------------------------
    # Each is taken, in the order given, by the next request whose path (as sent, or decoded) its
    # regex finds and whose method is `method`, if one is given; `times` requests take it.

    def fail(self, path_regex: str, status: int, *, times: int = 1, headers: Mapping[str, str] | None = None,
             body: Any = None, method: str | None = None) -> None:
        """Answers `status` with `headers` (Retry-After, say) added. `body`: str or bytes as is, else
        JSON; by default GitLab's {"message": "429 Too Many Requests"}."""
        fault = _Fault("fail", re.compile(path_regex), times, method, status, dict(headers or {}), body)
        self._add_fault(fault)

    def malformed(self, path_regex: str, times: int = 1, *, method: str | None = None) -> None:
        """Answers 200 with a JSON Content-Type and the body `{"not json`."""
        self._add_fault(_Fault("malformed", re.compile(path_regex), times, method))

    def hang(self, path_regex: str, times: int = 1, *, method: str | None = None) -> None:
        """Takes the request and never answers; the connection closes when the server stops."""
        self._add_fault(_Fault("hang", re.compile(path_regex), times, method))

    def _add_fault(self, fault: _Fault) -> None:
        fault.method = fault.method.upper() if fault.method else None
        with self._lock:
            self._faults.append(fault)

    def _take_fault(self, method: str, path: str) -> _Fault | None:
        for fault in self._faults:
            found = fault.pattern.search(path) or fault.pattern.search(unquote(path))
            if found and fault.method in (None, method):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    # -- the data's helpers, called with the lock held ------------------------------------------

    def _tick(self) -> str:
        self._now += timedelta(seconds=1)
        return timestamp(self._now)

    def _saw(self, moment: datetime) -> str:
        # A time a test gives moves the clock on, so that later changes are later still.
        self._now = max(self._now, moment)
        return timestamp(moment)

    def _user(self, username: str) -> dict[str, Any]:
        user_id = self._users.setdefault(username, max(self._users.values()) + 1)
        return {"id": user_id, "username": username, "name": username}

    def _find_project(self, path: str) -> int | None:
        wanted = path.strip("/").lower()  # GitLab finds a full path in any case
        return next((found for known, found in self._projects.items() if known.lower() == wanted), None)

    def _project_path(self, project_id: int) -> str:
        return next(path for path, known in self._projects.items() if known == project_id)

    def _issue(self, project_path: str, iid: int) -> dict[str, Any]:
        project_id = self._find_project(project_path)
        if project_id is None or (project_id, iid) not in self._issues:
            raise KeyError(f"{project_path}#{iid}")
        return self._issues[(project_id, iid)]

    def _create_note(self, issue: dict[str, Any], body: str, username: str, internal: bool) -> dict[str, Any]:
        moment = issue["updated_at"] = self._tick()  # GitLab touches the issue a note is added to
        note = {
            "id": next(self._note_ids), "type": None, "body": body, "author": self._user(username),
            "created_at": moment, "updated_at": moment, "system": False, "noteable_id": issue["id"],
            "noteable_iid": issue["iid"], "noteable_type": "Issue", "project_id": issue["project_id"],
            "internal": internal, "confidential": internal, "resolvable": False,
        }
        self._notes[note["id"]] = note
        return note

    # -- serving ----------------------------------------------------------------------------------

    def _respond(self, method: str, target: str, message: Message, raw: bytes) -> _Response | None:
        """The answer to one request, or None for a hung one once the server stops."""
        path, query_string = urlsplit(target)[2:4]
        pairs = parse_qsl(query_string, keep_blank_values=True)
        headers = {name.lower(): value for name, value in message.items()}
        text = raw.decode("utf-8", "replace")
        try:
            data: dict[str, Any] | None = self._parse_body(headers.get("content-type", ""), text)
        except ValueError:
            data = None
        with self._lock:
            self.requests.append(Request(method, path, _joined(pairs), headers, text, data or {}))
            fault = self._take_fault(method, path)
        if fault is not None and fault.kind == "hang":
            self._stopping.wait()
            return None
        if fault is not None and fault.kind == "malformed":
            return _Response(200, b'{"not json', [("Content-Type", "application/json")])
        if fault is not None:
            return self._failure(fault)
        try:
            username = self._authenticate(headers)
            if data is None:
                raise ApiError(400, {"error": "The request body is not a JSON object"})
            with self._lock:
                # Grape reads parameters from the query and the body alike.
                return self._route(method, path, pairs, {**_joined(pairs), **data}, username)
        except ApiError as error:
            return _json(error.status, error.payload)

    @staticmethod
    def _parse_body(content_type: str, text: str) -> dict[str, Any]:
        if not text.strip():
            return {}
        if "json" not in content_type:
            return _joined(parse_qsl(text, keep_blank_values=True))
        parsed = json.loads(text)
        if not isinstance(parsed, dict):
            raise ValueError("not a JSON object")
        return parsed

    @staticmethod
    def _failure(fault: _Fault) -> _Response:
        body = fault.body
        if body is None:
            body = {"message": f"{fault.status} {HTTPStatus(fault.status).phrase}"}
        if not isinstance(body, (str, bytes)):
            body = json.dumps(body)
        raw = body.encode() if isinstance(body, str) else body
        typed = any(name.lower() == "content-type" for name in fault.headers)
        headers = [] if typed else [("Content-Type", "application/json")]
        return _Response(fault.status, raw, headers + list(fault.headers.items()))

    def _authenticate(self, headers: Mapping[str, str]) -> str:
        """The token's user, or 401 as GitLab answers a missing or unknown token."""
        if "job-token" in headers:  # a CI job token cannot read issues, notes or templates
            raise ApiError(401, UNAUTHORIZED)
        token = headers.get("private-token")
        scheme, _, credentials = headers.get("authorization", "").partition(" ")
        if token is None and scheme.lower() == "bearer":
            token = credentials.strip()
        if token not in self._tokens:
            raise ApiError(401, UNAUTHORIZED)
        return self._tokens[token]

    def _route(self, method: str, path: str, pairs: list[tuple[str, str]], params: dict[str, Any],
               username: str) -> _Response:
        if not path.startswith("/api/v4/"):
            raise ApiError(404, NO_ROUTE)
        # Split before decoding: a project is named by its full path with "/" sent as %2F.
        segments = [unquote(segment) for segment in path.removeprefix("/api/v4/").rstrip("/").split("/")]
        match [method, *segments]:
            case ["GET", "user"]:  # the token's user
                return _json(200, {**self._user(username), "state": "active"})
            case ["GET", "groups", group, "issues"]:
                prefix = self._group(group) + "/"
                projects = {found for known, found in self._projects.items() if known.startswith(prefix)}
                return self._page(path, pairs, self._list_issues(projects - self._forbidden, params))
            case [_, "projects", project, *rest]:
                project_id = self._project(project)
                return self._project_route(method, path, project_id, rest, pairs, params, username)
        raise ApiError(404, NO_ROUTE)

    def _project_route(self, method: str, path: str, project_id: int, rest: list[str],
                       pairs: list[tuple[str, str]], params: dict[str, Any], username: str) -> _Response:
        match [method, *rest]:
            case ["GET"]:  # what `gl.projects.get(path)` without lazy=True reads
                full_path = self._project_path(project_id)
                name = full_path.rsplit("/", 1)[-1]
                return _json(200, {"id": project_id, "path_with_namespace": full_path, "path": name,
                                   "name": name, "web_url": f"{self.url}/{full_path}"})
            case ["GET", "issues"]:
                return self._page(path, pairs, self._list_issues({project_id}, params))
            case ["GET", "issues", iid]:
                return _json(200, self._served_issue(project_id, iid))
            case ["PUT", "issues", iid]:
                return _json(200, self._update_issue(self._served_issue(project_id, iid), params))
            case ["GET", "issues", iid, "notes"]:
                issue_id = self._served_issue(project_id, iid)["id"]
                notes = [note for note in self._notes.values() if note["noteable_id"] == issue_id]
                return self._page(path, pairs, self._ordered(notes, params))
            case ["POST", "issues", iid, "notes"]:
                issue = self._served_issue(project_id, iid)
                if not str(params.get("body") or "").strip():
                    raise ApiError(400, {"error": "body is missing"})
                internal = _boolean("internal", params.get("internal", False))
                return _json(201, self._create_note(issue, str(params["body"]), username, internal))
            case ["GET", "issues", iid, "notes", note_id]:
                return _json(200, self._served_note(self._served_issue(project_id, iid), note_id))
            case ["PUT", "issues", iid, "notes", note_id]:
                issue = self._served_issue(project_id, iid)
                note = self._served_note(issue, note_id)
                if note["author"]["username"] != username:  # only its author may edit a note
                    raise ApiError(403, FORBIDDEN)
                if not str(params.get("body") or "").strip():
                    raise ApiError(400, {"error": "body is missing"})
                note["body"] = str(params["body"])
                note["updated_at"] = issue["updated_at"] = self._tick()
                return _json(200, note)
            case ["GET", "templates", kind]:
                found = self._templates
                names = sorted(name for (owner, of, name) in found if owner == project_id and of == kind)
                return self._page(path, pairs, [{"key": name, "name": name} for name in names])
            case ["GET", "templates", kind, name] if (project_id, kind, name) in self._templates:
                return _json(200, {"name": name, "content": self._templates[(project_id, kind, name)]})
            case ["GET", "templates", _, _]:
                raise ApiError(404, {"message": "404 Template Not Found"})
        raise ApiError(404, NO_ROUTE)

    def _group(self, given: str) -> str:
        """A group's full path from its id or full path (any case), or 404."""
        for full_path, group_id in self._groups.items():
            if given == str(group_id) or given.lower() == full_path.lower():
                return full_path
        raise ApiError(404, {"message": "404 Group Not Found"})

    def _project(self, given: str) -> int:
        """A project's id from its id or full path, or 404; 403 if forbidden."""
        known = given.isdigit() and int(given) in self._projects.values()
        project_id = int(given) if known else self._find_project(given)
        if project_id is None:
            raise ApiError(404, {"message": "404 Project Not Found"})
        if project_id in self._forbidden:
            raise ApiError(403, FORBIDDEN)
        return project_id

    def _served_issue(self, project_id: int, iid: str) -> dict[str, Any]:
        issue = self._issues.get((project_id, int(iid))) if iid.isdigit() else None
        if issue is None:
            raise ApiError(404, NOT_FOUND)
        return issue

    def _served_note(self, issue: dict[str, Any], note_id: str) -> dict[str, Any]:
        note = self._notes.get(int(note_id)) if note_id.isdigit() else None
        if note is None or note["noteable_id"] != issue["id"]:
            raise ApiError(404, NOT_FOUND)
        return note

    def _list_issues(self, project_ids: set[int], params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The issues that pass GitLab's filters, in `_ordered`'s order."""
        state = params.get("state") or "all"  # GitLab lists every state when none is asked for
        if state not in ("opened", "closed", "all"):
            raise ApiError(400, {"error": "state does not have a valid value"})
        wanted = set(_labels(params.get("labels") or params.get("labels[]")))
        try:
            after = parse_time(params["updated_after"]) if params.get("updated_after") else None
        except ValueError:
            raise ApiError(400, {"error": "updated_after is invalid"}) from None
        search = str(params.get("search") or "").lower()
        chosen = [
            issue for issue in self._issues.values()
            if issue["project_id"] in project_ids
            and state in ("all", issue["state"])
            and wanted <= set(issue["labels"])  # every label asked for
            and (after is None or parse_time(issue["updated_at"]) >= after)  # "on or after"
            and search in f"{issue['title']}\n{issue['description']}".lower()
        ]
        return self._ordered(chosen, params)

    @staticmethod
    def _ordered(items: list[dict[str, Any]], params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """GitLab's default order for issues and notes, newest created first (`order_by=created_at`,
        `sort=desc`), ties broken by id; `order_by=updated_at` and `sort=asc` as asked."""
        key = "updated_at" if params.get("order_by") == "updated_at" else "created_at"
        return sorted(items, key=lambda item: (item[key], item["id"]), reverse=params.get("sort") != "asc")

    def _update_issue(self, issue: dict[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
        labels = set(_labels(params["labels"])) if "labels" in params else set(issue["labels"])
        labels = (labels | set(_labels(params.get("add_labels")))) - set(_labels(params.get("remove_labels")))
        issue["labels"] = sorted(labels)  # GitLab serves label names sorted
        for name in ("title", "description"):
            if name in params:
                issue[name] = str(params[name])
        if "confidential" in params:
            issue["confidential"] = _boolean("confidential", params["confidential"])
        issue["updated_at"] = self._tick()
        return issue

    def _page(self, path: str, pairs: list[tuple[str, str]], items: list[Any]) -> _Response:
        """One page of `items` with GitLab's offset-pagination headers. Links are absolute, on `url`
        (as GitLab's are on its external URL), and keep the request's other query parameters."""
        query = dict(pairs)
        page, per_page = _number(query, "page", 1), min(_number(query, "per_page", 20), 100)
        total_pages = max(1, math.ceil(len(items) / per_page))  # GitLab: never fewer than one
        next_page = page + 1 if page < total_pages else None
        prev_page = page - 1 if 1 < page <= total_pages else None
        kept = [(key, value) for key, value in pairs if key not in ("page", "per_page")]

        def href(number: int) -> str:
            return f"{self.url}{path}?{urlencode([*kept, ('page', number), ('per_page', per_page)])}"

        links = [(prev_page, "prev"), (next_page, "next"), (1, "first"), (total_pages, "last")]
        headers = [
            ("X-Page", str(page)), ("X-Per-Page", str(per_page)),
            ("X-Next-Page", str(next_page or "")), ("X-Prev-Page", str(prev_page or "")),
            ("X-Total", str(len(items))), ("X-Total-Pages", str(total_pages)),
            ("Link", ", ".join(f'<{href(number)}>; rel="{rel}"' for number, rel in links if number)),
        ]
        return _json(200, items[(page - 1) * per_page : page * per_page], headers)
