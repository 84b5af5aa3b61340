"""A conversation's earlier turns, as the answering core sees them (no Slack, no HTTP).

Adapters keep conversations where they live (a Slack thread, a web chat session, an API
`conversation_id` in the state database) and pass the last few turns to
`Assistant.ask(question, audience, context=[Turn, ...])`, oldest first.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_CONTEXT_TURNS = 3  # follow-ups refer to the last turn or two; more only adds noise and cost


@dataclass(frozen=True)
class Turn:
    question: str  # what was asked (the standalone form when the assistant rewrote it)
    sections: tuple[str, ...] = ()  # section ids (or "Section — Title" labels) the answer cited
    escalation: str | None = None  # the answer's escalation reason, if any
    answer: str | None = None  # the reply text, when the adapter has it (Slack threads do)


def turn_of(answer, max_answer_chars: int = 1500) -> Turn:
    """The turn an `Answer` adds to its conversation (the standalone question when one was rewritten)."""
    return Turn(
        question=answer.answering or answer.question,
        sections=tuple(c.section for c in answer.citations),
        escalation=answer.escalation.reason if answer.escalation else None,
        answer=(answer.answer or "")[:max_answer_chars] or None,
    )


def recent(turns, limit: int = MAX_CONTEXT_TURNS) -> list[Turn]:
    """The last `limit` turns, oldest first: all a follow-up needs, and all that is ever kept."""
    return list(turns)[-limit:] if limit > 0 else []
