"""Bounds on what one input may hold, and the warnings and counts when a record passes one.

The defaults sit far above real papers (see docs/reliability.md for the figures behind
them); `--limits key=N,...` or ``Limits(key=N)`` moves them, 0 turns one off.

>>> Limits.parse("line=32M,abstract=0").line
32000000
>>> Limits.parse("title=5x")
Traceback (most recent call last):
...
kg.errors.KGError: --limits: 'title=5x' is not a number; write key=N, e.g. title=5000 or line=32M
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from kg.errors import KGError

__all__ = ["DEFAULT_LIMITS", "RATIO_FLOOR", "WARNINGS_PER_LIMIT", "LimitLog", "Limits"]

# a compressed file is checked against `ratio` once it has expanded past this many bytes
RATIO_FLOOR = 64 << 20
# warnings printed per limit; the rest are only counted (build.json)
WARNINGS_PER_LIMIT = 10
_SUFFIXES = {"k": 10**3, "K": 10**3, "M": 10**6, "G": 10**9}


@dataclass(frozen=True)
class Limits:
    """What one input may hold; 0 means no limit.

    Characters of text: `title` (past it the record is skipped), `abstract` (cut),
    `authors` and `categories` (all names together; the list is cut), `url` (dropped),
    `id` (an ID or DOI; dropped), `line` (one input line; skipped while reading, with the
    record it holds), `record` (one JSONL line, CSV row, JSON array element or JSON
    object document; skipped). Bytes: `expanded` (what a compressed input may expand
    to) and `ratio` (expanded / compressed size); past either the build stops.
    """

    title: int = 2_000
    abstract: int = 200_000  # as much as extraction reads of a field (kg.nlp.extract.MAX_FIELD_CHARS)
    authors: int = 200_000
    categories: int = 10_000
    url: int = 4_096
    id: int = 1_000
    line: int = 16_000_000
    record: int = 16_000_000
    expanded: int = 50_000_000_000
    ratio: int = 200

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise KGError(f"--limits {f.name}={value!r}: a limit is a whole number >= 0 (0: no limit)")

    @classmethod
    def parse(cls, text: str | None, base: Limits | None = None) -> Limits:
        """`base` (the defaults) with the ``key=N,...`` of `text` applied; N may end in k, M or G."""
        base = base or cls()
        if not text or not text.strip():
            return base
        keys = [f.name for f in fields(cls)]
        changes: dict[str, int] = {}
        for item in (x.strip() for x in text.split(",")):
            if not item:
                continue
            key, sep, value = (s.strip() for s in item.partition("="))
            if key not in keys or not sep:
                raise KGError(f"--limits: unknown limit {item!r}; use key=N with key one of {', '.join(keys)}")
            scale = _SUFFIXES.get(value[-1:], 1)
            number = value[:-1] if scale > 1 else value
            if not number.replace("_", "").isdigit():
                raise KGError(f"--limits: {item!r} is not a number; write key=N, e.g. title=5000 or line=32M")
            changes[key] = int(number) * scale
        return replace(base, **changes)

    def option(self, key: str) -> str:
        """How the limit is named in messages: ``--limits line=16000000``."""
        return f"--limits {key}={getattr(self, key)}"

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


DEFAULT_LIMITS = Limits()


@dataclass
class LimitLog:
    """Warns on stderr (the first `WARNINGS_PER_LIMIT` per limit) and counts what passed a limit."""

    limits: Limits = DEFAULT_LIMITS
    hits: Counter[str] = field(default_factory=Counter)
    skipped: int = 0  # records left out

    def skip(self, where: str, key: str, what: str) -> None:
        """A record left out: `what` passed limit `key`."""
        self.skipped += 1
        self._warn(where, key, f"{what}: record skipped")

    def cut(self, where: str, key: str, what: str) -> None:
        """A field cut or dropped, the record kept."""
        self._warn(where, key, what)

    def _warn(self, where: str, key: str, message: str) -> None:
        self.hits[key] += 1
        n = self.hits[key]
        if n <= WARNINGS_PER_LIMIT:
            print(
                f"warning: {where}: {message} ({self.limits.option(key)}; raise it with --limits {key}=N)",
                file=sys.stderr,
            )
        if n == WARNINGS_PER_LIMIT:
            print(f"warning: further records past {self.limits.option(key)} are only counted", file=sys.stderr)

    def report(self) -> dict[str, Any]:
        """The counts for build.json."""
        return {"records_skipped": self.skipped, "limits_hit": dict(sorted(self.hits.items()))}
