"""`privacy-bot serve`: one process serving HTTP (uvicorn) and, when configured, Socket Mode."""

from __future__ import annotations

import logging

import uvicorn

from bot.settings import Settings
from bot.web import create_asgi_app

__all__ = ["create_asgi_app", "serve"]


def serve(settings: Settings, assistant=None, *, print_urls: bool = False) -> None:
    """Run until SIGINT/SIGTERM; the lifespan then finishes accepted answers before exiting."""
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
                log_config=None)  # uvicorn logs through the JSON handler too
