"""The Spanish site, built: its pages under /es/, each paired with its English page both ways (hreflang, with
x-default, and the language switch), its interface in Spanish with no English string left, its own navigation,
search index and 404 page, and the English site as it was but for the alternates and the switch.

Part 1 of the Spanish site covers the home page, the guides, about, sources, the self-check, the condition and
therapy pages and their indexes, the states index and the 404 page. `WITHOUT_TWIN` records the English pages that
have no Spanish page yet: the finder, the list and compare until they are translated, and the data reference,
which is for maintainers (kept in English: its field names and rules are the data file's own).
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import jinja2
import material
import pytest
import yaml
from conftest import ROOT, copy_project, read, run_mkdocs
from quality.tools import SITE_URL, sitemap_locs

from generator import indexes, languages, postprocess, views

# English pages with no Spanish twin yet, by path ("*": every page in that folder).
WITHOUT_TWIN = {"reference/data/"}
# Spanish pages part 1 publishes, besides every guide, condition and therapy.
SPANISH_PAGES = {
    "es/",
    "es/about/",
    "es/conditions/",
    "es/therapies/",
    "es/states/",
    "es/find/",
    "es/list/",
    "es/compare/",
}
MATERIAL = Path(material.__file__).parent / "templates"


def page_urls(site: Path) -> list[str]:
    """Every HTML page by its URL path ("", "learn/first-day/", "404.html")."""
    out = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        out.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return out


def english_pages(site: Path) -> list[str]:
    """The English pages people read: not the redirects left at a program's former addresses."""
    return [
        u
        for u in page_urls(site)
        if (u == "" or u.endswith("/") and not u.startswith("es/")) and 'http-equiv="refresh"' not in read(site, u)
    ]


def kind(url: str) -> str:
    """A page's place in WITHOUT_TWIN: its path, or its folder's pattern for program and state pages."""
    folder = url.split("/", 1)[0]
    return f"{folder}/*" if folder in ("programs", "states") and url != "states/" else url


class Head(HTMLParser):
    """A page's language, hreflang alternates, language switch, and its text and attribute words."""

    WORD_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "content", "value", "label"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.alternates: dict[str, str] = {}
        self.switch: list[dict] = []
        self.texts: list[str] = []
        self._skip: list[str] = []  # open elements whose words are not the interface's (scripts, lang="en" parts)
        self._config = False
        self.config_words: dict = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "link" and a.get("rel") == "alternate" and "hreflang" in a:
            self.alternates[a["hreflang"]] = a["href"]
        if tag == "a" and "iop-lang" in (a.get("class") or "").split():
            self.switch.append(a)
        self._config = tag == "script" and a.get("id") == "__config"
        if tag == "abbr":  # the abbreviations' meanings (includes/abbreviations-es.md) give the English on purpose
            return
        if tag in ("script", "style") or a.get("lang") not in (None, self.lang):
            if tag not in ("link", "meta", "input", "br", "img"):
                self._skip.append(tag)
            return
        if not self._skip:
            # A value is shown only on a button-like input; a checkbox's or an option's is a machine value (?time=day).
            shown = tag == "input" and a.get("type") in ("button", "submit", "reset")
            self.texts += [v for k, v in attrs if k in self.WORD_ATTRIBUTES and v and (k != "value" or shown)]

    def handle_endtag(self, tag):
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data):
        if self._config:
            self.config_words = json.loads(data).get("translations", {})
            self._config = False
        elif not self._skip and data.strip():
            self.texts.append(re.sub(r"\s+", " ", data).strip())


def head(site: Path, url: str) -> Head:
    parser = Head()
    parser.feed(read(site, url) if url.endswith("/") or url == "" else (site / url).read_text(encoding="utf-8"))
    return parser


def resolved(page_url: str, href: str) -> str:
    return urlsplit(urljoin(SITE_URL + page_url, href)).path.lstrip("/")


# --- every page and its twin -------------------------------------------------------------------------------------


def test_part_one_publishes_every_page_type_in_spanish(site, dataset):
    urls = set(page_urls(site))
    learn = {f"es/learn/{p.stem}/" for p in (ROOT / "content" / "learn").glob("*.md")}
    vocab = {f"es/{c}/{i}/" for c in ("conditions", "therapies") for i in getattr(dataset, c)}
    programs = {f"es/programs/{p['id']}/" for p in dataset.programs}
    states = {f"es/states/{p['address']['state'].lower()}/" for p in dataset.programs}
    assert SPANISH_PAGES | learn | vocab | programs | states | {"es/404.html"} == {
        u for u in urls if u.startswith("es/")
    }
    assert len(learn) == 18 and "es/learn/is-iop-right-for-me/" in learn


def test_every_english_page_has_its_spanish_page_and_back_but_those_recorded(site):
    published = set(page_urls(site))
    without = set()
    for url in english_pages(site):
        twin = "es/" + url
        if twin not in published:
            without.add(kind(url))
            continue
        for here, other, lang in ((url, twin, "en"), (twin, url, "es")):
            page = head(site, here)
            assert page.lang == lang, here
            assert page.alternates == {
                "en": SITE_URL + url,
                "es": SITE_URL + twin,
                "x-default": SITE_URL + url,
            }, here
            (switch,) = page.switch
            assert resolved(here, switch["href"]) == other, here
            other_lang = "es" if lang == "en" else "en"
            assert switch["lang"] == switch["hreflang"] == other_lang and "data-iop-same-page" in switch, here
    assert without == WITHOUT_TWIN, "pages without a Spanish twin: update WITHOUT_TWIN (part 2 shrinks it)"


def test_a_page_without_a_twin_has_no_alternates_and_switches_to_the_spanish_home(site):
    checked = 0
    for url in english_pages(site):
        if kind(url) not in WITHOUT_TWIN:
            continue
        page = head(site, url)
        assert page.alternates == {}, url
        (switch,) = page.switch
        assert resolved(url, switch["href"]) == "es/" and "data-iop-same-page" not in switch, url
        assert switch["lang"] == "es" and page.lang == "en", url
        checked += 1
    assert checked == len(WITHOUT_TWIN)  # one page each: no folder of pages is left without its twins


def test_the_404_pages_switch_to_the_other_language_s_home(site):
    english, spanish = head(site, "404.html"), head(site, "es/404.html")
    assert (english.lang, spanish.lang) == ("en", "es")
    assert english.alternates == spanish.alternates == {}
    assert [s["href"] for s in english.switch] == ["/es/"] and [s["href"] for s in spanish.switch] == ["/./"]
    assert "No encontramos esta página" in spanish.texts and "We could not find that page" in english.texts
    assert "Content-Security-Policy" in (site / "es" / "404.html").read_text(encoding="utf-8")


# --- the interface in Spanish ----------------------------------------------------------------------------------------

# English words that Spanish writes the same: names, numbers, and letters.
SAME_IN_SPANISH = {"IOP Finder", "Material for MkDocs", "988lifeline.org", "988lifeline.org/chat", "IOP", "ASL"}
# Material's words that are settings, not words (its language code, text direction, search settings).
THEME_SETTINGS = re.compile(r"language|direction|search\.config\..*")


def _template_texts(path: Path) -> list[str]:
    """The English written in a template: its text between tags, and its words in aria-label, title and alt."""
    source = path.read_text(encoding="utf-8")
    out = []
    for node in jinja2.Environment().parse(source).find_all(jinja2.nodes.TemplateData):
        data = re.sub(r'<span lang="[a-z]+">[^<]*</span>', " ", node.data)  # already in another language
        out += re.findall(r'(?:aria-label|title|alt)="([^"{]+)"', data)
        out += re.split(r"<[^>]*>", re.sub(r"<[^>]*$|^[^<]*>", " ", data))
    return out


def english_interface() -> set[str]:
    """Every English string of the interface, read from where it is written, so the list cannot go stale: the
    English the code and templates give for each word (languages.word_uses), the English markup of the theme
    override (crisis notice, quick links, sources aside) and of the generator's templates, Material's English
    words, the page scripts' English (IOP.t), and the English of mkdocs.yml (its navigation, description and
    footer note)."""
    paths = [*(ROOT / "generator").glob("*.py"), *(ROOT / "generator" / "templates").iterdir()]
    paths += list((ROOT / "overrides").rglob("*.html"))
    paths += list((ROOT / "overrides" / "assets" / "js").glob("*.js"))  # what the scripts write, IOP.t(...)
    strings: list[str] = []
    for use in languages.word_uses(paths, ROOT):
        strings += use.english if isinstance(use.english, list) else [use.english or ""]
    for path in [ROOT / "overrides" / "main.html", *(ROOT / "generator" / "templates").iterdir()]:
        strings += _template_texts(path)
    theme = (MATERIAL / "partials" / "languages" / "en.html").read_text(encoding="utf-8")
    spanish = (MATERIAL / "partials" / "languages" / "es.html").read_text(encoding="utf-8")
    strings += [
        v
        for k, v in re.findall(r'"([a-z.]+)": "([^"]*)"', theme)
        if f'"{k}": "{v}"' not in spanish and not THEME_SETTINGS.fullmatch(k)
    ]
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "#"))
    strings += [config["site_description"], config["copyright"], postprocess.SEARCH_LABEL, views.STALE_NOTE]

    def titles(items):
        for item in items:
            for title, value in item.items() if isinstance(item, dict) else []:
                yield title
                yield from titles(value) if isinstance(value, list) else []

    strings += list(titles(config["nav"]))
    out = set()
    for text in strings:
        text = re.sub(r"\s+", " ", text)
        for part in re.split(r"\{\w+\}|\[|\]\([^)]*\)|(?<=[.?!]) ", text) + [text]:
            part = part.strip(" .,:;()")
            if re.search(r"[A-Za-z]{2}", part) and part not in SAME_IN_SPANISH and "{" not in part:
                out.add(part)
    return out


def english_left(texts: list[str], english: set[str]) -> list[str]:
    """The English strings found among a page's texts: a whole text equal to one, or a text holding a phrase of
    four words or more (shorter ones, like "intensive outpatient program", the Spanish gives in parentheses)."""
    found = []
    for text in texts:
        found += [e for e in english if text == e or (len(e.split()) >= 4 and e in text)]
    return found


def test_the_english_interface_list_holds_every_kind_of_string():
    english = english_interface()
    for expected in ("In crisis?", "Call 988", "More ways to reach help", "Find a program", "Quick links", "Sources",
                     "Last reviewed", "Skip to content", "Made with", "Search this site", "Previous", "Learn",
                     "What it is", "programs in the directory", "No programs listed yet", "Conditions IOPs treat",
                     "We could not find that page", "It is not medical advice", "Talk to a clinician about your own care",
                     "May be out of date — call to confirm", "last verified"):  # fmt: skip
        assert any(expected in e for e in english), expected
    assert len(english) > 150


def test_the_scan_finds_english_left_on_a_page():
    english = english_interface()
    texts = ["Más formas de pedir ayuda", "Call 988", "Lea esto: Talk to a clinician about your own care. Gracias"]
    assert sorted(english_left(texts, english)) == ["Call 988", "Talk to a clinician about your own care"]


def test_no_english_interface_string_is_left_on_a_spanish_page(site):
    english = english_interface()
    spanish = [u for u in page_urls(site) if u.startswith("es/")]
    assert len(spanish) > 50
    left = {}
    for url in spanish:
        page = head(site, url)
        found = english_left(page.texts + list(page.config_words.values()), english)
        if found:
            left[url] = sorted(set(found))
    assert left == {}


def test_the_spanish_crisis_notice_gives_988_in_spanish_and_911(site):
    html = read(site, "es/learn/first-day/")
    notice = html[html.index('<div class="iop-crisis') : html.index("</div>", html.index("iop-crisis__print"))]
    assert '<a class="iop-crisis__button" href="tel:988">Llame al 988</a>' in notice
    assert '<a class="iop-crisis__button" href="sms:988?body=AYUDA">Envíe AYUDA al 988</a>' in notice
    assert 'href="tel:911">Llame al 911</a>' in notice
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", notice))
    assert "llame al 988 y marque 2, o envíe la palabra AYUDA por mensaje de texto al 988" in text
    assert "Para español, marque 2 o envíe AYUDA" in text and "En una emergencia, llame al 911" in text


def test_spanish_listings_say_in_spanish_that_an_old_listing_may_be_out_of_date(site, dataset):
    import datetime as dt

    old = next(p for p in dataset.programs if views.is_stale(p, dt.date.today()))
    day = old["last_verified"]
    months = languages.load({"en": "English", "es": "Español"}, ROOT).others[0].words("page_sources.months")
    note = (
        '<span class="iop-stale">Puede que esté desactualizado: llame para confirmar '
        f"(verificado por última vez el {day.day} de {months[day.month - 1]} de {day.year})</span>"
    )
    for condition in old["conditions"]:
        assert note in read(site, f"es/conditions/{condition}/"), condition
        assert "May be out of date" not in read(site, f"es/conditions/{condition}/")
    assert f"(last verified {views.long_date(day)})" in read(site, f"conditions/{old['conditions'][0]}/")


def test_source_titles_in_english_are_marked_so_on_spanish_pages(site):
    html = read(site, "es/learn/levels-of-care/")
    aside = html[html.index('<aside class="iop-page-sources"') :]
    assert '<li lang="en"><a href="https://store.samhsa.gov/product/tip-63' in aside
    assert '<li><a href="https://medlineplus.gov/spanish/ency/article/000766.htm"' in aside


# --- navigation, links, search ----------------------------------------------------------------------------------------


def test_the_spanish_nav_lists_the_spanish_pages_in_the_site_s_order(site):
    html = read(site, "es/learn/first-day/")
    nav = html[html.index('data-md-type="navigation"') : html.index('data-md-type="toc"')]
    nav = re.sub(r'<nav class="md-nav md-nav--secondary".*?</nav>', "", nav, flags=re.S)  # the page's own sections
    targets = [resolved("es/learn/first-day/", href) for href in re.findall(r'<a href="([^"#]+)"', nav)]
    assert targets and all(t.startswith("es/") for t in targets), targets
    titles = [re.sub(r"\s+", " ", t).strip() for t in re.findall(r'<span class="md-ellipsis">([^<]+)<', nav)]
    titles = [t for t in titles if t]
    assert titles[:4] == ["Inicio", "Buscar un programa", "Guías", "¿Qué es un IOP?"], titles
    for title in ("Problemas de salud", "Terapias", "Ver por estado", "Su privacidad", "Mi lista", "Sobre IOP Finder"):
        assert title in titles, title


def test_spanish_pages_link_to_the_spanish_finder_and_to_english_pages_not_published_yet(site):
    home = read(site, "es/")
    assert 'data-zip-jump="find/"' in home and 'action="states/"' in home
    assert '<a href="find/">Buscar un programa</a>' in home  # the quick link
    condition = read(site, "es/conditions/depression/")
    assert 'href="../../find/?condition=depression"' in condition
    # The listing's programs: their Spanish pages, beside the condition page's own folder.
    assert re.search(r'<li><a href="\.\./\.\./programs/[a-z0-9-]+/">', condition)
    assert not re.search(r'href="\.\./\.\./\.\./programs/', condition)


def test_each_language_searches_its_own_pages(site):
    english = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    spanish = json.loads((site / "es" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert english["config"] == spanish["config"]
    assert not [d for d in english["docs"] if d["location"].startswith("es/")]
    locations = {d["location"].split("#")[0] for d in spanish["docs"]}
    assert {"", "learn/first-day/", "about/"} <= locations
    assert all((site / "es" / loc / "index.html").is_file() for loc in locations)
    assert not [loc for loc in locations if re.match(r"(conditions|therapies)/.", loc)]  # kept out, like the English


# --- the English site as it was ---------------------------------------------------------------------------------------

SWITCH_AND_ALTERNATES = (
    # Each on its own line, or joined to the tag before it where only blocks meet (templates.between_blocks).
    re.compile(r'\n?[ \t]*<link rel="alternate" hreflang="[^"]+" href="[^"]+">'),
    re.compile(r'\n?[ \t]*<a class="iop-lang" [^\n]*?</a>'),
    re.compile(r'\n?[ \t]*<script src="[^"]*assets/js/languages\.js" defer></script>'),
)


@pytest.fixture(scope="module")
def english_only_site(tmp_path_factory) -> Path:
    """The site built with English alone: no Spanish pages, locale or language setting."""
    project = copy_project(tmp_path_factory.mktemp("english-only"))
    shutil.rmtree(project / "content" / "es")
    (project / "locales" / "es.yaml").unlink()
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("        es: Español\n", "")
    config.write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("english-only-site")
    result = run_mkdocs(project, out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_the_english_pages_are_the_english_only_site_s_but_for_alternates_and_the_switch(site, english_only_site):
    english_only = {p.relative_to(english_only_site).as_posix() for p in english_only_site.rglob("*") if p.is_file()}
    assert not [p for p in english_only if p.startswith("es/")]
    differ = []
    for rel in sorted(english_only):
        alone, both = (english_only_site / rel).read_bytes(), (site / rel).read_bytes()
        if rel.endswith(".html"):
            stripped = both.decode("utf-8")
            for pattern in SWITCH_AND_ALTERNATES:
                stripped = pattern.sub("", stripped)
            both = stripped.encode("utf-8")
        if alone != both and rel not in ("sitemap.xml", "sitemaps/1.xml.gz"):
            differ.append(rel)
    assert differ == []
    alone = (english_only_site / "learn" / "first-day" / "index.html").read_text(encoding="utf-8")
    assert 'hreflang="es"' not in alone and "iop-lang" not in alone and "languages.js" not in alone


def test_the_sitemap_lists_the_spanish_pages_too(site):
    locs = {loc for _, loc in sitemap_locs(site)}
    for url in (
        "es/",
        "es/learn/first-day/",
        "es/conditions/depression/",
        "es/states/",
        "es/programs/sagebrush-mesa-taos/",
    ):
        assert f"{SITE_URL}{url}" in locs, url


# --- the Spanish finder's files ------------------------------------------------------------------------------------


def _word_matches(site: Path, folder: str, typed: list[str], code: str) -> set[str]:
    found = set()
    for path in sorted((site / folder / "search" / "x").glob("*.json")):
        found |= indexes.matches(json.loads(path.read_text(encoding="utf-8")), typed, code)
    return found


def test_spanish_word_indexes_find_by_the_spanish_names_what_the_english_find_by_the_english(site):
    pairs = [
        (["anxiety"], ["ansiedad"]),
        (["depression"], ["depresión"]),
        (["depression"], ["DEPRESION"]),  # accents and case do not matter
        (["bipolar", "disorder"], ["trastornos", "bipolares"]),  # plurals reach the same index words
        (["dialectical"], ["dialéctica"]),
    ]
    for english, spanish in pairs:
        ids = _word_matches(site, "", english, "en")
        assert ids, english
        assert _word_matches(site, "es", spanish, "es") == ids, (english, spanish)
    # The Spanish indexes hold the Spanish names, not the English ones: "anxiety" finds only the programs whose own
    # name holds the word (names are searched as written, in every language).
    by_name = _word_matches(site, "es", ["anxiety"], "es")
    assert by_name == {"birchwood-anxiety-ocd-evanston"} and by_name < _word_matches(site, "", ["anxiety"], "en")
    # Place files are the site's: no second copy of the records or ZIP tables under es/.
    assert not (site / "es" / "search" / "p").exists() and not (site / "es" / "search" / "zip").exists()
    assert {p.name for p in (site / "es" / "search" / "x").glob("*.json")} == {
        p.name for p in (site / "search" / "x").glob("*.json")
    }


def test_the_spanish_list_reads_the_shared_cards_with_its_own_words(site):
    """One card set (search/c/) serves both lists: the Spanish one writes its facts from the cards' codes with the
    words file's labels, one for every value of every manifest list, and the program pages' sentences the cards
    need (tests/test_referral_browser.py checks what the list then shows)."""
    assert not (site / "es" / "search" / "c").exists()
    script = (site / "assets" / "js" / "words-es.js").read_text(encoding="utf-8")
    words = json.loads(script.split("window.IOP_WORDS = ", 1)[1].rstrip().rstrip(";"))
    manifest = json.loads((site / "search" / "manifest.json").read_text(encoding="utf-8"))
    assert {k: len(v) for k, v in words["labels"].items()} == {k: len(v) for k, v in manifest["vocab"].items()}
    ways = dict(zip(manifest["vocab"]["iw"], words["labels"]["iw"]))
    assert ways["walk_in"] == "Llegue sin cita: no necesita cita"
    assert words["card_words"] == {
        "stale_note": "Puede que esté desactualizado: llame para confirmar",
        "extension": ", extensión {ext}",
    }
