"""The site's languages (generator/languages.py), without a build: configured in mkdocs.yml, words from
locales/<code>.yaml checked against what the code asks for, twins paired by path, hreflang alternates, the
language switch, links that fall back to the site's own pages, and the navigation and search of each language."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from generator import languages
from generator.languages import Language, LanguageError, Languages, Words

LOCALE = ROOT / "locales" / "es.yaml"
SITE_URL = "https://iop-finder.example.org/"


def project(tmp_path: Path, locale: str | None) -> Path:
    (tmp_path / "locales").mkdir()
    if locale is not None:
        (tmp_path / "locales" / "fr.yaml").write_text(locale, encoding="utf-8")
    return tmp_path


@pytest.fixture(scope="module")
def langs() -> Languages:
    return languages.load({"en": "English", "es": "Español"}, ROOT)


# --- configured, not coded --------------------------------------------------------------------------------------


def test_the_site_languages_come_from_mkdocs_yml_and_the_first_is_at_the_root(langs):
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "#"))
    plugin = next(p["iop-finder"] for p in config["plugins"] if isinstance(p, dict) and "iop-finder" in p)
    assert plugin["languages"] == {"en": "English", "es": "Español"}
    assert [(lang.code, lang.name, lang.folder) for lang in langs.all] == [
        ("en", "English", ""),
        ("es", "Español", "es/"),
    ]
    assert not langs.default.translated and langs.others[0].translated
    assert langs.others[0].words("crisis_notice.lead") == "¿Está en crisis?"
    assert langs.others[0].abbreviations == "abbreviations-es.md"


def test_a_third_language_is_a_locale_file_not_code(tmp_path):
    root = project(tmp_path, "language: fr\nquick_links:\n  find: Trouver un programme\n")
    langs = languages.load({"en": "English", "fr": "Français"}, root)
    french = langs.others[0]
    assert (french.code, french.folder, french.abbreviations) == ("fr", "fr/", "abbreviations.md")
    assert french.words("quick_links.find", "Find a program") == "Trouver un programme"
    assert langs.of("fr/learn/first-day.md") is french and langs.of("learn/first-day.md") is langs.default


def test_a_locale_file_makes_the_data_carry_its_translations_and_mkdocs_yml_must_list_it(tmp_path):
    from generator import model

    assert model.TRANSLATION_LANGUAGES == {p.stem: model.LANGUAGES[p.stem] for p in (ROOT / "locales").glob("*.yaml")}
    root = project(tmp_path, "language: fr\n")
    langs = languages.load({"en": "English"}, root)
    assert languages.unlisted_locales(langs, root) == [
        "locales/fr.yaml: fr is not among mkdocs.yml's languages "
        "(add it under plugins.iop-finder.languages, or remove the file)"
    ]
    assert languages.unlisted_locales(languages.load({"en": "English", "fr": "Français"}, root), root) == []


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        (None, "locales/fr.yaml: not found (each language in mkdocs.yml needs its words: copy locales/es.yaml and translate it)"),
        ("language: es\n", 'locales/fr.yaml: language: expected "fr", the code mkdocs.yml gives this file'),
        ("language: fr\nnav: [a\n", "locales/fr.yaml:3:1: not valid YAML (expected ',' or ']', but got '<stream end>')"),
    ],
)  # fmt: skip
def test_a_language_without_good_words_stops_with_the_file_and_the_fix(tmp_path, locale, message):
    with pytest.raises(LanguageError) as e:
        languages.load({"en": "English", "fr": "Français"}, project(tmp_path, locale))
    assert str(e.value) == message


def test_a_language_setting_that_is_no_code_is_named():
    with pytest.raises(LanguageError) as e:
        languages.load({"en": "English", "Spanish": "Español"}, ROOT)
    assert str(e.value) == (
        "mkdocs.yml: plugins.iop-finder.languages: 'Spanish': expected a language code and its own name, "
        'like "es: Español"'
    )


# --- words --------------------------------------------------------------------------------------------------------


def test_the_site_language_gives_the_english_and_a_translation_the_locale_word():
    english, spanish = (
        Words(),
        Words({"a": {"b": "uno", "n_one": "{count} cosa", "n_other": "{count} cosas"}}, "x.yaml"),
    )
    assert english("a.b", "one") == "one" and spanish("a.b", "one") == "uno"
    assert english.count("a.n", 1, "{count} thing", "{count} things") == "1 thing"
    assert spanish.count("a.n", 3, "{count} thing", "{count} things") == "3 cosas"
    assert spanish.fill("a.b", "one") == "uno"
    with pytest.raises(LanguageError, match=r'^x\.yaml: a\.c: missing \(in English: "two"\)$'):
        spanish("a.c", "two")


def test_values_put_into_words_are_never_read_as_marks():
    words = Words({"h": "Programas que tratan {name}"}, "x.yaml")
    assert words.fill("h", "Programs that treat {name}", name="{count} &#60;b&#62;") == (
        "Programas que tratan {count} &#60;b&#62;"
    )


def test_state_names_read_as_in_english_where_the_locale_leaves_them_out(langs):
    spanish = langs.others[0].words
    assert spanish.vocab("US_STATES", "NY", "New York") == "Nueva York"
    assert spanish.vocab("US_STATES", "TX", "Texas") == "Texas"
    assert Words().vocab("US_STATES", "NY", "New York") == "New York"


def test_dates_are_written_the_language_s_way(langs):
    day = dt.date(2026, 12, 1)
    assert langs.default.date(day) == "December 1, 2026"
    assert langs.others[0].date(day) == "1 de diciembre de 2026"
    assert str(langs.others[0].time(day)) == '<time datetime="2026-12-01">1 de diciembre de 2026</time>'


def test_every_word_the_code_asks_for_is_found_in_python_and_templates(tmp_path):
    code = tmp_path / "m.py"
    code.write_text(
        'label = t("maps.none", "No programs listed yet")\n'
        'line = words.fill("pages.listing.see_all", "See all {count} "\n    "in {state}", count=3, state="VA")\n'
        'n = words.count("maps.programs", n, "{count} program", "{count} programs")\n'
        'other = t(variable, "not a constant key")\nprint("no.words", "here")\n',
        encoding="utf-8",
    )
    page = tmp_path / "p.html"
    page.write_text(
        "<a>{{ iop.words('quick_links.find', 'Find a program') | e }}</a>{{ iop.words('crisis_notice.items') }}"
        '{% for q in words("pages.condition.questions", ["One?", "Two?"]) %}{{ q }}{% endfor %}',
        encoding="utf-8",
    )
    uses = {(u.key, json.dumps(u.english), u.where) for u in languages.word_uses([code, page], tmp_path)}
    assert uses == {
        ("maps.none", '"No programs listed yet"', "m.py"),
        ("pages.listing.see_all", '"See all {count} in {state}"', "m.py"),
        ("maps.programs_one", '"{count} program"', "m.py"),
        ("maps.programs_other", '"{count} programs"', "m.py"),
        ("quick_links.find", '"Find a program"', "p.html"),
        ("crisis_notice.items", "null", "p.html"),
        ("pages.condition.questions", '["One?", "Two?"]', "p.html"),
    }


def test_words_are_read_again_only_from_a_file_whose_text_changed(tmp_path):
    """`serve` checks the words before each rebuild: an unchanged file is not parsed again, an edited one is."""
    code = tmp_path / "m.py"
    code.write_text('t("maps.none", "No programs listed yet")\n', encoding="utf-8")
    languages.word_uses([code], tmp_path)
    misses = languages._uses_in.cache_info().misses
    assert [u.key for u in languages.word_uses([code], tmp_path)] == ["maps.none"]
    assert languages._uses_in.cache_info().misses == misses
    code.write_text('t("maps.list", "Programs")\n', encoding="utf-8")
    assert [u.key for u in languages.word_uses([code], tmp_path)] == ["maps.list"]
    assert languages._uses_in.cache_info().misses == misses + 1


def test_a_missing_word_is_listed_with_its_english_and_where_it_is_used(tmp_path):
    code = tmp_path / "m.py"
    code.write_text('t("maps.none", "No programs listed yet")\nt("maps.list", ["A", "B"])\n', encoding="utf-8")
    lang = Language("fr", "Français", "fr/", Words({"maps": {"list": "A, B"}}, "locales/fr.yaml"))
    assert languages.missing_words(lang, languages.word_uses([code], tmp_path)) == [
        "locales/fr.yaml: maps.list: expected a list, like the English in m.py",
        'locales/fr.yaml: maps.none: missing (in English: "No programs listed yet", in m.py)',
    ]


def test_the_spanish_locale_has_every_word_the_site_asks_for(langs):
    paths = [*(ROOT / "generator").glob("*.py"), *(ROOT / "generator" / "templates").iterdir()]
    paths += list((ROOT / "overrides").rglob("*.html"))
    uses = languages.word_uses(paths, ROOT)
    assert len({u.key for u in uses}) > 60
    assert languages.missing_words(langs.others[0], uses) == []


# --- text with links, and words for scripts -----------------------------------------------------------------------


def test_locale_text_becomes_escaped_html_with_its_links():
    html = languages.rich('Llame al {911} <b>o</b> envíe AYUDA al {sms988}, y chatee en {chat}. {otro} & {date}', date=languages.markupsafe.Markup("<time>hoy</time>"))  # fmt: skip
    assert str(html) == (
        'Llame al <a href="tel:911">911</a> &lt;b&gt;o&lt;/b&gt; envíe AYUDA al <a href="sms:988?body=AYUDA">988</a>, '
        'y chatee en <a href="https://988lifeline.org/chat/" rel="noopener noreferrer">988lifeline.org/chat</a>. '
        "{otro} &amp; <time>hoy</time>"
    )


def test_the_page_scripts_words_are_one_script_file_per_language(langs):
    spanish = langs.others[0]
    assert languages.words_file(spanish) == "assets/js/words-es.js"
    text = languages.words_script(spanish, {"pages": {"programs": "programs/"}, "odd": "</script><b>"})
    assert text.startswith("/* IOP Finder's words in Español") and "\nwindow.IOP_WORDS = {" in text
    assert "<" not in text  # nothing in it could close or open a tag, whatever the data holds
    words = json.loads(text.split("window.IOP_WORDS = ", 1)[1].rstrip().removesuffix(";"))
    assert words["lang"] == "es" and words["folder"] == "es/" and words["odd"] == "</script><b>"
    assert set(words["words"]) == set(languages.SCRIPT_SECTIONS)
    assert (
        words["words"]["self_check"]["closing"] == "Esto no es un consejo médico. Hable con un profesional de la salud."
    )
    assert words["words"]["finder"]["programs_other"] == "{count} programas"
    assert words["links"]["sms988"] == ["sms:988?body=AYUDA", "988"]


def test_the_words_a_page_script_asks_for_are_read_from_its_calls(tmp_path):
    script = tmp_path / "x.js"
    script.write_text(
        'var a = IOP.t("finder.searching", "Searching…");\n'
        'var b = t("finder.quote", "Say \\"hi\\" {n}", { n: 2 });\n'
        'var c = count("finder.found", list.length, "{count} program", "{count} programs", { r: r });\n'
        'var d = t(key, "not a constant key");  var e = x.t("nodot", "no section");\n',
        encoding="utf-8",
    )
    uses = languages.word_uses([script], tmp_path)
    assert [(u.key, u.english, u.where) for u in uses] == [
        ("finder.searching", "Searching…", "x.js"),
        ("finder.quote", 'Say "hi" {n}', "x.js"),
        ("finder.found_one", "{count} program", "x.js"),
        ("finder.found_other", "{count} programs", "x.js"),
    ]


def test_every_word_the_page_scripts_ask_for_is_in_their_sections_and_the_spanish_locale(langs):
    scripts = sorted((ROOT / "overrides" / "assets" / "js").glob("*.js"))
    uses = languages.word_uses(scripts, ROOT)
    assert len(uses) > 150
    sections = {u.key.split(".")[0] for u in uses}
    assert sections <= set(languages.SCRIPT_SECTIONS) | {"pages"}, sections
    assert languages.missing_words(langs.others[0], uses) == []


def test_english_source_titles_are_marked_on_spanish_pages(langs):
    spanish = langs.others[0]
    assert languages.source_lang(spanish, "samhsa-tip-63", langs.default) == ' lang="en"'
    assert languages.source_lang(spanish, "cdc-naloxone-es", langs.default) == ""
    assert languages.source_lang(langs.default, "samhsa-tip-63", langs.default) == ""
    sources = yaml.safe_load((ROOT / "data" / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    in_spanish = {s["id"] for s in sources if s.get("note", "").startswith("In Spanish:")}
    assert set(spanish.words("page_sources.in_this_language")) == in_spanish


# --- twins, alternates, the switch ----------------------------------------------------------------------------------

PUBLISHED = {"", "es/", "learn/first-day/", "es/learn/first-day/", "find/", "programs/a/", "es/states/"}


def test_twins_pair_by_path_and_only_where_the_site_has_both(langs):
    assert langs.twins("learn/first-day/", PUBLISHED) == {"en": "learn/first-day/", "es": "es/learn/first-day/"}
    assert langs.twins("es/learn/first-day/", PUBLISHED) == langs.twins("learn/first-day/", PUBLISHED)
    assert langs.twins("", PUBLISHED) == {"en": "", "es": "es/"}
    assert langs.twins("find/", PUBLISHED) == {"en": "find/"}
    assert langs.site_path("es/learn/first-day/") == "learn/first-day/" and langs.site_path("es/") == ""


def test_alternates_name_every_version_and_x_default_and_none_without_a_twin(langs):
    twins = langs.twins("es/learn/first-day/", PUBLISHED)
    assert [(a.hreflang, a.href) for a in languages.alternates(twins, langs, SITE_URL)] == [
        ("en", SITE_URL + "learn/first-day/"),
        ("es", SITE_URL + "es/learn/first-day/"),
        ("x-default", SITE_URL + "learn/first-day/"),
    ]
    assert languages.alternates(langs.twins("programs/a/", PUBLISHED), langs, SITE_URL) == []


def test_the_switch_leads_to_the_twin_or_else_to_the_other_language_s_home(langs):
    en, es = langs.all
    assert languages.switch(en, langs.twins("learn/first-day/", PUBLISHED), langs) == [
        languages.SwitchLink("es", "Español", "es/learn/first-day/", True)
    ]
    assert languages.switch(es, langs.twins("es/", PUBLISHED), langs) == [
        languages.SwitchLink("en", "English", "./", True)
    ]
    assert languages.switch(en, langs.twins("programs/a/", PUBLISHED), langs) == [
        languages.SwitchLink("es", "Español", "es/", False)
    ]


def test_links_to_pages_a_language_lacks_fall_back_to_the_site_s_own(langs):
    es = langs.others[0]
    page = (
        '<a href="../../find/?condition=depression">x</a> <form action="../states/" data-zip-jump="../../find/">'
        '<a href="../first-day/#antes">y</a> <a href="../../programs/a/">z</a> <a href="../../nowhere/">w</a>'
        '<a href="https://iop-finder.example.org/es/find/">abs</a> <a href="tel:988">988</a>'
    )
    assert languages.fall_back(page, "es/learn/x/", es, PUBLISHED) == (
        '<a href="../../../find/?condition=depression">x</a> <form action="../states/" data-zip-jump="../../../find/">'
        '<a href="../first-day/#antes">y</a> <a href="../../../programs/a/">z</a> <a href="../../nowhere/">w</a>'
        '<a href="https://iop-finder.example.org/es/find/">abs</a> <a href="tel:988">988</a>'
    )
    assert languages.fall_back(page, "learn/x/", langs.default, PUBLISHED) == page


# --- navigation and search ------------------------------------------------------------------------------------------


def test_a_language_s_nav_is_the_site_s_with_its_twins_and_titles(langs):
    nav = [
        {"Home": "index.md"},
        {"Find a program": "find/index.md"},
        {"Learn": [{"Your first day": "learn/first-day.md"}, {"Glossary": "learn/glossary.md"}]},
        {"Elsewhere": "https://example.org/"},
    ]
    have = {"es/index.md", "es/learn/first-day.md"}
    items, titles = languages.nav_in(nav, langs.others[0], have.__contains__)
    assert items == ["es/index.md", {"Guías": ["es/learn/first-day.md"]}]
    assert titles == {"es/index.md": "Inicio"}


def test_a_nav_section_without_its_title_in_the_locale_is_named():
    lang = Language("fr", "Français", "fr/", Words({"nav": {}}, "locales/fr.yaml"))
    with pytest.raises(LanguageError) as e:
        languages.nav_in([{"Learn": ["learn/a.md"]}], lang, lambda src: True)
    assert str(e.value) == "locales/fr.yaml: nav.Learn: missing (the title of a section of the nav in mkdocs.yml)"


def test_the_search_index_splits_into_one_per_language(langs):
    index = {
        "config": {"lang": ["en"], "separator": "[\\s\\-]+"},
        "docs": [
            {"location": "", "title": "IOP Finder", "text": "a"},
            {"location": "es/", "title": "IOP Finder", "text": "b"},
            {"location": "es/learn/first-day/#antes-de-ir", "title": "Antes de ir", "text": "c"},
            {"location": "learn/first-day/", "title": "Your first day", "text": "d"},
        ],
    }
    own, spanish = languages.split_search(index, langs.others[0])
    assert own == {**index, "docs": [index["docs"][0], index["docs"][3]]}
    assert spanish["config"] == index["config"]  # no Spanish stemmer: its worker would send a Referer
    assert [d["location"] for d in spanish["docs"]] == ["", "learn/first-day/#antes-de-ir"]


def test_names_sort_alphabetically_whatever_their_accents():
    names = ["Oregón", "Ohio", "Oklahoma", "Nueva York", "Nebraska", "Hawái", "Idaho"]
    assert sorted(names, key=languages.name_order) == [
        "Hawái", "Idaho", "Nebraska", "Nueva York", "Ohio", "Oklahoma", "Oregón",
    ]  # fmt: skip


def test_the_finder_filters_legends_are_words_each_language_must_have(langs):
    from generator import finder_form, indexes

    uses = finder_form.legend_uses()
    assert [u.key for u in uses] == [f"finder.filters.{f.name}" for f in indexes.FILTERS]
    spanish = langs.others[0]
    assert languages.missing_words(spanish, uses) == []
    tree = json.loads(json.dumps(spanish.words.tree))
    del tree["finder"]["filters"]["pay"]
    lacking = Language("es", "Español", "es/", Words(tree, "locales/es.yaml"))
    assert languages.missing_words(lacking, uses) == [
        'locales/es.yaml: finder.filters.pay: missing (in English: "Payment", in generator/indexes.py)'
    ]
