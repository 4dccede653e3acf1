"""Paper rows on disk: what a big graph need not hold in memory until it is written.

The graph is built as tables (`kg.graph.GraphTables`): one row per paper, in a file (or
in memory), holding the paper's attributes (title, abstract, authors, ...), the evidence of
its links (field, offsets, mention text, component, where its sentence starts and stops)
and its *star* (its links, results and their links). Read as a graph
(`kg.tablegraph.TableGraph`), each paper node has only its ``type`` and ``label``, and each
of its links its ``type``, ``mentions``, ``score`` and ``evidence``, the index of its
evidence in the row; the consumers of the graph (admission, the exporters) ask the table
for the full attributes of a paper (`paper`) and of a link (`link`): the same dicts, in the
same key order, as `kg.graph.build_graph`'s graph holds, so the outputs are byte-identical.

>>> import tempfile
>>> from kg.graph import graph_tables
>>> from kg.records import Extraction, Paper
>>> table = DetailTable(tempfile.mkdtemp() + "/details.jsonl")
>>> G = graph_tables([Extraction(paper=Paper(id="p1", title="A title"))], table)
>>> G.nodes["paper:p1"]
{'type': 'Paper', 'label': 'A title'}
>>> table.paper("paper:p1", G.nodes["paper:p1"])["title"]
'A title'
>>> table.close()
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["DetailTable"]

_EVIDENCE = ("field", "start", "end", "text", "component", "sentence")


class DetailTable:
    """Paper rows appended to a file at `path` (replaced if there; in memory when None): for
    each paper its details (attributes and link evidence) and its star as put (*raw*) and as
    last set, records of their own; an index in memory (one integer per paper: where they
    are) finds each, read with one `os.pread`. The index keeps the order papers were first
    put in (`papers`). Given the `index` of an earlier table (`index`, after `keep`), the
    table at `path` is opened again and appended to: what it held stays readable."""

    def __init__(self, path: str | Path | None, index: dict[str, int] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        if self.path is not None and index is not None:
            self._fh: Any = self.path.open("r+b")
            self._size = self._flushed = self._fh.seek(0, os.SEEK_END)
        else:
            self._fh = self.path.open("w+b") if self.path is not None else io.BytesIO()
            self._size = self._flushed = 0
        self._index: dict[str, int] = dict(index or {})
        self._last: tuple[str, list[Any]] | None = None
        self._last_star: tuple[str, Any] | None = None

    def put(
        self, node: str, attrs: dict[str, Any], evidence: list[dict[str, Any]] | None = None, star: Any = None
    ) -> None:
        """Keep the attributes of paper `node` and the evidence of its links, each a dict of
        ``field``, ``start``, ``end``, ``text``, ``component`` and ``sentence`` (the start and
        stop of its sentence in the field), and its `star` (`kg.graph`: the paper's links and
        results), replacing what was kept."""
        links = [[e["field"], e["start"], e["end"], e["text"], e["component"], *e["sentence"]] for e in evidence or ()]
        star_at = self._append(star)
        self._index[node] = _pack(self._append([attrs, links]), star_at, star_at)
        self._last = self._last_star = None

    def papers(self) -> Iterator[str]:
        """The papers put, in the order they were first put."""
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, node: object) -> bool:
        return node in self._index

    @property
    def index(self) -> dict[str, int]:
        """Where each paper's records are (for a table opened again, see the class)."""
        return self._index

    def star(self, node: str) -> Any:
        """The star of paper `node` as last set (None for no paper)."""
        if self._last_star is not None and self._last_star[0] == node:
            return self._last_star[1]
        where = self._index.get(node)
        if where is None:
            return None
        star = self._read(_unpack(where)[2])
        self._last_star = (node, star)
        return star

    def raw_star(self, node: str) -> Any:
        """The star of paper `node` as put (None for no paper)."""
        where = self._index.get(node)
        return None if where is None else self._read(_unpack(where)[1])

    def settled(self, node: str) -> bool:
        """Whether the star of paper `node` was set since it was put."""
        _, raw, star = _unpack(self._index[node])
        return raw != star

    def set_star(self, node: str, star: Any) -> None:
        """Replace the star of paper `node` (the one put stays: `raw_star`)."""
        where = self._index.get(node)
        if where is None:
            raise KeyError(node)
        row, raw, _ = _unpack(where)
        self._index[node] = _pack(row, raw, self._append(star))
        self._last_star = None

    def update(self, node: str, **changes: Any) -> None:
        """Change some attributes of paper `node`."""
        row = self.row(node)
        if row is None:
            raise KeyError(node)
        _, raw, star = _unpack(self._index[node])
        self._index[node] = _pack(self._append([{**row[0], **changes}, row[1]]), raw, star)
        self._last = None

    def row(self, node: str) -> list[Any] | None:
        """[attributes, evidence rows] of paper `node`, None for no paper."""
        if self._last is not None and self._last[0] == node:
            return self._last[1]
        where = self._index.get(node)
        if where is None:
            return None
        row: list[Any] = self._read(_unpack(where)[0])
        self._last = (node, row)
        return row

    def _append(self, value: Any) -> tuple[int, int]:
        """Write `value` as JSON at the end; (offset, size) of the record."""
        data = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")  # text may hold lone surrogates
        self._fh.write(data)
        where = (self._size, len(data))
        self._size += len(data)
        return where

    def _read(self, where: tuple[int, int]) -> Any:
        offset, size = where
        if self.path is None:
            with self._fh.getbuffer() as buffer:
                data = bytes(buffer[offset:offset + size])
        else:
            if offset + size > self._flushed:
                self._fh.flush()
                self._flushed = self._size
            data = os.pread(self._fh.fileno(), size, offset)
        return json.loads(data.decode("utf-8", "surrogatepass"))

    def evidence(self, node: str) -> list[dict[str, Any]]:
        """The evidence of the links of paper `node`, as given to `put`."""
        row = self.row(node)
        return [dict(zip(_EVIDENCE, (*link[:5], link[5:]), strict=True)) for link in row[1]] if row else []

    def paper(self, node: Any, data: dict[str, Any]) -> dict[str, Any]:
        """The full attributes of `node` (`data`, its attributes in the graph, for any other node)."""
        row = self.row(node) if data.get("type") == "Paper" else None
        if row is None:
            return data
        return {**row[0], **data}

    def link(self, source: Any, data: dict[str, Any]) -> dict[str, Any]:
        """The full attributes of a link from `source` (`data`, for a link without evidence)."""
        index = data.get("evidence")
        row = self.row(source) if index is not None else None
        if row is None:
            return data
        attrs, links = row[0], row[1]
        field, start, end, text, component, begin, stop = links[index]
        sentence = (attrs.get("title" if field == "title" else "abstract") or "")[begin:stop].strip()
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key == "evidence":
                out.update(field=field, start=start, end=end, text=text, sentence=sentence, component=component)
            else:
                out[key] = value
        return out

    def __enter__(self) -> DetailTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def keep(self) -> None:
        """Write what is buffered to the file and close it, keeping it (to open again with `index`)."""
        if self._fh.closed:
            return
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()

    def close(self) -> None:
        """Close the table and remove its file (rows it could not write, on a full disk, are dropped)."""
        with contextlib.suppress(OSError):
            self._fh.close()
        self._index.clear()
        self._last = None
        if self.path is not None:
            self.path.unlink(missing_ok=True)


_BITS = 40  # offsets and sizes up to 1 TB
_MASK = (1 << _BITS) - 1


def _pack(*records: tuple[int, int]) -> int:
    """Where a paper's records are (details, star as put, star as set), as one integer."""
    where = 0
    for offset, size in records:
        where = (where << 2 * _BITS) | offset << _BITS | size
    return where


def _unpack(where: int) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    out = []
    for _ in range(3):
        out.append(((where >> _BITS) & _MASK, where & _MASK))
        where >>= 2 * _BITS
    row, raw, star = reversed(out)
    return row, raw, star
