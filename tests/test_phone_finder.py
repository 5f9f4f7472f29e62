"""Phone-first journeys through the finder, in headless Chromium on the built sample site: results first on a phone,
no dead ends, decision facts on every card, the keyboard and screen reader path, and the header search.

The positions measured here (the count and the first card, in CSS px from the top of a 390 x 844 viewport) are
printed with -s; each test asserts what a person must see without scrolling."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from test_finder_browser import expected, zip_point

from generator import model, views

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ANSWERED = "document.getElementById('finder-status').textContent.match(/found|No programs|could not/)"
BOXES = """() => {
  const box = s => { const e = document.querySelector(s); if (!e) return null; const r = e.getBoundingClientRect();
                     return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
  return {status: box('#finder-status'), card: box('.iop-result'), name: box('.iop-result h3 a'),
          phone: box('.iop-result .iop-phone'), crisis: box('.md-banner'), scroll: window.scrollY,
          focus: document.activeElement && document.activeElement.id};
}"""


def answer(page):
    page.wait_for_function(ANSWERED)
    return page.eval_on_selector_all(".iop-result", "els => els.map(e => e.dataset.id)")


def start(page, server, how: str, zip_code: str, query: str):
    """A ZIP search begun from the home page, the finder, or a link carrying the search."""
    if how == "home":
        page.goto(f"{server}/")
        page.fill("#home-zip", zip_code)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/find/#zip="))
    elif how == "finder":
        page.goto(f"{server}/find/{query and '?' + query}")
        page.wait_for_selector("#f-zip", state="visible")
        page.fill("#f-zip", zip_code)
    else:
        page.goto(f"{server}/find/#zip={zip_code}&r=25{query and '&' + query}")
    return answer(page)


# --- 1. Results first on a phone -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("how", "query"),
    [
        ("home", ""),
        ("finder", ""),
        ("finder", "pay=medicaid&time=evening"),
        ("link", ""),
        ("link", "pay=medicaid&time=evening&lang=es"),
    ],
)
def test_after_a_zip_search_the_count_and_the_whole_first_card_are_in_view_at_390(
    recorder, server, dataset, how, query
):
    r = recorder(viewport=PHONE, is_mobile=True, has_touch=True)
    ids = start(r.page, server, how, "23220", query)
    assert ids, "the search found nothing"
    b = r.page.evaluate(BOXES)
    print(
        f"\n390x844 {how} {query or 'no filters'}: count {b['status']['top']:.0f}-{b['status']['bottom']:.0f} px, "
        f"first card {b['card']['top']:.0f}-{b['card']['bottom']:.0f} px"
    )
    assert b["scroll"] == 0, "the page scrolled: the crisis notice left the screen"
    assert b["crisis"]["top"] == 0 and b["crisis"]["bottom"] >= 80
    assert 0 < b["status"]["top"] and b["status"]["bottom"] <= PHONE["height"]
    assert b["status"]["bottom"] <= b["card"]["top"] and b["card"]["bottom"] <= PHONE["height"]
    assert b["focus"] == "finder-heading"
    assert r.page.locator("#finder-form").is_hidden()


@pytest.mark.parametrize(("width", "height"), [(320, 844), (1280, 900)])
def test_the_first_card_is_in_view_on_a_narrow_phone_and_on_a_desktop(recorder, server, width, height):
    r = recorder(viewport={"width": width, "height": height})
    start(r.page, server, "link", "23220", "pay=medicaid&time=evening")
    b = r.page.evaluate(BOXES)
    print(
        f"\n{width}x{height}: count {b['status']['top']:.0f} px, first card {b['card']['top']:.0f}-{b['card']['bottom']:.0f} px"
    )
    assert b["scroll"] == 0 and b["status"]["bottom"] <= height
    # At 320 px the card's name, distance and phone number are in view; on a desktop the whole card is.
    assert b["phone"]["bottom"] <= height
    if width > 1000:
        assert b["card"]["bottom"] <= height


def test_the_choices_fold_into_one_line_and_change_opens_them(recorder, server):
    r = recorder(viewport=PHONE)
    start(r.page, server, "link", "23220", "pay=medicaid&time=evening&age=30")
    assert r.page.inner_text("#finder-summary-text") == "3 filters"
    change = r.page.locator("#f-change")
    assert change.inner_text() == "Change" and change.get_attribute("aria-expanded") == "false"
    assert r.page.locator(".iop-finder-intro").is_hidden()  # the introduction steps aside for the results
    change.click()
    assert r.page.locator("#finder-form").is_visible() and change.get_attribute("aria-expanded") == "true"
    assert change.inner_text() == "Hide choices"
    assert r.page.is_checked("#f-pay-medicaid") and r.page.input_value("#f-age") == "30"


def test_focus_moves_to_the_results_heading_and_the_count_is_announced(recorder, server, dataset):
    r = recorder(viewport=PHONE)
    start(r.page, server, "finder", "60614", "")
    status = r.page.locator("#finder-status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    heading = r.page.locator("#finder-status > h2#finder-heading")
    assert r.page.evaluate("document.activeElement.id") == "finder-heading"
    want = expected(dataset, zip_point("60614"), 25)
    assert heading.inner_text() == f"{len(want)} programs found within 25 miles of ZIP code 60614."
    # A filter ticked later is announced by the same live region; focus stays on the box.
    r.page.click("#f-change")
    r.page.click("#f-filters summary")
    r.page.check("#f-lang-es")
    r.page.wait_for_function("location.hash.includes('lang=es')")
    answer(r.page)
    assert r.page.evaluate("document.activeElement.id") == "f-lang-es"


def test_skip_to_results_moves_focus_to_the_results(recorder, server):
    r = recorder(viewport=PHONE)
    start(r.page, server, "link", "23220", "")
    r.page.focus("#f-skip")
    assert r.page.locator("#f-skip").bounding_box()["width"] > 50  # visible once it has focus
    r.page.keyboard.press("Enter")
    assert r.page.evaluate("document.activeElement.id") == "finder-heading"


def tabs_to_first_result(page) -> int:
    first = page.eval_on_selector(".iop-result h3 a", "a => a.getAttribute('href')")
    for n in range(1, 60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == first:
            return n
    raise AssertionError("the first result was never reached")


def test_fewer_than_15_tab_stops_from_the_zip_box_to_the_first_result(recorder, server):
    r = recorder(viewport=PHONE)
    r.page.goto(f"{server}/find/")
    r.page.focus("#f-zip")
    r.page.keyboard.type("23220")
    answer(r.page)
    typed = tabs_to_first_result(r.page)
    # With every choice open, from the ZIP box through the form to the first result.
    r.page.click("#f-change")
    r.page.focus("#f-zip")
    through_the_form = tabs_to_first_result(r.page)
    print(
        f"\nTab stops from the ZIP box to the first result: {typed} after typing a ZIP, {through_the_form} through the open form"
    )
    assert typed < 15 and through_the_form < 15


def test_ticking_filters_replaces_the_history_entry_so_back_returns_to_the_previous_search(recorder, server, dataset):
    r = recorder(viewport=PHONE)
    r.page.goto(f"{server}/find/")
    r.page.fill("#f-zip", "23220")
    first = answer(r.page)
    r.page.click("#f-change")
    r.page.select_option("#f-radius", "50")  # a new distance: a new search
    r.page.wait_for_function("location.hash.includes('r=50')")
    answer(r.page)
    entries = r.page.evaluate("history.length")
    r.page.click("#f-filters summary")
    for box in ("#f-pay-medicaid", "#f-time-evening", "#f-lang-es"):
        r.page.check(box)
        r.page.wait_for_function(f"location.hash.includes('{box.split('-')[-1]}')")
    answer(r.page)
    assert r.page.evaluate("history.length") == entries  # each tick replaced the entry
    r.page.go_back()
    r.page.wait_for_function("location.hash === '#zip=23220&r=25'")
    assert answer(r.page) == first == [i for i, _ in expected(dataset, zip_point("23220"), 25)]


# --- 2. No dead ends -----------------------------------------------------------------------------------------------


def test_no_results_says_what_leaves_programs_out_and_offers_the_nearest_video_and_helplines(recorder, server, dataset):
    r = recorder(viewport=PHONE)
    r.page.goto(f"{server}/find/#zip=59457&r=5&condition=eating-disorders")
    assert answer(r.page) == []
    point = zip_point("59457")
    near = expected(dataset, point, 5)
    choices = r.page.inner_text(".iop-empty__choices")
    assert f"Without “Eating disorders”: {len(near)} program{'s' if len(near) != 1 else ''} would match." in choices
    anywhere = [i for i, _ in expected(dataset, point, 20000, [("condition", ["eating-disorders"])])][:3]
    suggested = r.page.eval_on_selector_all(".iop-suggestion", "els => els.map(e => e.dataset.id)")
    assert suggested[: len(anywhere)] == anywhere and anywhere
    text = r.page.inner_text(".iop-empty")
    assert "The nearest programs that match your choices" in text
    assert "Video programs in Montana that match your choices" in text or "No video program in Montana matches" in text
    links = r.page.eval_on_selector_all(".iop-helplines a", "els => els.map(e => e.getAttribute('href'))")
    assert links == ["tel:+18006624357", "tel:988", "https://findtreatment.gov/"]
    r.page.click(".iop-empty__choices .iop-remove")  # remove the choice that leaves them out
    r.page.wait_for_function("!location.hash.includes('condition=')")
    assert answer(r.page) == [i for i, _ in near]


def test_at_the_widest_distance_no_wider_search_is_offered(recorder, server):
    r = recorder(viewport=PHONE)
    r.page.goto(f"{server}/find/#zip=59457&r=100&condition=eating-disorders")
    answer(r.page)
    assert r.page.locator(".iop-widen").count() == 0
    assert "wider" not in r.page.inner_text("#finder-status")
    assert r.page.locator(".iop-suggestion").count() >= 1


def test_words_without_a_place_ask_for_one_or_search_a_whole_state(recorder, server, dataset):
    r = recorder(viewport=PHONE)
    r.page.goto(f"{server}/find/#q=teen")
    where = r.page.locator("#finder-where")
    where.wait_for(state="visible")
    assert where.inner_text().startswith("Where should we look for “teen”?")
    states = {p["address"]["state"] for p in dataset.programs}
    options = r.page.eval_on_selector_all("#f-state option", "els => els.map(e => e.value).filter(Boolean)")
    assert sorted(options) == sorted(states)
    r.page.select_option("#f-state", "VA")
    r.page.click("#finder-where button")
    r.page.wait_for_function("location.hash.includes('st=VA')")
    ids = answer(r.page)
    everywhere = {i for i, _ in expected(dataset, (37.5, -77.5), 20000, query="teen")}
    by_id = {p["id"]: p for p in dataset.programs}
    want = sorted(
        (i for i in everywhere if by_id[i]["address"]["state"] == "VA"), key=lambda i: by_id[i]["name"].lower()
    )
    assert ids == want and ids
    assert r.page.inner_text("#finder-status") == f"{len(want)} programs found in Virginia."
    assert not any("/search/zip/" in url for _, url, _ in r.requests)


def test_unknown_values_in_a_link_are_left_out_and_said_so(recorder, server, dataset):
    r = recorder(viewport=PHONE)
    r.page.goto(f"{server}/find/#zip=23220&r=25&pay=bitcoin&condition=ptsd&sort=zzz&age=old")
    ids = answer(r.page)
    assert ids == [i for i, _ in expected(dataset, zip_point("23220"), 25, [("condition", ["ptsd"])])]
    note = r.page.inner_text("#finder-note")
    for part in ("“bitcoin” (payment)", "“zzz” (sort order)", "“old” (age)"):
        assert part in note
    assert parse_qs(urlsplit(r.page.url).fragment) == {"zip": ["23220"], "r": ["25"], "condition": ["ptsd"]}
    # A distance the finder does not offer is never widened: 7 miles becomes 5.
    r.page.goto(f"{server}/find/#zip=23220&r=7")
    r.page.reload()
    assert answer(r.page) == [i for i, _ in expected(dataset, zip_point("23220"), 5)]
    assert "a distance of “7” (it shows programs within 5 miles)" in r.page.inner_text("#finder-note")


def test_copy_link_after_use_my_location_asks_before_the_place_goes_in(recorder, server, dataset):
    point = (41.8781, -87.6298)
    r = recorder(
        geolocation={"latitude": point[0], "longitude": point[1]},
        permissions=["geolocation", "clipboard-read", "clipboard-write"],
        viewport=PHONE,
    )
    r.page.goto(f"{server}/find/")
    r.page.click("#f-locate")
    found = answer(r.page)
    r.page.click("#f-copy")
    assert r.page.locator("#f-copy-ask").is_visible()
    assert r.page.evaluate("document.activeElement.id") == "f-copy-with"
    r.page.click("#f-copy-without")
    link = r.page.evaluate("navigator.clipboard.readText()")
    assert "near=" not in link and "41.8" not in link
    assert "without your location" in r.page.inner_text("#f-copy-said")
    other = recorder(viewport=PHONE)
    other.page.goto(link)
    other.page.locator("#finder-where").wait_for(state="visible")  # asked for a place, never a blank page
    assert "Type a ZIP code" in other.page.inner_text("#finder-where")

    r.page.click("#f-copy")
    r.page.click("#f-copy-with")
    link = r.page.evaluate("navigator.clipboard.readText()")
    assert parse_qs(urlsplit(link).fragment)["near"] == ["41.88,-87.63"]
    third = recorder(viewport=PHONE)
    third.page.goto(link)
    assert answer(third.page) == found


# --- 3. Decision facts on every card -------------------------------------------------------------------------------


def test_every_card_shows_the_decision_facts_from_the_data(recorder, server, dataset):
    r = recorder(viewport=PHONE)
    r.page.goto(f"{server}/find/#zip=23220&r=50")
    ids = answer(r.page)
    by_id = {p["id"]: p for p in dataset.programs}
    for pid in ids:
        p = by_id[pid]
        card = r.page.locator(f'.iop-result[data-id="{pid}"]')
        facts = dict(zip(card.locator("dt").all_inner_texts(), card.locator("dd").all_inner_texts()))
        assert facts["Ages"] == (views.ages_text(p.get("ages")) or "not reported")
        assert facts["Times"].startswith(", ".join(model.SESSIONS[s] for s in p["schedule"]["sessions"]))
        if p["schedule"].get("details"):
            assert p["schedule"]["details"] in facts["Times"]
        meds = ", ".join(views.short_label(model.MEDICATIONS[m]) for m in p.get("medications", []))
        assert facts["Medications"] == (meds or "not reported")
        assert facts["Languages"] == ", ".join(
            model.LANGUAGES[c] for c in sorted(p["languages"], key=lambda c: (c != "en", model.LANGUAGES[c]))
        )
        assert facts["Pays with"] == ", ".join(
            views.short_label(model.PAYMENT[v]) for v in model.PAYMENT if v in p["payment"]
        )
        assert (
            card.locator(".iop-verified")
            .inner_text()
            .startswith(f"Last verified {views.long_date(p['last_verified'])}.")
        )
        assert card.locator(".iop-verified time").get_attribute("datetime") == p["last_verified"].isoformat()
        assert ("New patients" in facts) == bool(p.get("new_patients"))
        directions = card.locator("a.iop-directions")
        if p.get("telehealth_only"):
            assert directions.count() == 0
        else:
            assert directions.get_attribute("href") == views.directions_url(p["address"])
            assert "outside IOP Finder" in directions.inner_text()
    assert "not reported" in r.page.inner_text("#finder-results")


def test_the_age_and_new_patient_filters_match_the_data(recorder, server, dataset):
    point = zip_point("23220")
    near = {i for i, _ in expected(dataset, point, 100)}
    by_id = {p["id"]: p for p in dataset.programs}
    r = recorder(viewport=PHONE)
    r.page.goto(f"{server}/find/#zip=23220&r=100&age=15&sort=name")
    teens = answer(r.page)
    serves = lambda a: a and a["min"] <= 15 and ("max" not in a or 15 <= a["max"])  # noqa: E731
    assert set(teens) == {i for i in near if serves(by_id[i].get("ages"))} and teens
    r.page.goto(f"{server}/find/#zip=23220&r=100&open=accepting&open=waitlist")
    r.page.reload()
    taking = answer(r.page)
    want = {i for i in near if (by_id[i].get("new_patients") or {}).get("status") in ("accepting", "waitlist")}
    assert set(taking) == want and want


# --- 4. The header search ------------------------------------------------------------------------------------------


def header_search(page, text: str, width: int):
    if width < 960:
        # On a phone the search opens over the header: its button is under it while it is open.
        if not page.evaluate("document.getElementById('__search').checked"):
            page.click('label.md-header__button[for="__search"]')
    else:
        page.click("#iop-site-search-input")
    page.fill("#iop-site-search-input", text)
    # Done when the answer is for this text (the finder link at the end names it), not for the one before.
    page.wait_for_function(
        """t => document.getElementById('iop-site-search-meta').textContent.match(/match|Nothing|letters/)
                && document.querySelector('.iop-site-search__groups').textContent.match(
                     new RegExp('“' + t + '”|ZIP code ' + t))""",
        arg=text,
    )
    return page.eval_on_selector_all(
        ".iop-site-search__groups a",
        "els => els.map(a => [a.closest('section').querySelector('h2').textContent, a.textContent, a.getAttribute('href')])",
    )


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("path", ["/programs/harbor-light-richmond/", "/states/va/", "/learn/what-is-iop/"])
def test_the_header_search_finds_names_cities_conditions_and_guides_on_every_kind_of_page(
    recorder, server, dataset, path, width
):
    r = recorder(viewport={"width": width, "height": 844})
    r.page.goto(server + path)
    found = header_search(r.page, "riverbend", width)
    assert ["Programs", "Riverbend Teen Counseling — After-School IOPRichmond, VA"] == found[0][:2]
    assert found[0][2].endswith("programs/riverbend-teen-richmond/")
    richmond = sum(1 for p in dataset.programs if p["address"]["city"] == "Richmond")
    found = header_search(r.page, "richmond", width)
    assert any(
        g == "Places" and t == f"Programs in Richmond, VA ({richmond})" and h.endswith("states/va/#richmond")
        for g, t, h in found
    )
    found = header_search(r.page, "ptsd", width)
    assert any(g == "Conditions and therapies" and h.endswith("conditions/ptsd/") for g, t, h in found)
    found = header_search(r.page, "families", width)
    assert any(g == "Guides and pages" and t == "For families and friends" for g, t, h in found)
    assert r.errors == []


def test_enter_in_the_header_search_opens_the_finders_word_search_and_a_zip_never_leaves(recorder, server, dataset):
    r = recorder(viewport=PHONE)
    r.page.goto(f"{server}/programs/harbor-light-richmond/")
    header_search(r.page, "evening depression", 390)
    r.page.keyboard.press("Enter")
    r.page.wait_for_url(re.compile(r"/find/#q=evening%20depression$"))
    r.page.locator("#finder-where").wait_for(state="visible")
    header_search(r.page, "23220", 390)
    r.page.keyboard.press("Enter")
    r.page.wait_for_url(re.compile(r"/find/#zip=23220&r=25$"))
    assert answer(r.page) == [i for i, _ in expected(dataset, zip_point("23220"), 25)]
    names = [urlsplit(url).path for _, url, _ in r.requests if "/search/n/" in url]
    assert names and all(re.fullmatch(r"/search/n/(index|[a-z]+|u[0-9a-f]+)\.json", n) for n in names), names
    assert not any("23220" in unquote(url) for _, url, _ in r.requests)
