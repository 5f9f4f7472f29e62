"""Wall time of each build stage, printed after the build when IOP_FINDER_TIMINGS=1 (the benchmark sets it).

with timing.stage("load"):
    ...
"""

from __future__ import annotations

import logging
import os
import resource
import time
from contextlib import contextmanager

log = logging.getLogger("mkdocs.plugins.iop_finder")
stages: dict[str, float] = {}
memory: dict[str, int] = {}  # MB resident at the end of each stage


def enabled() -> bool:
    return os.environ.get("IOP_FINDER_TIMINGS") == "1"


@contextmanager
def stage(name: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        stages[name] = stages.get(name, 0.0) + time.perf_counter() - start
        if enabled():
            memory[name] = _rss_mb()


def _rss_mb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


_open: tuple[str, float] | None = None


def mark(name: str) -> None:
    """Start timing what MkDocs does between two plugin events; `close_mark` ends it."""
    global _open
    _open = (name, time.perf_counter())


def close_mark() -> None:
    global _open
    if _open:
        stages[_open[0]] = stages.get(_open[0], 0.0) + time.perf_counter() - _open[1]
        _open = None


def report(tail: str = "") -> None:
    if enabled() and stages:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        parts = ", ".join(
            f"{name} {seconds:.2f} s" + (f" ({memory[name]} MB)" if name in memory else "")
            for name, seconds in stages.items()
        )
        log.info(
            f"IOP Finder stages: {parts}; peak memory of this process {peak:.0f} MB" + (f"; {tail}" if tail else "")
        )
    stages.clear()
    memory.clear()
