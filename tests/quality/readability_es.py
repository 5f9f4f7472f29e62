"""Reading ease of the Spanish pages, measured with the two formulas made for Spanish.

Szigriszt-Pazos (1992), read on the INFLESZ scale, and Fernández-Huerta (1959) both come from Flesch's reading
ease: they fall as words get longer (syllables per word) and sentences get longer (words per sentence). The site
asks every Spanish guide to be at least "fairly easy" on one of them: INFLESZ 65 or more ("bastante fácil"), or
Fernández-Huerta 70 or more.

textstat computes both. With `set_lang("es")` it counts syllables with pyphen's Spanish hyphenation patterns,
which ship with pyphen, so nothing is downloaded (the English path needs NLTK's CMU dictionary; Spanish never
asks for it). Hyphenation is not syllabification, though: pyphen never splits off a syllable of one letter at the
start or end of a word ("agua" counts as one, "ayuda" as two), so its counts run low and the scores read a few
points easy. `vowel_group_syllables` counts the vowel groups instead (a hiatus, two strong vowels or an accented
í or ú next to a vowel, splits a group); the table shows INFLESZ by that count too, as a stricter second look.

The text is taken from the Markdown source for now: front matter, link targets, HTML tags, code, glossary terms
and the list of source titles are left out, as tests/quality/readability.py leaves them out of a rendered page.
Each paragraph, list item, heading, table cell, label or button is one sentence, as a reader meets it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quality.readability import no_network

INFLESZ_LIMIT = 65.0  # "bastante fácil" on Szigriszt's INFLESZ scale
FERNANDEZ_HUERTA_LIMIT = 70.0  # "bastante fácil" on Fernández-Huerta's scale

_FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.S)
_FENCE = re.compile(r"^```.*?^```\s*$", re.S | re.M)
# Parts that are not prose: glossary terms (the hard words a glossary exists to explain) and source titles.
_SKIPPED_BLOCK = re.compile(r'<div class="iop-source-list" markdown>.*?^</div>', re.S | re.M)
_TERM_HEADING = re.compile(r"^#+ .*\{[^}]*\.iop-term[^}]*\}\s*$", re.M)
_BLOCK_TAGS = re.compile(r"</?(p|div|li|ul|ol|form|fieldset|legend|label|button|noscript|span|br|h\d)\b[^>]*>", re.I)


def markdown_reading_text(markdown: str) -> str:
    """The words a reader meets in a Markdown page, one sentence per line."""
    text = _FRONT_MATTER.sub("", markdown)
    text = _FENCE.sub("", text)
    text = _SKIPPED_BLOCK.sub("", text)
    text = _TERM_HEADING.sub("", text)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = _BLOCK_TAGS.sub("\n\n", text)  # each HTML block (label, paragraph, legend...) is its own unit
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"`[^`]*`", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link keeps its words, not its address
    text = re.sub(r"\{[:.#][^}]*\}|\{ *(hreflang|\.|#)[^}]*\}", "", text)  # attribute lists
    units: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        units += _units(block)
    return "\n".join(_as_sentence(u) for u in units if _as_sentence(u))


def _units(block: str) -> list[str]:
    """A paragraph is one unit; a list item, a heading or a table cell starts a new one."""
    units: list[str] = []
    current: list[str] = []
    for raw in block.splitlines():
        line = raw.strip()
        if not line or re.fullmatch(r"\|?[\s:|-]+\|?", line):  # blank, or a table's |---| rule
            continue
        admonition = re.match(r'!!!\s+\w+(?:\s+"(.*)")?\s*$', line)
        if admonition:
            units += [" ".join(current)] if current else []
            current = []
            if admonition.group(1):
                units.append(admonition.group(1))
            continue
        if line.startswith("|"):
            units += [" ".join(current)] if current else []
            current = []
            units += [cell.strip() for cell in line.strip("|").split("|") if cell.strip()]
            continue
        starts_unit = re.match(r"(#+|[-*+]|\d+\.)\s+", line)
        if starts_unit:
            units += [" ".join(current)] if current else []
            current = [line[starts_unit.end() :]]
            if line.startswith("#"):
                units.append(current.pop())
            continue
        current.append(line)
    if current:
        units.append(" ".join(current))
    return units


def _as_sentence(unit: str) -> str:
    unit = re.sub(r"\*\*|__|(?<!\w)[*_]|[*_](?!\w)", "", unit)  # emphasis marks
    unit = re.sub(r"\s+", " ", unit).strip().rstrip(":").strip()
    if unit and not re.search(r"[.!?][\"')\]”’»]*$", unit):
        unit += "."
    return unit


_VOWELS = "aeiouáéíóúü"
_STRONG = "aeoáéíóú"  # a, e, o, and an accented i or u: two of them side by side are two syllables


def vowel_group_syllables(word: str) -> int:
    """Syllables in a Spanish word, counted by its vowel groups: "agua" 2, "día" 2, "ciudad" 2, "aéreo" 4."""
    word = re.sub(r"y(?![aeiouáéíóú])", "i", word.lower())  # y ends a diphthong or stands alone: hoy, muy, y
    count, previous = 0, None
    for ch in word:
        if ch not in _VOWELS:
            previous = None
            continue
        if previous is None or (previous in _STRONG and ch in _STRONG):
            count += 1
        previous = ch
    return max(count, 1)  # an acronym with no vowel, such as "TTY", still takes a breath


@dataclass(frozen=True)
class ScoreEs:
    name: str
    inflesz: float
    fernandez_huerta: float
    inflesz_vowel_groups: float
    sentences: int
    words: int
    syllables_per_word: float

    @property
    def fairly_easy(self) -> bool:
        return self.inflesz >= INFLESZ_LIMIT or self.fernandez_huerta >= FERNANDEZ_HUERTA_LIMIT


def spanish_textstat():
    """A textstat instance of its own, set to Spanish: the shared one stays English for the SMOG tests."""
    from textstat.textstat import textstatistics

    ts = textstatistics()
    ts.set_lang("es")
    return ts


def score_es(ts, name: str, text: str) -> ScoreEs:
    with no_network():
        words = ts.lexicon_count(text)
        sentences = ts.sentence_count(text)
        syllables = ts.syllable_count(text)
        inflesz = ts.szigriszt_pazos(text)
        fernandez_huerta = ts.fernandez_huerta(text)
    tokens = re.findall(r"[^\W\d_]+", text)
    by_vowels = sum(vowel_group_syllables(t) for t in tokens) / max(len(tokens), 1)
    return ScoreEs(
        name,
        inflesz=inflesz,
        fernandez_huerta=fernandez_huerta,
        inflesz_vowel_groups=206.835 - 62.3 * by_vowels - words / max(sentences, 1),
        sentences=sentences,
        words=words,
        syllables_per_word=syllables / max(words, 1),
    )


def inflesz_band(value: float) -> str:
    """The band of Szigriszt's INFLESZ scale (Barrio-Cantalejo and others, 2008) a score falls in."""
    if value > 80:
        return "muy fácil"
    if value >= 65:
        return "bastante fácil"
    if value >= 55:
        return "normal"
    if value >= 40:
        return "algo difícil"
    return "muy difícil"


def table_es(scores: list[ScoreEs]) -> str:
    """A plain-text table, hardest page first."""
    lines = [
        f"{'INFLESZ':>7} {'F-H':>5} {'INFLESZ*':>8} {'syl/w':>5} {'sent.':>5} {'words':>5}  page (INFLESZ band)",
        "-" * 88,
    ]
    for s in sorted(scores, key=lambda s: s.inflesz):
        flag = "" if s.fairly_easy else "  <-- below both limits"
        lines.append(
            f"{s.inflesz:7.1f} {s.fernandez_huerta:5.1f} {s.inflesz_vowel_groups:8.1f} {s.syllables_per_word:5.2f} "
            f"{s.sentences:5d} {s.words:5d}  {s.name} ({inflesz_band(s.inflesz)}){flag}"
        )
    lines.append("-" * 88)
    lines.append("INFLESZ* counts syllables by vowel groups instead of pyphen's hyphenation (see the module notes).")
    return "\n".join(lines)
