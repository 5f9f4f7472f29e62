"""The forked workers of parallel.py: they do the work in order and always stop, even when the build has its own
SIGTERM handler (plugin.py installs one under `mkdocs serve`, and every later build in the process inherits it)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys

import pytest
from conftest import ROOT

from generator import parallel


@pytest.fixture
def two_workers(monkeypatch):
    monkeypatch.setattr(parallel, "enabled", True)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: (_ for _ in ()).throw(KeyboardInterrupt))
    yield
    signal.signal(signal.SIGTERM, previous)


def test_workers_run_with_the_default_sigterm_and_none_are_left(two_workers):
    pids_and_handlers = parallel.pmap(
        lambda x: (os.getpid(), signal.getsignal(signal.SIGTERM) == signal.SIG_DFL, x * x), range(40), min_items=0
    )
    assert [square for _, _, square in pids_and_handlers] == [x * x for x in range(40)]
    assert {pid for pid, _, _ in pids_and_handlers} - {os.getpid()}, "the work was not spread over workers"
    assert all(default for _, default, _ in pids_and_handlers)
    assert parallel.run_tasks([lambda i=i: (i, os.getpid()) for i in range(6)])[3][0] == 3
    assert multiprocessing.active_children() == []


def test_a_failing_item_stops_every_worker_and_reaches_the_caller(two_workers):
    def fail_on_seven(x):
        if x == 7:
            raise ValueError("seven")
        return x

    with pytest.raises(ValueError, match="seven"):
        parallel.pmap(fail_on_seven, range(20), min_items=0)
    assert multiprocessing.active_children() == []


def test_many_pools_in_a_row_never_hang_with_the_builds_sigterm_handler():
    """Pool's own context manager stops workers with SIGTERM; with the build's handler inherited, each worker
    printed a KeyboardInterrupt and one could be left waiting forever on the queue's lock (seen in a test run).
    Run in a child process with a time limit, so a hang fails instead of stalling the suite."""
    script = (
        "import signal\n"
        "from generator import parallel\n"
        "def stop(signum, frame): raise KeyboardInterrupt\n"
        "signal.signal(signal.SIGTERM, stop)\n"
        "parallel.workers = lambda: 2\n"
        "for _ in range(60):\n"
        "    assert parallel.pmap(abs, range(-50, 50), min_items=0) == [abs(x) for x in range(-50, 50)]\n"
        "print('done')\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert (run.returncode, run.stdout.strip()) == (0, "done"), run.stderr[-2000:]
    # Workers were stopped by "no more work", not by SIGTERM turned into a KeyboardInterrupt traceback.
    assert "KeyboardInterrupt" not in run.stderr, run.stderr[-2000:]


def test_a_worker_that_never_exits_after_its_work_is_stopped_and_the_results_kept():
    """A worker forked while another thread held a lock (a test's browser, the serve's watcher) can wait on it for
    ever after its work is done; this once stalled a test run. The pool waits STOP_SECONDS, then stops it.
    Here a worker hangs on exit on purpose (a finalizer that sleeps); run in a child with a time limit."""
    script = (
        "import multiprocessing.util, time\n"
        "from generator import parallel\n"
        "start = parallel._worker_start\n"
        "def hang_on_exit():\n"
        "    start()\n"
        "    multiprocessing.util.Finalize(None, time.sleep, args=(3600,), exitpriority=10)\n"
        "parallel._worker_start = hang_on_exit\n"
        "parallel.STOP_SECONDS = 1.0\n"
        "parallel.workers = lambda: 2\n"
        "began = time.monotonic()\n"
        "assert parallel.pmap(abs, range(-50, 50), min_items=0) == [abs(x) for x in range(-50, 50)]\n"
        "assert multiprocessing.active_children() == []\n"
        "print(round(time.monotonic() - began))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert int(run.stdout.strip()) < 10  # about STOP_SECONDS, not the finalizer's hour
