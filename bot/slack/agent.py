"""Slack's agent messaging experience: suggested prompts, a working status, thread titles.

Since 2026 new Slack apps use `agent_view` (manifest.yaml): conversations happen in the app's Messages
tab, threads above the composer. Opening it fires `app_home_opened` with `tab: "messages"` (this replaced
`assistant_thread_started`), answered with `assistant.threads.setSuggestedPrompts` without a thread_ts;
each question is answered in its thread, with `assistant.threads.setStatus` while the policy is read
(cleared by Slack when the answer is posted) and `assistant.threads.setTitle` from the first question.
All three are courtesies: a failure is logged and the answer still comes.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

log = logging.getLogger(__name__)

WORKING_STATUS = "is reading the policy…"
LOADING_MESSAGES = ["Reading the policy…", "Finding the sections that answer this…", "Checking the quotes…"]
PROMPTS_TITLE = "Ask about Kimss AI's privacy policy"
SUGGESTED_PROMPTS = [  # Slack shows up to four
    {"title": "What data do you collect?", "message": "What data does Kimss AI collect about me?"},
    {"title": "How is my data protected?", "message": "How does Kimss AI protect my data?"},
    {"title": "How is my data used?", "message": "What does Kimss AI use my information for?"},
    {"title": "Get a copy of my data", "message": "How do I request a copy of my data?"},
]
TITLE_CHARS = 80


def suggest_prompts(client: WebClient, channel: str, trace_id: str) -> bool:
    return _courtesy("assistant.threads.setSuggestedPrompts", trace_id, lambda: client.assistant_threads_setSuggestedPrompts(
        channel_id=channel, title=PROMPTS_TITLE, prompts=SUGGESTED_PROMPTS))


def show_working(client: WebClient, channel: str, thread_ts: str, trace_id: str) -> bool:
    return _courtesy("assistant.threads.setStatus", trace_id, lambda: client.assistant_threads_setStatus(
        channel_id=channel, thread_ts=thread_ts, status=WORKING_STATUS, loading_messages=LOADING_MESSAGES))


def set_title(client: WebClient, channel: str, thread_ts: str, question: str, trace_id: str) -> bool:
    title = " ".join(question.split())
    if len(title) > TITLE_CHARS:
        title = title[: TITLE_CHARS - 1].rstrip() + "…"
    if not title:
        return False
    return _courtesy("assistant.threads.setTitle", trace_id, lambda: client.assistant_threads_setTitle(
        channel_id=channel, thread_ts=thread_ts, title=title))


def _courtesy(method: str, trace_id: str, call) -> bool:
    try:
        call()
        return True
    except SlackApiError as error:
        log.warning("%s failed trace_id=%s error=%s", method, trace_id, error.response.get("error"))
    except (SlackRequestError, OSError) as error:
        log.warning("%s failed trace_id=%s error=%s", method, trace_id, type(error).__name__)
    return False
