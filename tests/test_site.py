"""The built sample site: what a visitor sees on generated pages, and what stays out of nav and search."""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict

from conftest import read

from generator import model
from generator.views import tel_href

CRISIS = re.compile(r'Call or text <a href="tel:988">988</a>.*?call <a href="tel:911">911</a>', re.S)
CRISIS_ES = re.compile(
    r'Llame o envíe un mensaje de texto al <a href="tel:988">988</a>.*?llame al <a href="tel:911">911</a>', re.S
)


def test_every_program_has_a_page_and_nothing_else_is_in_programs(site, dataset):
    built = {p.name for p in (site / "programs").iterdir()}
    expected = {p["id"] for p in dataset.programs} | {old for p in dataset.programs for old in p.get("former_ids", [])}
    assert built == expected
    assert len(built) >= 30


def test_program_page_shows_phone_as_tel_link_and_links_conditions(site, dataset):
    p = next(p for p in dataset.programs if p["id"] == "harbor-light-richmond")
    page = read(site, "programs/harbor-light-richmond/")
    assert (
        f'<a class="md-button md-button--primary iop-call" href="{tel_href(p["phone"])}">Call {p["phone"]}</a>' in page
    )
    assert tel_href("804-555-0101") == "tel:+18045550101"
    assert tel_href("540-217-6366 x110") == "tel:+15402176366;ext=110"
    for cid in p["conditions"]:
        name = html.escape(dataset.conditions[cid]["name"])
        assert f'<a href="../../conditions/{cid}/">{name}</a>' in page
        assert (site / "conditions" / cid / "index.html").is_file()
    for tid in p["therapies"]:
        assert f'<a href="../../therapies/{tid}/">' in page
    assert "Example program — not a real provider" in page
    assert f'<a href="{p["website"]}" rel="noopener noreferrer nofollow">' in page
    assert f"<title>{html.escape(p['name'])} - IOP Finder</title>" in page
    assert f'<link rel="canonical" href="https://iop-finder.example.org/programs/{p["id"]}/">' in page
    assert "IOPSHELL" not in page and "iopshellpage" not in page


def test_program_page_shows_every_kind_of_fact(site, dataset):
    for p in dataset.programs:
        page = html.unescape(read(site, f"programs/{p['id']}/"))
        assert p["address"]["street"] in page and p["address"]["zip"] in page
        for value in p["payment"]:
            assert model.PAYMENT[value] in page
        for value in p.get("medications", []):
            assert model.MEDICATIONS[value] in page
        for a in p.get("accreditations", []):
            assert model.ACCREDITATION_BODIES[a["body"]] in page
        for lic in p.get("licenses", []):
            assert lic["number"] in page
        if p.get("medical_director"):
            assert p["medical_director"]["name"] in page
        else:  # said once, with what to ask, under Signs of quality
            assert "The listing names no medical director." in page
        assert f'datetime="{p["last_verified"].isoformat()}"' in page
        assert p["source"] in page


NOTHING_TO_CHECK = (
    "The listing names no accreditation, license or medical director to look up. Ask the program for them."
)


def test_check_it_yourself_lists_only_what_the_listing_names(site, dataset):
    """A fact the listing leaves out is said once, under Signs of quality; "Check it yourself" keeps the lookups."""
    kinds = {"accreditations": "Accreditation", "licenses": "State licenses", "staff_credentials": "Clinical staff"}
    for p in dataset.programs:
        page = read(site, f"programs/{p['id']}/")
        check = page[page.index('<h2 id="check"') : page.index('<h2 id="verified"')]
        terms = re.findall(r"<dt[^>]*>([^<]+)</dt>", check)
        expected = [label for field, label in kinds.items() if p.get(field)]
        expected += ["Medical director"] if p.get("medical_director") else []
        assert terms == expected, p["id"]
        assert (NOTHING_TO_CHECK in check) == (not expected), p["id"]
        assert "None listed" not in check and "Not reported" not in check


def _without_fields(text: str, fields: tuple[str, ...]) -> str:
    """The YAML text of the first program with `fields` (and what is nested under them) taken out, the rest as is."""
    lines, out, skipping, programs = text.splitlines(keepends=True), [], False, 0
    for line in lines:
        if line.startswith("  - id:"):
            programs += 1
        key = line.strip().split(":", 1)[0]
        if programs == 1 and line.startswith("    ") and not line.startswith("     ") and key in fields:
            skipping = True
            continue
        if skipping and line.startswith("      "):
            continue
        skipping = False
        out.append(line)
    return "".join(out)


def test_a_listing_with_nothing_to_check_says_so_once(tmp_path, dataset):
    from conftest import copy_project, run_mkdocs

    project = copy_project(tmp_path / "project")
    path = project / "data" / "programs.yaml"
    fields = ("accreditations", "licenses", "staff_credentials", "medical_director")
    path.write_text(_without_fields(path.read_text(encoding="utf-8"), fields), encoding="utf-8")
    result = run_mkdocs(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    bare = dataset.programs[0]
    assert any(bare.get(field) for field in fields), "the first sample program names something to check"
    page = read(tmp_path / "site", f"programs/{bare['id']}/")
    check = page[page.index('<h2 id="check"') : page.index('<h2 id="verified"')]
    assert "<dl" not in check and "Each link opens" not in check
    assert check.count(NOTHING_TO_CHECK) == 1
    assert "The listing names no accreditation." in page and "The listing names no medical director." in page


def test_stale_programs_say_call_to_confirm(site, dataset):
    import datetime as dt

    from generator.report import months_before

    stale = {p["id"] for p in dataset.programs if p["last_verified"] < months_before(dt.date.today(), 12)}
    assert stale, "the sample data keeps one stale program for this test"
    for p in dataset.programs:
        page = read(site, f"programs/{p['id']}/")
        assert ("May be out of date — call to confirm" in page) == (p["id"] in stale)


def test_crisis_notice_is_on_every_built_page(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) > 90

    def notice(page):  # the Spanish pages (es/) give it in Spanish
        return CRISIS_ES if page.relative_to(site).parts[0] == "es" else CRISIS

    missing = [str(p.relative_to(site)) for p in pages if not notice(p).search(p.read_text(encoding="utf-8"))]
    assert missing == []


def test_generated_pages_stay_out_of_search_index_and_nav(site, dataset):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    for prefix in ("programs/", "states/", "conditions/", "therapies/"):
        leaked = [loc for loc in locations if loc.startswith(prefix) and loc != prefix]
        assert leaked == [], prefix
    assert "learn/what-is-iop/" in locations
    home = read(site, "")
    nav = home[home.index('class="md-nav md-nav--primary"') : home.index("</nav>", home.index("md-nav--primary"))]
    assert "programs/" not in nav
    assert "harbor-light-richmond" not in home


def test_state_pages_group_programs_by_city(site, dataset):
    by_state = defaultdict(list)
    for p in dataset.programs:
        by_state[p["address"]["state"]].append(p)
    index = read(site, "states/")
    for state, programs in by_state.items():
        page = html.unescape(read(site, f"states/{state.lower()}/"))
        assert f"Intensive outpatient programs in {model.US_STATES[state]}" in page
        for city in {p["address"]["city"] for p in programs}:
            assert f">{city}</h2>" in page
        for p in programs:
            assert f'href="../../programs/{p["id"]}/"' in page
        assert f'<a href="{state.lower()}/">{html.escape(model.US_STATES[state])}</a> ({len(programs)})' in index


def test_condition_and_therapy_pages_list_exactly_their_programs(site, dataset):
    for kind, vocab in (("conditions", dataset.conditions), ("therapies", dataset.therapies)):
        for vid in vocab:
            page = read(site, f"{kind}/{vid}/")
            linked = set(re.findall(r'href="../../programs/([a-z0-9-]+)/"', page))
            expected = {p["id"] for p in dataset.programs if vid in p[kind]}
            assert linked == expected, (kind, vid)
            param = "condition" if kind == "conditions" else "therapy"
            assert f"../../find/?{param}={vid}" in page


def test_mkdocs_serve_watches_the_data_folder():
    from mkdocs.config import load_config

    from generator.plugin import IOPFinderPlugin

    config = load_config(str(__import__("conftest").ROOT / "mkdocs.yml"))
    plugin = config.plugins["iop-finder"]
    assert isinstance(plugin, IOPFinderPlugin)

    class FakeServer:
        watched = []

        def watch(self, path):
            self.watched.append(path)

    server = plugin.on_serve(FakeServer(), config=config, builder=None)
    assert server.watched == [str(__import__("conftest").ROOT / "data")]


def test_sitemap_lists_every_program_and_state_page(site, dataset):
    import gzip

    from quality.tools import sitemap_locs

    index = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert index.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex ')
    assert re.findall(r"<loc>([^<]+)</loc>", index) == ["https://iop-finder.example.org/sitemaps/1.xml.gz"]
    assert not (site / "sitemap.xml.gz").exists()
    inner = gzip.decompress((site / "sitemaps" / "1.xml.gz").read_bytes()).decode("utf-8")
    assert inner.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<urlset ') and inner.endswith("</urlset>\n")
    locs = [loc for where, loc in sitemap_locs(site) if where == "sitemaps/1.xml.gz"]
    assert len(locs) == len(set(locs)) == inner.count("<url>")
    for p in dataset.programs:
        assert f"https://iop-finder.example.org/programs/{p['id']}/" in locs
    for state in {p["address"]["state"] for p in dataset.programs}:
        assert f"https://iop-finder.example.org/states/{state.lower()}/" in locs
    assert "https://iop-finder.example.org/learn/what-is-iop/" in locs
    assert len(locs) == len(set(locs))


def test_header_search_is_the_sites_own_on_every_page_kind_with_an_accessible_name(site):
    for url in ("", "find/", "programs/harbor-light-richmond/", "states/va/", "conditions/ptsd/", "404.html"):
        page = read(site, url)
        # Written on the pages, made by site-search.js on the lean ones (program and state pages).
        written = '<form class="md-search__form" role="search" aria-label="Search IOP Finder"' in page
        assert written or ("data-iop-search-box" in page and url.startswith(("programs/", "states/"))), url
        assert 'data-md-component="search"' not in page, url  # the theme's own search never takes it over
        assert re.search(r'<script src="[./]*assets/js/site\.js"', page), url  # site-search.js is one of its parts
    assert 'tabindex=""' not in read(site, "")


def test_program_and_state_pages_use_the_lean_shell(site, dataset):
    """Program and state pages keep what a visitor of one program uses (crisis notice, header with the site's
    name and search box, quick links, footer) and drop the navigation drawer, the theme bundle and its inline
    configuration, and the theme's indentation; a hand-written page keeps them all."""
    p = dataset.programs[0]
    for path in (f"programs/{p['id']}/", f"states/{p['address']['state'].lower()}/"):
        page = read(site, path)
        assert page.count('<div class="iop-crisis" role="note" aria-label="Crisis help">') == 1, path
        assert '<a class="iop-crisis__button" href="tel:988">Call 988</a>' in page
        assert 'class="md-search iop-site-search" data-iop-search-box' in page  # its form made by site-search.js
        assert re.search(r'<nav class="iop-quicklinks" aria-label="Quick links">\s*<div class="md-grid">', page)
        assert 'href="../../find/">Find a program</a>' in page
        assert '<footer class="md-footer">' in page
        for dropped in ('class="md-nav md-nav--primary"', 'id="__config"', "assets/javascripts/bundle.", "__md_scope"):
            assert dropped not in page, (path, dropped)
        assert not re.search(r"\n[ \t]+<", page), path  # no indented lines left
    home = read(site, "")
    for kept in ('class="md-nav md-nav--primary"', 'id="__config"', "assets/javascripts/bundle."):
        assert kept in home
    assert '<form class="md-search__form" role="search" aria-label="Search IOP Finder"' in home


def test_lean_pages_draw_the_themes_own_icons_by_reference(site, dataset):
    """Program and state pages point at assets/images/icons.svg instead of carrying the theme's icons: every icon
    they use is there, with exactly the theme's path, so a theme upgrade cannot leave a stale or missing icon."""
    from pathlib import Path

    import material

    icons = Path(material.__file__).parent / "templates" / ".icons" / "material"
    sprite = (site / "assets" / "images" / "icons.svg").read_text(encoding="utf-8")
    symbols = dict(re.findall(r'<symbol id="([a-z-]+)" viewBox="0 0 24 24"><path d="([^"]+)"/></symbol>', sprite))
    for url in (f"programs/{dataset.programs[0]['id']}/", "states/va/"):
        page = read(site, url)
        used = re.findall(r'<use href="\.\./\.\./assets/images/icons\.svg#([a-z-]+)"/>', page)
        assert sorted(set(used)) == ["library", "magnify"], url  # the search box's own come with it (site-search.js)
        assert "<path d=" not in page.split("<article", 1)[0], url  # no inline icon left in the shell
        # Nor what only the theme's bundle or its drawer uses (shells.lean), while the search toggle stays.
        assert 'data-md-toggle="drawer"' not in page and "md-dialog" not in page and "twitter:title" not in page
        assert 'data-md-toggle="search"' in page and 'name="generator"' not in page, url
        # The header search box is made by site-search.js there (tests/test_phone_lists.py compares it).
        assert '<div class="md-search iop-site-search" data-iop-search-box data-action="../../find/"></div>' in page
    for name, path in symbols.items():
        assert f'<path d="{path}"/>' in (icons / f"{name}.svg").read_text(encoding="utf-8"), name
    assert sorted(symbols) == ["arrow-left", "close", "library", "magnify"]


def test_sitemap_index_splits_past_the_limit_of_one_file(tmp_path):
    """sitemaps.org allows 50,000 addresses a file: past that, more files, all in the index, none lost."""
    import gzip

    from generator import sitemap

    (tmp_path / "sitemap.xml").write_text(
        "<urlset><url><loc>https://x.example.org/</loc></url></urlset>", encoding="utf-8"
    )
    (tmp_path / "sitemap.xml.gz").write_bytes(b"old")
    items = [(f"https://x.example.org/programs/p{i}/", "2026-01-0" + str(i + 1)) for i in range(4)]
    assert sitemap.extend(tmp_path, items, "https://x.example.org/", per_file=2) == 4
    index = (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    assert re.findall(r"<loc>([^<]+)</loc>", index) == [f"https://x.example.org/sitemaps/{n}.xml.gz" for n in (1, 2, 3)]
    files = [gzip.decompress((tmp_path / "sitemaps" / f"{n}.xml.gz").read_bytes()).decode() for n in (1, 2, 3)]
    locs = [re.findall(r"<loc>([^<]+)</loc>", f) for f in files]
    assert locs == [
        ["https://x.example.org/", "https://x.example.org/programs/p0/"],
        ["https://x.example.org/programs/p1/", "https://x.example.org/programs/p2/"],
        ["https://x.example.org/programs/p3/"],
    ]
    assert "<lastmod>2026-01-04</lastmod>" in files[2]
    assert not (tmp_path / "sitemap.xml.gz").exists()


def test_line_breaks_go_only_where_blocks_meet():
    """templates.between_blocks drops a line break between block-level tags (it shows nothing there) and keeps
    one before an inline tag or beside text, where it shows as a space."""
    from generator.templates import between_blocks

    source = (
        '<div class="a">\n\n<h2 id="x">T</h2>\n\n<ul class="b">\n{% for x in y %}<li>{{ x }}</li>\n{% endfor %}</ul>\n'
        "<ul>\n<li>a</li>\n{% for x in y %}<li>{{ x }}</li>\n{% endfor %}\n</ul>\n"
        '<p>Call <a href="tel:988">988</a>\n<a href="sms:988">Text 988</a>\n</p>\n<strong>x</strong>\n<span>y</span>\n'
        "<pre>a\n</pre>"
    )
    assert between_blocks(source) == (
        '<div class="a"><h2 id="x">T</h2><ul class="b">{% for x in y %}<li>{{ x }}</li>{% endfor %}</ul>'
        "<ul><li>a</li>{% for x in y %}<li>{{ x }}</li>{% endfor %}\n</ul>"
        '<p>Call <a href="tel:988">988</a>\n<a href="sms:988">Text 988</a></p>\n<strong>x</strong>\n<span>y</span>\n'
        "<pre>a\n</pre>"
    )


def test_every_page_links_one_stylesheet_and_one_script_of_the_sites_own(site):
    """mkdocs.yml's extra_css and extra_javascript reach pages as one file each, the parts in their listed order
    (generator/bundles.py): four tags fewer on each of 40,000 program pages, and four requests fewer on a phone."""
    parts = {"css": ["iop.css", "pages.css", "maps.css"], "js": ["iop.js", "list.js", "site-search.js"]}
    for kind, names in parts.items():
        joined = (site / "assets" / kind / f"site.{kind}").read_text(encoding="utf-8")
        starts = [joined.index(f"/* assets/{kind}/{name} */\n") for name in names]
        assert starts == sorted(starts) and starts[0] == 0
        for name in names:
            own = (site / "assets" / kind / name).read_text(encoding="utf-8").rstrip()
            assert f"/* assets/{kind}/{name} */\n{own}\n" in joined
    assert ";\n/* assets/js/list.js */" in (site / "assets" / "js" / "site.js").read_text(encoding="utf-8")
    for url in ("", "find/", "programs/harbor-light-richmond/", "states/va/", "es/programs/harbor-light-richmond/"):
        page = read(site, url)
        own_css = re.findall(r'<link rel="stylesheet" href="[./]*assets/css/([^"]+)"', page)
        own_js = re.findall(r'<script src="[./]*assets/js/(iop|list|site-search|site)\.js"', page)
        assert (own_css, own_js) == (["site.css"], ["site"]), url


def test_lean_pages_keep_only_the_crisis_banners_theme_hook(site):
    """Program and state pages do not load the theme's bundle, so they drop the data-md-component hooks only it
    reads (shells._BUNDLE_HOOKS); the crisis banner's "announce" stays, for pages.css selects it. Hand-written
    pages, which load the bundle, keep every hook."""
    for url in ("programs/harbor-light-richmond/", "states/va/", "es/programs/harbor-light-richmond/"):
        assert re.findall(r'data-md-component="([^"]+)"', read(site, url)) == ["announce"], url
    hooks = set(re.findall(r'data-md-component="([^"]+)"', read(site, "learn/is-iop-right-for-me/")))
    assert {"announce", "container", "content", "header", "main"} <= hooks
