"""`.pre-commit-hooks.yaml` as code: which file names each hook is given, and which not.

The hook file is loaded with pre-commit's own loader (which validates it and fills in the
defaults), and names are classified as pre-commit does: `files` and `exclude` searched with `re`,
`types` from identify's tags. test_precommit proves the same against real commits, more slowly.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from identify.identify import tags_from_filename
from pre_commit.clientlib import load_manifest

from conftest import ROOT

HOOKS = {hook["id"]: hook for hook in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}

NAMES = {
    "rollout-lint": {
        "good": (
            "plan.md",
            "docs/plans/orion-3 rollout.md",
            "docs/plan.markdown",
            "docs/PLAN.MD",
            # GitLab reads issue templates only from the top-level .gitlab/issue_templates/.
            "docs/.gitlab/issue_templates/rollout.md",
            ".gitlab/merge_request_templates/default.md",
        ),
        "bad": (
            "plan.txt",
            "plan.mdx",
            "plan.md.orig",
            "Makefile",
            # The template hook checks these; both would report each finding twice.
            ".gitlab/issue_templates/rollout.md",
            ".gitlab/issue_templates/Model Rollout Plan.md",
        ),
    },
    "rollout-lint-template": {
        "good": (
            ".gitlab/issue_templates/rollout.md",
            ".gitlab/issue_templates/Model Rollout Plan.md",
        ),
        "bad": (
            "rollout.md",
            "docs/rollout.md",
            ".gitlab/issue_templates/notes.txt",
            ".gitlab/issue_templates.md",
            ".gitlab/merge_request_templates/default.md",
            "gitlab/issue_templates/rollout.md",
            "docs/.gitlab/issue_templates/rollout.md",
        ),
    },
}


def hook_takes(hook: dict[str, Any], name: str) -> bool:
    """Whether pre-commit passes the file `name` to `hook`."""
    # By name identify cannot tell a file from a link or its mode; a plain file is what we mean.
    tags = tags_from_filename(name) | {"file", "non-executable"}
    return (
        re.search(hook["files"], name) is not None
        and re.search(hook["exclude"], name) is None
        and set(hook["types"]) <= tags
        and (not hook["types_or"] or bool(tags & set(hook["types_or"])))
        and not tags & set(hook["exclude_types"])
    )


def cases(kind: str) -> list[tuple[str, str]]:
    return [(hook_id, name) for hook_id, names in NAMES.items() for name in names[kind]]


@pytest.mark.parametrize(("hook_id", "name"), cases("good"))
def test_hook_takes_the_files_it_is_for(hook_id: str, name: str) -> None:
    assert hook_takes(HOOKS[hook_id], name), f"{hook_id} is not given {name!r}"


@pytest.mark.parametrize(("hook_id", "name"), cases("bad"))
def test_hook_is_not_given_other_files(hook_id: str, name: str) -> None:
    assert not hook_takes(HOOKS[hook_id], name), f"{hook_id} is given {name!r}"


def test_every_hook_has_names_to_match() -> None:
    assert set(NAMES) == set(HOOKS)


def test_each_hook_runs_rollout_lint_on_the_files_it_is_given() -> None:
    for hook in HOOKS.values():
        assert hook["language"] == "python" and hook["pass_filenames"], hook["id"]
        assert hook["entry"].startswith("rollout-lint check"), hook["id"]
