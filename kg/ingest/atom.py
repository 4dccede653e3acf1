"""arXiv API Atom feeds, parsed by expat as they are read, within `Limits`.

No DTD is accepted: entity expansion (a "billion laughs" bomb) and external entities need
one, and arXiv feeds have none. An entry, or the bytes between two entries, longer than the
`record` limit stops the file with one line, so a huge or hostile file is never held.

>>> import io
>>> feed = b'''<feed xmlns="http://www.w3.org/2005/Atom"><entry>
...   <id>http://arxiv.org/abs/2101.00001v2</id><title>A
...   Title</title><summary> An  abstract. </summary><author><name>Ada L</name></author>
... </entry></feed>'''
>>> [(p.id, p.title, p.abstract, p.authors) for p in read_atom(io.BytesIO(feed), "f.xml")]
[('2101.00001', 'A Title', 'An abstract.', ('Ada L',))]
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from typing import IO, Any
from xml.parsers import expat

from kg.errors import InputError
from kg.ingest.limits import DEFAULT_LIMITS, LimitLog, Limits
from kg.ingest.record import paper_from_record
from kg.ingest.text import clean_text
from kg.records import Paper

__all__ = ["read_atom"]

_ATOM = "http://www.w3.org/2005/Atom"
_ARXIV = "http://arxiv.org/schemas/atom"
_CHUNK = 1 << 16
_MAX_DEPTH = 64  # arXiv entries nest 4 deep; the open elements are held
_ABS = re.compile(r"^https?://(?:export\.)?arxiv\.org/abs/(.+?)(?:v\d+)?$")
# element (namespace, local name) -> the record field its text goes to
_TEXT = {
    (_ATOM, "id"): "id", (_ATOM, "title"): "title", (_ATOM, "summary"): "abstract",
    (_ATOM, "published"): "published", (_ATOM, "updated"): "updated", (_ARXIV, "doi"): "doi",
}


class _Feed:
    """Expat handlers that turn each ``<entry>`` into a record dict (kg's field names)."""

    def __init__(self, parser: Any, name: str) -> None:
        self.parser, self.name = parser, name
        self.path: list[tuple[str, str]] = []  # (namespace, local name) of the open elements
        self.entry: dict[str, Any] | None = None
        self.field: str | None = None  # the field whose text is being collected
        self.field_depth = 0  # the depth of its element
        self.text: list[str] = []
        self.done: list[tuple[int, dict[str, Any]]] = []  # (line, record) not yet read
        self.mark = 0  # byte index where the last entry ended

    def doctype(self, *_: Any) -> None:
        raise InputError(
            f"{self.name}:{self.parser.CurrentLineNumber}: XML with a DOCTYPE is not read (entities could "
            "expand without bound); arXiv API feeds have none, remove it"
        )

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        uri, _, local = tag.rpartition(" ")
        uri = uri or _ATOM
        if len(self.path) >= _MAX_DEPTH:
            raise InputError(
                f"{self.name}:{self.parser.CurrentLineNumber}: XML nested more than {_MAX_DEPTH} elements deep; "
                "is it an Atom feed?"
            )
        self.path.append((uri, local))
        if len(self.path) == 1 and (uri, local) not in ((_ATOM, "feed"), (_ATOM, "entry")):
            raise InputError(
                f"{self.name}:1: the XML root is <{clean_text(local)[:40]}>, not an Atom feed; kg reads "
                "arXiv API Atom feeds (export other papers as JSON, CSV or text)"
            )
        if local == "entry" and uri == _ATOM and len(self.path) <= 2:
            self.entry = {"line": self.parser.CurrentLineNumber, "authors": [], "categories": []}
        elif self.entry is not None:
            self._entry_child(uri, local, attrs)

    def _entry_child(self, uri: str, local: str, attrs: dict[str, str]) -> None:
        entry = self.entry
        assert entry is not None
        parent = self.path[-2]
        if parent[1] == "entry":
            if (uri, local) in _TEXT:
                self.field, self.field_depth, self.text = _TEXT[uri, local], len(self.path), []
            elif local == "category" and attrs.get("term"):
                entry["categories"].append(attrs["term"])
            elif local == "link" and attrs.get("rel", "alternate") == "alternate" and "url" not in entry:
                entry["url"] = attrs.get("href")
        elif parent == (_ATOM, "author") and local == "name":
            self.field, self.field_depth, self.text = "author", len(self.path), []

    def data(self, text: str) -> None:
        if self.field is not None:
            self.text.append(text)

    def end(self, tag: str) -> None:
        depth = len(self.path)
        uri, local = self.path.pop()
        entry = self.entry
        if entry is None:
            return
        if self.field is not None and depth == self.field_depth:
            value = "".join(self.text)
            if self.field == "author":
                entry["authors"].append(value)
            else:
                entry.setdefault(self.field, value)
            self.field = None
        if local == "entry" and uri == _ATOM and len(self.path) <= 1:
            self.done.append((entry.pop("line"), entry))
            self.entry = None
            self.mark = self.parser.CurrentByteIndex


def _record(entry: dict[str, Any], where: str) -> dict[str, Any]:
    """kg's record of one entry: the arXiv id without its version, the first date found."""
    ident = clean_text(entry.get("id"))
    if "arxiv.org/api/errors" in ident:
        message = clean_text(entry.get("abstract"))[:200]
        raise InputError(f"{where}: the feed is an arXiv API error ({message}); fix the query and fetch it again")
    match = _ABS.match(ident)
    entry["id"] = match.group(1) if match else ident or None
    entry.setdefault("published", entry.pop("updated", None))
    return entry


def read_atom(
    raw: IO[bytes], name: str, limits: Limits = DEFAULT_LIMITS, log: LimitLog | None = None
) -> Iterator[Paper]:
    """Yield one paper per ``<entry>`` of the Atom feed read from the bytes of `raw`."""
    log = log or LimitLog(limits)
    parser = expat.ParserCreate(namespace_separator=" ")
    feed = _Feed(parser, name)
    parser.StartDoctypeDeclHandler = feed.doctype
    parser.StartElementHandler = feed.start
    parser.EndElementHandler = feed.end
    parser.CharacterDataHandler = feed.data
    read = 0
    while True:
        try:
            chunk = raw.read(_CHUNK)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"{name}: cannot read ({exc}); is it a valid file?") from None
        read += len(chunk)
        try:
            parser.Parse(chunk, not chunk)
        except expat.ExpatError as exc:
            raise InputError(
                f"{name}:{exc.lineno}: malformed XML ({expat.ErrorString(exc.code)} at column {exc.offset + 1}); "
                "fix the file or fetch the feed again"
            ) from None
        for line, entry in feed.done:
            where = f"{name}:{line}"
            paper = paper_from_record(_record(entry, where), where, limits, log)
            if paper is not None:
                yield paper
        feed.done.clear()
        if not chunk:
            return
        if limits.record and read - feed.mark > limits.record:
            raise InputError(
                f"{name}:{parser.CurrentLineNumber}: an Atom entry or the text between entries runs past "
                f"{limits.record} bytes ({limits.option('record')}); "
                "raise it with --limits record=N if the feed is genuine"
            )
