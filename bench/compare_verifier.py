"""The answerability verifier against the previous one: same out-of-fold rankings, same folds, same run.

    .venv/bin/python bench/compare_verifier.py ../shared/datasets/policyqa/dev.json [--cache FILE] [--oof FILE]
                                               [--baseline REV] [--verbose]

The ranker is trained inside each leave-policies-out fold (as `train.py` does); each question's verifier
row is then computed twice from the same out-of-fold ranking — with the current features
(bot/understanding/ranking/answerability.py) and with those of `--baseline` (the file at that git revision,
loaded from git; default: the last revision of features version 6) — and each verifier is fitted on the
same folds (PolicyQA by policy, Kimss leave-one-author-out), with its threshold keeping 0.96 of the answerable
Kimss questions out of fold and its own rules (the baseline's: a practice the document never names, a
period, place, contact detail or frequency the section lacks; the current: `coverage.ruled_out`).
Prints Kimss answerable kept / not covered recognised, overall and per author (mean ± sd over the authors,
golden lines left out of the spread), PolicyQA answerable kept; `--verbose` lists the Kimss questions the
current verifier gets wrong, by author. tests/heldout/ is never read. Prints; asserts nothing.

    .venv/bin/python bench/compare_verifier.py --fresh kimss_train_author-f.yaml [...] [--baseline REV]

A fresh-author check instead: training files of authors neither verifier was trained on (nor its features
written after), asked through the shipped ranker; the shipped verifier against the verifier *artifact* at
`--baseline` (trained on the same authors), each with its rules.
"""

from __future__ import annotations

import argparse
import importlib.util
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import coverage  # noqa: E402
from bot.understanding.ranking import answerability, train  # noqa: E402
from bot.understanding.ranking.training import fit_verifier, fold_group, folds, score  # noqa: E402

BASELINE_REVISION = "5409dd7"  # main before verifier features 7 (features 6, the five-author artifacts)
MODULE = "bot/understanding/ranking/answerability.py"


def out_of_fold_rankings(args) -> list[tuple]:
    """(question with the fold's adapted features, the fold's ranker) for every question, cached in --oof."""
    if args.oof and args.oof.exists():
        return pickle.loads(args.oof.read_bytes())
    questions = train.load_questions(args)
    pairs = []
    for training, test in folds(questions):
        adapter, params = train.fit([questions[i] for i in training], train.RANKER_KIND, train.ADAPTER_RANK)
        pairs += [(q, params) for q in train.adapted([questions[i] for i in test], adapter)]
    if args.oof:
        args.oof.write_bytes(pickle.dumps(pairs))
    return pairs


def module_at(revision: str):
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{revision}:{MODULE}"], capture_output=True, text=True,
                            check=True).stdout
    path = Path(tempfile.mkdtemp()) / "answerability_baseline.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("answerability_baseline", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


class _Hit:
    def __init__(self, features, value):
        self.features, self.score = features, value


def verifier_rows(module, pairs) -> list[tuple]:
    """(features, label, question) as training.verifier_rows builds them, with `module`'s features."""
    facts, rows = {}, []
    for q, params in pairs:
        scores = score(params, q.features)
        order = np.argsort(-scores, kind="stable")
        if id(q.policy) not in facts:
            facts[id(q.policy)] = ([module.text_facts(t) for t in q.policy.section_text],
                                   module.text_facts("\n".join(q.policy.section_text)))
        sections, document = facts[id(q.policy)]

        def row(order):
            best = order[0]
            second = _Hit(q.features[order[1]], float(scores[order[1]])) if len(order) > 1 else None
            return module.features(q.text, _Hit(q.features[best], float(scores[best])), second, sections[best],
                                   q.policy.section_tokens[best], q.policy.idf, document)

        rows.append((row(order), int(q.answerable), q))
        rest = order[~q.gold[order]] if q.group != "kimss" else order[:0]
        if len(rest):
            rows.append((row(rest), 0, q))
    return rows


def baseline_rules(module, x: np.ndarray) -> np.ndarray:
    names = module.VERIFIER_FEATURES
    ruled = x[:, names.index("practices_missing_in_document")] > 0
    for kind in ("period", "place", "contact", "frequency"):
        ruled |= x[:, names.index(f"{kind}_missing")] > 0
    return ruled


def evaluate(name: str, rows: list[tuple], rules, verbose: bool = False) -> None:
    x = np.vstack([r[0] for r in rows])
    y = np.array([r[1] for r in rows])
    questions = [r[2] for r in rows]
    groups = np.array([q.group for q in questions])
    split = np.array([fold_group(q) for q in questions])
    weight = np.where(groups == "kimss", train.VERIFIER_KIMSS_WEIGHT,
                      np.where(y == 1, 1.0, train.POLICYQA_NEGATIVE_WEIGHT))
    probability = np.zeros(len(y))
    for test in train.verifier_folds(split):
        training = np.setdiff1d(np.arange(len(y)), test)
        params = fit_verifier(x[training], y[training], weight[training])
        probability[test] = 1 / (1 + np.exp(-score(params, x[test])))
    threshold = train.verifier_threshold(y, groups, probability)
    covered = (probability >= threshold) & ~rules(x)
    kimss = groups == "kimss"
    print(f"\n{name}: Kimss answerable kept {np.mean(covered[kimss & (y == 1)]):.3f}, not covered recognised "
          f"{np.mean(~covered[kimss & (y == 0)]):.3f}; PolicyQA answerable kept {np.mean(covered[~kimss & (y == 1)]):.3f}")
    kept_by_author, recognised_by_author = [], []
    for author in sorted(set(split[kimss])):
        mask = split == author
        kept, recognised = np.mean(covered[mask & (y == 1)]), np.mean(~covered[mask & (y == 0)])
        print(f"  {author[len('kimss:'):]}: {int((mask & (y == 1)).sum())} answerable kept {kept:.3f}; "
              f"{int((mask & (y == 0)).sum())} not covered recognised {recognised:.3f}")
        if author != "kimss:golden":
            kept_by_author.append(kept)
            recognised_by_author.append(recognised)
    print(f"  over the authors (golden lines left out): kept {np.mean(kept_by_author):.3f} ± "
          f"{np.std(kept_by_author):.3f}, not covered recognised {np.mean(recognised_by_author):.3f} ± "
          f"{np.std(recognised_by_author):.3f}")
    if verbose:
        for label, title in ((0, "not covered, answered as covered"), (1, "answerable, said not covered")):
            print(f"  -- {title}")
            for i in np.flatnonzero(kimss & (y == label) & (covered == (label == 0))):
                print(f"     {split[i][len('kimss:'):]}: p={probability[i]:.2f} {questions[i].text}")


def fresh_authors(files: list[Path], revision: str) -> None:
    import json
    from dataclasses import replace

    from bot.understanding.ranking import model
    from bot.understanding.ranking.training import extract_kimss, with_adapter
    from indexer.embedding import load_embeddings

    questions = [q for q in extract_kimss(load_embeddings(None), files) if q.author != "golden"]
    ranker = model.ranker()
    stored = json.loads(model.RANKER_FILE.read_text())["adapter"]
    adapter = (np.asarray(stored["u"], dtype=np.float32), np.asarray(stored["v"], dtype=np.float32))
    params = {"mean": ranker.mean, "scale": ranker.scale, "weights": ranker.weights, "bias": ranker.bias}
    pairs = [(replace(q, features=with_adapter(q, adapter)), params) for q in questions]
    previous = module_at(revision)
    artifact = Path(tempfile.mkdtemp()) / "verifier.json"
    stored_path = model.VERIFIER_FILE.relative_to(ROOT)
    artifact.write_text(subprocess.run(["git", "-C", str(ROOT), "show", f"{revision}:{stored_path}"],
                                       capture_output=True, text=True, check=True).stdout)
    for name, module, verifier, rules in (
            (f"previous verifier ({revision})", previous,
             model.load(artifact, previous.VERIFIER_FEATURES, previous.VERIFIER_VERSION, None),
             lambda x: baseline_rules(previous, x)),
            ("shipped verifier", answerability, model.verifier(), coverage.ruled_out)):
        rows = verifier_rows(module, pairs)
        x, y = np.vstack([r[0] for r in rows]), np.array([r[1] for r in rows])
        authors = np.array([r[2].author for r in rows])
        covered = (verifier.score(x) >= verifier.threshold) & ~rules(x)
        print(f"\n{name}: answerable kept {np.mean(covered[y == 1]):.3f}, not covered recognised "
              f"{np.mean(~covered[y == 0]):.3f}")
        for author in sorted(set(authors)):
            kept, missed = covered[(authors == author) & (y == 1)], covered[(authors == author) & (y == 0)]
            print(f"  {author}: answerable kept {kept.mean():.3f} ({kept.sum()}/{len(kept)}); not covered "
                  f"recognised {1 - missed.mean():.3f} ({len(missed) - missed.sum()}/{len(missed)})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", type=Path, nargs="?", help="PolicyQA dev.json")
    parser.add_argument("--cache", type=Path, help="pickle of the extracted PolicyQA features (train.py's)")
    parser.add_argument("--oof", type=Path, help="pickle of the out-of-fold rankings, reused when present")
    parser.add_argument("--baseline", default=BASELINE_REVISION, help="git revision of the baseline's features")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--fresh", type=Path, nargs="+", help="training files of authors neither verifier saw")
    args = parser.parse_args(argv)
    if args.fresh:
        fresh_authors(args.fresh, args.baseline)
        return
    if args.dataset is None:
        parser.error("the PolicyQA dataset is needed (or --fresh FILES)")
    pairs = out_of_fold_rankings(args)
    previous = module_at(args.baseline)
    evaluate(f"previous verifier ({previous.VERIFIER_VERSION}, {args.baseline}), its rules",
             verifier_rows(previous, pairs), lambda x: baseline_rules(previous, x))
    evaluate(f"current verifier ({answerability.VERIFIER_VERSION}), coverage.ruled_out",
             verifier_rows(answerability, pairs), coverage.ruled_out, args.verbose)


if __name__ == "__main__":
    main()
