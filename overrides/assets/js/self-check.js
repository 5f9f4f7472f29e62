/*
 * Self-check on "Is an IOP right for me?".
 *
 * Without JavaScript the form is a checklist people read. With it, submitting writes a short, gentle summary
 * into #self-check-result instead of sending anything anywhere. Answers never leave the browser.
 * If any "danger" box is checked, the summary opens with 988 and 911 before anything else.
 *
 * The script is loaded on every page, so it does nothing unless #self-check is on the page. Material's instant
 * navigation swaps pages without a reload; document$ tells us when a new page is in place.
 */
(function () {
  "use strict";

  var CLOSING = "This is not medical advice. Talk to a clinician.";

  function element(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    return node;
  }

  function link(text, href) {
    return element("a", text, { href: href });
  }

  // A paragraph built from strings and nodes, so no HTML string is ever parsed.
  function paragraph(parts) {
    var p = element("p");
    parts.forEach(function (part) {
      p.appendChild(typeof part === "string" ? document.createTextNode(part) : part);
    });
    return p;
  }

  function labelText(form, box) {
    var label = form.querySelector('label[for="' + box.id + '"]');
    return label ? label.textContent.trim() : "";
  }

  function checked(form, signal) {
    return Array.prototype.slice.call(
      form.querySelectorAll('input[type="checkbox"][data-signal="' + signal + '"]:checked')
    );
  }

  function crisisBlock() {
    var block = element("div", null, { "class": "self-check-crisis" });
    block.appendChild(element("p", "Please reach out for help now. You do not have to go through this alone.",
      { "class": "self-check-lead" }));
    block.appendChild(paragraph([
      "Call ", link("988", "tel:988"), " or text ", link("988", "sms:988"),
      " to reach the Suicide & Crisis Lifeline. It is free and open all day, every day."
    ]));
    block.appendChild(paragraph([
      "If you or someone else is in danger right now, call ", link("911", "tel:911"),
      " or go to the nearest emergency room."
    ]));
    block.appendChild(element("p",
      "An IOP is not crisis care. Once you are safe, a clinician can help you find the right level of care."));
    return block;
  }

  function notFitBlock(form, boxes) {
    var block = element("div");
    block.appendChild(element("p",
      "Some of your answers suggest you may need a different kind of care first. That is okay. It is about " +
      "getting the right support for today. Read more about:"));
    var list = element("ul");
    boxes.forEach(function (box) {
      var item = element("li");
      var more = box.getAttribute("data-more");
      var text = labelText(form, box);
      item.appendChild(more && more.charAt(0) === "#" ? link(text, more) : document.createTextNode(text));
      list.appendChild(item);
    });
    block.appendChild(list);
    return block;
  }

  function fitBlock(count) {
    var text = count > 0
      ? "Your answers match the kind of needs an IOP is made for. A good next step is to ask a program or " +
        "your doctor for an assessment."
      : "You did not check any of the things that fit an IOP. That is fine. A clinician can help you look " +
        "at all your options.";
    return element("p", text);
  }

  function summarize(form) {
    var danger = checked(form, "danger");
    var notFit = checked(form, "not-fit");
    var fit = checked(form, "fit");
    var nodes = [];

    if (danger.length) nodes.push(crisisBlock());
    if (notFit.length) nodes.push(notFitBlock(form, notFit));
    if (!danger.length && !notFit.length) nodes.push(fitBlock(fit.length));
    if (danger.length || notFit.length) {
      nodes.push(element("p", "Even so, you can still talk with a program. Their staff can help you find " +
        "the right place to start."));
    }
    nodes.push(element("p", CLOSING, { "class": "self-check-closing" }));
    return nodes;
  }

  function setUp() {
    var form = document.getElementById("self-check");
    var result = document.getElementById("self-check-result");
    if (!form || !result || form.getAttribute("data-self-check-ready") === "true") return;
    form.setAttribute("data-self-check-ready", "true");
    // The button is hidden in the page, because without this script it could not show a summary.
    var submitRow = form.querySelector(".self-check-submit");
    if (submitRow) submitRow.hidden = false;

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      while (result.firstChild) result.removeChild(result.firstChild);
      summarize(form).forEach(function (node) {
        result.appendChild(node);
      });
      if (result.scrollIntoView) result.scrollIntoView({ block: "nearest" });
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
