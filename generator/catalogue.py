"""The catalogue: the checked programs grouped the ways the site lists them, each program's nearest neighbours,
and the site settings every page needs (its address, repository and "today").

It is computed once per build from the Dataset, before the build plan, and read by every page, listing, search
file and export. Nothing here knows about MkDocs or writes a file.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from . import geo, names
from .dataset import Dataset
from .report import DEFAULT_MAX_AGE_MONTHS

Nearby = dict[str, list[tuple[str, float]]]  # program id -> [(other id, miles)], nearest first


@dataclass(frozen=True)
class Settings:
    """What the site's configuration says about every page: where it lives, where its data can be edited and
    where anyone can email a correction, which day it is and how old a listing may get before it "may be out of
    date", and how many neighbours a program page shows."""

    site_url: str = "/"  # ends with "/"
    repo_url: str | None = None
    today: dt.date = field(default_factory=dt.date.today)
    nearby_count: int = 5
    nearby_radius_miles: float = 50.0
    corrections_email: str | None = None
    stale_after_months: int = DEFAULT_MAX_AGE_MONTHS

    @classmethod
    def make(cls, site_url: str | None, **kwargs) -> Settings:
        return cls(site_url=(site_url or "/").rstrip("/") + "/", **kwargs)


@dataclass
class Catalogue:
    ds: Dataset
    settings: Settings
    nearby: Nearby
    by_id: dict[str, dict]
    by_state: dict[str, list[dict]]  # in data order
    by_condition: dict[str, list[dict]]  # in listing order (see program_order)
    by_therapy: dict[str, list[dict]]
    name_layout: names.Layout | None = None  # the header search's shards (names.layout), when kept from a build before

    def page_url(self, p: dict) -> str:
        return program_url(self.settings.site_url, p["id"])

    def listed(self, collection: str, vid: str) -> list[dict]:
        """The programs a condition or therapy page lists."""
        groups = self.by_condition if collection == "conditions" else self.by_therapy
        return groups.get(vid, [])


def program_url(site_url: str, pid: str) -> str:
    return f"{site_url}programs/{pid}/"


def program_order(p: dict) -> tuple:
    """How listings sort programs: by state, then city, then name."""
    return (p["address"]["state"], p["address"]["city"].lower(), p["name"].lower(), p["id"])


def nearby_inputs(ds: Dataset, settings: Settings) -> tuple:
    """Everything nearby programs depend on: a rebuild may reuse them while this stays equal."""
    return {p["id"]: p["_point"] for p in ds.programs}, (settings.nearby_count, settings.nearby_radius_miles)


def nearby_programs(ds: Dataset, settings: Settings) -> Nearby:
    points = {p["id"]: p["_point"] for p in ds.programs}
    return geo.nearest_programs(points, k=settings.nearby_count, radius_miles=settings.nearby_radius_miles)


def make_catalogue(
    ds: Dataset, settings: Settings, reuse: Callable[[str, object, Callable[[], object]], object] | None = None
) -> Catalogue:
    """Group the programs and find their neighbours. `reuse(name, inputs, make)` may return a value kept from an
    earlier build with equal inputs (a key store's `reuse`), so a rebuild skips the neighbour search and the
    words of every name."""
    if reuse is None:
        nearby, name_layout = nearby_programs(ds, settings), None
    else:
        nearby = reuse("nearby", nearby_inputs(ds, settings), lambda: nearby_programs(ds, settings))
        facts = names.name_facts(ds)
        name_layout = reuse("names", facts, lambda: names.layout(facts))
    by_state: dict[str, list[dict]] = defaultdict(list)
    for p in ds.programs:
        by_state[p["address"]["state"]].append(p)
    by_condition: dict[str, list[dict]] = defaultdict(list)
    by_therapy: dict[str, list[dict]] = defaultdict(list)
    for p in sorted(ds.programs, key=program_order):
        for c in p["conditions"]:
            by_condition[c].append(p)
        for t in p["therapies"]:
            by_therapy[t].append(p)
    return Catalogue(
        ds=ds,
        settings=settings,
        nearby=nearby,
        by_id={p["id"]: p for p in ds.programs},
        by_state=dict(by_state),
        by_condition=dict(by_condition),
        by_therapy=dict(by_therapy),
        name_layout=name_layout,
    )
