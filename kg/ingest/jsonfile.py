"""JSON Lines and JSON (an array, or one object) of paper records, read within `Limits`.

JSONL and arrays are read a record at a time (an array element by element, never whole);
an object document (one record, or ``{"papers": [...]}``) is read whole, up to the
`record` limit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from kg.errors import InputError
from kg.ingest.bounded import CHUNK, Source
from kg.ingest.jsonarray import SKIPPED, iter_array
from kg.ingest.limits import DEFAULT_LIMITS, LimitLog, Limits
from kg.ingest.record import paper_from_record
from kg.records import Paper

__all__ = ["read_json"]


def _parse_error(name: str, line: int, exc: json.JSONDecodeError) -> InputError:
    return InputError(
        f"{name}:{line}: malformed JSON ({exc.msg} at column {exc.colno}); "
        "each line must be one JSON object"
    )


def _loads(text: str, name: str, line: int) -> Any:
    """`json.loads`, raw control characters in strings allowed; hostile JSON is an InputError."""
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise InputError(f"{name}:{line}: JSON nested too deeply; flatten the record") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        reason = str(exc).split(";")[0].split(":")[0]
        raise InputError(f"{name}:{line}: unreadable JSON value ({reason}); write it as a string") from None


def _first_char(src: Source) -> str:
    """The first character that is not whitespace ("" if none in the first `CHUNK`); nothing consumed."""
    seen: list[str] = []
    size = 0
    while size < CHUNK:
        piece = src.read(1 << 16)
        if not piece:
            break
        seen.append(piece)
        size += len(piece)
        if piece.strip():
            break
    text = "".join(seen)
    src.unread(text)
    stripped = text.lstrip()
    return stripped[0] if stripped else ""


def read_json(fh: IO[str], name: str, limits: Limits = DEFAULT_LIMITS, log: LimitLog | None = None) -> Iterator[Paper]:
    """Yield papers from JSONL (one object per line) or from a JSON array / object."""
    log = log or LimitLog(limits)
    src = Source(fh, name)
    if _first_char(src) == "[":
        yield from _read_array(src, name, limits, log)
        return
    first = True
    for number, line in src.lines(limits.line):
        if line is None:
            log.skip(f"{name}:{number}", "line", f"line longer than {limits.line} characters")
            first = False
            continue
        stripped = line.strip()
        if not stripped:
            continue
        if limits.record and len(stripped) > limits.record:
            log.skip(f"{name}:{number}", "record", f"record of {len(stripped)} characters")
            first = False
            continue
        try:
            record: Any = _loads(stripped, name, number)
        except json.JSONDecodeError as exc:
            if first and (number == 1 or stripped == "{"):
                yield from _read_object(stripped, src, name, number, limits, log)
                return
            raise _parse_error(name, number, exc) from None
        first = False
        paper = paper_from_record(record, f"{name}:{number}", limits, log)
        if paper is not None:
            yield paper


def _read_array(src: Source, name: str, limits: Limits, log: LimitLog) -> Iterator[Paper]:
    for index, line, value in iter_array(src, limits.record):
        if value is SKIPPED:
            log.skip(f"{name}:{line}", "record", f"record #{index} longer than {limits.record} characters")
            continue
        paper = paper_from_record(value, f"{name}:#{index}", limits, log)
        if paper is not None:
            yield paper


def _read_object(
    first: str, src: Source, name: str, first_line: int, limits: Limits, log: LimitLog
) -> Iterator[Paper]:
    """A JSON object spread over lines: one record, or a wrapper of a list of them."""
    parts, size = [first, "\n"], len(first) + 1
    while piece := src.read():
        size += len(piece)
        if limits.record and size > limits.record:
            log.skip(
                f"{name}:{first_line}", "record",
                f"JSON object of more than {limits.record} characters (kg reads an object whole; "
                "write its papers as JSONL or a JSON array, which are read record by record)",
            )
            return
        parts.append(piece)
    try:
        data = _loads("".join(parts), name, first_line)
    except json.JSONDecodeError as exc:
        raise _parse_error(name, first_line + exc.lineno - 1, exc) from None
    if isinstance(data, dict):
        for key in ("papers", "records", "data", "items"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            data = [data]
    if not isinstance(data, list):
        raise InputError(f"{name}: expected a JSON array of paper objects")
    for index, record in enumerate(data, start=1):
        paper = paper_from_record(record, f"{name}:#{index}", limits, log)
        if paper is not None:
            yield paper
