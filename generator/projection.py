"""Albers USA with insets: the one projection of every IOP Finder map, at build time and in the browser.

The 48 contiguous states, DC, Alaska and Hawaii are placed exactly as d3.geoAlbersUsa (d3-geo 3.1) places them:
conic equal-area projections for the lower 48 (parallels 29.5° and 45.5°, USGS), Alaska (55° and 65°, EPSG:3338,
drawn at 0.35 times the scale) and Hawaii (8° and 18°, ESRI:102007), on one 960 x 500 plane at scale 1070.
d3 has no place for the territories, so three insets of our own put them in the free corners of that plane:
Puerto Rico with the U.S. Virgin Islands below Florida, Guam with the Northern Mariana Islands and American Samoa
below Hawaii, each with standard parallels around its own latitudes.

A point is placed in the inset of its state when the state is known (every program and ZIP code has one); a point
without a state (a browser's own location) goes to the first inset whose frame holds it, the rule d3 uses.

overrides/assets/js/albers-usa.js is the same arithmetic for the browser, line for line. tests/test_projection.py
holds both to d3-geo itself (run under Node) and to each other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SCALE = 1070.0  # d3.geoAlbersUsa's default scale and translate: the plane is about 960 x 500
TRANSLATE = (480.0, 250.0)
_EPSILON = 1e-6  # d3's inset frames are shrunk by this much, so a point on a shared edge has one home


@dataclass(frozen=True)
class Conic:
    """A conic equal-area projection set up as d3 sets one up: rotate, center, parallels, scale, translate, and
    a frame (in units of the composite's scale, around its translate) outside which it places nothing."""

    name: str
    rotate: float  # degrees of longitude turned before projecting (d3's rotate([λ, 0]))
    center: tuple[float, float]  # degrees, in the rotated frame
    parallels: tuple[float, float]
    scale_factor: float  # times SCALE
    offset: tuple[float, float]  # translate, in units of SCALE from TRANSLATE
    frame: tuple[float, float, float, float]  # x0, y0, x1, y1 in units of SCALE from TRANSLATE
    shrink: float = _EPSILON

    def __post_init__(self):
        sy0 = math.sin(math.radians(self.parallels[0]))
        n = (sy0 + math.sin(math.radians(self.parallels[1]))) / 2
        c = 1 + sy0 * (2 * n - sy0)
        object.__setattr__(self, "_n", n)
        object.__setattr__(self, "_c", c)
        object.__setattr__(self, "_r0", math.sqrt(c) / n)
        k = SCALE * self.scale_factor
        tx = TRANSLATE[0] + self.offset[0] * SCALE
        ty = TRANSLATE[1] + self.offset[1] * SCALE
        cx, cy = self._raw(math.radians(self.center[0]), math.radians(self.center[1]))
        object.__setattr__(self, "_k", k)
        object.__setattr__(self, "_dx", tx - k * cx)
        object.__setattr__(self, "_dy", ty + k * cy)
        x0, y0, x1, y1 = self.frame
        object.__setattr__(
            self,
            "_box",
            (
                TRANSLATE[0] + x0 * SCALE + self.shrink,
                TRANSLATE[1] + y0 * SCALE + self.shrink,
                TRANSLATE[0] + x1 * SCALE - self.shrink,
                TRANSLATE[1] + y1 * SCALE - self.shrink,
            ),
        )

    def _raw(self, lam: float, phi: float) -> tuple[float, float]:
        n = self._n
        r = math.sqrt(self._c - 2 * n * math.sin(phi)) / n
        lam *= n
        return r * math.sin(lam), self._r0 - r * math.cos(lam)

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        """Plane coordinates (x to the right, y down) of a point, wherever it falls."""
        lam = math.radians(lon) + math.radians(math.fmod(self.rotate, 360))
        if abs(lam) > math.pi:
            lam -= round(lam / (2 * math.pi)) * 2 * math.pi
        x, y = self._raw(lam, math.radians(lat))
        return self._dx + self._k * x, self._dy - self._k * y

    def holds(self, x: float, y: float) -> bool:
        x0, y0, x1, y1 = self._box
        return x0 <= x <= x1 and y0 <= y <= y1

    @property
    def box(self) -> tuple[float, float, float, float]:
        """The inset's frame on the plane: x0, y0, x1, y1."""
        return self._box


# d3.geoAlbersUsa's three projections, with its numbers; then our territory insets, in free parts of the plane.
INSETS: tuple[Conic, ...] = (
    Conic("lower48", 96, (-0.6, 38.7), (29.5, 45.5), 1, (0, 0), (-0.455, -0.238, 0.455, 0.238), shrink=0),
    Conic("alaska", 154, (-2, 58.5), (55, 65), 0.35, (-0.307, 0.201), (-0.425, 0.120, -0.214, 0.234)),
    Conic("hawaii", 157, (-3, 19.9), (8, 18), 1, (-0.205, 0.212), (-0.214, 0.166, -0.115, 0.234)),
    Conic("caribbean", 66.26, (0, 18.10), (17, 19), 1.5, (0.3645, 0.1869), (0.2991, 0.1589, 0.4299, 0.2150)),
    Conic("marianas", -145.35, (0, 16.03), (13, 19), 0.45, (-0.1028, 0.2019), (-0.1140, 0.1701, -0.0916, 0.2336)),
    Conic("samoa", 170.13, (0, -14.27), (-14, -15), 0.9, (-0.0776, 0.2178), (-0.0897, 0.2037, -0.0654, 0.2336)),
)
BY_NAME = {inset.name: inset for inset in INSETS}
STATE_INSET = {
    "AK": "alaska",
    "HI": "hawaii",
    "PR": "caribbean",
    "VI": "caribbean",
    "GU": "marianas",
    "MP": "marianas",
    "AS": "samoa",
}


def inset_for(state: str) -> Conic:
    """The inset a state or territory is drawn in (the lower 48 for every state not named in STATE_INSET)."""
    return BY_NAME[STATE_INSET.get(state, "lower48")]


def project(lon: float, lat: float, state: str | None = None) -> tuple[float, float] | None:
    """A point on the plane: in its state's inset when the state is given, else in the first inset whose frame
    holds it (None when none does, as d3.geoAlbersUsa returns null)."""
    if state is not None:
        return inset_for(state).project(lon, lat)
    for inset in INSETS:
        x, y = inset.project(lon, lat)
        if inset.holds(x, y):
            return x, y
    return None
