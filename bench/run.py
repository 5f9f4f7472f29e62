"""IOP Finder benchmark: build the site from N synthetic programs and measure build cost, page weight and search.

    python bench/run.py --sizes 1000,5000,20000 [--searches 100] [--out bench/out]
                        [--no-browser] [--serve-sizes 20000] [--profile 20000] [--lighthouse 1000]
                        [--hugo] [--repeat 3] [--warm]

For each N: generate the data (bench/synth.py) in a project copy under OUT/work/N, build it with
`mkdocs build --strict` in a subprocess (wall and CPU time, peak memory; --repeat cold builds, median and spread),
with --hugo build the same programs with Hugo too (bench/hugo.py, alternating with IOP Finder's builds, see
bench/builds.py), with --warm build once more after renaming one program, and measure what was written: sizes,
the largest file and where the bytes are (bench/sitesize.py, also written to OUT/sizes-N.md). Then serve the
site on 127.0.0.1 and drive Chromium (Playwright) through cold-cache visits: a program page's first-visit
transfer, the search data fetched by `/find/#zip=<ZIP>&r=25` for random ZIP codes where programs are, and the
finder's time to first results. Prints one table (rows = metrics, columns = N) and writes it to OUT/results.json.

Sizes "gzip" are each response body compressed with gzip level 6, as a static host would send it.
This is a script, not a test: tests/test_bench.py runs a small smoke version that checks the output, not timing.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for p in (str(ROOT), str(HERE), str(ROOT / "tests")):
    if p not in sys.path:
        sys.path.insert(0, p)

import builds  # noqa: E402
import hugo  # noqa: E402
import sitesize  # noqa: E402
import synth  # noqa: E402
from measure import LoadSampler  # noqa: E402
from quality.localsite import chromium_path, serve  # noqa: E402  (shared with the tests)

from generator import geo  # noqa: E402

# (key, label, unit). Every key appears as one row of the table, in this order.
METRICS = [
    ("synth_s", "Generate synthetic data", "s"),
    ("cold_runs", "Cold builds of each tool (--repeat), alternating which goes first", "count"),
    ("build_s", "Build wall time (median of the cold builds)", "s"),
    ("build_spread_s", "Build wall time, spread of the cold builds (slowest − fastest)", "s"),
    ("build_cpu_s", "Build CPU time (user+sys, median)", "s"),
    ("build_peak_mb", "Build peak memory (max RSS of one process)", "MB"),
    ("build_tree_mb", "Build peak memory, all processes (sampled PSS sum)", "MB"),
    ("hugo_write_s", "Hugo: write its content files (before its builds, not timed in them)", "s"),
    ("hugo_s", "Hugo cold build wall time (median, same programs, all cores)", "s"),
    ("hugo_spread_s", "Hugo cold build, spread (slowest − fastest)", "s"),
    ("hugo_cpu_s", "Hugo CPU time (user+sys, median)", "s"),
    ("hugo_peak_mb", "Hugo peak memory (max RSS)", "MB"),
    ("ratio_cold", "IOP Finder cold / Hugo cold (medians)", "×"),
    ("ratio_cpu", "IOP Finder CPU time / Hugo CPU time (medians; steadier than wall time on a busy machine)", "×"),
    ("warm_s", "Build after a one-program edit (warm when a build cache is kept; see below)", "s"),
    ("ratio_warm", "Build after a one-program edit / Hugo cold (median)", "×"),
    ("html_pages", "HTML pages written", "count"),
    ("program_pages", "Program pages", "count"),
    ("hugo_program_pages", "Hugo: program pages", "count"),
    ("files", "Files written", "count"),
    ("hugo_files", "Hugo: files written", "count"),
    ("site_mb", "Site size, sum of file sizes (every language)", "MB"),
    ("site_disk_mb", "Site size on disk (allocated blocks, as du counts)", "MB"),
    ("site_en_mb", "English site, sum of file sizes", "MB"),
    ("largest_file_mib", "Largest file", "MiB"),
    ("files_over_limit", "Files over 25 MiB", "count"),
    ("hugo_site_mb", "Hugo: site size, sum of file sizes", "MB"),
    ("program_html_gz_kb", "Program page HTML, gzip (median)", "KB"),
    ("program_html_gz_max_kb", "Program page HTML, gzip (max)", "KB"),
    ("first_visit_kb", "Program page first visit, all responses gzip (max over --pages)", "KB"),
    ("first_visit_requests", "Program page first visit, requests", "count"),
    ("manifest_gz_kb", "search/manifest.json, gzip", "KB"),
    ("material_index_gz_kb", "Material's search/search_index.json, gzip (loaded on every page)", "KB"),
    ("search_kb_median", "Search payload per ZIP search, gzip (median)", "KB"),
    ("search_kb_p95", "Search payload per ZIP search, gzip (p95)", "KB"),
    ("search_kb_max", "Search payload per ZIP search, gzip (max)", "KB"),
    ("search_dense_kb", "Search payload, densest-area ZIP, gzip", "KB"),
    ("search_dense_p95_kb", "Search payload, ZIPs of the densest area (--dense), gzip (p95)", "KB"),
    ("search_dense_requests", "Search requests, densest-area ZIP", "count"),
    ("lunr_total_mb", "Lunr indexes search/x/*.json, total", "MB"),
    ("lunr_largest_kb", "Lunr index, largest leaf file", "KB"),
    ("lunr_largest_gz_kb", "Lunr index, largest leaf file, gzip", "KB"),
    ("after_data_ms_median", "First results after data arrives (median)", "ms"),
    ("after_data_ms_p95", "First results after data arrives (p95)", "ms"),
    ("after_key_ms_median", "First results from 5th keypress (median)", "ms"),
    ("after_key_ms_p95", "First results from 5th keypress (p95)", "ms"),
    ("serve_initial_s", "mkdocs serve: first build", "s"),
    ("serve_rebuild_s", "mkdocs serve: rebuild after a YAML edit", "s"),
    ("serve_rebuild_line_s", "mkdocs serve: rebuild after an edit that adds a line (moves later programs)", "s"),
    ("serve_reload_s", "mkdocs serve: YAML edit to the edited program's page reloaded in Chromium", "s"),
    ("serve_reload_line_s", "mkdocs serve: edit that adds a line to that page reloaded in Chromium", "s"),
]
BROWSER_KEYS = {
    "first_visit_kb",
    "first_visit_requests",
    "search_kb_median",
    "search_kb_p95",
    "search_kb_max",
    "search_dense_kb",
    "search_dense_p95_kb",
    "search_dense_requests",
    "after_data_ms_median",
    "after_data_ms_p95",
    "after_key_ms_median",
    "after_key_ms_p95",
}
SERVE_KEYS = {"serve_initial_s", "serve_rebuild_s", "serve_rebuild_line_s", "serve_reload_s", "serve_reload_line_s"}
# Rows of text under the table: (key in results["extra"], label).
TEXT_ROWS = [
    ("largest_file", "Largest file (path)"),
    ("build_runs_s", "IOP Finder cold builds, in run order (s)"),
    ("hugo_runs_s", "Hugo cold builds, in run order (s)"),
    ("ratio_pairs", "IOP Finder / Hugo, each pair of cold builds"),
    ("warm_kind", "The build after a one-program edit was"),
    ("load_1min", "Load average (1 min) while this size ran: min–max (median)"),
]
DENSE_ZIP = "10001"  # Midtown Manhattan: the densest area of the synthetic data
SETTLED = r"found within|Showing the|No programs|could not|went wrong|Please type"


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank), so p95 of 100 samples is the 95th smallest."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


# --- What was built ---------------------------------------------------------------------------------------------------


def site_stats(site: Path, rng: random.Random) -> dict:
    """What a build wrote: counts, sizes (see bench/sitesize.py), page weight and the finder's search files."""
    scanned = sitesize.scan(site)
    size = sitesize.summarize(site, scanned)
    files = scanned[0]
    program_pages = sorted(site.glob("programs/*/index.html"))
    sample = rng.sample(program_pages, min(200, len(program_pages)))
    gz_sizes = [gz(p.read_bytes()) / 1024 for p in sample]
    lunr = sorted(site.glob("search/x/*.json"), key=lambda p: p.stat().st_size)
    manifest = site / "search" / "manifest.json"
    material = site / "search" / "search_index.json"
    return {
        "html_pages": sum(1 for f in files if f.path.endswith(".html")),
        "program_pages": len(program_pages),
        "files": len(files),
        "site_mb": size["bytes"] / 1e6,
        "site_disk_mb": size["disk_bytes"] / 1e6,
        "site_en_mb": size["languages"].get("en", 0) / 1e6,
        "largest_file_mib": size["largest"]["bytes"] / sitesize.MIB,
        "files_over_limit": len(size["over_limit"]),
        "largest_file": size["largest"]["path"],
        "site_size": size,
        "program_html_gz_kb": statistics.median(gz_sizes) if gz_sizes else None,
        "program_html_gz_max_kb": max(gz_sizes) if gz_sizes else None,
        "manifest_gz_kb": gz(manifest.read_bytes()) / 1024 if manifest.exists() else None,
        "material_index_gz_kb": gz(material.read_bytes()) / 1024 if material.exists() else 0.0,
        "lunr_total_mb": sum(p.stat().st_size for p in lunr) / 1e6,
        "lunr_largest_kb": lunr[-1].stat().st_size / 1024 if lunr else None,
        "lunr_largest_gz_kb": gz(lunr[-1].read_bytes()) / 1024 if lunr else None,
    }


def hugo_stats(public: Path) -> dict:
    size = sitesize.summarize(public)
    return {
        "hugo_program_pages": len(list(public.glob("programs/*/index.html"))),
        "hugo_files": size["files"],
        "hugo_site_mb": size["bytes"] / 1e6,
    }


# --- Where to search ---------------------------------------------------------------------------------------------


def search_zips(records: list[dict], count: int, seed: int) -> list[str]:
    """ZIP codes weighted to where programs are: the ZIP of a random program, count times (repeats allowed)."""
    rng = random.Random(seed)
    return [rng.choice(records)["address"]["zip"] for _ in range(count)]


def dense_area_zips(records: list[dict], k: int = 10) -> list[str]:
    """The densest-area ZIP (DENSE_ZIP when it exists) and the k-1 nearest ZIP codes that have programs."""
    table = geo.zip_table()
    center = table[DENSE_ZIP]
    with_programs = sorted({r["address"]["zip"] for r in records} - {DENSE_ZIP})
    near = sorted(with_programs, key=lambda z: geo.haversine_miles(center.lat, center.lon, table[z].lat, table[z].lon))
    return [DENSE_ZIP] + near[: k - 1]


def programs_near(records: list[dict], zip_code: str, miles: float) -> int:
    table = geo.zip_table()
    c = table[zip_code]
    count = 0
    for r in records:
        loc = r.get("location") or {"lat": table[r["address"]["zip"]].lat, "lon": table[r["address"]["zip"]].lon}
        if geo.haversine_miles(c.lat, c.lon, loc["lat"], loc["lon"]) <= miles:
            count += 1
    return count


# --- Local server and browser -------------------------------------------------------------------------------------


@contextlib.contextmanager
def launch_browser():
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise RuntimeError("Chromium not found (apt-get install chromium), or run with --no-browser")
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
        try:
            yield b
        finally:
            b.close()


# Installed before any page script: marks the 5th-digit keydown and the moment results reach the DOM.
TIMING_SCRIPT = """
window.__iopBench = { key: null, rendered: null, frame: null };
document.addEventListener("keydown", function (e) {
  if (e.target && e.target.id === "f-zip") window.__iopBench.key = performance.now();
}, true);
document.addEventListener("DOMContentLoaded", function () {
  var results = document.getElementById("finder-results");
  if (!results) return;
  new MutationObserver(function (records) {
    var b = window.__iopBench;
    if (b.rendered !== null) return;
    var added = records.some(function (r) {
      return Array.prototype.some.call(r.addedNodes, function (n) {
        return n.nodeType === 1 && (n.matches("ol.iop-results") || n.matches(".iop-empty"));
      });
    });
    if (!added) return;
    b.rendered = performance.now();
    requestAnimationFrame(function () { b.frame = performance.now(); });
  }).observe(results, { childList: true });
});
"""
READ_TIMES = """() => ({
  bench: window.__iopBench,
  resources: performance.getEntriesByType("resource").map(function (e) {
    return { name: e.name, start: e.startTime, end: e.responseEnd };
  }),
  status: (document.getElementById("finder-status") || {}).textContent || "",
  results: document.querySelectorAll("#finder-results .iop-result").length
})"""


class Visit:
    """One cold-cache visit: a fresh browser context with the HTTP cache disabled, recording every response."""

    def __init__(self, browser, timing: bool = False):
        self.context = browser.new_context()
        if timing:
            self.context.add_init_script(TIMING_SCRIPT)
        self.page = self.context.new_page()
        cdp = self.context.new_cdp_session(self.page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        self.responses = []
        self.errors = []
        self.page.on("response", lambda r: self.responses.append(r))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def sizes(self, predicate=lambda url: True) -> list[tuple[str, int]]:
        out = []
        for r in self.responses:
            if not predicate(r.url):
                continue
            try:
                out.append((r.url, gz(r.body())))
            except Exception:  # a redirect or aborted request has no body
                out.append((r.url, 0))
        return out

    def wait_settled(self, timeout_ms: int = 30000) -> str:
        self.page.wait_for_function(
            "(re) => new RegExp(re).test((document.getElementById('finder-status') || {}).textContent || '')",
            arg=SETTLED,
            timeout=timeout_ms,
        )
        return self.page.text_content("#finder-status") or ""

    def close(self):
        self.context.close()


def first_visit(browser, base: str, program_ids: list[str]) -> dict:
    totals, requests, breakdown = [], [], []
    for pid in program_ids:
        v = Visit(browser)
        try:
            v.page.goto(f"{base}/programs/{pid}/", wait_until="load")
            v.page.wait_for_load_state("networkidle")
            sizes = v.sizes()
            totals.append(sum(s for _, s in sizes) / 1024)
            requests.append(len(sizes))
            if not breakdown:
                breakdown = [(url.replace(base, ""), round(size / 1024, 2)) for url, size in sizes]
        finally:
            v.close()
    return {
        "first_visit_kb": max(totals),
        "first_visit_requests": max(requests),
        "first_visit_all_kb": totals,
        "first_visit_breakdown_kb": breakdown,
    }


def is_search(url: str) -> bool:
    """The finder's own search data; Material's search_index.json (its site search, fetched by its worker on
    every page whether or not anyone searches) is counted in the first-visit figure instead."""
    return "/search/" in url and not url.endswith("/search/search_index.json")


def search_by_url(browser, base: str, zip_code: str) -> dict:
    """Open /find/#zip=<zip>&r=25 cold; search payload and time from the last search response to results."""
    v = Visit(browser, timing=True)
    try:
        v.page.goto(f"{base}/find/#zip={zip_code}&r=25", wait_until="load")
        status = v.wait_settled()
        v.page.wait_for_function(
            "() => window.__iopBench.frame !== null || "
            "!document.querySelector('#finder-results ol, #finder-results .iop-empty')",
            timeout=20000,  # a guard against a page that never paints, not a measure: a busy machine needs room
        )
        t = v.page.evaluate(READ_TIMES)
        sizes = v.sizes(is_search)
        return {
            "zip": zip_code,
            "status": status,
            "results": t["results"],
            "kb": sum(s for _, s in sizes) / 1024,
            "requests": len(sizes),
            "files_kb": [(url.split("/search/", 1)[1], round(size / 1024, 2)) for url, size in sizes],
            "after_data_ms": _after_data(t, since=0.0),
            "errors": v.errors,
        }
    finally:
        v.close()


def search_by_keys(browser, base: str, zip_code: str) -> dict:
    """Open /find/ cold, wait for the manifest, type the ZIP; time from the 5th keydown to results."""
    v = Visit(browser, timing=True)
    try:
        v.page.goto(f"{base}/find/", wait_until="load")
        v.page.wait_for_function(
            "() => performance.getEntriesByType('resource')"
            ".some(e => e.name.endsWith('/search/manifest.json') && e.responseEnd > 0)"
        )
        v.page.wait_for_timeout(100)  # the finder reads the manifest in a promise callback
        v.page.focus("#f-zip")
        v.page.keyboard.type(zip_code[:4])
        v.page.keyboard.press(zip_code[4])
        status = v.wait_settled()
        t = v.page.evaluate(READ_TIMES)
        b = t["bench"]
        return {
            "zip": zip_code,
            "status": status,
            "results": t["results"],
            "after_key_ms": b["rendered"] - b["key"] if b["rendered"] and b["key"] else None,
            "after_data_ms": _after_data(t, since=b["key"] or 0.0),
            "errors": v.errors,
        }
    finally:
        v.close()


def _after_data(t: dict, since: float) -> float | None:
    """Milliseconds from the end of the last search response (before the results appeared) to the results."""
    rendered = t["bench"]["rendered"]
    if rendered is None:
        return None
    ends = [r["end"] for r in t["resources"] if is_search(r["name"]) and r["start"] >= since and r["end"] <= rendered]
    return rendered - max(ends) if ends else None


def measure_browser(
    browser, site: Path, records: list[dict], searches: int, seed: int, pages: int = 5, dense: int = 10
) -> dict:
    rng = random.Random(seed)
    pids = [r["id"] for r in rng.sample(records, min(pages, len(records)))]
    zips = search_zips(records, searches, seed)
    dense = dense_area_zips(records, dense)
    with serve(site) as base:
        out = first_visit(browser, base, pids)
        url_runs = _each(zips, lambda z: search_by_url(browser, base, z), "searches by link")
        dense_runs = [search_by_url(browser, base, z) for z in dense]
        key_runs = _each(zips, lambda z: search_by_keys(browser, base, z), "searches by typing")
    out.update(summarize({"url": url_runs, "dense": dense_runs, "keys": key_runs}))
    return out


def _each(items: list, fn, what: str) -> list:
    done = []
    for i, item in enumerate(items, 1):
        done.append(fn(item))
        if i % 25 == 0 or i == len(items):
            print(f"    {i}/{len(items)} {what}", flush=True)
    return done


def summarize(runs: dict) -> dict:
    """Browser figures from the individual runs (also used to re-read saved runs-N.json files)."""
    url_runs, dense_runs, key_runs = runs["url"], runs["dense"], runs["keys"]
    for r in url_runs + dense_runs:
        if "files_kb" in r:
            r["kb"] = sum(kb for path, kb in r["files_kb"] if is_search("/search/" + path))
            r["requests"] = sum(1 for path, _ in r["files_kb"] if is_search("/search/" + path))
    out = {}
    kbs = [r["kb"] for r in url_runs]
    # Data arrival -> results is read from the typed searches: every search response they count started after the
    # keypress, so nothing the page loaded for itself (Material's search index, the manifest) can end the wait.
    after_data = [r["after_data_ms"] for r in key_runs if r["after_data_ms"] is not None]
    after_key = [r["after_key_ms"] for r in key_runs if r["after_key_ms"] is not None]
    out.update(
        {
            "search_kb_median": statistics.median(kbs),
            "search_kb_p95": pct(kbs, 95),
            "search_kb_max": max(kbs),
            "search_dense_kb": dense_runs[0]["kb"],
            "search_dense_requests": dense_runs[0]["requests"],
            "search_dense_p95_kb": pct([r["kb"] for r in dense_runs], 95),
            "after_data_ms_median": statistics.median(after_data) if after_data else None,
            "after_data_ms_p95": pct(after_data, 95) if after_data else None,
            "after_key_ms_median": statistics.median(after_key) if after_key else None,
            "after_key_ms_p95": pct(after_key, 95) if after_key else None,
            "dense_status": dense_runs[0]["status"],
            "dense_results": dense_runs[0]["results"],
            "runs": {"url": url_runs, "dense": dense_runs, "keys": key_runs},
        }
    )
    return out


def resummarize(out_dir: Path) -> dict:
    """Recompute the browser rows of OUT/results.json from OUT/runs-N.json (after changing what is counted)."""
    results = json.loads((out_dir / "results.json").read_text(encoding="utf-8"))
    for key, _, _ in METRICS:
        results["metrics"].setdefault(key, {})
    for n, files in results["extra"].get("first_visit_breakdown_kb", {}).items():
        for path, kb in files:  # Material's index as the browser received it, when the site is gone
            if path.endswith("/search/search_index.json"):
                results["metrics"]["material_index_gz_kb"].setdefault(n, kb)
    for n in results["sizes"]:
        path = out_dir / f"runs-{n}.json"
        if not path.exists():
            continue
        values = summarize(json.loads(path.read_text(encoding="utf-8")))
        values.pop("runs")
        for key, v in values.items():
            if key in results["metrics"]:
                results["metrics"][key][str(n)] = round(v, 3) if isinstance(v, float) else v
            else:
                results["extra"].setdefault(key, {})[str(n)] = v
    (out_dir / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    (out_dir / "table.md").write_text(table(results) + "\n", encoding="utf-8")
    return results


# --- mkdocs serve -------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_rebuild(project: Path, timeout: float = 600.0, dirty: bool = False, browser=None) -> dict:
    """Start `mkdocs serve`, wait for the first build, edit data/programs.yaml, time until the rebuild is done;
    with a `browser`, also until the edited program's page, open in Chromium, has reloaded by itself (MkDocs'
    live-reload script) and shows the edit: what a maintainer waits for.

    Each wait (first build, rebuild) is bounded by `timeout` seconds; the server is always stopped."""
    port = free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONUNBUFFERED="1")
    cmd = [sys.executable, "-m", "mkdocs", "serve", "--strict", "-a", f"127.0.0.1:{port}"]
    if dirty:
        cmd.append("--dirty")
    lines: list[tuple[float, str]] = []
    proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def pump():
        for line in proc.stdout:
            lines.append((time.perf_counter(), line.rstrip()))

    reader = threading.Thread(target=pump, daemon=True)
    start = time.perf_counter()
    reader.start()
    data = project / "data" / "programs.yaml"
    original = data.read_text(encoding="utf-8")
    try:

        def wait_for(pattern: str, after: float) -> float | None:
            while time.perf_counter() - after < timeout and proc.poll() is None:
                for t, line in list(lines):
                    if t >= after and re.search(pattern, line):
                        return t
                time.sleep(0.05)
            return None

        serving = wait_for(r"Serving on", start)
        if serving is None:
            raise RuntimeError("mkdocs serve did not start:\n" + "\n".join(text for _, text in lines[-40:]))
        time.sleep(2.0)  # let the file watcher settle
        # 1. A field changes in place (the first program's name). 2. A line is added near the top (an insurer
        # under the first program), which moves every later program down a line: their pages' "Edit this
        # program" links change, so every program page below is rewritten.
        edits = (("serve_rebuild_s", original.replace("  name: ", "  name: Edited ", 1)),)
        second_item = [m.start() for m in re.finditer(r"\n *- id: ", original)][1]
        with_line = edits[0][1]
        shift = len(edits[0][1]) - len(original)
        with_line = with_line[: second_item + shift] + "\n  # checked by phone" + with_line[second_item + shift :]
        edits += (("serve_rebuild_line_s", with_line),)
        out = {"serve_initial_s": serving - start}
        page = None
        if browser is not None:
            first_id = re.search(r"^ *- id: *(\S+)", original, re.M).group(1)
            page = browser.new_context().new_page()
            page.goto(f"http://127.0.0.1:{port}/programs/{first_id}/", wait_until="load")
        for key, text in edits:
            t0 = time.perf_counter()
            if page is None:
                data.write_text(text, encoding="utf-8")
            else:
                with page.expect_event("load", timeout=timeout * 1000):
                    data.write_text(text, encoding="utf-8")
                reloaded = time.perf_counter() - t0
                heading = page.locator("h1").first.inner_text()
                if "Edited" not in heading:
                    raise RuntimeError(f"the reloaded page does not show the edit: {heading!r}")
                out[key.replace("_rebuild", "_reload")] = reloaded
            done = wait_for(r"Documentation built|Reloading browsers|Error|Aborted", t0)
            out[key] = (done - t0) if done else None
            time.sleep(2.0)
        out["serve_log"] = [line for _, line in lines[-40:]]
        return out
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        data.write_text(original, encoding="utf-8")


# --- Profile and Lighthouse ---------------------------------------------------------------------------------------


def profile_build(project: Path, out: Path, n: int) -> Path:
    """Run the build in-process under cProfile; write the top 15 by cumulative and by own time."""
    import pstats

    prof = out / f"build-{n}.prof"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    site = project / "site-profile"
    subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )
    shutil.rmtree(site, ignore_errors=True)
    report = out / f"profile-{n}.txt"
    with report.open("w", encoding="utf-8") as fh:
        for key in ("cumulative", "tottime"):
            fh.write(f"=== top 15 by {key} ===\n")
            pstats.Stats(str(prof), stream=fh).strip_dirs().sort_stats(key).print_stats(15)
    return report


def lighthouse(site: Path, records: list[dict], out: Path) -> dict:
    """Lighthouse 12 mobile scores for home, finder and a program page, against the local server."""
    npx = shutil.which("npx")
    if not npx:
        return {"error": "npx not found"}
    env = dict(os.environ, CHROME_PATH=chromium_path() or "")
    results = {}
    with serve(site, compress=True) as base:
        for name, url in (
            ("home", f"{base}/"),
            ("finder", f"{base}/find/"),
            ("program", f"{base}/programs/{records[0]['id']}/"),
        ):
            dest = out / f"lighthouse-{name}.json"
            proc = subprocess.run(
                [
                    npx,
                    "--yes",
                    "lighthouse@12",
                    url,
                    "--chrome-flags=--headless --no-sandbox",
                    "--only-categories=performance,accessibility,best-practices,seo",
                    "--output=json",
                    f"--output-path={dest}",
                    "--quiet",
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            if proc.returncode != 0 or not dest.exists():
                results[name] = {"error": (proc.stderr or proc.stdout)[-1500:]}
                continue
            report = json.loads(dest.read_text(encoding="utf-8"))
            results[name] = {
                k: round(v["score"] * 100) if v.get("score") is not None else None
                for k, v in report["categories"].items()
            }
    return results


# --- Table --------------------------------------------------------------------------------------------------------


def machine() -> dict:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError):
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    chrome = ""
    path = chromium_path()
    if path:
        with contextlib.suppress(Exception):
            chrome = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    load = ""
    with contextlib.suppress(OSError):
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    import mkdocs

    return {
        "nproc": os.cpu_count(),
        "hugo": hugo.hugo_version(),
        "cpu": cpu,
        "ram": mem,
        "python": platform.python_version(),
        "chromium": chrome,
        "mkdocs": mkdocs.__version__,
        "platform": platform.platform(),
        "loadavg": load,
    }


def format_value(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, list):
        return ", ".join(format_value(x) for x in v)
    if isinstance(v, str):
        return v
    if isinstance(v, int):
        return f"{v:,}"
    return f"{v:,.1f}" if abs(v) >= 10 else f"{v:.2f}"


def table(results: dict) -> str:
    sizes = [str(n) for n in results["sizes"]]
    head = ["Metric", "Unit"] + [f"N={int(n):,}" for n in sizes]
    rows = [head, ["---"] * len(head)]
    for key, label, unit in METRICS:
        rows.append([label, unit] + [format_value(results["metrics"].get(key, {}).get(n)) for n in sizes])
    for key, label in TEXT_ROWS:
        values = results["extra"].get(key, {})
        if values:
            rows.append([label, ""] + [format_value(values.get(n)) for n in sizes])
    return "\n".join("| " + " | ".join(r) + " |" for r in rows)


# --- Main ---------------------------------------------------------------------------------------------------------


def run_size(n: int, args, browser) -> tuple[dict, list[dict]]:
    work = args.out / "work" / str(n)
    t = time.perf_counter()
    records = synth.programs(n, args.seed)
    synth.copy_project(work)
    synth.write_programs(work / "data" / "programs.yaml", records)
    values: dict = {"synth_s": time.perf_counter() - t}
    site = work / "site"
    hugo_site = args.out / "work" / f"hugo-{n}" if args.hugo else None
    values.update(build_side_by_side(n, work, site, hugo_site, records, args))
    values.update(site_stats(site, random.Random(args.seed)))
    (args.out / f"sizes-{n}.md").write_text(sitesize.report(values["site_size"]) + "\n", encoding="utf-8")
    print(f"[N={n}] {values['program_pages']} program pages; {sitesize.headline(values['site_size'])}", flush=True)
    if hugo_site is not None:
        values.update(hugo_stats(hugo_site / "public"))
    if args.warm:
        values.update(build_after_edit(n, work, site, records, values, args))
    if browser is not None:
        print(f"[N={n}] browser: {args.searches} searches…", flush=True)
        extra = measure_browser(browser, site, records, args.searches, args.seed, args.pages, args.dense)
        runs = extra.pop("runs")
        (args.out / f"runs-{n}.json").write_text(json.dumps(runs, indent=1), encoding="utf-8")
        values.update(extra)
    if n in args.serve_sizes:
        print(f"[N={n}] mkdocs serve rebuild…", flush=True)
        try:
            with serve_browser(browser, args) as chromium:
                s = serve_rebuild(work, timeout=args.serve_timeout, browser=chromium)
            (args.out / f"serve-{n}.log").write_text("\n".join(s.pop("serve_log")), encoding="utf-8")
            values.update(s)
        except RuntimeError as exc:
            print(f"[N={n}] mkdocs serve failed: {exc}", flush=True)
            values["serve_error"] = str(exc)[-2000:]
    if n in args.profile:
        print(f"[N={n}] cProfile…", flush=True)
        values["profile"] = str(profile_build(work, args.out, n).relative_to(args.out))
    if n in args.lighthouse:
        print(f"[N={n}] Lighthouse…", flush=True)
        values["lighthouse"] = lighthouse(site, records, args.out)
    values["dense_programs_within_25mi"] = programs_near(records, DENSE_ZIP, 25.0)
    if not args.keep:
        shutil.rmtree(site, ignore_errors=True)
        if hugo_site is not None:
            shutil.rmtree(hugo_site, ignore_errors=True)
    return values, records


def serve_browser(browser, args):
    """The browser the serve figures reload a page in: the run's own, or with --serve-browser one of their own
    under --no-browser; none otherwise."""
    if browser is not None or not args.serve_browser:
        return contextlib.nullcontext(browser)
    return launch_browser()


def build_side_by_side(n: int, work: Path, site: Path, hugo_site: Path | None, records: list[dict], args) -> dict:
    """--repeat cold builds of IOP Finder and, with --hugo, of the same programs with Hugo, alternating."""
    values = {}
    if hugo_site is not None:
        if hugo.hugo_path() is None:
            raise RuntimeError("--hugo: hugo not found (apt-get install hugo)")
        t = time.perf_counter()
        hugo.write_site(records, hugo_site)
        values["hugo_write_s"] = time.perf_counter() - t
    tools = "IOP Finder and Hugo, alternating" if hugo_site is not None else "IOP Finder"
    print(f"[N={n}] {args.repeat} cold build(s) of {tools}…", flush=True)
    runs = builds.cold_builds(work, site, args.repeat, hugo_site, args.build_env, say=lambda m: print(m, flush=True))
    figures = builds.cold_figures(runs)
    values.update(figures)
    line = f"[N={n}] IOP Finder cold build {figures['build_s']:.2f} s (median of {figures['cold_runs']})"
    if hugo_site is not None:
        line += (
            f", Hugo {figures['hugo_s']:.2f} s ({hugo.hugo_version().split('+')[0]}, GOMAXPROCS unset: all"
            f" {os.cpu_count()} cores)"
            f"; ratio {figures['ratio_cold']:.2f}"
        )
    print(line, flush=True)
    if figures.get("build_stages"):
        print(f"[N={n}] stages: {figures['build_stages']}", flush=True)
    return values


def build_after_edit(n: int, work: Path, site: Path, records: list[dict], values: dict, args) -> dict:
    """One more build after renaming one program (the one in the middle of the data file)."""
    record = records[len(records) // 2]
    print(f"[N={n}] build after renaming program {record['id']}…", flush=True)
    out = builds.warm_build(work, site, record, values["build_kept"], args.build_env)
    if not out["warm_shows_edit"]:
        raise RuntimeError(f"the build after the edit did not show the new name on /programs/{record['id']}/")
    if values.get("hugo_s"):
        out["ratio_warm"] = out["warm_s"] / values["hugo_s"]
    ratio = f" ({out['ratio_warm']:.2f} × Hugo cold)" if "ratio_warm" in out else ""
    print(f"[N={n}] build after a one-program edit: {out['warm_s']:.2f} s{ratio}; {out['warm_kind']}", flush=True)
    return out


def env_arg(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def sizes_arg(text: str) -> list[int]:
    return [int(x.replace("_", "")) for x in text.split(",") if x.strip()]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=sizes_arg, default=[1000, 5000, 20000])
    ap.add_argument("--searches", type=int, default=100, help="random ZIP searches per size (default 100)")
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--pages", type=int, default=5, help="program pages visited for the first-visit figure")
    ap.add_argument("--dense", type=int, default=10, help="ZIP codes searched in the densest area (10001 first)")
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--no-browser", action="store_true", help="skip every Chromium measurement")
    ap.add_argument(
        "--serve-sizes",
        type=sizes_arg,
        default=None,
        help="sizes at which to time a `mkdocs serve` rebuild (default: the largest size; '' for none)",
    )
    ap.add_argument("--serve-timeout", type=float, default=600.0)
    ap.add_argument(
        "--serve-browser",
        action="store_true",
        help="under --no-browser, still time the edited page reloading in Chromium under `mkdocs serve`",
    )
    ap.add_argument("--profile", type=sizes_arg, default=[], help="sizes to build once more under cProfile")
    ap.add_argument("--lighthouse", type=sizes_arg, default=[], help="sizes to run Lighthouse at (needs npx)")
    ap.add_argument("--keep", action="store_true", help="keep the built sites under OUT/work")
    ap.add_argument("--hugo", action="store_true", help="also build the same programs with Hugo (bench/hugo.py)")
    ap.add_argument("--repeat", type=int, default=1, help="cold builds of each tool per size (default 1)")
    ap.add_argument(
        "--warm", action="store_true", help="build once more after renaming one program (a warm build with a cache)"
    )
    ap.add_argument(
        "--build-env",
        type=env_arg,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="environment variable for every IOP Finder build (repeatable)",
    )
    args = ap.parse_args(argv)
    if args.serve_sizes is None:
        args.serve_sizes = [max(args.sizes)]
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    args.build_env = dict(args.build_env)
    return args


def main(argv: list[str] | None = None, browser=None) -> dict:
    """Run the benchmark; `browser` is an already launched Playwright Chromium to use instead of launching one."""
    args = parse_args(argv)
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "sizes": args.sizes,
        "searches": args.searches,
        "seed": args.seed,
        "metrics": {key: {} for key, _, _ in METRICS},
        "units": {k: u for k, _, u in METRICS},
        "labels": {k: label for k, label, _ in METRICS},
        "extra": {},
    }
    if args.no_browser or browser is not None:
        launcher = contextlib.nullcontext(None if args.no_browser else browser)
    else:
        launcher = launch_browser()
    with launcher as browser:
        for n in args.sizes:
            load = LoadSampler()
            try:
                values, _ = run_size(n, args, browser)
            finally:
                load_text = load.stop()
            values["load_1min"] = load_text
            print(f"[N={n}] load average (1 min) during this size: {load_text}", flush=True)
            for key, v in values.items():
                if key in results["metrics"]:
                    results["metrics"][key][str(n)] = round(v, 3) if isinstance(v, float) else v
                else:
                    results["extra"].setdefault(key, {})[str(n)] = v
            (args.out / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    text = table(results)
    (args.out / "table.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    return results


if __name__ == "__main__":
    main()
