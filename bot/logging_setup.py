"""Structured logs with the trace id of the question being handled: JSON lines for machines,
readable lines on a terminal.

`configure_logging(level, log_format=...)` installs the formatter on the root logger (the CLI calls
it for every command, uvicorn included): JSON when stderr is not a terminal or LOG_FORMAT=json,
one readable line per record on a terminal or with LOG_FORMAT=text. `question_context(...)`
binds a trace id (and, for analytics, the answer id and the adapter) to everything logged while
one question is handled, in this thread or task only.

Question text never belongs in a log. As a second line of defence every message and every
exception text passes through the analytics redaction before it is written, so an email address
or card number that reached an error message is still not written out; identifiers (trace, answer,
event ids, Slack ts) are kept as they are, and uvicorn's access log carries the path without its
query string (bot/log_redaction.py).
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import sys
import time
import uuid
from dataclasses import dataclass, replace
from typing import Iterator

# LogRecord attributes that are not "extra" fields passed by the caller.
# uvicorn's color_message repeats the message with terminal colour codes.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName", "color_message"}


@dataclass(frozen=True)
class QuestionContext:
    trace_id: str | None = None
    answer_id: str | None = None  # the id an adapter gives the answer (Slack feedback buttons carry it)
    source: str | None = None  # slack | cli | api
    # Who asked, as identifiers ("slack:U…", "email:…", "customer:…"): analytics store them only as
    # keyed hashes (bot/analytics/events.py), so `privacy-bot subject` can find and erase the rows.
    subjects: tuple[str, ...] | None = None


_context: contextvars.ContextVar[QuestionContext] = contextvars.ContextVar("question_context",
                                                                          default=QuestionContext())


def new_trace_id() -> str:
    return uuid.uuid4().hex[:12]


def current_context() -> QuestionContext:
    return _context.get()


@contextlib.contextmanager
def question_context(*, trace_id: str | None = None, answer_id: str | None = None,
                     source: str | None = None, subjects: tuple[str, ...] | None = None) -> Iterator[QuestionContext]:
    """Bind ids to the question being handled; fields left None keep an outer binding."""
    outer = _context.get()
    bound = replace(outer, **{k: v for k, v in (("trace_id", trace_id or outer.trace_id or new_trace_id()),
                                                ("answer_id", answer_id), ("source", source),
                                                ("subjects", subjects)) if v is not None})
    token = _context.set(bound)
    try:
        yield bound
    finally:
        _context.reset(token)


class JsonFormatter(logging.Formatter):
    """{"time", "level", "logger", "message", "trace_id"?, ...extra fields, "exception"?}."""

    def format(self, record: logging.LogRecord) -> str:
        from bot.log_redaction import safe_exception, safe_field, safe_message

        data: dict[str, object] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": safe_message(record),
        }
        context = _context.get()
        if context.trace_id:
            data["trace_id"] = context.trace_id
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = safe_field(key, value)  # ids kept, text redacted
        if record.exc_info:
            data["exception"] = safe_exception(self.formatException(record.exc_info))
        return json.dumps(data, ensure_ascii=False)


class HumanFormatter(logging.Formatter):
    """One readable line for a person at a terminal: `15:07:53 INFO  logger: message  key=value [trace]`.

    The same redaction as the JSON lines; only the layout differs."""

    def format(self, record: logging.LogRecord) -> str:
        from bot.log_redaction import safe_exception, safe_field, safe_message

        line = (f"{time.strftime('%H:%M:%S', time.localtime(record.created))} {record.levelname:<5} "
                f"{record.name}: {safe_message(record)}")
        extras = [f"{key}={safe_field(key, value)}"  # ids kept, text redacted
                  for key, value in vars(record).items() if key not in _STANDARD and not key.startswith("_")]
        if extras:
            line += "  " + " ".join(extras)
        context = _context.get()
        if context.trace_id:
            line += f"  [trace {context.trace_id}]"
        if record.exc_info:
            line += "\n" + safe_exception(self.formatException(record.exc_info))
        return line


def wants_json(log_format: str, stream) -> bool:
    """LOG_FORMAT=auto: JSON for machines (pipes, files, CI, containers), readable lines on a terminal."""
    if log_format in ("json", "text"):
        return log_format == "json"
    isatty = getattr(stream, "isatty", None)
    return not (isatty and isatty())


class CurrentStderrHandler(logging.StreamHandler):
    """Writes each line to `sys.stderr` as it is when the line is logged, not as it was at start.

    A handler that keeps the stream it was given writes into a closed file once something has swapped
    stderr and closed the old one (a test runner's capture, a supervisor's redirect); background threads
    (the escalation outbox, the Slack runtime) then lose their lines with a "Logging error" trace.
    """

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:  # StreamHandler.__init__ assigns it; the current stderr always wins
        pass


def configure_logging(level: str = "INFO", stream=None, log_format: str = "auto") -> logging.Handler:
    """Log lines on stderr at `level` (LOG_LEVEL), JSON or readable (LOG_FORMAT); replaces earlier handlers."""
    handler = logging.StreamHandler(stream) if stream is not None else CurrentStderrHandler()
    handler.setFormatter(JsonFormatter() if wants_json(log_format, stream or sys.stderr) else HumanFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # uvicorn keeps its own handlers unless told otherwise: send its records through ours.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    from bot.log_redaction import install_filters

    install_filters()  # access log without query strings; no request bodies from slack_bolt
    return handler
