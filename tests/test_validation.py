"""Maintainers get every problem, with file:line:column, a hint, and no traceback — from the CLI and from builds."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from conftest import FIXTURES, ROOT, copy_project, run_mkdocs

from generator.dataset import load_dataset
from generator.load import parse_bytes

TEN = [
    'tests/fixtures/broken/ten-mistakes.yaml:8:50: programs[0].address.state: unknown state "Virginia" (did you mean "VA"?)',
    'tests/fixtures/broken/ten-mistakes.yaml:8:67: programs[0].address.zip: expected a 5-digit ZIP code like "23220", got "2322"',
    'tests/fixtures/broken/ten-mistakes.yaml:9:5: programs[0].phone: expected a US phone number like 555-555-0123, got "12"',
    'tests/fixtures/broken/ten-mistakes.yaml:10:5: programs[0].website: must start with https:// or http://, got "javascript:alert(1)" (other kinds of links are not allowed)',
    'tests/fixtures/broken/ten-mistakes.yaml:14:16: programs[0].schedule.hours_per_week: expected a number like 9, got text "nine"',
    'tests/fixtures/broken/ten-mistakes.yaml:15:18: programs[0].conditions[0]: unknown condition "ptds" (did you mean "ptsd"?)',
    'tests/fixtures/broken/ten-mistakes.yaml:20:5: programs[0].adress: unknown field (did you mean "address"?)',
    'tests/fixtures/broken/ten-mistakes.yaml:21:5: programs[1].last_verified: required field is missing (add a line like "last_verified: 2026-10-02")',
    "tests/fixtures/broken/ten-mistakes.yaml:27:16: programs[1].location.lat: must be between -90 and 90, got 123.4",
    'tests/fixtures/broken/ten-mistakes.yaml:37:5: programs[2].id: id "riverbend-richmond" is already used by program "riverbend-richmond" at tests/fixtures/broken/ten-mistakes.yaml:21 (ids and former ids must be unique)',
]

MORE = [
    'programs[0].id: expected a lowercase id of letters, digits and hyphens like "harbor-light-richmond", got "Bad_ID"',
    'programs[0].levels_of_care: must include "iop" (this directory lists intensive outpatient programs only)',
    'programs[0].address.zip: ZIP code "20001" is in DC, not VA (check the state or the ZIP)',
    'programs[0].phone: duplicate key "phone" (first set on line 8; keep only one)',
    'programs[0].populations[1]: "adults" is listed twice (remove one)',
    'programs[0].languages[0]: unknown language code "Spanish" (did you mean "es"?)',
    "programs[0].schedule.length_weeks: min (12) is more than max (8) (swap them)",
    'programs[0].conditions: expected a list like [alcohol-use, depression], got text "depression" (write it as [depression])',
    "programs[0].last_verified: date 2099-01-01 is in the future (use the date the facts were last checked)",
]


def validate_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", "validate", *args], cwd=ROOT, capture_output=True, text=True
    )


def test_ten_mistakes_give_ten_located_messages_and_exit_1():
    result = validate_cli("--data", "tests/fixtures/data", "tests/fixtures/broken/ten-mistakes.yaml")
    assert result.returncode == 1
    assert result.stdout.splitlines() == TEN + ["10 problems in 1 file."]
    assert "Traceback" not in result.stdout + result.stderr


def test_other_mistakes_are_each_named_with_a_hint():
    ds = load_dataset(
        FIXTURES / "data",
        root=ROOT,
        program_files=[FIXTURES / "broken" / "more-mistakes.yaml"],
        today=dt.date(2026, 11, 23),
    )
    assert [f"{p.path}: {p.message}" for p in ds.errors] == MORE
    assert all(p.file == "tests/fixtures/broken/more-mistakes.yaml" and p.line > 1 for p in ds.errors)


def test_yaml_syntax_error_names_the_parser_line():
    result = validate_cli("--data", "tests/fixtures/data", "tests/fixtures/broken/syntax-error.yaml")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "tests/fixtures/broken/syntax-error.yaml:5:1: YAML syntax error: found unexpected end of stream while "
        "scanning a quoted scalar that starts on line 3 (check indentation, colons and quotes)",
        "1 problem in 1 file.",
    ]


def test_unknown_condition_suggests_nearest_id_or_alias():
    data = b"""programs:
  - id: x-1
    conditions: [ptds, post-traumatic stress disorder, zzzzzz]
"""
    from generator.validate import check_collection

    node, problems = parse_bytes(data, "p.yaml")
    ds = load_dataset(FIXTURES / "data", program_files=[])
    from generator.dataset import _vocabulary

    vocabs = {
        "conditions": _vocabulary("conditions", list(ds.conditions.values())),
        "therapies": _vocabulary("therapies", list(ds.therapies.values())),
    }
    loaded = check_collection(node, "programs", "p.yaml", vocabs, dt.date(2026, 1, 1))
    messages = [p.message for p in loaded.problems if "conditions[" in p.path]
    assert messages == [
        'unknown condition "ptds" (did you mean "ptsd"?)',
        'unknown condition "post-traumatic stress disorder" (did you mean "ptsd"?)',
        'unknown condition "zzzzzz" (see data/conditions.yaml for the ids)',
    ]


def test_sample_data_is_valid():
    result = validate_cli()
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("OK: ")


def test_missing_file_is_reported_not_raised():
    result = validate_cli("tests/fixtures/broken/no-such-file.yaml")
    assert result.returncode == 1
    assert result.stdout == "tests/fixtures/broken/no-such-file.yaml:1:1: file not found (check the path)\n"


def test_build_stops_with_the_same_messages_and_leaves_the_old_site(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "data" / "programs.yaml").write_text(
        (FIXTURES / "broken" / "ten-mistakes.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    site = tmp_path / "site"
    site.mkdir()
    (site / "keep.txt").write_text("the previous build")
    result = run_mkdocs(project, site)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    for line in TEN:
        assert line.replace("tests/fixtures/broken/ten-mistakes.yaml", "data/programs.yaml") in output
    assert "10 problems in 1 file; nothing was built." in output
    assert sorted(p.name for p in site.iterdir()) == ["keep.txt"]


def test_binary_junk_and_deep_nesting_are_problems_not_crashes():
    node, problems = parse_bytes(b"\xff\xfe\x00junk", "junk.yaml")
    assert node is None and str(problems[0]).startswith("junk.yaml:1:1: the file is not valid UTF-8")
    node, problems = parse_bytes(b"[" * 200000 + b"]" * 200000, "deep.yaml")
    assert node is None
    assert str(problems[0]) == (
        "deep.yaml:1:41: values are nested more than 40 levels deep (check the indentation; "
        "programs never need this much nesting)"
    )


def test_item_cache_reads_only_changed_programs_and_matches_a_full_read(tmp_path):
    """`mkdocs serve` reloads programs item by item: the result must equal a fresh one-piece read, line numbers
    and problems included, after edits that move, change, add and remove items."""
    import datetime as dt
    import shutil

    from generator.dataset import load_dataset

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    today = dt.date.today()
    caches: dict = {}

    def both():
        cached = load_dataset(data, root=tmp_path, today=today, item_caches=caches, all_positions=False)
        fresh = load_dataset(data, root=tmp_path, today=today, all_positions=False)
        assert cached.programs == fresh.programs
        assert cached.problems == fresh.problems
        return cached, caches["data/programs.yaml"].misses

    ds, misses = both()
    assert misses == len(ds.programs) == 36
    _, misses = both()
    assert misses == 0
    path = data / "programs.yaml"
    text = path.read_text(encoding="utf-8")
    # Two lines of comment at the top move every item down; one phone number changes; one item breaks a rule.
    first = text.index("  - id: ")
    text = text[:first] + "  # reviewed 2026-11\n  # by the data team\n" + text[first:]
    text = text.replace("phone: 804-555-0103", "phone: 804-555-0199", 1)
    assert "804-555-0199" in text
    second = text.index("  - id: ", text.index("  - id: ") + 1)
    text = text[:second] + text[second:].replace("hours_per_week:", "hours_per_week: 99 #", 1)
    path.write_text(text, encoding="utf-8")
    ds, misses = both()
    assert misses == 2
    assert any("hours_per_week" in p.path for p in ds.problems)
    # A YAML error anywhere falls back to the one-piece reading, which reports it as usual.
    path.write_text(text.replace("  - id: ", "  - id: [unclosed\n", 1), encoding="utf-8")
    ds, _ = both()
    assert any("YAML syntax error" in p.message for p in ds.problems)


def _sample_with(edits: list[tuple[str, str, int]]) -> str:
    """The sample programs file with replacements: (old, new, which occurrence, counting from 0)."""
    text = (ROOT / "data" / "programs.yaml").read_text(encoding="utf-8")
    for old, new, nth in edits:
        at = -1
        for _ in range(nth + 1):
            at = text.index(old, at + 1)
        text = text[:at] + new + text[at + len(old) :]
    return text


@pytest.mark.parametrize(
    "name, edits",
    [
        ("valid", []),
        # Problems in the first, a middle and the last part, and an id repeated across parts.
        (
            "mistakes",
            [
                ("phone: ", "phone: 12 #", 1),
                ("conditions: [", "conditions: [ptds, ", 17),
                ("hours_per_week: ", "hours_per_week: nine #", 35),
                ("id: riverbend-teen-richmond", "id: poplar-spring-philadelphia", 0),
            ],
        ),
        # A YAML error inside the third part: the whole file is read again in one piece.
        ("syntax", [("summary: ", 'summary: "never closed', 20)]),
    ],
)
def test_reading_a_programs_file_in_parts_finds_exactly_what_one_piece_finds(name, edits, tmp_path, monkeypatch):
    """Big programs files are read in parts on every core (dataset._load_programs_file); the records and every
    problem (line, column, path, message) must be those of a one-piece reading, also when a part has a YAML error."""
    from generator import dataset, load, parallel

    path = tmp_path / "programs.yaml"
    path.write_text(_sample_with(edits), encoding="utf-8")

    def read(parts: bool):
        monkeypatch.setattr(dataset, "PARALLEL_MIN_BYTES", 0 if parts else 10**12)
        monkeypatch.setattr(parallel, "enabled", True)
        monkeypatch.setattr(parallel, "workers", lambda: 2)
        return dataset.load_dataset(ROOT / "data", root=tmp_path, today=dt.date.today(), program_files=[path])

    cuts = []
    monkeypatch.setattr(load, "split_items", lambda *a, _real=load.split_items: cuts.append(_real(*a)) or cuts[-1])
    in_parts, whole = read(True), read(False)
    assert cuts and cuts[0] and len(cuts[0]) == 4  # really cut: 36 programs in 4 parts for "2 cores"
    assert in_parts.programs == whole.programs
    assert in_parts.problems == whole.problems
    messages = [str(p) for p in whole.errors]
    if name == "valid":
        assert len(whole.programs) == 36 and not messages
    elif name == "mistakes":
        assert len(messages) == 4, messages
        assert any("programs[1].phone" in m for m in messages)
        assert any('unknown condition "ptds"' in m for m in messages)
        assert any("programs[35].schedule.hours_per_week" in m for m in messages)
        assert any('id "poplar-spring-philadelphia" is already used' in m for m in messages)
    else:
        assert len(messages) == 1 and "YAML syntax error" in messages[0]
