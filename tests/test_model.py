"""The model is the one source of truth: every field is described, and the committed schemas match it."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from conftest import ROOT

from generator import model, schema


@pytest.mark.parametrize("collection", sorted(model.COLLECTIONS))
def test_every_field_has_a_one_line_description(collection):
    missing = [
        path
        for path, f in model.walk_fields(model.COLLECTIONS[collection])
        if not f.description.strip() or "\n" in f.description
    ]
    assert missing == []


def test_program_model_covers_the_required_fields():
    names = {f.name for f in model.PROGRAM.fields}
    required = {f.name for f in model.PROGRAM.fields if f.required}
    assert {
        "id",
        "name",
        "summary",
        "example",
        "focus",
        "levels_of_care",
        "address",
        "location",
        "phone",
        "website",
        "telehealth",
        "populations",
        "languages",
        "schedule",
        "conditions",
        "therapies",
        "medications",
        "services",
        "payment",
        "insurers",
        "accreditations",
        "licenses",
        "medical_director",
        "last_verified",
        "source",
    } <= names
    assert {"id", "name", "last_verified", "source", "address", "phone"} <= required


@pytest.mark.parametrize("collection", sorted(model.COLLECTIONS))
def test_committed_schema_is_up_to_date(collection):
    committed = (ROOT / "schema" / f"{collection}.schema.json").read_text(encoding="utf-8")
    assert committed == schema.render(collection), "run: python -m generator schema"


@pytest.mark.parametrize("collection", sorted(model.COLLECTIONS))
def test_data_files_point_editors_at_their_schema(collection):
    first = (ROOT / "data" / f"{collection}.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../schema/{collection}.schema.json"


@pytest.mark.parametrize("collection", sorted(model.COLLECTIONS))
def test_sample_data_satisfies_the_json_schema(collection):
    data = yaml.safe_load((ROOT / "data" / f"{collection}.yaml").read_text(encoding="utf-8"))
    data = json.loads(json.dumps(data, default=str))  # dates become strings, as editors see them
    jsonschema.validate(data, schema.collection_schema(collection))


def test_json_schema_rejects_what_validation_rejects():
    bad = {"programs": [{"id": "Bad_ID"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema.collection_schema("programs"))
