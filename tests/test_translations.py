"""Data in two languages: every vocabulary value of the model has a Spanish label (locales/es.yaml), every
condition and therapy carries its text in Spanish (`translations: {es: ...}`), validation requires it with
messages in the project's style, and the Spanish is a translation, not an English copy.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import FIXTURES, ROOT

from generator import model, schema
from generator.dataset import load_dataset

LOCALE = ROOT / "locales" / "es.yaml"
DATA = ROOT / "data"

# Model dictionaries that are not words for visitors.
NOT_VOCABULARIES = {"TRANSLATION_LANGUAGES"}
# Labels that Spanish writes as English does: names of programs, plans and organizations, and language names.
SAME_IN_SPANISH = {
    ("PAYMENT", "medicaid"),
    ("PAYMENT", "medicare"),
    ("ACCREDITATION_BODIES", "joint_commission"),
    ("ACCREDITATION_BODIES", "carf"),
    *(("LANGUAGES", code) for code in ("hi", "ur", "lo", "ta", "te", "nv", "yo", "ig", "ml")),
}
# Spanish function words: a long text without them is not Spanish; one with the English ones may be untranslated.
SPANISH_WORDS = {"de", "la", "que", "el", "en", "y", "los", "las", "por", "con", "una", "para", "es", "su", "se"}
ENGLISH_WORDS = {"the", "and", "you", "with", "for", "that", "this", "your", "are", "is"}


def locale() -> dict:
    return yaml.safe_load(LOCALE.read_text(encoding="utf-8"))


def model_vocabularies() -> dict[str, dict[str, str]]:
    """Every dictionary of the model that maps stored values to the labels visitors read."""
    return {
        name: value
        for name, value in vars(model).items()
        if name.isupper()
        and name not in NOT_VOCABULARIES
        and isinstance(value, dict)
        and value
        and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    }


def entries(collection: str) -> list[dict]:
    return yaml.safe_load((DATA / f"{collection}.yaml").read_text(encoding="utf-8"))[collection]


def text_fields(collection: str) -> list[str]:
    spec = model.COLLECTIONS[collection].child("translations").child("es")
    return [f.name for f in spec.fields]


def words(text: str) -> list[str]:
    return re.findall(r"[a-záéíóúüñ]+", text.lower())


# --- the model's vocabularies --------------------------------------------------------------------------------------


def test_the_model_vocabularies_found_are_the_ones_visitors_read():
    assert set(model_vocabularies()) == {
        "FOCUS", "LEVELS_OF_CARE", "POPULATIONS", "SESSIONS", "MEDICATIONS", "SERVICES", "PAYMENT",
        "ACCREDITATION_BODIES", "BOARD_CERTIFICATIONS", "CONDITION_GROUPS", "US_STATES", "LANGUAGES",
    }  # fmt: skip


@pytest.mark.parametrize("name", sorted(set(model_vocabularies()) - {"US_STATES"}))
def test_every_value_of_every_vocabulary_has_a_spanish_label(name):
    english = model_vocabularies()[name]
    spanish = locale()["vocab"].get(name, {})
    missing = sorted(set(english) - set(spanish))
    assert not missing, f"locales/es.yaml: vocab.{name} has no Spanish label for {missing}"
    assert set(spanish) <= set(english), f"locales/es.yaml: vocab.{name} has unknown ids {set(spanish) - set(english)}"
    for value, label in spanish.items():
        assert isinstance(label, str) and label.strip(), f"vocab.{name}.{value} is empty"
        if (name, value) not in SAME_IN_SPANISH:
            assert label != english[value], f"vocab.{name}.{value} is still the English {label!r}"


def test_state_names_are_given_where_spanish_differs():
    states = locale()["vocab"]["US_STATES"]
    assert set(states) <= set(model.US_STATES)
    for code, name in states.items():
        assert name != model.US_STATES[code], f"vocab.US_STATES.{code} repeats the English name; leave it out"
    assert states["NY"] == "Nueva York" and states["NM"] == "Nuevo México" and "TX" not in states


def test_every_site_language_has_a_locale_file():
    assert {p.stem for p in (ROOT / "locales").glob("*.yaml")} == set(model.TRANSLATION_LANGUAGES)
    assert locale()["language"] == "es"


# --- conditions and therapies in Spanish ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("collection", "entry"),
    [(c, e) for c in ("conditions", "therapies") for e in entries(c)],
    ids=lambda v: v if isinstance(v, str) else v["id"],
)
def test_every_condition_and_therapy_has_its_text_in_spanish(collection, entry):
    spanish = entry["translations"]["es"]
    assert set(spanish) == set(text_fields(collection)), f"{entry['id']}: Spanish fields {sorted(spanish)}"
    for field in text_fields(collection):
        english, translated = entry.get(field), spanish[field]
        assert translated, f"{entry['id']}: translations.es.{field} is empty"
        assert translated != english, f"{entry['id']}: translations.es.{field} is the English text"
    assert set(spanish["aliases"]) - set(entry["aliases"]), f"{entry['id']}: add Spanish search words to aliases"
    prose = " ".join(spanish[f] for f in text_fields(collection) if f not in ("name", "aliases"))
    found = words(prose)
    spanish_share = sum(w in SPANISH_WORDS for w in found) / len(found)
    english_share = sum(w in ENGLISH_WORDS for w in found) / len(found)
    assert spanish_share > 0.2 and english_share < 0.01, f"{entry['id']}: this does not read as Spanish"


def test_the_spanish_check_bites():
    found = words("You learn what makes you want to drink and how to handle those moments.")
    assert sum(w in SPANISH_WORDS for w in found) / len(found) < 0.2
    assert sum(w in ENGLISH_WORDS for w in found) / len(found) > 0.01


def test_translations_are_in_the_model_schema_and_reference_for_both_vocabularies():
    for collection in ("conditions", "therapies"):
        spec = model.COLLECTIONS[collection].child("translations")
        assert spec.required and [f.name for f in spec.fields] == list(model.TRANSLATION_LANGUAGES)
        es = spec.child("es")
        english = [f for f in model.COLLECTIONS[collection].fields if f.name in text_fields(collection)]
        assert [f.name for f in english] == text_fields(collection)  # mirrors the entry's text fields, in order
        assert all(f.required for f in es.fields)
        item = schema.collection_schema(collection)["properties"][collection]["items"]
        assert "translations" in item["required"]
        assert item["properties"]["translations"]["properties"]["es"]["required"] == text_fields(collection)


def test_json_schema_rejects_an_entry_without_its_spanish_text():
    data = yaml.safe_load((DATA / "therapies.yaml").read_text(encoding="utf-8"))
    del data["therapies"][0]["translations"]["es"]["helps"]
    data = {"therapies": [{**t, "last_reviewed": str(t["last_reviewed"])} for t in data["therapies"]]}
    with pytest.raises(jsonschema.ValidationError, match="'helps' is a required property"):
        jsonschema.validate(data, schema.collection_schema("therapies"))


# --- validation messages -------------------------------------------------------------------------------------------


def errors_after(tmp_path: Path, collection: str, old: str, new: str) -> list[str]:
    """Every problem validation reports after one edit to the test fixtures' vocabulary file."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "data", data)
    path = data / f"{collection}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    ds = load_dataset(data, root=tmp_path, today=dt.date(2026, 12, 1))
    return [str(p) for p in ds.errors if p.file == f"data/{collection}.yaml"]


def test_a_missing_translation_names_its_place_and_the_fix(tmp_path):
    old = (
        "    translations:\n      es:\n        name: Depresión\n        aliases: [depresión mayor]\n"
        "        summary: Un ánimo bajo que dura.\n        description: Se siente mal durante semanas.\n"
        "        how_iop_helps: Los grupos y la terapia ayudan.\n"
    )
    assert errors_after(tmp_path, "conditions", old, "") == [
        'data/conditions.yaml:19:5: conditions[1].translations: required field is missing (add a line like "translations: ...")'
    ]


def test_a_missing_spanish_field_shows_a_spanish_example(tmp_path):
    assert errors_after(tmp_path, "conditions", "        summary: Un ánimo bajo que dura.\n", "") == [
        "data/conditions.yaml:31:9: conditions[1].translations.es.summary: required field is missing "
        '(add a line like "summary: Un ánimo bajo que dura semanas y hace difícil la vida diaria.")'
    ]
    assert errors_after(
        tmp_path / "t", "therapies", "        session: Los grupos enseñan una habilidad a la vez.\n", ""
    ) == [
        'data/therapies.yaml:30:9: therapies[1].translations.es.session: required field is missing (add a line like "session: ...")'
    ]


def test_an_unknown_or_empty_translation_is_named(tmp_path):
    problems = errors_after(
        tmp_path, "therapies", "      es:\n        name: Terapia dialéctica", "      fr:\n        name: Thérapie"
    )
    assert sorted(problems) == [
        'data/therapies.yaml:29:7: therapies[1].translations.es: required field is missing (add a line like "es: ...")',
        "data/therapies.yaml:29:7: therapies[1].translations.fr: unknown field (allowed fields: es)",
    ]
    assert errors_after(tmp_path / "e", "conditions", "        name: Depresión\n", '        name: ""\n') == [
        "data/conditions.yaml:31:9: conditions[1].translations.es.name: must not be empty (write a value or remove the line)"
    ]


def abbreviations(path: Path) -> dict[str, str]:
    return dict(re.findall(r"^\*\[([^\]]+)\]: (.+)$", path.read_text(encoding="utf-8"), flags=re.M))


def test_every_abbreviation_has_a_spanish_meaning():
    english = abbreviations(ROOT / "includes" / "abbreviations.md")
    spanish = abbreviations(ROOT / "includes" / "abbreviations-es.md")
    missing = set(english) - {"IOPs"} - set(spanish)  # Spanish plurals of letters take no "s": los IOP
    assert not missing, f"includes/abbreviations-es.md lacks {sorted(missing)}"
    assert not [k for k in set(english) & set(spanish) if english[k] == spanish[k]]
    assert spanish["TOC"] == spanish["OCD"] and spanish["TEPT"] == spanish["PTSD"]


# --- the locale's crisis notice and self-check ----------------------------------------------------------------------


class _Labels(HTMLParser):
    """The self-check's labels and help paragraphs in a page, by checkbox id, as text."""

    def __init__(self):
        super().__init__()
        self.text: dict[str, str] = {}
        self._key = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self._key = (attrs["for"], "label")
        elif tag == "p" and attrs.get("class") == "self-check-help":
            self._key = (attrs["id"].removesuffix("-help"), "help")
        if self._key:
            self.text.setdefault(self._key, "")

    def handle_endtag(self, tag):
        if tag in ("label", "p"):
            self._key = None

    def handle_data(self, data):
        if self._key:
            self.text[self._key] += data


def shown(text: str) -> str:
    for mark, number in (("{911}", "911"), ("{988}", "988"), ("{sms988}", "988"), ("{chat}", "988lifeline.org")):
        text = text.replace(mark, number)
    return text


def test_locale_self_check_questions_are_the_spanish_page_s():
    page = (ROOT / "content" / "es" / "learn" / "is-iop-right-for-me.md").read_text(encoding="utf-8")
    parser = _Labels()
    parser.feed(page)
    questions = locale()["self_check"]["questions"]
    assert {box for box, _ in parser.text} == set(questions)
    for (box, kind), text in parser.text.items():
        assert shown(questions[box][kind]) == text.strip(), f"self_check.questions.{box}.{kind}"
    assert f">{locale()['self_check']['submit']}</button>" in page


def test_locale_crisis_notice_gives_988_in_spanish_and_911():
    crisis = locale()["crisis_notice"]
    first = crisis["items"][0]
    assert "{988}" in first and "marque 2" in first and "AYUDA" in first and "{sms988}" in first
    assert crisis["text_988_href"] == "sms:988?body=AYUDA"
    assert any("{911}" in item for item in crisis["items"]) and "{911}" in crisis["print"]
    assert "marque 2" in crisis["print"] and "AYUDA" in crisis["print"]


# Each sentence overrides/assets/js/self-check.js writes (a string literal, or the start of one split over lines),
# and the locale key that holds its Spanish.
SCRIPT_MESSAGES = {
    "This is not medical advice. Talk to a clinician.": "closing",
    "Call 911 now, or go to the nearest emergency room.": "emergency_lead",
    "Call 911": "call_911",
    "A seizure, seeing or hearing things that are not there, or deep confusion ": "withdrawal_note",
    "You can also call or text ": "also_988",
    "It is free and open all day, every day.": "also_988",
    "Please call or text 988 now. You do not have to go through this alone.": "lifeline_lead",
    "Call 988": "call_988",
    "Text 988": "text_988",
    "Chat online": "chat",
    "988 is the Suicide & Crisis Lifeline. It is free, private and open all day, every day.": "lifeline_about",
    "If you might act on these thoughts soon, call ": "act_soon",
    "Having thoughts of suicide does not by itself mean an IOP is not for you. ": "suicide_note",
    "Many programs help with these thoughts. Tell the program about them when you call.": "suicide_note",
    "When you are safe, tell your care team about your thoughts of suicide. ": "suicide_note_after_911",
    "Having them does not by itself mean an IOP is not for you.": "suicide_note_after_911",
    "Some of your answers suggest you may need a different kind of care first. That is okay. It is about ": (
        "not_fit_intro"
    ),
    "Your answers match the kind of needs an IOP is made for. A good next step is to ask a program or ": "fit_yes",
    "You did not check any of the things that fit an IOP. That is fine. A clinician can help you look ": "fit_none",
    "Even so, you can still talk with a program. Their staff can help you find ": "still_talk",
}


def test_every_message_of_the_self_check_script_has_its_spanish():
    script = (ROOT / "overrides" / "assets" / "js" / "self-check.js").read_text(encoding="utf-8")
    literals = re.findall(r'"([^"]*)"', script[script.index("(function") :])
    sentences = [text for text in literals if re.match(r"[A-Z0-9]", text) and " " in text]
    unmapped = [text for text in sentences if text not in SCRIPT_MESSAGES]
    assert not unmapped, f"add these to locales/es.yaml self_check and to SCRIPT_MESSAGES: {unmapped}"
    check = locale()["self_check"]
    for key in set(SCRIPT_MESSAGES.values()):
        assert isinstance(check.get(key), str) and check[key].strip(), f"self_check.{key} is missing"
    assert check["emergency_lead"].startswith("Llame al 911") and check["act_soon"].endswith("llame al {911} ahora.")
    assert "no quiere decir, por sí solo, que un IOP no sea para usted" in check["suicide_note"]
    assert check["closing"] == "Esto no es un consejo médico. Hable con un profesional de la salud."
