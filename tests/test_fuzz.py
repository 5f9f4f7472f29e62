"""Fuzzed program files: over a thousand generated malformed YAML documents go through validation without a single
exception, every problem names file:line:column, and a build from a broken file writes nothing."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, copy_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import geo
from generator.dataset import load_dataset

PROBLEM_LINE = re.compile(r"^[^:]+:\d+:\d+: ")
TODAY = dt.date.today()

# One valid program from the sample data: the seed that mutations start from.
SAMPLE = (ROOT / "data" / "programs.yaml").read_text(encoding="utf-8")
_start = SAMPLE.index("programs:")
_second = SAMPLE.index("\n  - id:", SAMPLE.index("  - id:", _start) + 1)
VALID = SAMPLE[_start:_second].rstrip() + "\n"

FIELDS = [
    "id",
    "name",
    "summary",
    "focus",
    "levels_of_care",
    "address",
    "phone",
    "website",
    "telehealth",
    "populations",
    "languages",
    "schedule",
    "conditions",
    "therapies",
    "payment",
    "last_verified",
    "source",
    "location",
    "medications",
    "insurers",
    "accreditations",
    "licenses",
    "medical_director",
]
YAML_CHARS = ":-[]{}\"'|>&*!%@`#,?\n\t \\~=<"


# --- Generators of broken documents -------------------------------------------------------------------------------


def _mutate(text: str, ops: list[tuple[int, int, int, bytes]]) -> bytes:
    data = bytearray(text.encode("utf-8"))
    for kind, at, span, junk in ops:
        at = at % (len(data) + 1)
        if kind == 0:  # delete a span
            del data[at : at + span]
        elif kind == 1:  # insert junk
            data[at:at] = junk
        elif kind == 2:  # duplicate a line
            start = data.rfind(b"\n", 0, at) + 1
            end = data.find(b"\n", at)
            end = len(data) if end < 0 else end + 1
            data[end:end] = data[start:end]
        elif kind == 3:  # shift indentation of a line
            start = data.rfind(b"\n", 0, at) + 1
            data[start:start] = b" " * (span % 5 + 1) if span % 2 else b""
            if not span % 2:
                del data[start : start + 1]
        else:  # overwrite a span with junk
            data[at : at + len(junk)] = junk
    return bytes(data)


mutations = st.builds(
    _mutate,
    st.just(VALID),
    st.lists(
        st.tuples(
            st.integers(0, 4),
            st.integers(0, 5000),
            st.integers(1, 40),
            st.one_of(st.binary(max_size=12), st.text(YAML_CHARS, max_size=12).map(str.encode)),
        ),
        min_size=1,
        max_size=6,
    ),
)

syntax_soup = st.text(alphabet=st.sampled_from(list(YAML_CHARS) + list("abcid0123456789é🌱\u202e")), max_size=300).map(
    lambda s: ("programs:\n  - " + s).encode("utf-8")
)

binary_junk = st.one_of(
    st.binary(max_size=400),
    st.binary(max_size=200).map(lambda b: VALID.encode() + b),
    st.binary(min_size=1, max_size=50).map(lambda b: b"\xef\xbb\xbf" + b + VALID.encode()),
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.just("2026-13-45"),
    st.just("~"),
    st.just("!!binary aGk="),
    st.just("&a x"),
    st.just("*nope"),
    st.just("!!python/object:os.system ls"),
)


def _yaml_value(v) -> str:
    if isinstance(v, str) and (v.startswith(("!!", "&", "*")) or v in ("~", "2026-13-45")):
        return v
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v != v:
        return ".nan"
    if isinstance(v, float) and v in (float("inf"), float("-inf")):
        return ".inf" if v > 0 else "-.inf"
    return repr(v)


wrong_types = st.builds(
    lambda field, shape, value: VALID.replace(
        f"\n    {field}:", f"\n    {field}: {shape.replace('{}', _yaml_value(value))}\n    x_{field}_was:", 1
    ).encode(),
    st.sampled_from(FIELDS),
    st.sampled_from(["{}", "[{}]", "[{}, [{}]]", "{a: {}}", "[[[{}]]]", "|\n      {}"]),
    scalars,
)

deep_nesting = st.builds(
    lambda depth, style: {
        0: b"programs:\n  - name: " + b"[" * depth + b"]" * depth,
        1: b"programs:\n  - name: " + b"{a: " * depth + b"1" + b"}" * depth,
        2: b"programs:\n" + b"".join(b"  " * i + b"- \n" for i in range(min(depth, 3000))),
        3: b"programs:\n  - name: " + b"[" * depth,  # never closed
    }[style],
    st.sampled_from([39, 40, 41, 100, 1000, 100000]),
    st.integers(0, 3),
)

huge_strings = st.builds(
    lambda size, field, char: VALID.replace(f"\n    {field}: ", f"\n    {field}: {char * size}  # ", 1).encode(),
    st.sampled_from([301, 601, 20001, 1_000_000]),
    st.sampled_from(["name", "summary", "source", "id", "phone"]),
    st.sampled_from(["a", "é", "🌱", "\u202e"]),
)

duplicate_keys = st.builds(
    lambda field, top: (
        VALID + "programs: []\n" if top else VALID.replace(f"\n    {field}:", f"\n    {field}: dup\n    {field}:", 1)
    ).encode(),
    st.sampled_from(FIELDS),
    st.booleans(),
)

documents = st.one_of(
    mutations,
    syntax_soup,
    binary_junk,
    wrong_types,
    deep_nesting,
    huge_strings,
    duplicate_keys,
    st.sampled_from(
        [
            b"",
            b"---\n",
            b"programs:",
            b"programs: 5",
            b"- a\n- b",
            b"--- 1\n--- 2",
            b"programs: &a [*a]",
            b"\x00",
            b"\xff\xfe",
            b"programs:\n\t- id: x",
        ]
    ),
)


# --- Validation never raises, and always says where -------------------------------------------------------------------


@pytest.fixture(scope="module")
def zips():
    return geo.zip_table()


def check_document(data: bytes, path: Path, zips) -> list[str]:
    path.write_bytes(data)
    ds = load_dataset(ROOT / "data", root=ROOT, today=TODAY, program_files=[path], zips=zips)
    shown = [str(p) for p in ds.problems]
    for problem, text in zip(ds.problems, shown):
        assert problem.line >= 1 and problem.column >= 1, text
        assert PROBLEM_LINE.match(text), text
        assert problem.file.endswith(path.name), text
    # A document is either rejected with a reason or yields programs: never silently nothing.
    assert ds.errors or ds.programs, "no problem reported and no program loaded"
    return shown


def test_fuzzed_documents_never_crash_validation(tmp_path, zips):
    target = tmp_path / "programs.yaml"
    seen = {"count": 0, "rejected": 0}

    @settings(
        max_examples=1000,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
            HealthCheck.function_scoped_fixture,
        ],
    )
    @given(documents)
    def run(data):
        seen["count"] += 1
        if check_document(data, target, zips):
            seen["rejected"] += 1

    run()
    print(f"fuzz: {seen['count']} documents validated, {seen['rejected']} rejected with file:line problems")
    assert seen["count"] >= 1000
    assert seen["rejected"] >= 0.9 * seen["count"]


def test_the_valid_seed_is_valid(tmp_path, zips):
    """The seed really is a good program, so mutations of it test the edges of validation."""
    assert check_document(VALID.encode(), tmp_path / "programs.yaml", zips) == []


# --- A build from a broken file writes nothing ----------------------------------------------------------------------

BROKEN_FOR_BUILD = [
    b"programs:\n  - id: x\n    name: [1\n",
    b"\xff\xfe\x00junk",
    b"programs:\n  - name: " + b"[" * 100000,
    b"programs:\n  - name: " + b"{a: " * 60 + b"1" + b"}" * 60,
    VALID.replace("\n    name:", "\n    name: dup\n    name:", 1).encode(),
    VALID.replace("\n    phone: 804-555-0101", "\n    phone: [804]", 1).encode(),
    VALID.replace(
        "\n    website: https://example.org/harbor-light-richmond", "\n    website: javascript:alert(1)", 1
    ).encode(),
    VALID.replace("\n    summary:", "\n    summary: " + "a" * 1_000_000 + "\n    x_summary:", 1).encode(),
    b"",
    b"programs: 5\n",
    b"--- 1\n--- 2\n",
    b"programs: &a [*a]\n",
    b"programs:\n\t- id: x\n",
    VALID.replace("last_verified: 2026-10-02", "last_verified: 2026-13-45").encode(),
    VALID.replace('zip: "23220"', 'zip: "2322"').encode(),
    VALID.replace("\n    conditions:", "\n    conditions: {a: b}\n    x_conditions:", 1).encode(),
    VALID.encode() + b"\x00",
    VALID.replace("  - id: harbor-light-richmond", "  - id: Harbor Light!").encode(),
    VALID.replace("focus: substance_use", "focus: !!python/object:os.system ls").encode(),
    b'programs:\n  - "\\u202e<script>alert(1)</script>": 1\n',
]


def _cli_build(project: Path, data: bytes, out: Path) -> subprocess.CompletedProcess:
    (project / "data" / "programs.yaml").write_bytes(data)
    out.mkdir()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def _api_build(project: Path, data: bytes, out: Path) -> str:
    """What `mkdocs build` does, in this process (the CLI spends seconds importing its search plugin each time):
    load the config, run the build, and name the exception. The CLI turns an Abort or BuildError into exit code 1
    and a one-line message; any other exception would be a traceback."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, BuildError

    (project / "data" / "programs.yaml").write_bytes(data)
    out.mkdir()
    cfg = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(out), strict=True)
    cfg.plugins.on_startup(command="build", dirty=False)
    try:
        build(cfg)
    except (Abort, BuildError) as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        cfg.plugins.on_shutdown()
    return "built"


def test_broken_files_stop_the_build_and_write_nothing(tmp_path, monkeypatch, caplog):
    assert len(BROKEN_FOR_BUILD) == 20
    project = copy_project(tmp_path / "project")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    failures = []
    for i, data in enumerate(BROKEN_FOR_BUILD):
        out = tmp_path / f"out{i}"
        caplog.clear()
        with caplog.at_level("ERROR", logger="mkdocs"):
            outcome = _api_build(project, data, out)
        outcome += "\n" + "\n".join(
            r.getMessage() for r in caplog.records
        )  # any other exception fails the test with its traceback
        if not outcome.startswith(("BuildError", "PluginError", "Abort")):
            failures.append(f"document {i}: expected the build to stop, got {outcome[:300]}")
        elif not re.search(r"data/programs\.yaml:\d+:\d+: ", outcome):
            failures.append(f"document {i}: the message has no data/programs.yaml:line:column\n{outcome[:1500]}")
        if any(out.iterdir()):
            failures.append(f"document {i}: the build wrote {sorted(p.name for p in out.iterdir())[:10]}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("index", [0, 1, 2])  # a YAML syntax error, binary junk, nesting 100,000 deep
def test_mkdocs_cli_exits_1_without_a_traceback(tmp_path, index):
    project = copy_project(tmp_path / "project")
    out = tmp_path / "out"
    proc = _cli_build(project, BROKEN_FOR_BUILD[index], out)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "Traceback" not in output, output
    assert re.search(r"data/programs\.yaml:\d+:\d+: ", output), output
    assert list(out.iterdir()) == []


# --- Every data file is fuzzed, not only programs --------------------------------------------------------------------


def _vocabulary_seed(collection: str) -> str:
    """The first record of a real vocabulary file, as the seed its mutations start from."""
    text = (ROOT / "data" / f"{collection}.yaml").read_text(encoding="utf-8")
    start = text.index(f"{collection}:")
    second = text.index("\n  - id:", text.index("  - id:", start) + 1)
    return text[start:second].rstrip() + "\n"


def _vocabulary_documents(collection: str):
    seed = _vocabulary_seed(collection)
    return st.one_of(
        st.builds(
            _mutate,
            st.just(seed),
            st.lists(
                st.tuples(
                    st.integers(0, 4),
                    st.integers(0, 3000),
                    st.integers(1, 40),
                    st.one_of(st.binary(max_size=12), st.text(YAML_CHARS, max_size=12).map(str.encode)),
                ),
                min_size=1,
                max_size=6,
            ),
        ),
        st.builds(
            lambda field, shape, value: seed.replace(
                f"\n    {field}:", f"\n    {field}: {shape.replace('{}', _yaml_value(value))}\n    x_{field}_was:", 1
            ).encode(),
            st.sampled_from(["id", "name", "summary", "description", "sources", "aliases", "title", "url"]),
            st.sampled_from(["{}", "[{}]", "{a: {}}", "[[[{}]]]", "|\n      {}", "!!set {{}}", "!thing [{}]"]),
            scalars,
        ),
        st.text(alphabet=st.sampled_from(list(YAML_CHARS) + list("abcid0123456789é\u202e")), max_size=200).map(
            lambda s: (f"{collection}:\n  - " + s).encode("utf-8")
        ),
    )


@pytest.mark.parametrize("collection", ["conditions", "therapies", "sources"])
def test_fuzzed_vocabulary_files_never_crash_validation(tmp_path, collection):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    for name in ("conditions", "therapies", "sources"):
        (data_dir / f"{name}.yaml").write_bytes((ROOT / "data" / f"{name}.yaml").read_bytes())
    target = data_dir / f"{collection}.yaml"
    seen = {"count": 0}

    @settings(
        max_examples=150,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(_vocabulary_documents(collection))
    def run(data):
        seen["count"] += 1
        target.write_bytes(data)
        ds = load_dataset(data_dir, root=tmp_path, today=TODAY, program_files=[])
        for problem in ds.problems:
            text = str(problem)
            assert problem.line >= 1 and problem.column >= 1, text
            assert PROBLEM_LINE.match(text), text

    run()
    assert seen["count"] >= 150
