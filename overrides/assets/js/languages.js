/*
 * The language switch and the page's versions in other languages.
 *
 * - The switch ("Español", "English") is a plain link to the same page in the other language. When it leads to
 *   the page's twin (data-iop-same-page), it takes the page's fragment along as it is followed: a finder search,
 *   a list or a section lives there, and the fragment never reaches a server. A switch to a language's home page
 *   (no twin yet) leaves the fragment behind.
 * - Material's script asks each <link rel="alternate"> of a page for a sitemap.xml beside it, as its language
 *   selector expects each to be a language's root folder. Here they are the page's versions (hreflang), so each
 *   ask would be a request for a file that does not exist. The links keep rel="alternate" in the page for search
 *   engines; while Material looks for them (when the page has been read) they are set aside, and put back once
 *   the page has loaded.
 */
(function () {
  "use strict";

  function withFragment(link) {
    var href = link.getAttribute("href").split("#")[0];
    link.setAttribute("href", href + (location.hash.length > 1 ? location.hash : ""));
  }

  document.querySelectorAll("a[data-iop-same-page]").forEach(function (link) {
    // Before the browser follows the link (click, Enter, middle click) or copies it (context menu).
    ["click", "auxclick", "contextmenu", "focus"].forEach(function (type) {
      link.addEventListener(type, function () { withFragment(link); });
    });
  });

  var alternates = Array.prototype.slice.call(document.querySelectorAll('link[rel="alternate"][hreflang]'));
  alternates.forEach(function (link) { link.setAttribute("rel", "alternate-pending"); });
  window.addEventListener("load", function () {
    alternates.forEach(function (link) { link.setAttribute("rel", "alternate"); });
  });
})();
