"""Adding papers to a build: the tables a build keeps for the next, and what new papers change.

A build with a cache keeps its graph's tables (`kg.graph.GraphTables`) in
``builds/<tag>.tables/``: the paper rows (`kg.details.DetailTable`'s file, appended to),
the entities as they were before the corpus-wide steps (``raw-<n>.pickle``) and after
(``final-<n>.pickle``), and ``tables.json``, written last, which names generation ``<n>``
and what the build read (how many papers, a digest of their contents and sources, in
order). When the next build's inputs start with those same papers and nothing else that
decides the graph changed, only the papers after them are extracted and added; the
corpus-wide steps run again at entity size, and only the stars of the papers that name an
entity whose outcome changed are settled again (`changed_papers`). `dirty_nodes` gives the
nodes whose output blocks must be written again; the rest are copied from the previous
outputs.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pickle
import secrets
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.admission import AdmissionModel
from kg.atomic import atomic_write, remove_path, replace_path
from kg.build.cache import index_lines
from kg.build.executors import process_running
from kg.details import DetailTable
from kg.export.blocks import open_previous
from kg.export.rdf.blocks import Previous as TurtlePrevious
from kg.graph import GraphTables
from kg.records import Extraction
from kg.tablegraph import TableGraph, read_star

__all__ = [
    "BLOCK_FORMATS", "ROWS", "Added", "Keeping", "Kept", "PrefixCheck", "add_papers", "commit", "load_kept",
    "new_generation", "save_final", "save_raw", "tables_dir",
]

ROWS = "papers.rows"
META = "tables.json"

_RAW = ("entities", "_spellings", "_definitions", "order", "refs", "unlinked")
_FINAL = ("entities", "_merged", "gone", "linked", "stats")


BLOCK_FORMATS = ("json", "graphml")  # the formats a build with kept tables writes in blocks (`kg.export.blocks`)


class Keeping:
    """Where a build keeps its graph's tables for the next: a new build's in a folder of their
    own until the outputs are in place, the kept ones added to. A build adds to them only
    while it holds their lock (another build into the same folder at the same time builds all),
    and `settings` (what decides the graph besides the papers) and the outputs (`outputs()`:
    their sizes and times; `files`, the block formats' paths) are those they were kept with."""

    def __init__(
        self, builds: Path, tag: str, settings: str, outputs: Callable[[], Any], files: dict[str, Path]
    ) -> None:
        self.dir = tables_dir(builds, tag)
        self.fresh = self.dir.with_name(f"{self.dir.name}.tmp-{os.getpid()}")
        for left in builds.glob(f"{self.dir.name}.tmp-*"):  # a killed build's
            pid = left.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not process_running(int(pid)):
                remove_path(left)
        self.settings, self.outputs, self.files = settings, outputs, files
        self.generation = new_generation()
        self.floors: list[float] = []
        self.added = False
        self.rows_written = 0  # the size of the rows file the last full build wrote
        self._lock: Any = None

    def load(self) -> Kept | None:
        """The last build's tables, when they can be added to; not once their rows file, appended
        to by each build that adds papers, is twice what a full build wrote (a full build compacts it)."""
        if not self._locked():
            return None
        kept = load_kept(self.dir, self.settings, self.outputs())
        if kept is not None and (self.dir / ROWS).stat().st_size > 2 * kept.meta.get("rows_written", 0):
            return None
        return kept

    def _locked(self) -> bool:
        """Hold the kept tables' lock (a file beside them) until `clean`; False if another build does."""
        if self._lock is not None:
            return True
        self.dir.parent.mkdir(parents=True, exist_ok=True)
        fh = self.dir.with_name(self.dir.name + ".lock").open("a")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            return False
        self._lock = fh
        return True

    def rows(self) -> Path:
        """The paper rows of a new build."""
        self.fresh.mkdir(parents=True, exist_ok=True)
        return self.fresh / ROWS

    def save_raw(self, tables: GraphTables) -> None:
        save_raw(tables, self.fresh, self.generation)

    def save_final(self, tables: GraphTables, kept: Kept | None) -> None:
        """Keep the settled tables (`kept`'s, added to, or a new build's)."""
        self.floors = list(tables.floors)
        self.added = kept is not None
        if kept is not None:
            self.rows_written = int(kept.meta.get("rows_written", 0))
        save_final(tables, self.dir if self.added else self.fresh, self.generation)

    def blocks(self, kept: Kept | None, added: Added | None) -> dict[str, dict[str, Any]]:
        """The options that write the outputs in blocks: where to keep their indexes, and, when
        papers were `added` to `kept` tables, what to copy from the last build's outputs (and
        the store to update)."""
        here = self.dir if self.added else self.fresh
        options: dict[str, dict[str, Any]] = {fmt: {"blocks": here / f"{fmt}-blocks-{self.generation}.pickle",
                                                     "previous": None} for fmt in BLOCK_FORMATS}
        options["ttl"] = {"index": here / f"ttl-blocks-{self.generation}.json", "previous": None}
        options["store"] = {"previous": None}
        if kept is not None and added is not None:
            for fmt in BLOCK_FORMATS:
                options[fmt]["previous"] = open_previous(self.files[fmt], kept.path(f"{fmt}-blocks"), added.stars)
            options["ttl"]["previous"] = TurtlePrevious(
                self.files["ttl"], kept.path("ttl-blocks", ".json"), added.dirty)
            if self.files["store"].is_dir():
                options["store"]["previous"] = self.files["store"]
        return options

    def commit(self, outputs: Any, papers: int, digest: str, extra_sources: dict[str, list[str]]) -> None:
        """Make these tables the kept ones, once the outputs they match are in place (a build
        adding to the old ones meanwhile names files the new folder does not have: the next
        build builds all)."""
        if not self.added:
            self.rows_written = (self.fresh / ROWS).stat().st_size
            replace_path(self.fresh, self.dir)
        commit(self.dir, {
            "generation": self.generation, "settings": self.settings, "outputs": outputs, "papers": papers,
            "digest": digest, "extra_sources": extra_sources, "floors": self.floors, "rows_written": self.rows_written,
        })

    def clean(self) -> None:
        """Remove a new build's tables left unkept, and let the kept ones go."""
        shutil.rmtree(self.fresh, ignore_errors=True)
        if self._lock is not None:
            self._lock.close()
            self._lock = None


@dataclass
class Kept:
    """The tables of the last build into an output directory (see the module)."""

    dir: Path
    meta: dict[str, Any]
    final: dict[str, Any] = field(default_factory=dict)

    @property
    def papers(self) -> int:
        return int(self.meta["papers"])

    def path(self, name: str, suffix: str = ".pickle") -> Path:
        """A file of this generation (``raw``, ``final``, ``json-blocks``, ...)."""
        return self.dir / f"{name}-{self.meta['generation']}{suffix}"

    def restore(self) -> GraphTables:
        """The tables as the last build left them before the corpus-wide steps, its paper rows
        opened again for appending."""
        tables = GraphTables(DetailTable(self.dir / ROWS, self.final["index"]), *self.meta["floors"])
        with self.path("raw").open("rb") as fh:
            raw = pickle.load(fh)
        for name in _RAW:
            setattr(tables, name, raw[name])
        tables.touched = set()
        return tables


def load_kept(directory: Path, settings: str, outputs: Any) -> Kept | None:
    """The last build's tables in `directory` when they were built with `settings` and the
    outputs are still those it wrote (`outputs`, their sizes and times); else None."""
    try:
        meta = json.loads((directory / META).read_text(encoding="utf-8"))
        if meta.get("settings") != settings or meta.get("outputs") != outputs:
            return None
        kept = Kept(directory, meta)
        with kept.path("final").open("rb") as fh:
            kept.final = pickle.load(fh)
    except (OSError, ValueError, EOFError, pickle.UnpicklingError, KeyError, TypeError):
        return None
    return kept


def save_raw(tables: GraphTables, directory: Path, generation: str) -> None:
    """Keep `tables` as they are before the corpus-wide steps (`GraphTables.finish` changes them)."""
    with atomic_write(directory / f"raw-{generation}.pickle", "wb") as fh:
        pickle.dump({name: getattr(tables, name) for name in _RAW}, fh, protocol=pickle.HIGHEST_PROTOCOL)


def save_final(tables: GraphTables, directory: Path, generation: str) -> None:
    """Keep `tables` as settled, with where the paper rows are."""
    data = {name: getattr(tables, name) for name in _FINAL}
    data["index"] = tables.details.index
    with atomic_write(directory / f"final-{generation}.pickle", "wb") as fh:
        pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)


def commit(directory: Path, meta: dict[str, Any]) -> None:
    """Name generation ``meta["generation"]`` the kept one (atomically), then remove the
    files of the others."""
    with atomic_write(directory / META) as fh:
        json.dump(meta, fh, sort_keys=True)
    current = f"-{meta['generation']}."
    for path in directory.iterdir():
        if path.name not in (META, ROWS) and current not in path.name:
            remove_path(path)


class PrefixCheck:
    """A digest of papers in order: their contents (their extraction cache keys) and sources."""

    def __init__(self) -> None:
        self._hash = hashlib.blake2b(digest_size=16)
        self.count = 0

    def add(self, key: str, sources: Iterable[str]) -> None:
        self._hash.update(key.encode())
        self._hash.update(json.dumps(list(sources)).encode())
        self.count += 1

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def resolve(merged: dict[str, tuple[int, str]], node: str) -> str:
    """The node `node` ended up in after the build's merges."""
    while node in merged:
        node = merged[node][1]
    return node


# what settling a star reads of an entity it names (`kg.graph.GraphTables.settle`): admission
# and the Result labels read the name; the rest of an entity's attributes is its node's alone
SETTLE_READS = ("type", "name", "label")


def changed_papers(kept: Kept, tables: GraphTables) -> tuple[set[int], set[str]]:
    """After `finish`: the numbers of the kept papers whose stars name an entity whose outcome
    for settling changed (what it merged into, or what `SETTLE_READS` of it), and the
    entities (as they are now) whose attributes changed, appeared or went."""
    old, new = kept.final["entities"], tables.entities
    old_merged, new_merged = kept.final["_merged"], tables._merged
    changed: set[str] = set(new.keys() ^ old.keys())
    changed.update(n for n, data in new.items() if n in old and old[n] != data)
    settles = {n for n in changed if n not in old or n not in new
               or any(old[n].get(k) != new[n].get(k) for k in SETTLE_READS)}
    papers: set[int] = set()
    for node, numbers in tables.refs.items():
        before, after = resolve(old_merged, node), resolve(new_merged, node)
        if before != after or before in settles or after in settles:
            papers.update(n for n in numbers if n < kept.papers)
    return papers, changed


def papers_naming(tables: GraphTables, nodes: set[str], limit: int) -> set[int]:
    """The numbers (below `limit`) of the papers whose stars name one of `nodes`, after merges."""
    found: set[int] = set()
    if nodes:
        for node, numbers in tables.refs.items():
            if resolve(tables._merged, node) in nodes:
                found.update(n for n in numbers if n < limit)
    return found


def star_nodes(star: list[Any] | None) -> Iterable[str]:
    """The paper and result nodes of a star's row (`kg.graph.GraphTables`)."""
    if star is None:
        return ()
    return (r for r, _ in star[2])


def dirty_nodes(
    tables: GraphTables, papers: Iterable[str], old_stars: dict[str, Any], entities: set[str]
) -> set[str]:
    """The nodes whose output blocks may differ from the last build's: `papers` (settled
    again or new) with their results then and now (`old_stars`, their stars before), and
    `entities`."""
    dirty = set(entities)
    for pid in papers:
        dirty.add(pid)
        dirty.update(star_nodes(old_stars.get(pid)))
        dirty.update(star_nodes(tables.details.star(pid)))
    return dirty


def tables_dir(builds: Path, tag: str) -> Path:
    """Where the tables of the builds into one output directory are kept."""
    return builds / f"{tag}.tables"


def new_generation() -> str:
    """A name for the files of a new generation, unique to this build."""
    return f"{os.getpid()}x{secrets.token_hex(4)}"


@dataclass
class Added:
    """A graph with papers added to the kept tables (`add_papers`)."""

    graph: TableGraph
    new: list[str]  # the papers added
    dirty: set[str]  # the nodes whose output blocks may have changed
    stars: set[str]  # the papers whose stars (their nodes and edges as read) may have changed
    settled: int  # kept papers settled again
    lines: tuple[list[str], list[str]]  # those stars' index lines (`kg.build.cache`) then and now, sorted


def add_papers(
    kept: Kept, records: Iterable[Extraction], generation: str, model: AdmissionModel | None, evaluate: bool
) -> Added:
    """Add `records` to the kept tables; run the corpus-wide steps and settle the stars they
    change (the raw tables of generation `generation` are kept on the way)."""
    tables = kept.restore()
    for rec in records:
        tables.add(rec)
    save_raw(tables, kept.dir, generation)
    tables.finish(kept.final["entities"], kept.final["_merged"])
    numbers, entities = changed_papers(kept, tables)
    tables.linked = kept.final["linked"]
    again = [tables.order[n] for n in sorted(numbers)]
    new = tables.order[kept.papers:]
    before = {pid: tables.details.star(pid) for pid in again}
    tables.settle(model, evaluate, papers=again + new)
    flipped = kept.final["gone"] ^ tables.gone
    named = papers_naming(tables, flipped, kept.papers)
    # the stars read otherwise now: settled otherwise, new, or naming an entity linked or not now
    papers = [tables.order[n] for n in sorted(numbers | named)
              if n not in numbers or n in named or before[tables.order[n]] != tables.details.star(tables.order[n])]
    papers += new
    dirty = dirty_nodes(tables, papers, before, entities | flipped)
    stars = {*papers, *owners(tables, entities | flipped)}
    tables.stats = kept.final["stats"]
    lines = _recount(tables, kept, stars, before, set(new))
    return Added(TableGraph(tables), new, dirty, stars, len(again), lines)


def _recount(
    tables: GraphTables, kept: Kept, stars: set[str], before: dict[str, Any], new: set[str]
) -> tuple[list[str], list[str]]:
    """Update the kept graph's stats: `stars` as they were read then, out (the `new` papers
    had none); as they are now, in. `before` has the stars settled again as they were.
    Returns their index lines then and now, sorted."""
    stats = tables.stats
    assert stats is not None
    entities, gone = kept.final["entities"], kept.final["gone"]
    then = [read_star(pid, before.get(pid) or tables.details.star(pid), entities, gone) for pid in stars - new]
    now = [read_star(pid, tables.details.star(pid), tables.entities, tables.gone) for pid in stars]
    for star in then:
        stats.remove(star.nodes, star.edges)
    for star in now:
        stats.add(star.nodes, star.edges)
    stats.settle()
    return sorted(index_lines(_Stars(then))), sorted(index_lines(_Stars(now)))


class _Stars:
    """Stars read as a graph (`kg.build.cache.IndexedGraph`)."""

    def __init__(self, stars: list[Any]) -> None:
        self.stars = stars

    def nodes(self, data: bool) -> Iterator[tuple[str, dict[str, Any]]]:
        return ((n, d) for star in self.stars for n, d in star.nodes.items())

    def edges(self, keys: bool) -> Iterator[tuple[str, str, str]]:
        return ((u, v, key) for star in self.stars for u, v, key, _ in star.edges)


def owners(tables: GraphTables, nodes: Iterable[str]) -> set[str]:
    """The papers whose stars show `nodes` (`GraphTables.shown_by`)."""
    return {pid for pid in map(tables.shown_by, nodes) if pid is not None}
