"""Checking many files on several processes, with results in the order the files were given.

With N processes, this one and N - 1 forked workers take turns over chunks of the files: this
process checks every N-th chunk itself, and worker k the chunks k, k + N, k + 2N and so on.
A worker starts with everything this process has loaded (modules, schemas, configuration),
receives nothing, and sends each chunk's results, pickled, down a pipe of its own. This process
reads the chunks in order, so the output is that of a serial run. Checking here too, one worker
fewer does the same work in less memory.

Plain forks and pipes, not `concurrent.futures`: on the benchmark's 2,000 plans with `-j 2`, a
forked `ProcessPoolExecutor` took 41.1 MiB (the PSS of both processes) where this takes 37.9 MiB,
for the same CPU time. `multiprocessing` and its queues cost 2.2 MiB to import, and the pool
feeds them from threads of its own. Issue 13 bounds the run at 40 MiB.

`fork` is what Linux and macOS offer (macOS makes `spawn` the default because some of its
frameworks break in a forked child; rollout-lint loads none of them). Where no worker can be
had (no `fork`, as on Windows; no process left), this process checks every file: the output is
the same either way.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any, TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")

# Below this many files a worker costs more to start than it saves.
MIN_FILES_PER_WORKER = 32
# Files per turn: large enough that the turns do not show, small enough that the processes
# finish together.
CHUNK_SIZE = 8
# How much of a worker's results its pipe holds before the worker waits for this process
# (Linux; the default maximum for an unprivileged process is 1 MiB). With the default 64 KiB a
# worker blocks a chunk or two ahead, and the two processes end up waiting on each other.
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
                pid, pipe = _fork_worker(jobs, check, chunks[turn::workers], pipes.values())
            except OSError:  # no process left (EAGAIN): this process takes the turns left
                break
            children.append(pid)
            pipes[turn] = pipe
        for number, chunk in enumerate(chunks[1:], start=1):
            turn = number % workers
            results = _receive(pipes[turn]) if turn in pipes else None
            if results is None:
                # This process's turn, or a worker that has gone (killed, out of memory, a check
                # that raised): the chunk is checked here, and so are that worker's turns after it.
                if turn in pipes:
                    pipes.pop(turn).close()
                results = [check(jobs[index]) for index in chunk]
            yield from results
    finally:
        gc.unfreeze()
        _stop(children, pipes.values())


def _fork_worker(
    jobs: Sequence[Job], check: Callable[[Job], Result], chunks: list[range], other_pipes: Iterable[IO[bytes]]
) -> tuple[int, IO[bytes]]:
    """Fork a worker that checks `chunks` and sends each chunk's results down a pipe."""
    import pickle  # here, before the fork: a worker imports nothing
    import signal
    import sys

    read_end, write_end = os.pipe()
    _widen(write_end)
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        raise
    if pid:
        os.close(write_end)
        return pid, os.fdopen(read_end, "rb")
    # The worker. It leaves only through os._exit: returning or raising would run this
    # process's code after the fork (and flush its buffers) a second time.
    status = 1
    try:
        # Ctrl-C reaches the whole process group: the parent stops the run alone, instead of
        # every worker printing its own traceback.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # A worker writes nothing to the standard streams, and must not touch them: another
        # thread of the parent (the progress bar's redraw) may have held standard error's lock
        # at the fork, which no thread of the worker would ever release. A warning raised in a
        # check would write there; None is a stream Python knows to skip.
        sys.stdout = sys.stderr = None
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
    """Let a worker run up to PIPE_SIZE of results ahead of this process."""
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
    except (EOFError, pickle.UnpicklingError, OSError):  # ended, or killed half-way through a chunk
        return None
    return results


def _stop(children: list[int], pipes: Iterable[IO[bytes]]) -> None:
    """End the workers: every result has been read, or the run is being stopped (Ctrl-C, a
    failed write); either way a worker has nothing more to do, and none is left behind."""
    import signal

    for pipe in pipes:
        pipe.close()
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
