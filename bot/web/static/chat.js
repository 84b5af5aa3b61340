// Kimss privacy chat. Every piece of text from a question or an answer is set with textContent:
// nothing typed by a person or quoted from a document is ever parsed as HTML.
"use strict";

(function () {
  const log = document.getElementById("log");
  const form = document.getElementById("ask-form");
  const input = document.getElementById("question");
  const button = document.getElementById("ask-button");
  const status = document.getElementById("status");
  const supportTemplate = document.getElementById("support-template");

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeUrl(url) {
    if (typeof url !== "string") return null;
    try {
      const parsed = new URL(url, window.location.href);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) {
      const message = (data && data.message) || "Something went wrong. Please try again.";
      const error = new Error(message);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function citationLabel(c) {
    let label = c.section + " — " + c.title;
    if (c.updated) label += ", updated " + c.updated;
    return label;
  }

  function renderReference(container, escalation) {
    const box = el("div", "reference-box");
    const ref = el("p", "reference", "Reference: " + escalation.reference);
    ref.setAttribute("data-reference", escalation.reference);
    box.appendChild(ref);
    if (escalation.message) box.appendChild(el("p", null, escalation.message));
    container.appendChild(box);
  }

  function renderAnswer(data) {
    const article = el("article", "msg answer");
    article.setAttribute("aria-label", "Answer");
    const lines = String(data.answer || "").split("\n");
    // A framing line, then the policy's own words (“…” [n]), which stand out as quotes.
    lines.forEach(function (line) {
      const quoted = line.charAt(0) === "\u201c";
      article.appendChild(el(quoted ? "blockquote" : "p", quoted ? "quote" : null, line));
    });
    if (data.citations && data.citations.length) {
      const list = el("ol", "citations");
      list.setAttribute("aria-label", "Sources");
      data.citations.forEach(function (c) {
        const item = el("li");
        item.value = c.n;
        const url = safeUrl(c.url);
        if (url) {
          const a = el("a", "citation", citationLabel(c));
          a.href = url;
          a.target = "_blank";
          a.rel = "noopener noreferrer";
          item.appendChild(a);
        } else {
          item.appendChild(el("span", "citation", citationLabel(c)));
        }
        list.appendChild(item);
      });
      article.appendChild(list);
    }
    if (data.escalation && data.escalation.reference) {
      renderReference(article, data.escalation);
    } else {
      article.appendChild(supportForm(data.answer_id, article, data.offer));
    }
    return article;
  }

  function supportForm(answerId, article, offer) {
    const fragment = supportTemplate.content.cloneNode(true);
    const supportForm = fragment.querySelector("form");
    const email = supportForm.querySelector("input[name=email]");
    const submit = supportForm.querySelector("button");
    if (offer) {
      // The assistant answered but this may be a request for the team to act on (data request,
      // security, a person): the same hand-off, offered in so many words.
      supportForm.classList.add("offer");
      supportForm.setAttribute("data-offer", offer);
      supportForm.querySelector(".support-lead").textContent = "Do you want the privacy team to act on this?";
      submit.textContent = "Yes, hand it to the privacy team";
    }
    supportForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      submit.disabled = true;
      status.textContent = "Contacting support…";
      try {
        const escalation = await post("/chat/support", { answer_id: answerId, email: email.value.trim() || null });
        supportForm.remove();
        renderReference(article, escalation);
        status.textContent = "Support has your request: reference " + escalation.reference + ".";
      } catch (error) {
        submit.disabled = false;
        status.textContent = error.message;
      }
    });
    return fragment;
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const question = input.value.trim();
    if (!question) {
      status.textContent = "Type a question first.";
      input.focus();
      return;
    }
    log.appendChild(el("div", "msg question", question));
    input.value = "";
    button.disabled = true;
    status.textContent = "Looking that up…";
    try {
      const data = await post("/chat/ask", { question: question });
      log.appendChild(renderAnswer(data));
      status.textContent = "";
    } catch (error) {
      log.appendChild(el("div", "msg error", error.message));
      status.textContent = "";
    } finally {
      button.disabled = false;
      input.focus();
      log.scrollTop = log.scrollHeight;
    }
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();
