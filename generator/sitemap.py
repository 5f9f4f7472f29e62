"""Program and state pages in sitemap.xml (and sitemap.xml.gz).

The engine writes a sitemap of the pages it renders itself; program and state pages are poured into theme shells
instead (shells.py), so they are added here afterwards, in the engine's own format.
"""

from __future__ import annotations

import gzip
import html
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


def url_elements(items: list[Entry]) -> str:
    lines = []
    for loc, lastmod in items:
        lines.append(
            f"    <url>\n         <loc>{html.escape(loc)}</loc>\n"
            + (f"         <lastmod>{lastmod}</lastmod>\n" if lastmod else "")
            + "    </url>"
        )
    return "\n".join(lines)


def extend(site_dir: Path, items: list[Entry]) -> int:
    """Add the entries to the engine's sitemap.xml and rewrite sitemap.xml.gz to match. Returns how many were
    added (none when the engine wrote no sitemap)."""
    path = site_dir / "sitemap.xml"
    if not path.is_file():
        return 0
    text = path.read_text(encoding="utf-8").replace("</urlset>", url_elements(items) + "\n</urlset>", 1)
    path.write_text(text, encoding="utf-8")
    with gzip.GzipFile(site_dir / "sitemap.xml.gz", "wb", mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    return len(items)
