"""The Spanish word search's stemmer: a word and its plural, masculine and feminine forms reach one index word.

A light stemmer after Snowball's Spanish algorithm (snowballstem.org/algorithms/spanish), keeping only the rules
that matter for the names people search for (conditions, therapies, places) and leaving verbs alone:

1. lower case, accents dropped ("depresión" = "depresion"; ñ stays a letter of its own, as in Snowball);
2. RV, Snowball's region: after the next vowel if the second letter is a consonant, after the next consonant if
   the first two letters are vowels, otherwise after the third letter; endings are removed only inside it, so
   short words keep their letters;
3. plurals: "-ces" -> "-z" in words of five letters or more (voces -> voz), "-es" after a consonant (mujeres -> mujer, adicciones -> adiccion),
   "-s" after a vowel (terapias -> terapia);
4. gender: a final "-a", "-o" or "-e" inside RV (terapia -> terapi, adulto and adulta -> adult), Snowball's
   residual suffix step.

Stop words ("de", "la", "y", ...) give no index word at all, in the index and in a query alike.

finder-search.js has the twin (IOPFinderSearch.stemEs) for the words a person types; tests/test_js_parity.py
checks both give the same stems for a word list.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

VOWELS = "aeiou"
STOP_WORDS = frozenset(
    "a al con de del e el en la las lo los o para por que se sin su sus u un una unas unos y".split()
)
_WORD = re.compile(r"[^\W_]+")  # letters and digits; everything else separates words (as \p{L}\p{N} in JS)


def fold(word: str) -> str:
    """Lower case without accents, but ñ kept."""
    out = []
    for ch in word.lower():
        if ch == "ñ":
            out.append(ch)
            continue
        out.append("".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)))
    return "".join(out)


def rv(word: str) -> int:
    """Where Snowball's RV region starts in `word` (its length when the word has none)."""
    if len(word) < 2:
        return len(word)
    first, second = word[0] in VOWELS, word[1] in VOWELS
    if not second:  # after the next vowel
        at = next((i for i in range(2, len(word)) if word[i] in VOWELS), len(word) - 1)
        return at + 1
    if first:  # two vowels: after the next consonant
        at = next((i for i in range(2, len(word)) if word[i] not in VOWELS), len(word) - 1)
        return at + 1
    return 3


@cache
def stem(word: str) -> str:
    """The index word of one Spanish word ("" for a stop word)."""
    w = fold(word)
    if w in STOP_WORDS:
        return ""
    start = rv(w)
    if w.endswith("ces") and len(w) > 4:
        w = w[:-3] + "z"
    elif w.endswith("es") and len(w) - 2 >= start and len(w) > 3 and w[-3] not in VOWELS:
        w = w[:-2]
    elif w.endswith("s") and len(w) - 1 >= start and len(w) > 2 and w[-2] in VOWELS:
        w = w[:-1]
    if w[-1:] in ("a", "o", "e") and len(w) - 1 >= start:
        w = w[:-1]
    return w


def words(text: str) -> list[str]:
    """The index words of a text: split on anything but letters and digits, each word stemmed, stop words out."""
    return [s for s in (stem(w) for w in _WORD.findall(text)) if s]
