"""What the finder's results map downloads for one ZIP search, at scale.

    python bench/map_payload.py [--programs 20000] [--zips 300] [--radius 25] [--site DIR] [--out bench/out]

Builds a synthetic directory (bench/synth.py) unless --site names a built one, serves it on 127.0.0.1 and, for
each of --zips ZIP codes drawn at random (seeded) from every ZIP with a place in a state or territory, opens
`/find/#zip=<ZIP>&r=<radius>` in a fresh browser context on a desktop-wide window (where the map is drawn at once)
and adds up the map's own responses (maps/index.json and the maps/<ST>.json outlines), each gzip-compressed at
level 6 as a static host would send it. Prints p50, p95 and max, over every search and over searches that showed a
map, and writes OUT/map_payload.json.

A script, not a test (tests/test_maps_browser.py checks what the map fetches); its numbers depend on the data,
not on the machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for p in (str(ROOT), str(HERE), str(ROOT / "tests")):
    if p not in sys.path:
        sys.path.insert(0, p)

import synth  # noqa: E402
from quality.localsite import chromium_path, serve  # noqa: E402

from generator import geo, model  # noqa: E402

ANSWERED = (
    "() => /found|No programs|could not|Showing/.test((document.getElementById('finder-status') || {}).textContent"
    " || '')"
)
MAP_SETTLED = """() => { const s = document.querySelector('.iop-results-map');
  if (!s || s.hidden) return true;
  const spots = [...document.querySelectorAll('.iop-results-map__spot')];
  return spots.every(c => document.querySelector('.iop-results-map__land path[data-state="' + c.dataset.state + '"]'));
}"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def build_site(n: int, out: Path) -> Path:
    project = out / f"map-payload-{n}"
    site = project / "site"
    if (site / "maps" / "index.json").is_file():
        return site
    print(f"generating {n} programs and building the site in {project} …", flush=True)
    synth.make_project(n, project)
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    if result.returncode != 0:
        raise SystemExit(result.stdout + result.stderr)
    print(f"built in {time.monotonic() - started:.0f} s", flush=True)
    return site


def sample_zips(count: int, seed: int) -> list[str]:
    placed = sorted(
        z.zip for z in geo.zip_table().values() if z.state in model.US_STATES and (z.lat, z.lon) != (0.0, 0.0)
    )
    return random.Random(seed).sample(placed, count)


def measure(site: Path, zips: list[str], radius: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with serve(site) as origin, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"])
        for i, zip_code in enumerate(zips):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            bodies: dict[str, bytes] = {}

            def keep(response, bodies=bodies):
                if "/maps/" in response.url and response.ok:
                    bodies[response.url] = response.body()

            page.on("response", keep)
            page.goto(f"{origin}/find/#zip={zip_code}&r={radius}")
            page.wait_for_function(ANSWERED, timeout=60000)
            page.wait_for_function(MAP_SETTLED, timeout=60000)
            page.wait_for_load_state("networkidle")
            cards = page.locator("#finder-results li.iop-result").count()
            drawn = page.evaluate("() => !!document.querySelector('.iop-results-map:not([hidden])')")
            sizes = {url.rsplit("/", 1)[-1]: len(gzip.compress(body, 6, mtime=0)) for url, body in bodies.items()}
            rows.append({"zip": zip_code, "cards": cards, "map": drawn, "files": sizes, "gzip": sum(sizes.values())})
            context.close()
            if (i + 1) % 50 == 0:
                print(f"{i + 1} searches …", flush=True)
        browser.close()
    return rows


def summary(rows: list[dict]) -> dict:
    def stats(subset: list[dict]) -> dict:
        sizes = [r["gzip"] for r in subset]
        top = max(subset, key=lambda r: r["gzip"]) if subset else None
        return {
            "searches": len(subset),
            "p50_kb": round(percentile(sizes, 0.5) / 1024, 1),
            "p95_kb": round(percentile(sizes, 0.95) / 1024, 1),
            "max_kb": round(max(sizes, default=0) / 1024, 1),
            "max_zip": top and top["zip"],
            "max_files": top and sorted(top["files"]),
        }

    return {"all_searches": stats(rows), "searches_with_a_map": stats([r for r in rows if r["map"]])}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--programs", type=int, default=20000)
    ap.add_argument("--zips", type=int, default=300)
    ap.add_argument("--radius", type=int, default=25)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--site", type=Path, help="a site already built (skips generating and building)")
    ap.add_argument("--out", type=Path, default=HERE / "out")
    args = ap.parse_args(argv)
    if chromium_path() is None:
        raise SystemExit("Chromium not found (apt-get install chromium)")
    site = args.site or build_site(args.programs, args.out)
    rows = measure(site, sample_zips(args.zips, args.seed), args.radius)
    result = {"programs": args.programs if not args.site else None, "radius": args.radius, **summary(rows)}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "map_payload.json").write_text(json.dumps({**result, "rows": rows}, indent=1), encoding="utf-8")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
