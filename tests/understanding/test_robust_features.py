"""The router-3 features and operating point, unit by unit (fast: no model, no index).

- a request after a paragraph of story is found as a sentence of its own;
- a mistyped word keeps most of its character n-grams, so a typo does not lose the word;
- routing on the most request-like sentence lifts a request buried in a story, not a question;
- the worst-author operating point meets every author's recall floor where the mean-cost one does not.
"""

from __future__ import annotations

import numpy as np

from bot.understanding import artifact, train as training
from bot.understanding.corpus import LABELS
from bot.understanding.features import CODE_VERSION, ngrams, request_sentences
from bot.understanding.policy import OperatingPoint, choose_operating_point, decide_all, worst_recall
from bot.understanding.router import Router

STORY = ("We signed up in March for meeting notes and the board liked it. Our treasurer pays the bill. "
         "Anyway, please erase the account of our former intern.")


def test_the_request_sentence_of_a_story_is_found_alone():
    assert request_sentences(STORY) == ["Anyway, please erase the account of our former intern."]
    assert request_sentences("please erase my account") == []  # one sentence: the message itself
    assert request_sentences("We signed up in March. Do you keep notes after a year?") == []


def test_a_typo_keeps_most_of_a_words_character_ngrams():
    right, typed = ngrams("delete", ("chars",)), ngrams("deleet", ("chars",))
    assert len(right & typed) >= 5 and "c <de" in typed
    assert not ngrams("delete", ("words",)) & ngrams("deleet", ("words",))  # words alone lose it


def _router(sentence_max: bool) -> Router:
    """A tiny router where 'erase' means deletion, and long chatty messages lean to questions."""
    rng = np.random.default_rng(3)
    chat = "We signed up in March for meeting notes. Our treasurer pays the bill."
    texts = ["erase my account", "please erase the account", "erase it", "do you keep my notes?",
             "how long do you keep notes?", chat + " Do you keep notes?", chat + " What do you store?",
             "someone logged in as me"] * 25
    y = (["data_request:deletion"] * 3 + ["question"] * 4 + ["security:account_compromise"]) * 25
    vectors = rng.normal(scale=0.01, size=(len(texts), 8)).astype(np.float32)
    config = training.Config(ngram_kinds=("words", "bigrams"), ngram_buckets=256, ngram_weight=5.0,
                             sentence_max=sentence_max)
    fitted = training.fit(training.design(texts, vectors, config), np.array(y), config=config)
    meta = {"corpus_sha256": "x", "embedding_model": "m", "code_version": CODE_VERSION, **training.serving_meta(config)}
    return Router(artifact.RouterWeights([str(c) for c in fitted.classes_], fitted.model.coef_, fitted.model.intercept_,
                                         fitted.mean, fitted.scale, 1.0, 0.5, 0.2, meta))


def test_routing_on_the_most_request_like_sentence_lifts_a_buried_request_and_not_a_question():
    vector = np.zeros(8, dtype=np.float32)
    buried = ("We signed up in March for meeting notes. Our treasurer pays the bill. The board liked it. "
              "Anyway, please erase the account.")
    whole, by_sentence = _router(False).route(buried, vector), _router(True).route(buried, vector)
    assert by_sentence.probabilities["data_request"] > whole.probabilities["data_request"]
    assert by_sentence.escalates and by_sentence.kind == "deletion"
    question = "We signed up in March for meeting notes. Our treasurer pays the bill. Do you keep notes?"
    assert not _router(True).route(question, vector).escalates


def test_the_worst_author_point_meets_every_authors_floor():
    # Author a's requests are sure; author b's are only 0.3 likely (a new writer's phrasing).
    requests = {"a": 0.9, "b": 0.3}
    probs, labels, groups = [], [], []
    for author, p_request in requests.items():
        for _ in range(40):
            row = np.zeros(len(LABELS))
            row[LABELS.index("data_request")], row[LABELS.index("question")] = p_request, 1 - p_request
            probs.append(row), labels.append("data_request"), groups.append(author)
        for p_request in np.linspace(0.0, 0.45, 200):  # questions, a few of them request-like
            row = np.zeros(len(LABELS))
            row[LABELS.index("data_request")], row[LABELS.index("question")] = p_request, 1 - p_request
            probs.append(row), labels.append("question"), groups.append(author)
    probs, groups = np.array(probs), np.array(groups)
    mean_point, _ = choose_operating_point(probs, labels)
    worst_point, _ = choose_operating_point(probs, labels, groups)
    assert worst_recall(probs, labels, groups, mean_point) < 0 <= worst_recall(probs, labels, groups, worst_point)
    escalated = decide_all(probs, worst_point)[0] == 2
    assert escalated[(groups == "b") & (np.array(labels) == "data_request")].all()
    assert isinstance(worst_point, OperatingPoint) and worst_point.escalate_at <= 0.3


def test_hashed_columns_are_the_hash_of_every_ngram_of_every_kind():
    """ngram_ids remembers columns per word; the request-sentence kinds depend on the sentence, not the word."""
    import zlib

    from bot.understanding.features import NGRAM_KINDS, ngram_ids

    for kinds in [("words", "bigrams"), ("chars",), ("request_words", "request_bigrams"), NGRAM_KINDS]:
        expected = sorted({zlib.crc32(g.encode()) % 997 for g in ngrams(STORY, kinds)})
        assert ngram_ids(STORY, kinds, 997).tolist() == expected
    assert len(ngram_ids(STORY, ("request_words",), 997)) == len(ngrams(STORY, ("request_words",))) > 3
