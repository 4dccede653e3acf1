"""A JSON array (or the arrays of a JSON object) read element by element, never whole: each
element is parsed on its own, and one longer than the record limit is skipped by scanning
its structure, not held.

>>> import io
>>> from kg.ingest.bounded import CHUNK, Source
>>> src = Source(io.StringIO('[{"a": 1},\\n {"b": "' + "x" * 100 + '"}, 3]'), "f.json")
>>> [(i, line, v) for i, line, v in iter_array(src, 50)]
[(1, 1, {'a': 1}), (2, 2, Ellipsis), (3, 2, 3)]
>>> src = Source(io.StringIO('{"n": 2, "papers": [{"a": 1}, {"b": 2}]}'), "f.json")
>>> [(key, i, v) for key, i, _, v, _ in iter_object(src, 50)]
[('n', 0, 2), ('papers', 1, {'a': 1}), ('papers', 2, {'b': 2})]
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from kg.errors import InputError
from kg.ingest.bounded import CHUNK, Source

__all__ = ["SKIPPED", "iter_array", "iter_object"]

SKIPPED: Any = ...  # the value yielded for an element past the limit
_WS = re.compile(r"[ \t\n\r]*")
_STRUCTURE = re.compile(r'["\[\]{}]')
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_STRING_BODY = re.compile(r'(?:[^"\\]|\\.)*', re.S)
_ESCAPED_QUOTE = re.compile(r'(?<!\\)(?:\\\\)*\\"')  # a quote after an odd run of backslashes
_LAST_QUOTE = re.compile(r'"(?:\\\\)*(?!\\)')  # in reversed text: a quote after an even run of backslashes
_NON_BRACKETS = re.compile(r"[^\[\]{}]+")
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
        self.src.line = self._at[1] + self.text.count("\n", self._at[0])  # for read errors
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


def _decode(buf: _Buffer) -> tuple[Any, int]:
    """`raw_decode` at `buf.pos`; hostile JSON (too deep, huge integers) is an InputError."""
    try:
        return _DECODER.raw_decode(buf.text, buf.pos)  # type: ignore[no-any-return]
    except json.JSONDecodeError:
        raise
    except RecursionError:
        where = f"{buf.src.name}:{buf.line_at(buf.pos)}"
        raise InputError(f"{where}: JSON nested too deeply; flatten the record") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        reason = str(exc).split(";")[0].split(":")[0]
        raise InputError(
            f"{buf.src.name}:{buf.line_at(buf.pos)}: unreadable JSON value ({reason}); write it as a string"
        ) from None


def _value(buf: _Buffer, limit: int) -> tuple[Any, int]:
    """Parse the value at `buf.pos`: (value, its length in characters); the value is SKIPPED
    (and read past) when it is longer than `limit`.

    A value the buffer holds whole is parsed at once; one cut by the end of the buffer is
    parsed again after one more chunk when it starts in the last chunk (most values are
    short); one that goes on past that is first delimited by `_extent` (read on, never
    parsed twice), then parsed.
    """
    try:
        value, end = _decode(buf)
        cut = len(buf.text) - end < _TAIL  # a number ("1.", "2e-") may go on in the next chunk
    except json.JSONDecodeError as exc:
        cut = exc.msg.startswith("Unterminated string") or exc.pos >= len(buf.text) - _TAIL
        if not cut or buf.eof:
            raise buf.error(exc.msg, exc.pos) from None
    if cut and not buf.eof:
        if len(buf.text) - buf.pos < buf.chunk and buf.more():
            return _value(buf, limit)
        if _extent(buf, limit) is None:
            return SKIPPED, limit + 1
        try:
            value, end = _decode(buf)
        except json.JSONDecodeError as exc:
            raise buf.error(exc.msg, exc.pos) from None
    start, buf.pos = buf.pos, end
    return (SKIPPED if limit and end - start > limit else value), end - start


def _extent(buf: _Buffer, limit: int) -> int | None:
    """The end of the value at `buf.pos`, found by its quotes and brackets, reading on with
    the value kept in the buffer; None when it is longer than `limit` (0: no limit): then
    it is dropped as it is read and `buf.pos` is left after it."""
    first = buf.text[buf.pos]
    cursor = buf.pos + 1
    depth, in_string = (0, True) if first == '"' else (1, False)
    keep = True
    while True:
        text = buf.text
        if first in '"[{':
            cursor, depth, in_string, done = _scan(text, cursor, depth, in_string)
        else:  # a number: it ends at a delimiter
            m = _SCALAR_END.search(text, cursor)
            cursor, done = (m.start(), True) if m else (len(text), False)
        if keep and limit and cursor - buf.pos > limit:
            keep = False
        if done or (buf.eof and first not in '"[{'):
            if keep:
                return cursor
            buf.pos = cursor
            return None
        if not keep:
            buf.pos = cursor
        offset = cursor - buf.pos
        if not buf.more():
            if first not in '"[{':
                continue
            raise buf.error("the document ends inside a value")
        cursor = buf.pos + offset


def _scan(text: str, pos: int, depth: int, in_string: bool) -> tuple[int, int, bool, bool]:
    """Walk `text` from `pos` (`depth` brackets deep, inside a string or not) to where the
    value ends: (position, depth, in a string, ended)."""
    if in_string:  # a string carried over from the last chunk
        pos, closed = _string_end(text, pos)
        if not closed:
            return pos, depth, True, False
        in_string = False
        if depth == 0:
            return pos, 0, False, True
    if (jump := _bulk(text, pos, depth)) is not None:
        pos, depth, in_string = jump
        if in_string:
            pos, _ = _string_end(text, pos)  # the string runs to the end of the text
        return pos, depth, in_string, False
    while pos < len(text):
        if in_string:
            pos, closed = _string_end(text, pos)
            if not closed:
                break
            in_string = False
            if depth == 0:
                return pos, 0, False, True
            continue
        m = _STRUCTURE.search(text, pos)
        if m is None:
            return len(text), depth, False, False
        pos = m.end()
        if m.group() == '"':
            in_string = True
        elif m.group() in "[{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return pos, 0, False, True
    return pos, depth, in_string, False


def _string_end(text: str, pos: int) -> tuple[int, bool]:
    """(position after the closing quote, True) of the string whose body starts at `pos`,
    or (where to read on from, False) when it does not end in `text`."""
    quote = text.find('"', pos)  # str.find runs at memory speed, a regex at a tenth of it
    backslash = text.find("\\", pos, len(text) if quote < 0 else quote)
    if backslash < 0:
        return (len(text), False) if quote < 0 else (quote + 1, True)
    end = _STRING_BODY.match(text, backslash).end()  # type: ignore[union-attr]
    if end < len(text) and text[end] == '"':
        return end + 1, True
    return end, False  # the end of the text, or a backslash whose escaped character comes next


def _bulk(text: str, pos: int, depth: int) -> tuple[int, int, bool] | None:
    """(position, depth, inside a string) past what follows `pos` (outside a string, `depth`
    brackets deep) when the value cannot end there; None when it may. All in C: strings
    are dropped and brackets counted by regexes and numpy, not walked one by one."""
    import numpy as np

    rest = text[pos:]
    opened = _open_string(rest)
    stop = pos + opened if opened >= 0 else len(text)
    brackets = _NON_BRACKETS.sub("", _STRING.sub("", rest[:opened] if opened >= 0 else rest))
    if brackets:
        steps = np.frombuffer(brackets.encode("ascii"), np.uint8)
        levels = depth + np.cumsum(np.where((steps == 91) | (steps == 123), 1, -1))
        if levels.min() <= 0:
            return None
        depth = int(levels[-1])
    return (stop + 1, depth, True) if opened >= 0 else (len(text), depth, False)


def _open_string(text: str) -> int:
    """Where the string left open at the end of `text` (which starts outside a string)
    begins, or -1: an odd number of unescaped quotes leaves one open, the last of them."""
    quotes = text.count('"')
    if "\\" in text:
        quotes -= len(_ESCAPED_QUOTE.findall(text))
    if quotes % 2 == 0:
        return -1
    last = _LAST_QUOTE.search(text[::-1])
    assert last is not None
    return len(text) - 1 - last.start()


def _elements(buf: _Buffer, limit: int) -> Iterator[tuple[int, int, Any, int]]:
    """(index from 1, line, value, length) for each element of the array at `buf.pos`."""
    buf.pos += 1
    index = 0
    if buf.peek() == "]":
        buf.pos += 1
        return
    while True:
        index += 1
        if buf.peek() == "":
            raise buf.error("the document ends inside the array")
        line = buf.line_at(buf.pos)
        yield index, line, *_value(buf, limit)
        after = buf.peek()
        buf.pos += 1
        if after == "]":
            return
        if not after:
            raise buf.error("the document ends inside the array")
        if after != ",":
            raise buf.error("expected ',' or ']' after an element")


def iter_array(src: Source, limit: int, chunk: int = CHUNK) -> Iterator[tuple[int, int, Any]]:
    """(index from 1, line, value) for each element of the JSON array `src` holds, read
    `chunk` characters at a time; the value is `SKIPPED` for an element longer than `limit`
    characters (0: no limit)."""
    buf = _Buffer(src, chunk)
    if buf.peek() != "[":
        raise buf.error("expected '['")
    for index, line, value, _ in _elements(buf, limit):
        yield index, line, value
    if buf.peek():
        raise buf.error("extra data after the array")


def iter_object(src: Source, limit: int, chunk: int = CHUNK) -> Iterator[tuple[str, int, int, Any, int]]:
    """(key, index, line, value, length) for each member of the JSON object `src` holds: index
    0 for a member that is not an array (or an empty one), else one tuple per element (index
    from 1). Values longer than `limit` characters are `SKIPPED`, as in `iter_array`."""
    buf = _Buffer(src, chunk)
    if buf.peek() != "{":
        raise buf.error("expected '{'")
    buf.pos += 1
    if buf.peek() == "}":
        buf.pos += 1
    else:
        while True:
            if buf.peek() != '"':
                raise buf.error("expected a key in double quotes")
            key, _ = _value(buf, limit)
            if key is SKIPPED:
                raise buf.error(f"a key longer than {limit} characters")
            if buf.peek() != ":":
                raise buf.error("expected ':' after a key")
            buf.pos += 1
            line = buf.line_at(buf.pos)
            after = buf.peek()
            if after == "[":
                index = 0
                for index, at, value, length in _elements(buf, limit):
                    yield key, index, at, value, length
                if not index:
                    yield key, 0, line, [], 2
            elif after:
                yield key, 0, line, *_value(buf, limit)
            after = buf.peek()
            buf.pos += 1
            if after == "}":
                break
            if after != ",":
                raise buf.error(
                    "expected ',' or '}' after a member" if after else "the document ends inside the object"
                )
    if buf.peek():
        raise buf.error("extra data after the object")
