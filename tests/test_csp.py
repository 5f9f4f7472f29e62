"""The Content-Security-Policy cannot be fooled: its allowed inline scripts come from probe renders of the templates
made before any data enters them, so a script or event handler smuggled in through any data file does not run in
Chromium on any page type, and every page carries the policy whatever its text says."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
import yaml
from conftest import copy_project, run_mkdocs
from quality.tools import WATCH_SCRIPT, csp_of, csp_script_problems, page_types, serve, wait_for_page

from generator import csp

PROBE = "window.__injected = (window.__injected || 0) + 1"
SCRIPT = f"<script>{PROBE}</script>"
HANDLER = f'<img src="x" onerror="{PROBE}">'
MENTION = 'Pages start with <meta http-equiv="Content-Security-Policy" content="script-src *"> in the head.'


def _hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


class _Dumper(yaml.SafeDumper):
    """Writes digit-only text in quotes, as maintainers must (an unquoted 01852 is refused: YAML 1.2 reads 1852)."""


_Dumper.add_representer(
    str, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style='"' if v.isdigit() else None)
)


def _inject(path, collection: str, fields: dict[str, str], count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    for record in data[collection][:count]:
        for name, extra in fields.items():
            record[name] = f"{record[name]} {extra}"
    header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    path.write_text(
        header + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8"
    )


@pytest.fixture(scope="module")
def injected_site(tmp_path_factory):
    """The sample site with a script, an event handler and CSP markup written into each kind of data file."""
    project = copy_project(tmp_path_factory.mktemp("csp") / "project")
    data = project / "data"
    everything = f"{SCRIPT} {HANDLER} {MENTION}"
    _inject(data / "programs.yaml", "programs", {"name": f"{SCRIPT} {HANDLER}", "summary": everything}, count=3)
    fields = {"summary": everything, "description": everything, "how_iop_helps": everything}
    _inject(data / "conditions.yaml", "conditions", fields, count=14)
    _inject(data / "therapies.yaml", "therapies", {"summary": everything, "description": everything}, count=18)
    _inject(data / "sources.yaml", "sources", {"title": HANDLER, "publisher": SCRIPT}, count=30)
    site = project / "site-out"
    result = run_mkdocs(project, site)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def test_the_data_reached_the_pages(injected_site):
    """Not a vacuous pass: the injected text is on the pages (escaped or, where a field is Markdown, raw)."""
    condition = (injected_site / "conditions" / "alcohol-use" / "index.html").read_text(encoding="utf-8")
    program = (injected_site / "programs" / "harbor-light-richmond" / "index.html").read_text(encoding="utf-8")
    assert "window.__injected" in condition
    assert "window.__injected" in program


def test_every_page_has_the_policy_in_its_head_whatever_its_text_says(injected_site):
    pages = sorted(injected_site.rglob("*.html"))
    assert len(pages) > 100
    injected = {_hash(PROBE), _hash(f" {PROBE}")}
    for path in pages:
        html = path.read_text(encoding="utf-8")
        where = path.relative_to(injected_site).as_posix()
        policy = csp_of(html)
        assert csp_script_problems(policy) == [], where
        head = html[: html.find("</head>")]
        first_script = html.find("<script")
        at = html.find('<meta http-equiv="Content-Security-Policy"')
        assert 0 <= at < len(head) and (first_script < 0 or at < first_script), where
        assert not injected & set(policy.split()), f"{where}: the policy allows the injected script"
        if (
            "Content-Security-Policy&#34;" in html
            or 'Content-Security-Policy" content="script-src *' in html[len(head) :]
        ):
            assert policy.startswith("default-src 'self'; script-src 'self'"), where


def test_a_page_that_mentions_csp_markup_keeps_its_policy():
    page = (
        '<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body>'
        f"<p>{MENTION}</p><p>meta http-equiv=&quot;Content-Security-Policy&quot;</p></body></html>"
    )
    policy = csp.policy(["'sha256-abc='"])
    done = csp.with_policy(page, policy)
    assert done.startswith(f'<!doctype html><html><head><meta charset="utf-8">{csp.meta_tag(policy)}<title>')
    assert csp.with_policy(done, policy) == done  # finishing twice adds nothing


def test_policy_hashes_come_from_the_probe_not_the_page():
    probe = '<html><head><meta charset="utf-8"><script>theme()</script></head><body>CONTENT</body></html>'
    hashes = csp.inline_script_hashes(probe)
    page = probe.replace("CONTENT", SCRIPT)
    finished = csp.with_policy(page, csp.policy(hashes))
    assert _hash("theme()") in csp_of(finished) and _hash(PROBE) not in csp_of(finished)
    assert csp.inline_script_hashes(page) == [_hash("theme()"), _hash(PROBE)]  # what hashing the page would allow


# --- In Chromium, with the policy enforced -----------------------------------------------------------------------


def _visit(browser, origin: str, path: str, bypass_csp: bool = False) -> dict:
    context = browser.new_context(bypass_csp=bypass_csp)
    try:
        context.add_init_script(WATCH_SCRIPT)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(origin + path)
        wait_for_page(page, path)
        page.wait_for_load_state("load")
        page.wait_for_timeout(100)
        ran = page.evaluate("window.__injected || 0")
        return {"ran": ran, "violations": page.evaluate("window.__cspViolations"), "errors": errors}
    finally:
        context.close()


@pytest.mark.browser
def test_no_injected_script_runs_on_any_page_type(browser, injected_site):
    with serve(injected_site) as origin:
        report = []
        for name, path in page_types(injected_site):
            seen = _visit(browser, origin, path)
            if seen["ran"]:
                report.append(f"{name} ({path}): injected code ran {seen['ran']} times")
            theirs = [v for v in seen["violations"] if "inline" not in v]
            if theirs:
                report.append(f"{name} ({path}): the site's own scripts were blocked: {theirs}")
        assert not report, "\n".join(report)


@pytest.mark.browser
def test_the_browser_check_bites(browser, injected_site, tmp_path):
    """A page with the injected markup raw in its body: under the site's policy nothing runs and the browser
    reports the blocked script; with the policy bypassed both run, so the check above can see them."""
    source = (injected_site / "about" / "index.html").read_text(encoding="utf-8")
    raw = source.replace("</article>", f"{SCRIPT}{HANDLER}</article>", 1)
    assert raw != source
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "index.html").write_text(raw, encoding="utf-8")
    with serve(tmp_path) as origin:
        enforced = _visit(browser, origin, "/raw/")
        bypassed = _visit(browser, origin, "/raw/", bypass_csp=True)
    assert enforced["ran"] == 0 and any("script-src" in v for v in enforced["violations"]), enforced
    assert bypassed["ran"] >= 2, bypassed  # ours, and any the data left raw on the page


def test_probe_policies_are_few(injected_site):
    """One policy per template, depth and language (the theme's inline scripts name the page's base, which is
    its language's folder), whatever the data: the data cannot add a policy of its own."""
    by_language: dict[bool, set] = {True: set(), False: set()}
    for page in injected_site.rglob("*.html"):
        by_language[page.relative_to(injected_site).parts[0] == "es"].add(csp_of(page.read_text(encoding="utf-8")))
    policies = by_language[False] | by_language[True]
    policies.discard("default-src 'none'; style-src 'self'")  # redirect pages: no script at all
    assert 1 < len(by_language[False] - {"default-src 'none'; style-src 'self'"}) <= 6, by_language[False]
    assert 1 < len(by_language[True]) <= 6, by_language[True]
    assert all(
        re.fullmatch(r"default-src 'self'; script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')*;.*", p) for p in policies
    )
