"""A JSON array read element by element, never whole: each element is parsed on its own,
and one longer than the record limit is skipped by scanning its structure, not held.

>>> import io
>>> from kg.ingest.bounded import CHUNK, Source
>>> src = Source(io.StringIO('[{"a": 1},\\n {"b": "' + "x" * 100 + '"}, 3]'), "f.json")
>>> [(i, line, v) for i, line, v in iter_array(src, 50)]
[(1, 1, {'a': 1}), (2, 2, Ellipsis), (3, 2, 3)]
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from kg.errors import InputError
from kg.ingest.bounded import CHUNK, Source

__all__ = ["iter_array", "SKIPPED"]

SKIPPED: Any = ...  # the value yielded for an element past the limit
_WS = re.compile(r"[ \t\n\r]*")
_IN_STRING = re.compile(r'["\\]')
_STRUCTURE = re.compile(r'["\[\]{}]')
_SCALAR_END = re.compile(r"[\s,\]}]")
_DECODER = json.JSONDecoder(strict=False)  # raw control characters in strings allowed, as json.loads(strict=False)
_TAIL = 16  # a parse error this close to the end of the buffer may be a value cut by the buffer


class _Buffer:
    """The unread part of the document, refilled in chunks; counts lines as it drops text."""

    def __init__(self, src: Source, chunk: int) -> None:
        self.src = src
        self.chunk = chunk
        self.text = ""
        self.pos = 0
        self.eof = False
        self._at = (0, 1)  # (position, its line number), counted so far

    def more(self) -> bool:
        """Drop what is consumed, append a chunk; False at the end of the input."""
        if self.pos:
            self._at = (0, self.line_at(self.pos))
            self.text, self.pos = self.text[self.pos:], 0
        chunk = self.src.read(self.chunk)
        if not chunk:
            self.eof = True
            return False
        self.text += chunk
        return True

    def peek(self) -> str:
        """The next character that is not JSON whitespace ("" at the end); `pos` moves to it."""
        while True:
            self.pos = _WS.match(self.text, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""

    def line_at(self, pos: int) -> int:
        """The line number at `pos`, counted on from the last position asked (positions grow)."""
        start, line = self._at if pos >= self._at[0] else (0, self._at[1] - self.text.count("\n", 0, self._at[0]))
        line += self.text.count("\n", start, pos)
        self._at = (pos, line)
        return line

    def error(self, what: str, pos: int | None = None) -> InputError:
        return InputError(f"{self.src.name}:{self.line_at(self.pos if pos is None else pos)}: malformed JSON ({what})")


def _value(buf: _Buffer, limit: int) -> Any:
    """Parse the value at `buf.pos`; SKIPPED (and skip it) when it is longer than `limit`."""
    while True:
        try:
            value, end = _DECODER.raw_decode(buf.text, buf.pos)
        except json.JSONDecodeError as exc:
            cut = exc.msg.startswith("Unterminated string") or exc.pos >= len(buf.text) - _TAIL
            if buf.eof or not cut:
                raise buf.error(exc.msg, exc.pos) from None
            if limit and len(buf.text) - buf.pos > limit:
                _skip(buf)
                return SKIPPED
            buf.more()
            continue
        except RecursionError:
            where = f"{buf.src.name}:{buf.line_at(buf.pos)}"
            raise InputError(f"{where}: JSON nested too deeply; flatten the record") from None
        except ValueError as exc:  # e.g. an integer of more than 4300 digits
            reason = str(exc).split(";")[0].split(":")[0]
            raise InputError(
                f"{buf.src.name}:{buf.line_at(buf.pos)}: unreadable JSON value ({reason}); write it as a string"
            ) from None
        if len(buf.text) - end < _TAIL and not buf.eof:  # a number ("1.", "2e-") may go on in the next chunk
            buf.more()
            continue
        if limit and end - buf.pos > limit:
            buf.pos = end
            return SKIPPED
        buf.pos = end
        return value


def _skip(buf: _Buffer) -> None:
    """Move past the value at `buf.pos` by its brackets and quotes, a chunk at a time."""
    depth, in_string = 0, False
    if buf.text[buf.pos] not in '"[{':  # a scalar (a number of millions of digits)
        while (m := _SCALAR_END.search(buf.text, buf.pos)) is None:
            buf.pos = len(buf.text)
            if not buf.more():
                return
        buf.pos = m.start()
        return
    while True:
        text, pos = buf.text, buf.pos
        while pos < len(text):
            if in_string:
                m = _IN_STRING.search(text, pos)
                if m is None:
                    pos = len(text)
                elif m.group() == "\\":
                    if m.end() == len(text):  # the escaped character is in the next chunk
                        pos = m.start()
                        break
                    pos = m.end() + 1
                else:
                    in_string, pos = False, m.end()
                    if depth == 0:
                        buf.pos = pos
                        return
                continue
            quote = text.find('"', pos)
            stop = len(text) if quote < 0 else quote
            closers = text.count("]", pos, stop) + text.count("}", pos, stop)
            if closers < depth:  # the value cannot end before the next quote: count, do not walk
                depth += text.count("[", pos, stop) + text.count("{", pos, stop) - closers
                pos = stop
                if quote >= 0:
                    in_string, pos = True, quote + 1
                continue
            m = _STRUCTURE.search(text, pos)
            assert m is not None  # a closer or the quote lies ahead
            pos = m.end()
            if m.group() == '"':
                in_string = True
            elif m.group() in "[{":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    buf.pos = pos
                    return
        buf.pos = pos
        if not buf.more():
            raise buf.error("the document ends inside a value")


def iter_array(src: Source, limit: int, chunk: int = CHUNK) -> Iterator[tuple[int, int, Any]]:
    """(index from 1, line, value) for each element of the JSON array `src` holds, read
    `chunk` characters at a time; the value is `SKIPPED` for an element longer than `limit`
    characters (0: no limit)."""
    buf = _Buffer(src, chunk)
    if buf.peek() != "[":
        raise buf.error("expected '['")
    buf.pos += 1
    index = 0
    if buf.peek() == "]":
        buf.pos += 1
    else:
        while True:
            index += 1
            if buf.peek() == "":
                raise buf.error("the document ends inside the array")
            line = buf.line_at(buf.pos)
            yield index, line, _value(buf, limit)
            after = buf.peek()
            buf.pos += 1
            if after == "]":
                break
            if not after:
                raise buf.error("the document ends inside the array")
            if after != ",":
                raise buf.error("expected ',' or ']' after an element")
    if buf.peek():
        raise buf.error("extra data after the array")
