"""Remove personal data from text before it is stored or logged.

Replaced, in this order (each by a bracketed tag, so a report still reads naturally):
Slack mentions `<@U…>` → [user], email addresses → [email], IBANs → [iban], payment card
numbers that pass the Luhn check → [card], IPv6 and IPv4 addresses → [ip], phone numbers → [phone],
any other run of 6 or more digits → [number]. Dates such as 2026-04-30 are kept.

Over-redacting is acceptable; leaking is not: a number that looks like a phone number but is not
one is still removed.

Log lines are fed by unauthenticated input (URLs, bodies that fail verification), so every pattern
runs in linear time: each repetition has an upper bound (an email's local part is at most 64
characters, a domain label 63, a mention 80), so no start position can scan the rest of the text,
and no quantified group contains another unbounded quantifier. tests/test_redact_linear.py feeds
every pattern the inputs that made the earlier patterns quadratic.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

SLACK_MENTION = re.compile(r"<[@!](?:[UW][A-Z0-9]{1,40}|subteam\^[A-Z0-9]{1,40})(?:\|[^>]{0,80})?>"
                           r"|(?<![\w@])@[UW][A-Z0-9]{6,40}\b")
# Local part up to 64 characters (RFC 5321); labels up to 63, at most 10 of them after the first.
EMAIL = re.compile(r"(?:mailto:)?[A-Za-z0-9!#$%&'*+/=?^_`{}~.-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,10}")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?\b")
CARD = re.compile(r"(?<![\d])(?:\d[ -]?){12,18}\d(?![\d])")
IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?:%\w{1,32})?"
                  r"(?![\w:]|\.\d)")
IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.]{0,64}\d)")
PHONE = re.compile(r"(?:(?<![\w+])\+|(?<![\w]))\(?\d[\d ().\-/]{5,40}\d(?!\w)")
DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}")
DIGITS = re.compile(r"\d{6,}")

MIN_PHONE_DIGITS = 7


@dataclass
class Redacted:
    text: str
    found: dict[str, int] = field(default_factory=dict)  # kind -> how many were removed

    @property
    def count(self) -> int:
        return sum(self.found.values())


def redact(text: str) -> Redacted:
    result = Redacted(text or "")

    def sub(pattern: re.Pattern, tag: str, keep=None) -> None:
        def replace(match: re.Match) -> str:
            if keep is not None and keep(match.group(0)):
                return match.group(0)
            result.found[tag] = result.found.get(tag, 0) + 1
            return f"[{tag}]"

        result.text = pattern.sub(replace, result.text)

    sub(SLACK_MENTION, "user")
    if "@" in result.text:  # most text has none: skip the costliest scan
        sub(EMAIL, "email")
    sub(IBAN, "iban", keep=lambda s: not _looks_like_iban(s))
    sub(CARD, "card", keep=lambda s: not _luhn(s))
    sub(IPV6, "ip", keep=lambda s: not _is_ip(s))
    sub(IPV4, "ip", keep=lambda s: not _is_ip(s))
    sub(PHONE, "phone", keep=_not_a_phone)
    sub(DIGITS, "number")
    return result


def redact_text(text: str) -> str:
    return redact(text).text


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _luhn(text: str) -> bool:
    digits = _digits(text)
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def _looks_like_iban(text: str) -> bool:
    """Country code, check digits, then a BBAN with at least some digits (words are not IBANs)."""
    compact = re.sub(r"[ -]", "", text).upper()
    return 15 <= len(compact) <= 34 and sum(ch.isdigit() for ch in compact[4:]) >= 6


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return False
    return True


def _not_a_phone(text: str) -> bool:
    if text.isdigit():
        return True  # a bare run of digits: tagged [number] below
    return len(_digits(text)) < MIN_PHONE_DIGITS or bool(DATE.fullmatch(text.strip("() ")))
