"""Where a built site's bytes are, measured against what free static hosts accept.

    python bench/sitesize.py site/            # sizes, the largest file and a breakdown by folder and kind

Two totals, because hosts and tools count differently: the sum of the files' sizes (what a host stores and what
GitHub Pages' 1 GB limit is about) and the space allocated on disk (blocks, as `du` counts them, directories
included; every small file takes at least one 4 KiB block). A language edition is a top-level folder whose
index.html declares another `<html lang>` than the site's home page (`/es/` for Spanish); the English site is
everything else. Files over FILE_LIMIT (Cloudflare Pages' 25 MiB) are listed by path.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

MIB = 1024 * 1024
FILE_LIMIT = 25 * MIB

# What each file is, by its path inside a language edition (first match wins), for the breakdown.
KINDS = [
    ("program pages", r"programs/[^/]+/index\.html"),
    ("other program files", r"programs/"),
    ("state pages", r"states/"),
    ("condition and therapy pages", r"(conditions|therapies)/"),
    ("finder: program records by map area (search/p)", r"search/p/"),
    ("finder: word-search indexes (search/x)", r"search/x/"),
    ("finder: ZIP code tables (search/zip)", r"search/zip/"),
    ("my list: program cards (search/c)", r"search/c/"),
    ("finder: manifest", r"search/manifest\.json"),
    ("Material's site search index", r"search/search_index\.json"),
    ("other search files", r"search/"),
    ("open data: HSDS export", r"data/hsds/"),
    ("open data: other exports", r"data/"),
    ("theme and site assets", r"assets/"),
    ("sitemap", r"sitemap\.xml|sitemaps/.*"),
    ("other HTML pages", r".*\.html"),
    ("other files", r""),
]
_KIND_PATTERNS = [(kind, re.compile(pattern)) for kind, pattern in KINDS]
_LANG = re.compile(rb"<html[^>]*\blang=\"([A-Za-z-]+)\"")
TOP_FILES = "(files at the top)"


@dataclass(frozen=True)
class SiteFile:
    path: str  # relative to the site folder, with forward slashes
    size: int


def scan(site: Path) -> tuple[list[SiteFile], int]:
    """Every file with its size, and the bytes allocated on disk to files and folders (hard links counted once)."""
    files: list[SiteFile] = []
    seen: set[tuple[int, int]] = set()
    allocated = 0
    for folder, dirs, names in os.walk(site):
        dirs.sort()
        rel = os.path.relpath(folder, site).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        st = os.lstat(folder)
        allocated += st.st_blocks * 512
        for name in sorted(names):
            st = os.lstat(os.path.join(folder, name))
            files.append(SiteFile(prefix + name, st.st_size))
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                allocated += st.st_blocks * 512
    return files, allocated


def page_lang(page: Path) -> str | None:
    try:
        with page.open("rb") as f:
            head = f.read(4096)
    except OSError:
        return None
    m = _LANG.search(head)
    return m.group(1).decode("ascii").lower() if m else None


def language_editions(site: Path) -> tuple[str, dict[str, str]]:
    """The home page's language, and {top-level folder: language} for every edition in another language."""
    home = page_lang(site / "index.html") or "en"
    editions = {}
    for child in sorted(site.iterdir()) if site.is_dir() else ():
        if child.is_dir():
            lang = page_lang(child / "index.html")
            if lang and lang != home:
                editions[child.name] = lang
    return home, editions


def kind_of(path: str) -> str:
    for kind, pattern in _KIND_PATTERNS:
        if pattern.match(path):
            return kind
    return KINDS[-1][0]


def _add(table: dict, key: str, f: SiteFile) -> None:
    row = table.setdefault(key, {"files": 0, "bytes": 0, "largest": "", "largest_bytes": -1})
    row["files"] += 1
    row["bytes"] += f.size
    if f.size > row["largest_bytes"]:
        row["largest"], row["largest_bytes"] = f.path, f.size


def summarize(site: Path, scanned: tuple[list[SiteFile], int] | None = None) -> dict:
    """Totals, per-language sizes, the largest file, files over the limit, and the breakdowns (bytes).
    `scanned` is what `scan(site)` returned, when the caller has it already."""
    files, allocated = scanned or scan(site)
    home, editions = language_editions(site)
    languages = {home: 0, **{lang: 0 for lang in editions.values()}}
    by_folder: dict[str, dict] = {}
    by_kind: dict[str, dict] = {}
    for f in files:
        top, _, rest = f.path.partition("/")
        edition = editions.get(top) if rest else None
        languages[edition or home] += f.size
        _add(by_folder, top if rest else TOP_FILES, f)
        _add(by_kind, kind_of(rest if edition else f.path), f)
    largest = max(files, key=lambda f: f.size, default=SiteFile("", 0))
    return {
        "files": len(files),
        "bytes": sum(f.size for f in files),
        "disk_bytes": allocated,
        "home_language": home,
        "editions": editions,
        "languages": languages,
        "largest": {"path": largest.path, "bytes": largest.size},
        "over_limit": sorted(f.path for f in files if f.size > FILE_LIMIT),
        "by_folder": _ordered(by_folder),
        "by_kind": _ordered(by_kind),
    }


def _ordered(table: dict) -> dict:
    return dict(sorted(table.items(), key=lambda kv: (-kv[1]["bytes"], kv[0])))


def breakdown_table(summary: dict, what: str) -> str:
    """A Markdown table of summary["by_folder"] or summary["by_kind"]: files, MB, share, largest file."""
    total = summary["bytes"] or 1
    head = "Top-level folder" if what == "by_folder" else "Kind of file"
    rows = [
        f"| {head} | Files | MB | Share | Largest file | Its size (MB) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for key, row in summary[what].items():
        rows.append(
            f"| {key} | {row['files']:,} | {row['bytes'] / 1e6:,.1f} | {100 * row['bytes'] / total:.1f}% "
            f"| `{row['largest']}` | {row['largest_bytes'] / 1e6:,.2f} |"
        )
    rows.append(f"| all | {summary['files']:,} | {summary['bytes'] / 1e6:,.1f} | 100% | | |")
    return "\n".join(rows)


def headline(summary: dict) -> str:
    """Totals, sizes by language, the largest file and the files over the limit, one line each."""
    langs = ", ".join(f"{lang} {size / 1e6:,.1f} MB" for lang, size in summary["languages"].items())
    largest = summary["largest"]
    over = summary["over_limit"]
    lines = [
        f"{summary['files']:,} files; sum of file sizes {summary['bytes']:,} bytes ({summary['bytes'] / 1e6:,.1f} MB);"
        f" allocated on disk {summary['disk_bytes']:,} bytes ({summary['disk_bytes'] / 1e6:,.1f} MB)",
        f"by language (sum of file sizes): {langs}",
        f"largest file: {largest['path']} ({largest['bytes']:,} bytes, {largest['bytes'] / MIB:,.2f} MiB)",
        f"files over {FILE_LIMIT // MIB} MiB: {len(over)}" + (f" ({', '.join(over)})" if over else ""),
    ]
    return "\n".join(lines)


def report(summary: dict) -> str:
    """The headline, then the breakdowns by top-level folder and by kind of file."""
    return "\n\n".join([headline(summary), breakdown_table(summary, "by_folder"), breakdown_table(summary, "by_kind")])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("site", type=Path, help="a built site folder")
    args = ap.parse_args(argv)
    print(report(summarize(args.site)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
