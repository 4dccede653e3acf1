"""The embedded Oxigraph store that `kg build` leaves beside ``kg.ttl`` (``DIR/store/``).

`write_store` builds the store in a temporary directory next to the target and then
renames it into place, so readers never see a half-built store and a failed build
keeps the previous one. `update_store` does the same from a copy of the previous store,
applying the blocks of ``kg.ttl`` that changed (`kg.export.rdf.blocks`).

>>> import tempfile, pathlib
>>> from kg.graph import build_graph
>>> from kg.records import Extraction, Paper
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> G = build_graph([Extraction(paper=Paper(id="p1", title="T"))])
>>> path = write_store(G, d / "store")
>>> len(open_store(path)) > 0
True
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.atomic import replace_path
from kg.errors import KGError
from kg.namespace import DEFAULT_BASE

if TYPE_CHECKING:
    from kg.export.rdf.blocks import Change

__all__ = ["RDF_FORMATS", "is_store", "open_store", "update_store", "write_store"]

# file extension -> pyoxigraph RdfFormat attribute name
RDF_FORMATS = {
    ".ttl": "TURTLE",
    ".nt": "N_TRIPLES",
    ".nq": "N_QUADS",
    ".trig": "TRIG",
    ".jsonld": "JSON_LD",
    ".rdf": "RDF_XML",
    ".owl": "RDF_XML",
}


def rdf_format(path: Path) -> Any:
    """The pyoxigraph `RdfFormat` of a file, from its extension."""
    from pyoxigraph import RdfFormat

    name = RDF_FORMATS.get(path.suffix.lower())
    if name is None:
        raise KGError(
            f"unknown RDF format of {path.name}; use one of: {', '.join(sorted(RDF_FORMATS))} "
            "(or a `kg build` output directory)"
        )
    return getattr(RdfFormat, name)


def is_store(path: Path) -> bool:
    """Whether `path` looks like an Oxigraph (RocksDB) store directory."""
    return path.is_dir() and (path / "CURRENT").is_file()


def write_store(source: nx.MultiDiGraph | str | Path, directory: str | Path,
                base: str = DEFAULT_BASE, *, part_bytes: int | None = None) -> Path:
    """Write an Oxigraph store of `source` (a graph, or an RDF file) to `directory`, atomically.

    Triples go to the store's default graph (the same view as ``kg.ttl``). An existing
    store at `directory` is replaced only once the new one is complete. With `part_bytes`,
    `source` must be kg's own Turtle (see `_turtle_parts`); it is loaded in parts of
    about that size, which bounds the loader's memory (one bulk load of a large file
    takes about 2 GB per thread).
    """
    from pyoxigraph import Store

    target = Path(directory)
    tmp = _staging(target)
    try:
        store = Store(str(tmp))
        if isinstance(source, nx.Graph):
            from kg.export.rdf import iter_quads

            store.bulk_extend(iter_quads(source, base, named_graphs=False))
        else:
            path = Path(source)
            if not path.is_file():
                raise KGError(f"RDF file not found: {path}")
            try:
                if part_bytes:
                    for part in _turtle_parts(path, part_bytes):
                        store.bulk_load(input=part, format=rdf_format(path))
                else:
                    store.bulk_load(path=str(path), format=rdf_format(path))
            except SyntaxError as exc:
                raise KGError(f"cannot load {path}: {exc}") from None
        _flush(store, optimize=True)
        del store  # closed: nothing is written into its folder once it moved
        gc.collect()
        replace_path(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def update_store(previous: str | Path, directory: str | Path, old_ttl: str | Path, new_ttl: str | Path,
                 changes: Iterable[Change], *, optimize: bool = True) -> Path:
    """Write to `directory` the store of `new_ttl`, from the `previous` store (of `old_ttl`) and
    the `changes` between the two files (`kg.export.rdf.blocks.write_blocks`), atomically.

    The previous store is opened read-only and copied (hard links on the same file system);
    the triples of the changed old blocks not in the new ones are removed from the copy, those
    of the new blocks not in the old ones added. Each subject's triples are in one block (kg's
    Turtle), so the copy ends with the triples of `new_ttl`. `previous` is left as it was.
    The copy is flushed and, with `optimize`, compacted as `write_store` does; compacting
    rewrites the whole store (most of the time an update takes), without it the copy keeps
    sharing the previous store's files and the changes stay in a few small ones.
    """
    from pyoxigraph import Store

    changes = list(changes)
    old = _block_triples(Path(old_ttl), [c.old for c in changes if c.old is not None])
    new = _block_triples(Path(new_ttl), [c.new for c in changes if c.new is not None])
    target = Path(directory)
    tmp = _staging(target)
    try:
        copy = tmp / "store"
        source = open_store(previous)
        source.backup(str(copy))
        del source
        store = Store(str(copy))
        for quad in old - new:
            store.remove(quad)
        store.extend(new - old)
        _flush(store, optimize)
        del store  # closed: nothing is written into its folder once it moved
        gc.collect()
        replace_path(copy, target)
    except OSError as exc:
        raise KGError(f"cannot update the store {previous} into {target}: {exc}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _staging(target: Path) -> Path:
    """A new temporary directory beside `target`."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise KGError(f"cannot write the store to {target.parent}: {exc.strerror or exc}") from None


def _flush(store: Any, optimize: bool) -> None:
    """Flush `store` and, with `optimize`, compact it (its caller then closes and moves it)."""
    store.flush()
    if optimize:
        store.optimize()


def _block_triples(path: Path, ranges: list[tuple[int, int]]) -> set[Any]:
    """The quads (default graph) of byte `ranges` of kg's Turtle file `path`, read with its prefix lines."""
    from pyoxigraph import RdfFormat, parse

    if not ranges:
        return set()
    with path.open("rb") as fh:
        fd = fh.fileno()
        data = _prefix_lines(fh) + b"".join(os.pread(fd, length, offset) for offset, length in ranges)
    try:
        return set(parse(input=data, format=RdfFormat.TURTLE))
    except SyntaxError as exc:
        raise KGError(f"cannot read the changed blocks of {path}: {exc}; load the store in full") from None


def _prefix_lines(fh: Any) -> bytes:
    """The prefix lines at the start of a Turtle file open at its start."""
    head = []
    for line in fh:
        if not line.startswith((b"@prefix", b"PREFIX", b"@base", b"BASE")):
            break
        head.append(line)
    return b"".join(head)


def _turtle_parts(path: Path, part_bytes: int) -> Iterator[bytes]:
    """kg's Turtle file in self-contained parts of about `part_bytes`: the prefix lines, then
    whole statements. Relies on how kg writes Turtle (Oxigraph's serializer): literals on
    one line, no blank node labels, so a line ending in " ." ends a statement."""
    with Path(path).open("rb") as fh:
        head: list[bytes] = []
        body: list[bytes] = []
        size = 0
        for line in fh:
            if not body and line.startswith((b"@prefix", b"PREFIX", b"@base", b"BASE")):
                head.append(line)
                continue
            body.append(line)
            size += len(line)
            if size >= part_bytes and line.endswith(b" .\n"):
                yield b"".join(head + body)
                body, size = [], 0
        if body:
            yield b"".join(head + body)


def open_store(directory: str | Path) -> Any:
    """Open a store directory read-only (many processes may read it at once)."""
    from pyoxigraph import Store

    path = Path(directory)
    if not is_store(path):
        raise KGError(f"{path} is not an Oxigraph store; build one with `kg build -o DIR`")
    try:
        return Store.read_only(str(path))
    except OSError as exc:
        raise KGError(f"cannot open the store {path}: {exc}") from None
