"""Paper details on disk: what a big graph need not hold in memory until it is written.

`kg build` assembles the graph with a `DetailTable`: each paper node keeps only its
``type`` and ``label``, and its links keep their evidence but not the evidence sentence;
the paper's other attributes (title, abstract, authors, ...) go to a SQLite table. The
consumers of the graph (admission, the exporters) ask the table for the full attributes
of a paper (`paper`) and of a link (`link`): the same dicts, in the same key order, as
`kg.graph.build_graph` gives without a table, so the outputs are byte-identical.

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
        self._last: tuple[str, dict[str, Any]] | None = None

    def put(self, node: str, attrs: dict[str, Any]) -> None:
        """Keep the attributes of paper `node` (replacing what was kept)."""
        self._pending.append((node, json.dumps(attrs, ensure_ascii=False)))
        self._last = None
        if len(self._pending) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO paper VALUES (?, ?)", self._pending)
            self._db.execute("COMMIT")
            self._pending.clear()

    def _attrs(self, node: str) -> dict[str, Any] | None:
        if self._last is not None and self._last[0] == node:
            return self._last[1]
        self._flush()
        row = self._db.execute("SELECT data FROM paper WHERE node = ?", (node,)).fetchone()
        if row is None:
            return None
        attrs: dict[str, Any] = json.loads(row[0])
        self._last = (node, attrs)
        return attrs

    def paper(self, node: Any, data: dict[str, Any]) -> dict[str, Any]:
        """The full attributes of `node` (`data`, its attributes in the graph, for any other node)."""
        attrs = self._attrs(node) if data.get("type") == "Paper" else None
        if attrs is None:
            return data
        return {**attrs, **data}

    def link(self, source: Any, data: dict[str, Any]) -> dict[str, Any]:
        """The full attributes of a link from `source` (`data` with its evidence sentence)."""
        if "sentence" in data or "field" not in data:
            return data
        attrs = self._attrs(source)
        if attrs is None:
            return data
        text = attrs.get("title" if data["field"] == "title" else "abstract") or ""
        sentence = evidence_sentence(text, data["start"], data["end"])
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key == "component":
                out["sentence"] = sentence
            out[key] = value
        return out

    def close(self) -> None:
        """Close the table and remove its file."""
        self._pending.clear()
        self._db.close()
        self.path.unlink(missing_ok=True)
