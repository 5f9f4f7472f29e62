"""SAMHSA treatment locator rows -> IOP Finder program records, merged into one YAML file per import.

The locator lists every licensed treatment facility; only rows whose "Service Settings" (`SET`) entry lists
"Intensive outpatient treatment" become programs. Each row's service labels are mapped to IOP Finder's vocabulary
through the tables below. A label the tables do not know is reported, never guessed, and a row that cannot become a
valid program is reported with its `frid` and name, never dropped silently.

Re-running an import merges by `frid`, kept in the program's `external_ids` (and named in `source`).
The import owns the fields in `OWNED_FIELDS` and rewrites them from the data; every other field (`id`, `summary`,
`schedule`, `email`, `insurers`, `accreditations`, `licenses`, `medical_director`, ...) is written once, when the
record is created, and after that belongs to maintainers. A record verified by a person after the data's date
(`last_verified` newer than `--as-of`) is left exactly as it is.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

from . import model
from .validate import _PHONE, printable, reads_as_number, url_problem

SOURCE_TEXT = "SAMHSA treatment locator (public domain), record {frid}"
# The line that marks a file as this importer's own: it rewrites only files whose header holds it (see imports.py).
OWNER_LINE = "# Imported from the SAMHSA treatment locator (public domain) by `python -m generator import-samhsa`."
FILE_PREFIX = "samhsa"  # data/programs/samhsa-<state>.yaml
IOP_SETTING = "Intensive outpatient treatment"
_FRID_IN_SOURCE = re.compile(r"\brecord ([0-9a-f]{16,})\b")

# Rewritten from the data on every re-run (unless a person verified the record after the data's date).
OWNED_FIELDS = (
    "name",
    "organization",
    "focus",
    "levels_of_care",
    "address",
    "location",
    "phone",
    "website",
    "telehealth",
    "populations",
    "languages",
    "conditions",
    "therapies",
    "medications",
    "services",
    "payment",
    "source",
    "external_ids",
)

# The locator has no schedule; IOPs meet at least 9 hours a week (ASAM level 2.1 for adults), so a new record
# starts at that minimum, with words telling visitors to call. A maintainer replaces it after calling.
DEFAULT_SCHEDULE = {
    "hours_per_week": 9,
    "days_per_week": 3,
    "sessions": ["day"],
    "details": "Days and times are not in the SAMHSA record; call the program to ask.",
}
# Used only when a row maps to nothing for a field every program must fill; each use is reported.
DEFAULTS = {
    "populations": ["adults"],
    "therapies": ["psychoeducation"],
    "payment": ["self_pay"],
}
# The locator lists only languages other than English ("Other Languages"), so every facility offers English.
BASE_LANGUAGES = ["en"]
SUBSTANCE_USE_CONDITIONS = ["alcohol-use", "cannabis-use", "opioid-use", "stimulant-use"]
ADDICTION_MEDICATIONS = {"buprenorphine", "methadone", "naltrexone", "acamprosate", "disulfiram"}

# Service categories whose labels say nothing a visitor filters on (ownership, smoking policy, sexes accepted...).
IGNORED_CATEGORIES = {"FOP", "LCA", "SMP", "TOBAC", "GN", "EXCL", "OTHR", "HOSP", "FT", "EMS", "ASSES"}

# Category code -> service label -> targets. A target is "field:value" (add the value to that list field) or
# "flag:name"; an empty tuple means the label is known and deliberately not imported.
LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "TC": {
        "Substance use treatment": ("flag:substance_use",),
        "Mental health treatment": ("flag:mental_health",),
        "Detoxification": ("levels_of_care:detox",),
    },
    "SET": {
        "Intensive outpatient treatment": ("levels_of_care:iop",),
        "Outpatient": ("levels_of_care:op",),
        "Regular outpatient treatment": ("levels_of_care:op",),
        "Outpatient methadone/buprenorphine or naltrexone treatment": ("levels_of_care:op",),
        "Outpatient day treatment or partial hospitalization": ("levels_of_care:php",),
        "Partial hospitalization/day treatment": ("levels_of_care:php",),
        "Computerized treatment/telemedicine": ("flag:telehealth",),
        "Telemedicine/telehealth": ("flag:telehealth",),
        "Residential": ("levels_of_care:residential",),
        "Short-term residential": ("levels_of_care:residential",),
        "Long-term residential": ("levels_of_care:residential",),
        "Residential detoxification": ("levels_of_care:detox",),
        "Hospital inpatient detoxification": ("levels_of_care:detox",),
        "Hospital inpatient": (),
    },
    "DETOX": {
        "Alcohol Detoxification": ("levels_of_care:detox",),
        "Benzodiazepines Detoxification": ("levels_of_care:detox",),
        "Cocaine Detoxification": ("levels_of_care:detox",),
        "Opioid Detoxification": ("levels_of_care:detox",),
        "Methamphetamine Detoxification": ("levels_of_care:detox",),
    },
    "OT": {
        "Buprenorphine used in Treatment": ("medications:buprenorphine",),
        "Buprenorphine maintenance": ("medications:buprenorphine",),
        "Buprenorphine maintenance for predetermined time": ("medications:buprenorphine",),
        "Buprenorphine detoxification": ("medications:buprenorphine",),
        "Prescribes/administers buprenorphine": ("medications:buprenorphine",),
        "Naltrexone used in Treatment": ("medications:naltrexone",),
        "Prescribes/administers naltrexone": ("medications:naltrexone",),
        "Relapse prevention from naltrexone": ("medications:naltrexone",),
        "Methadone maintenance": ("medications:methadone",),
        "Methadone maintenance for predetermined time": ("medications:methadone",),
        "Methadone detoxification": ("medications:methadone",),
        "Does not treat opioid addiction": ("flag:no_opioid_treatment",),
        "Do not use medication for opioid addiction": (),
        "Accepts clients on opioid medication": (),
        "Use methadone/buprenorphine for pain management or emergency dosing": (),
        "SAMHSA-certified Opioid Treatment Program": (),
    },
    "OM": {
        "Methadone used in Treatment": ("medications:methadone",),
        "Buprenorphine used in Treatment": ("medications:buprenorphine",),
        "Naltrexone used in Treatment": ("medications:naltrexone",),
    },
    "PHR": {
        "Acamprosate (Campral®)": ("medications:acamprosate",),
        "Disulfiram (Antabuse®)": ("medications:disulfiram",),
        "Buprenorphine with naloxone (Suboxone®)": ("medications:buprenorphine",),
        "Buprenorphine without naloxone": ("medications:buprenorphine",),
        "Buprenorphine (extended-release, injectable, for example, Sublocade®)": ("medications:buprenorphine",),
        "Naltrexone (oral)": ("medications:naltrexone",),
        "Extended-release, injectable Naltrexone (Vivitrol®)": ("medications:naltrexone",),
        "Methadone": ("medications:methadone",),
        "Medications for psychiatric disorders": ("services:medication_management", "therapies:medication-management"),
    },
    "TAP": {
        "Cognitive behavioral therapy": ("therapies:cbt",),
        "Rational emotive behavioral therapy": ("therapies:cbt",),
        "Dialectical behavior therapy": ("therapies:dbt",),
        "Motivational interviewing": ("therapies:motivational-interviewing",),
        "Matrix Model": ("therapies:matrix-model",),
        "12-step facilitation": ("therapies:twelve-step-facilitation",),
        "Relapse prevention": ("therapies:relapse-prevention",),
        "Trauma-related counseling": ("therapies:trauma-focused",),
        "Trauma therapy": ("therapies:trauma-focused",),
        "Couples/family therapy": ("therapies:family-therapy", "services:family_therapy"),
        "Group therapy": ("services:group_therapy",),
        "Individual psychotherapy": ("services:individual_therapy",),
        "Psychotropic medication": ("therapies:medication-management", "services:medication_management"),
        "Integrated dual disorders treatment": ("flag:co_occurring",),
        "Anger management": (),
        "Brief intervention": (),
        "Substance use counseling approach": (),
        "Contingency management/motivational incentives": (),
        "Community reinforcement plus vouchers": (),
        "Behavior modification": (),
        "Activity therapy": (),
        "Electroconvulsive therapy": (),
    },
    "EDU": {
        "Individual counseling offered": ("services:individual_therapy",),
        "Group counseling offered": ("services:group_therapy",),
        "Family counseling offered": ("services:family_therapy", "therapies:family-therapy"),
        "Marital/couples counseling offered": ("services:family_therapy", "therapies:family-therapy"),
        "Substance abuse education": ("therapies:psychoeducation",),
        "Employment counseling or training": ("services:vocational", "therapies:vocational-support"),
        "Health education services other than HIV/AIDS or hepatitis": (),
        "HIV or AIDS education, counseling, or support": (),
        "Hepatitis education, counseling, or support": (),
    },
    "AS": {
        "Case management": ("services:case_management",),
        "Intensive case management": ("services:case_management",),
        "Child care for clients' children": ("services:childcare",),
        "Consumer-run (peer-support) services": ("services:peer_support",),
        "Self-help groups": ("services:peer_support",),
        "Transportation assistance": ("services:transportation",),
        "Social skills development": ("therapies:life-skills",),
        "Family psychoeducation": ("therapies:psychoeducation",),
        "Mental health services": (),
        "Assistance with obtaining social services": (),
        "Domestic violence services-family or partner": (),
        "Housing services": (),
        "Supported housing": (),
        "Acupuncture": (),
        "Early intervention for HIV": (),
        "Diet and exercise counseling": (),
        "Psychosocial rehabilitation services": (),
        "Chronic disease/illness management": (),
        "Court-ordered outpatient treatment": (),
        "Illness management and recovery": (),
        "Integrated primary care services": (),
        "Education services": (),
        "Suicide prevention services": (),
        "Assertive community treatment": (),
    },
    "SCR": {
        "Drug or alcohol urine screening": ("services:drug_testing",),
        "Breath analyzer or blood alcohol testing": ("services:drug_testing",),
        "Screening for mental health disorders": (),
        "Screening for substance use": (),
        "HIV testing": (),
        "Screening for Hepatitis B": (),
        "Screening for Hepatitis C": (),
        "TB screening": (),
        "STD testing": (),
    },
    "TRSRV": {
        "Aftercare/continuing care": ("levels_of_care:aftercare", "services:aftercare"),
        "Discharge Planning": ("services:aftercare",),
    },
    "PAY": {
        "Cash or self-payment": ("payment:self_pay",),
        "Medicaid": ("payment:medicaid",),
        "Medicare": ("payment:medicare",),
        "Private health insurance": ("payment:private_insurance",),
        "Military insurance (e.g., TRICARE)": ("payment:tricare",),
        "State-financed health insurance plan other than Medicaid": ("payment:state_funded",),
        "Other State funds": ("payment:state_funded",),
        "State mental health agency (or equivalent) funds": ("payment:state_funded",),
        "Federal, or any government funding for substance abuse programs": (),
        "IHS/Tribal/Urban (ITU) funds": (),
        "County or local government funds": (),
        "Community Mental Health Block Grants": (),
        "Community Service Block Grants": (),
        "State corrections or juvenile justice funds": (),
        "U.S. Department of VA funds": (),
        "State education funds": (),
        "State welfare or child and family services funds": (),
    },
    "PYAS": {
        "Sliding fee scale (fee is based on income and other factors)": ("payment:sliding_scale",),
        "Payment assistance (check with facility for details)": (),
    },
    "AGE": {
        "Adults": ("populations:adults",),
        "Young adults": ("populations:young_adults",),
        "Children/adolescents": ("populations:adolescents",),
        "Seniors (65 or older)": ("populations:older_adults",),
    },
    "SG": {
        "Adolescents": ("populations:adolescents",),
        "Transitional age young adults": ("populations:young_adults",),
        "Seniors or older adults": ("populations:older_adults",),
        "Adult women": ("populations:women",),
        "Adult men": ("populations:men",),
        "Pregnant/postpartum women": ("populations:pregnant_postpartum",),
        "Lesbian, gay, bisexual, or transgender (LGBT) clients": ("populations:lgbtq",),
        "Veterans": ("populations:veterans",),
        "Persons with co-occurring mental and substance use disorders": ("flag:co_occurring",),
        "Persons with post-traumatic stress disorder (PTSD)": ("conditions:ptsd",),
        "Persons with eating disorders": ("conditions:eating-disorders",),
        "Active duty military": (),
        "Military families": (),
        "Clients referred from the court/judicial system": (),
        "Persons with HIV or AIDS": (),
        "Persons who have experienced sexual abuse": (),
        "Persons who have experienced intimate partner violence, domestic violence": (),
        "Persons who have experienced trauma": (),
        "Persons with serious mental illness (SMI)": (),
        "Persons with traumatic brain injury (TBI)": (),
        "Persons with Alzheimer's or dementia": (),
        "Children/adolescents with serious emotional disturbance (SED)": (),
    },
    "SL": {
        "Services for the deaf and hard of hearing": ("languages:ase",),
    },
    "OL": {},  # language names: see _language_code
}
# Language names the locator uses that are not the model's English names.
_LANGUAGE_ALIASES = {
    "any chinese language": "zh",
    "chinese": "zh",
    "creole": "ht",
    "farsi": "fa",
    "american sign language": "ase",
    "sign language": "ase",
}
# Words in name2 that are a legal status, not part of the program's name.
_LEGAL_WORDS = {"nonprofit", "non-profit", "501c3", "501(c)(3)", "501(c)3", "llc", "inc", "inc.", "corporation"}
# Words that end an organisation's name; name1 without one, followed by a name2 ending in one, is a split name.
_ORG_WORDS = {
    "board",
    "center",
    "centre",
    "services",
    "clinic",
    "program",
    "hospital",
    "agency",
    "associates",
    "health",
    "recovery",
    "counseling",
    "institute",
    "foundation",
    "society",
    "llc",
    "inc",
}
_LIST_FIELDS = (
    "levels_of_care",
    "populations",
    "languages",
    "conditions",
    "therapies",
    "medications",
    "services",
    "payment",
)


@dataclass
class ImportResult:
    records: list[dict]  # every record of the output file, sorted by id
    messages: list[str] = field(default_factory=list)  # for stderr: unmapped rows, unknown labels, defaults
    # id -> (row number, what the row's message starts with, the record before this import or None if new)
    origins: dict[str, tuple[int, str, dict | None]] = field(default_factory=dict)
    rows_read: int = 0
    iop_rows: int = 0
    not_iop: list[str] = field(default_factory=list)  # "frid (name)" of rows without intensive outpatient
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_verified: int = 0
    unmapped: int = 0

    def add(self, other: ImportResult) -> None:
        """Count another file's import in this one (one summary for a run that writes several files)."""
        self.messages += other.messages
        for name in ("rows_read", "iop_rows", "created", "updated", "unchanged", "kept_verified", "unmapped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.not_iop += other.not_iop

    def summary(self) -> str:
        return (
            f"{self.rows_read} rows read; {self.iop_rows} offer intensive outpatient care: {self.created} new, "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.kept_verified} kept (verified since), "
            f"{self.unmapped} not imported (see messages); {len(self.not_iop)} rows without intensive "
            f"outpatient care skipped."
        )


class RowsError(ValueError):
    """The rows file cannot be read at all: where (line, column) and why."""

    def __init__(self, line: int, column: int, message: str):
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


def read_rows(path: Path) -> list:
    """Locator rows from a JSON file holding either the list of rows or an API page `{rows: [...]}`. The rows
    themselves may be anything; `row_problem` tells which cannot be read."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise RowsError(1, 1, f"cannot read the file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise RowsError(1, 1, "the file is not UTF-8 text (export the rows as JSON again)") from None
    except json.JSONDecodeError as exc:
        raise RowsError(exc.lineno, exc.colno, f"not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise RowsError(1, 1, "values are nested too deeply to be locator rows") from None
    rows = data.get("rows") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise RowsError(1, 1, 'expected a JSON list of locator rows, or an object with a "rows" list')
    return rows


# Row fields the import reads, and what they may hold. Anything else in a row is ignored.
_ROW_TEXT = ("frid", "name1", "name2", "street1", "street2", "city", "state", "zip", "phone", "intake1", "website")
_ROW_TEXT_OR_NUMBER = ("typeFacility", "latitude", "longitude")
_SERVICE_TEXT = ("f1", "f2", "f3")


def _json_kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "text"


def row_problem(row: Any) -> str | None:
    """Why a row cannot be read (a value of the wrong type anywhere in it), or None."""
    if not isinstance(row, dict):
        return f"expected an object with the locator's fields, got {_json_kind(row)}"
    for key in _ROW_TEXT:
        value = row.get(key)
        if value is not None and not isinstance(value, str):
            hint = " (a ZIP code read as a number may have lost its leading zero)" if key == "zip" else ""
            return f"{key} should be text, got {_json_kind(value)}{hint}"
    for key in _ROW_TEXT_OR_NUMBER:
        value = row.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, str | int | float)):
            return f"{key} should be text or a number, got {_json_kind(value)}"
    services = row.get("services")
    if services is None:
        return None
    if not isinstance(services, list):
        return f"services should be a list, got {_json_kind(services)}"
    for i, entry in enumerate(services):
        if not isinstance(entry, dict):
            return f"services[{i}] should be an object with f1, f2 and f3, got {_json_kind(entry)}"
        for key in _SERVICE_TEXT:
            value = entry.get(key)
            if value is not None and not isinstance(value, str):
                return f"services[{i}].{key} should be text, got {_json_kind(value)}"
    return None


def row_state(row: Any) -> str | None:
    """The row's state as a code from the list of states, or None (bad row, unknown state)."""
    if row_problem(row) is not None:
        return None
    state = _clean(row.get("state")).upper()
    return state if state in model.US_STATES else None


def _clean(text: Any) -> str:
    return " ".join(str(text or "").split())


def service_entries(row: dict) -> Iterable[tuple[str, str, str]]:
    """(category code, category label, service label) for every value of every `services` entry."""
    for entry in row.get("services") or ():
        code, category = _clean(entry.get("f2")), _clean(entry.get("f1"))
        for value in str(entry.get("f3") or "").split(";"):
            if _clean(value):
                yield code, category, _clean(value)


def offers_iop(row: dict) -> bool:
    return any(code == "SET" and label == IOP_SETTING for code, _, label in service_entries(row))


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def short_hash(frid: str) -> str:
    return hashlib.sha256(frid.encode()).hexdigest()[:6]


def base_id(name: str, city: str) -> str:
    name_slug, city_slug = slug(name) or "program", slug(city)
    text = name_slug if name_slug.endswith(city_slug) else f"{name_slug}-{city_slug}"
    if len(text) > 72:  # leaves room for "-" and a six-character hash within the 80-character limit
        text = text[:72].rsplit("-", 1)[0]
    return text


def program_names(name1: str, name2: str) -> tuple[str, str, str | None]:
    """(short name for the id, name shown, organization) from the locator's two name lines."""
    name1, name2 = _clean(name1), _clean(name2)
    words2 = name2.lower().split()
    if not name2 or all(w.strip(",") in _LEGAL_WORDS for w in words2):
        return name1, name1, None
    words1 = set(re.findall(r"[a-z]+", name1.lower()))
    if not words1 & _ORG_WORDS and words2[-1] in _ORG_WORDS:
        joined = f"{name1} {name2}"
        return joined, joined, None
    return name1, f"{name1} — {name2}", name1


def normalise_phone(text: str) -> str | None:
    m = _PHONE.match(text or "")
    if not m:
        return None
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" + (f" x{m.group(4)}" if m.group(4) else "")


def normalise_website(text: str) -> str | None:
    """http(s) scheme, lower-case host, no bare trailing slash: "Www.Example.org/" -> "http://www.example.org"."""
    text = _clean(text)
    if not text:
        return None
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text):
        text = "http://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    path = "" if parts.path == "/" else parts.path
    website = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, parts.fragment))
    return website if url_problem(website) is None else None  # the site's own rule: public hosts only


def _language_code(name: str) -> str | None:
    by_name = {label.lower(): code for code, label in model.LANGUAGES.items()}
    low = name.lower()
    return by_name.get(low) or _LANGUAGE_ALIASES.get(low)


def _targets(code: str, label: str) -> tuple[str, ...] | None:
    """The targets of one label, () for a known label that is not imported, None for an unknown one."""
    if code in IGNORED_CATEGORIES:
        return ()
    if code in ("OL", "SL"):
        known = LABELS[code].get(label)
        if known is not None:
            return known
        lang = _language_code(label)
        return (f"languages:{lang}",) if lang else None
    table = LABELS.get(code)
    if table is None:
        return None
    return table.get(label)


def _ordered(values: set[str], choices: Iterable[str]) -> list[str]:
    """Values in the order the model lists them, so the output never depends on the order of the row's labels."""
    order = {v: i for i, v in enumerate(choices)}
    return sorted(values, key=lambda v: (order.get(v, len(order)), v))


@dataclass
class _Mapped:
    fields: dict[str, Any]
    problems: list[str]  # the row cannot become a program
    notes: list[str]  # unknown labels, defaults used


def map_row(row: dict) -> _Mapped:
    """The import-owned fields of one locator row, or the reasons it cannot become a program."""
    problems: list[str] = []
    notes: list[str] = []
    lists: dict[str, set[str]] = {name: set() for name in _LIST_FIELDS}
    flags: set[str] = set()
    for code, category, label in service_entries(row):
        targets = _targets(code, label)
        if targets is None:
            what = (
                f'unknown service category {code} ("{category}")'
                if code not in LABELS
                else f'unknown label "{label}" in {code} ("{category}")'
            )
            notes.append(f"{what}: not imported (add it to generator/samhsa.py LABELS)")
            continue
        for target in targets:
            kind, _, value = target.partition(":")
            if kind == "flag":
                flags.add(value)
            else:
                lists[kind].add(value)
    facility_type = _clean(row.get("typeFacility")).upper()
    if facility_type in ("SA", "MH"):
        flags.add("substance_use" if facility_type == "SA" else "mental_health")

    substance, mental = "substance_use" in flags, "mental_health" in flags
    co_occurring = "co_occurring" in flags or (substance and mental)
    focus = "co_occurring" if co_occurring else "substance_use" if substance else "mental_health" if mental else None
    if focus is None:
        problems.append(f'facility type "{facility_type}" is neither SA nor MH and no type of care is listed')
    if substance:
        lists["conditions"] |= set(SUBSTANCE_USE_CONDITIONS)
        if "no_opioid_treatment" in flags:
            lists["conditions"].discard("opioid-use")
    if co_occurring:
        lists["conditions"].add("co-occurring")
    if not lists["conditions"]:
        problems.append("no condition can be inferred (mental health rows name no conditions; add it by hand)")
    if lists["medications"] & ADDICTION_MEDICATIONS:
        lists["therapies"].add("medications-for-addiction")
    lists["languages"] |= set(BASE_LANGUAGES)
    for name, default in DEFAULTS.items():
        if not lists[name]:
            lists[name] = set(default)
            notes.append(f"no {name} in the row; used the default {default} (check it)")

    name_key, name, organization = program_names(row.get("name1", ""), row.get("name2", ""))
    if not name:
        problems.append("no name (name1 is empty)")
    street = ", ".join(part for part in (_clean(row.get("street1")), _clean(row.get("street2"))) if part)
    city, state = _clean(row.get("city")), _clean(row.get("state")).upper()
    zip_match = re.match(r"^(\d{5})(?:-?\d{4})?$", _clean(row.get("zip")))
    if not street or not city:
        problems.append("no street or city")
    if state not in model.US_STATES:
        problems.append(f'unknown state "{state}" (not a two-letter state code)')
    if not zip_match:
        problems.append(f'ZIP code "{_clean(row.get("zip"))}" is not five digits')
    phone = normalise_phone(_clean(row.get("intake1"))) or normalise_phone(_clean(row.get("phone")))
    if phone is None:
        problems.append(
            f'no usable phone number (phone "{_clean(row.get("phone"))}", intake "{_clean(row.get("intake1"))}")'
        )
    website = normalise_website(row.get("website") or "")
    if website is None and _clean(row.get("website")):
        notes.append(f'website "{_clean(row.get("website"))}" is not a web address: left out')
    location = None
    try:
        lat, lon = float(row.get("latitude")), float(row.get("longitude"))
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            location = {"lat": lat, "lon": lon}
    except (TypeError, ValueError):
        pass
    if location is None:
        notes.append("no usable latitude/longitude: the map will use the ZIP code's centre")

    fields: dict[str, Any] = {
        "name": name,
        "organization": organization,
        "focus": focus,
        "levels_of_care": _ordered(lists["levels_of_care"], model.LEVELS_OF_CARE),
        "address": {"street": street, "city": city, "state": state, "zip": zip_match.group(1) if zip_match else None},
        "location": location,
        "phone": phone,
        "website": website,
        "telehealth": "telehealth" in flags,
        "populations": _ordered(lists["populations"], model.POPULATIONS),
        "languages": _ordered(lists["languages"], model.LANGUAGES),
        "conditions": sorted(lists["conditions"]),
        "therapies": sorted(lists["therapies"]),
        "medications": _ordered(lists["medications"], model.MEDICATIONS),
        "services": _ordered(lists["services"], model.SERVICES),
        "payment": _ordered(lists["payment"], model.PAYMENT),
        "source": SOURCE_TEXT.format(frid=_clean(row.get("frid"))),
        "external_ids": [{"system": "samhsa_frid", "id": _clean(row.get("frid"))}],
    }
    fields["_name_key"] = name_key
    return _Mapped(fields, problems, notes)


def summary_text(focus: str, year: int) -> str:
    what = {
        "substance_use": "alcohol or drug use",
        "co_occurring": "alcohol or drug use, and mental health care for people who need both",
        "mental_health": "mental health",
    }[focus]
    return (
        f"Intensive outpatient care for {what}. These facts come from a {year} government list and have "
        "not been checked by IOP Finder yet, so call before you go."
    )


def record_frid(record: dict) -> str | None:
    for ext in record.get("external_ids") or ():
        if isinstance(ext, dict) and ext.get("system") == "samhsa_frid":
            return str(ext.get("id"))
    m = _FRID_IN_SOURCE.search(str(record.get("source") or ""))
    return m.group(1) if m else None


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def import_rows(
    rows: list[dict],
    *,
    as_of: dt.date,
    existing: list[dict] | None = None,
    taken_ids: Iterable[str] = (),
    source_name: str = "input",
    numbers: list[int] | None = None,
) -> ImportResult:
    """Merge locator rows into the records of an existing import file (by frid). Pure: no files, no clock.

    `taken_ids` are ids used by other program files, so a new record never collides with them. `numbers` are
    the rows' numbers in the input when `rows` is a part of it (the rows of one state).
    """
    records = [dict(r) for r in existing or ()]
    by_frid = {f: r for r in records if (f := record_frid(r))}
    used_ids = set(taken_ids) | {str(r["id"]) for r in records if r.get("id")}
    result = ImportResult(records=records, rows_read=len(rows))
    seen: dict[str, int] = {}
    new: list[tuple[str, str, dict, int, str]] = []

    for position, row in enumerate(rows):
        index = numbers[position] if numbers is not None else position
        problem = row_problem(row)
        if problem:
            result.unmapped += 1
            result.messages.append(f"{source_name}: row {index}: {problem}: not imported")
            continue
        frid = _clean(row.get("frid"))
        name = _clean(row.get("name1")) or "(no name)"
        # Row text is printed to a terminal: escape sequences and direction overrides in it are shown, not obeyed.
        where = printable(f"{source_name}: row {index}: frid {frid or '(none)'} ({name})")
        if not offers_iop(row):
            result.not_iop.append(printable(f"{frid} ({name})"))
            continue
        result.iop_rows += 1
        if not frid:
            result.unmapped += 1
            result.messages.append(f"{where}: no frid, so a re-run could not find it again: not imported")
            continue
        if frid in seen:
            result.unmapped += 1
            result.messages.append(f"{where}: same frid as row {seen[frid]}: not imported twice")
            continue
        seen[frid] = index
        mapped = map_row(row)
        result.messages += [f"{where}: {printable(note)}" for note in mapped.notes]
        if mapped.problems:
            result.unmapped += 1
            result.messages += [f"{where}: {printable(problem)}: not imported" for problem in mapped.problems]
            continue
        owned = {k: v for k, v in mapped.fields.items() if not k.startswith("_") and v not in (None, [])}
        record = by_frid.get(frid)
        if record is None:
            new.append((base_id(mapped.fields["_name_key"], owned["address"]["city"]), frid, owned, index, where))
            continue
        verified = _as_date(record.get("last_verified"))
        if verified is not None and verified > as_of:
            result.kept_verified += 1
            result.messages.append(
                f"{where}: {record.get('id')} was verified on {verified.isoformat()}, after "
                f"this data ({as_of.isoformat()}): left as it is"
            )
            continue
        before = {k: record.get(k) for k in OWNED_FIELDS}
        after = {k: owned.get(k) for k in OWNED_FIELDS}
        if _comparable(before) == _comparable(after):
            result.unchanged += 1
            continue
        result.origins[str(record.get("id"))] = (index, where, copy.deepcopy(record))
        for k in OWNED_FIELDS:
            if k in owned:
                record[k] = owned[k]
            else:
                record.pop(k, None)
        record["needs_review"] = True
        record["last_verified"] = as_of
        result.updated += 1

    # New ids are given in a fixed order, so the same input always yields the same ids.
    new.sort(key=lambda item: (item[0], item[1]))
    for wanted, frid, owned, index, where in new:
        new_id = wanted if wanted not in used_ids else f"{wanted}-{short_hash(frid)}"
        used_ids.add(new_id)
        result.origins[new_id] = (index, where, None)
        record = {
            "id": new_id,
            "example": False,
            "needs_review": True,
            "summary": summary_text(owned["focus"], as_of.year),
            "schedule": copy.deepcopy(DEFAULT_SCHEDULE),
            "last_verified": as_of,
            **owned,
        }
        result.messages.append(
            f"{source_name}: frid {printable(frid)} ({printable(owned['name'])}): new record {new_id} uses the "
            f"default schedule (the locator has none; call to confirm)"
        )
        records.append(record)
        result.created += 1
    result.records = sorted(records, key=lambda r: str(r.get("id", "")))
    return result


def _comparable(values: dict) -> str:
    return json.dumps(values, sort_keys=True, default=str)


# --- Writing --------------------------------------------------------------------------------------------------


class _Quoted(str):
    """A string always written in double quotes (ZIP codes, so a leading zero survives)."""


class _Dumper(yaml.SafeDumper):
    """Block style, list items indented under their key, as maintainers write by hand."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True  # equal values are written out each time, never as &anchors


_Dumper.add_representer(_Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'))
# Text that some YAML tool would read as a number (1e3, 09123: PyYAML's own YAML 1.1 rules let them go unquoted)
# is quoted, so what the import writes passes validation and reads back as the same text everywhere.
_Dumper.add_representer(
    str, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style="'" if reads_as_number(v) else None)
)


def _field_order(spec: model.Field, record: dict) -> dict:
    """A record's keys in the model's order (unknown keys last, by name), ZIP codes quoted."""
    names = [f.name for f in spec.fields]
    out = {}
    for key in sorted(record, key=lambda k: (names.index(k) if k in names else len(names), k)):
        value = record[key]
        child = spec.child(key)
        if child is not None and child.kind == "object" and isinstance(value, dict):
            value = _field_order(child, value)
        elif child is not None and child.kind == "zip" and isinstance(value, str):
            value = _Quoted(value)
        elif child is not None and child.kind == "list" and child.item and child.item.kind == "object":
            value = [_field_order(child.item, v) if isinstance(v, dict) else v for v in value]
        out[key] = value
    return out


def render_yaml(records: list[dict], schema_ref: str) -> str:
    """The import file: schema comment, a note on where the data came from, then the records in block style."""
    header = (
        f"# yaml-language-server: $schema={schema_ref}\n"
        f"{OWNER_LINE}\n"
        "# Records with needs_review: true have not been checked by a person yet. Edit the data, not these\n"
        "# comments: a re-run rewrites the file (see CONTRIBUTING.md for which fields it owns).\n"
    )
    body = yaml.dump(
        {"programs": [_field_order(model.PROGRAM, r) for r in records]},
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=4096,
        indent=2,
    )
    return header + body


# --- Importing into the repository --------------------------------------------------------------------------------


@dataclass
class FilesResult:
    result: ImportResult  # the counts and messages of every file together
    written: list[str]  # files written, as the maintainer would type them
    unchanged: list[str]
    warnings: list[str]  # validation warnings about the written records


def import_files(
    rows: list, *, data_dir: Path, root: Path, schema: Path, as_of: dt.date, today: dt.date, source_name: str
) -> FilesResult:
    """Import locator rows into data/programs/samhsa-<state>.yaml, one file per state the rows name, under the
    rules of imports.py: nothing but the importer's own files is written, and nothing at all when the data
    around them cannot be trusted (raises imports.ImportRefused). Rows that cannot become valid programs are
    reported with their number and left out. `root` is where paths are shown from; `schema` is the programs
    schema file the new files point editors to."""
    from . import imports

    problems = imports.vocabulary_problems(data_dir, root=root, today=today)
    if problems:
        raise imports.ImportRefused(problems + ["imported records refer to these vocabularies; nothing was written"])
    groups: dict[str | None, list[int]] = {}
    for number, row in enumerate(rows):
        state = row_state(row) if row_problem(row) is None and offers_iop(row) else None
        groups.setdefault(state, []).append(number)
    states = sorted(s for s in groups if s is not None)
    paths = {state: imports.owned_path(data_dir, FILE_PREFIX, state) for state in states}
    owned = [imports.open_owned(data_dir, paths[s], root=root, owner_line=OWNER_LINE, today=today) for s in states]
    taken = imports.ids_elsewhere(data_dir, set(paths.values()), root=root)

    # Rows of no state (unreadable, not IOP, unknown state) make no records: their import only reports them.
    unplaced = groups.get(None, [])
    total = import_rows([rows[n] for n in unplaced], as_of=as_of, source_name=source_name, numbers=unplaced)
    results = []
    for state, target in zip(states, owned):
        numbers = groups[state]
        result = import_rows(
            [rows[n] for n in numbers],
            as_of=as_of,
            existing=target.records,
            taken_ids=taken,
            source_name=source_name,
            numbers=numbers,
        )
        taken |= {str(i) for r in result.records for i in [r.get("id"), *(r.get("former_ids") or ())]}
        results.append(result)
    # The first line of each file points editors at the schema, by a path relative to the file.
    texts = [
        lambda result=result, path=paths[s]: render_yaml(
            result.records, Path(os.path.relpath(schema, path.resolve().parent)).as_posix()
        )
        for s, result in zip(states, results)
    ]
    out = FilesResult(total, [], [], [])
    with imports.Staged(data_dir, root=root, today=today, owner_line=OWNER_LINE) as staged:
        found = _stage_until_valid(staged, owned, results, texts)
        for target, result, text in zip(owned, results, texts):
            total.add(result)
            out.warnings += [str(p) for p in found.get(target.path, []) if p.severity == "warning"]
            if not result.records and not target.exists:
                continue  # every row of the state was left out: no empty file
            if target.exists and target.path.read_text(encoding="utf-8") == text():
                out.unchanged.append(target.shown)
                continue
            try:
                staged.commit(target)
            except OSError as exc:
                done = f"already written: {', '.join(out.written)}" if out.written else "no file was changed"
                raise imports.ImportRefused([f"{target.shown}: cannot write: {exc.strerror or exc}; {done}"]) from None
            out.written.append(target.shown)
    total.rows_read = len(rows)
    total.messages.sort(key=_row_order)
    return out


def _stage_until_valid(staged, owned: list, results: list[ImportResult], texts: list) -> dict:
    """Stage every file's text and validate them all, leaving out the records validation refuses, until none
    is refused. Returns the problems (warnings by then) of each file."""
    from . import imports

    while True:
        for target, text in zip(owned, texts):
            try:
                staged.write(target, text())
            except OSError as exc:
                raise imports.ImportRefused(
                    [f"{target.shown}: cannot write: {exc.strerror or exc}; no file was changed"]
                ) from None
        found, elsewhere = staged.check(owned) if owned else ({}, [])
        if elsewhere:
            raise imports.ImportRefused([str(p) for p in elsewhere] + ["nothing was written"])
        if not any([_leave_out_invalid(result, found[target.path]) for target, result in zip(owned, results)]):
            return found


def _leave_out_invalid(result: ImportResult, problems: list) -> bool:
    """Leave out the records that validation refuses (or undo the update that broke them), each reported with
    its row; True if anything changed. A refused record that no row touched means the file cannot be trusted."""
    from . import imports

    by_record: dict[int, list] = {}
    for p in problems:
        if p.severity != "error":
            continue
        m = re.match(r"programs\[(\d+)\]", p.path)
        index = int(m.group(1)) if m else -1
        record = result.records[index] if 0 <= index < len(result.records) else None
        if record is None or str(record.get("id")) not in result.origins:
            raise imports.ImportRefused([str(p), "this record was already in the file; nothing was written"])
        by_record.setdefault(index, []).append(p)
    for index in sorted(by_record, reverse=True):
        record = result.records[index]
        number, where, before = result.origins.pop(str(record.get("id")))
        reasons = "; ".join(f"{p.path.split('.', 1)[-1]}: {p.message}" for p in by_record[index])
        result.unmapped += 1
        if before is None:
            del result.records[index]
            result.created -= 1
            result.messages.append(f"{where}: would not be a valid program ({reasons}): not imported")
        else:
            result.records[index] = before
            result.updated -= 1
            result.messages.append(f"{where}: the update would not be valid ({reasons}): kept the record as it was")
    return bool(by_record)


def _row_order(message: str) -> tuple:
    m = re.search(r": row (\d+):", message)
    return (0, int(m.group(1))) if m else (1, 0)
