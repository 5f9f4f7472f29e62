"""The benchmark's synthetic programs built with Hugo, the fastest mainstream static-site generator, for comparison.

    python bench/hugo.py 1000 bench/out/hugo-1000      # write the Hugo site for 1,000 programs and build it once

`write_site` copies bench/hugo_site/ (layouts written for this comparison, no theme), writes its config, the labels
IOP Finder prints (data/vocab.json, from generator.model and the vocabularies) and one content file per program
(content/programs/<id>.md: the record as YAML front matter, as IOP Finder reads it from YAML). Hugo 0.111, the
Debian package, has no content adapters, so the pages must come from content files. Conditions, therapies and the
state are Hugo taxonomies, so Hugo makes the listing page of each condition, therapy and state itself.

What Hugo renders: a page per program with the facts of IOP Finder's program page (name, organization, summary,
phone, address, website, email, focus, telehealth, schedule, populations, languages, conditions, therapies,
medications, services, levels of care, payment, insurers, accreditations, licenses, medical director, last
verified, source), a listing per condition and therapy (grouped by state, at most listings.LIMIT a state, as IOP Finder's) and
per state (grouped by city), the index of each taxonomy, a home page, a 404 page and sitemap.xml. Not rendered:
nearby programs (they need distances Hugo cannot compute), the finder's search files, open-data exports, vCards,
QR codes and the theme IOP Finder wraps each page in.

`build` runs `hugo --quiet -s DIR` from cold: the output folder, Hugo's resource and file caches are removed
first. Hugo renders on every core by default (Go's GOMAXPROCS defaults to the number of CPUs); the environment
variables that would limit it are removed for the run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from measure import timed  # noqa: E402

from generator import listings, model  # noqa: E402

SKELETON = HERE / "hugo_site"
LISTING_LIMIT = listings.LIMIT  # programs per state on a condition or therapy listing, as IOP Finder shows
# The taxonomies: front matter key -> the URL folder of its listing pages (the same folders as IOP Finder's).
TAXONOMIES = {"condition": "conditions", "therapy": "therapies", "state": "states"}
# Environment variables that would make Hugo use fewer cores than the machine has.
CORE_LIMITS = ("GOMAXPROCS", "HUGO_NUMWORKERMULTIPLIER")
COLD_PATHS = ("public", "resources", ".hugo_cache", ".hugo_build.lock")

CONFIG = """\
# Written by bench/hugo.py: a minimal Hugo site for the synthetic programs of IOP Finder's benchmark.
baseURL = "https://iop-finder.example.org/"
languageCode = "en-us"
title = "IOP Finder (Hugo comparison)"
# IOP Finder publishes no feeds, no robots.txt and no page listing every program.
disableKinds = ["RSS", "section", "robotsTXT"]

[params]
listingLimit = {limit}

[taxonomies]
{taxonomies}
"""


def hugo_path() -> str | None:
    return shutil.which("hugo")


def hugo_version() -> str:
    path = hugo_path()
    if not path:
        return ""
    return subprocess.run([path, "version"], capture_output=True, text=True, timeout=60).stdout.strip()


def vocab(project: Path = ROOT) -> dict[str, dict[str, str]]:
    """Every label a program page prints, keyed by the id the record holds (states by their two-letter code)."""

    def names(collection: str) -> dict[str, str]:
        path = project / "data" / f"{collection}.yaml"
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        return {item["id"]: item["name"] for item in data[collection]}

    return {
        "conditions": names("conditions"),
        "therapies": names("therapies"),
        "states": dict(model.US_STATES),
        "focus": dict(model.FOCUS),
        "levels": dict(model.LEVELS_OF_CARE),
        "populations": dict(model.POPULATIONS),
        "sessions": dict(model.SESSIONS),
        "medications": dict(model.MEDICATIONS),
        "services": dict(model.SERVICES),
        "payment": dict(model.PAYMENT),
        "accreditations": dict(model.ACCREDITATION_BODIES),
        "board": dict(model.BOARD_CERTIFICATIONS),
        "languages": dict(model.LANGUAGES),
    }


def front_matter(record: dict) -> dict:
    """The content file's front matter: title and taxonomies at the top, the rest of the record under `program`
    (so no field of the record can collide with a front matter key Hugo reserves, such as `summary`). The city and
    state are repeated at the top because Hugo 0.111 groups pages by top-level parameters only."""
    rest = {k: v for k, v in record.items() if k not in ("id", "name", "conditions", "therapies")}
    rest["last_verified"] = record["last_verified"].isoformat()
    return {
        "title": record["name"],
        "conditions": record["conditions"],
        "therapies": record["therapies"],
        "states": [record["address"]["state"]],
        "state": record["address"]["state"],
        "city": record["address"]["city"],
        "program": rest,
    }


def write_site(records: list[dict], dest: Path, project: Path = ROOT, listing_limit: int = LISTING_LIMIT) -> Path:
    """A Hugo site at dest (replaced) for the records: skeleton, config, vocabulary labels, one file per program."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(SKELETON, dest)
    taxonomies = "\n".join(f'{single} = "{plural}"' for single, plural in TAXONOMIES.items())
    (dest / "hugo.toml").write_text(CONFIG.format(limit=listing_limit, taxonomies=taxonomies), encoding="utf-8")
    (dest / "data").mkdir()
    (dest / "data" / "vocab.json").write_text(json.dumps(vocab(project), ensure_ascii=False), encoding="utf-8")
    folder = dest / "content" / "programs"
    folder.mkdir(parents=True)
    for record in records:
        text = yaml.dump(front_matter(record), Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=120)
        (folder / f"{record['id']}.md").write_text(f"---\n{text}---\n", encoding="utf-8")
    return dest


def build_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in CORE_LIMITS}


def build(site: Path) -> dict:
    """One cold Hugo build of the site at `site` into site/public: wall and CPU time, peak memory."""
    path = hugo_path()
    if path is None:
        raise RuntimeError("hugo not found (apt-get install hugo)")
    site = site.resolve()  # Hugo wants an absolute --cacheDir
    for name in COLD_PATHS:
        target = site / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    cmd = [path, "--quiet", "-s", str(site), "--cacheDir", str(site / ".hugo_cache")]
    run = timed(cmd, cwd=site, env=build_env())
    if run["returncode"] != 0:
        raise RuntimeError(f"hugo failed in {site}:\n{run['stdout'][-3000:]}\n{run['stderr'][-6000:]}")
    return run


def main(argv: list[str] | None = None) -> int:
    import synth

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of programs")
    ap.add_argument("dest", type=Path, help="folder for the Hugo site (replaced)")
    ap.add_argument("--seed", type=int, default=20261123)
    args = ap.parse_args(argv)
    write_site(synth.programs(args.n, args.seed), args.dest)
    run = build(args.dest)
    print(f"{args.n} programs -> {args.dest / 'public'} in {run['wall_s']:.2f} s ({hugo_version()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
