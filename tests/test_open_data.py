"""The open data as the site publishes it: the whole country compressed (gzip, read back equal to the exports),
each state's programs in plain files, and the HSDS records as Open Referral's Tabular Data Package, checked
against HSDS's own package descriptor."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import re
import zipfile

import pytest

from generator import export, tabular

SITE_URL = "https://iop-finder.example.org/"
# Version 5 (names shared by programs: organizations, terms) or 8 (the parts of one program, export._part_id).
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[58][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def unzipped(site, path: str) -> str:
    return gzip.decompress((site / path).read_bytes()).decode("utf-8")


def test_the_whole_country_files_are_the_exports_compressed(site, dataset):
    assert unzipped(site, "data/programs.json.gz") == export.programs_json(dataset)
    assert unzipped(site, "data/programs.csv.gz") == export.programs_csv(dataset)
    assert unzipped(site, "data/hsds/services.json.gz") == export.hsds_services_json(dataset, SITE_URL)
    programs = json.loads(unzipped(site, "data/programs.json.gz"))["programs"]
    assert [p["id"] for p in programs] == sorted(p["id"] for p in dataset.programs)
    for old in ("data/programs.json", "data/programs.csv", "data/hsds/services.json"):
        assert not (site / old).exists()  # moved: the data reference says where


def test_each_state_has_its_own_programs_and_together_they_are_the_country(site, dataset):
    country = json.loads(unzipped(site, "data/programs.json.gz"))["programs"]
    country_rows = list(csv.DictReader(io.StringIO(unzipped(site, "data/programs.csv.gz"))))
    states = sorted({p["address"]["state"] for p in dataset.programs})
    assert sorted(p.name for p in (site / "data" / "states").iterdir()) == sorted(s.lower() for s in states)
    seen_rows = []
    for st in states:
        folder = site / "data" / "states" / st.lower()
        # One ZIP archive holding the state's spreadsheet, named for the state; a state's JSON: the country's file.
        assert sorted(f.name for f in folder.iterdir()) == ["programs.csv.zip"]
        with zipfile.ZipFile(folder / "programs.csv.zip") as archive:
            assert archive.testzip() is None
            [entry] = archive.infolist()
            assert (entry.filename, entry.compress_type) == (
                f"iop-finder-programs-{st.lower()}.csv",
                zipfile.ZIP_DEFLATED,
            )
            assert entry.date_time == (1980, 1, 1, 0, 0, 0)  # fixed: equal text, equal bytes
            text = archive.read(entry).decode("utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows == [r for r in country_rows if r["address.state"] == st]
        assert [r["id"] for r in rows] == [p["id"] for p in country if p["address"]["state"] == st]
        seen_rows += rows
    assert sorted(r["id"] for r in seen_rows) == sorted(p["id"] for p in country)
    assert len(seen_rows) == len(country_rows)


@pytest.fixture(scope="module")
def package(site):
    """The published descriptor and every table, as lists of row dicts."""
    descriptor = json.loads((site / tabular.FOLDER / "datapackage.json").read_text(encoding="utf-8"))
    tables = {}
    for resource in descriptor["resources"]:
        text = gzip.decompress((site / tabular.FOLDER / resource["path"]).read_bytes()).decode("utf-8")
        reader = csv.reader(io.StringIO(text))
        header = next(reader)
        tables[resource["name"]] = (header, [dict(zip(header, row)) for row in reader])
    return descriptor, tables


def test_the_tabular_package_uses_hsds_descriptor_unchanged_but_for_file_names(package):
    descriptor, _ = package
    official = json.loads(tabular.DESCRIPTOR.read_text(encoding="utf-8"))
    assert {k: v for k, v in descriptor.items() if k != "resources"} == {
        k: v for k, v in official.items() if k != "resources"
    }
    by_name = {r["name"]: r for r in official["resources"]}
    names = [r["name"] for r in descriptor["resources"]]
    assert sorted(names) == sorted((*tabular.PER_SERVICE, *tabular.SHARED))
    for r in descriptor["resources"]:
        assert r["path"] == by_name[r["name"]]["path"] + ".gz" and r["compression"] == "gz"
        assert {k: v for k, v in r.items() if k not in ("path", "compression")} == {
            k: v for k, v in by_name[r["name"]].items() if k != "path"
        }


def _typed(value: str, field: dict) -> bool:
    kind, fmt = field.get("type"), field.get("format")
    if kind == "number":
        float(value)
    elif kind == "date":
        dt.date.fromisoformat(value)
    elif kind == "time":
        dt.time.fromisoformat(value)
    elif fmt == "uuid":
        return bool(UUID.fullmatch(value))
    elif fmt == "uri":
        return value.startswith(("https://", "http://"))
    return True


def test_every_table_keeps_the_descriptors_columns_constraints_and_keys(package):
    descriptor, tables = package
    ids = {name: {row["id"] for row in rows} for name, (_, rows) in tables.items()}
    checked = 0
    for resource in descriptor["resources"]:
        header, rows = tables[resource["name"]]
        schema = resource["schema"]
        assert header == [f["name"] for f in schema["fields"]], resource["name"]
        assert rows, f"{resource['name']} is empty"
        for field in schema["fields"]:
            values = [row[field["name"]] for row in rows]
            constraints = field.get("constraints", {})
            if constraints.get("required"):
                assert all(values), (resource["name"], field["name"])
            if constraints.get("unique"):
                present = [v for v in values if v]
                assert len(present) == len(set(present)), (resource["name"], field["name"])
            if "enum" in constraints:
                assert {v for v in values if v} <= set(constraints["enum"]), (resource["name"], field["name"])
            assert all(_typed(v, field) for v in values if v), (resource["name"], field["name"])
            checked += len(values)
        for key in schema.get("foreignKeys", []):
            target = key["reference"]["resource"] or resource["name"]
            for column in [key["fields"]] if isinstance(key["fields"], str) else key["fields"]:
                linked = {row[column] for row in rows if row[column]}
                if target in ids:
                    assert linked <= ids[target], (resource["name"], column, target)
                else:
                    assert not linked, (resource["name"], column, "refers to a table the package does not hold")
    assert checked > 1000


def test_the_tables_hold_the_same_records_as_the_hsds_json(package, site):
    _, tables = package
    services = json.loads(unzipped(site, "data/hsds/services.json.gz"))
    rows = {row["id"]: row for row in tables["service"][1]}
    assert sorted(rows) == sorted(s["id"] for s in services)
    for s in services:
        row = rows[s["id"]]
        assert (row["name"], row["url"], row["organization_id"], row["assured_date"]) == (
            s["name"],
            s["url"],
            s["organization"]["id"],
            s["assured_date"],
        )
    nested = {
        "phone": [x for s in services for x in s["phones"]],
        "schedule": [x for s in services for x in s["schedules"]],
        "language": [x for s in services for x in s["languages"]],
        "attribute": [x for s in services for x in s["attributes"]],
        "service_at_location": [x for s in services for x in s["service_at_locations"]],
        "address": [a for s in services for x in s["service_at_locations"] for a in x["location"]["addresses"]],
    }
    for name, records in nested.items():
        assert sorted(r["id"] for r in tables[name][1]) == sorted(r["id"] for r in records), name
    latitudes = {r["id"]: float(r["latitude"]) for r in tables["location"][1]}
    for x in (x for s in services for x in s["service_at_locations"]):
        assert latitudes[x["location"]["id"]] == pytest.approx(x["location"]["latitude"])
    assert {r["id"] for r in tables["organization"][1]} == {s["organization"]["id"] for s in services}
    terms = json.loads((site / "data" / "hsds" / "taxonomy_terms.json").read_text(encoding="utf-8"))
    assert sorted(r["id"] for r in tables["taxonomy_term"][1]) == sorted(t["id"] for t in terms)


def test_the_data_reference_names_every_file_for_the_whole_country(site, dataset):
    from generator.reference import reference_markdown

    text = reference_markdown()
    country = [f.path for family in export.FAMILIES.values() for f in family.files(dataset) if f.state is None]
    assert len(country) == 3 + len(tabular.PER_SERVICE)
    for path in [p for p in country if not p.startswith(tabular.FOLDER)] + [f"{tabular.FOLDER}/datapackage.json"]:
        assert f"`{path}`" in text, path
        assert (site / path).is_file(), path
    assert "`data/states/<st>/programs.csv.zip` | The spreadsheet, for the programs of one state" in text
