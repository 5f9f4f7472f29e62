/* IOP Finder: two to four programs side by side, /compare/#ids=a,b,c&from=23220. A real table: one column per
 * program (a column header with its name) and one row per fact (a row header), on screen and in print. On a phone
 * the table scrolls sideways inside its own frame, with the facts' names kept in view; the page itself does not.
 *
 * Needs assets/js/iop.js and assets/js/list.js (the ids of a link, the programs' card files), loaded before it.
 */
(function () {
  "use strict";

  var root = document.getElementById("compare");
  if (!root || !window.IOPList) return;

  /* Every sentence this script shows, in one place, in the page's language (IOP.t, iop.js). */
  var W = window.IOP;
  var TEXT = {
    choose: W.t("compare.choose", "Choose 2 to 4 programs to compare: tick them in your list, then press “Compare the ticked programs”."),
    tooMany: function (n) { return W.t("compare.too_many", "This link names {n} programs. The table shows the first 4.", { n: n }); },
    loading: W.t("compare.loading", "Loading…"),
    caption: function (n) { return W.t("compare.caption", "{n} programs side by side", { n: n }); },
    done: function (n, from) {
      return from ? W.t("compare.done_from", "Comparing {n} programs, with distances from ZIP code {zip}.", { n: n, zip: from })
        : W.t("compare.done", "Comparing {n} programs.", { n: n });
    },
    missing: W.t("compare.missing", "No longer in the directory"),
    program: W.t("compare.program", "Program"),
    rows: {
      phone: W.t("compare.phone", "Phone"), where: W.t("compare.where", "Where"), distance: W.t("compare.distance", "Distance"),
      focus: W.t("finder.treats", "Treats"), schedule: W.t("compare.hours", "Hours"), times: W.t("finder.times", "Times"),
      ages: W.t("finder.ages", "Ages"), conditions: W.t("compare.conditions", "Conditions"),
      medications: W.t("finder.medications", "Medications"), payment: W.t("compare.payment", "Payment"),
      languages: W.t("finder.languages", "Languages"), video: W.t("compare.video", "Video sessions"),
      newPatients: W.t("finder.new_patients_heading", "New patients"), start: W.t("list.start", "How to start"),
      verified: W.t("iop.last_verified", "Last verified")
    },
    videoOnly: W.t("compare.video_only", "Every session is by video"), videoSome: W.t("compare.video_some", "Some or all sessions"),
    videoNo: W.t("compare.video_no", "No, in person"),
    notReported: W.t("finder.not_reported", "not reported"), example: W.t("finder.example", "Example"),
    from: function (zip) { return W.t("compare.from", "from ZIP code {zip}", { zip: zip }); }
  };
  var MAX = 4;

  var IOP = window.IOP, L = window.IOPList, el = IOP.el;
  var status = document.getElementById("compare-status"), out = document.getElementById("compare-table");
  var scriptEl = document.querySelector('script[src$="assets/js/compare.js"]');
  var base = new URL("../../", scriptEl ? scriptEl.src : location.href).href;
  var shards = parseInt(root.getAttribute("data-card-shards"), 10) || 1;

  /* Each row: its header and the text of each program's cell (null reads "not reported"). */
  function rows(cards, z, from) {
    var list = function (xs) { return xs.length ? xs.join(", ") : null; };
    var r = TEXT.rows, out = [
      [r.phone, function (c) { return { tel: c.phone }; }],
      [r.where, function (c) { return c.city + ", " + c.state; }]
    ];
    if (z) out.push([r.distance, function (c) { return IOP.milesText(IOP.geodesicMiles(z[0], z[1], c.lat, c.lon)) + " " + TEXT.from(from); }]);
    out.push(
      [r.focus, function (c) { return c.focus; }],
      [r.schedule, function (c) { return c.schedule; }],
      [r.times, function (c) { return c.details_en ? { text: c.times, english: c.details_en } : c.times; }],
      [r.ages, function (c) { return c.ages; }],
      [r.conditions, function (c) { return list(c.conditions); }],
      [r.medications, function (c) { return list(c.medications); }],
      [r.payment, function (c) { return list(c.payment); }],
      [r.languages, function (c) { return list(c.languages); }],
      [r.video, function (c) { return c.telehealth_only ? TEXT.videoOnly : c.telehealth ? TEXT.videoSome : TEXT.videoNo; }],
      [r.newPatients, function (c) { return c.new_patients; }],
      [r.start, function (c) { return c.start; }],
      [r.verified, function (c) { return { time: c.last_verified, iso: c.last_verified_iso, note: c.stale_note }; }]
    );
    return out.map(function (row) { return { head: row[0], cells: cards.map(function (c) { return c.missing ? null : row[1](c); }) }; });
  }
  function cell(value) {
    var td = el("td");
    if (value === null || value === undefined) {
      td.className = "iop-not-reported";
      td.textContent = TEXT.notReported;
    } else if (value.tel) {
      var a = el("a", "iop-phone", value.tel);
      a.href = IOP.telHref(value.tel);
      td.appendChild(a);
    } else if (value.time) {
      var t = el("time", null, value.time);
      t.setAttribute("datetime", value.iso);
      td.appendChild(t);
      if (value.note) { td.appendChild(document.createTextNode(". ")); td.appendChild(el("strong", "iop-stale", value.note)); }
    } else if (value.english) {
      // The program's own words, in English on a page in another language.
      td.textContent = value.text + " (";
      td.appendChild(el("span", null, value.english)).lang = "en";
      td.appendChild(document.createTextNode(")"));
    } else {
      td.textContent = value;
    }
    return td;
  }
  function table(cards, z, from) {
    var frame = el("div", "iop-compare");
    frame.setAttribute("role", "region");
    frame.setAttribute("aria-labelledby", "compare-caption");
    frame.tabIndex = 0;  // it may scroll sideways: keyboard users can scroll it too
    var t = el("table", "iop-compare__table");
    var caption = el("caption", null, TEXT.caption(cards.length));
    caption.id = "compare-caption";
    t.appendChild(caption);
    var head = el("thead"), tr = el("tr");
    var corner = el("td", "iop-compare__corner");
    tr.appendChild(corner);
    cards.forEach(function (c) {
      var th = el("th");
      th.scope = "col";
      if (c.missing) { th.textContent = c.id + " (" + TEXT.missing + ")"; tr.appendChild(th); return; }
      var a = el("a", null, c.name);
      a.href = base + ((IOP.lang.data.pages || {}).programs || "programs/") + c.id + "/";
      th.appendChild(a);
      if (c.example) { th.appendChild(document.createTextNode(" ")); th.appendChild(el("span", "iop-tag", TEXT.example)); }
      tr.appendChild(th);
    });
    head.appendChild(tr);
    t.appendChild(head);
    var body = el("tbody");
    rows(cards, z, from).forEach(function (row) {
      var r = el("tr"), th = el("th", null, row.head);
      th.scope = "row";
      r.appendChild(th);
      row.cells.forEach(function (v) { r.appendChild(cell(v)); });
      body.appendChild(r);
    });
    t.appendChild(body);
    frame.appendChild(t);
    frame.style.setProperty("--iop-columns", String(cards.length));
    return frame;
  }

  function render() {
    var wanted = L.fromUrl();
    out.textContent = "";
    if (wanted.ids.length < 2) { status.textContent = TEXT.choose; return; }
    var note = wanted.ids.length > MAX ? TEXT.tooMany(wanted.ids.length) + " " : "";
    wanted.ids = wanted.ids.slice(0, MAX);
    status.textContent = TEXT.loading;
    L.cardsFor(wanted, shards).then(function (results) {
      var z = results[0], cards = results.slice(1);
      out.appendChild(table(cards, z, wanted.from));
      status.textContent = note + TEXT.done(cards.length, z ? wanted.from : null);
    });
  }
  window.addEventListener("hashchange", render);
  render();
})();
