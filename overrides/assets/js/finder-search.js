/* IOP Finder: the finder's searches over the site's static search files (generator/indexes.py), as
 * window.IOPFinderSearch. finder.js draws the page; this file only fetches and matches.
 *
 * Privacy: requests name a 3-digit ZIP prefix (search/zip/<ddd>.json), quadtree leaves around the point
 * (search/p/<leaf>.json and their text indexes x/<leaf>.json) or, for a search of a whole state or of its video
 * programs, that state's leaves. Never the ZIP itself or the coordinates.
 *
 * Needs assets/js/iop.js (distances, quadtree leaves, fetch helper), which every page loads first.
 */
(function () {
  "use strict";

  var IOP = window.IOP;
  var geodesicMiles = IOP.geodesicMiles, leafBounds = IOP.leafBounds, milesToBox = IOP.milesToBox;
  var BATCH = 4;  // leaf files fetched at once
  var FARTHEST_LEAVES = 48;  // how many more leaves a search for the nearest match at any distance may read

  /* Spanish words as generator/spanish.py stems them (its docstring gives the rules; tests/test_js_parity.py
     checks both agree): accents dropped but ñ, Snowball's RV region, plurals, then a final a, o or e. */
  var VOWELS = "aeiou";
  var STOP_ES = {};
  "a al con de del e el en la las lo los o para por que se sin su sus u un una unas unos y".split(" ").forEach(function (w) { STOP_ES[w] = true; });
  function foldEs(word) {
    return Array.from(word.toLowerCase()).map(function (ch) {
      return ch === "ñ" ? ch : ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    }).join("");
  }
  function rvEs(w) {
    if (w.length < 2) return w.length;
    var first = VOWELS.indexOf(w[0]) >= 0, second = VOWELS.indexOf(w[1]) >= 0, i;
    if (!second || first) {
      for (i = 2; i < w.length; i++) if ((VOWELS.indexOf(w[i]) >= 0) === !second) return i + 1;
      return w.length;
    }
    return 3;
  }
  function stemEs(word) {
    var w = foldEs(word);
    if (STOP_ES[w]) return "";
    var start = rvEs(w), n = w.length;
    if (/ces$/.test(w) && n > 4) w = w.slice(0, -3) + "z";
    else if (/es$/.test(w) && n - 2 >= start && n > 3 && VOWELS.indexOf(w[n - 3]) < 0) w = w.slice(0, -2);
    else if (/s$/.test(w) && n - 1 >= start && n > 2 && VOWELS.indexOf(w[n - 2]) >= 0) w = w.slice(0, -1);
    if (/[aoe]$/.test(w) && w.length - 1 >= start) w = w.slice(0, -1);
    return w;
  }
  function wordsEs(text) {
    return (text.match(/[\p{L}\p{N}]+/gu) || []).map(stemEs).filter(function (s) { return s; });
  }

  /* `filters`: [{name, key, mode}] as the form declares them (indexes.FILTERS); `searchBase`: the site's
     search/ folder; `lunrUrl`: the text search library, loaded only when words are typed. On a page in another
     language, `words` names its own word indexes and stemmer: {base: the site's es/search/, stem: wordsEs}
     (no stem: lunr's, as indexes.STEMMERS has none for the language). */
  function make(filters, searchBase, lunrUrl, words) {
    var cache = {}, manifest = null, lunrReady = null;
    function getJSON(path) {
      // Word indexes (x/) are the language's; the places (p/, zip/) everyone's.
      var url = (words && /^x\//.test(path) ? words.base : searchBase) + path;
      if (!cache[url]) {
        cache[url] = IOP.getJSON(url);
        cache[url].catch(function () { delete cache[url]; });
      }
      return cache[url];
    }
    var ready = getJSON("manifest.json").then(function (m) { manifest = m; return m; });

    /* --- Matching --- */
    function positions(key) {
      var map = {};
      manifest.vocab[key].forEach(function (v, i) { map[v] = i; });
      return map;
    }
    /* A test of the search's choices (filters and age; words are matched by the text index). `skip` leaves one
       choice out ({name, value} or {age: true}), to learn which choices leave programs out. */
    function matcher(st, skip) {
      var tests = [];
      filters.forEach(function (f) {
        var values = st.filters[f.name].filter(function (v) { return !(skip && skip.name === f.name && skip.value === v); });
        if (!values.length) return;
        var pos = positions(f.key), idx = values.map(function (v) { return pos[v]; });
        if (idx.some(function (i) { return i === undefined; })) { tests.push(function () { return false; }); return; }
        if (f.name === "focus") {
          // Co-occurring programs treat both mental health and substance use, so they match either.
          var co = pos.co_occurring;
          tests.push(function (p) { return idx.indexOf(p.fo) >= 0 || p.fo === co; });
          return;
        }
        var key = f.key;
        tests.push(f.mode === "any"
          ? function (p) { return idx.some(function (i) { return p[key].indexOf(i) >= 0; }); }
          : function (p) { return idx.every(function (i) { return p[key].indexOf(i) >= 0; }); });
      });
      if (st.age !== null && !(skip && skip.age)) {
        var age = st.age;
        tests.push(function (p) { return !!p.a && p.a[0] <= age && (p.a.length < 2 || age <= p.a[1]); });
      }
      return function (p) { return tests.every(function (t) { return t(p); }); };
    }

    function loadLunr() {
      if (window.lunr) return Promise.resolve(window.lunr);
      if (!lunrReady) {
        lunrReady = new Promise(function (resolve, reject) {
          var s = document.createElement("script");
          s.src = lunrUrl;
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
    /* The ids, in the given text index files, of programs holding every word. */
    function queryTerms(typed) {
      if (words && words.stem) return Promise.resolve([].concat.apply([], typed.map(words.stem)));
      return loadLunr().then(function (lunr) {
        // Typed words become index words as lunr's query pipeline makes them: its tokenizer, then its stemmer.
        var terms = [];
        typed.forEach(function (w) {
          lunr.tokenizer(w).forEach(function (token) { terms.push(lunr.stemmer(token).toString()); });
        });
        return terms;
      });
    }
    function textMatches(indexPaths, typed) {
      if (!typed.length) return Promise.resolve(null);
      return queryTerms(typed).then(function (terms) {
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

    /* --- Places --- */
    function userError(message) { var e = new Error(message); e.user = true; return e; }
    /* The searched point of a ZIP code or a location; `text` gives the sentences for a bad ZIP. */
    function findOrigin(st, text) {
      if (st.zip) {
        if (!IOP.isZip(st.zip)) return Promise.reject(userError(text.badZip));
        var prefix = st.zip.slice(0, 3);
        if (manifest.zip_prefixes.indexOf(prefix) < 0) return Promise.reject(userError(text.unknownZip(st.zip)));
        return getJSON("zip/" + prefix + ".json").then(function (table) {
          var z = table[st.zip];
          if (!z) throw userError(text.unknownZip(st.zip));
          return { lat: z[0], lon: z[1], state: z[2], label: text.zipPlace(st.zip) };
        });
      }
      if (st.near) return Promise.resolve({ lat: st.near.lat, lon: st.near.lon, state: null, label: text.yourLocation });
      return Promise.resolve(null);
    }
    function leavesByDistance(origin) {
      return Object.keys(manifest.leaves).map(function (key) {
        return { key: key, min: milesToBox(origin.lat, origin.lon, leafBounds(key)) };
      }).sort(function (a, b) { return a.min - b.min; });
    }
    function records(keys) {
      return Promise.all(keys.map(function (k) { return getJSON("p/" + k + ".json"); })).then(function (files) {
        return [].concat.apply([], files.map(function (f) { return f.programs; }));
      });
    }
    /* A state's video programs, from the leaves that hold its programs (the manifest's state_leaves): no file
       repeats their records. The leaves a radius search has read already come from the cache. */
    function videoPrograms(state) {
      var keys = manifest.state_leaves[state] || [];
      return records(keys).then(function (programs) {
        return { keys: keys, programs: programs.filter(function (p) { return p.tv && p.s === state; }) };
      });
    }
    function wordFiles(keys) { return keys.map(function (k) { return "x/" + k + ".json"; }); }
    function byDistance(a, b) { return a.miles - b.miles || (a.p.n < b.p.n ? -1 : a.p.n > b.p.n ? 1 : 0); }
    function byName(a, b) {
      var x = a.p.n.toLowerCase(), y = b.p.n.toLowerCase();
      return x < y ? -1 : x > y ? 1 : (a.miles || 0) - (b.miles || 0);
    }

    /* Programs within st.r miles of the origin that match every choice, plus (st.tele) the state's video programs.
       Leaves are read nearest first and, sorting by distance without words, only until the first `shown` are
       certain. The answer keeps every program within the radius (`near`, before choices) for the dead-end help. */
    function radius(st, origin, shown) {
      var leaves = leavesByDistance(origin).filter(function (l) { return l.min <= st.r; });
      var matches = matcher(st), words = queryWords(st.q);
      var found = {}, list = [], near = [], fetched = 0, teleState = null, teleKeys = [];
      function take(programs, viaTelehealth) {
        programs.forEach(function (p) {
          if (found[p.id]) return;
          var miles = geodesicMiles(origin.lat, origin.lon, p.la, p.lo);
          if (miles > st.r && !viaTelehealth) return;
          found[p.id] = true;
          var item = { p: p, miles: miles, tele: miles > st.r };
          if (!item.tele) near.push(item);
          if (matches(p)) list.push(item);
        });
      }
      function enough() {
        // Stop early only when sorting by distance: every unfetched leaf lies beyond the last result we show.
        if (fetched >= leaves.length) return true;
        if (st.sort !== "distance" || words.length || list.length < shown) return false;
        list.sort(byDistance);
        return leaves[fetched].min > list[shown - 1].miles;
      }
      function next() {
        if (enough()) return Promise.resolve();
        var batch = leaves.slice(fetched, fetched + BATCH);
        return records(batch.map(function (l) { return l.key; })).then(function (programs) {
          take(programs, false);
          fetched += batch.length;
          return next();
        });
      }
      return next().then(function () {
        if (!st.tele) return;
        teleState = origin.state || nearestState(list);
        if (!teleState || !manifest.telehealth[teleState]) return;
        return videoPrograms(teleState).then(function (v) {
          teleKeys = v.keys;
          take(v.programs, true);
        });
      }).then(function () {
        var keys = leaves.slice(0, fetched).map(function (l) { return l.key; });
        teleKeys.forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); });
        return textMatches(wordFiles(keys), words);
      }).then(function (ids) {
        var withWords = ids ? list.filter(function (item) { return ids[item.p.id]; }) : list;
        withWords.sort(st.sort === "name" ? byName : byDistance);
        return { list: withWords, complete: fetched >= leaves.length, teleState: teleState, near: near, wordIds: ids };
      });
    }
    function nearestState(list) {
      var best = null;
      list.forEach(function (i) { if (!i.tele && (!best || i.miles < best.miles)) best = i; });
      return best ? best.p.s : null;
    }

    /* Every program in a state that matches the choices and words, by name: a search of a whole state. */
    function wholeState(st) {
      var keys = manifest.state_leaves[st.st] || [];
      var matches = matcher(st), words = queryWords(st.q);
      return records(keys).then(function (programs) {
        var list = programs.filter(function (p) { return p.s === st.st && matches(p); })
          .map(function (p) { return { p: p, miles: null, tele: false }; });
        return textMatches(wordFiles(keys), words).then(function (ids) {
          list = ids ? list.filter(function (item) { return ids[item.p.id]; }) : list;
          return { list: list.sort(byName), complete: true };
        });
      });
    }

    /* --- When nothing matches --- */
    /* Each choice (a ticked value, the age, the words) with how many programs within the radius would match
       without it, so the page can say which choices leave programs out. */
    function excluders(st, near, wordIds) {
      var choices = [];
      filters.forEach(function (f) { st.filters[f.name].forEach(function (v) { choices.push({ name: f.name, value: v }); }); });
      if (st.age !== null) choices.push({ age: true });
      if (wordIds) choices.push({ words: true });
      var withWords = function (p) { return !wordIds || !!wordIds[p.id]; };
      return choices.map(function (c) {
        var test = c.words ? matcher(st) : matcher(st, c);
        var ok = c.words ? function () { return true; } : withWords;
        return { choice: c, count: near.filter(function (i) { return test(i.p) && ok(i.p); }).length };
      });
    }
    /* Up to `want` programs that match every choice, at any distance: leaves are read outward from the origin, at
       most FARTHEST_LEAVES of them. `checked` is how far that reached (Infinity: the whole directory). */
    function nearestAnywhere(st, origin, want) {
      var leaves = leavesByDistance(origin), matches = matcher(st), words = queryWords(st.q);
      var list = [], fetched = 0;
      function next() {
        var done = fetched >= leaves.length || fetched >= FARTHEST_LEAVES ||
          (list.length >= want && leaves[fetched].min > list[want - 1].miles);
        if (done) return Promise.resolve();
        var batch = leaves.slice(fetched, fetched + BATCH), keys = batch.map(function (l) { return l.key; });
        return records(keys).then(function (programs) {
          var found = programs.filter(matches).map(function (p) {
            return { p: p, miles: geodesicMiles(origin.lat, origin.lon, p.la, p.lo), tele: false };
          });
          return textMatches(wordFiles(keys), words).then(function (ids) {
            list = list.concat(ids ? found.filter(function (i) { return ids[i.p.id]; }) : found).sort(byDistance);
            fetched += batch.length;
            return next();
          });
        });
      }
      return next().then(function () {
        var all = fetched >= leaves.length;
        return { list: list.slice(0, want), checked: all ? Infinity : leaves[fetched - 1].min, state: nearestState(list) };
      });
    }
    /* The state's video programs that match every choice, nearest first. */
    function videoInState(st, origin, state) {
      if (!state || !manifest.telehealth[state]) return Promise.resolve([]);
      var matches = matcher(st), words = queryWords(st.q);
      return videoPrograms(state).then(function (v) {
        var list = v.programs.filter(matches).map(function (p) {
          return { p: p, miles: geodesicMiles(origin.lat, origin.lon, p.la, p.lo), tele: true };
        });
        return textMatches(wordFiles(v.keys), words).then(function (ids) {
          return (ids ? list.filter(function (i) { return ids[i.p.id]; }) : list).sort(byDistance);
        });
      });
    }

    return {
      ready: ready,
      manifest: function () { return manifest; },
      prefetchZip: function (digits) {
        if (digits.length >= 3 && manifest && manifest.zip_prefixes.indexOf(digits.slice(0, 3)) >= 0) getJSON("zip/" + digits.slice(0, 3) + ".json");
      },
      findOrigin: findOrigin, radius: radius, wholeState: wholeState, queryWords: queryWords,
      excluders: excluders, nearestAnywhere: nearestAnywhere, videoInState: videoInState
    };
  }

  window.IOPFinderSearch = { make: make, stemEs: stemEs, wordsEs: wordsEs };
})();
