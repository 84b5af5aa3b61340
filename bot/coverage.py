"""Is the question answered by the policy? The trained verifier's decision over (question, best section).

`covered` means the policy answers the question asked — not merely that it speaks of the topic.
The verifier (bot/understanding/ranking/answerability.py, trained by `train.py`) gives the
probability; its threshold is part of its artifact. When it says no, `related` tells whether the
best section still shares the question's words, so the answer can say what the policy does say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from bot.retrieval import SectionHit
from bot.understanding.ranking import model as ranking_model
from bot.understanding.ranking.answerability import VERIFIER_FEATURES

STRICT_FACTS = ("period", "place", "contact", "frequency")
_STRICT_MISSING = np.array([VERIFIER_FEATURES.index(f"{kind}_missing") for kind in STRICT_FACTS])  # an array: indexes without a list conversion
_ASKS_ROUTE, _ROUTE_MISSING, _PRACTICES_MISSING, _ASKS_YES_NO = (VERIFIER_FEATURES.index(name) for name in (
    "asks_route", "route_missing", "practices_missing_in_document", "asks_yes_no"))
_NAME_MISSING = VERIFIER_FEATURES.index("name_missing")
# A question asking for a list of names ("which subprocessors do you use?", "which identity providers do you
# collect authentication details from?", "list of your vendors") — narrower than the verifier's "asks_name"
# feature, which also fires on "what is the company's policy…". Not yes/no questions ("does it name its
# partners?" is answered by a section saying it does not). Over every training question (2026-11-28, stop 23):
# 29 not-covered Kimss questions, no answerable Kimss question (of ~4,700) and no PolicyQA question (of 2,420).
_LISTED = (r"(identity providers|providers|companies|vendors|sub-?processors|partners|third[- ]parties|clouds|"
           r"cloud providers|hosts|laws|certifications|standards|frameworks|models|algorithms|ciphers|brands|"
           r"entities|advertisers)")
LISTS_NAMES = re.compile(r"\bwhich\s+(\w+\s+){0,2}?" + _LISTED.replace("companies", "compan(y|ies)") + r"\b|\bwhat\s+(\w+\s+)?"
                         + _LISTED + r"\b(?!\s+(is|does))|\bnames? of\b|\blist (of )?(your |the |all )*" + _LISTED, re.I)
EXTRA_CITATION_MARGIN = 1.0  # another section is cited when its ranker log-odds are this close to the best


@dataclass(frozen=True)
class Verdict:
    covered: bool
    confidence: float  # sigmoid of the verifier's log-odds over its threshold: ≥ 0.5 exactly when covered
    related: bool  # not covered, but the best section shares words with the question (quote it as related)
    # The question asks for a specific fact (a period, a place, a contact detail, how often) that the best
    # section does not state: no section answers it, not even the Contact one ("what phone number…?").
    lacks_fact: bool = False
    # The verifier's log-odds minus its threshold, before the rules below; and whether a rule decided "not
    # covered" whatever the verifier said. A follow-up's covered is decided again from these
    # (bot/followup_coverage.py), never where a rule decided.
    margin: float = 0.0
    ruled_out: bool = False


NOTHING = Verdict(False, 0.0, False)


_MARGIN = VERIFIER_FEATURES.index("ranker_margin")


def judge(loaded, question: str, hits: list[SectionHit], audience: str, margin: float | None = None) -> Verdict:
    """`margin`: the verifier's ranker_margin when the first section was not chosen by the ranker alone
    (a follow-up's own-words vote, bot/assistant.py); by default the first hit's lead over the second."""
    if not hits:
        return NOTHING
    verifier = ranking_model.verifier(loaded.info.model)
    row = loaded.answerability_features(question, hits, audience, verifier.word_evidence)
    if margin is not None:
        row[_MARGIN] = margin
    log_odds = float(verifier.score(row[None, :])[0])
    margin_over_threshold = log_odds - verifier.threshold
    # A yes/no question about a specific practice (children, sale, cookies, transfers…) that no part of the
    # best section's document speaks of is not answered by it, however close the rest looks; nor is one
    # asking for a specific fact — a period, a place, a contact detail, how often — that the best section
    # does not state at all. The verifier weighs these features strongly already; stated as rules they
    # also hold for the few it outweighs. (Out of fold, the fact rule turned away no answerable Kimss
    # training question and 6 of 2,420 PolicyQA ones; "who…" questions are left to the verifier: many
    # are answered by a section naming no party, "who do I contact about privacy?")
    lacking = lacks_facts(row[None, :])
    # …and one asking which names (providers, subprocessors…) when the best section names none.
    if row[_NAME_MISSING] > 0 and row[_ASKS_YES_NO] == 0 and LISTS_NAMES.search(question):
        lacking[0] = True
    lacks_fact = bool(lacking[0])
    missing = bool(ruled_out(row[None, :], lacking)[0])
    covered = log_odds >= verifier.threshold and not missing
    if missing:
        log_odds = min(log_odds, verifier.threshold - 1e-3)
    confidence = ranking_model.sigmoid(log_odds - verifier.threshold)
    return Verdict(covered, confidence, not covered and hits[0].feature("no_shared_words") == 0.0, lacks_fact,
                   margin_over_threshold, missing)


def lacks_facts(rows: np.ndarray) -> np.ndarray:
    """Per verifier row: it asks for a specific fact (STRICT_FACTS) that the best section does not state."""
    return (rows[:, _STRICT_MISSING] > 0).any(axis=1)


def ruled_out(rows: np.ndarray, lacking: np.ndarray | None = None) -> np.ndarray:
    """Per verifier row: not covered whatever the verifier says — a fact asked that the section lacks, or a
    yes/no question about a practice its whole document never speaks of ("do you keep my passwords?").
    A question asking where to go ("where do I send a deletion request?") is answered by a section saying
    where to go, whatever practice it names. `lacking`: lacks_facts(rows), when the caller has it already.

    Only a yes/no question (the issue's "a yes/no about a named practice"): in other questions a practice
    word is mostly the asker's frame — "Under Article 13 GDPR, what categories…", "For our DPIA…", "a CAIQ
    line asks: 'Does the vendor…'" (the vendor is Kimss) — and the verifier, which weighs the same feature,
    decides. Leave-one-author-out end to end on 23 authors (bench/kimss_end_to_end.py, docs/history.md): 19 answerable
    questions won back, 6 not-covered ones lost; the rule on every question lost 20 answerable for 10."""
    routed = (rows[:, _ASKS_ROUTE] > 0) & (rows[:, _ROUTE_MISSING] == 0)
    practice_absent = (rows[:, _PRACTICES_MISSING] > 0) & (rows[:, _ASKS_YES_NO] > 0) & ~routed
    return (lacks_facts(rows) if lacking is None else lacking) | practice_absent


def supporting(loaded, question: str, hits: list[SectionHit], audience: str, limit: int) -> list[SectionHit]:
    """The best section plus any nearly as strong that the verifier also accepts, up to `limit`."""
    verifier = ranking_model.verifier(loaded.info.model)
    cited = hits[:1]
    for i, hit in enumerate(hits[1:limit], start=1):
        if hit.score < hits[0].score - EXTRA_CITATION_MARGIN:
            break
        row = loaded.answerability_features(question, hits[i:], audience, verifier.word_evidence)
        if float(verifier.score(row[None, :])[0]) >= verifier.threshold:
            cited.append(hit)
    return cited
