"""`mkdocs serve` rebuilds: only what an edit changes is re-read and rewritten, and the result is exactly the site
a fresh `mkdocs build` makes from the edited data."""

from __future__ import annotations

import filecmp
import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, copy_project, run_mkdocs

EDITS = [
    # 1. A phone number: that program's page, vCard, card and search leaf, its neighbours' pages, its state page.
    [["data/programs.yaml", "phone: 804-555-0101", "phone: 804-555-0109"]],
    # 2. A renamed id (a page goes, another comes) and a program moved across Philadelphia (nearby recomputed).
    [
        ["data/programs.yaml", "id: riverbend-teen-richmond", "id: riverbend-teens-richmond"],
        ["data/programs.yaml", "location: {lat: 40.1139, lon: -75.0146}", "location: {lat: 40.0339, lon: -75.1146}"],
    ],
    # 3. Nothing changed in the data, a page of text edited.
    [["content/about.md", "# About IOP Finder", "# About IOP Finder (draft)"]],
]


def _tree(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}


def test_serve_rebuilds_write_only_changes_and_equal_a_fresh_build(tmp_path):
    project = copy_project(tmp_path / "project")
    text = (project / "data" / "programs.yaml").read_text(encoding="utf-8")
    # 4. A comment line above the 11th program: the 26 programs below it move down a line, so their pages'
    #    "Edit this program" links change; their search files, cards, vCards and exports do not.
    eleventh = [line for line in text.splitlines() if line.startswith("  - id: ")][10]
    rounds_of_edits = EDITS + [[["data/programs.yaml", "\n" + eleventh, "\n  # checked by phone\n" + eleventh]]]
    edits = tmp_path / "edits.json"
    edits.write_text(json.dumps(rounds_of_edits), encoding="utf-8")
    served = tmp_path / "served"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "quality" / "serve_rebuilds.py"), str(project), str(served), str(edits)],
        capture_output=True,
        text=True,
        env=env,
        cwd=project,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rounds = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(rounds) == 5
    first, phone, moved, text_only, shifted = rounds
    assert first["items_read"] == 36 and first["written"] > 900
    assert phone["items_read"] == 1
    # page, vCard, its leaf (records + index), its card file, its state page, its export slices, the
    # neighbours that show its phone; never the other 30-odd programs.
    assert 5 <= phone["written"] <= 25, phone
    assert moved["items_read"] == 2
    assert text_only["items_read"] == 0 and text_only["written"] == 0
    assert shifted["items_read"] == 1 and shifted["written"] == 26
    assert shifted["moved_pages"] == 26  # their links patched in place, not rendered again
    assert phone["moved_pages"] == 0

    fresh = tmp_path / "fresh"
    built = run_mkdocs(project, fresh)
    assert built.returncode == 0, built.stdout + built.stderr
    a, b = _tree(served), _tree(fresh)
    assert sorted(a) == sorted(b)
    assert not any(name.startswith("programs/riverbend-teen-richmond/") for name in a)
    assert "programs/riverbend-teens-richmond/index.html" in a
    different = [name for name in sorted(a) if not filecmp.cmp(a[name], b[name], shallow=False)]
    assert different == []
