/* IOP Finder: the search box in every page's header (overrides/partials/search.html), on every page: program
 * pages and state pages too, which do not load the theme's own script.
 *
 * It finds program names and cities in the name index (search/n/, generator/names.py: one small file per word
 * prefix, never the whole directory), condition and therapy pages, and the guides in the theme's page index
 * (search/search_index.json, fetched the first time someone types). Enter opens the finder's word search with
 * the words, or its ZIP search when the words are a ZIP code. Requests name a prefix of a word that has a letter
 * in it; a ZIP code typed here goes only into the finder's fragment, never into a request.
 *
 * Needs assets/js/iop.js (fetch and DOM helpers), loaded before it.
 */
(function () {
  "use strict";

  /* Every sentence this script shows, in one place, so the page can be translated. */
  var TEXT = {
    hint: "Type a program name, a city, a condition or a therapy.",
    more: "Type at least 3 letters of a word.",
    searching: "Searching…",
    found: function (n) { return n === 0 ? "Nothing found yet. Press Enter to search the finder." : n + (n === 1 ? " match" : " matches") + ". Press Enter to search the finder."; },
    failed: "The search could not load. Press Enter to search the finder.",
    programs: "Programs", places: "Places", topics: "Conditions and therapies", guides: "Guides and pages",
    city: function (city, state, n) { return "Programs in " + city + ", " + state + " (" + n + ")"; },
    morePrograms: function (n) { return n + " more programs match. Add more of the name or a city."; },
    tooCommon: "That word is in too many names. Add more of the name or a city.",
    finderWords: function (q) { return "Search the finder for “" + q + "”"; },
    finderZip: function (zip) { return "Find programs near ZIP code " + zip; },
    condition: "Condition", therapy: "Therapy", open: "Search"
  };
  /* On a page in another language its words file (assets/js/words-<code>.js, loaded first) holds the section
   * site_search of locales/<code>.yaml and where its guides are: each word replaces the English above, its
   * {names} filled in. */
  var GUIDES = "";  // the folder of the page's language ("es/"), whose own page index lists its guides
  (function translate(all) {
    var words = all && all.words && all.words.site_search;
    if (!words) return;
    function fill(key, values) {
      return String(words[key]).replace(/\{(\w+)\}/g, function (m, name) { return name in values ? values[name] : m; });
    }
    Object.keys(TEXT).forEach(function (key) {
      if (typeof TEXT[key] === "string" && typeof words[key] === "string") TEXT[key] = words[key];
    });
    TEXT.found = function (n) { return fill(n === 0 ? "found_none" : n === 1 ? "found_one" : "found_other", { n: n }); };
    TEXT.city = function (city, state, n) { return fill("city", { city: city, state: state, n: n }); };
    TEXT.morePrograms = function (n) { return fill("more_programs", { n: n }); };
    TEXT.finderWords = function (q) { return fill("finder_words", { q: q }); };
    TEXT.finderZip = function (zip) { return fill("finder_zip", { zip: zip }); };
    GUIDES = typeof words.folder === "string" ? words.folder : "";
  })(window.IOP_WORDS);
  /* The lean pages (programs, states) carry an empty box (data-iop-search-box): the form is made here exactly as
   * overrides/partials/search.html writes it on the other pages (a test in tests/test_phone_lists.py compares them),
   * with the theme's icons by reference like the rest of those pages' header. */
  (function makeBox(box) {
    if (!box || box.firstChild) return;
    var words = (window.IOP_WORDS && window.IOP_WORDS.words && window.IOP_WORDS.words.site_search) || {};
    function w(key, english) { return esc(typeof words[key] === "string" ? words[key] : english); }
    function esc(text) {
      return String(text).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
    }
    var me = document.currentScript;  // in assets/js/, alone or in the site's one script file (generator/bundles.py)
    var sprite = esc(new URL("../images/icons.svg", me ? me.src : location.href).pathname);
    function icon(name) { return '<svg viewBox="0 0 24 24" aria-hidden="true"><use href="' + sprite + "#" + name + '"/></svg>'; }
    var open = w("open", "Search"), clear = w("clear", "Clear");
    box.innerHTML = '<label class="md-search__overlay" for="__search"></label><div class="md-search__inner">' +
      '<form class="md-search__form" role="search" aria-label="' + w("form", "Search IOP Finder") + '" action="' +
      esc(box.getAttribute("data-action") || "") + '" novalidate><input type="search" class="md-search__input" ' +
      'id="iop-site-search-input" aria-label="' + w("input", "Search programs, places and guides") + '" placeholder="' +
      open + '" autocapitalize="off" autocorrect="off" autocomplete="off" spellcheck="false" enterkeyhint="search" ' +
      'aria-controls="iop-site-search-results" aria-describedby="iop-site-search-meta" required>' +
      '<label class="md-search__icon md-icon" for="__search">' + icon("magnify") + icon("arrow-left") + "</label>" +
      '<nav class="md-search__options" aria-label="' + open + '"><button type="reset" class="md-search__icon md-icon" ' +
      'title="' + clear + '" aria-label="' + clear + '" tabindex="-1">' + icon("close") + "</button></nav></form>" +
      '<div class="md-search__output"><div class="md-search__scrollwrap"><div class="md-search-result" ' +
      'id="iop-site-search-results"><div class="md-search-result__meta" id="iop-site-search-meta" role="status" ' +
      'aria-live="polite">' + esc(TEXT.hint) + '</div><div class="iop-site-search__groups"></div></div></div></div></div>';
  })(document.querySelector("[data-iop-search-box]"));

  var LIMITS = { programs: 5, places: 3, topics: 4, guides: 4 };
  var MAX_FILES = 4;  // shard files one query word may fetch before the search asks for more letters

  var IOP = window.IOP, el = IOP.el;
  var input = document.getElementById("iop-site-search-input");
  if (!input || !IOP) return;
  var form = input.form, meta = document.getElementById("iop-site-search-meta");
  var groups = document.querySelector(".iop-site-search__groups");
  var toggle = document.getElementById("__search");
  var scriptEl = document.currentScript;
  var base = new URL("../../", scriptEl ? scriptEl.src : location.href).href;
  document.documentElement.classList.add("iop-search-ready");  // shows the box where the theme's script is absent

  var words = IOP.searchWords, fileName = IOP.shardFileName;  /* as names.words and names.file_name */

  var files = {};
  function getJSON(path) {
    if (!files[path]) {
      files[path] = IOP.getJSON(base + path);
      files[path].catch(function () { delete files[path]; });
    }
    return files[path];
  }
  function index() { return getJSON("search/n/index.json"); }

  /* Every query word is the start of some word of the text. */
  function matchesAll(query, text) {
    var have = words(text);
    return query.every(function (q) { return have.some(function (w) { return w.indexOf(q) === 0; }); });
  }

  /* The shard files that hold every name with a word starting with `w`: [] if none, null if too many or if the
     word is too common to be indexed. */
  function shardsFor(ix, w) {
    var prefix = w.slice(0, ix.prefix);
    if (w.length < ix.prefix) return ix.shards[w] !== undefined ? [w] : null;
    if (ix.shards[prefix] !== undefined) return [prefix];
    var split = ix.split[prefix];
    if (!split) return [];
    var wanted = Object.keys(split).filter(function (word) { return word.indexOf(w) === 0; });
    if (wanted.some(function (word) { return split[word] === 0; }) || wanted.length > MAX_FILES) return null;
    return wanted;
  }
  /* Programs and places whose names hold every query word, from the fewest files one of its words needs. */
  function namesFor(ix, query) {
    var best = null, common = false;
    query.forEach(function (w) {
      var keys = shardsFor(ix, w);
      if (keys === null) { common = common || w.length >= ix.prefix; return; }
      var size = keys.reduce(function (n, k) { return n + (ix.shards[k] || (ix.split[k.slice(0, ix.prefix)] || {})[k] || 0); }, 0);
      if (!best || size < best.size) best = { keys: keys, size: size };
    });
    if (!best) return Promise.resolve({ programs: [], places: [], common: common });
    return Promise.all(best.keys.map(function (k) { return getJSON("search/n/" + fileName(k) + ".json"); })).then(function (shards) {
      var programs = [], places = [], seen = {};
      shards.forEach(function (s) {
        s.p.forEach(function (p) {
          if (!seen["p" + p[0]] && matchesAll(query, p[1] + " " + p[2] + " " + p[3] + " " + (ix.states[p[3]] || ""))) {
            seen["p" + p[0]] = true;
            programs.push(p);
          }
        });
        s.c.forEach(function (c) {
          var id = "c" + c[0] + "|" + c[1];
          if (!seen[id] && matchesAll(query, c[0] + " " + c[1] + " " + (ix.states[c[1]] || ""))) {
            seen[id] = true;
            places.push(c);
          }
        });
      });
      return { programs: programs, places: places, common: false };
    });
  }
  /* Guides from the theme's page index: titles first, then pages whose text holds every word. */
  function guidesFor(query) {
    return getJSON(GUIDES + "search/search_index.json").then(function (data) {
      var byTitle = [], byText = [], seen = {};
      data.docs.forEach(function (d) {
        var page = d.location.split("#")[0];
        if (seen[d.location] || /^(conditions|therapies|programs|states)\/./.test(page)) return;
        if (matchesAll(query, d.title)) { seen[d.location] = true; byTitle.push(d); }
        else if (d.location.indexOf("#") < 0 && matchesAll(query, d.text.replace(/<[^>]*>/g, " "))) { seen[d.location] = true; byText.push(d); }
      });
      return byTitle.concat(byText);
    }, function () { return []; });
  }

  /* --- Drawing the results (text only) --- */
  function group(title, items) {
    if (!items.length) return;
    var section = el("section", "iop-site-search__group");
    var h = el("h2", "md-search-result__meta iop-site-search__title", title);
    section.appendChild(h);
    var ol = el("ol", "md-search-result__list");
    items.forEach(function (item) {
      var li = el("li", "md-search-result__item");
      var a = el("a", "md-search-result__link");
      a.href = item.href;
      var article = el("div", "md-search-result__article");
      article.appendChild(el("p", "iop-site-search__name", item.text));
      if (item.note) article.appendChild(el("p", "iop-site-search__note", item.note));
      a.appendChild(article);
      li.appendChild(a);
      ol.appendChild(li);
    });
    section.appendChild(ol);
    groups.appendChild(section);
  }
  function finderLink(q) {
    var zip = /^\s*(\d{5})\s*$/.exec(q);
    return { href: base + "find/#" + (zip ? "zip=" + zip[1] + "&r=25" : "q=" + encodeURIComponent(q.trim())), text: zip ? TEXT.finderZip(zip[1]) : TEXT.finderWords(q.trim()) };
  }

  var run = 0;
  function update() {
    var mine = ++run, q = input.value, query = words(q).slice(0, 6);
    groups.textContent = "";
    if (!q.trim()) { meta.textContent = TEXT.hint; return; }
    var zip = /^\s*\d{5}\s*$/.test(q);
    if (zip || !query.length || query.every(function (w) { return w.length < 3; })) {
      meta.textContent = zip ? TEXT.found(0) : TEXT.more;
      group(TEXT.programs, [finderLink(q)]);
      return;
    }
    meta.textContent = TEXT.searching;
    index().then(function (ix) {
      return Promise.all([namesFor(ix, query), guidesFor(query)]).then(function (found) {
        if (mine !== run) return;
        var names = found[0], guides = found[1];
        var topics = ix.pages.filter(function (p) { return matchesAll(query, p[0] + " " + p[3]); });
        var programs = names.programs.slice(0, LIMITS.programs).map(function (p) {
          return { href: base + "programs/" + encodeURIComponent(p[0]) + "/", text: p[1], note: p[2] + ", " + p[3] };
        });
        if (names.programs.length > LIMITS.programs) programs.push({ href: finderLink(q).href, text: TEXT.morePrograms(names.programs.length - LIMITS.programs) });
        if (names.common && !names.programs.length) programs.push({ href: finderLink(q).href, text: TEXT.tooCommon });
        programs.push(finderLink(q));
        group(TEXT.programs, programs);
        group(TEXT.places, names.places.slice(0, LIMITS.places).map(function (c) {
          return { href: base + "states/" + c[1].toLowerCase() + "/#" + c[3], text: TEXT.city(c[0], c[1], c[2]) };
        }));
        group(TEXT.topics, topics.slice(0, LIMITS.topics).map(function (p) {
          return { href: base + p[1], text: p[0], note: p[2] === "condition" ? TEXT.condition : TEXT.therapy };
        }));
        group(TEXT.guides, guides.slice(0, LIMITS.guides).map(function (d) {
          return { href: base + GUIDES + d.location, text: d.title };
        }));
        meta.textContent = TEXT.found(names.programs.length + names.places.length + topics.length + guides.length);
      });
    }).catch(function (err) {
      if (mine !== run) return;
      meta.textContent = TEXT.failed;
      group(TEXT.programs, [finderLink(q)]);
      if (window.console) console.error(err);
    });
  }

  /* --- Opening, closing, keys --- */
  function open(on) {
    if (toggle && toggle.checked !== on) toggle.checked = on;
  }
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 120);
  });
  input.addEventListener("focus", function () { open(true); });
  if (toggle) toggle.addEventListener("change", function () { if (toggle.checked) input.focus(); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (!input.value.trim()) return;
    location.href = finderLink(input.value).href;
  });
  form.addEventListener("reset", function () { setTimeout(update, 0); input.focus(); });
  var search = input.closest(".md-search");
  search.addEventListener("keydown", function (e) {
    var links = [].slice.call(groups.querySelectorAll("a"));
    var at = links.indexOf(document.activeElement);
    if (e.key === "Escape") {
      open(false);
      input.blur();
      var button = document.querySelector('label.md-header__button[for="__search"]');
      if (button && button.offsetParent) button.focus();
    } else if (e.key === "ArrowDown" && links.length) {
      e.preventDefault();
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (e.key === "ArrowUp" && at >= 0) {
      e.preventDefault();
      if (at === 0) input.focus(); else links[at - 1].focus();
    }
  });
  // Close when focus or a tap leaves the search.
  document.addEventListener("focusin", function (e) { if (!search.contains(e.target) && e.target !== toggle) open(false); });
  /* On the "not found" page (overrides/404.html), an old program link's words find programs with a name like it. */
  var similar = document.getElementById("iop-404-similar");
  var slug = /\/programs\/([a-z0-9-]+)\/?$/.exec(location.pathname);
  if (similar && slug) {
    var query = words(slug[1].replace(/-/g, " ")).filter(function (w) { return w.length >= 3; }).slice(0, 2);
    if (query.length) index().then(function (ix) { return namesFor(ix, query); }).then(function (found) {
      var list = document.getElementById("iop-404-similar-list");
      found.programs.slice(0, LIMITS.programs).forEach(function (p) {
        var li = el("li"), a = el("a", null, p[1]);
        a.href = base + "programs/" + encodeURIComponent(p[0]) + "/";
        li.appendChild(a);
        li.appendChild(document.createTextNode(" — " + p[2] + ", " + p[3]));
        list.appendChild(li);
      });
      similar.hidden = !list.childNodes.length;
    }).catch(function () { /* the page still offers the finder and the states */ });
  }

  // The theme's header button that opens the search on a phone is a label: let the keyboard use it too.
  document.querySelectorAll('label.md-header__button[for="__search"]').forEach(function (label) {
    label.setAttribute("role", "button");
    label.setAttribute("tabindex", "0");
    label.setAttribute("aria-label", TEXT.open);
    label.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" && e.key !== " ") return;
      e.preventDefault();
      open(true);
      input.focus();
    });
  });
})();
