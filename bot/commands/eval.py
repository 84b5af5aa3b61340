"""`privacy-bot eval [FILE]`: the golden questions against the live index; exit 1 if any fail."""

from __future__ import annotations

import json
from pathlib import Path


def register(commands) -> None:
    evaluate = commands.add_parser("eval", help="check the golden questions against the live index")
    evaluate.add_argument("file", nargs="?", type=Path,
                          help="golden questions (default: golden.yaml in the knowledge directory)")
    evaluate.add_argument("--json", action="store_true", help="one JSON object with every result and the totals")
    evaluate.set_defaults(handler=run)


def run(args, settings) -> int:
    from bot.assistant import Assistant
    from bot.evaluation import default_golden_path, evaluate, load_golden

    path = args.file or default_golden_path(settings)
    items = load_golden(path)  # before the model loads: a bad path fails at once
    report = evaluate(Assistant.from_settings(settings), items, source=str(path))
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        for result in report.results:
            mark = "PASS" if result.passed else "FAIL"
            line = f"{mark}  {result.question}"
            if not result.passed:
                line += f"\n      expected {result.expected}; got {result.got}"
            print(line)
        print(f"\n{report.totals()} ({path})")
    return 0 if report.passed else 1
