"""The ASGI service: /slack/events, /healthz (and, later, the customers' API)."""

from bot.web.app import create_asgi_app

__all__ = ["create_asgi_app"]
