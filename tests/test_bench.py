"""Smoke run of the benchmark (bench/run.py) on a small synthetic directory: checks its output, never its timing."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import run as bench  # noqa: E402
import synth  # noqa: E402

N = 120


@pytest.fixture(scope="module")
def synthetic_project(tmp_path_factory) -> Path:
    return synth.make_project(N, tmp_path_factory.mktemp("bench") / "project")


def test_synthetic_programs_are_deterministic_and_fictional():
    a, b = synth.programs(50, seed=7), synth.programs(50, seed=7)
    assert a == b
    assert synth.programs(50, seed=8) != a
    ids = [p["id"] for p in synth.programs(N)]
    assert len(set(ids)) == len(ids)
    for p in a:
        assert p["example"] is True
        assert re.fullmatch(r"[2-9]\d\d-555-01\d\d", p["phone"])
        assert p["website"].startswith("https://example.org/")
        assert p["last_verified"] < dt.date.today()


def test_synthetic_data_validates(synthetic_project):
    from generator.dataset import load_dataset

    ds = load_dataset(synthetic_project / "data", root=synthetic_project, today=dt.date.today())
    assert ds.problems == [], "\n".join(map(str, ds.problems[:20]))
    assert len(ds.programs) == N
    states = {p["address"]["state"] for p in ds.programs}
    assert {"NY", "CA"} <= states and len(states) >= 20  # dense metros and the rest of the country
    near_nyc = bench.programs_near(ds.programs, bench.DENSE_ZIP, 25.0)
    assert near_nyc >= N * 0.05  # New York is the densest area


@pytest.mark.browser
def test_bench_smoke(browser, tmp_path):
    out = tmp_path / "out"
    results = bench.main(
        [
            "--sizes",
            str(N),
            "--searches",
            "3",
            "--pages",
            "2",
            "--dense",
            "3",
            "--out",
            str(out),
            "--serve-sizes",
            str(N),
            "--serve-timeout",
            "120",
        ],
        browser=browser,
    )
    n = str(N)
    metrics = results["metrics"]
    assert set(metrics) == {key for key, _, _ in bench.METRICS}
    for key, value in ((k, m.get(n)) for k, m in metrics.items()):
        assert isinstance(value, (int, float)) and not isinstance(value, bool), f"{key} = {value!r}"
        assert value >= 0, key
    assert metrics["program_pages"][n] == N
    assert metrics["html_pages"][n] > N
    assert len(list((out / "work" / n / "data").glob("programs.yaml"))) == 1
    assert metrics["search_dense_kb"][n] > 0 and metrics["first_visit_kb"][n] > metrics["program_html_gz_kb"][n]
    extra = results["extra"]
    assert extra["dense_results"][n] > 0
    assert re.search(r"found within|Showing the", extra["dense_status"][n])
    runs = json.loads((out / f"runs-{n}.json").read_text(encoding="utf-8"))
    assert all(not r["errors"] for kind in runs.values() for r in kind)
    table = (out / "table.md").read_text(encoding="utf-8")
    for _, label, _ in bench.METRICS:
        assert label in table
    saved = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert saved["metrics"] == metrics


def test_local_server_compresses_like_a_static_host(site):
    """Lighthouse runs against this server; it must send text gzip-encoded when asked, as real hosts do."""
    import gzip
    import urllib.request

    from quality.localsite import serve

    with serve(site, compress=True) as base:
        request = urllib.request.Request(f"{base}/find/", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert response.headers["Cache-Control"] == "public, max-age=86400"
            body = gzip.decompress(response.read()).decode("utf-8")
        assert body == (site / "find" / "index.html").read_text(encoding="utf-8")
        with urllib.request.urlopen(f"{base}/find/") as response:  # no Accept-Encoding: plain
            assert response.headers.get("Content-Encoding") is None
    with (
        serve(site) as base,
        urllib.request.urlopen(
            urllib.request.Request(f"{base}/find/", headers={"Accept-Encoding": "gzip"})
        ) as response,
    ):
        assert response.headers.get("Content-Encoding") is None  # tests see files as they are on disk
