"""Privacy gate: on every page type no request leaves the site's own origin, no cookie is set, nothing is kept in
the browser except the referral list, and a Content-Security-Policy forbids inline and third-party script while
the pages keep working under it."""

from __future__ import annotations

import pytest
from quality.tools import (
    FINDER_ANSWERED,
    LIST_KEY,
    WATCH_SCRIPT,
    csp_of,
    csp_script_problems,
    foreign_requests,
    page_types,
    serve,
    wait_for_page,
    wait_until,
)

pytestmark = pytest.mark.browser


def _guarded(recorder):
    """A recorded page that watches CSP violations and storage writes from before the first script runs.

    The page's CSP is enforced (bypass_csp=False), and requests are only logged, not intercepted, so the gate
    sees the page exactly as a visitor's browser does. Waits poll from outside (wait_until), never by compiling
    code in the page, which the CSP forbids."""
    r = recorder(bypass_csp=False)
    r.context.add_init_script(WATCH_SCRIPT)
    return r


def _storage_state(page) -> dict:
    return page.evaluate("""() => ({
      writes: window.__storageWrites || [],
      local: Object.keys(localStorage), session: Object.keys(sessionStorage),
      cookie: document.cookie, csp: window.__cspViolations || []})""")


def test_every_page_type_stays_on_its_own_origin(recorder, server, site):
    r = _guarded(recorder)
    report, checked = [], []
    for name, path in page_types(site):
        before = len(r.requests)
        r.page.goto(server + path)
        wait_for_page(r.page, path)
        r.page.wait_for_load_state("networkidle")
        state = _storage_state(r.page)
        checked.append(name)
        foreign = foreign_requests(r.requests[before:], server)
        if foreign:
            report.append(f"{name} ({path}) requested other origins: {foreign}")
        stored = [w for w in state["writes"] if w != f"localStorage:{LIST_KEY}"]
        if stored or set(state["local"]) - {LIST_KEY} or state["session"]:
            report.append(
                f"{name} ({path}) stored data in the browser: writes {stored}, "
                f"localStorage {state['local']}, sessionStorage {state['session']}"
            )
        if state["cookie"]:
            report.append(f"{name} ({path}) set cookies: {state['cookie']}")
        if state["csp"]:
            report.append(f"{name} ({path}) broke its Content-Security-Policy: {state['csp']}")
    print(f"privacy: {len(checked)} page types loaded, {len(r.requests)} requests, all to {server}")
    assert r.context.cookies() == []
    assert not report, "\n".join(report)
    assert r.errors == [], r.errors


def test_every_built_page_has_a_csp_that_forbids_inline_and_third_party_script(site):
    pages = sorted(site.rglob("*.html"))
    bad = {}
    for page in pages:
        html = page.read_text(encoding="utf-8")
        problems = csp_script_problems(csp_of(html))
        if problems:
            bad[page.relative_to(site).as_posix()] = problems
    print(f"CSP: {len(pages)} pages checked, {len(bad)} without a strict script policy")
    assert not bad, "\n".join(f"{p}: {'; '.join(v)}" for p, v in sorted(bad.items())[:40]) + (
        f"\n... and {len(bad) - 40} more" if len(bad) > 40 else ""
    )


def test_the_csp_comes_before_any_script(site):
    """A meta CSP only covers what follows it: it must sit in <head> before the first <script>."""
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        at = html.find('http-equiv="Content-Security-Policy"')
        first_script = html.find("<script")
        assert 0 <= at < html.find("</head>"), f"{page.relative_to(site)}: no CSP in <head>"
        assert first_script == -1 or at < first_script, f"{page.relative_to(site)}: a script precedes the CSP"


def test_finder_still_finds_programs_under_the_csp(recorder, server, site):
    html = (site / "find" / "index.html").read_text(encoding="utf-8")
    assert csp_of(html) is not None, "the finder page has no CSP yet"
    r = _guarded(recorder)
    r.page.goto(server + "/find/")
    r.page.fill("#f-zip", "23220")
    wait_until(r.page, FINDER_ANSWERED)
    assert "programs found" in r.page.inner_text("#finder-status")
    assert r.page.locator(".iop-result").count() > 0
    r.page.click("#f-change")
    r.page.click("#f-filters summary")
    r.page.check("#f-pay-medicaid")
    wait_until(r.page, "location.hash.includes('pay=medicaid')")
    r.page.fill("#f-q", "evening")
    r.page.press("#f-q", "Enter")
    wait_until(r.page, "location.hash.includes('q=evening')")
    wait_until(r.page, FINDER_ANSWERED)
    state = _storage_state(r.page)
    assert state["csp"] == [], state["csp"]
    assert foreign_requests(r.requests, server) == []
    assert r.errors == [], r.errors


# --- The gate bites ----------------------------------------------------------------------------------------------------

CDN_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' https://cdn.jsdelivr.net">
<title>t</title><script src="https://cdn.jsdelivr.net/npm/analytics@1/x.js"></script></head>
<body><script>document.cookie = "seen=1"; localStorage.setItem("visits", "1");</script><p>Hi</p></body></html>"""


def test_privacy_gate_catches_cdn_script(recorder, tmp_path):
    (tmp_path / "index.html").write_text(CDN_PAGE, encoding="utf-8")
    with serve(tmp_path) as origin:
        r = _guarded(recorder)
        r.page.goto(origin + "/")
        r.page.wait_for_load_state("load")
        state = _storage_state(r.page)
        assert foreign_requests(r.requests, origin) == ["GET https://cdn.jsdelivr.net/npm/analytics@1/x.js"]
    assert csp_script_problems(csp_of(CDN_PAGE)) == ["script-src allows the host https://cdn.jsdelivr.net"]
    # Under that weak policy the inline script was blocked: the violation listener saw it.
    assert any("script-src" in v and "inline" in v for v in state["csp"]), state


def test_csp_check_rejects_weak_policies():
    assert csp_script_problems(None) == ['no <meta http-equiv="Content-Security-Policy"> in the page']
    assert csp_script_problems("default-src 'self'; script-src 'self' 'unsafe-inline'") == [
        "script-src allows 'unsafe-inline'"
    ]
    assert csp_script_problems("script-src 'self' https:") == ["script-src allows https:"]
    assert csp_script_problems("script-src *") == ["script-src allows *"]
    assert csp_script_problems("img-src 'self'") == [
        "the CSP has neither script-src nor default-src, so any script may run"
    ]
    assert csp_script_problems("default-src 'self'; script-src 'self' 'sha256-abc='") == []
    assert csp_of('<meta http-equiv="Content-Security-Policy" content="script-src \'self\'">') == "script-src 'self'"


def test_storage_and_cookie_watch_sees_writes(recorder, tmp_path):
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><p>Hi</p></body></html>', encoding="utf-8"
    )
    with serve(tmp_path) as origin:
        r = _guarded(recorder)
        r.page.goto(origin + "/")
        r.page.evaluate("() => { localStorage.setItem('tracker', 'x'); document.cookie = 'id=1; path=/'; }")
        state = _storage_state(r.page)
    assert state["writes"] == ["localStorage:tracker"] and state["local"] == ["tracker"]
    assert state["cookie"] == "id=1"
