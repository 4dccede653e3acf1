"""GraphML export: list attributes become JSON strings (GraphML has no list type)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.atomic import atomic_path

if TYPE_CHECKING:
    from kg.details import DetailTable

__all__ = ["write_graphml"]


def _flat(value: object) -> object:
    if isinstance(value, (list, tuple, set, dict)):
        return json.dumps(sorted(value) if isinstance(value, set) else value, ensure_ascii=False)
    if value is None:
        return ""
    return value


@contextlib.contextmanager
def _flattened(G: nx.MultiDiGraph) -> Iterator[nx.MultiDiGraph]:
    """`G` with every list, set, dict or None attribute value replaced by its flat form
    until the block ends (in place: a flattened copy of a 100k-paper graph took 1 GB)."""
    saved: list[tuple[dict[str, Any], str, Any]] = []
    stores = [G.graph, *(d for _, d in G.nodes(data=True)), *(d for *_, d in G.edges(keys=True, data=True))]
    for store in stores:
        saved.extend((store, k, v) for k, v in store.items() if v is None or isinstance(v, (list, tuple, set, dict)))
    try:
        for store, k, v in saved:
            store[k] = _flat(v)
        yield G
    finally:
        for store, k, v in saved:
            store[k] = v


class _Detailed:
    """What networkx's GraphML writer reads of a graph (its attribute dict, its node and edge
    iterators), with each paper's details from a `DetailTable`, flat like the graph's own."""

    def __init__(self, G: nx.MultiDiGraph, details: DetailTable) -> None:
        self.G, self.details, self.graph = G, details, G.graph

    def is_directed(self) -> bool:
        return bool(self.G.is_directed())

    def is_multigraph(self) -> bool:
        return bool(self.G.is_multigraph())

    def nodes(self, data: bool = True) -> Iterator[tuple[Any, dict[str, Any]]]:
        for node, attrs in self.G.nodes(data=True):
            full = self.details.paper(node, attrs)
            yield node, attrs if full is attrs else {k: _flat(v) for k, v in full.items()}

    def edges(self, keys: bool = True, data: bool = True) -> Iterator[tuple[Any, Any, Any, dict[str, Any]]]:
        for u, v, key, attrs in self.G.edges(keys=True, data=True):
            yield u, v, key, self.details.link(u, attrs)  # evidence values are strings and numbers


def write_graphml(G: nx.MultiDiGraph, path: Path, details: DetailTable | None = None) -> None:
    """Write `G` as GraphML (lists and sets stored as JSON strings), with the paper details of
    `details` when given (`kg.details`)."""
    with atomic_path(path) as tmp, _flattened(G) as flat:
        # lxml writes incrementally: ~10x less memory than the ElementTree writer
        nx.write_graphml_lxml(flat if details is None else _Detailed(flat, details), tmp,
                              encoding="utf-8", prettyprint=True)
