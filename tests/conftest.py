"""Shared helpers: run the command (in this process, or the installed one in its own), find
../shared, load fixtures."""

from __future__ import annotations

import contextlib
import io
import json
import locale
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import pytest
from hypothesis import HealthCheck, settings

TESTS = Path(__file__).parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
SHARED = ROOT.parent / "shared"
EXAMPLE_PLAN = ROOT / "examples" / "orion-3-rollout-plan.md"
# The project's own Markdown files that tests run every check on: the example and the fixtures.
OWN_FILES = sorted([EXAMPLE_PLAN, *FIXTURES.glob("*/*.md")])
# The console script installed beside this Python: tests run the real command.
COMMAND = str(Path(sys.executable).parent / "rollout-lint")

# Property tests are derandomized and bounded for CI; `ROLLOUT_LINT_HYPOTHESIS_EXAMPLES=2000` runs more.
settings.register_profile(
    "rollout-lint",
    max_examples=int(os.environ.get("ROLLOUT_LINT_HYPOTHESIS_EXAMPLES", "120")),
    deadline=None,  # one slow example on a loaded CI machine is not a failure; the total is bounded
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("rollout-lint")

needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared (templates and corpus) is not beside this checkout"
)


def shared_corpus() -> list[tuple[str, str]]:
    """(name, text) of each CommonMark spec example and real GitLab template in ../shared;
    empty where ../shared is absent (the tests that use it are marked `needs_shared`)."""
    if not SHARED.is_dir():
        return []
    examples = json.loads((SHARED / "corpus" / "commonmark" / "spec-examples.json").read_text("utf-8"))
    texts = [(f"spec example {example['example']}", example["markdown"]) for example in examples]
    templates = sorted((SHARED / "corpus" / "gitlab-templates").glob("*/*.md"))
    return texts + [(str(path.relative_to(SHARED)), path.read_text("utf-8")) for path in templates]


class Result:
    """What a run of the command gave: its exit code, and its standard output and error as
    `subprocess.run(text=True)` reads them (decoded, every line ending made "\\n")."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code = code
        self.out = out
        self.err = err

    @classmethod
    def of(cls, completed: subprocess.CompletedProcess[str]) -> Result:
        return cls(completed.returncode, completed.stdout, completed.stderr)

    def json(self) -> Any:
        return json.loads(self.out)

    def __repr__(self) -> str:
        return f"<exit {self.code}>\nstdout:\n{self.out}\nstderr:\n{self.err}"


def command_environment(env: dict[str, str] | None) -> dict[str, str]:
    """The environment a test runs the command in: this one, never colour unless the test asks
    (an empty NO_COLOR in `env` removes it), and `env` on top."""
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    if env and env.get("NO_COLOR") == "":
        environment.pop("NO_COLOR")
    return environment


def run_cli(
    *args: str,
    stdin: str | bytes | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    memory: int | None = None,
) -> Result:
    """Run the installed `rollout-lint` with `args` in a process of its own; never colour unless
    the test asks. For what only a process shows (see `run_main` for the rest).

    `memory` caps its address space (bytes): a test of unbounded reading fails with a
    MemoryError rather than taking the machine's memory.
    """
    completed = subprocess.run(
        [COMMAND, *args],
        input=stdin.decode() if isinstance(stdin, bytes) else stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=command_environment(env),
        timeout=120,
        preexec_fn=None if memory is None else lambda: limit_memory(memory),
    )
    return Result.of(completed)


# Paths that lead to the running process's own descriptors: in-process they would reach pytest's
# capture, so a test that names one (or a link to one) runs the installed command (`run_cli`).
_DESCRIPTOR_PATHS = ("/dev/stdout", "/dev/stderr", "/dev/stdin", "/dev/fd/", "/proc/", "/dev/tty")


def _names_a_descriptor(arg: str, cwd: Path | None) -> bool:
    """Whether `arg`, or the FILE of a FORMAT:FILE, is or links to one of `_DESCRIPTOR_PATHS`."""
    for name in (arg, arg.partition(":")[2]):
        path = os.path.join(cwd or "", name) if name else ""
        for _ in range(40):  # the kernel's limit on links in a path
            if any(descriptor in path for descriptor in _DESCRIPTOR_PATHS):
                return True
            try:
                path = os.path.join(os.path.dirname(path), os.readlink(path))
            except OSError:  # not a link
                break
    return False


def run_main(
    *args: str,
    stdin: str | bytes | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> Result:
    """`rollout_lint.cli.main(args)` in this process, seen as `run_cli` sees the installed command:
    the same environment, working directory and standard input, and standard output and error
    captured as bytes through streams with the real ones' encoding and error handling, then read
    back as `subprocess.run(text=True)` reads a pipe. A check of the example plan costs 8 ms of CPU
    so, against ~160 ms for the installed command.

    What `rollout_lint.cli.run` adds around `main` (a closed or full standard output, a reader
    that goes away, Ctrl-C), forked workers (`-j`), terminals, resource limits and other users
    are the process's: those tests use `run_cli`. A run that would fork, or that names one of this
    process's descriptors, fails here instead of passing for the wrong reason.
    """
    from rollout_lint import cli

    named = [arg for arg in args if _names_a_descriptor(arg, cwd)]
    assert not named, f"{named} would reach pytest's own descriptors: use run_cli"
    data = stdin if isinstance(stdin, bytes) else (stdin or "").encode(_TEXT_ENCODING)
    with _process_state_restored():
        environment = command_environment(env)  # read before it is cleared: this process's, as run_cli's
        os.environ.clear()
        os.environ.update(environment)
        if cwd is not None:
            os.chdir(cwd)
        os.fork = _no_fork  # type: ignore[assignment]
        sys.stdin = _standard_stream(sys.__stdin__, io.BytesIO(data))
        sys.stdout = out = _standard_stream(sys.__stdout__, io.BytesIO())
        sys.stderr = err = _standard_stream(sys.__stderr__, io.BytesIO())
        # `--help`'s width comes from COLUMNS or the terminal `sys.__stdout__` is: a pipe, for the command.
        sys.__stdout__ = out
        code = cli.main(list(args))
        out.flush()
        err.flush()
        return Result(code, _read_back(out), _read_back(err))


# What `subprocess.run(text=True)` decodes with (and encodes `input` with).
_TEXT_ENCODING = locale.getpreferredencoding(False)


def _standard_stream(like: TextIO | None, buffer: io.BytesIO) -> io.TextIOWrapper:
    """A stream on `buffer` that encodes as the command's standard stream `like` does (UTF-8
    with surrogateescape under a UTF-8 locale; standard error with backslashreplace)."""
    return io.TextIOWrapper(
        buffer,
        encoding=getattr(like, "encoding", None) or "utf-8",
        errors=getattr(like, "errors", None) or "strict",
    )


def _read_back(stream: io.TextIOWrapper) -> str:
    data = stream.buffer.getvalue()  # type: ignore[attr-defined]
    # As `subprocess.run(text=True)` reads a pipe: decoded, "\r\n" and "\r" made "\n".
    return data.decode(_TEXT_ENCODING).replace("\r\n", "\n").replace("\r", "\n")


def _no_fork() -> int:
    raise AssertionError("an in-process run forked (parallel workers): give it -j 1, or use run_cli")


@contextlib.contextmanager
def _process_state_restored() -> Iterator[None]:
    """Put back what a run in this process may change: the environment, the working directory,
    the umask, the standard streams, `os.fork` and signal handlers.

    The package's functools caches are kept across runs: each is a pure function of its arguments
    or reads only what the package ships, never a user's file by its name, so a later run gets
    what it would compute itself (`test_in_process.py` pins the list).
    """
    environment = dict(os.environ)
    directory = os.getcwd()
    umask = os.umask(0o022)
    os.umask(umask)
    streams = (sys.stdin, sys.stdout, sys.stderr, sys.__stdout__)
    fork = os.fork
    handlers = {number: signal.getsignal(number) for number in signal.valid_signals()}
    try:
        yield
    finally:
        sys.stdin, sys.stdout, sys.stderr, sys.__stdout__ = streams
        os.fork = fork  # type: ignore[assignment]
        os.chdir(directory)
        os.umask(umask)
        if os.environ != environment:
            os.environ.clear()
            os.environ.update(environment)
        for number, handler in handlers.items():
            if handler is not None and signal.getsignal(number) != handler:
                signal.signal(number, handler)


def limit_memory(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def findings(result: Result) -> list[tuple[int, str]]:
    """(line, rule) of each finding in a `--format json` result."""
    return [(d["line"], d["rule"]) for d in result.json()["diagnostics"]]
