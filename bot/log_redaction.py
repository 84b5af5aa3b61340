"""What a log record may carry: redacted, bounded message text; ids left intact; URLs without queries.

The formatters in bot/logging_setup.py write records through these functions:

- `safe_message(record)`: the message, with every interpolated value redacted (bot/analytics/redact.py)
  except identifiers the template names (`trace_id=%s`, `answer_id=%s`, `ts=%s`, …) whose value is a
  plain token, so a log line still matches its analytics row. Messages are capped at
  MAX_MESSAGE_CHARS before redaction: a log line is not the place for a 64 KB payload.
- `safe_field(key, value)`: an `extra=` field; id fields keep their value, free text is redacted.
- `AccessLogFilter`: uvicorn's access log keeps the path only (no query string, where a client may
  have put a token) and at most MAX_PATH_CHARS of it.
- `RequestBodyFilter`: slack_bolt logs the whole body of a request that fails signature
  verification (a question, personal data, or 64 MB from anyone); the record keeps the event only.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

from bot.analytics.redact import redact_text

MAX_MESSAGE_CHARS = 4000
MAX_EXCEPTION_CHARS = 16000
MAX_PATH_CHARS = 200

# Field names that hold identifiers we (or Slack) issued, never free text.
_ID_NAME = re.compile(r"(?:.*_)?(?:id|ids|ts|reference|ref)", re.IGNORECASE)
# A plain token: what an id looks like. Anything with spaces, an @ or over 80 characters is text.
_ID_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,79}")
# printf-style conversions, as logging's %-formatting uses them.
_CONVERSION = re.compile(r"%(?:\((?P<key>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<type>[diouxXeEfFgGcrsa%])")
_NAME_BEFORE = re.compile(r"(\w+)=$")


def is_id_field(name: str | None, value: object) -> bool:
    return bool(name and _ID_NAME.fullmatch(name) and isinstance(value, str) and _ID_VALUE.fullmatch(value))


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


def safe_field(key: str, value: object) -> object:
    if isinstance(value, (int, float, bool, type(None))):
        return value
    if is_id_field(key, value):
        return value
    return redact_text(truncate(str(value), MAX_MESSAGE_CHARS))


def safe_message(record: logging.LogRecord) -> str:
    """The record's message with personal data removed and identifiers kept."""
    template = str(record.msg)
    args = record.args
    if not args:
        return redact_text(truncate(template, MAX_MESSAGE_CHARS))
    try:
        if isinstance(args, Mapping):
            cleaned = {k: _safe_arg(k, v) for k, v in args.items()}
            text = _redact_template(template) % cleaned
        else:
            names = _argument_names(template)
            values = args if isinstance(args, tuple) else (args,)
            cleaned_args = tuple(_safe_arg(names[i] if i < len(names) else None, v) for i, v in enumerate(values))
            text = _redact_template(template) % cleaned_args
    except (TypeError, ValueError, KeyError):
        # The template and its arguments disagree: redact the message as logging formats it.
        return redact_text(truncate(record.getMessage(), MAX_MESSAGE_CHARS))
    return truncate(text, MAX_MESSAGE_CHARS * 2)


def safe_exception(text: str) -> str:
    return redact_text(truncate(text, MAX_EXCEPTION_CHARS))


def _safe_arg(name: str | None, value: object) -> object:
    if isinstance(value, (int, float, bool, type(None))):
        return value  # numbers keep their type, so %d and %.1f still format
    if is_id_field(name, value):
        return value
    return redact_text(truncate(str(value), MAX_MESSAGE_CHARS))


def _argument_names(template: str) -> list[str | None]:
    """For each positional conversion, the `name=` written just before it (or None)."""
    names: list[str | None] = []
    for match in _CONVERSION.finditer(template):
        if match.group("type") == "%":
            continue
        before = _NAME_BEFORE.search(template[max(0, match.start() - 40):match.start()])
        names.append(before.group(1) if before else None)
    return names


def _redact_template(template: str) -> str:
    # The template is ours, but a caller may have built it with an f-string: redact it too, keeping
    # its conversions (redaction never produces a %, and [tags] contain none).
    return redact_text(truncate(template, MAX_MESSAGE_CHARS))


class AccessLogFilter(logging.Filter):
    """uvicorn.access records carry (client, method, full path, http version, status): keep the path only."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            args[2] = path_only(str(args[2]))
            record.args = tuple(args)
        return True


def path_only(full_path: str) -> str:
    path = full_path.split("?", 1)[0]
    return truncate(path, MAX_PATH_CHARS)


class RequestBodyFilter(logging.Filter):
    """Drops the body (and signature) slack_bolt writes when a request fails signature verification."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if message.startswith("Invalid request signature detected"):
            record.msg, record.args = "Invalid request signature detected (body not logged)", None
        return True


def install_filters() -> None:
    """On the loggers themselves, so every handler (ours, uvicorn's own, a test's) gets clean records."""
    for name, kind in (("uvicorn.access", AccessLogFilter), ("slack_bolt.RequestVerification", RequestBodyFilter)):
        logger = logging.getLogger(name)
        if not any(isinstance(f, kind) for f in logger.filters):
            logger.addFilter(kind())
