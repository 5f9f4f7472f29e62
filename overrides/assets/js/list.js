/* IOP Finder: the referral list ("my list"), copy and print buttons on program pages.
 *
 * The list lives in this browser only (localStorage key "iop-finder-list"), and it keeps program ids only: never
 * a ZIP code or coordinates. The list page works from its URL alone: /list/#ids=a,b,c&from=23220. Ids and ZIP sit
 * after "#", so they never reach a server log; links of the form /list/?ids=a,b,c work too. The ZIP of a search
 * goes into list links made on the finder's page (searchedFrom), and is forgotten when the page closes.
 *
 * Needs assets/js/iop.js (id rules, card shards, distances, DOM helpers), loaded just before this script.
 */
(function () {
  "use strict";

  var IOP = window.IOP;  /* assets/js/iop.js: distances, id rules, card shards, DOM helpers */
  var isId = IOP.isId, isZip = IOP.isZip, el = IOP.el, getJSON = IOP.getJSON;

  var KEY = "iop-finder-list";
  var scriptEl = document.querySelector('script[src$="assets/js/list.js"]');
  var base = new URL("../../", scriptEl ? scriptEl.src : location.href).href;

  function load() {
    try {
      var stored = localStorage.getItem(KEY);
      var data = JSON.parse(stored || "{}");
      var list = { ids: Array.isArray(data.ids) ? data.ids.filter(isId) : [], from: null };
      // Lists saved by older versions also held the ZIP of a search: keep only the ids.
      if (stored && stored !== JSON.stringify({ ids: list.ids })) save(list);
      return list;
    } catch (e) {
      return { ids: [], from: null };
    }
  }
  function save(list) {
    try {
      localStorage.setItem(KEY, JSON.stringify({ ids: list.ids }));
    } catch (e) { /* private mode: the list lasts this page */ }
  }

  var searched = null; // the finder's current ZIP, for list links made on its page only (never stored)
  function searchedFrom(zip) {
    searched = isZip(zip) ? zip : null;
    refreshButtons();
  }

  function has(id) { return load().ids.indexOf(id) >= 0; }
  function toggle(id) {
    var list = load();
    var at = list.ids.indexOf(id);
    if (at >= 0) list.ids.splice(at, 1);
    else list.ids.push(id);
    save(list);
    refreshButtons();
    return at < 0;
  }
  function listLink(list) {
    var p = "ids=" + list.ids.join(",");
    var from = list.from || searched;
    if (from) p += "&from=" + from;
    return base + "list/#" + p;
  }

  function refreshButtons() {
    var list = load();
    document.querySelectorAll("[data-add-id]").forEach(function (b) {
      var inList = list.ids.indexOf(b.getAttribute("data-add-id")) >= 0;
      b.textContent = inList ? "Remove from my list" : "Add to my list";
      b.setAttribute("aria-pressed", inList ? "true" : "false");
      b.hidden = false;
    });
    document.querySelectorAll("[data-list-count]").forEach(function (el) {
      el.textContent = list.ids.length ? "My list (" + list.ids.length + ")" : "My list";
      el.href = listLink(list);
      el.hidden = !list.ids.length;
    });
  }

  function announce(text) {
    var live = document.getElementById("iop-list-live");
    if (!live) {
      live = document.createElement("div");
      live.id = "iop-list-live";
      live.className = "md-visually-hidden iop-visually-hidden";
      live.setAttribute("role", "status");
      live.setAttribute("aria-live", "polite");
      document.body.appendChild(live);
    }
    live.textContent = text;
  }

  function copy(text, button, done) {
    var reset = button.textContent;
    function ok() { button.textContent = done; setTimeout(function () { button.textContent = reset; }, 2500); }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(ok, function () { window.prompt("Copy this:", text); });
    } else {
      window.prompt("Copy this:", text);
    }
  }

  document.addEventListener("click", function (e) {
    var add = e.target.closest("[data-add-id]");
    if (add) {
      var added = toggle(add.getAttribute("data-add-id"));
      announce(added ? "Added to your list." : "Removed from your list.");
      return;
    }
    var copyBtn = e.target.closest("[data-copy-text]");
    if (copyBtn) { copy(copyBtn.getAttribute("data-copy-text"), copyBtn, "Details copied"); return; }
    if (e.target.closest("[data-print]")) window.print();
  });
  document.querySelectorAll("[data-copy-text], [data-print]").forEach(function (b) { b.hidden = false; });

  // A ZIP form elsewhere (the home page) opens the finder with the ZIP after "#", so no server ever sees it. Its box
  // has no name: without this script the form opens the list by state (its action) and sends nothing.
  document.querySelectorAll("form[data-zip-jump]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      var zip = (f.querySelector("input").value || "").replace(/\D/g, "");
      if (!/^\d{5}$/.test(zip)) return;
      e.preventDefault();
      location.href = new URL(f.getAttribute("data-zip-jump"), location.href).href + "#zip=" + zip + "&r=25";
    });
  });

  window.IOPList = { has: has, refresh: refreshButtons, searchedFrom: searchedFrom };
  refreshButtons();

  /* --- The list page --- */
  var root = document.getElementById("referral-list");
  if (!root) return;

  function fromUrl() {
    var params = new URLSearchParams(location.search);
    new URLSearchParams(location.hash.replace(/^#/, "")).forEach(function (v, k) { params.set(k, v); });
    var ids = (params.get("ids") || "").split(",").filter(isId);
    var seen = {};
    ids = ids.filter(function (id) { return seen[id] ? false : (seen[id] = true); }).slice(0, 50);
    return { ids: ids, from: isZip(params.get("from")) ? params.get("from") : null };
  }

  var status = document.getElementById("referral-status");
  var out = document.getElementById("referral-items");
  var copyLink = document.getElementById("referral-copy");
  var printBtn = document.getElementById("referral-print");
  var clearBtn = document.getElementById("referral-clear");

  function render() {
    var wanted = fromUrl();
    if (!wanted.ids.length) wanted = load();
    out.textContent = "";
    if (!wanted.ids.length) {
      status.textContent = "Your list is empty. Use “Add to my list” on a program page or in the finder's results.";
      copyLink.hidden = printBtn.hidden = clearBtn.hidden = true;
      return;
    }
    var link = listLink(wanted);
    if (location.href !== link) history.replaceState(null, "", link);
    status.textContent = "Loading " + wanted.ids.length + " programs…";
    var origin = wanted.from
      ? getJSON(base + "search/zip/" + wanted.from.slice(0, 3) + ".json").then(function (t) { return t[wanted.from] || null; },
          function () { return null; })
      : Promise.resolve(null);
    // Cards live in search/c/<shard>.json, about 16 to a file; the shard is FNV-1a of the id (as in the build).
    var shards = parseInt(root.getAttribute("data-card-shards"), 10) || 1;
    var files = {};
    function cardOf(id) {
      var shard = IOP.cardShard(id, shards);
      if (!files[shard]) files[shard] = getJSON(base + "search/c/" + shard + ".json");
      return files[shard].then(function (f) {
        return Object.prototype.hasOwnProperty.call(f.cards, id) ? f.cards[id] : { id: id, missing: true };
      },
        function () { return { id: id, missing: true }; });
    }
    Promise.all([origin].concat(wanted.ids.map(cardOf))).then(function (results) {
      var z = results[0], cards = results.slice(1);
      var ol = el("ol", "iop-referral");
      cards.forEach(function (c) {
        var li = el("li", "iop-referral__item");
        li.setAttribute("data-id", c.id);
        if (c.missing) {
          li.appendChild(el("p", null, "A program in this list (" + c.id + ") is no longer in the directory."));
          ol.appendChild(li);
          return;
        }
        var h = el("h2", "iop-referral__name");
        var a = el("a", null, c.name);
        a.href = base + "programs/" + c.id + "/";
        h.appendChild(a);
        if (c.example) { h.appendChild(document.createTextNode(" ")); h.appendChild(el("span", "iop-tag", "Example")); }
        li.appendChild(h);
        var lines = el("p", "iop-referral__lines");
        var tel = el("a", null, c.phone);
        tel.href = IOP.telHref(c.phone);
        lines.appendChild(el("strong", null, "Phone: "));
        lines.appendChild(tel);
        lines.appendChild(el("br"));
        lines.appendChild(document.createTextNode(c.street + ", " + c.city + ", " + c.state + " " + c.zip));
        if (z) {
          lines.appendChild(el("br"));
          lines.appendChild(el("span", "iop-referral__miles",
            IOP.milesText(IOP.geodesicMiles(z[0], z[1], c.lat, c.lon)) + " from ZIP code " + wanted.from));
        }
        lines.appendChild(el("br"));
        lines.appendChild(document.createTextNode(c.focus + " · " + c.schedule +
          (c.sessions.length ? " · " + c.sessions.join(", ") : "") + (c.details ? " (" + c.details + ")" : "")));
        lines.appendChild(el("br"));
        lines.appendChild(document.createTextNode("Pays with: " + c.payment.join(", ")));
        if (c.website) { lines.appendChild(el("br")); lines.appendChild(document.createTextNode("Website: " + c.website)); }
        li.appendChild(lines);
        li.appendChild(IOP.verifiedLine(c.last_verified, c.stale_note));
        ol.appendChild(li);
      });
      out.appendChild(ol);
      var n = cards.length;
      status.textContent = n + (n === 1 ? " program" : " programs") + " in this list" +
        (wanted.from && z ? ", with distances from ZIP code " + wanted.from : "") + ".";
      copyLink.hidden = printBtn.hidden = clearBtn.hidden = false;
    });
  }

  copyLink.addEventListener("click", function () { copy(location.href, copyLink, "Link copied"); });
  printBtn.addEventListener("click", function () { window.print(); });
  clearBtn.addEventListener("click", function () {
    save({ ids: [] });
    history.replaceState(null, "", base + "list/");
    refreshButtons();
    render();
  });
  window.addEventListener("hashchange", render);
  render();
})();
