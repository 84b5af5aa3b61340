"""Privacy vocabulary: query expansion and tokens (what a message *is* is tested in tests/understanding/)."""

from bot.intents import mentions_privacy
from bot.lexical import query_terms, tokenize


def test_privacy_vocabulary_expands_the_lexical_query():
    terms = query_terms("Do you share my data?")
    assert terms["share"] == 1.0 and terms["third"] < 1.0 and terms["disclose"] < 1.0
    assert tokenize("Retaining the users' records") == ["retain", "user", "record"]


def test_privacy_words_tell_a_privacy_question_from_small_talk():
    assert mentions_privacy("Do you keep my billing details?")
    assert not mentions_privacy("What's the weather in Berlin tomorrow?")
