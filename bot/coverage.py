"""Is the question answered by the policy? The trained verifier's decision over (question, best section).

`covered` means the policy answers the question asked — not merely that it speaks of the topic.
The verifier (bot/understanding/ranking/answerability.py, trained by `train.py`) gives the
probability; its threshold is part of its artifact. When it says no, `related` tells whether the
best section still shares the question's words, so the answer can say what the policy does say.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.retrieval import SectionHit
from bot.understanding.ranking import model as ranking_model

EXTRA_CITATION_MARGIN = 1.0  # another section is cited when its ranker log-odds are this close to the best


@dataclass(frozen=True)
class Verdict:
    covered: bool
    confidence: float  # sigmoid of the verifier's log-odds over its threshold: ≥ 0.5 exactly when covered
    related: bool  # not covered, but the best section shares words with the question (quote it as related)


NOTHING = Verdict(False, 0.0, False)


def judge(loaded, question: str, hits: list[SectionHit], audience: str) -> Verdict:
    if not hits:
        return NOTHING
    verifier = ranking_model.verifier(loaded.info.model)
    row = loaded.answerability_features(question, hits, audience)
    log_odds = float(verifier.score(row[None, :])[0])
    confidence = ranking_model.sigmoid(log_odds - verifier.threshold)
    covered = log_odds >= verifier.threshold
    return Verdict(covered, confidence, not covered and hits[0].feature("no_shared_words") == 0.0)


def supporting(loaded, question: str, hits: list[SectionHit], audience: str, limit: int) -> list[SectionHit]:
    """The best section plus any nearly as strong that the verifier also accepts, up to `limit`."""
    verifier = ranking_model.verifier(loaded.info.model)
    cited = hits[:1]
    for i, hit in enumerate(hits[1:limit], start=1):
        if hit.score < hits[0].score - EXTRA_CITATION_MARGIN:
            break
        row = loaded.answerability_features(question, hits[i:], audience)
        if float(verifier.score(row[None, :])[0]) >= verifier.threshold:
            cited.append(hit)
    return cited
