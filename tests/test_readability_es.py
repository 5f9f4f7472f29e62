"""Every Spanish page reads at least "fairly easy": INFLESZ (Szigriszt-Pazos) 65 or more, or Fernández-Huerta 70.

Measured offline with textstat in Spanish (see tests/quality/readability_es.py for what is measured and how). For
now the text comes from the Markdown in content/es/ and from the Spanish text of the conditions and therapies;
when the Spanish site is built, the same scores can be taken from the rendered pages.

Run `pytest tests/test_readability_es.py -s` to see the table; it is also part of any failure message.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from quality.readability_es import (
    FERNANDEZ_HUERTA_LIMIT,
    INFLESZ_LIMIT,
    inflesz_band,
    markdown_reading_text,
    score_es,
    spanish_textstat,
    table_es,
    vowel_group_syllables,
)

ROOT = Path(__file__).resolve().parents[1]
SPANISH = ROOT / "content" / "es"
DATA = ROOT / "data"
TEXT_FIELDS = {
    "conditions": ("name", "summary", "description", "how_iop_helps"),
    "therapies": ("name", "summary", "description", "session", "helps"),
}


def spanish_texts() -> list[tuple[str, str]]:
    """(name, text) for every Spanish page, every condition and therapy in Spanish, and the crisis notice."""
    texts = [
        (page.relative_to(SPANISH).as_posix(), markdown_reading_text(page.read_text(encoding="utf-8")))
        for page in sorted(SPANISH.rglob("*.md"))
    ]
    for collection, fields in TEXT_FIELDS.items():
        for entry in yaml.safe_load((DATA / f"{collection}.yaml").read_text(encoding="utf-8"))[collection]:
            spanish = entry["translations"]["es"]
            markdown = "\n\n".join(f"# {spanish[f]}" if f == "name" else spanish[f] for f in fields)
            texts.append((f"{collection}/{entry['id']} (es)", markdown_reading_text(markdown)))
    locale = yaml.safe_load((ROOT / "locales" / "es.yaml").read_text(encoding="utf-8"))
    crisis, check = locale["crisis_notice"], locale["self_check"]
    notice = [crisis["lead"], *crisis["items"], crisis["print"]]
    messages = [v for k, v in check.items() if isinstance(v, str) and k != "submit"]
    for name, parts in (("crisis notice", notice), ("self-check messages", messages)):
        texts.append((f"{name} (locales/es.yaml)", markdown_reading_text(_links_as_text("\n\n".join(parts)))))
    return texts


def _links_as_text(text: str) -> str:
    """A locale string as a reader sees it: each {link} placeholder shows its number or address."""
    for mark, shown in (("{911}", "911"), ("{988}", "988"), ("{sms988}", "988"), ("{chat}", "988lifeline.org/chat")):
        text = text.replace(mark, shown)
    return text


@pytest.fixture(scope="module")
def scores():
    ts = spanish_textstat()
    results = [score_es(ts, name, text) for name, text in spanish_texts()]
    print("\n" + table_es(results))
    return results


# --- the extractor and the formulas --------------------------------------------------------------------------------


def test_reading_text_keeps_what_a_reader_meets_and_drops_the_rest():
    markdown = """---
title: Una página
---

# Un título { #titulo }

Lea [la guía](learn/guia.md){ hreflang=en } **ahora**. Es gratis
y abre todo el día

- Primer punto
- Segundo punto:
  sigue aquí

| Hora | Qué pasa |
|---|---|
| 9:00 | Un grupo |

!!! danger "¿Necesita ayuda?"
    Llame al [911](tel:911).

<p><input type="checkbox" id="x"> <label for="x">Tengo un lugar seguro.</label></p>

```
código que no se lee
```

### Término difícil { #term .iop-term }
Su significado en palabras sencillas.

<div class="iop-source-list" markdown>

### A source title { #s }

</div>
"""
    assert markdown_reading_text(markdown).splitlines() == [
        "Un título.",
        "Lea la guía ahora. Es gratis y abre todo el día.",
        "Primer punto.",
        "Segundo punto: sigue aquí.",
        "Hora.",
        "Qué pasa.",
        "9:00.",
        "Un grupo.",
        "¿Necesita ayuda?",
        "Llame al 911.",
        "Tengo un lugar seguro.",
        "Su significado en palabras sencillas.",
    ]


def test_spanish_formulas_come_out_as_published_and_offline():
    ts = spanish_textstat()
    easy = score_es(ts, "fácil", "El gato come. La casa es azul. Yo leo un libro.")
    assert easy.sentences == 3 and easy.words == 11
    assert easy.inflesz == pytest.approx(206.835 - 62.3 * easy.syllables_per_word - 11 / 3, abs=0.01)
    assert easy.fernandez_huerta == pytest.approx(206.84 - 60 * easy.syllables_per_word - 1.02 * 11 / 3, abs=0.01)
    assert easy.fairly_easy
    hard = score_es(
        ts,
        "difícil",
        "La farmacoterapia coadyuvante multidisciplinaria contemporánea necesariamente implica consideraciones "
        "epidemiológicas, psicopatológicas y socioeconómicas extraordinariamente heterogéneas.",
    )
    assert hard.inflesz < 40 and hard.fernandez_huerta < 50 and not hard.fairly_easy
    assert inflesz_band(hard.inflesz) == "muy difícil" and inflesz_band(70) == "bastante fácil"


def test_spanish_scores_never_reach_for_the_network_or_nltk(monkeypatch):
    import nltk

    def refuse(*args, **kwargs):
        raise RuntimeError("NLTK tried to download data for Spanish")

    monkeypatch.setattr(nltk, "download", refuse)
    from textstat.backend.utils._get_cmudict import get_cmudict

    assert get_cmudict("es") is None  # Spanish syllables come from pyphen alone
    score = score_es(spanish_textstat(), "offline", "Llame al 988 y marque 2. Es gratis.")
    assert score.words == 8


@pytest.mark.parametrize(
    ("word", "syllables"),
    [("agua", 2), ("ayuda", 3), ("trastorno", 3), ("día", 2), ("ciudad", 2), ("aéreo", 4), ("hoy", 1), ("guía", 2),
     ("continúa", 4), ("que", 1), ("oír", 2), ("país", 2), ("y", 1), ("TTY", 1)],
)  # fmt: skip
def test_vowel_group_count_splits_hiatus_and_keeps_diphthongs(word, syllables):
    assert vowel_group_syllables(word) == syllables


def test_the_measured_text_is_the_spanish_page_and_nothing_else():
    names = {name for name, _ in spanish_texts()}
    english = {p.relative_to(ROOT / "content").as_posix() for p in (ROOT / "content").rglob("*.md")}
    assert {n for n in names if n.endswith(".md")} == {e for e in english if not e.startswith("es/")}
    texts = dict(spanish_texts())
    assert "Fuentes." in texts["learn/sources.md"].splitlines()  # the heading, but no English source titles
    assert "Clinical Issues" not in texts["learn/sources.md"]
    assert "title:" not in texts["learn/what-is-iop.md"] and "](" not in texts["learn/what-is-iop.md"]


# --- the limits ----------------------------------------------------------------------------------------------------


def test_every_spanish_page_reads_at_least_fairly_easy(scores):
    hard = [s for s in scores if not s.fairly_easy]
    assert not hard, (
        f"{len(hard)} Spanish texts are below INFLESZ {INFLESZ_LIMIT:g} and Fernández-Huerta "
        f"{FERNANDEZ_HUERTA_LIMIT:g} (shorter sentences, shorter words):\n" + table_es(scores)
    )


def test_every_spanish_guide_is_measured_with_enough_text(scores):
    guides = [s for s in scores if s.name.startswith("learn/")]
    assert len(guides) == len(list((ROOT / "content" / "learn").glob("*.md")))
    assert all(s.words >= 300 and s.sentences >= 20 for s in guides), table_es(guides)


if __name__ == "__main__":
    ts = spanish_textstat()
    print(table_es([score_es(ts, name, text) for name, text in spanish_texts()]))
