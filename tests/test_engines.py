"""One engine boundary: only the adapter (generator/plugin.py) knows MkDocs, and ProperDocs (the maintained
continuation of MkDocs 1.x) builds, through the same adapter, the very site MkDocs builds."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

GENERATOR = ROOT / "generator"
ADAPTER = "plugin.py"
ENGINES = ("mkdocs", "properdocs")
# The one intended difference: each engine names itself in the page's generator tag.
GENERATOR_TAG = re.compile(rb'<meta name="generator" content="[^"]*">')


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_only_the_adapter_imports_an_engine():
    users = {
        path.name
        for path in sorted(GENERATOR.glob("*.py"))
        if any(name.split(".")[0] in ENGINES for name in imported_modules(path))
    }
    assert users == {ADAPTER}


def test_the_import_scan_sees_engine_imports(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import os\nfrom mkdocs.structure.files import File\nimport properdocs.config as c\n")
    assert {"mkdocs.structure.files", "properdocs.config", "os"} == imported_modules(probe)


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_properdocs_builds_the_same_site_as_mkdocs(site, tmp_path):
    out = tmp_path / "properdocs-site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    built = subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "--strict", "-f", "mkdocs.yml", "-d", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    theirs, ours = _tree(out), _tree(site)
    assert sorted(theirs) == sorted(ours)
    tags = {m.group() for data in theirs.values() for m in GENERATOR_TAG.finditer(data)}
    assert tags and all(b"ProperDocs" in tag for tag in tags), tags
    different = [name for name in ours if GENERATOR_TAG.sub(b"", ours[name]) != GENERATOR_TAG.sub(b"", theirs[name])]
    assert different == []
    assert len(ours) > 1000


def test_the_engine_walks_its_own_files_and_finds_each_output_by_path_as_it_would_make_it(tmp_path):
    """The adapter hands MkDocs the executor's 49,000 files (at 20,000 programs) to look up, not to walk
    (SiteFiles): iterating gives the engine's files only, and a lookup of an output gives the file
    `File.generated` makes of its path, with the inclusion mkdocs.yml gives it, the same object each time."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import File, Files, set_exclusions

    from generator.plugin import OutputFile, SiteFiles

    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins._current_plugin = "iop-finder"
    paths = ["programs/a-b/index.html", "es/programs/c/index.html", "data/states/va/programs.csv.zip", "404.html"]
    page = File.generated(config, "about.md", content="# About")
    files = SiteFiles(Files([page]), paths, config)
    assert list(files) == [page] and len(files) == 1 and files.documentation_pages() == [page]
    found = [files.get_file_from_path(p) for p in paths]
    made = [OutputFile.generated(config, p, content=b"") for p in paths]
    set_exclusions(made, config)
    fields = ("src_uri", "dest_uri", "url", "abs_dest_path", "abs_src_path", "generated_by", "edit_uri", "inclusion")
    assert [[getattr(f, n) for n in fields] for f in found] == [[getattr(f, n) for n in fields] for f in made]
    assert all(isinstance(f, OutputFile) for f in found)
    assert [f.url for f in found] == ["programs/a-b/", "es/programs/c/", "data/states/va/programs.csv.zip", "404.html"]
    assert [str(f.inclusion) for f in found[:2]] == ["InclusionLevel.INCLUDED", "InclusionLevel.NOT_IN_NAV"]
    assert files.get_file_from_path("es/programs/c/index.html") is found[1]
    assert files.get_file_from_path("./programs/a-b/index.html") is found[0]  # normalised as Files does
    assert files.get_file_from_path("about.md") is page
    assert files.get_file_from_path("programs/gone/index.html") is None
    assert list(files) == [page]  # looking up an output does not add it to what the engine walks
