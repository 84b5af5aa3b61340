"""The `Answer` contract: what the core decides, and what every adapter renders.

`Answer.to_dict()` is exactly the JSON object `privacy-bot ask --json` prints, so the Slack
renderer, the HTTP API and the CLI can never disagree about what was answered.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Literal

Audience = Literal["employee", "customer"]
AUDIENCES: tuple[str, ...] = ("employee", "customer")

EscalationReason = Literal["data_request", "security", "user_request", "not_covered"]
# Reasons that always hand the conversation to a person; "not_covered" only offers it.
ESCALATING_REASONS = frozenset({"data_request", "security", "user_request"})
# What to do while a person looks at a security report: one sentence, said by every adapter.
SECURITY_MEANWHILE = "Meanwhile, change your Kimss AI password and revoke any API key or token that may be exposed."
# The finer kind of each escalating reason (issue 10's router decides it; issue 15's DSAR clock uses it).
ESCALATION_KINDS: dict[str, tuple[str, ...]] = {
    "data_request": ("access", "deletion", "correction", "portability", "objection", "do_not_sell_or_share",
                     "restriction", "withdraw_consent"),
    "security": ("account_compromise", "vulnerability", "credential_leak", "phishing", "data_exposure"),
    "user_request": ("human", "complaint"),
}
# An answer may *offer* a hand-off without making one: the router was unsure between a question and
# a request, so the reply answers and asks "Do you want the privacy team to act on this?".
OFFER_REASONS: tuple[str, ...] = ("data_request", "security", "user_request")


@dataclass(frozen=True)
class Citation:
    n: int
    document: str  # the file name under knowledge/, e.g. "privacy-policy.md"
    title: str  # the document's title, e.g. "Privacy Policy"
    section: str  # the heading the quote sits under, e.g. "Security Measures"
    quote: str  # verbatim policy text
    url: str | None  # published location with the section anchor, when the document has a url
    updated: str | None  # ISO date the document was last updated
    score: float

    def label(self) -> str:
        """"Security Measures — Privacy Policy, updated April 30, 2026"."""
        text = f"{self.section} — {self.title}"
        if self.updated:
            text += f", updated {human_date(self.updated)}"
        return text


@dataclass(frozen=True)
class Escalation:
    reason: str
    reference: str | None = None  # set by the escalation flow once a record exists
    kind: str | None = None  # e.g. "deletion" for a data_request (ESCALATION_KINDS); None when unknown

    def to_dict(self) -> dict:
        data = {"reason": self.reason}
        if self.kind:
            data["kind"] = self.kind
        if self.reference:
            data["reference"] = self.reference
        return data


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    covered: bool
    confidence: float
    audience: str
    citations: list[Citation] = field(default_factory=list)
    escalation: Escalation | None = None
    offer: str | None = None  # one of OFFER_REASONS: answered, and a hand-off is offered (not made)
    answering: str | None = None  # the standalone question answered when a follow-up was rewritten

    @property
    def escalates(self) -> bool:
        """True when a person must take over (not merely offered)."""
        return self.escalation is not None and self.escalation.reason in ESCALATING_REASONS

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "covered": self.covered,
            "confidence": round(float(self.confidence), 4),
            "audience": self.audience,
            "citations": [
                {**asdict(c), "score": round(float(c.score), 4)} for c in self.citations
            ],
            "escalation": self.escalation.to_dict() if self.escalation else None,
            "offer": self.offer,
            "answering": self.answering,
        }


def human_date(iso: str) -> str:
    """"2026-04-30" -> "April 30, 2026"; anything unparseable is shown as given."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day:%B} {day.day}, {day.year}"
