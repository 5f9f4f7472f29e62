"""Geography: ZIP centroids from the offline table, geodesic distances, nearest neighbours equal brute force."""

from __future__ import annotations

import json
import re

import pytest

from generator import geo


def test_zip_table_is_offline_and_complete():
    table = geo.zip_table()
    assert len(table) > 40000
    z = table["22901"]
    assert (z.state, z.city) == ("VA", "Charlottesville")
    assert z.lat == pytest.approx(38.0936, abs=1e-4) and z.lon == pytest.approx(-78.5611, abs=1e-4)


def test_the_shipped_zip_file_is_the_zipcodes_package_table():
    """Builds read ZIP centroids from generator/data/zips.tsv, not from the package (1.4 s a build): the file must
    hold exactly the installed package's table, row for row, and write back to the same bytes."""
    from generator import cli

    package = geo.zip_table_from_package()
    assert geo.zip_table() == package
    assert geo.ZIP_FILE.read_text(encoding="utf-8") == geo.zip_file_text(package), (
        "generator/data/zips.tsv is out of date with the zipcodes package: run python -m generator zip-table"
    )
    assert cli.main(["zip-table"]) == 0  # with nothing to change it writes nothing
    with pytest.raises(ValueError, match="a field is empty or holds a tab"):
        geo.zip_file_text({"00000": geo.ZipInfo("00000", 1.0, 2.0, "VA", "Tab\tTown")})


@pytest.mark.parametrize(
    "a, b, miles",
    [
        ("22901", "23220", 71.02),  # Charlottesville -> Richmond, VA
        ("60614", "60201", 9.39),  # Chicago (Lincoln Park) -> Evanston, IL
        ("10001", "90012", 2450.7),  # New York -> Los Angeles (published great-circle figures: about 2,450 miles)
    ],
)
def test_known_distances_between_zip_centroids(a, b, miles):
    t = geo.zip_table()
    got = geo.geodesic_miles((t[a].lat, t[a].lon), (t[b].lat, t[b].lon))
    assert got == pytest.approx(miles, rel=0.001)
    assert geo.haversine_miles(t[a].lat, t[a].lon, t[b].lat, t[b].lon) == pytest.approx(got, rel=0.005)


def test_nearest_programs_equal_brute_force_on_sample_data(dataset):
    points = {p["id"]: p["_point"] for p in dataset.programs}
    fast = geo.nearest_programs(points, k=5, radius_miles=50)
    for pid, origin in points.items():
        brute = sorted((geo.geodesic_miles(origin, other), oid) for oid, other in points.items() if oid != pid)
        expected = [(oid, miles) for miles, oid in brute if miles <= 50][:5]
        assert [o for o, _ in fast[pid]] == [o for o, _ in expected], pid
        for (_, got), (_, want) in zip(fast[pid], expected):
            assert got == pytest.approx(want, abs=1e-6)


def test_geodesic_is_geopys_geodesic():
    from geopy.distance import geodesic

    a, b = (37.5494, -77.4591), (41.9229, -87.6483)
    assert geo.geodesic_miles(a, b) == pytest.approx(geodesic(a, b).miles, abs=1e-9)


def _lunr_hits(idx, words: list[str]) -> set[str]:
    """What a lunr index finds for words that must all be present (the finder's query before word indexes)."""
    return {h["ref"] for h in idx.search(" ".join("+" + w for w in words))}


def test_the_word_index_finds_exactly_what_lunr_finds(dataset):
    """The finder's word indexes keep only which programs hold each word: every query of one, two and three
    words (words of the programs' own text, their stems' neighbours, misses) must find what lunr.py's search
    with required terms finds over the same documents, for every leaf size and for odd text."""
    import random

    from lunr import lunr

    from generator import indexes

    docs = [indexes.text_document(p, dataset) for p in dataset.programs]
    odd = [
        {"id": "a", "name": "The the THE", "city": None, "topics": "— - --", "summary": "x\u00a0y ünïcode naïve"},
        {"id": "b", "name": "a", "city": "a a a", "topics": "", "summary": "running runs ran"},
    ]
    vocabulary = sorted(
        {w for d in docs for f in indexes.TEXT_FIELDS for w in re.findall(r"\w+", str(d[f] or "").lower())}
    )
    rnd = random.Random(5)
    queries = [[w] for w in vocabulary] + [["nonsenseword"], ["running"], ["ran"], ["naïve"], ["the"]]
    queries += [rnd.sample(vocabulary, k) for k in (2, 3) for _ in range(150)]
    checked = 0
    for subset in (docs, docs[:1], docs[:5], docs[:17], odd):
        index = json.loads(indexes.dumps(indexes.word_index(subset)))
        assert index["v"] == indexes.WORDS_VERSION and index["ids"] == [d["id"] for d in subset]
        idx = lunr(ref="id", fields=list(indexes.TEXT_FIELDS), documents=subset)
        for words in queries:
            assert indexes.matches(index, words) == _lunr_hits(idx, words), words
            checked += 1
    assert checked > 2000


def test_vincenty_agrees_with_geographiclib_everywhere_in_the_directory():
    import random

    rnd = random.Random(3)
    zips = list(geo.zip_table().values())
    worst = 0.0
    for _ in range(3000):
        a, b = rnd.sample(zips, 2)
        if rnd.random() < 0.5:  # plenty of short hops, as nearby programs are
            b = geo.ZipInfo(b.zip, a.lat + rnd.uniform(-0.7, 0.7), a.lon + rnd.uniform(-0.7, 0.7), a.state, a.city)
        got = geo.vincenty_miles((a.lat, a.lon), (b.lat, b.lon))
        want = geo.geodesic_miles((a.lat, a.lon), (b.lat, b.lon))
        worst = max(worst, abs(got - want))
    assert worst < 1e-6  # miles: under 2 mm
    assert geo.vincenty_miles((40.0, -75.0), (40.0, -75.0)) == 0.0
    # Nearly antipodal points, where Vincenty does not converge, fall back to geographiclib.
    assert geo.vincenty_miles((0.0, 0.0), (0.5, 179.7)) == pytest.approx(geo.geodesic_miles((0.0, 0.0), (0.5, 179.7)))
