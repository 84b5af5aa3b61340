"""The privacy team in Slack: refresh the index (`/privacy reindex`, the App Home button) and the report.

Only PRIVACY_TEAM_USER_IDS may refresh; anyone else is refused privately and nothing runs. A
refresh runs the same incremental, golden-gated indexer as `privacy-bot index` in the background
and reports its change summary, or which golden questions failed (nothing published then). One
refresh at a time: a second request while one runs is told so, whether the running one started
here (`Refresher`) or in another process (the build lock: IndexBusy).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone
from typing import Callable

from slack_sdk import WebClient

from bot.errors import IndexBusy, PrivacyBotError
from bot.logging_setup import new_trace_id, question_context
from bot.slack.blocks import SlackMessage, context, escape, section

log = logging.getLogger(__name__)

ACTION_REFRESH = "privacy_team_refresh_index"
REINDEX_WORDS = {"reindex", "refresh", "re-index"}
HOME_REPORT_DAYS = 30
MAX_FAILURES_SHOWN = 10


def is_team(settings, user_id: str | None) -> bool:
    return bool(user_id) and user_id in settings.privacy_team_user_ids


def embeddings_provider(assistant, settings) -> Callable[[], object]:
    """The assistant's own model when it has one (no second copy in memory), else loaded once."""
    lock = threading.Lock()
    loaded = None

    def get():
        nonlocal loaded
        retriever = getattr(assistant, "retriever", None)
        if retriever is not None and getattr(retriever, "embeddings", None) is not None:
            return retriever.embeddings
        with lock:
            if loaded is None:
                from indexer.embedding import load_embeddings

                loaded = load_embeddings(settings.embedding_model, settings.embedding_backend)
            return loaded

    return get


# ---- messages ----------------------------------------------------------------------------------
def refused() -> SlackMessage:
    text = "Only the privacy team can refresh the policy index. Ask them if the policy has changed."
    return SlackMessage(text=text, blocks=[section(text)])


def already_running(by: str | None, since: float | None) -> SlackMessage:
    who = f" (started by <@{escape(by)}>" + (f" at {_hhmm(since)} UTC)" if since else ")") if by else ""
    text = f"An index refresh is already running{who}. Its result will be posted when it finishes; try again then."
    return SlackMessage(text=text, blocks=[section(text)])


def started() -> SlackMessage:
    text = "Refreshing the policy index: new and changed documents are embedded and checked against the golden questions…"
    return SlackMessage(text=text, blocks=[context(f":arrows_counterclockwise: {text}")])


def refresh_result(report) -> SlackMessage:
    """The change summary, or the golden questions that failed (the index was then not published)."""
    summary = f"```{escape(report.summary())}```"
    if report.blocked:
        head = (f":no_entry: *Not published*: {len(report.gate.failed)} golden question(s) fail on the new index, "
                "so people are still answered from the current one. Fix the documents or golden.yaml, or publish "
                "anyway with `privacy-bot index --force`.")
        failures = f"```{escape(report.gate.failures_text(limit=MAX_FAILURES_SHOWN))}```"
        return SlackMessage(text=f"Index not published: {report.gate.totals()}.",
                            blocks=[section(head), section(failures), section(summary)])
    if report.published:
        head = ":white_check_mark: *Index refreshed*: people are answered from the new index within seconds."
    else:
        head = ":ballot_box_with_check: *No changes*: the index is already up to date."
    return SlackMessage(text=head.split(": ", 1)[-1], blocks=[section(head), section(summary)])


def busy_elsewhere() -> SlackMessage:
    text = "An index refresh is already running (started elsewhere, e.g. from the command line). Try again when it has finished."
    return SlackMessage(text=text, blocks=[section(text)])


def refresh_failed(error: Exception | None, trace_id: str) -> SlackMessage:
    reason = escape(str(error)) if isinstance(error, PrivacyBotError) else "an unexpected error"
    text = f"The index refresh failed: {reason}. The current index is still being served."
    return SlackMessage(text=text, blocks=[section(text), context(f"Reference: `{trace_id}`")])


# ---- the refresh -------------------------------------------------------------------------------
def begin(services, user_id: str) -> tuple[SlackMessage, bool]:
    """(what to tell the requester now, whether a refresh was started and must be run)."""
    if not is_team(services.settings, user_id):
        log.info("index refresh refused", extra={"user_id": user_id})
        return refused(), False
    running = services.refresher.start(user_id)
    if running is not None:
        return already_running(running.by, running.since), False
    log.info("index refresh started", extra={"user_id": user_id})
    return started(), True


def run_refresh(services, deliver: Callable[[SlackMessage], None]) -> None:
    """In the background: run the refresh (slot already taken) and deliver its result."""
    with question_context(trace_id=new_trace_id(), source="slack") as bound:
        try:
            report = services.refresher.run()
            message = refresh_result(report)
        except IndexBusy:
            message = busy_elsewhere()
        except Exception as error:
            log.exception("index refresh failed")
            message = refresh_failed(error, bound.trace_id)
        deliver(message)


# ---- App Home ----------------------------------------------------------------------------------
def home_blocks(services, embed=None, now: float | None = None) -> list[dict]:
    """The team's part of the App Home: the refresh button and the last 30 days' report."""
    from bot.analytics.report import build_report

    now = time.time() if now is None else now
    blocks: list[dict] = [
        {"type": "divider"},
        {"type": "header", "text": {"type": "plain_text", "text": "Privacy team"}},
        {"type": "actions", "block_id": "privacy_team", "elements": [
            {"type": "button", "action_id": ACTION_REFRESH, "style": "primary",
             "text": {"type": "plain_text", "text": "Refresh index"}, "value": "refresh"}]},
    ]
    try:
        report = build_report(services.store.db, since=now - HOME_REPORT_DAYS * 86400, until=now, embed=embed)
    except Exception:
        log.exception("building the App Home report failed")
        return blocks + [context(":warning: The question report is unavailable right now.")]
    return blocks + report_blocks(report)


def report_blocks(report: dict) -> list[dict]:
    esc = report["escalations"]
    median = esc["median_hours_to_resolve"]
    lines = [
        f"*Last {HOME_REPORT_DAYS} days*: {report['questions']} questions, "
        f"{report['covered_share']:.0%} covered ({report['covered']})",
        "*Top cited sections*: " + (", ".join(f"{escape(s['section'])} ({s['questions']})"
                                              for s in report["top_sections"][:5]) or "none"),
        f"*Escalations*: {esc['total']}"
        + (" — " + ", ".join(f"{escape(k)} {v}" for k, v in esc["by_reason"].items()) if esc["by_reason"] else "")
        + (" — " + ", ".join(f"{escape(k)} {v}" for k, v in esc["by_status"].items()) if esc["by_status"] else "")
        + (f"; median time to resolve {median} h" if median is not None else ""),
        data_request_line(report.get("data_requests") or {}),
        "*Feedback* 👍/👎: " + (", ".join(f"{escape(f['section'])} {f['helpful']}/{f['not_helpful']}"
                                          for f in report["feedback"][:5]) or "none yet"),
    ]
    gaps = report["coverage_gaps"][:5]
    gap_text = "*Coverage gaps* (not covered, by topic):\n" + ("\n".join(
        f"• {g['count']} × _{escape(g['topic'])}_ — e.g. “{escape(g['examples'][0][:150])}”" for g in gaps)
        or "none")
    return [section("\n".join(lines)), section(gap_text),
            context("Questions are stored with personal data removed. Full report: `privacy-bot report`.")]


def data_request_line(dsr: dict) -> str:
    if not dsr.get("total"):
        return "*Data requests*: none"
    share = dsr["closed_on_time_share"]
    return (f"*Data requests*: {dsr['total']}, {dsr['overdue_now']} overdue now"
            + (f"; closed on time {share:.0%}" if share is not None else "")
            + (f"; median {dsr['median_days_to_close']} days to close" if dsr["median_days_to_close"] is not None else ""))


def publish_result_dm(client: WebClient, user_id: str, message: SlackMessage) -> None:
    """Results of the App Home button go to the team member's DM with the app (a Home tab has no thread)."""
    client.chat_postMessage(channel=user_id, **message.as_kwargs())


def _hhmm(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%H:%M")
