/* IOP Finder: what the site's scripts share, as window.IOP. Loaded on every page before list.js (mkdocs.yml
 * extra_javascript), so list.js and finder.js both find it; neither defines these for itself.
 *
 * Each rule here has a twin in the build (named below), and tests/test_js_parity.py runs this file under Node
 * against the Python: distances, ZIP and id rules, card shards, quadtree leaves, phone links, mile labels, the
 * header search's words and file names.
 * Nothing here touches the page until a function is called, so Node can load it without a DOM.
 */
(function (root) {
  "use strict";

  /* Distances: Vincenty's inverse formula on WGS-84, as geo.vincenty_miles (the build's nearby programs). */
  var A = 6378137, F = 1 / 298.257223563, B = A * (1 - F), METERS_PER_MILE = 1609.344;
  function haversineMiles(lat1, lon1, lat2, lon2) {
    var r = Math.PI / 180, dLat = (lat2 - lat1) * r, dLon = (lon2 - lon1) * r;
    var h = Math.pow(Math.sin(dLat / 2), 2) + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * 3958.7613 * Math.asin(Math.min(1, Math.sqrt(h)));
  }
  function geodesicMiles(lat1, lon1, lat2, lon2) {
    var r = Math.PI / 180;
    var L = (lon2 - lon1) * r;
    var U1 = Math.atan((1 - F) * Math.tan(lat1 * r)), U2 = Math.atan((1 - F) * Math.tan(lat2 * r));
    var sinU1 = Math.sin(U1), cosU1 = Math.cos(U1), sinU2 = Math.sin(U2), cosU2 = Math.cos(U2);
    var lambda = L, prev, sinS, cosS, sigma, cosSqA, cos2Sm, i = 0;
    do {
      var sinL = Math.sin(lambda), cosL = Math.cos(lambda);
      sinS = Math.sqrt(Math.pow(cosU2 * sinL, 2) + Math.pow(cosU1 * sinU2 - sinU1 * cosU2 * cosL, 2));
      if (sinS === 0) return 0;
      cosS = sinU1 * sinU2 + cosU1 * cosU2 * cosL;
      sigma = Math.atan2(sinS, cosS);
      var sinA = cosU1 * cosU2 * sinL / sinS;
      cosSqA = 1 - sinA * sinA;
      cos2Sm = cosSqA ? cosS - 2 * sinU1 * sinU2 / cosSqA : 0;
      var C = F / 16 * cosSqA * (4 + F * (4 - 3 * cosSqA));
      prev = lambda;
      lambda = L + (1 - C) * F * sinA * (sigma + C * sinS * (cos2Sm + C * cosS * (-1 + 2 * cos2Sm * cos2Sm)));
    } while (Math.abs(lambda - prev) > 1e-12 && ++i < 200);
    if (i >= 200) return haversineMiles(lat1, lon1, lat2, lon2);
    var uSq = cosSqA * (A * A - B * B) / (B * B);
    var bigA = 1 + uSq / 16384 * (4096 + uSq * (-768 + uSq * (320 - 175 * uSq)));
    var bigB = uSq / 1024 * (256 + uSq * (-128 + uSq * (74 - 47 * uSq)));
    var dS = bigB * sinS * (cos2Sm + bigB / 4 * (cosS * (-1 + 2 * cos2Sm * cos2Sm) -
      bigB / 6 * cos2Sm * (-3 + 4 * sinS * sinS) * (-3 + 4 * cos2Sm * cos2Sm)));
    return B * bigA * (sigma - dS) / METERS_PER_MILE;
  }
  /* Words in the page's language. On a page in another language than the site's own, assets/js/words-<code>.js
     (languages.words_file, from locales/<code>.yaml) sets IOP_WORDS before this file runs; an English page has
     none, and each use gives the English written beside its key: t("finder.searching", "Searching…"). {name}
     marks are filled from `values`; count() picks the key's _one or _other form, as languages.Words does. */
  var WORDS = root.IOP_WORDS || null;
  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (m, k) {
      return values && Object.prototype.hasOwnProperty.call(values, k) ? String(values[k]) : m;
    });
  }
  function word(key) {
    var node = WORDS && WORDS.words;
    key.split(".").forEach(function (part) { node = node && typeof node === "object" ? node[part] : undefined; });
    return node;
  }
  function t(key, english, values) { var own = word(key); return fill(own == null ? english : own, values); }
  function count(key, n, one, other, values) {
    var all = Object.assign({ count: n }, values);
    return n === 1 ? t(key + "_one", one, all) : t(key + "_other", other, all);
  }
  /* The page's language, its folder ("es/"), and the language's data beside its words (labels, page folders). */
  var lang = { code: WORDS ? WORDS.lang : "en", folder: WORDS ? WORDS.folder : "", data: WORDS || {} };

  /* What a finder result or a list card says of a program, written from its record's codes in the page's language
     (cards.card, indexes.program_record): the sentences of views.py, and each vocabulary value's label by its
     position in the manifest's lists (indexes.vocab_lists). `manifest` is the search manifest: its English labels
     serve a page without a words file. */
  function vocabLabel(manifest, key, index, full) {
    var text = ((WORDS && WORDS.labels) || manifest.labels)[key][index];
    return full ? text : text.split(" (")[0];  // views.short_label: without its explanation in brackets
  }
  function vocabLabels(manifest, key, indices, full) {
    return (indices || []).map(function (i) { return vocabLabel(manifest, key, i, full); });
  }
  /* views.ages_text from [low] or [low, high]; null when the program has not said. */
  function agesText(ages) {
    if (!ages || !ages.length) return null;
    if (ages.length < 2) return t("finder.ages_up", "{low} and older", { low: ages[0] });
    return ages[0] === ages[1] ? t("finder.ages_only", "{low} only", { low: ages[0] })
      : t("finder.ages_range", "{low} to {high}", { low: ages[0], high: ages[1] });
  }
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December"];
  /* A day as the pages write it (views.long_date, or the language's page_sources.date_format) from its ISO text. */
  function dateText(iso) {
    var d = String(iso).split("-"), own = WORDS && WORDS.months;
    return fill(own ? WORDS.date_format : "{month} {day}, {year}", { day: +d[2], month: (own || MONTHS)[+d[1] - 1], year: d[0] });
  }
  /* views.new_patients_text: the status (its position in the manifest's "np") and the day it was confirmed. */
  function newPatientsText(manifest, status, iso) {
    return t("finder.new_patients", "{status} (confirmed {date})", { status: vocabLabel(manifest, "np", status, true), date: dateText(iso) });
  }
  /* Words the program pages say too, from the language's locale (plan.add_script_files: card_words). */
  function cardWord(key, english) { return (WORDS && WORDS.card_words && WORDS.card_words[key]) || english; }
  function staleNote() { return cardWord("stale_note", "May be out of date — call to confirm"); }  // views.STALE_NOTE
  /* views.phone_text: a phone as the data writes it ("804-555-0101 x12") in words. */
  function phoneText(phone) {
    var parts = String(phone).split(" x");
    return parts[0] + (parts[1] ? fill(cardWord("extension", ", extension {ext}"), { ext: parts[1] }) : "");
  }
  /* views.directions_url: the person's own maps app, with the address percent-encoded as Python's quote(safe=""). */
  function directionsUrl(street, city, state, zip) {
    var where = encodeURIComponent(street + ", " + city + ", " + state + " " + zip).replace(/[!'()*]/g, function (c) {
      return "%" + c.charCodeAt(0).toString(16).toUpperCase();
    });
    return "https://www.google.com/maps/dir/?api=1&destination=" + where;
  }

  /* As views.miles_text: one decimal, halves rounded up (toFixed's rule). */
  function milesText(m) {
    return m < 0.1 ? t("iop.miles_under", "less than 0.1 miles") : t("iop.miles", "{miles} miles", { miles: m.toFixed(1) });
  }

  /* Quadtree leaves of the search data (indexes.leaf_bounds): each digit picks a quarter of the box,
   2 and 3 the northern half, 1 and 3 the eastern half. "r" is the whole world. */
  function leafBounds(key) {
    var s = -90, w = -180, n = 90, e = 180;
    if (key === "r") return [s, w, n, e];
    for (var i = 0; i < key.length; i++) {
      var q = +key[i], mLat = (s + n) / 2, mLon = (w + e) / 2;
      if (q >= 2) s = mLat; else n = mLat;
      if (q % 2) w = mLon; else e = mLon;
    }
    return [s, w, n, e];
  }
  /* Miles from a point to the nearest edge of a box (0 inside it): which leaves a search circle touches. */
  function milesToBox(lat, lon, b) {
    var cLat = Math.min(Math.max(lat, b[0]), b[2]), cLon = Math.min(Math.max(lon, b[1]), b[3]);
    return haversineMiles(lat, lon, cLat, cLon);
  }

  /* The referral list's card file of a program id: FNV-1a of its UTF-8 bytes (indexes.card_shard). */
  function fnv1a(text) {
    var bytes = new TextEncoder().encode(text), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h;
  }
  function cardShard(id, shards) { return fnv1a(id) % shards; }

  /* Program ids and ZIP codes as the data model allows them (model.SLUG_PATTERN, model.ZIP_PATTERN). */
  function isId(v) { return typeof v === "string" && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(v); }
  function isZip(v) { return typeof v === "string" && /^\d{5}$/.test(v); }

  /* A tel: link from a phone as pages show it, "804-555-0101, extension 12" (views.tel_href). */
  function telHref(phone) {
    var ext = /extension (\d+)/.exec(phone);
    return "tel:+1" + phone.split(",")[0].replace(/\D/g, "") + (ext ? ";ext=" + ext[1] : "");
  }

  /* The header search's words and shard file names, as names.words and names.file_name: lower case, accents
     dropped, number-only words left out (one could be part of a ZIP code, which must never name a file). */
  function searchWords(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().split(/[^\p{L}\p{N}]+/u)
      .filter(function (w) { return w && !/^\p{N}+$/u.test(w); });
  }
  function shardFileName(key) {
    if (/^[a-z0-9]+$/.test(key)) return key;
    return "u" + Array.from(new TextEncoder().encode(key)).map(function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  /* A vCard 3.0 contact card (RFC 2426) for "Save contact card" on a program page, made in the browser from what
     the page shows (list.js pageContact), so 20,000 programs need no card file each. Every value is data: text
     fields escape backslash, semicolon and comma, and any line break becomes the two characters \n; URLs, email
     and ZIP are written as they are, with anything that could end a line removed. So no value can start a
     property of its own (a second TEL, a URL, an END:VCARD). Lines fold at 75 octets of UTF-8, never inside a
     character, and end in CRLF.
     c: name, org, phone ("540-217-6366", the page's display form), ext, street, city, state, zip, email, website,
     note (all strings; org, ext, email and website may be empty). */
  // Control characters are what these patterns are for.
  // eslint-disable-next-line no-control-regex
  var LINE_ENDS = /\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]/g, CONTROL = /[\x00-\x08\x0e-\x1b\x1f\x7f]/g;
  function vcardText(value) {
    return String(value).replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,")
      .replace(LINE_ENDS, "\\n").replace(CONTROL, "");
  }
  function vcardPlain(value) { return String(value).replace(LINE_ENDS, "").replace(CONTROL, ""); }
  function vcardFold(line) {
    var out = [], current = "", octets = 0;
    Array.from(line).forEach(function (ch) {
      var cp = ch.codePointAt(0), n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (octets + n > 75) { out.push(current); current = " " + ch; octets = 1 + n; } else { current += ch; octets += n; }
    });
    out.push(current);
    return out.join("\r\n");
  }
  function vcard(c) {
    var lines = [
      "BEGIN:VCARD", "VERSION:3.0", "FN:" + vcardText(c.name), "ORG:" + vcardText(c.org || c.name),
      "TEL;TYPE=WORK,VOICE:" + vcardPlain("+1-" + c.phone + (c.ext ? ";ext=" + c.ext : "")),
      "ADR;TYPE=WORK:;;" + [c.street, c.city, c.state].map(vcardText).join(";") + ";" + vcardPlain(c.zip) + ";USA"
    ];
    if (c.email) lines.push("EMAIL;TYPE=INTERNET:" + vcardPlain(c.email));
    if (c.website) lines.push("URL:" + vcardPlain(c.website));
    lines.push("NOTE:" + vcardText(c.note), "END:VCARD");
    return lines.map(vcardFold).join("\r\n") + "\r\n";
  }

  /* A new element with a class and text (never HTML: every value from the data stays text). */
  function el(tag, cls, text) {
    var e = root.document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  /* "Last verified <date>" on a card, with the "may be out of date" note when the build gave one (the card's
     data carries both: views.STALE_NOTE, decided by the site's stale_after_months). The date is a <time> with
     its ISO day, so a program's age can be read by machines too. */
  function verifiedLine(date, staleNote, isoDay) {
    var line = el("p", "iop-verified", t("iop.last_verified", "Last verified") + " ");
    var time = el("time", null, date);
    if (isoDay) time.setAttribute("datetime", isoDay);
    line.appendChild(time);
    line.appendChild(root.document.createTextNode(staleNote ? ". " : "."));
    if (staleNote) line.appendChild(el("strong", "iop-stale", staleNote));
    return line;
  }
  /* "Get directions": a plain link to the person's own maps app (views.directions_url), marked as leaving the
     site; `text` and `hidden` in the page's words. */
  function directionsLink(url, text, hidden) {
    var a = el("a", "iop-directions", text + " ");
    a.href = url;
    a.rel = "noopener noreferrer";
    var arrow = el("span", null, "↗");
    arrow.setAttribute("aria-hidden", "true");
    a.appendChild(arrow);
    a.appendChild(el("span", "iop-visually-hidden", hidden));
    return a;
  }
  function getJSON(url) {
    return root.fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status + " for " + url);
      return r.json();
    });
  }

  root.IOP = {
    haversineMiles: haversineMiles, geodesicMiles: geodesicMiles, milesText: milesText,
    leafBounds: leafBounds, milesToBox: milesToBox, fnv1a: fnv1a, cardShard: cardShard,
    isId: isId, isZip: isZip, telHref: telHref, el: el, verifiedLine: verifiedLine, getJSON: getJSON,
    directionsLink: directionsLink, t: t, count: count, fill: fill, lang: lang,
    vocabLabel: vocabLabel, vocabLabels: vocabLabels, agesText: agesText, dateText: dateText,
    newPatientsText: newPatientsText, staleNote: staleNote, phoneText: phoneText, directionsUrl: directionsUrl,
    searchWords: searchWords, shardFileName: shardFileName, vcard: vcard
  };
})(typeof window !== "undefined" ? window : globalThis);
