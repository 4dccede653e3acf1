"""Ingest: stream `Paper` records from listings, JSON/JSONL and CSV files, directories or stdin.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.jsonl").write_text('{"id": "1", "title": "T", "abstract": "A"}\\n')
>>> [p.id for p in read_papers([d])]
['1']
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.errors import InputError
from kg.ingest.csvfile import read_csv
from kg.ingest.jsonfile import read_json
from kg.ingest.limits import DEFAULT_LIMITS, LimitLog, Limits
from kg.ingest.listing import read_listing
from kg.ingest.text import display_name, open_text
from kg.records import Paper

__all__ = ["FORMATS", "Deduplicator", "LimitLog", "Limits", "iter_input_files", "read_file", "read_papers"]

FORMATS = {
    ".txt": "listing",
    ".jsonl": "json",
    ".ndjson": "json",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
}


def _format_of(path: Path | str, head: str) -> str:
    name = str(path).lower().removesuffix(".gz")
    for suffix, fmt in FORMATS.items():
        if name.endswith(suffix):
            return fmt
    stripped = head.lstrip()
    if stripped.startswith(("{", "[")):
        return "json"
    first = stripped.split("\n", 1)[0].lower()
    if "\t" in first and ("title" in first or "abstract" in first):
        return "tsv"
    if "," in first and ("title" in first or "abstract" in first):
        return "csv"
    return "listing"


def iter_input_files(inputs: Iterable[str | Path]) -> Iterator[Path | str]:
    """Expand inputs: files as given, directories walked (sorted, known extensions), `-`."""
    for item in inputs:
        if str(item) == "-":
            yield "-"
            continue
        path = Path(item)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and str(p).lower().removesuffix(".gz").endswith(tuple(FORMATS))
            )
            if not found:
                raise InputError(
                    f"{path}: directory has no input files "
                    f"({', '.join(sorted(FORMATS))}); point kg at the files to read"
                )
            yield from found
        elif path.exists():
            yield path
        else:
            raise InputError(f"{path}: no such file or directory; check the path")


def read_file(path: Path | str, limits: Limits = DEFAULT_LIMITS, log: LimitLog | None = None) -> Iterator[Paper]:
    """Stream the papers of one file, its format detected from extension or content; what
    passes `limits` is skipped or cut, with a warning (counted in `log`)."""
    name = display_name(path)
    log = log or LimitLog(limits)
    fh = open_text(path, limits)
    try:
        try:
            head = fh.buffer.peek(4096)[:4096].decode(fh.encoding, "ignore")  # type: ignore[attr-defined]
        except (AttributeError, LookupError):
            head = ""
        fmt = _format_of(path, head)
        if fmt == "json":
            yield from read_json(fh, name, limits, log)
        elif fmt in ("csv", "tsv"):
            yield from read_csv(fh, name, "\t" if fmt == "tsv" else ",", limits, log)
        else:
            yield from read_listing(fh, name, limits, log)
    finally:
        if str(path) != "-":
            fh.close()


def read_papers(
    inputs: Iterable[str | Path], limits: Limits | None = None, log: LimitLog | None = None
) -> Iterator[Paper]:
    """Stream every input record as a `Paper`, in input order (duplicates included).

    Records past `limits` (default: `Limits()`) are skipped or cut with a warning on
    stderr, counted in `log`. An input with no record at all is an error.
    """
    limits = limits or (log.limits if log is not None else DEFAULT_LIMITS)
    log = log or LimitLog(limits)
    count = 0
    for path in iter_input_files(inputs):
        for paper in read_file(path, limits, log):
            count += 1
            yield paper
    if count == 0:
        names = ", ".join(str(i) for i in inputs) if not isinstance(inputs, Iterator) else "input"
        if log.skipped:
            raise InputError(
                f"{names}: no papers left: {log.skipped} skipped past --limits (see the warnings); "
                "raise the limits they name"
            )
        raise InputError(f"{names}: no papers found; the input is empty")


@dataclass
class Deduplicator:
    """Merge repeated papers (same ID) into the first one, keeping every source.

    `unique(papers)` yields the first occurrence of each ID; `extra_sources[id]` collects
    the sources of later occurrences, to be merged when outputs are written.
    """

    extra_sources: dict[str, list[str]] = field(default_factory=dict)
    conflicts: int = 0
    _seen: dict[str, int] = field(default_factory=dict)

    def unique(self, papers: Iterable[Paper]) -> Iterator[Paper]:
        for paper in papers:
            digest = hash((paper.title, paper.abstract))
            if paper.id in self._seen:
                self.extra_sources.setdefault(paper.id, []).extend(paper.sources)
                if self._seen[paper.id] != digest:
                    self.conflicts += 1
                    print(
                        f"warning: {paper.sources[0]}: duplicate id {paper.id!r} with different "
                        "content; keeping the first",
                        file=sys.stderr,
                    )
                continue
            self._seen[paper.id] = digest
            yield paper

    def merged(self, paper: Paper) -> Paper:
        """`paper` with the sources of its later duplicates added."""
        extra = self.extra_sources.get(paper.id)
        return replace(paper, sources=paper.sources + tuple(extra)) if extra else paper
