"""`privacy-bot train-router`: train the request router on the corpus (+ the team's examples) and save it."""

from __future__ import annotations

import json
from pathlib import Path


def register(commands) -> None:
    train = commands.add_parser("train-router", help="train the request router (bot/understanding/) and save it")
    train.add_argument("--knowledge", type=Path,
                       help="knowledge directory whose router_examples.yaml is added (default: KNOWLEDGE_DIR)")
    train.add_argument("--shipped", action="store_true",
                       help="maintainers: train on the repo corpus only and overwrite the artifact shipped in bot/")
    train.add_argument("--output", type=Path, help="where to write the artifact (default: DATA_DIR/router/router.npz)")
    train.add_argument("--json", action="store_true", help="print the artifact's metadata as JSON")
    train.set_defaults(handler=run)


def run(args, settings) -> int:
    from bot.understanding.corpus import REQUEST_LABELS
    from bot.understanding.retrain import retrain
    from indexer.embedding import load_embeddings

    path, weights = retrain(settings, load_embeddings(settings.embedding_model), knowledge_dir=args.knowledge,
                            output=args.output, shipped=args.shipped)
    meta = weights.meta
    if args.json:
        print(json.dumps({"path": str(path), **meta}, ensure_ascii=False))
        return 0
    cv = meta["cv"]
    figures = cv["summary"]

    def figure(name: str) -> str:
        f = figures.get(name)
        return f"{f['mean']:.3f} ± {f['std']:.3f}" if f else "n/a"

    print(f"Router trained on {meta['examples']} examples (corpus {meta['corpus_sha256'][:12]}, "
          f"model {meta['embedding_model']}, code {meta['code_version']}) in {meta['seconds']} s -> {path}")
    escalates = (f"escalate when one request label reaches its own probability (" + ", ".join(
        f"{label} ≥ {at:.3f}" for label, at in zip(REQUEST_LABELS, weights.label_at)) + ")"
                 if weights.label_at else f"escalate at request probability ≥ {weights.escalate_at:.3f}")
    print(f"Operating point from out-of-fold costs: {escalates}, "
          f"offer at ≥ {weights.offer_at:.3f} or at process-question probability ≥ {weights.offer_process_at:.3f}; "
          f"a process question at ≥ {weights.process_ratio:.1f} × the request probability is offered, not escalated; "
          f"temperature {weights.temperature:.2f}")
    split = ("leave-one-author-out CV (" + ", ".join(cv["folds"]) + ")" if cv["split"] == "author"
             else f"{len(cv['folds'])}-fold CV grouped by family")
    print(f"{split}, mean ± spread: data_request escalated {figure('data_request.escalated')}, "
          f"security {figure('security.escalated')}, user_request {figure('user_request.escalated')}, "
          f"questions escalated {figure('question.escalated')}, process questions offered "
          f"{figure('process_question.offered')}")
    if "summed_rule" in cv:
        summed = cv["summed_rule"]["summary"]
        print("the summed-mass rule at the same point, same predictions (the baseline): questions escalated "
              + " / ".join(f"{summed[k]['mean']:.3f} ± {summed[k]['std']:.3f}" for k in
                           ("question.escalated", "data_request.escalated", "security.escalated",
                            "user_request.escalated", "process_question.offered") if k in summed)
              + " (questions / data / security / person / process offered)")
    return 0
