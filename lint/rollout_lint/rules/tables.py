"""RL301–RL304: the template's tables, their rows, and the links in them.

The schema names the tables, columns and rows. `x-link` says what kind of thing a cell must
link (an issue, a merge request, an epic, or anything); `gitlab-link` is the format of a cell
that must link somewhere.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from .base import Failure, Failures, FormatCheck, KeywordCheck, Rule, quoted


class MissingTable(Rule):
    """A table of the template is missing or has other columns.

    The template's tables are read by people and tools alike; keep them, with the template's
    columns.
    """

    id = "RL301"
    name = "missing-table"


class MissingTableRow(Rule):
    """A row of a template table is missing, renamed or out of order.

    A row the template names in a table's first column must be there, in the template's order;
    the message names the row and the table.
    """

    id = "RL302"
    name = "missing-table-row"


class MissingLink(Rule):
    """A required link is empty, not a link, or links the wrong kind of thing.

    A cell the schema says must link somewhere needs a URL or a GitLab reference, and text
    beside it is fine (`` `my_flag` — https://gitlab.com/group/project/-/issues/123 ``). Where
    the schema asks for an issue, one link in the cell must be an issue, on any GitLab host:
    `https://host/group/project/-/issues/123` (or `/-/work_items/123`, an anchor or `+`/`+s`
    allowed), `#123`, `project#123` or `group/sub/project#123`. A merge request (`!123`,
    `.../-/merge_requests/123`), an epic (`&123`, `/groups/.../-/epics/123`) or another page is
    not an issue. A reference may show the title (`#123+`) or summary (`#123+s`), as GitLab
    renders it. Links in code spans are not links: GitLab does not render them.
    """

    id = "RL303"
    name = "missing-link"
    superseded_by_placeholder = True


class EmptyRecommendedCell(Rule):
    """A recommended cell of a template table is empty.

    The template recommends it; fill it in, or write "n/a".
    """

    id = "RL304"
    name = "empty-recommended-cell"
    severity = "warning"


RULES = (MissingTable, MissingTableRow, MissingLink, EmptyRecommendedCell)


class Link(NamedTuple):
    kind: str  # "issue", "merge request", "epic", or "page" (any other URL)
    written: str


# What a URL links, by its path (GitLab's routes; `+`/`+s` show the title or summary).
_SHOWN = r"(?:\+s?)?/?"
_ROUTE = re.compile(
    rf"(?P<epic>/groups/.+/-/(?:epics|work_items)/\d+{_SHOWN})"
    rf"|(?P<merge_request>.+/-/merge_requests/\d+{_SHOWN}(?:/(?:diffs|commits|pipelines))?)"
    rf"|(?P<issue>.+?(?:/-)?/(?:issues|work_items)/\d+{_SHOWN})"
)
_URL = re.compile(r"https?://[^\s<>()\[\]`\"]+")
_URL_END_PUNCTUATION = ".,;:!?'"
# `#1`, `project#1`, `group/sub/project#1` (issue), `!1` (merge request), `&1` (epic), each
# standing alone: not inside a word, nor followed by one. Compiled at its first use, as
# `_CODE_SPAN` is: most cells link by URL.
_REFERENCE = r"(?<![\w/.#&!+-])(?:[\w.-]+(?:/[\w.-]+)*)?(?P<sigil>[#&!])\d+(?:\+s?)?(?![\w+])"
_REFERENCE_KINDS = {"#": "issue", "!": "merge request", "&": "epic"}
# Compiled at its first use, by `re`'s own cache: most cells have no code, and compiling every
# pattern at import cost each run ~1 M instructions (see dates._BEFORE).
_CODE_SPAN = r"(?s)(`+)(?!`).*?(?<!`)\1(?!`)"
_ARTICLE = {"issue": "an issue", "merge request": "a merge request", "epic": "an epic", "any": "a link"}


def links_in(text: str) -> list[Link]:
    """Every link in a cell, in order: URLs (bare, `<url>`, or `[text](url)`) and GitLab
    references. Code spans are left out: GitLab links nothing in them."""
    if "`" in text:
        text = re.sub(_CODE_SPAN, " ", text)
    found: list[tuple[int, Link]] = []
    for match in _URL.finditer(text):
        url = match[0].rstrip(_URL_END_PUNCTUATION)
        host, path = _host_and_path(url)
        if not host:
            continue
        route = _ROUTE.fullmatch(path)
        kind = route.lastgroup.replace("_", " ") if route and route.lastgroup else "page"
        found.append((match.start(), Link(kind, url)))
    # References outside URLs: the URLs are blanked, so that `#12` in `https://x/a#12` is no reference.
    outside = _URL.sub(lambda url: " " * len(url[0]), text)
    if any(sigil in outside for sigil in _REFERENCE_KINDS):
        references = re.finditer(_REFERENCE, outside)
        found.extend((match.start(), Link(_REFERENCE_KINDS[match["sigil"]], match[0])) for match in references)
    return [link for _, link in sorted(found)]


def _host_and_path(url: str) -> tuple[str, str]:
    """`https://gitlab.com/a/-/issues/1?x#y` → ("gitlab.com", "/a/-/issues/1")."""
    rest = url.partition("://")[2]
    host_end = next((index for index, character in enumerate(rest) if character in "/?#"), len(rest))
    path = rest[host_end:]
    for mark in "?#":
        path = path.partition(mark)[0]
    return rest[:host_end], path


def check_link(kind: Any, value: Any) -> Failures:
    """`x-link`: the cell links a thing of `kind` ("issue", "merge request", "epic" or "any").
    The empty cell is left to `minLength`, so that it is reported once, as empty."""
    if not isinstance(value, str) or not value.strip():
        return
    links = links_in(value)
    if kind == "any" and links or any(link.kind == kind for link in links):
        return
    needed = _ARTICLE[kind]
    if not links:
        yield Failure(f"{quoted(value)} is not a link to {needed}", rule=MissingLink.id)
        return
    found = links[0]
    what = f"a page on {_host_and_path(found.written)[0]}" if found.kind == "page" else _ARTICLE[found.kind]
    yield Failure(f"{quoted(value)} links {what}, not {needed}", rule=MissingLink.id)


def is_gitlab_link(value: object) -> bool:
    """Holds a URL or a GitLab reference (`#1`, `group/project#1`, `&1`, `!1`), text beside it or not."""
    # The empty cell is left to `minLength`, so that it is reported once, as empty.
    return not isinstance(value, str) or not value.strip() or bool(links_in(value))


KEYWORDS: dict[str, KeywordCheck] = {"x-link": check_link}
FORMATS: dict[str, FormatCheck] = {"gitlab-link": is_gitlab_link}
