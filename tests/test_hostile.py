"""Hostile data: a program whose fields hold markup, template syntax, right-to-left text and emoji is shown literally,
escaped, on every page and in the search data; a javascript: website is rejected by validation.

The fixture is tests/fixtures/hostile/programs.yaml: program 0 is valid (and hostile), program 1 is the same with a
javascript: website.
"""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser

import pytest
import yaml
from conftest import FIXTURES, ROOT, copy_project, run_mkdocs

from generator import indexes
from generator.dataset import load_dataset

HOSTILE = FIXTURES / "hostile" / "programs.yaml"
PID = "hostile-markup-richmond"

# Fragments that would be live markup if a value were printed unescaped anywhere in a page.
RAW_FRAGMENTS = [
    "<script>alert",
    "<img src=x",
    "<svg onload",
    "</script><script>",
    "<b>Bold</b>",
    "<!-- comment -->",
    "' onmouseover='",
]


def hostile_records() -> list[dict]:
    return yaml.safe_load(HOSTILE.read_text(encoding="utf-8"))["programs"]


def test_validation_rejects_the_javascript_website_with_the_exact_message():
    ds = load_dataset(ROOT / "data", root=ROOT, today=dt.date.today(), program_files=[HOSTILE])
    messages = [str(p) for p in ds.errors]
    assert len(messages) == 1, messages
    assert messages[0].startswith("tests/fixtures/hostile/programs.yaml:")
    assert messages[0].endswith(
        'programs[1].website: must start with https:// or http://, got "javascript:alert(1)" '
        "(other kinds of links are not allowed)"
    ), messages[0]
    line = int(messages[0].split(":")[1])
    assert HOSTILE.read_text(encoding="utf-8").splitlines()[line - 1].strip().startswith("website: ")
    # Everything else about the hostile program is acceptable data: it must be shown, not refused.
    assert [p["id"] for p in ds.programs] == [PID]


# --- The site built with the hostile program -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    normal = yaml.safe_load((ROOT / "data" / "programs.yaml").read_text(encoding="utf-8"))["programs"][:2]
    programs = [hostile_records()[0]] + normal
    (project / "data" / "programs.yaml").write_text(
        yaml.safe_dump({"programs": programs}, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8"
    )
    for extra in (project / "data" / "programs").glob("*.yaml") if (project / "data" / "programs").is_dir() else []:
        extra.unlink()
    out = project / "site-out"
    result = run_mkdocs(project, out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out, project


@pytest.fixture(scope="module")
def hostile():
    return hostile_records()[0]


class Page(HTMLParser):
    """A page's visible text, and anything in it that could run script."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.live: list[str] = []
        self.json_ld: list[str] = []
        self._script: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            self.attrs.append((tag, name, value or ""))
            if name.startswith("on"):
                self.live.append(f"<{tag} {name}={value!r}>")
            if (
                name in ("href", "src", "action")
                and (value or "").strip().lower().startswith("javascript:")
                and value != "javascript:void(0)"
            ):
                self.live.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            kind = dict(attrs).get("type", "")
            self._script = "ld" if kind == "application/ld+json" else ("src" if dict(attrs).get("src") else "inline")
            self._buffer = []

    def handle_endtag(self, tag):
        if tag == "script" and self._script:
            body = "".join(self._buffer)
            if self._script == "ld":
                self.json_ld.append(body)
            elif "alert(" in body:
                self.live.append(f"<script>{body[:80]}")
            self._script = None

    def handle_data(self, data):
        if self._script:
            self._buffer.append(data)
        else:
            self.text.append(data)

    @property
    def visible(self) -> str:
        return "".join(self.text)


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
        for fragment in RAW_FRAGMENTS:
            assert fragment not in html, f"{where}: unescaped {fragment!r}"
        _assert_safe(Page(html), where)


def test_program_page_shows_every_value_literally(hostile_site, hostile):
    site, _ = hostile_site
    page = Page((site / "programs" / PID / "index.html").read_text(encoding="utf-8"))
    for field, value in shown_values(hostile).items():
        assert value in page.visible, f"program page does not show the {field} literally: {value!r}"
    assert ("a", "href", hostile["website"]) in page.attrs
    titles = [v for t, n, v in page.attrs if n == "content"]
    assert any(hostile["summary"][:80] in v for v in titles), "the meta description lost or mangled the summary"
    _assert_safe(page, "program page")


def test_program_json_ld_parses_and_keeps_the_name(hostile_site, hostile):
    site, _ = hostile_site
    html = (site / "programs" / PID / "index.html").read_text(encoding="utf-8")
    page = Page(html)
    for block in page.json_ld:  # JSON-LD is optional; when present it must be safe and exact
        assert "</script" not in block.lower() and "<!--" not in block
        data = json.loads(block)
        assert data["name"] == hostile["name"]
        assert data.get("description", hostile["summary"]) == hostile["summary"]


@pytest.mark.parametrize(
    "listing", ["states/va", "conditions/alcohol-use", "conditions/depression", "therapies/cbt", "therapies/dbt"]
)
def test_listings_show_name_and_city_literally(hostile_site, hostile, listing):
    site, _ = hostile_site
    page = Page((site / listing / "index.html").read_text(encoding="utf-8"))
    assert hostile["name"] in page.visible, f"{listing} does not show the name literally"
    assert hostile["address"]["city"] in page.visible, f"{listing} does not show the city literally"
    assert ("a", "href", f"../../programs/{PID}/") in page.attrs or any(
        n == "href" and v.rstrip("/").endswith(f"programs/{PID}") for _, n, v in page.attrs
    )
    _assert_safe(page, listing)


def test_search_data_decodes_to_the_input(hostile_site, hostile):
    site, project = hostile_site
    records = [
        r
        for f in (site / "search" / "p").glob("*.json")
        for r in json.loads(f.read_text(encoding="utf-8"))["programs"]
        if r["id"] == PID
    ]
    assert len(records) == 1
    assert records[0]["n"] == hostile["name"] and records[0]["c"] == hostile["address"]["city"]
    tele = json.loads((site / "search" / "t" / "VA.json").read_text(encoding="utf-8"))["programs"]
    assert [r["n"] for r in tele if r["id"] == PID] == [hostile["name"]]

    # The lunr documents the index is built from carry the literal text, and the built index holds the program.
    ds = load_dataset(project / "data", root=project, today=dt.date.today())
    assert not ds.errors, ds.errors
    doc = indexes.text_document(next(p for p in ds.programs if p["id"] == PID), ds)
    assert doc["name"] == hostile["name"] + " " + hostile["organization"]
    assert doc["summary"] == hostile["summary"]
    assert doc["city"].startswith(hostile["address"]["city"])
    refs = set()
    for f in (site / "search" / "x").glob("*.json"):
        refs |= {ref.split("/", 1)[1] for ref, _ in json.loads(f.read_text(encoding="utf-8"))["fieldVectors"]}
    assert PID in refs


# --- In the browser ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_server(hostile_site):
    from quality.tools import serve

    with serve(hostile_site[0]) as origin:
        yield origin


DANGER = "document.querySelectorAll('img[onerror], svg[onload], [onmouseover], img[src=\"x\"]').length"


@pytest.mark.browser
def test_no_dialog_fires_on_the_program_page_or_the_finder(recorder, hostile_server, hostile):
    from quality.tools import FINDER_ANSWERED, wait_until

    # The CSP is bypassed on purpose: escaping alone must keep the data inert.
    r = recorder(bypass_csp=True)
    dialogs = []
    r.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
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
    r.page.fill("#f-q", "alert")
    r.page.press("#f-q", "Enter")
    wait_until(r.page, "location.hash.includes('q=alert')")
    wait_until(r.page, FINDER_ANSWERED)
    r.page.wait_for_timeout(300)
    assert r.page.evaluate(DANGER) == 0
    assert dialogs == [], dialogs
    assert r.errors == [], r.errors


# --- The checks bite ---------------------------------------------------------------------------------------------------


def test_hostile_checks_catch_unescaped_output(hostile):
    """The same checks, on a page that prints the values raw, must fail."""
    raw = (
        f"<html><body><h1>{hostile['name']}</h1><p>{hostile['organization']}</p>"
        f"<p>{hostile['summary']}</p><p>{hostile['address']['city']}</p></body></html>"
    )
    page = Page(raw)
    with pytest.raises(AssertionError, match="live script"):
        _assert_safe(page, "raw page")
    assert hostile["name"] not in page.visible and hostile["summary"] not in page.visible
    assert any(fragment in raw for fragment in RAW_FRAGMENTS)
