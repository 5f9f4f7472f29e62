"""Install the tools the quality gates need, once, before the tests start (called from conftest.py).

The README promises that its one test command runs every gate on a fresh machine. The Python packages come from
`pip install -c constraints.txt`; the rest comes from here:

- axe-core and the Nu HTML Checker: `npm ci` from package-lock.json, with install scripts off (vnu-jar's would try
  to download a Java runtime; Debian's Java is used instead).
- Chromium, Java and pdftoppm: Debian's packages through apt-get, only when running as root on a machine that has apt-get
  (CI and throwaway machines). On a workstation where they are missing the gates skip with a hint, and under
  CI=true they fail.

Set IOP_FINDER_NO_INSTALL=1 to never install anything.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .localsite import chromium_path

ROOT = Path(__file__).resolve().parents[2]
NPM_TOOLS = (
    ROOT / "node_modules" / "axe-core" / "axe.min.js",
    ROOT / "node_modules" / "eslint" / "bin" / "eslint.js",
    ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar",
    ROOT / "node_modules" / "d3-geo" / "dist" / "d3-geo.mjs",  # the maps' reference projection
    ROOT / "node_modules" / "us-atlas" / "states-albers-10m.json",
)


def _say(message: str) -> None:
    print(f"[test tools] {message}", file=sys.stderr, flush=True)


def _run(command: list[str], **kwargs) -> bool:
    _say("$ " + " ".join(command))
    try:
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900, **kwargs)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _say(f"could not run {command[0]}: {exc}")
        return False
    if result.returncode != 0:
        _say(f"{command[0]} failed ({result.returncode}): {(result.stderr or result.stdout).strip()[-800:]}")
    return result.returncode == 0


def ensure_npm_tools() -> None:
    if all(path.is_file() for path in NPM_TOOLS):
        return
    npm = shutil.which("npm")
    if npm is None:
        _say("npm not found: the axe-core and Nu HTML Checker gates cannot run (install Node.js and npm)")
        return
    _run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"])


def ensure_debian_packages() -> None:
    wanted = []
    if chromium_path() is None:
        wanted.append("chromium")
    if shutil.which("java") is None:
        wanted.append("default-jre-headless")
    if shutil.which("pdftoppm") is None:
        wanted.append("poppler-utils")  # print views turned into PNG pages
    if not wanted:
        return
    apt = shutil.which("apt-get")
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if apt is None or not is_root:
        _say(f"missing {', '.join(wanted)}: install them with apt-get (browser, print and HTML gates need them)")
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if _run([apt, "update", "-qq"], env=env):
        _run([apt, "install", "-y", "-qq", *wanted], env=env)


def ensure_all() -> None:
    if os.environ.get("IOP_FINDER_NO_INSTALL"):
        return
    ensure_npm_tools()
    ensure_debian_packages()
