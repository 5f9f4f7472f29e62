"""IOP Finder's maps, drawn at build time from public-domain Census outlines (generator/boundaries.py).

    us_map_html        the US, each state with programs a link to its page, shaded by how many it has
                       (home page and /states/)
    state_map_html     one state with a dot per program (a numbered dot where programs sit too close to tap
                       apart), each a link (state pages)
    outline_files      state outlines for the finder's results map (maps/index.json, maps/<ST>.json), drawn in
                       the browser by assets/js/results-map.js

Everything here is plain HTML and SVG that works without JavaScript and loads nothing from anywhere: no tiles, no
map service. Every value from the data is escaped. One projection (generator/projection.py) places everything.
"""

from __future__ import annotations

import html
import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from . import boundaries, model, projection
from .languages import Words, name_order

US_MAP_MARK = "<!-- iop-us-map -->"

# The national map keeps points whose Visvalingam triangle is at least half a square pixel of the 960-wide plane,
# rounded to half pixels: about 22 KB of path data (8 KB gzip) for 56 outlines, borders still meeting exactly.
US_MIN_AREA = 0.5
US_UNIT = 0.5
# State maps keep detail down to about a third of a screen pixel at their widest.
STATE_MIN_AREA_SCREEN = 0.1  # square screen pixels at the map's widest
STATE_UNIT = 0.01
# The finder's outlines keep every point of the boundary file: they are drawn zoomed in to a few miles.
FINDER_UNIT = 0.01

# Fills for "no programs" and then four classes of counts, lightest to darkest. Each class fill has at least 3:1
# contrast against the page and the "no programs" fill (WCAG 1.4.11), and they darken in even steps, so they
# stay apart when printed in grey. tests/test_maps.py computes the ratios.
NO_PROGRAMS_FILL = "#f5f5f5"
NO_PROGRAMS_STROKE = "#757575"
SHADES = ("#7986cb", "#5c6bc0", "#3949ab", "#1a237e")
_SPREAD = {1: (2,), 2: (0, 3), 3: (0, 2, 3), 4: (0, 1, 2, 3)}  # fewer classes: fills far apart

# State maps: at most this wide (CSS px), this tall, and laid out for dots 24 px across (WCAG 2.5.8) that never
# overlap down to the narrowest phone column.
STATE_MAP_MAX_WIDTH = 640
STATE_MAP_MAX_HEIGHT = 440
NARROWEST_COLUMN = 280
WIDE_LAYOUT = 460  # from this width up (a container query in maps.css), a second layout shows more dots apart
DOT_SPACING = 26  # CSS px between dot centres: a 24 px dot and a 2 px gap
EDGE_PAD = 14  # CSS px kept around the state so edge dots stay whole


# --- Shading ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShadeClass:
    low: int
    high: int
    fill: str

    @property
    def label(self) -> str:
        return self.label_in(Words())

    def label_in(self, words: Words) -> str:
        if self.low == self.high:
            return programs_text(self.low, words)
        return words.fill("maps.range", "{low} to {high} programs", low=self.low, high=self.high)


def shade_classes(counts: Sequence[int]) -> list[ShadeClass]:
    """Up to four classes of program counts, split at the quartiles of the states that have programs, so every
    class holds about as many states whatever the size of the directory."""
    values = sorted(c for c in counts if c > 0)
    if not values:
        return []
    highs: list[int] = []
    for q in (0.25, 0.5, 0.75, 1.0):
        high = values[min(len(values) - 1, math.ceil(q * len(values)) - 1)]
        if not highs or high > highs[-1]:
            highs.append(high)
    fills = [SHADES[i] for i in _SPREAD[len(highs)]]
    out, low = [], values[0]
    for high, fill in zip(highs, fills):
        out.append(ShadeClass(low, high, fill))
        low = high + 1
    return out


def shade_for(count: int, classes: Sequence[ShadeClass]) -> ShadeClass | None:
    for c in classes:
        if c.low <= count <= c.high:
            return c
    return None


def programs_text(count: int, words: Words | None = None) -> str:
    return (words or Words()).count("maps.programs", count, "{count} program", "{count} programs")


# --- The US map --------------------------------------------------------------------------------------------------


@cache
def _us_shapes() -> dict[str, boundaries.Shape]:
    return boundaries.shapes(US_MIN_AREA, US_UNIT)


@cache
def _us_paths() -> dict[str, str]:
    return {state: shape.path() for state, shape in _us_shapes().items()}


def us_map_html(counts: Mapping[str, int], base: str, words: Words | None = None) -> str:
    """The national map: a figure whose states with programs are links to `base` + states/<st>/, named with
    their counts, and a legend, in the language of `words`. Territories appear only where programs are."""
    words = words or Words()
    shapes, paths = _us_shapes(), _us_paths()
    classes = shade_classes(list(counts.values()))
    territories = {s for s, inset in projection.STATE_INSET.items() if inset not in ("alaska", "hawaii")}
    shown = [s for s in shapes if s not in territories or counts.get(s)]
    insets = _territory_insets(s for s in shown if s in territories)
    boxes = [shapes[s].box for s in shown] + [_frame_box(inset) for inset in insets]
    pad = round(4 / US_UNIT)
    x0, y0 = min(b[0] for b in boxes) - pad, min(b[1] for b in boxes) - pad
    x1, y1 = max(b[2] for b in boxes) + pad, max(b[3] for b in boxes) + pad
    empty = "".join(paths[s] for s in sorted(shown) if not counts.get(s))
    links = []
    names = {s: words.vocab("US_STATES", s, model.US_STATES[s]) for s in shown}
    for state in sorted((s for s in shown if counts.get(s)), key=lambda s: name_order(names[s])):
        shade = shade_for(counts[state], classes)
        name = f"{names[state]}: {programs_text(counts[state], words)}"
        links.append(
            f'<a href="{html.escape(base)}states/{state.lower()}/" aria-label="{html.escape(name)}">'
            f'<path d="{paths[state]}" fill="{shade.fill}"/><title>{html.escape(name)}</title></a>'
        )
    frames = "".join("M{0} {1}H{2}V{3}H{0}z".format(*_frame_box(inset)) for inset in insets)
    labels = "".join(
        _frame_labels(inset, [s for s in shown if projection.STATE_INSET.get(s) == inset.name]) for inset in insets
    )
    legend = "".join(
        f'<li><svg class="iop-map-swatch" viewBox="0 0 2 2" aria-hidden="true"><rect width="2" height="2" '
        f'fill="{c.fill}"/></svg>{html.escape(c.label_in(words))}</li>'
        for c in classes
    )
    none = html.escape(words("maps.none", "No programs listed yet"))
    legend += (
        f'<li><svg class="iop-map-swatch" viewBox="0 0 2 2" aria-hidden="true"><rect width="2" height="2" '
        f'fill="{NO_PROGRAMS_FILL}" stroke="{NO_PROGRAMS_STROKE}" stroke-width=".3"/></svg>{none}</li>'
    )
    label = words("maps.label", "Map of the United States. Each state with programs is a link to its list.")
    note = words(
        "maps.note", "Darker states have more programs. Select a state to see its programs, or use the list of states."
    )
    return (
        '<figure class="iop-map iop-usmap">'
        f'<svg class="iop-usmap__svg" viewBox="{x0} {y0} {x1 - x0} {y1 - y0}" role="group" '
        f'aria-label="{html.escape(label)}">'
        + (f'<path class="iop-usmap__none" aria-hidden="true" d="{empty}"/>' if empty else "")
        + "".join(links)
        + (f'<path class="iop-usmap__frames" aria-hidden="true" d="{frames}"/>{labels}' if frames else "")
        + "</svg>"
        f'<figcaption><p class="iop-map-note">{html.escape(note)}</p>'
        f'<ul class="iop-map-legend" aria-label="{html.escape(words("maps.key", "Map key"))}">{legend}</ul>'
        "</figcaption></figure>"
    )


def _territory_insets(states) -> list[projection.Conic]:
    names = {projection.STATE_INSET[s] for s in states}
    return [inset for inset in projection.INSETS if inset.name in names]


def _frame_box(inset: projection.Conic) -> tuple[int, int, int, int]:
    return tuple(round(v / US_UNIT) for v in inset.box)


def _frame_labels(inset: projection.Conic, states: list[str]) -> str:
    """The territories' codes in their inset's corner, one a line: the islands are a few pixels across."""
    x0, y0, _, _ = _frame_box(inset)
    size = round(9 / US_UNIT)
    return "".join(
        f'<text class="iop-usmap__label" aria-hidden="true" x="{x0 + size // 3}" y="{y0 + size * (i + 1)}" '
        f'font-size="{size}">{state}</text>'
        for i, state in enumerate(sorted(states))
    )


def with_us_map(page_html: str, by_state: Mapping[str, Sequence], page_url: str, words: Words | None = None) -> str:
    """A page's HTML with the national map in place of its marker (content/index.md, the states index).
    `page_url` is the page's path within its language (without es/), so the map links to that language's pages."""
    if US_MAP_MARK not in page_html:
        return page_html
    base = "../" * page_url.count("/")
    counts = {state: len(programs) for state, programs in by_state.items()}
    return page_html.replace(US_MAP_MARK, us_map_html(counts, base, words), 1)


# --- State maps --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StateFrame:
    """A state's outline fitted for its page: the viewBox (in STATE_UNIT), the widest the map is shown at, and the
    widths its dots are laid out for (the narrowest first)."""

    shape: boundaries.Shape
    view: tuple[int, int, int, int]  # x, y, width, height
    max_width: int
    layouts: tuple[int, ...]


@cache
def state_frame(state: str) -> StateFrame:
    """Computed once per state and build, however many programs the state has."""
    x0, y0, x1, y1 = boundaries.plane_box(state)
    w, h = x1 - x0, y1 - y0
    max_width = int(min(STATE_MAP_MAX_WIDTH, STATE_MAP_MAX_HEIGHT * w / h))
    layout_width = min(max_width, NARROWEST_COLUMN)
    layouts = (layout_width, WIDE_LAYOUT) if max_width >= WIDE_LAYOUT + 60 else (layout_width,)
    # Simplify for the widest view: a plane pixel is max_width / w screen pixels there.
    zoom = max_width / w
    shape = boundaries.shapes(STATE_MIN_AREA_SCREEN / (zoom * zoom), STATE_UNIT, [state])[state]
    pad = EDGE_PAD / (layout_width - 2 * EDGE_PAD) * max(w, h)
    bx0, by0, bx1, by1 = shape.box
    p = round(pad / STATE_UNIT)
    view = (bx0 - p, by0 - p, bx1 - bx0 + 2 * p, by1 - by0 + 2 * p)
    return StateFrame(shape, view, max_width, layouts)


@dataclass(frozen=True)
class Dot:
    x: float  # STATE_UNIT plane coordinates
    y: float
    programs: tuple[dict, ...]


def program_dots(state: str, programs: Sequence[dict], layout_width: int) -> list[Dot]:
    """One dot per program that people visit in person, merged with any dot nearer than DOT_SPACING (across or
    down) when the map is `layout_width` CSS px wide. Each dot sits on its first program's spot, moved just inside
    the outline if the spot is offshore of it, so every dot is on its own state."""
    frame = state_frame(state)
    units_per_px = frame.view[2] / layout_width
    reach = DOT_SPACING * units_per_px
    cell = reach
    grid: dict[tuple[int, int], list[int]] = {}
    anchors: list[tuple[float, float]] = []
    members: list[list[dict]] = []
    for p in programs:
        if p.get("telehealth_only"):
            continue
        x, y = _spot(state, *p["_point"])
        cx, cy = int(x // cell), int(y // cell)
        home = None
        for gx in (cx - 1, cx, cx + 1):
            for gy in (cy - 1, cy, cy + 1):
                for i in grid.get((gx, gy), ()):
                    ax, ay = anchors[i]
                    # (square reach: a link's box is square, so boxes never overlap, whatever their corners)
                    if max(abs(ax - x), abs(ay - y)) < reach and home is None:
                        home = i
        if home is None:
            grid.setdefault((cx, cy), []).append(len(anchors))
            anchors.append((x, y))
            members.append([p])
        else:
            members[home].append(p)
    return _merge_wide(anchors, members, units_per_px)


@cache
def _spot(state: str, lat: float, lon: float) -> tuple[float, float]:
    """Where a program's dot sits on its state's map, in the frame's units: on its spot, moved just inside the
    outline if the spot is offshore of it. The same in every layout and language, and the costliest step of a
    state map (a point-in-outline test), so each spot is found once in a process (a rebuild finds it again)."""
    px, py = projection.project(lon, lat, state)
    return state_frame(state).shape.nearest_inside(px / STATE_UNIT, py / STATE_UNIT)


def dot_width(count: int) -> int:
    """CSS px across a dot: 24, or wider for a number of three or four digits (12 px bold, 8 px a digit)."""
    return max(24, 8 * len(str(count)) + 8) if count > 1 else 24


def _merge_wide(anchors: list, members: list, units_per_px: float) -> list[Dot]:
    """Dots of 100 programs or more are wider than the spacing allowed for: fold any neighbour such a dot would
    touch into the earlier of the two, until no two dots' boxes come closer than the 2 px gap."""
    anchors, members = list(anchors), [list(m) for m in members]
    gap = DOT_SPACING - 24
    while any(len(m) >= 100 for m in members):
        clash = None
        for i, (ax, ay) in enumerate(anchors):
            wi = dot_width(len(members[i]))
            for j in range(i + 1, len(anchors)):
                bx, by = anchors[j]
                across = ((wi + dot_width(len(members[j]))) / 2 + gap) * units_per_px
                if abs(ax - bx) < across and abs(ay - by) < DOT_SPACING * units_per_px:
                    clash = (i, j)
                    break
            if clash:
                break
        if clash is None:
            break
        i, j = clash
        members[i] += members.pop(j)
        anchors.pop(j)
    return [Dot(x, y, tuple(ps)) for (x, y), ps in zip(anchors, members)]


def state_map_html(state: str, programs: Sequence[dict], base: str, anchor, words: Words | None = None) -> str:
    """The state's outline with a link per dot: a program's page, or for a numbered dot the list below (at the
    section `anchor(city)` of the city most of its programs are in). Programs that meet only by video are listed
    but not dotted."""
    words = words or Words()
    frame = state_frame(state)
    vx, vy, vw, vh = frame.view
    layers, merged = [], False
    for n, width in enumerate(frame.layouts):
        dots = program_dots(state, programs, width)
        merged = merged or any(len(d.programs) > 1 for d in dots)
        kind = "narrow" if n == 0 else "wide"
        layers.append(
            f'<div class="iop-statemap__dots iop-statemap__dots--{kind}">'
            + "".join(_dot_link(dot, frame.view, base, anchor, words) for dot in dots)
            + "</div>"
        )
    if len(layers) == 1:
        layers[0] = layers[0].replace("iop-statemap__dots--narrow", "iop-statemap__dots--only")
    video_only = sum(1 for p in programs if p.get("telehealth_only"))
    note = words("maps.state_note", "Each dot is a program: select it to open the program's page.")
    if merged:
        note += words(
            "maps.state_note_merged",
            " A number is how many programs are too close together to show apart: select it to see them in the list.",
        )
    if video_only:
        note += words.count(
            "maps.state_note_video",
            video_only,
            " {count} program meets only by video, so it is in the list but not on the map.",
            " {count} programs meet only by video, so they are in the list but not on the map.",
        )
    return (
        '<figure class="iop-map iop-statemap">'
        f'<div class="iop-statemap__frame" role="group" '
        f'aria-label="{html.escape(words.fill("maps.state_label", "Map of programs in {state}", state=words.vocab("US_STATES", state, model.US_STATES[state])))}" '
        f'style="max-width:{frame.max_width}px;aspect-ratio:{vw} / {vh}">'
        f'<svg class="iop-statemap__svg" viewBox="{vx} {vy} {vw} {vh}" aria-hidden="true" focusable="false">'
        f'<path data-state="{state}" d="{frame.shape.path()}"/></svg>' + "".join(layers) + "</div>"
        f'<figcaption class="iop-map-note">{html.escape(note)}</figcaption></figure>'
    )


def _dot_link(dot: Dot, view: tuple[int, int, int, int], base: str, anchor, words: Words) -> str:
    vx, vy, vw, vh = view
    place = f"left:{(dot.x - vx) / vw * 100:.2f}%;top:{(dot.y - vy) / vh * 100:.2f}%"
    if len(dot.programs) == 1:
        first = dot.programs[0]
        name = html.escape(f"{first['name']}, {first['address']['city']}")
        href = html.escape(f"{base}programs/{first['id']}/")
        return f'<a class="iop-dot" href="{href}" style="{place}" aria-label="{name}" title="{name}"></a>'
    # Named and linked by the city most of them are in (the list below is by city).
    tally = Counter(p["address"]["city"] for p in dot.programs)
    city = min(tally, key=lambda c: (-tally[c], c))
    where = city if len(tally) == 1 else words.fill("maps.and_nearby", "{city} and nearby", city=city)
    name = html.escape(
        words.fill(
            "maps.dot_many",
            "{programs} in {where}: see the list",
            programs=programs_text(len(dot.programs), words),
            where=where,
        )
    )
    href = html.escape("#" + anchor(city))
    width = dot_width(len(dot.programs))
    if width > 24:
        place += f";width:{width}px;margin-left:-{width // 2}px"
    return (
        f'<a class="iop-dot iop-dot--many" href="{href}" style="{place}" aria-label="{name}" title="{name}">'
        f"{len(dot.programs)}</a>"
    )


# --- The finder's outlines -----------------------------------------------------------------------------------------


@cache
def outline_files() -> dict[str, str]:
    """maps/index.json (each state's box on the plane) and maps/<ST>.json (its outline as SVG path data, in
    units of FINDER_UNIT plane pixels). The finder fetches only the states its map's view touches."""
    shapes = boundaries.shapes(0, FINDER_UNIT)
    index = {
        "v": 1,
        "unit": FINDER_UNIT,
        "boxes": {state: list(shape.box) for state, shape in sorted(shapes.items())},
    }
    files = {"maps/index.json": _dumps(index)}
    for state, shape in shapes.items():
        files[f"maps/{state}.json"] = _dumps({"v": 1, "state": state, "d": shape.path()})
    return files


def _dumps(data) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)
