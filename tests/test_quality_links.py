"""Link gate: every internal href/src/srcset and #anchor on every built page, and every sitemap URL, resolves the way
a static host resolves it (a folder serves its index.html). External links are listed, never fetched.

The finder's search data (search/...) is loaded by script, not linked, so it is not part of this crawl.
"""

from __future__ import annotations

from quality.tools import crawl


def test_every_internal_link_and_anchor_resolves(site):
    result = crawl(site)
    print(
        f"link crawl: {result.pages} pages, {result.checked} internal links checked, "
        f"{len(result.external)} distinct external links (not fetched), {len(result.other)} tel:/mailto: links"
    )
    for url, count in sorted(result.external.items()):
        print(f"  external ({count}x): {url}")
    assert result.pages == len(list(site.rglob("*.html")))
    assert result.checked > result.pages * 10, "suspiciously few links: is the crawler reading the pages?"
    assert not result.broken, f"{len(result.broken)} broken links:\n" + "\n".join(result.broken)


def test_program_state_pages_and_sitemap_are_crawled(site):
    """The generated program and state pages and the sitemap are part of the crawl, not just Markdown pages."""
    result = crawl(site)
    for folder in ("programs", "states"):
        pages = list((site / folder).glob("*/index.html"))
        assert pages and result.crawled(folder) == len(pages), folder
    assert result.sitemap_urls > 0
    assert not [b for b in result.broken if b.startswith(("programs/", "states/", "sitemap.xml"))]


def test_no_link_uses_a_script_url(site):
    """javascript: links are never ours: only Material's own search-share icon may use one."""
    result = crawl(site)
    scripted = {u: n for u, n in result.other.items() if u.lower().replace(" ", "").startswith("javascript:")}
    assert set(scripted) <= {"javascript:void(0)"}, scripted


# --- The gate bites ----------------------------------------------------------------------------------------------------


def _page(path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'<!doctype html><html lang="en"><head><title>t</title></head><body>{body}</body></html>', encoding="utf-8"
    )


def test_link_crawl_catches_broken_link(tmp_path):
    _page(
        tmp_path / "index.html",
        '<a href="programs/real/">ok</a> <a href="programs/gone/">gone</a>'
        ' <a href="learn/#missing">bad anchor</a> <img src="img/none.png" alt="x">'
        ' <a href="https://example.org/">outside</a> <a href="learn/#real">ok</a>',
    )
    _page(tmp_path / "programs" / "real" / "index.html", '<a href="../../">home</a>')
    _page(tmp_path / "learn" / "index.html", '<h2 id="real">Real</h2><a href="../programs/real">no slash</a>')
    (tmp_path / "sitemap.xml").write_text(
        "<urlset><url><loc>https://iop-finder.example.org/programs/real/</loc></url>"
        "<url><loc>https://iop-finder.example.org/programs/removed/</loc></url></urlset>",
        encoding="utf-8",
    )
    result = crawl(tmp_path)
    broken = "\n".join(result.broken)
    assert "programs/gone/" in broken
    assert 'no id="missing"' in broken
    assert "img/none.png" in broken
    assert "sitemap.xml <loc>: 'https://iop-finder.example.org/programs/removed/'" in broken
    assert len(result.broken) == 4, broken
    assert result.external == {"https://example.org/": 1}
