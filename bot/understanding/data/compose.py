"""Write the router corpus (corpus.jsonl) from families.yaml and the public question sets.

    python -m bot.understanding.data.compose [--policyqa PATH] [--privacyqa DIR]

Deterministic (seeded): the same inputs give the same corpus, byte for byte. Each line records
its `family` (the cross-validation group: siblings of one template or renderings of one hand-
written line), its `register` and its `batch`/`author`, so figures can be split by any of them.
Run once when families.yaml changes; the output is committed (training never reads ../shared).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import string
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SHARED = next((p for p in (HERE.parents[3] / "shared" / "datasets", Path("/work/shared/datasets")) if p.exists()),
              HERE.parents[3] / "shared" / "datasets")  # ../shared beside the repo (a worktree sits deeper)
AUTHOR = "router-helper"
BATCH = "w1-2026-11-27"

# A paragraph of context before the message, shared by every label so that "a long story"
# never predicts the label by itself.
CONTEXTS = [
    "I've been using Kimss at work for about two years and mostly like it.",
    "So, long story: our team moved to Kimss last spring after our old tool shut down. Things were fine until last week.",
    "I'm the office manager at a 40-person design studio and I look after our Kimss workspace.",
    "My manager asked me to sort something out with you before the end of the month.",
    "I used to work at a company that used Kimss, but I left in March and now I'm tidying up my digital life.",
    "We had a big internal review of all our vendors this quarter and Kimss came up.",
    "I just read an article about AI companies and privacy, and honestly it made me a bit nervous.",
    "Writing on behalf of myself, not my employer. I've been a customer since the beta.",
    "Context: I'm a freelancer and I connected Kimss to a couple of client projects last year.",
    "Sorry for the long message. I tried the help center first and couldn't find what I needed.",
    "Hi, hope you're well. I run IT for a small law firm and we rely on your agents for drafting.",
    "My daughter set up the account for me, I'm not very technical.",
]
BRIDGES = [" Anyway, ", " So ", " Here's the thing: ", "\n\n", " Long story short: ", " Which brings me to this: "]
CASUAL_PRE = ["hey", "hi", "yo", "hiya", "ok so", "quick one:", "hello!", "hey team", "heyy", "sorry to bother,"]
CASUAL_POST = ["thx", "pls", "thanks!", "🙏", "asap", ":)", "ty", "cheers", "!!", ""]
NAMES = ["Maria Schmidt", "J. Okafor", "Priya Raman", "Tomás García", "Anna Kowalska", "Lee Min-jun", "Sam Taylor", "Fatima Haddad"]
SALUTATIONS = ["Dear Kimss AI Privacy Team,", "Dear Sir or Madam,", "To the Data Protection Officer of Kimss AI,", "Dear Kimss team,"]
CLOSINGS = ["Yours faithfully,", "Kind regards,", "Sincerely,", "Best regards,"]
ABBREVIATIONS = {"you": "u", "your": "ur", "please": "pls", "thanks": "thx", "because": "bc", "are": "r", "with": "w/"}
NON_NATIVE = [("my data", "my datas"), ("information", "informations"), ("I want", "I am wanting"), ("I would like", "I would like to ask"),
              ("please ", "please to "), ("the ", ""), ("can you", "you can"), ("I'd like", "I like")]
REGISTERS = ["plain", "casual", "typo", "non_native", "story", "formal"]
WEIGHTS = {"plain": 3, "casual": 2, "typo": 3, "non_native": 2, "story": 2, "formal": 1}
NO_LETTERS = {"off_topic", "instruction"}  # nobody writes a formal letter to ask the weather


def typos(text: str, rng: random.Random) -> str:
    words = [ABBREVIATIONS.get(w, w) if rng.random() < 0.5 else w for w in text.lower().split()]
    text = " ".join(words)
    text = text.translate(str.maketrans("", "", ".,;'" if rng.random() < 0.7 else ""))
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        letters = [i for i, c in enumerate(chars) if c in string.ascii_lowercase]
        if len(letters) < 6:
            break
        i = rng.choice(letters[1:-1])
        op = rng.random()
        if op < 0.4 and i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif op < 0.7:
            del chars[i]
        else:
            chars.insert(i, chars[i])
    return "".join(chars)


def render(text: str, register: str, label: str, rng: random.Random) -> str:
    if register == "casual":
        body = text[0].lower() + text[1:] if rng.random() < 0.6 else text
        return f"{rng.choice(CASUAL_PRE)} {body} {rng.choice(CASUAL_POST)}".strip()
    if register == "typo":
        return typos(text, rng)
    if register == "non_native":
        for old, new in rng.sample(NON_NATIVE, 3):
            text = text.replace(old, new)
        return rng.choice(["Hello, ", "Good day. ", "", "Dear, "]) + text + rng.choice([" Thank you in advance.", " Thanks.", "", " Regards."])
    if register == "story":
        body = text[0].lower() + text[1:] if text[:2] != "I " else text
        return rng.choice(CONTEXTS) + rng.choice(BRIDGES) + body
    if register == "formal":
        return f"{rng.choice(SALUTATIONS)}\n\n{text}\n\n{rng.choice(CLOSINGS)}\n{rng.choice(NAMES)}"
    return text


def fill(template: str, slots: dict, rng: random.Random) -> str:
    text = re.sub(r"\{(\w+)\}", lambda m: rng.choice(slots[m.group(1)]), template)
    text = re.sub(r"\s+", " ", text).strip()
    return text[0].upper() + text[1:]


def registers_for(label: str, rng: random.Random, k: int) -> list[str]:
    choices = [r for r in REGISTERS if not (r == "formal" and label in NO_LETTERS)]
    return list(dict.fromkeys(rng.choices(choices, weights=[WEIGHTS[r] for r in choices], k=k)))


def compose_families(spec: dict, seed: int = 10) -> list[dict]:
    rng = random.Random(seed)
    shared_slots = spec["slots"]
    rows: list[dict] = []
    for fam in spec["families"]:
        label, name = fam["label"], fam["family"]
        slots = {**shared_slots, **fam.get("slots", {})}
        templates = fam.get("templates", [])
        single_slot = len(templates) == 1 and re.fullmatch(r"\{\w+\}", templates[0])
        if "lines" in fam or single_slot:
            # Hand-written lines: each is its own writing, so its own group; rendered plainly and in 1-2 registers.
            lines = fam.get("lines") or slots[templates[0][1:-1]]
            for i, line in enumerate(lines):
                for register in ["plain"] + registers_for(label, rng, 2):
                    rows.append(row(render(line, register, label, rng), labelled(label, line), f"{name}#{i}", register))
            continue
        bases: list[tuple[int, str]] = []
        seen: set[str] = set()
        for _ in range(fam["n"] * 20):
            if len(bases) >= fam["n"]:
                break
            t = rng.randrange(len(templates))
            text = fill(templates[t], slots, rng)
            if text not in seen:
                seen.add(text)
                bases.append((t, text))
        for t, text in bases:  # siblings of one template share a group: they are paraphrases of each other
            for register in registers_for(label, rng, 1 if rng.random() < 0.6 else 2):
                rows.append(row(render(text, register, label, rng), labelled(label, text), f"{name}/{t}", register))
    return rows


# What a process question is about (the hand-off it is offered), read from the words of the act it names.
ABOUT_SECURITY = re.compile(r"secur|vulnerab|phish|breach|hack|bug bounty|api key leak|leaks", re.I)
ABOUT_PERSON = re.compile(r"talk to|complain|a person|a human|escalat|reach|someone on the privacy team|contact support|"
                          r"data protection officer|get in touch|privacy question", re.I)


def process_about(text: str) -> str:
    if ABOUT_SECURITY.search(text):
        return "security"
    if ABOUT_PERSON.search(text):
        return "user_request"
    return "data_request"


def labelled(label: str, base: str) -> str:
    """A process question's label with what it is about, read from the line before any typos are added."""
    return f"process_question:{process_about(base)}" if label == "process_question" else label


def row(text: str, label: str, family: str, register: str, batch: str = BATCH, author: str = AUTHOR) -> dict:
    top, _, kind = label.partition(":")
    return {"text": text, "label": top, "kind": kind or None, "family": family, "register": register,
            "batch": batch, "author": author}


def public_questions(policyqa: Path, privacyqa: Path, per_set: int, seed: int = 10) -> list[dict]:
    """PolicyQA dev and PrivacyQA questions as extra `question` lines, grouped by policy (website or app)."""
    rng = random.Random(seed)
    rows = []
    seen = set()
    data = json.loads(policyqa.read_text())
    policy_rows = []
    for site in data["data"]:
        for paragraph in site["paragraphs"]:
            for qa in paragraph["qas"]:
                # Access/choice questions ("if I want to opt out, can you give instructions?") are left
                # out for the same reason as below: they sit between question and process_question.
                if qa["type"].startswith(("User Choice/Control", "User Access, Edit and Deletion")):
                    continue
                if qa["question"] not in seen:
                    seen.add(qa["question"])
                    policy_rows.append(row(qa["question"], "question", f"policyqa:{site['title']}", "public_policyqa",
                                           batch="policyqa-dev", author="PolicyQA (Ahmad et al. 2020, MIT)"))
    rows += rng.sample(policy_rows, min(per_set, len(policy_rows)))
    app_rows = []
    for name in ("train_opp_annotations.csv", "test_opp_annotations.csv"):
        with open(privacyqa / name, newline="", encoding="utf-8") as handle:
            for item in csv.DictReader(handle, delimiter="\t"):
                flags = {k: item[k] == "1" for k in ("first", "third", "datasecurity", "dataretention", "user_access",
                                                      "user_choice", "other")}
                # Left out: questions on no privacy practice ("do i need to pay") and on access/choice,
                # which in first person ("can i delete my data") sit between question and process_question.
                if not any(flags.values()) or flags["user_access"] or flags["user_choice"]:
                    continue
                query = " ".join(item["Query"].split())
                if query and query not in seen:
                    seen.add(query)
                    app_rows.append(row(query, "question", f"privacyqa:{item['DocID']}", "public_privacyqa",
                                        batch="privacyqa", author="PrivacyQA (Ravichander et al. 2019, MIT)"))
    rows += rng.sample(app_rows, min(per_set, len(app_rows)))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policyqa", type=Path, default=SHARED / "policyqa" / "dev.json")
    parser.add_argument("--privacyqa", type=Path, default=SHARED / "privacyqa" / "meta-annotations")
    parser.add_argument("--per-set", type=int, default=450)
    parser.add_argument("--out", type=Path, default=HERE / "corpus.jsonl")
    args = parser.parse_args(argv)
    rows = compose_families(yaml.safe_load((HERE / "families.yaml").read_text(encoding="utf-8")))
    rows += public_questions(args.policyqa, args.privacyqa, args.per_set)
    unique, seen = [], set()
    for r in rows:
        if r["text"].lower() not in seen:
            seen.add(r["text"].lower())
            unique.append(r)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in unique), encoding="utf-8")
    print(f"{len(unique)} lines -> {args.out}")


if __name__ == "__main__":
    main()
