"""The Spanish finder, my list and compare in headless Chromium: the same searches give the same programs in the
same order as on the English pages, what the scripts write is Spanish (the rendered page is scanned for the
English interface strings), and a list made from Spanish result cards is a Spanish list, on screen and on paper."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from quality.tools import missing_tool, wait_for_page
from test_site_es import english_interface, english_left

pytestmark = pytest.mark.browser
# IOP_FINDER_LOOK=<folder> keeps the print view's PNG there, to look at.
LOOK = Path(os.environ["IOP_FINDER_LOOK"]) if os.environ.get("IOP_FINDER_LOOK") else None

# The words the page shows, as a person (or a screen reader) meets them: its text nodes and the attributes that
# name things, outside scripts and outside parts marked as another language (a program's own English words).
PAGE_WORDS = """() => {
  const out = [], lang = document.documentElement.lang;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  const skip = (el) => el.closest("script, style, [hidden], [lang]:not([lang='" + lang + "'])");
  for (let n = walker.currentNode; n; n = walker.nextNode()) {
    if (n.nodeType === 3) {
      if (!skip(n.parentElement) && n.textContent.trim()) out.push(n.textContent.replace(/\\s+/g, " ").trim());
    } else if (!skip(n)) {
      for (const a of ["aria-label", "title", "alt", "placeholder"]) if (n.getAttribute(a)) out.push(n.getAttribute(a));
    }
  }
  return out;
}"""


def result_ids(page) -> list[str]:
    return page.eval_on_selector_all(".iop-result", "els => els.map(e => e.dataset.id)")


def search(recorder, server: str, path: str):
    r = recorder()
    r.page.goto(server + path)
    wait_for_page(r.page, path)
    return r


@pytest.mark.parametrize(
    ("english", "spanish"),
    [
        ("zip=23220&r=25", "zip=23220&r=25"),
        ("zip=23220&r=100&pay=medicaid&time=evening", "zip=23220&r=100&pay=medicaid&time=evening"),
        ("zip=60601&r=50&sort=name&focus=mental_health", "zip=60601&r=50&sort=name&focus=mental_health"),
        ("st=VA&r=25", "st=VA&r=25"),
        # A word search with a Spanish twin word: a vocabulary name in each language.
        ("zip=60601&r=100&q=anxiety", "zip=60601&r=100&q=ansiedad"),
        ("zip=23220&r=100&q=depression", "zip=23220&r=100&q=depresión"),
        ("zip=23220&r=100&q=dialectical behavior", "zip=23220&r=100&q=dialéctica conductual"),
    ],
)
def test_the_same_search_finds_the_same_programs_in_the_same_order_in_both_languages(
    recorder, server, english, spanish
):
    en = search(recorder, server, "/find/#" + english)
    es = search(recorder, server, "/es/find/#" + spanish)
    ids = result_ids(en.page)
    assert ids, english  # a search that finds nothing would prove nothing
    assert result_ids(es.page) == ids
    assert en.errors == [] and es.errors == [], en.errors + es.errors
    # The cards lead to the program pages of the page's language where the site has them, else to the English.
    links = es.page.eval_on_selector_all(".iop-result__name a", "els => els.map(a => a.getAttribute('href'))")
    published = (server_site(es.page, server, "/es/programs/" + ids[0] + "/")) == 200
    folder = "/es/programs/" if published else "/programs/"
    assert all(re.search(folder + r"[a-z0-9-]+/$", href) for href in links), links


def server_site(page, server: str, path: str) -> int:
    return page.request.get(server + path).status


@pytest.mark.parametrize(
    "path",
    [
        "/es/find/#zip=23220&r=25",
        "/es/find/#zip=23220&r=25&tele=1&age=16&pop=adolescents",
        "/es/find/#zip=59457&r=5&condition=eating-disorders",  # nothing near: the help, the nearest, the video
        "/es/find/#q=noche",  # words without a place: the prompt
        "/es/find/#st=VA&r=25&sort=name",
        "/es/find/#zip=00000&r=25",  # an unknown ZIP code
        "/es/find/#zip=23220&r=7&sort=near&st=XX",  # what the link asked for that the finder does not know
    ],
)
def test_what_the_spanish_finder_writes_is_spanish(recorder, server, path):
    r = search(recorder, server, path)
    if "zip=00000" not in path and "q=noche" not in path:
        r.page.wait_for_selector("#finder-results li, .iop-empty")
    if "zip=23220&r=25" in path:
        r.page.click(".iop-results-map__toggle") if r.page.is_visible(".iop-results-map__toggle") else None
    words = r.page.evaluate(PAGE_WORDS)
    status = r.page.inner_text("#finder-status") or r.page.inner_text("#finder-where")
    assert status.strip(), path
    assert english_left(words, english_interface()) == [], path
    assert r.errors == [], r.errors


def test_spanish_cards_speak_spanish_and_mark_the_programs_own_english(recorder, server):
    r = search(recorder, server, "/es/find/#zip=23220&r=25")
    status = r.page.inner_text("#finder-status")
    assert re.fullmatch(r"Se encontraron \d+ programas a 25 millas o menos desde el código postal 23220\.", status)
    first = r.page.locator(".iop-result").first
    text = first.inner_text()
    assert re.search(r"a (menos de 0\.1|\d+\.\d) millas", text)
    for word in ("Trata", "Edades", "Horario", "Formas de pago", "Verificado por última vez el", "Agregar a mi lista"):
        assert word in text, word
    # The schedule's details are the program's own English: marked so.
    english = first.locator("dd [lang=en]")
    assert english.count() == 1 and re.search(r"\d", english.inner_text())


def test_a_stale_spanish_result_says_so_in_spanish(recorder, server):
    """The finder's cards and the list's write "may be out of date" with the same words (iop.js, IOP.staleNote)."""
    r = search(recorder, server, "/es/find/#st=NM&r=25")
    verified = r.page.inner_text('.iop-result[data-id="sagebrush-mesa-taos"] .iop-verified')
    assert (
        verified
        == "Verificado por última vez el 15 de junio de 2025. Puede que esté desactualizado: llame para confirmar"
    )
    assert r.errors == [], r.errors


def _add_two_from_spanish_results(r, server):
    r.page.goto(server + "/es/find/#zip=23220&r=25")
    wait_for_page(r.page, "/es/find/#zip=23220&r=25")
    ids = result_ids(r.page)[:2]
    for pid in ids:
        button = r.page.locator(f'[data-add-id="{pid}"]').first
        assert button.inner_text() == "Agregar a mi lista"
        button.click()
        assert button.inner_text() == "Quitar de mi lista"
    assert r.page.inner_text("#iop-list-live") == "Se agregó a su lista."
    return ids


def test_a_list_made_from_spanish_results_is_a_spanish_list_and_compares_in_spanish(recorder, server):
    r = recorder()
    ids = _add_two_from_spanish_results(r, server)
    r.page.goto(server + "/es/list/")
    wait_for_page(r.page, "/es/list/#ids=")
    r.page.wait_for_selector(".iop-referral__item")
    assert r.page.url.endswith("/es/list/#ids=" + ",".join(ids))
    assert r.page.inner_text("#referral-status") == "2 programas en esta lista."
    assert r.page.eval_on_selector_all(".iop-referral__item", "els => els.map(e => e.dataset.id)") == ids
    item = r.page.locator(".iop-referral__item").first.inner_text()
    for word in ("Teléfono:", "Trata", "Horario", "horas a la semana", "Cómo empezar", "Comparar"):
        assert word in item, word
    assert english_left(r.page.evaluate(PAGE_WORDS), english_interface()) == []
    # The list's links stay in Spanish: send, compare.
    assert "Algunos%20programas%20intensivos%20ambulatorios" in r.page.get_attribute("#referral-sms", "href")
    compare = r.page.get_attribute("#referral-compare", "href")
    assert compare.endswith("/es/compare/#ids=" + ",".join(ids))
    r.page.goto(compare)
    wait_for_page(r.page, "/es/compare/#ids=")
    assert r.page.inner_text("#compare-status") == "Se comparan 2 programas."
    heads = r.page.eval_on_selector_all("tbody th", "els => els.map(e => e.textContent)")
    assert heads[:4] == ["Teléfono", "Dónde", "Trata", "Horas"] and "Verificado por última vez el" in heads
    assert english_left(r.page.evaluate(PAGE_WORDS), english_interface()) == []
    assert r.errors == [], r.errors


def test_the_spanish_list_prints_in_spanish_on_one_page(recorder, server, tmp_path):
    r = recorder()
    ids = _add_two_from_spanish_results(r, server)
    r.page.goto(server + "/es/list/#ids=" + ",".join(ids) + "&from=23220")
    wait_for_page(r.page, "/es/list/#ids=")
    r.page.wait_for_selector("#referral-qr svg", state="attached")  # print only
    assert r.page.inner_text("#referral-status").startswith("2 programas en esta lista, con la distancia desde")
    assert re.fullmatch(r"\d{1,2} de [a-z]+ de \d{4}", r.page.inner_text("#referral-date"))
    r.page.emulate_media(media="print")
    pdf = tmp_path / "list.pdf"
    pdf.write_bytes(r.page.pdf(format="Letter", print_background=True))
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes())) == 1
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        missing_tool("pdftoppm not found (apt-get install poppler-utils)")
    subprocess.run([pdftoppm, "-png", "-r", "60", str(pdf), str(tmp_path / "list")], check=True)
    assert list(tmp_path.glob("list*.png"))
    if LOOK:
        shutil.copy(pdf, LOOK / "es-list-print.pdf")
        for png in tmp_path.glob("list*.png"):
            shutil.copy(png, LOOK / f"es-{png.name}")
    printed = r.page.evaluate(PAGE_WORDS)
    assert any("Escanee o visite" in t for t in printed) and any("Notas:" in t for t in printed)
    assert english_left(printed, english_interface()) == []
