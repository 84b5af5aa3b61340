"""`privacy-bot ask`: answer questions from the arguments or stdin; `--json` is a stable contract."""

from __future__ import annotations

import json
import sys

from bot.commands import USAGE_EXIT, assistant_with_index
from bot.conversation import turn_of
from bot.errors import InputRejected


def register(commands) -> None:
    ask = commands.add_parser("ask", help="answer a question (or one per line from stdin)")
    ask.add_argument("question", nargs="*", help="the question; without it, questions are read from stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per question per line")
    ask.add_argument("--audience", choices=["employee", "customer"], default="employee")
    ask.add_argument("--conversation", metavar="ID", help="answer in this conversation's context (its last turns are "
                     "kept in the state database for CONVERSATION_TTL_MINUTES, like the API's); stdin lines are "
                     "then one conversation")
    ask.set_defaults(handler=run)


def run(args, settings) -> int:
    from_stdin = not args.question
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

    from bot.analytics import open_events
    from bot.analytics.recording import recording
    from bot.logging_setup import question_context
    from bot.render_text import render_answer

    if sys.stderr.isatty() and settings.log_format == "auto":
        import logging

        # A person at a terminal reads the answer; the per-question analytics line is for log collectors.
        logging.getLogger("bot.questions").setLevel(logging.WARNING)
    events = open_events(settings)
    assistant = recording(assistant_with_index(settings), events, source="cli")
    conversation = _conversation(args.conversation, settings)
    status = 0
    for n, question in enumerate(questions):
        try:
            with question_context(source="cli"):
                if conversation is None:
                    answer = assistant.ask(question, audience=args.audience)
                else:
                    store, key = conversation
                    turns = store.recent(key)
                    answer = assistant.ask(question, audience=args.audience, context=turns or None)
                    store.append(key, turn_of(answer))
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
            # Several questions from stdin: each is printed above its answer, so the output reads on its own.
            heading = f"Q: {question}\n\n" if from_stdin else ""
            if answer.answering:  # a follow-up: say which question was answered
                heading += f"Answering: {answer.answering}\n\n"
            print(("\n" if n else "") + heading + render_answer(answer, settings.support_url), flush=True)
    return status


def _conversation(conversation_id: str | None, settings):
    """(store, key) of the named conversation, or None: its turns live in the state database with the TTL."""
    if conversation_id is None:
        return None
    conversation_id = conversation_id.strip()
    if not conversation_id or len(conversation_id) > 200:
        raise InputRejected("--conversation takes an id of 1 to 200 characters", code="conversation")
    from bot.store.conversations import ConversationStore
    from bot.store.database import Database

    store = ConversationStore(Database(settings.state_db), settings.conversation_ttl_minutes * 60)
    store.purge()  # expired turns go before any is read
    return store, f"cli:{conversation_id}"
