"""Which privacy practice a text is about, by similarity to short descriptions of each practice.

Privacy policies are written practice by practice (the OPP-115 annotation scheme names them:
collection, sharing, choice, access, retention, security, policy change, tracking, specific
audiences, contact, cookies). A question asks about one of them; a section about the same
practice is a better candidate than one that merely shares words. The descriptions below are
generic policy language, written from the scheme's category definitions, not from any dataset's
questions; each practice's prototype is the mean of its descriptions' embeddings.
"""

from __future__ import annotations

import threading

import numpy as np

PRACTICE_DESCRIPTIONS = [
    ["We may change or update this privacy policy and will notify you of changes.",
     "Changes to this policy will be posted on this page with a new effective date."],
    ["You can opt out, unsubscribe, or change your choices and privacy settings.",
     "You may choose not to receive marketing emails and can control how your data is used."],
    ["You can access, review, correct, update or delete your personal information.",
     "You may request a copy of your data or ask us to delete your account."],
    ["We retain your information for as long as necessary and then delete it.",
     "We keep records for a limited period of time."],
    ["We protect your information with security measures such as encryption.",
     "We use reasonable safeguards to prevent unauthorized access to your data."],
    ["How we respond to Do Not Track signals from your browser.",
     "We do not respond to browser do not track settings."],
    ["We share or disclose your information with third parties, partners and advertisers.",
     "We may sell or transfer your information to other companies."],
    ["We collect information about you and use it to provide our services.",
     "We receive your name, email address, device and usage information when you use the site."],
    ["Our services are not directed to children under 13.",
     "We do not knowingly collect personal information from minors."],
    ["Information for California residents and international users; transfers to other countries.",
     "Your data may be processed outside your country of residence."],
    ["Contact us with questions about this privacy policy.",
     "You can reach us by email or mail at the address below."],
    ["We use cookies, web beacons and similar tracking technologies.",
     "Cookies are small files stored on your browser to remember you."],
]
# Softmax temperature over cosine similarities: low, so a text's distribution is dominated by the
# one or two practices it is clearly about.
TEMPERATURE = 0.02

_lock = threading.Lock()
_prototypes: dict[str, np.ndarray] = {}


def prototypes(embeddings) -> np.ndarray:
    """(practices x dimension), computed once per model per process."""
    with _lock:
        if embeddings.model_id not in _prototypes:
            rows = [np.asarray(embeddings.embed_documents(texts), dtype=np.float32).mean(axis=0)
                    for texts in PRACTICE_DESCRIPTIONS]
            matrix = np.vstack(rows)
            _prototypes[embeddings.model_id] = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
        return _prototypes[embeddings.model_id]


def distribution(similarities: np.ndarray) -> np.ndarray:
    """Softmax over practices of cosine similarities (last axis)."""
    scaled = (similarities - similarities.max(axis=-1, keepdims=True)) / TEMPERATURE
    weights = np.exp(scaled)
    return weights / weights.sum(axis=-1, keepdims=True)
