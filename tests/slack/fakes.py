"""A small stand-in for the core: real `Answer` objects, no model, no index."""

from __future__ import annotations

import threading

from bot.answer import Answer, Citation, Escalation
from bot.errors import InputRejected

POLICY_URL = "https://kimss.example/privacy"
SECURITY_QUOTE = (
    "Kimss AI applies administrative, technical, and organizational safeguards designed to protect "
    "information against unauthorized access, disclosure, alteration, or loss."
)


def security_citation(n: int = 1, url: str | None = POLICY_URL) -> Citation:
    return Citation(n=n, document="privacy-policy.md", title="Privacy Policy", section="Security Measures",
                    quote=SECURITY_QUOTE, url=f"{url}#security-measures" if url else None,
                    updated="2026-04-30", score=0.71)


class FakeAssistant:
    """Answers every question with the Security Measures section, or as configured."""

    def __init__(self) -> None:
        self.questions: list[str] = []
        self.error: Exception | None = None  # raised by ask() when set
        self.echo = False  # put the question into the answer text, as an adapter must survive
        self.covered = True
        self.escalation: Escalation | None = None
        self.offer: str | None = None  # Answer.offer: answered, and a hand-off offered
        self.healthy = True
        self.contexts: list[list] = []  # the conversation turns passed with each question ([] when none)
        self._lock = threading.Lock()

    def ask(self, question: str, audience: str = "employee", context=None) -> Answer:
        with self._lock:
            self.questions.append(question)
            self.contexts.append(list(context or []))
        if not question.strip():
            raise InputRejected("Ask a question about Kimss AI's privacy policy.", code="empty")
        if len(question) > 4000:
            raise InputRejected("Please keep questions under 4,000 characters.", code="too_long")
        if self.error is not None:
            raise self.error
        if not self.covered:
            text = "The privacy policy does not cover this question. Support can help: contact Kimss AI through /app/support."
            return Answer(question, text, False, 0.1, audience, [], Escalation("not_covered"))
        text = f"According to the Privacy Policy (updated April 30, 2026):\n“{SECURITY_QUOTE}” [1]"
        if self.echo:
            text = f"You asked: {question}\n{text}"
        return Answer(question, text, True, 0.9, audience, [security_citation()], self.escalation, offer=self.offer)

    def status(self) -> dict:
        return {"ok": self.healthy, "model": "all-MiniLM-L6-v2", "documents": 1, "chunks": 5,
                "policy_date": "2026-04-30", "index": "kimss-privacy-v1"}
