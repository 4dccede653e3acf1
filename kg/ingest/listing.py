"""The daily-papers listing `.txt`: header lines, then title and abstract lines alternating."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

from kg.errors import InputError
from kg.ingest.ids import paper_id
from kg.ingest.text import clean_text, iter_lines
from kg.records import Paper

__all__ = ["read_listing", "HEADER_LINES"]

HEADER_LINES = frozenset(
    {
        "new",
        "get trending papers in your email inbox!",
        "subscribe",
        "daily papers",
        "byak and the research community",
    }
)
_DATE = re.compile(
    r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}(,? \d{4})?$", re.I
)
_MAX_TITLE = 500


def _is_header(line: str) -> bool:
    return line.lower() in HEADER_LINES or bool(_DATE.match(line))


def read_listing(fh: IO[str], name: str) -> Iterator[Paper]:
    """Yield the papers of one listing; a title left without abstract is an error."""
    in_header = True
    title: tuple[int, str] | None = None
    for number, raw in iter_lines(fh, name):
        line = clean_text(raw)
        if not line:
            continue
        if in_header and _is_header(line):
            continue
        in_header = False
        if title is None:
            if len(line) > _MAX_TITLE:
                raise InputError(
                    f"{name}:{number}: expected a title line but found {len(line)} characters; "
                    "is a title missing before this abstract?"
                )
            title = (number, line)
            continue
        line_no, title_text = title
        yield Paper(
            id=paper_id(None, None, title_text, line),
            title=title_text,
            abstract=line,
            sources=(f"{name}:{line_no}",),
        )
        title = None
    if title is not None:
        raise InputError(
            f"{name}:{title[0]}: the last title has no abstract; "
            "add the abstract line after it or remove the title"
        )
