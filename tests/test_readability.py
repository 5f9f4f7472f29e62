"""Every patient-facing page reads at SMOG grade 9 or below, and the median page at 8 or below.

The grades are measured on the built site (see tests/quality/readability.py for what counts as the text a
visitor reads). Program and state pages are mostly data the maintainers write; their template words are measured
by rendering the templates with every value from the data replaced by a one-letter placeholder.

`python tests/test_readability.py [SITE]` prints the table for a built site (default: builds one).

Run `pytest tests/test_readability.py -s` to see the table; it is also part of any failure message.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
from pathlib import Path

import jinja2
import pytest
import yaml
from quality.readability import (
    SMOG_MEDIAN_LIMIT,
    SMOG_PAGE_LIMIT,
    Score,
    no_network,
    offline_textstat,
    reading_text,
    score,
    table,
)

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "generator" / "templates"
PLACEHOLDER = "x"  # a one-letter word: never a polysyllable, and a unit of one word is not a sentence


def built_pages(site: Path) -> list[tuple[str, Path]]:
    """(name, file) for every hand-written or vocabulary page a visitor reads."""
    pages = [
        ("home", site / "index.html"),
        ("about", site / "about" / "index.html"),
        ("finder", site / "find" / "index.html"),
        ("my list", site / "list" / "index.html"),
        ("conditions index", site / "conditions" / "index.html"),
        ("therapies index", site / "therapies" / "index.html"),
        ("states index", site / "states" / "index.html"),
    ]
    for folder in ("learn", "conditions", "therapies"):
        for page in sorted((site / folder).glob("*/index.html")):
            pages.append((f"{folder}/{page.parent.name}", page))
    return pages


def _placeholders(value, flag: bool):
    """A program view with every string from the data replaced; `flag` fills lists and sets every yes/no."""
    if isinstance(value, bool):
        return flag
    if isinstance(value, str):
        return PLACEHOLDER
    if isinstance(value, dict):
        return {k: _placeholders(v, flag) for k, v in value.items()}
    if isinstance(value, list):
        return [_placeholders(v, flag) for v in value[:1]] if flag else []
    return value


def template_texts(dataset) -> list[tuple[str, str]]:
    """The words of the program and state templates alone, with and without the optional parts."""
    from generator import pages, views

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    fullest = max(dataset.programs, key=lambda p: len(p))
    view = views.program_view(
        fullest, conditions=dataset.conditions, therapies=dataset.therapies, today=dt.date.today(), base="../../"
    )
    texts = []
    for flag, variant in ((True, "every part shown"), (False, "optional parts empty")):
        fake = _placeholders(view, flag)
        # The signs' titles and answers are the template's own words (signals.py), not data: measure them.
        fake["signals"] = [{**s, "said": PLACEHOLDER, "fields": [PLACEHOLDER]} for s in view["signals"]] if flag else []
        if not flag:
            fake["medical_director"] = None
        body = env.get_template("program.html").render(
            **pages.template_helpers(),
            p=fake,
            nearby=[{"url": "#", "name": PLACEHOLDER, "city": PLACEHOLDER, "state": PLACEHOLDER, "miles": "1"}]
            if flag
            else [],
            base="../../",
            assets="../../",
            page_url=PLACEHOLDER,
            not_reported=views.NOT_REPORTED,
            edit_url="#",
            report_url="#",
            mailto="#" if flag else None,
            stale_note=views.STALE_NOTE,
        )
        texts.append((f"program page words ({variant})", body))
    line = {
        "url": "#",
        "name": PLACEHOLDER,
        "example": True,
        "focus": PLACEHOLDER,
        "telehealth": True,
        "tel": "#",
        "phone": PLACEHOLDER,
    }
    cities = [{"anchor": "a", "name": PLACEHOLDER, "programs": [line]}, {"anchor": "b", "name": "y", "programs": []}]
    state = env.get_template("state.html").render(
        **pages.template_helpers(), state=PLACEHOLDER, count=2, cities=cities, base="../../"
    )
    texts.append(("state page words", state))
    return [(name, reading_text(f'<article class="md-content__inner">{html}</article>')) for name, html in texts]


@pytest.fixture(scope="session")
def textstat_offline(tmp_path_factory):
    return offline_textstat(tmp_path_factory.mktemp("nltk_data"))


@pytest.fixture(scope="session")
def scores(site, dataset, textstat_offline) -> list[Score]:
    results = [
        score(textstat_offline, name, reading_text(path.read_text(encoding="utf-8")))
        for name, path in built_pages(site)
    ]
    home = (site / "index.html").read_text(encoding="utf-8")
    results.append(score(textstat_offline, "crisis notice (every page)", reading_text(home, root_class="md-banner")))
    results += [score(textstat_offline, name, text) for name, text in template_texts(dataset)]
    print("\n" + table(results))
    return results


# --- the extractor and the grader ------------------------------------------------------------------------------------


def test_reading_text_keeps_what_a_visitor_reads_and_drops_the_rest():
    html = """
    <nav class="md-nav"><a href="/">Navigation words</a></nav>
    <article class="md-content__inner md-typeset">
      <h1 id="t">A heading here<a class="headerlink" href="#t">¶</a></h1>
      <p>See <a href="find/">the finder</a> <strong>now</strong>. It is free</p>
      <ul><li>First item</li><li>Second item: with a colon:</li></ul>
      <pre><code>code words</code></pre>
      <div class="iop-listing"><p>Program names</p></div>
      <aside class="iop-page-sources"><h2>Sources</h2><ul><li>A source title</li></ul></aside>
      <table><tr><td>9:00</td><td>Group therapy starts</td></tr></table>
      <label for="x">I feel safe at home</label><input id="x" type="checkbox">
    </article>
    <footer class="md-footer"><p>Footer words</p></footer>
    """
    assert reading_text(html).splitlines() == [
        "A heading here.",
        "See the finder now. It is free.",
        "First item.",
        "Second item: with a colon.",
        "9:00.",
        "Group therapy starts.",
        "I feel safe at home.",
    ]


def test_grades_come_out_as_the_formulas_say_and_offline(textstat_offline):
    plain = score(textstat_offline, "plain", "The cat sat on the mat. It was a sunny day. We went out to play.")
    assert plain.smog == pytest.approx(3.1291, abs=0.01)  # no word of three syllables: SMOG's floor
    assert plain.sentences == 3
    hard = score(
        textstat_offline,
        "hard",
        "Comprehensive multidisciplinary interventions necessitate individualized documentation. "
        "Psychotherapeutic modalities demonstrate considerable heterogeneity. "
        "Pharmacological augmentation necessitates interdisciplinary coordination.",
    )
    assert hard.smog > 15 and hard.fk > 15


def test_grader_never_downloads(textstat_offline):
    import nltk

    with pytest.raises(RuntimeError, match="offline"):
        nltk.download("cmudict")
    with no_network(), pytest.raises(RuntimeError, match="network"):
        import socket

        socket.create_connection(("127.0.0.1", 9))


def test_every_patient_page_is_measured(site, dataset):
    names = {name for name, _ in built_pages(site)}
    assert {f"conditions/{c}" for c in dataset.conditions} <= names
    assert {f"therapies/{t}" for t in dataset.therapies} <= names
    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    learn = next(item["Learn"] for item in nav if isinstance(item, dict) and "Learn" in item)
    for entry in learn:
        (path,) = entry.values()
        assert f"learn/{Path(path).stem}" in names, path
    for name, path in built_pages(site):
        assert path.is_file(), name


# --- the limits -----------------------------------------------------------------------------------------------------


def test_every_patient_page_reads_at_smog_9_or_below(scores):
    too_hard = [s.name for s in scores if s.smog > SMOG_PAGE_LIMIT]
    assert not too_hard, f"SMOG above {SMOG_PAGE_LIMIT} on {too_hard}\n{table(scores)}"
    empty = [s.name for s in scores if s.words < 20]
    assert not empty, f"too little text measured on {empty}"


def test_median_page_reads_at_smog_8_or_below(scores):
    median = statistics.median(s.smog for s in scores)
    assert median <= SMOG_MEDIAN_LIMIT, f"median SMOG {median:.1f} is above {SMOG_MEDIAN_LIMIT}\n{table(scores)}"


def main() -> None:
    import subprocess
    import tempfile

    sys.path.insert(0, str(ROOT))
    from generator.dataset import load_dataset

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tmp) / "site"
        if len(sys.argv) <= 1:
            subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)], cwd=ROOT, check=True)
        ds = load_dataset(ROOT / "data", root=ROOT, today=dt.date.today())
        grader = offline_textstat(Path(tmp) / "nltk")
        results = [score(grader, n, reading_text(p.read_text(encoding="utf-8"))) for n, p in built_pages(site)]
        home = (site / "index.html").read_text(encoding="utf-8")
        results.append(score(grader, "crisis notice (every page)", reading_text(home, root_class="md-banner")))
        results += [score(grader, n, t) for n, t in template_texts(ds)]
        print(table(results))


if __name__ == "__main__":
    main()
