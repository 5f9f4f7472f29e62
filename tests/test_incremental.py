"""`mkdocs serve` rebuilds: only what an edit changes is re-read and remade (listings included), and the result is
exactly the site a fresh `mkdocs build` makes from the edited data."""

from __future__ import annotations

import datetime as dt
import filecmp
import time
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_project, run_mkdocs, serve_rounds

from generator import cards, indexes, languages, listings
from generator.catalogue import Settings, make_catalogue
from generator.dataset import load_dataset
from generator.plan import listed_programs

EDITED = "harbor-light-richmond"
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


def exports_showing(state: str) -> list[str]:
    """The export files a program's edit changes: the whole country's, its state's, and the HSDS tabular tables
    of services and of organizations."""
    from generator import tabular

    return [
        "data/programs.json.gz",
        "data/programs.csv.gz",
        f"data/states/{state.lower()}/programs.csv.zip",
        "data/hsds/services.json.gz",
        *(tabular.path(r) for r in (*tabular.PER_SERVICE, "organization")),
    ]


def language_folders() -> list[str]:
    """Each language's folder ("" for the site's own, "es/"): every language has its own listing of a page."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "#"))
    plugin = next(p["iop-finder"] for p in config["plugins"] if isinstance(p, dict) and "iop-finder" in p)
    return [lang.folder for lang in languages.load(plugin["languages"], ROOT).all]


def listings_of(conditions, therapies) -> list[str]:
    """The listings, in every language, of these condition and therapy pages."""
    pages = [f"conditions/{c}.md" for c in conditions] + [f"therapies/{t}.md" for t in therapies]
    return sorted(f"{folder}{page}#listing" for folder in language_folders() for page in pages)


def _tree(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The rounds of a serve session (first build, then one per edit), the project and the served site."""
    tmp_path = tmp_path_factory.mktemp("serve")
    project = copy_project(tmp_path / "project")
    text = (project / "data" / "programs.yaml").read_text(encoding="utf-8")
    # 4. A comment line above the 11th program: the 26 programs below it move down a line, so their pages'
    #    "Edit this program" links change; their search files, cards, vCards and exports do not.
    eleventh = [line for line in text.splitlines() if line.startswith("  - id: ")][10]
    rounds_of_edits = EDITS + [[["data/programs.yaml", "\n" + eleventh, "\n  # checked by phone\n" + eleventh]]]
    site = tmp_path / "served"
    rounds = serve_rounds(project, site, rounds_of_edits)
    assert len(rounds) == 5
    return rounds, project, site


def test_serve_rebuilds_write_only_changes_and_equal_a_fresh_build(served, tmp_path):
    rounds, project, site = served
    first, phone, moved, text_only, shifted = rounds
    assert first["items_read"] == 36 and first["written"] > 900 and first["kept"] == 0
    # The first build is swapped in whole; every rebuild after it writes into the served folder itself.
    assert [r["in_place"] for r in rounds] == [False, True, True, True, True]
    assert all(r["collector_on"] for r in rounds)  # paused during each rebuild, on again once it is over
    assert phone["items_read"] == 1
    # page and state page in each language, vCard, its leaf (records + index), its card file, its export slices,
    # the neighbours that show its phone; never the other 30-odd programs.
    assert 5 <= phone["written"] <= 60, phone
    assert moved["items_read"] == 2
    assert text_only["items_read"] == 0 and text_only["written"] == 0
    languages = len(language_folders())  # each program has a page in each language
    assert shifted["items_read"] == 1 and shifted["written"] == 26 * languages
    assert shifted["moved_pages"] == 26 * languages  # their links patched in place, not rendered again
    assert phone["moved_pages"] == 0
    # A program's line in the listings is made once for all the listings it is in, in each language; a rebuild
    # makes only the edited program's lines, though each listing showing it is made again.
    # Only the first listings.LIMIT programs of each state in a listing are shown, so only their lines are made.
    ds = load_dataset(project / "data", root=project, today=dt.date.today())
    cat = make_catalogue(ds, Settings.make("https://iop-finder.example.org/"))
    shown = set()
    for programs in listed_programs(cat).values():
        for state in {p["address"]["state"] for p in programs}:
            shown.update([p["id"] for p in programs if p["address"]["state"] == state][: listings.LIMIT])
    assert first["lines_made"] == len(shown) * languages
    assert phone["lines_made"] == languages and len(phone["listings_made"]) > languages
    assert text_only["lines_made"] == 0 and shifted["lines_made"] == 0

    fresh = tmp_path / "fresh"
    built = run_mkdocs(project, fresh)
    assert built.returncode == 0, built.stdout + built.stderr
    a, b = _tree(site), _tree(fresh)
    assert sorted(a) == sorted(b)
    assert not any(name.startswith("programs/riverbend-teen-richmond/") for name in a)
    assert "programs/riverbend-teens-richmond/index.html" in a
    different = [name for name in sorted(a) if not filecmp.cmp(a[name], b[name], shallow=False)]
    assert different == []
    deadline = time.monotonic() + 30  # the last old site is deleted in the background
    while [p for p in site.parent.iterdir() if p.name.startswith(".served.iop-build-")] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [p.name for p in site.parent.iterdir() if p.name.startswith(".served.iop-build-")]


def test_an_edit_remakes_exactly_the_outputs_and_listings_that_show_it(served):
    """The phone edit of one program: the exact files and listings whose inputs hold that program, nothing
    else, and nearby programs reused (no program moved)."""
    rounds, project, _ = served
    phone = rounds[1]
    ds = load_dataset(ROOT / "data", root=ROOT, today=dt.date.today(), all_positions=False)
    cat = make_catalogue(ds, Settings.make("https://iop-finder.example.org/"))
    p = cat.by_id[EDITED]
    neighbours_showing_it = [pid for pid, near in cat.nearby.items() if EDITED in {o for o, _ in near}]
    assert neighbours_showing_it, "the sample data should give the edited program a neighbour"
    search = indexes.SearchData(ds)
    expected = {
        *(f"programs/{old}/index.html" for old in p.get("former_ids", [])),  # the redirect names the program
        # In every language: its page, its state's page and the pages of the neighbours that show it.
        *(
            f"{folder}{page}"
            for folder in language_folders()
            for page in (
                f"programs/{EDITED}/index.html",
                f"states/{p['address']['state'].lower()}/index.html",
                *(f"programs/{pid}/index.html" for pid in neighbours_showing_it),
            )
        ),
        *(uri for records, index, ids in search.groups() if EDITED in ids for uri in (records, index)),
        *(uri for uri, programs in cards.card_files(ds.programs) if p in programs),
        # The same word index in Spanish (es/search/x/): the place files and the card files are shared.
        *(f"es/{index}" for records, index, ids in search.groups() if EDITED in ids),
        *exports_showing(p["address"]["state"]),
    }
    assert sorted(phone["made"]) == sorted(expected)
    assert phone["updated"] == []
    assert phone["nearby_kept"] is True
    listed = listings_of(p["conditions"], p["therapies"])
    assert "es/conditions/opioid-use.md#listing" in listed  # the Spanish page lists the program too
    assert phone["listings_made"] == listed
    every = listings_of(ds.conditions, ds.therapies)
    assert phone["listings_kept"] == sorted(set(every) - set(listed))


def test_a_page_edit_remakes_nothing_and_the_first_build_makes_every_listing(served):
    rounds, _, _ = served
    first, _, moved, text_only, _ = rounds
    ds = load_dataset(ROOT / "data", root=ROOT, today=dt.date.today(), all_positions=False)
    pages = len(listings_of(ds.conditions, ds.therapies))
    assert pages == len(language_folders()) * (len(ds.conditions) + len(ds.therapies))
    assert first["listings_kept"] == [] and len(first["listings_made"]) == pages
    assert text_only["made"] == [] and text_only["listings_made"] == [] and text_only["nearby_kept"] is True
    assert len(text_only["listings_kept"]) == pages
    assert moved["nearby_kept"] is False  # a program moved: neighbours found again


def test_a_listing_makes_the_lines_it_shows_and_counts_the_rest():
    ds = load_dataset(ROOT / "data", root=ROOT, today=dt.date(2026, 12, 3))
    one = ds.programs[0]
    many = [dict(one, id=f"{one['id']}-{i:02d}", name=f"Program {i:02d}") for i in range(listings.LIMIT + 18)]
    asked = []

    def lines(p, make):
        asked.append(p["id"])
        return make()

    html = listings.listing_html(many, today=dt.date(2026, 12, 3), lines=lines)
    assert asked == [p["id"] for p in many[: listings.LIMIT]]
    assert html.count("<li>") == listings.LIMIT
    assert f"{len(many)} programs in the directory." in html
    assert f"See all {len(many)} in " in html
    assert listings.listing_html(many, today=dt.date(2026, 12, 3)) == html  # the same without kept lines
