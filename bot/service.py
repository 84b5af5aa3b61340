"""`privacy-bot serve`: one process serving HTTP (uvicorn) and, when configured, Socket Mode."""

from __future__ import annotations

import logging

import uvicorn

from bot.settings import Settings
from bot.web import create_asgi_app

__all__ = ["create_asgi_app", "serve"]

SHUTDOWN_GRACE_S = 10


def serve(settings: Settings, assistant=None, *, print_urls: bool = False) -> None:
    """Run until SIGINT/SIGTERM; open requests get SHUTDOWN_GRACE_S, then the lifespan finishes accepted answers."""
    if not logging.getLogger().handlers:
        from bot.logging_setup import configure_logging

        configure_logging(settings.log_level, log_format=settings.log_format)
    if assistant is None:
        from bot.assistant import Assistant  # loads the embedding model: seconds, so only here

        assistant = Assistant.from_settings(settings)
    app = create_asgi_app(settings, assistant, print_urls=print_urls)
    if print_urls:  # its "Uvicorn running on http://0.0.0.0:3000" is replaced by the real URLs
        logging.getLogger("uvicorn.error").addFilter(
            lambda record: not str(record.msg).startswith("Uvicorn running on"))
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level.lower(), lifespan="on",
                log_config=None,  # uvicorn logs through the JSON handler too
                # TRUSTED_PROXIES is applied in the app (bot/web/app.py), not by uvicorn's own default.
                proxy_headers=False,
                # On SIGTERM/SIGINT: stop accepting, give open requests this long, then cancel them.
                # Without it one connection that never finishes its body kept the process alive forever.
                timeout_graceful_shutdown=SHUTDOWN_GRACE_S)
