"""Crisis help that acts at once and works for everyone.

- The crisis notice is on every built page: call 988, text 988 (an sms: link), call 911, with 988's Spanish and
  Veterans Crisis Line options and the ways in for people who are deaf or hard of hearing; its three controls
  are at least 44x44 CSS px on a 390 px phone and fit on one row; it stays in print views.
- The self-check's danger answers show their help the moment a box is ticked, no button pressed: 911 first for
  danger now and severe withdrawal, 988 (call, text, chat) first for thoughts of suicide or of harming someone.
  The help appears in a role="alert" region that was on the page before the box was ticked, so screen readers
  announce it. Without JavaScript, each danger question shows its help as text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from quality.readability import SMOG_PAGE_LIMIT, offline_textstat, score
from quality.tools import describe_violations, run_axe

ROOT = Path(__file__).resolve().parents[1]
SELF_CHECK = "/learn/is-iop-right-for-me/"
PHONE = {"width": 390, "height": 844}
CRISIS_BUTTONS = {"tel:988": "Call 988", "sms:988": "Text 988", "tel:911": "Call 911"}

# (box, first number, words the help must lead with)
DANGER_ANSWERS = [
    ("sc-danger-now", "tel:911", "Call 911 now"),
    ("sc-unsafe", "tel:911", "Call 911 now"),
    ("sc-severe", "tel:911", "Call 911 now"),
    ("sc-suicide", "tel:988", "Please call or text 988 now"),
    ("sc-others", "tel:988", "Please call or text 988 now"),
]


# --- the notice in the built HTML ------------------------------------------------------------------------------------


def test_every_built_page_has_the_crisis_controls_and_an_sms_link_to_988(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) > 100
    missing = {}
    for page in pages:
        html = page.read_text(encoding="utf-8")
        # The Spanish pages' text button sends AYUDA, which reaches a Spanish-speaking counselor.
        sms = 'href="sms:988?body=AYUDA"' if page.relative_to(site).parts[0] == "es" else 'href="sms:988"'
        lacks = [href for href in ('href="tel:988"', sms, 'href="tel:911"') if href not in html]
        if lacks:
            missing[page.relative_to(site).as_posix()] = lacks
    assert missing == {}


def test_crisis_notice_offers_spanish_veterans_deaf_and_chat_options(site):
    for url in ("index.html", "programs/harbor-light-richmond/index.html", "states/va/index.html", "404.html"):
        html = (site / url).read_text(encoding="utf-8")
        notice = html[
            html.index('<div class="iop-crisis"') : html.index("</details>", html.index('<div class="iop-crisis"'))
        ]
        for href, label in CRISIS_BUTTONS.items():
            assert re.search(rf'<a class="iop-crisis__button[^"]*" href="{href}">{label}</a>', notice), (url, href)
        text = re.sub(r"<[^>]+>", "", notice)
        text = re.sub(r"\s+", " ", text)
        assert "call 988 and press 2, or text AYUDA to 988" in text, url  # Spanish
        assert "call 988 and press 1, or text 838255" in text, url  # Veterans Crisis Line
        assert "videophone" in text and "ASL" in text, url  # deaf or hard of hearing, in sign language
        assert "With a TTY, dial 711, then 988" in text, url
        assert 'href="sms:988?body=AYUDA"' in notice and 'href="sms:838255"' in notice, url


# --- the notice in a browser -------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", "/find/", SELF_CHECK, "/programs/harbor-light-richmond/", "/states/va/"])
def test_crisis_controls_are_44px_and_on_one_row_on_a_390px_phone(recorder, server, path):
    r = recorder(viewport=PHONE, is_mobile=True, has_touch=True)
    r.page.goto(server + path)
    boxes = {}
    for href, label in CRISIS_BUTTONS.items():
        control = r.page.locator(f'.md-banner a.iop-crisis__button[href="{href}"]')
        assert control.is_visible(), (path, href)
        assert control.inner_text().strip() == label
        boxes[href] = control.bounding_box()
        assert boxes[href]["width"] >= 44 and boxes[href]["height"] >= 44, (path, href, boxes[href])
    tops = {round(b["y"]) for b in boxes.values()}
    assert len(tops) == 1, f"{path}: the crisis buttons wrap onto more than one row: {boxes}"
    assert max(b["x"] + b["width"] for b in boxes.values()) <= PHONE["width"]
    # Compact: closed, the notice is two short rows, so the page below it starts high on the screen.
    banner = r.page.locator(".md-banner").bounding_box()
    assert banner["height"] <= 100, f"{path}: the crisis notice is {banner['height']:.0f} px tall on a phone"
    assert r.errors == [], r.errors


@pytest.mark.browser
def test_crisis_buttons_share_one_row_at_320px_too(recorder, server):
    r = recorder(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)
    r.page.goto(server + "/")
    boxes = [r.page.locator(f'.md-banner a.iop-crisis__button[href="{h}"]').bounding_box() for h in CRISIS_BUTTONS]
    assert len({round(b["y"]) for b in boxes}) == 1, boxes
    assert all(b["width"] >= 44 and b["height"] >= 44 for b in boxes), boxes
    assert max(b["x"] + b["width"] for b in boxes) <= 320


@pytest.mark.browser
def test_more_ways_to_reach_help_opens_and_passes_axe(recorder, server):
    r = recorder(viewport=PHONE, is_mobile=True, has_touch=True)
    r.page.goto(server + "/")
    more = r.page.locator(".md-banner .iop-crisis__more")
    assert not more.evaluate("d => d.open")
    assert not r.page.locator(".iop-crisis__more li").first.is_visible()
    r.page.click(".iop-crisis__more > summary")
    assert more.evaluate("d => d.open")
    text = r.page.inner_text(".iop-crisis__more")
    for words in ("press 2", "AYUDA", "press 1", "838255", "videophone", "711", "988lifeline.org/chat"):
        assert words in text, words
    violations = run_axe(r.page)
    assert not violations, describe_violations(violations)


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/programs/harbor-light-richmond/", "/learn/what-is-iop/"])
def test_print_view_keeps_the_crisis_notice_with_every_number(recorder, server, path):
    r = recorder()
    r.page.goto(server + path)
    r.page.emulate_media(media="print")
    banner = r.page.inner_text(".md-banner")
    for words in ("Call or text 988", "Spanish: press 2", "Veterans: press 1", "TTY: dial 711, then 988", "call 911"):
        assert words in banner, (path, words, banner)
    assert not r.page.locator(".iop-crisis__row").is_visible()
    assert r.page.locator(".iop-crisis__print").is_visible()


@pytest.mark.browser
def test_list_print_view_keeps_the_crisis_notice(recorder, server, dataset):
    ids = ",".join(p["id"] for p in dataset.programs[:2])
    r = recorder()
    r.page.goto(f"{server}/list/?ids={ids}")
    r.page.emulate_media(media="print")
    assert "Call or text 988" in r.page.inner_text(".md-banner")
    assert "TTY: dial 711, then 988" in r.page.inner_text(".md-banner")


# --- the self-check's danger answers ----------------------------------------------------------------------------------


def _region_state(page) -> dict:
    return page.evaluate(
        """() => { const el = document.getElementById('self-check-alert');
        if (!el) return null;
        el.dataset.marker = el.dataset.marker || 'from-load';
        return {role: el.getAttribute('role'), live: el.getAttribute('aria-live'), marker: el.dataset.marker,
                text: el.textContent.trim()}; }"""
    )


@pytest.mark.browser
@pytest.mark.parametrize("box,first,lead", DANGER_ANSWERS, ids=[a[0] for a in DANGER_ANSWERS])
def test_each_danger_answer_shows_its_first_number_at_once_and_is_announced(recorder, server, box, first, lead):
    r = recorder(viewport=PHONE, is_mobile=True, has_touch=True)
    r.page.goto(server + SELF_CHECK)
    r.page.wait_for_function("document.getElementById('self-check').dataset.selfCheckReady === 'true'")
    before = _region_state(r.page)
    assert before == {"role": "alert", "live": "assertive", "marker": "from-load", "text": ""}
    r.page.check(f"#{box}")  # no submit button is pressed
    after = _region_state(r.page)
    assert after["marker"] == "from-load", "the help must appear in the live region that was already there"
    assert after["text"].startswith(lead), after["text"]
    calls = r.page.eval_on_selector_all("#self-check-alert a.self-check-call", "as => as.map(a => a.href)")
    assert calls and calls[0] == first, calls
    if first == "tel:988":
        assert calls == ["tel:988", "sms:988", "https://988lifeline.org/chat/"]
    alert = r.page.locator("#self-check-alert")
    assert alert.is_visible() and alert.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0; }"
    ), "the help is not on screen"
    assert r.page.locator("#self-check-result").inner_text().strip() == "", "the summary must not be needed"
    # The loudest thing on the page: a thick red border and large text.
    style = alert.evaluate("el => { const s = getComputedStyle(el); return [s.borderTopWidth, s.borderTopColor]; }")
    assert float(style[0].rstrip("px")) >= 4 and style[1] == "rgb(183, 28, 28)", style
    r.page.uncheck(f"#{box}")
    assert _region_state(r.page)["text"] == ""
    assert r.errors == [], r.errors


@pytest.mark.browser
def test_thoughts_of_suicide_are_not_told_an_iop_is_not_for_them(recorder, server):
    r = recorder()
    r.page.goto(server + SELF_CHECK)
    r.page.check("#sc-suicide")
    text = r.page.inner_text("#self-check-alert")
    assert "does not by itself mean an IOP is not for you" in text
    assert "Tell the program" in text
    assert "If you might act on these thoughts soon, call 911 now." in text


@pytest.mark.browser
def test_danger_now_with_thoughts_of_suicide_puts_911_first(recorder, server):
    r = recorder()
    r.page.goto(server + SELF_CHECK)
    r.page.check("#sc-suicide")
    r.page.check("#sc-danger-now")
    calls = r.page.eval_on_selector_all("#self-check-alert a.self-check-call", "as => as.map(a => a.href)")
    assert calls == ["tel:911"]
    assert r.page.inner_text("#self-check-alert").startswith("Call 911 now")
    r.page.uncheck("#sc-danger-now")
    calls = r.page.eval_on_selector_all("#self-check-alert a.self-check-call", "as => as.map(a => a.href)")
    assert calls[0] == "tel:988"


@pytest.mark.browser
def test_danger_help_is_visible_text_without_javascript(recorder, server):
    r = recorder(java_script_enabled=False)
    r.page.goto(server + SELF_CHECK)
    for box, first, _ in DANGER_ANSWERS:
        help_id = r.page.get_attribute(f"#{box}", "aria-describedby")
        help_ = r.page.locator(f"#{help_id}")
        assert help_.is_visible(), box
        assert help_.locator("a").first.get_attribute("href") == first, box
    assert not r.page.locator(".self-check-submit").is_visible()


@pytest.mark.browser
def test_summary_leads_with_the_danger_help_and_the_self_check_passes_axe(recorder, server):
    r = recorder()
    r.page.goto(server + SELF_CHECK)
    r.page.check("#sc-severe")
    r.page.check("#sc-home")
    r.page.click(".self-check-submit button")
    summary = r.page.inner_text("#self-check-result")
    assert summary.startswith("Call 911 now"), summary
    assert "a safe, steady place to live" in summary
    violations = run_axe(r.page)
    assert not violations, describe_violations(violations)


@pytest.mark.browser
def test_self_check_messages_read_at_smog_9_or_below(recorder, server, tmp_path):
    textstat = offline_textstat(tmp_path / "nltk")
    r = recorder()
    r.page.goto(server + SELF_CHECK)
    texts = []
    for box, _, _ in DANGER_ANSWERS:
        r.page.check(f"#{box}")
        texts.append(r.page.inner_text("#self-check-alert"))
        r.page.uncheck(f"#{box}")
    for box in ("sc-home", "sc-medical"):
        r.page.check(f"#{box}")
    r.page.click(".self-check-submit button")
    texts.append(r.page.inner_text("#self-check-result"))
    text = "\n".join(
        line if re.search(r"[.!?]$", line) else line + "." for t in texts for line in t.splitlines() if line
    )
    result = score(textstat, "self-check messages", text)
    assert result.smog <= SMOG_PAGE_LIMIT, f"self-check messages read at SMOG {result.smog:.1f}"
