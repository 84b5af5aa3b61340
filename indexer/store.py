"""The Chroma side of the index: client, versioned collections and the "active" pointer.

Each build writes a new collection; a one-record registry collection names the active one and
what it was built with (model, dimension, chunker version). Switching that record is the
publish step, so a reader sees either the old complete index or the new complete one.
The pointer lives in Chroma itself, so every process and replica sharing the store sees it.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import chromadb
import httpx
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError

from bot.errors import StoreUnavailable

ACTIVE_ID = "active"
# Chroma needs a vector on every record; the registry's one record never takes part in a search.
_REGISTRY_VECTOR = [1.0]
# Failures that mean "the Chroma server is not there", as opposed to bugs to surface.
STORE_DOWN = (httpx.TransportError, ConnectionError)


@dataclass
class IndexInfo:
    collection: str
    model: str
    dimension: int
    chunker_version: str
    built_at: float = field(default_factory=time.time)
    documents: dict[str, dict] = field(default_factory=dict)  # key -> {title, audience, updated, hash}
    records: int = 0
    forced: bool = False

    def to_metadata(self) -> dict:
        return {"info": json.dumps(asdict(self))}

    @classmethod
    def from_metadata(cls, metadata: dict) -> "IndexInfo":
        return cls(**json.loads(metadata["info"]))


class VectorStore:
    """One Chroma client (embedded or server) and the index's collections in it."""

    def __init__(self, *, data_dir: Path, index_name: str, host: str | None = None, port: int = 8000):
        self.index_name = index_name
        self.where = f"Chroma server at {host}:{port}" if host else f"embedded Chroma at {data_dir / 'chroma'}"
        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        try:
            if host:
                self.client = chromadb.HttpClient(host=host, port=port, settings=chroma_settings)
            else:
                (data_dir / "chroma").mkdir(parents=True, exist_ok=True)
                self.client = chromadb.PersistentClient(path=str(data_dir / "chroma"), settings=chroma_settings)
        except (ValueError, *STORE_DOWN) as error:
            raise StoreUnavailable(f"cannot reach the {self.where}: {error}") from None
        self._registry = None

    @classmethod
    def from_settings(cls, settings) -> "VectorStore":
        return cls(data_dir=settings.data_dir, index_name=settings.index_name,
                   host=settings.chroma_host, port=settings.chroma_port)

    @property
    def registry(self):
        if self._registry is None:
            self._registry = self._call(
                self.client.get_or_create_collection, f"{self.index_name}-registry", embedding_function=None
            )
        return self._registry

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except STORE_DOWN as error:
            raise StoreUnavailable(f"cannot reach the {self.where}: {error}") from None

    def active(self) -> IndexInfo | None:
        got = self._call(self.registry.get, ids=[ACTIVE_ID], include=["metadatas"])
        if not got["ids"]:
            return None
        return IndexInfo.from_metadata(got["metadatas"][0])

    def publish(self, info: IndexInfo) -> None:
        self._call(self.registry.upsert, ids=[ACTIVE_ID], embeddings=[_REGISTRY_VECTOR],
                   metadatas=[info.to_metadata()], documents=[info.collection])

    def new_collection_name(self) -> str:
        return f"{self.index_name}-{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(3)}"

    def vectorstore(self, name: str, embeddings):
        """A LangChain `Chroma` over one collection, cosine space."""
        from langchain_chroma import Chroma

        return self._call(
            Chroma, client=self.client, collection_name=name, embedding_function=embeddings,
            collection_configuration={"hnsw": {"space": "cosine"}},
        )

    def collection(self, name: str):
        return self._call(self.client.get_collection, name)

    def delete(self, name: str) -> None:
        try:
            self._call(self.client.delete_collection, name)
        except NotFoundError:
            pass

    def stale_collections(self, keep: set[str], older_than_s: float = 3600) -> list[str]:
        """Our collections that no pointer names: a crashed build's leftovers, once old enough."""
        prefix = f"{self.index_name}-"
        stale = []
        for collection in self._call(self.client.list_collections):
            name = collection if isinstance(collection, str) else collection.name
            if not name.startswith(prefix) or name in keep or name == f"{self.index_name}-registry":
                continue
            stamp = name[len(prefix):].split("-")[0]
            try:
                age = time.time() - time.mktime(time.strptime(stamp, "%Y%m%d%H%M%S"))
            except ValueError:
                continue
            if age > older_than_s:
                stale.append(name)
        return stale
