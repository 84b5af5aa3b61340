"""Questions about the documents themselves, answered from their metadata and introduction.

"When was the policy last updated?", "what does it cover?", "which documents are there?", "where
can I read all of it?" are not answered by any one section's wording but by the document: its
front matter (title, updated, url) and its first section. Each answer cites that first section,
so the reader sees the document, its date and where it lives.

Recognising them: the patterns below first (high precision), then a learned detector over the question's
sentence vector for the many ways people ask that no pattern lists ("whats the date of ur policy", "which
document are you quoting from?"): bench/train_policy_facts.py, trained leave-one-author-out on the retired
held-out writers' policy facts against every other question we hold (README, "Policy facts").
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.answer import human_date
from bot.prefilter import Prefiltered

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
QUESTIONS_FILE = DATA / "policy_fact_questions.yaml"  # the detector's positives (training data)
MODEL_FILE = DATA / "policy_fact_model.json"  # bench/train_policy_facts.py writes it
CODE_VERSION = "policy-facts-1"  # the detector's inputs: the question's sentence vector, nothing else
KINDS = ("documents", "effective", "scope", "sections", "updated", "where")
# What the detector may answer on its own: facts from the metadata. "What does the policy cover?" is left to
# the patterns and the ranked sections (the introduction ranks first for it anyway); a learned "scope" would
# also take "does the policy talk about safeguards?" away from the section that answers it.
LEARNED_KINDS = ("documents", "sections", "updated", "where")

_DOC = r"(privacy )?(policy|policies|notice|document|documents|statement)"
_THE = r"(the |this |your |kimss'?s? |kimss ai'?s? )?"
PATTERNS = {
    "updated": re.compile(
        rf"\b(last|latest|most recently?)\s+(updated|revised|changed|modified|edited)\b|"
        rf"\bwhen (was|were|is|did) {_THE}{_DOC}\s*(last )?(get )?(updated|revised|changed|modified|written|"
        rf"published|released|update|change)|"
        rf"\b(date|age|version) (of|on) {_THE}{_DOC}|\bhow (old|recent|current|up[- ]to[- ]date) is {_THE}{_DOC}|"
        rf"\b{_DOC} date\b|\bis {_THE}{_DOC} (current|up[- ]to[- ]date|recent)|"
        # "is the privacy policy from 2026?": asks its date, as "what date exactly?" after it does.
        rf"\b(is|was) {_THE}{_DOC} (from|dated|as of) (\w+ )?(19|20)\d\d\b|\b(is|was) {_THE}{_DOC} (from|of) (this|last) year\b",
        re.I),
    "effective": re.compile(
        rf"\beffective date\b|\bwhen (does|did|will) {_THE}{_DOC} (take|come into|go into) effect|"
        rf"\bwhen (does|did) {_THE}{_DOC} (start|begin) (to )?apply|\bin (effect|force) since\b", re.I),
    "documents": re.compile(
        rf"\b(which|what) (documents|policies)\b|\blist (of |all )?(the |your )?(documents|policies)\b|"
        rf"\bother (privacy )?(documents|policies)\b|\bhow many (documents|policies)\b", re.I),
    "where": re.compile(
        rf"\bwhere (can|could|do|should|would) i (read|find|see|get|view|access|look at) {_THE}(full |whole |complete "
        rf"|entire )?{_DOC}|\b(link|url|address) (to|for|of) {_THE}(full |whole )?{_DOC}|"
        rf"\b(full|whole|complete|entire) (text of (the )?)?{_DOC}\b|\bread {_THE}(full |whole |entire )?{_DOC}\b",
        re.I),
    "sections": re.compile(
        rf"\b(how many|what|which) (sections|parts|chapters|headings) (does|do|are (there )?in|is (there )?in|in) "
        rf"{_THE}{_DOC}\b|"
        rf"\b(sections|headings|table of contents) (of|in) {_THE}{_DOC}", re.I),
    "scope": re.compile(
        rf"\bwhat (does|do) {_THE}{_DOC} (cover|apply to|explain|describe|include|deal with|talk about)|"
        rf"\bwhat (is|are) {_THE}{_DOC} (about|for)\b|\b(scope|purpose|summary) of {_THE}{_DOC}|"
        rf"\bwhat (is|are) covered (by|in) {_THE}{_DOC}|\bsummari[sz]e {_THE}{_DOC}", re.I),
}


# Searched on every ask: in the lower-cased question without re.I (the patterns are lower case), and only
# when one of a pattern's literals is in it (bot/prefilter.py).
_PATTERNS_LOWER = {kind: Prefiltered(re.compile(pattern.pattern, pattern.flags & ~re.I))
                   for kind, pattern in PATTERNS.items()}


# A question about the documents that the router escalates while it still finds a request less likely than not
# (request mass below this) is answered from the metadata with the hand-off offered, as the router's other unsure
# cases are (bot/assistant.py). On the 28,041 corpus lines, the policy-fact recognizer fires on 143, 14 of them
# requests ("I've read your policy twice and ... please have someone ..."), all at a request mass of 0.967 or more;
# "hey what revision date is printed on ur privacy doc" reached 0.219 with the stop-26 router (0.20 escalates).
MARGINAL_REQUEST_MASS = 0.5


def pattern_kind(question: str) -> str | None:
    """Which fact about the documents the question asks for, by the patterns alone."""
    lowered = question.lower()
    for kind, pattern in _PATTERNS_LOWER.items():
        if pattern.search(lowered):
            return kind
    return None


@dataclass(frozen=True)
class Detector:
    """The learned half: P(about the documents) from the question's vector, then which fact."""
    threshold: float
    about_weights: np.ndarray  # (dimension,)
    about_bias: float
    kinds: tuple[str, ...]
    which_weights: np.ndarray  # (kinds, dimension)
    which_bias: np.ndarray

    @classmethod
    def shipped(cls, model_id: str, path: Path = MODEL_FILE) -> "Detector | None":
        """The trained detector for this embedding model; None (patterns only, said in the log) when the
        artifact is missing or was trained for another model or another version of the inputs."""
        if not path.is_file():
            log.warning("policy-fact detector %s missing: policy facts are recognised by the patterns only", path.name)
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        made = data["provenance"]
        if made["model"] != model_id or made["code_version"] != CODE_VERSION:
            log.warning("policy-fact detector trained for %s (%s), not %s (%s): patterns only; retrain with "
                        "bench/train_policy_facts.py", made["model"], made["code_version"], model_id, CODE_VERSION)
            return None
        which = data["which"]
        if len(data["kinds"]) == 2:  # scikit-learn keeps one row for two classes
            raise ValueError(f"{path.name}: needs at least three kinds")
        return cls(float(data["threshold"]), np.asarray(data["about"]["weights"], dtype=np.float32),
                   float(data["about"]["bias"]), tuple(data["kinds"]),
                   np.asarray(which["weights"], dtype=np.float32), np.asarray(which["bias"], dtype=np.float32))

    def kind_of(self, vector) -> str | None:
        vector = np.asarray(vector, dtype=np.float32)
        if float(self.about_weights @ vector) + self.about_bias < _logit(self.threshold):
            return None
        kind = self.kinds[int(np.argmax(self.which_weights @ vector + self.which_bias))]
        return kind if kind in LEARNED_KINDS else None


def _logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def kind_of(question: str, vector=None, detector: Detector | None = None) -> str | None:
    """Which fact about the documents the question asks for, if it asks for one: the patterns, else the
    detector on the question's vector (when there is one)."""
    found = pattern_kind(question)
    if found or detector is None or vector is None:
        return found
    return detector.kind_of(vector)


@dataclass(frozen=True)
class Document:
    title: str
    updated: str | None
    url: str | None
    first_section: str  # section_id of its first section with text (the introduction)
    audience: str = "public"
    sections: tuple[str, ...] = ()  # its section titles, in order


def documents(loaded, audience: str) -> list[Document]:
    """The documents the audience may read, in title order, from the loaded index."""
    scope = loaded.scopes[audience]
    sections: dict[str, list[dict]] = {}  # document -> its sections' metadata
    for section in scope.section_rows.tolist():
        meta = loaded.section_meta[section]
        sections.setdefault(meta["document"], []).append(meta)
    out = []
    for metas in sections.values():
        metas.sort(key=lambda m: m.get("position", 0))
        m = metas[0]  # the first section: the document's metadata and its introduction
        out.append(Document(m["title"], m.get("updated") or None, m["url"].split("#")[0] if m.get("url") else None,
                            m["section_id"], m.get("audience") or "public", tuple(x["section"] for x in metas)))
    return sorted(out, key=lambda d: d.title)


def statement(kind: str, docs: list[Document], support_url: str) -> str:
    """The sentence answering `kind` from the documents' metadata (the quotes follow it)."""
    if kind == "documents":
        listed = "; ".join(d.title + (f" (updated {human_date(d.updated)})" if d.updated else "") for d in docs)
        return f"I answer from {'this document' if len(docs) == 1 else 'these documents'}: {listed}."
    parts = []
    for d in docs:
        if kind == "sections":
            listed = "; ".join(d.sections)
            parts.append(f"The {d.title} has {len(d.sections)} section{'s' if len(d.sections) != 1 else ''}: {listed}.")
        elif kind in ("updated", "effective"):
            if not d.updated:
                parts.append(f"The {d.title} does not state when it was last updated.")
            elif kind == "updated":
                parts.append(f"The {d.title} was last updated on {human_date(d.updated)}.")
            else:
                parts.append(f"The {d.title} does not state a separate effective date; it was last updated on "
                             f"{human_date(d.updated)}.")
        elif kind == "where":
            public = " It is a public document." if d.audience == "public" else ""
            parts.append((f"The full {d.title} is published at {d.url}." if d.url else
                          f"The {d.title} has no published address configured; its sections are quoted in these "
                          f"answers, and support can send the full text: {support_url}.") + public)
        else:  # scope: the introduction says it, quoted below
            parts.append(f"What the {d.title} covers, in its own words:")
    return " ".join(parts)
