"""US state and territory outlines, projected and simplified for IOP Finder's maps.

Source: the Census Bureau's cartographic boundary file of states (2017, 1:10,000,000; public domain), as TopoJSON
from the us-atlas package (generator/data/README.md). TopoJSON keeps each border once, as an "arc" shared by the
two states it divides, so simplifying arcs (not states) keeps neighbours meeting exactly at every level of detail.

Each arc is projected once, in the inset of the states that use it (generator/projection.py), and ranked once by
Visvalingam-Whyatt: every point gets the area of the triangle it spans when its turn to go comes. A map then keeps
the points above its own threshold, so the national map, 56 state maps and the finder's outlines all come from
one pass over the data.
"""

from __future__ import annotations

import heapq
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import projection

DATA = Path(__file__).parent / "data" / "us-states-10m.json"

# FIPS state codes (the TopoJSON's ids) -> the two-letter codes programs use
FIPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT", "10": "DE", "11": "DC",
    "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL", "18": "IN", "19": "IA", "20": "KS", "21": "KY",
    "22": "LA", "23": "ME", "24": "MD", "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT",
    "31": "NE", "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND", "39": "OH",
    "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD", "47": "TN", "48": "TX", "49": "UT",
    "50": "VT", "51": "VA", "53": "WA", "54": "WV", "55": "WI", "56": "WY", "60": "AS", "66": "GU", "69": "MP",
    "72": "PR", "78": "VI",
}  # fmt: skip

Point = tuple[float, float]
Ring = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Atlas:
    """Projected arcs, each point with its Visvalingam-Whyatt area, and every state's polygons as arc references
    (TopoJSON's: index i, or ~i for the arc walked backwards)."""

    arcs: tuple[tuple[Point, ...], ...]
    areas: tuple[tuple[float, ...], ...]
    states: dict[str, tuple[tuple[tuple[int, ...], ...], ...]]  # state -> polygons -> rings -> arc refs


@dataclass(frozen=True)
class Shape:
    """A state's outline at one level of detail, in integer plane coordinates of `unit` plane pixels each."""

    state: str
    unit: float
    rings: tuple[Ring, ...]
    box: tuple[int, int, int, int]  # x0, y0, x1, y1

    def path(self) -> str:
        """SVG path data: each ring as an absolute move, then relative lines (short numbers, no separators
        before a minus sign)."""
        out = []
        for ring in self.rings:
            x, y = ring[0]
            parts = [f"M{x} {y}l"]
            for nx, ny in ring[1:]:
                parts.append(_pair(nx - x, ny - y))
                x, y = nx, ny
            out.append("".join(parts) + "z")
        return "".join(out)

    def contains(self, x: float, y: float) -> bool:
        """Whether a point (in this shape's units) is inside, by the even-odd rule the maps are filled with."""
        inside = False
        for ring in self.rings:
            j = len(ring) - 1
            for i in range(len(ring)):
                xi, yi = ring[i]
                xj, yj = ring[j]
                if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
                    inside = not inside
                j = i
        return inside

    def nearest_inside(self, x: float, y: float) -> tuple[float, float]:
        """The point itself if it is inside, else the nearest point just inside the outline: a coastal ZIP centre
        can lie offshore of an outline simplified for a map, and a dot must sit on its own state."""
        if self.contains(x, y):
            return x, y
        best = None
        for ring in self.rings:
            for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1]):
                dx, dy = bx - ax, by - ay
                length2 = dx * dx + dy * dy
                t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / length2))
                px, py = ax + t * dx, ay + t * dy
                d2 = (px - x) ** 2 + (py - y) ** 2
                if best is None or d2 < best[0]:
                    best = (d2, px, py, dx, dy)
        _, px, py, dx, dy = best
        length = math.hypot(dx, dy) or 1.0
        for step in (0.5, 1, 2, 4, 8):  # off the edge, along its normal, whichever side is inside
            for sign in (1, -1):
                qx, qy = px - sign * dy / length * step, py + sign * dx / length * step
                if self.contains(qx, qy):
                    return qx, qy
        return self.rings[0][0]  # (a ring too thin to step into: its first corner is on the outline)


def _pair(dx: int, dy: int) -> str:
    return (f" {dx}" if dx >= 0 else str(dx)) + (f" {dy}" if dy >= 0 else str(dy))


@cache
def atlas() -> Atlas:
    """The boundary file, decoded, projected and ranked (once per process)."""
    topo = json.loads(DATA.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    states: dict[str, tuple] = {}
    users: dict[int, str] = {}
    for geometry in topo["objects"]["states"]["geometries"]:
        state = FIPS[geometry["id"]]
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        states[state] = tuple(tuple(tuple(ring) for ring in polygon) for polygon in polygons)
        for polygon in polygons:
            for ring in polygon:
                for ref in ring:
                    users.setdefault(ref if ref >= 0 else ~ref, state)
    arcs, areas = [], []
    for i, deltas in enumerate(topo["arcs"]):
        inset = projection.inset_for(users.get(i, "VA"))
        qx = qy = 0
        points = []
        for dx, dy in deltas:  # quantized and delta-encoded, as TopoJSON stores arcs
            qx += dx
            qy += dy
            points.append(inset.project(qx * sx + tx, qy * sy + ty))
        arcs.append(tuple(points))
        areas.append(tuple(effective_areas(points)))
    return Atlas(tuple(arcs), tuple(areas), states)


def effective_areas(points: Sequence[Point]) -> list[float]:
    """Visvalingam-Whyatt: repeatedly drop the point whose triangle with its neighbours is smallest; each point's
    value is that area when it went (never less than an earlier one's, so a threshold keeps a consistent line).
    The two ends stay (infinite): they are where borders meet."""
    n = len(points)
    areas = [math.inf] * n
    if n < 3:
        return areas
    prev = list(range(-1, n - 1))
    nxt = list(range(1, n + 1))

    def triangle(i: int) -> float:
        (ax, ay), (bx, by), (cx, cy) = points[prev[i]], points[i], points[nxt[i]]
        return abs((bx - ax) * (cy - ay) - (cx - ax) * (by - ay)) / 2

    current = [0.0] * n
    heap = []
    for i in range(1, n - 1):
        current[i] = triangle(i)
        heap.append((current[i], i))
    heapq.heapify(heap)
    floor = 0.0
    removed = [False] * n
    while heap:
        area, i = heapq.heappop(heap)
        if removed[i] or area != current[i]:
            continue
        removed[i] = True
        floor = max(floor, area)
        areas[i] = floor
        p, q = prev[i], nxt[i]
        nxt[p], prev[q] = q, p
        for j in (p, q):
            if 0 < j < n - 1:
                current[j] = triangle(j)
                heapq.heappush(heap, (current[j], j))
    return areas


def shapes(min_area: float, unit: float, states: Iterable[str] | None = None) -> dict[str, Shape]:
    """Outlines keeping the points whose Visvalingam area is at least `min_area` (square plane pixels), rounded to
    integers of `unit` plane pixels. Rings that round away to nothing go, except a state's largest."""
    a = atlas()
    wanted = a.states if states is None else {s: a.states[s] for s in states}
    kept: dict[int, list[tuple[int, int]]] = {}

    def arc(ref: int) -> list[tuple[int, int]]:
        i = ref if ref >= 0 else ~ref
        if i not in kept:
            kept[i] = [
                (round(x / unit), round(y / unit)) for (x, y), area in zip(a.arcs[i], a.areas[i]) if area >= min_area
            ]
        return kept[i] if ref >= 0 else kept[i][::-1]

    out = {}
    for state, polygons in wanted.items():
        rings = []
        for polygon in polygons:
            for refs in polygon:
                points: list[tuple[int, int]] = []
                for ref in refs:
                    for pt in arc(ref):
                        if not points or points[-1] != pt:
                            points.append(pt)
                if len(points) > 1 and points[0] == points[-1]:
                    points.pop()
                rings.append(tuple(points))
        largest = max(rings, key=lambda r: abs(_area(r)))
        min_ring = 4 * min_area / (unit * unit)
        rings = [r for r in rings if r is largest or (len(r) >= 3 and abs(_area(r)) >= min_ring)]
        xs = [x for r in rings for x, _ in r]
        ys = [y for r in rings for _, y in r]
        out[state] = Shape(state, unit, tuple(rings), (min(xs), min(ys), max(xs), max(ys)))
    return out


def _area(ring: Ring) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1])) / 2


def plane_box(state: str) -> tuple[float, float, float, float]:
    """A state's full-detail bounding box on the plane (plane pixels)."""
    a = atlas()
    points = [
        pt
        for polygon in a.states[state]
        for ring in polygon
        for ref in ring
        for pt in a.arcs[ref if ref >= 0 else ~ref]
    ]
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    return min(xs), min(ys), max(xs), max(ys)
