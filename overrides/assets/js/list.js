/* IOP Finder: the referral list ("my list"), and the copy and print buttons on program pages.
 *
 * The list lives in this browser only (localStorage key "iop-finder-list"), and it keeps program ids only: never
 * a ZIP code or coordinates. The list page works from its URL alone: /list/#ids=a,b,c&from=23220. Ids and ZIP sit
 * after "#", so they never reach a server log; links of the form /list/?ids=a,b,c work too. The ZIP of a search
 * goes into list links made on the finder's page (searchedFrom), and is forgotten when the page closes.
 *
 * The list page sends itself: a text message (sms:) or an email (mailto:, RFC 6068) written in the person's own
 * app, the device's share sheet where there is one, a copied link, and a printout with the list's link as a QR
 * code (assets/js/qr.js), the date and room for notes. Ticked programs open side by side on /compare/.
 *
 * Needs assets/js/iop.js (id rules, card shards, distances, DOM helpers), loaded just before this script.
 */
(function () {
  "use strict";

  /* Every sentence this script shows, in one place, in the page's language (IOP.t, iop.js). */
  var t = window.IOP.t, count = window.IOP.count;
  var TEXT = {
    add: t("list.add", "Add to my list"), remove: t("list.remove", "Remove from my list"),
    added: t("list.added", "Added to your list."), removed: t("list.removed", "Removed from your list."),
    myList: function (n) { return n ? t("list.my_list_count", "My list ({n})", { n: n }) : t("list.my_list", "My list"); },
    detailsCopied: t("list.details_copied", "Details copied"), linkCopied: t("list.link_copied", "Link copied"),
    copyPrompt: t("list.copy_prompt", "Copy this:"),
    empty: t("list.empty", "Your list is empty. Use “Add to my list” on a program page or in the finder's results."),
    loading: function (n) { return t("list.loading", "Loading {n} programs…", { n: n }); },
    count: function (n, from) {
      return from ? count("list.count_from", n, "{count} program in this list, with distances from ZIP code {zip}.", "{count} programs in this list, with distances from ZIP code {zip}.", { zip: from })
        : count("list.count", n, "{count} program in this list.", "{count} programs in this list.");
    },
    missing: function (id) { return t("list.missing", "A program in this list ({id}) is no longer in the directory.", { id: id }); },
    example: t("finder.example", "Example"), phone: t("list.phone", "Phone:") + " ",
    milesFrom: function (miles, zip) { return t("list.miles_from", "{miles} from ZIP code {zip}", { miles: miles, zip: zip }); },
    treats: t("finder.treats", "Treats"), ages: t("finder.ages", "Ages"), times: t("finder.times", "Times"),
    medications: t("finder.medications", "Medications"), languages: t("finder.languages", "Languages"),
    payment: t("finder.payment", "Pays with"), newPatients: t("finder.new_patients_heading", "New patients"),
    start: t("list.start", "How to start"),
    notReported: t("finder.not_reported", "not reported"), website: t("list.website", "Website:") + " ",
    intakeHours: function (h) { return t("list.intake_hours", "intake hours {hours}", { hours: h }); },
    schedule: function (h, d) { return t("list.schedule", "{hours} hours a week, {days} days", { hours: h, days: d }); },
    directions: t("list.directions", "Get directions"), directionsHidden: t("list.directions_hidden", " (opens your maps app, outside IOP Finder)"),
    compare: t("list.compare", "Compare"), notes: t("list.notes", "Notes:"),
    compareHelp: t("list.compare_help", "Tick 2 to 4 programs above, then compare their schedules, ages, payment and more in one table."),
    compareTooFew: t("list.compare_too_few", "Tick at least 2 programs to compare them."),
    compareTooMany: function (n) { return t("list.compare_too_many", "{n} programs are ticked. Compare up to 4 at a time: untick some.", { n: n }); },
    clearQuestion: function (n) {
      return count("list.clear_question", n, "Remove the program from your list? This cannot be undone.", "Remove all {count} programs from your list? This cannot be undone.");
    },
    cleared: t("list.cleared", "Your list is cleared. Use “Add to my list” on a program page or in the finder's results to start a new one."),
    subject: t("list.subject", "Programs from IOP Finder"),
    smsBody: function (link) { return t("list.sms_body", "Some intensive outpatient programs from IOP Finder: {link}", { link: link }); },
    emailIntro: t("list.email_intro", "Here are some intensive outpatient programs (IOPs) from IOP Finder."),
    emailExample: t("list.email_example", "(Example listing: not a real program.)"),
    emailList: function (link) { return t("list.email_list", "See the whole list: {link}", { link: link }); },
    emailCrisis: t("list.email_crisis", "In crisis? Call or text 988. In an emergency, call 911."),
    shareText: t("list.share_text", "Some intensive outpatient programs from IOP Finder"),
    qrLabel: t("list.qr_label", "QR code linking to this list"),
    dateLocale: t("list.date_locale", "en-US")
  };

  var IOP = window.IOP;  /* assets/js/iop.js: distances, id rules, card shards, DOM helpers */
  var isId = IOP.isId, isZip = IOP.isZip, el = IOP.el, getJSON = IOP.getJSON;

  var KEY = "iop-finder-list";
  var COMPARE_MAX = 4;
  var CARDS_VERSION = 3;  // the card files' format (cards.CARDS_VERSION)
  // This script's own tag (alone, or inside the site's one script file, generator/bundles.py): both sit in assets/js/.
  var scriptEl = document.currentScript;
  var base = new URL("../../", scriptEl ? scriptEl.src : location.href).href;
  // The list and compare pages of the page's language (es/list/), its program pages where the site has them; card
  // files and ZIP tables are every language's.
  var own = base + IOP.lang.folder, programsFolder = (IOP.lang.data.pages || {}).programs || "programs/";
  var programs = base + programsFolder;
  // Emails name each program's page at the site's public address (the page's canonical link), as its own page does.
  var canonical = document.querySelector('link[rel="canonical"]'), ownPath = IOP.lang.folder + "list/";
  var siteRoot = canonical && canonical.href.slice(-ownPath.length) === ownPath ? canonical.href.slice(0, -ownPath.length) : base;

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
    return own + "list/#" + p;
  }

  function refreshButtons() {
    var list = load();
    document.querySelectorAll("[data-add-id]").forEach(function (b) {
      var inList = list.ids.indexOf(b.getAttribute("data-add-id")) >= 0;
      b.textContent = inList ? TEXT.remove : TEXT.add;
      b.setAttribute("aria-pressed", inList ? "true" : "false");
      b.hidden = false;
    });
    document.querySelectorAll("[data-list-count]").forEach(function (el) {
      el.textContent = TEXT.myList(list.ids.length);
      el.href = listLink(list);
      el.hidden = !list.ids.length;
    });
  }

  function announce(text) {
    var live = document.getElementById("iop-list-live");
    if (!live) {
      live = document.createElement("div");
      live.id = "iop-list-live";
      live.className = "iop-visually-hidden";
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
      navigator.clipboard.writeText(text).then(ok, function () { window.prompt(TEXT.copyPrompt, text); });
    } else {
      window.prompt(TEXT.copyPrompt, text);
    }
  }

  /* A program page's contact details, read back from what the page shows (generator/templates/program.html):
     "Copy details" and "Save contact card" need no second copy of them on each of 40,000 pages. The phone comes
     from the call link (tel:+1NNNNNNNNNN;ext=N, views.tel_href), the address from its two lines (the second is
     "city, ST ZIP": the state and ZIP hold no space, so a comma in a city's name stays in the city). */
  function pageContact() {
    var page = document.querySelector(".iop-program");
    function one(selector) { return page.querySelector(selector); }
    var tel = /^tel:\+1(\d{3})(\d{3})(\d{4})(?:;ext=(\d+))?$/.exec(one(".iop-call").getAttribute("href")) || ["", "", "", "", ""];
    var lines = [""];
    one(".iop-contact address").childNodes.forEach(function (n) {
      if (n.nodeName === "BR") lines.push(""); else lines[lines.length - 1] += n.textContent;
    });
    var place = /^([\s\S]*), (\S+) (\S+)$/.exec(lines[1] || "") || ["", lines[1] || "", "", ""];
    var website = one(".iop-facts a[rel~='nofollow']"), email = one(".iop-facts a[href^='mailto:']");
    var canonical = document.querySelector("link[rel='canonical']");
    return {
      id: one("[data-add-id]").getAttribute("data-add-id"), name: one("h1").textContent,
      phone: tel[1] + "-" + tel[2] + "-" + tel[3], ext: tel[4] || "",
      street: lines[0], city: place[1], state: place[2], zip: place[3],
      website: website ? website.getAttribute("href") : "", email: email ? email.textContent : "",
      summary: one(".iop-summary").textContent, example: !!one(".iop-example-notice"),
      url: canonical ? canonical.href : location.href
    };
  }
  /* The plain text "Copy details" puts on the clipboard, in the page's language. */
  function detailsText(c) {
    var lines = [
      c.name, t("list.copy_phone", "Phone: {phone}", { phone: window.IOP.phoneText(c.phone + (c.ext ? " x" + c.ext : "")) }),
      t("list.copy_address", "Address: {address}", { address: c.street + ", " + c.city + ", " + c.state + " " + c.zip })
    ];
    if (c.website) lines.push(t("list.copy_website", "Website: {website}", { website: c.website }));
    if (c.example) lines.push(t("list.copy_example", "(Example listing: not a real provider.)"));
    return lines.join("\n");
  }
  /* "Save contact card": a vCard (IOP.vcard) downloaded as <id>.vcf, made here from the page. */
  function saveCard(button) {
    var c = pageContact();
    c.org = button.getAttribute("data-vcard");
    c.note = (c.example ? t("list.vcard_example", "EXAMPLE LISTING: not a real provider.") + " " : "") + c.summary +
      " " + t("list.vcard_details", "Details: {url}", { url: c.url });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([window.IOP.vcard(c)], { type: "text/vcard;charset=utf-8" }));
    link.download = c.id + ".vcf";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
  }

  document.addEventListener("click", function (e) {
    var add = e.target.closest("[data-add-id]");
    if (add) {
      var added = toggle(add.getAttribute("data-add-id"));
      announce(added ? TEXT.added : TEXT.removed);
      return;
    }
    var copyBtn = e.target.closest("[data-copy]");
    if (copyBtn) { copy(detailsText(pageContact()), copyBtn, TEXT.detailsCopied); return; }
    var card = e.target.closest("[data-vcard]");
    if (card) { saveCard(card); return; }
    if (e.target.closest("[data-print]")) window.print();
  });
  document.querySelectorAll("[data-copy], [data-vcard], [data-print]").forEach(function (b) { b.hidden = false; });

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

  /* The ids (at most 50, no repeats) and ZIP code a list or comparison link asks for. */
  function fromUrl() {
    var params = new URLSearchParams(location.search);
    new URLSearchParams(location.hash.replace(/^#/, "")).forEach(function (v, k) { params.set(k, v); });
    var ids = (params.get("ids") || "").split(",").filter(isId);
    var seen = {};
    ids = ids.filter(function (id) { return seen[id] ? false : (seen[id] = true); }).slice(0, 50);
    return { ids: ids, from: isZip(params.get("from")) ? params.get("from") : null };
  }
  /* The cards of some programs (search/c/<shard>.json, about 16 to a file; the shard is FNV-1a of the id, as in
     the build), in this page's words, and the point of a ZIP code, for distances: [point or null, card...]. A page
     without a words file (the site's own language) takes its labels from the search manifest. */
  function cardsFor(wanted, shards) {
    var origin = wanted.from
      ? getJSON(base + "search/zip/" + wanted.from.slice(0, 3) + ".json").then(function (t) { return t[wanted.from] || null; },
          function () { return null; })
      : Promise.resolve(null);
    var manifest = IOP.lang.data.labels ? Promise.resolve(null) : getJSON(base + "search/manifest.json");
    var files = {};
    function cardOf(id) {
      var shard = IOP.cardShard(id, shards);
      if (!files[shard]) {
        files[shard] = getJSON(base + "search/c/" + shard + ".json").then(function (f) {
          if (f.v !== CARDS_VERSION) throw new Error("card file " + shard + " has version " + f.v);
          return f;
        });
      }
      return Promise.all([files[shard], manifest]).then(function (got) {
        var f = got[0];
        return Object.prototype.hasOwnProperty.call(f.cards, id) ? shownCard(id, f.cards[id], got[1]) : { id: id, missing: true };
      }, function () { return { id: id, missing: true }; });
    }
    return Promise.all([origin].concat(wanted.ids.map(cardOf)));
  }
  /* A card's facts (cards.card: codes and numbers) as this page shows them, every label and sentence in its words
     (the finder's, iop.js). `details_en`: the program's own days and times, in English on a page in another
     language that the program gave none in (marked so where shown). */
  function shownCard(id, c, manifest) {  // `c`: the card file's entry for `id` (cards.card)
    var labels = function (key, list, full) { return IOP.vocabLabels(manifest, key, list, full); };
    var sessions = labels("ss", c.ss, true).join(", ");
    // The details in the page's language: the data's own on the site's own language's pages, else a translation.
    var details = IOP.lang.folder ? ((c.tr || {})[IOP.lang.code] || {}).dt : c.dt;
    return {
      id: id, name: c.n, street: c.st, city: c.c, state: c.s, zip: c.z, phone: IOP.phoneText(c.ph),
      website: c.w || null, url: siteRoot + programsFolder + id + "/", lat: c.la, lon: c.lo,
      focus: IOP.vocabLabel(manifest, "fo", c.fo, true),
      schedule: TEXT.schedule(c.h, c.d),
      times: details ? sessions + ": " + details : sessions,
      details_en: !details && c.dt ? c.dt : null,
      ages: IOP.agesText(c.a),
      new_patients: c.np == null ? null : IOP.newPatientsText(manifest, c.np, c.nf),
      start: startText(labels("iw", c.iw, true), c.ih),
      conditions: labels("cd", c.cd, true), medications: labels("md", c.md),
      languages: labels("lg", c.lg, true), payment: labels("py", c.py),
      telehealth: !!c.tv, telehealth_only: !!c.vo,
      directions: c.vo ? null : IOP.directionsUrl(c.st, c.c, c.s, c.z),
      last_verified: IOP.dateText(c.vf), last_verified_iso: c.vf,
      example: !!c.ex, stale_note: c.vs ? IOP.staleNote() : null
    };
  }
  /* "How to start": the ways in, then the intake hours; null when the program has said neither. */
  function startText(ways, hours) {
    var parts = ways.concat(hours ? [TEXT.intakeHours(hours)] : []);
    return parts.length ? parts.join("; ") : null;
  }

  window.IOPList = {
    has: has, refresh: refreshButtons, searchedFrom: searchedFrom,
    fromUrl: fromUrl, cardsFor: cardsFor, TEXT: TEXT
  };
  refreshButtons();

  /* --- The list page --- */
  var root = document.getElementById("referral-list");
  if (!root) return;

  var $ = function (id) { return document.getElementById(id); };
  var status = $("referral-status"), out = $("referral-items"), tools = $("referral-tools");
  var printFooter = $("referral-print-footer"), compareLink = $("referral-compare");
  var shards = parseInt(root.getAttribute("data-card-shards"), 10) || 1;
  var shownCards = [], shownLink = "";

  /* `english`: the program's own words, in English on a page in another language (marked so). */
  function fact(dl, name, value, english) {
    dl.appendChild(el("dt", null, name));
    var dd = dl.appendChild(el("dd", value ? null : "iop-not-reported", value || TEXT.notReported));
    if (english) {
      dd.appendChild(document.createTextNode(" ("));
      dd.appendChild(el("span", null, english)).lang = "en";
      dd.appendChild(document.createTextNode(")"));
    }
  }
  function item(c, z, from) {
    var li = el("li", "iop-referral__item");
    li.setAttribute("data-id", c.id);
    if (c.missing) {
      li.appendChild(el("p", null, TEXT.missing(c.id)));
      return li;
    }
    var h = el("h2", "iop-referral__name");
    var a = el("a", null, c.name);
    a.href = programs + c.id + "/";
    h.appendChild(a);
    if (c.example) { h.appendChild(document.createTextNode(" ")); h.appendChild(el("span", "iop-tag", TEXT.example)); }
    li.appendChild(h);
    var lines = el("p", "iop-referral__lines");
    var tel = el("a", "iop-phone", c.phone);
    tel.href = IOP.telHref(c.phone);
    lines.appendChild(el("strong", null, TEXT.phone));
    lines.appendChild(tel);
    lines.appendChild(el("br"));
    lines.appendChild(document.createTextNode(c.street + ", " + c.city + ", " + c.state + " " + c.zip));
    if (z) {
      lines.appendChild(el("br"));
      lines.appendChild(el("span", "iop-referral__miles", TEXT.milesFrom(IOP.milesText(IOP.geodesicMiles(z[0], z[1], c.lat, c.lon)), from)));
    }
    if (c.website) { lines.appendChild(el("br")); lines.appendChild(document.createTextNode(TEXT.website + c.website)); }
    li.appendChild(lines);
    var facts = el("dl", "iop-result__facts iop-referral__facts");
    fact(facts, TEXT.treats, c.focus);
    fact(facts, TEXT.ages, c.ages);
    fact(facts, TEXT.times, c.times + ", " + c.schedule, c.details_en);
    fact(facts, TEXT.medications, c.medications.join(", "));
    fact(facts, TEXT.languages, c.languages.join(", "));
    fact(facts, TEXT.payment, c.payment.join(", "));
    fact(facts, TEXT.newPatients, c.new_patients);
    fact(facts, TEXT.start, c.start);
    li.appendChild(facts);
    li.appendChild(IOP.verifiedLine(c.last_verified, c.stale_note, c.last_verified_iso));
    var actions = el("p", "iop-result__actions iop-screen-only");
    var label = el("label", "iop-compare-pick");
    var box = el("input");
    box.type = "checkbox";
    box.value = c.id;
    box.setAttribute("data-compare-id", c.id);
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + TEXT.compare));
    label.appendChild(el("span", "iop-visually-hidden", " " + c.name));
    actions.appendChild(label);
    if (c.directions) actions.appendChild(IOP.directionsLink(c.directions, TEXT.directions, TEXT.directionsHidden));
    li.appendChild(actions);
    li.appendChild(el("p", "iop-print-only iop-notes-lines", TEXT.notes));
    return li;
  }

  function render() {
    var wanted = fromUrl();
    if (!wanted.ids.length) wanted = load();
    out.textContent = "";
    hideClearAsk();
    if (!wanted.ids.length) {
      status.textContent = TEXT.empty;
      tools.hidden = printFooter.hidden = true;
      return;
    }
    // The list's own values (ids, from) live in the fragment; anything else the address carries stays as the
    // link gave it (location-guard.js has already moved any location out of the query string).
    var link = listLink(wanted), fragment = link.split("#")[1];
    var rest = new URLSearchParams(location.search);
    rest.delete("ids");
    rest.delete("from");
    var here = location.pathname + (rest.toString() ? "?" + rest.toString() : "") + "#" + fragment;
    if (location.pathname + location.search + location.hash !== here) history.replaceState(null, "", here);
    status.textContent = TEXT.loading(wanted.ids.length);
    cardsFor(wanted, shards).then(function (results) {
      var z = results[0], cards = results.slice(1);
      var ol = el("ol", "iop-referral");
      cards.forEach(function (c) { ol.appendChild(item(c, z, wanted.from)); });
      out.appendChild(ol);
      shownCards = cards.filter(function (c) { return !c.missing; });
      shownLink = link;
      status.textContent = TEXT.count(cards.length, wanted.from && z ? wanted.from : null);
      out.querySelectorAll("[data-compare-id]").forEach(function (b, i) {
        b.checked = i < COMPARE_MAX;
        b.addEventListener("change", function () { updateCompare(wanted.from); });
      });
      updateCompare(wanted.from);
      sendLinks(shownCards, link);
      printParts(link);
      tools.hidden = printFooter.hidden = false;
    });
  }

  /* Text message and email written in the person's own app. RFC 6068: subject and body percent-encoded, line
     breaks as %0D%0A (encodeURIComponent leaves only characters a mailto: header value may hold). */
  function smsHref(link) { return "sms:?&body=" + encodeURIComponent(TEXT.smsBody(link)); }
  function emailBody(cards, link) {
    var lines = [TEXT.emailIntro, ""];
    cards.forEach(function (c, i) {
      lines.push((i + 1) + ". " + c.name + (c.example ? " " + TEXT.emailExample : ""));
      lines.push("   " + TEXT.phone + c.phone);
      lines.push("   " + c.url);
      lines.push("");
    });
    lines.push(TEXT.emailList(link), "", TEXT.emailCrisis);
    return lines.join("\r\n");
  }
  function mailtoHref(cards, link) {
    return "mailto:?subject=" + encodeURIComponent(TEXT.subject) + "&body=" + encodeURIComponent(emailBody(cards, link));
  }
  function sendLinks(cards, link) {
    $("referral-sms").href = smsHref(link);
    $("referral-email").href = mailtoHref(cards, link);
    var share = $("referral-share");
    share.hidden = typeof navigator.share !== "function";
  }
  /* What only the printout shows: the list's link as text and as a QR code, and the day it was printed. */
  function printParts(link) {
    // qr.js comes with the page's own scripts, which run (deferred) after this one.
    if (!window.IOPQR) {
      document.addEventListener("DOMContentLoaded", function () { if (window.IOPQR) printParts(link); });
      return;
    }
    var box = $("referral-qr");
    box.textContent = "";
    box.appendChild(window.IOPQR.svg(link, TEXT.qrLabel));
    $("referral-url").textContent = link;
    $("referral-date").textContent = new Date().toLocaleDateString(TEXT.dateLocale, { year: "numeric", month: "long", day: "numeric" });
  }
  function updateCompare(from) {
    var ticked = [].filter.call(out.querySelectorAll("[data-compare-id]"), function (b) { return b.checked; })
      .map(function (b) { return b.value; });
    var ok = ticked.length >= 2 && ticked.length <= COMPARE_MAX;
    $("referral-compare-help").textContent = ticked.length < 2 ? (shownCards.length < 2 ? TEXT.compareTooFew : TEXT.compareHelp)
      : ticked.length > COMPARE_MAX ? TEXT.compareTooMany(ticked.length) : TEXT.compareHelp;
    compareLink.hidden = !ok;
    compareLink.href = own + "compare/#ids=" + ticked.join(",") + (from ? "&from=" + from : "");
  }

  $("referral-copy").addEventListener("click", function () { copy(location.href, $("referral-copy"), TEXT.linkCopied); });
  $("referral-print").addEventListener("click", function () { window.print(); });
  $("referral-share").addEventListener("click", function () {
    navigator.share({ title: TEXT.subject, text: TEXT.shareText, url: shownLink }).catch(function () { /* closed */ });
  });

  /* Clearing the list asks first. */
  var clearAsk = $("referral-clear-ask");
  function hideClearAsk() { clearAsk.hidden = true; }
  $("referral-clear").addEventListener("click", function () {
    $("referral-clear-question").textContent = TEXT.clearQuestion(shownCards.length || load().ids.length);
    clearAsk.hidden = false;
    $("referral-clear-no").focus();
  });
  $("referral-clear-no").addEventListener("click", function () {
    hideClearAsk();
    $("referral-clear").focus();
  });
  $("referral-clear-yes").addEventListener("click", function () {
    save({ ids: [] });
    history.replaceState(null, "", own + "list/");
    refreshButtons();
    render();
    status.textContent = TEXT.cleared;
    status.focus();
  });
  window.addEventListener("hashchange", render);
  render();
})();
