"""The SAMHSA locator import: which rows become programs, how labels map, and that re-runs merge, never duplicate.

The rows are real (2019, public domain; see tests/fixtures/samhsa/README.md). Each test imports into a throwaway
project folder holding a copy of the real vocabularies, as a maintainer would run the command.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml

from generator import model, samhsa
from generator.cli import main
from generator.dataset import load_dataset

ROOT = Path(__file__).resolve().parents[1]
ROWS_FILE = ROOT / "tests" / "fixtures" / "samhsa" / "samhsa-locator-2019-va.json"
CODES_FILE = ROOT / "tests" / "fixtures" / "samhsa" / "samhsa-service-codes.json"
AS_OF = "2019-05-23"  # the date of the locator commit the first rows come from
OUT = Path("data/programs/samhsa-va.yaml")
SUMMARY_FIRST_RUN = (
    "41 rows read; 8 offer intensive outpatient care: 8 new, 0 updated, 0 unchanged, "
    "0 kept (verified since), 0 not imported (see messages); 33 rows without intensive outpatient "
    "care skipped."
)
FRID_EMPOWERING_CVILLE = "ab7407016dd121765de56ac89d9f31ae2074d461de7c3370b2d1a3a6fae20c93"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project folder with the real vocabularies and sample programs, as the working directory. It sits in a
    folder of its own, so tests can watch what lands beside it (the test's rows file, a path that escapes)
    without reading the shared temporary folder, which holds every earlier test's files."""
    folder = tmp_path / "project"
    (folder / "data").mkdir(parents=True)
    (folder / "mkdocs.yml").write_text("site_name: test\n", encoding="utf-8")
    for name in ("conditions", "therapies", "sources", "license_lookups", "programs"):
        shutil.copy(ROOT / "data" / f"{name}.yaml", folder / "data" / f"{name}.yaml")
    monkeypatch.chdir(folder)
    return folder


def run_import(capsys, *extra: str) -> tuple[int, str, str]:
    code = main(["import-samhsa", str(ROWS_FILE), "--as-of", AS_OF, "--today", dt.date.today().isoformat(), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def rows() -> list[dict]:
    return json.loads(ROWS_FILE.read_text(encoding="utf-8"))


def records(path: Path) -> dict[str, dict]:
    return {p["id"]: p for p in yaml.safe_load(path.read_text(encoding="utf-8"))["programs"]}


def rewrite(path: Path, data: dict) -> None:
    """Write edited records back as a maintainer's editor would, keeping the file's opening comments."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = "".join(line for line in lines[: next(i for i, line in enumerate(lines) if not line.startswith("#"))])
    path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


# --- The first import -------------------------------------------------------------------------------------------


def test_import_makes_one_program_per_intensive_outpatient_row(project, capsys):
    code, out, err = run_import(capsys)
    assert code == 0, out + err
    assert out.splitlines() == [SUMMARY_FIRST_RUN, "wrote data/programs/samhsa-va.yaml"]
    assert len(records(project / OUT)) == 8


def test_imported_names_phones_and_websites_are_cleaned_from_the_rows(project, capsys):
    run_import(capsys)
    got = [
        (p["id"], p["name"], p.get("organization"), p["phone"], p["website"]) for p in records(project / OUT).values()
    ]
    assert got == [
        (
            "addiction-allies-llc-charlottesville",
            "Addiction Allies LLC",
            None,
            "434-962-1645",
            "http://www.addictionallies.com",
        ),
        # name2 names the program within the organization; intake1 (with its extension) is the intake line.
        (
            "empowering-families-program-charlottesville",
            "Empowering Families Program — Substance Abuse Intensive Outpatient",
            "Empowering Families Program",
            "434-971-8454 x1",
            "http://www.empoweringfamiliesprogram.com",
        ),
        (
            "empowering-families-program-culpeper",
            "Empowering Families Program",
            None,
            "540-829-6685",
            "http://www.empoweringfamiliesprogram.com",
        ),
        # name1 "Harrisonburg/Rockingham" + name2 "Community Services Board" is one name split over two lines.
        (
            "harrisonburg-rockingham-community-services-board-harrisonburg",
            "Harrisonburg/Rockingham Community Services Board",
            None,
            "540-434-1941",
            "http://www.hrcsb.org",
        ),
        # name2 "Nonprofit 501c3" is a legal status, not part of the name.
        (
            "mental-wellness-now-harrisonburg",
            "Mental Wellness Now",
            None,
            "540-246-8155",
            "http://www.mentalwellnessnow.com",
        ),
        (
            "orchard-mountain-recovery-charlottesville",
            "Orchard Mountain Recovery",
            None,
            "434-282-2294",
            "http://www.orchardmtnrecovery.com",
        ),
        (
            "region-ten-community-services-board-charlottesville",
            "Region Ten Community Services Board",
            None,
            "434-972-1800",
            "http://www.regionten.org",
        ),
        (
            "valley-community-services-board-staunton",
            "Valley Community Services Board — Substance Abuse Outpatient Services",
            "Valley Community Services Board",
            "540-887-3200",
            "http://www.myvalleycsb.org",
        ),
    ]


def test_service_labels_map_to_the_vocabulary(project, capsys):
    run_import(capsys)
    p = records(project / OUT)["empowering-families-program-charlottesville"]
    assert {
        k: p[k]
        for k in (
            "focus",
            "levels_of_care",
            "telehealth",
            "populations",
            "languages",
            "conditions",
            "therapies",
            "services",
            "payment",
        )
    } == {
        "focus": "co_occurring",  # SA row listing "Persons with co-occurring mental and substance use disorders"
        "levels_of_care": ["iop", "op", "aftercare"],
        "telehealth": True,  # "Computerized treatment/telemedicine"
        "populations": [
            "adults",
            "adolescents",
            "young_adults",
            "older_adults",
            "veterans",
            "lgbtq",
            "women",
            "men",
            "pregnant_postpartum",
        ],
        "languages": ["en"],
        "conditions": ["alcohol-use", "cannabis-use", "co-occurring", "opioid-use", "stimulant-use"],
        "therapies": [
            "cbt",
            "family-therapy",
            "life-skills",
            "matrix-model",
            "psychoeducation",
            "relapse-prevention",
            "trauma-focused",
            "twelve-step-facilitation",
        ],
        "services": ["individual_therapy", "group_therapy", "family_therapy", "aftercare", "drug_testing"],
        "payment": [
            "medicaid",
            "medicare",
            "tricare",
            "private_insurance",
            "sliding_scale",
            "self_pay",
            "state_funded",
        ],
    }
    assert "medications" not in p  # "Accepts clients on opioid medication" is not a medication offered
    assert p["address"] == {
        "street": "901 Preston Avenue, Suite 201",
        "city": "Charlottesville",
        "state": "VA",
        "zip": "22903",
    }
    assert p["location"] == {"lat": 38.0374836, "lon": -78.488558}


def test_medications_languages_and_partial_hospitalization_are_mapped(project, capsys):
    run_import(capsys)
    got = {
        pid: (p["levels_of_care"], p["languages"], p.get("medications"), "medications-for-addiction" in p["therapies"])
        for pid, p in records(project / OUT).items()
    }
    assert got["addiction-allies-llc-charlottesville"] == (
        ["php", "iop", "op", "aftercare"],
        ["en"],
        ["buprenorphine", "naltrexone", "acamprosate", "disulfiram"],
        True,
    )
    # "Services for the deaf and hard of hearing" (SL) is sign language; "Spanish" (OL) is es.
    assert got["region-ten-community-services-board-charlottesville"] == (
        ["iop", "op", "aftercare"],
        ["en", "es", "ase"],
        ["buprenorphine"],
        True,
    )
    assert got["orchard-mountain-recovery-charlottesville"] == (["iop", "op", "aftercare"], ["en"], None, False)


def test_imported_records_are_marked_for_review_with_source_and_data_date(project, capsys):
    run_import(capsys)
    p = records(project / OUT)["empowering-families-program-charlottesville"]
    assert p["example"] is False
    assert p["needs_review"] is True
    assert p["source"] == f"SAMHSA treatment locator (public domain), record {FRID_EMPOWERING_CVILLE}"
    assert p["last_verified"] == dt.date(2019, 5, 23)
    assert p["schedule"] == samhsa.DEFAULT_SCHEDULE
    assert p["summary"] == (
        "Intensive outpatient care for alcohol or drug use, and mental health care for people "
        "who need both. These facts come from a 2019 government list and have not been checked "
        "by IOP Finder yet, so call before you go."
    )


def test_defaults_and_new_records_are_reported_on_stderr_with_frid_and_name(project, capsys):
    _, _, err = run_import(capsys)
    lines = err.splitlines()
    assert len(lines) == 8
    assert lines[1] == (
        f"{ROWS_FILE.as_posix()}: frid {FRID_EMPOWERING_CVILLE} (Empowering Families Program — "
        "Substance Abuse Intensive Outpatient): new record empowering-families-program-charlottesville "
        "uses the default schedule (the locator has none; call to confirm)"
    )
    assert "unknown" not in err  # every label in the sample is in the tables, including "Facility Smoking Policy "


def test_output_file_is_block_style_yaml_with_schema_comment_and_quoted_zips(project, capsys):
    run_import(capsys)
    text = (project / OUT).read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../schema/programs.schema.json"
    assert '      zip: "22903"\n' in text
    assert "\n  - id: addiction-allies-llc-charlottesville\n    name: Addiction Allies LLC\n" in text
    assert "    levels_of_care:\n      - php\n      - iop\n" in text
    assert "[" not in text and "{" not in text and "&id" not in text


def test_imported_file_passes_validation(project, capsys):
    run_import(capsys)
    ds = load_dataset(project / "data", root=project, today=dt.date.today(), program_files=[project / OUT])
    assert [str(p) for p in ds.problems] == []
    assert len(ds.programs) == 8
    assert main(["validate", str(OUT)]) == 0
    assert capsys.readouterr().out.startswith("OK: 8 programs,")


def test_imported_file_validates_together_with_the_rest_of_the_data(project, capsys):
    run_import(capsys)
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.startswith("OK: 44 programs,")


# --- Re-running -------------------------------------------------------------------------------------------------


def test_second_import_changes_nothing(project, capsys):
    run_import(capsys)
    first = (project / OUT).read_bytes()
    code = main(["import-samhsa", str(ROWS_FILE), "--as-of", AS_OF, "--today", "2030-01-01"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0] == (
        "41 rows read; 8 offer intensive outpatient care: 0 new, 0 updated, 8 unchanged, 0 kept (verified since), "
        "0 not imported (see messages); 33 rows without intensive outpatient care skipped."
    )
    assert (project / OUT).read_bytes() == first


def test_rerun_keeps_maintainer_fields_and_restores_owned_ones(project, capsys):
    run_import(capsys)
    path = project / OUT
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    p = next(p for p in data["programs"] if p["id"] == "orchard-mountain-recovery-charlottesville")
    p["summary"] = "Evening program for adults, checked by phone."
    p["schedule"] = {"hours_per_week": 10, "days_per_week": 3, "sessions": ["evening"]}
    p["insurers"] = ["Anthem"]
    p["needs_review"] = False
    p["phone"] = "434-555-0199"  # owned by the import: the data says otherwise
    rewrite(path, data)

    code, out, _ = run_import(capsys)
    assert code == 0
    assert out.splitlines()[0].startswith(
        "41 rows read; 8 offer intensive outpatient care: 0 new, 1 updated, 7 unchanged,"
    )
    again = records(path)["orchard-mountain-recovery-charlottesville"]
    assert again["summary"] == "Evening program for adults, checked by phone."
    assert again["schedule"] == {"hours_per_week": 10, "days_per_week": 3, "sessions": ["evening"]}
    assert again["insurers"] == ["Anthem"]
    assert again["phone"] == "434-282-2294"
    assert again["needs_review"] is True  # its owned facts changed, so a person should look again
    assert len(records(path)) == 8


def test_rerun_leaves_records_verified_after_the_data_alone(project, capsys):
    run_import(capsys)
    path = project / OUT
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    p = next(p for p in data["programs"] if p["id"] == "mental-wellness-now-harrisonburg")
    p.update(
        phone="540-555-0142",
        last_verified=dt.date(2026, 3, 2),
        needs_review=False,
        source=f"Phone call with intake staff; {p['source']}",
    )
    rewrite(path, data)

    _, out, err = run_import(capsys)
    assert ", 1 kept (verified since)," in out.splitlines()[0]
    assert (
        "(Mental Wellness Now): mental-wellness-now-harrisonburg was verified on 2026-03-02, after this data "
        "(2019-05-23): left as it is"
    ) in err
    kept = records(path)["mental-wellness-now-harrisonburg"]
    assert (kept["phone"], kept["needs_review"]) == ("540-555-0142", False)


def test_records_of_other_rows_and_hand_added_records_are_kept(project, capsys):
    run_import(capsys)
    path = project / OUT
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    extra = copy.deepcopy(data["programs"][0])
    extra.update(
        id="hand-added-charlottesville",
        name="Hand Added IOP",
        phone="434-555-0177",
        source="Phone call with intake staff",
    )
    data["programs"].append(extra)
    rewrite(path, data)
    code, out, err = run_import(capsys)
    assert code == 0, out + err
    assert "hand-added-charlottesville" in records(path)
    assert len(records(path)) == 9


# --- Rows and labels that cannot be mapped ---------------------------------------------------------------------


def _iop_row(frid: str, name: str, **changes) -> dict:
    row = copy.deepcopy(next(r for r in rows() if r["frid"] == FRID_EMPOWERING_CVILLE))
    row.update(frid=frid, name1=name, name2="", **changes)
    return row


def test_unknown_labels_and_unusable_rows_are_reported_never_dropped_silently():
    unknown = _iop_row("f" * 64, "Unknown Label Center")
    unknown["services"].append({"f1": "Type of Care", "f2": "TC", "f3": "Telepathy"})
    unknown["services"].append({"f1": "Brand New Category", "f2": "NEW", "f3": "Something"})
    no_phone = _iop_row("e" * 64, "No Phone Center", phone="12", intake1=None)
    no_conditions = _iop_row("d" * 64, "Mind Only Center", typeFacility="MH")
    no_conditions["services"] = [s for s in no_conditions["services"] if s["f2"] not in ("TC", "SG")]
    result = samhsa.import_rows([unknown, no_phone, no_conditions], as_of=dt.date(2019, 5, 23), source_name="in.json")
    assert (result.iop_rows, result.created, result.unmapped) == (3, 1, 2)
    assert [r["name"] for r in result.records] == ["Unknown Label Center"]
    assert result.messages == [
        f'in.json: row 0: frid {"f" * 64} (Unknown Label Center): unknown label "Telepathy" in TC '
        '("Type of Care"): not imported (add it to generator/samhsa.py LABELS)',
        f"in.json: row 0: frid {'f' * 64} (Unknown Label Center): unknown service category NEW "
        '("Brand New Category"): not imported (add it to generator/samhsa.py LABELS)',
        f'in.json: row 1: frid {"e" * 64} (No Phone Center): no usable phone number (phone "12", intake ""): '
        "not imported",
        f"in.json: row 2: frid {'d' * 64} (Mind Only Center): no condition can be inferred (mental health rows name "
        "no conditions; add it by hand): not imported",
        f"in.json: frid {'f' * 64} (Unknown Label Center): new record unknown-label-center-charlottesville uses the "
        "default schedule (the locator has none; call to confirm)",
    ]


def test_rows_without_intensive_outpatient_are_counted_and_listed_when_verbose(project, capsys):
    _, _, err = run_import(capsys, "--verbose")
    skipped = [line for line in err.splitlines() if line.endswith("no intensive outpatient treatment: skipped")]
    first = next(r for r in rows() if not samhsa.offers_iop(r))
    assert len(skipped) == 33
    assert skipped[0] == (
        f"{ROWS_FILE.as_posix()}: frid {first['frid']} ({first['name1']}): no intensive outpatient treatment: skipped"
    )


def test_missing_required_lists_fall_back_to_documented_defaults():
    row = _iop_row("c" * 64, "Bare Center")
    row["services"] = [s for s in row["services"] if s["f2"] in ("SET", "TC")]
    result = samhsa.import_rows([row], as_of=dt.date(2019, 5, 23), source_name="in.json")
    record = result.records[0]
    assert (record["populations"], record["therapies"], record["payment"]) == (
        ["adults"],
        ["psychoeducation"],
        ["self_pay"],
    )
    assert result.messages[:3] == [
        f"in.json: row 0: frid {'c' * 64} (Bare Center): no populations in the row; used the default ['adults'] "
        "(check it)",
        f"in.json: row 0: frid {'c' * 64} (Bare Center): no therapies in the row; used the default "
        "['psychoeducation'] (check it)",
        f"in.json: row 0: frid {'c' * 64} (Bare Center): no payment in the row; used the default ['self_pay'] "
        "(check it)",
    ]


# --- Ids, names, phones, websites -------------------------------------------------------------------------------


def test_colliding_ids_get_a_short_hash_of_the_frid():
    a, b = _iop_row("a" * 64, "Twin Center"), _iop_row("b" * 64, "Twin Center")
    result = samhsa.import_rows([b, a], as_of=dt.date(2019, 5, 23), taken_ids={"other-center-charlottesville"})
    assert [r["id"] for r in result.records] == [
        "twin-center-charlottesville",
        f"twin-center-charlottesville-{samhsa.short_hash('b' * 64)}",
    ]
    assert samhsa.short_hash("b" * 64) == "a0fab1"  # sha256 of the frid, first six hex digits
    taken = samhsa.import_rows([a], as_of=dt.date(2019, 5, 23), taken_ids={"twin-center-charlottesville"})
    assert taken.records[0]["id"] == f"twin-center-charlottesville-{samhsa.short_hash('a' * 64)}"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("http://Www.fairwindsgrouphome.com", "http://www.fairwindsgrouphome.com"),
        ("http://www.hrcsb.org/", "http://www.hrcsb.org"),
        ("regionten.org", "http://regionten.org"),
        ("HTTPS://UVAHealth.com/services/Psychiatry", "https://uvahealth.com/services/Psychiatry"),
        ("ftp://example.org", None),
        ("", None),
    ],
)
def test_websites_get_a_scheme_and_a_lowercase_host(raw, expected):
    assert samhsa.normalise_website(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("540-217-6366 x110", "540-217-6366 x110"),
        ("540-908-3917 x15605", "540-908-3917 x15605"),
        ("(434) 971-8454", "434-971-8454"),
        ("12", None),
    ],
)
def test_phones_are_normalised_with_extensions_kept(raw, expected):
    assert samhsa.normalise_phone(raw) == expected


def test_every_label_target_is_a_value_the_data_accepts():
    ds = load_dataset(ROOT / "data", root=ROOT, program_files=[])
    allowed = {
        "levels_of_care": model.LEVELS_OF_CARE,
        "populations": model.POPULATIONS,
        "languages": model.LANGUAGES,
        "medications": model.MEDICATIONS,
        "services": model.SERVICES,
        "payment": model.PAYMENT,
        "conditions": ds.conditions,
        "therapies": ds.therapies,
    }
    flags = {"substance_use", "mental_health", "co_occurring", "telehealth", "no_opioid_treatment"}
    for code, table in samhsa.LABELS.items():
        for label, targets in table.items():
            for target in targets:
                kind, _, value = target.partition(":")
                assert value in (flags if kind == "flag" else allowed[kind]), (code, label, target)
    for name, values in samhsa.DEFAULTS.items():
        assert set(values) <= set(allowed[name])
    assert set(samhsa.SUBSTANCE_USE_CONDITIONS) <= set(ds.conditions)


def test_every_service_category_of_the_locator_is_mapped_or_deliberately_ignored():
    categories = json.loads(CODES_FILE.read_text(encoding="utf-8"))["service_categories"]
    assert set(categories) == set(samhsa.LABELS) | samhsa.IGNORED_CATEGORIES
    assert categories["SMP"] == "Facility Smoking Policy "  # the trailing space the importer must tolerate


# --- Attacks: no input, and no file around the import, can make it harm the repository (issue 14, item 3) --------


def snapshot(project: Path) -> dict[str, bytes]:
    """Every file of the project folder, by path, with its bytes (links by their target)."""
    out = {}
    for path in sorted(project.rglob("*")):
        rel = path.relative_to(project).as_posix()
        if path.is_symlink():
            out[rel] = b"-> " + str(path.readlink()).encode()
        elif path.is_file():
            out[rel] = path.read_bytes()
    return out


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def import_rows_file(capsys, project: Path, rows, name: str = "rows.json") -> tuple[int, str, str]:
    source = project.parent / name
    source.write_text(rows if isinstance(rows, str) else json.dumps(rows), encoding="utf-8")
    code = main(["import-samhsa", str(source), "--as-of", AS_OF, "--today", dt.date.today().isoformat()])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("state", ["../../etc", "VA/../../../x", "va/..", "V A", "", "XX", "Virginia", ".", "VA\x00"])
def test_a_row_state_never_becomes_a_path(project, capsys, state):
    row = _iop_row("a" * 64, "Path Trick Center", state=state)
    before = snapshot(project.parent)
    code, out, err = import_rows_file(capsys, project, [row])
    assert code == 0, out + err
    assert changed(before, snapshot(project.parent)) == ["rows.json"]  # only the input itself, written by the test
    shown = state.upper().replace("\x00", "\\u0000")
    assert f'row 0: frid {"a" * 64} (Path Trick Center): unknown state "{shown}" (not a two-letter state code): ' in err


def test_rows_of_several_states_go_to_their_own_files_and_nowhere_else(project, capsys):
    va = _iop_row("a" * 64, "Virginia Center")
    md = _iop_row("b" * 64, "Maryland Center", state="md", city="Baltimore", zip="21201", latitude=None, longitude=None)
    before = snapshot(project)
    # A state with no license lookup yet: its program pages could not say where to check a license.
    code, out, err = import_rows_file(capsys, project, [va, md])
    assert code == 1
    assert (
        "data/license_lookups.yaml:7:1: license_lookups: no entry for MD (Maryland), where 1 program is listed" in err
    )
    assert changed(before, snapshot(project)) == []
    lookups = project / "data" / "license_lookups.yaml"
    lookups.write_text(
        lookups.read_text(encoding="utf-8")
        + "\n  - state: MD\n    agency: Test licensing office\n    url: https://example.org/md\n    page: agency\n",
        encoding="utf-8",
    )
    before = snapshot(project)
    code, out, err = import_rows_file(capsys, project, [va, md])
    assert code == 0, out + err
    assert changed(before, snapshot(project)) == ["data/programs/samhsa-md.yaml", "data/programs/samhsa-va.yaml"]
    assert out.splitlines()[1:] == ["wrote data/programs/samhsa-md.yaml", "wrote data/programs/samhsa-va.yaml"]
    assert list(records(project / "data/programs/samhsa-md.yaml")) == ["maryland-center-baltimore"]
    assert main(["validate"]) == 0


def test_a_file_the_import_did_not_write_is_never_overwritten(project, capsys):
    hand = project / OUT
    hand.parent.mkdir(parents=True)
    hand.write_text((ROOT / "data" / "programs.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    before = snapshot(project)
    code, out, err = run_import(capsys)
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"{OUT.as_posix()}:1:1: this file was not written by the import (its header lacks the line "
        f'"{samhsa.OWNER_LINE}"), so the import will not overwrite it; nothing was written (move its programs to '
        "another file, or rename it)"
    ]
    assert changed(before, snapshot(project)) == []


@pytest.mark.parametrize("target", ["file", "folder"])
def test_links_in_place_of_the_file_or_its_folder_are_refused(project, capsys, tmp_path_factory, target):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "keep.yaml").write_text("# not the project's\n", encoding="utf-8")
    if target == "file":
        (project / "data" / "programs").mkdir()
        (project / OUT).symlink_to(project / "data" / "programs.yaml")
    else:
        (project / "data" / "programs").symlink_to(outside, target_is_directory=True)
    before, elsewhere = snapshot(project), snapshot(outside)
    code, out, err = run_import(capsys)
    assert code == 1
    expected = (
        f"{OUT.as_posix()}:1:1: is a link or a folder, not a file this import wrote, so nothing was written"
        if target == "file"
        else "data/programs: is a link or a file, not a folder, so nothing was written"
    )
    assert err.splitlines() == [expected]
    assert changed(before, snapshot(project)) == [] and changed(elsewhere, snapshot(outside)) == []


@pytest.mark.parametrize(
    "rows, expected",
    [
        ("[" * 100_000 + "]" * 100_000, "1:1: cannot read locator rows: values are nested too deeply to be locator rows"),
        ('[{"frid": "x",}]', "1:15: cannot read locator rows: not valid JSON: Expecting property name enclosed in double quotes"),
        ('{"rows": 5}', '1:1: cannot read locator rows: expected a JSON list of locator rows, or an object with a "rows" list'),
        ("\ufeff[]".encode("utf-16").decode("latin-1"), "1:1: cannot read locator rows: the file is not UTF-8 text (export the rows as JSON again)"),
    ],
    ids=["deep", "syntax", "no-list", "utf-16"],
)  # fmt: skip
def test_rows_files_that_cannot_be_read_say_where_and_write_nothing(project, capsys, rows, expected):
    before = snapshot(project)
    source = project.parent / "rows.json"
    source.write_bytes(rows.encode("latin-1") if rows.startswith("\xff") else rows.encode("utf-8"))
    code = main(["import-samhsa", str(source), "--as-of", AS_OF])
    captured = capsys.readouterr()
    assert code == 1 and captured.out == ""
    assert captured.err == f"{source.as_posix()}:{expected}\n"
    assert changed(before, snapshot(project)) == []


def test_rows_of_the_wrong_shape_at_any_depth_are_reported_by_number_and_the_rest_imported(project, capsys):
    good = _iop_row("a" * 64, "Good Center")
    bad = [
        1,
        "text",
        None,
        [good],
        {**good, "frid": {"id": "x"}},
        {**good, "zip": 22903},
        {**good, "services": "Intensive outpatient treatment"},
        {**good, "services": [["SET"]]},
        {**good, "services": [{"f1": "x", "f2": "SET", "f3": ["Intensive outpatient treatment"]}]},
        {**good, "latitude": [38.0]},
        {**good, "name2": True},
    ]
    code, out, err = import_rows_file(capsys, project, [*bad, good])
    assert code == 0, out + err
    src = (project.parent / "rows.json").as_posix()
    assert err.splitlines()[: len(bad)] == [
        f"{src}: row 0: expected an object with the locator's fields, got the number 1: not imported",
        f"{src}: row 1: expected an object with the locator's fields, got text: not imported",
        f"{src}: row 2: expected an object with the locator's fields, got nothing (null): not imported",
        f"{src}: row 3: expected an object with the locator's fields, got a list: not imported",
        f"{src}: row 4: frid should be text, got an object: not imported",
        f"{src}: row 5: zip should be text, got the number 22903 (a ZIP code read as a number may have lost its "
        "leading zero): not imported",
        f"{src}: row 6: services should be a list, got text: not imported",
        f"{src}: row 7: services[0] should be an object with f1, f2 and f3, got a list: not imported",
        f"{src}: row 8: services[0].f3 should be text, got a list: not imported",
        f"{src}: row 9: latitude should be text or a number, got a list: not imported",
        f"{src}: row 10: name2 should be text, got true/false (true): not imported",
    ]
    assert list(records(project / OUT)) == ["good-center-charlottesville"]
    assert ", 11 not imported (see messages);" in out.splitlines()[0]


def test_rows_that_would_not_be_valid_programs_are_reported_by_number_and_left_out(project, capsys):
    rows = [
        _iop_row("a" * 64, "Good Center"),
        _iop_row("b" * 64, "Nowhere Center", zip="00000"),
        _iop_row("c" * 64, "Long " + "x" * 300),
        _iop_row("d" * 64, "Escape \x1b[2J Center"),
    ]
    code, out, err = import_rows_file(capsys, project, rows)
    assert code == 0, out + err
    src = (project.parent / "rows.json").as_posix()
    lines = err.splitlines()
    assert (
        f'{src}: row 1: frid {"b" * 64} (Nowhere Center): would not be a valid program (address.zip: ZIP code "00000" does not exist (check the number on the program\'s mail)): not imported'
        in lines
    )
    assert any(
        line.startswith(f"{src}: row 2: frid {'c' * 64} (Long xxx")
        and "name: is 305 characters long; the limit is 300 (shorten it)): not imported" in line
        for line in lines
    ), lines
    assert (
        f"{src}: row 3: frid {'d' * 64} (Escape \\u001b[2J Center): would not be a valid program (name: contains an invisible control character U+001B (delete it)): not imported"
        in lines
    )
    assert "\x1b" not in err
    assert list(records(project / OUT)) == ["good-center-charlottesville"]
    assert "1 new, 0 updated, 0 unchanged, 0 kept (verified since), 3 not imported" in out.splitlines()[0]
    assert main(["validate", str(OUT)]) == 0


def test_other_data_files_that_do_not_parse_stop_the_import_before_it_writes(project, capsys):
    programs = project / "data" / "programs.yaml"
    programs.write_text(programs.read_text(encoding="utf-8") + "  - id: [unclosed\n", encoding="utf-8")
    before = snapshot(project)
    code, out, err = run_import(capsys)
    assert code == 1
    lines = err.splitlines()
    assert lines[0].startswith("data/programs.yaml:") and "YAML syntax error" in lines[0]
    assert (
        lines[-1] == "the import needs every program file to be readable, to avoid the ids in it; nothing was written"
    )
    assert changed(before, snapshot(project)) == []

    therapies = project / "data" / "therapies.yaml"
    programs.write_text((ROOT / "data" / "programs.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    therapies.write_text(
        therapies.read_text(encoding="utf-8").replace("  - id: cbt\n", "  - id: !!python/object cbt\n")
    )
    before = snapshot(project)
    code, out, err = run_import(capsys)
    assert code == 1
    assert any(
        line.startswith("data/therapies.yaml:") and "the YAML tag !!python/object is not allowed" in line
        for line in err.splitlines()
    ), err
    assert err.splitlines()[-1] == "imported records refer to these vocabularies; nothing was written"
    assert changed(before, snapshot(project)) == []


def test_an_import_file_with_problems_is_left_alone_until_they_are_fixed(project, capsys):
    run_import(capsys)
    path = project / OUT
    path.write_text(path.read_text(encoding="utf-8").replace('zip: "22903"', "zip: 22903", 1), encoding="utf-8")
    before = snapshot(project)
    code, out, err = run_import(capsys)
    assert code == 1
    lines = err.splitlines()
    assert lines[0].startswith(f"{OUT.as_posix()}:") and lines[0].endswith(
        'address.zip: 22903 without quotes is a number, not text (write it in quotes: zip: "22903")'
    )
    assert lines[-1] == (
        f"{OUT.as_posix()}: fix these problems first (python -m generator validate {OUT.as_posix()}); nothing was written"
    )
    assert changed(before, snapshot(project)) == []


def test_an_id_used_in_another_file_is_never_given_again(project, capsys):
    programs = project / "data" / "programs.yaml"
    text = programs.read_text(encoding="utf-8")
    programs.write_text(
        text.replace("- id: harbor-light-richmond\n", "- id: addiction-allies-llc-charlottesville\n", 1)
    )
    code, out, err = run_import(capsys)
    assert code == 0, out + err
    frid = next(r["frid"] for r in rows() if r["name1"] == "Addiction Allies LLC")
    assert f"addiction-allies-llc-charlottesville-{samhsa.short_hash(frid)}" in records(project / OUT)
    assert main(["validate"]) == 0


def test_a_failed_write_leaves_the_old_file_whole_and_no_temporary_file(project, capsys, monkeypatch):
    run_import(capsys)
    before = snapshot(project)
    changed_rows = copy.deepcopy(rows())
    next(r for r in changed_rows if r["name1"] == "Addiction Allies LLC")["phone"] = "434-555-0111"

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.replace", full_disk)
    code, out, err = import_rows_file(capsys, project, changed_rows)
    assert code == 1
    assert err.splitlines()[-1] == f"{OUT.as_posix()}: cannot write: No space left on device; no file was changed"
    assert changed(before, snapshot(project)) == []


def test_a_reimport_keeps_what_maintainers_wrote_exactly(project, capsys):
    run_import(capsys)
    path = project / OUT
    text = path.read_text(encoding="utf-8")
    hand = (
        "  - id: hand-added-boston\n"
        "    name: '  Hand Added IOP  '\n"
        "    example: false\n"
        "    summary: >-\n"
        "      Two lines\n"
        "      folded.\n"
        "    focus: mental_health\n"
        "    levels_of_care: [iop]\n"
        '    address: {street: 1 Example Way, city: Boston, state: MA, zip: "02134"}\n'
        "    phone: 617.555.0100\n"
        "    telehealth: false\n"
        "    populations: [adults]\n"
        "    languages: [en]\n"
        "    schedule: {hours_per_week: 9.0, days_per_week: 3, sessions: [day], details: 'Mon, Wed: 9-12'}\n"
        "    conditions: [depression]\n"
        "    therapies: [cbt]\n"
        "    payment: [self_pay]\n"
        "    insurers: ['0123', 'yes', '1e3']\n"
        '    accreditations: [{body: carf, id: "007"}]\n'
        "    last_verified: '2026-01-05'\n"
        "    source: Phone call with intake staff\n"
    )
    path.write_text(text + hand, encoding="utf-8")
    code, out, err = run_import(capsys)
    assert code == 0, out + err
    again = records(path)["hand-added-boston"]
    assert again["address"]["zip"] == "02134" and again["phone"] == "617.555.0100"
    assert again["name"] == "  Hand Added IOP  " and again["summary"] == "Two lines folded."
    assert again["insurers"] == ["0123", "yes", "1e3"] and again["accreditations"] == [{"body": "carf", "id": "007"}]
    assert again["last_verified"] == "2026-01-05" and again["schedule"]["details"] == "Mon, Wed: 9-12"
    assert '      zip: "02134"\n' in path.read_text(encoding="utf-8")
    assert main(["validate", str(OUT)]) == 0


def test_rows_of_any_shape_never_make_the_import_raise():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    good = _iop_row("a" * 64, "Good Center")
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
        max_leaves=20,
    )
    row_like = st.builds(
        lambda key, value: {**good, key: value},
        st.sampled_from([*good.keys(), "services", "zip", "state", "latitude"]),
        json_values,
    ) | st.builds(lambda entry: {**good, "services": [*good["services"], entry]}, json_values)

    @settings(max_examples=300, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.lists(row_like | json_values, max_size=6))
    def run(rows):
        result = samhsa.import_rows(rows, as_of=dt.date(2019, 5, 23), source_name="in.json")
        assert result.created + result.unmapped + len(result.not_iop) + result.updated + result.unchanged == len(rows)
        assert len({r["id"] for r in result.records}) == len(result.records)

    run()
