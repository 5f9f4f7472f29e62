"""The maps in the built site (generator/maps.py): the US map links and shades every state with programs, state
maps dot every program people visit and none that meets only by video, the finder's outline files cover every
state, fills meet contrast, and the markup holds no script and every data value escaped."""

from __future__ import annotations

import datetime as dt
import gzip
import html
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import copy_project, read, run_mkdocs

from generator import boundaries, maps, model, projection
from generator.dataset import load_dataset

VIDEO_ONLY = "birchwood-anxiety-ocd-evanston"
STATE_LINK = re.compile(
    r'<a href="([^"]*)states/([a-z]{2})/" aria-label="([^"]+)"><path d="[^"]+" fill="(#[0-9a-f]{6})"/>'
)
DOT = re.compile(
    r'<a class="iop-dot( iop-dot--many)?" href="([^"]+)" style="left:([\d.]+)%;top:([\d.]+)%"[^>]*>(\d*)</a>'
)


def _counts(dataset) -> Counter:
    return Counter(p["address"]["state"] for p in dataset.programs)


def _us_map(page: str) -> str:
    start = page.index('<figure class="iop-map iop-usmap">')
    return page[start : page.index("</figure>", start)]


@pytest.mark.parametrize("url, base", [("", ""), ("states/", "../")])
def test_us_map_links_each_state_with_programs_to_its_page_shaded_by_count(site, dataset, url, base):
    counts = _counts(dataset)
    classes = maps.shade_classes(list(counts.values()))
    figure = _us_map(read(site, url))
    links = STATE_LINK.findall(figure)
    assert sorted(state.upper() for _, state, _, _ in links) == sorted(counts)
    for prefix, state, label, fill in links:
        code = state.upper()
        assert prefix == base
        assert (site / url / f"{prefix}states/{state}/index.html").resolve().is_file()
        n = counts[code]
        assert html.unescape(label) == f"{model.US_STATES[code]}: {n} program{'s' if n != 1 else ''}"
        assert fill == maps.shade_for(n, classes).fill
        assert f"<title>{label}</title>" in figure
    for c in classes:  # the key names every class with its fill
        assert f'fill="{c.fill}"/></svg>{c.label}</li>' in figure
    assert "<script" not in figure and "on" not in re.findall(r"\s(on)[a-z]+=", figure)


def test_us_map_classes_split_the_sample_counts_at_their_quartiles(dataset):
    classes = maps.shade_classes(list(_counts(dataset).values()))
    assert [(c.low, c.high, c.label) for c in classes] == [
        (1, 1, "1 program"),
        (2, 2, "2 programs"),
        (3, 10, "3 to 10 programs"),
    ]
    wide = maps.shade_classes([1, 2, 3, 4, 5, 6, 7, 8, 40, 120])
    assert [(c.low, c.high) for c in wide] == [(1, 3), (4, 5), (6, 8), (9, 120)]
    assert [c.fill for c in wide] == list(maps.SHADES)
    assert maps.shade_classes([]) == []


def _luminance(hex_colour: str) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_shades_meet_non_text_contrast_and_stay_apart_in_grey():
    for fill in maps.SHADES:
        assert _contrast(fill, "#ffffff") >= 3, fill  # against the page and the white borders between states
        assert _contrast(fill, maps.NO_PROGRAMS_FILL) >= 3, fill  # against a neighbour with no programs
    assert _contrast(maps.NO_PROGRAMS_STROKE, "#ffffff") >= 3  # the outline of a state with no programs
    grey = [_luminance(f) for f in maps.SHADES]
    assert grey == sorted(grey, reverse=True)  # darker means more, in colour and in grey
    for lighter, darker in zip(maps.SHADES, maps.SHADES[1:]):
        assert _contrast(lighter, darker) >= 1.3, (lighter, darker)


def test_us_map_is_small(site):
    """Inline SVG on two pages: simplified and quantised, so it costs little over the wire."""
    figure = _us_map(read(site, "states/")).encode("utf-8")
    assert len(figure) < 32_000
    assert len(gzip.compress(figure, 6)) < 13_000


def test_state_maps_dot_every_program_once_inside_the_frame(site, dataset):
    by_state: dict[str, list] = {}
    for p in dataset.programs:
        by_state.setdefault(p["address"]["state"], []).append(p)
    for state, programs in by_state.items():
        page = read(site, f"states/{state.lower()}/")
        assert f'aria-label="Map of programs in {html.escape(model.US_STATES[state])}"' in page
        layers = re.findall(r'<div class="iop-statemap__dots iop-statemap__dots--(\w+)">(.*?)</div>', page)
        assert layers and {kind for kind, _ in layers} in ({"only"}, {"narrow", "wide"})
        for _, layer in layers:
            singles, counted = set(), 0
            for many, href, left, top, number in DOT.findall(layer):
                assert 0 < float(left) < 100 and 0 < float(top) < 100
                if many:
                    assert href.startswith("#") and f'id="{href[1:]}"' in page
                    counted += int(number)
                else:
                    singles.add(href.split("/")[-2])
            assert len(singles) + counted == len(programs), state
            assert singles <= {p["id"] for p in programs}


def test_close_programs_share_one_numbered_dot_that_opens_their_city_in_the_list(site):
    page = read(site, "states/va/")
    narrow = re.search(r'iop-statemap__dots--narrow">(.*?)</div>', page).group(1)
    numbered = [(href, int(n)) for many, href, _, _, n in DOT.findall(narrow) if many]
    assert ("#richmond", 7) in numbered
    assert 'aria-label="7 programs in Richmond and nearby: see the list"' in narrow


def test_dots_are_laid_out_never_to_overlap_at_their_narrowest_width(dataset):
    by_state: dict[str, list] = {}
    for p in dataset.programs:
        by_state.setdefault(p["address"]["state"], []).append(p)
    for state, programs in by_state.items():
        frame = maps.state_frame(state)
        for width in frame.layouts:
            dots = maps.program_dots(state, programs, width)
            px = width / frame.view[2]
            for i, a in enumerate(dots):
                assert frame.shape.contains(a.x, a.y)
                for b in dots[i + 1 :]:
                    across = (maps.dot_width(len(a.programs)) + maps.dot_width(len(b.programs))) / 2 + 2
                    assert abs(a.x - b.x) * px >= across or abs(a.y - b.y) * px >= maps.DOT_SPACING


def test_dots_of_hundreds_widen_and_their_neighbours_fold_in():
    """At scale a city's dot holds hundreds of programs: its number needs a wider dot, which must not cover the
    next one."""
    frame = maps.state_frame("NY")
    px_per_unit = frame.layouts[0] / frame.view[2]
    x0 = projection.project(-73.99, 40.75, "NY")[0] / maps.STATE_UNIT
    lon = next(  # 30 px east at the narrow layout: clear of a 24 px dot, not of a 40 px one
        -73.99 + k / 1000
        for k in range(2000)
        if (projection.project(-73.99 + k / 1000, 40.75, "NY")[0] / maps.STATE_UNIT - x0) * px_per_unit >= 30
    )
    base = {"address": {"city": "New York", "state": "NY"}, "name": "x"}
    crowd = [{**base, "id": f"p{i}", "_point": (40.75, -73.99)} for i in range(1200)]
    crowd.append({**base, "id": "near", "_point": (40.75, lon)})
    dots = maps.program_dots("NY", crowd, frame.layouts[0])
    assert [len(d.programs) for d in dots] == [1201]
    assert maps.dot_width(1201) == 40 and maps.dot_width(150) == 32 and maps.dot_width(99) == 24
    few = maps.program_dots("NY", crowd[:50] + crowd[-1:], frame.layouts[0])
    assert [len(d.programs) for d in few] == [50, 1]


@pytest.fixture(scope="module")
def video_site(tmp_path_factory) -> Path:
    """The sample site with one program marked as meeting only by video, and hostile text in a dotted one."""
    project = copy_project(tmp_path_factory.mktemp("video") / "project")
    data = project / "data" / "programs.yaml"
    text = data.read_text(encoding="utf-8")
    anchor = f"  - id: {VIDEO_ONLY}\n"
    start = text.index(anchor)
    at = text.index("    telehealth: true\n", start)
    text = text[:at] + "    telehealth: true\n    telehealth_only: true\n" + text[at + len("    telehealth: true\n") :]
    text = text.replace(
        "name: Snowy Butte Recovery", 'name: Snowy Butte "Recovery" <img src=x onerror=alert(1)> &amp;', 1
    )
    data.write_text(text, encoding="utf-8")
    out = project / "site"
    result = run_mkdocs(project, out)
    assert result.returncode == 0, result.stdout + result.stderr
    yield out
    shutil.rmtree(project, ignore_errors=True)


def test_programs_that_meet_only_by_video_are_listed_but_not_dotted(video_site):
    page = read(video_site, "states/il/")
    figure = page[page.index('<figure class="iop-map iop-statemap"') : page.index("</figure>")]
    assert VIDEO_ONLY not in figure
    assert "1 program meets only by video, so it is in the list but not on the map." in figure
    assert f'href="../../programs/{VIDEO_ONLY}/"' in page  # still in the list
    assert "video sessions only" in page
    layers = re.findall(r'iop-statemap__dots--\w+">(.*?)</div>', figure)
    for layer in layers:
        dotted = sum(int(n) if many else 1 for many, _, _, _, n in DOT.findall(layer))
        assert dotted == 4  # Illinois has 5 sample programs
    program = read(video_site, f"programs/{VIDEO_ONLY}/")
    assert "Yes, every session is by video" in program
    record = next(
        r
        for f in (video_site / "search" / "p").glob("*.json")
        for r in json.loads(f.read_text(encoding="utf-8"))["programs"]
        if r["id"] == VIDEO_ONLY
    )
    assert record["vo"] == 1


def test_map_labels_escape_program_names(video_site):
    page = read(video_site, "states/mt/")
    figure = page[page.index('<figure class="iop-map iop-statemap"') : page.index("</figure>")]
    assert "<img" not in figure
    assert "Snowy Butte &quot;Recovery&quot; &lt;img src=x onerror=alert(1)&gt; &amp;amp;" in figure


def test_telehealth_only_needs_telehealth(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data", data)
    path = data / "programs.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index("  - id: riverbend-teen-richmond\n")
    at = next(i for i in range(start, len(lines)) if lines[i] == "    telehealth: false\n")
    lines.insert(at + 1, "    telehealth_only: true\n")
    path.write_text("".join(lines), encoding="utf-8")
    ds = load_dataset(data, root=tmp_path, today=dt.date.today())
    assert [str(p) for p in ds.errors] == [
        f"data/programs.yaml:{at + 2}:5: programs[1].telehealth_only: is true but telehealth is false "
        "(set telehealth: true, or remove telehealth_only)"
    ]


def test_finder_outline_files_cover_every_state_and_territory(site):
    index = json.loads((site / "maps" / "index.json").read_text(encoding="utf-8"))
    assert index["unit"] == maps.FINDER_UNIT
    assert sorted(index["boxes"]) == sorted(model.US_STATES)
    for state, box in index["boxes"].items():
        outline = json.loads((site / "maps" / f"{state}.json").read_text(encoding="utf-8"))
        assert outline["state"] == state
        assert re.fullmatch(r"(M-?\d+ -?\d+l[-\d ]+z)+", outline["d"])
        x0, y0, x1, y1 = (v * maps.FINDER_UNIT for v in box)
        bx0, by0, bx1, by1 = boundaries.plane_box(state)
        assert (x0, y0, x1, y1) == pytest.approx((bx0, by0, bx1, by1), abs=maps.FINDER_UNIT)


def test_territories_appear_only_where_programs_are_in_labelled_insets():
    without = maps.us_map_html({"VA": 2}, "")
    assert "states/pr/" not in without and "iop-usmap__frames" not in without
    with_pr = maps.us_map_html({"VA": 2, "PR": 3}, "")
    assert '<a href="states/pr/" aria-label="Puerto Rico: 3 programs">' in with_pr
    assert ">PR</text>" in with_pr and ">GU</text>" not in with_pr
    x, y, w, h = map(int, re.search(r'viewBox="([-\d ]+)"', with_pr).group(1).split())
    fx0, fy0, fx1, fy1 = (round(v / maps.US_UNIT) for v in projection.BY_NAME["caribbean"].box)
    assert x <= fx0 and fx1 <= x + w and y <= fy0 and fy1 <= y + h
