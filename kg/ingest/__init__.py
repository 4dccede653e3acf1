"""Ingest: stream `Paper` records from listings, JSON/JSONL, CSV/TSV and Atom files, directories
or stdin. A directory is walked for the extensions of `FORMATS`; hidden files and folders are
passed over silently, every other file left out is named on stderr with the reason.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.jsonl").write_text('{"id": "1", "title": "T", "abstract": "A"}\\n')
>>> [p.id for p in read_papers([d])]
['1']
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.errors import InputError
from kg.ingest.atom import read_atom
from kg.ingest.columns import parse_columns
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
    ".xml": "atom",
    ".atom": "atom",
}
_EXPORT = "export titles and abstracts as JSON, CSV or text"
_NOT_READ = {  # why a file of a directory is not read, by extension
    ".pdf": f"PDF is not read; {_EXPORT}",
    ".doc": f"Word documents are not read; {_EXPORT}",
    ".docx": f"Word documents are not read; {_EXPORT}",
    ".odt": f"text documents are not read; {_EXPORT}",
    ".xls": "spreadsheets are not read; save the sheet as CSV",
    ".xlsx": "spreadsheets are not read; save the sheet as CSV",
    ".ods": "spreadsheets are not read; save the sheet as CSV",
    ".bib": f"BibTeX is not read; {_EXPORT}",
    ".ris": f"RIS is not read; {_EXPORT}",
    ".html": f"web pages are not read; {_EXPORT}",
    ".htm": f"web pages are not read; {_EXPORT}",
}
SKIPPED_SHOWN = 5  # files of a directory named on stderr when more are left out


def _format_of(path: Path | str, head: str) -> str:
    name = str(path).lower().removesuffix(".gz")
    for suffix, fmt in FORMATS.items():
        if name.endswith(suffix):
            return fmt
    stripped = head.lstrip()
    if stripped.startswith(("{", "[")):
        return "json"
    if stripped.startswith("<"):
        return "atom"
    first = stripped.split("\n", 1)[0].lower()
    if "\t" in first and ("title" in first or "abstract" in first):
        return "tsv"
    if "," in first and ("title" in first or "abstract" in first):
        return "csv"
    return "listing"


def _skip_reason(path: Path) -> str:
    """Why a file found in a directory is not read."""
    suffix = path.suffix.lower()
    if suffix in _NOT_READ:
        return _NOT_READ[suffix]
    what = f"extension {suffix!r} is not read" if suffix else "a file without an extension is not read"
    return f"{what}; kg reads {', '.join(FORMATS)} (and .gz of them)"


def _walk(directory: Path, warn_skipped: bool) -> list[Path]:
    """The input files of `directory` (sorted); the others named on stderr when `warn_skipped`."""
    found, skipped = [], []
    for p in sorted(directory.rglob("*")):
        if not p.is_file() or any(part.startswith(".") for part in p.relative_to(directory).parts):
            continue
        if str(p).lower().removesuffix(".gz").endswith(tuple(FORMATS)):
            found.append(p)
        else:
            skipped.append(p)
    if not found:
        left = ""
        if skipped:
            left = f"; {len(skipped)} other files left out, e.g. {skipped[0]}: {_skip_reason(skipped[0])}"
        raise InputError(
            f"{directory}: directory has no input files ({', '.join(sorted(FORMATS))}){left}; "
            "point kg at the files to read"
        )
    if warn_skipped:
        for p in skipped[:SKIPPED_SHOWN]:
            print(f"skipped {p}: {_skip_reason(p)}", file=sys.stderr)
        if len(skipped) > SKIPPED_SHOWN:
            print(f"skipped {len(skipped) - SKIPPED_SHOWN} more files in {directory} ({len(skipped)} in all)",
                  file=sys.stderr)
    return found


def iter_input_files(inputs: Iterable[str | Path], warn_skipped: bool = False) -> Iterator[Path | str]:
    """Expand inputs: files as given, directories walked (sorted, known extensions), `-`;
    with `warn_skipped`, the files a directory holds that are not read are named on stderr."""
    for item in inputs:
        if str(item) == "-":
            yield "-"
            continue
        path = Path(item)
        if path.is_dir():
            yield from _walk(path, warn_skipped)
        elif path.exists():
            yield path
        else:
            raise InputError(f"{path}: no such file or directory; check the path")


def read_file(
    path: Path | str,
    limits: Limits = DEFAULT_LIMITS,
    log: LimitLog | None = None,
    columns: Mapping[str, str] | None = None,
) -> Iterator[Paper]:
    """Stream the papers of one file, its format detected from extension or content; what
    passes `limits` is skipped or cut, with a warning (counted in `log`). `columns`
    ({field: column}, see `kg.ingest.columns`) names the columns of CSV/TSV and the fields
    of JSON records."""
    name = display_name(path)
    unread = _NOT_READ.get(Path(name.lower().removesuffix(".gz")).suffix)
    if unread:
        raise InputError(f"{name}: {unread}")
    log = log or LimitLog(limits)
    fh = open_text(path, limits)
    try:
        try:
            head = fh.buffer.peek(4096)[:4096].decode(fh.encoding, "ignore")  # type: ignore[attr-defined]
        except (AttributeError, LookupError):
            head = ""
        fmt = _format_of(path, head)
        if fmt == "json":
            yield from read_json(fh, name, limits, log, columns)
        elif fmt in ("csv", "tsv"):
            yield from read_csv(fh, name, "\t" if fmt == "tsv" else ",", limits, log, columns)
        elif fmt == "atom":
            yield from read_atom(fh.buffer, name, limits, log)  # type: ignore[attr-defined]
        else:
            yield from read_listing(fh, name, limits, log)
    finally:
        if str(path) != "-":
            fh.close()


def read_papers(
    inputs: Iterable[str | Path],
    limits: Limits | None = None,
    log: LimitLog | None = None,
    columns: Mapping[str, str] | str | None = None,
) -> Iterator[Paper]:
    """Stream every input record as a `Paper`, in input order (duplicates included).

    Records past `limits` (default: `Limits()`) are skipped or cut with a warning on
    stderr, counted in `log`. `columns` maps record fields to the input's column names
    (``{"title": "paper_title"}`` or ``"title=paper_title"``, as ``--columns``). Files of a
    directory that are not read are named on stderr. An input with no record at all is an error.
    """
    limits = limits or (log.limits if log is not None else DEFAULT_LIMITS)
    log = log or LimitLog(limits)
    mapping = parse_columns(columns)
    count = 0
    for path in iter_input_files(inputs, warn_skipped=True):
        for paper in read_file(path, limits, log, mapping):
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
