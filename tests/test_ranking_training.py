"""How the ranker and verifier are trained and validated: every author's questions, grouped folds."""

import re

import numpy as np

from bot.understanding.ranking.train import verifier_folds
from bot.understanding.ranking.training import author_of, kimss_items, kimss_training_files
from tests.conftest import KNOWLEDGE

HEADINGS = set(re.findall(r"^## (.+)$", (KNOWLEDGE / "privacy-policy.md").read_text(), re.M))


def test_every_authors_training_questions_are_read_and_name_real_sections():
    files = kimss_training_files()
    assert len(files) >= 3, "kimss_train.yaml and the other authors' kimss_train_<author>.yaml"
    items = kimss_items()
    authors = {author for _, _, _, author in items}
    assert {author_of(f) for f in files} | {"golden"} == authors
    for question, sections, answerable, author in items:
        assert question.strip(), author
        assert set(sections) <= HEADINGS, (author, question, sections)
        assert answerable == bool(sections), (author, question)
    for author in authors - {"golden"}:
        mine = [answerable for _, _, answerable, a in items if a == author]
        assert 0.25 < np.mean(mine) < 0.75, f"{author}: both answerable and not-covered questions"


def test_the_verifier_is_validated_leaving_each_author_and_each_policy_out():
    split = np.array([f"policy-{i % 12}" for i in range(120)] + ["kimss:a"] * 30 + ["kimss:b"] * 40
                     + ["kimss:c"] * 35 + ["kimss:golden"] * 10, dtype=object)
    folds = verifier_folds(split)
    assert sorted(np.concatenate(folds).tolist()) == list(range(len(split)))  # every row tested once
    for test in folds:
        tested = set(split[test])
        assert len({g for g in tested if g.startswith("kimss:")}) <= 1, "one author per fold"
        trained = set(split[np.setdiff1d(np.arange(len(split)), test)])
        assert not tested & trained, "no policy or author both trained and tested on in a fold"
