"""How long `python -m generator report` takes on data made to be hard for its duplicate check.

    python bench/report_adversarial.py                   # 20,000 programs, all at the centre of ZIP 23220
    python bench/report_adversarial.py --layout clusters # in groups of 50 a few hundred yards across
    python bench/report_adversarial.py --count 5000 --keep bench/out/report-adversarial

With the default layout every program shares one ZIP code and has no map location, so all of them sit at the same
point: comparing every pair of names would be 200 million comparisons. With `--layout clusters` they stand in
groups just small enough for every pair in a group to be compared. Their names are built to look alike: words from
a short list,
exact copies of earlier names, copies with one letter changed and copies with their words shuffled; one in twenty
shares an earlier program's phone number. The script writes a throwaway project (the real vocabularies and these
programs), then times the command as a maintainer runs it, and the report's own stages in this process.
The target (issue 14) is under 30 seconds for 20,000 programs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import synth  # noqa: E402

from generator import geo, model, report  # noqa: E402
from generator.dataset import load_dataset  # noqa: E402

TODAY = dt.date.today()  # the vocabularies' review dates must not lie in the future
WORDS = (
    "Harbor Light Hope Bridge Path New Day Care Rise Oak River Stone Haven Grace Pine Valley North South "
    "Recovery Wellness Family Life Spring Summit Clear Open Road Safe Port Cedar"
).split()


def names(count: int, rng: random.Random) -> list[str]:
    out: list[str] = []
    for _ in range(count):
        kind = rng.random()
        if out and kind < 0.2:
            out.append(rng.choice(out))  # the same name again
        elif out and kind < 0.4:
            name = list(rng.choice(out))
            at = rng.randrange(len(name))
            name[at] = rng.choice("abcdefghijklmnopqrstuvwxyz") if name[at] != " " else " "
            out.append("".join(name))  # one letter changed
        elif out and kind < 0.6:
            words = rng.choice(out).split()
            rng.shuffle(words)
            out.append(" ".join(words))  # the same words in another order
        else:
            out.append(" ".join(rng.sample(WORDS, 3)) + f" Recovery Center {rng.randrange(1000)}")
    return out


def program_yaml(n: int, name: str, phone: str, place: tuple[str, str, float, float] | None) -> str:
    state, zip_code, lat, lon = place or ("VA", "23220", None, None)
    location = f"    location: {{lat: {lat:.6f}, lon: {lon:.6f}}}\n" if lat is not None else ""
    return (
        f"  - id: bench-{n:05d}\n"
        f"    name: {json.dumps(name)}\n"
        "    example: true\n"
        "    summary: Synthetic program for the report benchmark.\n"
        "    focus: mental_health\n"
        "    levels_of_care: [iop]\n"
        f'    address: {{street: 1 Example Way, city: Example, state: {state}, zip: "{zip_code}"}}\n'
        f"{location}"
        f"    phone: {phone}\n"
        "    telehealth: false\n"
        "    populations: [adults]\n"
        "    languages: [en]\n"
        "    schedule: {hours_per_week: 9, days_per_week: 3, sessions: [day]}\n"
        "    conditions: [depression]\n"
        "    therapies: [cbt]\n"
        "    payment: [self_pay]\n"
        "    last_verified: 2026-01-15\n"
        "    source: Synthetic benchmark record\n"
    )


def cluster_places(count: int, rng: random.Random) -> list[tuple[str, str, float, float]]:
    """Groups of DUPLICATE_CROWD programs, each group around one ZIP centre, within 300 yards of it."""
    zips = sorted((z for z in geo.zip_table().values() if z.state in model.US_STATES), key=lambda z: z.zip)
    step = max(1, len(zips) // (count // report.DUPLICATE_CROWD + 1))
    places = []
    for n in range(count):
        z = zips[(n // report.DUPLICATE_CROWD) * step % len(zips)]
        places.append((z.state, z.zip, z.lat + rng.uniform(-0.002, 0.002), z.lon + rng.uniform(-0.002, 0.002)))
    return places


def write_project(dest: Path, count: int, seed: int, layout: str = "one-point") -> Path:
    rng = random.Random(seed)
    places = cluster_places(count, rng) if layout == "clusters" else [None] * count
    (dest / "data").mkdir(parents=True, exist_ok=True)
    (dest / "mkdocs.yml").write_text("site_name: report benchmark\n", encoding="utf-8")
    for name in ("conditions", "therapies", "sources", "license_lookups"):
        shutil.copy(ROOT / "data" / f"{name}.yaml", dest / "data" / f"{name}.yaml")
    synth.cover_license_lookups(dest / "data", {place[0] if place else "VA" for place in places})
    phones: list[str] = []
    parts = ["programs:\n"]
    for n, name in enumerate(names(count, rng)):
        phone = rng.choice(phones) if phones and rng.random() < 0.05 else f"{200 + n // 10000}-555-{n % 10000:04d}"
        phones.append(phone)
        parts.append(program_yaml(n, name, phone, places[n]))
    (dest / "data" / "programs.yaml").write_text("".join(parts), encoding="utf-8")
    return dest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--layout", choices=["one-point", "clusters"], default="one-point")
    ap.add_argument("--keep", type=Path, help="write the project here and keep it (default: a temporary folder)")
    args = ap.parse_args(argv)

    folder = args.keep or Path(tempfile.mkdtemp(prefix="iop-report-bench-"))
    try:
        project = write_project(folder, args.count, args.seed, args.layout)
        started = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "generator", "report", "--data", "data", "--today", TODAY.isoformat()],
            cwd=project,
            capture_output=True,
            text=True,
        )
        command = time.perf_counter() - started
        if run.returncode != 0:
            print(run.stdout[-2000:] + run.stderr[-2000:], file=sys.stderr)
            return 1
        started = time.perf_counter()
        ds = load_dataset(project / "data", root=project, today=TODAY)
        loaded = time.perf_counter()
        duplicates, crowded = report._duplicates(ds.programs, report.DUPLICATE_CROWD)
        checked = time.perf_counter()
        print(run.stdout.splitlines()[-1])
        print(
            f"{args.count} programs ({args.layout}): `python -m generator report` took {command:.1f} s "
            f"(target: under 30 s); in this process, load and validation {loaded - started:.1f} s, duplicate "
            f"check {checked - loaded:.1f} s ({len(duplicates)} likely duplicates, {len(crowded)} crowded places)"
        )
        return 0 if command < 30 else 2
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
