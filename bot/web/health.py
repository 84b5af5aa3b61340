"""/healthz: is the index usable, which model and policy date; 503 when it cannot answer."""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.slack.background import new_trace_id

log = logging.getLogger(__name__)


def healthz_endpoint(assistant, slack_mode: str):
    async def healthz(request: Request) -> JSONResponse:
        try:
            status = await run_in_threadpool(assistant.status)
        except Exception:
            log.exception("assistant.status() failed trace_id=%s", new_trace_id())
            status = {"ok": False}
        ok = bool(status.get("ok"))
        body = {
            "ok": ok,
            "model": status.get("model"),
            "documents": status.get("documents"),
            "chunks": status.get("chunks"),
            "policy_date": status.get("policy_date"),
            "index": status.get("index"),
            "slack": slack_mode,
        }
        return JSONResponse(body, status_code=200 if ok else 503)

    return healthz
