"""RL301–RL304: the template's tables, their rows, and the links in them.

The schema names the tables, columns and rows; `gitlab-link` is the format of a cell that must
link somewhere.
"""

from __future__ import annotations

import re

from .base import FormatCheck, Rule


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
    """A required link is empty or not a link.

    A cell the schema says must link somewhere needs a URL or a GitLab reference: `#123`,
    `group/project#123`, `&123`, `[text](https://...)` or `https://host/group/project/-/issues/123`.
    A reference may show the title (`#123+`) or summary (`#123+s`), as GitLab renders it.
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

_URL = r"https?://[^\s<>()]+"
# GitLab renders `#123+` with the title and `#123+s` with its summary, linked.
_GITLAB_REFERENCE = r"(?:[\w.-]+(?:/[\w.-]+)*)?[#&!]\d+(?:\+s?)?"
_LINK = re.compile(
    rf"{_URL}|<{_URL}>|{_GITLAB_REFERENCE}|\[[^\]]*\]\((?:{_URL}|{_GITLAB_REFERENCE})(?:\s+\"[^\"]*\")?\)"
)


def is_gitlab_link(value: object) -> bool:
    """A URL, an autolink, a GitLab reference (`#1`, `group/project#1`, `&1`, `!1`) or a link to one."""
    # The empty cell is left to `minLength`, so that it is reported once, as empty.
    return not isinstance(value, str) or not value.strip() or _LINK.fullmatch(value.strip()) is not None


FORMATS: dict[str, FormatCheck] = {"gitlab-link": is_gitlab_link}
