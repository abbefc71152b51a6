"""Checking many files on every core, with results in the order the files were given.

With N processes, this one and N - 1 forked workers take turns over chunks of the files: the
workers start with everything this process has loaded (modules, schemas, configuration),
receive nothing, and send back only their chunks' results, pickled, each through its own
pipe. This process checks its own chunks and reads the others' in order, so the output is that
of a serial run. Where `fork` is not available (Windows, and macOS by default), files are
checked in this process: the output is the same either way.

Not `multiprocessing`: a pool costs ~18 ms to import, starts helper threads and leaves this
process idle while its workers check; checking here too, one worker fewer does the same work
and the run takes less memory (issue 5 bounds the run's total).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")

# Below this many files a worker costs more to start than it saves.
MIN_FILES_PER_WORKER = 32
# Files per turn: large enough that the turns do not show, small enough that the processes
# finish together.
CHUNK_SIZE = 8
# How much of a worker's results a pipe holds before the worker waits for this process
# (Linux; the default maximum for an unprivileged process is 1 MiB).
PIPE_SIZE = 1 << 20


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
    import signal

    # The first chunk is checked before forking, so that the workers share, instead of each
    # loading its own copy, what a check loads on first use (markdown-it-py, compiled schemas).
    # Frozen, those objects stay out of the collector's reach, whose bookkeeping would
    # otherwise copy their pages into every worker.
    yield from map(check, (jobs[index] for index in chunks[0]))
    gc.freeze()
    pipes: dict[int, IO[bytes]] = {}  # turn -> the pipe from the worker that takes it
    children: list[int] = []
    try:
        for turn in range(1, workers):
            try:
                pid, pipe = _fork_worker(jobs, check, chunks[turn::workers], list(pipes.values()))
            except OSError:  # no more processes allowed: this process takes the turns left
                break
            children.append(pid)
            pipes[turn] = pipe
        for number, chunk in enumerate(chunks[1:], start=1):
            turn = number % workers
            results = _receive(pipes[turn]) if turn in pipes else None
            if results is None:  # this process's turn, or a worker that has gone: check here
                if turn in pipes:
                    pipes.pop(turn).close()
                results = [check(jobs[index]) for index in chunk]
            yield from results
    finally:
        gc.unfreeze()
        for pipe in pipes.values():
            pipe.close()
        # Every result has been read, or the run is being stopped (Ctrl-C, a failed write):
        # either way a worker has nothing more to do.
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)


def _fork_worker(
    jobs: Sequence[Job], check: Callable[[Job], Result], chunks: list[range], other_pipes: list[IO[bytes]]
) -> tuple[int, IO[bytes]]:
    """Fork a worker that checks `chunks` and sends each chunk's results down a pipe."""
    import pickle
    import signal

    read_end, write_end = os.pipe()
    _widen(write_end)
    pid = os.fork()
    if pid:
        os.close(write_end)
        return pid, os.fdopen(read_end, "rb")
    # The worker. It must leave only through os._exit: returning or raising would run the
    # parent's code (and flush its buffers) a second time.
    status = 1
    try:
        # Ctrl-C reaches the whole process group: the parent stops the run alone, instead of
        # every worker printing its own traceback.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        os.close(read_end)
        for pipe in other_pipes:  # the earlier workers' pipes are theirs and the parent's
            pipe.close()
        with os.fdopen(write_end, "wb") as pipe:
            for chunk in chunks:
                pickle.dump([check(jobs[index]) for index in chunk], pipe, pickle.HIGHEST_PROTOCOL)
                pipe.flush()
        status = 0
    finally:
        os._exit(status)


def _widen(pipe: int) -> None:
    """Let a worker run well ahead of this process: with the default 64 KiB pipe a worker
    blocks one or two chunks ahead (results carry the files' text, for the reports), and the
    two processes end up waiting on each other in lockstep."""
    try:
        import fcntl

        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    except (ImportError, AttributeError, OSError):  # not Linux, or over the system's limit
        pass


def _receive(pipe: IO[bytes]) -> list[Any] | None:
    """The next chunk's results from a worker, or None if the worker has gone."""
    import pickle

    try:
        results: list[Any] = pickle.load(pipe)
        return results
    except (EOFError, pickle.UnpicklingError, OSError):
        return None
