"""Turn a retired held-out set (tests/heldout/<set>/) into training files of one more author.

    .venv/bin/python bench/retire_heldout.py SET_DIR AUTHOR [REPLACED_BY]

REPLACED_BY names the fresh blind sets written to replace it (default "v5 and v6", the first retirement).

A held-out set measures only while nobody has trained on it. Once it has been reported and a fresh
blind set has been written to replace it, its lines are worth more as training data from one more
independent writer (models are validated leave-one-author-out, and each new author has moved the
figures more than any model change). This writes, for AUTHOR:

    bot/understanding/data/authors/AUTHOR.jsonl               router lines (one family per line)
    bot/understanding/ranking/data/kimss_train_AUTHOR.yaml    answered / policy facts on a section, not covered
    bot/data/followup_AUTHOR.yaml                             conversations (their expectations kept)

Policy facts about the document itself (`sections: [Privacy Policy]`) are answered from document
metadata, not ranked, so they are left out of the ranker's file. Nothing is edited or relabelled.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
METADATA = "Privacy Policy"


def header(set_dir: Path, author: str, what: str, replaced_by: str) -> str:
    where = f"tests/heldout/{set_dir.name}/" if set_dir.name.startswith("v") else "tests/heldout/ (v1)"
    return (f"# {what} by {author}: the retired held-out set in {where}, written blind in its own pass\n"
            f"# (its README is in git history, before the commit that retired it), turned into training data unchanged by\n"
            f"# bench/retire_heldout.py on {date.today().isoformat()}, after it had been reported and replaced by the blind sets {replaced_by}.\n")


def router(set_dir: Path, author: str) -> list[dict]:
    rows = []
    for n, line in enumerate((set_dir / "router.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        item = json.loads(line)
        rows.append({"text": item["text"], "label": item["label"], "kind": item["kind"], "family": f"{author}#{n}",
                     "register": item.get("register", "plain"), "batch": f"{author}-retired-2026-11-28", "author": author})
    return rows


def kimss(set_dir: Path) -> dict:
    answerable, not_covered = [], []
    for item in yaml.safe_load((set_dir / "kimss_questions.yaml").read_text(encoding="utf-8")):
        sections = [s for s in item.get("sections") or [] if s != METADATA]
        if item["expect"] in ("answered", "policy_fact"):
            if sections:
                answerable.append({"question": item["question"], "section": sections})
        else:
            not_covered.append({"question": item["question"], "related": list(item.get("related") or []),
                                "gap": item.get("gap", "")})
    return {"answerable": answerable, "not_covered": not_covered}


def main(set_dir: Path, author: str, replaced_by: str = "v5 and v6") -> None:
    rows = router(set_dir, author)
    out = ROOT / "bot/understanding/data/authors" / f"{author}.jsonl"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    data = kimss(set_dir)
    out = ROOT / "bot/understanding/ranking/data" / f"kimss_train_{author}.yaml"
    out.write_text(header(set_dir, author, "Kimss training questions", replaced_by) + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000),
                   encoding="utf-8")
    conversations = yaml.safe_load((set_dir / "conversations.yaml").read_text(encoding="utf-8"))
    out = ROOT / "bot/data" / f"followup_{author}.yaml"
    out.write_text(header(set_dir, author, "Conversations", replaced_by) + yaml.safe_dump(conversations, allow_unicode=True, sort_keys=False, width=1000),
                   encoding="utf-8")
    print(f"{author}: {len(rows)} router lines, {len(data['answerable'])} answerable + {len(data['not_covered'])} "
          f"not covered, {len(conversations)} conversations")


if __name__ == "__main__":
    main(Path(sys.argv[1]), *sys.argv[2:4])
