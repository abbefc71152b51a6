"""RL301–RL304, RL308–RL309: the template's tables, their rows, the links in them, and the
stages of a rollout timeline.

The schema names the tables, columns and rows. `x-link` says what kind of thing a cell must
link (an issue, a merge request, an epic, or anything); `gitlab-link` is the format of a cell
that must link somewhere. `x-stages` reads a timeline's audiences by what they mean: team
stages, then shares of users that only grow, up to all of them.
"""

import re
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from ..schema.template import normalise
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


class StagesOutOfOrder(Rule):
    """A rollout stage reaches fewer users than one before it, or a team stage follows a share of users.

    A rollout widens: team stages (the feature team, all GitLab team members) come first, then
    shares of users that only grow (`10% of all users`, `50%`, `100%`). Stages of your own, a
    team named in your own words and extra shares are fine, as long as the order holds.
    """

    id = "RL308"
    name = "stages-out-of-order"


class SkippedStage(Rule):
    """A stage of the template's timeline is not in the plan, or the last stage does not reach all users.

    Skipping a stage can be a choice (straight from team members to 100 %), so this is a
    warning: say why in the plan, or add the stage.
    """

    id = "RL309"
    name = "skipped-stage"
    severity = "warning"


RULES = (MissingTable, MissingTableRow, MissingLink, EmptyRecommendedCell, StagesOutOfOrder, SkippedStage)


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
_ARTICLE = {"issue": "an issue", "merge request": "a merge request", "epic": "an epic"}


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
    """`https://gitlab.com/a/-/issues/1?x#y` → ("gitlab.com", "/a/-/issues/1"); no host if the
    URL has none a browser could go to (`https://gitlab.com℀x/` is `gitlab.coma/cx/` once
    normalised, as browsers normalise hosts)."""
    try:
        parts = urlsplit(url)
    except ValueError:  # a host that changes under NFKC normalisation
        return "", ""
    return parts.netloc, parts.path


def check_link(kind: Any, value: Any) -> Failures:
    """`x-link`: the cell links a thing of `kind` ("issue", "merge request", "epic" or "any").
    The empty cell is left to `minLength`, so that it is reported once, as empty."""
    if not isinstance(value, str) or not value.strip():
        return
    links = links_in(value)
    if kind == "any" and links or any(link.kind == kind for link in links):
        return
    if not links:
        wanted = "a link" if kind == "any" else f"a link to {_ARTICLE[kind]}"
        yield Failure(f"{quoted(value)} is not {wanted}", rule=MissingLink.id)
        return
    needed = _ARTICLE[kind]
    found = links[0]
    what = f"a page on {_host_and_path(found.written)[0]}" if found.kind == "page" else _ARTICLE[found.kind]
    yield Failure(f"{quoted(value)} links {what}, not {needed}", rule=MissingLink.id)


def is_gitlab_link(value: object) -> bool:
    """Holds a URL or a GitLab reference (`#1`, `group/project#1`, `&1`, `!1`), text beside it or not."""
    # The empty cell is left to `minLength`, so that it is reported once, as empty.
    return not isinstance(value, str) or not value.strip() or bool(links_in(value))


_SHARE = re.compile(r"(\d+(?:\.\d+)?)\s*%")


def _share(audience: str) -> float | None:
    """The share of users a stage reaches (`50% of all users` → 50), None for a team stage."""
    found = _SHARE.search(audience)
    return float(found[1]) if found else None


def check_stages(options: dict[str, Any], rows: Any) -> Failures:
    """`x-stages`: the audiences in `column` widen (team stages, then growing shares of users,
    to 100 %); each of the template's `stages` is in the plan (a share by its number, the first
    team stage by any name, the others by theirs), else a warning."""
    if not isinstance(rows, list):
        return
    column = options["column"]
    written = [
        (index, audience, _share(audience))
        for index, row in enumerate(rows)
        if isinstance(row, dict) and isinstance(row.get(column), str) and (audience := row[column].strip())
    ]
    widest: tuple[float, str] | None = None
    for index, audience, share in written:
        if share is None and widest is not None:
            yield Failure(
                f"the team stage {quoted(audience)} comes after {quoted(widest[1])}",
                path=(index, column),
                rule=StagesOutOfOrder.id,
                hint="team stages go before the stages that reach a share of all users",
            )
        elif share is not None and widest is not None and share < widest[0]:
            yield Failure(
                f"{quoted(audience)} reaches fewer users than {quoted(widest[1])} before it",
                path=(index, column),
                rule=StagesOutOfOrder.id,
                hint="list the stages in the order the rollout widens",
            )
        elif share is not None:
            widest = (share, audience)
    if not written:
        return
    yield from _skipped_stages(options["stages"], [(audience, share) for _, audience, share in written])
    last_index, last, last_share = written[-1]
    if last_share != 100:
        yield Failure(
            f"the last stage, {quoted(last)}, does not reach 100% of users",
            path=(last_index, column),
            rule=SkippedStage.id,
            hint="end the timeline with the stage that reaches all users, or say why it stops short",
        )


def _skipped_stages(stages: list[str], audiences: list[tuple[str, float | None]]) -> Failures:
    """The template's stages not in the plan (`audiences`: the plan's, each with its share): a
    share by its number, a team stage by its name; the template's first team stage may also be
    a team the template does not name (the plan's own team, in its own words)."""
    shares = {share for _, share in audiences if share is not None}
    teams = {normalise(audience) for audience, share in audiences if share is None}
    template_teams = [stage for stage in stages if _share(stage) is None]
    own_teams = teams - {normalise(stage) for stage in template_teams}
    for stage in stages:
        share = _share(stage)
        if share == 100:
            continue  # the last stage's own check says it
        if share is not None:
            present = share in shares
        else:
            present = normalise(stage) in teams or (stage == template_teams[0] and bool(own_teams))
        if not present:
            yield Failure(
                f"the template's stage {quoted(stage)} is not in the timeline",
                rule=SkippedStage.id,
                hint="add the stage, or say in the plan why the rollout skips it",
            )


KEYWORDS: dict[str, KeywordCheck] = {"x-link": check_link, "x-stages": check_stages}
FORMATS: dict[str, FormatCheck] = {"gitlab-link": is_gitlab_link}
