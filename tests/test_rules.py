"""One source for every rule: the phone, website, id and ZIP rules are the model's, and validation, the JSON Schema
as Python's jsonschema reads it, and the JSON Schema as an editor's JavaScript reads it all accept and reject the
same values."""

from __future__ import annotations

import json
import shutil
import subprocess

import jsonschema
import pytest
import yaml
from quality.tools import missing_tool

from generator import model, schema, validate
from generator.validate import INVALID, Context

PHONE = model.PROGRAM.child("phone")
WEBSITE = model.PROGRAM.child("website")
ID = model.PROGRAM.child("id")
ZIP = model.PROGRAM.child("address").child("zip")

ACCEPTED = {
    PHONE: [
        "804-555-0101",
        "(804) 555-0101",
        "804.555.0101",
        "8045550101",
        "+1 804 555 0101",
        "1-804-555-0101",
        "804-555-0101 x110",
        "804-555-0101 X110",
        "804-555-0101 ext 110",
        "804-555-0101 Ext. 110",
        "804-555-0101 EXT. 110",
        "804-555-0101 extension 110",
        "804-555-0101 Extension 110",
        " 804-555-0101 ",
    ],
    WEBSITE: [
        "https://example.org",
        "https://example.org/",
        "http://example.org/a/b?c=d&e=f#g",
        "HTTPS://EXAMPLE.ORG/Path",
        "https://example.org:8443/x",
        "https://例え.jp/",
        "https://example.org/" + "a" * 280,
    ],
    ID: ["harbor-light-richmond", "a1", "988-lifeline", "x" * 80],
    ZIP: ["23220", "01001", " 23220 "],
}
REJECTED = {
    PHONE: [
        "12",
        "555-0101",
        "104-555-0101",  # no area code starts with 1
        "804-555-01010",
        "804-555-0101 ext",
        "804-555-0101 x1234567",
        "804\t555\t0101",
        "804-555-0101\n x110",
        "804-five-five-five",
        "٨٠٤-٥٥٥-٠١٠١",  # Arabic-Indic digits: Python's \d would take them, JavaScript's would not
    ],
    WEBSITE: [
        "javascript:alert(1)",
        "ftp://example.org",
        "example.org",
        "https://",
        "https:///path",
        "https://?q=1",
        "https://exa mple.org",
        'https://example.org/"onmouseover="x',
        "https://example.org/<script>",
        "https://example.org\\evil",
        "https://example.org/\x01",
        "https://example.org/a\u2028b",
        "https://example.org/" + "a" * 281,
    ],
    ID: ["Harbor-Light", "harbor_light", "harbor--light", "-harbor", "harbor-", "a", "x" * 81, "café", "a b"],
    ZIP: ["2322", "232200", "23220-1234", "ABCDE", "٢٣٢٢٠"],
}
CASES = [(spec, value, True) for spec, values in ACCEPTED.items() for value in values] + [
    (spec, value, False) for spec, values in REJECTED.items() for value in values
]


def validation_accepts(spec: model.Field, value: str) -> bool:
    node = yaml.compose(json.dumps(value))  # a quoted string, as an editor would save it
    ctx = Context("rules.yaml", {}, today=None)
    return validate.check(node, spec, spec.name, ctx) is not INVALID


def schema_of(spec: model.Field) -> dict:
    return schema.field_schema(spec)


def schema_accepts(spec: model.Field, value: str) -> bool:
    try:
        jsonschema.validate(value, schema_of(spec))
    except jsonschema.ValidationError:
        return False
    return True


@pytest.fixture(scope="module")
def javascript_verdicts():
    """Each case's schema checked by JavaScript: pattern (as RegExp, with and without the u flag, which some
    editors set) and length, counted in code points as JSON Schema says."""
    node = shutil.which("node")
    if node is None:
        missing_tool("Node.js not found (apt-get install nodejs)")
    cases = []
    for spec, value, _ in CASES:
        s = schema_of(spec)
        cases.append({"pattern": s["pattern"], "max": s.get("maxLength"), "min": s.get("minLength"), "value": value})
    script = """
    const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const ok = (c, flags) => {
      const n = [...c.value].length;
      return new RegExp(c.pattern, flags).test(c.value) && (c.max == null || n <= c.max) && (c.min == null || n >= c.min);
    };
    process.stdout.write(JSON.stringify(cases.map(c => [ok(c, ""), ok(c, "u")])));
    """
    result = subprocess.run([node, "-e", script], input=json.dumps(cases), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(("spec", "value", "accepted"), CASES, ids=[f"{s.name}:{v!r}"[:60] for s, v, _ in CASES])
def test_validation_and_python_schema_agree(spec, value, accepted):
    assert validation_accepts(spec, value) is accepted
    assert schema_accepts(spec, value) is accepted


def test_javascript_reads_the_schema_as_validation_does(javascript_verdicts):
    wrong = [
        (spec.name, value, accepted, verdict)
        for (spec, value, accepted), verdict in zip(CASES, javascript_verdicts)
        if verdict != [accepted, accepted]
    ]
    assert wrong == []


def test_the_extension_written_ext_dot_is_one_number_everywhere():
    """The case that once passed validation and failed the schema: the same value, normalised by validation."""
    node = yaml.compose('"540-217-6366 Ext. 110"')
    assert validate.check(node, PHONE, "phone", Context("f", {}, today=None)) == "540-217-6366 x110"
    jsonschema.validate("540-217-6366 Ext. 110", schema_of(PHONE))


def test_schema_patterns_are_the_model_rules():
    assert schema_of(PHONE)["pattern"] == model.pattern(model.PHONE_RULE)
    assert schema_of(WEBSITE)["pattern"] == model.pattern(model.URL_RULE)
    assert schema_of(ID)["pattern"] == model.pattern(model.SLUG_RULE)
    assert schema_of(ZIP)["pattern"] == model.pattern(model.ZIP_RULE)
