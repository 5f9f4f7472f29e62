"""Checks for the patient-education content: sources, review dates, clinical claims and plain words.

Reading levels are measured on the built pages by tests/test_readability.py; the crisis notice and the
self-check in a browser by tests/test_crisis.py. The clinical tests here pin the corrections issue 13 asked for
(medicine first for opioid use disorder, detox alone and naltrexone's overdose risk, seizures in alcohol and
sedative withdrawal, no medicine called safe without its condition), so a later edit cannot quietly undo them.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from quality.readability import reading_text

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
DATA = ROOT / "data"

CONDITION_IDS = {
    "alcohol-use",
    "opioid-use",
    "stimulant-use",
    "cannabis-use",
    "depression",
    "generalized-anxiety",
    "social-anxiety",
    "panic-disorder",
    "ocd",
    "ptsd",
    "bipolar",
    "eating-disorders",
    "personality-disorders",
    "co-occurring",
}
THERAPY_IDS = {
    "cbt",
    "dbt",
    "motivational-interviewing",
    "matrix-model",
    "mindfulness",
    "relapse-prevention",
    "twelve-step-facilitation",
    "smart-recovery",
    "family-therapy",
    "psychodynamic",
    "trauma-focused",
    "art-therapy",
    "music-therapy",
    "psychoeducation",
    "life-skills",
    "vocational-support",
    "medications-for-addiction",
    "medication-management",
}
CONDITION_GROUPS = {"substance_use", "mental_health", "co_occurring"}
CONDITION_TEXT_FIELDS = ("name", "summary", "description", "how_iop_helps")
THERAPY_TEXT_FIELDS = ("name", "summary", "description", "session", "helps")

# Every guide, and the home and about pages: each has a review date and sources.
EDUCATION_PAGES = [
    "index.md",
    "about.md",
    *sorted(p.relative_to(CONTENT).as_posix() for p in CONTENT.glob("learn/*.md")),
]
NEW_GUIDES = {
    "learn/first-day.md",
    "learn/paying-without-insurance.md",
    "learn/work-and-school.md",
    "learn/privacy.md",
    "learn/telehealth.md",
    "learn/care-that-fits.md",
    "learn/relapse.md",
    "learn/parents-of-teens.md",
}
# Context, not primary sources: the articles the site was started from and treatment providers' cost estimates.
CONTEXT_PREFIXES = ("seed-", "cost-estimate-")


# --- loading -----------------------------------------------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML silently keeps the last of two equal keys; a data file with a repeated key should fail instead."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                mark = key_node.start_mark
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} at line {mark.line + 1}, column {mark.column + 1}", mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)


def split_front_matter(text: str) -> tuple[dict, str]:
    match = re.match(r"\A---\s*\n(.*?)\n---\s*\n", text, re.DOTALL)
    if not match:
        return {}, text
    return yaml.load(match.group(1), Loader=_UniqueKeyLoader) or {}, text[match.end() :]


def read_page(rel: str) -> tuple[dict, str]:
    return split_front_matter((CONTENT / rel).read_text(encoding="utf-8"))


def sources() -> list[dict]:
    return load_yaml(DATA / "sources.yaml")["sources"]


def source_ids() -> set[str]:
    return {s["id"] for s in sources()}


def conditions() -> list[dict]:
    return load_yaml(DATA / "conditions.yaml")["conditions"]


def therapies() -> list[dict]:
    return load_yaml(DATA / "therapies.yaml")["therapies"]


def is_context(source_id: str) -> bool:
    return source_id.startswith(CONTEXT_PREFIXES)


def built_text(site: Path, url: str) -> str:
    return reading_text((site / url / "index.html").read_text(encoding="utf-8"))


def patient_pages(site: Path) -> list[Path]:
    """Every built page a patient reads for learning: home, about, guides, conditions and therapies."""
    pages = [site / "index.html", site / "about" / "index.html"]
    for folder in ("learn", "conditions", "therapies"):
        pages += sorted((site / folder).glob("*/index.html"))
    return pages


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()]


# --- every education page: review date and sources ----------------------------------------------------------------


def test_the_new_guides_exist_and_are_in_the_nav():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for rel in sorted(NEW_GUIDES):
        assert (CONTENT / rel).is_file(), f"content/{rel} is missing"
        assert rel in nav, f"{rel} is not in the mkdocs.yml nav"


@pytest.mark.parametrize("rel", EDUCATION_PAGES)
def test_page_has_review_date_and_known_sources_primary_first(rel):
    meta, _ = read_page(rel)
    for field in ("title", "description"):
        assert isinstance(meta.get(field), str) and meta[field].strip(), f"content/{rel}: front matter needs {field}"
    reviewed = meta.get("last_reviewed")
    assert isinstance(reviewed, dt.date), f"content/{rel}: last_reviewed must be a date like 2026-11-23"
    assert reviewed <= dt.date.today(), f"content/{rel}: last_reviewed {reviewed} is in the future"
    cited = meta.get("sources")
    assert isinstance(cited, list) and cited, f"content/{rel}: sources must be a non-empty list"
    unknown = set(cited) - source_ids()
    assert not unknown, f"content/{rel}: unknown source ids {sorted(unknown)}"
    assert_primary_first(f"content/{rel}", cited)


def assert_primary_first(where: str, cited: list[str]) -> None:
    kinds = [is_context(s) for s in cited]
    assert kinds == sorted(kinds), f"{where}: primary sources must come before context articles: {cited}"
    assert not all(kinds), f"{where}: cites only context articles; add a primary source"


@pytest.mark.parametrize("entry", conditions() + therapies(), ids=lambda e: e["id"])
def test_condition_and_therapy_entries_have_review_dates_and_primary_sources(entry):
    assert isinstance(entry.get("last_reviewed"), dt.date), f"{entry['id']}: last_reviewed must be a date"
    assert entry["last_reviewed"] <= dt.date.today()
    assert_primary_first(entry["id"], entry["sources"])


def test_built_education_condition_and_therapy_pages_show_sources_and_review_date(site):
    pages = patient_pages(site)
    assert len(pages) >= 2 + len(EDUCATION_PAGES) - 2 + len(CONDITION_IDS) + len(THERAPY_IDS)
    titles = {s["title"] for s in sources()}
    for page in pages:
        html = page.read_text(encoding="utf-8")
        where = page.relative_to(site).as_posix()
        aside = re.search(r'<aside class="iop-page-sources".*?</aside>', html, re.S)
        assert aside, f"{where} has no sources list"
        items = re.findall(r"<li>(.*?)</li>", aside.group(0), re.S)
        assert items, f"{where}: the sources list is empty"
        first = re.sub(r"<[^>]+>", "", items[0])
        assert any(first.startswith(t.replace("&", "&amp;")) for t in titles if not t.startswith("seed")), where
        reviewed = re.search(r'Last reviewed: <time datetime="(\d{4}-\d{2}-\d{2})">', aside.group(0))
        assert reviewed, f"{where} has no last-reviewed date"
    for entry in conditions():
        html = (site / "conditions" / entry["id"] / "index.html").read_text(encoding="utf-8")
        assert f'Last reviewed: <time datetime="{entry["last_reviewed"].isoformat()}">' in html


# --- the sources vocabulary and the sources page ------------------------------------------------------------------


def test_sources_have_unique_ids_titles_and_https_urls():
    entries = sources()
    ids = [s["id"] for s in entries]
    assert len(ids) == len(set(ids)), "source ids must be unique"
    for s in entries:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s["id"]), f"source id {s['id']!r} is not kebab-case"
        assert s.get("title") and s.get("publisher") and s.get("note"), f"source {s['id']} needs title, publisher, note"
        assert s.get("url") is None or str(s["url"]).startswith("https://"), f"source {s['id']}: url must be https"
        assert (s.get("url") is None) == is_context(s["id"]), f"{s['id']}: only context articles go without a link"


def test_sources_page_lists_every_source_with_its_link():
    _, body = read_page("learn/sources.md")
    for s in sources():
        assert f"### {s['title']} {{ #{s['id']} }}" in body, f"content/learn/sources.md does not list {s['id']}"
        if s["url"]:
            assert f"<{s['url']}>" in body, f"content/learn/sources.md has no link for {s['id']}"


def test_every_source_is_cited_by_some_page():
    cited = set()
    for rel in EDUCATION_PAGES:
        cited |= set(read_page(rel)[0]["sources"])
        cited |= set(read_page(f"es/{rel}")[0]["sources"])  # Spanish versions of sources are cited in Spanish
    for entry in conditions() + therapies():
        cited |= set(entry["sources"])
    assert source_ids() - cited == set()


# --- the vocabularies -----------------------------------------------------------------------------------------------


def test_condition_ids_are_exactly_the_agreed_list():
    ids = [c["id"] for c in conditions()]
    assert len(ids) == len(set(ids))
    assert set(ids) == CONDITION_IDS


def test_therapy_ids_are_exactly_the_agreed_list():
    ids = [t["id"] for t in therapies()]
    assert len(ids) == len(set(ids))
    assert set(ids) == THERAPY_IDS


@pytest.mark.parametrize("entry", conditions(), ids=lambda c: c["id"])
def test_condition_entry_is_complete(entry):
    for field in CONDITION_TEXT_FIELDS:
        assert isinstance(entry.get(field), str) and entry[field].strip(), f"{entry['id']}: {field} is empty"
    assert entry.get("group") in CONDITION_GROUPS, f"{entry['id']}: group must be one of {sorted(CONDITION_GROUPS)}"
    for field in ("aliases", "therapies", "sources"):
        assert isinstance(entry.get(field), list) and entry[field], f"{entry['id']}: {field} must be a non-empty list"
    assert not set(entry["therapies"]) - THERAPY_IDS, f"{entry['id']}: unknown therapies"
    assert not set(entry["sources"]) - source_ids(), f"{entry['id']}: unknown sources"


@pytest.mark.parametrize("entry", therapies(), ids=lambda t: t["id"])
def test_therapy_entry_is_complete(entry):
    for field in THERAPY_TEXT_FIELDS:
        assert isinstance(entry.get(field), str) and entry[field].strip(), f"{entry['id']}: {field} is empty"
    for field in ("aliases", "sources"):
        assert isinstance(entry.get(field), list) and entry[field], f"{entry['id']}: {field} must be a non-empty list"
    assert not set(entry["sources"]) - source_ids(), f"{entry['id']}: unknown sources"


# --- clinical claims ----------------------------------------------------------------------------------------------


def test_opioid_pages_say_medicine_comes_first_without_detox_and_that_detox_alone_raises_overdose_risk(site):
    for url in ("conditions/opioid-use", "therapies/medications-for-addiction", "learn/levels-of-care",
                "learn/is-iop-right-for-me"):  # fmt: skip
        text = built_text(site, url).lower()
        assert "first treatment to ask about" in text, url
        assert "you do not have to go through detox first" in text, url
        assert "naloxone" in text, url
    for url in ("conditions/opioid-use", "learn/levels-of-care", "learn/is-iop-right-for-me"):
        text = built_text(site, url).lower()
        assert re.search(r"detox alone[^.]*(deadly|fatal) overdose", text), url


def test_every_page_that_discusses_opioid_detox_warns_of_overdose_and_names_naloxone(site):
    opioid = re.compile(r"\b(opioids?|fentanyl|heroin)\b", re.I)
    for page in patient_pages(site):
        text = reading_text(page.read_text(encoding="utf-8"))
        units = [u for u in text.splitlines() if re.search(r"\bdetox", u, re.I) and opioid.search(u)]
        if units:
            low = text.lower()
            where = page.relative_to(site).as_posix()
            assert "naloxone" in low and "overdose" in low, f"{where} discusses opioid detox: {units[0][:80]}"


def test_naltrexone_is_never_said_to_lower_overdose_risk_and_its_risk_after_stopping_is_named(site):
    texts = [reading_text(p.read_text(encoding="utf-8")) for p in patient_pages(site)]
    for text in texts:
        for sentence in sentences(text):
            if "naltrexone" in sentence.lower():
                assert not re.search(r"\b(lower|cut|reduce)\w*\b[^.]*\boverdose", sentence, re.I), sentence
    for url in ("conditions/opioid-use", "therapies/medications-for-addiction", "learn/relapse"):
        assert "overdose on less than you used before" in built_text(site, url), url


def test_alcohol_and_sedative_withdrawal_are_said_to_cause_seizures_and_need_medical_care_first(site):
    for url in ("conditions/alcohol-use", "learn/levels-of-care", "learn/is-iop-right-for-me",
                "conditions/generalized-anxiety", "conditions/panic-disorder"):  # fmt: skip
        text = built_text(site, url).lower()
        assert "seizure" in text, url
    for url in ("conditions/alcohol-use", "learn/levels-of-care", "learn/is-iop-right-for-me"):
        text = built_text(site, url).lower()
        assert re.search(r"(can kill|deadly)", text) and "medical care" in text, url


def test_no_medicine_is_called_safe_without_its_condition(site):
    medicine = re.compile(r"\b(medicines?|medications?|buprenorphine|methadone|naltrexone|naloxone)\b", re.I)
    condition = re.compile(r"\b(when|if|as prescribed|checks on you)\b", re.I)
    for page in patient_pages(site):
        for sentence in sentences(reading_text(page.read_text(encoding="utf-8"))):
            if re.search(r"\bsafe\b", sentence, re.I) and medicine.search(sentence):
                assert condition.search(sentence), f"{page.relative_to(site)}: {sentence}"


def test_thoughts_of_suicide_are_not_called_a_reason_an_iop_is_not_for_you(site):
    text = built_text(site, "learn/is-iop-right-for-me")
    assert "Thoughts of suicide do not rule out an IOP" in text
    assert "does not by itself mean an IOP is not for you" in text
    assert "DBT" in text
    assert (
        "An IOP is not crisis care. Once you are safe" not in (ROOT / "overrides/assets/js/self-check.js").read_text()
    )


def test_medications_for_addiction_names_each_medicine_plainly():
    entry = next(t for t in therapies() if t["id"] == "medications-for-addiction")
    text = " ".join(entry[f] for f in THERAPY_TEXT_FIELDS).lower()
    for word in ("buprenorphine", "methadone", "naltrexone", "acamprosate", "disulfiram", "naloxone", "fda",
                 "opioid treatment program"):  # fmt: skip
        assert word in text, f"medications-for-addiction does not mention {word}"


# --- self-check, questions page and plain words ------------------------------------------------------------------


def test_self_check_danger_questions_route_and_show_their_help_without_javascript():
    _, body = read_page("learn/is-iop-right-for-me.md")
    assert '<form id="self-check"' in body
    assert '<div id="self-check-alert" class="self-check-alert" role="alert" aria-live="assertive"' in body
    assert '<div id="self-check-result" role="status" aria-live="polite"></div>' in body
    boxes = re.findall(r"<input[^>]*data-signal=\"danger\"[^>]*>", body)
    assert len(boxes) == 5
    firsts = {}
    for box in boxes:
        box_id = re.search(r'id="([^"]+)"', box).group(1)
        first = re.search(r'data-first="(911|988)"', box).group(1)
        help_id = re.search(r'aria-describedby="([^"]+)"', box).group(1)
        help_text = re.search(rf'<p class="self-check-help" id="{help_id}">(.*?)</p>', body).group(1)
        assert re.search(r'href="tel:(\d+)"', help_text).group(1) == first, f"{box_id}: help names another number first"
        assert f'for="{box_id}"' in body, f"checkbox {box_id} has no label"
        firsts[box_id] = first
    assert firsts == {
        "sc-danger-now": "911",
        "sc-unsafe": "911",
        "sc-suicide": "988",
        "sc-others": "988",
        "sc-severe": "911",
    }
    signals = set(re.findall(r'data-signal="([^"]+)"', body))
    assert signals == {"fit", "not-fit", "danger"}
    assert "<script" not in body.lower()


def test_questions_page_names_quality_checks_and_red_flags():
    _, body = read_page("learn/questions-to-ask.md")
    text = body.lower()
    for phrase in ("joint commission", "carf", "quality check", "certificationmatters.org", "findtreatment.gov"):
        assert phrase in text, f"questions-to-ask does not mention {phrase}"
    assert "abpm" in text or "addiction medicine" in text
    red_flags = {
        "free travel or housing": ("free travel", "housing"),
        "paying you to enroll": ("pay you to enroll",),
        "pressure to decide now": ("pressure",),
        "no clinical assessment": ("assessment",),
        "vague answers about licenses": ("vague",),
        "stopping a medicine that works": ("stop a medicine that works",),
        "where to report": ("attorney general", "fraud"),
    }
    for flag, words in red_flags.items():
        assert all(w in text for w in words), f"questions-to-ask does not cover the red flag: {flag}"


BRITISH = re.compile(
    r"\b(licen[cs]e?s? ?)?(licence|licences|centre|centres|enrol|enrolment|behaviour|colour|programme)\b"
)


def test_patient_text_uses_us_spelling():
    from generator import model

    files = [*CONTENT.rglob("*.md"), *(DATA / n for n in ("conditions.yaml", "therapies.yaml", "sources.yaml"))]
    files += [*(ROOT / "generator" / "templates").iterdir(), ROOT / "includes" / "abbreviations.md"]
    files += [ROOT / "overrides" / "main.html", ROOT / "overrides" / "assets" / "js" / "self-check.js"]
    for path in files:
        found = BRITISH.findall(path.read_text(encoding="utf-8").lower())
        assert not found, f"{path.relative_to(ROOT)} uses British spelling: {found}"
    labels = [
        label for _, f in model.walk_fields(model.COLLECTIONS["programs"]) for label in (f.choices or {}).values()
    ]
    descriptions = [f.description for c in model.COLLECTIONS.values() for _, f in model.walk_fields(c)]
    assert not BRITISH.findall(" ".join(labels + descriptions).lower())


def test_jargon_is_explained_in_visible_words_where_it_is_used(site):
    from generator import model

    glosses = {
        "NPI": "10-digit number",
        "intake team": "the staff who handle new patients",
        "NCQA, COA and ACHC": "outside groups that check",
    }
    for page in patient_pages(site):
        text = reading_text(page.read_text(encoding="utf-8"))
        if page.parent.name == "glossary":
            continue
        for term, gloss in glosses.items():
            if term in text:
                assert gloss in text, f"{page.relative_to(site)} uses {term!r} without saying what it is"
    # Labels visitors see on program pages and in the finder carry their meaning with them.
    assert model.PAYMENT["tricare"] == "TRICARE (military health plan)"
    assert model.SERVICES["psychiatric_evaluation"] == "Psychiatric evaluation (a full mental health check-up)"
    assert model.MEDICATIONS["disulfiram"] == "Disulfiram (for alcohol use)"
    assert model.ACCREDITATION_BODIES["ncqa"] == "NCQA (National Committee for Quality Assurance)"
    assert model.ACCREDITATION_BODIES["achc"] == "ACHC (Accreditation Commission for Health Care)"
    assert "(" in model.ACCREDITATION_BODIES["coa"]
    psychoeducation = next(t for t in therapies() if t["id"] == "psychoeducation")
    assert psychoeducation["name"] == "Psychoeducation (learning about your health problem)"
    glossary = (CONTENT / "learn" / "glossary.md").read_text(encoding="utf-8")
    for anchor in ("npi", "intake", "ncqa", "coa", "achc", "tricare", "disulfiram", "psychoeducation",
                   "psychiatric-evaluation", "hipaa", "part-2", "fmla", "ada"):  # fmt: skip
        assert f"#{anchor} .iop-term" in glossary, f"the glossary does not define #{anchor}"


def test_no_inline_scripts_or_machine_paths_in_content():
    for path in [*CONTENT.rglob("*.md"), ROOT / "includes" / "abbreviations.md"]:
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text.lower(), f"{path.relative_to(ROOT)} has an inline script"
        assert not re.search(r"\son\w+=\"", text), f"{path.relative_to(ROOT)} has an inline event handler"
        assert "/work/" not in text and "/root/" not in text, f"{path.relative_to(ROOT)} has a machine path"


def test_self_check_script_does_nothing_without_the_form_and_builds_no_html_strings():
    script = (ROOT / "overrides" / "assets" / "js" / "self-check.js").read_text(encoding="utf-8")
    assert 'getElementById("self-check")' in script and 'getElementById("self-check-alert")' in script
    for needle in ("tel:988", "sms:988", "tel:911", "This is not medical advice. Talk to a clinician."):
        assert needle in script
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
