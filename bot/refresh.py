"""A refresh of the index as the privacy team runs it: incremental build, gated by the golden questions.

`refresh(settings, ...)` is what `privacy-bot index` and the Slack refresh (`/privacy reindex`,
the App Home button) both run, so they publish by the same rules. `Refresher` adds what a
long-running service needs: one refresh at a time in this process, with the second caller told
who started the running one (another process is kept out by the build lock: IndexBusy).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)


def refresh(settings, *, knowledge_dir: Path | None = None, full: bool = False, dry_run: bool = False,
            golden: Path | None = None, force: bool = False, embeddings=None, store=None, progress=None):
    """Build and publish unless the golden file (default: golden.yaml next to the documents) fails."""
    from bot.evaluation import default_golden_path, golden_gate
    from indexer.build import build_index
    from indexer.store import VectorStore

    if embeddings is None:
        from indexer.embedding import load_embeddings

        embeddings = load_embeddings(settings.embedding_model, settings.embedding_backend)
    store = store or VectorStore.from_settings(settings)
    router = None
    if not dry_run:
        # The router first (when the team's examples or the model changed), so the gate asks with it.
        from bot.understanding.retrain import ensure_router

        trained = ensure_router(settings, embeddings)
        router = f"retrained for this corpus and model -> {trained}" if trained else None
    path = golden or default_golden_path(settings, knowledge_dir)
    # An explicitly named golden file must exist; the default one is used when present.
    gate = golden_gate(settings, path, embeddings, store) if (golden or path.is_file()) and not dry_run else None
    report = build_index(settings, knowledge_dir=knowledge_dir, full=full, dry_run=dry_run, embeddings=embeddings,
                         store=store, progress=progress, gate=gate, force=force)
    report.router = router
    log.info("index refresh", extra={"published": report.published, "blocked": report.blocked,
                                     "forced": report.forced, "changed": report.changed,
                                     "embeddings_computed": report.embeddings_computed,
                                     "gate_failed": len(report.gate.failed) if report.gate is not None else None})
    return report


@dataclass(frozen=True)
class Running:
    by: str
    since: float


class Refresher:
    """One refresh at a time in this process; `start()` says whether the caller got the slot."""

    def __init__(self, settings, embeddings: Callable[[], object]):
        self.settings = settings
        self.embeddings = embeddings  # called when a refresh needs the model (shared with the assistant)
        self._lock = threading.Lock()
        self.running: Running | None = None

    def start(self, user_id: str) -> Running | None:
        """Take the slot: None when granted, else who holds it. Call `run()` then, which releases it."""
        with self._lock:
            if self.running is not None:
                return self.running
            self.running = Running(user_id, time.time())
            return None

    def run(self, *, force: bool = False):
        """The refresh itself (in a background thread); always releases the slot."""
        try:
            return refresh(self.settings, force=force, embeddings=self.embeddings())
        finally:
            with self._lock:
                self.running = None
