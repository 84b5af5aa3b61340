// Kimss privacy chat: turning the answer JSON into DOM nodes. Every piece of text from a question,
// an answer or a document is set with textContent: nothing a person typed or a document says is
// ever parsed as HTML. Links are built only from http(s) URLs or same-site paths.
"use strict";

window.KimssChat = (function () {
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeUrl(url) {
    if (typeof url !== "string" || !url) return null;
    if (url.charAt(0) === "/" && url.charAt(1) !== "/") return url;
    try {
      const parsed = new URL(url);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  // One date format everywhere, the one answers use: "2026-04-30" -> "April 30, 2026".
  function formatDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso || ""));
    if (!m || +m[2] < 1 || +m[2] > 12) return String(iso || "");
    return MONTHS[+m[2] - 1] + " " + (+m[3]) + ", " + m[1];
  }

  function link(href, text, external) {
    const a = el("a", null, text);
    a.href = href;
    if (external) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    }
    return a;
  }

  // Text nodes, with every mention of the support URL made a link.
  function appendText(parent, text, supportUrl) {
    text = String(text || "");
    const href = safeUrl(supportUrl);
    if (!href) {
      parent.appendChild(document.createTextNode(text));
      return parent;
    }
    const pieces = text.split(supportUrl);
    pieces.forEach(function (piece, i) {
      if (i > 0) parent.appendChild(link(href, supportUrl, false));
      if (piece) parent.appendChild(document.createTextNode(piece));
    });
    return parent;
  }

  function citationLabel(c) {
    let label = c.section + " — " + c.title;
    if (c.updated) label += ", updated " + formatDate(c.updated);
    return label;
  }

  function renderCitations(citations) {
    const list = el("ol", "citations");
    list.setAttribute("aria-label", "Sources");
    citations.forEach(function (c) {
      const item = el("li");
      item.value = c.n;
      const href = safeUrl(c.link) || safeUrl(c.url);
      item.appendChild(href ? link(href, citationLabel(c), true) : el("span", null, citationLabel(c)));
      item.firstChild.className = "citation";
      list.appendChild(item);
    });
    return list;
  }

  function renderReference(escalation, supportUrl) {
    const box = el("div", "reference-box");
    const ref = el("p", "reference", "Reference: " + escalation.reference);
    ref.setAttribute("data-reference", escalation.reference);
    box.appendChild(ref);
    if (escalation.message) box.appendChild(appendText(el("p"), escalation.message, supportUrl));
    return box;
  }

  function button(text, className, onClick) {
    const b = el("button", className, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function renderFeedback(answerId, actions) {
    const group = el("div", "feedback");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Was this answer helpful?");
    group.appendChild(el("span", "hint", "Helpful?"));
    [["helpful", "👍", "Helpful"], ["not_helpful", "👎", "Not helpful"]].forEach(function (v) {
      const b = button(v[1], "vote", function () { actions.vote(answerId, v[0], group); });
      b.setAttribute("aria-label", v[2]);
      b.setAttribute("aria-pressed", "false");
      b.setAttribute("data-vote", v[0]);
      group.appendChild(b);
    });
    return group;
  }

  // actions: {supportUrl, vote(answerId, vote, group), contactSupport(answerId, opener)}
  function renderAnswer(data, actions) {
    const article = el("article", "msg bot answer");
    article.setAttribute("aria-label", "Answer");
    article.setAttribute("data-answer-id", data.answer_id || "");
    if (data.answering) article.appendChild(el("p", "answering", "Answering: " + data.answering));
    // A framing line, then the policy's own words (“…” [n]), which stand out as quotes.
    String(data.answer || "").split("\n").forEach(function (line) {
      const quoted = line.charAt(0) === "\u201c";
      article.appendChild(appendText(el(quoted ? "blockquote" : "p", quoted ? "quote" : null), line,
        actions.supportUrl));
    });
    if (data.citations && data.citations.length) article.appendChild(renderCitations(data.citations));
    const escalation = data.escalation;
    if (escalation && escalation.reference) {
      article.appendChild(renderReference(escalation, actions.supportUrl));
    } else if (data.offer) {
      const offer = el("div", "offer");
      offer.appendChild(el("p", null, "Do you want the privacy team to act on this?"));
      offer.appendChild(button("Yes, contact the privacy team", "secondary", function (event) {
        actions.contactSupport(data.answer_id, event.currentTarget);
      }));
      article.appendChild(offer);
    } else if (escalation && escalation.reason === "not_covered") {
      article.appendChild(button("Ask the privacy team", "secondary", function (event) {
        actions.contactSupport(data.answer_id, event.currentTarget);
      }));
    }
    if (data.answer_id) article.appendChild(renderFeedback(data.answer_id, actions));
    return article;
  }

  return { el: el, button: button, safeUrl: safeUrl, formatDate: formatDate, appendText: appendText,
    renderAnswer: renderAnswer, renderReference: renderReference };
})();
