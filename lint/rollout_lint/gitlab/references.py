"""Which issue an argument names: `group/sub/project#123`, or its URL as a browser shows it."""

import re
from typing import NamedTuple
from urllib import parse

_REFERENCE = re.compile(r"(?P<project>[\w.-]+(?:/[\w.-]+)+)#(?P<iid>\d+)")
# GitLab's URL of an issue below its project: `/-/issues/123`, or `/-/work_items/123`.
_ISSUE_PATH = re.compile(r"/(?P<project>[^/]+(?:/[^/]+)+)/-/(?:issues|work_items)/(?P<iid>\d+)/?")


class IssueReference(NamedTuple):
    project: str  # `group/sub/project`
    iid: int
    server: str | None  # the GitLab a URL names (`https://gitlab.example.com`); None for a reference

    def __str__(self) -> str:
        return f"{self.project}#{self.iid}"


def parse_issue(text: str, server: str) -> IssueReference:
    """The issue `text` names, or ValueError saying what is wrong. `server` is the GitLab in use,
    which a URL may extend with a path (`https://example.com/gitlab`)."""
    text = text.strip()
    if not text.startswith(("https://", "http://")):
        match = _REFERENCE.fullmatch(text)
        if match is None:
            raise ValueError(f"{text!r} is neither an issue URL nor a reference such as group/project#123")
        return IssueReference(match["project"], int(match["iid"]), None)
    url, base = parse.urlsplit(text), parse.urlsplit(server)
    path = url.path
    # A GitLab under a path (`https://example.com/gitlab`): its issues' paths start with it.
    prefix = base.path.rstrip("/") if url.netloc == base.netloc else ""
    if prefix and path.startswith(prefix + "/"):
        path = path[len(prefix) :]
    else:
        prefix = ""
    match = _ISSUE_PATH.fullmatch(path)
    if match is None:
        raise ValueError(f"{text!r} is not the URL of an issue (…/group/project/-/issues/123)")
    return IssueReference(match["project"], int(match["iid"]), f"{url.scheme}://{url.netloc}{prefix}")
