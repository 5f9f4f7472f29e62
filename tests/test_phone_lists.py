"""Referral coordinators and phones, in headless Chromium on the built sample site: a list sends itself (sms:,
mailto: per RFC 6068, the device's share sheet), prints with its link, a QR code that scans back to it, the date
and room for notes; two to four programs compare in a real table on screen and on paper; Get directions is a plain
link to the person's own maps app; clearing the list asks first; every page type fits a phone from 320 to 430 px
(no sideways scrolling, phone numbers on one line, tap targets of 24 px, call buttons of 44 px); a helpful 404."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from quality.tools import page_types, wait_for_page

from generator import views

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LISTED = "document.getElementById('referral-status').textContent.match(/in this list/)"
# Null-safe: right after a click on the list's compare link the old page may still be the one evaluated.
COMPARED = "(document.getElementById('compare-status') || {textContent: ''}).textContent.match(/Comparing/)"


def some_programs(dataset, n: int) -> list[dict]:
    """n programs in Richmond, VA with a street address, the first of them with a phone extension if any."""
    near = [p for p in dataset.programs if p["address"]["city"] == "Richmond" and not p.get("telehealth_only")]
    assert len(near) >= n
    return near[:n]


def open_list(page, server, programs, zip_code: str = "23220"):
    ids = ",".join(p["id"] for p in programs)
    page.goto(f"{server}/list/#ids={ids}&from={zip_code}")
    page.wait_for_function(LISTED)
    return f"{server}/list/#ids={ids}&from={zip_code}"


# --- Sending a list --------------------------------------------------------------------------------------------------


def test_a_list_sends_itself_by_text_email_and_the_share_sheet(recorder, server, dataset):
    programs = some_programs(dataset, 3)
    r = recorder(viewport=PHONE, is_mobile=True, has_touch=True)
    # A phone's share sheet, recorded instead of opened (headless Chromium has none).
    r.page.add_init_script("navigator.share = d => { window.__shared = d; return Promise.resolve(); };")
    link = open_list(r.page, server, programs)
    assert r.page.url == link

    sms = r.page.get_attribute("#referral-sms", "href")
    assert sms.startswith("sms:?&body=")
    assert unquote(sms.split("body=", 1)[1]) == f"Some intensive outpatient programs from IOP Finder: {link}"

    mailto = r.page.get_attribute("#referral-email", "href")
    # RFC 6068: nothing but unreserved characters and percent-escapes in the header values.
    assert re.fullmatch(r"mailto:\?subject=[A-Za-z0-9%._~*'()!-]+&body=[A-Za-z0-9%._~*'()!-]+", mailto), mailto
    fields = parse_qs(urlsplit(mailto).query, keep_blank_values=True)
    assert fields["subject"] == ["Programs from IOP Finder"]
    body = fields["body"][0]
    assert "\r\n" in body and "\n" not in body.replace("\r\n", "")
    for i, p in enumerate(programs, 1):
        name = f"{i}. {p['name']}" + (" (Example listing: not a real program.)" if p.get("example") else "")
        url = f"https://iop-finder.example.org/programs/{p['id']}/"
        assert f"{name}\r\n   Phone: {views.phone_text(p['phone'])}\r\n   {url}\r\n" in body, p["id"]
    assert body.endswith(f"See the whole list: {link}\r\n\r\nIn crisis? Call or text 988. In an emergency, call 911.")

    share = r.page.locator("#referral-share")
    assert share.is_visible()
    share.click()
    shared = r.page.evaluate("window.__shared")
    assert shared == {
        "title": "Programs from IOP Finder",
        "text": "Some intensive outpatient programs from IOP Finder",
        "url": link,
    }
    assert r.errors == []


def test_without_a_share_sheet_the_share_button_stays_hidden(recorder, server, dataset):
    r = recorder(viewport=PHONE)
    r.page.add_init_script("delete Navigator.prototype.share;")
    open_list(r.page, server, some_programs(dataset, 2))
    assert r.page.locator("#referral-share").is_hidden()
    assert r.page.locator("#referral-sms").is_visible() and r.page.locator("#referral-email").is_visible()


def test_the_printed_list_carries_its_link_a_qr_code_that_scans_the_date_and_room_for_notes(recorder, server, dataset):
    import zxingcpp
    from PIL import Image

    programs = some_programs(dataset, 3)
    r = recorder(viewport={"width": 1280, "height": 900})
    link = open_list(r.page, server, programs)
    r.page.emulate_media(media="print")
    assert r.page.locator("#referral-tools").is_hidden()  # buttons are for the screen
    assert r.page.inner_text("#referral-url") == link
    today = dt.date.today()
    assert r.page.inner_text("#referral-date") == f"{today:%B} {today.day}, {today.year}"
    notes = r.page.locator(".iop-notes-lines")
    assert notes.count() == len(programs) and all(notes.nth(i).is_visible() for i in range(len(programs)))
    assert all(notes.nth(i).bounding_box()["height"] >= 40 for i in range(len(programs)))  # ruled lines to write on
    qr = r.page.locator("#referral-qr svg")
    assert qr.is_visible() and qr.get_attribute("aria-label") == "QR code linking to this list"
    image = Image.open(io.BytesIO(qr.screenshot(scale="device"))).convert("L")
    found = zxingcpp.read_barcodes(image.resize((image.width * 2, image.height * 2)))
    assert [f.text for f in found] == [link]
    pdf = r.page.pdf(format="Letter")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000


def test_clearing_the_list_asks_first(recorder, server, dataset):
    programs = some_programs(dataset, 2)
    r = recorder(viewport=PHONE)
    r.page.goto(f"{server}/list/")
    r.page.evaluate(
        "ids => localStorage.setItem('iop-finder-list', JSON.stringify({ids}))", [p["id"] for p in programs]
    )
    r.page.reload()
    r.page.wait_for_function(LISTED)
    r.page.click("#referral-clear")
    assert r.page.inner_text("#referral-clear-question") == (
        "Remove all 2 programs from your list? This cannot be undone."
    )
    assert r.page.evaluate("document.activeElement.id") == "referral-clear-no"
    r.page.click("#referral-clear-no")
    assert r.page.locator("#referral-clear-ask").is_hidden()
    assert r.page.locator(".iop-referral__item").count() == 2
    assert "ids" in r.page.evaluate("localStorage.getItem('iop-finder-list')")
    r.page.click("#referral-clear")
    r.page.click("#referral-clear-yes")
    assert r.page.evaluate("JSON.parse(localStorage.getItem('iop-finder-list')).ids") == []
    assert r.page.locator(".iop-referral__item").count() == 0
    assert r.page.inner_text("#referral-status").startswith("Your list is cleared.")


# --- Comparing programs ------------------------------------------------------------------------------------------


def test_ticked_programs_compare_in_a_real_table_on_screen_and_on_paper(recorder, server, dataset):
    programs = some_programs(dataset, 3)
    r = recorder(viewport=PHONE)
    open_list(r.page, server, programs)
    boxes = r.page.locator("[data-compare-id]")
    assert [boxes.nth(i).is_checked() for i in range(3)] == [True, True, True]
    boxes.nth(2).uncheck()
    href = r.page.get_attribute("#referral-compare", "href")
    assert href.endswith(f"/compare/#ids={programs[0]['id']},{programs[1]['id']}&from=23220")
    boxes.nth(1).uncheck()
    assert r.page.locator("#referral-compare").is_hidden()
    assert r.page.inner_text("#referral-compare-help") == (
        "Tick 2 to 4 programs above, then compare their schedules, ages, payment and more in one table."
    )
    boxes.nth(1).check()
    boxes.nth(2).check()
    r.page.click("#referral-compare")
    r.page.wait_for_function(COMPARED)
    assert r.page.inner_text("#compare-status") == "Comparing 3 programs, with distances from ZIP code 23220."

    table = r.page.locator("table.iop-compare__table")
    assert table.locator("caption").inner_text() == "3 programs side by side"
    cols = table.locator("thead th[scope=col]")
    assert cols.count() == 3  # one per program (the corner above the row headers is not a header)
    assert [cols.nth(i).inner_text().replace(" Example", "") for i in range(3)] == [p["name"] for p in programs]
    rows = table.locator("tbody th[scope=row]").all_inner_texts()
    for fact in ("Hours", "Times", "Ages", "Conditions", "Medications", "Payment", "Languages", "Distance"):
        assert fact in rows, fact
    assert rows[-1] == "Last verified"
    assert table.locator("tbody tr").first.locator("td").count() == 3
    verified = table.locator("tbody tr").last.locator("td time")
    assert verified.all_inner_texts() == [views.long_date(p["last_verified"]) for p in programs]
    # The page itself never scrolls sideways on a phone: the table's own frame does.
    assert r.page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    r.page.emulate_media(media="print")
    assert table.is_visible() and table.locator("tbody th[scope=row]").first.is_visible()
    box = table.bounding_box()
    assert box["width"] <= r.page.viewport_size["width"] + 1
    assert r.errors == []


def test_a_comparison_link_with_one_program_asks_for_more(recorder, server, dataset):
    r = recorder(viewport=PHONE)
    r.page.goto(f"{server}/compare/#ids={dataset.programs[0]['id']}")
    r.page.wait_for_function("document.getElementById('compare-status').textContent.length > 0")
    assert r.page.inner_text("#compare-status").startswith("Choose 2 to 4 programs to compare")
    assert r.page.locator("table").count() == 0


# --- Get directions ------------------------------------------------------------------------------------------------


def test_get_directions_opens_the_persons_own_maps_app_on_pages_and_cards(recorder, server, dataset):
    p = some_programs(dataset, 1)[0]
    a = p["address"]
    want = "https://www.google.com/maps/dir/?api=1&destination=" + re.sub(
        r"[^A-Za-z0-9_.~-]",
        lambda m: "".join(f"%{b:02X}" for b in m.group().encode()),
        f"{a['street']}, {a['city']}, {a['state']} {a['zip']}",
    )
    assert views.directions_url(a) == want
    r = recorder(viewport=PHONE)
    r.page.goto(f"{server}/programs/{p['id']}/")
    link = r.page.locator("a.iop-directions")
    assert link.get_attribute("href") == want and link.get_attribute("rel") == "noopener noreferrer"
    assert link.inner_text().startswith("Get directions") and "outside IOP Finder" in link.inner_text()
    open_list(r.page, server, [p])
    assert r.page.get_attribute(".iop-referral__item a.iop-directions", "href") == want
    # Nothing is embedded from elsewhere: no frame, and every request stays on the site.
    assert r.page.locator("iframe").count() == 0
    assert all(url.startswith(server) for _, url, _ in r.requests if not url.startswith("data:"))


# --- Every page fits a phone -------------------------------------------------------------------------------------

FIT = """() => {
  const doc = document.documentElement, out = {overflow: doc.scrollWidth - doc.clientWidth, wrapped: [], small: [],
                                               lowCalls: []};
  const shown = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 &&
                                 getComputedStyle(e).visibility !== 'hidden' && !e.closest('[hidden]'); };
  const name = e => (e.tagName + '.' + e.className + ' ' + (e.textContent || e.value || '').trim()).slice(0, 70);
  // A phone number on two lines is misread and mis-dialled.
  document.querySelectorAll('a[href^="tel:"]').forEach(a => {
    if (shown(a) && a.getClientRects().length > 1) out.wrapped.push(name(a));
  });
  // WCAG 2.2 2.5.8: controls at least 24 x 24 CSS px (links inside a sentence are exempt).
  document.querySelectorAll('button, .md-button, input[type=checkbox], input[type=radio], select, a[href^="tel:"], ' +
                            'a[href^="sms:"], a.iop-directions').forEach(e => {
    if (!shown(e) || e.closest('.md-search__output, .md-nav, .md-sidebar, .md-search')) return;
    const block = e.parentElement.closest('p, li, dd, td');
    const inSentence = getComputedStyle(e).display === 'inline' && block &&
                       block.textContent.trim().length > e.textContent.trim().length + 20;
    if (inSentence) return;  // the exception for a link inside a sentence
    const r = e.getBoundingClientRect();
    if (r.width < 23.5 || r.height < 23.5) out.small.push(name(e) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
  });
  document.querySelectorAll('a.iop-call, a.iop-crisis__button').forEach(e => {
    if (shown(e) && e.getBoundingClientRect().height < 43.5) out.lowCalls.push(name(e));
  });
  return out;
}"""


@pytest.mark.parametrize("width", [320, 360, 390, 430])
def test_every_page_type_fits_a_phone(recorder, server, site, width):
    r = recorder(viewport={"width": width, "height": 800}, is_mobile=True, has_touch=True)
    problems, checked = [], []
    for name, path in page_types(site):
        r.page.goto(server + path)
        wait_for_page(r.page, path)
        got = r.page.evaluate(FIT)
        checked.append(name)
        if got["overflow"] > 0:
            problems.append(f"{name} ({path}): scrolls {got['overflow']} px sideways")
        for key in ("wrapped", "small", "lowCalls"):
            if got[key]:
                problems.append(f"{name} ({path}): {key}: {got[key][:5]}")
    print(f"{width} px: {len(checked)} page types fit: {', '.join(checked)}")
    assert {"program", "state", "finder-results", "list-with-programs", "compare", "404"} <= set(checked), checked
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", ["/programs/harbor-light-richmond/", "/states/va/"])
def test_program_and_state_pages_keep_the_sites_search_box(recorder, server, path):
    r = recorder(viewport=PHONE, is_mobile=True, has_touch=True)
    r.page.goto(server + path)
    button = r.page.locator('label.md-header__button[for="__search"]')
    assert button.is_visible()
    button.click()
    assert r.page.locator("#iop-site-search-input").is_visible()


# The search box's markup without its icons (inline on written pages, by reference on lean ones) and its action
# (relative to each page), and the absolute address the form goes to.
BOX = """() => {
  const inner = document.querySelector('.iop-site-search .md-search__inner');
  return {html: inner.outerHTML.replace(/<svg[^]*?<\\/svg>/g, '<svg/>').replace(/ action="[^"]*"/, '').replace(/>\\s+</g, '><'),
          action: inner.querySelector('form').action, icons: inner.querySelectorAll('svg').length};
}"""


@pytest.mark.parametrize(
    ("written", "lean"),
    [("/learn/first-day/", "/programs/harbor-light-richmond/"), ("/es/learn/first-day/", "/es/states/va/")],
)
def test_the_search_box_made_on_lean_pages_is_the_one_written_on_the_others(recorder, server, site, written, lean):
    """Program and state pages carry an empty box that site-search.js fills (1.5 KB less on each of 20,000
    pages): the box it makes must be the written one, in the page's language, and search the same."""
    assert "iop-site-search-input" not in (site / lean.strip("/") / "index.html").read_text(encoding="utf-8")
    r = recorder(viewport={"width": 1280, "height": 800})
    r.page.goto(server + written)
    want = r.page.evaluate(BOX)
    r.page.goto(server + lean)
    got = r.page.evaluate(BOX)
    assert got == want and got["icons"] == 3
    r.page.fill("#iop-site-search-input", "harbor")
    r.page.wait_for_selector(".iop-site-search__groups a")
    assert r.errors == [], r.errors


# --- The "not found" page ------------------------------------------------------------------------------------------


def test_a_missing_page_offers_the_finder_the_search_similar_programs_and_the_crisis_line(recorder, server, site):
    """A static host answers an unknown address with 404.html and status 404; an old program link's words find
    programs with a name like it."""
    body = (site / "404.html").read_text(encoding="utf-8")
    r = recorder(viewport={"width": 320, "height": 800}, is_mobile=True, has_touch=True)
    r.page.route(
        re.compile(r".*/programs/harbor-light-old-name/$"),
        lambda route: route.fulfill(status=404, body=body, content_type="text/html; charset=utf-8"),
    )
    response = r.page.goto(f"{server}/programs/harbor-light-old-name/")
    assert response.status == 404
    assert r.page.inner_text("h1") == "We could not find that page"
    text = r.page.inner_text("#iop-404")
    assert "the program may have moved or closed" in text
    assert r.page.locator("a[href='tel:988']").count() >= 2  # the crisis notice and the page's own help
    assert r.page.locator("a[href='tel:+18006624357']").inner_text() == "1-800-662-4357"
    r.page.wait_for_selector("#iop-404-similar:not([hidden])")
    similar = r.page.eval_on_selector_all("#iop-404-similar-list a", "els => els.map(a => a.getAttribute('href'))")
    assert any(h.endswith("/programs/harbor-light-richmond/") for h in similar), similar
    assert r.page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    r.page.fill("#nf-zip", "23220")
    r.page.keyboard.press("Enter")
    r.page.wait_for_url(re.compile(r"/find/#zip=23220&r=25$"))
    r.page.wait_for_function("document.getElementById('finder-status').textContent.match(/found/)")
    assert r.page.locator(".iop-result").count() > 0
