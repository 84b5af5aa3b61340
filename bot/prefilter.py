"""Literal prefilters for the regular expressions searched on every ask.

Python's `re` tries every alternative of a pattern at every position of the text: the verifier's 25
concept patterns alone took about 0.1 ms per question, though most of them match nothing. Each
pattern wrapped here carries literal strings, one of which any match must contain (read off the
pattern's parse tree); when none of them occurs in the text the pattern cannot match and is not run.
`Prefiltered(p).search(text)` is therefore `p.search(text)` exactly (tests/test_prefilter.py checks
it over every question and router line the repository holds), at the cost of a few substring tests
for the patterns that cannot match.
"""

from __future__ import annotations

import re

# The parse tree of a pattern (the module the `re` compiler itself uses; `sre_parse` before 3.11).
from re import _constants as _c
from re import _parser

_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT)


def required_literals(pattern: re.Pattern) -> frozenset[str] | None:
    """Strings one of which every match of `pattern` contains; None when none can be told (then the
    pattern always runs). Case-insensitive patterns get None: their literals match other strings."""
    if pattern.flags & re.IGNORECASE:
        return None
    return _required(list(_parser.parse(pattern.pattern, pattern.flags)))


def _required(items: list) -> frozenset[str] | None:
    """For a sequence of parse items: the most selective requirement among its literal runs and its
    required sub-items (a match of the sequence contains a match of each of them)."""
    best: frozenset[str] | None = None
    run: list[str] = []

    def consider(strings: frozenset[str] | None) -> None:
        nonlocal best
        if strings and all(strings) and (best is None or _selectivity(strings) > _selectivity(best)):
            best = strings

    for op, argument in items:
        if op is _c.LITERAL:
            run.append(chr(argument))
            continue
        if op is _c.AT:  # \b, ^, $ consume nothing: the literals on both sides stay adjacent in the text
            continue
        consider(frozenset(["".join(run)]) if run else None)
        run = []
        if op is _c.SUBPATTERN:
            _group, add_flags, del_flags, inner = argument
            consider(None if add_flags or del_flags else _required(list(inner)))
        elif op is _c.BRANCH:
            alternatives = [_required(list(alternative)) for alternative in argument[1]]
            if all(a is not None for a in alternatives):
                consider(frozenset().union(*alternatives))
        elif op in _REPEATS and argument[0] >= 1:  # repeated at least once: its requirement holds
            consider(_required(list(argument[2])))
        # Anything else (classes, optional repeats, look-arounds, back-references) requires nothing known.
    consider(frozenset(["".join(run)]) if run else None)
    return best


def _selectivity(strings: frozenset[str]) -> tuple[int, int]:
    """Longer shortest string first (rarer in text), then fewer strings (fewer tests)."""
    return min(map(len, strings)), -len(strings)


class Prefiltered:
    """A compiled pattern whose `search` skips the regular expression when no required literal occurs."""

    __slots__ = ("pattern", "literals")

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        literals = required_literals(pattern)
        # A one-character literal ("?", "s") is in nearly every text: testing for it costs more than it saves.
        self.literals = tuple(sorted(literals)) if literals and min(map(len, literals)) > 1 else None

    def search(self, text: str) -> re.Match | None:
        literals = self.literals
        if literals is not None:
            for literal in literals:
                if literal in text:
                    return self.pattern.search(text)
            return None
        return self.pattern.search(text)
