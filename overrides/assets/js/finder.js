/* IOP Finder: the program finder's page. finder-search.js fetches and matches; this file keeps the search in the
 * URL, draws the results and helps when nothing matches. lunr.js is loaded from this site only when words are
 * typed.
 *
 * Privacy: the ZIP code and location stay in this page. Search state lives in the URL after "#" (the fragment),
 * so shared links reproduce a search and back/forward work, yet browsers never send the fragment to any server.
 * Query-string links (e.g. ?condition=ptsd from condition pages) are read once and moved into the fragment; a ZIP
 * code in one is moved there before this script runs (location-guard.js). The ZIP box has no name, so even a
 * browser without scripts could never put it in a request, and the referral list is told the ZIP only for links.
 * A location from "Use my location" goes into a link only when the person says so, rounded to about half a mile.
 *
 * On a phone the results come first: after a search the choices fold into one line ("3 filters · Change"), focus
 * moves to the results heading, and the first result card is in view without scrolling.
 *
 * Needs assets/js/iop.js and assets/js/finder-search.js, loaded before this script.
 */
(function () {
  "use strict";

  var form = document.getElementById("finder-form");
  if (!form || !window.IOPFinderSearch) return;

  /* Every sentence this script shows, in one place, in the page's language (IOP.t: the English is written here,
     other languages' words come from their locale's `finder` section). */
  var t = window.IOP.t, count = window.IOP.count;
  var TEXT = {
    searching: t("finder.searching", "Searching…"),
    badZip: t("finder.bad_zip", "Please type a 5-digit ZIP code, like 23220."),
    unknownZip: function (zip) { return t("finder.unknown_zip", "We could not find ZIP code {zip}. Check the number and try again.", { zip: zip }); },
    zipPlace: function (zip) { return t("finder.zip_place", "ZIP code {zip}", { zip: zip }); },
    yourLocation: t("finder.your_location", "your location"),
    failed: t("finder.failed", "Something went wrong loading the search. Please try again, or browse programs by state."),
    notLoaded: t("finder.not_loaded", "The search could not load. You can browse programs by state instead."),
    askingLocation: t("finder.asking_location", "Asking your browser for your location…"),
    noLocation: t("finder.no_location", "We could not get your location. Type a ZIP code instead."),
    programs: function (n) { return count("finder.programs", n, "{count} program", "{count} programs"); },
    found: function (n, r, where) { return count("finder.found", n, "{count} program found within {r} miles of {where}", "{count} programs found within {r} miles of {where}", { r: r, where: where }); },
    foundInState: function (n, state) { return count("finder.found_in_state", n, "{count} program found in {state}.", "{count} programs found in {state}.", { state: state }); },
    withVideo: function (state) { return t("finder.with_video", ", including video programs in {state}", { state: state }); },
    firstOnly: function (n) { return " " + t("finder.first_only", "Showing the first {n}.", { n: n }); },
    nearestOnly: function (n, r, where) { return t("finder.nearest_only", "Showing the {n} nearest programs within {r} miles of {where}.", { n: n, r: r, where: where }); },
    noneFound: function (r, where) { return t("finder.none_found", "No programs found within {r} miles of {where}.", { r: r, where: where }); },
    noneInState: function (state) { return t("finder.none_in_state", "No programs found in {state}.", { state: state }); },
    miles: function (m) { return IOP.milesText(m); },
    videoInYourState: t("finder.video_in_your_state", "offers video sessions in your state"),
    example: t("finder.example", "Example"),
    treats: t("finder.treats", "Treats"), ages: t("finder.ages", "Ages"), times: t("finder.times", "Times"),
    medications: t("finder.medications", "Medications"), languages: t("finder.languages", "Languages"),
    payment: t("finder.payment", "Pays with"), newPatients: t("finder.new_patients_heading", "New patients"),
    notReported: t("finder.not_reported", "not reported"),
    hoursDays: function (h, d) { return count("finder.hours_days", d, "{hours} hours a week over {count} day", "{hours} hours a week over {count} days", { hours: h }); },
    video: t("finder.video", "video sessions too"),
    add: t("list.add", "Add to my list"),
    directions: t("list.directions", "Get directions"), directionsHidden: t("list.directions_hidden", " (opens your maps app, outside IOP Finder)"),
    summaryFilters: function (n) { return n === 0 ? t("finder.no_filters", "No filters") : count("finder.filters", n, "{count} filter", "{count} filters"); },
    summaryWords: function (q) { return t("finder.summary_words", "words “{q}”", { q: q }); },
    summaryVideo: t("finder.summary_video", "video programs in your state"),
    change: t("finder.change", "Change"), hide: t("finder.hide", "Hide choices"),
    // A place to search: words or filters without one.
    wherePrompt: t("finder.where_prompt", "Where should we look? Type a ZIP code below, or use your location."),
    whereWords: function (q) { return t("finder.where_words", "Where should we look for “{q}”? Type a ZIP code below, or use your location.", { q: q }); },
    wholeStateLead: t("finder.whole_state_lead", "Or search a whole state:"),
    stateLabel: t("finder.state_label", "State"), chooseState: t("finder.choose_state", "Choose a state"),
    searchState: t("finder.search_state", "Search this state"),
    // Links that ask for something the finder does not know.
    ignored: function (items) { return t("finder.ignored", "This link asked for things the finder does not know, so they were left out: {items}.", { items: items.join(", ") }); },
    ignoredValue: function (value, what) { return t("finder.ignored_value", "“{value}” ({what})", { value: value, what: what }); },
    ignoredRadius: function (value, used) { return t("finder.ignored_radius", "a distance of “{value}” (it shows programs within {used} miles)", { value: value, used: used }); },
    what: { r: t("finder.what_distance", "distance"), sort: t("finder.what_sort", "sort order"), age: t("finder.what_age", "age"), st: t("finder.what_state", "state") },
    // Nothing matched.
    noneMatch: function (r, where) { return t("finder.none_match", "No programs within {r} miles of {where} match all your choices.", { r: r, where: where }); },
    noneInStateMatch: function (state) { return t("finder.none_in_state_match", "No programs in {state} match all your choices.", { state: state }); },
    leavingOut: t("finder.leaving_out", "What leaves programs out"),
    without: function (label, n) { return count("finder.without", n, "Without “{label}”: {count} program would match.", "Without “{label}”: {count} programs would match.", { label: label }); },
    withoutWords: function (q, n) { return count("finder.without_words", n, "Without the words “{q}”: {count} program would match.", "Without the words “{q}”: {count} programs would match.", { q: q }); },
    withoutAge: function (age, n) { return count("finder.without_age", n, "Without the age {age}: {count} program would match.", "Without the age {age}: {count} programs would match.", { age: age }); },
    notOneChoice: t("finder.not_one_choice", "No single choice is the reason. Try removing more than one."),
    nothingNear: function (r) { return t("finder.nothing_near", "The directory has no programs at all within {r} miles.", { r: r }); },
    remove: t("finder.remove", "Remove"),
    widen: function (r) { return t("finder.widen", "Search within {r} miles", { r: r }); },
    clearAll: t("finder.clear_all", "Clear filters and words"),
    searchWholeState: function (state) { return t("finder.search_whole_state", "Search all of {state}", { state: state }); },
    nearestMatching: t("finder.nearest_matching", "The nearest programs that match your choices"),
    noneAnywhere: t("finder.none_anywhere", "No program in the directory matches all your choices."),
    noneWithin: function (m) { return t("finder.none_within", "No program that matches all your choices is within {miles} miles.", { miles: Math.round(m) }); },
    videoIn: function (state) { return t("finder.video_in", "Video programs in {state} that match your choices", { state: state }); },
    noVideoIn: function (state) { return t("finder.no_video_in", "No video program in {state} matches all your choices.", { state: state }); },
    tickVideo: t("finder.tick_video", "Tick “Also show programs in my state that offer video sessions”."),
    helpNow: t("finder.help_now", "Talk with someone now"),
    // Each line's {link} is its phone number or website.
    helplines: [
      [t("finder.helpline_samhsa", "SAMHSA National Helpline: call {link}. It is free, private and open all day, every day, in English and Spanish. They can help you find care near you."), { tel: "tel:+18006624357", text: "1-800-662-4357" }],
      [t("finder.helpline_988", "Suicide & Crisis Lifeline: call or text {link}, any time."), { tel: "tel:988", text: "988" }],
      [t("finder.helpline_locator", "Search every licensed program at {link}, the national treatment locator."), { href: "https://findtreatment.gov/", text: "FindTreatment.gov" }]
    ],
    leaves: t("finder.leaves", " (a website outside IOP Finder)"),
    // Copying a link.
    copy: t("finder.copy", "Copy link to these results"), copied: t("finder.copied", "Link copied"),
    copiedWith: t("finder.copied_with", "Link copied. It holds your location, rounded to about half a mile."),
    copiedWithout: t("finder.copied_without", "Link copied without your location. Whoever opens it will be asked for a ZIP code."),
    copyPrompt: t("finder.copy_prompt", "Copy this link:")
  };

  var IOP = window.IOP, el = IOP.el;
  var $ = function (id) { return document.getElementById(id); };
  var statusEl = $("finder-status"), resultsEl = $("finder-results"), whereEl = $("finder-where");
  var noteEl = $("finder-note"), summary = $("finder-summary"), summaryText = $("finder-summary-text");
  var changeBtn = $("f-change"), skipLink = $("f-skip");
  var moreBtn = $("f-more"), copyBtn = $("f-copy"), copyAsk = $("f-copy-ask"), copySaid = $("f-copy-said");
  var locateBtn = $("f-locate"), shareWrap = $("f-share-wrap"), zipInput = $("f-zip"), ageInput = $("f-age");
  var scriptEl = document.querySelector('script[src$="assets/js/finder.js"]');
  var base = new URL("../", scriptEl ? scriptEl.src : location.href).href.replace(/assets\/$/, "");
  // Result cards lead to the program pages of the page's language where the site has them (the words file says).
  var own = IOP.lang.data.pages || {};
  var programBase = base + (own.programs || "programs/");

  // The filters as the build declares them (indexes.FILTERS): each fieldset names its filter, the key of its
  // values in a search record and how its ticked boxes combine.
  var FILTERS = [];
  form.querySelectorAll("fieldset[data-filter]").forEach(function (fs) {
    var f = { name: fs.getAttribute("data-filter"), key: fs.getAttribute("data-key"), mode: fs.getAttribute("data-mode"), values: {} };
    fs.querySelectorAll("input").forEach(function (box) {
      f.values[box.value] = fs.querySelector('label[for="' + box.id + '"]').textContent;
    });
    f.legend = fs.querySelector("legend").firstChild.textContent.trim();
    FILTERS.push(f);
  });
  var NAMES = FILTERS.map(function (f) { return f.name; });
  var RADII = [].map.call(form.elements.r.options, function (o) { return +o.value; });
  var PAGE = 20, NEAREST = 3, VIDEO = 3;
  // Another language searches its own word indexes with its own stemmer (the words file names their folder).
  var stemmers = { es: window.IOPFinderSearch.wordsEs };
  var words = IOP.lang.data.search ? { base: base + IOP.lang.data.search, stem: stemmers[IOP.lang.data.stemmer] } : null;
  var finder = window.IOPFinderSearch.make(FILTERS, base + "search/", base + "assets/js/vendor/lunr.min.js", words);

  /* --- URL state --- */
  /* The search a set of parameters asks for. Values the finder does not know are left out and listed in
     `ignored`, so they never widen or change the search silently. */
  function readState(params) {
    var st = { zip: (params.get("zip") || "").trim(), near: null, st: null, r: 25, q: (params.get("q") || "").trim(),
               tele: params.get("tele") === "1", sort: "distance", share: params.get("share") === "1",
               age: null, filters: {}, ignored: [] };
    var near = (params.get("near") || "").split(",");
    if (near.length === 2 && isFinite(+near[0]) && isFinite(+near[1]) && near[0] !== "" && near[1] !== "") {
      st.near = { lat: +near[0], lon: +near[1] };
    }
    if (params.has("r")) {
      var r = parseInt(params.get("r"), 10);
      if (RADII.indexOf(r) >= 0 && String(r) === params.get("r").trim()) st.r = r;
      else {
        // Never wider than asked: the largest distance offered that is not more (or the smallest).
        st.r = RADII.filter(function (x) { return x <= r; }).pop() || RADII[0];
        st.ignored.push(TEXT.ignoredRadius(params.get("r"), st.r));
      }
    }
    var sort = params.get("sort");
    if (sort === "name") st.sort = "name";
    else if (sort && sort !== "distance") st.ignored.push(TEXT.ignoredValue(sort, TEXT.what.sort));
    var age = params.get("age");
    if (age) {
      if (/^\d{1,3}$/.test(age.trim()) && +age <= 120) st.age = +age;
      else st.ignored.push(TEXT.ignoredValue(age, TEXT.what.age));
    }
    var state = (params.get("st") || "").toUpperCase();
    var m = finder.manifest();
    if (state) {
      if (m && m.state_leaves[state]) st.st = state;
      else st.ignored.push(TEXT.ignoredValue(params.get("st"), TEXT.what.st));
    }
    FILTERS.forEach(function (f) {
      st.filters[f.name] = [];
      params.getAll(f.name).forEach(function (v) {
        if (Object.prototype.hasOwnProperty.call(f.values, v)) {
          if (st.filters[f.name].indexOf(v) < 0) st.filters[f.name].push(v);
        } else {
          st.ignored.push(TEXT.ignoredValue(v, f.legend.toLowerCase()));
        }
      });
    });
    return st;
  }
  function stateToQuery(st, withoutLocation) {
    var p = new URLSearchParams();
    if (st.zip) p.set("zip", st.zip);
    else if (st.st) p.set("st", st.st);
    if (st.near && st.share && !withoutLocation) {
      p.set("near", st.near.lat.toFixed(2) + "," + st.near.lon.toFixed(2));
      p.set("share", "1");
    }
    p.set("r", String(st.r));
    if (st.q) p.set("q", st.q);
    if (st.tele) p.set("tele", "1");
    if (st.age !== null) p.set("age", String(st.age));
    FILTERS.forEach(function (f) { st.filters[f.name].forEach(function (v) { p.append(f.name, v); }); });
    if (st.sort !== "distance") p.set("sort", st.sort);
    return p.toString();
  }
  function stateToForm(st) {
    zipInput.value = st.zip;
    form.elements.r.value = String(st.r);
    form.elements.q.value = st.q;
    form.elements.tele.checked = st.tele;
    form.elements.sort.value = st.sort;
    ageInput.value = st.age === null ? "" : String(st.age);
    $("f-share").checked = st.share;
    FILTERS.forEach(function (f) {
      form.querySelectorAll('input[name="' + f.name + '"]').forEach(function (box) {
        box.checked = st.filters[f.name].indexOf(box.value) >= 0;
      });
    });
    $("f-filters").open = filterCount(st) > 0;
  }
  function formToState() {
    var fields = new URLSearchParams(new FormData(form));
    fields.set("zip", zipInput.value);
    if (!zipInput.value && current.st) fields.set("st", current.st);
    var st = readState(fields);
    st.ignored = [];  // the form offers only what the finder knows
    st.near = current.near && !st.zip ? current.near : null;
    if (st.near) st.st = null;
    st.share = $("f-share").checked;
    return st;
  }
  function urlParams() {
    var params = new URLSearchParams(location.search);
    new URLSearchParams(location.hash.replace(/^#/, "")).forEach(function (v, k) {
      if (params.has(k) && NAMES.indexOf(k) < 0) params.delete(k);
      params.append(k, v);
    });
    return params;
  }
  function filterCount(st) {
    return FILTERS.reduce(function (n, f) { return n + st.filters[f.name].length; }, 0) + (st.age !== null ? 1 : 0);
  }
  function hasPlace(st) { return !!(st.zip || st.near || st.st); }
  function stateName(code) { return (IOP.lang.data.states || {})[code] || finder.manifest().states[code] || code; }

  /* --- Results first: the folded choices, the heading that takes focus --- */
  var folded = false, heading = null;
  function say(text) {
    if (!text) { statusEl.textContent = ""; heading = null; return; }
    if (!heading || !statusEl.contains(heading)) {
      heading = el("h2", "iop-results-heading");
      heading.id = "finder-heading";
      heading.tabIndex = -1;
      statusEl.textContent = "";
      statusEl.appendChild(heading);
    }
    heading.textContent = text;
  }
  function focusHeading() { if (heading) heading.focus(); }
  function summaryLine(st) {
    var parts = [TEXT.summaryFilters(filterCount(st))];
    if (st.q) parts.push(TEXT.summaryWords(st.q));
    if (st.tele) parts.push(TEXT.summaryVideo);
    return parts.join(" · ");
  }
  /* Folded, the choices are one line and a button; open, the whole form. Only a search with a place folds. */
  function fold(on) {
    folded = on && hasPlace(current);
    summary.hidden = !hasPlace(current);
    summaryText.textContent = summaryLine(current);
    form.hidden = folded;
    changeBtn.textContent = folded ? TEXT.change : TEXT.hide;
    changeBtn.setAttribute("aria-expanded", folded ? "false" : "true");
    document.body.classList.toggle("iop-finder--folded", folded);
  }
  changeBtn.addEventListener("click", function () { fold(!folded); });
  skipLink.addEventListener("click", function (e) {
    if (!heading) return;
    e.preventDefault();
    focusHeading();
  });

  /* --- Search --- */
  var current = null, run = 0, shown = PAGE;
  function search(st, opts) {
    var mine = ++run;
    opts = opts || {};
    hideCopyAsk();
    noteEl.hidden = !st.ignored.length;
    noteEl.textContent = st.ignored.length ? TEXT.ignored(st.ignored) : "";
    whereEl.hidden = true;
    skipLink.hidden = !hasPlace(st);
    if (!hasPlace(st)) {
      clearResults();
      say("");
      fold(false);
      if (st.q || filterCount(st) || location.hash.length > 1) askWhere(st);
      return Promise.resolve();
    }
    say(TEXT.searching);
    if (opts.fold) fold(true);
    else fold(folded);
    if (opts.focus) focusHeading();
    var answer = st.st ? finder.wholeState(st).then(function (a) { return { origin: null, a: a }; })
      : finder.findOrigin(st, TEXT).then(function (origin) {
        return finder.radius(st, origin, shown).then(function (a) { return { origin: origin, a: a }; });
      });
    return answer.then(function (res) {
      if (mine !== run) return;
      if (!res.a.list.length) return noResults(st, res.origin, res.a, mine);
      render(st, res.origin, res.a);
    }).catch(function (err) {
      if (mine !== run) return;
      clearResults();
      fold(false);
      say(err.user ? err.message : TEXT.failed);
      if (!err.user && window.console) console.error(err);
    });
  }

  /* --- Rendering (DOM only: every value is text, never HTML) --- */
  function clearResults() {
    resultsEl.textContent = "";
    moreBtn.hidden = true;
    copyBtn.hidden = true;
    showOnMap(null, []);
  }
  /* Tell the results map (assets/js/results-map.js) what the cards show, in their order. */
  function showOnMap(origin, items) {
    resultsEl.dispatchEvent(new CustomEvent("iop:results", { bubbles: true, detail: {
      origin: origin && { lat: origin.lat, lon: origin.lon, state: origin.state, label: origin.label },
      results: items.map(function (i) {
        return { id: i.p.id, name: i.p.n, city: i.p.c, state: i.p.s, lat: i.p.la, lon: i.p.lo, miles: i.miles, videoOnly: !!i.p.vo };
      })
    } }));
  }
  /* A value's short label and a record's facts in the page's language, from the record's values (iop.js, shared
     with the referral list's cards). */
  var translated = IOP.lang.code !== "en";
  function label(key, index) { return IOP.vocabLabel(finder.manifest(), key, index); }
  function labels(key, list) { return IOP.vocabLabels(finder.manifest(), key, list).join(", "); }
  function newPatientsText(p) { return p.nf ? IOP.newPatientsText(finder.manifest(), p.np[0], p.nf) : null; }
  /* `english`: words of the program's own, in English, on a page in another language (marked so). */
  function fact(dl, name, value, english) {
    dl.appendChild(el("dt", null, name));
    var dd = dl.appendChild(el("dd", value ? null : "iop-not-reported", value || TEXT.notReported));
    if (english) {
      var own = el("span", null, english);
      if (translated) own.lang = "en";
      dd.appendChild(document.createTextNode(" ("));
      dd.appendChild(own);
      dd.appendChild(document.createTextNode(")"));
    }
  }

  /* One result card: where, the phone, then the facts people decide on (missing ones read "not reported"). */
  function card(item, cls) {
    var p = item.p, li = el("li", cls || "iop-result");
    li.setAttribute("data-id", p.id);
    var h = el("h3", "iop-result__name");
    var a = el("a", null, p.n);
    a.href = programBase + encodeURIComponent(p.id) + "/";
    h.appendChild(a);
    if (p.ex) { h.appendChild(document.createTextNode(" ")); h.appendChild(el("span", "iop-tag", TEXT.example)); }
    li.appendChild(h);
    var where = el("p", "iop-result__where");
    if (item.miles !== null) {
      where.appendChild(el("strong", "iop-result__miles", TEXT.miles(item.miles)));
      where.appendChild(document.createTextNode(" · "));
    }
    where.appendChild(document.createTextNode(p.c + ", " + p.s + (item.tele ? " · " + TEXT.videoInYourState : "")));
    li.appendChild(where);
    var phone = el("p", "iop-result__phone");
    var tel = el("a", "iop-phone", p.ph);
    tel.href = IOP.telHref(p.ph);
    phone.appendChild(tel);
    li.appendChild(phone);
    var facts = el("dl", "iop-result__facts");
    fact(facts, TEXT.treats, label("fo", p.fo) + (p.tv ? " · " + TEXT.video : ""));
    fact(facts, TEXT.ages, IOP.agesText(p.a));
    fact(facts, TEXT.times, labels("ss", p.ss) + ", " + TEXT.hoursDays(p.h, p.d), p.dt);
    fact(facts, TEXT.medications, labels("md", p.md));
    fact(facts, TEXT.languages, labels("lg", p.lg));
    fact(facts, TEXT.payment, labels("py", p.py));
    if (p.nf) fact(facts, TEXT.newPatients, newPatientsText(p));
    li.appendChild(facts);
    li.appendChild(IOP.verifiedLine(IOP.dateText(p.vf), p.vs ? IOP.staleNote() : null, p.vf));
    var actions = el("p", "iop-result__actions");
    var add = el("button", "md-button iop-add", TEXT.add);
    add.type = "button";
    add.setAttribute("data-add-id", p.id);
    actions.appendChild(add);
    if (p.st) actions.appendChild(IOP.directionsLink(IOP.directionsUrl(p.st, p.c, p.s, p.z), TEXT.directions, TEXT.directionsHidden));
    li.appendChild(actions);
    return li;
  }

  function render(st, origin, a) {
    resultsEl.textContent = "";
    var list = a.list, ol = el("ol", "iop-results");
    list.slice(0, shown).forEach(function (item) { ol.appendChild(card(item)); });
    resultsEl.appendChild(ol);
    showOnMap(origin, list.slice(0, shown));
    if (window.IOPList) window.IOPList.searchedFrom(st.zip || null);
    var count = list.length, text;
    if (!origin) {
      text = TEXT.foundInState(count, stateName(st.st));
    } else if (a.complete) {
      text = TEXT.found(count, st.r, origin.label) +
        (a.teleState && list.some(function (i) { return i.tele; }) ? TEXT.withVideo(a.teleState) : "") + ".";
    } else {
      text = TEXT.nearestOnly(Math.min(shown, count), st.r, origin.label);
    }
    if (count > shown && (a.complete || !origin)) text += TEXT.firstOnly(shown);
    say(text);
    moreBtn.hidden = (a.complete || !origin) && count <= shown;
    copyBtn.hidden = false;
  }

  /* No dead ends: what leaves programs out, the nearest matching programs at any distance, the state's video
     programs, and people to call. */
  function noResults(st, origin, a, mine) {
    resultsEl.textContent = "";
    showOnMap(origin, []);
    copyBtn.hidden = false;
    moreBtn.hidden = true;
    var box = el("div", "iop-empty");
    resultsEl.appendChild(box);
    var place = origin ? origin.label : stateName(st.st);
    say(origin ? TEXT.noneFound(st.r, place) : TEXT.noneInState(place));
    box.appendChild(el("p", "iop-empty__lead", origin ? TEXT.noneMatch(st.r, place) : TEXT.noneInStateMatch(place)));
    if (origin) leavingOut(box, st, a);
    var buttons = el("p", "iop-empty__buttons");
    var wider = RADII.filter(function (r) { return r > st.r; })[0];
    if (origin && wider) buttons.appendChild(button("md-button iop-widen", TEXT.widen(wider), function () {
      form.elements.r.value = String(wider);
      submit("push");
    }));
    if (filterCount(st) || st.q) buttons.appendChild(button("md-button iop-drop", TEXT.clearAll, clearFilters));
    var state = origin ? origin.state : null;
    if (state && finder.manifest().state_leaves[state]) buttons.appendChild(button("md-button iop-whole-state", TEXT.searchWholeState(stateName(state)), function () {
      searchState(state);
    }));
    if (buttons.childNodes.length) box.appendChild(buttons);
    var more = el("div", "iop-empty__more");
    box.appendChild(more);
    box.appendChild(helplines());
    if (!origin) return;
    return finder.nearestAnywhere(st, origin, NEAREST).then(function (far) {
      if (mine !== run) return;
      suggestions(more, TEXT.nearestMatching, far.list,
        far.list.length ? null : (far.checked === Infinity ? TEXT.noneAnywhere : TEXT.noneWithin(far.checked)));
      var inState = state || far.state;
      if (!inState) return;
      return finder.videoInState(st, origin, inState).then(function (video) {
        if (mine !== run) return;
        suggestions(more, TEXT.videoIn(stateName(inState)), video.slice(0, VIDEO), video.length ? null : TEXT.noVideoIn(stateName(inState)));
      });
    });
  }
  function leavingOut(box, st, a) {
    var counts = finder.excluders(st, a.near, a.wordIds);
    if (!counts.length) {
      box.appendChild(el("p", null, TEXT.nothingNear(st.r)));
      return;
    }
    box.appendChild(el("h3", null, TEXT.leavingOut));
    var ul = el("ul", "iop-empty__choices");
    counts.filter(function (c) { return c.count > 0; }).sort(function (x, y) { return y.count - x.count; }).forEach(function (c) {
      var li = el("li", null, choiceText(st, c) + " ");
      li.appendChild(button("md-button iop-remove", TEXT.remove, function () { removeChoice(c.choice); }));
      li.lastChild.setAttribute("aria-label", TEXT.remove + ": " + choiceName(st, c.choice));
      ul.appendChild(li);
    });
    if (!ul.childNodes.length) ul.appendChild(el("li", null, a.near.length ? TEXT.notOneChoice : TEXT.nothingNear(st.r)));
    box.appendChild(ul);
  }
  function choiceName(st, c) {
    if (c.words) return st.q;
    if (c.age) return String(st.age);
    return FILTERS.filter(function (f) { return f.name === c.name; })[0].values[c.value];
  }
  function choiceText(st, c) {
    if (c.choice.words) return TEXT.withoutWords(st.q, c.count);
    if (c.choice.age) return TEXT.withoutAge(st.age, c.count);
    return TEXT.without(choiceName(st, c.choice), c.count);
  }
  function removeChoice(c) {
    if (c.words) form.elements.q.value = "";
    else if (c.age) ageInput.value = "";
    else $("f-" + c.name + "-" + c.value).checked = false;
    submit("replace");
  }
  function suggestions(parent, title, items, emptyText) {
    parent.appendChild(el("h3", null, title));
    if (!items.length) { parent.appendChild(el("p", null, emptyText)); return; }
    var ol = el("ol", "iop-results iop-suggestions");
    items.forEach(function (item) { ol.appendChild(card(item, "iop-suggestion")); });
    parent.appendChild(ol);
    if (window.IOPList) window.IOPList.refresh();
  }
  function helplines() {
    var section = el("div", "iop-helplines");
    section.appendChild(el("h3", null, TEXT.helpNow));
    var ul = el("ul");
    TEXT.helplines.forEach(function (line) {
      var li = el("li"), text = line[0].split("{link}");
      var parts = [text[0], line[1], text.slice(1).join("")];
      parts.forEach(function (part) {
        if (typeof part === "string") { li.appendChild(document.createTextNode(part)); return; }
        var a = el("a", part.tel ? "iop-phone" : null, part.text);
        a.href = part.tel || part.href;
        if (part.href) {
          a.rel = "noopener noreferrer";
          a.appendChild(el("span", "iop-visually-hidden", TEXT.leaves));
        }
        li.appendChild(a);
      });
      ul.appendChild(li);
    });
    section.appendChild(ul);
    return section;
  }
  function button(cls, text, onClick) {
    var b = el("button", cls, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  /* Words or filters but no place: ask for one, or offer a whole state. */
  function askWhere(st) {
    whereEl.textContent = "";
    whereEl.appendChild(el("p", "iop-where-prompt__lead", st.q ? TEXT.whereWords(st.q) : TEXT.wherePrompt));
    var row = el("p", "iop-where-prompt__state");
    row.appendChild(el("span", null, TEXT.wholeStateLead + " "));
    var lab = el("label", "iop-visually-hidden", TEXT.stateLabel);
    lab.htmlFor = "f-state";
    var select = el("select");
    select.id = "f-state";
    select.appendChild(el("option", null, TEXT.chooseState)).value = "";
    var states = finder.manifest().states;
    Object.keys(finder.manifest().state_leaves).sort(function (x, y) { return states[x] < states[y] ? -1 : 1; }).forEach(function (code) {
      select.appendChild(el("option", null, states[code])).value = code;
    });
    row.appendChild(lab);
    row.appendChild(select);
    row.appendChild(document.createTextNode(" "));
    row.appendChild(button("md-button", TEXT.searchState, function () { if (select.value) searchState(select.value); }));
    whereEl.appendChild(row);
    whereEl.hidden = false;
  }
  function searchState(code) {
    zipInput.value = "";
    current.near = null;
    current.st = code;
    submit("push", { fold: true, focus: true });
  }

  /* --- Events --- */
  /* Run the form's search. `history`: "push" makes a new history entry (a new place or distance), "replace"
     changes this one (ticking a filter), so Back returns to the previous search rather than the previous tick. */
  function submit(history, opts) {
    var st = formToState();
    if (st.zip) { st.near = null; st.st = null; }
    current = st;
    shown = PAGE;
    var url = location.pathname + "#" + stateToQuery(st);
    if (url !== location.pathname + location.search + location.hash) {
      if (history === "push") window.history.pushState(null, "", url);
      else window.history.replaceState(null, "", url);
    }
    shareWrap.hidden = !st.near;
    return search(st, opts);
  }
  function clearFilters() {
    form.querySelectorAll(".iop-filter input").forEach(function (b) { if (b.type === "checkbox") b.checked = false; });
    ageInput.value = "";
    form.elements.q.value = "";
    submit("replace");
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); submit("push", { fold: true, focus: true }); });
  zipInput.addEventListener("input", function () {
    var v = zipInput.value.replace(/\D/g, "").slice(0, 5);
    if (v !== zipInput.value) zipInput.value = v;
    // Fetch the 3-digit prefix's ZIP table while the last digits are typed; the request names only the prefix.
    finder.prefetchZip(v);
    if (v.length === 5) submit("push", { fold: true, focus: true });
  });
  form.elements.r.addEventListener("change", function () { submit("push"); });
  [form.elements.sort, form.elements.tele, $("f-share")].forEach(function (input) {
    input.addEventListener("change", function () { submit("replace"); });
  });
  form.querySelectorAll(".iop-filter input[type=checkbox]").forEach(function (b) {
    b.addEventListener("change", function () { submit("replace"); });
  });
  ageInput.addEventListener("change", function () {
    ageInput.value = ageInput.value.replace(/\D/g, "").slice(0, 3);
    submit("replace");
  });
  $("f-clear").addEventListener("click", clearFilters);
  moreBtn.addEventListener("click", function () {
    shown += PAGE;
    var focusIndex = shown - PAGE;
    search(current).then(function () {
      var items = resultsEl.querySelectorAll(".iop-result h3 a");
      if (items[focusIndex]) items[focusIndex].focus();
    });
  });

  /* Copy link. After "Use my location", the link holds the place only if the person agrees; otherwise it says
     it cannot, and its recipient is asked for a ZIP code (never a blank page). */
  function copyLink(link, done) {
    var ok = function () {
      copySaid.textContent = done;
      copyBtn.textContent = TEXT.copied;
      setTimeout(function () { copyBtn.textContent = TEXT.copy; }, 2500);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(link).then(ok, function () { window.prompt(TEXT.copyPrompt, link); ok(); });
    } else {
      window.prompt(TEXT.copyPrompt, link);
      ok();
    }
  }
  function linkFor(st, withoutLocation) {
    return location.href.split("#")[0].split("?")[0] + "#" + stateToQuery(st, withoutLocation);
  }
  function hideCopyAsk() { copyAsk.hidden = true; copySaid.textContent = ""; }
  copyBtn.addEventListener("click", function () {
    if (current.near && !current.share) {
      copyAsk.hidden = false;
      $("f-copy-with").focus();
      return;
    }
    copyLink(linkFor(current), TEXT.copied + ".");
  });
  $("f-copy-with").addEventListener("click", function () {
    $("f-share").checked = true;
    current.share = true;
    window.history.replaceState(null, "", location.pathname + "#" + stateToQuery(current));
    copyAsk.hidden = true;
    copyLink(linkFor(current), TEXT.copiedWith);
    copyBtn.focus();
  });
  $("f-copy-without").addEventListener("click", function () {
    copyAsk.hidden = true;
    copyLink(linkFor(current, true), TEXT.copiedWithout);
    copyBtn.focus();
  });

  if ("geolocation" in navigator) {
    locateBtn.hidden = false;
    locateBtn.addEventListener("click", function () {
      say(TEXT.askingLocation);
      navigator.geolocation.getCurrentPosition(function (pos) {
        zipInput.value = "";
        current.near = { lat: pos.coords.latitude, lon: pos.coords.longitude };
        current.st = null;
        submit("push", { fold: true, focus: true });
      }, function () {
        say(TEXT.noLocation);
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
    });
  }
  window.addEventListener("popstate", function () {
    current = readState(urlParams());
    stateToForm(current);
    shareWrap.hidden = !current.near;
    shown = PAGE;
    search(current, { fold: true });
  });

  form.classList.remove("iop-pending");
  current = readState(urlParams());
  finder.ready.then(function () {
    current = readState(urlParams());  // again, now that the states the search data knows are loaded
    stateToForm(current);
    shareWrap.hidden = !current.near;
    if (current.ignored.length) window.history.replaceState(null, "", location.pathname + "#" + stateToQuery(current));
    search(current, { fold: true, focus: hasPlace(current) });
  }).catch(function (err) {
    say(TEXT.notLoaded);
    if (window.console) console.error(err);
  });
})();
