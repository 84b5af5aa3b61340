"""The answering core: `Assistant.ask(question, audience) -> Answer`. No Slack, no HTTP here.

Answers are extractive: apart from one short framing line, every word comes from the policy,
quoted sentence by sentence and tied to a numbered citation. When the best evidence is below
the calibrated threshold the assistant says the policy does not cover the question and offers
support, rather than padding the reply with weak citations.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Sequence

from bot.answer import AUDIENCES, Answer, Citation, Escalation, human_date
from bot.conversation import Turn
from bot.errors import InputRejected
from bot.followup import standalone_question
from bot.intents import escalation_intent, looks_off_topic, mentions_privacy
from bot.retrieval import Retriever, SectionHit
from bot.settings import MAX_QUESTION_CHARS

# Calibrated on knowledge/golden.yaml (see README "How `covered` is decided"): the midpoint
# between the lowest-scoring answerable question and the highest-scoring unanswerable one.
COVERED_THRESHOLD = 0.295
CONFIDENCE_SCALE = 0.06  # evidence this far above the threshold reads as ~73% confident
SECOND_SECTION_MARGIN = 0.05  # cite another section only when its evidence is nearly as strong
MAX_LIST_ITEMS = 6  # a quoted list introduction brings its items along, up to this many
MAX_CITATIONS = 3
MAX_SENTENCES_PER_SECTION = 2
SENTENCE_MARGIN = 0.06  # a second sentence must score within this of the section's best

# Queries used to find what the policy says about reaching a person, per escalation reason.
ESCALATION_QUERIES = {
    "data_request": "how to make a data request: access, deletion or correction of personal data",
    "security": "security-related concerns: how to contact Kimss AI",
    "user_request": "privacy questions: how to contact Kimss AI support",
}
# Adapter-neutral: whether the request was recorded (Slack, API) or not (CLI) is said by the adapter,
# so the core never claims a hand-off that did not happen.
FRAMING = {
    "data_request": "This is a data request, which is handled by a person. What the policy says:",
    "security": "This sounds like a security concern, which a person at Kimss AI should look at. What the policy says:",
    "user_request": "A person can help with this. What the policy says:",
}
OFF_TOPIC_TEXT = (
    "I answer questions about Kimss AI's privacy policy: what information is collected, how it is used "
    "and protected, and how to make privacy or data requests."
)


@dataclass(frozen=True)
class AskOptions:
    threshold: float = COVERED_THRESHOLD
    support_url: str = "/app/support"


class Assistant:
    def __init__(self, retriever: Retriever, options: AskOptions | None = None):
        self.retriever = retriever
        self.options = options or AskOptions()
        self._contact_cache: dict[tuple[str, str, str], list[SectionHit]] = {}

    @classmethod
    def from_settings(cls, settings, embeddings=None) -> "Assistant":
        from indexer.embedding import load_embeddings
        from indexer.store import VectorStore

        embeddings = embeddings or load_embeddings(settings.embedding_model, settings.embedding_backend)
        retriever = Retriever(VectorStore.from_settings(settings), embeddings)
        return cls(retriever, AskOptions(support_url=settings.support_url))

    def ask(self, question: str, audience: str = "employee", context: Sequence[Turn] | None = None) -> Answer:
        """`context`: this conversation's earlier turns, oldest first (bot/conversation.py)."""
        question = validate_question(question)
        if audience not in AUDIENCES:
            raise InputRejected(f"audience must be one of {', '.join(AUDIENCES)}", code="audience")
        standalone = standalone_question(question, context)  # a follow-up, rewritten (bot/followup.py)
        if standalone:
            return replace(self.ask(standalone, audience), question=question, answering=standalone)
        hits = self.retriever.search(question, audience)
        intent = escalation_intent(question)
        if intent:
            return self._escalation(question, audience, intent, hits)
        top = hits[0] if hits else None
        evidence = top.evidence if top else 0.0
        confidence = self._confidence(evidence)
        if looks_off_topic(question) or (evidence < self.options.threshold and not mentions_privacy(question)):
            return Answer(question, OFF_TOPIC_TEXT, False, min(confidence, 0.05), audience)
        if evidence < self.options.threshold:
            text = (
                "The privacy policy does not cover this question. Support can help: contact Kimss AI "
                f"through {self.options.support_url}."
            )
            return Answer(question, text, False, confidence, audience, [], Escalation("not_covered"))
        cited = [top] + [
            h for h in hits[1:MAX_CITATIONS]
            if h.evidence >= max(self.options.threshold, top.evidence - SECOND_SECTION_MARGIN)
        ]
        citations = self._citations(cited)
        return Answer(question, self._compose(citations), True, confidence, audience, citations)

    def _escalation(self, question: str, audience: str, reason: str, hits: list[SectionHit]) -> Answer:
        cited: list[SectionHit] = self._contact_section(reason, audience)
        own = [h for h in hits[:1] if h.evidence >= self.options.threshold and h.section_id not in
               {c.section_id for c in cited}]
        citations = self._citations(cited + own)
        text = FRAMING[reason] + ("\n" + self._compose(citations) if citations else "")
        evidence = max((h.evidence for h in cited + own), default=0.0)
        return Answer(question, text, bool(citations), self._confidence(evidence), audience, citations,
                      Escalation(reason))

    def _contact_section(self, reason: str, audience: str) -> list[SectionHit]:
        """What the policy says about reaching a person; the same for every question, so cached per index."""
        key = (reason, audience, self.retriever.current().info.collection)
        if key not in self._contact_cache:
            contact = self.retriever.search(ESCALATION_QUERIES[reason], audience)
            # Policies name the way to reach a person in a "Contact" section; prefer it when there is one.
            contact.sort(key=lambda h: "contact" not in h.meta["section"].lower())
            self._contact_cache = {k: v for k, v in self._contact_cache.items() if k[2] == key[2]}
            self._contact_cache[key] = contact[:1]
        return self._contact_cache[key]

    def _citations(self, hits: list[SectionHit]) -> list[Citation]:
        loaded = self.retriever.current()
        citations = []
        for n, h in enumerate(hits, start=1):
            best = h.sentences[0][1] if h.sentences else 0.0
            rows = [row for row, score in h.sentences[:MAX_SENTENCES_PER_SECTION] if score >= best - SENTENCE_MARGIN]
            rows = _with_antecedents(rows, loaded)
            rows.sort(key=lambda row: loaded.sentences[row]["ordinal"])  # quote in the document's order
            parts: list[str] = []
            for row in rows:
                meta = loaded.sentences[row]
                if meta.get("lead") and meta["lead"] not in parts:
                    parts.append(meta["lead"])  # a list item reads wrongly without its lead-in
                if meta["body"] not in parts:
                    parts.append(meta["body"])
                if meta["body"].endswith(":"):  # a list's introduction says nothing without the list
                    items = [loaded.sentences[i]["body"]
                             for i in loaded.list_items.get((meta["section_id"], meta["body"]), [])]
                    parts.extend(i for i in items[:MAX_LIST_ITEMS] if i not in parts)
            meta = h.meta
            citations.append(Citation(
                n=n, document=meta["document"], title=meta["title"], section=meta["section"],
                quote=" ".join(parts), url=meta["url"] or None, updated=meta["updated"] or None,
                score=round(h.evidence, 4),
            ))
        return citations

    @staticmethod
    def _compose(citations: list[Citation]) -> str:
        titles = {(c.title, c.updated) for c in citations}
        if len(titles) == 1:
            title, updated = next(iter(titles))
            lead = f"According to the {title}" + (f" (updated {human_date(updated)})" if updated else "") + ":"
        else:
            lead = "According to Kimss AI's policy documents:"
        return "\n".join([lead] + [f"“{c.quote}” [{c.n}]" for c in citations])

    def _confidence(self, evidence: float) -> float:
        return 1.0 / (1.0 + math.exp(-(evidence - self.options.threshold) / CONFIDENCE_SCALE))

    def status(self) -> dict:
        loaded = self.retriever.current()
        info = loaded.info
        dates = sorted({d.get("updated") for d in info.documents.values() if d.get("updated")})
        return {
            "ok": True, "model": info.model, "documents": len(info.documents), "chunks": len(loaded.chunks),
            "policy_date": dates[-1] if dates else None, "index": info.collection,
        }


_ANAPHOR = re.compile(r"^(?:This|These|That|Those|Such|They|It|Its|Their)\b")


def _with_antecedents(rows: list[int], loaded) -> list[int]:
    """A quoted "This may include…" needs the sentence it refers back to, or it reads as nonsense."""
    out = list(rows)
    for row in rows:
        meta = loaded.sentences[row]
        if _ANAPHOR.match(meta["body"]) and not meta.get("lead"):
            previous = loaded.sentence_at.get((meta["section_id"], meta["ordinal"] - 1))
            if previous is not None and previous not in out:
                out.append(previous)
    return out


def validate_question(question: str) -> str:
    question = (question or "").strip()
    if not question:
        raise InputRejected("Ask a question about Kimss AI's privacy policy, e.g. “What data do you collect?”",
                            code="empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise InputRejected(
            f"That question is {len(question):,} characters long; please keep it under {MAX_QUESTION_CHARS:,}.",
            code="too_long",
        )
    return question
