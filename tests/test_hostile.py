"""Hostile data in every data file: a program, a condition, a therapy and a source whose fields hold markup,
template syntax, Markdown extension syntax (snippets that read files, raw HTML, attribute lists, abbreviation
definitions), right-to-left text and emoji are shown literally, escaped, on every page, in titles, meta tags,
JSON-LD, search data and exports; no injected markup or script runs in Chromium; a javascript: website is
rejected by validation.

The fixtures are tests/fixtures/hostile/*.yaml, added to a copy of the real data: program 0 is valid (and hostile),
program 1 is the same with a javascript: website.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import http.server
import json
import threading
from html.parser import HTMLParser
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
import yaml
from conftest import FIXTURES, ROOT, copy_project, run_mkdocs

from generator import indexes
from generator.dataset import load_dataset

HOSTILE_DIR = FIXTURES / "hostile"
HOSTILE = HOSTILE_DIR / "programs.yaml"
PID = "hostile-markup-richmond"
VOCABULARY = ("sources", "therapies", "conditions")

# Fragments that would be live markup if a value were printed unescaped (or parsed as Markdown) anywhere in a page.
RAW_FRAGMENTS = [
    "<script>alert",
    "<img src=x",
    "<svg onload",
    "</script><script>",
    "</title><script>",
    "<b>Bold</b>",
    "<!-- comment -->",
    "' onmouseover='",
    "<iframe",
    '<div markdown="1"',
    "<details markdown",
    '<abbr title="An evil',
    '<abbr title="evil',
    'tracker.example.net/pixel.png"',
]
# Text that would appear if a data field had made pymdownx.snippets include a repository file.
INCLUDED_FILES = ["constraints.txt` pins every Python package", "site_name: IOP Finder", "markdown_extensions:"]


def hostile_records(collection: str = "programs") -> list[dict]:
    return yaml.safe_load((HOSTILE_DIR / f"{collection}.yaml").read_text(encoding="utf-8"))[collection]


def add_hostile_vocabularies(data_dir) -> None:
    """Append the hostile condition, therapy and source to a data folder's files, exactly as written."""
    for collection in VOCABULARY:
        hostile = (HOSTILE_DIR / f"{collection}.yaml").read_text(encoding="utf-8")
        items = hostile.split(f"\n{collection}:\n", 1)[1]
        path = data_dir / f"{collection}.yaml"
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + items, encoding="utf-8")


# The hostile program's state's license lookup, as a maintainer could write it: every value a page prints.
HOSTILE_LOOKUP = {
    "agency": '<img src=x onerror=alert(4)> Licensing "Office" & Co',
    "how": "Call us'><script>alert(5)</script> at {{ 7*7 }}.",
    "number_parameter": "l",
}


def add_hostile_license_lookup(data_dir) -> None:
    path = data_dir / "license_lookups.yaml"
    lookups = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(e for e in lookups["license_lookups"] if e["state"] == "VA")
    entry.update(HOSTILE_LOOKUP, page="search")
    path.write_text(yaml.safe_dump(lookups, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    add_hostile_vocabularies(project / "data")
    add_hostile_license_lookup(project / "data")
    normal = yaml.safe_load((ROOT / "data" / "programs.yaml").read_text(encoding="utf-8"))["programs"][:2]
    programs = [hostile_records()[0]] + normal
    (project / "data" / "programs.yaml").write_text(
        yaml.safe_dump({"programs": programs}, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8"
    )
    for extra in (project / "data" / "programs").glob("*.yaml") if (project / "data" / "programs").is_dir() else []:
        extra.unlink()
    return project


def test_validation_rejects_the_javascript_website_with_the_exact_message(hostile_project):
    ds = load_dataset(hostile_project / "data", root=ROOT, today=dt.date.today(), program_files=[HOSTILE])
    messages = [str(p) for p in ds.errors]
    assert len(messages) == 1, messages
    assert messages[0].startswith("tests/fixtures/hostile/programs.yaml:")
    assert messages[0].endswith(
        'programs[1].website: must start with https:// or http://, got "javascript:alert(1)" '
        "(other kinds of links are not allowed)"
    ), messages[0]
    line = int(messages[0].split(":")[1])
    assert HOSTILE.read_text(encoding="utf-8").splitlines()[line - 1].strip().startswith("website: ")
    # Everything else about the hostile records is acceptable data: it must be shown, not refused.
    assert [p["id"] for p in ds.programs] == [PID]
    assert "hostile-condition" in ds.conditions and "hostile-therapy" in ds.therapies
    assert "hostile-source" in ds.sources


# --- The site built with the hostile records -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_site(hostile_project):
    out = hostile_project / "site-out"
    result = run_mkdocs(hostile_project, out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out, hostile_project


@pytest.fixture(scope="module")
def hostile():
    return hostile_records()[0]


@pytest.fixture(scope="module")
def condition():
    return hostile_records("conditions")[0]


@pytest.fixture(scope="module")
def therapy():
    return hostile_records("therapies")[0]


@pytest.fixture(scope="module")
def source():
    return hostile_records("sources")[0]


class Page(HTMLParser):
    """A page's visible text, its title, meta tags and headings, and anything in it that could run script."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.live: list[str] = []
        self.json_ld: list[str] = []
        self.meta: dict[str, str] = {}
        self.title = ""
        self.headings: list[str] = []
        self.topic = ""
        self._script: str | None = None
        self._capture: list[str] | None = None
        self._in = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        values = dict(attrs)
        for name, value in attrs:
            self.attrs.append((tag, name, value or ""))
            if name.startswith("on"):
                self.live.append(f"<{tag} {name}={value!r}>")
            if (
                name in ("href", "src", "action", "formaction")
                and (value or "").strip().lower().startswith(("javascript:", "data:", "vbscript:"))
                and value != "javascript:void(0)"
            ):
                self.live.append(f"<{tag} {name}={value!r}>")
        if tag in ("iframe", "object", "embed") or (tag == "img" and not (values.get("src") or "").startswith("data:")):
            self.live.append(f"<{tag} {values}>")
        if tag == "meta":
            key = values.get("property") or values.get("name")
            if key:
                self.meta[key] = values.get("content", "")
        if tag == "script":
            kind = values.get("type", "")
            self._script = "ld" if kind == "application/ld+json" else ("src" if values.get("src") else "inline")
            self._buffer = []
        if tag in ("title", "h1", "h2") or values.get("data-md-component") == "header-topic":
            self._capture, self._in = [], tag if tag in ("title", "h1", "h2") else "topic"

    def handle_endtag(self, tag):
        if tag == "script" and self._script:
            body = "".join(self._buffer)
            if self._script == "ld":
                self.json_ld.append(body)
            elif "alert(" in body:
                self.live.append(f"<script>{body[:80]}")
            self._script = None
        if self._capture is not None and (tag == self._in or (self._in == "topic" and tag == "div")):
            text = " ".join("".join(self._capture).split())
            if self._in == "title":
                self.title = text
            elif self._in == "topic":
                self.topic = self.topic or text
            else:
                self.headings.append(text.rstrip("¶").strip())
            self._capture = None

    def handle_data(self, data):
        if self._script:
            self._buffer.append(data)
            return
        self.text.append(data)
        if self._capture is not None:
            self._capture.append(data)

    @property
    def visible(self) -> str:
        return "".join(self.text)


def read_page(site, url: str) -> Page:
    return Page((site / url / "index.html").read_text(encoding="utf-8"))


def shown_values(p: dict) -> dict[str, str]:
    """Each hostile value the program page prints, as the reader must see it."""
    return {
        "name": p["name"],
        "organization": p["organization"],
        "summary": p["summary"],
        "street": p["address"]["street"],
        "city": p["address"]["city"],
        "details": p["schedule"]["details"],
        "insurer 1": p["insurers"][0],
        "insurer 2": p["insurers"][1],
        "director": p["medical_director"]["name"],
        "source": p["source"],
        "license": p["licenses"][0]["number"],
        "website": p["website"],
    }


def _assert_safe(page: Page, where: str) -> None:
    assert page.live == [], f"{where}: live script from data: {page.live}"


def test_no_hostile_fragment_is_live_markup_anywhere(hostile_site):
    site, _ = hostile_site
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        html = path.read_text(encoding="utf-8")
        where = path.relative_to(site).as_posix()
        for fragment in RAW_FRAGMENTS + INCLUDED_FILES:
            assert fragment not in html, f"{where}: unescaped {fragment!r}"
        _assert_safe(Page(html), where)


def test_program_page_shows_every_value_literally(hostile_site, hostile, condition, therapy):
    site, _ = hostile_site
    page = read_page(site, f"programs/{PID}")
    for field, value in shown_values(hostile).items():
        assert value in page.visible, f"program page does not show the {field} literally: {value!r}"
    assert condition["name"] in page.visible and therapy["name"] in page.visible
    assert ("a", "href", hostile["website"]) in page.attrs
    assert page.meta["description"].startswith(hostile["summary"][:80]), "the meta description lost the summary"
    assert page.title == f"{hostile['name']} - IOP Finder"
    assert page.meta["og:title"] == hostile["name"] and page.headings[0] == hostile["name"]
    _assert_safe(page, "program page")


def test_verification_links_and_the_report_email_show_hostile_values_as_text(hostile_site, hostile):
    """The license lookup's agency and instructions and the license number reach the page as text, and the
    addresses they fill in are percent-encoded, never new parameters or markup."""
    site, _ = hostile_site
    page = read_page(site, f"programs/{PID}")
    number = hostile["licenses"][0]["number"]
    assert f"Check on {HOSTILE_LOOKUP['agency']} (dbhds.virginia.gov, leaves IOP Finder)" in page.visible
    assert HOSTILE_LOOKUP["how"] in page.visible
    assert f"It opens with “{number}” filled in." in page.visible
    hrefs = [value for tag, name, value in page.attrs if tag == "a" and name == "href"]
    lookup = next(h for h in hrefs if h.startswith("https://dbhds.virginia.gov/"))
    assert lookup.endswith("?l=" + quote(number, safe=""))
    mailto = next(h for h in hrefs if h.startswith("mailto:"))
    assert "<" not in mailto and '"' not in mailto and " " not in mailto
    assert unquote(mailto.split("subject=", 1)[1].split("&", 1)[0]) == f"Problem with {hostile['name']} ({PID})"
    _assert_safe(page, "program page")


def test_program_json_ld_parses_and_keeps_every_name(hostile_site, hostile, condition):
    site, _ = hostile_site
    page = read_page(site, f"programs/{PID}")
    assert len(page.json_ld) == 1
    block = page.json_ld[0]
    assert "<" not in block and "\u2028" not in block and "\u2029" not in block
    data = json.loads(block)
    assert data["name"] == hostile["name"] and "description" not in data  # the meta description holds it
    assert data["parentOrganization"]["name"] == hostile["organization"]
    assert condition["name"] in data["knowsAbout"]


@pytest.mark.parametrize("kind", ["conditions", "therapies"])
def test_condition_and_therapy_pages_show_names_and_markdown_fields_as_text(hostile_site, kind, condition, therapy):
    site, _ = hostile_site
    record = condition if kind == "conditions" else therapy
    page = read_page(site, f"{kind}/{record['id']}")
    name = record["name"]
    # The name is text in <title>, the header, Open Graph tags, the heading and the listing's heading.
    assert page.title == f"{name} - IOP Finder"
    assert page.topic == name
    assert page.meta["og:title"] == name
    assert page.meta["description"] == record["summary"]
    assert page.headings[0] == name
    assert any(h.endswith(name) and h.startswith("Programs that") for h in page.headings), page.headings
    assert record["summary"] in page.visible
    # Markdown fields: every line of their hostile text is shown as text, and nothing of it became markup.
    fields = ("description", "how_iop_helps") if kind == "conditions" else ("description", "session", "helps")
    for field in fields:
        for line in record[field].splitlines():
            words = line.strip().replace("**", "").replace("`", "")
            if words and not words.startswith(("A paragraph", "[private", "{:", "- A [safe", "|---")):
                assert words.split("](")[0].lstrip("- ") in page.visible, f"{field}: {line!r} is not shown as text"
    assert "table" not in page.tags and "iframe" not in page.tags
    # The only disclosure is the crisis notice's, as on every page: none came from the data's <details>.
    ordinary = read_page(site, f"{kind}/{'depression' if kind == 'conditions' else 'cbt'}")
    assert page.tags.count("details") == ordinary.tags.count("details")
    _assert_safe(page, f"{kind} page")


def test_markdown_fields_keep_their_safe_formatting_and_drop_unsafe_links(hostile_site, therapy):
    site, _ = hostile_site
    html = (site / "therapies" / therapy["id"] / "index.html").read_text(encoding="utf-8")
    page = Page(html)
    assert '<a href="https://example.org/therapy-guide" rel="noopener noreferrer">safe link</a>' in html
    assert "<strong>bold</strong>" in html and "<em>italics</em>" in html
    assert "<li>A list item &lt;img src=x onerror=alert(27)&gt;</li>" in html
    hrefs = [v for t, n, v in page.attrs if n == "href"]
    assert not [h for h in hrefs if "127.0.0.1" in h or "tracker.example" in h or "javascript" in h], hrefs
    assert "a private link and an image pixel." in " ".join(page.visible.split())
    # The site's own abbreviations still explain data text; the data's own definition stays text.
    assert '<abbr title="Intensive outpatient program">IOP</abbr>]: An evil abbreviation definition' in html


def test_vocabulary_indexes_list_the_names_literally(hostile_site, condition, therapy):
    site, _ = hostile_site
    for kind, record in (("conditions", condition), ("therapies", therapy)):
        page = read_page(site, kind)
        at = page.visible.index(record["name"])
        assert page.visible.index(record["summary"], at) > at, kind  # the name, then its summary
        assert ("a", "href", f"{record['id']}/") in page.attrs
        _assert_safe(page, f"{kind} index")


def test_sources_footer_shows_the_source_literally(hostile_site, source):
    site, _ = hostile_site
    for url in ("conditions/hostile-condition", "therapies/hostile-therapy"):
        page = read_page(site, url)
        assert f"{source['title']}. {source['publisher']}." in page.visible, url
        assert ("a", "href", source["url"]) in page.attrs
        _assert_safe(page, url)


def test_finder_form_labels_show_vocabulary_names_literally(hostile_site, condition, therapy):
    site, _ = hostile_site
    page = read_page(site, "find")
    assert condition["name"] in page.visible and therapy["name"] in page.visible
    assert ("input", "value", condition["id"]) in page.attrs
    _assert_safe(page, "finder")


@pytest.mark.parametrize(
    "listing", ["states/va", "conditions/alcohol-use", "conditions/hostile-condition", "therapies/hostile-therapy"]
)
def test_listings_show_name_and_city_literally(hostile_site, hostile, listing):
    site, _ = hostile_site
    page = read_page(site, listing)
    assert hostile["name"] in page.visible, f"{listing} does not show the name literally"
    assert hostile["address"]["city"] in page.visible, f"{listing} does not show the city literally"
    assert any(n == "href" and v.rstrip("/").endswith(f"programs/{PID}") for _, n, v in page.attrs)
    _assert_safe(page, listing)


def test_search_data_and_exports_decode_to_the_input(hostile_site, hostile, condition, therapy):
    site, project = hostile_site
    records = [
        r
        for f in (site / "search" / "p").glob("*.json")
        for r in json.loads(f.read_text(encoding="utf-8"))["programs"]
        if r["id"] == PID
    ]
    assert len(records) == 1
    assert records[0]["n"] == hostile["name"] and records[0]["c"] == hostile["address"]["city"]
    manifest = json.loads((site / "search" / "manifest.json").read_text(encoding="utf-8"))
    assert condition["name"] in manifest["labels"]["cd"] and therapy["name"] in manifest["labels"]["th"]
    cards = [
        c
        for f in (site / "search" / "c").glob("*.json")
        for i, c in json.loads(f.read_text(encoding="utf-8"))["cards"].items()
        if i == PID
    ]
    assert [(c["n"], c["st"], c["dt"]) for c in cards] == [
        (hostile["name"], hostile["address"]["street"], hostile["schedule"]["details"])
    ]
    terms = json.loads((site / "data" / "hsds" / "taxonomy_terms.json").read_text(encoding="utf-8"))
    assert {t["name"] for t in terms} >= {condition["name"], therapy["name"]}
    exported = json.loads(gzip.decompress((site / "data" / "programs.json.gz").read_bytes()))["programs"]
    assert [p["name"] for p in exported if p["id"] == PID] == [hostile["name"]]

    # The lunr documents the index is built from carry the literal text, and the built index holds the program.
    ds = load_dataset(project / "data", root=project, today=dt.date.today())
    assert not ds.errors, ds.errors
    doc = indexes.text_document(next(p for p in ds.programs if p["id"] == PID), ds)
    assert doc["name"] == hostile["name"] + " " + hostile["organization"]
    assert doc["summary"] == hostile["summary"]
    assert doc["city"].startswith(hostile["address"]["city"])
    refs = set()
    for f in (site / "search" / "x").glob("*.json"):
        refs |= set(json.loads(f.read_text(encoding="utf-8"))["ids"])
    assert PID in refs


@pytest.mark.browser
def test_contact_card_and_csv_of_the_hostile_program_parse_back_to_its_values(
    recorder, hostile_server, hostile_site, hostile
):
    """The card "Save contact card" makes in the browser from the hostile program's page, and its CSV row."""
    import csv
    import io

    from test_referral_browser import saved_card

    site, _ = hostile_site
    r, dialogs = _watch(recorder)
    r.page.goto(f"{hostile_server}/programs/{PID}/")
    name, text, card = saved_card(r.page)
    assert name == f"{PID}.vcf" and text.count("BEGIN:VCARD") == 1 and dialogs == []
    assert card.fn.value == hostile["name"] and card.org.value == [hostile["organization"]]
    assert card.adr.value.street == hostile["address"]["street"] and card.adr.value.city == hostile["address"]["city"]
    assert card.url.value == hostile["website"]
    rows = list(csv.DictReader(io.StringIO(gzip.decompress((site / "data" / "programs.csv.gz").read_bytes()).decode())))
    row = next(r for r in rows if r["id"] == PID)
    assert (row["name"], row["address.street"], row["insurers"]) == (
        hostile["name"],
        hostile["address"]["street"],
        "; ".join(hostile["insurers"]),
    )


# --- In the browser ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_server(hostile_site):
    from quality.tools import serve

    with serve(hostile_site[0]) as origin:
        yield origin


DANGER = (
    "document.querySelectorAll('img[onerror], svg[onload], [onmouseover], [onclick], img[src=\"x\"], iframe').length"
    " + [...document.scripts].filter(s => s.type !== 'application/ld+json' && s.textContent.includes('alert(')).length"
)


def _watch(recorder):
    # The CSP is bypassed on purpose: escaping alone must keep the data inert.
    r = recorder(bypass_csp=True)
    dialogs = []
    r.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return r, dialogs


@pytest.mark.browser
def test_no_injected_script_runs_on_any_page_type(recorder, hostile_server, hostile_site):
    from quality.tools import foreign_requests, page_types, wait_for_page

    site, _ = hostile_site
    r, dialogs = _watch(recorder)
    paths = [path for _, path in page_types(site)] + [
        f"/programs/{PID}/",
        "/conditions/hostile-condition/",
        "/therapies/hostile-therapy/",
        "/find/#zip=23220&r=25&condition=hostile-condition",
        f"/list/#ids={PID}&from=23220",
    ]
    for path in paths:
        r.page.goto(hostile_server + path)
        wait_for_page(r.page, path)
        r.page.wait_for_load_state("networkidle")
        assert r.page.evaluate(DANGER) == 0, path
    assert dialogs == [], dialogs
    assert foreign_requests(r.requests, hostile_server) == []
    assert r.errors == [], r.errors


@pytest.mark.browser
def test_no_dialog_fires_on_the_program_page_the_finder_or_the_site_search(recorder, hostile_server, hostile):
    from quality.tools import FINDER_ANSWERED, wait_until

    r, dialogs = _watch(recorder)
    r.page.goto(f"{hostile_server}/programs/{PID}/")
    r.page.wait_for_load_state("load")
    assert r.page.locator("h1").first.inner_text() == hostile["name"]
    assert r.page.evaluate(DANGER) == 0

    r.page.goto(f"{hostile_server}/find/#zip=23220&r=25")
    wait_until(r.page, FINDER_ANSWERED)
    names = r.page.eval_on_selector_all(".iop-result", "els => els.map(e => e.dataset.id)")
    assert PID in names
    card = r.page.locator(f'.iop-result[data-id="{PID}"]')
    assert hostile["name"] in card.inner_text()
    assert r.page.evaluate(DANGER) == 0
    r.page.click("#f-change")
    r.page.fill("#f-q", "alert")
    r.page.press("#f-q", "Enter")
    wait_until(r.page, "location.hash.includes('q=alert')")
    wait_until(r.page, FINDER_ANSWERED)
    r.page.wait_for_timeout(300)
    assert r.page.evaluate(DANGER) == 0

    # The header search lists the hostile program (from the name index) and the hostile condition's page.
    r.page.goto(f"{hostile_server}/conditions/")
    r.page.wait_for_load_state("networkidle")
    r.page.locator("#iop-site-search-input").click()
    r.page.keyboard.type("harbor test")
    wait_until(r.page, "document.querySelector('.iop-site-search__groups').textContent.includes('<script>alert(1)')")
    names = r.page.eval_on_selector_all(".iop-site-search__name", "els => els.map(e => e.textContent)")
    assert hostile["name"] in names
    r.page.fill("#iop-site-search-input", "alert condition")
    wait_until(
        r.page, "document.querySelector('.iop-site-search__groups').textContent.includes(\"alert('condition')\")"
    )
    r.page.wait_for_timeout(300)
    assert r.page.evaluate(DANGER) == 0
    assert dialogs == [], dialogs
    assert r.errors == [], r.errors


# --- The checks bite ---------------------------------------------------------------------------------------------------


def test_hostile_checks_catch_unescaped_output(hostile, condition):
    """The same checks, on a page that prints the values raw, must fail."""
    raw = (
        f"<html><head><title>{condition['name']}</title></head><body><h1>{hostile['name']}</h1>"
        f"<p>{hostile['organization']}</p><p>{hostile['summary']}</p><p>{hostile['address']['city']}</p></body></html>"
    )
    page = Page(raw)
    with pytest.raises(AssertionError, match="live script"):
        _assert_safe(page, "raw page")
    assert hostile["name"] not in page.visible and hostile["summary"] not in page.visible
    assert page.title != condition["name"]
    assert any(fragment in raw for fragment in RAW_FRAGMENTS)


def test_safe_renderer_knows_its_small_subset_and_shows_everything_else_as_text():
    from generator.safe_markdown import literal, render

    assert render(
        "One **bold** and *soft* line\nwith `<code>`.\n\n- [A guide](https://example.org/a?b=1&c=2)\n- two\n  lines"
    ) == (
        "<p>One <strong>bold</strong> and <em>soft</em> line\nwith <code>&lt;code&gt;</code>.</p>\n"
        '<ul>\n<li><a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">A guide</a></li>\n'
        "<li>two\nlines</li>\n</ul>"
    )
    assert render("1. first\n2. second") == "<ol>\n<li>first</li>\n<li>second</li>\n</ol>"
    assert render('# Not a heading <script>alert(1)</script> {: onclick="x" }') == (
        '<p># Not a heading &lt;script&gt;alert(1)&lt;/script&gt; {: onclick="x" }</p>'
    )
    assert render("[local](http://localhost/) ![pixel](https://t.example.net/p.png) [js](javascript:x)") == (
        "<p>local pixel js</p>"
    )
    assert render(r"\*not italic\* and snake_case_name") == "<p>*not italic* and snake_case_name</p>"
    assert render(
        "IOPs and an IOP", {"IOP": "Intensive outpatient program", "IOPs": "Intensive outpatient programs"}
    ) == (
        '<p><abbr title="Intensive outpatient programs">IOPs</abbr> and an '
        '<abbr title="Intensive outpatient program">IOP</abbr></p>'
    )
    assert (
        literal('--8<-- "a" {: x } *[A]: b')
        == "&#45;&#45;8&#60;&#45;&#45; &#34;a&#34; &#123;&#58; x &#125; &#42;&#91;A&#93;&#58; b"
    )


# --- Location privacy, with and without JavaScript, across links (issue 14, item 6) ----------------------------------

ZIP = "23220"
LOCATION_QUERY = f"zip={ZIP}&near=37.55,-77.46&from={ZIP}"


@contextlib.contextmanager
def recording_server(directory):
    """The built site over local HTTP, remembering every request the server receives and its Referer header:
    what a host's logs would hold."""
    seen: list[tuple[str, str | None]] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(directory), **kwargs)

        def log_message(self, *args):
            pass

        def do_GET(self):
            seen.append((self.path, self.headers.get("Referer")))
            super().do_GET()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def _leaks(seen: list[tuple[str, str | None]], skip_first: bool) -> list:
    """Requests that carry the ZIP code or coordinates, in their address or their Referer."""
    requests = seen[1:] if skip_first else seen
    return [(path, ref) for path, ref in requests if any(v in f"{path} {ref}" for v in (ZIP, "37.55", "-77.46"))]


@pytest.fixture(scope="module")
def logged_site(site):
    with recording_server(site) as (origin, seen):
        yield origin, seen


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_link_carrying_a_location_never_passes_it_on(recorder, logged_site, site, javascript):
    """Every page type opened from a link with ?zip=, ?near= and ?from=: the one request the link itself makes is
    the only one that carries them; every request after it (stylesheets, scripts, search data, the next page)
    names neither the ZIP nor the point, and sends no Referer at all."""
    from quality.tools import page_types

    origin, seen = logged_site
    r = recorder(java_script_enabled=javascript)
    for n, (name, path) in enumerate(page_types(site)):
        base, _, fragment = path.partition("#")
        # (n makes every address new, so the browser asks the server again rather than its cache)
        url = f"{origin}{base}?n={n}&{LOCATION_QUERY}" + (f"#{fragment}" if fragment else "")
        del seen[:]
        r.page.goto(url)
        r.page.wait_for_load_state("networkidle")
        assert seen and seen[0][0].startswith(base.replace(".html", "")) and ZIP in seen[0][0], (name, seen[:1])
        assert _leaks(seen, skip_first=True) == [], (name, _leaks(seen, skip_first=True))
        assert [ref for _, ref in seen if ref] == [], (name, "a request sent a Referer")
        if javascript:  # the location moved into the fragment; what is not a location stays
            parts = urlsplit(r.page.url)
            assert parts.query == f"n={n}" and ZIP in parts.fragment, (name, r.page.url)


@pytest.mark.browser
def test_the_finder_answers_a_query_string_zip_from_the_fragment(recorder, logged_site):
    from quality.tools import FINDER_ANSWERED, wait_until

    origin, seen = logged_site
    r = recorder()
    del seen[:]
    r.page.goto(f"{origin}/find/?zip={ZIP}&r=10&condition=ptsd")
    wait_until(r.page, FINDER_ANSWERED)
    parts = urlsplit(r.page.url)
    assert parts.query == "r=10&condition=ptsd"  # what is not a location stays where the link put it
    assert parse_qs(parts.fragment)["zip"] == [ZIP]
    assert "within 10 miles of ZIP code 23220" in r.page.inner_text("#finder-status")
    assert _leaks(seen, skip_first=True) == []
    requested = [path for path, _ in seen]
    assert any(path.endswith("/search/zip/232.json") for path in requested)  # the prefix only


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_home_page_zip_box_never_sends_the_zip(recorder, logged_site, javascript):
    origin, seen = logged_site
    r = recorder(java_script_enabled=javascript)
    r.page.goto(f"{origin}/")
    r.page.wait_for_load_state("networkidle")
    del seen[:]
    r.page.fill("#home-zip", ZIP)
    r.page.click(".iop-zip-jump button[type=submit]")
    r.page.wait_for_load_state("networkidle")
    if javascript:
        assert urlsplit(r.page.url).path == "/find/" and urlsplit(r.page.url).fragment == f"zip={ZIP}&r=25"
    else:
        assert urlsplit(r.page.url).path == "/states/"  # browse by state instead
        assert "Browse programs by state" in r.page.inner_text("h1")
    assert seen, "the form went nowhere"
    assert _leaks(seen, skip_first=False) == []
    assert [ref for _, ref in seen if ref] == []


@pytest.mark.browser
def test_the_referral_list_stores_program_ids_only(recorder, logged_site, dataset):
    from quality.tools import LIST_KEY, wait_until

    origin, seen = logged_site
    r = recorder()
    r.page.goto(f"{origin}/find/#zip={ZIP}&r=25")
    r.page.wait_for_selector(".iop-result .iop-add:not([hidden])")
    first = r.page.eval_on_selector_all(".iop-result", "els => els.map(e => e.dataset.id)")[0]
    assert r.page.locator("[data-from]").count() == 0
    r.page.click(f'.iop-result[data-id="{first}"] .iop-add')
    assert json.loads(r.page.evaluate(f"localStorage.getItem('{LIST_KEY}')")) == {"ids": [first]}
    # Links made on the finder's page still carry the search's ZIP, in the fragment, for the list's distances.
    assert r.page.get_attribute("[data-list-count]", "href").endswith(f"list/#ids={first}&from={ZIP}")

    # A list saved by an older version, ZIP and all, keeps only its ids from the first page that reads it.
    r.page.evaluate(f"localStorage.setItem('{LIST_KEY}', JSON.stringify({{ids: ['{first}'], from: '{ZIP}'}}))")
    r.page.goto(f"{origin}/about/")
    r.page.wait_for_load_state("networkidle")
    assert json.loads(r.page.evaluate(f"localStorage.getItem('{LIST_KEY}')")) == {"ids": [first]}
    assert r.page.get_attribute("[data-list-count]", "href").endswith(f"list/#ids={first}")

    # A shared list link with ?from= in its query: moved into the fragment, distances still shown.
    del seen[:]
    r.page.goto(f"{origin}/list/?ids={first}&from={ZIP}")
    wait_until(r.page, "document.querySelectorAll('.iop-referral__miles').length === 1")
    assert urlsplit(r.page.url).query == "" and parse_qs(urlsplit(r.page.url).fragment)["from"] == [ZIP]
    assert _leaks(seen, skip_first=True) == []
    assert json.loads(r.page.evaluate(f"localStorage.getItem('{LIST_KEY}')")) == {"ids": [first]}


# --- The maintainer report stays near-linear on adversarial data (issue 14, item 8) --------------------------------


def legacy_likely_duplicates(programs: list[dict]) -> list:
    """The duplicate check as it was before it became near-linear: every pair within the latitude window, the
    reference the fast check must agree with."""
    import difflib

    from generator import geo, report

    ordered = sorted(programs, key=lambda p: (p["_file"], p["_line"]))
    reasons: dict[tuple[int, int], list[str]] = {}
    by_phone: dict[str, int] = {}
    for j, p in enumerate(ordered):
        if p["phone"] in by_phone:
            reasons.setdefault((by_phone[p["phone"]], j), []).append(f"same phone {p['phone']}")
        else:
            by_phone[p["phone"]] = j
    names = [report.normalised_name(p["name"]) for p in ordered]
    lat_window = report.DUPLICATE_RADIUS_MILES / 69.0
    placed = sorted((p["_point"][0], p["_point"][1], i) for i, p in enumerate(ordered) if p.get("_point"))
    for a, (lat1, lon1, i) in enumerate(placed):
        for lat2, lon2, j in placed[a + 1 :]:
            if lat2 - lat1 > lat_window:
                break
            miles = geo.haversine_miles(lat1, lon1, lat2, lon2)
            if miles > report.DUPLICATE_RADIUS_MILES:
                continue
            ratio = difflib.SequenceMatcher(None, names[i], names[j]).ratio()
            if ratio >= report.DUPLICATE_NAME_RATIO:
                reasons.setdefault((min(i, j), max(i, j)), []).append(
                    f"similar name ({ratio:.2f} alike) {miles:.2f} miles away"
                )
    found = []
    for (i, j), why in sorted(reasons.items()):
        first, second = ordered[i], ordered[j]
        found.append(
            report.Finding(
                second["_file"],
                second["_line"],
                second["_column"],
                "duplicate",
                second["id"],
                f"may be the same program as {first['id']} ({first['_file']}:{first['_line']}): "
                + " and ".join(why)
                + " (merge them, or keep both if they really differ)",
            )
        )
    return found


def adversarial_programs(count: int, seed: int, crowd_at_one_point: int) -> list[dict]:
    """Programs as the report sees them: many at one ZIP code's centre with names that differ by a letter, a word
    or nothing; some a few hundred yards away in the next grid cell; pairs across the antimeridian and at the
    pole; and shared phone numbers."""
    import random

    rng = random.Random(seed)
    words = ["Harbor", "Light", "Recovery", "Hope", "Bridge", "Path", "Way", "New", "Day", "Care", "Rise", "Oak"]
    base = (37.5494, -77.4591)
    places = (
        [base] * crowd_at_one_point
        + [(base[0] + rng.choice([-1, 1]) * 0.004, base[1] + rng.choice([-1, 0, 1]) * 0.005) for _ in range(12)]
        + [(52.0, 179.9999), (52.0, -179.9999), (89.9990, 0.0), (89.9990, 180.0), (-89.9990, 45.0), (-89.999, -135.0)]
    )
    out = []
    for n in range(count):
        lat, lon = places[n % len(places)]
        name = " ".join(rng.sample(words, 3))
        if n % 7 == 0:
            name += " IOP"
        elif n % 7 == 1:
            name = name[:-1] + rng.choice("aeiou")
        elif n % 7 == 2 and out:
            name = out[rng.randrange(len(out))]["name"]
        out.append(
            {
                "id": f"p{n:04d}",
                "name": name,
                "phone": f"804-555-{rng.randrange(40):04d}",
                "_point": (lat, lon),
                "_file": f"data/programs/{'ab'[n % 2]}.yaml",
                "_line": 2 + 20 * n,
                "_column": 5,
            }
        )
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_duplicate_check_finds_exactly_what_comparing_every_pair_finds(seed):
    from generator import report

    # Grid, cheap bounds and argument order: with no crowd limit, every pair near one another is compared.
    crowd = adversarial_programs(140, seed, crowd_at_one_point=40)
    expected = legacy_likely_duplicates(crowd)
    assert len(expected) > 40
    assert report.likely_duplicates(crowd, crowd_limit=10**9) == expected
    # Below the crowd limit (at most 50 programs near any one), the default check compares every pair too.
    small = adversarial_programs(40, seed, crowd_at_one_point=10)
    assert report.likely_duplicates(small) == legacy_likely_duplicates(small)
    assert report.crowded_places(small) == []


def test_duplicates_across_the_antimeridian_and_at_the_poles_are_found():
    from generator import report

    def program(pid, line, lat, lon):
        return {"id": pid, "name": "Polar Recovery", "phone": f"907-555-01{line:02d}", "_point": (lat, lon),
                "_file": "p.yaml", "_line": line, "_column": 5}  # fmt: skip

    programs = [
        program("east", 2, 52.0, 179.9999),
        program("west", 3, 52.0, -179.9999),
        program("north-a", 4, 89.999, 0.0),
        program("north-b", 5, 89.999, 180.0),
        program("south-a", 6, -89.999, 45.0),
        program("south-b", 7, -89.999, -135.0),
    ]
    found = report.likely_duplicates(programs)
    assert found == legacy_likely_duplicates(programs)
    assert [(f.program_id, f.message.split("): ")[1].split(" (merge")[0]) for f in found] == [
        ("west", "similar name (1.00 alike) 0.01 miles away"),
        ("north-b", "similar name (1.00 alike) 0.14 miles away"),
        ("south-b", "similar name (1.00 alike) 0.14 miles away"),
    ]


def test_a_crowd_at_one_point_is_compared_by_name_order_and_said_so():
    """Past the crowd limit, every reported pair is one that comparing every pair also finds, every program whose
    exact name came before is flagged, and the report says where names were compared only in part."""
    from generator import report

    crowd = adversarial_programs(300, 7, crowd_at_one_point=280)
    fast, slow = report.likely_duplicates(crowd), legacy_likely_duplicates(crowd)
    assert set(fast) <= set(slow) and len(fast) > len(crowd) // 3
    names = {}
    for p in sorted(crowd, key=lambda p: (p["_file"], p["_line"])):
        if p["_point"] == crowd[0]["_point"] and report.normalised_name(p["name"]) in names:
            assert p["id"] in {f.program_id for f in fast}, p
        names.setdefault(report.normalised_name(p["name"]), p)
    notes = report.crowded_places(crowd)
    assert [(n.kind, n.program_id) for n in notes] == [("crowded", "p0000")]
    at_centre = sum(p["_point"] == crowd[0]["_point"] for p in crowd)
    assert at_centre == 282  # and 12 more in the cells around it, all within about a mile
    assert notes[0].message.startswith("294 programs are listed within about a mile of this one, too many to compare")
    text = report.render_text(report.build_report(crowd_records(crowd), today=dt.date(2026, 11, 23)))
    assert ", 1 crowded places, " in text.splitlines()[-1]
    assert " among 300 programs (as of 2026-11-23); " in text.splitlines()[-1]


def crowd_records(programs: list[dict]) -> list[dict]:
    """The adversarial programs with the fields the rest of the report reads (its consistency checks too)."""
    rest = {
        "last_verified": dt.date(2026, 1, 1),
        "_positions": {},
        "focus": "mental_health",
        "conditions": ["depression"],
        "therapies": ["cbt"],
        "populations": ["adults"],
        "schedule": {"hours_per_week": 9, "days_per_week": 3, "sessions": ["day"]},
        "address": {"street": "1 Example Way", "city": "Richmond", "state": "VA", "zip": "23220"},
        "example": True,
    }
    return [{**p, **rest} for p in programs]


def test_the_adversarial_report_benchmark_runs(tmp_path, capsys):
    """bench/report_adversarial.py writes its project, runs the report and prints its figures (not timed here)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("report_adversarial", ROOT / "bench" / "report_adversarial.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--count", "300", "--keep", str(tmp_path / "project")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert ", 1 crowded places, " in lines[0]
    assert f" among 300 programs (as of {dt.date.today().isoformat()}); " in lines[0]
    assert lines[1].startswith("300 programs (one-point): `python -m generator report` took ")
    text = (tmp_path / "project" / "data" / "programs.yaml").read_text(encoding="utf-8")
    assert text.count('zip: "23220"') == 300 and "location:" not in text


# --- the Spanish pages: the Spanish text of the data (translations.es) is as hostile, and as inert ---------------


@pytest.mark.parametrize("kind", ["conditions", "therapies"])
def test_spanish_condition_and_therapy_pages_show_their_spanish_text_as_text(hostile_site, kind, condition, therapy):
    site, _ = hostile_site
    entry = condition if kind == "conditions" else therapy
    record = entry["translations"]["es"]
    page = read_page(site, f"es/{kind}/{entry['id']}")
    name = record["name"]
    assert page.title == f"{name} - IOP Finder" and page.topic == name and page.headings[0] == name
    assert page.meta["og:title"] == name and page.meta["description"] == record["summary"]
    assert any(h.endswith(name) and h.startswith("Programas que") for h in page.headings), page.headings
    fields = ("description", "how_iop_helps") if kind == "conditions" else ("description", "session", "helps")
    for field in fields:
        for line in record[field].splitlines():
            words = line.strip().replace("**", "").replace("`", "")
            if words and not words.startswith(("|---", "Un párrafo")):
                assert words.split("](")[0].lstrip("- ") in page.visible, f"{field}: {line!r} is not shown as text"
    assert "table" not in page.tags and "iframe" not in page.tags
    _assert_safe(page, f"es/{kind} page")


def test_spanish_vocabulary_indexes_list_the_spanish_names_literally(hostile_site, condition, therapy):
    site, _ = hostile_site
    for kind, record in (("conditions", condition), ("therapies", therapy)):
        spanish = record["translations"]["es"]
        page = read_page(site, f"es/{kind}")
        at = page.visible.index(spanish["name"])
        assert page.visible.index(spanish["summary"], at) > at, kind
        assert ("a", "href", f"{record['id']}/") in page.attrs
        _assert_safe(page, f"es/{kind} index")
