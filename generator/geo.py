"""Where programs are: ZIP centroids from an offline table, distances, nearest neighbours.

ZIP centroids come from the `zipcodes` package (MIT licence), which embeds the whole US table, so builds and tests
never touch the network; builds read them from `generator/data/zips.tsv`, that table as plain rows. Distances
shown to people use geopy's geodesic (WGS-84 ellipsoid); a k-d tree on the unit sphere only picks the candidates.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geographiclib.geodesic import Geodesic

from . import parallel

EARTH_RADIUS_MILES = 3958.7613
FAR_FROM_ZIP_MILES = 25.0


@dataclass(frozen=True)
class ZipInfo:
    zip: str
    lat: float
    lon: float
    state: str
    city: str


ZIP_FILE = Path(__file__).parent / "data" / "zips.tsv"
ZIP_HEADER = "zip\tlat\tlon\tstate\tcity"


@lru_cache(maxsize=1)
def zip_table() -> Mapping[str, ZipInfo]:
    """Every US ZIP code with its centroid, state and city (about 42,000 rows), from ZIP_FILE.

    The file holds exactly what `zip_table_from_package` makes (tests/test_geo.py checks; after upgrading
    `zipcodes`, `python -m generator zip-table` writes it again). Making the table from the package costs 1.4 s
    in every build and every `validate`; reading the file, a tenth of that."""
    lines = ZIP_FILE.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != ZIP_HEADER:
        raise ValueError(f"{ZIP_FILE.name}: not a ZIP table (run: python -m generator zip-table)")
    table = {}
    for line in lines[1:]:
        code, lat, lon, state, city = line.split("\t")
        table[code] = ZipInfo(code, float(lat), float(lon), state, city)
    return table


def zip_table_from_package() -> dict[str, ZipInfo]:
    """The ZIP table as the `zipcodes` package gives it: codes without a centroid are left out."""
    import zipcodes

    table = {}
    for row in zipcodes.list_all():
        if row.get("lat") and row.get("long"):
            table[row["zip_code"]] = ZipInfo(
                row["zip_code"], round(float(row["lat"]), 4), round(float(row["long"]), 4), row["state"], row["city"]
            )
    return table


def zip_file_text(table: Mapping[str, ZipInfo]) -> str:
    """ZIP_FILE's text for a table: a header, then a row per ZIP code in code order."""
    rows = [ZIP_HEADER]
    for code in sorted(table):
        z = table[code]
        fields = (z.zip, repr(z.lat), repr(z.lon), z.state, z.city)
        if any(not f or "\t" in f or "\n" in f or "\r" in f for f in fields):
            raise ValueError(f"ZIP {code!r}: a field is empty or holds a tab or line break: {fields!r}")
        rows.append("\t".join(fields))
    return "\n".join(rows) + "\n"


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


_WGS84 = Geodesic.WGS84
_METERS_PER_MILE = 1609.344


def geodesic_miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance on the WGS-84 ellipsoid: geopy's `geodesic`, calling geographiclib (which geopy wraps) directly
    for the distance alone, about five times faster than building geopy's Distance objects."""
    return _WGS84.Inverse(a[0], a[1], b[0], b[1], Geodesic.DISTANCE)["s12"] / _METERS_PER_MILE


_A = 6378137.0
_F = 1 / 298.257223563
_B = _A * (1 - _F)


def vincenty_miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """WGS-84 distance by Vincenty's inverse formula: the same figure as `geodesic_miles` to well under a
    millimetre for any two places in the directory (tested), and about four times faster. The finder's browser
    code uses the same formula, so a page and a search agree on every distance they show.

    Vincenty fails to converge only for nearly antipodal points; those fall back to geographiclib.
    """
    lat1, lon1 = a
    lat2, lon2 = b
    if lat1 == lat2 and lon1 == lon2:
        return 0.0
    u1 = math.atan((1 - _F) * math.tan(math.radians(lat1)))
    u2 = math.atan((1 - _F) * math.tan(math.radians(lat2)))
    sin_u1, cos_u1, sin_u2, cos_u2 = math.sin(u1), math.cos(u1), math.sin(u2), math.cos(u2)
    big_l = math.radians(lon2 - lon1)
    lam = big_l
    for _ in range(100):
        sin_lam, cos_lam = math.sin(lam), math.cos(lam)
        sin_sigma = math.hypot(cos_u2 * sin_lam, cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lam)
        if sin_sigma == 0:
            return 0.0
        cos_sigma = sin_u1 * sin_u2 + cos_u1 * cos_u2 * cos_lam
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = cos_u1 * cos_u2 * sin_lam / sin_sigma
        cos2_alpha = 1 - sin_alpha * sin_alpha
        cos_2sm = cos_sigma - 2 * sin_u1 * sin_u2 / cos2_alpha if cos2_alpha else 0.0
        c = _F / 16 * cos2_alpha * (4 + _F * (4 - 3 * cos2_alpha))
        previous = lam
        lam = big_l + (1 - c) * _F * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm * cos_2sm))
        )
        if abs(lam - previous) < 1e-12:
            break
    else:
        return geodesic_miles(a, b)
    u_sq = cos2_alpha * (_A * _A - _B * _B) / (_B * _B)
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    delta = (
        big_b
        * sin_sigma
        * (
            cos_2sm
            + big_b
            / 4
            * (
                cos_sigma * (-1 + 2 * cos_2sm * cos_2sm)
                - big_b / 6 * cos_2sm * (-3 + 4 * sin_sigma * sin_sigma) * (-3 + 4 * cos_2sm * cos_2sm)
            )
        )
    )
    return _B * big_a * (sigma - delta) / _METERS_PER_MILE


def program_point(program: Mapping, zips: Mapping[str, ZipInfo]) -> tuple[float, float, str] | None:
    """A program's coordinates and where they came from: its own location, else its ZIP code's centre."""
    loc = program.get("location")
    if loc:
        return loc["lat"], loc["lon"], "address"
    info = zips.get(program["address"]["zip"])
    if info is None:
        return None
    return info.lat, info.lon, "zip"


def _unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    p, q = math.radians(lat), math.radians(lon)
    return (math.cos(p) * math.cos(q), math.cos(p) * math.sin(q), math.sin(p))


class KDTree:
    """A 3-d tree of points on the unit sphere: straight-line (chord) distance orders points as great-circle
    distance does, so the k nearest by chord are the k nearest on the globe."""

    def __init__(self, points: list[tuple[str, float, float]]):
        self.items = [(key, _unit_vector(lat, lon)) for key, lat, lon in points]
        self.root = self._build(list(range(len(self.items))), 0)

    def _build(self, idx: list[int], depth: int):
        if not idx:
            return None
        axis = depth % 3
        idx.sort(key=lambda i: self.items[i][1][axis])
        mid = len(idx) // 2
        return (idx[mid], axis, self._build(idx[:mid], depth + 1), self._build(idx[mid + 1 :], depth + 1))

    def nearest(self, lat: float, lon: float, k: int, max_chord: float) -> list[tuple[float, str]]:
        """Up to k (chord distance, key) pairs within max_chord, nearest first."""
        import heapq

        q = _unit_vector(lat, lon)
        best: list[tuple[float, str]] = []  # max-heap by negated squared distance
        limit = max_chord * max_chord
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node is None:
                continue
            i, axis, left, right = node
            key, v = self.items[i]
            d2 = (v[0] - q[0]) ** 2 + (v[1] - q[1]) ** 2 + (v[2] - q[2]) ** 2
            bound = -best[0][0] if len(best) == k else limit
            if d2 <= bound:
                heapq.heappush(best, (-d2, key))
                if len(best) > k:
                    heapq.heappop(best)
            diff = q[axis] - v[axis]
            near, far = (left, right) if diff < 0 else (right, left)
            bound = -best[0][0] if len(best) == k else limit
            if diff * diff <= bound:
                stack.append(far)
            stack.append(near)
        return sorted((math.sqrt(-d), key) for d, key in best)


def nearest_programs(
    points: Mapping[str, tuple[float, float]], k: int = 5, radius_miles: float = 50.0
) -> dict[str, list[tuple[str, float]]]:
    """For each program id, up to k other programs within the radius as (id, geodesic miles), nearest first.

    A k-d tree keeps this near n log n at 20,000 programs; it preselects a few extra candidates by straight-line
    distance and the ellipsoidal distance (Vincenty) orders them, since the two can differ by a fraction of a
    percent.
    """
    tree = KDTree([(pid, lat, lon) for pid, (lat, lon) in points.items()])
    # Chord length for the radius (plus 1% slack for the ellipsoid), on a sphere of the Earth's mean radius.
    chord = 2 * math.sin(radius_miles * 1.01 / EARTH_RADIUS_MILES / 2)

    def near(item: tuple[str, tuple[float, float]]) -> list[tuple[str, float]]:
        pid, (lat, lon) = item
        candidates = [key for _, key in tree.nearest(lat, lon, k + 3, chord) if key != pid][: k + 2]
        exact = sorted(((vincenty_miles((lat, lon), points[c]), c) for c in candidates), key=lambda t: (t[0], t[1]))
        return [(other, miles) for miles, other in exact if miles <= radius_miles][:k]

    items = list(points.items())
    return dict(zip((pid for pid, _ in items), parallel.pmap(near, items)))
