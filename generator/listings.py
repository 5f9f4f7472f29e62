"""Program listings on condition and therapy pages: every program that treats it, grouped by state.

A condition page's Markdown holds only a marker where its listing goes; the listing's HTML (thousands of links at
scale) is put in after the engine has rendered the Markdown (`insert`), so the Markdown parser never reads it:
Python-Markdown's HTML block handling is the slowest part of a large build. The build plan keeps each listing as
an output with a key, so a rebuild reuses the listings of conditions whose programs did not change.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from . import model, views
from .templates import html_templates

MARK = "<!-- iop-program-listing -->"
LIMIT = 60  # programs shown per state; the state page lists them all
BASE = "../../"  # condition and therapy pages live at conditions/<id>/ and therapies/<id>/


def listing_html(programs: list[dict], *, today: dt.date, stale_after_months: int = views.STALE_AFTER_MONTHS) -> str:
    by_state: dict[str, list[dict]] = defaultdict(list)
    for p in programs:
        by_state[p["address"]["state"]].append(
            views.program_line(p, BASE, today=today, stale_after_months=stale_after_months)
        )
    states = [
        {"name": model.US_STATES[s], "url": f"{BASE}states/{s.lower()}/", "programs": ps}
        for s, ps in sorted(by_state.items(), key=lambda kv: model.US_STATES[kv[0]])
    ]
    return (
        html_templates()
        .get_template("listing.html")
        .render(states=states, count=len(programs), limit=LIMIT, stale_note=views.STALE_NOTE)
    )


def insert(page_html: str, listing: str) -> str:
    """The rendered page with its listing in place of the marker (a page without the marker is left alone)."""
    return page_html.replace(MARK, listing, 1)
