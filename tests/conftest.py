"""Shared fixtures: the sample site built once per test session, and the sample dataset."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from quality.bootstrap import ensure_all
from quality.localsite import chromium_path, serve

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
PROJECT_PARTS = ("mkdocs.yml", "content", "overrides", "includes", "locales", "data", "schema")


def pytest_sessionstart(session):
    # One test command for everything: fetch the gates' npm tools (and, as root, Debian's Chromium and Java).
    ensure_all()


def run_mkdocs(project: Path, site: Path, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site), *extra],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
    )


def copy_project(dest: Path) -> Path:
    """A throwaway copy of the project's site sources, for builds that change data."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        elif src.is_file():
            shutil.copy2(src, dest / part)
    return dest


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The sample site, built strictly from the committed data, content and theme."""
    out = tmp_path_factory.mktemp("site")
    result = run_mkdocs(ROOT, out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="session")
def dataset():
    from generator.dataset import load_dataset

    ds = load_dataset(ROOT / "data", root=ROOT, today=dt.date.today())
    assert not ds.errors, "\n".join(map(str, ds.errors))
    return ds


def read(site: Path, url: str) -> str:
    path = site / url.strip("/") / "index.html" if not url.endswith(".html") else site / url
    return path.read_text(encoding="utf-8")


# --- Browser tests -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def server(site):
    """The built site over local HTTP, as a static host would serve it."""
    with serve(site) as origin:
        yield origin


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        message = "Chromium not found (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + ": browser tests must run in CI")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield b
        b.close()


class PageRecorder:
    """A fresh browser context and page that records every request it makes."""

    def __init__(self, browser, **context_args):
        # Playwright's wait_for_function evaluates strings, which the site's CSP rightly forbids; tests that
        # check the policy itself pass bypass_csp=False.
        context_args.setdefault("bypass_csp", True)
        self.context = browser.new_context(**context_args)
        self.page = self.context.new_page()
        self.requests = []
        self.errors = []
        self.page.on("request", lambda r: self.requests.append((r.method, r.url, r.post_data)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def close(self):
        self.context.close()


@pytest.fixture
def recorder(browser):
    made = []

    def make(**context_args) -> PageRecorder:
        r = PageRecorder(browser, **context_args)
        made.append(r)
        return r

    yield make
    for r in made:
        r.close()


def serve_rounds(project: Path, site: Path, edits: list) -> list[dict]:
    """Run tests/quality/serve_rebuilds.py over `project` (the plugin as `mkdocs serve` drives it): one build, then
    one rebuild per round of edits; each build's figures."""
    edits_file = site.parent / f"{site.name}-edits.json"
    edits_file.write_text(json.dumps(edits), encoding="utf-8")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests" / "quality" / "serve_rebuilds.py"),
            str(project),
            str(site),
            str(edits_file),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=project,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
