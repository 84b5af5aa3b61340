"""`RecordingAssistant`: the Assistant every adapter uses, plus one analytics event per answer.

Slack (wrapped in `bot.web.create_asgi_app`, so the future HTTP API is covered too) and the CLI's
`ask` go through it; the evaluation and the publish gate use the bare Assistant, so golden
questions never count as people's questions. The adapter binds its trace id, answer id and name
with `bot.logging_setup.question_context`; nothing here knows Slack or HTTP.

Recording must never cost anyone their answer: a failure to write the event is logged (without
the question) and the answer is returned anyway.
"""

from __future__ import annotations

import logging

from bot.analytics.events import QuestionEvents, outcome_of
from bot.answer import Answer
from bot.logging_setup import current_context, question_context

log = logging.getLogger("bot.questions")


class RecordingAssistant:
    def __init__(self, assistant, events: QuestionEvents, source: str):
        self.inner = assistant
        self.events = events
        self.source = source

    def ask(self, question: str, audience: str = "employee", context=None) -> Answer:
        turns = context
        with question_context() as context:  # a trace id even when the adapter bound none
            answer = self.inner.ask(question, audience=audience, **({"context": turns} if turns else {}))
            source = context.source or self.source
            top = answer.citations[0] if answer.citations else None
            log.info("question answered", extra={
                "source": source, "audience": answer.audience, "outcome": outcome_of(answer),
                "covered": answer.covered, "confidence": round(float(answer.confidence), 4),
                "top_section": top.section if top else None,
                "escalation": answer.escalation.reason if answer.escalation else None,
                "question_chars": len(question), "answer_id": context.answer_id,
            })
            try:
                self.events.record(answer, source=source, answer_id=context.answer_id, trace_id=context.trace_id,
                                   subjects=context.subjects or ())
            except Exception:
                log.exception("recording the question event failed")
            return answer

    def status(self) -> dict:
        return self.inner.status()

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def recording(assistant, events: QuestionEvents, source: str):
    """Wrap once: an assistant that already records is returned as it is."""
    if isinstance(assistant, RecordingAssistant):
        return assistant
    return RecordingAssistant(assistant, events, source)


__all__ = ["RecordingAssistant", "recording", "current_context"]
