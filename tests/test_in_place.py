"""Rebuilds in place under `mkdocs serve` (publish.InPlace): the served folder is changed where it is, what the
plan no longer makes is deleted, and a rebuild that fails part-way leaves the next one to make every file again,
so the served site still ends up equal to a fresh build."""

from __future__ import annotations

import filecmp
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, copy_project, run_mkdocs

from generator import publish


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_the_site_waits_in_a_hidden_folder_while_the_engine_empties_the_rest(tmp_path):
    site = tmp_path / "site"
    (site / "programs" / "a").mkdir(parents=True)
    (site / "programs" / "a" / "index.html").write_text("a", encoding="utf-8")
    (site / "index.html").write_text("home", encoding="utf-8")
    (site / ".keep").write_text("hidden", encoding="utf-8")
    place = publish.InPlace(site)
    assert place.path == site.resolve()
    # What MkDocs' clean_directory spares: hidden entries only.
    assert sorted(p.name for p in site.iterdir()) == [".iop-in-place", ".keep"]
    (site / "index.html").write_text("engine's own", encoding="utf-8")  # written before the restore: kept
    place.restore()
    assert _files(site) == [".keep", "index.html", "programs/a/index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "engine's own"
    assert (site / "programs" / "a" / "index.html").read_text(encoding="utf-8") == "a"
    # The engine's index.html stood where the site's was: not all came back, so each file is looked for again.
    assert place.intact is False
    again = publish.InPlace(site)
    assert again.intact is False  # not before the restore
    again.restore()
    assert again.intact is True and _files(site) == [".keep", "index.html", "programs/a/index.html"]


def test_an_engine_that_empties_hidden_folders_too_leaves_nothing_to_restore(tmp_path):
    site = tmp_path / "site"
    (site / "programs").mkdir(parents=True)
    (site / "programs" / "index.html").write_text("x", encoding="utf-8")
    place = publish.InPlace(site)
    for entry in site.iterdir():  # a cleaner that spares nothing
        subprocess.run(["rm", "-rf", str(entry)], check=True)
    place.restore()  # no error: the executor finds no file and makes every one
    assert list(site.iterdir()) == [] and place.intact is False


def _write(folder: Path, paths: dict[str, str]) -> None:
    for path, text in paths.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")


def test_a_build_of_changes_moves_them_into_the_site_folder_and_deletes_what_is_gone(tmp_path):
    """publish.Changes: the site folder stays the same folder; changed files replace the old, a new program's
    folder is made, what is gone is deleted with the folders it leaves empty, and nothing is left beside it."""
    site = tmp_path / "site"
    _write(site, {"index.html": "old home", "programs/a/index.html": "a", "programs/gone/index.html": "gone"})
    folder = site.stat().st_ino
    changes = publish.Changes(site)
    _write(changes.path, {"index.html": "new home", "programs/new/index.html": "new"})
    assert changes.made() == ["index.html", "programs/new/index.html"]
    assert changes.conflicts() == []
    changes.publish({"programs/gone/index.html"})
    assert site.stat().st_ino == folder
    assert _files(site) == ["index.html", "programs/a/index.html", "programs/new/index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "new home"
    deadline = time.monotonic() + 30
    while changes.path.exists() and time.monotonic() < deadline:  # the guard deletes the emptied scratch folder
        time.sleep(0.05)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_changes_that_would_replace_a_folder_or_sit_under_a_file_are_named_before_anything_moves(tmp_path):
    site = tmp_path / "site"
    _write(site, {"programs/a/index.html/stray.txt": "a folder where a page goes", "data": "a file, not a folder"})
    changes = publish.Changes(site)
    _write(changes.path, {"programs/a/index.html": "a", "data/all.json": "{}", "programs/b/index.html": "b"})
    assert changes.conflicts() == ["data/all.json", "programs/a/index.html"]
    assert _files(site) == ["data", "programs/a/index.html/stray.txt"]  # untouched
    changes.discard()
    assert not changes.path.exists()


def test_removing_dropped_files_deletes_the_folders_they_leave_empty_and_no_other(tmp_path):
    site = tmp_path / "site"
    for path in ("programs/gone/index.html", "programs/gone/card.vcf", "programs/stays/index.html"):
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(path, encoding="utf-8")
    publish.remove(site, {"programs/gone/index.html", "programs/gone/card.vcf", "programs/never/index.html"})
    assert _files(site) == ["programs/stays/index.html"]
    assert sorted(p.name for p in (site / "programs").iterdir()) == ["stays"]


FAILING_REBUILD = r"""
import errno, json, os, sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
from generator import executor, parallel

project, site = Path(sys.argv[1]), Path(sys.argv[2])
os.chdir(project)
config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
config.plugins.on_startup(command="serve", dirty=False)
plugin = config.plugins["iop-finder"]
data = project / "data" / "programs.yaml"
real_write, calls = executor._write_file, []

def full_after_two(root, path, text, folders):
    calls.append(path)
    if len(calls) > 2:
        raise OSError(errno.ENOSPC, "No space left on device", root + path)
    real_write(root, path, text, folders)

rounds = []
for edit, fail in (("", False), ("804-555-0101/804-555-0109", True), ("804-555-0109/804-555-0108", False)):
    if edit:
        old, new = edit.split("/")
        data.write_text(data.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    executor._write_file = full_after_two if fail else real_write
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    outcome = "built"
    try:
        build(config, serve_url="http://127.0.0.1:8000/")
    except Exception as e:
        outcome = type(e).__name__
    rounds.append({"outcome": outcome, "in_place": plugin.in_place, "kept": plugin.result.kept if plugin.result else None})
    parallel.enabled = False
config.plugins.on_shutdown()
print(json.dumps(rounds))
"""


def test_a_rebuild_in_place_that_fails_part_way_is_followed_by_a_whole_build(tmp_path):
    project = copy_project(tmp_path / "project")
    site = tmp_path / "served"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", FAILING_REBUILD, str(project), str(site)],
        capture_output=True,
        text=True,
        env=env,
        cwd=project,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "could not write" in result.stderr and "the next rebuild makes every file again" in result.stderr
    first, failed, after = json.loads(result.stdout.splitlines()[-1])
    assert first == {"outcome": "built", "in_place": False, "kept": 0}
    assert failed["outcome"] != "built" and failed["in_place"] is True
    # Nothing known is trusted after the failure: a scratch build that keeps nothing.
    assert after == {"outcome": "built", "in_place": False, "kept": 0}
    fresh = tmp_path / "fresh"
    built = run_mkdocs(project, fresh)
    assert built.returncode == 0, built.stdout + built.stderr
    assert _files(site) == _files(fresh)
    assert [f for f in _files(site) if not filecmp.cmp(site / f, fresh / f, shallow=False)] == []
