"""The training authors' Kimss questions and conversations in other languages through `Assistant.ask`, before
and after the English gloss (bot/gloss.py), same run, same index, shipped ranker and verifier.

    nice .venv/bin/python bench/languages_end_to_end.py

Before: the design of commit c0678af (its request router and its language guard: a message its detector
saw in another language goes to a person unless the router escalates it). After: this tree (the gloss, the
router trained on glossed lines, the lower escalation point for them). Items: the questions of
bot/understanding/ranking/data/kimss_train_*.yaml and the conversations of bot/data/followup_*.yaml whose
question (last turn) is in another language by either detector. The ranker and verifier are the shipped
ones, so they have seen the English questions of these authors (in sample for style); the router is
in sample too (trained on every author). The leave-one-author-out router figures are bench/bench_languages.py's.
Scored as bench/kimss_end_to_end.py and bench/bench_conversations.py score. Never reads tests/heldout.
"""

from __future__ import annotations

import glob
import subprocess
import sys
import tempfile
import types
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bot.assistant as assistant_module  # noqa: E402
from bench.bench_conversations import is_right  # noqa: E402
from bot.assistant import Assistant  # noqa: E402
from bot.conversation import turn_of  # noqa: E402
from bot.gloss import Gloss, english_reading  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.understanding import artifact  # noqa: E402
from bot.understanding.router import Router  # noqa: E402
from indexer.build import build_index  # noqa: E402
from indexer.embedding import load_embeddings  # noqa: E402

BEFORE_COMMIT = "c0678af"


def git_show(path: str) -> bytes:
    return subprocess.run(["git", "-C", str(ROOT), "show", f"{BEFORE_COMMIT}:{path}"], capture_output=True,
                          check=True).stdout


class FixedRouter:
    """An artifact served as it is (the before design's router, trained under the previous code version)."""

    def __init__(self, router: Router):
        self.router = router

    def route(self, text, vector, glossed=False):
        return self.router.route(text, vector, glossed)


def before_design(assistant: Assistant, tmp: Path):
    source = git_show("bot/language.py").decode()
    old = types.ModuleType("language_before")
    exec(compile(source, "language_before.py", "exec"), old.__dict__)
    path = tmp / "router_before.npz"
    path.write_bytes(git_show("bot/understanding/router.npz"))
    router = FixedRouter(Router(artifact.load(path)))
    # The before design never glosses: a message its detector saw in another language is "not understood".
    reading = (lambda text: Gloss(text, 0.0, "es") if old.looks_foreign(text) else None)
    return old.looks_foreign, router, reading


def items(old_foreign):
    def foreign(text):
        return old_foreign(text) or english_reading(text) is not None
    questions, conversations = [], []
    for path in sorted(glob.glob(str(ROOT / "bot/understanding/ranking/data/kimss_train_*.yaml"))):
        author = Path(path).stem.replace("kimss_train_", "")
        data = yaml.safe_load(Path(path).read_text())
        for q in data.get("answerable") or []:
            if foreign(q["question"]):
                questions.append((author, q["question"], q["section"] if isinstance(q["section"], list) else [q["section"]], True))
        for q in data.get("not_covered") or []:
            text = q["question"] if isinstance(q, dict) else q
            if foreign(text):
                questions.append((author, text, [], False))
    for path in sorted(glob.glob(str(ROOT / "bot/data/followup_*.yaml"))):
        author = Path(path).stem.replace("followup_", "")
        if author == "dev":
            continue
        for c in yaml.safe_load(Path(path).read_text()):
            if foreign(c["turns"][-1]):
                conversations.append((author, c))
    return questions, conversations


def ask_question(a: Assistant, text: str, sections: list, answerable: bool) -> Counter:
    answer = a.ask(text, audience="employee")
    first = answer.citations[0].section if answer.citations else None
    out = Counter()
    out["escalated"] += answer.escalates
    if answerable:
        out["answerable"] += 1
        out["first citation right"] += bool(answer.covered and first in sections and not answer.escalates)
        out["kept (covered)"] += bool(answer.covered and not answer.escalates)
    else:
        out["not covered"] += 1
        out["not covered recognised"] += bool(not answer.covered and not answer.escalates)
    out["offer"] += answer.offer is not None
    return out


def ask_conversation(a: Assistant, c: dict) -> Counter:
    audience = c.get("audience", "employee")
    turns = []
    for text in c["turns"][:-1]:
        turns.append(turn_of(a.ask(text, audience=audience, context=turns)))
    answer = a.ask(c["turns"][-1], audience=audience, context=turns)
    right, _ = is_right(answer, c["expect"], c.get("type", "topic_change"))
    wanted = c["expect"].get("escalation")
    return Counter({"conversations": 1, "last turn right": right,
                    "request wanted, escalated": bool(wanted and answer.escalates),
                    "request wanted": bool(wanted), "no request, escalated": bool(not wanted and answer.escalates),
                    "no request": bool(not wanted)})


def main() -> None:
    embeddings = load_embeddings(None)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        settings = Settings.from_mapping({"DATA_DIR": str(tmp / "data"), "KNOWLEDGE_DIR": str(ROOT / "knowledge")})
        build_index(settings, embeddings=embeddings)
        after = Assistant.from_settings(settings, embeddings=embeddings)
        before = Assistant.from_settings(settings, embeddings=embeddings)
        old_foreign, before.router, before_reading = before_design(before, tmp)
        questions, conversations = items(old_foreign)
        print(f"{len(questions)} Kimss questions and {len(conversations)} conversations in another language "
              f"(by the old or the new detector)")
        results = {"before": defaultdict(Counter), "after": defaultdict(Counter)}
        for name, a in (("before", before), ("after", after)):
            saved = assistant_module.english_reading
            if name == "before":
                assistant_module.english_reading = before_reading
            try:
                for author, text, sections, answerable in questions:
                    results[name][author] += ask_question(a, text, sections, answerable)
                for author, c in conversations:
                    results[name][author] += ask_conversation(a, c)
            finally:
                assistant_module.english_reading = saved
        keys = ["answerable", "first citation right", "kept (covered)", "not covered", "not covered recognised",
                "escalated", "offer", "conversations", "last turn right", "request wanted",
                "request wanted, escalated", "no request", "no request, escalated"]
        totals = {n: sum(results[n].values(), Counter()) for n in results}
        for author in sorted(results["after"]):
            b, a = results["before"][author], results["after"][author]
            print(f"  {author}: " + "; ".join(f"{k} {b[k]}→{a[k]}" for k in keys if b[k] or a[k]))
        print("  all:")
        for k in keys:
            print(f"    {k:28s} {totals['before'][k]:4d} → {totals['after'][k]:4d}")


if __name__ == "__main__":
    main()
