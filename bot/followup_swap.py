"""Which thing of the previous question a follow-up's own thing replaces ("what about X?", "and X?"),
and where a prepositional fragment ("and in transit?", "from google sso too?") joins it.

"What about partners?" after "Do you share my data with advertisers?" replaces *advertisers* (another
recipient), not *my data*; "what about files?" after "What do you collect when I use connected tools?"
asks whether files are collected then ("Do you collect files when I use connected tools?"), it does
not replace the tools. The rule: the new thing takes the place of the previous thing of the same kind
(data, people, recipients, sources, purposes); a kind of data asked about after "what (data) do you
collect …?" turns that into a yes/no question; otherwise it replaces the previous question's object.
Word lists, not a model: every swap can be read and explained.
"""

from __future__ import annotations

import re

from bot.followup_words import TOPIC_NOUNS
from bot.lexical import tokenize

KINDS = {
    "people": frozenset(tokenize("children child kids kid teenagers teenager minors minor users user customers "
                                 "customer employees employee team teams admins admin members member colleagues "
                                 "students patients visitors ex-customers staff")),
    "recipient": frozenset(tokenize("advertisers advertiser partners partner vendors vendor subprocessors "
                                    "subprocessor third parties affiliates government police authorities "
                                    "insurers brokers buyers")),
    "source": frozenset(tokenize("agents agent tools tool integrations integration okta google microsoft sso "
                                 "providers provider platform apps app api browser")),
    "purpose": frozenset(tokenize("marketing advertising troubleshooting misuse fraud training improvement "
                                  "improving research analytics personalization debugging")),
}
# A question about the object itself: "what (data|kind of information) do you collect [from …]?"
_WH_GENERIC_OBJECT = re.compile(
    r"^\s*(?:what|which)\s+(?:(?:kinds?|types?|sorts?|categories)\s+of\s+)?(?:(?:personal\s+)?(?:data|information|info|"
    r"details)\s+)?(do|does|did|will|would|can|could)\s+(you|u|you guys|kimss(?:\s+ai)?|we|agents|"
    r"(?:the|your)\s+(?:privacy\s+)?policy|[a-z]+)\s+"
    r"([a-z]+)\b([^?.!]*)", re.I)
_GENERIC_OBJECT = frozenset(tokenize("data information info details personal"))
# "what about at rest?" is a prepositional continuation too, not a thing to swap in ("Is rest … encrypted?").
_PREPOSITION = re.compile(r"^\s*(?:(?:and|but|or|also|so|ok(?:ay)?)[,\s]+)?(?:(?:what|how)\s+about\s+)?(?:even\s+)?((?:from|for|with|to|in|on|at|by|via|through|during|"
                          r"after|before|without|outside|inside|if|when|while|unless|once)\b[^?.!]*?)"
                          r"(?:\s*,?\s*(?:too|as well|also|then))?\s*[?.!]*\s*$", re.I)
MAX_PREPOSITION_WORDS = 8


def kind_of(phrase: str) -> str | None:
    """The kind of thing a noun phrase names, by its last word that has a kind."""
    for token in reversed(tokenize(phrase)):
        for kind, words in KINDS.items():
            if token in words:
                return kind
        if token in TOPIC_NOUNS:
            return "data"
    return None


def _replace(previous: str, run: str, new: str) -> str:
    """`previous` with the last occurrence of the words of `run` replaced by `new`."""
    pattern = r"[^A-Za-z'-]+".join(re.escape(word) for word in run.split())
    matches = list(re.finditer(rf"\b{pattern}\b", previous))
    if not matches:
        return previous
    last = matches[-1]
    return previous[:last.start()] + new + previous[last.end():]


# "what do you use my data for?": the frame of a question about purposes.
_WHAT_FOR = re.compile(r"^\s*what\s+(do|does|did|will|would|can|could)\s+(you|u|you guys|we|kimss(?:\s+ai)?)\s+"
                       r"([a-z]+)\s+([^?.!]*?)\s+for\s*[?.!]*\s*$", re.I)
# Words that end a phrase naming data ("my kids' information", "support communications"); after a what-for
# question any other thing ("billing", "ads", "training ai models") is a purpose.
_DATA_HEADS = frozenset(tokenize("data information info details records record logs log files file prompts prompt "
                                 "messages message conversations chats chat communications events telemetry metadata "
                                 "responses content history address email password credentials configuration "
                                 "config cookies location tickets"))


def purpose_swap(own: str, previous: str) -> str | None:
    """ "billing too?", "and ads?" after "What do you use my data for?" ask whether that is one of the purposes:
    "Do you use my data for billing?"; "what about my kids' information?" asks the purposes of other data:
    "What do you use kids' information for?". Put in the object's place, a purpose made "Do you use billing my
    data for?" (the generic-object swap below), which read as neither."""
    frame = _WHAT_FOR.match(previous)
    if not frame:
        return None
    aux, subject, verb, thing = frame.groups()
    subject = "you" if subject.lower() in ("you", "u", "you guys") else subject
    words = tokenize(own)
    if words and words[-1] in _DATA_HEADS:
        return f"What {aux.lower()} {subject} {verb} {own} for?"
    return f"{aux.capitalize()} {subject} {verb} {thing} for {own}?"


def swap(own: str, previous: str, runs: list[str]) -> str | None:
    """The previous question asked about `own` instead (None when it has no place for it).

    `runs`: the previous question's content-word runs ("my usage data", "connected tools"), in order."""
    purpose = purpose_swap(own, previous)
    if purpose:
        return purpose
    kind = kind_of(own)
    same = [run for run in runs if kind and kind_of(run) == kind]
    generic = _WH_GENERIC_OBJECT.match(previous)
    if kind in ("data", None) and generic and not any(kind_of(run) == "data" and not set(tokenize(run)) <= _GENERIC_OBJECT
                                                      for run in runs if run in generic.group(4)):
        aux, subject, verb, rest = generic.groups()
        subject = "you" if subject.lower() in ("you", "u", "you guys") else subject
        return f"{aux.capitalize()} {subject} {verb} {own}{rest.rstrip()}?"
    if same:
        return _replace(previous, same[-1], own)
    if generic and not generic.group(4).strip():  # "and kids?" after "What does the policy cover?"
        aux, subject, verb, _ = generic.groups()
        return f"{aux.capitalize()} {subject} {verb} {own}?"
    if kind in ("data", None):
        objects = [run for run in runs if kind_of(run) == "data"] or runs
        if objects:
            return _replace(previous, objects[0], own)
    return None


def join_preposition(fragment: str, previous: str) -> str | None:
    """ "and in transit?" after "How do you protect our data?" -> "How do you protect our data in transit?";
    "and for preventing misuse?" after "Do you use my data for billing?" replaces "for billing"."""
    match = _PREPOSITION.match(fragment)
    if not match or len(match.group(1).split()) > MAX_PREPOSITION_WORDS:
        return None
    phrase = match.group(1).strip(" ,")
    word = phrase.split()[0].lower()
    base = previous.rstrip(" ?.!")
    same = list(re.finditer(rf"\b{word}\s+[^?.!,]*$", base, re.I))
    if same and word not in ("if", "when", "while", "unless", "once"):
        base = base[:same[-1].start()].rstrip()
    return f"{base} {phrase}"
