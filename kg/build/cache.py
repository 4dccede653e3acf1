"""Per-paper extraction cache and build state, for incremental `kg build`.

The cache is one SQLite database (WAL journal, one transaction per chunk of papers,
so a killed build never corrupts it and keeps what it finished). A paper's entry is
keyed by its content -- ID, title, abstract and metadata, not where it was read
from -- and by the pipeline version, so a changed pipeline (code, gazetteer, model)
misses and re-extracts. Values are the extraction parts of `Extraction.to_dict()`
(entities, repos, relations, results, aliases) as zlib-compressed JSON.

Beside it, per output directory, the cache keeps the state of the last build: a
fingerprint of its inputs and outputs (to skip a build that has nothing to do) and
an index of its node and edge IDs (to report what the next build added and removed).

>>> import tempfile
>>> from kg.records import Paper
>>> cache = ExtractionCache(tempfile.mkdtemp())
>>> key = content_key(Paper(id="p", title="T", sources=("a.txt:1",)), "v1")
>>> key == content_key(Paper(id="p", title="T", sources=("b.txt:9",)), "v1")
True
>>> cache.put_many([(key, '{"entities": []}')])
>>> cache.get_many([key, "nope"]) == {key: '{"entities": []}'}
True
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sqlite3
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import KGError
from kg.model import NAMED_TYPES
from kg.records import Paper

__all__ = ["CACHE_DIRNAME", "BuildState", "ExtractionCache", "content_key", "diff_index", "graph_index"]

CACHE_DIRNAME = ".kg-cache"
_SCHEMA = 1


def content_key(paper: Paper, version: str) -> str:
    """Cache key of `paper` under pipeline `version`: its content, not its `sources`."""
    data = paper.to_dict()
    data.pop("sources", None)
    blob = json.dumps([version, data], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(blob.encode("utf-8"), digest_size=16).hexdigest()


class ExtractionCache:
    """Extraction results by content key, in ``<dir>/extractions.sqlite``.

    The database is created on the first write; reading a cache that does not exist
    yet finds nothing.
    """

    def __init__(self, directory: str | Path) -> None:
        self.dir = Path(directory)
        self.path = self.dir / "extractions.sqlite"
        self._db: sqlite3.Connection | None = None

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if self._db is not None:
            return self._db
        if not create and not self.path.exists():
            return None
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS extraction (key TEXT PRIMARY KEY, data BLOB NOT NULL)"
                " WITHOUT ROWID"
            )
            db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
            row = db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
            if row is None:
                db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(_SCHEMA),))
            elif row[0] != str(_SCHEMA):
                db.execute("DELETE FROM extraction")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(_SCHEMA),))
        except sqlite3.Error as exc:
            raise KGError(
                f"cannot open the build cache {self.path}: {exc}; "
                "delete it, choose another --cache or build with --no-cache"
            ) from None
        except OSError as exc:
            raise KGError(
                f"cannot create the build cache in {self.dir}: {exc.strerror}; "
                "choose a writable --cache or build with --no-cache"
            ) from None
        self._db = db
        return db

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """The cached JSON of those `keys` that are in the cache."""
        db = self._connect(create=False)
        if db is None or not keys:
            return {}
        found: dict[str, str] = {}
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            marks = ",".join("?" * len(part))
            for key, data in db.execute(
                f"SELECT key, data FROM extraction WHERE key IN ({marks})", part
            ):
                found[key] = zlib.decompress(data).decode("utf-8")
        return found

    def put_many(self, items: Iterable[tuple[str, str]]) -> None:
        """Store (key, JSON) pairs in one transaction."""
        rows = [(k, zlib.compress(v.encode("utf-8"), 1)) for k, v in items]
        if not rows:
            return
        db = self._connect(create=True)
        assert db is not None
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO extraction VALUES (?, ?)", rows)
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise KGError(f"cannot write the build cache {self.path}: {exc}; check free disk space") from None

    def __len__(self) -> int:
        db = self._connect(create=False)
        return 0 if db is None else db.execute("SELECT count(*) FROM extraction").fetchone()[0]

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def graph_index(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Node IDs (with type and label) and edge IDs of `G`, for diffs between builds."""
    return {
        "nodes": {
            _one_line(n): (d.get("type", ""), _one_line(str(d.get("label", ""))))
            for n, d in G.nodes(data=True)
        },
        "edges": {_one_line(f"{u}\x1f{k}\x1f{v}") for u, v, k in G.edges(keys=True)},
    }


def diff_index(old: dict[str, Any] | None, new: dict[str, Any], examples: int = 10) -> dict[str, Any]:
    """Nodes and edges added and removed since `old`, counted by type, with a few entity names."""
    if old is None:
        return {"previous_build": False}
    out: dict[str, Any] = {"previous_build": True}
    old_nodes, new_nodes = old["nodes"], new["nodes"]
    for what, src, other in (("added", new_nodes, old_nodes), ("removed", old_nodes, new_nodes)):
        ids = [n for n in src if n not in other]
        by_type = Counter(src[n][0] for n in ids)
        named = sorted(src[n][1] for n in ids if src[n][0] in NAMED_TYPES)
        out[f"nodes_{what}"] = len(ids)
        out[f"nodes_{what}_by_type"] = dict(sorted(by_type.items()))
        out[f"entities_{what}_examples"] = named[:examples]
    for what, a, b in (("added", new["edges"], old["edges"]), ("removed", old["edges"], new["edges"])):
        keys = a - b
        out[f"edges_{what}"] = len(keys)
        out[f"edges_{what}_by_type"] = dict(sorted(Counter(k.split("\x1f")[1] for k in keys).items()))
    return out


class BuildState:
    """What the cache remembers of the last build into one output directory."""

    def __init__(self, cache_dir: str | Path, out_dir: str | Path) -> None:
        tag = hashlib.blake2b(str(Path(out_dir).resolve()).encode(), digest_size=8).hexdigest()
        self.dir = Path(cache_dir) / "builds"
        self.state_path = self.dir / f"{tag}.json"
        self.index_path = self.dir / f"{tag}.index.gz"

    def load_state(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.state_path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
        except (OSError, ValueError):
            return None

    def load_index(self) -> dict[str, Any] | None:
        try:
            nodes: dict[str, tuple[str, str]] = {}
            edges: set[str] = set()
            with gzip.open(self.index_path, "rt", encoding="utf-8") as fh:
                for line in fh:
                    kind, rest = line.rstrip("\n").split("\t", 1)
                    if kind == "N":
                        node, typ, label = rest.split("\t", 2)
                        nodes[node] = (typ, label)
                    else:
                        edges.add(rest)
            return {"nodes": nodes, "edges": edges}
        except (OSError, ValueError, EOFError):
            return None

    def save(self, state: dict[str, Any], index: dict[str, Any] | None) -> None:
        """Write the state (and index) atomically; the index first, so the state never names a missing one."""
        self.dir.mkdir(parents=True, exist_ok=True)
        if index is not None:
            tmp = self.index_path.with_suffix(f".tmp{os.getpid()}")
            with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=1) as fh:
                for node, (typ, label) in index["nodes"].items():
                    fh.write(f"N\t{node}\t{typ}\t{label}\n")
                for edge in index["edges"]:
                    fh.write(f"E\t{edge}\n")
            tmp.replace(self.index_path)
        tmp = self.state_path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(self.state_path)


def _one_line(text: str) -> str:
    if "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return text
