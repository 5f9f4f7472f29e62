"""The finder in headless Chromium on the built sample site, checked against a Python computation of the answer."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from lunr import lunr

from generator import geo, indexes

pytestmark = pytest.mark.browser

FILTER_FIELDS = {
    "condition": "conditions",
    "therapy": "therapies",
    "med": "medications",
    "pay": "payment",
    "pop": "populations",
    "lang": "languages",
    "time": "sessions",
    "level": "levels_of_care",
}
ANY = {"focus", "pay", "lang", "time"}


def expected(dataset, origin, radius, filters=(), query=None, tele_state=None):
    """The finder's answer computed in Python: (id, geodesic miles) sorted by distance."""
    found = []
    for p in dataset.programs:
        miles = geo.geodesic_miles(origin, p["_point"])
        if miles > radius and not (tele_state and p["telehealth"] and p["address"]["state"] == tele_state):
            continue
        ok = True
        for name, values in filters:
            if name == "focus":
                ok &= p["focus"] in values or p["focus"] == "co_occurring"
                continue
            have = set(p["schedule"]["sessions"] if name == "time" else p.get(FILTER_FIELDS[name], []))
            ok &= bool(have & set(values)) if name in ANY else set(values) <= have
        if ok:
            found.append((p["id"], miles))
    if query:
        docs = [indexes.text_document(p, dataset) for p in dataset.programs]
        idx = lunr(ref="id", fields=["name", "city", "topics", "summary"], documents=docs)
        hits = {h["ref"] for h in idx.search(" ".join("+" + w for w in query.split()))}
        found = [f for f in found if f[0] in hits]
    return sorted(found, key=lambda t: (t[1], t[0]))


def shown(page):
    page.wait_for_function(
        "(document.getElementById('finder-status') || {textContent: ''})"
        ".textContent.match(/found|No programs|could not/)"
    )
    ids = page.eval_on_selector_all(".iop-result", "els => els.map(e => e.dataset.id)")
    miles = page.eval_on_selector_all(".iop-result__miles", "els => els.map(e => e.textContent)")
    return ids, [0.0 if m.startswith("less than") else float(m.split()[0]) for m in miles]


def zip_point(code):
    z = geo.zip_table()[code]
    return (z.lat, z.lon)


def test_typing_a_zip_lists_programs_nearest_first_with_true_distances(recorder, server, dataset):
    r = recorder()
    r.page.goto(f"{server}/find/")
    r.page.fill("#f-zip", "23220")
    ids, miles = shown(r.page)
    want = expected(dataset, zip_point("23220"), 25)
    assert ids == [i for i, _ in want]
    assert len(ids) >= 5
    for got, (_, true_miles) in zip(miles, want):
        assert got == pytest.approx(true_miles, abs=0.5)
    status = r.page.inner_text("#finder-status")
    assert status == f"{len(want)} programs found within 25 miles of ZIP code 23220."
    assert r.page.get_attribute("#finder-status", "aria-live") == "polite"
    assert parse_qs(urlsplit(r.page.url).fragment) == {"zip": ["23220"], "r": ["25"]}


@pytest.mark.parametrize(
    "filters",
    [
        [("focus", ["mental_health"])],
        [("condition", ["depression"])],
        [("condition", ["alcohol-use", "opioid-use"])],
        [("therapy", ["dbt"])],
        [("med", ["buprenorphine"])],
        [("pay", ["medicare", "tricare"])],
        [("pop", ["adolescents"])],
        [("lang", ["es"])],
        [("time", ["evening", "weekend"])],
        [("level", ["php"])],
        [("pay", ["medicaid"]), ("time", ["evening"]), ("condition", ["co-occurring"])],
    ],
)
def test_each_filter_narrows_results_exactly_as_the_data_says(recorder, server, dataset, filters):
    query = "&".join(f"{name}={v}" for name, values in filters for v in values)
    r = recorder()
    r.page.goto(f"{server}/find/#zip=23220&r=100&{query}")
    ids, _ = shown(r.page)
    want = [i for i, _ in expected(dataset, zip_point("23220"), 100, filters)]
    everything = [i for i, _ in expected(dataset, zip_point("23220"), 100)]
    assert ids == want
    assert set(ids) < set(everything) or not want or set(want) == set(everything)
    for name, values in filters:
        for v in values:
            assert r.page.is_checked(f"#f-{name}-{v}")


def test_words_search_uses_the_prebuilt_lunr_index(recorder, server, dataset):
    r = recorder()
    r.page.goto(f"{server}/find/#zip=60614&r=50&q=anxiety")
    ids, _ = shown(r.page)
    want = [i for i, _ in expected(dataset, zip_point("60614"), 50, query="anxiety")]
    assert ids == want and ids
    assert len(ids) < len(expected(dataset, zip_point("60614"), 50))
    assert any(url.endswith("/assets/js/vendor/lunr.min.js") for _, url, _ in r.requests)


def test_copied_link_reproduces_the_same_results(recorder, server, browser):
    r = recorder(permissions=["clipboard-read", "clipboard-write"])
    r.page.goto(f"{server}/find/")
    r.page.fill("#f-zip", "23220")
    shown(r.page)
    r.page.click("#f-change")  # after a search the choices are folded into one line
    r.page.click("#f-filters summary")
    r.page.check("#f-pay-medicaid")
    r.page.select_option("#f-radius", "50")
    first, _ = shown(r.page)
    r.page.click("#f-copy")
    link = r.page.evaluate("navigator.clipboard.readText()")
    assert parse_qs(urlsplit(link).fragment) == {"zip": ["23220"], "r": ["50"], "pay": ["medicaid"]}
    other = recorder()
    other.page.goto(link)
    second, _ = shown(other.page)
    assert second == first and first


def test_back_and_forward_restore_searches(recorder, server):
    r = recorder()
    r.page.goto(f"{server}/find/#zip=23220&r=10")
    near, _ = shown(r.page)
    r.page.click("#f-change")
    r.page.select_option("#f-radius", "100")
    r.page.wait_for_function("document.getElementById('finder-status').textContent.includes('100 miles')")
    far, _ = shown(r.page)
    assert len(far) > len(near)
    r.page.go_back()
    r.page.wait_for_function("document.getElementById('finder-status').textContent.includes('10 miles')")
    assert shown(r.page)[0] == near
    assert r.page.input_value("#f-radius") == "10"


def test_use_my_location_with_mocked_geolocation(recorder, server, dataset):
    point = (41.8781, -87.6298)  # downtown Chicago
    r = recorder(geolocation={"latitude": point[0], "longitude": point[1]}, permissions=["geolocation"])
    r.page.goto(f"{server}/find/")
    r.page.click("#f-locate")
    ids, miles = shown(r.page)
    want = expected(dataset, point, 25)
    assert ids == [i for i, _ in want] and ids
    assert r.page.inner_text("#finder-status").endswith("of your location.")
    assert "near=" not in r.page.url  # the location is not put in the URL unless the person asks
    r.page.click("#f-change")
    r.page.check("#f-share")
    r.page.wait_for_function("location.hash.includes('near=')")
    assert parse_qs(urlsplit(r.page.url).fragment)["near"] == ["41.88,-87.63"]


def test_unknown_zip_says_so(recorder, server):
    r = recorder()
    r.page.goto(f"{server}/find/#zip=00000")
    r.page.wait_for_function("document.getElementById('finder-status').textContent.length > 0")
    assert r.page.inner_text("#finder-status") == "We could not find ZIP code 00000. Check the number and try again."
    assert r.page.locator(".iop-result").count() == 0


def test_no_results_offers_a_wider_radius_and_fewer_filters(recorder, server):
    r = recorder()
    r.page.goto(f"{server}/find/#zip=59457&r=5&condition=eating-disorders")
    ids, _ = shown(r.page)
    assert ids == []
    assert r.page.inner_text("#finder-status").startswith("No programs found within 5 miles of ZIP code 59457.")
    r.page.click(".iop-widen")
    r.page.wait_for_function("location.hash.includes('r=10')")


def test_telehealth_programs_in_my_state_join_the_results(recorder, server, dataset):
    r = recorder()
    r.page.goto(f"{server}/find/#zip=22901&r=5&tele=1")
    ids, _ = shown(r.page)
    want = [i for i, _ in expected(dataset, zip_point("22901"), 5, tele_state="VA")]
    assert ids == want
    assert len(want) > len(expected(dataset, zip_point("22901"), 5))
    # The video programs come from the records of the leaves that hold the state's programs: no file repeats them.
    fetched = [urlsplit(url).path for _, url, _ in r.requests]
    assert not any("/search/t/" in path for path in fetched), fetched
    manifest = r.page.evaluate("fetch('/search/manifest.json').then(r => r.json())")
    for key in manifest["state_leaves"]["VA"]:
        assert f"/search/p/{key}.json" in fetched


def test_words_narrow_the_video_programs_of_my_state_too(recorder, server, dataset):
    r = recorder()
    r.page.goto(f"{server}/find/#zip=22901&r=5&q=evening&tele=1")
    ids, _ = shown(r.page)
    want = [i for i, _ in expected(dataset, zip_point("22901"), 5, query="evening", tele_state="VA")]
    assert ids == want
    assert want and len(want) < len(expected(dataset, zip_point("22901"), 5, tele_state="VA"))


def test_without_javascript_the_state_listings_are_reachable(recorder, server, dataset):
    r = recorder(java_script_enabled=False)
    r.page.goto(f"{server}/find/")
    assert r.page.locator("#finder-form").is_hidden()
    link = r.page.get_by_role("link", name="browse programs by state")
    link.click()
    r.page.wait_for_url(re.compile(r"/states/$"))
    total = 0
    for state in {p["address"]["state"] for p in dataset.programs}:
        r.page.goto(f"{server}/states/{state.lower()}/")
        total += r.page.locator("ul.iop-list > li").count()
    assert total == len(dataset.programs)


def test_searches_never_leave_the_site_or_reveal_the_zip(recorder, server):
    r = recorder(geolocation={"latitude": 37.5407, "longitude": -77.4360}, permissions=["geolocation"])
    r.page.goto(f"{server}/find/#zip=23220&r=50&q=evening&tele=1")
    shown(r.page)
    r.page.click("#f-change")
    r.page.click("#f-locate")
    r.page.wait_for_function("document.getElementById('finder-status').textContent.includes('your location')")
    assert r.requests
    for method, url, body in r.requests:
        assert url.startswith(server + "/"), url
        assert "23220" not in url and "37.54" not in url and "77.43" not in url, url
        assert method == "GET" and body is None
    assert r.context.cookies() == []
    assert r.errors == []


def test_condition_page_links_open_the_finder_prefiltered(recorder, server, dataset):
    r = recorder()
    r.page.goto(f"{server}/conditions/ptsd/")
    r.page.get_by_role("link", name="Find programs near you that treat this").click()
    r.page.wait_for_url(re.compile(r"/find/\?condition=ptsd$"))
    r.page.wait_for_function("document.getElementById('f-condition-ptsd').checked")
    r.page.fill("#f-zip", "23220")
    ids, _ = shown(r.page)
    assert ids == [i for i, _ in expected(dataset, zip_point("23220"), 25, [("condition", ["ptsd"])])]
    assert urlsplit(r.page.url).query == ""
    assert parse_qs(urlsplit(r.page.url).fragment)["condition"] == ["ptsd"]


def test_home_page_zip_box_opens_the_finder_without_sending_the_zip(recorder, server, dataset):
    r = recorder()
    r.page.goto(f"{server}/")
    r.page.fill("#home-zip", "60614")
    r.page.keyboard.press("Enter")
    r.page.wait_for_url(re.compile(r"/find/#zip=60614&r=25$"))
    ids, _ = shown(r.page)
    assert ids == [i for i, _ in expected(dataset, zip_point("60614"), 25)]
    assert not any("60614" in url for _, url, _ in r.requests)


def test_page_titles_have_no_hidden_permalink_on_phones(recorder, server):
    """The title's invisible "¶" anchor used to wrap "Find a program near you" onto two lines at 390 px and add a
    useless tab stop; section headings keep theirs."""
    r = recorder(viewport={"width": 390, "height": 844})
    r.page.goto(f"{server}/find/")
    h1 = r.page.locator("article h1")
    assert h1.locator(".headerlink").count() == 1 and not h1.locator(".headerlink").is_visible()
    box = h1.bounding_box()
    line = float(h1.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
    assert box["height"] < 1.5 * line  # one line
    r.page.goto(f"{server}/learn/what-is-iop/")
    assert r.page.locator("article h2 .headerlink").count() >= 2
