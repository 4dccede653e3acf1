"""CSV (or TSV) with a header row naming a title or abstract column, read within `Limits`.

Columns are found by name (``title``, ``paper_title``, ``abstract``, ``summary``, ...; see
`kg.ingest.record`) or mapped with ``--columns title=COLUMN,abstract=COLUMN``.

A line longer than the `line` (or `record`) limit is dropped while reading, with the row
it holds; a row spread over lines (quoted newlines) longer than `record` stops the file,
as the rest of it cannot be told apart from that row.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import IO

from kg.errors import InputError
from kg.ingest.bounded import Source
from kg.ingest.columns import normalize_key
from kg.ingest.limits import DEFAULT_LIMITS, LimitLog, Limits
from kg.ingest.record import is_record, paper_from_record
from kg.ingest.text import clean_text
from kg.records import Paper

__all__ = ["read_csv"]


class _Lines:
    """The file's lines for `csv.reader`, a dropped line given as an empty one (so line
    numbers still match); counts the characters of the row being read."""

    def __init__(self, src: Source, name: str, limits: Limits, log: LimitLog) -> None:
        self.row_chars = 0
        # a line past either limit is dropped, named by the smaller one
        self._key = min((k for k in ("line", "record") if getattr(limits, k)), key=lambda k: getattr(limits, k),
                        default="line")
        self._lines = src.lines(getattr(limits, self._key), keepends=True)
        self._name, self._limits, self._log = name, limits, log

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        number, line = next(self._lines)
        limits = self._limits
        if line is None:
            limit = getattr(limits, self._key)
            self._log.skip(f"{self._name}:{number}", self._key, f"line longer than {limit} characters")
            return "\n"
        self.row_chars += len(line)
        if limits.record and self.row_chars > limits.record:
            raise InputError(
                f"{self._name}:{number}: a CSV row of more than {limits.record} characters over several lines "
                f"({limits.option('record')}); raise it with --limits record=N or fix the row's quotes"
            )
        return line


def _check_header(fieldnames: Sequence[str], name: str, columns: Mapping[str, str]) -> None:
    """An `InputError` when a mapped column is missing or no title or abstract column is found."""
    header = [normalize_key(h) for h in fieldnames]
    shown = ", ".join(clean_text(h)[:40] for h in fieldnames[:20]) + (", ..." if len(fieldnames) > 20 else "")
    for field, column in columns.items():
        if column not in header:
            raise InputError(f"{name}:1: --columns {field}={column}: no such column; the header has: {shown}")
    if not is_record(dict.fromkeys(header), columns):
        raise InputError(
            f"{name}:1: CSV header has no 'title' or 'abstract' column (found: {shown}); "
            "name them with --columns title=COLUMN,abstract=COLUMN, or add a header row such as id,title,abstract"
        )


def read_csv(
    fh: IO[str],
    name: str,
    delimiter: str = ",",
    limits: Limits = DEFAULT_LIMITS,
    log: LimitLog | None = None,
    columns: Mapping[str, str] | None = None,
) -> Iterator[Paper]:
    """Yield one paper per data row; the header must name a title or abstract column
    (`columns`: {field: column} maps them explicitly)."""
    log = log or LimitLog(limits)
    csv.field_size_limit(min(limits.record or sys.maxsize, 2**31 - 1))
    lines = _Lines(Source(fh, name), name, limits, log)
    reader = csv.DictReader(lines, delimiter=delimiter)
    try:
        _check_header(reader.fieldnames or [], name, columns or {})
        lines.row_chars = 0
        for row in reader:
            lines.row_chars = 0
            record = {k: v for k, v in row.items() if k is not None}
            paper = paper_from_record(record, f"{name}:{reader.line_num}", limits, log, columns=columns)
            if paper is not None:
                yield paper
    except csv.Error as exc:
        raise InputError(f"{name}:{reader.line_num}: malformed CSV ({exc})") from None
