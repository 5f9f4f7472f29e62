"""Referral features in headless Chromium: my list, shared list links, print to one page, redirects."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from conftest import ROOT
from quality.tools import wait_for_page

from generator import geo, languages, model, views

pytestmark = pytest.mark.browser


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def list_ids(page):
    page.wait_for_function(
        "(document.getElementById('referral-status') || {textContent: ''}).textContent.match(/in this list|empty/)"
    )
    return page.eval_on_selector_all(".iop-referral__item", "els => els.map(e => e.dataset.id)")


def test_three_programs_added_from_finder_and_pages_open_in_a_fresh_browser(recorder, server, dataset):
    r = recorder(permissions=["clipboard-read", "clipboard-write"])
    third = next(p["id"] for p in dataset.programs if p["address"]["state"] == "IL")
    r.page.goto(f"{server}/programs/{third}/")
    r.page.click(f'[data-add-id="{third}"]')
    assert r.page.get_attribute(f'[data-add-id="{third}"]', "aria-pressed") == "true"
    assert r.page.inner_text("[data-list-count]") == "My list (1)"
    r.page.goto(f"{server}/find/#zip=23220&r=25")
    r.page.wait_for_selector(".iop-result .iop-add")
    results = r.page.eval_on_selector_all(".iop-result", "els => els.map(e => e.dataset.id)")
    first, second = results[0], results[2]
    r.page.click(f'.iop-result[data-id="{first}"] .iop-add')
    r.page.click(f'.iop-result[data-id="{second}"] .iop-add')
    assert r.page.inner_text(f'.iop-result[data-id="{first}"] .iop-add') == "Remove from my list"
    assert r.page.inner_text("[data-list-count]") == "My list (3)"
    # The list keeps ids only; the search's ZIP goes only into links made on the finder's page.
    assert r.page.evaluate("JSON.parse(localStorage.getItem('iop-finder-list'))") == {"ids": [third, first, second]}
    r.page.click("[data-list-count]")
    r.page.wait_for_url(re.compile(r"/list/#ids="))
    assert list_ids(r.page) == [third, first, second]
    fragment = parse_qs(urlsplit(r.page.url).fragment)
    assert fragment == {"ids": [f"{third},{first},{second}"], "from": ["23220"]}
    r.page.click("#referral-copy")
    link = r.page.evaluate("navigator.clipboard.readText()")

    fresh = recorder()
    fresh.page.goto(link)
    assert list_ids(fresh.page) == [third, first, second]
    miles = fresh.page.eval_on_selector_all(".iop-referral__miles", "els => els.map(e => e.textContent)")
    z = geo.zip_table()["23220"]
    by_id = {p["id"]: p for p in dataset.programs}
    for pid, text in zip([third, first, second], miles):
        want = geo.geodesic_miles((z.lat, z.lon), by_id[pid]["_point"])
        shown_miles = 0.0 if text.startswith("less than") else float(text.split()[0])
        assert shown_miles == pytest.approx(want, abs=0.5)
        assert text.endswith("miles from ZIP code 23220")
    assert fresh.page.evaluate("localStorage.getItem('iop-finder-list')") is None


def test_list_link_with_query_ids_works_without_stored_state(recorder, server, dataset):
    ids = [p["id"] for p in dataset.programs[:2]]
    r = recorder()
    r.page.goto(f"{server}/list/?ids={','.join(ids)}")
    assert list_ids(r.page) == ids
    assert r.page.locator(".iop-referral__miles").count() == 0


def test_every_program_page_prints_on_one_letter_and_one_a4_page(recorder, server, dataset):
    r = recorder()
    for p in dataset.programs:
        r.page.goto(f"{server}/programs/{p['id']}/")
        r.page.emulate_media(media="print")
        for size in ("Letter", "A4"):
            assert pdf_pages(r.page.pdf(format=size, print_background=True)) == 1, (p["id"], size)
        assert r.page.locator(".iop-qr-box svg").is_visible()
        assert r.page.locator(".md-sidebar--primary").is_hidden()
        assert r.page.locator("#nearby").is_hidden()
        assert "Call or text 988" in r.page.inner_text(".md-banner")


def test_the_printed_qr_code_of_a_program_page_decodes_to_its_address(recorder, server, dataset):
    """qr.js draws each program page's code in the browser (the pages carry only its address); it must scan back
    to the page's public address, and be named for screen readers."""
    import io

    import zxingcpp
    from PIL import Image

    r = recorder(viewport={"width": 800, "height": 1000})
    for p in dataset.programs[:4]:
        r.page.goto(f"{server}/programs/{p['id']}/")
        r.page.emulate_media(media="print")
        code = r.page.locator(".iop-qr-box svg")
        code.wait_for()
        assert code.get_attribute("aria-label") == "QR code linking to this page"
        r.page.eval_on_selector(".iop-qr-box", "box => { box.style.width = '300px'; box.style.height = '300px'; }")
        r.page.eval_on_selector(".iop-qr-box svg", "svg => { svg.style.width = '300px'; svg.style.height = '300px'; }")
        image = Image.open(io.BytesIO(code.screenshot())).convert("L")
        assert [c.text for c in zxingcpp.read_barcodes(image)] == [
            f"https://iop-finder.example.org/programs/{p['id']}/"
        ], p["id"]


def test_program_page_prints_without_javascript(recorder, server):
    r = recorder(java_script_enabled=False)
    r.page.goto(f"{server}/programs/harbor-light-richmond/")
    r.page.emulate_media(media="print")
    assert pdf_pages(r.page.pdf(format="Letter")) == 1
    assert r.page.locator("[data-add-id]").is_hidden()


def test_old_program_url_lands_on_the_new_page(recorder, server, dataset):
    renamed = next(p for p in dataset.programs if p.get("former_ids"))
    r = recorder()
    r.page.goto(f"{server}/programs/{renamed['former_ids'][0]}/")
    r.page.wait_for_url(f"{server}/programs/{renamed['id']}/")
    assert r.page.locator("h1").first.inner_text() == renamed["name"]


EDIT_PAGE = """() => {
  // What the sample data lacks: an extension, no website, no organization (each page still reads as the data says).
  document.querySelector(".iop-call").setAttribute("href", "tel:+18045550101;ext=12");
  document.querySelector(".iop-facts a[rel~='nofollow']").closest("dd").remove();
  document.querySelector("[data-vcard]").setAttribute("data-vcard", "");
}"""


@pytest.mark.parametrize(
    ("folder", "labels"),
    [
        ("", ("Phone: ", ", extension ", "Address: ", "Website: ", "(Example listing: not a real provider.)")),
        ("es/", ("Teléfono: ", ", extensión ", "Dirección: ", "Sitio web: ", "(Ficha de ejemplo: no es un proveedor real.)")),
    ],
)  # fmt: skip
def test_copy_details_puts_the_page_s_contact_details_on_the_clipboard(recorder, server, dataset, folder, labels):
    """ "Copy details" writes what the page shows, read from the page itself, in the page's language."""
    phone, extension, address, website, example = labels
    r = recorder(permissions=["clipboard-read", "clipboard-write"])

    def copied() -> list[str]:
        label = r.page.inner_text("[data-copy]")
        r.page.click("[data-copy]")
        r.page.wait_for_function("label => document.querySelector('[data-copy]').textContent !== label", arg=label)
        return r.page.evaluate("navigator.clipboard.readText()").split("\n")

    for p in dataset.programs[:3]:
        r.page.goto(f"{server}/{folder}programs/{p['id']}/")
        a = p["address"]
        assert copied() == [
            p["name"],
            phone + p["phone"],
            f"{address}{a['street']}, {a['city']}, {a['state']} {a['zip']}",
            website + p["website"],
            example,
        ], p["id"]
    r.page.wait_for_timeout(2600)  # the button's label comes back
    r.page.evaluate(EDIT_PAGE)
    lines = copied()
    assert lines[1] == f"{phone}804-555-0101{extension}12" and not any(line.startswith(website) for line in lines)
    assert r.errors == [], r.errors


def saved_card(page):
    import vobject

    with page.expect_download() as info:
        page.click("[data-vcard]")
    download = info.value
    with open(download.path(), encoding="utf-8", newline="") as f:
        text = f.read()
    return download.suggested_filename, text, vobject.readOne(text)


@pytest.mark.parametrize(("folder", "details"), [("", "Details: "), ("es/", "Detalles: ")])
def test_save_contact_card_downloads_the_program_s_card_made_from_its_page(recorder, server, dataset, folder, details):
    r = recorder()
    for p in [dataset.programs[0], *[p for p in dataset.programs if p.get("email")][:2]]:
        r.page.goto(f"{server}/{folder}programs/{p['id']}/")
        name, text, card = saved_card(r.page)
        assert name == f"{p['id']}.vcf"
        assert text.endswith("END:VCARD\r\n") and "\n" not in text.replace("\r\n", "")
        assert card.fn.value == p["name"] and card.org.value == [p["organization"]]
        assert card.tel.value == "+1-" + p["phone"]
        a = p["address"]
        assert (card.adr.value.street, card.adr.value.city, card.adr.value.region, card.adr.value.code) == (
            a["street"], a["city"], a["state"], a["zip"])  # fmt: skip
        assert card.url.value == p["website"]
        assert ("email" in card.contents) == bool(p.get("email")) and card.email.value == p.get(
            "email", card.email.value
        )
        page_url = f"https://iop-finder.example.org/{folder}programs/{p['id']}/"
        assert card.note.value.endswith(f". {details}{page_url}") and p["name"] not in card.note.value, p["id"]
    r.page.evaluate(EDIT_PAGE)
    _, _, card = saved_card(r.page)
    assert card.tel.value == "+1-804-555-0101;ext=12" and card.org.value == [p["name"]] and "url" not in card.contents
    assert r.errors == [], r.errors


def test_the_page_s_buttons_are_reached_by_keyboard_and_hidden_without_javascript(recorder, server):
    r = recorder()
    r.page.goto(f"{server}/programs/harbor-light-richmond/")
    r.page.focus("[data-print]")
    r.page.keyboard.press("Tab")
    assert r.page.evaluate("document.activeElement.hasAttribute('data-vcard')")
    with r.page.expect_download() as info:
        r.page.keyboard.press("Enter")
    assert info.value.suggested_filename == "harbor-light-richmond.vcf"
    off = recorder(java_script_enabled=False)
    off.page.goto(f"{server}/programs/harbor-light-richmond/")
    for button in ("[data-copy]", "[data-vcard]", "[data-print]"):
        assert off.page.locator(button).is_hidden(), button  # no button that cannot work


def test_pages_work_under_their_content_security_policy(recorder, server):
    r = recorder(bypass_csp=False)
    r.page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    for url in (
        "/",
        "/find/#zip=60614&r=25&q=anxiety",
        "/programs/harbor-light-richmond/",
        "/list/",
        "/learn/is-iop-right-for-me/",
        "/conditions/ptsd/",
        "/states/va/",
    ):
        r.page.goto(server + url)
        r.page.wait_for_load_state("networkidle")
        assert r.page.evaluate("window.__csp") == [], url
    assert r.errors == []


# --- The cards say what the program pages' words say ---------------------------------------------------------------
# The list and compare write each card from codes (search/c/, one set for every language). These programs cover
# the cases: a stale listing with its own Spanish days and times, intake ways and hours, ages 13 to 17, a program
# that gives no ages, new-patient status or intake, and one whose Spanish details differ from its English.
CHOSEN = [
    "sagebrush-mesa-taos",
    "harbor-light-richmond",
    "riverbend-teen-richmond",
    "albany-park-wellness-chicago",
    "sunset-arroyo-el-paso",
]
SITE_URL = "https://iop-finder.example.org/"  # mkdocs.yml site_url: emails name pages at the public address

CARDS_SHOWN = """() => [...document.querySelectorAll('.iop-referral__item')].map(li => ({
  id: li.dataset.id,
  name: li.querySelector('h2').innerText,
  href: li.querySelector('h2 a').getAttribute('href'),
  lines: li.querySelector('.iop-referral__lines').innerText,
  facts: [...li.querySelectorAll('dt')].map(dt => [dt.textContent, dt.nextElementSibling.textContent]),
  english: [...li.querySelectorAll('[lang=en]')].map(e => e.textContent),
  verified: li.querySelector('.iop-verified').textContent,
  day: li.querySelector('.iop-verified time').getAttribute('datetime'),
  directions: (li.querySelector('.iop-directions') || {href: null}).href,
}))"""
TABLE_SHOWN = """() => ({
  heads: [...document.querySelectorAll('#compare-table thead th')].map(th => th.innerText),
  rows: [...document.querySelectorAll('#compare-table tbody tr')].map(tr =>
    [...tr.children].map(c => c.textContent)),
  english: [...document.querySelectorAll('#compare-table [lang=en]')].map(e => e.textContent),
})"""


def _language(folder: str):
    return next(lang for lang in languages.load({"en": "English", "es": "Español"}, ROOT).all if lang.folder == folder)


def expected_card(p: dict, lang, conditions: dict, today) -> dict:
    """What a list card and a comparison column say of a program in a language, written here from the record and
    the locale's words, independently of list.js (the words the cards used when the build wrote them out)."""
    words = lang.words

    def vocab(name: str, value: str, short: bool = False) -> str:
        text = words.vocab(name, value, getattr(model, name)[value])
        return views.short_label(text) if short else text

    schedule, a = p["schedule"], p["address"]
    sessions = ", ".join(vocab("SESSIONS", s) for s in schedule["sessions"])
    own = (p.get("translations") or {}).get(lang.code, {}) if lang.translated else {"schedule_details": None}
    details = own.get("schedule_details") or (None if lang.translated else schedule.get("details"))
    english = schedule.get("details") if lang.translated and not details else None
    ages = p.get("ages")
    if not ages:
        ages_text = None
    elif "max" not in ages:
        ages_text = words.fill("finder.ages_up", "{low} and older", low=ages["min"])
    elif ages["min"] == ages["max"]:
        ages_text = words.fill("finder.ages_only", "{low} only", low=ages["min"])
    else:
        ages_text = words.fill("finder.ages_range", "{low} to {high}", low=ages["min"], high=ages["max"])
    new = p.get("new_patients")
    intake = p.get("intake") or {}
    start = [vocab("INTAKE_WAYS", w) for w in intake.get("ways", [])]
    if intake.get("hours"):
        start.append(words.fill("list.intake_hours", "intake hours {hours}", hours=intake["hours"]))
    stale = views.is_stale(p, today)
    return {
        "focus": vocab("FOCUS", p["focus"]),
        "times": f"{sessions}: {details}" if details else sessions,
        "english": english,
        "schedule": words.fill(
            "list.schedule",
            "{hours} hours a week, {days} days",
            hours=f"{schedule['hours_per_week']:g}",
            days=schedule["days_per_week"],
        ),
        "ages": ages_text,
        "medications": ", ".join(vocab("MEDICATIONS", m, short=True) for m in p.get("medications", [])) or None,
        "languages": ", ".join(vocab("LANGUAGES", c) for c in p["languages"]),
        "payment": ", ".join(vocab("PAYMENT", v, short=True) for v in p["payment"]),
        "conditions": ", ".join(
            (conditions[c].get("translations", {}).get(lang.code, {}) if lang.translated else {}).get(
                "name", conditions[c]["name"]
            )
            for c in p["conditions"]
        ),
        "new_patients": words.fill(
            "finder.new_patients",
            "{status} (confirmed {date})",
            status=vocab("NEW_PATIENTS", new["status"]),
            date=lang.date(new["confirmed"]),
        )
        if new
        else None,
        "start": "; ".join(start) or None,
        "verified": lang.date(p["last_verified"]),
        "stale": words("pages.listing.stale_note", views.STALE_NOTE) if stale else None,
        "address": f"{a['street']}, {a['city']}, {a['state']} {a['zip']}",
        "directions": None if p.get("telehealth_only") else views.directions_url(a),
    }


@pytest.mark.parametrize("folder", ["", "es/"])
def test_list_cards_say_what_the_program_pages_words_say(recorder, server, dataset, folder):
    """Every fact of a list card, its links and the email's page addresses, in the page's language, as written
    from the record and the locale here; a program's own Spanish days and times on the Spanish list."""
    lang = _language(folder)
    words = lang.words
    r = recorder()
    path = f"/{folder}list/#ids={','.join(CHOSEN)}"
    r.page.goto(server + path)
    wait_for_page(r.page, path)
    shown = r.page.evaluate(CARDS_SHOWN)
    by_id = {p["id"]: p for p in dataset.programs}
    nr = words("finder.not_reported", "not reported")
    assert [c["id"] for c in shown] == CHOSEN
    for card in shown:
        p = by_id[card["id"]]
        want = expected_card(p, lang, dataset.conditions, dt.date.today())
        times = f"{want['times']}, {want['schedule']}" + (f" ({want['english']})" if want["english"] else "")
        assert card["facts"] == [
            [words("finder.treats", "Treats"), want["focus"]],
            [words("finder.ages", "Ages"), want["ages"] or nr],
            [words("finder.times", "Times"), times],
            [words("finder.medications", "Medications"), want["medications"] or nr],
            [words("finder.languages", "Languages"), want["languages"]],
            [words("finder.payment", "Pays with"), want["payment"]],
            [words("finder.new_patients_heading", "New patients"), want["new_patients"] or nr],
            [words("list.start", "How to start"), want["start"] or nr],
        ], p["id"]
        assert card["english"] == ([want["english"]] if want["english"] else [])
        assert card["name"] == p["name"] + " " + words("finder.example", "Example")
        assert card["href"].endswith(f"/{folder}programs/{p['id']}/")
        assert card["lines"].split("\n") == [
            words("list.phone", "Phone:") + " " + p["phone"],
            want["address"],
            words("list.website", "Website:") + " " + p["website"],
        ]
        note = f". {want['stale']}" if want["stale"] else "."
        assert card["verified"] == f"{words('iop.last_verified', 'Last verified')} {want['verified']}{note}"
        assert card["day"] == p["last_verified"].isoformat() and card["directions"] == want["directions"]
    assert any(c["english"] for c in shown) == bool(folder)  # the Spanish list marks the English it shows
    email = unquote(r.page.get_attribute("#referral-email", "href"))
    assert [line.strip() for line in email.split("\r\n") if line.startswith("   http")] == [
        f"{SITE_URL}{folder}programs/{pid}/" for pid in CHOSEN
    ]
    assert r.errors == [], r.errors


@pytest.mark.parametrize("folder", ["", "es/"])
def test_compare_says_what_the_program_pages_words_say(recorder, server, dataset, folder):
    """Each row of the comparison, in the page's language, as written from the records and the locale here."""
    lang = _language(folder)
    words = lang.words
    ids = CHOSEN[:4]
    r = recorder()
    path = f"/{folder}compare/#ids={','.join(ids)}"
    r.page.goto(server + path)
    wait_for_page(r.page, path)
    shown = r.page.evaluate(TABLE_SHOWN)
    by_id = {p["id"]: p for p in dataset.programs}
    want = [expected_card(by_id[i], lang, dataset.conditions, dt.date.today()) for i in ids]
    example = words("finder.example", "Example")
    assert shown["heads"] == [by_id[i]["name"] + " " + example for i in ids]
    nr = words("finder.not_reported", "not reported")

    def video(p: dict) -> str:
        if p.get("telehealth_only"):
            return words("compare.video_only", "Every session is by video")
        if p["telehealth"]:
            return words("compare.video_some", "Some or all sessions")
        return words("compare.video_no", "No, in person")

    def row(key: str, english: str, cells: list) -> list:
        return [words(key, english)] + [c or nr for c in cells]

    assert shown["rows"] == [
        row("compare.phone", "Phone", [by_id[i]["phone"] for i in ids]),
        row("compare.where", "Where", [f"{by_id[i]['address']['city']}, {by_id[i]['address']['state']}" for i in ids]),
        row("finder.treats", "Treats", [w["focus"] for w in want]),
        row("compare.hours", "Hours", [w["schedule"] for w in want]),
        row("finder.times", "Times", [w["times"] + (f" ({w['english']})" if w["english"] else "") for w in want]),
        row("finder.ages", "Ages", [w["ages"] for w in want]),
        row("compare.conditions", "Conditions", [w["conditions"] for w in want]),
        row("finder.medications", "Medications", [w["medications"] for w in want]),
        row("compare.payment", "Payment", [w["payment"] for w in want]),
        row("finder.languages", "Languages", [w["languages"] for w in want]),
        row("compare.video", "Video sessions", [video(by_id[i]) for i in ids]),
        row("finder.new_patients_heading", "New patients", [w["new_patients"] for w in want]),
        row("list.start", "How to start", [w["start"] for w in want]),
        row(
            "iop.last_verified",
            "Last verified",
            [w["verified"] + (f". {w['stale']}" if w["stale"] else "") for w in want],
        ),
    ]
    assert shown["english"] == [w["english"] for w in want if w["english"]]
    assert r.errors == [], r.errors
