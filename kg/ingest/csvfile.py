"""CSV (or TSV) with a header row naming at least `title` or `abstract`."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO

from kg.errors import InputError
from kg.ingest.record import paper_from_record
from kg.records import Paper

__all__ = ["read_csv"]


def read_csv(fh: IO[str], name: str, delimiter: str = ",") -> Iterator[Paper]:
    """Yield one paper per data row; the header must name `title` or `abstract`."""
    csv.field_size_limit(1 << 28)
    reader = csv.DictReader(fh, delimiter=delimiter)
    try:
        header = [h.lower().strip() for h in (reader.fieldnames or [])]
        if "title" not in header and "abstract" not in header:
            raise InputError(
                f"{name}:1: CSV header has no 'title' or 'abstract' column; "
                "add a header row such as id,title,abstract"
            )
        for row in reader:
            record = {k: v for k, v in row.items() if k is not None}
            yield paper_from_record(record, f"{name}:{reader.line_num}")
    except UnicodeDecodeError:
        raise InputError(
            f"{name}:{reader.line_num + 1}: bytes that are not valid UTF-8; re-save as UTF-8"
        ) from None
    except csv.Error as exc:
        raise InputError(f"{name}:{reader.line_num}: malformed CSV ({exc})") from None
