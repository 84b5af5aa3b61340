"""Words and patterns that mark a message as leaning on the previous turn (bot/followup.py, followup_rewrite.py)."""

from __future__ import annotations

import re

from bot.lexical import tokenize

CONNECTOR = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|thanks|thank you|right|great|cool|got it|i see)[,.!]?\s+)?(?:and|but|also|so|then|or|plus|"
    r"what about|how about|what if|same for|same question(?: for)?|same thing(?: for)?|likewise for|and what about|"
    r"and how about)\b[,\s]*",
    re.I)
WHAT_ABOUT = re.compile(r"^\s*(?:and\s+)?(?:what|how) about\b", re.I)
# "this privacy policy", "this bot": the situation everyone shares, not something said in the previous turn.
# "it wasn't me", "it's me": no thing is pointed at.
_DUMMY_IT = r"(?!\s*(?:wasn't|was not|isn't|is not|'s|is|was)\s+(?:me|us)\b)"
_DEICTIC = r"(?!\s+(?:privacy\s+)?(?:policy|policies|document|page|site|website|bot|assistant|app|chat|product|service|company|tool)\b)"
# "can Kimss guarantee that no system is breached?": "that" opening a clause after a verb of saying or
# assuring points at nothing, so the rewrite leaves it (bot/followup_rewrite.py). Not in the detector's
# POINTER: there it moved 3 detections of 1,170 (one fewer right) and no last turn, leave-one-author-out.
CLAUSE_THAT = "".join(f"(?<!{verb} )" for verb in ("guarantee", "guarantees", "ensure", "ensures", "promise", "confirm",
                                                  "say", "says", "said", "mean", "means", "sure", "know", "think",
                                                  "true", "claim", "claims", "state", "states", "prove", "verify"))
POINTER = re.compile(rf"\b(?:it{_DUMMY_IT}|them|those|these|they|their|its|that{_DEICTIC}|this{_DEICTIC}|such|there|mine|ours|yours|"
                     r"the same)\b", re.I)
# "ok, …", "well …", "because …", "… then?": a reply to what was just said.
DISCOURSE = re.compile(r"^\s*(?:ok(?:ay)?|well|because|hmm+|alright|fine|yes|yeah|no|nope|right)\b|\bthen\s*[?.!]*\s*$"
                       r"|\binstead\b|\bsame\b", re.I)
# A pronoun that stands for a thing (not "that" introducing a clause): at the end, before "?" or a
# preposition, or after a verb-like word.
OBJECT_POINTER = re.compile(r"\b(?:it|them|those|these|that|this)\b(?=\s*(?:[?.!,]|$|\s+(?:too|also|as well|for|to|"
                            r"with|from|by|in|on|forever|please|pls|then|anymore|safe|secure|encrypted|now)\b))", re.I)
SUBJECT_POINTER = re.compile(r"^\s*(?:(?:and|but|so|also)\s+)?(?:is|are|was|were|does|do|did|can|will|would|"
                             r"could|should|has|have)\s+(?:it|they|that|this|those|these)\b", re.I)
ADDITIVE = re.compile(r"\b(?:too|as well|else|either|instead|also)\b", re.I)
WH_ONLY = re.compile(r"^\s*(?:and\s+)?(?:why|how|when|where|who|what|which|really|how so|how come|"
                     r"for how long|since when)\s*\??\s*$", re.I)
# "delete it", "erase them", "a copy of that": a request whose object is the previous turn's topic.
REQUEST_POINTER = re.compile(r"\b(?:delete|erase|remove|wipe|purge|correct|fix|update|change|export|download|copy|"
                             r"send me|opt out of|stop)\b(?:\s+\w+){0,3}?\s+(?:it|them|that|this|those|these)\b", re.I)
# "Separately, …", "different question": the asker says the topic changes.
TOPIC_SWITCH = re.compile(r"\b(?:separately|unrelated|different question|another question|new question|"
                          r"different topic|other topic|changing (?:the )?(?:topic|subject)|one more thing)\b", re.I)
# Question words and auxiliaries that open a question; request verbs that open a request on their own.
_QUESTION_WORDS = "what|how|who|why|when|where|which|is|are|was|were|do|does|did|can|could|will|would|should|has|have"
_REQUEST_VERBS = "write|tell|recommend|give|show|explain|list|send|delete|erase|remove|find|book|translate|help"
_POLITE = r"(?:please\s+|pls\s+|kindly\s+)?"
QUESTION_START = re.compile(rf"^\s*(?:{_QUESTION_WORDS})\b", re.I)
# Who acts in a self-contained question: "do *you* sell…", "is *my* data…", "does *Kimss*…".
ACTOR = re.compile(r"\b(?:you|u|your|kimss|company|i|my|me|we|our|us)\b", re.I)
VERB_LIKE = re.compile(r"\b(?:is|are|was|were|be|do|does|did|can|could|will|would|should|has|have|had|keep|kept|"
                       r"store|stored|share|shared|sell|sold|use|used|collect|collected|protect|protected|delete|"
                       r"erase|remove|send|see|sees|read|need|get|give|include|includes|apply|happen|happens|"
                       r"encrypt|encrypted|secure|secured|process|processed|track|log|logged|record|want|like|reset|set|"
                       r"put|got|made|left|lost|found|sent|saw|think|thought|tell|told|ask|say|said|stop|opt|"
                       r"[a-z]+ed|[a-z]+n't)\b|\b(?:what|who|where|how|it|that|there)'s\b", re.I)
# Nouns that name what a privacy question is about: a message with one usually stands alone.
TOPIC_NOUNS = frozenset(tokenize(
    "data information info details logs log files file prompts prompt messages message conversations chat "
    "account accounts billing payment subscription records record email address password credentials "
    "authentication identity workspace workspaces configuration telemetry usage events analytics cookies cookie "
    "location traffic encryption security safeguards policy privacy children teenagers contact support "
    "responses metadata tools agents agent vulnerability complaint person human copy export gdpr ccpa compliant "
    "compliance law laws regulation subprocessors vendors advertisers partners breach"))

# An opening word that asks or asks for something on its own: a question word, an auxiliary, or a
# request verb ("write me…", "recommend…", "tell me…", "please erase…").
SELF_OPENING = re.compile(rf"^\s*{_POLITE}(?:{_QUESTION_WORDS}|{_REQUEST_VERBS})\b", re.I)
IMPERATIVE = re.compile(rf"^\s*{_POLITE}(?:{_REQUEST_VERBS})\b", re.I)
# "from which identity providers?", "for customers using connected tools?", "even files?": the rest of
# the previous question's sentence.
PREPOSITION_OPENING = re.compile(r"^\s*(?:(?:and|but|or|also|so)\s+)?(?:from|for|with|to|in|on|about|at|by|via|"
                                 r"through|during|after|before|including|even|except|without|outside|inside)\b", re.I)
# A subject or object of its own: someone named ("you", "Kimss", "my …") or a determiner and a noun
# ("the weather", "a poem", "the connection").
OWN_NOUN_PHRASE = re.compile(r"\b(?:you|u|kimss|i|we)\b|\b(?:the|a|an|my|our|your|any|some|every)\s+[a-z]{3,}", re.I)
# Words that carry no subject matter of their own ("what info should I give?" still leans on the turn before).
GENERIC_WORDS = frozenset(tokenize(
    "info information thing things stuff side way part kind sort type one ones lot bit case example "
    "need want give put include answer reply take make happen mean fast long soon quick quickly exactly "
    "else really actually please pls thanks ok okay good well yes yeah sure just also still even "
    # "sold to anyone?", "deleted ever?": who or when in general names no new subject
    "anyone anybody someone somebody everyone ever"))
# A thing named in the message itself, which its own later pointer can stand for ("a vulnerability", "my API key").
OWN_ANTECEDENT = re.compile(r"\b(?:a|an|my|our)\s+(?!(?:question|few|lot|bit|little|way|copy|look)\b)[a-z]{3,}", re.I)
