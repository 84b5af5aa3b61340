"""What the router sees of a message: its sentence embedding plus a few high-precision signals.

The embedding (the query vector retrieval already computed) carries the meaning; the signals are
cheap patterns that embeddings blur and that are rarely wrong when they fire: an explicit legal
reference ("Art. 17 GDPR", "DSAR", "CCPA"), a first-person imperative ("delete my…", "send me…"),
a "how do I…" process question, an incident told in the first person ("…and it wasn't me"),
asking for a person, and the vocabulary of prompt injection. They are features with learned
weights, not overrides: the model decides how much each is worth.

Beside them, optionally, blocks of hashed n-grams of the message (`ngram_ids`): words and bigrams —
the words people use for a request ("scrub", "nuke", "send over") that the embedding places near a
question about the same subject —, character 3-5-grams of each word with its boundaries ("deleet"
still shares "<de", "del", "ele" with "delete"; inflections and other languages share stems), and
the words of the request sentences of a longer message (`request_sentences`). Each block hashes into
its own `buckets` columns (crc32, stable across runs and machines), binary and L2-normalised per
message and block, so a long story weighs no more than a line and the many character grams do not
drown the words. At serve time they are column look-ups; the query vector is still the only encode.

Changing anything here changes what the weights mean: bump CODE_VERSION so an artifact trained
with the old features is refused (bot/understanding/artifact.py) instead of silently misread.
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache

import numpy as np

from bot.prefilter import Prefiltered

CODE_VERSION = "router-9"  # router-9: one escalation threshold per request label (policy.label_at); router-8: the "asks_the_way" and "contact_point" signals and the fourth threshold (policy.process_ratio), first trained together with the glosses; router-7: lines in another language read as their English gloss (bot/gloss.py) (an artifact names the signals it was trained on, so one trained before new signals still reads right); router-6: the "event", "in_general" and "relayed" signals; router-2: hashed word n-grams beside the embedding and signals; router-3: n-gram
# blocks (character 3-5-grams, request sentences), each normalised on its own; router-4: the "procedure" and
# "asks_to_know" signals, clause-start grams

_FLAGS = re.IGNORECASE

SIGNALS: dict[str, re.Pattern] = {
    "legal_reference": re.compile(
        r"\b(?:art(?:icle)?\.?\s*(?:1[5-9]|2[0-2]|7\s*\(3\))|gdpr|ccpa|cpra|1798\.\d+|dsar|s\.?a\.?r\b|"
        r"subject access|right (?:to|of) (?:erasure|be forgotten|portability|data portability|object|rectification|"
        r"restriction|access))", _FLAGS),
    # "tell me / show me / list / explain" are left out: "tell me about your cookies" is a question.
    "imperative": re.compile(
        r"(?:^|[.!?\n]\s*|\b(?:please|pls|kindly|just)\s+)(?:delete|erase|remove|wipe|scrub|purge|forget|send|give|email|"
        r"export|transfer|correct|fix|update|rectify|stop|opt|unsubscribe|take|close|restrict|freeze|pause|revoke|"
        r"withdraw|hand|provide|exclude|don'?t|do not|never|nuke|get rid)\b", _FLAGS),
    "i_want": re.compile(
        r"\b(?:i|we) (?:want|'d like|would like|need|request|demand|withdraw|object|revoke|no longer consent|opt out|"
        r"am (?:requesting|exercising|making)|hereby|direct you)\b|\bi'd like\b|\bi am wanting\b", _FLAGS),
    "how_to": re.compile(
        r"\b(?:how (?:do|can|would|should|could) (?:i|we|one|you)|how to|what(?:'s| is| are) the (?:process|steps|best way|"
        r"quickest way|email|address)|where (?:do|can|should) (?:i|we)|who (?:do|should|can) (?:i|we)|what (?:should|do) "
        r"(?:i|we) (?:do|need|include)|is there a (?:form|template|way)|how long (?:does|do|will)|what happens after)\b",
        _FLAGS),
    "incident": re.compile(
        r"\b(?:wasn'?t me|not me|didn'?t (?:do|request|make|ask)|never (?:wrote|had|made|did|requested)|hacked|"
        r"compromised|phish\w*|impersonat\w*|leaked|breach(?:ed)?\b|someone (?:else )?(?:is|has|logged|got|accessed|reset|"
        r"changed)|locked out|for sale|someone else's|another (?:company|customer|tenant|person)'s|other (?:users|"
        r"tenants|customers)'?)", _FLAGS),
    "person": re.compile(
        r"\b(?:human|real person|a person|representative|someone real|dpo|data protection officer|agent please|manager|"
        r"talk to|speak (?:to|with)|call me|escalate|complain\w*|complaint)\b", _FLAGS),
    "injection": re.compile(
        r"\b(?:ignore|disregard|override|jailbreak|system prompt|hidden prompt|pretend|role-?play|act as|you are now|"
        r"your instructions|previous instructions|developer mode|pwned|</?system>)\b", _FLAGS),
    # Asking about the procedure rather than for the thing: a hypothetical ("if I wanted to…", "say I wanted…"),
    # the way, steps, channel or documents of doing it ("what's involved in…", "any docs on…", "the procedure
    # for…", "to whom should…be addressed"), or "how" with the asker as subject in any word order ("how I can…",
    # "how is it possible to…", "…, how?"). A request verb inside such a frame is the subject of the question.
    "procedure": re.compile(
        r"\b(?:if (?:i|we) (?:wanted|were to|decided|wish|wished|would like)|hypothetically|(?:say|suppose|let's say) "
        r"(?:i|we) (?:wanted|want)|what(?:'s| is| would be)? involved in|any (?:docs|documentation|guide|info|help) "
        r"(?:on|about|for)|(?:procedure|process|steps?|channel|drill|way|form) (?:for|to|of)|something (?:i|we) can do|"
        r"what would (?:i|we) (?:need|have) to do|to whom|whom should|who (?:handles|would (?:i|we)|should (?:i|we)|"
        r"do (?:i|we)) (?:ask|contact|notify|write|send|address|email|talk)?|how (?:i|we) (?:can|could|should|may|do)|"
        r"how (?:is it|would it be) possible|how would (?:that|it) work|how (?:a|an|one) \w+ (?:should|may|can|could|would)|"
        r"how (?:consent|a request|requests?|data|it) (?:may|can|should|could))\b|,?\s*how\s*\??\s*$", _FLAGS),
    # Asking to be told, in statement form: an indirect question ("I'd like to understand who you share data
    # with", "wondering about cookies", "can you tell me whether…", "explain…"). Beside "i_want", which fires
    # on "I'd like…" whatever follows, it tells wanting to know from wanting something done.
    "asks_to_know": re.compile(
        r"\b(?:(?:i'?d|i would|i|we'?d|we would|we) (?:like|want|wish|need) to (?:understand|know|learn|find out|ask|check)|"
        r"(?:i'?m|i am|we'?re|we are|just) (?:curious|wondering|trying to understand)|(?:wondering|curious) (?:about|if|"
        r"whether|how|what|who|why|when)|(?:tell|show) (?:me|us) (?:about|whether|if|how|why|when|who)|"
        r"(?:can|could|would) you (?:please )?(?:tell|explain|clarify|confirm whether)|explain|clarify|"
        r"(?:quick )?question (?:about|on|regarding)|what(?:'s| is) your (?:stance|position|approach) on)\b", _FLAGS),
    # Router-6: three signals for "asks about X" against "asks to do X / tells that X happened", the two ways
    # plain questions were still escalated out of fold (questions that name a request or an incident).
    # Something that happened, told as an event: "i got an email…", "someone logged in…", "my account was…",
    # "this morning". A worry about the same subject ("can anyone hack my account?", "were you ever
    # breached?") has no event in it.
    "event": re.compile(
        r"\b(?:i|we) (?:just )?(?:got|received|clicked|noticed|saw|found|opened|entered|typed|lost|pasted|uploaded|"
        r"gave|replied)\b|\bsomeone (?:just )?(?:logged|got|used|accessed|changed|reset|signed|sent|emailed|called|"
        r"has|is)\b|\bmy (?:account|password|email|laptop|phone|api key|token|credentials?|card) (?:was|were|got|"
        r"has been|is being|just)\b|\b(?:yesterday|this morning|last night|an hour ago|earlier today|just now)\b",
        _FLAGS),
    # The rule or the possibility in general, not this case now: "ever", "at all", "is that a right",
    # "if I asked…", "would you be obliged…", "can my data be moved…", "do you honour…".
    "in_general": re.compile(
        r"\b(?:ever|at all|any ?time|in general|generally|normally|usually|typically|in principle)\b|"
        r"\bis (?:that|it|this|there) (?:a thing|a right|possible|allowed|covered|normal|an option)\b|"
        r"\bif (?:i|we|a user|someone|my|our|a customer) (?:asked|ask|close|closed|delete|deleted|object|objected|"
        r"leave|left|withdraw|withdrew|cancel|cancelled|stop|stopped|request|requested|quit)\b|"
        r"\bwould (?:you|kimss|it|they) (?:ever|be (?:obliged|required|able|allowed))\b|"
        r"\b(?:can|could|may) (?:my|our|the|a|one's) (?:data|info|information|account|processing|consent|records?)\b|"
        r"\bcan (?:processing|consent|data|users|customers|one)\b|"
        r"\bdo (?:you|u|they) (?:honou?r|support|offer|allow|let|accept)\b|\bwhat(?:'s| is) normal\b", _FLAGS),
    # A question passed on for someone else (an employee relaying a customer's): "customer asking whether…",
    # "legal needs to review", "someone asked in #sales", "same questionnaire".
    "relayed": re.compile(
        r"\b(?:customers?|clients?|prospects?|partners?|legal|sales|procurement|auditors?|users?|they|he|she|"
        r"someone|teacher|admin|accountant|security) (?:is |are |was |were |just |keeps? )?(?:asking|asked|asks|"
        r"wants to know|wondering|needs to know|needs to review)\b|\basked in #|\b(?:questionnaire|tender|"
        r"due diligence|rfp|security review)\b", _FLAGS),
    # Router-7: the phrasings fresh writers used for process questions that the router escalated or answered bare.
    # Asking to be guided to the way of doing something, wondering or politely asking about it ("I wonder what the
    # proper way is to…", "kindly guide me how to…", "please tell me the procedure to…"), or a procedure's name alone
    # as the question ("consent withdrawal process?"). "Please … process my data" (the verb) does not fire: the
    # noun needs an article or "what/which" before it.
    "asks_the_way": re.compile(
        r"\b(?:i wonder|wondering|curious|not sure|unsure|no idea|kindly|please|pls|could you|can you|would you)\b"
        r"[^.?!]{0,40}\b(?:how (?:a|an|one|i|we|to|they|my|our|someone|requests?)|(?:the|a|your|what|which) (?:\w+ )?"
        r"(?:way|procedure|process|steps))\b|\b(?:guide|walk|talk|take|point|direct) (?:me|us) (?:through|how|to the|"
        r"on how|towards)\b|\b(?:tell|show|explain to|advise) (?:me|us) (?:on )?(?:the )?(?:procedure|process|steps|way)\b|"
        r"\b(?:process|procedure|steps|form)\s*\?\s*$", _FLAGS),
    # Who or where to contact: a contact-point question is a process question (answered from the Contact section
    # with the offer), not a request for a person ("whos the contact for privacy questions", "where do I write to").
    "contact_point": re.compile(
        r"\bwho(?:'?s| is| are)? (?:the |your |ur )?(?:contact|person|people|team|dpo|point of contact|right person)"
        r"\b|\b(?:contact|email|address|person|team|channel) (?:for|to (?:contact|reach|ask|email|write))\b|"
        r"\bwhere (?:to|do i|can i|should i|would i|do we|can we|should we) (?:send|write|go|ask|contact|reach|email|"
        r"direct|turn)\b|\bwho (?:to|do i|can i|should i|would i|do we|should we) (?:contact|ask|email|write|talk|"
        r"reach|turn|send)\b", _FLAGS),
    "question_mark": re.compile(r"\?\s*$|\?\s*(?:thx|thanks|pls|ty|:\)|!+)?\s*$", _FLAGS),
}
SIGNAL_NAMES: tuple[str, ...] = tuple(SIGNALS)


# Searched on every ask: in the lower-cased message without re.I (every pattern is lower case;
# tests/understanding/test_process_offer.py checks they agree), at about half the cost; a pattern none of
# whose literals is in the message is not run (bot/prefilter.py).
_SIGNALS_LOWER = {name: Prefiltered(re.compile(pattern.pattern, pattern.flags & ~re.I))
                  for name, pattern in SIGNALS.items()}


def signals(text: str, names: tuple[str, ...] = SIGNAL_NAMES) -> np.ndarray:
    """0/1 for each named signal, in the order given."""
    text = text.replace("’", "'").lower()
    return np.array([1.0 if _SIGNALS_LOWER[name].search(text) else 0.0 for name in names], dtype=np.float32)


def feature_vector(text: str, query_vector: np.ndarray, names: tuple[str, ...] = SIGNAL_NAMES) -> np.ndarray:
    """The router's input: the (normalised) query embedding followed by the signals."""
    return np.concatenate([np.asarray(query_vector, dtype=np.float32).ravel(), signals(text, names)])


def feature_matrix(texts: list[str], vectors: np.ndarray, names: tuple[str, ...] = SIGNAL_NAMES) -> np.ndarray:
    return np.hstack([np.asarray(vectors, dtype=np.float32), np.vstack([signals(t, names) for t in texts])])


NGRAM_KINDS = ("words", "bigrams", "chars", "request_words", "request_bigrams", "starts")  # what a block may hash
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Sentences of a message, for the request-sentence block: split after . ! ? or a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
# The signals that mark a sentence as the one asking for something ("…Anyway, delete my account.").
REQUEST_SIGNALS = ("legal_reference", "imperative", "i_want", "incident", "person")
CHAR_SIZES = (3, 4, 5)


def request_sentences(text: str) -> list[str]:
    """The sentences of a message of several sentences in which a request signal fires; [] for a message
    of one sentence (the whole-message n-grams already say everything about it)."""
    sentences = [s for s in _SENTENCE_END.split(text.replace("’", "'")) if s.strip()]
    if len(sentences) < 2:
        return []
    return [s for s in sentences if any(SIGNALS[name].search(s) for name in REQUEST_SIGNALS)]


def message_words(text: str) -> list[str]:
    """The words the n-grams are made of."""
    return _WORD.findall(text.replace("’", "'").lower())


def ngrams(text: str, kinds: tuple[str, ...], words: list[str] | None = None) -> set[str]:
    """`words`: message_words(text), when the caller has them already."""
    if words is None and ("words" in kinds or "bigrams" in kinds or "chars" in kinds):
        words = message_words(text)
    out: set[str] = set()
    if "words" in kinds:
        out.update("w " + w for w in words)
    if "bigrams" in kinds:
        out.update(f"b {a} {b}" for a, b in zip(words, words[1:]))
    if "chars" in kinds:  # 3-5-grams of each word with its boundaries: "deleet" and "delete" share "<de", "del"
        for w in set(words):
            padded = f"<{w}>"
            for n in CHAR_SIZES:
                out.update("c " + padded[i:i + n] for i in range(max(1, len(padded) - n + 1)))
    if "request_words" in kinds or "request_bigrams" in kinds:
        for sentence in request_sentences(text):
            s_words = _WORD.findall(sentence.lower())
            if "request_words" in kinds:
                out.update("rw " + w for w in s_words)
            if "request_bigrams" in kinds:
                out.update(f"rb {a} {b}" for a, b in zip(s_words, s_words[1:]))
    if "starts" in kinds:  # the mood of each clause: "do you…" / "how do I…" / "delete…" / "please…"
        for first in clause_starts(text):
            out.add("s " + first)
    return out


# Clauses for the clause-start grams: split at sentence ends, commas, semicolons, colons, dashes, line breaks.
_CLAUSE_END = re.compile(r"[.!?,;:\n]+|\s[-–—]+\s")
# Greetings and fillers skipped at a clause's start: "hey team, do you sell my data" starts with "do you".
_FILLERS = frozenset("hi hey heyy hello hiya yo ok okay so um uh well anyway also and but dear team quick q "
                     "sorry good morning afternoon evening day".split())


def clause_starts(text: str) -> list[str]:
    """The first word and first two words of each clause, after greetings and fillers: English marks a
    clause's mood at its start (auxiliary first: a yes/no question; wh-word: a question; a bare verb or
    "please": an imperative), which a bag of words loses."""
    out = []
    for clause in _CLAUSE_END.split(text.replace("’", "'").lower()):
        words = _WORD.findall(clause)
        while words and words[0] in _FILLERS:
            words = words[1:]
        if words:
            out.append(words[0])
            if len(words) > 1:
                out.append(f"{words[0]} {words[1]}")
    return out


def ngram_ids(text: str, kinds: tuple[str, ...], buckets: int, words: list[str] | None = None) -> np.ndarray:
    """The distinct hashed columns of a message's n-grams, sorted (each valued 1/sqrt(count)).

    The same as hashing every n-gram of `ngrams(text, kinds)`; the columns of one word (its own and its
    character n-grams) are remembered per word, as messages reuse their words (about 0.1 ms an ask).
    `words`: message_words(text), computed once for the router's several blocks."""
    if not kinds or not buckets:
        return np.zeros(0, dtype=np.int64)
    if words is None:
        words = message_words(text)
    ids: set[int] = set()
    if any(k in _WORD_KINDS for k in kinds):  # a block of sentence kinds only has no per-word columns
        for word in set(words):
            ids.update(_word_ids(word, kinds, buckets))
    if "bigrams" in kinds:
        ids.update(zlib.crc32(f"b {a} {b}".encode()) % buckets for a, b in zip(words, words[1:]))
    sentence_kinds = tuple(k for k in kinds if k in _SENTENCE_KINDS)  # depend on the sentence, not the word
    if sentence_kinds:
        ids.update(zlib.crc32(g.encode()) % buckets for g in ngrams(text, sentence_kinds, words))
    found = np.fromiter(ids, dtype=np.int64, count=len(ids))
    found.sort()  # ascending, as sorted() gave them (the order the router sums their weights in)
    return found


_SENTENCE_KINDS = ("request_words", "request_bigrams", "starts")
_WORD_KINDS = ("words", "chars")  # the kinds `_word_ids` hashes per word


@lru_cache(maxsize=8192)
def _word_ids(word: str, kinds: tuple[str, ...], buckets: int) -> frozenset[int]:
    grams = ngrams(word, tuple(k for k in kinds if k != "bigrams" and k not in _SENTENCE_KINDS))
    return frozenset(zlib.crc32(g.encode()) % buckets for g in grams)


def ngram_matrix(texts: list[str], kinds: tuple[str, ...], buckets: int):
    """(texts × buckets) scipy CSR matrix of the hashed n-grams (training only)."""
    from scipy.sparse import csr_matrix

    rows, cols, vals = [], [], []
    for i, text in enumerate(texts):
        ids = ngram_ids(text, kinds, buckets)
        if not len(ids):
            continue
        rows.extend([i] * len(ids)), cols.extend(ids.tolist())
        vals.extend([1.0 / np.sqrt(len(ids))] * len(ids))
    return csr_matrix((np.array(vals, dtype=np.float32), (rows, cols)), shape=(len(texts), max(buckets, 1)))
