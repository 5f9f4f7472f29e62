/* IOP Finder: keep a visitor's location out of every request.
 *
 * A shared link may carry a ZIP code or coordinates in its query string (/find/?zip=23220). The server that sent
 * this page has seen it once; nothing else must. This file runs first on every page, before any other script
 * and before the page asks for anything else, and moves those parameters into the fragment (after "#"), which
 * browsers never send. The page's referrer policy (no-referrer, set just before this script) keeps even the
 * stylesheets' requests from naming the page's address. The finder and the list read the fragment.
 */
(function () {
  "use strict";

  var LOCATION = ["zip", "zipcode", "postal", "postcode", "near", "from", "lat", "lon", "lng", "latitude",
    "longitude", "location", "loc", "ll", "geo", "coords"];
  if (!location.search || !window.URLSearchParams || !history.replaceState) return;

  var query = new URLSearchParams(location.search);
  var kept = new URLSearchParams();
  var moved = [];
  query.forEach(function (value, key) {
    if (LOCATION.indexOf(key.toLowerCase()) >= 0) moved.push([key, value]);
    else kept.append(key, value);
  });
  if (!moved.length) return;

  // A fragment that already holds search state gains the moved parameters (its own values win, as the finder
  // reads them); a fragment that is a plain anchor (#schedule) keeps its place and the location is dropped.
  var hash = location.hash.replace(/^#/, "");
  var fragment = null;
  if (!hash || hash.indexOf("=") >= 0) {
    fragment = new URLSearchParams(hash);
    moved.forEach(function (pair) { if (!fragment.has(pair[0])) fragment.append(pair[0], pair[1]); });
  }
  var rest = kept.toString();
  var tail = fragment ? fragment.toString() : hash;
  history.replaceState(history.state, "", location.pathname + (rest ? "?" + rest : "") + (tail ? "#" + tail : ""));
})();
