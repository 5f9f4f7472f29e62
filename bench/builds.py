"""Cold and warm builds of one synthetic project: IOP Finder (`mkdocs build --strict`) beside Hugo.

`cold_builds` runs each tool `repeat` times and alternates which goes first (IOP Finder then Hugo, then Hugo then
IOP Finder, ...), so a shared machine that speeds up or slows down during the run weighs on both alike. An IOP
Finder cold build starts from an empty site folder and without anything an earlier build kept beside it (a
persistent build cache); a Hugo cold build without public/ and Hugo's caches.

`warm_build` edits one program's name in data/programs.yaml in place (no line moves), builds again into the same
site folder with whatever the previous build kept, and checks that the program's page shows the new name. The
build keeps its cache beside the site folder (`generator.plugin.cache_folder`: .site.iop-cache/); anything else a
build leaves is found by looking: paths that appear in the project outside the site folder during a build, or
hidden entries at the top of the site folder. Cold builds start without any of them.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import statistics
import sys
from pathlib import Path

import hugo
from measure import timed

from generator.plugin import cache_folder


def iop_build(project: Path, site: Path, extra_env: dict[str, str] | None = None) -> dict:
    """`mkdocs build --strict` in a subprocess: wall time, CPU time, peak memory and the plugin's stage times."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", IOP_FINDER_TIMINGS="1", **(extra_env or {}))
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)]
    run = timed(cmd, cwd=project, env=env)
    if run["returncode"] != 0:
        raise RuntimeError(f"build failed in {project}:\n{run['stdout'][-3000:]}\n{run['stderr'][-6000:]}")
    out = {
        "build_s": run["wall_s"],
        "build_cpu_s": run["cpu_s"],
        "build_peak_mb": run["peak_mb"],
        "build_tree_mb": run["tree_mb"],
        "log": run["stderr"],
    }
    stages = re.search(r"IOP Finder stages: (.*)", run["stderr"])
    if stages:
        out["build_stages"] = stages.group(1).strip()
    return out


def entries(project: Path, site: Path) -> set[str]:
    """Paths in the project outside the site folder (which lies in the project), and hidden entries at the top of
    the site folder, relative to the project."""
    found = set()
    for folder, dirs, names in os.walk(project):
        here = Path(folder)
        if site.name in dirs and here / site.name == site:
            dirs.remove(site.name)
            with os.scandir(site) as top:
                found.update((site / e.name).relative_to(project).as_posix() for e in top if e.name.startswith("."))
        for name in dirs + names:
            found.add((here / name).relative_to(project).as_posix())
    return found


def kept_by_build(before: set[str], after: set[str]) -> list[str]:
    """The outermost paths that a build added (a cache folder, not every file in it)."""
    added = sorted(after - before)
    return [p for p in added if not any(p.startswith(q + "/") for q in added if q != p)]


def clear(project: Path, paths: list[str]) -> None:
    """Delete what a build kept (paths relative to the project)."""
    for rel in paths:
        target = project / rel
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()


def cold_builds(
    project: Path, site: Path, repeat: int, hugo_site: Path | None = None, extra_env: dict | None = None, say=print
) -> dict:
    """`repeat` cold builds of each tool, alternating the order. Returns the runs in order and what a build kept."""
    iop_runs, hugo_runs, kept = [], [], []
    before = entries(project, site)
    for i in range(repeat):
        order = ("iop", "hugo") if i % 2 == 0 else ("hugo", "iop")
        for tool in order:
            if tool == "iop":
                if site.exists():
                    shutil.rmtree(site)
                clear(project, kept)
                shutil.rmtree(cache_folder(site), ignore_errors=True)
                run = iop_build(project, site, extra_env)
                kept = kept or kept_by_build(before, entries(project, site))
                iop_runs.append(run)
                say(f"    IOP Finder cold build {i + 1}/{repeat}: {run['build_s']:.2f} s")
            elif hugo_site is not None:
                run = hugo.build(hugo_site)
                hugo_runs.append(run)
                say(f"    Hugo cold build {i + 1}/{repeat}: {run['wall_s']:.2f} s")
    return {"iop": iop_runs, "hugo": hugo_runs, "kept": kept}


def spread(values: list[float]) -> float:
    return max(values) - min(values)


def cold_figures(runs: dict) -> dict:
    """Medians, spreads and ratios of cold_builds' runs (metric keys of bench/run.py)."""
    iop = runs["iop"]
    walls = [r["build_s"] for r in iop]
    cpus = [r["build_cpu_s"] for r in iop if r["build_cpu_s"] is not None]
    out = {
        "cold_runs": len(iop),
        "build_s": statistics.median(walls),
        "build_spread_s": spread(walls),
        "build_cpu_s": statistics.median(cpus) if cpus else None,
        "build_peak_mb": max((r["build_peak_mb"] for r in iop if r["build_peak_mb"] is not None), default=None),
        "build_tree_mb": max(r["build_tree_mb"] for r in iop),
        "build_runs_s": [round(w, 2) for w in walls],
        "build_stages": iop[-1].get("build_stages"),
        "build_kept": runs["kept"],
    }
    if runs["hugo"]:
        hugo_walls = [r["wall_s"] for r in runs["hugo"]]
        hugo_cpus = [r["cpu_s"] for r in runs["hugo"] if r["cpu_s"] is not None]
        out.update(
            {
                "hugo_s": statistics.median(hugo_walls),
                "hugo_spread_s": spread(hugo_walls),
                "hugo_cpu_s": statistics.median(hugo_cpus) if hugo_cpus else None,
                "hugo_peak_mb": max((r["peak_mb"] for r in runs["hugo"] if r["peak_mb"] is not None), default=None),
                "hugo_runs_s": [round(w, 2) for w in hugo_walls],
                "ratio_pairs": [round(a / b, 2) for a, b in zip(walls, hugo_walls)],
            }
        )
        out["ratio_cold"] = out["build_s"] / out["hugo_s"]
        if out["build_cpu_s"] and out["hugo_cpu_s"]:
            out["ratio_cpu"] = out["build_cpu_s"] / out["hugo_cpu_s"]
    return out


def edit_program_name(data_file: Path, record: dict) -> tuple[str, str]:
    """Rename one program in place (its `name:` line rewritten, no line added or removed).

    Returns the file's text before the edit and the new name."""
    text = data_file.read_text(encoding="utf-8")
    at = text.find(f"- id: {record['id']}\n")
    if at < 0:
        raise RuntimeError(f"{data_file}: no item with id {record['id']}")
    line = re.compile(r"^(\s+)name: .*$", re.M).search(text, at)
    if line is None:
        raise RuntimeError(f"{data_file}: no name under id {record['id']}")
    new_name = f"{record['name']} (renamed)"
    # A JSON string is a valid YAML double-quoted scalar, whatever the name holds.
    edited = text[: line.start()] + f"{line.group(1)}name: {json.dumps(new_name, ensure_ascii=False)}"
    edited += text[line.end() :]
    data_file.write_text(edited, encoding="utf-8")
    return text, new_name


def warm_build(project: Path, site: Path, record: dict, kept: list[str], extra_env: dict | None = None) -> dict:
    """Build again after renaming `record` (the site folder and whatever the last build kept left in place);
    the data file is restored afterwards."""
    data_file = project / "data" / "programs.yaml"
    original, new_name = edit_program_name(data_file, record)
    try:
        run = iop_build(project, site, extra_env)
    finally:
        data_file.write_text(original, encoding="utf-8")
    page = site / "programs" / record["id"] / "index.html"
    shown = page.is_file() and new_name in html.unescape(page.read_text(encoding="utf-8"))
    cache = cache_folder(site)
    if cache.is_dir() or kept:
        keeps = sorted({*kept, os.path.relpath(cache, project)}) if cache.is_dir() else kept
        kind = "warm: the build keeps " + ", ".join(keeps)
    else:
        kind = "a second full build: no persistent build cache (the build keeps nothing beside the site)"
    return {
        "warm_s": run["build_s"],
        "warm_cpu_s": run["build_cpu_s"],
        "warm_kind": kind,
        "warm_program": record["id"],
        "warm_shows_edit": shown,
        "warm_stages": run.get("build_stages"),
    }
