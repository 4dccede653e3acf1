"""JSON Lines and JSON documents of paper records, read within `Limits`.

A document is an array of records, one record, an object holding one list of records under
any key (``{"papers": [...]}``, OpenAlex's ``{"results": [...]}``, Semantic Scholar's
``{"data": [...]}``), or an object of records keyed by their id. JSONL, arrays and the list
of records of an object are read a record at a time, never whole; an object's other members
(and a record or an object of keyed records) are held up to the `record` limit. A JSONL line
may itself be such an object (one API page per line).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import IO, Any

from kg.errors import InputError
from kg.ingest.bounded import CHUNK, Source
from kg.ingest.jsonarray import SKIPPED, iter_array, iter_object
from kg.ingest.limits import DEFAULT_LIMITS, LimitLog, Limits
from kg.ingest.record import is_record, paper_from_record
from kg.ingest.text import clean_text
from kg.records import Paper

__all__ = ["read_json"]

Columns = Mapping[str, str] | None


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


def _keys(keys: list[str]) -> str:
    """Keys of untrusted JSON for a message: the first ten, each cut short."""
    shown = ", ".join(repr(clean_text(k)[:40]) for k in keys[:10])
    return shown + (f" and {len(keys) - 10} more" if len(keys) > 10 else "")


def _ambiguous(where: str, keys: list[str]) -> InputError:
    return InputError(
        f"{where}: more than one list of paper records (under {_keys(keys)}); "
        "keep the one to read, or put each list in a file of its own"
    )


def _records_in(value: Any, where: str, base: str, columns: Columns) -> Iterator[tuple[str, Any, str | None]]:
    """(where, record, id to use when it has none) for each record of one parsed JSON value:
    the value itself, the one list of records it holds, or the records it holds keyed by id."""
    if not isinstance(value, dict) or is_record(value, columns):
        yield where, value, None
        return
    lists = [k for k, v in value.items() if isinstance(v, list) and v and is_record(v[0], columns)]
    if len(lists) > 1:
        raise _ambiguous(base.rstrip(":"), lists)
    if lists:
        for index, record in enumerate(value[lists[0]], start=1):
            yield f"{base}#{index}", record, None
        return
    keyed = [k for k, v in value.items() if is_record(v, columns)]
    for index, key in enumerate(keyed, start=1):
        yield f"{base}#{index}", value[key], key
    if not keyed and any(isinstance(v, (list, dict)) for v in value.values()):
        raise InputError(
            f"{base.rstrip(':')}: no paper records in this JSON object (keys {_keys(list(value))}); expected records "
            "with 'title' or 'abstract', a list of them under one key, or records keyed by id"
        )
    if not keyed:
        yield where, value, None


def read_json(
    fh: IO[str], name: str, limits: Limits = DEFAULT_LIMITS, log: LimitLog | None = None, columns: Columns = None
) -> Iterator[Paper]:
    """Yield papers from JSONL (one object per line) or from a JSON array / object document."""
    log = log or LimitLog(limits)
    src = Source(fh, name)
    if _first_char(src) == "[":
        yield from _read_array(src, name, limits, log, columns)
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
            value: Any = _loads(stripped, name, number)
        except json.JSONDecodeError as exc:
            if first and (number == 1 or stripped == "{"):
                src.unread("\n" * (number - 1) + line + "\n")
                yield from _read_document(src, name, limits, log, columns)
                return
            raise _parse_error(name, number, exc) from None
        first = False
        for where, record, key in _records_in(value, f"{name}:{number}", f"{name}:{number}", columns):
            paper = paper_from_record(record, where, limits, log, default_id=key, columns=columns)
            if paper is not None:
                yield paper


def _read_array(src: Source, name: str, limits: Limits, log: LimitLog, columns: Columns) -> Iterator[Paper]:
    for index, line, value in iter_array(src, limits.record):
        if value is SKIPPED:
            log.skip(f"{name}:{line}", "record", f"record #{index} longer than {limits.record} characters")
            continue
        for where, record, key in _records_in(value, f"{name}:#{index}", f"{name}:#{index}", columns):
            paper = paper_from_record(record, where, limits, log, default_id=key, columns=columns)
            if paper is not None:
                yield paper


def _read_document(src: Source, name: str, limits: Limits, log: LimitLog, columns: Columns) -> Iterator[Paper]:
    """A JSON object spread over lines: its list of records is streamed; other members are
    held (up to `limits.record`) and read as one record or records keyed by id."""
    rest: dict[str, Any] = {}
    size = 0
    listed: str | None = None  # the key of the list of records
    for key, index, line, value, length in iter_object(src, limits.record):
        if index == 1 and key != listed and is_record(value, columns) and not is_record(rest, columns):
            if listed is not None:
                raise _ambiguous(name, [listed, key])
            listed = key
        if key == listed:
            if value is SKIPPED:
                log.skip(f"{name}:{line}", "record", f"record #{index} longer than {limits.record} characters")
            elif (paper := paper_from_record(value, f"{name}:#{index}", limits, log, columns=columns)) is not None:
                yield paper
            continue
        if listed is not None:
            continue  # what sits beside the list of records (counts, metadata) is not read
        size += length
        if limits.record and size > limits.record:
            log.skip(
                f"{name}:{line}", "record",
                f"JSON object of more than {limits.record} characters besides a list of records (kg holds them "
                "whole; write the papers as JSONL, a JSON array or a list under one key, which are read one by one)",
            )
            return
        if index:
            if index == 1 or not isinstance(rest.get(key), list):
                rest[key] = []
            rest[key].append(value)
        else:
            rest[key] = value
    if listed is None:
        for where, record, own in _records_in(rest, f"{name}:#1", f"{name}:", columns):
            paper = paper_from_record(record, where, limits, log, default_id=own, columns=columns)
            if paper is not None:
                yield paper
