"""`privacy-bot index`: build or refresh the index."""

from __future__ import annotations

import sys
from pathlib import Path


def register(commands) -> None:
    index = commands.add_parser("index", help="build or refresh the index from the knowledge directory")
    index.add_argument("--knowledge", type=Path, help="knowledge directory (default: KNOWLEDGE_DIR or ./knowledge)")
    index.add_argument("--full", action="store_true", help="re-embed everything instead of reusing unchanged text")
    index.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    index.set_defaults(handler=run)


def run(args, settings) -> int:
    from indexer.build import build_index

    report = build_index(settings, knowledge_dir=args.knowledge, full=args.full, dry_run=args.dry_run,
                         progress=_progress_bar())
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(report.summary())
    return 0


def _progress_bar():
    """A tqdm bar on stderr when it is a terminal; silent otherwise (CI logs, pipes)."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="record", desc="Embedding", file=sys.stderr)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update
