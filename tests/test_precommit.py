"""The hooks of `.pre-commit-hooks.yaml` through real `pre-commit` and real `git commit`.

pre-commit installs a hook repository from a git commit, so the checkout (tracked and untracked
files, as they are now) is copied and committed once per session; the hook environment, a pip
install of rollout-lint from that copy, is built once in a session-wide PRE_COMMIT_HOME. That
install fetches the dependencies from PyPI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from test_rules import expected_findings

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

BUNDLED_TEMPLATE = ROOT / "lint" / "rollout_lint" / "schemas" / "model-rollout-plan.md"
BROKEN_TEMPLATE = FIXTURES / "template" / "template-broken.md"
BROKEN_PLAN = FIXTURES / "issue" / "unfilled-placeholder.md"
PLANS_HOOK, TEMPLATES_HOOK = "rollout-lint (rollout plans)", "rollout-lint (issue templates)"


def git_environment(home: Path) -> dict[str, str]:
    """Git without the user's or the machine's configuration (hooksPath, signing, templates)."""
    return {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "PRE_COMMIT_HOME": str(home),
        "NO_COLOR": "1",
    }


def run(*command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def checked(*command: str, cwd: Path, env: dict[str, str]) -> str:
    result = run(*command, cwd=cwd, env=env)
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="session")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return git_environment(tmp_path_factory.mktemp("pre-commit-home"))


@pytest.fixture(scope="session")
def hook_repository(tmp_path_factory: pytest.TempPathFactory, environment: dict[str, str]) -> tuple[Path, str]:
    """A committed copy of this checkout, with work not yet committed: (path, commit)."""
    if not (ROOT / ".git").exists():
        pytest.skip("the checkout is not a git repository: cannot tell its files from build output")
    copy = tmp_path_factory.mktemp("hook-repository")
    listed = checked("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT, env=environment)
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree, not yet in the index
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        # Keep links as links: the package's `schemas` directory is one.
        shutil.copy2(source, copy / name, follow_symlinks=False)
    checked("git", "init", "-q", cwd=copy, env=environment)
    checked("git", "add", "-A", cwd=copy, env=environment)
    checked("git", "commit", "-q", "--no-verify", "-m", "checkout under test", cwd=copy, env=environment)
    return copy, checked("git", "rev-parse", "HEAD", cwd=copy, env=environment).strip()


@pytest.fixture
def project(tmp_path: Path, hook_repository: tuple[Path, str], environment: dict[str, str]) -> Iterator[Path]:
    """A git repository using both hooks, with `pre-commit install` done."""
    path, commit = hook_repository
    (tmp_path / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {path.as_posix()}\n"
        f"    rev: {commit}\n"
        "    hooks:\n"
        "      - id: rollout-lint\n"
        "      - id: rollout-lint-template\n"
    )
    checked("git", "init", "-q", cwd=tmp_path, env=environment)
    checked("git", "add", ".pre-commit-config.yaml", cwd=tmp_path, env=environment)
    checked("git", "commit", "-q", "-m", "use rollout-lint", cwd=tmp_path, env=environment)
    checked(sys.executable, "-m", "pre_commit", "install", cwd=tmp_path, env=environment)
    yield tmp_path


def commit(project: Path, environment: dict[str, str], files: dict[str, bytes]) -> subprocess.CompletedProcess[str]:
    """Add `files` and try to commit them; the pre-commit hook decides."""
    for name, content in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_bytes(content)
    checked("git", "add", *files, cwd=project, env=environment)
    result = run("git", "commit", "-m", "change", cwd=project, env=environment)
    result.stdout += result.stderr
    return result


def hook_line(output: str, hook: str) -> str:
    (line,) = [line for line in output.splitlines() if line.startswith(hook)]
    return line


def reported(output: str, path: str) -> list[tuple[int, str]]:
    """(line, rule) of each finding on `path` in a text report."""
    found = re.findall(rf"^{re.escape(path)}:(\d+):\d+: (RL\d+) ", output, re.MULTILINE)
    return [(int(line), rule) for line, rule in found]


def commits(project: Path, environment: dict[str, str]) -> int:
    return int(checked("git", "rev-list", "--count", "HEAD", cwd=project, env=environment))


@pytest.mark.parametrize(
    ("name", "case", "failing_hook", "skipped_hook"),
    [
        (".gitlab/issue_templates/rollout.md", BROKEN_TEMPLATE, TEMPLATES_HOOK, PLANS_HOOK),
        ("docs/plan.md", BROKEN_PLAN, PLANS_HOOK, TEMPLATES_HOOK),
    ],
    ids=["template", "plan"],
)
def test_a_broken_file_is_refused_with_its_findings(
    project: Path, environment: dict[str, str], name: str, case: Path, failing_hook: str, skipped_hook: str
) -> None:
    result = commit(project, environment, {name: case.read_bytes()})
    assert result.returncode != 0, result.stdout
    assert hook_line(result.stdout, failing_hook).endswith("Failed")
    assert hook_line(result.stdout, skipped_hook).endswith("(no files to check)Skipped")
    assert reported(result.stdout, name) == expected_findings(case)
    assert commits(project, environment) == 1


def test_the_bundled_template_is_accepted(project: Path, environment: dict[str, str]) -> None:
    result = commit(project, environment, {".gitlab/issue_templates/rollout.md": BUNDLED_TEMPLATE.read_bytes()})
    assert result.returncode == 0, result.stdout
    assert hook_line(result.stdout, TEMPLATES_HOOK).endswith("Passed")
    assert commits(project, environment) == 2


def test_files_that_are_not_markdown_are_not_passed_to_the_hooks(project: Path, environment: dict[str, str]) -> None:
    broken = BROKEN_PLAN.read_bytes()
    result = commit(project, environment, {"docs/plan.txt": broken, ".gitlab/issue_templates/notes.txt": broken})
    assert result.returncode == 0, result.stdout
    assert hook_line(result.stdout, PLANS_HOOK).endswith("(no files to check)Skipped")
    assert hook_line(result.stdout, TEMPLATES_HOOK).endswith("(no files to check)Skipped")


def test_a_readme_beside_the_plans_is_not_checked_as_one(project: Path, environment: dict[str, str]) -> None:
    """The plans hook passes a README and a CHANGELOG over (`--plans-only`): they are not plans."""
    readme = b"# Rollout plans\n\n## Usage\n\nWrite each plan from the template.\n\n## License\n\nMIT\n"
    changelog = b"# Changelog\n\n## 1.0.0\n\n- First release.\n"
    result = commit(project, environment, {"README.md": readme, "docs/CHANGELOG.md": changelog})
    assert result.returncode == 0, result.stdout
    assert hook_line(result.stdout, PLANS_HOOK).endswith("Passed")
    broken = commit(project, environment, {"docs/README.md": readme, "docs/plan.md": BROKEN_PLAN.read_bytes()})
    assert broken.returncode != 0 and reported(broken.stdout, "docs/plan.md") == expected_findings(BROKEN_PLAN)
    assert "docs/README.md" not in broken.stdout, broken.stdout
