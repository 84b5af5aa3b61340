// Kimss privacy chat: asking, the one Contact support panel, and 👍/👎. Rendering lives in
// chat-render.js; every text from a question or an answer is set with textContent, never as HTML.
"use strict";

(function () {
  const K = window.KimssChat;
  const log = document.getElementById("log");
  const form = document.getElementById("ask-form");
  const input = document.getElementById("question");
  const askButton = document.getElementById("ask-button");
  const status = document.getElementById("status");
  const suggestions = document.getElementById("suggestions");
  const supportUrl = document.body.getAttribute("data-support-url") || "";
  const panel = {
    root: document.getElementById("support-panel"),
    open: document.getElementById("support-open"),
    title: document.getElementById("support-title"),
    ask: document.getElementById("support-ask"),
    first: document.getElementById("support-first"),
    done: document.getElementById("support-done"),
    form: document.getElementById("support-form"),
    email: document.getElementById("support-email"),
    send: document.getElementById("support-send"),
    close: document.getElementById("support-close"),
  };
  let lastAnswerId = null;
  let supportTarget = null; // the answer the privacy team will get
  let returnFocus = null;
  const references = {}; // answer id -> the hand-off made for it (automatic or asked for)

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) throw new Error((data && data.message) || "Something went wrong. Please try again.");
    return data;
  }

  // ---- Contact support: one panel for the whole conversation ----------------------------------
  function showDone(escalation) {
    panel.done.replaceChildren(K.renderReference(escalation, supportUrl));
  }

  function openSupport(answerId, opener) {
    supportTarget = answerId || lastAnswerId;
    returnFocus = opener || panel.open;
    const escalation = supportTarget ? references[supportTarget] : null;
    panel.ask.hidden = !supportTarget || !!escalation;
    panel.first.hidden = !!supportTarget;
    panel.done.hidden = !escalation;
    if (escalation) showDone(escalation);
    panel.root.hidden = false;
    panel.open.setAttribute("aria-expanded", "true");
    (panel.ask.hidden ? panel.title : panel.email).focus();
  }

  function closeSupport() {
    panel.root.hidden = true;
    panel.open.setAttribute("aria-expanded", "false");
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
  }

  panel.open.addEventListener("click", function () {
    if (panel.root.hidden) openSupport(null, panel.open); else closeSupport();
  });
  panel.close.addEventListener("click", closeSupport);
  panel.root.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closeSupport();
  });
  panel.form.addEventListener("submit", async function (event) {
    event.preventDefault();
    panel.send.disabled = true;
    status.textContent = "Contacting support…";
    try {
      const escalation = await post("/chat/support",
        { answer_id: supportTarget, email: panel.email.value.trim() || null });
      references[supportTarget] = escalation;
      panel.ask.hidden = true;
      panel.done.hidden = false;
      showDone(escalation);
      panel.title.focus();
      status.textContent = "Support has your request: reference " + escalation.reference + ".";
    } catch (error) {
      status.textContent = error.message;
    } finally {
      panel.send.disabled = false;
    }
  });

  // ---- 👍 / 👎 ---------------------------------------------------------------------------------
  async function vote(answerId, choice, group) {
    try {
      await post("/chat/feedback", { answer_id: answerId, vote: choice });
    } catch (error) {
      status.textContent = error.message;
      return;
    }
    group.querySelectorAll("button[data-vote]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-vote") === choice));
    });
    status.textContent = "Thanks for your feedback.";
    if (choice === "not_helpful" && !group.querySelector(".after-vote") && !references[answerId]) {
      const offer = K.button("Ask the privacy team", "secondary after-vote", function (event) {
        openSupport(answerId, event.currentTarget);
      });
      group.appendChild(offer);
    }
  }

  // ---- asking ------------------------------------------------------------------------------------
  const actions = { supportUrl: supportUrl, vote: vote, contactSupport: openSupport };

  async function ask(question) {
    if (suggestions) suggestions.remove(); // they are for starting; the conversation goes on below
    const asked = log.appendChild(K.el("div", "msg question", question));
    askButton.disabled = true;
    status.textContent = "Looking that up…";
    try {
      const data = await post("/chat/ask", { question: question });
      if (data.escalation && data.escalation.reference) references[data.answer_id] = data.escalation;
      lastAnswerId = data.answer_id || lastAnswerId;
      const article = K.renderAnswer(data, actions);
      log.appendChild(article);
      // Show the answer from its question down; scrolling only the log, never an embedding page.
      log.scrollTop = asked.offsetTop - 8;
      status.textContent = "";
    } catch (error) {
      log.appendChild(K.el("div", "msg error", error.message));
      status.textContent = "";
    } finally {
      askButton.disabled = false;
      input.focus();
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const question = input.value.trim();
    if (!question) {
      status.textContent = "Type a question first.";
      input.focus();
      return;
    }
    input.value = "";
    ask(question);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  if (suggestions) {
    suggestions.querySelectorAll("button.suggestion").forEach(function (b) {
      b.addEventListener("click", function () { ask(b.textContent.trim()); });
    });
  }
})();
