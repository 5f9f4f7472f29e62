"""The HSDS export as Open Referral's Tabular Data Package: one CSV file per kind of record, and a
datapackage.json that describes them (data/hsds/tabular/).

HSDS defines this serialization beside its JSON: records refer to each other by `id` instead of nesting, and
publishers use the package descriptor HSDS publishes (generator/data/hsds-datapackage.json, copied unchanged).
Every resource published here keeps that descriptor's field list, order and constraints; only its file name gains
".gz", because the attributes table alone passes a static host's per-file limit at national scale.

    service_rows(services)        the rows of every per-service table, from export.hsds_service records
    organization_rows, taxonomy_rows   the tables shared by many services, made once from every program
    descriptor()                  datapackage.json for the published resources
"""

from __future__ import annotations

import csv
import io
import json
from functools import cache
from pathlib import Path

DESCRIPTOR = Path(__file__).parent / "data" / "hsds-datapackage.json"
FOLDER = "data/hsds/tabular"
# Resources filled from each service record, in the descriptor's names.
PER_SERVICE = (
    "service",
    "service_at_location",
    "location",
    "address",
    "phone",
    "schedule",
    "language",
    "attribute",
    "url",
)
SHARED = ("organization", "taxonomy_term", "taxonomy")


@cache
def resources() -> dict[str, dict]:
    """The descriptor's resources by name."""
    return {r["name"]: r for r in json.loads(DESCRIPTOR.read_text(encoding="utf-8"))["resources"]}


def fields(resource: str) -> list[str]:
    return [f["name"] for f in resources()[resource]["schema"]["fields"]]


def path(resource: str) -> str:
    """Where a resource's file is published, inside the site."""
    return f"{FOLDER}/{resources()[resource]['path']}.gz"


def csv_text(resource: str, rows: list[dict], header: bool = False) -> str:
    """Rows as CSV lines in the resource's column order (missing values empty, lists joined by "; ")."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = fields(resource)
    if header:
        writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in columns])
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    # A spreadsheet runs a cell that starts with one of these as a formula; see export.FORMULA_STARTS.
    text = str(value)
    return "'" + text if text.startswith(("=", "+", "@", "\t", "\r", "\n")) or _formula_minus(text) else text


def _formula_minus(text: str) -> bool:
    """A leading minus is a formula unless the cell is a plain number (a longitude such as -77.45)."""
    if not text.startswith("-"):
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False


def service_rows(services: list[dict]) -> dict[str, list[dict]]:
    """Rows of each per-service resource, taken apart from nested HSDS service records."""
    rows: dict[str, list[dict]] = {name: [] for name in PER_SERVICE}
    for s in services:
        rows["service"].append(s)
        rows["phone"] += s.get("phones", [])
        rows["schedule"] += s.get("schedules", [])
        rows["language"] += s.get("languages", [])
        rows["attribute"] += s.get("attributes", [])
        rows["url"] += s.get("additional_urls", [])
        for at in s.get("service_at_locations", []):
            rows["service_at_location"].append(at)
            location = at["location"]
            rows["location"].append(location)
            rows["address"] += location.get("addresses", [])
    return rows


def organization_rows(organizations: list[dict]) -> list[dict]:
    """Each organization once (many programs share one), in the order first met."""
    seen: dict[str, dict] = {}
    for org in organizations:
        seen.setdefault(org["id"], org)
    return list(seen.values())


def taxonomy_rows(terms: list[dict]) -> tuple[list[dict], list[dict]]:
    """(taxonomy terms, taxonomies) from export.hsds_taxonomy_terms, each taxonomy once.

    The descriptor makes a term's code unique across the whole table, where the JSON's codes are unique within
    their taxonomy (aftercare is a level of care and a service): a code that two taxonomies share is written
    with its taxonomy in front ("services:aftercare") here."""
    taxonomies: dict[str, dict] = {}
    uses: dict[str, int] = {}
    for term in terms:
        uses[term["code"]] = uses.get(term["code"], 0) + 1
    rows = []
    for term in terms:
        detail = term["taxonomy_detail"]
        taxonomies.setdefault(detail["id"], detail)
        code = (
            term["code"]
            if uses[term["code"]] == 1
            else f"{term['taxonomy'].removeprefix('iop-finder-')}:{term['code']}"
        )
        rows.append({**term, "code": code, "taxonomy_id": detail["id"]})
    return rows, list(taxonomies.values())


def descriptor() -> str:
    """datapackage.json: HSDS's own descriptor, with the resources this site publishes and their file names."""
    package = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
    published = set(PER_SERVICE) | set(SHARED)
    package["resources"] = [
        {**r, "path": r["path"] + ".gz", "compression": "gz"} for r in package["resources"] if r["name"] in published
    ]
    return json.dumps(package, ensure_ascii=False, indent=1) + "\n"
