"""`privacy-bot report [--since 30d] [--json | --csv]`: what people asked, what the policy did not cover."""

from __future__ import annotations

import json
import sys

from bot.commands import USAGE_EXIT


def register(commands) -> None:
    report = commands.add_parser("report", help="question analytics for the privacy team")
    report.add_argument("--since", default="30d", help="period: 30d, 12h, 2w or a date such as 2026-05-01 (default 30d)")
    form = report.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="one JSON object")
    form.add_argument("--csv", action="store_true", help="metric,key,value rows")
    report.set_defaults(handler=run)


def run(args, settings) -> int:
    from bot.analytics import open_events
    from bot.analytics.report import build_report, parse_since, render_csv, render_text

    try:
        since = parse_since(args.since)
    except ValueError as error:
        print(f"privacy-bot: {error}", file=sys.stderr)
        return USAGE_EXIT
    events = open_events(settings)  # applies retention first
    try:
        data = build_report(events.db, since=since, embed=_embedder(settings))
    finally:
        events.close()
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    elif args.csv:
        sys.stdout.write(render_csv(data))
    else:
        print(render_text(data))
    return 0


def _embedder(settings):
    """The project's embedding model, loaded only if there are coverage gaps to cluster."""
    model = None

    def embed(texts: list[str]):
        nonlocal model
        if model is None:
            from indexer.embedding import load_embeddings

            model = load_embeddings(settings.embedding_model, settings.embedding_backend)
        return model.embed_documents(texts)

    return embed
