"""The Spanish pages (content/es/): one for every English page, with the same sources, anchors, self-check and
clinical facts, written for people (usted, person-first), and built strictly with every link resolved.

The site publishes all of them under /es/ (the finder, the referral list and the comparison too: their scripts speak
Spanish). The pages the
Spanish pages link to and that the build generates (conditions, therapies, the states index) are Markdown links
like the English pages' (`GENERATED`). Reading ease is measured by tests/test_readability_es.py, the pairing with
the English pages by tests/test_site_es.py.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
import yaml
from conftest import ROOT
from quality.tools import crawl
from test_content import load_yaml, split_front_matter

CONTENT = ROOT / "content"
SPANISH = CONTENT / "es"
DATA = ROOT / "data"

ENGLISH_PAGES = sorted(
    p.relative_to(CONTENT).as_posix() for p in CONTENT.rglob("*.md") if not p.is_relative_to(SPANISH)
)
# Sources the Spanish pages may cite beyond their English page's: official Spanish versions, and 988's own page on
# its Spanish options (the crisis help on Spanish pages names them).
SPANISH_SOURCES = {
    "medlineplus-es-delirium-tremens",
    "cdc-naloxone-es",
    "nida-es-opioid-medications",
    "cuidadodesalud-gov-coverage",
    "lifeline-988-what-to-expect",
}
# Spanish pages the build generates (from data/, like the English ones), which Markdown links may name.
GENERATED = re.compile(r"(conditions|therapies)/([a-z0-9-]+)\.md|states/index\.md")
ENGLISH_ONLY = "reference/data.md"  # generated for maintainers, in English only
CONTEXT_PREFIXES = ("seed-", "cost-estimate-")


def english(rel: str) -> tuple[dict, str]:
    return split_front_matter((CONTENT / rel).read_text(encoding="utf-8"))


def spanish(rel: str) -> tuple[dict, str]:
    return split_front_matter((SPANISH / rel).read_text(encoding="utf-8"))


def translations(collection: str) -> dict[str, dict]:
    return {e["id"]: e["translations"]["es"] for e in load_yaml(DATA / f"{collection}.yaml")[collection]}


def prose(markdown: str) -> str:
    """Markdown without link targets, tags and attribute lists, on one line per paragraph."""
    text = re.sub(r"\]\([^)]*\)|<[^>]+>|\{[^}]*\}", lambda m: "]" if m.group().startswith("]") else " ", markdown)
    return re.sub(r"[ \t]*\n[ \t]*(?!\n|[-*#|]|\d+\.)", " ", text)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()]


# --- one Spanish page for every English page ----------------------------------------------------------------------


def test_every_english_page_has_a_spanish_page_at_the_same_path():
    built = sorted(p.relative_to(SPANISH).as_posix() for p in SPANISH.rglob("*.md"))
    assert built == ENGLISH_PAGES


def test_spanish_pages_are_not_in_the_site_nav_and_none_is_kept_out():
    """The Spanish pages have a navigation of their own (made from the site's); mkdocs.yml's lists none of them."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "#"))

    def paths(items):
        for item in items:
            for value in item.values() if isinstance(item, dict) else [item]:
                yield from paths(value) if isinstance(value, list) else [value]

    assert not [p for p in paths(config["nav"]) if p.startswith("es/")]
    assert "/es/" in config["not_in_nav"].split()
    assert "/es/" not in (config.get("exclude_docs") or "")


@pytest.mark.parametrize("rel", ENGLISH_PAGES)
def test_front_matter_has_the_english_keys_with_spanish_words(rel):
    en, _ = english(rel)
    es, _ = spanish(rel)
    assert set(es) == set(en), f"content/es/{rel}: front matter keys {sorted(es)} differ from {sorted(en)}"
    for key in ("title", "description"):
        translated = es[key] != en[key] or es[key] == "IOP Finder"  # the site's name is the same in Spanish
        assert isinstance(es[key], str) and es[key].strip() and translated, f"content/es/{rel}: {key}"
    for key in ("hide", "scripts"):
        assert es.get(key) == en.get(key), f"content/es/{rel}: {key} must match the English page"
    if "last_reviewed" in en:
        # A translation checked before its English page changed may miss a correction.
        assert en["last_reviewed"] <= es["last_reviewed"] <= dt.date.today(), f"content/es/{rel}: last_reviewed"


@pytest.mark.parametrize("rel", [r for r in ENGLISH_PAGES if "sources" in english(r)[0]])
def test_spanish_page_cites_every_english_source_primary_first(rel):
    en, es = english(rel)[0]["sources"], spanish(rel)[0]["sources"]
    known = {s["id"] for s in load_yaml(DATA / "sources.yaml")["sources"]}
    assert set(en) <= set(es), f"content/es/{rel} drops sources {sorted(set(en) - set(es))}"
    assert set(es) - set(en) <= SPANISH_SOURCES, f"content/es/{rel} adds {sorted(set(es) - set(en) - SPANISH_SOURCES)}"
    assert set(es) <= known
    kinds = [s.startswith(CONTEXT_PREFIXES) for s in es]
    assert kinds == sorted(kinds), f"content/es/{rel}: primary sources must come before context articles"
    assert [s for s in es if s in en] == en, f"content/es/{rel}: keep the English page's order"


@pytest.mark.parametrize("rel", ENGLISH_PAGES)
def test_spanish_page_keeps_every_anchor_of_the_english_page(rel):
    """Links such as #withdrawal, glossary terms and the self-check's "read more" keep working in Spanish."""
    anchors = re.compile(r"\{ *#([A-Za-z0-9_-]+)")
    missing = set(anchors.findall(english(rel)[1])) - set(anchors.findall(spanish(rel)[1]))
    assert not missing, f"content/es/{rel} lacks anchors {sorted(missing)}"


@pytest.mark.parametrize("rel", ENGLISH_PAGES)
def test_markdown_links_stay_inside_the_spanish_pages(rel):
    """A .md link is a page of the Spanish site, written or generated; a link to an English-only page (the data
    reference, for maintainers) says it is in English (hreflang=en)."""
    page = SPANISH / rel
    text = page.read_text(encoding="utf-8")
    for m in re.finditer(r"\]\(([^)\s]+?\.md)(?:#[^)]*)?\)(\{[^}]*\})?", text):
        target, attributes = m.group(1), m.group(2) or ""
        resolved = (page.parent / target).resolve()
        if not resolved.is_relative_to(SPANISH.resolve()):
            english = resolved.relative_to(CONTENT.resolve()).as_posix()
            assert english in ENGLISH_PAGES + [ENGLISH_ONLY], f"content/es/{rel}: {target} is no page of the site"
            assert "hreflang=en" in attributes, f"content/es/{rel}: {target} is in English: say so (hreflang=en)"
            continue
        inside = resolved.relative_to(SPANISH.resolve()).as_posix()
        generated = GENERATED.fullmatch(inside)
        if generated and generated.group(1):
            ids = {e["id"] for e in load_yaml(DATA / f"{generated.group(1)}.yaml")[generated.group(1)]}
            assert generated.group(2) in ids | {"index"}, f"content/es/{rel}: {target} is no page of the site"
        else:
            assert generated or resolved.is_file(), f"content/es/{rel}: {target}"


# --- the crisis help and the self-check -----------------------------------------------------------------------------


@pytest.mark.parametrize("rel", ENGLISH_PAGES)
def test_pages_that_give_988_give_its_spanish_option(rel):
    _, body = spanish(rel)
    if "tel:988" in body:
        assert "marque 2" in body, f"content/es/{rel} links 988 without saying to press 2 for Spanish"


def test_home_and_self_check_pages_offer_988_by_text_in_spanish():
    for rel in ("index.md", "learn/is-iop-right-for-me.md"):
        _, body = spanish(rel)
        assert "sms:988?body=AYUDA" in body and "llame al 988 y marque 2" in body.lower(), rel
        assert "tel:911" in body, rel


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs: list[dict] = []
        self.help: dict[str, str] = {}
        self._help_id = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input":
            self.inputs.append(attrs)
        if tag == "p" and attrs.get("class") == "self-check-help":
            self._help_id = attrs["id"]
            self.help[self._help_id] = ""
        if tag == "a" and self._help_id:
            self.help[self._help_id] += f"[{attrs['href']}]"

    def handle_endtag(self, tag):
        if tag == "p":
            self._help_id = None


def _form(rel_markdown: str) -> _Inputs:
    parser = _Inputs()
    parser.feed(rel_markdown)
    return parser


def test_self_check_is_the_english_form_in_spanish():
    en, es = _form(english("learn/is-iop-right-for-me.md")[1]), _form(spanish("learn/is-iop-right-for-me.md")[1])
    assert es.inputs == en.inputs, "the boxes, their ids, signals and first numbers must match the English form"
    for help_id, links in en.help.items():
        first_en = re.search(r"\[(tel:\d+)\]", links).group(1)
        first_es = re.search(r"\[(tel:\d+)\]", es.help[help_id]).group(1)
        assert first_es == first_en, f"{help_id}: the Spanish help names {first_es} first"
    _, body = spanish("learn/is-iop-right-for-me.md")
    for needed in ('<div id="self-check-alert" class="self-check-alert" role="alert" aria-live="assertive"',
                   '<div id="self-check-result" role="status" aria-live="polite"></div>'):  # fmt: skip
        assert needed in body
    assert "<script" not in body.lower()


# --- written for people --------------------------------------------------------------------------------------------

# Labels for a person that person-first Spanish avoids. "Alcohólicos Anónimos" is a name and stays.
LABELS = re.compile(
    r"\b(alcohólic[oa]s?(?! Anónimos)|drogadict[oa]s?|adict[oa]s?|toxicómanos?|viciosos?|enfermos? mentales?|"
    r"locos?|suicidas?(?= (?:y|o|,|\.))|abuso de (?:sustancias|drogas|alcohol))\b",
    re.IGNORECASE,
)
# Verb forms and pronouns of "tú" that would break the "usted" the pages use; quoted speech may use tú.
TU = re.compile(r"\b(tú|tienes|puedes|quieres|necesitas|estás|eres|sientes|llámanos|tus?)\b", re.IGNORECASE)


def spanish_texts() -> list[tuple[str, str]]:
    texts = [(f"content/es/{rel}", prose(spanish(rel)[1])) for rel in ENGLISH_PAGES]
    for collection in ("conditions", "therapies"):
        for entry_id, es in translations(collection).items():
            fields = [v for k, v in es.items() if k != "aliases"]
            texts.append((f"{collection}/{entry_id} (es)", "\n".join(fields)))
    return texts


@pytest.mark.parametrize(("where", "text"), spanish_texts(), ids=lambda v: v if "/" in v[:40] else "")
def test_person_first_words_and_usted(where, text):
    text = re.sub(r"<https?://[^>]+>|https?://\S+", " ", text)
    labels = LABELS.findall(text)
    assert not labels, f"{where} labels people: {labels} (say 'una persona con ...', 'consumo de ...')"
    unquoted = re.sub(r'"[^"]*"|“[^”]*”|«[^»]*»', " ", text)
    tu = TU.findall(unquoted)
    assert not tu, f"{where} speaks to the reader as tú: {tu} (use usted)"


def glossary_rows() -> list[tuple[str, str, str]]:
    """(English, Spanish, note) for every term in docs/glosario-es.md."""
    rows = []
    for line in (ROOT / "docs" / "glosario-es.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("| ") else []
        if len(cells) == 3 and cells[0] not in ("English", "---"):
            rows.append((cells[0], cells[1], cells[2]))
    return rows


def avoided_words() -> dict[str, str]:
    """Each word the glossary says to avoid, and the term it belongs to."""
    return {
        word: spanish
        for _, spanish, note in glossary_rows()
        if "Evite:" in note
        for word in re.findall(r"«([^»]+)»", note.split("Evite:", 1)[1])
    }


def reader_texts() -> list[tuple[str, str]]:
    """Every Spanish text as a reader meets it: pages without their front matter or source titles, the Spanish
    of the conditions and therapies, and the interface words in locales/es.yaml."""
    from quality.readability_es import markdown_reading_text

    texts = [
        (f"content/es/{rel}", markdown_reading_text((SPANISH / rel).read_text(encoding="utf-8")))
        for rel in ENGLISH_PAGES
    ]
    texts += [(where, text) for where, text in spanish_texts() if not where.startswith("content/")]

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from strings(v)
        elif isinstance(value, list):
            for v in value:
                yield from strings(v)

    locale = yaml.safe_load((ROOT / "locales" / "es.yaml").read_text(encoding="utf-8"))
    texts.append(("locales/es.yaml", "\n".join(strings(locale))))
    return texts


def test_the_glossary_of_terms_is_complete_enough_to_follow():
    rows = glossary_rows()
    assert len(rows) >= 150, len(rows)
    spanish = {es.split(" (")[0].lower() for _, es, _ in rows}
    for term in ("programa intensivo ambulatorio", "hospitalización parcial", "trastorno por consumo de alcohol",
                 "medicamentos para el trastorno por consumo de opioides", "sala de emergencias"):  # fmt: skip
        assert term in spanish, term
    assert "Evite:" in dict((en, note) for en, _, note in rows)["intensive outpatient program (IOP)"]


@pytest.mark.parametrize(("where", "text"), reader_texts(), ids=lambda v: v if "/" in v[:40] else "")
def test_spanish_text_keeps_to_the_glossary(where, text):
    found = [
        f"«{word}» (the glossary says: {term})"
        for word, term in avoided_words().items()
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE)
    ]
    assert not found, f"{where}: " + "; ".join(found)


def test_person_first_check_bites():
    assert LABELS.findall("Un alcohólico y unos drogadictos") == ["alcohólico", "drogadictos"]
    assert LABELS.findall("Alcohólicos Anónimos ayuda al consumo de alcohol.") == []
    assert TU.findall("Tú puedes llamar.") == ["Tú", "puedes"]


# --- the clinical facts, point for point (the Spanish of tests/test_content.py's clinical tests) -------------------


def clinical_texts() -> dict[str, str]:
    """Every Spanish text by the page it will be: learn/..., conditions/<id>, therapies/<id>."""
    texts = {rel.removesuffix(".md"): prose(spanish(rel)[1]) for rel in ENGLISH_PAGES}
    for collection in ("conditions", "therapies"):
        for entry_id, es in translations(collection).items():
            texts[f"{collection}/{entry_id}"] = prose("\n\n".join(v for k, v in es.items() if k != "aliases"))
    return {k: re.sub(r"\*\*", "", v) for k, v in texts.items()}


def test_opioid_pages_say_medicine_first_without_detox_and_that_detox_alone_raises_overdose_risk():
    texts = clinical_texts()
    for page in ("conditions/opioid-use", "therapies/medications-for-addiction", "learn/levels-of-care",
                 "learn/is-iop-right-for-me"):  # fmt: skip
        text = texts[page].lower()
        assert "primer tratamiento por el que debe preguntar" in text, page
        assert "no tiene que pasar primero por la desintoxicación" in text, page
        assert "naloxona" in text, page
    for page in ("conditions/opioid-use", "learn/levels-of-care", "learn/is-iop-right-for-me"):
        assert re.search(r"desintoxicación sola[^.]*sobredosis mortal", texts[page].lower()), page


def test_every_text_that_discusses_opioid_detox_names_naloxone_and_overdose():
    opioid = re.compile(r"\b(opioides?|fentanilo|heroína)\b", re.I)
    for page, text in clinical_texts().items():
        if any(re.search(r"desintoxica", u, re.I) and opioid.search(u) for u in text.split("\n")):
            low = text.lower()
            assert "naloxona" in low and "sobredosis" in low, page


def test_naltrexone_is_never_said_to_lower_overdose_risk_and_its_risk_after_stopping_is_named():
    texts = clinical_texts()
    for page, text in texts.items():
        for sentence in sentences(text):
            if "naltrexona" in sentence.lower():
                assert not re.search(r"\b(baja|reduce|disminuye|protege)\w*\b[^.]*sobredosis", sentence, re.I), (
                    page,
                    sentence,
                )
    for page in ("conditions/opioid-use", "therapies/medications-for-addiction", "learn/relapse"):
        assert "sobredosis con menos de lo que usaba antes" in texts[page], page


def test_alcohol_and_sedative_withdrawal_cause_seizures_and_need_medical_care_first():
    texts = clinical_texts()
    for page in ("conditions/alcohol-use", "learn/levels-of-care", "learn/is-iop-right-for-me",
                 "conditions/generalized-anxiety", "conditions/panic-disorder"):  # fmt: skip
        assert "convulsion" in texts[page].lower(), page
    for page in ("conditions/alcohol-use", "learn/levels-of-care", "learn/is-iop-right-for-me"):
        text = texts[page].lower()
        assert re.search(r"causar la muerte|mortal", text) and "atención médica" in text, page


def test_no_medicine_is_called_safe_without_its_condition():
    medicine = re.compile(r"\b(medicamentos?|medicinas?|buprenorfina|metadona|naltrexona|naloxona)\b", re.I)
    condition = re.compile(r"\b(cuando|cuándo|si|según|le hace controles)\b", re.I)
    for page, text in clinical_texts().items():
        for sentence in sentences(text):
            if re.search(r"\bsegur[oa]s?\b", sentence, re.I) and medicine.search(sentence):
                assert condition.search(sentence), f"{page}: {sentence}"


def test_thoughts_of_suicide_are_not_called_a_reason_an_iop_is_not_for_you():
    text = clinical_texts()["learn/is-iop-right-for-me"]
    assert "Tener pensamientos de suicidio no le impide hacer un IOP" in text
    assert "no quiere decir, por sí solo, que un IOP no sea para usted" in text
    assert "DBT" in text


# --- built: strict, and every link resolves ------------------------------------------------------------------------


def test_every_spanish_page_is_built(site):
    for rel in ENGLISH_PAGES:
        url = "es/" + re.sub(r"(index)?\.md$", "", rel)
        page = site / url / "index.html"
        assert page.is_file(), f"content/es/{rel}: not built at {url}"


def test_every_link_on_the_spanish_pages_resolves(site):
    broken = [b for b in crawl(site).broken if b.startswith("es/")]
    assert not broken, "\n".join(broken)
