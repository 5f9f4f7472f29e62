"""Open data: the directory as JSON, CSV and Open Referral HSDS 3.1 service records.

HSDS splits what IOP Finder keeps in one record: a service (the program), the organization that runs it, and the
location where it meets. Every HSDS id is a UUID derived from names (the program id and the part of its record), so
the same data always exports the same ids and other systems can update their copies instead of duplicating them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from . import model, tabular
from .indexes import fnv1a
from .model import Field

# Fixed forever: changing it would give every exported record a new id.
HSDS_NAMESPACE = uuid.UUID("0e7ba659-5f42-5f95-853d-21431af4a306")
TAXONOMY_URI = "https://github.com/iop-finder/iop-finder/blob/main/generator/model.py"
LIST_SEPARATOR = "; "

_DAY_CODES = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
_DAY_ORDER = list(_DAY_CODES.values())
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_TIME = r"\d{1,2}(?::\d{2})?"
_SLOT = re.compile(
    rf"(?P<days>{_DAY}(?:\s*(?:,|and|[–-])\s*{_DAY})*)\s+"
    rf"(?P<start>{_TIME})(?:\s*(?P<start_m>am|pm))?\s*[–-]\s*(?P<end>{_TIME})\s*(?P<end_m>am|pm)"
)


_NAMESPACE_BYTES = HSDS_NAMESPACE.bytes


def _id(*parts: str) -> str:
    """uuid.uuid5(HSDS_NAMESPACE, "/".join(parts)) as text, without building UUID objects (tests/test_export.py
    checks the two agree). For what belongs to no one program: organizations, taxonomies and their terms."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + "/".join(parts).encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@cache
def _digest_hex(text: str) -> str:
    return hashlib.sha1(_NAMESPACE_BYTES + text.encode("utf-8")).hexdigest()


def _part_id(kind: str, program_id: str, *item: str) -> str:
    """The id of one part of one program's record (its service, phone, location, each attribute...): a UUID of
    RFC 9562's version 8, whose first 60 bits come from the program id and last 62 from the part's name.

    Why not uuid5 of the whole name: a program's ~30 ids would then share no digits, and random digits do not
    compress. They were 80% of the gzipped HSDS export. Here a program's ids share their first 19 characters and
    the same part of every program shares its last 17, so gzip stores most of each id as a back-reference.
    Unique as long as no two program ids share 60 bits of hash (about 1 in 10^10 at 20,000 programs) and no two
    parts of one program share 62; tests/test_export.py checks every id of a 20,000-program export is unique."""
    p = _digest_hex("program/" + program_id)
    q = _digest_hex("/".join((kind, *item)))
    variant = "89ab"[int(q[0], 16) & 3]
    return f"{p[:8]}-{p[8:12]}-8{p[12:15]}-{variant}{q[1:4]}-{q[4:16]}"


def _public(value: Any) -> Any:
    """A record without the loader's bookkeeping (keys starting with "_"), with dates as ISO text."""
    if isinstance(value, dict):
        return {k: _public(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [_public(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


_FIELD_ORDER: dict[int, dict[str, int]] = {}


def _in_model_order(record: dict, spec: Field) -> dict:
    order = _FIELD_ORDER.get(id(spec))
    if order is None:
        order = _FIELD_ORDER[id(spec)] = {}
        for i, f in enumerate(spec.fields):
            order.setdefault(f.name, i)
    last = len(spec.fields)
    out = {}
    for key in sorted(record, key=lambda k: order.get(k, last)):
        child, value = spec.child(key), record[key]
        if child is not None and child.kind == "object" and isinstance(value, dict):
            value = _in_model_order(value, child)
        elif child is not None and child.kind == "list" and child.item.kind == "object":
            value = [_in_model_order(v, child.item) for v in value]
        out[key] = value
    return out


def _sorted_programs(ds) -> list[dict]:
    return sorted(ds.programs, key=lambda p: p["id"])


# --- JSON and CSV -----------------------------------------------------------------------------------------------


def _program_json(programs: list[dict], ds, site_url: str) -> str:
    return ",".join(
        json.dumps(_in_model_order(_public(p), model.PROGRAM), ensure_ascii=False, separators=(",", ":"))
        for p in programs
    )


def csv_columns(spec: Field = model.PROGRAM, prefix: str = "") -> list[tuple[str, Field]]:
    """(column name, field) for every scalar or list field; objects become dotted columns such as address.zip."""
    columns = []
    for f in spec.fields:
        name = f"{prefix}{f.name}"
        if f.kind == "object":
            columns += csv_columns(f, name + ".")
        else:
            columns.append((name, f))
    return columns


FORMULA_STARTS = model.FORMULA_STARTS  # a text cell starting with one gets a single quote in front


def _cell(value: Any, spec: Field) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if spec.kind in ("int", "number") and isinstance(value, int | float):
        return str(value)  # a number stays a number, minus sign and all (longitude -77.45)
    text = LIST_SEPARATOR.join(_item_text(v) for v in value) if spec.kind == "list" else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _item_text(value: Any) -> str:
    if isinstance(value, dict):  # accreditations and licences: their values, in field order
        return " ".join(str(v) for v in value.values())
    return str(value)


def _dig(record: dict, dotted: str) -> Any:
    value: Any = record
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _csv_header() -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([name for name, _ in csv_columns()])
    return out.getvalue()


def _csv_rows(programs: list[dict], ds, site_url: str) -> str:
    columns = csv_columns()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for p in programs:
        writer.writerow([_cell(_dig(p, name), spec) for name, spec in columns])
    return out.getvalue()


# --- HSDS 3.1 ---------------------------------------------------------------------------------------------------


def _clock(text: str, meridiem: str) -> tuple[int, int]:
    hour, _, minute = text.partition(":")
    h = int(hour) % 12 + (12 if meridiem == "pm" else 0)
    return h, int(minute or 0)


def parse_slots(details: str) -> list[dict]:
    """Weekly slots written like "Mon, Wed, Thu 6–9 pm" or "Mon–Thu 9 am–12 pm" -> byday, opens_at, closes_at.

    Text it cannot read (another language, "daily") yields nothing; the words still go out as the description.
    """
    slots = []
    for m in _SLOT.finditer(details or ""):
        days: list[str] = []
        for part in re.split(r"\s*(?:,|and)\s*", m.group("days")):
            ends = [d for d in re.split(r"\s*[–-]\s*", part) if d]
            codes = [_DAY_CODES[d[:3].lower()] for d in ends]
            if len(codes) == 2:
                i, j = _DAY_ORDER.index(codes[0]), _DAY_ORDER.index(codes[1])
                codes = _DAY_ORDER[i : j + 1]
            days += [c for c in codes if c not in days]
        end = _clock(m.group("end"), m.group("end_m"))
        start = _clock(m.group("start"), m.group("start_m") or m.group("end_m"))
        if start > end and not m.group("start_m"):  # "11–1 pm" starts in the morning
            start = _clock(m.group("start"), "am")
        slot = {
            "byday": ",".join(days),
            "opens_at": "{:02d}:{:02d}:00".format(*start),
            "closes_at": "{:02d}:{:02d}:00".format(*end),
        }
        if slot not in slots:
            slots.append(slot)
    return slots


def _schedule_words(schedule: dict) -> str:
    hours, days = schedule["hours_per_week"], schedule["days_per_week"]
    words = f"{hours:g} hours a week over {days} day{'s' if days != 1 else ''}"
    length = schedule.get("length_weeks")
    if length:
        words += (
            f", for about {length['min']} weeks"
            if length["min"] == length["max"]
            else f", for about {length['min']} to {length['max']} weeks"
        )
    sessions = ", ".join(model.SESSIONS[s].lower() for s in schedule["sessions"])
    words += f"; {sessions}."
    if schedule.get("details"):
        words += f" {schedule['details']}"
    return words


def _schedules(p: dict, service_id: str) -> list[dict]:
    schedule = p["schedule"]
    base = {
        "service_id": service_id,
        "description": _schedule_words(schedule),
        "attending_type": "By video only"
        if p.get("telehealth_only")
        else ("In person or by video" if p["telehealth"] else "In person"),
    }
    slots = parse_slots(schedule.get("details", ""))
    if not slots:
        return [{"id": _part_id("schedule", p["id"], "0"), **base}]
    return [
        {"id": _part_id("schedule", p["id"], str(i)), **base, "freq": "WEEKLY", "wkst": "MO", "interval": 1, **slot}
        for i, slot in enumerate(slots)
    ]


def _phone(p: dict, service_id: str) -> dict:
    number, _, extension = p["phone"].partition(" x")
    phone = {
        "id": _part_id("phone", p["id"]),
        "service_id": service_id,
        "number": number,
        "type": "voice",
        "description": "Intake",
    }
    if extension:
        phone["extension"] = int(extension)
    return phone


@cache
def _term(taxonomy: str, code: str, name: str, description: str, term_uri: str | None = None) -> dict:
    term = {
        "id": _id("taxonomy_term", taxonomy, code),
        "code": code,
        "name": name,
        "description": description,
        "taxonomy": f"iop-finder-{taxonomy}",
        "taxonomy_detail": {
            "id": _id("taxonomy", taxonomy),
            "name": f"IOP Finder {taxonomy.replace('_', ' ')}",
            "description": f"IOP Finder's controlled values for {taxonomy.replace('_', ' ')}.",
            "uri": TAXONOMY_URI,
        },
        "language": "en",
    }
    if term_uri:
        term["term_uri"] = term_uri
    return term


# The record's fields of fixed choices that become HSDS attributes (each value a taxonomy term).
CHOICE_FIELDS = (
    ("focus", model.FOCUS),
    ("levels_of_care", model.LEVELS_OF_CARE),
    ("populations", model.POPULATIONS),
    ("medications", model.MEDICATIONS),
    ("services", model.SERVICES),
    ("payment", model.PAYMENT),
)


def _attributes(p: dict, ds, service_id: str, site: str) -> list[dict]:
    """Focus, levels of care, populations, conditions, therapies, medications, services and payment as terms."""
    pairs: list[tuple[str, str, str, str, str | None]] = []  # taxonomy, code, name, description, uri
    for name, choices in CHOICE_FIELDS:
        values = p.get(name) or []
        for value in [values] if isinstance(values, str) else values:
            pairs.append((name, value, choices[value], choices[value], None))
    for name, vocab, path in (("conditions", ds.conditions, "conditions"), ("therapies", ds.therapies, "therapies")):
        for value in p.get(name, []):
            entry = vocab.get(value, {})
            pairs.append(
                (
                    name,
                    value,
                    entry.get("name", value),
                    entry.get("summary", entry.get("name", value)),
                    f"{site}/{path}/{value}/",
                )
            )
    if p["telehealth"]:
        pairs.append(("telehealth", "telehealth", "Telehealth", "IOP sessions can be attended by video.", None))
    attributes = []
    for taxonomy, code, name, description, uri in pairs:
        term = _term(taxonomy, code, name, description, uri)
        attributes.append(
            {
                "id": _part_id("attribute", p["id"], taxonomy, code),
                "link_id": service_id,
                "link_type": taxonomy,
                "link_entity": "service",
                "taxonomy_term_id": term["id"],
                "label": name,
            }
        )
    return attributes


def _location(p: dict, service_id: str) -> dict:
    address = p["address"]
    location_id = _part_id("location", p["id"])
    location = {
        "id": location_id,
        "location_type": "physical",
        "name": p["name"],
        "addresses": [
            {
                "id": _part_id("address", p["id"]),
                "location_id": location_id,
                "address_1": address["street"],
                "city": address["city"],
                "state_province": address["state"],
                "postal_code": address["zip"],
                "country": "US",
                "address_type": "physical",
            }
        ],
    }
    point = p.get("_point") or ((p["location"]["lat"], p["location"]["lon"]) if p.get("location") else None)
    if point:
        location["latitude"], location["longitude"] = point
        if p.get("_point_basis") == "zip":
            location["description"] = "The map point is the centre of the ZIP code, not the building."
    return {
        "id": _part_id("service_at_location", p["id"]),
        "service_id": service_id,
        "location_id": location_id,
        "location": location,
    }


def hsds_organization(p: dict) -> dict:
    name = p.get("organization") or p["name"]
    org = {
        "id": _id("organization", name.casefold()),
        "name": name,
        "description": f"Runs {p['name']}." if p.get("organization") else f"Runs the program {p['name']}.",
    }
    if p.get("website"):
        org["website"] = p["website"]
    return org


def _alert(p: dict) -> str | None:
    if p.get("example"):
        return "Fictional sample record: this program does not exist."
    if p.get("needs_review"):
        return "Imported record not yet checked by IOP Finder; call to confirm before you go."
    return None


def _application_process(p: dict) -> str | None:
    """How to start, in words (HSDS has no fields of its own for the ways in or for a waitlist)."""
    parts = []
    new_patients, intake = p.get("new_patients"), p.get("intake") or {}
    if new_patients:
        status = model.NEW_PATIENTS[new_patients["status"]]
        parts.append(f"{status} (confirmed {new_patients['confirmed'].isoformat()}).")
    if intake.get("ways"):
        parts.append("; ".join(model.INTAKE_WAYS[w] for w in intake["ways"]) + ".")
    if intake.get("hours"):
        parts.append(f"Intake hours: {intake['hours']}.")
    return " ".join(parts) or None


def hsds_service(p: dict, ds, site_url: str) -> dict:
    site = site_url.rstrip("/")
    service_id = _part_id("service", p["id"])
    organization = hsds_organization(p)
    service: dict[str, Any] = {
        "id": service_id,
        "organization_id": organization["id"],
        "name": p["name"],
        "description": p["summary"],
        "url": f"{site}/programs/{p['id']}/",
        "status": "active",
        "eligibility_description": "Serves: " + ", ".join(model.POPULATIONS[v] for v in p["populations"]) + ".",
        "fees_description": "Accepts: "
        + ", ".join(model.PAYMENT[v] for v in p["payment"])
        + (". Plans: " + ", ".join(p["insurers"]) if p.get("insurers") else "")
        + ".",
        "assured_date": p["last_verified"].isoformat(),
        "organization": organization,
        "phones": [_phone(p, service_id)],
        "schedules": _schedules(p, service_id),
        "service_at_locations": [_location(p, service_id)],
        "languages": [
            {
                "id": _part_id("language", p["id"], code),
                "service_id": service_id,
                "name": model.LANGUAGES[code],
                "code": code,
            }
            for code in p["languages"]
        ],
        "attributes": _attributes(p, ds, service_id, site),
    }
    if p.get("ages"):
        service["minimum_age"] = p["ages"]["min"]
        if "max" in p["ages"]:
            service["maximum_age"] = p["ages"]["max"]
    process = _application_process(p)
    if process:
        service["application_process"] = process
    if p.get("website"):
        service["additional_urls"] = [
            {"id": _part_id("url", p["id"]), "label": "Program website", "url": p["website"], "service_id": service_id}
        ]
    if p.get("email"):
        service["email"] = p["email"]
    if p.get("accreditations"):
        service["accreditations"] = LIST_SEPARATOR.join(
            model.ACCREDITATION_BODIES[a["body"]] + (f" ({a['id']})" if a.get("id") else "")
            for a in p["accreditations"]
        )
    if p.get("licenses"):
        service["licenses"] = LIST_SEPARATOR.join(f"{lic['issuer']}: {lic['number']}" for lic in p["licenses"])
    alert = _alert(p)
    if alert:
        service["alert"] = alert
    return service


def hsds_services(ds, site_url: str) -> list[dict]:
    """Every program as one HSDS 3.1 service record (with its organization and location nested), sorted by id."""
    return [hsds_service(p, ds, site_url) for p in _sorted_programs(ds)]


SLICE_EVERY = 64


@dataclass(frozen=True)
class ExportFile:
    """One published export file: the head, then its kind's text of each slice (separated by sep), then the tail;
    gzip-compressed (a .gz download, each piece a gzip member, so a slice is compressed once and kept) or not."""

    path: str
    text: str  # which of each slice's texts it holds
    head: str
    sep: str
    tail: str
    gzip: bool = False
    state: str | None = None  # only the slices of this state
    member: str = ""  # set: the file is a ZIP archive holding the joined text as one file of this name


@dataclass(frozen=True)
class Family:
    """Exports made from the same slices of programs. A slice's part is made once, as one text for each kind of
    file (`make`), on whichever core the executor gives it; each file then joins its kind's texts.

    Slices hold about SLICE_EVERY programs sorted by id (or, `by_state`, each state's programs sorted by id): they
    end after programs whose id hashes to 0 modulo SLICE_EVERY, so an edit, insertion or removal changes only its
    own slice and a rebuild remakes just that part."""

    name: str
    make: Callable[[list[dict], Any, str], dict[str, str]]
    files: Callable[[Any], list[ExportFile]]
    by_state: bool = False

    def slices(self, ds) -> list[tuple[str | None, list[dict]]]:
        programs = _sorted_programs(ds)
        if not self.by_state:
            return [(None, chunk) for chunk in _cut(programs)]
        states: dict[str, list[dict]] = {}
        for p in programs:
            states.setdefault(p["address"]["state"], []).append(p)
        return [(st, chunk) for st in sorted(states) for chunk in _cut(states[st])]

    def whole(self, ds, site_url: str, path: str) -> str:
        """One file's text, uncompressed (for tests and for anyone who wants it in memory)."""
        file = next(f for f in self.files(ds) if f.path == path)
        texts = [self.make(chunk, ds, site_url)[file.text] for st, chunk in self.slices(ds) if file.state in (None, st)]
        return file.head + file.sep.join(t for t in texts if t) + file.tail


def _cut(programs: list[dict]) -> list[list[dict]]:
    slices, current = [], []
    for p in programs:
        current.append(p)
        if fnv1a(p["id"]) % SLICE_EVERY == 0:
            slices.append(current)
            current = []
    if current or not slices:
        slices.append(current)
    return slices


def _states(ds) -> list[str]:
    return sorted({p["address"]["state"] for p in ds.programs})


def _program_texts(programs: list[dict], ds, site_url: str) -> dict[str, str]:
    return {"json": _program_json(programs, ds, site_url), "csv": _csv_rows(programs, ds, site_url)}


def _state_texts(programs: list[dict], ds, site_url: str) -> dict[str, str]:
    return {"csv": _csv_rows(programs, ds, site_url)}  # a state publishes only its spreadsheet (_state_files)


PROGRAMS_JSON_HEAD, PROGRAMS_JSON_TAIL = '{"programs":[', "]}\n"


def _country_files(ds) -> list[ExportFile]:
    """The whole country's JSON and CSV, gzip-compressed."""
    return [
        ExportFile("data/programs.json.gz", "json", PROGRAMS_JSON_HEAD, ",", PROGRAMS_JSON_TAIL, gzip=True),
        ExportFile("data/programs.csv.gz", "csv", _csv_header(), "", "", gzip=True),
    ]


def _state_files(ds) -> list[ExportFile]:
    """Each state's CSV in a ZIP archive (state_member names it), which every office computer and phone opens
    without another tool, as it may not a .gz file (the plain CSVs were 17 MB at 20,000 programs, the archives a
    seventh of it). A state's JSON is left out: a program reading JSON can pick one state out of the country's
    file (3 MB compressed at 20,000 programs), and every state's copy again took 4 MB of a site that free hosts
    cap."""
    header = _csv_header()
    return [
        ExportFile(
            f"data/states/{st.lower()}/programs.csv.zip", "csv", header, "", "", state=st, member=state_member(st)
        )
        for st in _states(ds)
    ]


def state_member(state: str) -> str:
    """The CSV's name inside a state's archive: named for its state, so several unpacked in one folder never
    overwrite each other."""
    return f"iop-finder-programs-{state.lower()}.csv"


def _hsds_texts(programs: list[dict], ds, site_url: str) -> dict[str, str]:
    services = [hsds_service(p, ds, site_url) for p in programs]
    texts = {"services.json": ",".join(json.dumps(s, ensure_ascii=False, separators=(",", ":")) for s in services)}
    for resource, rows in tabular.service_rows(services).items():
        texts[resource] = tabular.csv_text(resource, rows)
    return texts


def _hsds_files(ds) -> list[ExportFile]:
    out = [ExportFile("data/hsds/services.json.gz", "services.json", "[", ",", "]\n", gzip=True)]
    for resource in tabular.PER_SERVICE:
        header = tabular.csv_text(resource, [], header=True)
        out.append(ExportFile(tabular.path(resource), resource, header, "", "", gzip=True))
    return out


FAMILIES: dict[str, Family] = {
    # The whole country, compressed: programs sorted by id.
    "programs": Family("programs", _program_texts, _country_files),
    # Each state's spreadsheet: for anyone who wants only their state.
    "states": Family("states", _state_texts, _state_files, by_state=True),
    # Open Referral HSDS 3.1: the services as JSON, and the same records as the HSDS tabular data package.
    "hsds": Family("hsds", _hsds_texts, _hsds_files),
}


def programs_json(ds) -> str:
    """Every program as IOP Finder stores it (field names as in the data reference), sorted by id."""
    return FAMILIES["programs"].whole(ds, "", "data/programs.json.gz")


def programs_csv(ds) -> str:
    """One row per program, one column per field (address.city, schedule.hours_per_week...), lists joined by "; ".
    A text cell that a spreadsheet would run as a formula starts with a single quote (see FORMULA_STARTS)."""
    return FAMILIES["programs"].whole(ds, "", "data/programs.csv.gz")


def hsds_services_json(ds, site_url: str) -> str:
    """The same records as hsds_json(hsds_services(...)), compact."""
    return FAMILIES["hsds"].whole(ds, site_url, "data/hsds/services.json.gz")


def hsds_shared_tables(ds, site_url: str) -> dict[str, str]:
    """The tabular package's tables that many services share (organizations, taxonomy terms, taxonomies), whole,
    with their header rows."""
    organizations = tabular.organization_rows([hsds_organization(p) for p in _sorted_programs(ds)])
    terms, taxonomies = tabular.taxonomy_rows(hsds_taxonomy_terms(ds, site_url))
    return {
        "organization": tabular.csv_text("organization", organizations, header=True),
        "taxonomy_term": tabular.csv_text("taxonomy_term", terms, header=True),
        "taxonomy": tabular.csv_text("taxonomy", taxonomies, header=True),
    }


def hsds_taxonomy_terms(ds, site_url: str) -> list[dict]:
    """Every taxonomy term that attributes refer to by `taxonomy_term_id`, published once
    (data/hsds/taxonomy_terms.json) rather than nested in each of the thousands of attributes."""
    site = site_url.rstrip("/")
    out = [_term(taxonomy, code, name, name) for taxonomy, choices in CHOICE_FIELDS for code, name in choices.items()]
    for taxonomy, vocab in (("conditions", ds.conditions), ("therapies", ds.therapies)):
        out += [
            _term(taxonomy, code, e["name"], e.get("summary", e["name"]), f"{site}/{taxonomy}/{code}/")
            for code, e in vocab.items()
        ]
    out.append(_term("telehealth", "telehealth", "Telehealth", "IOP sessions can be attended by video."))
    return out


def hsds_json(services: Iterable[dict]) -> str:
    return json.dumps(list(services), ensure_ascii=False, separators=(",", ":")) + "\n"
