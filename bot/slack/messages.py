"""The bot's own short messages: usage, apologies, thank-yous and the App Home view.

Kept apart from `blocks.py` (which renders answers) so wording lives in one place.
"""

from __future__ import annotations

from bot.answer import human_date
from bot.settings import Settings
from bot.slack.blocks import SlackMessage, context, escape, link, section

EXAMPLE_QUESTIONS = (
    "What information does Kimss AI collect?",
    "How is usage data used?",
    "What security measures protect customer data?",
    "How do I make a data request?",
)


def support_hint(settings: Settings, audience: str = "employee") -> str:
    """Where a person can be reached: the support channel if configured, and the support URL.

    Customers (Slack Connect users, guests) are only ever pointed to the support URL: the
    support channel is internal."""
    places = []
    if settings.support_channel_id and audience == "employee":
        places.append(f"<#{settings.support_channel_id}>")
    places.append(link(settings.support_url, settings.support_url) if settings.support_url else "")
    return " or ".join(p for p in places if p)


def usage() -> SlackMessage:
    examples = "\n".join(f"• {escape(q)}" for q in EXAMPLE_QUESTIONS)
    how = (
        "*I answer questions about Kimss AI's privacy policy*, quoting the policy and citing its sections.\n"
        "• Mention me in a channel: `@Privacy Assistant how is my data protected?` (I answer in the thread)\n"
        "• Send me a direct message\n"
        "• `/privacy <question>`: only you see the answer"
    )
    return SlackMessage(
        text="Ask me about Kimss AI's privacy policy: mention me, DM me, or use /privacy <question>.",
        blocks=[section(how), section(f"*Try:*\n{examples}")],
    )


def apology(settings: Settings, trace_id: str, *, audience: str = "employee") -> SlackMessage:
    text = (
        "Sorry, something went wrong while I was looking that up. Please try again in a moment, "
        f"or reach the privacy team at {support_hint(settings, audience)}."
    )
    return SlackMessage(text=text, blocks=[section(text), context(f"Reference: `{escape(trace_id)}`")])


def unavailable(settings: Settings, trace_id: str, *, audience: str = "employee") -> SlackMessage:
    """The core reported that the policy index cannot be used (not built, store down…)."""
    text = (
        "Sorry, I can't read the privacy policy index right now, so I can't answer. "
        f"Please try again later, or reach the privacy team at {support_hint(settings, audience)}."
    )
    return SlackMessage(text=text, blocks=[section(text), context(f"Reference: `{escape(trace_id)}`")])


def rejected(reason: str) -> SlackMessage:
    """The core's own words for a question it refuses (too long…); they are fit to show."""
    text = escape(reason)
    return SlackMessage(text=text, blocks=[section(text)])


def working() -> SlackMessage:
    text = "Looking that up in the privacy policy…"
    return SlackMessage(text=text, blocks=[context(f":eyes: {text}")])


def thanks(vote: str) -> SlackMessage:
    text = "Thanks for the feedback." if vote == "helpful" else "Thanks, that helps us improve the answers."
    return SlackMessage(text=text, blocks=[context(text)])


def support_recorded(settings: Settings, *, first_time: bool) -> SlackMessage:
    lead = "I've passed this on to the privacy team." if first_time else "The privacy team already has this request."
    text = f"{lead} You can also reach them at {support_hint(settings)}."
    return SlackMessage(text=text, blocks=[section(text)])


def home_view(status: dict | None, settings: Settings, audience: str = "employee") -> dict:
    """App Home: what the assistant does, example questions, the policy date and index status."""
    if status is None:
        index_line = ":warning: The policy index status is unavailable right now."
    elif status.get("ok"):
        index_line = (
            f":white_check_mark: Index ready: {int(status.get('documents') or 0)} documents, "
            f"{int(status.get('chunks') or 0)} passages (model `{escape(str(status.get('model') or '?'))}`)."
        )
    else:
        index_line = ":warning: The policy index is not ready, so questions cannot be answered yet."
    policy_date = status.get("policy_date") if status else None
    date_line = f"Privacy policy last updated *{escape(human_date(policy_date))}*." if policy_date else ""
    return {
        "type": "home",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Kimss Privacy Assistant"}},
            *usage().blocks,
            {"type": "divider"},
            context(*(line for line in (date_line, index_line) if line)),
            context(f"Need a person? Reach the privacy team at {support_hint(settings, audience)}."),
        ],
    }
