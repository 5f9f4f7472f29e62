"""Trust a person can check (issue 18): verification links for every claim, signs of quality that name their
evidence, Report a problem by email, the report's consistency checks and call list, and "last verified" wherever a
program appears."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import shutil
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml
from conftest import ROOT, copy_project, read, run_mkdocs

from generator import consistency, links, model, report, signals, verify, views
from generator.cli import main
from generator.dataset import load_dataset
from generator.validate import url_problem

INCONSISTENT = ROOT / "tests" / "fixtures" / "report" / "inconsistent.yaml"
REPORT_DAY = dt.date(2026, 12, 1)


def plugin_settings() -> dict:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    return next(p["iop-finder"] for p in config["plugins"] if isinstance(p, dict) and "iop-finder" in p)


class Links(HTMLParser):
    """Every link of a page with its class, address and visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict] = []
        self._open: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open.append({"class": dict(attrs).get("class") or "", "href": dict(attrs).get("href"), "text": ""})

    def handle_data(self, data):
        for link in self._open:
            link["text"] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            self.links.append(self._open.pop())


def page_links(page: str, cls: str) -> list[dict]:
    parser = Links()
    parser.feed(page)
    return [link for link in parser.links if cls in link["class"].split()]


def section(page: str, start: str, end: str) -> str:
    at = page.index(start)
    return page[at : page.index(end, at)]


# --- Verification links ------------------------------------------------------------------------------------------


def test_every_issuer_has_one_https_lookup_on_its_own_site():
    assert set(model.ACCREDITATION_LOOKUPS) == set(model.ACCREDITATION_BODIES)
    assert set(model.CERTIFICATION_LOOKUPS) == set(model.BOARD_CERTIFICATIONS)
    hosts = {
        "joint_commission": "qualitycheck.org",
        "carf": "carf.org",
        "ncqa": "reportcards.ncqa.org",
        "coa": "coanet.org",
        "achc": "achc.org",
    }
    for body, lookup in model.ACCREDITATION_LOOKUPS.items():
        assert lookup.url.startswith("https://") and url_problem(lookup.url) is None, body
        assert verify.host(lookup.url) == hosts[body]
    for cert, lookup in model.CERTIFICATION_LOOKUPS.items():
        assert lookup.url.startswith("https://") and url_problem(lookup.url) is None, cert
        expected = "verifycert.abpn.org" if cert.startswith("abpn_") else "certificationmatters.org"
        assert verify.host(lookup.url) == expected, cert


def test_every_claim_in_the_sample_data_has_a_verification_link_on_its_program_page(site, dataset):
    checked = 0
    for p in dataset.programs:
        page = read(site, f"programs/{p['id']}/")
        found = page_links(section(page, 'id="check"', 'id="verified"'), "iop-verify-link")
        director = p.get("medical_director") or {}
        claims = [
            *[("accreditation", a) for a in p.get("accreditations", [])],
            *[("license", lic) for lic in p.get("licenses", [])],
            *[("certification", c) for c in director.get("board_certifications", [])],
        ]
        assert len(found) == len(claims), p["id"]
        for (kind, claim), link in zip(claims, found, strict=True):
            url = html.unescape(link["href"])
            text = " ".join(link["text"].split())
            assert url.startswith("https://"), (p["id"], url)
            host = verify.host(url)
            assert f"({host}, leaves IOP Finder)" in text, (p["id"], text)
            if kind == "accreditation":
                lookup = model.ACCREDITATION_LOOKUPS[claim["body"]]
                assert host == verify.host(lookup.url)
                if claim.get("id"):  # no accreditor's lookup reads an id from its address: the page says to type it
                    assert f"Type “{claim['id']}”." in html.unescape(page), (p["id"], claim)
            elif kind == "license":
                entry = dataset.license_lookups[p["address"]["state"]]
                assert url == entry["url"] and host == verify.host(entry["url"])
                assert f"“{claim['number']}”" in html.unescape(page)
            else:
                lookup = model.CERTIFICATION_LOOKUPS[claim]
                assert host == verify.host(lookup.url)
                if lookup.query:  # Certification Matters opens the doctor's last name
                    query = parse_qs(urlsplit(url).query)
                    assert query == {"dsearch": ["1"], "lname": [verify.last_name(director["name"])]}
                else:
                    assert url == lookup.url
            checked += 1
    assert checked > 100  # 30 accreditations, 36 licenses and 49 certifications in the sample data


def test_the_data_file_has_a_lookup_for_every_sample_state_on_the_agencys_site(dataset):
    states = {p["address"]["state"] for p in dataset.programs}
    assert states <= set(dataset.license_lookups)
    for state, entry in dataset.license_lookups.items():
        assert entry["url"].startswith("https://") and url_problem(entry["url"]) is None, state
        assert entry["agency"] and entry["page"] in model.LOOKUP_PAGES


def test_a_state_with_programs_but_no_license_lookup_is_a_validation_error_naming_the_state_and_file(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "license_lookups.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"\n  - state: MT\n(    .*\n)+", "\n", text), encoding="utf-8")
    ds = load_dataset(data, root=tmp_path, today=dt.date.today())
    line = next(n for n, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if t == "license_lookups:")
    mt = [str(p) for p in ds.errors]
    assert len(mt) == 1
    assert re.fullmatch(
        rf"data/license_lookups\.yaml:{line}:1: license_lookups: no entry for MT \(Montana\), where 2 programs are "
        r"listed \(first at data/programs\.yaml:\d+\) \(add \"- state: MT\" with the licensing agency's name and "
        r"its license lookup page\)",
        mt[0],
    ), mt[0]


def test_a_lookup_that_reads_the_license_number_opens_it_with_the_number_encoded():
    entry = {
        "agency": "A",
        "url": "https://licensing.example.org/Details.aspx",
        "page": "search",
        "number_parameter": "l",
    }
    check = verify.license_check("MN", {"number": "MN 245G&x=1#2"}, {"MN": entry})
    assert check["url"] == "https://licensing.example.org/Details.aspx?l=MN%20245G%26x%3D1%232"
    assert check["prefilled"] and check["next"] == "It opens with “MN 245G&x=1#2” filled in."
    agency = verify.license_check(
        "VA", {"number": "IOP-1"}, {"VA": {**entry, "page": "agency", "number_parameter": None}}
    )
    assert agency["url"] == entry["url"] and agency["next"] == "Have the license number “IOP-1” ready."


def test_a_doctors_last_name_fills_certification_matters_and_nothing_else():
    check = verify.certification_check({"name": "Dr. Ana de la Cruz & <b>Jr.</b>"}, "abpm_addiction_medicine")
    assert check["url"] == "https://www.certificationmatters.org/find-my-doctor/?dsearch=1&lname=%3Cb%3EJr.%3C%2Fb%3E"
    check = verify.certification_check({"name": "Dr. Ana de la Cruz, MD"}, "abfm_family_medicine")
    assert parse_qs(urlsplit(check["url"]).query)["lname"] == ["de la Cruz"]
    nameless = verify.certification_check({"name": "Dr."}, "abim_internal_medicine")
    assert nameless["url"] == model.CERTIFICATION_LOOKUPS["abim_internal_medicine"].url and not nameless["prefilled"]
    abpn = verify.certification_check({"name": "Dr. Maya Okafor"}, "abpn_psychiatry")
    assert abpn["url"] == "https://verifycert.abpn.org/verifycert/" and abpn["next"] == "Type “Maya Okafor”."


# --- Signs of quality --------------------------------------------------------------------------------------------

PROGRAM_FIELDS = {path.replace("program.", "", 1) for path, _ in model.walk_fields(model.PROGRAM)}


def test_every_sign_names_program_fields_that_exist():
    for sign in signals.SIGNS:
        assert sign.fields and set(sign.fields) <= PROGRAM_FIELDS, sign.key
    assert len(signals.SIGNS) == 7


def test_every_checklist_item_on_every_page_names_its_field_and_the_last_verified_date(site, dataset):
    item = re.compile(
        r'<li class="iop-sign--(yes|not_reported|not_applicable)"><strong>([^<]+): (Yes|Not reported|Does '
        r"not apply)\.</strong><span> [^<]*</span><small>Fields?: (.*?)</small></li>",
        re.S,
    )
    # The date the whole checklist holds for, said once before it.
    intro = re.compile(r'<p class="iop-signs-intro">[^<]*last verified, on <time datetime="(\d{4}-\d\d-\d\d)">')
    for p in dataset.programs:
        page = read(site, f"programs/{p['id']}/")
        found = item.findall(section(page, 'class="iop-signs"', 'id="check"'))
        assert [title for _, title, _, _ in found] == [html.escape(s.title) for s in signals.SIGNS], p["id"]
        for (status, _, words, fields), sign in zip(found, signals.SIGNS, strict=True):
            assert signals.STATUS_TEXT[status] == words
            assert re.findall(r"<code>([^<]+)</code>", fields) == list(sign.fields), (p["id"], sign.key)
        assert intro.findall(section(page, 'id="quality"', 'class="iop-signs"')) == [p["last_verified"].isoformat()]
        assert ": No." not in section(page, 'class="iop-signs"', 'id="check"')  # silence is "not reported"


def _program(**fields) -> dict:
    base = {
        "conditions": ["depression"],
        "therapies": ["art-therapy"],
        "levels_of_care": ["iop"],
        "populations": ["adults"],
    }
    return {**base, **fields}


def statuses(p: dict, therapies: dict) -> dict[str, tuple[str, str]]:
    return {item["key"]: (item["status"], item["said"]) for item in signals.checklist(p, therapies)}


def test_what_a_listing_leaves_out_is_not_reported_and_never_no(dataset):
    empty = statuses(_program(), dataset.therapies)
    assert {k: s for k, (s, _) in empty.items()} == {
        "accredited": "not_reported",
        "medication": "not_applicable",
        "staff": "not_reported",
        "medical-director": "not_reported",
        "family": "not_reported",
        "aftercare": "not_reported",
        "therapies": "not_reported",
    }
    assert empty["medication"][1] == "The listing does not name opioid or alcohol use among the conditions it treats."


def test_medicine_is_judged_against_the_conditions_treated(dataset):
    naloxone_only = _program(conditions=["opioid-use"], medications=["naloxone"])
    assert statuses(naloxone_only, dataset.therapies)["medication"] == (
        "not_reported",
        "It treats opioid use, but the listing names no medicine for it. Ask the program.",
    )
    half = _program(conditions=["opioid-use", "alcohol-use"], medications=["buprenorphine"])
    assert statuses(half, dataset.therapies)["medication"] == (
        "yes",
        "Offers medicine for opioid use: Buprenorphine. No medicine for alcohol use is listed.",
    )


def test_the_other_signs_read_their_fields(dataset):
    p = _program(
        accreditations=[{"body": "carf"}, {"body": "carf", "id": "2"}],
        staff_credentials=["clinical_social_worker"],
        licenses=[{"issuer": "X", "number": "1"}],
        medical_director={"name": "Dr. A", "credentials": "DO", "board_certifications": ["abfm_family_medicine"]},
        services=["alumni"],
        therapies=["cbt", "art-therapy", "family-therapy"],
    )
    got = statuses(p, dataset.therapies)
    assert got["accredited"] == ("yes", "By CARF International.")
    assert got["staff"] == (
        "yes",
        "Staff who lead care include: Licensed clinical social worker (LCSW). The program lists a state license.",
    )
    assert got["medical-director"] == (
        "not_reported",
        "Dr. A, DO, is listed with no board certification in addiction or psychiatry.",
    )
    assert got["family"] == ("yes", "Offers family therapy.")
    assert got["aftercare"] == ("yes", "Offers alumni group.")
    assert got["therapies"][0] == "yes" and "Art therapy" not in got["therapies"][1]
    assert signals.FAMILY_THERAPY in dataset.therapies and consistency.MEDICATION_THERAPY in dataset.therapies
    for med, conditions in model.MEDICATION_CONDITIONS.items():
        assert set(conditions) <= set(dataset.conditions), med


def test_the_guide_explains_every_sign_under_its_own_heading(site):
    page = read(site, "learn/signs-of-quality/")
    for sign in signals.SIGNS:
        assert f'<h3 id="{sign.key}">{html.escape(sign.title)}' in page, sign.key
    assert 'href="../../learn/signs-of-quality/">What each sign means</a>' in read(
        site, "programs/harbor-light-richmond/"
    )


# --- Report a problem by email -----------------------------------------------------------------------------------

# RFC 6068 (with RFC 3986): what a mailto: URI may hold unencoded, besides the delimiters ? & = and %XX escapes.
_MAILTO = re.compile(r"mailto:([A-Za-z0-9._~!$'*+,;:@-]|%[0-9A-F]{2})+\?subject=(?:[A-Za-z0-9._~-]|%[0-9A-F]{2})*")


def test_report_a_problem_is_a_well_formed_mailto_with_the_program_id_page_and_template(site, dataset):
    address = plugin_settings()["corrections_email"]
    assert address.endswith("@iop-finder.example.org")
    for p in dataset.programs:
        page = read(site, f"programs/{p['id']}/")
        (link,) = page_links(page, "iop-report")
        assert link["text"] == "Report a problem by email"
        href = html.unescape(link["href"])
        assert _MAILTO.fullmatch(href), href
        parts = urlsplit(href)
        assert parts.scheme == "mailto" and unquote(parts.path) == address
        query = {k: unquote(v) for k, v in (pair.split("=", 1) for pair in parts.query.split("&"))}
        assert list(query) == ["subject"]
        assert query["subject"] == f"Problem with {p['name']} ({p['id']})"
        # What to write and the privacy reminder stand beside the link, read before the email is written; then
        # the GitHub links, for those who have an account.
        maintain = section(page, 'class="iop-screen-only iop-maintain"', "</p>")
        assert (
            "Report a problem by email</a> (say what is wrong and how you know; please share no health details)"
            in maintain
        )
        assert "Suggest a correction</a> · <a" in maintain and "Edit this program</a>" in maintain


def test_a_name_full_of_delimiters_cannot_break_out_of_the_subject():
    href = links.correction_mailto({"name": "A&body=x?#%0A", "id": "a-b"}, "fix+iop@example.org")
    assert _MAILTO.fullmatch(href)
    assert href == "mailto:fix%2Biop@example.org?subject=Problem%20with%20A%26body%3Dx%3F%23%250A%20%28a-b%29"
    assert href.count("&") == 0 and href.count("?") == 1


def test_settings_that_would_break_the_links_are_refused_in_words():
    assert links.setting_problem("corrections@example.org", 12) is None
    assert links.setting_problem("not an address", 12) == (
        'corrections_email: expected one email address like corrections@example.org, got "not an address" (this '
        "is where Report a problem sends its email)"
    )
    assert links.setting_problem("a@example.org?cc=b@example.org", 12).startswith("corrections_email: expected one")
    assert links.setting_problem(None, 0).startswith("stale_after_months: must be 1 or more, got 0")


def test_a_build_with_a_bad_corrections_address_stops_with_one_line(tmp_path):
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "corrections_email: corrections@iop-finder.example.org", 'corrections_email: "corrections at example"'
        ),
        encoding="utf-8",
    )
    result = run_mkdocs(project, tmp_path / "site")
    assert result.returncode == 1
    assert (
        "mkdocs.yml: plugins.iop-finder.corrections_email: expected one email address like corrections@example.org, "
        'got "corrections at example"' in result.stdout + result.stderr
    )
    assert "Traceback" not in result.stdout + result.stderr


# --- The report: consistency checks and the call list ------------------------------------------------------------


def inconsistent_dataset():
    ds = load_dataset(ROOT / "data", root=ROOT, today=REPORT_DAY, program_files=[INCONSISTENT])
    assert [str(p) for p in ds.problems] == []
    return ds


def line_of(text: str, after: str | None = None) -> int:
    lines = INCONSISTENT.read_text(encoding="utf-8").splitlines()
    start = next(n for n, t in enumerate(lines) if after in t) if after else 0
    return next(n for n, t in enumerate(lines[start:], start + 1) if text in t)


def test_report_finds_every_planted_inconsistency_on_its_line():
    ds = inconsistent_dataset()
    found = report.build_report(ds.programs, today=REPORT_DAY, conditions=ds.conditions).inconsistent
    f = "tests/fixtures/report/inconsistent.yaml"
    assert [str(x) for x in found] == [
        f"{f}:{line_of('medications: [naltrexone, buprenorphine]')}:31: inconsistent: medicine-without-condition: "
        "offers buprenorphine, which treats opioid use, but conditions lists no opioid-use (add the condition, or "
        "remove buprenorphine if it is not offered)",
        f"{f}:{line_of('focus: mental_health', 'focus-against')}:5: inconsistent: focus-against-conditions: focus is "
        "mental_health, but conditions lists alcohol-use, a substance use condition (set focus: co_occurring if it "
        "treats both, or remove alcohol-use)",
        f"{f}:{line_of('populations: [adults, adolescents]')}:27: inconsistent: teens-with-adults: populations lists "
        "adolescents with adults: confirm that teens meet in groups of their own, apart from adults (if they do not, "
        "remove adolescents)",
        f"{f}:{line_of('500 Example Road')}:15: inconsistent: video-only-with-street: telehealth_only is true, yet the "
        'page shows the street address "500 Example Road" where people may go (confirm whether anyone can visit it; '
        "if every session is by video, make sure it is the office's address, or set telehealth_only: false if some "
        "sessions are in person)",
        f"{f}:{line_of('hours_per_week: 6')}:16: inconsistent: too-few-hours: 6 hours a week is less than intensive "
        "outpatient care for adults (9 or more; check the hours, or whether the program is outpatient care instead)",
        f"{f}:{line_of('therapies: [medications-for-addiction]')}:17: inconsistent: therapy-without-medicines: lists "
        "the therapy medications-for-addiction, but medications is empty (list the medicines it offers, or remove "
        "the therapy)",
        f"{f}:{line_of('phone: 804-555-0247')}:5: inconsistent: example-with-real-number: example is true, but the "
        "phone 804-555-0247 is not a fictional 555-01xx number (a real person could be called; use 555-0100 to "
        "555-0199)",
        f"{f}:{line_of('number: iop-2026-0001') - 1}:9: inconsistent: shared-license: license iop-2026-0001 is also "
        f"listed by consistent-richmond ({f}:4): a license covers one program's place (check which program holds it)",
    ]


def test_an_accepting_status_confirmed_before_the_last_verification_is_found():
    """The new-patient status (new_patients.status and the day it was confirmed) is read when a record has it."""
    p = {
        "id": "p",
        "last_verified": dt.date(2026, 10, 1),
        "new_patients": {"status": "waitlist", "confirmed": dt.date(2026, 6, 1)},
    }
    (issue,) = consistency.accepting_older_than_verified(p, {})
    assert issue.field == "new_patients.confirmed"
    assert issue.message == (
        "whether it takes new patients was confirmed on 2026-06-01, before the record was last verified on "
        "2026-10-01 (confirm it again, or set new_patients.confirmed to the day it was checked)"
    )
    undated = {**p, "new_patients": {"status": "waitlist"}}
    assert [i.field for i in consistency.accepting_older_than_verified(undated, {})] == ["new_patients"]
    current = {**p, "new_patients": {"status": "waitlist", "confirmed": dt.date(2026, 10, 1)}}
    assert list(consistency.accepting_older_than_verified(current, {})) == []
    assert list(consistency.accepting_older_than_verified({"last_verified": dt.date(2026, 1, 1)}, {})) == []


def test_ages_that_contradict_the_groups_served_are_found():
    adults_only = {"populations": ["adolescents"], consistency.AGES_FIELD: {"min": 18, "max": 64}}
    assert [i.message for i in consistency.teens_with_adults(adults_only, {})] == [
        "populations lists adolescents, but its ages start at 18: its groups are for adults (remove adolescents, "
        "or correct the ages)"
    ]
    young = {"populations": ["adults"], consistency.AGES_FIELD: {"min": 14, "max": 30}}
    assert [i.field for i in consistency.teens_with_adults(young, {})] == ["ages.min"]


def test_the_call_list_has_every_program_to_call_oldest_first_with_what_to_confirm(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    shutil.copy(INCONSISTENT, data / "programs.yaml")
    (tmp_path / "mkdocs.yml").write_text("site_name: test\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--today", REPORT_DAY.isoformat(), "--call-list", "calls.csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "wrote calls.csv: 9 programs to call, oldest verification first"
    rows = list(csv.DictReader(io.StringIO((tmp_path / "calls.csv").read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["id", "name", "phone", "last_verified", "what_to_confirm", "where"]
    assert [r["last_verified"] for r in rows] == sorted(r["last_verified"] for r in rows)
    first = rows[0]
    assert (first["id"], first["phone"], first["last_verified"]) == ("shared-license", "804-555-0148", "2025-02-01")
    assert first["what_to_confirm"].startswith(
        "every detail (last verified more than 12 months ago); its state license number (another listing has "
        "iop-2026-0001); ask for: accreditations"
    )
    assert first["where"] == "data/programs.yaml:153"
    by_id = {r["id"]: r for r in rows}
    assert by_id["teens-with-adults"]["what_to_confirm"].startswith(
        "whether teens meet in their own groups, apart from adults; ask for:"
    )
    assert "fix the sample" not in (tmp_path / "calls.csv").read_text(encoding="utf-8")


def test_findings_print_as_csv_and_as_github_annotations(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    shutil.copy(INCONSISTENT, data / "programs.yaml")
    (tmp_path / "mkdocs.yml").write_text("site_name: test\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--today", REPORT_DAY.isoformat(), "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["file", "line", "column", "kind", "program_id", "message"]
    teens = next(r for r in rows if r[3] == "inconsistent" and r[4] == "teens-with-adults")
    assert teens[:3] == ["data/programs.yaml", str(line_of("populations: [adults, adolescents]")), "27"]
    assert main(["report", "--today", REPORT_DAY.isoformat(), "--format", "github"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        f"::warning file=data/programs.yaml,line={line_of('hours_per_week: 6')},col=16,title=inconsistent::"
        "too-few-hours: 6 hours a week is less than intensive outpatient care for adults (9 or more; check the "
        "hours, or whether the program is outpatient care instead)"
    ) in lines
    assert all(line.startswith("::warning file=data/programs.yaml,line=") for line in lines)


def test_call_list_cells_never_run_as_spreadsheet_formulas():
    p = {"id": "x", "name": "=HYPERLINK(\"http://evil\")", "phone": "804-555-0101", "last_verified": REPORT_DAY,
         "_file": "data/programs.yaml", "_line": 3}  # fmt: skip
    found = [report.Finding("data/programs.yaml", 3, 5, "stale", "x", "m", "@everything")]
    text = report.render_call_list(report.Report([], [], [], 1, REPORT_DAY, 12, calls=report.call_list([p], found)))
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[1] == '\'=HYPERLINK("http://evil")' and row[4] == "'@everything"


def test_the_sample_data_report_names_its_inconsistencies(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert main(["report", "--today", dt.date.today().isoformat(), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    found = sorted((r["program_id"], r["message"].split(",")[0]) for r in rows if r["kind"] == "inconsistent")
    assert found == [
        ("birchwood-anxiety-ocd-evanston", "populations lists adolescents with adults: confirm that teens meet in "
         "groups of their own"),
        ("blue-hollow-eating-disorders-charlottesville", "populations lists adolescents with adults: confirm that "
         "teens meet in groups of their own"),
        ("clark-street-pride-recovery-chicago", "offers buprenorphine"),
        ("snowy-butte-recovery-lewistown", "offers buprenorphine"),
    ]  # fmt: skip


# --- Last verified where people decide ---------------------------------------------------------------------------


def stale_program(dataset) -> dict:
    stale = [p for p in dataset.programs if views.is_stale(p, dt.date.today())]
    assert stale, "the sample data keeps one program last verified over a year ago"
    return stale[0]


def test_cards_and_search_records_carry_the_date_and_the_note(site, dataset):
    from generator import cards, indexes

    old = stale_program(dataset)
    today = dt.date.today()
    positions = indexes.SearchData(dataset).positions
    card = cards.card(old, positions, today=today)
    assert (card["vf"], card["vs"]) == (old["last_verified"].isoformat(), 1)  # list.js writes the date and note
    fresh = next(p for p in dataset.programs if not views.is_stale(p, today))
    assert "vs" not in cards.card(fresh, positions, today=today)
    record = indexes.program_record(old, indexes.SearchData(dataset).positions, today)
    assert (record["vf"], record["vs"]) == (old["last_verified"].isoformat(), 1)  # finder.js writes the date and note
    assert "vs" not in indexes.program_record(fresh, indexes.SearchData(dataset).positions, today)
    manifest = (site / "search" / "manifest.json").read_text(encoding="utf-8")
    assert '"stale_note":"May be out of date — call to confirm"' in manifest


def test_lists_show_the_note_next_to_a_stale_program(site, dataset):
    old = stale_program(dataset)
    note = f"May be out of date — call to confirm (last verified {views.long_date(old['last_verified'])})"
    assert note in read(site, f"states/{old['address']['state'].lower()}/")
    for condition in old["conditions"]:
        assert note in read(site, f"conditions/{condition}/")
    fresh = next(p for p in dataset.programs if p["address"]["state"] == "VA")
    assert f"(last verified {views.long_date(fresh['last_verified'])})" not in read(site, "states/va/")


def test_nearby_programs_say_which_may_be_out_of_date(tmp_path):
    """A program page's nearby list marks a neighbour last verified too long ago, and only that one (the date is on
    the neighbour's own page, one click away), in each language."""
    project = copy_project(tmp_path / "project")
    path = project / "data" / "programs.yaml"
    text = path.read_text(encoding="utf-8")
    at = text.index("- id: cedar-lantern-teen-richmond")
    verified = re.compile(r"last_verified: \S+").search(text, at)
    path.write_text(text[: verified.start()] + "last_verified: 2020-01-15" + text[verified.end() :], encoding="utf-8")
    result = run_mkdocs(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    item = re.compile(
        r'<li><a href="\.\./([a-z0-9-]+)/">[^<]*</a> — [^<]*?(?: <span class="iop-stale">([^<]*)</span>)?</li>'
    )
    for folder, note in (("", "May be out of date"), ("es/", "Puede que esté desactualizado")):
        page = read(tmp_path / "site", f"{folder}programs/harbor-light-richmond/")
        notes = dict(item.findall(section(page, 'class="iop-nearby"', "</ul>")))
        assert notes.pop("cedar-lantern-teen-richmond") == note
        assert notes and set(notes.values()) == {""}, notes  # the fresh neighbours carry no note


def test_the_configured_age_decides_what_is_out_of_date():
    p = {"last_verified": dt.date(2026, 1, 15)}
    assert not views.is_stale(p, dt.date(2027, 1, 15), 12)  # exactly twelve months: not yet
    assert views.is_stale(p, dt.date(2027, 1, 16), 12)
    assert not views.is_stale(p, dt.date(2027, 1, 16), 24)
    assert views.is_stale(p, dt.date(2026, 2, 16), 1)


@pytest.mark.browser
def test_finder_cards_show_last_verified_and_the_note(recorder, server, dataset):
    old = stale_program(dataset)
    r = recorder()
    r.page.goto(f"{server}/find/#zip={old['address']['zip']}&r=25")
    r.page.wait_for_selector(f'.iop-result[data-id="{old["id"]}"] .iop-verified')
    text = r.page.inner_text(f'.iop-result[data-id="{old["id"]}"] .iop-verified')
    assert text == f"Last verified {views.long_date(old['last_verified'])}. May be out of date — call to confirm"
    others = r.page.eval_on_selector_all(".iop-result .iop-verified", "els => els.map(e => e.textContent)")
    assert len(others) == r.page.locator(".iop-result").count() and all(t.startswith("Last verified ") for t in others)


@pytest.mark.browser
def test_list_cards_and_the_printed_list_show_last_verified(recorder, server, dataset):
    old = stale_program(dataset)
    fresh = dataset.programs[0]
    r = recorder()
    r.page.goto(f"{server}/list/#ids={fresh['id']},{old['id']}")
    r.page.wait_for_selector(f'.iop-referral__item[data-id="{old["id"]}"] .iop-verified')
    r.page.emulate_media(media="print")
    for p, note in ((fresh, "."), (old, ". May be out of date — call to confirm")):
        line = r.page.locator(f'.iop-referral__item[data-id="{p["id"]}"] .iop-verified')
        assert line.is_visible()
        assert line.inner_text() == f"Last verified {views.long_date(p['last_verified'])}{note}"


@pytest.mark.browser
def test_a_printed_program_page_shows_last_verified_and_the_note(recorder, server, dataset):
    old = stale_program(dataset)
    r = recorder()
    r.page.goto(f"{server}/programs/{old['id']}/")
    r.page.emulate_media(media="print")
    assert r.page.locator(".iop-stale-notice").is_visible()
    assert r.page.locator(".iop-stale-notice .admonition-title").inner_text() == "May be out of date — call to confirm"
    verified = r.page.locator("#verified + p")
    assert verified.is_visible() and verified.inner_text().startswith(
        f"Last verified: {views.long_date(old['last_verified'])}."
    )
    assert r.page.locator(".iop-signs").is_visible() and not r.page.locator(".iop-verify").first.is_visible()
