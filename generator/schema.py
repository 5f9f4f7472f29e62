"""JSON Schemas for editors, generated from the model so they always match what validation accepts: the text
rules (phone, website, id, ZIP code) are the very patterns validation uses (model.pattern)."""

from __future__ import annotations

import json
from pathlib import Path

from . import model
from .model import Field

SCHEMA_DIR = "schema"


def field_schema(spec: Field) -> dict:
    out: dict = {"description": spec.description}
    kind = spec.kind
    if kind == "object":
        out.update(
            type="object",
            additionalProperties=False,
            properties={f.name: field_schema(f) if f.required else _nullable(field_schema(f)) for f in spec.fields},
        )
        required = [f.name for f in spec.fields if f.required]
        if required:
            out["required"] = required
    elif kind == "list":
        out.update(type="array", items=field_schema(spec.item))
        if spec.required:
            out["minItems"] = 1
        if spec.unique_items:
            out["uniqueItems"] = True
    elif kind in ("str", "markdown"):
        out.update(type="string", minLength=1)
    elif kind == "bool":
        out["type"] = "boolean"
    elif kind == "int":
        out["type"] = "integer"
    elif kind == "number":
        out["type"] = "number"
    elif kind == "date":
        out.update(type="string", format="date")
    elif kind in ("enum", "lang"):
        out.update(type="string", enum=list(spec.choices))
    elif kind == "vocab":
        out.update(type="string", pattern=model.SLUG_PATTERN)
    elif kind == "slug":
        out.update(type="string", pattern=model.SLUG_PATTERN, minLength=2, maxLength=80)
    elif kind == "phone":
        out.update(type="string", pattern=model.PHONE_PATTERN)
    elif kind == "url":
        out.update(type="string", pattern=model.URL_PATTERN)
    elif kind == "email":
        out.update(type="string", format="email")
    elif kind == "state":
        out.update(type="string", enum=list(model.US_STATES))
    elif kind == "zip":
        out.update(type="string", pattern=model.ZIP_PATTERN)
    else:
        raise AssertionError(kind)
    if kind in ("str", "markdown", "url", "email"):
        out["maxLength"] = model.max_length(spec)  # as validation counts it
    if spec.minimum is not None:
        out["minimum"] = spec.minimum
    if spec.maximum is not None:
        out["maximum"] = spec.maximum
    if spec.example is not None and kind not in ("object",):
        out["examples"] = [spec.example]
    return out


def _nullable(schema: dict) -> dict:
    """Optional fields may be left empty (`website:`), which validation treats as absent."""
    return {"description": schema["description"], "anyOf": [schema, {"type": "null"}]}


def collection_schema(collection: str) -> dict:
    spec = model.COLLECTIONS[collection]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://iop-finder.example.org/schema/{collection}.schema.json",
        "title": f"IOP Finder {collection}",
        "description": "Generated from generator/model.py by `python -m generator schema`; do not edit by hand.",
        "type": "object",
        "additionalProperties": False,
        "required": [collection],
        "properties": {collection: {"type": "array", "items": field_schema(spec)}},
    }


def render(collection: str) -> str:
    return json.dumps(collection_schema(collection), indent=2, ensure_ascii=False) + "\n"


def write_all(root: Path) -> list[Path]:
    out = []
    (root / SCHEMA_DIR).mkdir(exist_ok=True)
    for collection in model.COLLECTIONS:
        path = root / SCHEMA_DIR / f"{collection}.schema.json"
        path.write_text(render(collection), encoding="utf-8")
        out.append(path)
    return out
