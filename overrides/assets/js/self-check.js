/*
 * Self-check on "Is an IOP right for me?".
 *
 * Without JavaScript the form is a checklist people read, and each danger question shows its own help as text.
 * With it:
 * - ticking a danger box shows its help at once, in #self-check-alert right under the safety questions: the
 *   first number to call (911 or 988, from the box's data-first), big buttons, and what to do next. The region
 *   is role="alert" and on the page from the start, so screen readers announce each change. No button needed.
 * - "See my summary" writes a short, gentle summary into #self-check-result, danger help first.
 * Answers never leave the browser.
 *
 * The script loads only on that page and does nothing unless #self-check is there. Material's instant navigation
 * swaps pages without a reload; document$ tells us when a new page is in place.
 */
(function () {
  "use strict";

  var CLOSING = "This is not medical advice. Talk to a clinician.";
  var CHAT = "https://988lifeline.org/chat/";

  function element(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    return node;
  }

  function link(text, href, className) {
    var attributes = { href: href };
    if (className) attributes["class"] = className;
    if (href.indexOf("https:") === 0) attributes.rel = "noopener noreferrer";
    return element("a", text, attributes);
  }

  // A paragraph built from strings and nodes, so no HTML string is ever parsed.
  function paragraph(parts, className) {
    var p = element("p", null, className ? { "class": className } : null);
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

  function buttons(numbers) {
    var row = element("p", null, { "class": "self-check-buttons" });
    numbers.forEach(function (item) {
      row.appendChild(link(item[0], item[1], "md-button md-button--primary self-check-call"));
      row.appendChild(document.createTextNode(" "));
    });
    return row;
  }

  // Danger now or severe withdrawal: 911 (or the emergency room) first, 988 second.
  function emergencyHelp(boxes) {
    var nodes = [
      element("p", "Call 911 now, or go to the nearest emergency room.", { "class": "self-check-lead" }),
      buttons([["Call 911", "tel:911"]])
    ];
    if (boxes.some(function (box) { return box.getAttribute("data-kind") === "withdrawal"; })) {
      nodes.push(element("p", "A seizure, seeing or hearing things that are not there, or deep confusion " +
        "while stopping alcohol, sedatives or drugs is an emergency. Do not wait for it to pass."));
    }
    nodes.push(paragraph([
      "You can also call or text ", link("988", "tel:988"), " to talk with a crisis counselor. " +
      "It is free and open all day, every day."
    ]));
    return nodes;
  }

  // Thoughts of suicide or of hurting someone: 988 first, and an IOP is still possible.
  function lifelineHelp(boxes) {
    var nodes = [
      element("p", "Please call or text 988 now. You do not have to go through this alone.",
        { "class": "self-check-lead" }),
      buttons([["Call 988", "tel:988"], ["Text 988", "sms:988"], ["Chat online", CHAT]]),
      element("p", "988 is the Suicide & Crisis Lifeline. It is free, private and open all day, every day."),
      paragraph(["If you might act on these thoughts soon, call ", link("911", "tel:911"), " now."])
    ];
    if (boxes.some(function (box) { return box.getAttribute("data-kind") === "suicide"; })) {
      nodes.push(element("p", "Having thoughts of suicide does not by itself mean an IOP is not for you. " +
        "Many programs help with these thoughts. Tell the program about them when you call."));
    }
    return nodes;
  }

  // The help for the danger boxes ticked now, most urgent route first.
  function crisisNodes(boxes) {
    var emergency = boxes.filter(function (box) { return box.getAttribute("data-first") === "911"; });
    var lifeline = boxes.filter(function (box) { return box.getAttribute("data-first") === "988"; });
    var nodes = [];
    if (emergency.length) nodes = nodes.concat(emergencyHelp(emergency));
    if (lifeline.length) nodes = nodes.concat(emergency.length ? lifelineNote(lifeline) : lifelineHelp(lifeline));
    return nodes;
  }

  // With 911 already first, thoughts of suicide or harm get the 988 words without a second set of buttons.
  function lifelineNote(boxes) {
    var nodes = [];
    if (boxes.some(function (box) { return box.getAttribute("data-kind") === "suicide"; })) {
      nodes.push(element("p", "When you are safe, tell your care team about your thoughts of suicide. " +
        "Having them does not by itself mean an IOP is not for you."));
    }
    return nodes;
  }

  function showAlert(form, region) {
    var boxes = checked(form, "danger");
    while (region.firstChild) region.removeChild(region.firstChild);
    region.classList.toggle("self-check-alert--on", boxes.length > 0);
    if (!boxes.length) return;
    crisisNodes(boxes).forEach(function (node) {
      region.appendChild(node);
    });
    if (region.scrollIntoView) region.scrollIntoView({ block: "nearest" });
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

    if (danger.length) {
      var block = element("div", null, { "class": "self-check-crisis" });
      crisisNodes(danger).forEach(function (node) {
        block.appendChild(node);
      });
      nodes.push(block);
    }
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
    var region = document.getElementById("self-check-alert");
    if (!form || !result || !region || form.getAttribute("data-self-check-ready") === "true") return;
    form.setAttribute("data-self-check-ready", "true");
    // The button is hidden in the page, because without this script it could not show a summary.
    var submitRow = form.querySelector(".self-check-submit");
    if (submitRow) submitRow.hidden = false;

    form.addEventListener("change", function (event) {
      if (event.target && event.target.getAttribute("data-signal") === "danger") showAlert(form, region);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      while (result.firstChild) result.removeChild(result.firstChild);
      summarize(form).forEach(function (node) {
        result.appendChild(node);
      });
      if (result.scrollIntoView) result.scrollIntoView({ block: "nearest" });
    });
    // A box ticked before the script ran (or kept by the browser on "back") still shows its help.
    showAlert(form, region);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
