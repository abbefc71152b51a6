"""Checking many files on every core, with results in the order the files were given.

Worker processes are forked, so they start with everything the parent has loaded (modules,
schemas, configuration) and receive only the index of each file to check; only the findings
travel back. Where `fork` is not available (Windows, and macOS by default), files are checked
in this process: the output is the same either way.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")

# Below this many files a pool costs more to start than it saves (~30 ms against ~3 ms a plan).
MIN_FILES_PER_WORKER = 32
# Files per task sent to a worker: large enough that the round trips do not show, small
# enough that both workers finish together.
CHUNK_SIZE = 8

# What the forked workers inherit: the jobs and the function to run on each.
_jobs: Sequence[Any] = ()
_check: Callable[[Any], Any] | None = None


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(requested: int, files: int) -> int:
    """How many processes to check `files` files with; `requested` 0 means choose."""
    if not hasattr(os, "fork"):
        return 1
    if requested > 0:
        return min(requested, max(files, 1))
    return max(1, min(available_cores(), files // MIN_FILES_PER_WORKER))


def run_checks(jobs: Sequence[Job], check: Callable[[Job], Result], workers: int) -> Iterator[Result]:
    """`check(job)` for each job, in order, on `workers` processes."""
    if workers <= 1:
        yield from map(check, jobs)
        return
    import multiprocessing  # ~18 ms to import: only for a pool

    global _jobs, _check
    _jobs, _check = jobs, check
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_interrupts) as pool:
            yield from pool.imap(_check_job, range(len(jobs)), chunksize=CHUNK_SIZE)
    finally:
        _jobs, _check = (), None


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group: the parent stops the run (and the pool) alone,
    # instead of every worker printing its own traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _check_job(index: int) -> Any:
    assert _check is not None
    return _check(_jobs[index])
