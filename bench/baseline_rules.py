"""BASELINE ONLY: the regular-expression intents the assistant used before the learned router.

bench/bench_router.py runs them beside the router in the same run (issue 10). Nothing in bot/
imports this module any more; the assistant routes with bot/understanding/.

Rules, not a model: every escalation must be explainable to the privacy team, and a missed
data-subject request is worse than an extra hand-off, so the patterns lean towards escalating
whenever someone asks for something to be *done* to their data. Questions *about* a topic
("what security measures…?") are answered from the policy instead.
"""

from __future__ import annotations

import re

_I = r"(?:\bi\b|\bi'm\b|\bi've\b|\bwe\b|\bme\b|\bmy\b|\bour\b|\bus\b)"
_MY_DATA = (r"(?:(?:my|our|me|us|mine|all)\b[\w\s,'-]{0,40}?\b(?:data|information|info|details|account|records?|"
            r"history|profile|messages|conversations|prompts|files|logs|emails?|workspace|everything)"
            r"|(?:everything|all|anything|whatever)\b[\w\s,'-]{0,30}?\b(?:on|about|of|from) (?:me|us)\b)")

DATA_REQUEST = [
    # deletion / erasure
    rf"\b(?:delete|erase|remove|wipe|purge|destroy|get rid of)\b.{{0,30}}{_MY_DATA}",
    rf"{_MY_DATA}.{{0,40}}\b(?:deleted|erased|removed|wiped|purged|destroyed)\b",
    r"\b(?:delete|erase|remove|wipe|purge)\b.{0,40}\b(?:everything|all)\b.{0,40}\b(?:about|on|of|from) (?:me|us)\b",
    r"\bright to (?:be forgotten|erasure|deletion)\b",
    r"\b(?:close|terminate|cancel) (?:my|our) account\b.{0,40}\bdata\b",
    # access / copy / export
    rf"(?:\bi\b|\bwe\b|please|let me|let us)\W.{{0,25}}\b(?:access|see|view|obtain|get|receive|download|export)\b"
    rf".{{0,30}}{_MY_DATA}",
    rf"\b(?:copy|export|download|portability)\b.{{0,25}}{_MY_DATA}",
    r"\bwhat (?:data|information|personal data) (?:do|does) (?:you|kimss(?: ai)?) (?:have|hold|store|keep) (?:on|about) (?:me|us)\b",
    r"\b(?:subject access|data subject|dsar|sar)\b(?: request)?",
    r"\b(?:gdpr|ccpa|privacy) request\b",
    # correction
    rf"\b(?:correct|rectify|fix|update|amend|change)\b.{{0,20}}{_MY_DATA}",
    rf"{_MY_DATA}.{{0,30}}\b(?:is|are) (?:wrong|incorrect|inaccurate|out of date|outdated)\b",
    # objection / opt-out of processing
    rf"\b(?:opt(?:[- ]?out)?|object|objection|withdraw (?:my )?consent|stop (?:using|processing))\b.{{0,40}}"
    rf"(?:{_MY_DATA}|processing|training|analytics|marketing)",
    r"\bdo not (?:sell|share) my\b",
]

SECURITY = [
    rf"{_I}.{{0,40}}\b(?:hacked|compromised|breached|stolen|phished|leaked)\b",
    rf"\b(?:hacked|compromised|breached|stolen|leaked|exposed)\b.{{0,40}}{_I}",
    r"\b(?:report|disclose|found|discovered|noticed|spotted|think there is|there is|there's) (?:a |an )?"
    r"(?:security (?:issue|bug|hole|flaw|problem|incident|vulnerability)|vulnerabilit(?:y|ies)|breach|data leak|leak|exploit|xss|injection)",
    rf"\bunauthori[sz]ed (?:access|login|log-in|sign-in|activity|use)\b.{{0,40}}{_I}",
    rf"{_I}.{{0,40}}\bunauthori[sz]ed (?:access|login|log-in|sign-in|activity|use)\b",
    r"\b(?:someone|somebody|a stranger|an attacker)\b.{0,40}\b(?:accessed|logged in|logged into|got into|broke into|is using)\b",
    r"\bphishing\b",
    r"\b(?:was there|has there been|did you have) (?:a |an )?(?:data )?(?:breach|leak|security incident)\b",
]

USER_REQUEST = [
    r"\b(?:talk|speak|chat)(?:ing)? (?:to|with) (?:a |an |the |your |someone|somebody|real|human|person|people|privacy|support|dpo|data protection)",
    r"\b(?:human|real person|live (?:agent|person)|representative|someone real)\b",
    r"\b(?:connect|put|transfer|escalate) (?:me|us|this)\b",
    r"\bescalat(?:e|ion)\b",
    r"\bcomplain(?:t|ts|ing)?\b",
    r"\b(?:need|want|like) (?:to (?:reach|contact)|help from) (?:a |the |your )?(?:person|human|privacy team|support|someone|dpo)",
    r"\bdata protection officer\b|\bdpo\b",
]

OFF_TOPIC = [
    r"\bignore (?:all |any |your |the |previous |prior |above )+(?:instructions|rules|prompts?)\b",
    r"\b(?:system prompt|jailbreak|pretend (?:to be|you are)|act as|roleplay|role-play)\b",
    r"\b(?:write|compose|tell|give) (?:me )?(?:a |an )?(?:poem|song|story|joke|haiku|essay|limerick|recipe)\b",
    r"\b(?:weather|forecast|stock price|bitcoin|football|recipe|horoscope|lottery)\b",
]

_COMPILED = {
    reason: [re.compile(p, re.I) for p in patterns]
    for reason, patterns in (("security", SECURITY), ("data_request", DATA_REQUEST), ("user_request", USER_REQUEST))
}
_OFF_TOPIC = [re.compile(p, re.I) for p in OFF_TOPIC]


def _normalise(question: str) -> str:
    return re.sub(r"\s+", " ", question.replace("’", "'")).strip()


def escalation_intent(question: str) -> str | None:
    """"security" | "data_request" | "user_request" | None. Security first: it is the most urgent."""
    text = _normalise(question)
    for reason, patterns in _COMPILED.items():
        if any(p.search(text) for p in patterns):
            return reason
    return None


def looks_off_topic(question: str) -> bool:
    """An instruction to the bot or a subject plainly outside privacy (used with retrieval scores)."""
    text = _normalise(question)
    return any(p.search(text) for p in _OFF_TOPIC)
