/* IOP Finder: the finder's results on a map, drawn in this page from this site's own files.
 *
 * finder.js sends an "iop:results" event after each search with the results its cards show, in order, and the
 * searched point. This script numbers the cards, places a numbered marker for each program people visit (video-only
 * programs stay off the map), marks the searched point with a ring, and draws the outlines of the states in view
 * from maps/<ST>.json (generator/maps.py). Requests name only states, never the point. No tiles, no map service.
 *
 * A marker moves focus to its card; a card's number moves focus back to its marker. The markers are one Tab stop
 * (arrow keys move between them), so the map adds little between the search box and the first result.
 */
(function () {
  "use strict";

  var t = window.IOP.t, count = window.IOP.count;  /* words in the page's language (iop.js) */

  var results = document.getElementById("finder-results");
  var projection = window.IOPProjection;
  if (!results || !projection) return;

  var SVG = "http://www.w3.org/2000/svg";
  var MARKER = 28, GAP = 4, PAD = 22, RING = 10, MIN_MILES = 4;
  var scriptEl = document.querySelector('script[src$="assets/js/results-map.js"]');
  var mapBase = new URL("../../maps/", scriptEl ? scriptEl.src : location.href).href;
  var wide = window.matchMedia("(min-width: 60em)");

  /* --- Same-origin outline files, each fetched once --- */
  var files = {};
  function getJSON(name) {
    if (!files[name]) {
      files[name] = fetch(mapBase + name, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status + " for " + name);
        return r.json();
      });
      files[name].catch(function () { delete files[name]; });
    }
    return files[name];
  }

  /* --- The map's parts, made on the first results --- */
  var section, toggle, body, frame, svg, land, marks, group, note, scaleBar, scaleText, current = null, run = 0;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function svgEl(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  function build() {
    var layout = el("div", "iop-with-map");
    results.parentNode.insertBefore(layout, results);
    section = el("section", "iop-results-map");
    section.setAttribute("aria-label", t("results_map.label", "Results on a map"));
    toggle = el("button", "md-button iop-results-map__toggle", t("results_map.show", "Show the map"));
    toggle.type = "button";
    toggle.setAttribute("aria-controls", "iop-results-map-body");
    toggle.setAttribute("aria-expanded", "false");
    toggle.addEventListener("click", function () { setOpen(toggle.getAttribute("aria-expanded") !== "true"); });
    body = el("div", "iop-results-map__body");
    body.id = "iop-results-map-body";
    frame = el("div", "iop-results-map__frame");
    svg = svgEl("svg", { "aria-hidden": "true", focusable: "false", class: "iop-results-map__svg" });
    land = svgEl("g", { class: "iop-results-map__land" });
    marks = svgEl("g", { class: "iop-results-map__marks" });
    svg.appendChild(land);
    svg.appendChild(marks);
    group = el("div", "iop-results-map__markers");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", t("results_map.group", "Numbered results on the map. Use the arrow keys to move between them."));
    group.addEventListener("keydown", onArrow);
    frame.appendChild(svg);
    frame.appendChild(group);
    note = el("p", "iop-map-note");
    var scale = el("p", "iop-results-map__scale");
    scaleBar = el("span", "iop-results-map__scale-bar");
    scaleBar.setAttribute("aria-hidden", "true");
    scaleText = el("span", "iop-results-map__scale-text");
    scale.appendChild(scaleBar);
    scale.appendChild(scaleText);
    body.appendChild(frame);
    body.appendChild(scale);
    body.appendChild(note);
    section.appendChild(toggle);
    section.appendChild(body);
    layout.appendChild(section);
    layout.appendChild(results);
    setOpen(false);
    wide.addEventListener("change", function () { setOpen(toggle.getAttribute("aria-expanded") === "true"); });
    if (window.ResizeObserver) new ResizeObserver(function () { if (current) draw(current); }).observe(frame);
  }

  /* On a phone the map waits behind its button, so the first result stays in view; beside the list it always shows. */
  function setOpen(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    toggle.textContent = open ? t("results_map.hide", "Hide the map") : t("results_map.show", "Show the map");
    body.hidden = !(open || wide.matches);
    if (!body.hidden && current) draw(current);
  }

  /* --- Numbers on the cards --- */
  function numberCards(detail, located) {
    detail.results.forEach(function (r, i) {
      var card = results.querySelector('li[data-id="' + CSS.escape(r.id) + '"]');
      if (!card) return;
      var old = card.querySelector(".iop-result__num");
      if (old) old.remove();
      var num;
      if (located[r.id]) {
        num = el("button", "iop-result__num", String(i + 1));
        num.type = "button";
        num.setAttribute("aria-label", t("results_map.show_result", "Show result {n} on the map", { n: i + 1 }));
        num.addEventListener("click", function () { focusMarker(r.id); });
      } else {
        num = el("span", "iop-result__num iop-result__num--off", String(i + 1));
        if (r.videoOnly) num.title = t("results_map.video_only", "Meets only by video, so it is not on the map");
      }
      card.insertBefore(num, card.firstChild);
    });
  }

  function focusMarker(id) {
    if (body.hidden) setOpen(true);
    var marker = group.querySelector('[data-id="' + CSS.escape(id) + '"]');
    if (!marker) return;
    setActive(marker);
    marker.focus();
  }
  function focusCard(id) {
    var card = results.querySelector('li[data-id="' + CSS.escape(id) + '"]');
    if (!card) return;
    var link = card.querySelector("h3 a") || card;
    link.focus();
    card.classList.add("iop-result--picked");
    setTimeout(function () { card.classList.remove("iop-result--picked"); }, 2000);
  }

  /* --- One Tab stop for all markers (a roving tabindex) --- */
  function setActive(marker) {
    group.querySelectorAll(".iop-marker").forEach(function (m) { m.tabIndex = m === marker ? 0 : -1; });
  }
  function onArrow(e) {
    var all = Array.prototype.slice.call(group.querySelectorAll(".iop-marker"));
    var at = all.indexOf(document.activeElement);
    if (at < 0) return;
    var to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: all.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    var next = all[Math.max(0, Math.min(all.length - 1, to))];
    setActive(next);
    next.focus();
  }

  /* --- Drawing --- */
  function milesToPlane(lon, lat, state) {
    var a = projection.project(lon, lat, state), b = projection.project(lon, lat + 1 / 69, state);
    return Math.sqrt(Math.pow(a[0] - b[0], 2) + Math.pow(a[1] - b[1], 2));
  }

  /* The view (plane pixels) that holds the point and every marker, at least MIN_MILES around the point, padded
     for whole markers and stretched to the frame's shape; and the screen pixels per plane pixel. */
  function viewFor(points, origin, width, height) {
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    points.forEach(function (p) { x0 = Math.min(x0, p[0]); y0 = Math.min(y0, p[1]); x1 = Math.max(x1, p[0]); y1 = Math.max(y1, p[1]); });
    var least = MIN_MILES * milesToPlane(origin.lon, origin.lat, origin.state);
    var cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    var w = Math.max(x1 - x0, 2 * least), h = Math.max(y1 - y0, 2 * least);
    var scale = Math.min((width - 2 * PAD) / w, (height - 2 * PAD) / h);
    return { x: cx - width / scale / 2, y: cy - height / scale / 2, w: width / scale, h: height / scale, scale: scale };
  }

  /* Markers in result order; one that would cover an earlier one (or the ring) moves to the nearest free place
     around its spot, with a line back to it, so every marker can be tapped and the ring stays in sight. */
  function place(points, ring, width, height) {
    var placed = [ring];
    points.forEach(function (p) {
      var spot = [p[0], p[1]], step, angle;
      search: for (step = 0; step <= 4; step++) {
        var tries = step === 0 ? 1 : 8 * step;
        for (angle = 0; angle < tries; angle++) {
          var t = 2 * Math.PI * angle / tries - Math.PI / 2;
          var c = [p[0] + Math.cos(t) * step * (MARKER + GAP), p[1] + Math.sin(t) * step * (MARKER + GAP)];
          if (c[0] < MARKER / 2 || c[1] < MARKER / 2 || c[0] > width - MARKER / 2 || c[1] > height - MARKER / 2) continue;
          if (placed.every(function (q) { return Math.abs(q[0] - c[0]) >= MARKER + GAP || Math.abs(q[1] - c[1]) >= MARKER + GAP; })) {
            spot = c;
            break search;
          }
        }
      }
      placed.push(spot);
    });
    return placed.slice(1);
  }

  function draw(detail) {
    var mine = ++run;
    var width = frame.clientWidth, height = frame.clientHeight;
    if (!width || !height) return;
    var origin = detail.origin;
    var o = projection.project(origin.lon, origin.lat, origin.state);
    var items = detail.results.map(function (r, i) { return { r: r, n: i + 1 }; }).filter(function (it) { return !it.r.videoOnly; });
    var pts = items.map(function (it) { return projection.project(it.r.lon, it.r.lat, it.r.state); });
    var view = viewFor(pts.concat([o]), { lon: origin.lon, lat: origin.lat, state: origin.state }, width, height);
    var unit = 100; // the outline files' units: FINDER_UNIT (0.01) plane pixels
    svg.setAttribute("viewBox", [view.x * unit, view.y * unit, view.w * unit, view.h * unit].join(" "));
    svg.setAttribute("data-scale", String(view.scale));
    function px(p) { return [(p[0] - view.x) * view.scale, (p[1] - view.y) * view.scale]; }
    function units(q) { return [(q[0] / view.scale + view.x) * unit, (q[1] / view.scale + view.y) * unit]; }
    var perPx = unit / view.scale;

    marks.textContent = "";
    group.textContent = "";
    var spots = place(pts.map(px), px(o), width, height);
    items.forEach(function (it, i) {
      var at = px(pts[i]), spot = spots[i], a = units(at), s = units(spot);
      if (spot[0] !== at[0] || spot[1] !== at[1]) {
        marks.appendChild(svgEl("line", { x1: a[0], y1: a[1], x2: s[0], y2: s[1], class: "iop-results-map__leader" }));
      }
      marks.appendChild(svgEl("circle", { cx: a[0], cy: a[1], r: 3 * perPx, class: "iop-results-map__spot", "data-id": it.r.id, "data-state": it.r.state }));
      var b = el("button", "iop-marker", String(it.n));
      b.type = "button";
      b.tabIndex = i === 0 ? 0 : -1;
      b.setAttribute("data-id", it.r.id);
      b.setAttribute("aria-label", it.n + ": " + it.r.name + ", " + it.r.city + ", " + milesText(it.r.miles) + ". " + t("results_map.go_to", "Go to it in the list"));
      b.style.left = (spot[0] / width * 100) + "%";
      b.style.top = (spot[1] / height * 100) + "%";
      b.addEventListener("click", function () { focusCard(it.r.id); });
      group.appendChild(b);
    });
    var ring = units(px(o));
    marks.appendChild(svgEl("circle", { cx: ring[0], cy: ring[1], r: RING * perPx, class: "iop-results-map__ring" }));
    drawScale(view, origin, width);
    var off = detail.results.length - items.length;
    note.textContent = t("results_map.ring", "The ring is {where}. Numbers match the list.", { where: origin.label }) +
      (off ? " " + count("results_map.off", off, "{count} program meets only by video and is not on the map.", "{count} programs meet only by video and are not on the map.") : "");

    getJSON("index.json").then(function (index) {
      var vx0 = view.x * unit, vy0 = view.y * unit, vx1 = vx0 + view.w * unit, vy1 = vy0 + view.h * unit;
      var states = Object.keys(index.boxes).filter(function (st) {
        var b = index.boxes[st];
        return b[0] <= vx1 && b[2] >= vx0 && b[1] <= vy1 && b[3] >= vy0;
      });
      return Promise.all(states.map(function (st) { return getJSON(st + ".json"); }));
    }).then(function (outlines) {
      if (mine !== run) return;
      land.textContent = "";
      outlines.forEach(function (o) { land.appendChild(svgEl("path", { d: o.d, "data-state": o.state })); });
    }).catch(function (err) {
      if (window.console) console.error(err);
    });
  }
  /* A scale bar of a round number of miles, about a quarter of the map wide, under the map (never under a marker). */
  function drawScale(view, origin, width) {
    var pxPerMile = milesToPlane(origin.lon, origin.lat, origin.state) * view.scale;
    var miles = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500].filter(function (m) { return m * pxPerMile <= width / 4; }).pop() || 0.5;
    scaleBar.style.width = Math.round(miles * pxPerMile) + "px";
    scaleText.textContent = count("results_map.scale", miles, "{count} mile", "{count} miles");
  }
  function milesText(m) { return window.IOP.milesText(m); }

  results.addEventListener("iop:results", function (e) {
    var detail = e.detail;
    var located = {};
    detail.results.forEach(function (r) { if (!r.videoOnly) located[r.id] = true; });
    if (!detail.origin || !Object.keys(located).length) {
      // No map (a search of a whole state, or only video programs): the numbers are plain labels.
      current = null;
      if (section) section.hidden = true;
      if (detail.results.length) numberCards(detail, {});
      return;
    }
    if (!section) build();
    section.hidden = false;
    current = detail;
    numberCards(detail, located);
    if (!body.hidden) draw(detail);
  });
})();
