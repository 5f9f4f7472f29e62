"""The sitemap: an index, sitemap.xml, of gzipped sitemaps (sitemaps/<n>.xml.gz) of every page.

The engine writes a sitemap of the pages it renders itself; program and state pages are poured into theme shells
instead (shells.py), so they are added here afterwards, in the engine's own format.
"""

from __future__ import annotations

import gzip
import html
import re
from pathlib import Path

from .catalogue import Catalogue

Entry = tuple[str, str | None]  # (address, date last changed or None)


def entries(cat: Catalogue, folder: str = "") -> list[Entry]:
    """The program and state pages of one language (`folder`: "" for the site's own, "es/" for Spanish)."""
    root = cat.settings.site_url + folder
    programs = sorted(cat.ds.programs, key=lambda p: p["id"])
    out: list[Entry] = [(f"{root}programs/{p['id']}/", p["last_verified"].isoformat()) for p in programs]
    out += [(f"{root}states/{s.lower()}/", None) for s in sorted(cat.by_state)]
    return out


def url_element(loc: str, lastmod: str | None) -> str:
    return (
        f"    <url>\n         <loc>{html.escape(loc)}</loc>\n"
        + (f"         <lastmod>{lastmod}</lastmod>\n" if lastmod else "")
        + "    </url>"
    )


# sitemaps.org: at most 50,000 addresses (and 50 MB) a file; past that a sitemap index lists the files.
MAX_URLS = 50_000
FOLDER = "sitemaps"


def extend(site_dir: Path, items: list[Entry], site_url: str, per_file: int = MAX_URLS) -> int:
    """Turn the engine's sitemap.xml into a sitemap index of gzipped sitemaps (sitemaps/<n>.xml.gz) that hold its
    pages and the entries. Why: at 20,000 programs in two languages the plain sitemap is 6.5 MB of a site that must
    fit free hosts, and 40,000 addresses are close to the 50,000 one file may hold. Returns how many entries were
    added (none when the engine wrote no sitemap)."""
    path = site_dir / "sitemap.xml"
    if not path.is_file():
        return 0
    engine = re.findall(r"<url>.*?</url>", path.read_text(encoding="utf-8"), flags=re.S)
    urls = ["    " + u for u in engine] + [url_element(loc, lastmod) for loc, lastmod in items]
    folder = site_dir / FOLDER
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.xml.gz"):  # a smaller site needs fewer files: none of a bigger one's may linger
        old.unlink()
    names = []
    for n, start in enumerate(range(0, len(urls), per_file), start=1):
        body = "\n".join(urls[start : start + per_file])
        text = f'{_XML}\n<urlset xmlns="{_NS}">\n{body}\n</urlset>\n'
        names.append(f"{FOLDER}/{n}.xml.gz")
        with gzip.GzipFile(site_dir / names[-1], "wb", mtime=0) as gz:
            gz.write(text.encode("utf-8"))
    sitemaps = "\n".join(
        f"    <sitemap>\n         <loc>{html.escape(site_url + name)}</loc>\n    </sitemap>" for name in names
    )
    path.write_text(f'{_XML}\n<sitemapindex xmlns="{_NS}">\n{sitemaps}\n</sitemapindex>\n', encoding="utf-8")
    (site_dir / "sitemap.xml.gz").unlink(missing_ok=True)
    return len(items)


_XML = '<?xml version="1.0" encoding="UTF-8"?>'
_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
