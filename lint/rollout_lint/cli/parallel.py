"""Checking many files on several processes, with results in the order the files were given.

With N processes, this one and a `concurrent.futures` pool of N - 1 workers take turns over
chunks of the files: this process checks every N-th chunk itself, and reports each chunk's
results in order as they come, so the output is that of a serial run. Checking here too, one
worker fewer does the same work in less memory (issue 5 bounds the run's total).

The workers are forked: they start with everything this process has loaded (modules, schemas,
configuration), receive only the numbers of a chunk's files, and send back the chunk's results.
`fork` is what Linux and macOS offer (macOS makes `spawn` the default because some of its
frameworks break in a forked child; rollout-lint loads none of them). Where a pool cannot be
had (no `fork`, as on Windows; no process or semaphore left), this process checks every file:
the output is the same either way.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

Job = TypeVar("Job")
Result = TypeVar("Result")

# Below this many files a worker costs more to start than it saves.
MIN_FILES_PER_WORKER = 32
# Files per turn: large enough that the turns do not show, small enough that the processes
# finish together.
CHUNK_SIZE = 8
# Chunks a worker may check ahead of the one this process reports: enough that it never waits
# on this process's turn, few enough that the results held meanwhile stay small (with -j 2 on
# the benchmark's 2,000 plans, 8 ahead took 1 MiB more than 4).
CHUNKS_AHEAD = 4

# A worker's jobs and check, inherited from this process when the worker is forked.
_work: tuple[Sequence[Any], Callable[[Any], Any]] | None = None


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
    """`check(job)` for each job, in order, on `workers` processes (this one among them)."""
    chunks = [range(start, min(start + CHUNK_SIZE, len(jobs))) for start in range(0, len(jobs), CHUNK_SIZE)]
    workers = min(workers, len(chunks))
    if workers <= 1:
        yield from map(check, jobs)
        return
    import gc

    # The first chunk is checked before forking, so that the workers share, instead of each
    # loading its own copy, what a check loads on first use (markdown-it-py, compiled schemas).
    # Frozen, those objects stay out of the collector's reach, whose bookkeeping would
    # otherwise copy their pages into every worker.
    yield from map(check, (jobs[index] for index in chunks[0]))
    gc.freeze()
    pool = _start_pool(jobs, check, workers - 1)
    try:
        pooled = iter([chunk for number, chunk in enumerate(chunks[1:], start=1) if number % workers])
        ahead: deque[Future[list[Result]] | None] = deque()
        for number, chunk in enumerate(chunks[1:], start=1):
            if number % workers == 0:  # this process's turn
                yield from map(check, (jobs[index] for index in chunk))
                continue
            while len(ahead) <= CHUNKS_AHEAD * (workers - 1) and (later := next(pooled, None)) is not None:
                ahead.append(_submit(pool, later))
            results = _collect(ahead.popleft())
            # None: no pool, or its worker has gone (killed, out of memory). The chunk is checked
            # here, and so is every chunk after it: a pool that lost a worker takes no more work.
            yield from map(check, (jobs[index] for index in chunk)) if results is None else results
    finally:
        gc.unfreeze()
        if pool is not None:
            # Every result has been read, or the run is being stopped (Ctrl-C, a failed write):
            # the chunks not started are dropped, and the workers end when their chunk is done.
            pool.shutdown(wait=True, cancel_futures=True)


def _start_pool(jobs: Sequence[Job], check: Callable[[Job], Result], workers: int) -> ProcessPoolExecutor | None:
    """A pool of `workers` forked workers that check `jobs`, or None if it cannot be started."""
    import multiprocessing
    import sys
    from concurrent.futures import ProcessPoolExecutor

    # multiprocessing flushes the standard streams before it forks (a worker would write again
    # what they hold); flushed here first, an error writing them is not taken for a failed fork.
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    before = set(multiprocessing.active_children())
    try:
        pool = ProcessPoolExecutor(
            workers, multiprocessing.get_context("fork"), initializer=_start_worker, initargs=(jobs, check)
        )
        # With `fork`, the pool forks all its workers at the first submission, before it starts
        # the thread that feeds them (a thread must not be running when a process forks).
        pool.submit(int)
    except (OSError, NotImplementedError, ImportError):
        # No process left (EAGAIN), or no semaphores (a container without /dev/shm). A worker
        # forked before the failure would wait for work forever.
        for worker in set(multiprocessing.active_children()) - before:
            worker.kill()
            worker.join()
        return None
    return pool


def _start_worker(jobs: Sequence[Any], check: Callable[[Any], Any]) -> None:
    import signal
    import sys

    global _work
    _work = jobs, check
    # Ctrl-C reaches the whole process group: this process stops the run alone, instead of
    # every worker printing its own traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker writes nothing, and must not touch the standard streams it inherited: another
    # thread of this process (the progress bar's redraw) may have held standard error's lock
    # at the fork, which the worker's copy would then wait for for ever, when multiprocessing
    # flushes it as the worker ends. None is a stream Python knows to skip.
    sys.stdout = sys.stderr = None


def _check_chunk(start: int, stop: int) -> list[Any]:
    """In a worker: the results of the jobs numbered `start` to `stop`."""
    assert _work is not None, "run only in a worker started by _start_pool"
    jobs, check = _work
    return [check(jobs[index]) for index in range(start, stop)]


def _submit(pool: ProcessPoolExecutor | None, chunk: range) -> Future[list[Any]] | None:
    from concurrent.futures import BrokenExecutor

    if pool is None:
        return None
    try:
        return pool.submit(_check_chunk, chunk.start, chunk.stop)
    except BrokenExecutor:
        return None


def _collect(future: Future[list[Result]] | None) -> list[Result] | None:
    """A chunk's results, or None if no worker will send them."""
    from concurrent.futures import BrokenExecutor

    if future is None:
        return None
    try:
        return future.result()
    except BrokenExecutor:
        return None
