"""`privacy-bot index`: build or refresh the index, gated by the golden questions."""

from __future__ import annotations

import sys
from pathlib import Path


def register(commands) -> None:
    index = commands.add_parser("index", help="build or refresh the index from the knowledge directory")
    index.add_argument("--knowledge", type=Path, help="knowledge directory (default: KNOWLEDGE_DIR or ./knowledge)")
    index.add_argument("--full", action="store_true", help="re-embed everything instead of reusing unchanged text")
    index.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    index.add_argument("--golden", type=Path,
                       help="golden questions the new index must pass before it is published "
                            "(default: golden.yaml in the knowledge directory, when present)")
    index.add_argument("--force", action="store_true",
                       help="publish even when golden questions fail (recorded in the index as forced)")
    index.set_defaults(handler=run)


def run(args, settings) -> int:
    from bot.commands import load_embeddings_with_spinner, progress_bar
    from bot.errors import KnowledgeError
    from bot.refresh import refresh

    directory = args.knowledge or settings.knowledge_dir
    if not directory.is_dir():  # before the model loads
        raise KnowledgeError(f"knowledge directory {directory} does not exist (set KNOWLEDGE_DIR or pass --knowledge)")
    report = refresh(settings, knowledge_dir=args.knowledge, full=args.full, dry_run=args.dry_run,
                     golden=args.golden, force=args.force, progress=progress_bar("Embedding"),
                     embeddings=load_embeddings_with_spinner(settings))
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(report.summary())
    if report.gate is not None and not report.gate.passed:
        print(report.gate.failures_text(), file=sys.stderr if report.blocked else sys.stdout)
    if report.blocked:
        print("privacy-bot: not published: golden questions fail on the new index "
              "(fix the documents or golden.yaml, or publish anyway with --force)", file=sys.stderr)
        return 1
    return 0

