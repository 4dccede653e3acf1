"""JSON Lines and JSON (an array, or one object) of paper records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from kg.errors import InputError
from kg.ingest.record import paper_from_record
from kg.ingest.text import iter_lines
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


def read_json(fh: IO[str], name: str) -> Iterator[Paper]:
    """Yield papers from JSONL (one object per line) or from a JSON array / object."""
    lines = iter_lines(fh, name)
    for number, line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("["):
            yield from _read_document(stripped, lines, name, number)
            return
        try:
            record: Any = _loads(stripped, name, number)
        except json.JSONDecodeError as exc:
            if number == 1 or stripped == "{":
                yield from _read_document(stripped, lines, name, number)
                return
            raise _parse_error(name, number, exc) from None
        yield paper_from_record(record, f"{name}:{number}")
        break
    for number, line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        try:
            record = _loads(stripped, name, number)
        except json.JSONDecodeError as exc:
            raise _parse_error(name, number, exc) from None
        yield paper_from_record(record, f"{name}:{number}")


def _read_document(
    first: str, rest: Iterator[tuple[int, str]], name: str, first_line: int
) -> Iterator[Paper]:
    text = "\n".join([first, *(line for _, line in rest)])
    try:
        data = _loads(text, name, first_line)
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
        yield paper_from_record(record, f"{name}:#{index}")
