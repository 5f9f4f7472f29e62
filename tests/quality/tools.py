"""Helpers for IOP Finder's quality gates: the npm tools (axe-core, the Nu HTML checker), the link crawler, the
privacy checks and the list of page types every gate visits.

Each checker is a plain function so a test can run it on a tiny hand-made broken page and prove the gate bites.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from .localsite import serve  # noqa: F401  (re-exported for the gate tests)

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
SITE_URL = "https://iop-finder.example.org/"  # site_url in mkdocs.yml: links to it are links into the built site
LIST_KEY = "iop-finder-list"  # the only localStorage key the site may write (the referral list)

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def missing_tool(message: str):
    """In CI a missing tool fails the run (a gate that skips proves nothing); on a workstation it skips."""
    if os.environ.get("CI"):
        pytest.fail(message + " (CI must run every quality gate; .ci/run installs it)", pytrace=False)
    pytest.skip(message)


def axe_js() -> Path:
    if not AXE_JS.is_file():
        missing_tool("axe-core not found: run `npm ci` at the project root")
    return AXE_JS


def vnu_command() -> list[str]:
    java = shutil.which("java")
    if java is None:
        missing_tool("Java not found (apt-get install default-jre-headless)")
    if not VNU_JAR.is_file():
        missing_tool("vnu.jar not found: run `npm ci` at the project root")
    return [java, "-Xss8m", "-jar", str(VNU_JAR)]


# --- Pages every browser gate visits ------------------------------------------------------------------------------


def page_types(site: Path) -> list[tuple[str, str]]:
    """(name, URL path) for each page type of the built site; the list page only if the build has one; then the
    same for the Spanish site (es-...), for the types it has."""
    return _page_types(site, "") + _page_types(site, "es/")


def _page_types(site: Path, folder: str) -> list[tuple[str, str]]:
    """The page types of one language, under `folder` ("" for English, "es/" for Spanish): another language's
    types are the ones its build has (every one today; tests/test_site_es.py: WITHOUT_TWIN)."""
    if folder:
        pages = _page_types_of(site / folder.rstrip("/"), every=False)
        return [(f"{folder[:-1]}-{name}", f"/{folder}{path[1:]}") for name, path in pages]
    return _page_types_of(site, every=True)


def _page_types_of(site: Path, every: bool) -> list[tuple[str, str]]:
    """`every`: the finder, program and state pages must be there (the site's own language)."""

    def first(folder: str) -> str:
        found = sorted(p.parent.name for p in (site / folder).glob("*/index.html"))
        assert found, f"the build has no pages under /{folder}/"
        return f"/{folder}/{found[0]}/"

    pages = [("home", "/")]
    if every or (site / "find" / "index.html").is_file():
        pages += [
            ("finder-empty", "/find/"),
            ("finder-results", "/find/#zip=23220&r=25"),
            ("finder-no-results", "/find/#zip=59457&r=5&condition=eating-disorders"),
        ]
    if every or (site / "programs").is_dir():
        pages += [("program", first("programs")), ("state", first("states"))]
    pages += [
        ("condition", first("conditions")),
        ("therapy", first("therapies")),
        ("about", "/about/"),
        ("conditions-index", "/conditions/"),
        ("therapies-index", "/therapies/"),
        ("states-index", "/states/"),
    ]
    for page in sorted((site / "learn").glob("*/index.html")):
        pages.append((f"learn-{page.parent.name}", f"/learn/{page.parent.name}/"))
    some = ",".join(
        sorted(p.parent.name for p in (site.parent if not every else site).glob("programs/*/index.html"))[:3]
    )
    if every or (site / "find" / "index.html").is_file():
        pages += [("finder-whole-state", "/find/#st=VA&r=25"), ("finder-words-without-a-place", "/find/#q=evening")]
    if (site / "list" / "index.html").is_file():
        pages += [("list", "/list/"), ("list-with-programs", f"/list/#ids={some}&from=23220")]
    if every or (site / "compare" / "index.html").is_file():
        pages.append(("compare", f"/compare/#ids={some}&from=23220"))
    pages.append(("404", "/404.html"))
    return pages


# Each pattern holds the English and the Spanish of the finished status lines.
FINDER_ANSWERED = (
    "!!(document.getElementById('finder-status') || {textContent: ''}).textContent"
    ".match(/found|No programs|could not|encontr|Ningún|no pudo/)"
)


def wait_until(page, expression: str, timeout: float = 30.0) -> None:
    """Poll a JavaScript expression from outside the page. Unlike wait_for_function this never compiles code
    inside the page, so it works under the site's CSP (no 'unsafe-eval') and never trips a CSP violation."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {expression}")
        page.wait_for_timeout(50)


LIST_ANSWERED = (
    "!!(document.getElementById('referral-status') || {textContent: ''}).textContent"
    ".match(/in this list|empty|en esta lista|vacía/)"
)
COMPARE_ANSWERED = "!!(document.getElementById('compare-status') || {textContent: ''}).textContent.match(/Comparing|Choose|Se comparan|Elija/)"


def wait_for_page(page, path: str) -> None:
    """Let the page settle; on the finder, wait until a search with a place has answered; on the list and the
    comparison, until their programs are in."""
    page.wait_for_load_state("load")
    path = path.removeprefix("/es")  # the Spanish pages wait for the same answers
    if path.startswith(("/find/#zip=", "/find/#st=")):
        wait_until(page, FINDER_ANSWERED)
    elif path.startswith("/list/#ids="):
        wait_until(page, LIST_ANSWERED)
    elif path.startswith("/compare/#ids="):
        wait_until(page, COMPARE_ANSWERED)


# --- Accessibility (axe-core) ---------------------------------------------------------------------------------------


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.0/2.1/2.2 A and AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_js()))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    return result["violations"]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            target = " ".join(json.dumps(t) if not isinstance(t, str) else t for t in node["target"])
            lines.append(f"    at {target}: {node.get('failureSummary', '').splitlines()[-1].strip()}")
        if len(v["nodes"]) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


# --- Valid HTML (Nu HTML Checker) -------------------------------------------------------------------------------------


def run_vnu(target: Path) -> tuple[list[dict], list[str]]:
    """One Nu HTML Checker run (one Java start) over every HTML file under `target`: (messages, files checked)."""
    cmd = vnu_command() + ["--format", "json", "--verbose", "--skip-non-html", str(target)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    checked = [line.strip() for line in proc.stdout.splitlines() if line.strip().endswith(".html")]
    try:
        return json.loads(proc.stderr)["messages"], checked
    except (json.JSONDecodeError, KeyError) as exc:
        raise AssertionError(
            f"the Nu HTML Checker did not answer in JSON (exit {proc.returncode}):\n"
            f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        ) from exc


def describe_vnu(messages: list[dict], base: Path) -> str:
    lines = []
    for m in messages:
        url = m.get("url", "")
        where = url.split(base.as_posix(), 1)[-1] if base.as_posix() in url else url
        extract = (m.get("extract") or "").replace("\n", " ").strip()
        lines.append(
            f"{where}:{m.get('lastLine', '?')}: {m['type']}{'/' + m['subType'] if 'subType' in m else ''}: "
            f"{m['message']}  [{extract[:120]}]"
        )
    return "\n".join(lines)


# --- Links --------------------------------------------------------------------------------------------------------------


class _Collector(HTMLParser):
    """Every id/name an anchor can point at, and every href/src/srcset in one HTML page."""

    URL_ATTRS = {"href", "src", "action", "poster", "data"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (tag.attr, url)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            elif name in self.URL_ATTRS:
                self.links.append((f"{tag}.{name}", value))
            elif name in ("srcset", "imagesrcset"):
                for part in value.split(","):
                    if part.strip():
                        self.links.append((f"{tag}.{name}", part.strip().split()[0]))


def parse_page(path: Path) -> _Collector:
    c = _Collector()
    c.feed(path.read_text(encoding="utf-8", errors="replace"))
    c.close()
    return c


@functools.cache
def _cached_ids(path: Path) -> frozenset[str]:
    return frozenset(parse_page(path).ids)


def resolve(site: Path, path: str) -> Path | None:
    """The file a static host serves for a URL path: /dir/ -> dir/index.html; /dir -> dir/index.html too."""
    rel = unquote(path).lstrip("/")
    target = (site / rel).resolve()
    if site.resolve() not in target.parents and target != site.resolve():
        return None  # points outside the site
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


class CrawlResult:
    def __init__(self):
        self.pages = 0
        self.checked = 0  # internal links (and anchors) resolved
        self.broken: list[str] = []
        self.external: dict[str, int] = {}
        self.other: dict[str, int] = {}  # tel:, mailto:, javascript: ...
        self.page_paths: list[str] = []
        self.sitemap_urls = 0

    def crawled(self, folder: str) -> int:
        """How many pages one level below a folder were crawled (programs/<id>/index.html and so on)."""
        return sum(1 for p in self.page_paths if re.fullmatch(re.escape(folder) + r"/[^/]+/index\.html", p))


def sitemap_locs(site: Path, site_url: str = SITE_URL) -> list[tuple[str, str]]:
    """(file, address) for every <loc> of sitemap.xml and, when it is a sitemap index, of the gzipped sitemaps it
    lists that are in the site (a listed file that is missing is left to the crawl to report)."""
    index = site / "sitemap.xml"
    if not index.is_file():
        return []
    out = []
    text = index.read_text(encoding="utf-8")
    for loc in re.findall(r"<loc>\s*([^<\s]+)\s*</loc>", text):
        loc = loc.replace("&amp;", "&")
        out.append(("sitemap.xml", loc))
        part = site / loc.removeprefix(site_url)
        if "<sitemapindex" in text and loc.startswith(site_url) and part.is_file():
            inner = gzip.decompress(part.read_bytes()).decode("utf-8")
            rel = part.relative_to(site).as_posix()
            out += [(rel, u.replace("&amp;", "&")) for u in re.findall(r"<loc>\s*([^<\s]+)\s*</loc>", inner)]
    return out


def crawl(site: Path, site_url: str = SITE_URL) -> CrawlResult:
    """Check every internal href/src/srcset (and #anchor) on every HTML page, plus every URL of the sitemap."""
    out = CrawlResult()
    origin = urlsplit(site_url)
    pages = sorted(site.rglob("*.html"))
    sources: list[tuple[str, str, str]] = []  # (where, page URL, link)
    for page in pages:
        out.pages += 1
        out.page_paths.append(page.relative_to(site).as_posix())
        url_path = "/" + page.relative_to(site).as_posix()
        if url_path.endswith("/index.html"):
            url_path = url_path[: -len("index.html")]
        for attr, link in parse_page(page).links:
            sources.append((f"{page.relative_to(site).as_posix()} <{attr}>", url_path, link))
    locs = sitemap_locs(site, site_url)
    for where, loc in locs:
        sources.append((f"{where} <loc>", "/", loc))
    out.sitemap_urls = sum(1 for _, loc in locs if not loc.endswith(".xml.gz"))

    for where, base, link in sources:
        link = link.strip()
        if not link:
            out.broken.append(f"{where}: empty link")
            continue
        absolute = urljoin(f"http://site.invalid{base}", link)
        parts = urlsplit(absolute)
        if parts.scheme in ("http", "https") and parts.netloc == origin.netloc and parts.path.startswith(origin.path):
            parts = urlsplit("http://site.invalid/" + absolute.split(origin.netloc + origin.path, 1)[1])
        if parts.scheme not in ("http", "https"):
            out.other[link] = out.other.get(link, 0) + 1
            continue
        if parts.netloc != "site.invalid":
            out.external[link] = out.external.get(link, 0) + 1
            continue
        out.checked += 1
        target = resolve(site, parts.path)
        if target is None:
            out.broken.append(f"{where}: {link!r} -> {parts.path} does not exist")
            continue
        fragment = unquote(parts.fragment)
        # A fragment with "=" is the finder's search state (zip=...&r=...), read by script, not an anchor.
        if fragment and "=" not in fragment and target.suffix == ".html":
            if fragment not in _cached_ids(target):
                out.broken.append(f'{where}: {link!r} -> no id="{fragment}" in {target.relative_to(site)}')
    return out


# --- Privacy -------------------------------------------------------------------------------------------------------------

_META_CSP = re.compile(r"<meta\s[^>]*http-equiv\s*=\s*[\"']?Content-Security-Policy[\"']?[^>]*>", re.IGNORECASE)


def csp_of(html: str) -> str | None:
    m = _META_CSP.search(html)
    if not m:
        return None
    content = re.search(r"content\s*=\s*(\"([^\"]*)\"|'([^']*)')", m.group(0), re.IGNORECASE)
    return (content.group(2) if content.group(2) is not None else content.group(3)) if content else ""


def csp_script_problems(csp: str | None) -> list[str]:
    """Why a Content-Security-Policy does not forbid inline and third-party script (empty when it does)."""
    if csp is None:
        return ['no <meta http-equiv="Content-Security-Policy"> in the page']
    directives = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            directives.setdefault(words[0].lower(), [w for w in words[1:]])
    source = directives.get("script-src", directives.get("default-src"))
    if source is None:
        return ["the CSP has neither script-src nor default-src, so any script may run"]
    problems = []
    for word in source:
        low = word.lower()
        if low in ("'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:", "data:", "blob:"):
            problems.append(f"script-src allows {word}")
        elif low.startswith("'") or low == "'none'":
            continue  # 'self', 'sha256-...', 'nonce-...', 'strict-dynamic', 'none'
        else:
            problems.append(f"script-src allows the host {word}")
    return problems


def foreign_requests(requests, origin: str) -> list[str]:
    """Requests to anything but the site's own origin (data: URLs never leave the browser)."""
    return [
        f"{method} {url}"
        for method, url, *_ in requests
        if not (url.startswith(origin + "/") or url == origin or url.startswith("data:"))
    ]


# JS run before any page script: records CSP violations and every localStorage/sessionStorage write.
WATCH_SCRIPT = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));
window.__storageWrites = [];
for (const name of ['setItem']) {
  const original = Storage.prototype[name];
  Storage.prototype[name] = function (key, value) {
    window.__storageWrites.push((this === window.localStorage ? 'localStorage' : 'sessionStorage') + ':' + key);
    return original.apply(this, arguments);
  };
}
"""
