"""Spread per-item work over the machine's cores, for the stages that grow with the number of programs.

Workers are forked, so they inherit the function and the items (a dataset of 20,000 programs is never pickled);
only item positions go out and small results come back. Small jobs, single-core machines and `mkdocs serve`
(whose watcher threads make forking unwise) run in-process. IOP_FINDER_WORKERS=1 turns it off.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 1500
enabled = True  # the plugin turns this off for `mkdocs serve`

_fn: Callable | None = None
_items: Sequence | None = None


def workers() -> int:
    wanted = os.environ.get("IOP_FINDER_WORKERS")
    if wanted:
        return max(1, int(wanted))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _worker_start() -> None:
    """A worker starts with the default SIGTERM. The build's own handler (plugin.py: stop the build as if by
    Ctrl-C) would follow it into the fork, and a worker that turns the pool's SIGTERM into an exception can be
    left waiting forever on the pool's queue lock, and the build with it."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


# How long finished workers get to exit once sent "no more work". A worker forked while another thread of the
# build held a lock (a test's browser, the serve's watcher) can wait on that lock for ever; once every result is
# in, nothing is lost by stopping it.
STOP_SECONDS = 10.0


def _map(fn: Callable, args: Sequence, n: int, chunksize: int | None = None) -> list:
    """Pool.map on n forked workers, then a clean stop: the workers are sent "no more work" and joined, never
    killed mid-task (Pool's context manager terminates them with SIGTERM, which can hang on a queue lock).
    Only a failure, Ctrl-C, or a worker still there STOP_SECONDS after all the work came back, terminates them."""
    pool = multiprocessing.get_context("fork").Pool(n, initializer=_worker_start)
    try:
        out = pool.map(fn, args, chunksize)
        pool.close()
        if not _all_exit(pool._pool, STOP_SECONDS):
            pool.terminate()
        return out
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


def _all_exit(processes: list, seconds: float) -> bool:
    """Whether every process has exited within `seconds` in all."""
    deadline = time.monotonic() + seconds
    for process in list(processes):
        process.join(max(0.0, deadline - time.monotonic()))
    return not any(process.is_alive() for process in processes)


def _run(bounds: tuple[int, int]) -> list:
    start, stop = bounds
    return [_fn(_items[i]) for i in range(start, stop)]


def pmap(fn: Callable[[T], R], items: Sequence[T], min_items: int = MIN_ITEMS) -> list[R]:
    """[fn(x) for x in items], in order, on every core when the job is big enough to pay for the processes."""
    n = workers()
    if not enabled or n < 2 or len(items) < min_items or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(x) for x in items]
    global _fn, _items
    _fn, _items = fn, items
    try:
        step = max(1, len(items) // (n * 8))
        chunks = [(i, min(i + step, len(items))) for i in range(0, len(items), step)]
        parts = _map(_run, chunks, n)
    finally:
        _fn, _items = None, None
    return [r for part in parts for r in part]


_tasks: Sequence[Callable[[], object]] | None = None


def _run_task(i: int):
    return _tasks[i]()


def run_tasks(tasks: Sequence[Callable[[], R]]) -> list[R]:
    """[task() for task in tasks], in order, handed out one at a time to every core (put the longest first).

    One pool for a whole stage of mixed jobs costs one fork, where a pool per job kind would copy the parent's
    pages into fresh workers again and again.
    """
    n = workers()
    if not enabled or n < 2 or len(tasks) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [t() for t in tasks]
    global _tasks
    _tasks = tasks
    try:
        return _map(_run_task, range(len(tasks)), n, chunksize=1)
    finally:
        _tasks = None
