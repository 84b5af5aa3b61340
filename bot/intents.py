"""Whether a question is about privacy at all, whatever the retrieval score says.

What a message *is* (a question, a request to act, an incident, off-topic) is decided by the
learned router (bot/understanding/). This word list remains for one decision only: a message the
router did not read as a question (or a process question) that the policy does not cover is answered
"not covered" when it speaks of privacy or the product, and with the one-sentence "what I answer" reply
otherwise. A question the router reads as one is never brushed off for lacking these words.
"""

from __future__ import annotations

import re

PRIVACY_WORDS = re.compile(
    r"\b(?:privacy|private|personal|data|information|info|gdpr|ccpa|cookies?|consent|collect\w*|share\w*|sell\w*|retain\w*|retention|"
    r"delete|erase|secur\w*|encrypt\w*|breach|policy|policies|account|workspace|kimss|support|track\w*|store|stored|"
    r"storage|process\w*|third[- ]part\w*|access|logs?|telemetry|prompts?|agents?|safeguard\w*|protect\w*|"
    r"identity|password|billing|payment|subscription|permission\w*|transfer\w*|opt[- ]?out)\b",
    re.I,
)


def mentions_privacy(question: str) -> bool:
    return bool(PRIVACY_WORDS.search(question))
