"""Follow-ups whose standalone form is built on the *frame* of the previous question (bot/followup_rewrite.py
tries these first): replacing a pronoun with the previous topic would lose what they ask.

- "which ones exactly?" after "Do you collect data from identity providers?" asks for names:
  "Which identity providers do you collect data from?" (appended to the yes/no question, the verifier
  would judge a yes/no question, which the policy answers).
- "and sharing it with advertisers?" after "Do you sell my data?" is another action on the same thing:
  "Do you share my data with advertisers?" (left as "Sharing my data with advertisers?" it reads as a request).
- "does that include billing?" after "What do you use my data for?" asks whether billing is one of the
  purposes: "Do you use my data for billing?", not whether the data includes billing.
- "does that include my prompts?" after "Do you use my data to improve the product?" carries the previous
  question's practice to the new thing: "Do you use my prompts to improve the product?"; after "What do you
  collect when I use agents?" it asks "Do you collect files when I use agents?", after "How do you protect my
  data?" "Do you protect my data with encryption?". Replacing "that" with the previous topic asked "Does my
  data include my prompts?", which names no practice.
- "and my card number, do you keep it?": the pronoun is the thing named first, not the previous topic.
- "even if it's my clients' data?": a condition continues the previous question; its pronoun stays inside it.

Rules over the previous question's wording, like the rest of the resolver: each can be read and explained.
"""

from __future__ import annotations

import re

from bot.followup_rewrite import (_AUX, _LOOSE_POINTER, _SUBJECT, _TOPIC_DETERMINER, _VERBS, MAX_APPENDED_WORDS,
                                  _has_topic, _runs, _sentence, _subject)
from bot.followup_swap import join_preposition, swap
from bot.followup_words import VERB_LIKE, WHAT_ABOUT
from bot.lexical import tokenize

_CONDITION = re.compile(r"^\s*(?:(?:and|but|so|or|even)[,\s]+)*(?:if|unless)\b", re.I)
_NAMED_FIRST = re.compile(r"^([^,?.!]+),\s*((?:do|does|did|is|are|was|were|can|could|will|would|how|what|where|who|when|"
                          r"why|which)\b[^,]*)$", re.I)
_WHAT_FOR = re.compile(rf"^\s*what\s+({_AUX})\s+{_SUBJECT}\s+([a-z]+\b[^?.!]*?)\s+for\s*[?.!]*\s*$", re.I)
_INCLUDES = re.compile(r"^(?:does|do|would|will)\s+(?:that|it|this|those|these|they)\s+(?:also\s+)?(?:include|cover)s?\s+"
                       r"([^?.!]+?)\s*[?.!]*\s*$", re.I)
_WHICH = re.compile(r"^which\s+((?:[a-z'-]+\s+){0,2}?[a-z'-]+)(?:\s+(?:exactly|precisely|then|specifically))?\s*[?.!]*\s*$",
                    re.I)
_YES_NO_CLAUSE = re.compile(r"^\s*(do|does|did|will|would|can|could)\s+(you|u|you guys|we|they|kimss(?:\s+ai)?)\s+"
                            r"([a-z]+\b[^?.!]*)", re.I)
_GERUND = re.compile(r"^([a-z]+ing)\b\s*([^?.!]*)[?.!]*\s*$", re.I)
_PLAIN_VERB = re.compile(r"^([a-z]+)\b\s*([^?.!]*)[?.!]*\s*$", re.I)
_REQUEST_VERBS = frozenset("delete remove erase export correct update change send give".split())  # "delete it" asks for it
# Verbs a gerund may stand for beyond _VERBS (which also ends noun phrases, so "log" and "backup" stay out of it).
_GERUND_VERBS = _VERBS | frozenset("log retain disclose analyze analyse scan sync combine rent license "
                                   "transfer export archive back".split())


def in_previous_frame(question: str, body: str, previous: str, topic: str | None, mark: str) -> tuple[str, str] | None:
    """(standalone question, rule) when one of these frames fits; `body` is `question` without its connector."""
    if _CONDITION.match(question):
        joined = join_preposition(question, previous)
        if joined:
            return _sentence(joined), "preposition"
    for rule, text in (("named_first", lambda: named_first(body, mark)),
                       ("purpose", lambda: purpose_inclusion(body, previous)),
                       ("inclusion", lambda: inclusion_question(body, previous, topic)),
                       ("which", lambda: which_question(body, previous)),
                       ("gerund", lambda: gerund_question(body, previous, topic, bool(WHAT_ABOUT.match(question))))):
        made = text()
        if made:
            return made, rule
    return None


def named_first(body: str, mark: str) -> str | None:
    named = _NAMED_FIRST.match(body)
    if not named or VERB_LIKE.search(named.group(1)) or len(named.group(1).split()) > MAX_APPENDED_WORDS:
        return None
    thing, clause = named.group(1).strip(), named.group(2)
    if not (_TOPIC_DETERMINER.match(thing) or _has_topic(thing)):  # "thanks, is it encrypted?" names nothing
        return None
    pointer = _LOOSE_POINTER.search(clause)
    return _sentence(clause[:pointer.start()] + thing + clause[pointer.end():], mark) if pointer else None


def purpose_inclusion(body: str, previous: str) -> str | None:
    asked, frame = _INCLUDES.match(body.strip()), _WHAT_FOR.match(previous)
    if not asked or not frame:
        return None
    return _sentence(f"{frame.group(1).lower()} {_subject(frame.group(2))} {frame.group(3)} for {asked.group(1)}")


# "What do you collect when I use agents?", "What data does the policy list?", "What purposes do you process data
# for?": a question about the things of a practice; the inclusion question asks it of one thing, yes or no. Not
# after a question naming its things ("What safeguards do you use?"): "Does the safeguards you use include audit
# logs?" keeps the word the section is found and judged by, and "Do you use audit logs?" lost 3 of 3 such last
# turns leave-one-author-out (the verifier reads "audit logs" as missing from a section saying "audit logging").
_WH_THINGS = re.compile(rf"^\s*(?:what|which)\s+(?:(?:kinds?|types?|sorts?|categories)\s+of\s+)?(?:(?:personal\s+)?"
                        rf"(?:data|information|info|details|purposes)\s+)?({_AUX}|should)\s+({_SUBJECT[1:-1]}|(?:the|your|our)\s+(?:privacy\s+)?policy)\s+"
                        rf"((?!do\b)[a-z]+)\b([^?.!]*)", re.I)
# "what do you do to protect my information?" asks how, as "how do you protect my information?" does.
_HOW = re.compile(rf"^\s*(?:how|what\s+({_AUX})\s+{_SUBJECT}\s+do\s+to)\s+(?:({_AUX})\s+{_SUBJECT}\s+)?([a-z]+)\b([^?.!]*)",
                  re.I)
_HOW_PASSIVE = re.compile(r"^\s*how\s+(is|are)\s+((?:[a-z'-]+\s+){0,3}?[a-z'-]+)\s+([a-z]+ed)\b([^?.!]*)", re.I)
_ENDING_PREPOSITION = re.compile(r"\s+(for|with|from|to|about|on|in|of)\s*$", re.I)
_LEADING_DETERMINER = re.compile(r"^(?:my|our|your|the|their|his|her|its|any|all|all of my|all the)\s+", re.I)
_PURPOSE_VERBS = frozenset("use used process processed need needed".split())  # "… for X"; other practices "… with X"
_YES_NO_PASSIVE = re.compile(r"^\s*(?:is|are|was|were)\s+(?:[a-z'-]+\s+){1,4}?[a-z]+ed\b", re.I)  # "Is my data used …?"


def inclusion_question(body: str, previous: str, topic: str | None) -> str | None:
    """ "does that include X?" asked in the previous question's frame (module docstring); None when the previous
    question has no frame that can take X (the other rules then apply)."""
    asked = _INCLUDES.match(body.strip())
    if not asked:
        return None
    thing = asked.group(1).strip()
    gerund = _GERUND.match(thing)
    if gerund and base_verb(gerund.group(1)):  # "training the AI on it" after "Do you use my data …?"
        made = gerund_question(thing, previous, topic)
        if made:
            return made
    pointer = _LOOSE_POINTER.search(thing)
    if pointer and topic:  # "sharing it with partners": the previous topic
        thing = thing[:pointer.start()] + topic + thing[pointer.end():]
    things = _WH_THINGS.match(previous)
    if things:
        aux, subject, verb, rest = things.groups()
        rest = rest.rstrip()
        ending = _ENDING_PREPOSITION.search(rest)
        if ending:  # "What purposes do you process data for?" -> "Do you process data for complying with the law?"
            return _sentence(f"{aux} {_subject(subject)} {verb}{rest} {thing}")
        return _sentence(f"{aux} {_subject(subject)} {verb} {thing}{rest}")
    how = _HOW.match(previous)
    if how:
        aux = how.group(1) or how.group(3)
        subject = how.group(2) or how.group(4)
        if aux and subject:
            verb, rest = how.group(5), how.group(6).rstrip()
            joint = "for" if gerund or verb.lower() in _PURPOSE_VERBS else "with"
            return _sentence(f"{aux} {_subject(subject)} {verb}{rest} {joint} {thing}")
    passive = _HOW_PASSIVE.match(previous)
    if passive:  # "How is my information used?" -> "Is my information used for improving the product?"
        be, what, participle, rest = passive.groups()
        joint = "for" if gerund or participle.lower() in _PURPOSE_VERBS else "with"
        return _sentence(f"{be} {what} {participle}{rest.rstrip()} {joint} {thing}")
    if _YES_NO_CLAUSE.match(previous) or _YES_NO_PASSIVE.match(previous):
        if gerund:  # a purpose ("preventing misuse") in the place of the previous one, or added
            clause = re.sub(r"\s+(?:to|for)\s+[^?.!]*$", "", previous.rstrip(" ?.!"))
            return _sentence(f"{clause} for {thing}")
        swapped = swap(_LEADING_DETERMINER.sub("", thing), previous, _runs(previous))
        frame = _YES_NO_CLAUSE.match(previous)
        if frame and swapped and frame.group(3).split()[0].lower() not in swapped.lower().split():
            # the thing took the verb's place ("do you log technical events?" -> "Do you IP?"): the practice
            # is what the question asks about, so it stays
            swapped = f"{frame.group(1)} {_subject(frame.group(2))} {frame.group(3).split()[0]} {thing}"
        return _sentence(swapped) if swapped else None
    return None



def which_question(body: str, previous: str) -> str | None:
    match, frame = _WHICH.match(body.strip()), _YES_NO_CLAUSE.match(previous)
    if not match or not frame:
        return None
    asked, clause = match.group(1), frame.group(3).rstrip()
    runs = _runs(clause)
    if asked.lower() in ("one", "ones"):  # the previous question's last plural thing
        named = [run for run in runs if run.lower().endswith("s") and not run.lower().endswith("ss")]
        asked = run = named[-1] if named else ""
    else:
        wanted = set(tokenize(asked))
        named = [run for run in runs if wanted & set(tokenize(run))]
        run = named[-1] if named else ""
    if not run:
        return None
    place = list(re.finditer(rf"\b(?:(?:the|a|an|any|some|your|our|my)\s+)?{re.escape(run)}\b", clause, re.I))
    rest = clause[:place[-1].start()] + clause[place[-1].end():]
    return _sentence(f"Which {asked} {frame.group(1).lower()} {_subject(frame.group(2))} {' '.join(rest.split())}")


def base_verb(gerund: str) -> str | None:
    """ "sharing" -> "share", "selling" -> "sell", "logging" -> "log"; None for a word that is no known verb."""
    stem = gerund.lower()[:-3]
    for candidate in (stem, stem + "e", stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else ""):
        if candidate in _GERUND_VERBS:
            return candidate
    return None


def gerund_question(body: str, previous: str, topic: str | None, what_about: bool = False) -> str | None:
    match, frame = _GERUND.match(body.strip()), _YES_NO_CLAUSE.match(previous)
    verb = base_verb(match.group(1)) if match else None
    # Only after "what about": "and delete it" is a request, not a question about deleting.
    plain = None if match or not what_about else _PLAIN_VERB.match(body.strip())
    if plain and plain.group(1).lower() in _GERUND_VERBS - _REQUEST_VERBS and _LOOSE_POINTER.search(plain.group(2)):
        # "what about share it?" (the question's connector already gone): the plain verb, as "sharing it"
        match, verb = plain, plain.group(1).lower()
    if not verb or not frame or verb in ("do", "be", "have"):
        return None
    rest = match.group(2).strip()
    # Another action on the *same* thing: it is pointed at ("sharing it with …") or left out ("what about
    # selling?"). A gerund with an object of its own ("and improving the product?", "including images?")
    # is something else (a purpose, a preposition): left to the other rules.
    pointer = _LOOSE_POINTER.search(rest) or re.search(r"\b(?:that|this)\b", rest, re.I)
    if not topic or (rest and not pointer):
        return None
    rest = rest[:pointer.start()] + topic + rest[pointer.end():] if pointer else topic
    return _sentence(f"{frame.group(1)} {_subject(frame.group(2))} {verb} {rest}")
