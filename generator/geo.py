"""Where programs are: ZIP centroids from an offline table, distances, nearest neighbours.

ZIP centroids come from the `zipcodes` package (MIT licence), which embeds the whole US table, so builds and tests
never touch the network. Distances shown to people use geopy's geodesic (WGS-84 ellipsoid); a cheap haversine
on a spatial grid only picks the candidates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping

from geopy.distance import geodesic

EARTH_RADIUS_MILES = 3958.7613
FAR_FROM_ZIP_MILES = 25.0


@dataclass(frozen=True)
class ZipInfo:
    zip: str
    lat: float
    lon: float
    state: str
    city: str


@lru_cache(maxsize=1)
def zip_table() -> Mapping[str, ZipInfo]:
    """Every US ZIP code with its centroid, state and city (about 42,000 rows)."""
    import zipcodes

    table = {}
    for row in zipcodes.list_all():
        if row.get("lat") and row.get("long"):
            table[row["zip_code"]] = ZipInfo(row["zip_code"], round(float(row["lat"]), 4),
                                             round(float(row["long"]), 4), row["state"], row["city"])
    return table


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def geodesic_miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    return geodesic(a, b).miles


def program_point(program: Mapping, zips: Mapping[str, ZipInfo]) -> tuple[float, float, str] | None:
    """A program's coordinates and where they came from: its own location, else its ZIP code's centre."""
    loc = program.get("location")
    if loc:
        return loc["lat"], loc["lon"], "address"
    info = zips.get(program["address"]["zip"])
    if info is None:
        return None
    return info.lat, info.lon, "zip"


class Grid:
    """Points bucketed into cells about `cell_miles` wide, so a radius query looks only at nearby cells."""

    def __init__(self, points: Iterable[tuple[object, float, float]], cell_miles: float = 25.0):
        self.cell_deg = cell_miles / 69.0
        self.cells: dict[tuple[int, int], list[tuple[object, float, float]]] = {}
        for key, lat, lon in points:
            self.cells.setdefault(self._cell(lat, lon), []).append((key, lat, lon))

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return int(math.floor(lat / self.cell_deg)), int(math.floor(lon / self.cell_deg))

    def within(self, lat: float, lon: float, radius_miles: float) -> list[tuple[float, object, float, float]]:
        """(haversine miles, key, lat, lon) of every point within the radius, nearest first."""
        ry = int(math.ceil(radius_miles / 69.0 / self.cell_deg))
        lon_scale = max(math.cos(math.radians(min(abs(lat) + radius_miles / 69.0, 89.9))), 0.01)
        rx = int(math.ceil(radius_miles / (69.0 * lon_scale) / self.cell_deg))
        cy, cx = self._cell(lat, lon)
        found = []
        for y in range(cy - ry, cy + ry + 1):
            for x in range(cx - rx, cx + rx + 1):
                for key, plat, plon in self.cells.get((y, x), ()):
                    d = haversine_miles(lat, lon, plat, plon)
                    if d <= radius_miles:
                        found.append((d, key, plat, plon))
        found.sort(key=lambda t: t[0])
        return found


def nearest_programs(points: Mapping[str, tuple[float, float]], k: int = 5, radius_miles: float = 50.0
                     ) -> dict[str, list[tuple[str, float]]]:
    """For each program id, up to k other programs within the radius as (id, geodesic miles), nearest first.

    A grid keeps this near-linear; haversine preselects a few extra candidates and geodesic orders them, since the
    two can differ by a fraction of a percent.
    """
    grid = Grid(((pid, lat, lon) for pid, (lat, lon) in points.items()), cell_miles=radius_miles / 2)
    result = {}
    for pid, (lat, lon) in points.items():
        candidates = [c for c in grid.within(lat, lon, radius_miles * 1.01) if c[1] != pid][: k + 3]
        exact = sorted(((geodesic_miles((lat, lon), (c[2], c[3])), c[1]) for c in candidates),
                       key=lambda t: (t[0], t[1]))
        result[pid] = [(other, miles) for miles, other in exact if miles <= radius_miles][:k]
    return result
