"""Deterministic synthetic programs for IOP Finder's benchmark.

    python bench/synth.py 20000 bench/out/p20000      # a project copy whose data/programs.yaml has 20,000 programs

Programs sit at real ZIP centroids (the offline table in `generator.geo.zip_table()`), weighted so that dense
metros and rural areas both appear: about 35% of programs fall in the ten biggest metros (New York the densest,
concentrated towards each metro's core), 40% in fifty more cities, and 25% anywhere in the country, ZIP by ZIP.
Field values come from `generator.model` and the ids in data/conditions.yaml and data/therapies.yaml, in mixes
modelled on the hand-written samples. Every record is a fictional example: `example: true`, 555-01xx phone
numbers, example.org websites, and a last_verified date in the past.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import math
import random
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator import geo, model  # noqa: E402

PROJECT_PARTS = ("mkdocs.yml", "content", "overrides", "includes", "data", "schema")
# The last date a synthetic record claims to have been verified; fixed so every run writes the same bytes.
LAST_VERIFIED = dt.date(2026, 1, 15)

# (name, lat, lon, radius in miles, share of the metro programs). Shares of the top ten sum to 1.
TOP_METROS = [
    ("New York", 40.7506, -73.9972, 30, 0.26),
    ("Los Angeles", 34.0522, -118.2437, 35, 0.15),
    ("Chicago", 41.8781, -87.6298, 30, 0.11),
    ("Dallas", 32.7767, -96.7970, 35, 0.08),
    ("Houston", 29.7604, -95.3698, 35, 0.08),
    ("Washington", 38.9072, -77.0369, 30, 0.07),
    ("Philadelphia", 39.9526, -75.1652, 25, 0.07),
    ("Miami", 25.7617, -80.1918, 30, 0.06),
    ("Atlanta", 33.7490, -84.3880, 30, 0.06),
    ("Phoenix", 33.4484, -112.0740, 30, 0.06),
]
OTHER_CITIES = [
    ("Boston", 42.3601, -71.0589),
    ("San Francisco", 37.7749, -122.4194),
    ("Seattle", 47.6062, -122.3321),
    ("Detroit", 42.3314, -83.0458),
    ("Minneapolis", 44.9778, -93.2650),
    ("San Diego", 32.7157, -117.1611),
    ("Tampa", 27.9506, -82.4572),
    ("Denver", 39.7392, -104.9903),
    ("Baltimore", 39.2904, -76.6122),
    ("St. Louis", 38.6270, -90.1994),
    ("Orlando", 28.5383, -81.3792),
    ("Charlotte", 35.2271, -80.8431),
    ("San Antonio", 29.4241, -98.4936),
    ("Portland", 45.5152, -122.6784),
    ("Sacramento", 38.5816, -121.4944),
    ("Pittsburgh", 40.4406, -79.9959),
    ("Austin", 30.2672, -97.7431),
    ("Las Vegas", 36.1699, -115.1398),
    ("Cincinnati", 39.1031, -84.5120),
    ("Kansas City", 39.0997, -94.5786),
    ("Columbus", 39.9612, -82.9988),
    ("Indianapolis", 39.7684, -86.1581),
    ("Cleveland", 41.4993, -81.6944),
    ("San Jose", 37.3382, -121.8863),
    ("Nashville", 36.1627, -86.7816),
    ("Virginia Beach", 36.8529, -75.9780),
    ("Providence", 41.8240, -71.4128),
    ("Jacksonville", 30.3322, -81.6557),
    ("Milwaukee", 43.0389, -87.9065),
    ("Raleigh", 35.7796, -78.6382),
    ("Oklahoma City", 35.4676, -97.5164),
    ("Memphis", 35.1495, -90.0490),
    ("Richmond", 37.5407, -77.4360),
    ("Louisville", 38.2527, -85.7585),
    ("New Orleans", 29.9511, -90.0715),
    ("Salt Lake City", 40.7608, -111.8910),
    ("Hartford", 41.7658, -72.6734),
    ("Buffalo", 42.8864, -78.8784),
    ("Birmingham", 33.5186, -86.8104),
    ("Rochester", 43.1566, -77.6088),
    ("Tucson", 32.2226, -110.9747),
    ("Honolulu", 21.3069, -157.8583),
    ("Albuquerque", 35.0844, -106.6504),
    ("Omaha", 41.2565, -95.9345),
    ("Boise", 43.6150, -116.2023),
    ("Anchorage", 61.2181, -149.9003),
    ("Des Moines", 41.5868, -93.6250),
    ("Little Rock", 34.7465, -92.2896),
    ("Portland ME", 43.6591, -70.2568),
    ("Billings", 45.7833, -108.5007),
]
SHARE_TOP, SHARE_OTHER = 0.35, 0.40  # the rest (25%) is spread over every ZIP code

NAME_FIRST = [
    "Harbor",
    "Riverbend",
    "Cedar",
    "Summit",
    "Lakeside",
    "Northstar",
    "Bridgeway",
    "New Dawn",
    "Clearview",
    "Willow",
    "Pinecrest",
    "Beacon",
    "Open Door",
    "Compass",
    "Horizon",
    "Stillwater",
    "Oak Hill",
    "Meadow",
    "Keystone",
    "Bluebird",
    "Redwood",
    "Maple",
    "Crossroads",
    "Lighthouse",
    "Evergreen",
    "Granite",
    "Sunrise",
    "True North",
    "Heritage",
    "Valley",
    "Prairie",
    "Canyon",
    "Seaside",
    "Ironwood",
    "Juniper",
    "Magnolia",
]
NAME_KIND = {
    "substance_use": ["Recovery Center", "Addiction Services", "Recovery Institute", "Treatment Center"],
    "mental_health": ["Behavioral Health", "Counseling Center", "Mental Wellness", "Psychiatric Associates"],
    "co_occurring": ["Integrated Care", "Behavioral Health and Recovery", "Dual Recovery Center", "Health Partners"],
}
NAME_PROGRAM = ["Evening IOP", "Day IOP", "Intensive Outpatient Program", "IOP", "Outpatient Recovery Program"]
NAME_FOR = {
    "adolescents": "Teen IOP",
    "women": "Women's IOP",
    "veterans": "Veterans IOP",
    "young_adults": "Young Adult IOP",
    "older_adults": "Older Adult IOP",
    "lgbtq": "Pride IOP",
    "men": "Men's IOP",
    "pregnant_postpartum": "Mothers and Babies IOP",
}
STREETS = [
    "Example Avenue",
    "Sample Street",
    "Placeholder Road",
    "Demo Boulevard",
    "Test Lane",
    "Fiction Way",
    "Mock Drive",
    "Model Court",
    "Pretend Parkway",
    "Imaginary Place",
]
INSURERS = [
    "Aetna",
    "Anthem",
    "Blue Cross Blue Shield",
    "Cigna",
    "UnitedHealthcare",
    "Humana",
    "Kaiser Permanente",
    "Molina Healthcare",
    "Centene",
    "Oscar Health",
    "Highmark",
    "Ambetter",
]
DIRECTORS_FIRST = ["Maya", "James", "Priya", "Daniel", "Ana", "Samuel", "Grace", "Luis", "Hannah", "Omar", "Mei"]
DIRECTORS_LAST = ["Okafor", "Nguyen", "Raman", "Goldberg", "Martinez", "Whitfield", "Chen", "Haddad", "Kowalski"]
LANGS_OTHER = ["zh", "vi", "ko", "ru", "ar", "ht", "tl", "pt", "fr", "pl", "hi", "so", "ase"]
SUMMARY_WHO = {
    "adults": "adults",
    "adolescents": "teens ages 13 to 17",
    "young_adults": "young adults ages 18 to 25",
    "older_adults": "adults over 60",
    "veterans": "veterans",
    "lgbtq": "LGBTQ+ people",
    "women": "women",
    "men": "men",
    "pregnant_postpartum": "people who are pregnant or have a new baby",
}
SUMMARY_WHAT = {
    "substance_use": "who want to stop or cut back on alcohol or drugs",
    "mental_health": "who feel very sad, worried or stressed and need more than a weekly visit",
    "co_occurring": "who live with both a mental health condition and alcohol or drug use",
}
SUMMARY_EXTRA = [
    "You can keep working or going to school.",
    "Family members can join a weekly group.",
    "Medicine to help with cravings is available.",
    "Groups are small and led by licensed counselors.",
    "Sessions can be joined by video on some days.",
    "Rides and childcare help you come to every session.",
    "You build a plan for hard days and meet people who understand.",
    "",
]


def _slug(text: str) -> str:
    out = "".join(ch if ch.isalnum() else "-" for ch in text.lower())
    return "-".join(part for part in out.split("-") if part)


@functools.lru_cache(maxsize=1)
def _usable_zips() -> tuple[list[geo.ZipInfo], dict[str, list[str]]]:
    """Standard ZIP codes in a state the directory knows, with the area codes that serve them."""
    import zipcodes

    table = geo.zip_table()
    kinds, area = {}, {}
    for row in zipcodes.list_all():
        kinds[row["zip_code"]] = row.get("zip_code_type")
        area[row["zip_code"]] = [a for a in row.get("area_codes") or [] if a[:1] in "23456789" and len(a) == 3]
    zips = [info for z, info in sorted(table.items()) if kinds.get(z) == "STANDARD" and info.state in model.US_STATES]
    return zips, area


def _metro_zips(zips: list[geo.ZipInfo], lat: float, lon: float, radius: float) -> tuple[list, list[float]]:
    """ZIP codes within the radius, weighted towards the core (weight falls with distance)."""
    chosen, weights = [], []
    for info in zips:
        if abs(info.lat - lat) > radius / 60 or abs(info.lon - lon) > radius / 35:
            continue
        d = geo.haversine_miles(lat, lon, info.lat, info.lon)
        if d <= radius:
            chosen.append(info)
            weights.append(1.0 / (1.0 + d / 4.0) ** 2)
    return chosen, weights


def place_programs(n: int, rng: random.Random) -> list[geo.ZipInfo]:
    zips, _ = _usable_zips()
    n_top = round(n * SHARE_TOP)
    n_other = round(n * SHARE_OTHER)
    n_rest = n - n_top - n_other
    places: list[geo.ZipInfo] = []
    shares = [m[4] for m in TOP_METROS]
    counts = _apportion(n_top, shares)
    for (_name, lat, lon, radius, _), count in zip(TOP_METROS, counts):
        chosen, weights = _metro_zips(zips, lat, lon, radius)
        places += rng.choices(chosen, weights=weights, k=count)
    # Other cities: bigger ones first get a little more.
    city_weights = [1.0 / (1 + i / 15) for i in range(len(OTHER_CITIES))]
    for (_name, lat, lon), count in zip(OTHER_CITIES, _apportion(n_other, city_weights)):
        chosen, weights = _metro_zips(zips, lat, lon, 20)
        places += rng.choices(chosen, weights=weights, k=count)
    places += rng.choices(zips, k=n_rest)
    rng.shuffle(places)
    return places


def _apportion(total: int, weights: list[float]) -> list[int]:
    s = sum(weights)
    raw = [total * w / s for w in weights]
    counts = [math.floor(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _vocab_ids(project: Path, name: str) -> dict[str, dict]:
    data = yaml.load((project / "data" / f"{name}.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return {r["id"]: r for r in data[name]}


def _some(rng: random.Random, values, lo: int, hi: int) -> list:
    values = list(values)
    k = min(len(values), rng.randint(lo, hi))
    picked = set(rng.sample(values, k))
    return [v for v in values if v in picked]  # keep the vocabulary's order, as people write them


_GROUPS: dict[int, dict[str, list[str]]] = {}


def _groups(conditions: dict[str, dict]) -> dict[str, list[str]]:
    key = id(conditions)
    if key not in _GROUPS:
        _GROUPS.clear()
        _GROUPS[key] = {g: [cid for cid, c in conditions.items() if c["group"] == g] for g in model.CONDITION_GROUPS}
    return _GROUPS[key]


def make_program(
    i: int,
    info: geo.ZipInfo,
    area_codes: list[str],
    rng: random.Random,
    conditions: dict[str, dict],
    therapies: dict[str, dict],
    used_ids: set[str],
) -> dict:
    focus = rng.choices(list(model.FOCUS), weights=[35, 45, 20])[0]
    by_group = _groups(conditions)
    if focus == "co_occurring":
        conds = _some(rng, by_group["substance_use"], 1, 3) + _some(rng, by_group["mental_health"], 1, 3)
        conds += by_group["co_occurring"]
    else:
        conds = _some(rng, by_group[focus], 1, 5)
    conds = [c for c in conditions if c in set(conds)]
    suggested = [t for c in conds for t in conditions[c].get("therapies", [])]
    pool = list(dict.fromkeys(suggested)) or list(therapies)
    thers = _some(rng, pool, 2, 7)
    pops = rng.choices(
        [
            ["adults"],
            ["adults", "young_adults"],
            ["adolescents"],
            ["adults", "older_adults"],
            ["veterans", "adults"],
            ["women", "adults"],
            ["lgbtq", "adults", "young_adults"],
            ["women", "pregnant_postpartum"],
            ["men", "adults"],
            ["young_adults"],
        ],
        weights=[30, 15, 10, 8, 6, 8, 5, 3, 5, 10],
    )[0]
    langs = ["en"]
    if rng.random() < 0.35:
        langs.append("es")
    if rng.random() < 0.08:
        langs.append(rng.choice(LANGS_OTHER))
    kind = rng.choice(NAME_KIND[focus])
    first = rng.choice(NAME_FIRST)
    special = [NAME_FOR[x] for x in pops if x in NAME_FOR]
    program_name = special[0] if special and rng.random() < 0.6 else rng.choice(NAME_PROGRAM)
    if "es" in langs and rng.random() < 0.2:
        program_name = "Bilingual IOP"
    name = f"{first} {kind} — {program_name}"
    base_id = _slug(f"{first} {kind} {info.city}")
    pid, k = base_id, 2
    while pid in used_ids:
        pid, k = f"{base_id}-{k}", k + 1
    used_ids.add(pid)
    sessions = rng.choices(
        [["evening"], ["day"], ["day", "evening"], ["evening", "weekend"], ["day", "weekend"]],
        weights=[40, 30, 15, 10, 5],
    )[0]
    days = rng.randint(3, 5)
    hours = rng.choice([9, 9, 10, 12, 12, 15, 16, 18, 20])
    min_weeks = rng.choice([4, 6, 8, 8, 10, 12])
    area = rng.choice(area_codes) if area_codes else "202"
    p: dict = {"id": pid, "name": name}
    if rng.random() < 0.7:
        p["organization"] = f"{first} {kind.split(' ')[0]} Health"
    extra = rng.choice(SUMMARY_EXTRA)
    p["example"] = True
    p["summary"] = (f"A program for {SUMMARY_WHO[pops[0]]} {SUMMARY_WHAT[focus]}. {extra}").strip()
    p["focus"] = focus
    p["levels_of_care"] = [
        lv
        for lv in model.LEVELS_OF_CARE
        if lv == "iop" or lv in _some(rng, ["php", "op", "aftercare", "detox", "residential"], 0, 2)
    ]
    p["address"] = {
        "street": f"{rng.randint(10, 9899)} {rng.choice(STREETS)}"
        + (f", Suite {rng.randint(100, 599)}" if rng.random() < 0.4 else ""),
        "city": info.city,
        "state": info.state,
        "zip": Quoted(info.zip),
    }
    if rng.random() < 0.3:  # a street-level point, a short way from the ZIP's centre
        p["location"] = {
            "lat": round(info.lat + rng.uniform(-0.02, 0.02), 4),
            "lon": round(info.lon + rng.uniform(-0.02, 0.02), 4),
        }
    p["phone"] = f"{area}-555-01{rng.randint(0, 99):02d}"
    p["website"] = f"https://example.org/{pid}"
    if rng.random() < 0.5:
        p["email"] = "intake@example.org"
    p["telehealth"] = rng.random() < 0.55
    p["populations"] = [x for x in model.POPULATIONS if x in pops]
    p["languages"] = langs
    p["schedule"] = {
        "hours_per_week": hours,
        "days_per_week": days,
        "sessions": sessions,
        "length_weeks": {"min": min_weeks, "max": min_weeks + rng.choice([0, 2, 4, 6])},
    }
    if rng.random() < 0.6:
        p["schedule"]["details"] = f"{days} days a week, " + ("6–9 pm" if "evening" in sessions else "9 am–12 pm")
    p["conditions"] = conds
    p["therapies"] = [t for t in therapies if t in set(thers)]
    if focus != "mental_health" and rng.random() < 0.6:
        p["medications"] = _some(rng, model.MEDICATIONS, 1, 4)
    p["services"] = _some(rng, model.SERVICES, 3, 8)
    p["payment"] = _some(rng, model.PAYMENT, 1, 4)
    if "private_insurance" in p["payment"] and rng.random() < 0.6:
        p["insurers"] = _some(rng, INSURERS, 1, 4)
    if rng.random() < 0.6:
        p["accreditations"] = [{"body": b} for b in _some(rng, model.ACCREDITATION_BODIES, 1, 2)]
    if rng.random() < 0.5:
        p["licenses"] = [
            {
                "issuer": f"{model.US_STATES[info.state]} Department of Health",
                "number": f"IOP-{rng.randint(2015, 2025)}-{i:05d}",
            }
        ]
    if rng.random() < 0.5:
        p["medical_director"] = {
            "name": f"Dr. {rng.choice(DIRECTORS_FIRST)} {rng.choice(DIRECTORS_LAST)}",
            "credentials": rng.choice(["MD", "DO"]),
            "board_certifications": _some(rng, model.BOARD_CERTIFICATIONS, 1, 2),
        }
    p["last_verified"] = LAST_VERIFIED - dt.timedelta(days=rng.randint(0, 540))
    p["source"] = "Synthetic benchmark record (fictional)"
    return p


def programs(n: int, seed: int = 20261123, project: Path = ROOT) -> list[dict]:
    """N synthetic programs, the same for the same (n, seed)."""
    rng = random.Random(seed)
    conditions = _vocab_ids(project, "conditions")
    therapies = _vocab_ids(project, "therapies")
    _, area = _usable_zips()
    used: set[str] = set()
    return [
        make_program(i, info, area.get(info.zip, []), rng, conditions, therapies, used)
        for i, info in enumerate(place_programs(n, rng))
    ]


def copy_project(dest: Path, src: Path = ROOT) -> Path:
    """A copy of the site sources with the vocabularies but without the sample programs."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for part in PROJECT_PARTS:
        path = src / part
        if path.is_dir():
            shutil.copytree(path, dest / part, ignore=shutil.ignore_patterns("programs", "programs.yaml"))
        elif path.is_file():
            shutil.copy2(path, dest / part)
    return dest


class Quoted(str):
    """A string written in quotes, so a ZIP code such as 02118 keeps its leading zero in every YAML reader."""


yaml.add_representer(
    Quoted,
    lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"'),
    Dumper=yaml.CSafeDumper,
)


def cover_license_lookups(data_dir: Path, states) -> None:
    """Add a fictional license lookup for each state the synthetic programs are in that the copied
    data/license_lookups.yaml does not list: validation wants one for every state with programs."""
    path = data_dir / "license_lookups.yaml"
    text = path.read_text(encoding="utf-8") if path.exists() else "license_lookups:\n"
    known = {e["state"] for e in (yaml.load(text, Loader=yaml.CSafeLoader) or {}).get("license_lookups") or []}
    extra = "".join(
        f"  - state: {st}\n    agency: {model.US_STATES[st]} licensing agency (synthetic)\n"
        f"    url: https://example.org/license-lookup/{st.lower()}\n    page: search\n"
        for st in sorted(set(states) - known)
    )
    path.write_text(text.rstrip("\n") + "\n" + extra, encoding="utf-8")


def write_programs(path: Path, records: list[dict]) -> None:
    cover_license_lookups(path.parent, {r["address"]["state"] for r in records})
    header = (
        "# yaml-language-server: $schema=../schema/programs.schema.json\n"
        f"# {len(records)} synthetic programs for the benchmark (bench/synth.py). Every one is fictional.\n"
    )
    body = yaml.dump(
        {"programs": records},
        Dumper=yaml.CSafeDumper,
        sort_keys=False,
        allow_unicode=True,
        width=120,
        default_flow_style=None,
    )
    path.write_text(header + body, encoding="utf-8")


def make_project(n: int, dest: Path, seed: int = 20261123) -> Path:
    """A project copy at dest whose data/programs.yaml holds n synthetic programs."""
    copy_project(dest)
    write_programs(dest / "data" / "programs.yaml", programs(n, seed))
    return dest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of programs")
    ap.add_argument("dest", type=Path, help="folder for the project copy (replaced)")
    ap.add_argument("--seed", type=int, default=20261123)
    args = ap.parse_args(argv)
    make_project(args.n, args.dest, args.seed)
    print(f"{args.n} programs -> {args.dest / 'data' / 'programs.yaml'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
