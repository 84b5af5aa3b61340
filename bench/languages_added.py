"""Turkish, Russian, Polish, Indonesian and romanised Hindi read through the gloss: the training authors' lines
before and after, same run, same index, shipped router, ranker and verifier.

    nice .venv/bin/python bench/languages_added.py [--data-from REV] [--before REV]

Before: bot/language.py and bot/gloss.py of `--before` (default: the commit before these languages), read from
git; after: this tree. Items: the router corpus lines (bot/understanding/data/authors/*.jsonl), the Kimss training
questions (bot/understanding/ranking/data/kimss_train_*.yaml) and the conversations (bot/data/followup_*.yaml)
whose text (a conversation: its last turn) the new detector puts in one of the added languages, or that
langid.py (when installed: an independent labeller, never used by the bot) labels Turkish, Russian, Polish or
Indonesian. `--data-from REV` reads those training files from another revision (authors not yet on this
branch); never tests/heldout. Reported:
- recognised: by the detector before and after, per language; the gloss's known share, understood (≥ 0.6);
- through `Assistant.ask`, per label: requests escalated (and with the right kind), questions answered (not
  handed to a person), process questions offered, off-topic declined — apart for the lines only langid puts in
  these languages (mostly short English it mislabels); the Kimss questions and conversations scored as
  bench/languages_end_to_end.py scores them;
- English lines (the detector found no language before): how many the detector now puts in a language,
  and lines it put in one of the first six languages that now get another.
The shipped router was trained on the authors on main when it was built: lines of later authors are out of
sample for it, the others in sample (their glossed reading was not: before, these lines were not glossed).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import types
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bot.assistant as assistant_module  # noqa: E402
from bench.languages_end_to_end import ask_conversation, ask_question  # noqa: E402
from bot.assistant import Assistant  # noqa: E402
from bot.gloss import GLOSS_MIN_SHARE, english_reading, gloss  # noqa: E402
from bot.language import detect  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.understanding.corpus import REQUEST_LABELS  # noqa: E402
from indexer.build import build_index  # noqa: E402
from indexer.embedding import load_embeddings  # noqa: E402

ADDED = ("tr", "ru", "pl", "id", "hi")
OLD_SIX = ("es", "pt", "fr", "de", "it", "nl")
BEFORE = "ab73531"  # main before the added languages
LANGID = {"tr": "tr", "ru": "ru", "pl": "pl", "id": "id", "ms": "id"}


def git(rev: str, *args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout


def git_show(rev: str, path: str) -> str:
    return git(rev, "show", f"{rev}:{path}")


def module_at(rev: str, path: str, name: str, **globals_) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__.update(globals_, __file__=str(ROOT / path))
    sys.modules[name] = module  # dataclasses look their module up
    exec(compile(git_show(rev, path), name, "exec"), module.__dict__)
    return module


def before_design(rev: str):
    """The detector and gloss of `rev`: its language.py breaks a tie with its own gloss."""
    old_gloss = module_at(rev, "bot/gloss.py", "gloss_before")
    old_language = module_at(rev, "bot/language.py", "language_before")

    def detect_before(text):
        saved = sys.modules["bot.gloss"]
        sys.modules["bot.gloss"] = old_gloss  # `from bot.gloss import gloss` inside detect, on a tie
        try:
            return old_language.detect(text)
        finally:
            sys.modules["bot.gloss"] = saved

    def reading_before(text):
        lang = detect_before(text)
        return old_gloss.gloss(text, lang) if lang else None
    return detect_before, reading_before


def files(rev: str | None, pattern_dir: str, suffix: str, prefix: str = "") -> list[tuple[str, str]]:
    """(name, text) of the training files `pattern_dir/prefix*suffix`, from the tree or from `rev`."""
    if rev is None:
        return [(p.name, p.read_text(encoding="utf-8"))
                for p in sorted((ROOT / pattern_dir).glob(f"{prefix}*{suffix}"))]
    names = git(rev, "ls-tree", "--name-only", rev, f"{pattern_dir}/").split()
    return [(Path(n).name, git_show(rev, n)) for n in sorted(names)
            if Path(n).name.startswith(prefix) and n.endswith(suffix)]


def labeller():
    try:
        import langid  # noqa: PLC0415 — optional, for measuring only
    except ImportError:
        return lambda text: None
    return lru_cache(maxsize=None)(lambda text: LANGID.get(langid.classify(text)[0]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-from", default=None, help="read the training files from this revision")
    parser.add_argument("--before", default=BEFORE)
    args = parser.parse_args()
    detect_before, reading_before = before_design(args.before)
    other = labeller()

    lines = []  # (author, text, label, kind)
    english_lines = []
    for name, text in files(args.data_from, "bot/understanding/data/authors", ".jsonl"):
        for row in map(json.loads, text.splitlines()):
            lines.append((name.removesuffix(".jsonl"), row["text"], row["label"], row.get("kind")))
    print(f"{len(lines)} router lines from {len({l[0] for l in lines})} authors"
          + (f" (files of {args.data_from})" if args.data_from else ""))

    def in_added(text):
        return detect(text) in ADDED or other(text) in ADDED

    picked = []
    changed_english, changed_six, english_count = [], [], 0
    for author, text, label, kind in lines:
        b, a = detect_before(text), detect(text)
        if in_added(text):
            picked.append((author, text, label, kind))
        if b is None and other(text) not in ADDED:
            english_count += 1
            if a is not None:
                changed_english.append(a)
        elif b in OLD_SIX and a != b:
            changed_six.append((b, a))
    print(f"\nEnglish lines (no language before, not labelled as an added language): {english_count}; "
          f"now put in a language: {len(changed_english)} {dict(Counter(changed_english))}")
    print(f"Lines in one of the first six languages before that now get another: {len(changed_six)} "
          f"{dict(Counter(changed_six))}")

    print(f"\nLines in the added languages: {len(picked)}")
    by_lang = defaultdict(list)
    for row in picked:
        by_lang[detect(row[1]) or f"unrecognised ({other(row[1])})"].append(row)
    for lang, rows in sorted(by_lang.items()):
        before = Counter(detect_before(r[1]) or "none" for r in rows)
        shares = [gloss(r[1], lang).known_share for r in rows] if lang in ADDED else []
        understood = sum(s >= GLOSS_MIN_SHARE for s in shares)
        print(f"  {lang}: {len(rows)} lines; before read as {dict(before)}"
              + (f"; known share median {np.median(shares):.2f}, mean {np.mean(shares):.2f}, understood "
                 f"{understood}/{len(rows)}" if shares else ""))
    shares_after = [english_reading(r[1]).known_share for r in picked if english_reading(r[1])]
    shares_before = [reading_before(r[1]).known_share for r in picked if reading_before(r[1])]
    print(f"  known share over the lines: before {np.mean(shares_before) if shares_before else 0:.2f} on "
          f"{len(shares_before)} glossed; after {np.mean(shares_after):.2f} on {len(shares_after)} glossed "
          f"({sum(s >= GLOSS_MIN_SHARE for s in shares_after)} understood)")

    embeddings = load_embeddings(None)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_mapping({"DATA_DIR": str(Path(tmp) / "data"), "KNOWLEDGE_DIR": str(ROOT / "knowledge")})
        build_index(settings, embeddings=embeddings)
        assistant = Assistant.from_settings(settings, embeddings=embeddings)
        questions, conversations = [], []
        for name, text in files(args.data_from, "bot/understanding/ranking/data", ".yaml", "kimss_train_"):
            data = yaml.safe_load(text) or {}
            for q in data.get("answerable") or []:
                if in_added(q["question"]):
                    sections = q["section"] if isinstance(q["section"], list) else [q["section"]]
                    questions.append((name, q["question"], sections, True))
            for q in data.get("not_covered") or []:
                t = q["question"] if isinstance(q, dict) else q
                if in_added(t):
                    questions.append((name, t, [], False))
        for name, text in files(args.data_from, "bot/data", ".yaml", "followup_"):
            if name == "followup_dev.yaml":
                continue
            for c in yaml.safe_load(text) or []:
                if in_added(c["turns"][-1]):
                    conversations.append((name, c))
        results = {}
        for design in ("before", "after"):
            saved = assistant_module.english_reading
            if design == "before":
                assistant_module.english_reading = reading_before
            try:
                tallies = defaultdict(Counter)
                for _author, text, label, kind in picked:
                    answer = assistant.ask(text, audience="employee")
                    # Lines langid alone puts in these languages are mostly short English it mislabels: apart.
                    lang = detect(text)
                    group = "" if lang in ADDED else "langid only: "
                    tally = tallies[group]
                    tally[f"{label} lines"] += 1
                    if lang in ADDED:  # the spread: the main figures per language
                        per = tallies[f"[{lang}] "]
                        kind_right = label in REQUEST_LABELS and answer.escalates and (
                            answer.escalation.reason, answer.escalation.kind) == (label, kind or answer.escalation.kind)
                        per.update({"requests": label in REQUEST_LABELS,
                                    "requests escalated": label in REQUEST_LABELS and answer.escalates,
                                    "requests with their kind": kind_right,
                                    "questions": label == "question",
                                    "questions answered": label == "question" and not answer.escalates,
                                    "process": label == "process_question",
                                    "process offered": label == "process_question" and not answer.escalates
                                    and bool(answer.offer)})
                    if label in REQUEST_LABELS:
                        tally["request lines"] += 1
                        tally["requests escalated"] += answer.escalates
                        tally["requests escalated with their reason"] += bool(
                            answer.escalates and answer.escalation.reason == label)
                        tally["requests escalated with their kind"] += bool(
                            answer.escalates and answer.escalation.reason == label
                            and (kind is None or answer.escalation.kind == kind))
                    elif label == "question":
                        tally["questions answered"] += not answer.escalates
                        tally["questions answered covered"] += bool(not answer.escalates and answer.covered)
                    elif label == "process_question":
                        tally["process offered"] += bool(not answer.escalates and answer.offer)
                        tally["process escalated"] += answer.escalates
                    else:
                        tally["off-topic/instructions not escalated"] += not answer.escalates
                for _author, text, sections, answerable in questions:
                    tally = tallies["" if detect(text) in ADDED else "langid only: "]
                    tally.update({f"kimss {k}": v for k, v in ask_question(assistant, text, sections, answerable).items()})
                for _author, c in conversations:
                    tally = tallies["" if detect(c["turns"][-1]) in ADDED else "langid only: "]
                    tally.update({f"conv {k}": v for k, v in ask_conversation(assistant, c).items()})
            finally:
                assistant_module.english_reading = saved
            results[design] = Counter({f"{group}{key}": n for group, t in tallies.items() for key, n in t.items()})
    print("\nThrough Assistant.ask (shipped models), before → after:")
    for key in sorted(set(results["before"]) | set(results["after"])):
        print(f"  {key:44s} {results['before'][key]:4d} → {results['after'][key]:4d}")


if __name__ == "__main__":
    main()
