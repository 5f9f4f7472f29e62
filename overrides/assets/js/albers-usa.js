/* IOP Finder: Albers USA with insets, the one projection of every map on the site (window.IOPProjection).
 *
 * The same arithmetic as generator/projection.py, line for line: d3.geoAlbersUsa (d3-geo 3.1) for the 50 states
 * and DC, and three insets of our own for the territories. The build draws state outlines with the Python twin;
 * this file places the finder's markers on them, so both must agree (tests/test_projection.py checks them
 * against each other and against d3-geo). No dependencies.
 */
(function () {
  "use strict";

  var SCALE = 1070, TX = 480, TY = 250, EPSILON = 1e-6, RAD = Math.PI / 180;

  function conic(name, rotate, center, parallels, scaleFactor, offset, frame, shrink) {
    var sy0 = Math.sin(parallels[0] * RAD), n = (sy0 + Math.sin(parallels[1] * RAD)) / 2;
    var c = 1 + sy0 * (2 * n - sy0), r0 = Math.sqrt(c) / n;
    var k = SCALE * scaleFactor, tx = TX + offset[0] * SCALE, ty = TY + offset[1] * SCALE;
    var turn = (rotate % 360) * RAD;
    function raw(lam, phi) {
      var r = Math.sqrt(c - 2 * n * Math.sin(phi)) / n;
      lam *= n;
      return [r * Math.sin(lam), r0 - r * Math.cos(lam)];
    }
    var mid = raw(center[0] * RAD, center[1] * RAD), dx = tx - k * mid[0], dy = ty + k * mid[1];
    var s = shrink === undefined ? EPSILON : shrink;
    var box = [TX + frame[0] * SCALE + s, TY + frame[1] * SCALE + s, TX + frame[2] * SCALE - s, TY + frame[3] * SCALE - s];
    return {
      name: name,
      box: box,
      project: function (lon, lat) {
        var lam = lon * RAD + turn;
        if (Math.abs(lam) > Math.PI) lam -= Math.round(lam / (2 * Math.PI)) * 2 * Math.PI;
        var p = raw(lam, lat * RAD);
        return [dx + k * p[0], dy - k * p[1]];
      },
      holds: function (x, y) { return box[0] <= x && x <= box[2] && box[1] <= y && y <= box[3]; }
    };
  }

  var INSETS = [
    conic("lower48", 96, [-0.6, 38.7], [29.5, 45.5], 1, [0, 0], [-0.455, -0.238, 0.455, 0.238], 0),
    conic("alaska", 154, [-2, 58.5], [55, 65], 0.35, [-0.307, 0.201], [-0.425, 0.120, -0.214, 0.234]),
    conic("hawaii", 157, [-3, 19.9], [8, 18], 1, [-0.205, 0.212], [-0.214, 0.166, -0.115, 0.234]),
    conic("caribbean", 66.26, [0, 18.10], [17, 19], 1.5, [0.3645, 0.1869], [0.2991, 0.1589, 0.4299, 0.2150]),
    conic("marianas", -145.35, [0, 16.03], [13, 19], 0.45, [-0.1028, 0.2019], [-0.1140, 0.1701, -0.0916, 0.2336]),
    conic("samoa", 170.13, [0, -14.27], [-14, -15], 0.9, [-0.0776, 0.2178], [-0.0897, 0.2037, -0.0654, 0.2336])
  ];
  var BY_NAME = {};
  INSETS.forEach(function (inset) { BY_NAME[inset.name] = inset; });
  var STATE_INSET = { AK: "alaska", HI: "hawaii", PR: "caribbean", VI: "caribbean", GU: "marianas", MP: "marianas", AS: "samoa" };

  function insetFor(state) { return BY_NAME[STATE_INSET[state] || "lower48"]; }

  /* [x, y] on the plane: in the state's inset when the state is known, else in the first inset whose frame
     holds the point (null when none does, like d3.geoAlbersUsa). */
  function project(lon, lat, state) {
    if (state) return insetFor(state).project(lon, lat);
    for (var i = 0; i < INSETS.length; i++) {
      var p = INSETS[i].project(lon, lat);
      if (INSETS[i].holds(p[0], p[1])) return p;
    }
    return null;
  }

  window.IOPProjection = { project: project, insetFor: insetFor, insets: INSETS };
})();
