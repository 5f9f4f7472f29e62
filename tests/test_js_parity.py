"""Logic the site's JavaScript shares with the build, run under Node against the Python: distances, mile labels,
quadtree leaves, card shards, id and ZIP rules, phone links. The script is the site's own assets/js/iop.js."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
import shutil
import subprocess

import pytest
from conftest import ROOT
from quality.tools import missing_tool

from generator import geo, indexes, model, views

IOP_JS = ROOT / "overrides" / "assets" / "js" / "iop.js"
RUNNER = """
const vm = require("vm"), fs = require("fs");
const sandbox = { window: {}, TextEncoder };
vm.runInNewContext(fs.readFileSync(process.argv[1], "utf8"), sandbox);
const IOP = sandbox.window.IOP;
const calls = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(calls.map(([name, args]) => IOP[name](...args))));
"""


def run_js(calls: list[tuple[str, list]]) -> list:
    """Each (function name, arguments) called on window.IOP as iop.js defines it, in a fresh Node context."""
    node = shutil.which("node")
    if node is None:
        missing_tool("Node.js not found (apt-get install nodejs)")
    result = subprocess.run(
        [node, "-e", RUNNER, str(IOP_JS)], input=json.dumps(calls), capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _pairs(n: int, seed: int) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    rng = random.Random(seed)
    pairs = []
    for _ in range(n):
        a = (rng.uniform(18, 65), rng.uniform(-170, -65))  # the states and territories, roughly
        near = (a[0] + rng.uniform(-1, 1), a[1] + rng.uniform(-1, 1))
        far = (rng.uniform(-80, 80), rng.uniform(-180, 180))
        pairs += [(a, near), (a, far)]
    pairs += [((37.5494, -77.4591), (37.5494, -77.4591)), ((0.0, 0.0), (0.5, 179.7))]  # same point; antipodal
    return pairs


def test_distances_equal_the_builds():
    pairs = _pairs(300, seed=5)
    js = run_js([("geodesicMiles", [*a, *b]) for a, b in pairs] + [("haversineMiles", [*a, *b]) for a, b in pairs])
    geodesic, haversine = js[: len(pairs)], js[len(pairs) :]
    for (a, b), got in zip(pairs, geodesic):
        if (a, b) == ((0.0, 0.0), (0.5, 179.7)):
            continue  # nearly antipodal: Vincenty does not converge; both fall back (to different formulas)
        assert got == pytest.approx(geo.vincenty_miles(a, b), abs=1e-7), (a, b)
        assert got == pytest.approx(geo.geodesic_miles(a, b), abs=1e-5), (a, b)
    for (a, b), got in zip(pairs, haversine):
        assert got == pytest.approx(geo.haversine_miles(*a, *b), abs=1e-9), (a, b)


def test_mile_labels_round_the_same_way():
    values = [0.0, 0.05, 0.0999, 0.1, 0.25, 1.25, 2.5, 2.45, 3.35, 10.05, 49.95, 99.99, 1234.5678]
    rng = random.Random(9)
    values += [rng.uniform(0, 200) for _ in range(300)]
    assert run_js([("milesText", [v]) for v in values]) == [views.miles_text(v) for v in values]


def test_leaf_bounds_equal_the_quadtree_split():
    rng = random.Random(11)
    points = [(f"p{i}", rng.uniform(18, 65), rng.uniform(-170, -65)) for i in range(3000)]
    points += [(f"dense{i}", 40.75 + rng.uniform(-0.01, 0.01), -73.99 + rng.uniform(-0.01, 0.01)) for i in range(300)]
    leaves = indexes.quadtree(points)
    keys = sorted(leaves) + ["r", "0", "3", "0123", "33333333"]
    js = run_js([("leafBounds", [key]) for key in keys])
    assert [tuple(b) for b in js] == [indexes.leaf_bounds(key) for key in keys]
    by_id = {pid: (lat, lon) for pid, lat, lon in points}
    for key, ids in leaves.items():
        s, w, n, e = indexes.leaf_bounds(key)
        assert all(s <= by_id[i][0] <= n and w <= by_id[i][1] <= e for i in ids), key


def test_card_shards_equal_the_builds():
    rng = random.Random(3)
    ids = ["harbor-light-richmond", "a", "foobar", "x" * 80, "café", "日本語", "emoji-😀"]
    ids += ["-".join(rng.choice(["north", "river", "iop", "7", "teen"]) for _ in range(4)) for _ in range(200)]
    calls = [("cardShard", [pid, shards]) for pid in ids for shards in (1, 2, 64, 2048, 2**32)]
    assert run_js(calls) == [indexes.card_shard(pid, shards) for pid in ids for shards in (1, 2, 64, 2048, 2**32)]


def test_id_and_zip_rules_equal_the_models():
    texts = ["harbor-light", "Harbor", "a", "a-", "-a", "a--b", "a_b", "a1-2b", "", "café", "23220", "2322", "23220 "]
    texts += ["02134", "ABCDE", "٢٣٢٢٠", "123456", "a b", "ok\n"]
    js = run_js([("isId", [t]) for t in texts] + [("isZip", [t]) for t in texts])
    slug = [re.fullmatch(model.SLUG_RULE, t) is not None for t in texts]
    zips = [re.fullmatch(model.ZIP_RULE, t) is not None for t in texts]
    assert js == slug + zips


def test_phone_links_equal_the_builds():
    phones = ["804-555-0101", "540-217-6366 x110", "212-555-0199 x1", "907-555-0100 x123456"]
    js = run_js([("telHref", [views.phone_text(p)]) for p in phones])
    assert js == [views.tel_href(p) for p in phones]


def test_card_sentences_equal_the_program_pages():
    """The list's cards and the finder's results write ages, days, phones, new-patient status, the stale note and
    directions from codes in iop.js; in English they say what views.py writes on the program pages."""
    ages = [{"min": 18}, {"min": 13, "max": 17}, {"min": 16, "max": 16}, {"min": 0, "max": 120}]
    days = [dt.date(2026, 1, 1), dt.date(2025, 6, 15), dt.date(2026, 12, 31), dt.date(2024, 2, 29)]
    phones = ["804-555-0101", "540-217-6366 x110", "212-555-0199 x1"]
    addresses = [
        {"street": "1200 Example Avenue, Suite 300", "city": "Richmond", "state": "VA", "zip": "23220"},
        {"street": "O'Brien's (Rear) #4 & 5! *100% ~_.-", "city": "Coeur d'Alene", "state": "ID", "zip": "83814"},
        {"street": "227 Camino del Piñon / Ñ €", "city": "Española", "state": "NM", "zip": "87532"},
    ]
    status = {"status": "waitlist", "confirmed": dt.date(2026, 9, 14)}
    manifest = {"labels": {"np": list(model.NEW_PATIENTS.values()), "py": list(model.PAYMENT.values())}}
    tricare = list(model.PAYMENT).index("tricare")
    calls = (
        [("agesText", [[a["min"]] + ([a["max"]] if "max" in a else [])]) for a in ages]
        + [("agesText", [None]), ("staleNote", [])]
        + [("dateText", [d.isoformat()]) for d in days]
        + [("phoneText", [p]) for p in phones]
        + [("directionsUrl", [a["street"], a["city"], a["state"], a["zip"]]) for a in addresses]
        + [("newPatientsText", [manifest, list(model.NEW_PATIENTS).index("waitlist"), "2026-09-14"])]
        + [("vocabLabel", [manifest, "py", tricare]), ("vocabLabel", [manifest, "py", tricare, True])]
    )
    assert run_js(calls) == (
        [views.ages_text(a) for a in ages]
        + [None, views.STALE_NOTE]
        + [views.long_date(d) for d in days]
        + [views.phone_text(p) for p in phones]
        + [views.directions_url(a) for a in addresses]
        + [views.new_patients_text(status)]
        + [views.short_label(model.PAYMENT["tricare"]), model.PAYMENT["tricare"]]
    )


def test_the_runner_reports_a_wrong_answer():
    """The harness bites: a distance that is plainly wrong is caught."""
    got = run_js([("geodesicMiles", [37.5494, -77.4591, 38.9, -77.03])])[0]
    assert not math.isclose(got, geo.vincenty_miles((37.5494, -77.4591), (38.9, -77.03)) + 1.0)


def test_the_finder_form_carries_the_filters_as_the_build_declares_them(site, dataset):
    """finder.js reads each filter's name, record key and mode from the form; the form has them from
    indexes.FILTERS, and the script keeps no map of its own."""
    page = (site / "find" / "index.html").read_text(encoding="utf-8")
    found = re.findall(
        r'<fieldset class="iop-filter" data-filter="([^"]+)" data-key="([^"]+)" data-mode="([^"]+)">', page
    )
    assert found == [(f.name, f.key, f.mode) for f in indexes.FILTERS]
    # The manifest's lists: the filters', and the intake ways the list's cards name (cards.card).
    assert {f.key for f in indexes.FILTERS} | {"iw"} == set(indexes.vocab_lists(dataset))
    script = (ROOT / "overrides" / "assets" / "js" / "finder.js").read_text(encoding="utf-8")
    assert not re.search(r'condition:\s*"cd"', script) and 'getAttribute("data-key")' in script


def test_header_search_words_and_file_names_equal_the_builds(dataset):
    """The header search (site-search.js) splits what is typed and names shard files as names.py does, so a word
    typed finds the file the build put it in; number-only words never name a file (they could be a ZIP code)."""
    from generator import names

    texts = [p["name"] for p in dataset.programs] + [p["address"]["city"] for p in dataset.programs]
    texts += [
        "Café Ñandú Zürich",
        "São Paulo",
        "24/7 Help",
        "Richmond 23220",
        "Ōsaka 大阪",
        "Ελληνικά",
        "x_y-z",
        "٢٣٢٢٠ الرياض",
    ]
    got = run_js([("searchWords", [t]) for t in texts])
    assert [tuple(w) for w in got] == [names.words(t) for t in texts]
    assert all(not any(c.isdigit() for c in w) for ws in got for w in ws if w.isascii())
    keys = sorted({w[: names.PREFIX] for t in texts for w in names.words(t)} | {"richmond", "大阪", "são"})
    assert run_js([("shardFileName", [k]) for k in keys]) == [names.file_name(k) for k in keys]


# --- the Spanish word search's stemmer ---------------------------------------------------------------------------

SEARCH_JS = ROOT / "overrides" / "assets" / "js" / "finder-search.js"
SPANISH_RUNNER = """
const vm = require("vm"), fs = require("fs");
const sandbox = { window: {}, TextEncoder };
vm.createContext(sandbox);
vm.runInContext(fs.readFileSync(process.argv[1], "utf8"), sandbox);
vm.runInContext(fs.readFileSync(process.argv[2], "utf8"), sandbox);
const S = sandbox.window.IOPFinderSearch;
const texts = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(texts.map((t) => [S.stemEs(t), S.wordsEs(t)])));
"""


def spanish_js(texts: list[str]) -> list:
    """[stemEs(text), wordsEs(text)] of finder-search.js for each text, in Node."""
    node = shutil.which("node")
    if node is None:
        missing_tool("Node.js not found (apt-get install nodejs)")
    result = subprocess.run(
        [node, "-e", SPANISH_RUNNER, str(IOP_JS), str(SEARCH_JS)],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def spanish_texts() -> list[str]:
    """Every Spanish name people may search for (the vocabularies' Spanish names and aliases, the states'), the
    locale's words, and words made to reach each rule (plurals in -ces, -es, -s; accents; ñ; stop words)."""
    import yaml

    from generator.dataset import load_dataset

    ds = load_dataset(ROOT / "data")
    texts = []
    for entries in (ds.conditions, ds.therapies):
        for entry in entries.values():
            own = entry["translations"]["es"]
            texts += [own["name"], *own.get("aliases", []), own.get("summary", "")]
    locale = yaml.safe_load((ROOT / "locales" / "es.yaml").read_text(encoding="utf-8"))
    texts += [v for section in locale["vocab"].values() for v in section.values()]
    texts += "voces veces luces ciudades meses mujeres adicciones adicción terapias Terapia ADULTOS adulta".split()
    texts += "niños Niña pánico depresión ÍNDICE güero año años a de la y o e el DBT TEPT 12 3a ñ ña".split()
    texts += ["", "Trastorno por consumo de alcohol", "Salud mental y consumo de sustancias a la vez"]
    return texts


def test_the_spanish_stemmer_gives_the_same_index_words_in_python_and_javascript():
    from generator import spanish

    texts = spanish_texts()
    assert len(texts) > 300
    js = spanish_js(texts)
    python = [[spanish.stem(t) if re.fullmatch(r"[^\W_]+", t) else None, spanish.words(t)] for t in texts]
    for text, (stem, words), (py_stem, py_words) in zip(texts, js, python):
        assert words == py_words, text
        if py_stem is not None:
            assert stem == py_stem, text


def test_the_spanish_stemmer_joins_plural_masculine_and_feminine_forms():
    from generator import spanish

    same = [
        ("adulto", "adultos", "adulta", "adultas", "ADULTOS"),
        ("terapia", "terapias", "Terapía"),
        ("adicción", "adicciones", "adiccion"),
        ("mujer", "mujeres"),
        ("voz", "voces"),
        ("ciudad", "ciudades"),
        ("niño", "niños", "niña"),
        ("depresión", "depresion", "DEPRESIÓN"),
    ]
    for forms in same:
        assert len({spanish.stem(f) for f in forms}) == 1, forms
    assert spanish.stem("ansiedad") == "ansiedad"  # no ending to remove
    assert spanish.stem("mes") == "mes" and spanish.stem("meses") == "mes"  # RV keeps short words whole
    assert spanish.stem("año") != spanish.stem("ano")  # ñ is a letter of its own
    assert spanish.words("Trastorno por consumo de alcohol") == ["trastorn", "consum", "alcohol"]  # stop words out
