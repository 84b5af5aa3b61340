"""Keep the router trained for this setup: the repo corpus + the team's examples, and the model in use.

`ensure_router` is what `privacy-bot index` and the Slack refresh run before building the index:
it does nothing when an artifact matching (corpus, model, code) exists, and otherwise trains one
into DATA_DIR/router/router.npz (atomically; a running service picks it up within seconds).
`privacy-bot train-router` calls `retrain` to do it regardless.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.errors import RouterMismatch
from bot.understanding import artifact
from bot.understanding.corpus import corpus_hash, load_corpus, training_examples
from bot.understanding.features import CODE_VERSION

log = logging.getLogger(__name__)


def candidates(settings) -> list[Path]:
    return [artifact.trained_path(settings.data_dir), artifact.SHIPPED]


def current(settings, model_id: str) -> Path | None:
    """The artifact serving this setup, or None when the router must be (re)trained."""
    expected = artifact.Provenance(corpus_hash(settings.knowledge_dir), model_id, CODE_VERSION)
    try:
        return artifact.find_matching(expected, candidates(settings))[0]
    except RouterMismatch:
        return None


def retrain(settings, embeddings, *, knowledge_dir: Path | None = None, output: Path | None = None,
            shipped: bool = False) -> tuple[Path, artifact.RouterWeights]:
    """Train on the corpus (+ the team's examples unless `shipped`) and save; returns (path, weights)."""
    from bot.understanding.train import train

    knowledge = None if shipped else Path(knowledge_dir or settings.knowledge_dir)
    examples = load_corpus() if shipped else training_examples(knowledge)
    weights = train(examples, embeddings, knowledge_dir=knowledge, cache_dir=Path(settings.data_dir) / "router")
    path = output or (artifact.SHIPPED if shipped else artifact.trained_path(settings.data_dir))
    artifact.save(weights, path)
    log.info("request router trained", extra={"examples": len(examples), "path": str(path),
                                                "corpus": weights.meta["corpus_sha256"][:12]})
    return path, weights


def ensure_router(settings, embeddings) -> Path | None:
    """Retrain when no artifact matches; returns the new artifact's path, or None when nothing was needed."""
    if current(settings, embeddings.model_id) is not None:
        return None
    return retrain(settings, embeddings)[0]
