"""Paper details on disk: what a big graph need not hold in memory until it is written.

`kg build` assembles the graph with a `DetailTable`: each paper node keeps only its
``type`` and ``label``, and each of its links its ``type``, ``mentions``, ``score`` and
``evidence``, the index of its evidence in the paper's row; the paper's other attributes
(title, abstract, authors, ...) and the links' evidence (field, offsets, mention text,
component) go to a SQLite table, and the evidence sentence is found again from the offsets.
The consumers of the graph (admission, the exporters) ask the table for the full
attributes of a paper (`paper`) and of a link (`link`): the same dicts, in the same key
order, as `kg.graph.build_graph` gives without a table, so the outputs are byte-identical.

>>> import tempfile
>>> from kg.graph import build_graph
>>> from kg.records import Extraction, Paper
>>> table = DetailTable(tempfile.mkdtemp() + "/details.sqlite")
>>> G = build_graph([Extraction(paper=Paper(id="p1", title="A title"))], details=table)
>>> G.nodes["paper:p1"]
{'type': 'Paper', 'label': 'A title'}
>>> table.paper("paper:p1", G.nodes["paper:p1"])["title"]
'A title'
>>> table.close()
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from kg.graph import evidence_sentence

__all__ = ["DetailTable"]

_BATCH = 1000


class DetailTable:
    """Paper attributes by node ID in a SQLite file at `path` (created, replaced if there)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.unlink(missing_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE paper (node TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID")
        self._pending: list[tuple[str, str]] = []
        self._last: tuple[str, list[Any]] | None = None

    def put(self, node: str, attrs: dict[str, Any], evidence: list[dict[str, Any]] | None = None) -> None:
        """Keep the attributes of paper `node` and the evidence of its links, each a dict of
        ``field``, ``start``, ``end``, ``text``, ``component`` (replacing what was kept)."""
        links = [[e["field"], e["start"], e["end"], e["text"], e["component"]] for e in evidence or ()]
        self._pending.append((node, json.dumps([attrs, links], ensure_ascii=False)))
        self._last = None
        if len(self._pending) >= _BATCH:
            self._flush()

    def update(self, node: str, **changes: Any) -> None:
        """Change some attributes of paper `node`."""
        row = self._row(node)
        if row is None:
            raise KeyError(node)
        attrs, links = row
        self._pending.append((node, json.dumps([{**attrs, **changes}, links], ensure_ascii=False)))
        self._last = None

    def _flush(self) -> None:
        if self._pending:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO paper VALUES (?, ?)", self._pending)
            self._db.execute("COMMIT")
            self._pending.clear()

    def _row(self, node: str) -> list[Any] | None:
        """[attributes, evidence rows] of paper `node`."""
        if self._last is not None and self._last[0] == node:
            return self._last[1]
        self._flush()
        found = self._db.execute("SELECT data FROM paper WHERE node = ?", (node,)).fetchone()
        if found is None:
            return None
        row: list[Any] = json.loads(found[0])
        self._last = (node, row)
        return row

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
        field, start, end, text, component = links[index]
        sentence = evidence_sentence(attrs.get("title" if field == "title" else "abstract") or "", start, end)
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key == "evidence":
                out.update(field=field, start=start, end=end, text=text, sentence=sentence, component=component)
            else:
                out[key] = value
        return out

    def close(self) -> None:
        """Close the table and remove its file."""
        self._pending.clear()
        self._db.close()
        self.path.unlink(missing_ok=True)
