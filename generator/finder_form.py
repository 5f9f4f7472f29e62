"""The finder page's form: a ZIP code, a distance, words, and one checkbox per value of every filter.

The filters are declared once (indexes.FILTERS); each fieldset carries its filter's name, record key and mode as
data attributes, and finder.js reads them from the form, so the page, the links and the search data cannot
disagree on what a filter is called or how its boxes combine.
"""

from __future__ import annotations

from . import model
from .dataset import Dataset
from .indexes import FILTERS, vocab_lists
from .languages import Words, WordUse
from .templates import html_templates

FORM_MARK = "<!-- iop-finder-form -->"  # where content/find/index.md wants the form
RADII = (5, 10, 25, 50, 100)


def filter_options(ds: Dataset, lang=None) -> dict[str, list[tuple[str, str]]]:
    """(value, label) of every checkbox, by filter name; in another language (`lang`, a languages.Language), its
    labels (the locale's vocab, the conditions' and therapies' `translations:`)."""
    words = lang.words if lang is not None else Words()

    def own(vocabulary: str, keep=lambda value: True) -> list[tuple[str, str]]:
        return [(k, words.vocab(vocabulary, k, v)) for k, v in getattr(model, vocabulary).items() if keep(k)]

    def named(entries: dict) -> list[tuple[str, str]]:
        if not words.translated:
            return [(k, e["name"]) for k, e in entries.items()]
        return [(k, e["translations"][lang.code]["name"]) for k, e in entries.items()]

    return {
        "focus": own("FOCUS"),
        "condition": named(ds.conditions),
        "therapy": named(ds.therapies),
        "med": own("MEDICATIONS"),
        "pay": own("PAYMENT"),
        "pop": own("POPULATIONS"),
        "lang": [(code, words.vocab("LANGUAGES", code, model.LANGUAGES[code])) for code in vocab_lists(ds)["lg"]],
        "time": own("SESSIONS"),
        # Every program offers intensive outpatient care, so that level is no filter.
        "level": own("LEVELS_OF_CARE", lambda k: k != "iop"),
        # Nobody looks for a program that is not taking anyone.
        "open": own("NEW_PATIENTS", lambda k: k != "not_accepting"),
    }


def legend_uses() -> list[WordUse]:
    """The filters' legends as words a language must have (finder.filters.<name>): their keys are made from the
    filters' names, so no reading of the code finds them."""
    return [WordUse(f"finder.filters.{f.name}", f.legend, "generator/indexes.py") for f in FILTERS]


def form_html(ds: Dataset, lang=None) -> str:
    """The form in the site's own language, or in `lang`'s words (finder.form and finder.filters of its
    locale: each filter's legend by its name)."""
    words = lang.words if lang is not None else Words()
    options = filter_options(ds, lang)
    groups = [(f, words(f"finder.filters.{f.name}", f.legend), options[f.name]) for f in FILTERS]
    return (
        html_templates().get_template("finder_form.html").render(groups=groups, radii=RADII, t=words, fill=words.fill)
    )
