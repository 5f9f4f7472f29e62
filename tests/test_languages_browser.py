"""The two languages in a browser: the language switch leads to the same page and keeps its fragment (a section,
a finder search, a list), pages without a twin switch to the Spanish home page, the hreflang alternates cost no
request, the Spanish self-check speaks Spanish, the Spanish crisis buttons fit a phone, and each language
searches its own pages."""

from __future__ import annotations

import re

import pytest
from quality.tools import describe_violations, run_axe, wait_until
from test_translations import SCRIPT_MESSAGES

pytestmark = pytest.mark.browser

SELF_CHECK_ES = "/es/learn/is-iop-right-for-me/"
PHONE = {"width": 390, "height": 844}
SWITCH = "a.iop-lang"


def _path(page, server: str) -> str:
    return page.url[len(server) :]


@pytest.mark.parametrize(
    ("start", "twin"),
    [
        ("/learn/is-iop-right-for-me/#withdrawal", "/es/learn/is-iop-right-for-me/#withdrawal"),
        ("/es/learn/first-day/#que-llevar", "/learn/first-day/#que-llevar"),
        ("/", "/es/"),
        ("/es/", "/"),
        ("/conditions/depression/", "/es/conditions/depression/"),
        ("/es/states/", "/states/"),
        ("/find/#zip=23220&r=25&condition=depression", "/es/find/#zip=23220&r=25&condition=depression"),
        ("/es/list/#ids=harbor-light-richmond", "/list/#ids=harbor-light-richmond"),
        ("/programs/harbor-light-richmond/#nearby", "/es/programs/harbor-light-richmond/#nearby"),
        ("/es/states/va/#richmond", "/states/va/#richmond"),
    ],
)
def test_the_switch_leads_to_the_same_page_with_its_fragment(recorder, server, start, twin):
    r = recorder()
    r.page.goto(server + start)
    r.page.click(SWITCH)
    r.page.wait_for_url(server + twin)
    assert _path(r.page, server) == twin
    assert r.errors == [], r.errors


def test_a_fragment_the_page_writes_later_goes_along_too(recorder, server):
    """The finder and the list keep their state in the fragment and rewrite it as people search (replaceState,
    no hashchange); the switch takes whatever the fragment is when it is followed, by mouse or keyboard."""
    r = recorder()
    r.page.goto(server + "/es/conditions/depression/")
    r.page.evaluate("history.replaceState(null, '', '#zip=23220&r=25')")
    r.page.click(SWITCH)
    r.page.wait_for_url(server + "/conditions/depression/#zip=23220&r=25")
    r.page.evaluate("location.hash = 'ids=a,b'")
    r.page.focus(SWITCH)
    r.page.keyboard.press("Enter")
    r.page.wait_for_url(server + "/es/conditions/depression/#ids=a,b")
    assert r.errors == [], r.errors


@pytest.mark.parametrize("start", ["/reference/data/"])
def test_a_page_without_a_twin_switches_to_the_spanish_home_page(recorder, server, start):
    r = recorder()
    r.page.goto(server + start)
    switch = r.page.locator(SWITCH)
    assert switch.inner_text() == "Español" and switch.get_attribute("lang") == "es"
    switch.click()
    r.page.wait_for_url(server + "/es/")
    assert _path(r.page, server) == "/es/"


def test_a_spanish_program_page_works_in_spanish(recorder, server):
    """Its scripts speak Spanish (the words file comes before them): the list button, the list count and the
    printed QR code's name; and it prints on one page."""
    r = recorder(viewport=PHONE)
    r.page.goto(server + "/es/programs/sunset-arroyo-el-paso/")
    add = r.page.locator('[data-add-id="sunset-arroyo-el-paso"]')
    assert add.inner_text() == "Agregar a mi lista"
    add.click()
    wait_until(r.page, "document.querySelector('[data-add-id]').getAttribute('aria-pressed') === 'true'")
    assert add.inner_text() == "Quitar de mi lista"
    assert r.page.inner_text("[data-list-count]") == "Mi lista (1)"
    r.page.emulate_media(media="print")
    code = r.page.locator(".iop-qr-box svg")
    assert code.get_attribute("aria-label") == "Código QR con el enlace a esta página"
    pdf = r.page.pdf(format="Letter")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    assert r.errors == [], r.errors


@pytest.mark.parametrize("path", ["/learn/first-day/", "/es/learn/first-day/", "/es/"])
def test_the_alternates_cost_no_request_and_stay_in_the_page(recorder, server, path):
    """Material's language selector would ask each alternate for a sitemap.xml beside it (a 404 each time);
    languages.js keeps the links out of its sight while it looks, and puts them back."""
    r = recorder()
    r.page.goto(server + path)
    r.page.wait_for_load_state("networkidle")
    assert not [url for _, url, _ in r.requests if url.endswith("sitemap.xml")], r.requests
    hreflangs = r.page.eval_on_selector_all('link[rel="alternate"][hreflang]', "ls => ls.map(l => l.hreflang)")
    assert hreflangs == ["en", "es", "x-default"]


def test_without_languages_js_the_theme_would_ask_for_sitemaps(recorder, server):
    r = recorder()
    r.page.route("**/assets/js/languages.js", lambda route: route.abort())
    r.page.goto(server + "/learn/first-day/")
    r.page.wait_for_load_state("networkidle")
    asked = sorted(url for _, url, _ in r.requests if url.endswith("sitemap.xml"))
    site = "https://iop-finder.example.org"  # the alternates' own addresses: here, another origin
    assert set(asked) == {f"{site}/es/learn/first-day/sitemap.xml", f"{site}/learn/first-day/sitemap.xml"}


# --- the Spanish self-check ------------------------------------------------------------------------------------------

# (box, first number, words the Spanish help leads with)
DANGER_ES = [
    ("sc-danger-now", "tel:911", "Llame al 911 ahora"),
    ("sc-unsafe", "tel:911", "Llame al 911 ahora"),
    ("sc-severe", "tel:911", "Llame al 911 ahora"),
    ("sc-suicide", "tel:988", "Por favor, llame o envíe un mensaje de texto al 988 ahora"),
    ("sc-others", "tel:988", "Por favor, llame o envíe un mensaje de texto al 988 ahora"),
]
ENGLISH_MESSAGES = [m.strip() for m in SCRIPT_MESSAGES if len(m.split()) >= 3]


def _no_english(text: str) -> list[str]:
    return [m for m in ENGLISH_MESSAGES if m in text]


@pytest.mark.parametrize(("box", "first", "lead"), DANGER_ES, ids=[a[0] for a in DANGER_ES])
def test_the_spanish_self_check_answers_each_danger_in_spanish(recorder, server, box, first, lead):
    r = recorder(viewport=PHONE, is_mobile=True, has_touch=True)
    r.page.goto(server + SELF_CHECK_ES)
    wait_until(r.page, "document.getElementById('self-check').dataset.selfCheckReady === 'true'")
    r.page.check(f"#{box}")
    text = r.page.inner_text("#self-check-alert")
    assert text.startswith(lead), text
    assert _no_english(text) == [], text
    calls = r.page.eval_on_selector_all("#self-check-alert a.self-check-call", "as => as.map(a => a.href)")
    assert calls[0] == first, calls
    if first == "tel:988":
        assert calls == ["tel:988", "sms:988?body=AYUDA", "https://988lifeline.org/chat/"]
        assert "Envíe AYUDA al 988" in text and "marque 2" in text
    links = r.page.eval_on_selector_all("#self-check-alert p a", "as => as.map(a => [a.textContent, a.href])")
    assert ["911", "tel:911"] in links or ["988", "tel:988"] in links, links  # the {marks} became links
    assert r.errors == [], r.errors


def test_the_spanish_summary_is_in_spanish_and_passes_axe(recorder, server):
    r = recorder()
    r.page.goto(server + SELF_CHECK_ES)
    r.page.check("#sc-severe")
    r.page.check("#sc-home")
    r.page.click(".self-check-submit button")
    summary = r.page.inner_text("#self-check-result")
    assert summary.startswith("Llame al 911 ahora"), summary
    assert "No tengo un lugar seguro y estable donde vivir." in summary  # the box's own label, from the page
    assert summary.rstrip().endswith("Esto no es un consejo médico. Hable con un profesional de la salud.")
    assert _no_english(summary) == [], summary
    r.page.uncheck("#sc-severe")
    r.page.uncheck("#sc-home")
    r.page.check("#sc-attend")
    r.page.click(".self-check-submit button")
    assert r.page.inner_text("#self-check-result").startswith("Sus respuestas coinciden")
    violations = run_axe(r.page)
    assert not violations, describe_violations(violations)


def test_the_english_self_check_still_speaks_english(recorder, server):
    r = recorder()
    r.page.goto(server + "/learn/is-iop-right-for-me/")
    r.page.check("#sc-suicide")
    assert r.page.inner_text("#self-check-alert").startswith("Please call or text 988 now")
    calls = r.page.eval_on_selector_all("#self-check-alert a.self-check-call", "as => as.map(a => a.href)")
    assert calls == ["tel:988", "sms:988", "https://988lifeline.org/chat/"]


# --- the Spanish crisis notice on a phone -----------------------------------------------------------------------------


@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("path", ["/es/", SELF_CHECK_ES, "/es/conditions/depression/"])
def test_the_spanish_crisis_buttons_are_44px_and_share_one_row(recorder, server, path, width):
    r = recorder(viewport={"width": width, "height": 800}, is_mobile=True, has_touch=True)
    r.page.goto(server + path)
    buttons = r.page.locator(".md-banner a.iop-crisis__button")
    assert buttons.all_inner_texts() == ["Llame al 988", "Envíe AYUDA al 988", "Llame al 911"]
    boxes = [b.bounding_box() for b in buttons.all()]
    assert all(b["width"] >= 44 and b["height"] >= 44 for b in boxes), boxes
    # One row: a button whose words take two lines is taller, centred on the same line as the others.
    assert len({round(b["y"] + b["height"] / 2) for b in boxes}) == 1, f"the buttons wrap onto two rows: {boxes}"
    assert max(b["x"] + b["width"] for b in boxes) <= width
    assert r.page.locator(".md-banner").bounding_box()["height"] <= 150


# --- search ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "query", "guides", "meta"),
    [
        ("/es/learn/first-day/", "recaída", "Guías y páginas", r"^\d+ resultados?\. Oprima Enter"),
        ("/", "relapse", "Guides and pages", r"^\d+ match(es)?\. Press Enter"),
    ],
)
def test_each_language_searches_its_own_pages(recorder, server, path, query, guides, meta):
    """The header search of a Spanish page speaks Spanish and finds the Spanish guides (es/search/); the English
    one finds the English guides. Program names and cities are the same in both."""
    r = recorder(viewport={"width": 1280, "height": 900})
    r.page.goto(server + path)
    r.page.wait_for_load_state("networkidle")
    r.page.click("#iop-site-search-input")
    r.page.keyboard.type(query, delay=30)
    wait_until(r.page, "document.querySelectorAll('.iop-site-search__group').length > 1")
    found = r.page.eval_on_selector_all(
        ".iop-site-search__groups a",
        "els => els.map(a => [a.closest('section').querySelector('h2').textContent, a.getAttribute('href')])",
    )
    paths = [re.sub(r"^https?://[^/]+", "", h) for g, h in found if g == guides]
    spanish = path.startswith("/es/")
    assert paths and all(p.startswith("/es/") == spanish for p in paths), found
    assert any("/learn/relapse/" in p for p in paths), paths
    assert re.match(meta, r.page.inner_text("#iop-site-search-meta")), r.page.inner_text("#iop-site-search-meta")
    label = r.page.get_attribute("#iop-site-search-input", "aria-label")
    assert label == ("Buscar programas, lugares y guías" if spanish else "Search programs, places and guides")
    assert r.errors == [], r.errors
