"""The daily-papers listing `.txt`: header lines, then title and abstract lines alternating."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

from kg.errors import InputError
from kg.ingest.bounded import Source
from kg.ingest.ids import paper_id
from kg.ingest.limits import DEFAULT_LIMITS, LimitLog, Limits
from kg.ingest.text import clean_text
from kg.records import Paper

__all__ = ["HEADER_LINES", "read_listing"]

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


def read_listing(
    fh: IO[str], name: str, limits: Limits = DEFAULT_LIMITS, log: LimitLog | None = None
) -> Iterator[Paper]:
    """Yield the papers of one listing; a title left without abstract is an error.

    A line longer than `limits.line` is dropped while reading: as an abstract, with its
    paper; where a title is expected, it is an error (as any line too long for a title).
    """
    log = log or LimitLog(limits)
    in_header = True
    title: tuple[int, str] | None = None
    for number, raw in Source(fh, name).lines(limits.line):
        if raw is None:
            if title is None:
                raise InputError(
                    f"{name}:{number}: expected a title line but found more than {limits.line} characters "
                    f"({limits.option('line')}); is a title missing before this abstract?"
                )
            log.skip(f"{name}:{number}", "line", f"abstract line longer than {limits.line} characters "
                     f"(title at line {title[0]})")
            title = None
            continue
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
        title = None
        where = f"{name}:{line_no}"
        if limits.title and len(title_text) > limits.title:
            log.skip(where, "title", f"title of {len(title_text)} characters")
            continue
        if limits.abstract and len(line) > limits.abstract:
            log.cut(f"{name}:{number}", "abstract", f"abstract of {len(line)} characters cut to {limits.abstract}")
            line = line[: limits.abstract].rstrip()
        yield Paper(
            id=paper_id(None, None, title_text, line),
            title=title_text,
            abstract=line,
            sources=(where,),
        )
    if title is not None:
        raise InputError(
            f"{name}:{title[0]}: the last title has no abstract; "
            "add the abstract line after it or remove the title"
        )
