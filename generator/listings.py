"""Program listings on condition and therapy pages: every program that treats it, grouped by state.

A condition page's Markdown holds only a marker where its listing goes; the listing's HTML (thousands of links at
scale) is put in after the engine has rendered the Markdown (`insert`), so the Markdown parser never reads it:
Python-Markdown's HTML block handling is the slowest part of a large build. The build plan keeps each listing as
an output with a key, so a rebuild reuses the listings of conditions whose programs did not change.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable

from . import model, views
from .languages import Language, Words, name_order
from .templates import html_templates

MARK = "<!-- iop-program-listing -->"
LIMIT = 12  # programs shown per state (a page stays light on a phone at national scale); the state page lists all
# Condition and therapy pages live at conditions/<id>/ and therapies/<id>/ (es/conditions/<id>/ in Spanish): their
# links lead to the pages of their own language (the site sends a link on to the English page while the Spanish
# one is not there yet).
BASE = "../../"


def listing_html(
    programs: list[dict],
    lang: Language | None = None,
    *,
    today: dt.date,
    stale_after_months: int = views.STALE_AFTER_MONTHS,
    lines: Callable[[dict, Callable[[], dict]], dict] | None = None,
) -> str:
    """`lines(p, make)`: a program's line kept from another listing (make() makes it), as a program is in the
    listing of each of its conditions and therapies."""
    words = lang.words if lang is not None else Words()
    by_state: dict[str, list[dict]] = defaultdict(list)
    for p in programs:
        by_state[p["address"]["state"]].append(p)

    def shown(ps: list[dict]) -> list[dict]:
        # Only the first LIMIT of a state are shown (the rest are counted): only theirs are made.
        out = []
        for p in ps[:LIMIT]:
            make = functools.partial(line, p, lang, today, stale_after_months)
            out.append(lines(p, make) if lines is not None else make())
        return out

    names = {s: words.vocab("US_STATES", s, model.US_STATES[s]) for s in by_state}
    states = [
        {"name": names[s], "url": f"{BASE}states/{s.lower()}/", "shown": shown(ps), "total": len(ps)}
        for s, ps in sorted(by_state.items(), key=lambda kv: name_order(names[kv[0]]))
    ]
    return (
        html_templates()
        .get_template("listing.html")
        .render(
            states=states,
            count=len(programs),
            limit=LIMIT,
            words=words,
            example=words("pages.listing.example", "Example"),
            stale_note=words("pages.listing.stale_note", views.STALE_NOTE),
        )
    )


def line(p: dict, lang: Language | None, today: dt.date, stale_after_months: int) -> dict:
    line = views.program_line(p, BASE, today=today, stale_after_months=stale_after_months)
    if lang is not None and lang.translated:
        line["last_verified"] = lang.date(p["last_verified"])  # "1 de mayo de 2025", as the language writes it
    return line


def insert(page_html: str, listing: str) -> str:
    """The rendered page with its listing in place of the marker (a page without the marker is left alone)."""
    return page_html.replace(MARK, listing, 1)
