"""Smoke run of the benchmark (bench/run.py) on a small synthetic directory: checks its output, never its timing."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from quality.tools import missing_tool

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import builds  # noqa: E402
import hugo  # noqa: E402
import run as bench  # noqa: E402
import sitesize  # noqa: E402
import synth  # noqa: E402

N = 120


def require_hugo() -> None:
    if hugo.hugo_path() is None:
        missing_tool("hugo not found (apt-get install hugo)")


@pytest.fixture(scope="module")
def synthetic_project(tmp_path_factory) -> Path:
    return synth.make_project(N, tmp_path_factory.mktemp("bench") / "project")


def test_synthetic_programs_are_deterministic_and_fictional():
    a, b = synth.programs(50, seed=7), synth.programs(50, seed=7)
    assert a == b
    assert synth.programs(50, seed=8) != a
    ids = [p["id"] for p in synth.programs(N)]
    assert len(set(ids)) == len(ids)
    for p in a:
        assert p["example"] is True
        assert re.fullmatch(r"[2-9]\d\d-555-01\d\d", p["phone"])
        assert p["website"].startswith("https://example.org/")
        assert p["last_verified"] < dt.date.today()


def test_synthetic_data_validates(synthetic_project):
    from generator.dataset import load_dataset

    ds = load_dataset(synthetic_project / "data", root=synthetic_project, today=dt.date.today())
    assert ds.problems == [], "\n".join(map(str, ds.problems[:20]))
    assert len(ds.programs) == N
    states = {p["address"]["state"] for p in ds.programs}
    assert {"NY", "CA"} <= states and len(states) >= 20  # dense metros and the rest of the country
    near_nyc = bench.programs_near(ds.programs, bench.DENSE_ZIP, 25.0)
    assert near_nyc >= N * 0.05  # New York is the densest area


# Rows that only --hugo and --warm fill in; test_bench_smoke runs without them, side_by_side with them.
SIDE_BY_SIDE = {key for key, _, _ in bench.METRICS if key.startswith(("hugo_", "ratio_", "warm_"))}


@pytest.mark.browser
def test_bench_smoke(browser, tmp_path):
    out = tmp_path / "out"
    results = bench.main(
        [
            "--sizes",
            str(N),
            "--searches",
            "3",
            "--pages",
            "2",
            "--dense",
            "3",
            "--out",
            str(out),
            "--serve-sizes",
            str(N),
            "--serve-timeout",
            "120",
        ],
        browser=browser,
    )
    n = str(N)
    metrics = results["metrics"]
    assert set(metrics) == {key for key, _, _ in bench.METRICS}
    for key, value in ((k, m.get(n)) for k, m in metrics.items() if k not in SIDE_BY_SIDE):
        assert isinstance(value, (int, float)) and not isinstance(value, bool), f"{key} = {value!r}"
        assert value >= 0, key
    assert all(n not in metrics[key] for key in SIDE_BY_SIDE)
    assert metrics["program_pages"][n] == N
    assert metrics["html_pages"][n] > N
    assert len(list((out / "work" / n / "data").glob("programs.yaml"))) == 1
    assert metrics["search_dense_kb"][n] > 0 and metrics["first_visit_kb"][n] > metrics["program_html_gz_kb"][n]
    # The edited page reloads in Chromium (and shows the edit, or serve_rebuild raises) after the rebuild is done.
    assert metrics["serve_reload_s"][n] > metrics["serve_rebuild_s"][n] > 0
    assert metrics["serve_reload_line_s"][n] > metrics["serve_rebuild_line_s"][n] > 0
    extra = results["extra"]
    assert extra["dense_results"][n] > 0
    assert re.search(r"found within|Showing the", extra["dense_status"][n])
    runs = json.loads((out / f"runs-{n}.json").read_text(encoding="utf-8"))
    assert all(not r["errors"] for kind in runs.values() for r in kind)
    table = (out / "table.md").read_text(encoding="utf-8")
    for _, label, _ in bench.METRICS:
        assert label in table
    saved = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert saved["metrics"] == metrics
    assert re.fullmatch(r"\d+\.\d\d–\d+\.\d\d \(median \d+\.\d\d\)", extra["load_1min"][n])


def figures(results: dict) -> tuple[dict, dict]:
    """The metrics and the extra values of the one size the side-by-side run measured."""
    n = str(N)
    return {k: v.get(n) for k, v in results["metrics"].items()}, {k: v.get(n) for k, v in results["extra"].items()}


@pytest.fixture(scope="module")
def side_by_side(tmp_path_factory) -> tuple[dict, Path]:
    """The benchmark without the browser: 2 cold builds of each tool, then a build after a one-program edit."""
    require_hugo()
    out = tmp_path_factory.mktemp("side-by-side")
    argv = ["--sizes", str(N), "--no-browser", "--serve-sizes", "", "--out", str(out)]
    results = bench.main(argv + ["--hugo", "--repeat", "2", "--warm", "--keep"])
    return results, out


def test_bench_times_both_tools_from_the_same_run(side_by_side):
    results, out = side_by_side
    metrics, extra = figures(results)
    for key in SIDE_BY_SIDE:
        assert isinstance(metrics[key], (int, float)) and metrics[key] > 0, key
    assert metrics["cold_runs"] == 2
    assert len(extra["build_runs_s"]) == 2 and len(extra["hugo_runs_s"]) == 2
    assert metrics["build_s"] == pytest.approx(sum(extra["build_runs_s"]) / 2, abs=0.01)  # the median of two
    assert metrics["build_spread_s"] == pytest.approx(
        abs(extra["build_runs_s"][0] - extra["build_runs_s"][1]), abs=0.01
    )
    assert metrics["hugo_s"] == pytest.approx(sum(extra["hugo_runs_s"]) / 2, abs=0.01)
    assert metrics["ratio_cold"] == pytest.approx(metrics["build_s"] / metrics["hugo_s"], rel=0.02)
    assert metrics["ratio_cpu"] == pytest.approx(metrics["build_cpu_s"] / metrics["hugo_cpu_s"], rel=0.02)
    for pair, (a, b) in zip(extra["ratio_pairs"], zip(extra["build_runs_s"], extra["hugo_runs_s"])):
        assert pair == pytest.approx(a / b, rel=0.05)
    assert metrics["hugo_program_pages"] == N == metrics["program_pages"]
    assert "hugo v0.1" in results["machine"]["hugo"]
    table = (out / "table.md").read_text(encoding="utf-8")
    assert re.search(r"\| IOP Finder / Hugo, each pair of cold builds \| +\| [\d.]+, [\d.]+ \|", table)


def test_bench_builds_again_after_renaming_one_program(side_by_side):
    results, out = side_by_side
    metrics, extra = figures(results)
    assert extra["warm_shows_edit"] is True
    if extra["build_kept"]:
        assert extra["warm_kind"] == "warm: the build keeps " + ", ".join(extra["build_kept"])
    else:
        assert extra["warm_kind"].startswith("a second full build: no persistent build cache")
    assert metrics["ratio_warm"] == pytest.approx(metrics["warm_s"] / metrics["hugo_s"], rel=0.02)
    renamed = extra["warm_program"]
    page = (out / "work" / str(N) / "site" / "programs" / renamed / "index.html").read_text(encoding="utf-8")
    assert "(renamed)" in page
    data = (out / "work" / str(N) / "data" / "programs.yaml").read_text(encoding="utf-8")
    assert "(renamed)" not in data  # the data file is put back after the build


@pytest.fixture(scope="module")
def sized(tmp_path_factory) -> tuple[dict, Path]:
    """One cold build of each tool, sites kept (no build after an edit, which would change the sizes)."""
    require_hugo()
    out = tmp_path_factory.mktemp("sized")
    results = bench.main(
        ["--sizes", str(N), "--no-browser", "--serve-sizes", "", "--out", str(out), "--hugo", "--keep"]
    )
    return results, out


def test_bench_site_sizes_match_the_files_on_disk(sized):
    results, out = sized
    metrics, extra = figures(results)
    site = out / "work" / str(N) / "site"
    files = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*") if p.is_file()}
    assert metrics["files"] == len(files)
    assert metrics["site_mb"] == pytest.approx(sum(files.values()) / 1e6, abs=1e-3)
    du = subprocess.run(["du", "-s", "-B1", str(site)], capture_output=True, text=True, check=True)
    assert metrics["site_disk_mb"] == pytest.approx(int(du.stdout.split()[0]) / 1e6, abs=1e-3)
    other_languages = sum(size for path, size in files.items() if path.startswith("es/"))
    assert metrics["site_en_mb"] == pytest.approx((sum(files.values()) - other_languages) / 1e6, abs=1e-3)
    largest = max(files, key=files.get)
    assert extra["largest_file"] == largest
    assert metrics["largest_file_mib"] == pytest.approx(files[largest] / 2**20, abs=1e-3)
    assert metrics["files_over_limit"] == sum(1 for size in files.values() if size > 25 * 2**20)
    by_kind = extra["site_size"]["by_kind"]
    assert by_kind["program pages"]["files"] == 2 * N  # one in each language: English and Spanish
    assert sum(row["bytes"] for row in by_kind.values()) == sum(files.values())
    sizes = (out / f"sizes-{N}.md").read_text(encoding="utf-8")
    # programs/ holds the English pages alone (no card files: the browser makes each contact card).
    assert f"| program pages | {2 * N} |" in sizes and f"| programs | {N} |" in sizes
    hugo_public = out / "work" / f"hugo-{N}" / "public"
    hugo_bytes = sum(p.stat().st_size for p in hugo_public.rglob("*") if p.is_file())
    assert metrics["hugo_site_mb"] == pytest.approx(hugo_bytes / 1e6, abs=1e-3)


def test_local_server_compresses_like_a_static_host(site):
    """Lighthouse runs against this server; it must send text gzip-encoded when asked, as real hosts do."""
    import gzip
    import urllib.request

    from quality.localsite import serve

    with serve(site, compress=True) as base:
        request = urllib.request.Request(f"{base}/find/", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert response.headers["Cache-Control"] == "public, max-age=86400"
            body = gzip.decompress(response.read()).decode("utf-8")
        assert body == (site / "find" / "index.html").read_text(encoding="utf-8")
        with urllib.request.urlopen(f"{base}/find/") as response:  # no Accept-Encoding: plain
            assert response.headers.get("Content-Encoding") is None
    with (
        serve(site) as base,
        urllib.request.urlopen(
            urllib.request.Request(f"{base}/find/", headers={"Accept-Encoding": "gzip"})
        ) as response,
    ):
        assert response.headers.get("Content-Encoding") is None  # tests see files as they are on disk


# --- The Hugo side ------------------------------------------------------------------------------------------------

LIMIT = 3  # programs per state on a Hugo condition or therapy listing here (listings.LIMIT in the benchmark), so some overflow


@pytest.fixture(scope="module")
def hugo_public(tmp_path_factory) -> tuple[list[dict], Path]:
    require_hugo()
    records = synth.programs(N)
    site = hugo.write_site(records, tmp_path_factory.mktemp("hugo") / "site", listing_limit=LIMIT)
    hugo.build(site)
    return records, site / "public"


def vocabulary(name: str) -> dict[str, dict]:
    data = yaml.safe_load((ROOT / "data" / f"{name}.yaml").read_text(encoding="utf-8"))
    return {item["id"]: item for item in data[name]}


def expected_facts(record: dict) -> list[tuple[str, object]]:
    """What IOP Finder's program page states (generator.views.program_view), as the Hugo page's terms and values."""
    from generator import views

    v = views.program_view(
        record, conditions=vocabulary("conditions"), therapies=vocabulary("therapies"), today=dt.date.today(), base="/"
    )
    s = v["schedule"]
    telehealth = "Yes, some or all sessions can be by video" if v["telehealth"] else "No, sessions are in person"
    md = v["medical_director"]
    optional = {
        "Website": v["website"],
        "Email": v["email"],
        "Days and times": s["details"],
        "Usually lasts": s["length"],
        "Medications for addiction treatment": v["medications"],
        "Other services": v["services"],
        "Insurance plans": v["insurers"],
        "Medical director": md
        and f"{md['name']}, {md['credentials']}."
        + (
            f" Board certified in: {'; '.join(c['name'] for c in md['certifications'])}" if md["certifications"] else ""
        ),
    }
    facts = [
        ("Phone", v["phone"]),
        ("Address", f"{v['street']}, {v['city']}, {v['state']} {v['zip']}"),
        ("Website", None),
        ("Email", None),
        ("Treats", v["focus"]),
        ("Video sessions (telehealth)", telehealth),
        ("Schedule", f"{s['hours']}, {s['days']}"),
        ("Sessions", s["sessions"]),
        ("Days and times", None),
        ("Usually lasts", None),
        ("Who it serves", v["populations"]),
        ("Languages", v["languages"]),
        ("Conditions treated", [c["name"] for c in v["conditions"]]),
        ("Therapies", [t["name"] for t in v["therapies"]]),
        ("Medications for addiction treatment", None),
        ("Other services", None),
        ("Levels of care", v["levels"]),
        ("Payment", v["payment"]),
        ("Insurance plans", None),
        (
            "Accreditation",
            [a["body"] + (f" (ID {a['id']})" if a["id"] else "") for a in v["accreditations"]]
            or ["None listed. Ask the program if it is accredited."],
        ),
        ("State licenses", [f"{x['issuer']}, license {x['number']}" for x in v["licenses"]] or ["None listed."]),
        ("Medical director", None),
        ("Last verified", v["last_verified"]),
        ("Source", v["source"]),
    ]
    return [
        (term, optional.get(term) if value is None else value) for term, value in facts if value or optional.get(term)
    ]


class FactList(HTMLParser):
    """A page's <h1>, links and <dl> terms: each <dd> is its text, or the list of its <li> texts when it has some."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.h1, self.links, self.facts = "", [], []
        self._where, self._text, self._items, self._item = None, [], [], None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag in ("dt", "dd", "h1"):
            self._where, self._text, self._items = tag, [], []
        elif tag == "li" and self._where == "dd":
            self._item = []
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))

    def handle_endtag(self, tag):
        text = " ".join("".join(self._text).split())
        if tag == "li" and self._item is not None:
            self._items.append(" ".join("".join(self._item).split()))
            self._item = None
        elif tag == "dt":
            self.facts.append((text, None))
        elif tag == "dd":
            self.facts[-1] = (self.facts[-1][0], self._items or text)
        elif tag == "h1":
            self.h1 = text
        if tag in ("dt", "dd", "h1"):
            self._where = None

    def handle_data(self, data):
        if self._item is not None:
            self._item.append(data)
        if self._where:
            self._text.append(data)


def test_hugo_program_pages_state_every_fact_of_the_program_page(hugo_public):
    records, public = hugo_public
    assert sorted(p.name for p in (public / "programs").iterdir()) == sorted(r["id"] for r in records)
    for record in records:
        text = (public / "programs" / record["id"] / "index.html").read_text(encoding="utf-8")
        page = FactList(text)
        assert page.h1 == record["name"]
        assert page.facts == expected_facts(record), record["id"]
        for c in record["conditions"]:
            assert f"/conditions/{c}/" in page.links
        for t in record["therapies"]:
            assert f"/therapies/{t}/" in page.links
        assert f"/states/{record['address']['state'].lower()}/" in page.links
        assert "Example program — not a real provider." in text


def listing(text: str) -> dict[str, tuple[list[str], int | None]]:
    """{heading: (program ids listed under it, the N of its "See all N in ..." link or None)}."""
    groups = {}
    for chunk in text.split("<h2>")[1:]:
        heading, _, body = chunk.partition("</h2>")
        see_all = re.search(r"See all (\d+) in ", body)
        groups[heading] = (re.findall(r'href="/programs/([^/"]+)/"', body), int(see_all.group(1)) if see_all else None)
    return groups


def grouped(records: list[dict], key) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    for r in records:
        groups.setdefault(key(r), set()).add(r["id"])
    return groups


@pytest.mark.parametrize("taxonomy", ["conditions", "therapies"])
def test_hugo_condition_and_therapy_listings_list_their_programs_by_state(hugo_public, taxonomy):
    from generator import model

    records, public = hugo_public
    used = {term for r in records for term in r[taxonomy]}
    assert {p.name for p in (public / taxonomy).iterdir() if p.is_dir()} == used
    overflowed = 0
    for term in used:
        text = (public / taxonomy / term / "index.html").read_text(encoding="utf-8")
        members = [r for r in records if term in r[taxonomy]]
        expected = grouped(members, lambda r: model.US_STATES[r["address"]["state"]])
        shown = listing(text)
        assert set(shown) == set(expected), term
        assert f"<p>{len(members)} program{'s' if len(members) != 1 else ''} in the directory.</p>" in text
        for state, (ids, see_all) in shown.items():
            assert len(ids) == len(set(ids)) == min(LIMIT, len(expected[state])), (term, state)
            assert set(ids) <= expected[state], (term, state)
            assert see_all == (len(expected[state]) if len(expected[state]) > LIMIT else None), (term, state)
            overflowed += see_all is not None
        index = (public / taxonomy / "index.html").read_text(encoding="utf-8")
        assert f'<a href="/{taxonomy}/{term}/">{hugo.vocab()[taxonomy][term]}</a> ({len(members)})' in index
    assert overflowed, "no listing had more than LIMIT programs in a state: the limit went untested"


def test_hugo_state_pages_list_every_program_by_city(hugo_public):
    from generator import model

    records, public = hugo_public
    by_state = grouped(records, lambda r: r["address"]["state"])
    assert {p.name for p in (public / "states").iterdir() if p.is_dir()} == {s.lower() for s in by_state}
    for state in by_state:
        text = (public / "states" / state.lower() / "index.html").read_text(encoding="utf-8")
        members = [r for r in records if r["address"]["state"] == state]
        shown = listing(text)
        assert {city: set(ids) for city, (ids, _) in shown.items()} == grouped(members, lambda r: r["address"]["city"])
        assert sum(len(ids) for ids, _ in shown.values()) == len(members)
        assert f"<h1>Intensive outpatient programs in {model.US_STATES[state]}</h1>" in text


def test_hugo_builds_cold_on_every_core(hugo_public, monkeypatch):
    _, public = hugo_public
    stale = public / "left-over.html"
    stale.write_text("from an earlier build", encoding="utf-8")
    monkeypatch.setenv("GOMAXPROCS", "1")
    assert "GOMAXPROCS" not in hugo.build_env()
    run = hugo.build(public.parent)
    assert run["returncode"] == 0 and run["wall_s"] > 0 and run["cpu_s"] is not None
    assert not stale.exists()
    assert (public / "programs").is_dir() and (public / "sitemap.xml").is_file()


# --- Sizes and builds, without building ---------------------------------------------------------------------------


def test_site_size_sums_files_counts_blocks_and_splits_languages(tmp_path):
    site = tmp_path / "site"
    files = {
        "index.html": '<!doctype html><html lang="en" class="no-js"><body>home</body></html>',
        "programs/a/index.html": "x" * 5000,
        "maps/VA.json": "{}",
        "es/index.html": '<!doctype html><html lang="es"><body>inicio</body></html>',
        "es/programs/a/index.html": "y" * 3000,
        "search/x/1.json": "{}",
        "assets/app.js": "z" * 100,
    }
    for path, text in files.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(text, encoding="utf-8")
    big = site / "data" / "hsds" / "services.json"
    big.parent.mkdir(parents=True)
    with big.open("wb") as f:  # sparse: 26 MiB long, almost nothing allocated
        f.truncate(26 * 2**20)
    summary = sitesize.summarize(site)
    total = sum(len(t) for t in files.values()) + 26 * 2**20
    assert summary["files"] == len(files) + 1 and summary["bytes"] == total
    du = subprocess.run(["du", "-s", "-B1", str(site)], capture_output=True, text=True, check=True)
    assert summary["disk_bytes"] == int(du.stdout.split()[0]) < total
    es = len(files["es/index.html"]) + 3000
    assert summary["editions"] == {"es": "es"}
    assert summary["languages"] == {"en": total - es, "es": es}
    assert summary["largest"] == {"path": "data/hsds/services.json", "bytes": 26 * 2**20}
    assert summary["over_limit"] == ["data/hsds/services.json"]
    assert summary["by_kind"]["program pages"] == {
        "files": 2,
        "bytes": 8000,
        "largest": "programs/a/index.html",
        "largest_bytes": 5000,
    }
    assert summary["by_folder"]["es"]["files"] == 2 and summary["by_folder"][sitesize.TOP_FILES]["files"] == 1
    assert list(summary["by_folder"])[0] == "data"  # biggest first
    report = sitesize.report(summary)
    assert "files over 25 MiB: 1 (data/hsds/services.json)" in report
    assert "| open data: HSDS export | 1 | 27.3 | " in report


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("programs/x/index.html", "program pages"),
        ("es/programs/x/index.html", "program pages"),
        ("maps/VA.json", "other files"),
        ("search/x/0123.json", "finder: word-search indexes (search/x)"),
        ("search/search_index.json", "Material's site search index"),
        ("data/programs.csv", "open data: other exports"),
        ("learn/glossary/index.html", "other HTML pages"),
        ("robots.txt", "other files"),
    ],
)
def test_site_size_names_the_kind_of_each_file(tmp_path, path, kind):
    site = tmp_path / "site"
    (site / "es").mkdir(parents=True)
    (site / "index.html").write_text('<html lang="en">', encoding="utf-8")
    (site / "es" / "index.html").write_text('<html lang="es">', encoding="utf-8")
    (site / path).parent.mkdir(parents=True, exist_ok=True)
    (site / path).write_text("x" * 100, encoding="utf-8")  # larger than the home pages
    assert sitesize.summarize(site)["by_kind"][kind]["largest"] == path


def test_renaming_a_program_rewrites_its_name_line_only(tmp_path):
    records = synth.programs(5)
    records[2]["name"] = 'Harbor "Day" Program: Teens — O\'Neil'
    path = tmp_path / "programs.yaml"
    synth.write_programs(path, records)
    before = path.read_text(encoding="utf-8")
    original, new_name = builds.edit_program_name(path, records[2])
    after = path.read_text(encoding="utf-8")
    assert original == before and new_name == records[2]["name"] + " (renamed)"
    assert after.count("\n") == before.count("\n")
    names = [p["name"] for p in yaml.safe_load(after)["programs"]]
    assert names == [r["name"] for r in records[:2]] + [new_name] + [r["name"] for r in records[3:]]


def test_cold_builds_alternate_and_start_without_what_a_build_kept(tmp_path, monkeypatch):
    project, hugo_site = tmp_path / "project", tmp_path / "hugo"
    (project / "data").mkdir(parents=True)
    site = project / "site"
    calls = []

    def fake_iop_build(project_dir, site_dir, extra_env=None):
        calls.append(("iop", site_dir.exists(), (project_dir / ".cache").exists(), extra_env))
        (site_dir / "programs").mkdir(parents=True)
        (project_dir / ".cache" / "keys").mkdir(parents=True, exist_ok=True)
        return {"build_s": 3.0 + len(calls), "build_cpu_s": 4.0, "build_peak_mb": 100.0, "build_tree_mb": 120.0}

    def fake_hugo_build(path):
        calls.append(("hugo",))
        return {"wall_s": 2.0, "cpu_s": 2.5, "peak_mb": 50.0}

    monkeypatch.setattr(builds, "iop_build", fake_iop_build)
    monkeypatch.setattr(builds.hugo, "build", fake_hugo_build)
    runs = builds.cold_builds(project, site, 3, hugo_site, {"X": "1"}, say=lambda _: None)
    assert [c[0] for c in calls] == ["iop", "hugo", "hugo", "iop", "iop", "hugo"]
    assert [c[1:] for c in calls if c[0] == "iop"] == [(False, False, {"X": "1"})] * 3
    assert runs["kept"] == [".cache"]
    figures = builds.cold_figures(runs)
    assert figures["build_runs_s"] == [4.0, 7.0, 8.0] and figures["build_s"] == 7.0
    assert figures["build_spread_s"] == 4.0 and figures["hugo_s"] == 2.0 and figures["ratio_cold"] == 3.5
    assert figures["ratio_cpu"] == 4.0 / 2.5
    assert figures["ratio_pairs"] == [2.0, 3.5, 4.0]


def test_a_build_that_keeps_nothing_beside_the_site_has_no_cache(tmp_path):
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    site = project / "site"
    before = builds.entries(project, site)
    (site / "programs" / "a").mkdir(parents=True)
    assert builds.kept_by_build(before, builds.entries(project, site)) == []
    (site / ".keys").write_text("{}", encoding="utf-8")
    (project / "build-cache" / "a").mkdir(parents=True)
    assert builds.kept_by_build(before, builds.entries(project, site)) == ["build-cache", "site/.keys"]
