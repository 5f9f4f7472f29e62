"""The finder page's form: a ZIP code, a distance, words, and one checkbox per value of every filter.

The filters are declared once (indexes.FILTERS); each fieldset carries its filter's name, record key and mode as
data attributes, and finder.js reads them from the form, so the page, the links and the search data cannot
disagree on what a filter is called or how its boxes combine.
"""

from __future__ import annotations

from . import model
from .dataset import Dataset
from .indexes import FILTERS, vocab_lists
from .templates import html_templates

FORM_MARK = "<!-- iop-finder-form -->"  # where content/find/index.md wants the form
RADII = (5, 10, 25, 50, 100)


def filter_options(ds: Dataset) -> dict[str, list[tuple[str, str]]]:
    """(value, label) of every checkbox, by filter name."""
    return {
        "focus": list(model.FOCUS.items()),
        "condition": [(cid, c["name"]) for cid, c in ds.conditions.items()],
        "therapy": [(tid, t["name"]) for tid, t in ds.therapies.items()],
        "med": list(model.MEDICATIONS.items()),
        "pay": list(model.PAYMENT.items()),
        "pop": list(model.POPULATIONS.items()),
        "lang": [(code, model.LANGUAGES[code]) for code in vocab_lists(ds)["lg"]],
        "time": list(model.SESSIONS.items()),
        # Every program offers intensive outpatient care, so that level is no filter.
        "level": [(k, v) for k, v in model.LEVELS_OF_CARE.items() if k != "iop"],
        # Nobody looks for a program that is not taking anyone.
        "open": [(k, v) for k, v in model.NEW_PATIENTS.items() if k != "not_accepting"],
    }


def form_html(ds: Dataset) -> str:
    options = filter_options(ds)
    groups = [(f, options[f.name]) for f in FILTERS]
    return html_templates().get_template("finder_form.html").render(groups=groups, radii=RADII)
