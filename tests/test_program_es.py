"""Spanish program and state pages: the same facts as the English pages, in Spanish words, with the program's own
text in Spanish where the data has it and in English, marked as English, where it does not."""

from __future__ import annotations

import html
import re
from urllib.parse import unquote, urlsplit

import markupsafe
import pytest
import yaml
from conftest import ROOT, read

from generator import signals
from generator.languages import load

SITE_URL = "https://iop-finder.example.org/"


def esc(text: str) -> str:
    """Text as the page's templates escape it."""
    return str(markupsafe.escape(text))


TRANSLATED = ("sagebrush-mesa-taos", "sunset-arroyo-el-paso", "mangrove-light-miami")


@pytest.fixture(scope="module")
def spanish():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "#"))
    plugin = next(p["iop-finder"] for p in config["plugins"] if isinstance(p, dict) and "iop-finder" in p)
    return load(plugin["languages"], ROOT).others[0]


def article(page: str) -> str:
    return page.split("<article", 1)[1].split("</article>", 1)[0]


def test_every_program_has_a_spanish_page_with_its_facts(site, dataset):
    for p in dataset.programs:
        page = read(site, f"es/programs/{p['id']}/")
        assert '<html lang="es"' in page, p["id"]
        assert f'<link rel="canonical" href="{SITE_URL}es/programs/{p["id"]}/">' in page
        body = article(page)
        assert f"<h1>{esc(p['name'])}</h1>" in body
        assert f'href="tel:+1{p["phone"].split(" x")[0].replace("-", "")}' in body
        assert ">Señales de calidad</h2>" in body and ">Revíselo usted mismo</h2>" in body
        # The contact card is made in the browser from the page (list.js), in the page's language.
        assert 'data-vcard="' in body and '" hidden>Guardar el contacto</button>' in body
        # The printed QR code is drawn from the canonical link above (qr.js); the box holds only its name.
        assert '<div class="iop-qr-box" data-qr data-qr-label="Código QR con el enlace a esta página"></div>' in body
        # Structured data once, on the English page (its alternate).
        assert "application/ld+json" not in page and "application/ld+json" in read(site, f"programs/{p['id']}/")


def test_a_program_s_own_words_are_in_spanish_where_it_gave_them_and_marked_english_where_not(site, dataset):
    for p in dataset.programs:
        body = article(read(site, f"es/programs/{p['id']}/"))
        (summary,) = re.findall(r'<p class="iop-summary"( lang="en")?>([^<]*)</p>', body)
        own = (p.get("translations") or {}).get("es")
        if own:
            assert summary == ("", esc(own["summary"])), p["id"]
            assert "iop-in-english" not in body
            assert f"<li>Días y horas: {esc(own['schedule_details'])}</li>" in body
        else:
            assert summary == (' lang="en"', esc(p["summary"])), p["id"]
            assert '<p class="iop-in-english">El programa nos dio su descripción solo en inglés.</p>' in body
            if p["schedule"].get("details"):
                details = esc(p["schedule"]["details"])
                assert f'<li>Días y horas: <span lang="en">{details}</span></li>' in body, p["id"]
    assert {p["id"] for p in dataset.programs if p.get("translations")} == set(TRANSLATED)
    # The English page always shows the English.
    english = article(read(site, f"programs/{TRANSLATED[0]}/"))
    assert "Program in English and Spanish for adults in northern New Mexico" in english and "lang=" not in english


def test_the_signs_say_in_spanish_what_the_spanish_guide_calls_them(site, dataset, spanish):
    guide = (ROOT / "content" / "es" / "learn" / "signs-of-quality.md").read_text(encoding="utf-8")
    titles = dict((key, title) for title, key in re.findall(r"^### (.+?) \{ #([a-z-]+) \}$", guide, flags=re.M))
    assert [signals.title(s, spanish.words) for s in signals.SIGNS] == [titles[s.key] for s in signals.SIGNS]
    # The guide's three answers ("Sí", "No lo dice", "No aplica") are the page's.
    for status in signals.STATUS_TEXT:
        assert f"**{signals.status_text(status, spanish.words)}.**" in guide, status
    item = re.compile(r'<li class="iop-sign--([a-z_]+)"><strong>([^<]+): ([^<]+)\.</strong>')
    for p in dataset.programs:
        found = item.findall(read(site, f"es/programs/{p['id']}/"))
        assert [t for _, t, _ in found] == [esc(titles[s.key]) for s in signals.SIGNS], p["id"]
        assert all(words == signals.status_text(status, spanish.words) for status, _, words in found)


def test_check_links_tell_in_spanish_what_to_do_and_the_state_s_own_sentence(site, dataset):
    page = article(read(site, "es/programs/alder-fern-recovery-portland/"))
    assert (
        '<a class="iop-verify-link" href="https://www.oregon.gov/oha/BH/Providers/Pages/Licensing-Certification.aspx"'
        ' rel="noopener noreferrer">Revisar en el sitio de Oregon Health Authority, Behavioral Health Division'
        '<span class="iop-leaves"> (oregon.gov, sale de IOP Finder)</span></a>. Tenga a mano el número de licencia'
        " “OHA-SUD-2024-0219”. Llame a la oficina de licencias y certificación y dé el número de licencia.</span>"
    ) in page
    assert "Escriba “CARF-64480”." in page


def test_a_lookup_without_a_spanish_sentence_shows_the_english_one_marked_english():
    from generator import verify
    from generator.words import Words

    words = Words({"language": "es", "verify": {"have_number": "Tenga a mano el número “{number}”."}})
    entry = {"agency": "Agency", "url": "https://example.org/", "page": "agency", "how": "Call the office."}
    check = verify.license_check("OR", {"number": "A-1"}, {"OR": entry}, words)
    assert (check["how"], check["how_lang"], check["next"]) == (
        "Call the office.",
        "en",
        "Tenga a mano el número “A-1”.",
    )
    entry["translations"] = {"es": {"how": "Llame a la oficina."}}
    check = verify.license_check("OR", {"number": "A-1"}, {"OR": entry}, words)
    assert (check["how"], check["how_lang"]) == ("Llame a la oficina.", None)


def test_report_a_problem_writes_its_email_and_its_note_in_spanish(site, dataset):
    p = dataset.programs[0]
    page = read(site, f"es/programs/{p['id']}/")
    (href,) = re.findall(r'<a class="iop-report" href="([^"]+)">Informar un problema por correo electrónico</a>', page)
    query = dict(pair.split("=", 1) for pair in urlsplit(html.unescape(href)).query.split("&"))
    assert unquote(query["subject"]) == f"Problema con {p['name']} ({p['id']})"
    assert list(query) == ["subject"]
    note = "(diga qué está mal y cómo lo sabe; por favor, no comparta datos de salud)"
    assert f"Informar un problema por correo electrónico</a> {note}" in page


def test_state_pages_in_spanish_list_the_same_programs(site, dataset):
    by_state: dict[str, set[str]] = {}
    for p in dataset.programs:
        by_state.setdefault(p["address"]["state"], set()).add(p["id"])
    for state, ids in by_state.items():
        page = read(site, f"es/states/{state.lower()}/")
        assert '<html lang="es"' in page
        listed = set(re.findall(r'<li><a href="\.\./\.\./programs/([a-z0-9-]+)/">', article(page)))
        assert listed == ids, state
        assert re.search(r"<h1>Programas intensivos ambulatorios en [^<]+</h1>", page)
        assert 'aria-label="Mapa de los programas de ' in page
    texas = article(read(site, "es/states/tx/"))
    assert "<h1>Programas intensivos ambulatorios en Texas</h1>" in texas
    assert "Busque por código postal</a> para ver primero los más cercanos." in texas


def test_spanish_words_for_every_sign_and_answer_are_in_the_locale(spanish):
    """Sign titles and answers are looked up as vocabularies, which fall back to English without a word: the
    locale must hold each one."""
    vocab = spanish.words.get("vocab")
    assert set(vocab["SIGN_TITLES"]) == {s.key for s in signals.SIGNS}
    assert set(vocab["SIGN_STATUS"]) == set(signals.STATUS_TEXT)


def test_words_written_into_the_templates_give_the_pages_their_calls_give(dataset, spanish, monkeypatch):
    """templates.worded writes a template's plain words in once per language; the pages must be exactly those
    the template makes calling words() on every page."""
    from generator import pages, shells
    from generator.catalogue import Settings, make_catalogue
    from generator.templates import FOLDER, between_blocks, html_templates

    cat = make_catalogue(
        dataset, Settings.make(SITE_URL, corrections_email="fix@example.org", repo_url="https://e.org/r")
    )
    shell = shells.MARK_HEAD + shells.MARK_BODY
    written = {
        (p["id"], lang): (pages.program_body(cat, p, lang), pages.state_page(cat, p["address"]["state"], shell, lang))
        for p in dataset.programs
        for lang in (None, spanish)
    }

    def calling(name, words):  # the template as written, but for the line breaks between blocks
        return html_templates().from_string(between_blocks((FOLDER / name).read_text(encoding="utf-8")))

    monkeypatch.setattr(pages, "worded", calling)
    for (pid, lang), (body, state) in written.items():
        p = cat.by_id[pid]
        assert pages.program_body(cat, p, lang) == body, (pid, lang)
        assert pages.state_page(cat, p["address"]["state"], shell, lang) == state, (pid, lang)
    assert "Señales de calidad" in written[(dataset.programs[0]["id"], spanish)][0]
