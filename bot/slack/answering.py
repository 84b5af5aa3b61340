"""From a question typed in Slack to a reply posted in Slack, after the ack.

The user always hears back: an answer, the usage text, the core's reason for refusing, or an
apology with a way to reach support. Failures are logged with a trace id (also shown to the
user) and never with the question text.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import uuid
from dataclasses import dataclass, field, replace
from typing import Callable, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.answer import Answer
from bot.conversation import turn_of
from bot.errors import InputRejected, PrivacyBotError
from bot.logging_setup import question_context
from bot.settings import Settings
from bot.slack import agent, messages
from bot.slack.audience import CUSTOMER, Decision
from bot.slack.background import BackgroundWork, new_trace_id
from bot.slack.blocks import SlackMessage, render_answer
from bot.slack.client import respond
from bot.slack.escalating import SlackAsk, dedupe_key, escalate_answer, support_value
from bot.slack.threads import ThreadTurns, answer_metadata
from bot.store import StateStore

log = logging.getLogger(__name__)

WORKING_REACTION = "eyes"
# Who asks decides what may be quoted: staff ("employee") or a customer (Slack Connect users and
# guests, and anyone undecided: bot/slack/audience.py). Customers are answered from public documents only.
AUDIENCE = "employee"  # the audience of a member of Kimss AI's own workspace
HELP_WORDS = {"help", "?", "usage"}


class AssistantLike(Protocol):
    def ask(self, question: str, audience: str = "employee", context=None) -> Answer: ...
    def status(self) -> dict: ...


@dataclass
class SlackServices:
    """What the listeners need, passed to every `register(app, services)`."""

    settings: Settings
    assistant: AssistantLike
    store: StateStore
    work: BackgroundWork
    # Answering is CPU-bound (embedding); more concurrent asks than cores only slow the acks
    # of new requests, while the pool's other threads keep doing I/O (reactions, posting, retries).
    ask_slots: threading.Semaphore = field(default_factory=lambda: threading.BoundedSemaphore(os.cpu_count() or 1))
    escalations: object | None = None  # bot.escalation.Escalations, when the service runs the outbox
    refresher: object | None = None  # bot.refresh.Refresher: the privacy team's index refresh (bot/slack/team.py)
    audiences: object | None = None  # bot.slack.audience.AudienceResolver; without one, everyone is a customer
    threads: ThreadTurns = field(default_factory=ThreadTurns)  # earlier turns of a thread (follow-ups)


def decide_audience(services: SlackServices, user: str | None, payload: dict | None) -> Decision:
    """Employee or customer; fails closed (customer) when it cannot be decided."""
    if services.audiences is None:
        return Decision(CUSTOMER, "undecided")
    try:
        return services.audiences.decide(user, payload)
    except Exception:
        log.exception("deciding the audience failed; treating the asker as a customer")
        return Decision(CUSTOMER, "undecided")


def question_text(raw: str, bot_user_id: str | None) -> str:
    """The question as the person typed it: without the bot's mention, Slack's escaping undone."""
    if bot_user_id:
        raw = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", raw)
    raw = raw.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(raw.split())


def compose_reply(services: SlackServices, question: str, trace_id: str, *, echo_question: bool = False,
                  ask: SlackAsk | None = None, audience: str = CUSTOMER, context=None,
                  on_answer: Callable[[Answer], None] | None = None) -> SlackMessage:
    """`context`: the thread's earlier turns (bot/slack/threads.py); `on_answer` sees the final answer."""
    if question.lower() in HELP_WORDS:
        return messages.usage()
    answer_id = uuid.uuid4().hex[:16]
    try:
        # The ids go with the question into logs and analytics (bot/analytics/recording.py).
        subjects = ((f"slack:{ask.user_id}",) + ((f"email:{ask.email}",) if ask.email else ())) if ask else None
        with services.ask_slots, question_context(trace_id=trace_id, answer_id=answer_id, source="slack",
                                                  subjects=subjects):
            answer = services.assistant.ask(question, audience=audience, **({"context": context} if context else {}))
    except InputRejected as rejection:
        if rejection.code == "empty":
            return messages.usage()
        log.info("question rejected trace_id=%s code=%s", trace_id, rejection.code)
        return messages.rejected(str(rejection))
    except PrivacyBotError as error:
        log.error("index unavailable trace_id=%s error=%s: %s", trace_id, type(error).__name__, error)
        return messages.unavailable(services.settings, trace_id, audience=audience)
    except Exception:
        log.exception("answering failed trace_id=%s", trace_id)
        return messages.apology(services.settings, trace_id, audience=audience)
    log.info(
        "answered trace_id=%s answer_id=%s covered=%s citations=%d escalation=%s",
        trace_id, answer_id, answer.covered, len(answer.citations),
        answer.escalation.reason if answer.escalation else None,
    )
    note = None
    if ask is not None:
        try:  # record first: the reply then carries the reference (bot/slack/escalating.py)
            answer, note = escalate_answer(services, answer, answer_id, ask, turns=context)
        except Exception:
            log.exception("recording the escalation failed trace_id=%s", trace_id)
    if on_answer is not None:
        on_answer(answer)
    value = support_value(answer, answer_id, ask.source_key(answer_id) if ask else None)
    return render_answer(answer, answer_id, echo_question=echo_question, escalation_note=note, support_value=value)


def reply_in_conversation(
    services: SlackServices, client: WebClient, *, channel: str, message_ts: str, thread_ts: str | None, question: str,
    user: str | None = None, team: str | None = None, payload: dict | None = None, shared: bool | None = None,
    bot_user_id: str | None = None, title_thread: bool = False,
) -> None:
    """Answer a mention or DM where it was asked, with 👀 on the question and a status in the thread while
    working. A question inside a thread where the bot has answered gets that thread's turns as context;
    `title_thread` names a new agent-messaging thread after its first question."""
    trace_id = new_trace_id()
    reacted = _reaction(client, "add", channel, message_ts, trace_id)
    if thread_ts:
        agent.show_working(client, channel, thread_ts, trace_id)
        if title_thread:
            agent.set_title(client, channel, thread_ts, question, trace_id)
    # Earlier turns only exist in a thread the question did not start.
    context = services.threads.turns(client, channel, thread_ts, bot_user_id) if thread_ts and thread_ts != message_ts else []
    decision = decide_audience(services, user, payload)
    ask = SlackAsk(user, team, channel, message_ts, channel, thread_ts, **decision.ask_fields()) if user else None
    # Everyone in the channel reads the answer: in a Slack Connect channel it is written for customers.
    audience = decision.audience
    if audience != CUSTOMER and _shared(services, channel, shared):
        audience = CUSTOMER
    try:
        answered: list[Answer] = []
        reply = compose_reply(services, question, trace_id, ask=ask, audience=audience, context=context,
                              on_answer=answered.append)
        turn = turn_of(answered[0]) if answered and thread_ts else None
        if turn is not None:  # the post carries its turn, so the thread can be read back (threads.py)
            reply = replace(reply, metadata=answer_metadata(turn, asker=user))
        _post(client, services.settings, channel, thread_ts, reply, trace_id)
        if turn is not None:
            services.threads.remember(channel, thread_ts, turn, context, asker=f"slack:{user}" if user else None)
        _told(services, ask)
    finally:
        if reacted:
            _reaction(client, "remove", channel, message_ts, trace_id)


def reply_ephemeral(services: SlackServices, *, response_url: str, question: str, user: str | None = None,
                    team: str | None = None, request_id: str | None = None, payload: dict | None = None) -> None:
    """Answer a slash command privately through its response_url (a hand-off is answered in a DM)."""
    trace_id = new_trace_id()
    decision = decide_audience(services, user, payload)
    ask = SlackAsk(user, team, None, None, user, None, request_key=f"cmd:{request_id or trace_id}",
                   **decision.ask_fields()) if user else None
    reply = compose_reply(services, question, trace_id, echo_question=True, ask=ask, audience=decision.audience)
    try:
        respond(response_url, reply)
        _told(services, ask)
    except Exception:
        log.exception("posting the answer failed trace_id=%s", trace_id)
        respond(response_url, messages.apology(services.settings, trace_id, audience=decision.audience))


def _shared(services: SlackServices, channel: str, flag: bool | None) -> bool:
    if services.audiences is None:
        return True
    try:
        return services.audiences.channel_is_shared(channel, flag)
    except Exception:
        log.exception("deciding whether the channel is shared failed; answering for customers")
        return True


def _told(services: SlackServices, ask: SlackAsk | None) -> None:
    """The reply carrying an escalation's reference is out: the outbox need not tell them again."""
    if ask is not None and services.escalations is not None:
        services.escalations.mark_told(dedupe_key=dedupe_key(ask.team_id, ask.source_key(""), ask.user_id))


def _post(
    client: WebClient, settings: Settings, channel: str, thread_ts: str | None, reply: SlackMessage, trace_id: str
) -> None:
    try:
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, **reply.as_kwargs())
    except SlackApiError as error:
        # Slack refused the message itself (e.g. invalid_blocks): say sorry in plain text instead.
        log.error("chat.postMessage failed trace_id=%s error=%s", trace_id, error.response.get("error"))
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, **messages.apology(settings, trace_id).as_kwargs())


def _reaction(client: WebClient, verb: str, channel: str, ts: str, trace_id: str) -> bool:
    """The working signal is a courtesy: failing to show it must not stop the answer."""
    try:
        if verb == "add":
            client.reactions_add(channel=channel, timestamp=ts, name=WORKING_REACTION)
        else:
            client.reactions_remove(channel=channel, timestamp=ts, name=WORKING_REACTION)
        return True
    except SlackApiError as error:
        log.warning("reactions.%s failed trace_id=%s error=%s", verb, trace_id, error.response.get("error"))
    except (SlackRequestError, OSError) as error:
        log.warning("reactions.%s failed trace_id=%s error=%s", verb, trace_id, type(error).__name__)
    return False
