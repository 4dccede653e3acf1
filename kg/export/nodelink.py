"""Node-link JSON export (the layout of ``networkx.node_link_data``), deterministic and UTF-8.

The file is written item by item: memory stays at one node or edge over the graph
(building ``node_link_data`` of a copy took twice the graph again, +1.6 GB at 100k papers).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.atomic import atomic_write

if TYPE_CHECKING:
    from kg.details import DetailTable

__all__ = ["write_node_link"]


def _plain(value: Any) -> Any:
    return sorted(value) if isinstance(value, set) else value


def _nodes(G: nx.MultiDiGraph, details: DetailTable | None) -> Iterator[dict[str, Any]]:
    for node, data in G.nodes(data=True):
        full = details.paper(node, data) if details is not None else data
        yield {**{k: _plain(v) for k, v in full.items()}, "id": node}


def _edges(G: nx.MultiDiGraph, details: DetailTable | None) -> Iterator[dict[str, Any]]:
    for u, v, key, data in G.edges(keys=True, data=True):
        yield {**(details.link(u, data) if details is not None else data), "source": u, "target": v, "key": key}


def _dump(value: Any, depth: int) -> str:
    """`value` as ``json.dumps(..., indent=1, sort_keys=True)`` would write it `depth` levels deep."""
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    return text.replace("\n", "\n" + " " * depth)  # JSON strings hold no raw newline


def _write_list(fh: Any, items: Iterable[Any]) -> None:
    first = True
    for item in items:
        fh.write("[\n  " if first else ",\n  ")
        fh.write(_dump(item, 2))
        first = False
    fh.write("[]" if first else "\n ]")


def write_node_link(G: nx.MultiDiGraph, path: Path, details: DetailTable | None = None) -> None:
    """Write `G` as node-link JSON (``edges`` key, multigraph keys kept, sets as sorted lists),
    streamed: the bytes ``json.dump(nx.node_link_data(G, edges="edges"), indent=1, sort_keys=True)``
    would write (for the graph with the paper details of `details`, when given)."""
    with atomic_write(path) as fh:
        fh.write('{\n "directed": true,\n "edges": ')
        _write_list(fh, _edges(G, details))
        fh.write(',\n "graph": ' + _dump(dict(G.graph), 1) + ',\n "multigraph": true,\n "nodes": ')
        _write_list(fh, _nodes(G, details))
        fh.write("\n}\n")
