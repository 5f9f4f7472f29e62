"""Time a command the way the benchmark times every build: wall time, CPU time and peak memory of the whole tree.

CPU time and the largest process's peak come from GNU time (`/usr/bin/time -v`) when the machine has it; the peak
of all processes together comes from sampling /proc every 0.2 s (forked workers share pages, so their proportional
set sizes are summed, not their resident sizes).
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import shutil
import subprocess
import threading
import time
from pathlib import Path


def gnu_time() -> str | None:
    return shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> dict:
    """Run cmd to the end: returncode, stdout, stderr (GNU time's report removed), wall_s, cpu_s, peak_mb, tree_mb.

    cpu_s is None without GNU time; peak_mb is then the largest child so far (right when sizes only grow)."""
    timer = gnu_time()
    full = [timer, "-v", *cmd] if timer else cmd
    start = time.perf_counter()
    popen = subprocess.Popen(full, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    sampler = TreeMemory(popen.pid)
    stdout, stderr = popen.communicate()
    wall = time.perf_counter() - start
    sampler.stop()
    out = {"returncode": popen.returncode, "stdout": stdout, "wall_s": wall, "tree_mb": sampler.peak_mb}
    if timer:
        report_at = stderr.rfind("\tCommand being timed:")
        report = stderr[report_at:] if report_at >= 0 else ""
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
        user = re.search(r"User time \(seconds\): ([\d.]+)", report)
        system = re.search(r"System time \(seconds\): ([\d.]+)", report)
        out["peak_mb"] = int(rss.group(1)) / 1024 if rss else None
        out["cpu_s"] = float(user.group(1)) + float(system.group(1)) if user and system else None
        out["stderr"] = stderr[:report_at] if report_at >= 0 else stderr
    else:
        out["peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        out["cpu_s"] = None
        out["stderr"] = stderr
    return out


class TreeMemory:
    """Samples the memory of a process and all its descendants every 0.2 s; `peak_mb` is the largest sum seen."""

    def __init__(self, pid: int, interval: float = 0.2):
        self.pid, self.interval, self.peak_mb = pid, interval, 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        pids, i = [self.pid], 0
        while i < len(pids):
            with contextlib.suppress(OSError):
                for task in Path(f"/proc/{pids[i]}/task").iterdir():
                    pids += [int(c) for c in (task / "children").read_text().split()]
            i += 1
        return pids

    @staticmethod
    def _pss_kb(pid: int) -> int:
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1])
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
        return 0

    def _run(self) -> None:
        while not self._done.is_set():
            total = sum(self._pss_kb(pid) for pid in self._tree())
            self.peak_mb = max(self.peak_mb, total / 1024)
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self._thread.join(timeout=5)


class LoadSampler:
    """The 1-minute load average every few seconds while a size is measured (other work on a shared machine
    shows up here); `summary()` is "min–max (median)"."""

    def __init__(self, interval: float = 5.0):
        self.interval, self.samples = interval, []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def read() -> float | None:
        with contextlib.suppress(OSError, ValueError, IndexError):
            return float(Path("/proc/loadavg").read_text().split()[0])
        return None

    def _run(self) -> None:
        while True:
            load = self.read()
            if load is not None:
                self.samples.append(load)
            if self._done.wait(self.interval):
                return

    def stop(self) -> str:
        self._done.set()
        self._thread.join(timeout=5)
        load = self.read()
        if load is not None:
            self.samples.append(load)
        return self.summary()

    def summary(self) -> str:
        if not self.samples:
            return "unknown"
        ordered = sorted(self.samples)
        return f"{ordered[0]:.2f}–{ordered[-1]:.2f} (median {ordered[len(ordered) // 2]:.2f})"
