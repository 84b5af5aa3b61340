"""Reading `.env`: python-dotenv's parser, with problems reported once and with their line number.

A malformed line is skipped (the rest of the file still counts) and named by its line number;
a key the assistant does not read is most likely a typo (`SLAK_BOT_TOKEN`), so it is named too.
Warnings go to stderr once per process, before logging is set up; values are never shown.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable, Mapping

from dotenv.parser import parse_stream

# Keys other tools read from the environment: not typos.
_FOREIGN_PREFIXES = ("HF_", "TRANSFORMERS_", "TOKENIZERS_", "OMP_", "PYTHON", "CHROMA_", "ANONYMIZED_", "SENTENCE_")
_reported: set[str] = set()


def read_dotenv(path: Path) -> dict[str, str]:
    """The file's key/value pairs; a line that cannot be parsed is reported and skipped."""
    values: dict[str, str] = {}
    with path.open(encoding="utf-8") as stream:
        for binding in parse_stream(stream):
            if binding.error:
                statement = binding.original.string.strip().splitlines()[0][:40] if binding.original.string.strip() else ""
                key = statement.split("=", 1)[0].strip()
                _warn(f"{path.name} line {binding.original.line}: cannot read this line"
                      + (f" (starting {key!r})" if key else "") + "; expected NAME=value, so it is ignored")
            elif binding.key is not None and binding.value is not None:
                values[binding.key] = binding.value
    return values


def warn_unknown_keys(path: Path, keys: Iterable[str], known: set[str]) -> list[str]:
    """Name the keys of `.env` that no setting reads (probably misspelt); returns them."""
    unknown = sorted(k for k in keys if k not in known and not k.startswith(_FOREIGN_PREFIXES))
    for key in unknown:
        close = _closest(key, known)
        _warn(f"{path.name}: {key} is not a setting of the assistant and is ignored"
              + (f" (did you mean {close}?)" if close else ""))
    return unknown


class RecordingMapping(Mapping[str, str]):
    """Remembers which names were looked up: the settings actually read, whoever added them."""

    def __init__(self, inner: Mapping[str, str]):
        self.inner = inner
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return self.inner[key]

    def get(self, key, default=None):
        self.read.add(key)
        return self.inner.get(key, default)

    def __contains__(self, key) -> bool:
        self.read.add(key)
        return key in self.inner

    def __iter__(self):
        return iter(self.inner)

    def __len__(self) -> int:
        return len(self.inner)


def _closest(key: str, known: set[str]) -> str | None:
    import difflib

    match = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.75)
    return match[0] if match else None


def _warn(message: str) -> None:
    if message not in _reported:  # once per process, however often settings are read
        _reported.add(message)
        print(f"privacy-bot: warning: {message}", file=sys.stderr)
