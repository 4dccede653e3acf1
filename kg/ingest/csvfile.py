"""CSV (or TSV) with a header row naming at least `title` or `abstract`, read within `Limits`.

A line longer than the `line` (or `record`) limit is dropped while reading, with the row
it holds; a row spread over lines (quoted newlines) longer than `record` stops the file,
as the rest of it cannot be told apart from that row.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from typing import IO

from kg.errors import InputError
from kg.ingest.bounded import Source
from kg.ingest.limits import DEFAULT_LIMITS, LimitLog, Limits
from kg.ingest.record import paper_from_record
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


def read_csv(
    fh: IO[str], name: str, delimiter: str = ",", limits: Limits = DEFAULT_LIMITS, log: LimitLog | None = None
) -> Iterator[Paper]:
    """Yield one paper per data row; the header must name `title` or `abstract`."""
    log = log or LimitLog(limits)
    csv.field_size_limit(min(limits.record or sys.maxsize, 2**31 - 1))
    lines = _Lines(Source(fh, name), name, limits, log)
    reader = csv.DictReader(lines, delimiter=delimiter)
    try:
        header = [h.lower().strip() for h in (reader.fieldnames or [])]
        if "title" not in header and "abstract" not in header:
            raise InputError(
                f"{name}:1: CSV header has no 'title' or 'abstract' column; "
                "add a header row such as id,title,abstract"
            )
        lines.row_chars = 0
        for row in reader:
            lines.row_chars = 0
            record = {k: v for k, v in row.items() if k is not None}
            paper = paper_from_record(record, f"{name}:{reader.line_num}", limits, log)
            if paper is not None:
                yield paper
    except csv.Error as exc:
        raise InputError(f"{name}:{reader.line_num}: malformed CSV ({exc})") from None
