"""Decision facts: ages served, whether a program takes new patients (and when that was confirmed), and how to
start. One declaration in the model gives validation with exact messages, the schema, the exports, the program
page, the finder's records and the referral cards; structured data states only what the record says."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from conftest import ROOT, read

from generator import cards, export, indexes, model, referral, views
from generator.dataset import load_dataset

SITE_URL = "https://iop-finder.example.org/"
BASE = {
    "id": "facts-test",
    "name": "Facts Test IOP",
    "summary": "A test program.",
    "phone": "804-555-0150",
    "address": {"street": "1 Test St", "city": "Richmond", "state": "VA", "zip": "23220"},
    "_point": (37.55, -77.46),
    "focus": "mental_health",
    "therapies": ["cbt"],
    "conditions": ["depression"],
    "payment": ["medicaid"],
    "languages": ["en"],
}


def programs_yaml(extra: str) -> str:
    """One valid program with `extra` lines added at its end."""
    return (
        "programs:\n"
        "  - id: facts-test\n"
        "    name: Facts Test IOP\n"
        "    summary: A test program.\n"
        "    focus: mental_health\n"
        "    levels_of_care: [iop]\n"
        '    address: {street: 1 Test St, city: Richmond, state: VA, zip: "23220"}\n'
        "    phone: 804-555-0150\n"
        "    telehealth: false\n"
        "    populations: [adults]\n"
        "    languages: [en]\n"
        "    schedule: {hours_per_week: 9, days_per_week: 3, sessions: [evening]}\n"
        "    conditions: [depression]\n"
        "    therapies: [cbt]\n"
        "    payment: [medicaid]\n"
        "    last_verified: 2026-10-02\n"
        "    source: Test record\n" + extra
    )


def problems(tmp_path, extra: str) -> list[str]:
    path = tmp_path / "facts.yaml"
    path.write_text(programs_yaml(extra), encoding="utf-8")
    ds = load_dataset(ROOT / "data", root=tmp_path, program_files=[path], today=dt.date(2026, 12, 1))
    return [str(p) for p in ds.errors]


# --- The model and validation ------------------------------------------------------------------------------------


def test_the_facts_are_declared_once_in_the_model_with_descriptions():
    fields = {path: f for path, f in model.walk_fields(model.PROGRAM)}
    for path in (
        "program.ages.min",
        "program.ages.max",
        "program.new_patients.status",
        "program.new_patients.confirmed",
        "program.intake.ways[].ways",
        "program.intake.hours",
    ):
        assert fields[path].description, path
    assert fields["program.new_patients.status"].choices == model.NEW_PATIENTS
    assert not any(fields[f"program.{name}"].required for name in ("ages", "new_patients", "intake"))


def test_good_facts_pass_validation(tmp_path):
    extra = (
        "    ages: {min: 13, max: 17}\n"
        "    new_patients: {status: waitlist, confirmed: 2026-11-30}\n"
        "    intake: {ways: [walk_in, referral_needed], hours: Mon–Fri 8 am–5 pm}\n"
    )
    assert problems(tmp_path, extra) == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "    ages: {min: 18, max: 12}\n",
            "facts.yaml:18:5: programs[0].ages: min (18) is more than max (12) (swap them)",
        ),
        ("    ages: {max: 17}\n", 'programs[0].ages.min: required field is missing (add a line like "min: 13")'),
        ("    ages: {min: 130}\n", "facts.yaml:18:12: programs[0].ages.min: must be between 0 and 120, got 130"),
        (
            "    intake: {}\n",
            "facts.yaml:18:5: programs[0].intake: is empty (add ways, hours or both, or remove intake)",
        ),
        (
            "    intake: {ways: [walk-in]}\n",
            'facts.yaml:18:21: programs[0].intake.ways[0]: unknown value "walk-in" (did you mean "walk_in"?)',
        ),
        (
            "    new_patients: {status: open, confirmed: 2026-10-02}\n",
            'programs[0].new_patients.status: unknown value "open" (allowed: accepting, waitlist, not_accepting)',
        ),
        (
            "    new_patients: {status: accepting, confirmed: 2027-01-05}\n",
            "programs[0].new_patients.confirmed: date 2027-01-05 is in the future",
        ),
        (
            "    new_patients: {status: accepting}\n",
            "programs[0].new_patients.confirmed: required field is missing",
        ),
    ],
)
def test_bad_facts_are_named_with_their_place_and_a_hint(tmp_path, extra, message):
    found = problems(tmp_path, extra)
    assert len(found) == 1, found
    assert message in found[0], found[0]
    assert re.match(r"^\S*facts\.yaml:\d+:\d+: ", found[0])


# --- Plain words -------------------------------------------------------------------------------------------------


def test_the_facts_read_in_plain_words():
    assert views.ages_text({"min": 13, "max": 17}) == "13 to 17"
    assert views.ages_text({"min": 18}) == "18 and older"
    assert views.ages_text({"min": 16, "max": 16}) == "16 only"
    assert views.ages_text(None) is None
    assert views.new_patients_text({"status": "waitlist", "confirmed": dt.date(2026, 9, 14)}) == (
        "Has a waitlist for new patients (confirmed September 14, 2026)"
    )
    assert views.times_text({"sessions": ["day", "evening"], "details": "Mon–Thu 6–9 pm"}) == (
        "Daytime sessions, Evening sessions: Mon–Thu 6–9 pm"
    )
    assert views.short_label(model.PAYMENT["tricare"]) == "TRICARE"
    assert views.NOT_REPORTED == "not reported"


def test_directions_are_a_plain_link_to_the_address():
    url = views.directions_url(
        {"street": "1200 Example Avenue, Suite 300", "city": "Richmond", "state": "VA", "zip": "23220"}
    )
    assert url == (
        "https://www.google.com/maps/dir/?api=1&destination=1200%20Example%20Avenue%2C%20Suite%20300%2C%20Richmond%2C%20VA%2023220"
    )


# --- Structured data ---------------------------------------------------------------------------------------------


def jsonld(p: dict) -> dict:
    return json.loads(referral.json_ld(p, SITE_URL + "programs/facts-test/", {"depression": {"name": "Depression"}}))


@pytest.mark.parametrize(
    ("facts", "accepting"),
    [
        ({}, None),
        ({"new_patients": {"status": "accepting", "confirmed": dt.date(2026, 10, 2)}}, True),
        ({"new_patients": {"status": "not_accepting", "confirmed": dt.date(2026, 10, 2)}}, False),
        ({"new_patients": {"status": "waitlist", "confirmed": dt.date(2026, 10, 2)}}, None),
    ],
)
def test_json_ld_claims_new_patients_only_when_a_person_confirmed_it(facts, accepting):
    data = jsonld({**BASE, **facts})
    if accepting is None:
        assert "isAcceptingNewPatients" not in data
    else:
        assert data["isAcceptingNewPatients"] is accepting


def test_json_ld_gives_coordinates_only_for_a_known_entrance():
    assert "geo" not in jsonld(BASE)  # the map point is only the ZIP code's centre
    located = jsonld({**BASE, "location": {"lat": 37.5494, "lon": -77.4591}})
    assert located["geo"] == {"@type": "GeoCoordinates", "latitude": 37.5494, "longitude": -77.4591}


def test_no_built_page_claims_more_than_its_record(site, dataset):
    for p in dataset.programs:
        page = read(site, f"programs/{p['id']}/")
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
        status = (p.get("new_patients") or {}).get("status")
        assert data.get("isAcceptingNewPatients") == referral.ACCEPTING.get(status), p["id"]
        assert ("geo" in data) == bool(p.get("location")), p["id"]
    assert any(not p.get("new_patients") for p in dataset.programs)  # the sample holds programs without it


# --- Pages, records, cards and exports ---------------------------------------------------------------------------


def test_program_pages_show_the_facts_or_say_not_reported(site, dataset):
    harbor = read(site, "programs/harbor-light-richmond/")
    for text in (
        "<dt>Ages served</dt><dd>18 and older</dd>",
        "<dd>Taking new patients (confirmed October 2, 2026)</dd>",
        "<dd>Walk in: no appointment needed</dd>",
        "<dd>Intake hours: Mon–Fri 8 am–7 pm</dd>",
        'class="iop-directions iop-screen-only" href="https://www.google.com/maps/dir/?api=1&amp;destination=1200%20Example',
    ):
        assert text in harbor, text
    bare = next(p for p in dataset.programs if not p.get("ages") and not p.get("new_patients") and not p.get("intake"))
    page = read(site, f"programs/{bare['id']}/")
    assert "<dt>Ages served</dt><dd>Not reported</dd>" in page
    assert "<dt>New patients</dt><dd>Not reported</dd>" in page
    assert "<dd>Not reported. Call the program to ask.</dd>" in page
    assert "<dd>No</dd>" not in page


def test_search_records_carry_the_facts_not_sentences(dataset):
    search = indexes.SearchData(dataset)
    by_id = {p["id"]: p for p in dataset.programs}
    teen = by_id["riverbend-teen-richmond"]
    rec = indexes.program_record(teen, search.positions, dt.date.today())
    assert rec["a"] == [13, 17]
    assert rec["np"] == [search.positions["np"]["waitlist"]] and rec["nf"] == "2026-09-14"
    assert rec["vf"] == "2026-09-14"
    assert rec["dt"] == teen["schedule"]["details"]
    assert (rec["st"], rec["c"], rec["s"], rec["z"]) == tuple(
        teen["address"][k] for k in ("street", "city", "state", "zip")
    )
    # No sentence in any language: iop.js writes them (test_js_parity checks they equal the program page's).
    assert not {"at", "nt", "vd", "dr"} & set(rec)
    bare = indexes.program_record(by_id["albany-park-wellness-chicago"], search.positions, dt.date.today())
    assert "a" not in bare and "nf" not in bare and bare["np"] == []
    video = {**teen, "telehealth": True, "telehealth_only": True}
    assert "st" not in indexes.program_record(video, search.positions, dt.date.today())  # no directions


def test_list_cards_carry_the_facts_as_codes_in_the_programs_order(dataset):
    """A card names each vocabulary value by its position in the manifest's lists, in the order the program gave
    them (the list shows them so); the program's own text as written; no label or sentence in any language."""
    search = indexes.SearchData(dataset)
    by_id = {p["id"]: p for p in dataset.programs}
    card = cards.card(by_id["harbor-light-richmond"], search.positions, today=dt.date.today())

    def values(key: str) -> list[str]:
        return [search.vocab[key][i] for i in card[key]]

    assert card["a"] == [18] and values("md") == ["buprenorphine", "naltrexone", "naloxone"]
    assert values("cd") == ["alcohol-use", "opioid-use", "stimulant-use"]
    assert values("iw") == ["walk_in", "phone_screening"] and card["ih"] == "Mon–Fri 8 am–7 pm"
    assert (search.vocab["np"][card["np"]], card["nf"], card["vf"]) == ("accepting", "2026-10-02", "2026-10-02")
    assert (card["h"], card["d"], card["dt"], card["ph"]) == (9, 3, "Mon, Wed, Thu 6–9 pm", "804-555-0101")
    bare = cards.card(by_id["albany-park-wellness-chicago"], search.positions, today=dt.date.today())
    assert not {"a", "np", "nf", "iw", "ih", "tr", "vs"} & set(bare)
    own = cards.card(by_id["sagebrush-mesa-taos"], search.positions, today=dt.date.today())
    assert own["tr"] == {"es": {"dt": "lun., miér. y vie. de 9 a. m. a 12 p. m."}}
    words = " ".join(
        str(v) for c in (card, bare, own) for k, v in c.items() if k not in {"n", "st", "c", "dt", "ih", "tr"}
    )
    for label in ("Buprenorphine", "Substance", "hours", "Walk in", "Medicaid", "English", "October"):
        assert label not in words


def test_the_new_patients_filter_is_declared_with_the_others(site):
    f = next(f for f in indexes.FILTERS if f.name == "open")
    assert (f.key, f.field, f.mode) == ("np", "new_patients", "any")
    page = read(site, "find/")
    assert '<input type="checkbox" id="f-open-accepting" name="open" value="accepting">' in page
    assert 'id="f-open-not_accepting"' not in page
    assert '<input id="f-age" name="age" type="text" inputmode="numeric"' in page


def test_exports_carry_the_facts(dataset):
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(export.programs_csv(dataset)))}
    assert (rows["riverbend-teen-richmond"]["ages.min"], rows["riverbend-teen-richmond"]["ages.max"]) == ("13", "17")
    assert rows["riverbend-teen-richmond"]["new_patients.status"] == "waitlist"
    assert rows["riverbend-teen-richmond"]["new_patients.confirmed"] == "2026-09-14"
    assert rows["harbor-light-richmond"]["intake.ways"] == "walk_in; phone_screening"
    assert rows["albany-park-wellness-chicago"]["ages.min"] == ""
    data = {p["id"]: p for p in json.loads(export.programs_json(dataset))["programs"]}
    assert data["harbor-light-richmond"]["new_patients"] == {"status": "accepting", "confirmed": "2026-10-02"}
    services = {s["url"].rsplit("/", 2)[1]: s for s in export.hsds_services(dataset, SITE_URL)}
    teen = services["riverbend-teen-richmond"]
    assert (teen["minimum_age"], teen["maximum_age"]) == (13, 17)
    assert teen["application_process"] == (
        "Has a waitlist for new patients (confirmed 2026-09-14). Call for a short phone screening. "
        "Intake hours: Mon–Fri 9 am–5 pm."
    )
    assert "maximum_age" not in services["harbor-light-richmond"]
    assert "application_process" not in services["albany-park-wellness-chicago"]
