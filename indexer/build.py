"""Build or refresh the index: incremental, content-hashed, published atomically.

Unchanged records keep their embeddings (looked up by content hash in the active collection);
only new or edited text is embedded. The result is written into a fresh collection and the
registry pointer is switched only once it is complete, then the old collection is dropped.
A model, dimension or chunker change forces a full rebuild, since old vectors are incomparable.
"""

from __future__ import annotations

import fcntl
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from bot.errors import IndexBusy, KnowledgeError
from indexer.chunks import CHUNKER_VERSION, Record, content_hash, document_records, section_hash
from indexer.documents import SUPPORTED_SUFFIXES, load_knowledge
from indexer.store import IndexInfo, VectorStore

WRITE_BATCH = 256
_PAGE = 2000


@dataclass
class BuildReport:
    documents: dict[str, list[str]] = field(default_factory=dict)  # added/changed/removed/unchanged -> keys
    sections: dict[str, int] = field(default_factory=dict)  # added/changed/removed/unchanged -> count
    embeddings_computed: int = 0
    records: int = 0
    seconds: float = 0.0
    published: bool = False
    dry_run: bool = False
    full_rebuild_reason: str | None = None
    collection: str | None = None
    warnings: list[str] = field(default_factory=list)
    gate: object | None = None  # the publish gate's result (e.g. bot.evaluation.EvalReport): .passed, .totals()
    blocked: bool = False  # the gate failed and the new index was not published
    forced: bool = False  # the gate failed and the index was published anyway (force=True)
    router: str | None = None  # set by bot/refresh.py when the request router was retrained first

    @property
    def changed(self) -> bool:
        return any(self.documents.get(k) for k in ("added", "changed", "removed")) or bool(self.full_rebuild_reason)

    def summary(self) -> str:
        docs = ", ".join(f"{len(self.documents.get(k, []))} {k}" for k in ("added", "changed", "removed", "unchanged"))
        secs = ", ".join(f"{self.sections.get(k, 0)} {k}" for k in ("added", "changed", "removed", "unchanged"))
        verb = "to compute" if self.dry_run else "computed"
        lines = [f"Documents: {docs}", f"Sections:  {secs}", f"Embeddings {verb}: {self.embeddings_computed}"]
        if self.full_rebuild_reason:
            lines.append(f"Full rebuild: {self.full_rebuild_reason}")
        if self.router:
            lines.append(f"Router: {self.router}")
        if self.gate is not None:
            lines.append(f"Gate: {self.gate.totals()}")
        if self.dry_run:
            lines.append("Dry run: nothing was written.")
        elif self.blocked:
            lines.append("Not published: the new index fails the gate; the active index is unchanged.")
        elif self.published and self.forced:
            lines.append(f"Published {self.records} records as {self.collection} despite the failing gate (forced).")
        elif self.published:
            lines.append(f"Published {self.records} records as {self.collection}.")
        else:
            lines.append("Index is up to date; nothing published.")
        lines.append(f"Took {self.seconds:.1f} s.")
        return "\n".join(lines)


def build_index(settings, *, knowledge_dir: Path | None = None, full: bool = False, dry_run: bool = False,
                embeddings=None, store: VectorStore | None = None,
                progress: Callable[[int, int], None] | None = None,
                gate: Callable[[IndexInfo], object] | None = None, force: bool = False) -> BuildReport:
    """Index `knowledge_dir` (default settings.knowledge_dir). `progress(done, total)` sees each batch.

    `gate(info)` sees the new collection after it is written and before the pointer moves; when its
    result has `passed == False` the collection is dropped and the active index stays (report.blocked),
    unless `force`, which publishes anyway and records `forced=True` in the IndexInfo.
    """
    started = time.perf_counter()
    directory = Path(knowledge_dir or settings.knowledge_dir)
    if not directory.is_dir():
        raise KnowledgeError(f"knowledge directory {directory} does not exist")
    loaded = load_knowledge(directory)
    if not loaded.documents:
        detail = f" ({'; '.join(loaded.warnings)})" if loaded.warnings else ""
        raise KnowledgeError(
            f"no documents to index in {directory}: add {', '.join(SUPPORTED_SUFFIXES)} files{detail}"
        )
    if embeddings is None:
        from indexer.embedding import load_embeddings

        embeddings = load_embeddings(settings.embedding_model, settings.embedding_backend)
    store = store or VectorStore.from_settings(settings)

    with _build_lock(Path(settings.data_dir), dry_run):
        report = BuildReport(warnings=loaded.warnings, dry_run=dry_run)
        records = _records_with_section_hashes(loaded.documents)
        active = store.active()
        report.full_rebuild_reason = _rebuild_reason(active, embeddings, full)
        old = _read_records(store, active.collection) if active and not report.full_rebuild_reason else {}
        _compare(report, active, loaded.documents, records, old)

        known = {m["content_hash"]: e for m, e in old.values()}
        to_embed = {r.content_hash for r in records} - set(known)
        report.records = len(records)
        if dry_run or not report.changed:
            report.embeddings_computed = 0 if not report.changed else len(to_embed)
            report.seconds = time.perf_counter() - started
            return report

        from indexer.embedding import ReusingEmbeddings

        name = store.new_collection_name()
        reusing = ReusingEmbeddings(embeddings, known, content_hash)
        vectorstore = store.vectorstore(name, reusing)
        try:
            for start in range(0, len(records), WRITE_BATCH):
                batch = records[start : start + WRITE_BATCH]
                vectorstore.add_texts([r.text for r in batch], [r.metadata for r in batch], ids=[r.id for r in batch])
                if progress:
                    progress(min(start + WRITE_BATCH, len(records)), len(records))
            info = IndexInfo(
                collection=name, model=embeddings.model_id, dimension=embeddings.dimension,
                chunker_version=CHUNKER_VERSION, records=len(records),
                documents={d.key: {"title": d.title, "audience": d.audience, "updated": d.updated,
                                   "hash": d.content_hash} for d in loaded.documents},
            )
            report.gate = gate(info) if gate else None
            if report.gate is not None and not report.gate.passed:
                if not force:
                    store.delete(name)
                    report.blocked = True
                    report.embeddings_computed = reusing.computed
                    report.seconds = time.perf_counter() - started
                    return report
                info.forced = report.forced = True
            store.publish(info)
        except BaseException:
            store.delete(name)  # never leave a half-built collection behind
            raise
        if active:
            store.delete(active.collection)
        for stale in store.stale_collections(keep={name}):
            store.delete(stale)
        report.embeddings_computed = reusing.computed
        report.published, report.collection = True, name
        report.seconds = time.perf_counter() - started
        return report


def _records_with_section_hashes(documents) -> list[Record]:
    records: list[Record] = []
    for document in documents:
        by_section: dict[str, list[Record]] = {}
        for record in document_records(document):
            by_section.setdefault(record.metadata["section_id"], []).append(record)
        for section_records in by_section.values():
            digest = section_hash(section_records)
            for record in section_records:
                record.metadata["section_hash"] = digest
                records.append(record)
    return records


def _rebuild_reason(active: IndexInfo | None, embeddings, full: bool) -> str | None:
    if active is None:
        return "no index yet"
    if full:
        return "requested with --full"
    if active.model != embeddings.model_id:
        return f"embedding model changed ({active.model} -> {embeddings.model_id})"
    if active.dimension != embeddings.dimension:
        return f"embedding dimension changed ({active.dimension} -> {embeddings.dimension})"
    if active.chunker_version != CHUNKER_VERSION:
        return f"chunker changed (version {active.chunker_version} -> {CHUNKER_VERSION})"
    return None


def _read_records(store: VectorStore, name: str) -> dict[str, tuple[dict, list[float]]]:
    collection = store.collection(name)
    out: dict[str, tuple[dict, list[float]]] = {}
    offset = 0
    while True:
        page = collection.get(include=["metadatas", "embeddings"], limit=_PAGE, offset=offset)
        for rid, meta, vector in zip(page["ids"], page["metadatas"], page["embeddings"]):
            out[rid] = (meta, list(vector))
        if len(page["ids"]) < _PAGE:
            return out
        offset += _PAGE


def _compare(report: BuildReport, active: IndexInfo | None, documents, records: list[Record], old) -> None:
    old_docs = (active.documents if active else {})
    new_docs = {d.key: d.content_hash for d in documents}
    report.documents = {
        "added": sorted(k for k in new_docs if k not in old_docs),
        "changed": sorted(k for k in new_docs if k in old_docs and old_docs[k]["hash"] != new_docs[k]),
        "removed": sorted(k for k in old_docs if k not in new_docs),
        "unchanged": sorted(k for k in new_docs if k in old_docs and old_docs[k]["hash"] == new_docs[k]),
    }
    new_sections = {r.metadata["section_id"]: r.metadata["section_hash"] for r in records}
    # On a full rebuild `old` is empty: every section counts as added.
    old_sections = {m["section_id"]: m["section_hash"] for m, _ in old.values()}
    report.sections = {
        "added": sum(1 for s in new_sections if s not in old_sections),
        "changed": sum(1 for s, h in new_sections.items() if s in old_sections and old_sections[s] != h),
        "removed": sum(1 for s in old_sections if s not in new_sections),
        "unchanged": sum(1 for s, h in new_sections.items() if old_sections.get(s) == h),
    }


@contextmanager
def _build_lock(data_dir: Path, dry_run: bool):
    """One refresh at a time per DATA_DIR; a second one is told, not queued behind a hidden wait."""
    if dry_run:
        yield
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "index.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusy("another index refresh is running; try again when it has finished") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
