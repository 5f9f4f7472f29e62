"""Valid-HTML gate: the Nu HTML Checker (npm vnu-jar, run with Java) on every page of the built sample site.

One Java start checks the whole site. Errors fail the test; warnings and info messages are printed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from quality.tools import describe_vnu, run_vnu

# Errors in the theme's own markup are fixed in generator/postprocess.py, so nothing is allow-listed here.


@pytest.fixture(scope="session")
def vnu_run(site):
    return run_vnu(site)


@pytest.fixture(scope="session")
def vnu_messages(vnu_run):
    return vnu_run[0]


def test_every_built_page_is_valid_html(site, vnu_run, vnu_messages):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 50
    errors = [m for m in vnu_messages if m["type"] in ("error", "non-document-error")]
    notes = [m for m in vnu_messages if m["type"] == "info" and not m["message"].startswith("File was not checked")]
    warnings = [m for m in notes if m.get("subType") == "warning"]
    checked = {Path(f).resolve() for f in vnu_run[1]}
    print(
        f"Nu HTML Checker: {len(checked)} of {len(pages)} pages checked, {len(errors)} errors, "
        f"{len(warnings)} warnings, {len(notes) - len(warnings)} info"
    )
    # The checker reads pages from file: URLs, where the CSP's 'self' cannot match, and counts JSON data blocks as
    # scripts, so its CSP notes are summarised, not listed; tests/test_quality_privacy.py checks the CSP in Chromium.
    listed = [m for m in warnings if "Content Security Policy" not in m["message"]]
    if listed:
        print(describe_vnu(listed, site))
    by_message: dict[str, int] = {}
    for m in notes:
        if m not in listed:
            key = re.sub(r"“[^”]*”", "“…”", m["message"])[:110]
            by_message[key] = by_message.get(key, 0) + 1
    for message, count in sorted(by_message.items(), key=lambda kv: -kv[1]):
        print(f"  ({count}x) {message}")
    assert checked == {p.resolve() for p in pages}, f"the checker read {len(checked)} of {len(pages)} pages"
    assert not errors, f"{len(errors)} HTML errors:\n" + describe_vnu(errors, site)


def test_html_check_catches_invalid_markup(tmp_path):
    page = tmp_path / "broken" / "index.html"
    page.parent.mkdir()
    page.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Broken</title>'
        '<meta name="description" content="Use of "uppers" causes harm."></head>'
        '<body><main><p><div>block in a paragraph</p><img src="x.png"></main></body></html>',
        encoding="utf-8",
    )
    (tmp_path / "ok.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>OK</title>'
        "</head><body><p>Fine.</p></body></html>",
        encoding="utf-8",
    )
    messages, checked = run_vnu(tmp_path)
    assert len(checked) == 2
    errors = [m for m in messages if m["type"] == "error"]
    text = describe_vnu(errors, tmp_path)
    assert errors and all("broken/index.html" in m["url"] for m in errors), text
    assert "An “img” element must have an “alt” attribute" in text
    assert 'Quote “"” in attribute name' in text


def test_a_missing_tool_fails_in_ci_and_skips_on_a_workstation(monkeypatch, tmp_path):
    from quality import tools

    monkeypatch.setattr(tools, "VNU_JAR", tmp_path / "absent" / "vnu.jar")
    monkeypatch.setattr(tools, "AXE_JS", tmp_path / "absent" / "axe.min.js")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run every quality gate"):
        tools.vnu_command()
    with pytest.raises(pytest.fail.Exception, match="axe-core not found"):
        tools.axe_js()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="vnu.jar not found"):
        tools.vnu_command()
