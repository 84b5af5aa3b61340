"""Subcommands of `privacy-bot`, one module each, every one exposing `register(subparsers)`.

Commands are thin: they parse arguments, call the core and print. Exit codes: 0 ok, 1 error,
2 bad input or usage (USAGE_EXIT).

Everything cheap is checked before the embedding model loads (settings, knowledge directory,
the index and the model it was built with), so a mistake is reported at once, not after a wait.
"""

from __future__ import annotations

import sys

USAGE_EXIT = 2


def assistant_with_index(settings):
    """The Assistant, building the index first when none exists (a fresh checkout just works)."""
    from bot.assistant import Assistant
    from bot.errors import KnowledgeError, ModelMismatch
    from indexer.embedding import model_id
    from indexer.store import VectorStore

    store = VectorStore.from_settings(settings)
    active = store.active()
    if active is None and not settings.knowledge_dir.is_dir():
        raise KnowledgeError(f"no index yet, and the knowledge directory {settings.knowledge_dir} does not exist "
                             "(set KNOWLEDGE_DIR, or run `privacy-bot index --knowledge DIR`)")
    if active is not None and active.model != model_id(settings.embedding_model):
        raise ModelMismatch(f"the index was built with {active.model} but EMBEDDING_MODEL is "
                            f"{model_id(settings.embedding_model)}; rebuild it with `privacy-bot index --full`")
    embeddings = load_embeddings_with_spinner(settings)
    if active is None:
        print("No index yet: building it from the knowledge directory first…", file=sys.stderr)
        from indexer.build import build_index

        print(build_index(settings, embeddings=embeddings, store=store,
                          progress=progress_bar("Embedding")).summary(), file=sys.stderr)
    return Assistant.from_settings(settings, embeddings=embeddings)


def load_embeddings_with_spinner(settings):
    """The embedding model; a spinner on a terminal when loading is the slow kind (torch, a first export)."""
    from bot.progress import spinner
    from indexer.embedding import load_embeddings, onnx_ready

    if onnx_ready(settings.embedding_model, settings.embedding_backend):
        return load_embeddings(settings.embedding_model, settings.embedding_backend)
    from indexer.embedding import resolve_backend

    first_export = resolve_backend(settings.embedding_model, settings.embedding_backend) == "onnx"
    text = ("Preparing the embedding model for ONNX Runtime (once per environment)…" if first_export
            else "Loading the embedding model…")
    with spinner(text):
        return load_embeddings(settings.embedding_model, settings.embedding_backend)


def progress_bar(description: str):
    """A tqdm bar on stderr when it is a terminal; None (silent) otherwise (CI logs, pipes)."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="record", desc=description, file=sys.stderr)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update
