"""`mkdocs serve` in Chromium, with the site's Content-Security-Policy enforced: the page reloads by itself after a
data edit, shows the list of problems (file:line messages) after a bad edit instead of hanging, and comes back
once the data is fixed. Built pages never allow the live-reload script."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import copy_project

from generator import serving

pytestmark = pytest.mark.browser

PROGRAM = "harbor-light-richmond"


class Server:
    """`mkdocs serve` on a free port, its output collected line by line."""

    def __init__(self, project: Path):
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--strict", "-a", f"127.0.0.1:{self.port}"],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()
        self.wait_for("Serving on", since=0, timeout=180)
        self.url = f"http://127.0.0.1:{self.port}/"

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())

    def wait_for(self, pattern: str, since: int, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            for line in self.lines[since:]:
                if re.search(pattern, line):
                    return line
            time.sleep(0.05)
        raise AssertionError(f"no {pattern!r} from mkdocs serve:\n" + "\n".join(self.lines[-40:]))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("serve-browser") / "project")
    server = Server(project)
    yield server, project
    server.stop()


def replace_in_data(project: Path, old: str, new: str) -> None:
    path = project / "data" / "programs.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_page_reloads_after_edits_and_shows_the_problems_of_a_bad_one(browser, served):
    server, project = served
    context = browser.new_context()  # the site's policy enforced (no bypass)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    try:
        page.goto(f"{server.url}programs/{PROGRAM}/")
        page.locator("h1", has_text="Harbor Light").wait_for()
        deadline = time.monotonic() + 15
        while "Enabled live reload" not in console and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert "Enabled live reload" in console, console  # the live-reload script ran under the policy
        assert not [m for m in console if "Content Security Policy" in m], console

        # 1. A good edit: the page reloads by itself and shows it.
        mark = len(server.lines)
        replace_in_data(project, "name: Harbor Light", "name: Harbor Lighthouse")
        server.wait_for("Reloading browsers", since=mark)
        page.locator("h1", has_text="Harbor Lighthouse").wait_for(timeout=30000)  # static HTML: a reload

        # 2. A bad edit: instead of a request that hangs, the page reloads into the list of problems.
        mark = len(server.lines)
        replace_in_data(project, "phone: 804-555-0101", "phone: '12'")
        server.wait_for("the rebuild failed", since=mark)
        problems = page.locator("ul.iop-build-problems li")
        problems.first.wait_for(timeout=30000)
        texts = problems.all_inner_texts()
        assert any(
            re.fullmatch(r"data/programs\.yaml:\d+:\d+: programs\[0\]\.phone: expected a US phone number.*", t)
            for t in texts
        ), texts
        assert texts[-1] == "1 problem in 1 file; nothing was built."
        other = context.new_page()  # any other address shows the same, at once
        other.goto(f"{server.url}about/", timeout=10000)
        assert other.locator("ul.iop-build-problems li").count() == len(texts)
        other.close()

        # 3. The fix: the page reloads into the program again.
        mark = len(server.lines)
        replace_in_data(project, "phone: '12'", "phone: 804-555-0101")
        server.wait_for("Reloading browsers", since=mark)
        page.locator("h1", has_text="Harbor Lighthouse").wait_for(timeout=30000)
        assert not [m for m in console if "Content Security Policy" in m], console
    finally:
        context.close()


def test_only_the_script_the_server_adds_is_allowed_and_only_in_what_it_sends(site):
    page = (site / "programs" / PROGRAM / "index.html").read_bytes()
    assert b"livereload" not in page
    sent = page.replace(b"</body>", b"<script>livereload(1, 2);</script></body>")
    allowed = serving.allow_livereload(sent)
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(b"livereload(1, 2);").digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}'".encode() in allowed
    assert allowed.replace(f" 'sha256-{digest}'".encode(), b"", 1) == sent
    assert serving.allow_livereload(page) == page  # nothing added by the server: nothing allowed
    for html_file in site.rglob("*.html"):
        assert b"livereload" not in html_file.read_bytes(), html_file


def test_the_problems_page_escapes_what_the_data_says():
    page = serving.problems_page(['data/programs.yaml:3:5: programs[0].name: "<script>alert(1)</script>"']).decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("Content-Security-Policy") == 1 and "script-src 'self';" in page
