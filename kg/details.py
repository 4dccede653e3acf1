"""Paper details on disk: what a big graph need not hold in memory until it is written.

`kg build` assembles the graph with a `DetailTable`: each paper node keeps only its
``type`` and ``label``, and each of its links its ``type``, ``mentions``, ``score`` and
``evidence``, the index of its evidence in the paper's row; the paper's other attributes
(title, abstract, authors, ...) and the links' evidence (field, offsets, mention text,
component, where its sentence starts and stops) go to a file, one JSON row per paper. The
consumers of the graph (admission, the exporters) ask the table for the full attributes
of a paper (`paper`) and of a link (`link`): the same dicts, in the same key order, as
`kg.graph.build_graph` gives without a table, so the outputs are byte-identical.

>>> import tempfile
>>> from kg.graph import build_graph
>>> from kg.records import Extraction, Paper
>>> table = DetailTable(tempfile.mkdtemp() + "/details.jsonl")
>>> G = build_graph([Extraction(paper=Paper(id="p1", title="A title"))], details=table)
>>> G.nodes["paper:p1"]
{'type': 'Paper', 'label': 'A title'}
>>> table.paper("paper:p1", G.nodes["paper:p1"])["title"]
'A title'
>>> table.close()
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

__all__ = ["DetailTable"]

_EVIDENCE = ("field", "start", "end", "text", "component", "sentence")


class DetailTable:
    """Paper rows appended to a file at `path` (replaced if there); an index in memory (one
    integer per paper) finds each paper's latest row, read with one `os.pread`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fh = self.path.open("w+b")
        self._index: dict[str, int] = {}
        self._size = self._flushed = 0
        self._last: tuple[str, list[Any]] | None = None

    def put(self, node: str, attrs: dict[str, Any], evidence: list[dict[str, Any]] | None = None) -> None:
        """Keep the attributes of paper `node` and the evidence of its links, each a dict of
        ``field``, ``start``, ``end``, ``text``, ``component`` and ``sentence`` (the start and
        stop of its sentence in the field), replacing what was kept."""
        links = [[e["field"], e["start"], e["end"], e["text"], e["component"], *e["sentence"]] for e in evidence or ()]
        self._write(node, [attrs, links])

    def _write(self, node: str, row: list[Any]) -> None:
        data = json.dumps(row, ensure_ascii=False).encode("utf-8")
        self._fh.write(data)
        self._index[node] = self._size << 32 | len(data)
        self._size += len(data)
        self._last = None

    def update(self, node: str, **changes: Any) -> None:
        """Change some attributes of paper `node`."""
        row = self._row(node)
        if row is None:
            raise KeyError(node)
        self._write(node, [{**row[0], **changes}, row[1]])

    def _row(self, node: str) -> list[Any] | None:
        """[attributes, evidence rows] of paper `node`."""
        if self._last is not None and self._last[0] == node:
            return self._last[1]
        where = self._index.get(node)
        if where is None:
            return None
        offset, size = where >> 32, where & 0xFFFFFFFF
        if offset + size > self._flushed:
            self._fh.flush()
            self._flushed = self._size
        row: list[Any] = json.loads(os.pread(self._fh.fileno(), size, offset))
        self._last = (node, row)
        return row

    def evidence(self, node: str) -> list[dict[str, Any]]:
        """The evidence of the links of paper `node`, as given to `put`."""
        row = self._row(node)
        return [dict(zip(_EVIDENCE, (*link[:5], link[5:]), strict=True)) for link in row[1]] if row else []

    def paper(self, node: Any, data: dict[str, Any]) -> dict[str, Any]:
        """The full attributes of `node` (`data`, its attributes in the graph, for any other node)."""
        row = self._row(node) if data.get("type") == "Paper" else None
        if row is None:
            return data
        return {**row[0], **data}

    def link(self, source: Any, data: dict[str, Any]) -> dict[str, Any]:
        """The full attributes of a link from `source` (`data`, for a link without evidence)."""
        index = data.get("evidence")
        row = self._row(source) if index is not None else None
        if row is None:
            return data
        attrs, links = row
        field, start, end, text, component, begin, stop = links[index]
        sentence = (attrs.get("title" if field == "title" else "abstract") or "")[begin:stop].strip()
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key == "evidence":
                out.update(field=field, start=start, end=end, text=text, sentence=sentence, component=component)
            else:
                out[key] = value
        return out

    def close(self) -> None:
        """Close the table and remove its file (rows it could not write, on a full disk, are dropped)."""
        with contextlib.suppress(OSError):
            self._fh.close()
        self._index.clear()
        self._last = None
        self.path.unlink(missing_ok=True)
