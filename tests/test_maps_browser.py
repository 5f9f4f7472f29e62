"""The maps in headless Chromium: dots and markers inside their own state's drawn shape (SVG isPointInFill), at
least 24 CSS px and never on top of each other, markers in the cards' order, focus from marker to card and back,
the build-time maps working without JavaScript, legible in grey print, and nothing fetched from elsewhere."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from urllib.parse import urlsplit

import pytest
from PIL import Image
from quality.tools import describe_violations, foreign_requests, run_axe, wait_for_page

from generator import maps, projection

pytestmark = pytest.mark.browser

DOTS_JS = """() => {
  const svg = document.querySelector('.iop-statemap__svg'), path = svg.querySelector('path');
  const toUser = svg.getScreenCTM().inverse();
  return [...document.querySelectorAll('.iop-statemap__dots a.iop-dot')].filter(a => a.offsetParent !== null)
    .map(a => {
      const r = a.getBoundingClientRect(), x = r.x + r.width / 2, y = r.y + r.height / 2;
      return {x, y, w: r.width, h: r.height, inside: path.isPointInFill(new DOMPoint(x, y).matrixTransform(toUser)),
              href: a.getAttribute('href'), label: a.getAttribute('aria-label')};
    });
}"""

MARKERS_JS = """() => {
  const svg = document.querySelector('.iop-results-map__svg');
  const spots = [...svg.querySelectorAll('.iop-results-map__spot')].map(c => {
    const path = svg.querySelector('.iop-results-map__land path[data-state="' + c.dataset.state + '"]');
    return {id: c.dataset.id, state: c.dataset.state,
            inside: !!path && path.isPointInFill(new DOMPoint(+c.getAttribute('cx'), +c.getAttribute('cy')))};
  });
  const markers = [...document.querySelectorAll('.iop-marker')].map(m => {
    const r = m.getBoundingClientRect();
    return {id: m.dataset.id, n: m.textContent, x: r.x + r.width / 2, y: r.y + r.height / 2, w: r.width, h: r.height,
            tab: m.tabIndex, label: m.getAttribute('aria-label')};
  });
  const cards = [...document.querySelectorAll('#finder-results li.iop-result')].map(li => li.dataset.id);
  const numbers = [...document.querySelectorAll('#finder-results .iop-result__num')].map(n => n.textContent);
  return {spots, markers, cards, numbers};
}"""


# Every marker's state outline is drawn (outlines arrive after the markers).
OUTLINES_IN = """() => { const spots = [...document.querySelectorAll('.iop-results-map__spot')];
  return spots.length > 0 && spots.every(c => document.querySelector(
    '.iop-results-map__land path[data-state="' + c.dataset.state + '"]')); }"""


def _by_state(dataset) -> dict[str, list[dict]]:
    out = defaultdict(list)
    for p in dataset.programs:
        out[p["address"]["state"]].append(p)
    return out


def _apart(items: list[dict]) -> bool:
    """No two boxes (centre x, y; size w, h) overlap."""
    return all(
        abs(a["x"] - b["x"]) >= (a["w"] + b["w"]) / 2 or abs(a["y"] - b["y"]) >= (a["h"] + b["h"]) / 2
        for i, a in enumerate(items)
        for b in items[i + 1 :]
    )


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_state_map_dots_sit_inside_their_state_are_24px_and_apart(recorder, server, dataset, width):
    r = recorder(viewport={"width": width, "height": 900})
    for state, programs in sorted(_by_state(dataset).items()):
        r.page.goto(server + f"/states/{state.lower()}/")
        dots = r.page.evaluate(DOTS_JS)
        assert dots, state
        assert all(d["inside"] for d in dots), (state, [d for d in dots if not d["inside"]])
        assert all(d["w"] >= 24 and d["h"] >= 24 for d in dots), state
        assert _apart(dots), state  # no dot covers another, so each can be tapped
        named = {p["name"] for p in programs}
        for d in dots:
            if d["href"].startswith("../../programs/"):
                assert d["label"].rsplit(", ", 1)[0] in named
    assert r.errors == []


def _search(page, server: str, zip_code: str, radius: int = 25) -> dict:
    page.goto("about:blank")  # a fresh load each time: a fragment-only change would find the last answer still up
    page.goto(server + f"/find/#zip={zip_code}&r={radius}")
    wait_for_page(page, f"/find/#zip={zip_code}")
    page.wait_for_function(OUTLINES_IN)
    return page.evaluate(MARKERS_JS)


def test_finder_markers_follow_the_cards_and_sit_inside_their_states(recorder, server, dataset):
    """A search from one program's ZIP code in every state that has programs, 100 miles around."""
    r = recorder(viewport={"width": 1280, "height": 900})
    zips = {state: sorted(p["address"]["zip"] for p in ps)[0] for state, ps in _by_state(dataset).items()}
    for state, zip_code in sorted(zips.items()):
        seen = _search(r.page, server, zip_code, 100)
        assert seen["cards"], state
        assert [m["id"] for m in seen["markers"]] == seen["cards"], state  # no video-only programs in the sample
        assert [m["n"] for m in seen["markers"]] == [str(i + 1) for i in range(len(seen["cards"]))]
        assert seen["numbers"] == [str(i + 1) for i in range(len(seen["cards"]))]
        assert [s["id"] for s in seen["spots"]] == seen["cards"]
        assert all(s["inside"] for s in seen["spots"]), (state, [s for s in seen["spots"] if not s["inside"]])
        assert all(m["w"] >= 24 and m["h"] >= 24 for m in seen["markers"])
        assert [m["tab"] for m in seen["markers"]] == [0] + [-1] * (len(seen["markers"]) - 1)  # one Tab stop
        for m in seen["markers"]:
            assert re.fullmatch(r"\d+: .+, .+, (less than 0\.1|\d+\.\d) miles?\. Go to it in the list", m["label"])
    assert r.errors == []


def test_markers_that_would_overlap_move_apart_and_keep_a_line_to_their_spot(recorder, server):
    r = recorder(viewport={"width": 1280, "height": 900})
    seen = _search(r.page, server, "23220")
    assert len(seen["markers"]) == 7
    assert _apart(seen["markers"])
    assert r.page.locator(".iop-results-map__leader").count() >= 1


def test_a_marker_moves_focus_to_its_card_and_the_card_number_moves_it_back(recorder, server):
    r = recorder(viewport={"width": 1280, "height": 900})
    seen = _search(r.page, server, "23220")
    third = seen["cards"][2]
    r.page.click('.iop-marker >> text="3"')
    assert r.page.evaluate("() => document.activeElement.closest('li.iop-result').dataset.id") == third
    assert r.page.evaluate("() => document.activeElement.matches('h3 a')")
    r.page.click(f'li[data-id="{third}"] .iop-result__num')
    assert r.page.evaluate("() => document.activeElement.className") == "iop-marker"
    assert r.page.evaluate("() => document.activeElement.dataset.id") == third
    r.page.keyboard.press("ArrowRight")
    assert r.page.evaluate("() => document.activeElement.textContent") == "4"
    r.page.keyboard.press("Home")
    assert r.page.evaluate("() => document.activeElement.textContent") == "1"
    r.page.keyboard.press("Enter")
    assert r.page.evaluate("() => document.activeElement.closest('li.iop-result').dataset.id") == seen["cards"][0]


def test_on_a_phone_the_map_waits_behind_a_button(recorder, server):
    r = recorder(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    r.page.goto(server + "/find/#zip=23220&r=25")
    wait_for_page(r.page, "/find/#zip=23220")
    toggle = r.page.locator(".iop-results-map__toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert r.page.locator("#iop-results-map-body").is_hidden()
    assert r.page.locator(".iop-result__num").count() == 7  # the cards are numbered anyway
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    r.page.wait_for_function(OUTLINES_IN)
    seen = r.page.evaluate(MARKERS_JS)
    assert [m["id"] for m in seen["markers"]] == seen["cards"]
    assert all(s["inside"] for s in seen["spots"])
    box = r.page.locator(".iop-results-map__frame").bounding_box()
    assert box["width"] <= 390 and box["height"] <= 0.6 * 844 + 1
    violations = run_axe(r.page)
    assert not violations, describe_violations(violations)


def test_finder_map_passes_axe_beside_the_results(recorder, server):
    r = recorder(viewport={"width": 1280, "height": 900})
    _search(r.page, server, "23220")
    r.page.focus(".iop-marker")
    violations = run_axe(r.page)
    assert not violations, describe_violations(violations)


def test_finder_map_fetches_only_outline_files_named_by_state(recorder, server):
    r = recorder(viewport={"width": 1280, "height": 900})
    _search(r.page, server, "23220")
    r.page.wait_for_load_state("networkidle")
    assert foreign_requests(r.requests, server) == []
    fetched = [urlsplit(url).path for _, url, _ in r.requests if "/maps/" in url]
    assert fetched == ["/maps/index.json", "/maps/VA.json"]
    for _, url, _ in r.requests:
        assert "23220" not in urlsplit(url).path + urlsplit(url).query
        assert "37.5" not in url and "-77.4" not in url


def test_build_time_maps_work_without_javascript(recorder, server):
    r = recorder(java_script_enabled=False, viewport={"width": 390, "height": 844})
    r.page.goto(server + "/")
    r.page.click('.iop-usmap a[href="states/va/"]', force=True)
    r.page.wait_for_url("**/states/va/")
    dots = r.page.evaluate(DOTS_JS)
    assert dots and all(d["inside"] for d in dots)
    r.page.click('.iop-statemap__dots--narrow a[href="#richmond"]')
    assert r.page.url.endswith("/states/va/#richmond")


def test_us_map_prints_legibly_in_grey(recorder, server, dataset):
    """Printed without colour, a state with more programs still prints darker, and one with none lightest."""
    r = recorder(viewport={"width": 1280, "height": 900})
    r.page.goto(server + "/states/")
    r.page.emulate_media(media="print")
    counts = {state: len(ps) for state, ps in _by_state(dataset).items()}
    classes = maps.shade_classes(list(counts.values()))
    places = {"VA": (-78.5, 37.5), "GA": (-83.5, 32.7), "WA": (-120.5, 47.3), "OH": (-82.8, 40.3)}
    probes = {}  # Virginia has 10 programs, Georgia 2, Washington 1, Ohio none
    for state, (lon, lat) in places.items():
        point = projection.project(lon, lat, state)
        probes[state] = r.page.evaluate(
            """([x, y]) => { const svg = document.querySelector('.iop-usmap__svg');
                 const p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM());
                 return [p.x, p.y + window.scrollY]; }""",
            [point[0] / maps.US_UNIT, point[1] / maps.US_UNIT],
        )
    shot = Image.open(io.BytesIO(r.page.screenshot(full_page=True))).convert("L")
    grey = {state: shot.getpixel((round(x), round(y))) for state, (x, y) in probes.items()}
    assert [maps.shade_for(counts[s], classes).low for s in ("WA", "GA", "VA")] == [1, 2, 3]
    assert grey["OH"] - grey["WA"] >= 60 and grey["WA"] - grey["GA"] >= 25 and grey["GA"] - grey["VA"] >= 20, grey
