"""The privacy team's examples keep their pull on the router as the corpus grows (bot/understanding/train.py)."""

from __future__ import annotations

from bot.understanding.corpus import Example
from bot.understanding.train import TEAM_WEIGHT, team_weights


def lines(n: int, register: str) -> list[Example]:
    return [Example(text=f"line {i}", label="question", kind=None, group=f"f#{i}", register=register, batch="b",
                    author="a") for i in range(n)]


def test_a_team_example_weighs_more_as_the_corpus_grows_and_never_less_than_the_floor():
    small = team_weights(lines(1_000, "plain") + lines(2, "team"))
    large = team_weights(lines(25_000, "plain") + lines(2, "team"))
    assert list(small[-2:]) == [TEAM_WEIGHT, TEAM_WEIGHT] and set(small[:-2]) == {1.0}
    assert large[-1] == 50.0 and set(large[:-2]) == {1.0}
