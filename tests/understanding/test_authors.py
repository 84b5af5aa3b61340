"""The corpus's authors: author files are read, hashed, validated, and cross-validation keeps an author whole."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from bot.errors import KnowledgeError
from bot.understanding import corpus, validation
from bot.understanding.corpus import author_files, corpus_hash, load_corpus


def line(text, label="data_request", kind="deletion", family="del/1", author="author-x", **extra):
    return json.dumps({"text": text, "label": label, "kind": kind, "family": family, "register": "plain",
                       "batch": "test", "author": author, **extra})


@pytest.fixture()
def authors_dir(tmp_path):
    """The repo's author files plus two small ones written here."""
    folder = tmp_path / "authors"
    folder.mkdir()
    for file in author_files():
        (folder / file.name).write_bytes(file.read_bytes())
    (folder / "author-x.jsonl").write_text("\n".join([
        line("nuke everything you have on me", family="del/1"),
        line("pls nuke my stuff", family="del/1"),
        line("what do you keep about me?", label="question", kind=None, family="q/1"),
    ]) + "\n", encoding="utf-8")
    (folder / "author-y.jsonl").write_text("\n".join([
        line("someone logged in as me from another country", label="security", kind="account_compromise",
             family="ato/1", author="author-y"),
        line("how do I ask for a copy of my data?", label="process_question", kind="data_request",
             family="del/1", author="author-y"),  # same family name as author-x's: a different group
    ]) + "\n", encoding="utf-8")
    return folder


def test_author_files_are_read_after_the_corpus_with_their_author_and_own_groups(authors_dir):
    rows = load_corpus(authors_dir=authors_dir)
    base = load_corpus(authors_dir=authors_dir.parent / "none")
    assert rows[:len(base)] == base
    added = [r for r in rows if r.author in ("author-x", "author-y")]
    assert [(r.author, r.label, r.kind) for r in added] == [
        ("author-x", "data_request", "deletion"), ("author-x", "data_request", "deletion"),
        ("author-x", "question", None), ("author-y", "security", "account_compromise"),
        ("author-y", "process_question", "data_request")]
    # Two authors' "del/1" are different cross-validation groups.
    assert added[0].group == added[1].group != added[4].group


def test_the_corpus_hash_covers_every_author_file(authors_dir, tmp_path):
    empty = tmp_path / "no-authors"
    assert corpus_hash(None, authors_dir=empty) == __import__("hashlib").sha256(corpus.CORPUS_FILE.read_bytes()).hexdigest()
    before = corpus_hash(None, authors_dir=authors_dir)
    assert before != corpus_hash(None, authors_dir=empty)
    file = authors_dir / "author-x.jsonl"
    file.write_text(file.read_text().replace("pls nuke", "please nuke"), encoding="utf-8")
    assert corpus_hash(None, authors_dir=authors_dir) != before


@pytest.mark.parametrize("bad, message", [
    (line("delete me", author="someone-else"), "author 'someone-else' in the file of 'author-x'"),
    ("{not json", "author-x.jsonl line 1: not valid JSON"),
    (line("", family="x"), "non-empty"),
    (line("delete me", kind="shred"), "data_request needs a kind"),
    (line("delete me", family=""), "family"),
])
def test_a_broken_author_line_is_refused_naming_the_file_and_line(tmp_path, bad, message):
    folder = tmp_path / "authors"
    folder.mkdir()
    (folder / "author-x.jsonl").write_text(bad + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=message.replace("(", r"\(")):
        load_corpus(authors_dir=folder)


def test_author_folds_hold_each_author_out_whole_and_spread_public_questions_by_source(authors_dir, monkeypatch):
    monkeypatch.setattr(validation, "MIN_AUTHOR_LINES", 1)  # the two small test authors count as authors
    rows = load_corpus(authors_dir=authors_dir)
    folds = validation.author_folds(rows)
    authors = sorted({r.cv_author for r in rows if r.cv_author})
    assert folds.kind == "author" and folds.names == authors and len(authors) >= 3
    for n, name in enumerate(folds.names):
        test = {r.cv_author for r, f in zip(rows, folds.index) if f == n}
        train = {r.cv_author for r, f in zip(rows, folds.index) if f != n}
        assert name in test and name not in train  # never on both sides
        assert test - {None} == {name}
    # A public policy's questions (or a team line) travel together, and every fold tests some of them.
    by_group: dict[str, set] = {}
    for r, f in zip(rows, folds.index):
        if r.cv_author is None:
            by_group.setdefault(r.group, set()).add(int(f))
    assert all(len(f) == 1 for f in by_group.values())
    public = Counter(int(f) for r, f in zip(rows, folds.index) if r.cv_author is None)
    assert set(public) == set(range(len(authors)))
    # Spread evenly as whole groups allow: a fold holding more than twice the smallest fold's share is one
    # group too big to split (with fifteen authors, one public policy's 104 questions outweigh a fold's share).
    groups_in_fold = Counter(next(iter(fs)) for fs in by_group.values())
    for fold, lines in public.items():
        assert lines < 2 * min(public.values()) or groups_in_fold[fold] == 1, (fold, lines, groups_in_fold[fold])


def test_one_author_means_family_folds(tmp_path):
    rows = load_corpus(authors_dir=tmp_path / "none")
    rows = [r for r in rows if r.cv_author in (None, "router-helper")]
    assert validation.author_folds(rows) is None
    folds = validation.family_folds(rows)
    groups: dict[str, set] = {}
    for r, f in zip(rows, folds.index):
        groups.setdefault(r.group, set()).add(int(f))
    assert all(len(f) == 1 for f in groups.values()) and len(set(folds.index.tolist())) == 5


def test_small_authors_are_spread_by_group_not_held_out_as_a_fold(authors_dir):
    rows = load_corpus(authors_dir=authors_dir)
    big = validation.fold_authors(rows)
    assert "author-x" not in big and "author-y" not in big
    folds = validation.author_folds(rows)
    if folds is not None:  # with the real authors' files: their folds, author-x's lines inside them
        assert folds.names == big and (folds.index >= 0).all()


def test_cross_validation_trains_each_fold_without_the_held_out_author(monkeypatch):
    monkeypatch.setattr(validation, "MIN_AUTHOR_LINES", 1)
    rows = [corpus.Example(f"t{i}", "question", None, f"g{i}", author=a) for i, a in enumerate("aabbcc")]
    folds = validation.author_folds(rows)
    seen = []

    class Model:
        def __init__(self, y):
            self.classes_ = np.array(sorted(set(y)))

    def fit(x, y, w):
        seen.append(sorted(x.tolist()))
        return Model(y)

    x = np.arange(6)
    validation.cross_validate(x, ["question"] * 6, folds, fit, lambda m, x: np.zeros((len(x), 1)))
    assert seen == [[2, 3, 4, 5], [0, 1, 4, 5], [0, 1, 2, 3]]
