/* IOP Finder: the program finder. No dependencies; lunr.js is loaded from this site only when words are typed.
 *
 * Privacy: the ZIP code and location stay in this page. Requests name only a 3-digit ZIP prefix shard, the
 * quadtree leaves around the point and a state's telehealth list, never the ZIP itself or the coordinates.
 * Search state lives in the URL after "#" (the fragment), so shared links reproduce a search and back/forward
 * work, yet browsers never send the fragment to any server: the ZIP code stays out of every request and log.
 * Query-string links (e.g. ?condition=ptsd from condition pages) are read once and moved into the fragment; a
 * ZIP code in one is moved there before this script runs (location-guard.js). The ZIP box has no name, so even a
 * browser without scripts could never put it in a request, and the referral list is told the ZIP only for links.
 *
 * Needs assets/js/iop.js (distances, quadtree leaves, DOM helpers), which every page loads before this script.
 */
(function () {
  "use strict";

  var form = document.getElementById("finder-form");
  if (!form) return;

  var statusEl = document.getElementById("finder-status");
  var resultsEl = document.getElementById("finder-results");
  var moreBtn = document.getElementById("f-more");
  var copyBtn = document.getElementById("f-copy");
  var locateBtn = document.getElementById("f-locate");
  var shareWrap = document.getElementById("f-share-wrap");
  var zipInput = document.getElementById("f-zip");
  var scriptEl = document.querySelector('script[src$="assets/js/finder.js"]');
  var base = new URL("../", scriptEl ? scriptEl.src : location.href).href.replace(/assets\/$/, "");
  var searchBase = base + "search/";
  var programBase = base + "programs/";

  var IOP = window.IOP;  /* assets/js/iop.js: distances, quadtree leaves, DOM helpers */
  // The filters as the build declares them (indexes.FILTERS): each fieldset names its filter, the key of its
  // values in a search record and how its ticked boxes combine.
  var FILTERS = [], FIELD = {}, MODE = {};
  form.querySelectorAll("fieldset[data-filter]").forEach(function (fs) {
    var name = fs.getAttribute("data-filter");
    FILTERS.push(name);
    FIELD[name] = fs.getAttribute("data-key");
    MODE[name] = fs.getAttribute("data-mode");
  });
  var RADII = [].map.call(form.elements.r.options, function (o) { return +o.value; });
  var PAGE = 20;

  var cache = {};
  function getJSON(path) {
    if (!cache[path]) {
      cache[path] = IOP.getJSON(searchBase + path);
      cache[path].catch(function () { delete cache[path]; });
    }
    return cache[path];
  }
  var geodesicMiles = IOP.geodesicMiles, leafBounds = IOP.leafBounds, milesToBox = IOP.milesToBox;

  /* --- URL state --- */
  function readState(params) {
    var st = { zip: (params.get("zip") || "").trim(), near: null, r: 25, q: (params.get("q") || "").trim(),
               tele: params.get("tele") === "1", sort: params.get("sort") === "name" ? "name" : "distance",
               share: params.get("share") === "1", filters: {} };
    var near = (params.get("near") || "").split(",");
    if (near.length === 2 && isFinite(+near[0]) && isFinite(+near[1]) && near[0] !== "" && near[1] !== "") {
      st.near = { lat: +near[0], lon: +near[1] };
    }
    var r = parseInt(params.get("r"), 10);
    if (RADII.indexOf(r) >= 0) st.r = r;
    FILTERS.forEach(function (name) { st.filters[name] = params.getAll(name); });
    return st;
  }
  function stateToQuery(st) {
    var p = new URLSearchParams();
    if (st.zip) p.set("zip", st.zip);
    if (st.near && st.share) { p.set("near", st.near.lat.toFixed(2) + "," + st.near.lon.toFixed(2)); p.set("share", "1"); }
    p.set("r", String(st.r));
    if (st.q) p.set("q", st.q);
    if (st.tele) p.set("tele", "1");
    FILTERS.forEach(function (name) { st.filters[name].forEach(function (v) { p.append(name, v); }); });
    if (st.sort !== "distance") p.set("sort", st.sort);
    return p.toString();
  }
  function stateToForm(st) {
    zipInput.value = st.zip;
    form.elements.r.value = String(st.r);
    form.elements.q.value = st.q;
    form.elements.tele.checked = st.tele;
    form.elements.sort.value = st.sort;
    document.getElementById("f-share").checked = st.share;
    FILTERS.forEach(function (name) {
      form.querySelectorAll('input[name="' + name + '"]').forEach(function (box) {
        box.checked = st.filters[name].indexOf(box.value) >= 0;
      });
    });
    var any = FILTERS.some(function (n) { return st.filters[n].length; });
    if (any) document.getElementById("f-filters").open = true;
  }
  function formToState() {
    var fields = new URLSearchParams(new FormData(form));
    fields.set("zip", zipInput.value);
    var st = readState(fields);
    st.near = current.near && !st.zip ? current.near : null;
    st.share = document.getElementById("f-share").checked;
    return st;
  }

  /* --- Matching --- */
  var manifest = null;
  var ready = getJSON("manifest.json").then(function (m) { manifest = m; });
  function positions(key) {
    var map = {};
    manifest.vocab[key].forEach(function (v, i) { map[v] = i; });
    return map;
  }
  function matcher(st) {
    var tests = [];
    if (st.filters.focus.length) {
      var fo = positions(FIELD.focus), wanted = st.filters.focus.map(function (v) { return fo[v]; });
      var co = fo.co_occurring;
      tests.push(function (p) {
        // Co-occurring programs treat both mental health and substance use, so they match either.
        return wanted.indexOf(p.fo) >= 0 || (p.fo === co && wanted.length > 0);
      });
    }
    FILTERS.forEach(function (name) {
      var values = st.filters[name];
      if (name === "focus" || !values.length) return;
      var key = FIELD[name], pos = positions(key);
      var idx = values.map(function (v) { return pos[v]; });
      var mode = MODE[name];
      if (idx.some(function (i) { return i === undefined; })) { tests.push(function () { return false; }); return; }
      tests.push(mode === "any"
        ? function (p) { return idx.some(function (i) { return p[key].indexOf(i) >= 0; }); }
        : function (p) { return idx.every(function (i) { return p[key].indexOf(i) >= 0; }); });
    });
    return function (p) { return tests.every(function (t) { return t(p); }); };
  }

  var lunrReady = null;
  function loadLunr() {
    if (window.lunr) return Promise.resolve(window.lunr);
    if (!lunrReady) {
      lunrReady = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = base + "assets/js/vendor/lunr.min.js";
        s.onload = function () { resolve(window.lunr); };
        s.onerror = function () { lunrReady = null; reject(new Error("could not load the text search")); };
        document.head.appendChild(s);
      });
    }
    return lunrReady;
  }
  function queryWords(q) {
    return q.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 1; }).slice(0, 8);
  }
  function textMatches(indexPaths, words) {
    return loadLunr().then(function (lunr) {
      // Typed words become index words as lunr's query pipeline makes them: its tokenizer, then its stemmer.
      var terms = [];
      words.forEach(function (w) {
        lunr.tokenizer(w).forEach(function (token) { terms.push(lunr.stemmer(token).toString()); });
      });
      return Promise.all(indexPaths.map(getJSON)).then(function (indexes) {
        var ids = {};
        indexes.forEach(function (index) {
          // A word index lists, for each word, the programs (positions in index.ids) that hold it; a program
          // matches when it holds every typed word, as lunr's required terms do.
          var count = {};
          terms.forEach(function (term) {
            var holders = Object.prototype.hasOwnProperty.call(index.words, term) ? index.words[term] : [];
            holders.forEach(function (i) { count[i] = (count[i] || 0) + 1; });
          });
          Object.keys(count).forEach(function (i) {
            if (count[i] === terms.length) ids[index.ids[i]] = true;
          });
        });
        return ids;
      });
    });
  }

  /* --- Search --- */
  function urlParams() {
    var params = new URLSearchParams(location.search);
    new URLSearchParams(location.hash.replace(/^#/, "")).forEach(function (v, k) {
      if (params.has(k) && FILTERS.indexOf(k) < 0) params.delete(k);
      params.append(k, v);
    });
    return params;
  }
  var current = readState(urlParams());
  var run = 0;
  var shown = PAGE;

  function findOrigin(st) {
    if (st.zip) {
      if (!/^\d{5}$/.test(st.zip)) return Promise.reject(userError("Please type a 5-digit ZIP code, like 23220."));
      var prefix = st.zip.slice(0, 3);
      if (manifest.zip_prefixes.indexOf(prefix) < 0) return Promise.reject(unknownZip(st.zip));
      return getJSON("zip/" + prefix + ".json").then(function (table) {
        var z = table[st.zip];
        if (!z) throw unknownZip(st.zip);
        return { lat: z[0], lon: z[1], state: z[2], label: "ZIP code " + st.zip };
      });
    }
    if (st.near) return Promise.resolve({ lat: st.near.lat, lon: st.near.lon, state: null, label: "your location" });
    return Promise.resolve(null);
  }
  function userError(message) { var e = new Error(message); e.user = true; return e; }
  function unknownZip(zip) {
    return userError("We could not find ZIP code " + zip + ". Check the number and try again.");
  }

  function search(st) {
    var mine = ++run;
    // A ZIP typed (or a link opened) before the manifest arrives waits for it instead of failing.
    return ready.then(function () { return findOrigin(st); }).then(function (origin) {
      if (mine !== run) return;
      if (!origin) { clearResults(); say(""); return; }
      say("Searching…");
      var leaves = Object.keys(manifest.leaves).map(function (key) {
        return { key: key, min: milesToBox(origin.lat, origin.lon, leafBounds(key)) };
      }).filter(function (l) { return l.min <= st.r; }).sort(function (a, b) { return a.min - b.min; });
      var matches = matcher(st);
      var words = queryWords(st.q);
      var found = {}, list = [], fetched = 0;
      var teleState = null;

      function take(programs, viaTelehealth) {
        programs.forEach(function (p) {
          if (found[p.id]) return;
          var miles = geodesicMiles(origin.lat, origin.lon, p.la, p.lo);
          if (miles > st.r && !viaTelehealth) return;
          if (!matches(p)) return;
          found[p.id] = true;
          list.push({ p: p, miles: miles, tele: miles > st.r });
        });
      }
      function enough() {
        // Stop early only when sorting by distance: every unfetched leaf lies beyond the last result we show.
        if (st.sort !== "distance" || words.length) return fetched >= leaves.length;
        if (fetched >= leaves.length) return true;
        if (list.length < shown) return false;
        list.sort(byDistance);
        return leaves[fetched].min > list[shown - 1].miles;
      }
      function next() {
        if (enough()) return Promise.resolve();
        var batch = leaves.slice(fetched, fetched + 4);
        return Promise.all(batch.map(function (l) { return getJSON("p/" + l.key + ".json"); })).then(function (shards) {
          shards.forEach(function (s) { take(s.programs, false); });
          fetched += batch.length;
          return next();
        });
      }
      return next().then(function () {
        if (!st.tele) return;
        teleState = origin.state || nearestState(list);
        if (!teleState || !manifest.telehealth[teleState]) return;
        return getJSON("t/" + teleState + ".json").then(function (s) {
          take(s.programs.filter(function (p) { return p.tv; }), true);
        });
      }).then(function () {
        if (!words.length) return;
        var paths = leaves.slice(0, fetched).map(function (l) { return "x/" + l.key + ".json"; });
        if (teleState && manifest.telehealth[teleState]) paths.push("t/" + teleState + ".idx.json");
        return textMatches(paths, words).then(function (ids) {
          list = list.filter(function (item) { return ids[item.p.id]; });
        });
      }).then(function () {
        if (mine !== run) return;
        list.sort(st.sort === "name" ? byName : byDistance);
        render(st, origin, list, fetched >= leaves.length, teleState);
      });
    }).catch(function (err) {
      if (mine !== run) return;
      clearResults();
      say(err.user ? err.message : "Something went wrong loading the search. Please try again, or browse programs by state.");
      if (!err.user && window.console) console.error(err);
    });
  }
  function nearestState(list) {
    var best = null;
    list.forEach(function (i) { if (!i.tele && (!best || i.miles < best.miles)) best = i; });
    return best ? best.p.s : null;
  }
  function byDistance(a, b) { return a.miles - b.miles || (a.p.n < b.p.n ? -1 : a.p.n > b.p.n ? 1 : 0); }
  function byName(a, b) {
    var x = a.p.n.toLowerCase(), y = b.p.n.toLowerCase();
    return x < y ? -1 : x > y ? 1 : a.miles - b.miles;
  }

  /* --- Rendering (DOM only: every value is text, never HTML) --- */
  function say(text) { statusEl.textContent = text; }
  function clearResults() { resultsEl.textContent = ""; moreBtn.hidden = true; copyBtn.hidden = true; showOnMap(null, []); }
  /* Tell the results map (assets/js/results-map.js) what the cards show, in their order. */
  function showOnMap(origin, items) {
    resultsEl.dispatchEvent(new CustomEvent("iop:results", { bubbles: true, detail: {
      origin: origin && { lat: origin.lat, lon: origin.lon, state: origin.state, label: origin.label },
      results: items.map(function (i) {
        return { id: i.p.id, name: i.p.n, city: i.p.c, state: i.p.s, lat: i.p.la, lon: i.p.lo, miles: i.miles, videoOnly: !!i.p.vo };
      })
    } }));
  }
  var el = IOP.el, milesText = IOP.milesText;
  function label(key, index) { return manifest.labels[key][index]; }

  function card(item) {
    var p = item.p, li = el("li", "iop-result");
    li.setAttribute("data-id", p.id);
    var h = el("h3", "iop-result__name");
    var a = el("a", null, p.n);
    a.href = programBase + encodeURIComponent(p.id) + "/";
    h.appendChild(a);
    if (p.ex) { h.appendChild(document.createTextNode(" ")); h.appendChild(el("span", "iop-tag", "Example")); }
    li.appendChild(h);
    var where = el("p", "iop-result__where");
    where.appendChild(el("strong", "iop-result__miles", milesText(item.miles)));
    where.appendChild(document.createTextNode(" · " + p.c + ", " + p.s + (item.tele ? " · offers video sessions in your state" : "")));
    li.appendChild(where);
    var phone = el("p", "iop-result__phone");
    var tel = el("a", null, p.ph);
    tel.href = IOP.telHref(p.ph);
    phone.appendChild(tel);
    li.appendChild(phone);
    var facts = el("ul", "iop-result__facts");
    facts.appendChild(el("li", null, label("fo", p.fo)));
    facts.appendChild(el("li", null, p.h + " hours a week, " + p.d + " days"));
    p.ss.forEach(function (i) { facts.appendChild(el("li", null, label("ss", i))); });
    if (p.tv) facts.appendChild(el("li", null, "Video sessions"));
    var pay = p.py.map(function (i) { return label("py", i); });
    if (pay.length) facts.appendChild(el("li", null, "Pays with: " + pay.join(", ")));
    li.appendChild(facts);
    li.appendChild(IOP.verifiedLine(p.vd, p.vs ? manifest.stale_note : null));
    var add = el("button", "md-button iop-add", "Add to my list");
    add.type = "button";
    add.setAttribute("data-add-id", p.id);
    li.appendChild(add);
    return li;
  }

  function render(st, origin, list, complete, teleState) {
    resultsEl.textContent = "";
    var where = origin.label;
    if (!list.length) {
      var box = el("div", "iop-empty");
      box.appendChild(el("p", null, "No programs match within " + st.r + " miles of " + where + "."));
      var tips = el("ul");
      var wider = RADII.filter(function (r) { return r > st.r; })[0];
      if (wider) {
        var b = el("button", "md-button iop-widen", "Search within " + wider + " miles");
        b.type = "button";
        b.addEventListener("click", function () { form.elements.r.value = String(wider); submit(); });
        var li1 = el("li"); li1.appendChild(b); tips.appendChild(li1);
      }
      var active = FILTERS.filter(function (n) { return st.filters[n].length; });
      if (active.length || st.q) {
        var c = el("button", "md-button iop-drop", "Clear filters and words");
        c.type = "button";
        c.addEventListener("click", clearFilters);
        var li2 = el("li"); li2.appendChild(c); tips.appendChild(li2);
      }
      if (!st.tele) tips.appendChild(el("li", null, "Tick “Also show programs in my state that offer video sessions”."));
      box.appendChild(tips);
      resultsEl.appendChild(box);
      showOnMap(origin, []);
      say("No programs found within " + st.r + " miles of " + where + ". Try a wider distance or fewer filters.");
      moreBtn.hidden = true;
      copyBtn.hidden = false;
      return;
    }
    var ol = el("ol", "iop-results");
    list.slice(0, shown).forEach(function (item) { ol.appendChild(card(item)); });
    resultsEl.appendChild(ol);
    showOnMap(origin, list.slice(0, shown));
    if (window.IOPList) window.IOPList.searchedFrom(st.zip || null);
    var count = list.length;
    var noun = count === 1 ? "program" : "programs";
    var text;
    if (complete) {
      text = count + " " + noun + " found within " + st.r + " miles of " + where +
        (teleState && list.some(function (i) { return i.tele; }) ? ", including video programs in " + teleState : "") + ".";
      if (count > shown) text += " Showing the first " + shown + ".";
    } else {
      text = "Showing the " + Math.min(shown, count) + " nearest programs within " + st.r + " miles of " + where + ".";
    }
    say(text);
    moreBtn.hidden = complete && count <= shown;
    copyBtn.hidden = false;
  }

  /* --- Events --- */
  function submit(push) {
    var st = formToState();
    if (st.zip) st.near = null;
    current = st;
    shown = PAGE;
    var query = stateToQuery(st);
    var url = location.pathname + "#" + query;
    if (push !== false && url !== location.pathname + location.search + location.hash) history.pushState(null, "", url);
    shareWrap.hidden = !st.near;
    return search(st);
  }
  function clearFilters() {
    form.querySelectorAll(".iop-filter input").forEach(function (b) { b.checked = false; });
    form.elements.q.value = "";
    submit();
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });
  zipInput.addEventListener("input", function () {
    var v = zipInput.value.replace(/\D/g, "").slice(0, 5);
    if (v !== zipInput.value) zipInput.value = v;
    // Fetch the 3-digit prefix's ZIP table while the last digits are typed; the request names only the prefix.
    if (v.length >= 3 && manifest && manifest.zip_prefixes.indexOf(v.slice(0, 3)) >= 0) getJSON("zip/" + v.slice(0, 3) + ".json");
    if (v.length === 5) submit();
  });
  ["r", "sort"].forEach(function (name) { form.elements[name].addEventListener("change", function () { submit(); }); });
  form.elements.tele.addEventListener("change", function () { submit(); });
  document.getElementById("f-share").addEventListener("change", function () { submit(); });
  form.querySelectorAll(".iop-filter input").forEach(function (b) {
    b.addEventListener("change", function () { submit(); });
  });
  document.getElementById("f-clear").addEventListener("click", clearFilters);
  moreBtn.addEventListener("click", function () {
    shown += PAGE;
    var focusIndex = shown - PAGE;
    search(current).then(function () {
      var items = resultsEl.querySelectorAll(".iop-result a");
      if (items[focusIndex]) items[focusIndex].focus();
    });
  });
  copyBtn.addEventListener("click", function () {
    var link = location.href;
    var done = function () { copyBtn.textContent = "Link copied"; setTimeout(function () { copyBtn.textContent = "Copy link to these results"; }, 2500); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(link).then(done, function () { window.prompt("Copy this link:", link); });
    } else {
      window.prompt("Copy this link:", link);
    }
  });
  if ("geolocation" in navigator) {
    locateBtn.hidden = false;
    locateBtn.addEventListener("click", function () {
      say("Asking your browser for your location…");
      navigator.geolocation.getCurrentPosition(function (pos) {
        zipInput.value = "";
        current.near = { lat: pos.coords.latitude, lon: pos.coords.longitude };
        var st = formToState();
        st.near = current.near;
        current = st;
        shareWrap.hidden = false;
        shown = PAGE;
        var query = stateToQuery(st);
        history.pushState(null, "", location.pathname + "#" + query);
        search(st);
      }, function () {
        say("We could not get your location. Type a ZIP code instead.");
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
    });
  }
  window.addEventListener("popstate", function () {
    current = readState(urlParams());
    stateToForm(current);
    shareWrap.hidden = !current.near;
    shown = PAGE;
    search(current);
  });

  form.classList.remove("iop-pending");
  ready.then(function () {
    stateToForm(current);
    shareWrap.hidden = !current.near;
    if (current.zip || current.near) search(current);
  }).catch(function () {
    say("The search could not load. You can browse programs by state instead.");
  });
})();
