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

    from generator.dataset import load_dataset, record_key

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    today = dt.date.today()
    caches: dict = {}

    def both():
        cached = load_dataset(data, root=tmp_path, today=today, item_caches=caches, all_positions=False)
        fresh = load_dataset(data, root=tmp_path, today=today, all_positions=False)
        # A cached record carries its key, which must be the digest a fresh read gives. (Records are final once
        # read: a load may hand the same record again when its item's text and place are unchanged.)
        assert [p["_key"] for p in cached.programs] == [record_key(p) for p in fresh.programs]
        assert [{k: v for k, v in p.items() if k != "_key"} for p in cached.programs] == fresh.programs
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
    # An edit in place: every other item is the one placed last time, its problems included.
    before = {p["id"]: p for p in ds.programs}
    path.write_text(text.replace("phone: 804-555-0199", "phone: 804-555-0198", 1), encoding="utf-8")
    ds, misses = both()
    assert misses == 1 and any("hours_per_week" in p.path for p in ds.problems)
    assert sum(p is before[p["id"]] for p in ds.programs) == len(ds.programs) - 1
    path.write_text(text, encoding="utf-8")
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


# --- Values that pretend to be something else (issue 14, item 4) ---------------------------------------------------

P = "tests/fixtures/hostile/pretend/"
PRIVATE = "must be a public website, not this computer or a private network"
PRETEND = [
    f'{P}conditions.yaml:13:5: conditions[1].id: "index" would give this condition the page /conditions/, which lists '
    "every condition (choose another id)",
    f'{P}conditions.yaml:23:5: conditions[2].id: "con" is a name Windows cannot give a file or folder, so its page '
    "could not be built (choose another id)",
    f"{P}conditions.yaml:34:5: conditions[3].name: contains a line break (U+000D) (write it on one line)",
    f"{P}conditions.yaml:36:5: conditions[3].summary: 0777 without quotes is a number, and YAML 1.1 tools read it as "
    '511 (write it in quotes: summary: "0777")',
    f"{P}conditions.yaml:43:7: conditions[3].[therapies, sources]: a field name must be text, got a list "
    '[therapies, sources] (write a field name such as "id")',
    f"{P}license_lookups.yaml:10:5: license_lookups[1].url: must start with https://, got "
    '"http://licensing.example.org/" (the agency\'s page over a secure connection)',
    f'{P}license_lookups.yaml:14:5: license_lookups[2].url: {PRIVATE}, got "https://192.168.1.20/lookup" (link to a '
    "public website)",
    f"{P}license_lookups.yaml:20:5: license_lookups[3].number_parameter: expected the name of a query parameter, such "
    'as l or license, got "l&admin=1" (letters, digits, _ . or -, as in ?l=12345)',
    f"{P}license_lookups.yaml:21:5: license_lookups[4].state: MA already has a license lookup at "
    f"{P}license_lookups.yaml:4 (keep only one)",
    f"{P}license_lookups.yaml:26:5: license_lookups[5].agency: contains a line break (U+2028) (write it on one line)",
    f'{P}license_lookups.yaml:28:5: license_lookups[5].page: unknown value "lookup" (allowed: search, agency)',
    f'{P}programs.yaml:3:5: programs[0].id: "index" is kept for the site\'s own pages (choose another id)',
    f'{P}programs.yaml:4:18: programs[0].former_ids[0]: "nul" is a name Windows cannot give a file or folder, so its '
    "page could not be built (choose another id)",
    f"{P}programs.yaml:5:5: programs[0].name: contains a tab (U+0009) (write it on one line)",
    f"{P}programs.yaml:11:7: programs[0].address.street: contains an invisible zero-width character U+200D (delete it: "
    "it makes text look like other text)",
    f"{P}programs.yaml:12:7: programs[0].address.city: contains a line break (U+2028) (write it on one line)",
    f"{P}programs.yaml:14:7: programs[0].address.zip: 02134 without quotes is a number, and YAML 1.1 tools read it as "
    '1116 (write it in quotes: zip: "02134")',
    f'{P}programs.yaml:16:5: programs[0].website: {PRIVATE}, got "http://127.0.0.1:8080/" (link to a public website)',
    f'{P}programs.yaml:24:16: programs[0].insurers[0]: 2024 without quotes is a number, not text (write it in quotes: "2024")',
    f"{P}programs.yaml:27:9: programs[0].accreditations[0].id: 548213 without quotes is a number, not text (write it "
    'in quotes: id: "548213")',
    f"{P}programs.yaml:30:9: programs[0].licenses[0].number: 0173 without quotes is a number, and YAML 1.1 tools read "
    'it as 123 (write it in quotes: number: "0173")',
    f'{P}programs.yaml:41:5: programs[1].website: must not hold a user name or password, got "https://user:secret@'
    'example.org/" (remove everything from :// up to and including the @)',
    f'{P}programs.yaml:60:5: programs[2].website: {PRIVATE}, got "http://[fe80::1]/" (link to a public website)',
    f'{P}sources.yaml:8:5: sources[1].id: "index" is kept for the site\'s own pages (choose another id)',
    f'{P}sources.yaml:14:5: sources[2].url: {PRIVATE}, got "http://10.0.0.7/admin" (link to a public website)',
    f'{P}sources.yaml:18:5: sources[3].url: must not hold a user name or password, got "https://example.org@evil.'
    'example/" (remove everything from :// up to and including the @)',
    f'{P}sources.yaml:22:5: sources[4].url: has an invalid port, got "https://example.org:65536/" (a port is a number '
    "from 1 to 65535; most addresses have none)",
    f"{P}sources.yaml:24:5: sources[5].title: contains the direction control character U+202E, which reorders the "
    "text around it (delete it)",
    f'{P}sources.yaml:27:5: sources[6].title: 2024 without quotes is a number, not text (write it in quotes: title: "2024")',
    f'{P}therapies.yaml:12:5: therapies[1].id: "index" would give this therapy the page /therapies/, which lists every '
    "therapy (choose another id)",
    f"{P}therapies.yaml:22:5: therapies[2].name: contains an invisible zero-width character U+200B (delete it: it "
    "makes text look like other text)",
    f"{P}therapies.yaml:32:5: therapies[3].summary: contains a line break (U+000A) (write it on one line)",
    f"{P}therapies.yaml:42:5: therapies[4].description: contains the direction control character U+202E, which "
    "reorders the text around it (delete it)",
    f"{P}therapies.yaml:43:5: therapies[4].session: contains a tab (U+0009) (indent with spaces and end lines with a "
    "plain line break)",
]


def _yaml_item_lines(text: str) -> list[int]:
    """Where PyYAML itself says each item of `programs:` starts (1-based), the oracle for load.items."""
    import yaml

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    return [item.start_mark.line + 1 for item in root.value[0][1].value]


@pytest.mark.parametrize("indent", [0, 2])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_programs_file_is_cut_where_yaml_starts_each_item(indent, newline):
    """`serve` and big builds cut programs.yaml into its list items (load.items, load.split_items). Every cut must
    fall where PyYAML starts an item, with the item's text whole, through comments, blank lines, block text and
    nested lists, in either indentation style and with Windows line breaks."""
    from generator import load

    pad = " " * indent
    lines = ["# programs for the test", "", "programs:  # the list"]
    for n in range(7):
        lines += [
            f"{pad}- id: program-{n}",
            f"{pad}  notes: |",
            f"{pad}    first line",
            "",
            f"{pad}    - not an item: inside the block",
            "# a comment at the left edge",
            f"{pad}  conditions:",
            f"{pad}  - depression",
            f"{pad}  -",
        ]
    text = newline.join(lines) + newline
    found = load.items(text, "programs")
    assert [line for line, _ in found] == _yaml_item_lines(text) == [4 + 9 * n for n in range(7)]
    assert "".join(item for _, item in found) == text[text.index(f"{pad}- id: program-0") :]
    parts = load.split_items(text, "programs", 3)
    assert [first for first, _ in parts] == [0, 3, 6]
    for first, part in parts:  # each part reads on its own, its items on their own lines
        assert _yaml_item_lines(part) == [4 + 9 * n for n in range(first, min(first + 3, 7))]


@pytest.mark.parametrize(
    "text",
    [
        "programs:\n- id: a\nother: 1\n",  # another top-level key after the list
        "programs:\n  - id: a\n - id: b\n",  # a line outside the list's indentation
        "programs:\n- id: a\n\t- id: b\n",  # a tab where a line starts
        "programs:\n- id: a\r- id: b\n",  # a lone carriage return: YAML would count the lines differently
        "programs:\n- id: a\n  name: b\u2028c\n",  # a Unicode line separator
        "sites:\n- id: a\n",  # not the programs list
        "programs:\n  id: a\n",  # not a list
    ],
)
def test_a_programs_file_laid_out_otherwise_is_read_in_one_piece(text):
    from generator import load

    assert load.items(text, "programs") is None
    assert load.split_items(text, "programs", 1) is None


def test_values_that_pretend_are_rejected_in_every_data_file_with_file_and_line():
    """Unquoted numbers where text belongs (the octal ZIP 02134), line breaks, tabs, zero-width and direction
    characters, links to private hosts, user names and bad ports, reserved ids and a list used as a field name: in
    programs, conditions, therapies, sources and license lookups alike (where a lookup must also be https, with a
    plain query parameter name, once per state)."""
    result = validate_cli("--data", P, P + "programs.yaml")
    assert result.returncode == 1
    assert result.stdout.splitlines() == PRETEND + ["34 problems in 5 files."]
    assert "Traceback" not in result.stdout + result.stderr
    # Every message points at the line holding its field (or the key itself).
    for line in PRETEND:
        file, number = line.split(":")[:2]
        text = (ROOT / file).read_text(encoding="utf-8").splitlines()[int(number) - 1]
        field = line.split(": ", 2)[1].rsplit(".", 1)[-1].split("[")[0]
        assert field in text or "?" in text, (line, text)


T = "tests/fixtures/hostile/tags/"
NOT_DATA = (
    "is not allowed (remove it: data files hold only text, numbers, dates, true/false, lists and groups of fields)"
)
TAGS = [
    f"{T}conditions.yaml:4:11: the YAML tag !local-tag {NOT_DATA}",
    f"{T}conditions.yaml:5:16: the YAML tag !<tag:example.org,2026:list> {NOT_DATA}",
    f"{T}programs.yaml:2:1: the YAML tag !!python/object/new:dict {NOT_DATA}",
    f"{T}programs.yaml:4:9: the YAML tag !!python/name:os.system {NOT_DATA}",
    f"{T}programs.yaml:5:14: the YAML tag !address {NOT_DATA}",
    f"{T}sources.yaml:3:10: the YAML tag !!omap {NOT_DATA}",
    f"{T}sources.yaml:5:12: the YAML tag !!binary {NOT_DATA}",
    f"{T}therapies.yaml:3:5: the YAML tag !!python/object:os.system {NOT_DATA}",
    f"{T}therapies.yaml:6:14: the YAML tag !!set {NOT_DATA}",
]


def test_yaml_tags_are_rejected_on_mappings_lists_and_plain_values_in_every_data_file():
    result = validate_cli("--data", T, T + "programs.yaml")
    assert result.returncode == 1
    assert result.stdout.splitlines() == TAGS + ["9 problems in 4 files."]


def test_standard_tags_are_still_plain_data():
    node, problems = parse_bytes(b'programs: !!seq\n  - !!map {id: !!str "02134", n: !!int 3}\n', "ok.yaml")
    assert problems == [] and node is not None


@pytest.mark.parametrize(
    "document, expected",
    [
        (
            b"? [programs]\n: []\n",
            'top.yaml:1:3: [programs]: unknown top-level key (this file holds only "programs:")',
        ),
        (b"programs: []\n1: x\n", 'top.yaml:2:1: 1: unknown top-level key (this file holds only "programs:")'),
    ],
)
def test_keys_that_are_not_text_are_named_by_their_own_text(document, expected):
    from generator.validate import check_collection

    node, problems = parse_bytes(document, "top.yaml")
    loaded = check_collection(node, "programs", "top.yaml", {}, dt.date(2026, 1, 1))
    assert expected in [str(p) for p in loaded.problems]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.1/",
        "http://0x7f.0.0.1/",
        "http://2130706433/",
        "http://017700000001/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fd00::1]/",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.0.1/",
        "http://100.64.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://localhost/",
        "http://LOCALHOST./",
        "http://app.localhost/",
        "http://printer.local/",
        "http://wiki.internal/",
        "http://router.home.arpa/",
        "http://intranet/",
    ],
)
def test_links_to_this_computer_or_a_private_network_are_rejected(url):
    from generator.validate import url_problem

    assert url_problem(url) == f'{PRIVATE}, got "{url}" (link to a public website)'


@pytest.mark.parametrize(
    "url, problem",
    [
        ("https://user@example.org/", "must not hold a user name or password"),
        ("https://:@example.org/", "must not hold a user name or password"),
        ("https://example.org:0/", "has an invalid port"),
        ("https://example.org:65536/", "has an invalid port"),
        ("https://example.org:80x/", "has an invalid port"),
        ("https://exa_mple.org/", "has an invalid host"),
        ("https://-example.org/", "has an invalid host"),
        ("http://1.2.3.4.5/", "has an invalid host"),
        ("javascript:alert(1)", "must start with https:// or http://"),
        ("https://example.org/a b", "must start with https:// or http://"),
        ('https://example.org/"onmouseover=', "must start with https:// or http://"),
    ],
)
def test_links_with_user_names_bad_ports_or_bad_hosts_are_rejected(url, problem):
    from generator.validate import url_problem

    assert url_problem(url).startswith(f"{problem}"), url_problem(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/",
        "HTTPS://Example.org/Path?q=1#frag",
        "https://example.org:8443/intake",
        "http://93.184.216.34/",
        "https://bücher.example/",
        "https://xn--bcher-kva.example/",
        "https://example.org./",
    ],
)
def test_public_links_are_accepted(url):
    from generator.validate import url_problem

    assert url_problem(url) is None
