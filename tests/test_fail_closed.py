"""Builds fail closed: a build writes into a scratch folder beside the site folder and swaps it in only when it is
complete, so a killed build or a full disk leaves the previous site byte-identical and no scratch folder behind,
and a disk error is one clear line, never a traceback."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, copy_project, run_mkdocs

from generator import keystore, publish

sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _scratch(site: Path) -> list[str]:
    return sorted(p.name for p in site.parent.iterdir() if p.name.startswith(f".{site.name}{publish.MARK}"))


def _beside(site: Path) -> list[str]:
    """What lies beside the site folder besides the site itself and its build cache."""
    return sorted(p.name for p in site.parent.iterdir() if p.name not in (site.name, f".{site.name}.iop-cache"))


def _wait_until_gone(site: Path, timeout: float = 30.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while _scratch(site) and time.monotonic() < deadline:
        time.sleep(0.05)
    return _scratch(site)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project with 400 synthetic programs: enough that program pages are written for a while."""
    return synth.make_project(400, tmp_path_factory.mktemp("fail-closed") / "project")


@pytest.fixture
def previous_site(project, tmp_path) -> tuple[Path, dict[str, bytes]]:
    site = tmp_path / "site"
    built = run_mkdocs(project, site)
    assert built.returncode == 0, built.stdout + built.stderr
    return site, _tree(site)


@pytest.mark.parametrize("cache", ["1", "0"])
def test_a_build_killed_part_way_leaves_the_previous_site_as_it_was(project, previous_site, cache):
    """With the build cache or without (then parts of big files are in the scratch folder): the guard leaves
    nothing of the killed build behind."""
    site, before = previous_site
    (project / "data" / "programs.yaml").write_text(
        (project / "data" / "programs.yaml").read_text(encoding="utf-8").replace("name: ", "name: Renamed ", 5),
        encoding="utf-8",
    )
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", IOP_FINDER_CACHE=cache)
    build = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        pages = []
        while not pages and build.poll() is None and time.monotonic() < deadline:
            pages = [
                p for s in site.parent.glob(f".{site.name}{publish.MARK}*") for p in s.glob("programs/*/index.html")
            ]
            time.sleep(0.005)
        assert pages, "the build finished (or timed out) before any program page appeared"
        build.send_signal(signal.SIGKILL)
    finally:
        build.wait()
    assert build.returncode == -signal.SIGKILL
    assert _wait_until_gone(site) == []  # the guard cleared the scratch folder
    assert _beside(site) == []
    after = _tree(site)
    assert sorted(after) == sorted(before)
    assert [name for name in before if after[name] != before[name]] == []


def test_a_stale_scratch_folder_is_swept_by_the_next_build(project, previous_site):
    site, before = previous_site
    stale = site.parent / f".{site.name}{publish.MARK}999999999-left"  # no such process
    (stale / "programs").mkdir(parents=True)
    assert publish.sweep(site) == [stale] and not stale.exists()


# A build whose writes fail as on a full disk: once the executor has written a few program pages (WRITER), or when
# MkDocs itself writes its first page (ENGINE). Run as the mkdocs command, to see exactly what a maintainer sees.
FULL_DISK = """
import builtins, errno, sys
import mkdocs.utils
from mkdocs.__main__ import cli

where = sys.argv.pop(1)
if where == "writer":
    original, count = builtins.open, [0]

    def open_for_writing(file, mode="r", *args, **kwargs):
        if "w" in mode and "/programs/" in str(file):
            count[0] += 1
            if count[0] > 5:
                raise OSError(errno.ENOSPC, "No space left on device", str(file))
        return original(file, mode, *args, **kwargs)

    builtins.open = open_for_writing
else:

    def write_file(content, output_path):
        raise OSError(errno.ENOSPC, "No space left on device", output_path)

    mkdocs.utils.write_file = write_file
cli()
"""


@pytest.mark.parametrize("where", ["writer", "engine"])
def test_a_full_disk_is_one_line_and_the_previous_site_stays(project, previous_site, where):
    site, before = previous_site
    # Without the build cache, so the build writes every page again (with it, nothing here would be written).
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", IOP_FINDER_WORKERS="1", IOP_FINDER_CACHE="0")
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK, where, "build", "--strict", "-d", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    ours = [line for line in output.splitlines() if "IOP Finder could not write" in line]
    assert len(ours) == 1, output
    assert re.match(r"ERROR +- +IOP Finder could not write " + re.escape(f"{site}/"), ours[0]), ours[0]
    assert ours[0].endswith(
        ": No space left on device (free some disk space or fix the folder's permissions, then build again; "
        "the previous site is unchanged)"
    )
    if where == "writer":
        assert "/programs/" in ours[0]
        assert [line for line in output.splitlines() if line.startswith("ERROR")] == ours
    assert "Aborted with a BuildError!" in output
    assert _scratch(site) == []
    assert _tree(site) == before


def test_the_first_build_has_no_site_to_keep_and_publishes_by_rename(tmp_path):
    project = copy_project(tmp_path / "project")
    site = tmp_path / "new" / "site"
    built = run_mkdocs(project, site)
    assert built.returncode == 0, built.stdout + built.stderr
    assert (site / "index.html").is_file() and _wait_until_gone(site) == []
    first = _tree(site)
    again = run_mkdocs(project, site)
    assert again.returncode == 0
    assert _tree(site) == first
    assert _wait_until_gone(site) == []  # the replaced site, deleted by the guard after the swap


@pytest.mark.parametrize("cache", ["1", "0"])
def test_builds_good_or_failed_leave_no_temporary_folder_anywhere(tmp_path, cache):
    """Parts of big files live in the build's scratch folder (or its build cache), never in the system's temporary
    folder, and are gone after a build that published (never published with it), one that failed writing and one
    that failed on bad data."""
    project = copy_project(tmp_path / "project")
    temp = tmp_path / "tmp"
    temp.mkdir()
    site = tmp_path / "out" / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", TMPDIR=str(temp), IOP_FINDER_CACHE=cache)
    build = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)]
    good = subprocess.run(build, cwd=project, env=env, capture_output=True, text=True)
    assert good.returncode == 0, good.stdout + good.stderr
    assert _wait_until_gone(site) == [] and _beside(site) == []
    assert (site / "index.html").is_file() and not (site / keystore.NoStore.PARTS).exists()
    # Fails after the executor has made its parts folder: the disk fills while program pages are written.
    full = subprocess.run(
        [sys.executable, "-c", FULL_DISK, "writer", *build[3:]],
        cwd=project,
        env=dict(env, IOP_FINDER_WORKERS="1", IOP_FINDER_CACHE="0"),  # so it writes pages again
        capture_output=True,
        text=True,
    )
    assert full.returncode == 1 and "No space left on device" in full.stdout + full.stderr, full.stderr
    assert _wait_until_gone(site) == [] and _beside(site) == []
    programs = project / "data" / "programs.yaml"
    programs.write_text(programs.read_text(encoding="utf-8").replace("phone: ", "phone: not-a-phone ", 1), "utf-8")
    bad = subprocess.run(build, cwd=project, env=env, capture_output=True, text=True)
    assert bad.returncode == 1 and "IOP Finder data has problems" in bad.stdout + bad.stderr, bad.stderr
    assert _wait_until_gone(site) == [] and _beside(site) == []
    assert [p.name for p in temp.iterdir() if p.name.startswith("iop-finder-")] == []


def test_a_parts_folder_left_by_a_killed_server_is_swept(tmp_path):
    """`mkdocs serve` keeps parts beside the site from one rebuild to the next; a later build sweeps them away
    once that server is gone."""
    site = tmp_path / "site"
    stale = site.parent / f".{site.name}{publish.PARTS_MARK}999999999-left"  # no such process
    stale.mkdir(parents=True)
    (stale / "a.part.json").write_text("[]", encoding="utf-8")
    mine = publish.parts_folder(site)  # this process's, still running: kept
    assert mine.name.startswith(f".{site.name}{publish.PARTS_MARK}{os.getpid()}-")
    assert publish.sweep(site) == [stale] and not stale.exists() and mine.is_dir()


def test_a_server_stopped_by_sigterm_leaves_no_temporary_folder(tmp_path):
    """`mkdocs serve` builds into a temporary folder; stopped as a process manager stops it, it deletes that and
    its parts folder."""
    import socket

    project = copy_project(tmp_path / "project")
    temp = tmp_path / "tmp"
    temp.mkdir()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONUNBUFFERED="1", TMPDIR=str(temp))
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--strict", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        for line in server.stdout:
            lines.append(line)
            if "Serving on" in line:
                break
        assert any("Serving on" in line for line in lines), "".join(lines)
        assert [p.name for p in temp.iterdir() if ".iop-parts-" in p.name]  # the server keeps its parts there
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert server.returncode == 0
    assert sorted(p.name for p in temp.iterdir()) == []
