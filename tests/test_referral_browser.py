"""Referral features in headless Chromium: my list, shared list links, print to one page, redirects."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from generator import geo

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


def test_copy_details_puts_plain_text_on_the_clipboard(recorder, server, dataset):
    r = recorder(permissions=["clipboard-read", "clipboard-write"])
    r.page.goto(f"{server}/programs/harbor-light-richmond/")
    r.page.click("[data-copy-text]")
    text = r.page.evaluate("navigator.clipboard.readText()")
    assert text.splitlines()[:2] == ["Harbor Light Recovery Center — Evening IOP", "Phone: 804-555-0101"]


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
