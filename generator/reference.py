"""The data reference page, written from the model's field declarations so it can never drift from validation.

The site adds it as the generated page `reference/data.md`; nobody edits it by hand.
"""

from __future__ import annotations

from functools import cache

import yaml

from . import model
from .model import Field

TITLE = "Data reference"
DESCRIPTION = (
    "Every field of IOP Finder's program, condition, therapy, source and license lookup records, with types, rules "
    "and examples."
)

_KIND_NAMES = {
    "str": "text",
    "markdown": "Markdown text",
    "bool": "true/false",
    "int": "whole number",
    "number": "number",
    "date": "date (YYYY-MM-DD)",
    "enum": "one value from a list",
    "lang": "language code",
    "vocab": "id",
    "slug": "id (lowercase slug)",
    "phone": "US phone number",
    "url": "web address",
    "email": "email address",
    "state": "state code",
    "zip": "ZIP code (quoted)",
    "object": "group of fields",
}
_LIST_NAMES = {
    "object": "groups of fields",
    "enum": "values from a list",
    "lang": "language codes",
    "vocab": "ids",
    "slug": "ids",
    "str": "text",
}
_VOCAB_FILES = {
    "conditions": "data/conditions.yaml",
    "therapies": "data/therapies.yaml",
    "sources": "data/sources.yaml",
}
_INTROS = {
    "programs": "One record per intensive outpatient program at one address, in `data/programs.yaml` or "
    "`data/programs/*.yaml`.",
    "conditions": "The conditions vocabulary in `data/conditions.yaml`; each condition gets a page.",
    "therapies": "The therapies vocabulary in `data/therapies.yaml`; each therapy gets a page.",
    "sources": "Published sources that patient-education facts cite, in `data/sources.yaml`.",
    "license_lookups": "Where the public checks a state license, one entry per state, in "
    "`data/license_lookups.yaml`. Every state that has programs needs an entry: program pages link each "
    "license to it.",
}


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipes, no line breaks, no stray HTML such as <id>."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\n", " ")


def _type(spec: Field) -> str:
    if spec.kind == "list" and spec.item is not None:
        return "list of " + _LIST_NAMES.get(spec.item.kind, _KIND_NAMES[spec.item.kind])
    return _KIND_NAMES[spec.kind]


def _allowed(spec: Field, path: str) -> str:
    item = spec.item if spec.kind == "list" and spec.item is not None else spec
    if item.kind == "lang":
        return "ISO 639-1 codes; see [Language codes](#language-codes)"
    if item.choices:
        return "<br>".join(f"`{value}`: {_cell(label)}" for value, label in item.choices.items())
    if item.vocab:
        return f"ids from `{_VOCAB_FILES[item.vocab]}`"
    if item.kind == "state":
        return "two-letter codes, such as `VA`; see [State codes](#state-codes)"
    limits = []
    if item.minimum is not None:
        limits.append(f"at least {item.minimum:g}")
    if item.maximum is not None:
        limits.append(f"at most {item.maximum:g}")
    if item.kind == "object":
        return f"see [`{spec.name}`](#{_anchors()[path]})"
    return ", ".join(limits)


@cache
def _anchors() -> dict[str, str]:
    """The anchor of every group of fields, by dotted path: `field-<name>`, or the whole path where two groups share
    a name (conditions and therapies both have `translations`), so every id on the page is unique."""
    paths = [path for collection, spec in model.COLLECTIONS.items() for path, _, _ in _nested(spec, collection)]
    names = [p.rsplit(".", 1)[-1].removesuffix("[]") for p in paths]
    return {
        path: "field-"
        + (name if names.count(name) == 1 else path.replace("[]", "").replace(".", "-")).replace("_", "-")
        for path, name in zip(paths, names, strict=True)
    }


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    return str(value)


def _example(spec: Field) -> str:
    if spec.example is None:
        return ""
    text = _scalar(spec.example)
    if spec.kind == "zip":
        text = f'"{text}"'
    return "`" + text.replace("\n", " ") + "`"


def _table(spec: Field, path: str) -> list[str]:
    lines = [
        "| Field | Type | Required | Allowed values | Description | Example |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for f in spec.fields:
        lines.append(
            "| "
            + " | ".join(
                [
                    f"`{f.name}`",
                    _type(f),
                    "yes" if f.required else "no",
                    _allowed(f, f"{path}.{f.name}" + ("[]" if f.kind == "list" else "")),
                    _cell(f.description),
                    _example(f),
                ]
            )
            + " |"
        )
    return lines


def _nested(spec: Field, path: str):
    """(dotted path, object field) for every object inside `spec`, outermost first."""
    for f in spec.fields:
        target = f.item if f.kind == "list" and f.item is not None else f
        if target.kind == "object":
            child_path = f"{path}.{f.name}" + ("[]" if f.kind == "list" else "")
            yield child_path, f, target
            yield from _nested(target, child_path)


def reference_markdown() -> str:
    """The whole page: front matter, then one table per record type and per group of fields inside it."""
    front = yaml.safe_dump(
        {"title": TITLE, "description": DESCRIPTION}, sort_keys=False, allow_unicode=True, width=1000
    )
    out = [
        "---",
        front.rstrip("\n"),
        "---",
        "",
        f"# {TITLE}",
        "",
        "This page is generated from `generator/model.py`, the one place where every field is described. "
        "To change a description, edit the model; validation, the editor schemas in `schema/` and this page "
        "all follow.",
        "",
    ]
    for collection, spec in model.COLLECTIONS.items():
        heading = collection.replace("_", " ").capitalize()
        out += [f"## {heading}", "", _INTROS[collection], "", *_table(spec, collection), ""]
        for path, holder, target in _nested(spec, collection):
            heading = f"### `{path}` {{ #{_anchors()[path]} }}"
            out += [heading, "", _cell(holder.description), "", *_table(target, path), ""]
    out += ["## Language codes", "", "| Code | Language |", "| --- | --- |"]
    out += [f"| `{code}` | {name} |" for code, name in model.LANGUAGES.items()]
    out += ["", "## State codes", "", "| Code | State or territory |", "| --- | --- |"]
    out += [f"| `{code}` | {name} |" for code, name in model.US_STATES.items()]
    out += ["", *DOWNLOADS]
    return "\n".join(out) + "\n"


# The open-data files each build publishes (generator/export.py, generator/tabular.py), for people and programs.
DOWNLOADS = [
    "## Downloads { #downloads }",
    "",
    "Every build publishes the directory as open data. The files for the whole country are compressed with gzip "
    "(open them with any unzip tool, or read them as a stream); each state's spreadsheet comes in a ZIP archive, "
    "which any computer or phone opens.",
    "",
    "| File | What it holds |",
    "| --- | --- |",
    "| [`data/programs.json.gz`](../data/programs.json.gz) | Every program, with the fields above, sorted by id: "
    '`{"programs": [...]}` |',
    "| [`data/programs.csv.gz`](../data/programs.csv.gz) | The same as a spreadsheet: one row per program, one "
    "column per field (`address.city`...), lists joined by `; ` |",
    "| `data/states/<st>/programs.csv.zip` | The spreadsheet, for the programs of one state (`<st>` is the state "
    "code in lower case, such as `va`): a ZIP archive holding one file, `iop-finder-programs-<st>.csv` |",
    "| [`data/hsds/services.json.gz`](../data/hsds/services.json.gz) | Every program as an Open Referral HSDS 3.1 "
    "service, with its organization and location nested |",
    "| [`data/hsds/taxonomy_terms.json`](../data/hsds/taxonomy_terms.json) | The HSDS taxonomy terms the "
    "services' attributes name |",
    "| [`data/hsds/tabular/datapackage.json`](../data/hsds/tabular/datapackage.json) | The same HSDS records as "
    "HSDS's Tabular Data Package: one CSV file per kind of record (`services.csv.gz`, `locations.csv.gz`...), "
    "described by HSDS's own package descriptor |",
    "",
    "Until December 2026 the whole-country files were published uncompressed at `data/programs.json`, "
    "`data/programs.csv` and `data/hsds/services.json`. At national scale the HSDS file alone grew past the "
    "25 MiB that free static hosts accept for one file, so those addresses now return nothing: use the `.gz` "
    "files, or one state's files. For a few days in December 2026 each state's files were also "
    "`data/states/<st>/programs.csv` (now in the ZIP archive) and `data/states/<st>/programs.json.gz` (no longer "
    "made: pick the state's programs out of `data/programs.json.gz`).",
]
