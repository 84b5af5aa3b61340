"""The verifier's learned word table: specific things the best section does not mention (word_evidence.py)."""

import numpy as np

from bot.understanding.ranking import word_evidence
from bot.understanding.ranking.answerability import VERIFIER_FEATURES, features, missing_words, text_facts
from bot.understanding.ranking.features import RANKING_FEATURES


def test_a_word_missing_mostly_from_unanswered_questions_is_evidence_and_one_missing_from_answered_is_not():
    missing = [("cooki",), ("cooki",), ("cooki", "track"), ("file",), ("file",), ("file", "track"), ("track",)]
    not_covered = [True, True, True, False, False, False, True]
    table = word_evidence.learn(missing, not_covered)
    assert table["cooki"] > 0.3
    assert "file" not in table  # evidence for "answered": the feature would read 0 for it anyway
    assert word_evidence.strongest(("file", "cooki"), table) == table["cooki"]
    assert word_evidence.strongest(("file",), table) == 0.0 and word_evidence.strongest((), table) == 0.0


def test_a_word_seen_once_is_not_learned():
    assert word_evidence.learn([("bounti",), ("file",), ("file",)], [True, False, False]) == {}


def test_a_rows_value_never_comes_from_its_own_authors_questions():
    # Only author a ever leaves "cooki" unanswered: a's own rows read a table learned from b alone.
    missing = [("cooki",), ("cooki",), ("cooki",), ("file",), ("file",), ("file",)]
    not_covered = np.array([True, True, True, False, False, False])
    author = np.array(["kimss:a"] * 3 + ["kimss:b"] * 3)
    everyone = np.arange(6)
    assert np.all(word_evidence.column(missing, not_covered, author, everyone, np.arange(3)) == 0.0)
    # A question of an author outside the learning rows reads what a taught.
    outside = missing + [("cooki",)]
    held = word_evidence.column(outside, np.append(not_covered, True), np.append(author, "kimss:c"), everyone,
                                np.array([6]))
    assert held[0] > 0


class _Hit:
    def __init__(self):
        self.features = np.zeros(len(RANKING_FEATURES), dtype=np.float32)
        self.score = 1.0


def test_the_verifier_row_reads_the_table_for_words_the_best_section_does_not_use():
    section = "Kimss AI collects account identifiers, billing records and technical logs."
    facts = text_facts(section)
    question = "Do you collect my IP address?"
    gone = missing_words(question, facts.tokens)
    assert gone and not set(gone) & facts.tokens
    table = {word: 1.5 for word in gone}
    column = VERIFIER_FEATURES.index("missing_word_evidence")
    row = features(question, _Hit(), None, facts, set(facts.tokens), lambda t: 1.0, facts, table)
    assert row[column] == 1.5
    # The same question against a section naming the thing: nothing missing, no evidence.
    named = text_facts("Kimss AI collects the IP address of each device in technical logs.")
    assert features(question, _Hit(), None, named, set(named.tokens), lambda t: 1.0, named, table)[column] == 0.0
    # Without a table (training writes the rows first) the feature is 0.
    assert features(question, _Hit(), None, facts, set(facts.tokens), lambda t: 1.0, facts)[column] == 0.0


def test_a_word_missing_from_one_section_can_be_answered_there_and_unanswered_elsewhere():
    # "delete" missing from Contact Information: "how do I get my data deleted?" (the channel answers it);
    # missing from Data Collection: "when do you delete my chats?" (a retention period it never states).
    contact = [word_evidence.qualified(("delet",), "p#contact") for _ in range(4)]
    collection = [word_evidence.qualified(("delet",), "p#collection") for _ in range(6)]
    others = [("file",)] * 6 + [("cooki",)] * 2  # answered and unanswered questions without the word
    table = word_evidence.learn(contact + collection + others, [False] * 4 + [True] * 6 + [False] * 6 + [True] * 2)
    assert table["delet"] > 0 and table["p#contact|delet"] < 0 < table["p#collection|delet"]
    at_collection = word_evidence.strongest(word_evidence.qualified(("delet",), "p#collection"), table)
    at_contact = word_evidence.strongest(word_evidence.qualified(("delet",), "p#contact"), table)
    assert at_collection > table["delet"] > at_contact
    # A section the table never saw (renamed, or a new document) reads the word's own weight.
    assert word_evidence.strongest(word_evidence.qualified(("delet",), "new#section"), table) == table["delet"]
    assert word_evidence.strongest(("delet",), table) == table["delet"]


def test_the_verifier_row_reads_the_correction_of_the_best_section():
    section = "Kimss AI collects account identifiers, billing records and technical logs."
    facts = text_facts(section)
    question = "Do you collect my IP address?"
    gone = missing_words(question, facts.tokens)
    hit = _Hit()
    hit.section_id = "policy#collection"
    table = {**{word: 1.5 for word in gone}, **{f"policy#collection|{word}": -1.0 for word in gone}}
    column = VERIFIER_FEATURES.index("missing_word_evidence")
    assert features(question, hit, None, facts, set(facts.tokens), lambda t: 1.0, facts, table)[column] == 0.5
    hit.section_id = "policy#usage"
    assert features(question, hit, None, facts, set(facts.tokens), lambda t: 1.0, facts, table)[column] == 1.5
