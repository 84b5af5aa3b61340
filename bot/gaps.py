"""Naming what the policy does not say: "The policy does not say how long information is kept."

The gap is named from what the question asks for (a period, a place, a party) and the privacy
practice it is about (the OPP-115 categories); when neither is recognisable the answer says the
policy does not answer the question directly, rather than guessing a topic.
"""

from __future__ import annotations

import re

from bot.understanding.ranking.answerability import asked_facts

# (pattern over the question, what the policy does not say) — first match wins; most specific first.
_TOPIC_GAPS = [
    (r"\bwhere\b.{0,40}\b(stor|kept|keep|held|host|locat|process|server|transfer)|\b(countr\w*|abroad|overseas|"
     r"international\w*|transfer\w*|regions?|servers?|hosted|data residency|standard contractual)\b|"
     r"\b(in|outside) (of )?(the )?(us|u\.s\.|eu|eea|uk|united states|european union)\b",
     "where information is stored or transferred"),
    (r"\b(how long|retain\w*|retention|forever|purg\w*|kept for|keep\w* .{0,30}(after|for)|backups?)\b",
     "how long information is kept"),
    (r"\b(delet\w*|eras\w*|cancel\w*|inactive)\b|\bclos\w* (my|our|the|an) account",
     "when information is deleted"),
    (r"\b(staff|employees?|humans?|personnel|engineers?|admins?|administrators?|support team)\b.{0,40}\b(read|see|view|"
     r"access|look)|\bwho at \w+ (can|could|will)", "who can see or read the content"),
    (r"\b(sell|sold|sale|advertis\w*|marketing partners?)\b", "whether information is sold or used for advertising"),
    (r"\b(share|shared|sharing|disclos\w*|third[- ]part\w*|partners?|affiliates?|subprocessors?|processors?|"
     r"vendors?|law enforcement|acquir\w*|merg\w*)\b", "who information is shared with"),
    (r"\b(cookies?|track\w*|pixels?|beacons?|analytics|do not track|dnt)\b",
     "whether cookies or tracking technologies are used"),
    (r"\b(child\w*|minors?|kids?|under 1[3-8]|age)\b", "how children's information is handled"),
    (r"\b(opt[- ]?out|unsubscrib\w*|consent|marketing|newsletters?|personali[sz]ed ads?)\b",
     "what choices you have about this use of information"),
    (r"\b(chang\w*|updat\w*|notif\w*|amend\w*)\b.{0,40}\b(polic\w*|terms|notice)\b|\b(polic\w*|terms)\b.{0,20}"
     r"\bchang\w*", "how changes to the policy are announced"),
    (r"\b(gdpr|ccpa|california|rights?|portab\w*|lawful basis|legal basis|article \d+|data protection officer|dpo)\b",
     "which legal rights or bases apply"),
    (r"\b(train\w*|machine learning|models?)\b", "whether information is used to train AI models"),
    (r"\b(breach\w*|certif\w*|soc ?2|iso ?27001|penetration|at rest|aes)\b",
     "that specific security commitment"),
    (r"\b(location|gps|biometric\w*|social media|anonymous\w*|profiling|automated decision\w*)\b",
     "whether that kind of information or processing is involved"),
]
_COMPILED = [(re.compile(pattern, re.I), gap) for pattern, gap in _TOPIC_GAPS]
_FACT_GAPS = {"period": "how long information is kept", "place": "where information is stored or transferred",
              "party": "who information is shared with", "contact": "that contact detail",
              "frequency": "how often this is done"}


def name_gap(question: str) -> str | None:
    """What the policy does not say, as a clause ("how long information is kept"), or None if unclear."""
    for pattern, gap in _COMPILED:
        if pattern.search(question):
            return gap
    asks = asked_facts(question)
    for kind, gap in _FACT_GAPS.items():
        if asks[kind]:
            return gap
    return None


def does_not_say(title: str, question: str) -> str:
    gap = name_gap(question)
    if gap:
        return f"The {title} does not say {gap}."
    return f"The {title} does not answer this question directly."
