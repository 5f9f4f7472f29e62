"""Text from data files, made safe for the site's Markdown pages.

Anyone may change data/ in a pull request, and the site's Markdown runs extensions meant for its own content/
only: pymdownx.snippets reads files (`--8<-- "README.md"`), md_in_html and raw HTML pass markup through, attr_list
adds attributes (`{: onclick=... }`) and abbr defines abbreviations for the whole page. So data never goes through
that Markdown:

- `literal(text)` is for plain values (names, summaries) placed in a generated Markdown page: every character that
  could mean something to Markdown or HTML becomes a numeric character reference, so the text shows exactly as
  written and no extension sees syntax in it.
- `render(text)` is for the fields that are Markdown by design (a condition's description, a therapy's session):
  a small renderer of its own turns them into HTML that the page takes in after MkDocs' Markdown has run. It knows
  paragraphs, bullet and numbered lists, **bold**, *italics*, `code` and links to public web pages, and nothing
  else: no raw HTML, no images (they would load from other sites), no headings, no extensions.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from pathlib import Path

from .validate import url_problem

_LIST_ITEM = re.compile(r"^\s{0,3}(?:([-*+])|(\d{1,9})[.)])\s+(.*)$")
# Spans are bounded so that text full of unmatched markers cannot make a pattern scan the rest of the text again
# at every position.
_INLINE = re.compile(
    r"\\(?P<escaped>[!-/:-@\[-`{-~])"
    r"|`(?P<code>[^`\n]{1,300})`"
    r"|\*\*(?P<strong>[^*\n](?:[^\n]{0,298}?[^*\s])?)\*\*"
    r"|(?<!\w)__(?P<strong2>[^_\n](?:[^\n]{0,298}?[^_\s])?)__(?!\w)"
    r"|\*(?P<em>[^*\s](?:[^\n]{0,298}?[^*\s])?)\*"
    r"|(?<!\w)_(?P<em2>[^_\s](?:[^\n]{0,298}?[^_\s])?)_(?!\w)"
    r"|!\[(?P<alt>[^\[\]\n]{0,300})\]\([^()\s]{1,600}\)"
    r"|\[(?P<label>[^\[\]\n]{1,300})\]\((?P<url>[^()\s]{1,600})\)"
)
_MAX_NESTING = 3  # **bold with *italics* inside** is two; deeper nesting is shown as written
_ABBREVIATION = re.compile(r"^\*\[([^\]]+)\]:\s*(.+?)\s*$")


def literal(text: str) -> str:
    """The text as Markdown that shows it exactly as written: letters, digits and spaces stay, every other
    character becomes a numeric character reference (which Markdown passes through and browsers show)."""
    return "".join(ch if ch.isalnum() or ch == " " else f"&#{ord(ch)};" for ch in str(text))


def render(text: str, abbreviations: Mapping[str, str] | None = None) -> str:
    """Markdown-by-design data text as safe HTML (see the module docstring for what it understands)."""
    inline = _Inline(abbreviations or {})
    out = []
    for block in _blocks(str(text)):
        if _LIST_ITEM.match(block[0]):
            out.append(_list(block, inline))
        else:
            out.append("<p>" + inline("\n".join(line.strip() for line in block)) + "</p>")
    return "\n".join(out)


def _blocks(text: str) -> list[list[str]]:
    """Runs of non-blank lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _list(block: list[str], inline: _Inline) -> str:
    items: list[list[str]] = []
    ordered = _LIST_ITEM.match(block[0]).group(2) is not None
    for line in block:
        m = _LIST_ITEM.match(line)
        if m and (m.group(2) is not None) == ordered:
            items.append([m.group(3)])
        else:  # a continuation line belongs to the item above
            items[-1].append(line.strip())
    tag = "ol" if ordered else "ul"
    body = "\n".join("<li>" + inline("\n".join(item)) + "</li>" for item in items)
    return f"<{tag}>\n{body}\n</{tag}>"


class _Inline:
    """Inline Markdown -> HTML, escaping every piece of text and marking the site's abbreviations."""

    def __init__(self, abbreviations: Mapping[str, str]):
        self.abbreviations = dict(abbreviations)
        words = sorted(self.abbreviations, key=len, reverse=True)  # "IOPs" before "IOP"
        self.pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, words)) + r")(?!\w)") if words else None

    def __call__(self, text: str, depth: int = 0) -> str:
        out, at = [], 0
        for m in _INLINE.finditer(text):
            out.append(self.text(text[at : m.start()]))
            out.append(self.span(m, depth))
            at = m.end()
        out.append(self.text(text[at:]))
        return "".join(out)

    def span(self, m: re.Match, depth: int) -> str:
        kind = m.lastgroup
        if kind == "escaped":
            return self.text(m.group("escaped"))
        if kind == "code":
            return "<code>" + html.escape(m.group("code"), quote=False) + "</code>"
        if kind == "alt":  # an image would load from wherever its address points: keep only its words
            return self.text(m.group("alt"))
        if depth >= _MAX_NESTING:
            return self.text(m.group(0))
        if kind in ("strong", "strong2"):
            return "<strong>" + self(m.group(kind), depth + 1) + "</strong>"
        if kind in ("em", "em2"):
            return "<em>" + self(m.group(kind), depth + 1) + "</em>"
        label, url = m.group("label"), m.group("url")
        if url_problem(url) is not None:  # only public web pages; anything else keeps its words, unlinked
            return self(label, depth + 1)
        return f'<a href="{html.escape(url, quote=True)}" rel="noopener noreferrer">{self(label, depth + 1)}</a>'

    def text(self, text: str) -> str:
        escaped = html.escape(text, quote=False)
        if not self.pattern or not text:
            return escaped
        return self.pattern.sub(
            lambda m: f'<abbr title="{html.escape(self.abbreviations[m.group(1)], quote=True)}">{m.group(1)}</abbr>',
            escaped,
        )


def read_abbreviations(paths: list[Path]) -> dict[str, str]:
    """The site's own abbreviation definitions (`*[IOP]: Intensive outpatient program` lines), so data text gets
    the same <abbr> explanations as hand-written pages."""
    found: dict[str, str] = {}
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        for line in lines:
            m = _ABBREVIATION.match(line)
            if m:
                found[m.group(1)] = m.group(2)
    return found


def site_abbreviations(config) -> dict[str, str]:
    """The abbreviations the MkDocs config appends to every page (pymdownx.snippets `auto_append`)."""
    snippets = (config.mdx_configs or {}).get("pymdownx.snippets") or {}
    names = snippets.get("auto_append") or []
    base = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
    folders = snippets.get("base_path") or ["."]
    folders = [folders] if isinstance(folders, str) else folders
    return read_abbreviations([base / folder / name for name in names for folder in folders])
