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
