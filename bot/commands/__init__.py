"""Subcommands of `privacy-bot`, one module each, every one exposing `register(subparsers)`.

Commands are thin: they parse arguments, call the core and print. Exit codes: 0 ok, 1 error,
2 bad input or usage (USAGE_EXIT).
"""

from __future__ import annotations

import sys

USAGE_EXIT = 2


def assistant_with_index(settings):
    """The Assistant, building the index first when none exists (a fresh checkout just works)."""
    from bot.assistant import Assistant
    from indexer.embedding import load_embeddings
    from indexer.store import VectorStore

    embeddings = load_embeddings(settings.embedding_model)
    if VectorStore.from_settings(settings).active() is None:
        print("No index yet: building it from the knowledge directory first…", file=sys.stderr)
        from indexer.build import build_index

        print(build_index(settings, embeddings=embeddings).summary(), file=sys.stderr)
    return Assistant.from_settings(settings, embeddings=embeddings)
