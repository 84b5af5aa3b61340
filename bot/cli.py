"""`privacy-bot`: thin commands over the core. Exit codes: 0 ok, 1 error, 2 bad input or usage."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from bot.errors import InputRejected, PrivacyBotError

USAGE_EXIT = 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return USAGE_EXIT
    try:
        from bot.settings import Settings

        settings = Settings.load()
        logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        return args.handler(args, settings)
    except PrivacyBotError as error:
        print(f"privacy-bot: {error}", file=sys.stderr)
        return USAGE_EXIT if isinstance(error, InputRejected) else 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="privacy-bot", description="Kimss Privacy Assistant")
    commands = parser.add_subparsers(dest="command")

    index = commands.add_parser("index", help="build or refresh the index from the knowledge directory")
    index.add_argument("--knowledge", type=Path, help="knowledge directory (default: KNOWLEDGE_DIR or ./knowledge)")
    index.add_argument("--full", action="store_true", help="re-embed everything instead of reusing unchanged text")
    index.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    index.set_defaults(handler=cmd_index)

    ask = commands.add_parser("ask", help="answer a question (or one per line from stdin)")
    ask.add_argument("question", nargs="*", help="the question; without it, questions are read from stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per question per line")
    ask.add_argument("--audience", choices=["employee", "customer"], default="employee")
    ask.set_defaults(handler=cmd_ask)

    serve = commands.add_parser("serve", help="run the service: Slack, /healthz and the API")
    serve.set_defaults(handler=cmd_serve)
    return parser


def cmd_index(args, settings) -> int:
    from indexer.build import build_index

    report = build_index(settings, knowledge_dir=args.knowledge, full=args.full, dry_run=args.dry_run,
                         progress=_progress_bar())
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(report.summary())
    return 0


def cmd_ask(args, settings) -> int:
    if args.question:
        questions = [" ".join(args.question)]
    elif sys.stdin.isatty():
        questions = []
    else:
        questions = [line.strip() for line in sys.stdin if line.strip()]
    if not any(q.strip() for q in questions):
        print('usage: privacy-bot ask [--json] [--audience employee|customer] "QUESTION"\n'
              "       (or pipe one question per line on stdin)", file=sys.stderr)
        return USAGE_EXIT

    from bot.render_text import render_answer

    assistant = _assistant_with_index(settings)

    status = 0
    for n, question in enumerate(questions):
        try:
            answer = assistant.ask(question, audience=args.audience)
        except InputRejected as rejected:
            status = USAGE_EXIT
            if args.json:
                print(json.dumps({"question": question[:200], "error": {"code": rejected.code, "message": str(rejected)}}))
            else:
                print(f"privacy-bot: {rejected}", file=sys.stderr)
            continue
        if args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(("\n" if n else "") + render_answer(answer, settings.support_url), flush=True)
    return status


def cmd_serve(args, settings) -> int:
    from bot.service import serve

    serve(settings, _assistant_with_index(settings))
    return 0


def _assistant_with_index(settings):
    """The Assistant, building the index first when none exists (a fresh checkout just works)."""
    from bot.assistant import Assistant
    from indexer.embedding import load_embeddings
    from indexer.store import VectorStore

    embeddings = load_embeddings(settings.embedding_model)
    if VectorStore.from_settings(settings).active() is None:
        print("No index yet: building it from the knowledge directory first…", file=sys.stderr)
        from indexer.build import build_index

        print(build_index(settings, embeddings=embeddings).summary(), file=sys.stderr)
    return Assistant.from_settings(settings, embeddings=embeddings)


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


if __name__ == "__main__":
    sys.exit(main())
