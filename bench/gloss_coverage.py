"""How much of the training authors' messages in other languages the word-by-word gloss understands, per language.

    python bench/gloss_coverage.py [--ref lead16] [--unknown LANG] [--top 40]

Reads the training files only (router corpus bot/understanding/data/authors/*.jsonl, Kimss questions
bot/understanding/ranking/data/kimss_train*.yaml, conversations bot/data/followup_*.yaml); never tests/heldout.
Per language: lines detected in it, mean known share, lines understood (share ≥ GLOSS_MIN_SHARE). With --ref, the
same figures for the gloss, lexicons and detector of a git ref (its bot/ read from git) side by side, and how many
lines changed their detected language (English lines that stopped being English are the ones to watch).
--unknown LANG lists the words the gloss does not know in that language, commonest first, to find the kinds of gap.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def training_lines(root: Path) -> list[str]:
    return [text for _, text in authored_lines(root)]


def authored_lines(root: Path) -> list[tuple[str, str]]:
    """(author, line) of every training file; the author is named by the file ("kimss_train_author-b.yaml")."""
    lines: list[tuple[str, str]] = []
    for path in sorted((root / "bot/understanding/data/authors").glob("*.jsonl")):
        lines += [(path.stem, json.loads(row)["text"]) for row in path.read_text(encoding="utf-8").splitlines()
                  if row.strip()]
    for path in sorted((root / "bot/understanding/ranking/data").glob("kimss_train*.yaml")):
        author = path.stem.removeprefix("kimss_train").lstrip("_") or "kimss_train"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for items in data.values():
            lines += [(author, item["question"]) for item in items or ()
                      if isinstance(item, dict) and "question" in item]
    for path in sorted((root / "bot/data").glob("followup_*.yaml")):
        author = path.stem.removeprefix("followup_")
        for convo in yaml.safe_load(path.read_text(encoding="utf-8")) or ():
            if isinstance(convo, dict):
                lines += [(author, turn) for turn in convo.get("turns", ())]
    return lines


def readings(bot_root: Path, lines: list[str]) -> list[tuple[str | None, float, list[str]]]:
    """(language, known share, unknown words) per line, with the gloss and detector found under bot_root."""
    code = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(bot_root)!r})\n"
        "from bot.gloss import gloss, _TOKEN, lexicon, _word\n"
        "from bot.language import detect\n"
        "out = []\n"
        "for text in json.load(sys.stdin):\n"
        "    lang = detect(text)\n"
        "    if not lang:\n"
        "        out.append([None, 0.0, []]); continue\n"
        "    g = gloss(text, lang)\n"
        # Words the gloss leaves as written: a word is unknown when neither alone nor in an expression it is read.
        "    unknown = [w for w in _TOKEN.findall(text) if not w.isdigit() and not (len(w) >= 2 and w.isupper())\n"
        "               and w not in ('º', 'ª', 'V', 'X') and _word(lexicon(lang), lang, w.lower()) is None\n"
        "               and w in g.text_en]\n"
        "    out.append([lang, g.known_share, unknown])\n"
        "print(json.dumps(out))\n")
    done = subprocess.run([sys.executable, "-c", code], input=json.dumps(lines), capture_output=True, text=True,
                          check=True)
    return [tuple(r) for r in json.loads(done.stdout)]


def figures(rows, threshold: float) -> dict[str, tuple[int, float, int]]:
    by_lang: dict[str, list[float]] = {}
    for lang, share, _ in rows:
        if lang:
            by_lang.setdefault(lang, []).append(share)
    return {lang: (len(s), sum(s) / len(s), sum(x >= threshold for x in s)) for lang, s in sorted(by_lang.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", help="git ref whose bot/ is the 'before' (e.g. lead16)")
    parser.add_argument("--unknown", help="list the unknown words of this language")
    parser.add_argument("--top", type=int, default=60)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bot.gloss import GLOSS_MIN_SHARE

    authored = authored_lines(ROOT)
    lines = [text for _, text in authored]
    after = readings(ROOT, lines)
    before = None
    if args.ref:
        with tempfile.TemporaryDirectory() as tmp:
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.ref, "bot"], capture_output=True,
                                     check=True).stdout
            subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
            before = readings(Path(tmp), lines)
    print(f"{len(lines)} training lines; understood = known share ≥ {GLOSS_MIN_SHARE}")
    fa = figures(after, GLOSS_MIN_SHARE)
    fb = figures(before, GLOSS_MIN_SHARE) if before else {}
    print(f"{'lang':5s} {'lines':>11s} {'mean share':>15s} {'understood':>13s}")
    for lang in sorted(set(fa) | set(fb)):
        n, m, u = fa.get(lang, (0, 0.0, 0))
        if before:
            nb, mb, ub = fb.get(lang, (0, 0.0, 0))
            print(f"{lang:5s} {nb:4d} → {n:4d} {mb:6.3f} → {m:6.3f} {ub:4d} → {u:4d}")
        else:
            print(f"{lang:5s} {n:11d} {m:15.3f} {u:13d}")
    if before:
        nb = sum(v[0] for v in fb.values()); na = sum(v[0] for v in fa.values())
        ub = sum(v[2] for v in fb.values()); ua = sum(v[2] for v in fa.values())
        print(f"all   {nb:4d} → {na:4d} {'':15s} {ub:4d} → {ua:4d}")
        changed = Counter((b[0] or "en", a[0] or "en") for b, a in zip(before, after) if b[0] != a[0])
        print(f"lines whose detected language changed: {sum(changed.values())} {dict(changed)}")
        print(f"English lines now read as another language: {sum(v for (b, _), v in changed.items() if b == 'en')}")
        for line, b, a in zip(lines, before, after):
            if b[0] != a[0]:
                print(f"  {b[0] or 'en'} → {a[0] or 'en'}: {line}")
    if before:
        # Per author, the share of their lines in another language (detected before or after) that are understood:
        # the spread over authors says whether the gain is everyone's or a few authors'.
        authors = sorted({a for a, _ in authored})
        rows = []
        for author in authors:
            idx = [i for i, (a, _) in enumerate(authored) if a == author and (before[i][0] or after[i][0])]
            if len(idx) >= 5:
                ub = sum(bool(before[i][0]) and before[i][1] >= GLOSS_MIN_SHARE for i in idx) / len(idx)
                ua = sum(bool(after[i][0]) and after[i][1] >= GLOSS_MIN_SHARE for i in idx) / len(idx)
                rows.append((author, len(idx), ub, ua))
        b_, a_ = [r[2] for r in rows], [r[3] for r in rows]
        print(f"per author with ≥5 lines in another language ({len(rows)} authors), share understood: "
              f"{statistics.mean(b_):.3f} ± {statistics.pstdev(b_):.3f} → {statistics.mean(a_):.3f} ± "
              f"{statistics.pstdev(a_):.3f}; better {sum(a > b for _, _, b, a in rows)}, "
              f"worse {sum(a < b for _, _, b, a in rows)}")
        print("  " + ", ".join(f"{n} {b:.2f}→{a:.2f} ({k})" for n, k, b, a in rows))
    if args.unknown:
        counts = Counter(w.lower() for lang, _, unknown in after if lang == args.unknown for w in unknown)
        print(f"\nUnknown words in {args.unknown} ({sum(counts.values())} occurrences, {len(counts)} distinct):")
        print(", ".join(f"{w} {c}" for w, c in counts.most_common(args.top)))


if __name__ == "__main__":
    main()
