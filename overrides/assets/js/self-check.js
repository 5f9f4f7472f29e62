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
 *
 * On a page in another language, that language's words file (assets/js/words-<code>.js, loaded first) holds the
 * locale's self_check section, whose {911}, {988}, {sms988} and {chat} marks are links, and where each goes. Each
 * message below is the English, with the key of its translation.
 */
(function () {
  "use strict";

  var CLOSING = "This is not medical advice. Talk to a clinician.";
  var CHAT = "https://988lifeline.org/chat/";
  var WORDS = readWords();

  function readWords() {
    var all = window.IOP_WORDS, own = all && all.words && all.words.self_check;
    return own ? Object.assign({ links: all.links }, own) : null;
  }

  // The parts of a message: the English (a string, or strings and links), or the translation of `key`, its
  // {marks} made links.
  function say(key, english) {
    if (!WORDS || typeof WORDS[key] !== "string") return typeof english === "string" ? [english] : english;
    return WORDS[key].split(/\{(\w+)\}/).map(function (part, i) {
      var target = i % 2 ? WORDS.links[part] : null;
      return target ? link(target[1], target[0]) : (i % 2 ? "{" + part + "}" : part);
    }).filter(function (part) { return part !== ""; });
  }

  function text(key, english) {
    return WORDS && typeof WORDS[key] === "string" ? WORDS[key] : english;
  }

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
  function paragraph(parts, className, attributes) {
    var p = element("p", null, attributes || (className ? { "class": className } : null));
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

  function said(key, english, attributes) {
    return paragraph(say(key, english), null, attributes);
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
      said("emergency_lead",
        "Call 911 now, or go to the nearest emergency room.",
        { "class": "self-check-lead" }),
      buttons([[text("call_911", "Call 911"), "tel:911"]])
    ];
    if (boxes.some(function (box) { return box.getAttribute("data-kind") === "withdrawal"; })) {
      nodes.push(said("withdrawal_note",
        "A seizure, seeing or hearing things that are not there, or deep confusion " +
        "while stopping alcohol, sedatives or drugs is an emergency. Do not wait for it to pass."));
    }
    nodes.push(paragraph(say("also_988", [
      "You can also call or text ", link("988", "tel:988"), " to talk with a crisis counselor. " +
      "It is free and open all day, every day."
    ])));
    return nodes;
  }

  // Thoughts of suicide or of hurting someone: 988 first, and an IOP is still possible.
  function lifelineHelp(boxes) {
    var nodes = [
      said("lifeline_lead",
        "Please call or text 988 now. You do not have to go through this alone.",
        { "class": "self-check-lead" }),
      buttons([
        [text("call_988", "Call 988"), "tel:988"],
        [text("text_988", "Text 988"), WORDS ? WORDS.links.sms988[0] : "sms:988"],
        [text("chat", "Chat online"), CHAT]
      ]),
      said("lifeline_about",
        "988 is the Suicide & Crisis Lifeline. It is free, private and open all day, every day."),
      paragraph(say("act_soon", ["If you might act on these thoughts soon, call ", link("911", "tel:911"), " now."]))
    ];
    if (boxes.some(function (box) { return box.getAttribute("data-kind") === "suicide"; })) {
      nodes.push(said("suicide_note",
        "Having thoughts of suicide does not by itself mean an IOP is not for you. " +
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
      nodes.push(said("suicide_note_after_911",
        "When you are safe, tell your care team about your thoughts of suicide. " +
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
    block.appendChild(said("not_fit_intro",
      "Some of your answers suggest you may need a different kind of care first. That is okay. It is about " +
      "getting the right support for today. Read more about:"));
    var list = element("ul");
    boxes.forEach(function (box) {
      var item = element("li");
      var more = box.getAttribute("data-more");
      var label = labelText(form, box);
      item.appendChild(more && more.charAt(0) === "#" ? link(label, more) : document.createTextNode(label));
      list.appendChild(item);
    });
    block.appendChild(list);
    return block;
  }

  function fitBlock(count) {
    return count > 0
      ? said("fit_yes",
        "Your answers match the kind of needs an IOP is made for. A good next step is to ask a program or " +
        "your doctor for an assessment.")
      : said("fit_none",
        "You did not check any of the things that fit an IOP. That is fine. A clinician can help you look " +
        "at all your options.");
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
      nodes.push(said("still_talk",
        "Even so, you can still talk with a program. Their staff can help you find " +
        "the right place to start."));
    }
    nodes.push(said("closing",
        CLOSING, { "class": "self-check-closing" }));
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
