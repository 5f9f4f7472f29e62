"""The one projection of every map (generator/projection.py and overrides/assets/js/albers-usa.js): held to
d3-geo's own geoAlbersUsa and geoConicEqualArea (npm d3-geo, run under Node), to each other, to points projected
once and written down, and to us-atlas's pre-projected boundaries; every sample program falls inside its own state."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from quality.tools import missing_tool

from generator import boundaries, geo, maps, model, projection

ROOT = Path(__file__).resolve().parents[1]
D3_GEO = ROOT / "node_modules" / "d3-geo" / "dist" / "d3-geo.mjs"
BROWSER_JS = ROOT / "overrides" / "assets" / "js" / "albers-usa.js"
ALBERS_ATLAS = ROOT / "node_modules" / "us-atlas" / "states-albers-10m.json"
TERRITORIES = ("PR", "VI", "GU", "MP", "AS")


def _node(script: str, data) -> list:
    node = shutil.which("node")
    if node is None:
        missing_tool("Node.js not found: the projection is checked against d3-geo under Node")
    result = subprocess.run(
        [node, "--input-type=module", "-e", script], input=json.dumps(data), capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _d3() -> str:
    if not D3_GEO.is_file():
        missing_tool("d3-geo not found: run `npm ci` at the project root")
    return D3_GEO.as_uri()


def _placed_zips() -> list:
    """ZIP codes of the states and territories programs can be in, leaving out the table's few without a place
    (listed at 0°, 0°) and military post offices."""
    return [z for z in geo.zip_table().values() if z.state in model.US_STATES and (z.lat, z.lon) != (0.0, 0.0)]


@pytest.fixture(scope="module")
def zip_points() -> list[tuple[float, float, str]]:
    """600 ZIP centres drawn from every state and territory, plus each state's first ZIP (seeded, so repeatable)."""
    by_state: dict[str, list] = {}
    for info in _placed_zips():
        by_state.setdefault(info.state, []).append((info.lon, info.lat, info.state))
    rng = random.Random(17)
    points = [sorted(ps)[0] for ps in by_state.values()]
    everything = [p for ps in by_state.values() for p in ps]
    points += rng.sample(everything, 600)
    return points


FAR_POINTS = [  # corners d3 treats specially: the Aleutians past 180°, the Keys, Maine, Point Barrow, Hawaii's ends
    (-176.6581, 51.8800, "AK"),
    (173.1800, 52.9500, "AK"),
    (-156.7886, 71.2906, "AK"),
    (-130.0, 55.0, "AK"),
    (-81.7800, 24.5551, "FL"),
    (-66.9499, 44.8150, "ME"),
    (-160.2, 21.9, "HI"),
    (-154.8, 19.5, "HI"),
    (-124.7, 48.38, "WA"),
]


def test_python_projection_equals_d3_geo_albers_usa(zip_points):
    points = [p for p in zip_points if p[2] not in TERRITORIES] + FAR_POINTS
    d3 = _node(
        f'import {{geoAlbersUsa}} from "{_d3()}"; import {{readFileSync}} from "fs";'
        "const p = geoAlbersUsa(); const pts = JSON.parse(readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(pts.map(([lon, lat]) => p([lon, lat]))));",
        points,
    )
    assert len(d3) == len(points) and None not in d3
    for (lon, lat, state), expected in zip(points, d3):
        for got in (projection.project(lon, lat), projection.project(lon, lat, state)):
            assert got == pytest.approx(expected, abs=1e-9), (lon, lat, state)


def test_territory_insets_are_d3_conic_equal_area_projections(zip_points):
    """d3.geoAlbersUsa has no territories; each of our insets is a d3 conic equal-area with its numbers."""
    points = [p for p in zip_points if p[2] in TERRITORIES]
    points += [(-66.1057, 18.4655, "PR"), (-64.9307, 18.3419, "VI"), (144.7937, 13.4443, "GU")]
    points += [(145.7545, 15.1850, "MP"), (-170.7020, -14.2756, "AS")]
    insets = [projection.inset_for(state) for _, _, state in points]
    data = [
        {
            "pt": [lon, lat],
            "rotate": inset.rotate,
            "center": list(inset.center),
            "parallels": list(inset.parallels),
            "scale": projection.SCALE * inset.scale_factor,
            "translate": [
                projection.TRANSLATE[0] + inset.offset[0] * projection.SCALE,
                projection.TRANSLATE[1] + inset.offset[1] * projection.SCALE,
            ],
        }
        for (lon, lat, _), inset in zip(points, insets)
    ]
    d3 = _node(
        f'import {{geoConicEqualArea}} from "{_d3()}"; import {{readFileSync}} from "fs";'
        "const rows = JSON.parse(readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(rows.map(r => geoConicEqualArea().rotate([r.rotate, 0]).center(r.center)"
        ".parallels(r.parallels).scale(r.scale).translate(r.translate)(r.pt))));",
        data,
    )
    assert {p[2] for p in points} == set(TERRITORIES)
    for (lon, lat, state), expected, inset in zip(points, d3, insets):
        assert projection.project(lon, lat, state) == pytest.approx(expected, abs=1e-9)
        assert inset.holds(*expected), f"{state} ({lon}, {lat}) falls outside its inset's frame"
        assert projection.project(lon, lat) == pytest.approx(expected, abs=1e-9)  # found without its state too


def test_browser_projection_equals_python(zip_points):
    points = zip_points + FAR_POINTS
    js = _node(
        'import {readFileSync} from "fs"; import vm from "vm";'
        f"const ctx = {{window: {{}}}}; vm.runInNewContext(readFileSync({json.dumps(str(BROWSER_JS))}, 'utf8'), ctx);"
        "const P = ctx.window.IOPProjection; const pts = JSON.parse(readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(pts.map(([lon, lat, st]) => [P.project(lon, lat, st), P.project(lon, lat)])));",
        points,
    )
    for (lon, lat, state), (with_state, without) in zip(points, js):
        assert with_state == pytest.approx(projection.project(lon, lat, state), abs=1e-9), (lon, lat, state)
        expected = projection.project(lon, lat)
        assert (without is None) == (expected is None)
        if expected is not None:
            assert without == pytest.approx(expected, abs=1e-9)


def test_known_projected_points():
    """Written down once from d3.geoAlbersUsa (scale 1070, translate 480,250) and from our insets' numbers, so a
    change to the arithmetic shows here even if d3-geo and our copy changed together."""
    assert projection.project(-77.4591, 37.5494) == pytest.approx((758.7920018294944, 245.29326344613924), abs=1e-9)
    assert projection.project(-149.9, 61.2) == pytest.approx((171.17122462409534, 447.062592258631), abs=1e-9)
    assert projection.project(-157.8, 21.3) == pytest.approx((299.4995950411043, 451.1187364729819), abs=1e-9)
    assert projection.project(-66.1, 18.4) == pytest.approx((874.2673216539881, 441.5762130136458), abs=1e-9)
    assert projection.project(10.0, 50.0) is None  # Europe: in no inset's frame, as d3 returns null


def test_outlines_agree_with_us_atlas_pre_projected_states():
    """us-atlas also ships the same states projected by d3.geoAlbersUsa().scale(1300).translate([487.5, 305])
    (and simplified on its own): every state's box from our projection, moved to that scale, matches its box
    there within two pixels."""
    if not ALBERS_ATLAS.is_file():
        missing_tool("us-atlas not found: run `npm ci` at the project root")
    topo = json.loads(ALBERS_ATLAS.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for deltas in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in deltas:
            x, y = x + dx, y + dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    k = 1300 / projection.SCALE
    checked = 0
    for g in topo["objects"]["states"]["geometries"]:
        state = boundaries.FIPS[g["id"]]
        polygons = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        pts = [p for poly in polygons for ring in poly for ref in ring for p in arcs[ref if ref >= 0 else ~ref]]
        theirs = (min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts))
        x0, y0, x1, y1 = boundaries.plane_box(state)
        ours = (487.5 + k * (x0 - 480), 305 + k * (y0 - 250), 487.5 + k * (x1 - 480), 305 + k * (y1 - 250))
        assert ours == pytest.approx(theirs, abs=2), state
        checked += 1
    assert checked == 51  # the 50 states and DC: d3.geoAlbersUsa has no territories


def test_every_sample_program_lies_inside_its_own_state(dataset):
    """On every outline a program is drawn on: the state page's, the finder's and the national map's."""
    finder = boundaries.shapes(0, maps.FINDER_UNIT)
    national = boundaries.shapes(maps.US_MIN_AREA, maps.US_UNIT)
    for p in dataset.programs:
        state = p["address"]["state"]
        lat, lon = p["_point"]
        x, y = projection.project(lon, lat, state)
        shape = maps.state_frame(state).shape
        assert shape.contains(x / shape.unit, y / shape.unit), p["id"]
        assert finder[state].contains(x / maps.FINDER_UNIT, y / maps.FINDER_UNIT), p["id"]
        assert national[state].contains(x / maps.US_UNIT, y / maps.US_UNIT), p["id"]
        for other, outline in finder.items():
            if other != state:
                assert not outline.contains(x / maps.FINDER_UNIT, y / maps.FINDER_UNIT), (p["id"], other)


def test_most_zip_centres_lie_inside_their_state_outline():
    """ZIP centres stand in for programs without coordinates. A few coastal ones sit offshore of a 1:10,000,000
    outline; state maps move those just inside (next test). Count them so a broken projection or outline shows."""
    finder = boundaries.shapes(0, maps.FINDER_UNIT)
    zips = _placed_zips()
    inside = sum(
        finder[z.state].contains(*(v / maps.FINDER_UNIT for v in projection.project(z.lon, z.lat, z.state)))
        for z in zips
    )
    assert len(zips) > 30000
    assert inside / len(zips) > 0.99, f"{inside} of {len(zips)}"


def test_a_dot_offshore_of_its_outline_is_moved_just_inside():
    shape = maps.state_frame("VA").shape
    x, y = projection.project(-75.85, 36.85, "VA")  # the Atlantic, about 7 miles off Virginia Beach
    qx, qy = x / shape.unit, y / shape.unit
    assert not shape.contains(qx, qy)
    mx, my = shape.nearest_inside(qx, qy)
    assert shape.contains(mx, my)
    units_per_mile = abs(projection.project(-75.85, 36.85 + 1 / 69, "VA")[1] - y) / shape.unit
    assert ((mx - qx) ** 2 + (my - qy) ** 2) ** 0.5 / units_per_mile < 10
