"""Accessibility gate: axe-core (WCAG 2.0/2.1/2.2 A and AA) on every page type of the built sample site, and the
finder reached and used with the keyboard alone, focus visible at every step."""

from __future__ import annotations

import pytest
from quality.tools import describe_violations, page_types, run_axe, serve, wait_for_page

pytestmark = pytest.mark.browser


def test_axe_finds_no_violations_on_any_page_type(recorder, server, site):
    """One browser context, every page type; all violations are collected before failing so one run shows all."""
    r = recorder()
    report, checked = [], []
    for name, path in page_types(site):
        r.page.goto(server + path)
        wait_for_page(r.page, path)
        violations = run_axe(r.page)
        checked.append(name)
        if violations:
            report.append(f"== {name} ({path}): {len(violations)} rule(s) violated\n{describe_violations(violations)}")
    print(f"axe-core checked {len(checked)} pages: {', '.join(checked)}")
    assert not report, "\n\n".join(report)
    assert r.errors == [], r.errors


def test_axe_checks_the_finder_with_its_filters_open(recorder, server):
    """The filters live in a <details>: closed, axe never sees them, so open it and check again."""
    r = recorder()
    r.page.goto(server + "/find/#zip=23220&r=25")
    wait_for_page(r.page, "/find/#zip=23220&r=25")
    r.page.click("#f-change")
    r.page.click("#f-filters summary")
    violations = run_axe(r.page)
    assert not violations, describe_violations(violations)


def test_axe_checks_the_mobile_layout(recorder, server):
    """People in crisis are often on a phone: the narrow layout (drawer, header) must pass too."""
    r = recorder(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    for path in ("/", "/find/#zip=23220&r=25"):
        r.page.goto(server + path)
        wait_for_page(r.page, path)
        violations = run_axe(r.page)
        assert not violations, f"{path}:\n{describe_violations(violations)}"


# --- Keyboard alone --------------------------------------------------------------------------------------------------

FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  return {tag: el.tagName.toLowerCase(), id: el.id, text: (el.textContent || el.value || '').trim().slice(0, 60),
          href: el.getAttribute('href'), type: el.type || '', visible: outline || shadow,
          outline: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor, shadow: s.boxShadow};
}"""


def _focused(page) -> dict:
    state = page.evaluate(FOCUS_STATE)
    assert state is not None, "nothing has keyboard focus"
    return state


def _assert_visible(state: dict, step: str) -> None:
    assert state["visible"], (
        f"{step}: focus on <{state['tag']} id={state['id']!r}> {state['text']!r} is not "
        f"visible (outline {state['outline']}, box-shadow {state['shadow']})"
    )


def _tab_until(page, matches, step: str, limit: int = 120) -> dict:
    """Press Tab until the focused element matches; every element passed on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = _focused(page)
        _assert_visible(state, f"{step} (passing through)")
        if matches(state):
            return state
    raise AssertionError(f"{step}: not reached after {limit} presses of Tab")


def test_keyboard_alone_reaches_the_finder_searches_filters_and_opens_a_result(recorder, server):
    r = recorder()
    page = r.page
    page.goto(server + "/")
    page.wait_for_load_state("load")

    link = _tab_until(
        page,
        lambda s: s["tag"] == "a" and (s["href"] or "").rstrip("/").endswith("find"),
        "reach the 'Find a program' link",
    )
    _assert_visible(link, "finder link")
    page.keyboard.press("Enter")
    page.wait_for_url("**/find/")
    page.wait_for_selector("#f-zip", state="visible")

    _tab_until(page, lambda s: s["id"] == "f-zip", "reach the ZIP field")
    page.keyboard.type("23220")
    page.wait_for_function("document.getElementById('finder-status').textContent.match(/found|No programs|could not/)")
    assert "programs found" in page.inner_text("#finder-status")
    assert page.evaluate("document.activeElement.id") == "finder-heading", "focus did not move to the results"
    before = page.locator(".iop-result").count()

    # The choices are folded into one line before the results: back to its "Change" button, and open them.
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.id") == "f-change":
            break
    _assert_visible(_focused(page), "Change button")
    page.keyboard.press("Enter")
    assert page.get_attribute("#f-change", "aria-expanded") == "true"
    summary = _tab_until(page, lambda s: s["tag"] == "summary", "reach the Filters summary")
    _assert_visible(summary, "filters summary")
    page.keyboard.press("Enter")
    assert page.evaluate("document.getElementById('f-filters').open"), "Enter did not open the filters"

    box = _tab_until(page, lambda s: s["id"] == "f-pay-medicaid", "reach the Medicaid filter")
    _assert_visible(box, "Medicaid checkbox")
    page.keyboard.press("Space")
    assert page.is_checked("#f-pay-medicaid"), "Space did not tick the filter"
    page.wait_for_function("location.hash.includes('pay=medicaid')")
    page.wait_for_function("document.getElementById('finder-status').textContent.match(/found|No programs|could not/)")
    after = page.locator(".iop-result").count()
    assert 0 < after <= before

    first = page.eval_on_selector(".iop-result a", "a => a.getAttribute('href')")
    result = _tab_until(page, lambda s: s["tag"] == "a" and s["href"] == first, "reach the first result", limit=200)
    _assert_visible(result, "first result link")
    page.keyboard.press("Enter")
    page.wait_for_url("**/programs/**")
    assert page.locator("h1").first.inner_text().strip()
    assert r.errors == [], r.errors


# --- The gate bites ----------------------------------------------------------------------------------------------------

BROKEN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Broken example</title></head>
<body><main><h1>A program</h1><img src="photo.png"><p>Call us.</p></main></body></html>
"""


def test_axe_catches_missing_alt(recorder, tmp_path):
    (tmp_path / "index.html").write_text(BROKEN_PAGE, encoding="utf-8")
    r = recorder()
    with serve(tmp_path) as origin:
        r.page.goto(origin + "/")
        violations = run_axe(r.page)
    assert "image-alt" in {v["id"] for v in violations}, describe_violations(violations)
    assert "img" in describe_violations(violations)


def test_keyboard_check_catches_an_invisible_focus(recorder, tmp_path):
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><title>t</title><style>a:focus{outline:none}</style></head>'
        '<body><a href="#x" id="x">Find a program</a></body></html>',
        encoding="utf-8",
    )
    r = recorder()
    with serve(tmp_path) as origin:
        r.page.goto(origin + "/")
        with pytest.raises(AssertionError, match="is not visible"):
            _tab_until(r.page, lambda s: s["id"] == "x", "reach the link")
