"""Per-paper extraction cache and build state, for incremental `kg build`.

The cache is one SQLite database (WAL journal, one transaction per chunk of papers,
so a killed build never corrupts it and keeps what it finished). A paper's entry is
keyed by its content -- ID, title, abstract and metadata, not where it was read
from -- and by the pipeline version, so a changed pipeline (code, gazetteer, model)
misses and re-extracts. Values are the extraction parts of `Extraction.to_dict()`
(entities, repos, relations, results, aliases) as zlib-compressed JSON.

Beside it, per output directory, the cache keeps the state of the last build: a
fingerprint of its inputs and outputs (to skip a build that has nothing to do) and
an index of its node and edge IDs, sorted on disk (to report what the next build added
and removed, in one merge-join of the two files: `BuildState`).

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

import bisect
import gzip
import hashlib
import heapq
import json
import os
import sqlite3
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Protocol, TextIO

from kg.atomic import remove_path
from kg.build.executors import process_running
from kg.errors import KGError
from kg.model import NAMED_TYPES
from kg.records import Paper

__all__ = [
    "CACHE_DIRNAME",
    "INDEX_CHUNK_LINES",
    "BuildState",
    "ExtractionCache",
    "IndexedGraph",
    "content_key",
    "diff_sorted",
    "index_lines",
    "sorted_lines",
    "write_index",
]

CACHE_DIRNAME = ".kg-cache"
_SCHEMA = 1
#: Index lines sorted in memory at a time (about 25 MB of them) before a chunk is spilled to disk.
INDEX_CHUNK_LINES = 200_000


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


class IndexedGraph(Protocol):
    """What the diff index reads of a graph: its nodes with their attributes and its edge keys."""

    def nodes(self, data: bool) -> Iterable[tuple[Any, dict[str, Any]]]: ...

    def edges(self, keys: bool) -> Iterable[tuple[Any, Any, Any]]: ...


def index_lines(G: IndexedGraph) -> Iterator[str]:
    """The lines of `G`'s index, unsorted: ``N\\t{node}\\t{type}\\t{label}`` and ``E\\t{u}\\x1f{key}\\x1f{v}``."""
    for n, d in G.nodes(data=True):
        yield f"N\t{_one_line(str(n))}\t{_one_line(str(d.get('type', '')))}\t{_one_line(str(d.get('label', '')))}\n"
    for u, v, k in G.edges(keys=True):
        edge = f"{u}\x1f{k}\x1f{v}"
        yield f"E\t{_one_line(edge)}\n"


@contextmanager
def sorted_lines(
    lines: Iterable[str], directory: Path, chunk_lines: int = INDEX_CHUNK_LINES, prefix: str = ".sort-"
) -> Iterator[Iterator[str]]:
    """`lines` in sorted order, holding at most `chunk_lines` of them in memory.

    Each full chunk is sorted and spilled to a file of a temporary folder in `directory`
    (named `prefix`...); the last chunk stays in memory; `heapq.merge` reads them all in
    order. The folder goes when the context ends.
    """
    with tempfile.TemporaryDirectory(prefix=prefix, dir=directory) as tmp, ExitStack() as stack:
        runs: list[Iterator[str]] = []
        chunk: list[str] = []
        for line in lines:
            chunk.append(line)
            if len(chunk) >= chunk_lines:
                path = Path(tmp) / f"{len(runs)}.txt"
                _spill(chunk, path)
                runs.append(stack.enter_context(path.open(encoding="utf-8", newline="\n")))
                chunk = []
        chunk.sort()
        yield heapq.merge(*runs, chunk)


def _spill(chunk: list[str], path: Path) -> None:
    """Write `chunk`, sorted, to the file `path`."""
    chunk.sort()
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(chunk)


def write_index(G: IndexedGraph, path: Path, chunk_lines: int = INDEX_CHUNK_LINES, prefix: str = ".sort-") -> None:
    """Write `G`'s index to the gzip file `path`, sorted (`sorted_lines`, spilling beside `path`)."""
    with (
        sorted_lines(index_lines(G), path.parent, chunk_lines, prefix) as lines,
        gzip.open(path, "wt", encoding="utf-8", newline="\n", compresslevel=1) as fh,
    ):
        fh.writelines(lines)


def diff_sorted(old: Iterable[str] | None, new: Iterable[str], examples: int = 10) -> dict[str, Any]:
    """Nodes and edges added and removed since `old`, counted by type, with a few entity names.

    `old` and `new` are index lines in sorted order; a merge-join walks them once. A node
    is matched by its ID alone: one whose type or label changed is neither added nor
    removed. Counted by the type (added, removed) the node has on its side; the entity
    examples are the first `examples` labels, in sorted order, of added (removed) nodes
    of the `NAMED_TYPES`.
    """
    if old is None:
        return {"previous_build": False}
    nodes: dict[str, Counter[str]] = {"added": Counter(), "removed": Counter()}
    edges: dict[str, Counter[str]] = {"added": Counter(), "removed": Counter()}
    named: dict[str, list[str]] = {"added": [], "removed": []}
    try:
        for what, (key, typ, label) in _one_sided(_readable(_records(old)), _records(new)):
            if key.startswith("E"):
                edges[what][typ] += 1
                continue
            nodes[what][typ] += 1
            if typ in NAMED_TYPES:
                _keep_smallest(named[what], label, examples)
    except _UnreadableIndex:
        return {"previous_build": False}
    out: dict[str, Any] = {"previous_build": True}
    for what in ("added", "removed"):
        out[f"nodes_{what}"] = nodes[what].total()
        out[f"nodes_{what}_by_type"] = dict(sorted(nodes[what].items()))
        out[f"entities_{what}_examples"] = named[what]
    for what in ("added", "removed"):
        out[f"edges_{what}"] = edges[what].total()
        out[f"edges_{what}_by_type"] = dict(sorted(edges[what].items()))
    return out


_Record = tuple[str, str, str]


class _UnreadableIndex(Exception):
    """The previous index is truncated or malformed."""


def _readable(records: Iterator[_Record]) -> Iterator[_Record]:
    """`records`, with an error reading or parsing them raised as `_UnreadableIndex`."""
    try:
        yield from records
    except (OSError, ValueError, EOFError, IndexError) as exc:
        raise _UnreadableIndex from exc


def _records(lines: Iterable[str]) -> Iterator[_Record]:
    """(key, type, label) of each sorted index line, the first of lines with the same key only.

    A node's key is ``N\\t{node}\\t``: the ID ends at a tab, which no ID holds, so keys
    compare as the lines do. An edge's key is its whole line (with its newline, which no
    edge holds either), its type the edge key (the second ``\\x1f`` field). Lines out of
    order raise ValueError.
    """
    last = ""
    for line in lines:
        if line.startswith("N"):
            node_end = line.index("\t", 2) + 1
            key = line[:node_end]
            typ, label = line[node_end:].rstrip("\n").split("\t", 1)
        else:
            key, typ, label = line, line.split("\x1f")[1], ""
        if key < last:
            raise ValueError(f"index lines out of order: {key!r} after {last!r}")
        if key != last:
            yield key, typ, label
            last = key


def _one_sided(old: Iterator[_Record], new: Iterator[_Record]) -> Iterator[tuple[str, _Record]]:
    """("removed", record) for each key only in `old`, ("added", record) for each only in `new`."""
    a, b = next(old, None), next(new, None)
    while a is not None and b is not None:
        if a[0] < b[0]:
            yield "removed", a
            a = next(old, None)
        elif b[0] < a[0]:
            yield "added", b
            b = next(new, None)
        else:
            a, b = next(old, None), next(new, None)
    for what, first, rest in (("removed", a, old), ("added", b, new)):
        if first is not None:
            yield what, first
            yield from ((what, r) for r in rest)


def _keep_smallest(kept: list[str], item: str, n: int) -> None:
    """Insert `item` into the sorted list `kept` if it is among the `n` smallest."""
    if len(kept) < n or (kept and item < kept[-1]):
        bisect.insort(kept, item)
        del kept[n:]


class BuildState:
    """What the cache remembers of the last build into one output directory.

    The index of the last build is ``builds/<tag>.index.sorted.gz``, its lines sorted
    (`write_index`), so that the next build's diff is a merge-join of two files
    (`diff_sorted`) and its memory does not grow with the graph. Earlier kg versions wrote
    ``<tag>.index.gz``, unsorted: when only that one is there, `diff` sorts it on the fly
    (`sorted_lines`, spilling to the cache) and `save` removes it. Temporary files are
    named ``<tag>.tmp-<pid>-*``; `write_index` removes those of processes that no longer
    run (a build killed or failed after it wrote its index).
    """

    def __init__(self, cache_dir: str | Path, out_dir: str | Path, chunk_lines: int = INDEX_CHUNK_LINES) -> None:
        self.tag = hashlib.blake2b(str(Path(out_dir).resolve()).encode(), digest_size=8).hexdigest()
        self.dir = Path(cache_dir) / "builds"
        self.state_path = self.dir / f"{self.tag}.json"
        self.index_path = self.dir / f"{self.tag}.index.sorted.gz"
        self.legacy_index_path = self.dir / f"{self.tag}.index.gz"
        self.chunk_lines = chunk_lines
        self._temp = f"{self.tag}.tmp-{os.getpid()}-"

    def load_state(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.state_path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
        except (OSError, ValueError):
            return None

    def write_index(self, G: IndexedGraph) -> Path:
        """Write `G`'s index to a temporary file in the cache and return it; `save` moves it into place."""
        self.dir.mkdir(parents=True, exist_ok=True)
        self._remove_leftovers()
        path = self.dir / f"{self._temp}index.gz"
        try:
            write_index(G, path, self.chunk_lines, self._temp)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path

    def update_index(self, removed: list[str], added: list[str]) -> tuple[Path, dict[str, Any]] | None:
        """The last build's index with the lines `removed` taken out and `added` put in (each
        sorted: the index lines of what changed, then and now), and the diff they make; None
        without a readable last index."""
        if not self.index_path.exists():
            return None
        self.dir.mkdir(parents=True, exist_ok=True)
        self._remove_leftovers()
        path = self.dir / f"{self._temp}index.gz"
        try:
            with _read_gz(self.index_path) as old, gzip.open(
                    path, "wt", encoding="utf-8", newline="\n", compresslevel=1) as fh:
                fh.writelines(heapq.merge(_without(old, removed), added))
        except (OSError, EOFError, ValueError):
            path.unlink(missing_ok=True)
            return None
        return path, diff_sorted(removed, added)

    def diff(self, index: Path) -> dict[str, Any]:
        """What changed from the last build's index to the new `index` (`diff_sorted`)."""
        with ExitStack() as stack:
            old = self._previous_index(stack)
            return diff_sorted(old, stack.enter_context(_read_gz(index)))

    def _previous_index(self, stack: ExitStack) -> Iterator[str] | None:
        """The last build's index lines, sorted; None if there is none or it cannot be read."""
        try:
            if self.index_path.exists():
                return stack.enter_context(_read_gz(self.index_path))
            legacy = stack.enter_context(_read_gz(self.legacy_index_path))
            return stack.enter_context(sorted_lines(legacy, self.dir, self.chunk_lines, self._temp))
        except (OSError, ValueError, EOFError):
            return None

    def save(self, state: dict[str, Any], index: Path | None) -> None:
        """Move the new `index` (from `write_index`) into place, then write the state, each
        atomically: the index first, so the state never names a missing one."""
        self.dir.mkdir(parents=True, exist_ok=True)
        if index is not None:
            index.replace(self.index_path)
            self.legacy_index_path.unlink(missing_ok=True)
        tmp = self.dir / f"{self._temp}state.json"
        tmp.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(self.state_path)

    def _remove_leftovers(self) -> None:
        """Remove what builds into the same directory left: earlier ones of this process, and
        those of processes that no longer run."""
        for path in self.dir.glob(f"{self.tag}.tmp-*"):
            pid = path.name[len(f"{self.tag}.tmp-") :].split("-", 1)[0]
            if not pid.isdigit() or (int(pid) != os.getpid() and process_running(int(pid))):
                continue
            remove_path(path)


def _without(lines: Iterable[str], removed: list[str]) -> Iterator[str]:
    """The sorted `lines` less the sorted `removed` ones (a merge-join)."""
    i = 0
    for line in lines:
        while i < len(removed) and removed[i] < line:
            i += 1
        if i < len(removed) and removed[i] == line:
            i += 1
            continue
        yield line


def _read_gz(path: Path) -> TextIO:
    """The text lines of the gzip file `path`."""
    return gzip.open(path, "rt", encoding="utf-8", newline="\n")


def _one_line(text: str) -> str:
    if "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return text
